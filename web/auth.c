/* SPDX-License-Identifier: ISC */
/* \summary: web login: credentials, password file, sessions, slow-down */

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "conf.h"
#include "cursor.h"
#include "hmac.h"
#include "xmalloc.h"

struct auth_addr {
	char		 addr[64];	/* "" when free */
	unsigned	 fails;
	uint64_t	 last_ms;
};

struct auth {
	char			*username;
	char			*password;
	bool			 loose;
	uint64_t		 timeout_ms;
	uint8_t			 key[HMAC_SHA256_LEN];	/* signs tokens */
	struct auth_addr	 addrs[AUTH_MAX_ADDRS];
};

/* Failures older than this are forgotten. */
#define AUTH_FORGET_MS		(10 * 60 * 1000)

static void
auth_wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static int
auth_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct auth *
auth_new(void)
{
	struct auth *a = xcalloc(1, sizeof(*a));

	a->timeout_ms = 3600 * 1000;
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	auth_wipe_free(a->username);
	auth_wipe_free(a->password);
	explicit_bzero(a->key, sizeof(a->key));
	free(a);
}

const char *
auth_username(const struct auth *a)
{
	return a->username;
}

const char *
auth_password(const struct auth *a)
{
	return a->password;
}

bool
auth_file_loose(const struct auth *a)
{
	return a->loose;
}

int
auth_random(void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t r;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

bool
auth_equal(const char *given, size_t given_len, const char *expected,
    size_t expected_len)
{
	volatile unsigned char d = 0;
	size_t i;

	/* Walk the expected secret whatever the guess; no early exit. */
	for (i = 0; i < expected_len; i++)
		d |= (unsigned char)expected[i] ^
		    (unsigned char)(i < given_len ? given[i] : 0);
	return d == 0 && given_len == expected_len;
}

char *
auth_expand_path(const char *tmpl, const char *home)
{
	size_t n = 0, hl = strlen(home);
	const char *p;
	char *out, *o;

	for (p = tmpl; *p != '\0'; p++)
		n += (p[0] == '%' && p[1] == 'h') ? hl : 1;
	o = out = xmalloc(n + 1);
	for (p = tmpl; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'h') {
			memcpy(o, home, hl);
			o += hl;
			p++;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* mkdir -p with mode 0700 for what it creates; the last one is forced. */
static int
auth_make_dir(const char *dir)
{
	char *d = xstrdup(dir), *s;
	struct stat st;
	int rc = 0;

	for (s = d + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST)
			rc = -errno;
		*s = '/';
		if (rc != 0)
			break;
	}
	if (rc == 0 && mkdir(d, 0700) != 0 && errno != EEXIST)
		rc = -errno;
	if (rc == 0 && (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)))
		rc = -ENOTDIR;
	/* The folder holds secrets: nobody else may list or enter it. */
	if (rc == 0 && (st.st_mode & 077) != 0 && chmod(d, 0700) != 0)
		rc = -errno;
	free(d);
	return rc;
}

static int
auth_generate(struct auth *a, const char *path, char *err, size_t errlen)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char pw[AUTH_GEN_LEN + 1], *dir, *tmp, *slash, *text;
	uint8_t rnd[64];
	size_t i, n = 0;
	int fd, rc, len;

	/* Rejection sampling: 248 = 4 * 62, so every letter is as likely. */
	while (n < AUTH_GEN_LEN) {
		if (auth_random(rnd, sizeof(rnd)) != 0) {
			snprintf(err, errlen, "no randomness from getrandom");
			return -EIO;
		}
		for (i = 0; i < sizeof(rnd) && n < AUTH_GEN_LEN; i++)
			if (rnd[i] < 248)
				pw[n++] = alphabet[rnd[i] % 62];
	}
	pw[n] = '\0';
	explicit_bzero(rnd, sizeof(rnd));

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if ((rc = auth_make_dir(dir)) != 0) {
			snprintf(err, errlen, "%s: cannot create: %s", dir,
			    strerror(-rc));
			free(dir);
			explicit_bzero(pw, sizeof(pw));
			return rc;
		}
	}
	free(dir);

	/* Written aside and renamed, so a crash never leaves half a file. */
	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		explicit_bzero(pw, sizeof(pw));
		return rc;
	}
	len = xasprintf(&text, "# osprey web login, generated at first start."
	    "\n# Edit to change it; osprey reads it when it starts.\n"
	    "httpd_username=%s\nhttpd_password=%s\n", AUTH_USER, pw);
	rc = 0;
	if (fchmod(fd, 0600) != 0 || write(fd, text, (size_t)len) != len ||
	    fsync(fd) != 0)
		rc = -errno;
	explicit_bzero(text, (size_t)len);
	free(text);
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path,
		    strerror(-rc));
		unlink(tmp);
		free(tmp);
		explicit_bzero(pw, sizeof(pw));
		return rc;
	}
	free(tmp);
	a->username = xstrdup(AUTH_USER);
	a->password = xstrdup(pw);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}

static int
auth_load_file(struct auth *a, const char *path, char *err, size_t errlen)
{
	struct conf *c;
	const char *u, *p;
	struct stat st;
	int rc;

	c = conf_new();
	if ((rc = conf_load_file(c, path, err, errlen)) != 0) {
		conf_free(c);
		return rc;
	}
	u = conf_get(c, "httpd_username", "");
	p = conf_get(c, "httpd_password", "");
	if (*u == '\0' || *p == '\0') {
		snprintf(err, errlen, "%s: needs both httpd_username= and "
		    "httpd_password= (or delete it to generate a login)",
		    path);
		conf_free(c);
		return -EINVAL;
	}
	if (strlen(u) > AUTH_MAX_SECRET || strlen(p) > AUTH_MAX_SECRET) {
		snprintf(err, errlen, "%s: user or password over %d bytes",
		    path, AUTH_MAX_SECRET);
		conf_free(c);
		return -EINVAL;
	}
	a->username = xstrdup(u);
	a->password = xstrdup(p);
	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		a->loose = true;
	/* The store copied the password; wipe it before freeing. */
	explicit_bzero((char *)p, strlen(p));
	conf_free(c);
	return 0;
}

/* Hex digits to bytes; -1 for a bad digit or more than cap bytes. */
static int
auth_hex_decode(const char *hex, size_t len, uint8_t *out, size_t cap)
{
	size_t i;
	int hi, lo;

	if (len % 2 != 0 || len / 2 > cap)
		return -1;
	for (i = 0; i < len; i += 2) {
		if ((hi = auth_hex_value(hex[i])) < 0 ||
		    (lo = auth_hex_value(hex[i + 1])) < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(len / 2);
}

/*
 * The key that signs session tokens: HMAC(secret, login).  Binding the
 * login in means that editing the password and restarting ends every
 * session, as a session table would have; the secret (the core's, so it
 * outlives a worker) means that restarting the worker alone ends none.
 */
static int
auth_derive_key(struct auth *a, const char *secret_hex, char *err,
    size_t errlen)
{
	static const char label[] = "osprey session key";
	uint8_t secret[AUTH_MAX_SECRET_KEY];
	const void *parts[5];
	size_t lens[5];
	int n;

	if (secret_hex != NULL && *secret_hex != '\0') {
		n = auth_hex_decode(secret_hex, strlen(secret_hex), secret,
		    sizeof(secret));
		if (n < AUTH_MIN_SECRET_KEY) {
			snprintf(err, errlen, "session_secret: expected %d to "
			    "%d hex digits", 2 * AUTH_MIN_SECRET_KEY,
			    2 * AUTH_MAX_SECRET_KEY);
			explicit_bzero(secret, sizeof(secret));
			return -EINVAL;
		}
	} else {
		/* Alone: sessions last as long as this process. */
		n = AUTH_MIN_SECRET_KEY;
		if (auth_random(secret, (size_t)n) != 0) {
			snprintf(err, errlen, "no randomness from getrandom");
			return -EIO;
		}
	}
	parts[0] = label;
	lens[0] = sizeof(label);		/* with its NUL */
	parts[1] = a->username;
	lens[1] = strlen(a->username) + 1;
	parts[2] = a->password;
	lens[2] = strlen(a->password);
	hmac_sha256(secret, (size_t)n, parts, lens, 3, a->key);
	explicit_bzero(secret, sizeof(secret));
	return 0;
}

static int
auth_setup_login(struct auth *a, const struct auth_config *cfg,
    enum auth_source *ret_source, char *err, size_t errlen)
{
	int rc;

	if (cfg->username != NULL && *cfg->username != '\0' &&
	    cfg->password != NULL && *cfg->password != '\0') {
		if (strlen(cfg->username) > AUTH_MAX_SECRET ||
		    strlen(cfg->password) > AUTH_MAX_SECRET) {
			snprintf(err, errlen, "httpd_username or "
			    "httpd_password over %d bytes", AUTH_MAX_SECRET);
			return -EINVAL;
		}
		a->username = xstrdup(cfg->username);
		a->password = xstrdup(cfg->password);
		*ret_source = AUTH_FROM_CONFIG;
		return 0;
	}
	if (access(cfg->auth_file, F_OK) == 0) {
		if ((rc = auth_load_file(a, cfg->auth_file, err, errlen)) != 0)
			return rc;
		*ret_source = AUTH_FROM_FILE;
		return 0;
	}
	if (errno != ENOENT) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", cfg->auth_file,
		    strerror(errno));
		return rc;
	}
	if ((rc = auth_generate(a, cfg->auth_file, err, errlen)) != 0)
		return rc;
	*ret_source = AUTH_GENERATED;
	return 0;
}

int
auth_setup(struct auth *a, const struct auth_config *cfg,
    enum auth_source *ret_source, char *err, size_t errlen)
{
	enum auth_source src = AUTH_FROM_CONFIG;
	int rc;

	if (cfg->session_timeout > 0)
		a->timeout_ms = (uint64_t)cfg->session_timeout * 1000;
	auth_wipe_free(a->username);
	auth_wipe_free(a->password);
	a->username = a->password = NULL;
	a->loose = false;
	if ((rc = auth_setup_login(a, cfg, &src, err, errlen)) != 0)
		return rc;
	if ((rc = auth_derive_key(a, cfg->session_secret, err, errlen)) != 0)
		return rc;
	*ret_source = src;
	return 0;
}

static int
auth_b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
auth_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	struct cursor c;
	uint32_t acc = 0;
	size_t n = 0;
	int bits = 0, v;
	uint8_t ch;

	cur_init(&c, in, len);
	while (cur_get_u8(&c, &ch) == 0) {
		if (ch == '=')
			break;
		if ((v = auth_b64_value(ch)) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	/* Only padding may follow the first "=". */
	while (cur_get_u8(&c, &ch) == 0)
		if (ch != '=')
			return -1;
	return (int)n;
}

bool
auth_check_basic(const struct auth *a, const char *header)
{
	uint8_t buf[2 * AUTH_MAX_SECRET + 2];
	const char *p = header, *colon;
	size_t ulen;
	bool ok;
	int n;

	if (a->password == NULL || header == NULL ||
	    strncasecmp(p, "Basic ", 6) != 0)
		return false;
	p += 6;
	while (*p == ' ')
		p++;
	n = auth_base64_decode(p, strcspn(p, " "), buf, sizeof(buf));
	if (n < 0 || (colon = memchr(buf, ':', (size_t)n)) == NULL) {
		explicit_bzero(buf, sizeof(buf));
		return false;
	}
	ulen = (size_t)(colon - (const char *)buf);
	/* Both halves are compared, whatever the first says. */
	ok = auth_equal((const char *)buf, ulen, a->username,
	    strlen(a->username));
	ok &= auth_equal(colon + 1, (size_t)n - ulen - 1, a->password,
	    strlen(a->password));
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

/*
 * A token is 32 bytes, sent as 64 hex digits:
 *
 *   0       8       16                              32
 *   +-------+-------+-------------------------------+
 *   | issued| nonce | HMAC-SHA256(key, 0..15), cut  |
 *   +-------+-------+-------------------------------+
 *
 * issued is the monotonic clock in ms (big-endian), the nonce is random
 * so that two tokens of one millisecond differ.  Nothing is stored: any
 * worker holding the key checks any token, and a flood of logins evicts
 * nobody.
 */
static void
auth_token_tag(const struct auth *a, const uint8_t *body,
    uint8_t tag[AUTH_TAG_LEN])
{
	uint8_t mac[HMAC_SHA256_LEN];
	const void *parts[1] = { body };
	size_t lens[1] = { AUTH_TOKEN_BYTES - AUTH_TAG_LEN };

	hmac_sha256(a->key, sizeof(a->key), parts, lens, 1, mac);
	memcpy(tag, mac, AUTH_TAG_LEN);
	explicit_bzero(mac, sizeof(mac));
}

int
auth_session_new(struct auth *a, uint64_t now_ms,
    char token[AUTH_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t t[AUTH_TOKEN_BYTES];
	size_t i;

	for (i = 0; i < 8; i++)
		t[i] = (uint8_t)(now_ms >> (56 - 8 * i));
	if (auth_random(t + 8, 8) != 0)
		return -EIO;
	auth_token_tag(a, t, t + AUTH_TOKEN_BYTES - AUTH_TAG_LEN);
	for (i = 0; i < sizeof(t); i++) {
		token[2 * i] = hex[t[i] >> 4];
		token[2 * i + 1] = hex[t[i] & 0xf];
	}
	token[AUTH_TOKEN_LEN] = '\0';
	return 0;
}

int
auth_cookie_value(const char *header, const char **ret, size_t *ret_len)
{
	const char *p = header, *v;

	if (header == NULL)
		return -ENOENT;
	/* "a=b; OSPREY=token; c=d": our name at the start of a pair. */
	for (;;) {
		while (*p == ' ' || *p == ';' || *p == '\t')
			p++;
		if (*p == '\0')
			return -ENOENT;
		if (strncmp(p, AUTH_COOKIE "=", sizeof(AUTH_COOKIE)) == 0)
			break;
		if ((p = strchr(p, ';')) == NULL)
			return -ENOENT;
	}
	v = p + sizeof(AUTH_COOKIE);
	*ret = v;
	*ret_len = strcspn(v, "; \t");
	return 0;
}

bool
auth_check_cookie(struct auth *a, const char *header, uint64_t now_ms,
    bool *ret_renew)
{
	uint8_t t[AUTH_TOKEN_BYTES], tag[AUTH_TAG_LEN];
	const char *v;
	uint64_t issued = 0;
	size_t len, i;
	bool ok;

	if (auth_cookie_value(header, &v, &len) != 0 ||
	    len != AUTH_TOKEN_LEN ||
	    auth_hex_decode(v, len, t, sizeof(t)) != AUTH_TOKEN_BYTES)
		return false;
	auth_token_tag(a, t, tag);
	ok = auth_equal((const char *)t + AUTH_TOKEN_BYTES - AUTH_TAG_LEN,
	    AUTH_TAG_LEN, (const char *)tag, AUTH_TAG_LEN);
	for (i = 0; i < 8; i++)
		issued = issued << 8 | t[i];
	explicit_bzero(tag, sizeof(tag));
	/* Signed by us, not from the future, not expired. */
	if (!ok || issued > now_ms || now_ms - issued >= a->timeout_ms)
		return false;
	if (ret_renew != NULL)
		*ret_renew = now_ms - issued >= a->timeout_ms / 4;
	return true;
}

static struct auth_addr *
auth_addr_find(struct auth *a, const char *addr, uint64_t now_ms,
    bool create)
{
	struct auth_addr *free_slot = NULL, *oldest = NULL, *e;
	size_t i;

	for (i = 0; i < AUTH_MAX_ADDRS; i++) {
		e = &a->addrs[i];
		if (e->addr[0] != '\0' && e->last_ms + AUTH_FORGET_MS < now_ms)
			memset(e, 0, sizeof(*e));
		if (e->addr[0] == '\0') {
			if (free_slot == NULL)
				free_slot = e;
			continue;
		}
		if (strcmp(e->addr, addr) == 0)
			return e;
		if (oldest == NULL || e->last_ms < oldest->last_ms)
			oldest = e;
	}
	if (!create)
		return NULL;
	e = free_slot != NULL ? free_slot : oldest;
	memset(e, 0, sizeof(*e));
	snprintf(e->addr, sizeof(e->addr), "%s", addr);
	return e;
}

uint64_t
auth_wait_ms(struct auth *a, const char *addr, uint64_t now_ms)
{
	struct auth_addr *e = auth_addr_find(a, addr, now_ms, false);
	unsigned over;

	if (e == NULL || e->fails < AUTH_FREE_FAILS)
		return 0;
	/*
	 * 250 ms after the third failure, doubling up to the ceiling.  Each
	 * attempt waits from its own arrival, not behind the others: the
	 * attackers sharing an address (a NAT, a proxy) with a user then
	 * delay the user's right password by the ceiling at most, while
	 * their own guesses are held to one per connection per wait.
	 */
	over = e->fails - AUTH_FREE_FAILS;
	if (over >= 3)
		return AUTH_MAX_WAIT_MS;
	return 250ULL << over < AUTH_MAX_WAIT_MS ? 250ULL << over :
	    AUTH_MAX_WAIT_MS;
}

void
auth_note_failure(struct auth *a, const char *addr, uint64_t now_ms)
{
	struct auth_addr *e = auth_addr_find(a, addr, now_ms, true);

	if (e->fails < UINT32_MAX)
		e->fails++;
	e->last_ms = now_ms;
}

void
auth_note_success(struct auth *a, const char *addr)
{
	size_t i;

	for (i = 0; i < AUTH_MAX_ADDRS; i++)
		if (strcmp(a->addrs[i].addr, addr) == 0)
			memset(&a->addrs[i], 0, sizeof(a->addrs[i]));
}
