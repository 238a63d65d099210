/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for key=value settings: parser and store */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

struct seen {
	char	 keys[8][64];
	char	 values[8][64];
	unsigned lines[8];
	int	 n;
};

static int
collect_cb(void *arg, const char *key, const char *value, unsigned line)
{
	struct seen *s = arg;

	if (s->n == 8)
		return -E2BIG;
	snprintf(s->keys[s->n], 64, "%s", key);
	snprintf(s->values[s->n], 64, "%s", value);
	s->lines[s->n++] = line;
	return 0;
}

static void
test_parse_lines(void **state)
{
	static const char text[] =
	    "# a comment\n"
	    "\n"
	    "  httpd_port = 2501  \r\n"
	    "httpd_home=/srv/osprey\n"
	    "empty=\n"
	    "eq=a=b\n"
	    "   # indented comment\n"
	    "last=no newline";
	struct seen s;
	char err[128];

	memset(&s, 0, sizeof(s));
	assert_int_equal(conf_parse(text, strlen(text), collect_cb, &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.keys[0], "httpd_port");
	assert_string_equal(s.values[0], "2501");
	assert_int_equal(s.lines[0], 3);
	assert_string_equal(s.values[1], "/srv/osprey");
	assert_string_equal(s.keys[2], "empty");
	assert_string_equal(s.values[2], "");
	/* Only the first "=" splits. */
	assert_string_equal(s.keys[3], "eq");
	assert_string_equal(s.values[3], "a=b");
	assert_string_equal(s.values[4], "no newline");
	assert_int_equal(s.lines[4], 8);
}

static void
test_parse_errors_name_the_line(void **state)
{
	struct seen s;
	char err[128], big[CONF_MAX_LINE + 10];

	memset(&s, 0, sizeof(s));
	assert_int_equal(conf_parse("a=1\nno equals\n", 14, collect_cb, &s,
	    err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(conf_parse(" =1\n", 4, collect_cb, &s, err,
	    sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "empty key"));
	assert_int_equal(conf_parse("a=1\0b=2\n", 8, collect_cb, &s, err,
	    sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "NUL"));
	memset(big, 'x', sizeof(big));
	big[0] = 'k';
	big[1] = '=';
	assert_int_equal(conf_parse(big, sizeof(big), collect_cb, &s, err,
	    sizeof(err)), -EMSGSIZE);
	/* The callback's refusal stops the parse and is returned. */
	memset(&s, 0, sizeof(s));
	s.n = 8;
	assert_int_equal(conf_parse("a=1\n", 4, collect_cb, &s, err,
	    sizeof(err)), -E2BIG);
}

static void
test_store(void **state)
{
	struct conf *c = conf_new(), *d = conf_new();
	uint64_t u;
	bool b;

	assert_null(conf_get(c, "httpd_port", NULL));
	assert_string_equal(conf_get(c, "httpd_port", "2501"), "2501");
	assert_int_equal(conf_set(c, "httpd_port", "1"), 0);
	assert_int_equal(conf_set(c, "httpd_port", "8080"), 0);
	assert_string_equal(conf_get(c, "httpd_port", NULL), "8080");
	assert_int_equal(conf_get_uint(c, "httpd_port", 0, 1, 65535, &u), 0);
	assert_int_equal(u, 8080);
	assert_int_equal(conf_get_uint(c, "httpd_port", 0, 1, 80, &u),
	    -EINVAL);
	assert_int_equal(conf_get_uint(c, "nope", 7, 1, 80, &u), 0);
	assert_int_equal(u, 7);
	assert_int_equal(conf_set(c, "neg", "-1"), 0);
	assert_int_equal(conf_get_uint(c, "neg", 0, 0, 10, &u), -EINVAL);
	assert_int_equal(conf_set(c, "allowplugins", "False"), 0);
	assert_int_equal(conf_get_bool(c, "allowplugins", true, &b), 0);
	assert_false(b);
	assert_int_equal(conf_set(c, "allowplugins", "maybe"), 0);
	assert_int_equal(conf_get_bool(c, "allowplugins", true, &b), -EINVAL);

	assert_int_equal(conf_set_arg(d, "httpd_port=9"), 0);
	assert_int_equal(conf_set_arg(d, "novalue"), -EINVAL);
	assert_int_equal(conf_set_arg(d, "=x"), -EINVAL);
	assert_int_equal(conf_merge(c, d), 0);
	assert_string_equal(conf_get(c, "httpd_port", NULL), "9");
	conf_free(c);
	conf_free(d);
	conf_free(NULL);
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/osprey-test-conf-XXXXXX", err[256];
	struct conf *c = conf_new();
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("httpd_username=alice\n# x\nhttpd_password = s3cret\n", fp);
	fclose(fp);
	assert_int_equal(conf_load_file(c, path, err, sizeof(err)), 0);
	assert_string_equal(conf_get(c, "httpd_password", NULL), "s3cret");
	fp = fopen(path, "w");
	fputs("ok=1\nbroken\n", fp);
	fclose(fp);
	assert_int_equal(conf_load_file(c, path, err, sizeof(err)), -EBADMSG);
	/* The file and the line, for the operator. */
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "line 2"));
	unlink(path);
	assert_int_equal(conf_load_file(c, path, err, sizeof(err)), -ENOENT);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_parse_errors_name_the_line),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
