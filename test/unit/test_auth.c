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
	struct auth_config cfg = { "u", "p:w", "/nonexistent", 0 };
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
	struct auth_config cfg = { "u", "p", "/nonexistent", 60 };
	struct auth *a = auth_new();
	enum auth_source src;
	char err[128], t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
	char cookie[256];

	assert_int_equal(auth_setup(a, &cfg, &src, err, sizeof(err)), 0);
	assert_int_equal(auth_session_new(a, 1000, t1), 0);
	assert_int_equal(auth_session_new(a, 1000, t2), 0);
	assert_int_equal(strlen(t1), AUTH_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	snprintf(cookie, sizeof(cookie), "theme=dark; OSPREY=%s; x=y", t1);
	assert_true(auth_check_cookie(a, cookie, 2000));
	/* Used at 2 s, so it lives until 62 s. */
	assert_true(auth_check_cookie(a, cookie, 61000));
	assert_false(auth_check_cookie(a, cookie, 200000));
	snprintf(cookie, sizeof(cookie), "OSPREY=%s", t2);
	assert_false(auth_check_cookie(a, cookie, 200000));
	snprintf(cookie, sizeof(cookie), "NOTOSPREY=%s", t2);
	assert_false(auth_check_cookie(a, cookie, 1000));
	t2[5] ^= 1;
	snprintf(cookie, sizeof(cookie), "OSPREY=%s", t2);
	assert_false(auth_check_cookie(a, cookie, 1000));
	assert_false(auth_check_cookie(a, "OSPREY=short", 1000));
	assert_false(auth_check_cookie(a, NULL, 1000));
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
	/* Failures queue: the next wait starts after the current one. */
	auth_note_failure(a, "192.0.2.1", t);
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t), 250 + 500);
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t + 750), 0);
	/* Other addresses are not slowed. */
	assert_int_equal(auth_wait_ms(a, "192.0.2.2", t), 0);
	for (i = 0; i < 20; i++)
		auth_note_failure(a, "192.0.2.1", t + 750);
	assert_true(auth_wait_ms(a, "192.0.2.1", t + 750) >=
	    AUTH_MAX_WAIT_MS);
	auth_note_success(a, "192.0.2.1");
	assert_int_equal(auth_wait_ms(a, "192.0.2.1", t + 750), 0);
	/* More addresses than the table holds: the oldest make room. */
	for (i = 0; i < 2 * AUTH_MAX_ADDRS; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.0.%u.%u", i / 256, i % 256);
		auth_note_failure(a, addr, t + i);
	}
	auth_free(a);
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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
