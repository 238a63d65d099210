/* SPDX-License-Identifier: ISC */
/*
 * \summary: web login: credentials, password file, sessions, slow-down
 *
 * There is no default password (doc/web.md, "Logins").  The login comes
 * from the global config (httpd_username/httpd_password), else from the
 * per-user auth file, else a random one is generated and written to that
 * file (directory 0700, file 0600) for the caller to show once on the
 * console.  Clients log in with HTTP Basic or the OSPREY session cookie
 * that a Basic login sets.  Session tokens are signed, not stored (see
 * auth_session_new), with a key derived from a secret the core keeps, so
 * they survive a restart of the worker and cost nothing to hand out.
 * Secrets are compared in constant time, and an address that keeps
 * failing waits before its next attempt is looked at, up to a ceiling of
 * a second.  Nothing here logs or prints a secret.
 */
#ifndef WEB_AUTH_H
#define WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_USER		"osprey"	/* the generated login's user */
#define AUTH_GEN_LEN		24	/* generated password, base62 */
#define AUTH_TOKEN_BYTES	32	/* issued, nonce, tag */
#define AUTH_TAG_LEN		16	/* of the token's 32 bytes */
#define AUTH_TOKEN_LEN		(2 * AUTH_TOKEN_BYTES)	/* in hex */
#define AUTH_COOKIE		"OSPREY"
#define AUTH_MAX_ADDRS		256	/* addresses whose failures we count */
#define AUTH_FREE_FAILS		3	/* failures before any wait */
#define AUTH_MAX_WAIT_MS	1000	/* the ceiling of that wait */
#define AUTH_MAX_SECRET		256	/* longest user or password */
#define AUTH_MIN_SECRET_KEY	16	/* session_secret, bytes */
#define AUTH_MAX_SECRET_KEY	64

enum auth_source {
	AUTH_FROM_CONFIG = 1,	/* global httpd_username/httpd_password */
	AUTH_FROM_FILE,		/* the per-user auth file */
	AUTH_GENERATED,		/* generated now and written to the file */
};

struct auth_config {
	const char	*username;	/* global config, or NULL */
	const char	*password;	/* global config, or NULL */
	const char	*auth_file;	/* the per-user file, "%h" expanded */
	unsigned	 session_timeout; /* seconds of idleness */
	/*
	 * Hex; the core's, kept across worker restarts.  NULL: a random
	 * one for this process only.
	 */
	const char	*session_secret;
};

struct auth;

/* A new, empty authenticator; never NULL. */
struct auth	*auth_new(void);

/* Wipes the secrets and frees; NULL is a no-op. */
void		 auth_free(struct auth *);

/*
 * Settle the login as described above and derive the session key from
 * the secret and the login.  Returns 0 and *ret_source, or a negative
 * errno with the reason in err: the auth file cannot be read, holds a
 * malformed line, or has only one of the two keys; the file or its
 * directory cannot be created; the secret is not 16 to 64 bytes of hex.
 */
int		 auth_setup(struct auth *, const struct auth_config *,
		    enum auth_source *ret_source, char *err, size_t errlen);

/* The user name in force. */
const char	*auth_username(const struct auth *);

/*
 * The password in force.  The caller may show it once on the console
 * when auth_setup said AUTH_GENERATED; never anywhere else.
 */
const char	*auth_password(const struct auth *);

/* True when the auth file was readable by group or others. */
bool		 auth_file_loose(const struct auth *);

/*
 * Expand "%h" in a path template to home.  Returns a new string the
 * caller frees.
 */
char		*auth_expand_path(const char *tmpl, const char *home);

/*
 * Check an Authorization header value ("Basic base64(user:password)").
 * True when it names the login in force.
 */
bool		 auth_check_basic(const struct auth *, const char *header);

/*
 * Decode base64 (RFC 4648 section 4, "=" padding optional) from len bytes
 * at in into out.  Returns the length, or -1 for a bad character, data
 * after padding, or more than cap bytes.
 */
int		 auth_base64_decode(const char *in, size_t len, uint8_t *out,
		    size_t cap);

/*
 * Start a session at now_ms (the monotonic clock): a token signed with
 * the session key (AUTH_TOKEN_LEN hex characters and a NUL) is written
 * to token.  Returns 0 or -EIO when no randomness is to be had.
 */
int		 auth_session_new(struct auth *, uint64_t now_ms,
		    char token[AUTH_TOKEN_LEN + 1]);

/*
 * Find the OSPREY cookie in a Cookie header value: 0 with its value (not
 * NUL-terminated) in *ret and *ret_len, or -ENOENT.
 */
int		 auth_cookie_value(const char *header, const char **ret,
		    size_t *ret_len);

/*
 * Check a Cookie header value for a valid OSPREY token: signed with this
 * login's key and issued less than the session timeout ago.  When true,
 * *ret_renew (may be NULL) says the token is past a quarter of its life
 * and the answer should carry a fresh one, so a session in use never
 * runs out.
 */
bool		 auth_check_cookie(struct auth *, const char *header,
		    uint64_t now_ms, bool *ret_renew);

/*
 * Milliseconds an attempt from addr arriving now waits before it is
 * checked: 0 for the first AUTH_FREE_FAILS failures, then 250 ms,
 * doubling, at most AUTH_MAX_WAIT_MS.
 */
uint64_t	 auth_wait_ms(struct auth *, const char *addr, uint64_t now_ms);

/* Count a failed attempt from addr, lengthening its next waits. */
void		 auth_note_failure(struct auth *, const char *addr,
		    uint64_t now_ms);

/* Forget addr's failures after a good login. */
void		 auth_note_success(struct auth *, const char *addr);

/*
 * Compare two secrets in time that depends only on the length of the
 * expected one.  True when equal.
 */
bool		 auth_equal(const char *given, size_t given_len,
		    const char *expected, size_t expected_len);

/* Fill buf with n bytes from the kernel CSPRNG.  0 or -EIO. */
int		 auth_random(void *buf, size_t n);

#endif
