/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the capture helper command line */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"

static char err[256];

/* Parse a NULL-terminated argument list (the program name is added). */
static int
parse(struct cmdline *c, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"osprey_cap_test";
	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	err[0] = '\0';
	return cmdline_parse(argc, argv, c, err, sizeof(err));
}

static void
test_local(void **state)
{
	struct cmdline c;

	assert_int_equal(parse(&c, (const char *[]){ "--in-fd=3",
	    "--out-fd=3", NULL }), 0);
	assert_int_equal(c.action, CMDLINE_RUN);
	assert_false(c.remote);
	assert_int_equal(c.in_fd, 3);
	assert_int_equal(c.out_fd, 3);
	assert_int_equal(parse(&c, (const char *[]){ "--in-fd", "5",
	    "--out-fd", "6", "--tcp", "--fixed-gps", "-33.9,151.2", NULL }),
	    0);
	assert_int_equal(c.in_fd, 5);
	assert_int_equal(c.out_fd, 6);
	assert_true(c.has_gps);
	assert_false(c.gps_has_alt);
	assert_true(c.gps_lat == -33.9 && c.gps_lon == 151.2);
}

static void
test_remote(void **state)
{
	struct cmdline c;

	assert_int_equal(parse(&c, (const char *[]){ "--connect",
	    "sensor.example:4000", "--source=/x.pcap:loop=true",
	    "--disable-retry", "--daemonize", NULL }), 0);
	assert_true(c.remote);
	assert_string_equal(c.host, "sensor.example");
	assert_string_equal(c.port, "4000");
	assert_string_equal(c.source, "/x.pcap:loop=true");
	assert_true(c.disable_retry);
	assert_true(c.daemonize);
	assert_int_equal(c.in_fd, -1);
	assert_int_equal(parse(&c, (const char *[]){ "--connect=10.0.0.1",
	    "--source", "wlan0", NULL }), 0);
	assert_string_equal(c.host, "10.0.0.1");
	assert_string_equal(c.port, CMDLINE_DEFAULT_PORT);
	assert_int_equal(parse(&c, (const char *[]){ "--connect",
	    "[::1]:3501", "--source", "wlan0", NULL }), 0);
	assert_string_equal(c.host, "::1");
	assert_string_equal(c.port, "3501");
	assert_int_equal(parse(&c, (const char *[]){ "--connect", "[fe80::1]",
	    "--source", "wlan0", NULL }), 0);
	assert_string_equal(c.host, "fe80::1");
	assert_string_equal(c.port, CMDLINE_DEFAULT_PORT);
}

static void
test_actions(void **state)
{
	struct cmdline c;

	assert_int_equal(parse(&c, (const char *[]){ "--version", NULL }), 0);
	assert_int_equal(c.action, CMDLINE_VERSION);
	assert_int_equal(parse(&c, (const char *[]){ "--list", NULL }), 0);
	assert_int_equal(c.action, CMDLINE_LIST);
	assert_int_equal(parse(&c, (const char *[]){ "--version", "--help",
	    NULL }), 0);
	assert_int_equal(c.action, CMDLINE_HELP);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char	*args[8];
		const char	*err;
	} cases[] = {
		{ { NULL }, "nothing to do" },
		{ { "--bogus", NULL }, "unknown option '--bogus'" },
		{ { "-x", NULL }, "unknown option '-x'" },
		{ { "--out-fd", NULL }, "'--out-fd' needs a value" },
		{ { "--in-fd=-1", "--out-fd=1", NULL }, "not a file desc" },
		{ { "--in-fd=3x", "--out-fd=1", NULL }, "not a file desc" },
		{ { "--in-fd=99999999999", "--out-fd=1", NULL },
		    "not a file desc" },
		{ { "--out-fd=3", NULL }, "go together" },
		{ { "--connect", "h:0", "--source=x", NULL }, "HOST:PORT" },
		{ { "--connect", "h:65536", "--source=x", NULL },
		    "HOST:PORT" },
		{ { "--connect", ":1", "--source=x", NULL }, "HOST:PORT" },
		{ { "--connect", "::1", "--source=x", NULL }, "HOST:PORT" },
		{ { "--connect", "[::1", "--source=x", NULL }, "HOST:PORT" },
		{ { "--connect", "[::1]x", "--source=x", NULL }, "HOST:PORT" },
		{ { "--connect", "h:1", NULL }, "needs --source" },
		{ { "--source=x", "--in-fd=3", "--out-fd=3", NULL },
		    "needs --connect" },
		{ { "--in-fd=3", "--out-fd=3", "--daemonize", NULL },
		    "needs --connect" },
		{ { "--connect", "h:1", "--source=x", "--in-fd=3", NULL },
		    "exclude" },
		{ { "--fixed-gps", "1", NULL }, "LAT,LON" },
		{ { "--fixed-gps", "1,181", NULL }, "LAT,LON" },
		{ { "--fixed-gps", "1,2,x", NULL }, "LAT,LON" },
		{ { "--fixed-gps", "1,2,3,4", NULL }, "LAT,LON" },
		{ { "--list", "wlan0", NULL }, "unexpected argument 'wlan0'" },
	};
	struct cmdline c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&c, 0x5a, sizeof(c));
		if (parse(&c, cases[i].args) == 0)
			fail_msg("case %zu was accepted", i);
		if (strstr(err, cases[i].err) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
			    cases[i].err);
		assert_null(strchr(err, '\n'));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_remote),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
