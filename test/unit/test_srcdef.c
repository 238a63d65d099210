/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for source definition parsing */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "srcdef.h"

static void
test_interface_only(void **state)
{
	struct srcdef d;
	char err[128];

	assert_int_equal(srcdef_parse("wlan0", &d, err, sizeof(err)), 0);
	assert_string_equal(d.interface, "wlan0");
	assert_int_equal(d.n_opts, 0);
	assert_null(srcdef_get(&d, "name"));
	srcdef_free(&d);
	assert_int_equal(srcdef_parse("wlan0:", &d, err, sizeof(err)), 0);
	assert_int_equal(d.n_opts, 0);
	srcdef_free(&d);
}

static void
test_options_quotes_and_case(void **state)
{
	struct srcdef d;
	char err[128], buf[64], *list[8];
	bool b;
	uint64_t u;

	assert_int_equal(srcdef_parse("/tmp/x.pcap:Name=demo,channels=\"1,6,"
	    "11\",loop,realtime=false,pps=250,name=\"say \\\"hi\\\"\"", &d, err,
	    sizeof(err)), 0);
	assert_string_equal(d.interface, "/tmp/x.pcap");
	assert_int_equal(d.n_opts, 6);
	assert_string_equal(d.opts[0].key, "name");
	/* The last of a repeated key wins. */
	assert_string_equal(srcdef_get(&d, "NAME"), "say \"hi\"");
	assert_string_equal(srcdef_get(&d, "channels"), "1,6,11");
	assert_int_equal(srcdef_split_list(srcdef_get(&d, "channels"), buf,
	    sizeof(buf), list, 8), 3);
	assert_string_equal(list[2], "11");
	assert_int_equal(srcdef_get_bool(&d, "loop", false, &b, err,
	    sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(srcdef_get_bool(&d, "realtime", true, &b, err,
	    sizeof(err)), 0);
	assert_false(b);
	assert_int_equal(srcdef_get_bool(&d, "absent", true, &b, err,
	    sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(srcdef_get_uint(&d, "pps", 0, 1000000, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u, 250);
	assert_int_equal(srcdef_get_uint(&d, "pps", 0, 100, &u, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "pps"));
	assert_int_equal(srcdef_get_bool(&d, "name", false, &b, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "name"));
	srcdef_free(&d);
}

static void
expect_bad(const char *def, const char *needle, int want)
{
	struct srcdef d;
	char err[128];

	assert_int_equal(srcdef_parse(def, &d, err, sizeof(err)), want);
	if (needle != NULL && strstr(err, needle) == NULL)
		fail_msg("'%s': error '%s' does not name '%s'", def, err,
		    needle);
}

static void
test_malformed(void **state)
{
	char big[SRCDEF_MAX_LEN + 10];
	char many[SRCDEF_MAX_OPTS * 4 + 16];
	size_t i, n;

	expect_bad("", "empty interface", -EINVAL);
	expect_bad(":name=x", "empty interface", -EINVAL);
	expect_bad("wlan0:channels=\"1,6", "channels", -EINVAL);
	expect_bad("wlan0:name=\"a\"b", "name", -EINVAL);
	expect_bad("wlan0:name=a\"b", "name", -EINVAL);
	expect_bad("wlan0:=x", "empty option", -EINVAL);
	/* An error after a well-formed option (found by fuzz-srcdef). */
	expect_bad("w:name=\"a\",,uuid=", "empty option", -EINVAL);
	expect_bad("wlan0:na me=x", "na", -EINVAL);
	expect_bad("wlan0:name=x\n", "control", -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_bad(big, "longer", -EMSGSIZE);
	n = (size_t)snprintf(many, sizeof(many), "w:");
	for (i = 0; i <= SRCDEF_MAX_OPTS; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "a,");
	expect_bad(many, "options", -EMSGSIZE);
}

static void
test_uuid(void **state)
{
	static const char *bad[] = { "x",
	    "abcdef01-2345-6789-abcd-ef012345678",
	    "abcdef01-2345-6789-abcd-ef01234567890",
	    "abcdef0112345-6789-abcd-ef0123456789",
	    "abcdef01-2345-6789-abcd-ef012345678g" };
	struct srcdef a, b;
	char err[128], def[128], ua[SRCDEF_UUID_LEN], ub[SRCDEF_UUID_LEN];
	size_t i;

	/* Derived: stable, version 8, options do not change it. */
	assert_int_equal(srcdef_parse("wlan0:name=x", &a, err, sizeof(err)),
	    0);
	assert_int_equal(srcdef_parse("wlan0:channel=6", &b, err,
	    sizeof(err)), 0);
	assert_int_equal(srcdef_uuid(&a, "linuxwifi", ua, err, sizeof(err)),
	    0);
	assert_int_equal(srcdef_uuid(&b, "linuxwifi", ub, err, sizeof(err)),
	    0);
	assert_string_equal(ua, ub);
	assert_int_equal(strlen(ua), 36);
	for (i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(ua[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", ua[i]));
	assert_int_equal(ua[14], '8');
	assert_non_null(strchr("89ab", ua[19]));
	/* Another type or interface is another source. */
	assert_int_equal(srcdef_uuid(&a, "pcapfile", ub, err, sizeof(err)),
	    0);
	assert_string_not_equal(ua, ub);
	srcdef_free(&b);
	assert_int_equal(srcdef_parse("wlan1", &b, err, sizeof(err)), 0);
	assert_int_equal(srcdef_uuid(&b, "linuxwifi", ub, err, sizeof(err)),
	    0);
	assert_string_not_equal(ua, ub);
	srcdef_free(&a);
	srcdef_free(&b);

	/* Given: checked and lower-cased. */
	assert_int_equal(srcdef_parse("wlan0:uuid=ABCDEF01-2345-6789-ABCD-"
	    "EF0123456789", &a, err, sizeof(err)), 0);
	assert_int_equal(srcdef_uuid(&a, "linuxwifi", ua, err, sizeof(err)),
	    0);
	assert_string_equal(ua, "abcdef01-2345-6789-abcd-ef0123456789");
	srcdef_free(&a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(def, sizeof(def), "wlan0:uuid=%s", bad[i]);
		assert_int_equal(srcdef_parse(def, &a, err, sizeof(err)), 0);
		assert_int_equal(srcdef_uuid(&a, "linuxwifi", ua, err,
		    sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "uuid"));
		srcdef_free(&a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interface_only),
		cmocka_unit_test(test_options_quotes_and_case),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
