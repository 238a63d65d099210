/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for request arguments and route matching */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "args.h"
#include "route.h"

static void
test_timestamps(void **state)
{
	double t = -1;

	assert_int_equal(args_ts("1700000000", 5, &t), 0);
	assert_true(t == 1700000000.0);
	assert_int_equal(args_ts("1700000000.25", 5, &t), 0);
	assert_true(t == 1700000000.25);
	assert_int_equal(args_ts("-60", 1000, &t), 0);
	assert_true(t == 940);
	/* Further back than the epoch is the epoch. */
	assert_int_equal(args_ts("-5000", 1000, &t), 0);
	assert_true(t == 0);
	assert_int_equal(args_ts(".5", 0, &t), 0);
	assert_int_equal(args_ts("99999999999", 0, &t), 0);
	/* Not digits, or too far out for the core's microseconds. */
	assert_int_equal(args_ts("", 0, &t), -EINVAL);
	assert_int_equal(args_ts(NULL, 0, &t), -EINVAL);
	assert_int_equal(args_ts("1e3", 0, &t), -EINVAL);
	assert_int_equal(args_ts("0x10", 0, &t), -EINVAL);
	assert_int_equal(args_ts(" 5", 0, &t), -EINVAL);
	assert_int_equal(args_ts("5 ", 0, &t), -EINVAL);
	assert_int_equal(args_ts("nan", 0, &t), -EINVAL);
	assert_int_equal(args_ts("inf", 0, &t), -EINVAL);
	assert_int_equal(args_ts("1.2.3", 0, &t), -EINVAL);
	assert_int_equal(args_ts("-", 0, &t), -EINVAL);
	assert_int_equal(args_ts(".", 0, &t), -EINVAL);
	assert_int_equal(args_ts("--5", 0, &t), -EINVAL);
	assert_int_equal(args_ts("100000000001", 0, &t), -EINVAL);
	assert_int_equal(args_ts("-100000000001", 0, &t), -EINVAL);
}

static void
test_macs(void **state)
{
	char buf[ARGS_MAC_MASK_LEN + 1];
	uint8_t m[6];

	assert_int_equal(args_mac_text("aa:BB:0c:dd:ee:ff", buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "AA:BB:0C:DD:EE:FF");
	assert_int_equal(args_mac_text("aa:bb:cc:dd:ee:ff/ff:ff:ff:00:00:00",
	    buf, sizeof(buf)), 0);
	assert_string_equal(buf, "AA:BB:CC:DD:EE:FF/FF:FF:FF:00:00:00");
	/* Kismet's other mask form: a prefix length in bits. */
	assert_int_equal(args_mac_text("aa:bb:cc:00:00:00/24", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "AA:BB:CC:00:00:00/24");
	assert_int_equal(args_mac_text("aa:bb:cc:00:00:00/48", buf,
	    sizeof(buf)), 0);
	assert_int_equal(args_mac_text("aa:bb:cc:00:00:00/49", buf,
	    sizeof(buf)), -EINVAL);
	assert_int_equal(args_mac_text("aa:bb:cc:00:00:00/", buf,
	    sizeof(buf)), -EINVAL);
	assert_int_equal(args_mac_text("aa:bb:cc:00:00:00/2x", buf,
	    sizeof(buf)), -EINVAL);
	assert_int_equal(args_mac_text("aa:bb:cc:00:00:00/124", buf,
	    sizeof(buf)), -EINVAL);
	assert_int_equal(args_mac_text("aa:bb:cc:dd:ee:ff", buf, 17),
	    -ENOSPC);
	assert_int_equal(args_mac_text("aa:bb:cc:dd:ee:fg", buf, sizeof(buf)),
	    -EINVAL);
	assert_int_equal(args_mac_text("aa-bb-cc-dd-ee-ff", buf, sizeof(buf)),
	    -EINVAL);
	assert_int_equal(args_mac_text("aa:bb:cc:dd:ee:ff:", buf, sizeof(buf)),
	    -EINVAL);
	assert_int_equal(args_mac_text("aa:bb:cc:dd:ee:ff:ff:ff:ff:00:00:00:",
	    buf, sizeof(buf)), -EINVAL);
	assert_int_equal(args_mac_text("::::::::::::::::::", buf, sizeof(buf)),
	    -EINVAL);
	assert_int_equal(args_mac_bytes("01:23:45:67:89:aB", m), 0);
	assert_int_equal(m[0], 0x01);
	assert_int_equal(m[5], 0xab);
	assert_int_equal(args_mac_bytes("01:23:45:67:89:aB/ff:ff:ff:00:00:00",
	    m), -EINVAL);
	assert_int_equal(args_mac_bytes("1:23:45:67:89:ab", m), -EINVAL);
}

static void
test_counts_and_uuids(void **state)
{
	uint64_t u = 7;
	yajl_val v;
	char err[64];

	assert_int_equal(args_uint(NULL, 10, &u), 0);
	assert_int_equal(u, 7);
	assert_int_equal(args_uint("10", 10, &u), 0);
	assert_int_equal(u, 10);
	assert_int_equal(args_uint("11", 10, &u), -EINVAL);
	assert_int_equal(args_uint("-1", 10, &u), -EINVAL);
	assert_int_equal(args_uint("+1", 10, &u), -EINVAL);
	assert_int_equal(args_uint("1 ", 10, &u), -EINVAL);
	assert_int_equal(args_uint("", 10, &u), -EINVAL);
	assert_int_equal(args_uint("18446744073709551616", UINT64_MAX, &u),
	    -EINVAL);
	/* JSON numbers reach the count check as written. */
	v = yajl_tree_parse("[1180591620717411303424, 2.5, 12, \"7\", null, "
	    "true, [1]]", err, sizeof(err));
	assert_non_null(v);
	assert_string_equal(args_json_text(v->u.array.values[0]),
	    "1180591620717411303424");
	assert_int_equal(args_uint(args_json_text(v->u.array.values[0]),
	    UINT32_MAX, &u), -EINVAL);
	assert_int_equal(args_uint(args_json_text(v->u.array.values[1]),
	    UINT32_MAX, &u), -EINVAL);
	assert_int_equal(args_uint(args_json_text(v->u.array.values[2]),
	    UINT32_MAX, &u), 0);
	assert_int_equal(u, 12);
	assert_string_equal(args_json_text(v->u.array.values[3]), "7");
	assert_string_equal(args_json_text(v->u.array.values[4]), "");
	assert_string_equal(args_json_text(v->u.array.values[5]), "true");
	assert_string_equal(args_json_text(v->u.array.values[6]), "");
	yajl_tree_free(v);

	assert_true(args_uuid_ok("5FE308BD-0000-0000-0000-00c0ffee0001"));
	assert_false(args_uuid_ok(""));
	assert_false(args_uuid_ok("5FE308BD/0000"));
	assert_false(args_uuid_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));

	assert_int_equal(args_json_depth("[[{\"a\": [1]}]]", 64), 4);
	assert_int_equal(args_json_depth("\"[[[[\\\"[[\"", 64), 0);
	/* Counting stops just past the limit. */
	assert_int_equal(args_json_depth("[[[[[[[[[[", 3), 4);
}

static void
test_routes(void **state)
{
	struct route_args a;
	char *d;

	memset(&a, 0, sizeof(a));
	assert_int_equal(route_match("/system/timestamp.@",
	    "/system/timestamp.json", &a), 1);
	assert_int_equal(a.fmt, FORMAT_JSON);
	assert_int_equal(route_match("/system/timestamp.@",
	    "/system/timestamp.xml", &a), 0);
	assert_int_equal(route_match("/devices/by-key/*/device.@",
	    "/devices/by-key/AB%2FCD/device.msgpack", &a), 1);
	assert_int_equal(a.nargs, 1);
	assert_string_equal(a.args[0], "AB/CD");
	/* "**": the rest, still encoded; "" for a folder; nothing without. */
	assert_int_equal(route_match("/plugin/*/**", "/plugin/demo/js/%2e.js",
	    &a), 1);
	assert_string_equal(a.args[1], "js/%2e.js");
	assert_int_equal(route_match("/plugin/*/**", "/plugin/demo/", &a), 1);
	assert_int_equal(a.nargs, 2);
	assert_string_equal(a.args[1], "");
	assert_int_equal(route_match("/plugin/*/**", "/plugin/demo", &a), 0);
	/* An element decoding to a NUL is malformed. */
	assert_int_equal(route_match("/a/*", "/a/x%00y", &a), -1);
	assert_int_equal(route_match("/a/*", "/a/", &a), 0);
	route_args_clear(&a);
	assert_int_equal(a.nargs, 0);

	d = route_decode("a%20b+c%zz", 10);
	assert_string_equal(d, "a b+c%zz");
	free(d);
	assert_null(route_decode("a%00", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_macs),
		cmocka_unit_test(test_counts_and_uuids),
		cmocka_unit_test(test_routes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
