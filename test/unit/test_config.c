/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for config files, includes and overrides */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char dir[64];

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static char *
path_of(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_config_XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t
count(const struct config *c, const char *key)
{
	const struct config_entry *e = NULL;
	size_t n = 0;

	while ((e = config_next(c, key, e)) != NULL)
		n++;
	return n;
}

static void
test_set_with_includes_site_and_flavor(void **state)
{
	struct config c;
	char err[512];
	const struct config_entry *e;

	put("osprey.conf",
	    "# main\n"
	    "include=osprey_logging.conf\n"
	    "opt_include=absent.conf\n"
	    "  Source = wlan0:name=a  \n"
	    "source=wlan1\n"
	    "channel_hop=true\r\n"
	    "\n"
	    "log_title=Main\n");
	put("osprey_logging.conf", "log_prefix=/var/log\nlog_title=Inc\n");
	put("osprey_site.conf", "source=file.pcap\nsource=two.pcap\n"
	    "channel_hop=false\n");
	put("osprey_demo.conf", "log_title=Demo\n");

	config_init(&c);
	assert_int_equal(config_load_set(&c, path_of("osprey.conf"), "demo",
	    err, sizeof(err)), 0);
	/* The site file replaced the two source lines with its own two. */
	assert_int_equal(count(&c, "source"), 2);
	e = config_next(&c, "source", NULL);
	assert_string_equal(e->value, "file.pcap");
	assert_int_equal(e->line, 1);
	assert_string_equal(config_get(&c, "channel_hop"), "false");
	assert_string_equal(config_get(&c, "log_title"), "Demo");
	assert_string_equal(config_get(&c, "log_prefix"), "/var/log");
	e = config_entry(&c, "log_prefix");
	assert_non_null(strstr(e->file, "osprey_logging.conf"));
	/* The command line wins over everything. */
	config_set(&c, "log_title", "Cli", "command line");
	assert_string_equal(config_get(&c, "LOG_TITLE"), "Cli");
	config_free(&c);

	/* A missing flavor file is an error naming it. */
	config_init(&c);
	assert_true(config_load_set(&c, path_of("osprey.conf"), "nope", err,
	    sizeof(err)) < 0);
	assert_non_null(strstr(err, "osprey_nope.conf"));
	config_free(&c);
}

static void
expect_error(const char *text, const char *needle)
{
	struct config c;
	char err[512] = "";

	put("bad.conf", text);
	config_init(&c);
	assert_true(config_load_file(&c, path_of("bad.conf"), false, err,
	    sizeof(err)) < 0);
	if (strstr(err, needle) == NULL)
		fail_msg("error '%s' lacks '%s'", err, needle);
	config_free(&c);
}

static void
expect_nul_error(void)
{
	static const char text[] = "a=1\nb=x\0y\n";
	struct config c;
	char err[512];

	config_init(&c);
	assert_int_equal(config_load_buffer(&c, "nul.conf", text,
	    sizeof(text) - 1, false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nul.conf:2: NUL"));
	config_free(&c);
}

static void
test_malformed_lines_name_file_and_line(void **state)
{
	char big[CONFIG_LINE_MAX + 32];

	expect_error("a=1\nno equals here\n", "bad.conf:2: expected key=value");
	expect_error("a=1\n\n = x\n", "bad.conf:3: empty key");
	expect_error("we ird=1\n", "bad.conf:1: bad character in key");
	expect_error("include=missing.conf\n", "missing.conf");
	expect_error("include=missing.conf\n", "included from");
	expect_error("x=1\ninclude=\n", "bad.conf:2: include= needs");
	expect_nul_error();
	memset(big, 'v', sizeof(big));
	memcpy(big, "k=", 2);
	big[sizeof(big) - 1] = '\0';
	expect_error(big, "bad.conf:1: line longer");
	put("loop1.conf", "include=loop2.conf\n");
	put("loop2.conf", "include=loop1.conf\n");
	expect_error("include=loop1.conf\n", "include loop");
	expect_error("include=bad.conf\n", "include loop");
}

static void
test_getters(void **state)
{
	static const char text[] = "flag=yes\nnum=42\nbadnum=4x\nsecs=0.25\n"
	    "badbool=maybe\nweird_key=1\n";
	static const char *const known[] = { "flag", "num", "bad*", "secs",
	    NULL };
	struct config c;
	char err[512];
	uint64_t u;
	bool b;

	config_init(&c);
	assert_int_equal(config_load_buffer(&c, "mem.conf", text,
	    sizeof(text) - 1, false, err, sizeof(err)), 0);
	assert_int_equal(config_get_bool(&c, "flag", false, &b, err,
	    sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(config_get_bool(&c, "absent", true, &b, err,
	    sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(config_get_bool(&c, "badbool", true, &b, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "mem.conf:5: badbool"));
	assert_int_equal(config_get_uint(&c, "num", 0, 100, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u, 42);
	assert_int_equal(config_get_uint(&c, "num", 0, 10, &u, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(config_get_uint(&c, "badnum", 0, 10, &u, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "mem.conf:3"));
	assert_int_equal(config_get_msec(&c, "secs", 0, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u, 250);
	assert_int_equal(config_get_msec(&c, "none", 15000, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u, 15000);
	assert_int_equal(config_check_known(&c, known, NULL, NULL) , 1);
	config_unset(&c, "weird_key");
	assert_null(config_get(&c, "weird_key"));
	config_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_with_includes_site_and_flavor),
		cmocka_unit_test(test_malformed_lines_name_file_and_line),
		cmocka_unit_test(test_getters),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
