/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the web login: file, Basic, sessions, slow-down */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "conf.h"
#include "hmac.h"

static char tmpdir[64];

static int
setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/osprey-test-auth-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* "Basic " and the base64 of s. */
static void
basic(const char *s, char *out)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), i, o = 6;
	uint32_t v;

	memcpy(out, "Basic ", 6);
	for (i = 0; i < n; i += 3) {
		v = (uint32_t)(uint8_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(uint8_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (uint8_t)s[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

static void
test_generated_file(void **state)
{
	struct auth_config cfg = { 0 };
	struct auth *a = auth_new(), *b = auth_new();
	enum auth_source src;
	char *file, err[256], hdr[256], login[128];
	struct conf *c = conf_new();
	struct stat st;
	const char *pw;

	file = auth_expand_path("%h/.osprey/osprey_httpd.conf", tmpdir);
	cfg.auth_file = file;
	assert_int_equal(auth_setup(a, &cfg, &src, err, sizeof(err)), 0);
	assert_int_equal(src, AUTH_GENERATED);
	assert_string_equal(auth_username(a), "osprey");
	pw = auth_password(a);
	assert_int_equal(strlen(pw), AUTH_GEN_LEN);
	assert_int_equal(strspn(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789"), AUTH_GEN_LEN);

	/* Folder 0700, file 0600, and the file holds the login. */
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	*strrchr(file, '/') = '\0';
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	file[strlen(file)] = '/';
	assert_int_equal(conf_load_file(c, file, err, sizeof(err)), 0);
	assert_string_equal(conf_get(c, "httpd_username", ""), "osprey");
	assert_string_equal(conf_get(c, "httpd_password", ""), pw);

	/* The next start reads it back, and the login works. */
	assert_int_equal(auth_setup(b, &cfg, &src, err, sizeof(err)), 0);
	assert_int_equal(src, AUTH_FROM_FILE);
	assert_string_equal(auth_password(b), pw);
	assert_false(auth_file_loose(b));
	snprintf(login, sizeof(login), "osprey:%s", pw);
	basic(login, hdr);
	assert_true(auth_check_basic(b, hdr));

	/* Global settings win over the file. */
	cfg.username = "admin";
	cfg.password = "correct horse";
	assert_int_equal(auth_setup(b, &cfg, &src, err, sizeof(err)), 0);
	assert_int_equal(src, AUTH_FROM_CONFIG);
	assert_false(auth_check_basic(b, hdr));
	basic("admin:correct horse", hdr);
	assert_true(auth_check_basic(b, hdr));

	auth_free(a);
	auth_free(b);
	conf_free(c);
	free(file);
}

static void
test_file_edits_and_errors(void **state)
{
	struct auth_config cfg = { 0 };
	struct auth *a = auth_new();
	enum auth_source src;
	char file[128], err[256], hdr[256];
	FILE *fp;

	snprintf(file, sizeof(file), "%s/edited.conf", tmpdir);
	cfg.auth_file = file;
	fp = fopen(file, "w");
	fputs("httpd_username=bob\nhttpd_password=hunter22\n", fp);
	fclose(fp);
	chmod(file, 0644);
	assert_int_equal(auth_setup(a, &cfg, &src, err, sizeof(err)), 0);
	assert_int_equal(src, AUTH_FROM_FILE);
	assert_true(auth_file_loose(a));
	basic("bob:hunter22", hdr);
	assert_true(auth_check_basic(a, hdr));

	/* Half a login is an error, not a silent default. */
	fp = fopen(file, "w");
	fputs("httpd_username=bob\n", fp);
	fclose(fp);
	assert_int_equal(auth_setup(a, &cfg, &src, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "httpd_password"));
	/* The error never holds a secret: there is none to hold here. */
	fp = fopen(file, "w");
	fputs("httpd_password\n", fp);
	fclose(fp);
	assert_int_equal(auth_setup(a, &cfg, &src, err, sizeof(err)),
	    -EBADMSG);
	assert_non_null(strstr(err, "line 1"));
	auth_free(a);
}

static void
test_basic_parsing(void **state)
{
	struct auth_config cfg = { "u", "p:w", "/nonexistent", 0, NULL };
	struct auth *a = auth_new();
	enum auth_source src;
	char err[128], hdr[256];

	assert_int_equal(auth_setup(a, &cfg, &src, err, sizeof(err)), 0);
	basic("u:p:w", hdr);
	assert_true(auth_check_basic(a, hdr));
	hdr[0] = 'b';				/* scheme is any case */
	assert_true(auth_check_basic(a, hdr));
	basic("u:p:x", hdr);
	assert_false(auth_check_basic(a, hdr));
	basic("u:p:", hdr);
	assert_false(auth_check_basic(a, hdr));
	basic("up:w", hdr);
	assert_false(auth_check_basic(a, hdr));
	basic("nocolon", hdr);
	assert_false(auth_check_basic(a, hdr));
	assert_false(auth_check_basic(a, "Basic !!!!"));
	assert_false(auth_check_basic(a, "Basic dTpwOnc=x"));
	assert_false(auth_check_basic(a, "Bearer dTpwOnc="));
	assert_false(auth_check_basic(a, "Basic"));
	assert_false(auth_check_basic(a, NULL));
	/* Unpadded base64 is fine. */
	assert_true(auth_check_basic(a, "Basic dTpwOnc"));
	auth_free(a);

	assert_true(auth_equal("abc", 3, "abc", 3));
	assert_false(auth_equal("abc", 3, "abd", 3));
	assert_false(auth_equal("ab", 2, "abc", 3));
	assert_false(auth_equal("abcd", 4, "abc", 3));
	assert_true(auth_equal("", 0, "", 0));
}

static void
test_sessions(void **state)
{
	struct auth_config cfg = { "u", "p", "/nonexistent", 60,
	    "00112233445566778899aabbccddeeff" };
	struct auth *a = auth_new(), *b;
	enum auth_source src;
	char err[128], t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
	char cookie[256];
	bool renew = true;
	unsigned i;

	assert_int_equal(auth_setup(a, &cfg, &src, err, sizeof(err)), 0);
	assert_int_equal(auth_session_new(a, 1000, t1), 0);
	assert_int_equal(auth_session_new(a, 1000, t2), 0);
	assert_int_equal(strlen(t1), AUTH_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	snprintf(cookie, sizeof(cookie), "theme=dark; OSPREY=%s; x=y", t1);
	assert_true(auth_check_cookie(a, cookie, 2000, &renew));
	assert_false(renew);
	/* Past a quarter of its minute: still good, and due for renewal. */
	assert_true(auth_check_cookie(a, cookie, 16001, &renew));
	assert_true(renew);
	assert_true(auth_check_cookie(a, cookie, 60999, NULL));
	assert_false(auth_check_cookie(a, cookie, 61000, NULL));
	/* Not from the future. */
	assert_false(auth_check_cookie(a, cookie, 999, NULL));
	snprintf(cookie, sizeof(cookie), "NOTOSPREY=%s", t2);
	assert_false(auth_check_cookie(a, cookie, 1000, NULL));
	snprintf(cookie, sizeof(cookie), "OSPREY=%s", t2);
	assert_true(auth_check_cookie(a, cookie, 1000, NULL));
	/* Every bit of the token counts: time, nonce and signature. */
	for (i = 0; i < AUTH_TOKEN_LEN; i++) {
		char saved = cookie[7 + i];

		cookie[7 + i] = saved == '0' ? '1' : '0';
		assert_false(auth_check_cookie(a, cookie, 1000, NULL));
		cookie[7 + i] = saved;
	}
	assert_false(auth_check_cookie(a, "OSPREY=short", 1000, NULL));
	assert_false(auth_check_cookie(a, NULL, 1000, NULL));

	/* A new worker with the same secret and login knows the token... */
	b = auth_new();
	assert_int_equal(auth_setup(b, &cfg, &src, err, sizeof(err)), 0);
	assert_true(auth_check_cookie(b, cookie, 2000, NULL));
	auth_free(b);
	/* ... not with another password ... */
	cfg.password = "q";
	b = auth_new();
	assert_int_equal(auth_setup(b, &cfg, &src, err, sizeof(err)), 0);
	assert_false(auth_check_cookie(b, cookie, 2000, NULL));
	auth_free(b);
	/* ... nor another secret, and a bad secret is an error. */
	cfg.password = "p";
	cfg.session_secret = "ffeeddccbbaa99887766554433221100";
	b = auth_new();
	assert_int_equal(auth_setup(b, &cfg, &src, err, sizeof(err)), 0);
	assert_false(auth_check_cookie(b, cookie, 2000, NULL));
	cfg.session_secret = "0011";
	assert_int_equal(auth_setup(b, &cfg, &src, err, sizeof(err)),
	    -EINVAL);
	cfg.session_secret = "zz112233445566778899aabbccddeeff";
	assert_int_equal(auth_setup(b, &cfg, &src, err, sizeof(err)),
	    -EINVAL);
	auth_free(b);
	auth_free(a);
}

static void
test_slowdown(void **state)
{
	struct auth *a = auth_new();
	uint64_t t = 100000;
	unsigned i;

	for (i = 1; i < AUTH_FREE_FAILS; i++) {
		auth_note_failure(a, "192.0.2.1", t);
		assert_int_equal(auth_wait_ms(a, "192.0.2.1", t), 0);
	}
	auth_note_failure(a, "192.0.2.1", t);
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t), 250);
	/* Attempts do not queue: each waits from its own arrival. */
	auth_note_failure(a, "192.0.2.1", t);
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t), 500);
	auth_note_failure(a, "192.0.2.1", t);
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t), 1000);
	/* Other addresses are not slowed. */
	assert_int_equal(auth_wait_ms(a, "192.0.2.2", t), 0);
	/* However many fail, the wait stays at the ceiling. */
	for (i = 0; i < 100000; i++)
		auth_note_failure(a, "192.0.2.1", t + 750);
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t + 750),
	    AUTH_MAX_WAIT_MS);
	assert_true(AUTH_MAX_WAIT_MS <= 1000);
	auth_note_success(a, "192.0.2.1");
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t + 750), 0);
	/* Forgotten after ten quiet minutes. */
	for (i = 0; i < 5; i++)
		auth_note_failure(a, "192.0.2.3", t);
	assert_int_equal(auth_wait_ms(a, "192.0.2.3", t + 11 * 60000), 0);
	/* More addresses than the table holds: the oldest make room. */
	for (i = 0; i < 2 * AUTH_MAX_ADDRS; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.0.%u.%u", i / 256, i % 256);
		auth_note_failure(a, addr, t + i);
	}
	auth_free(a);
}

/* RFC 4231 test cases 1, 2 and 6; FIPS 180-4's "abc" example. */
static void
test_hmac_sha256(void **state)
{
	static const uint8_t abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41,
		0x40, 0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3,
		0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00,
		0x15, 0xad,
	};
	static const uint8_t tc1[32] = {
		0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8,
		0xaf, 0xce, 0xaf, 0x0b, 0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00,
		0xc9, 0x83, 0x3d, 0xa7, 0x26, 0xe9, 0x37, 0x6c, 0x2e, 0x32,
		0xcf, 0xf7,
	};
	static const uint8_t tc2[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04,
		0x24, 0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08,
		0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec,
		0x38, 0x43,
	};
	static const uint8_t tc6[32] = {
		0x60, 0xe4, 0x31, 0x59, 0x1e, 0xe0, 0xb6, 0x7f, 0x0d, 0x8a,
		0x26, 0xaa, 0xcb, 0xf5, 0xb7, 0x7f, 0x8e, 0x0b, 0xc6, 0x21,
		0x37, 0x28, 0xc5, 0x14, 0x05, 0x46, 0x04, 0x0f, 0x0e, 0xe3,
		0x7f, 0x54,
	};
	static const char msg6[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t key[131], out[32];
	const void *parts[2];
	size_t lens[2];

	hmac_sha256_digest("abc", 3, out);
	assert_memory_equal(out, abc, 32);
	memset(key, 0x0b, 20);
	parts[0] = "Hi There";
	lens[0] = 8;
	hmac_sha256(key, 20, parts, lens, 1, out);
	assert_memory_equal(out, tc1, 32);
	/* The message in two parts hashes as one. */
	parts[0] = "what do ya want ";
	lens[0] = 16;
	parts[1] = "for nothing?";
	lens[1] = 12;
	hmac_sha256("Jefe", 4, parts, lens, 2, out);
	assert_memory_equal(out, tc2, 32);
	memset(key, 0xaa, sizeof(key));
	parts[0] = msg6;
	lens[0] = strlen(msg6);
	hmac_sha256(key, sizeof(key), parts, lens, 1, out);
	assert_memory_equal(out, tc6, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated_file),
		cmocka_unit_test(test_file_edits_and_errors),
		cmocka_unit_test(test_basic_parsing),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_slowdown),
		cmocka_unit_test(test_hmac_sha256),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
