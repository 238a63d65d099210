/* SPDX-License-Identifier: ISC */
/*
 * \summary: web login: credentials, password file, sessions, slow-down
 *
 * There is no default password (SPEC section 7, "Auth").  The login comes
 * from the global config (httpd_username/httpd_password), else from the
 * per-user auth file, else a random one is generated and written to that
 * file (directory 0700, file 0600) for the caller to show once on the
 * console.  Clients log in with HTTP Basic or the OSPREY session cookie
 * that a Basic login sets.  Secrets are compared in constant time, and an
 * address that keeps failing must wait longer and longer before its next
 * attempt is even looked at.  Nothing here logs or prints a secret.
 */
#ifndef WEB_AUTH_H
#define WEB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_USER		"osprey"	/* the generated login's user */
#define AUTH_GEN_LEN		24	/* generated password, base62 */
#define AUTH_TOKEN_LEN		64	/* session token, hex */
#define AUTH_COOKIE		"OSPREY"
#define AUTH_MAX_SESSIONS	1024
#define AUTH_MAX_ADDRS		256	/* addresses whose failures we count */
#define AUTH_FREE_FAILS		3	/* failures before any wait */
#define AUTH_MAX_WAIT_MS	8000
#define AUTH_MAX_SECRET		256	/* longest user or password */

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
};

struct auth;

/* A new, empty authenticator; never NULL. */
struct auth	*auth_new(void);

/* Wipes the secrets and frees; NULL is a no-op. */
void		 auth_free(struct auth *);

/*
 * Settle the login as described above.  Returns 0 and *ret_source, or a
 * negative errno with the reason in err: the auth file cannot be read,
 * holds a malformed line, or has only one of the two keys; the file or
 * its directory cannot be created.
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
 * Start a session at now_ms; the token (AUTH_TOKEN_LEN hex characters
 * and a NUL) is written to token.  The oldest session makes room when
 * the table is full.  Returns 0 or -EIO when no randomness is to be had.
 */
int		 auth_session_new(struct auth *, uint64_t now_ms,
		    char token[AUTH_TOKEN_LEN + 1]);

/*
 * Check a Cookie header value for a live OSPREY session; a live session
 * is extended by the session timeout.  True when one is found.
 */
bool		 auth_check_cookie(struct auth *, const char *header,
		    uint64_t now_ms);

/*
 * Milliseconds the next attempt from addr must wait before it is
 * checked (0 when it may go now).
 */
uint64_t	 auth_wait_ms(struct auth *, const char *addr, uint64_t now_ms);

/* Count a failed attempt from addr, lengthening its next wait. */
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
