/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for alert definitions, rate limits and backlog */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "alerts.h"
#include "msgbus.h"

/* Unpack what a packer wrote; the caller frees u. */
static void
unpack(msgpack_sbuffer *sb, msgpack_unpacked *u)
{
	size_t off = 0;

	msgpack_unpacked_init(u);
	assert_int_equal(msgpack_unpack_next(u, sb->data, sb->size, &off),
	    MSGPACK_UNPACK_SUCCESS);
}

static const msgpack_object *
member(const msgpack_object *map, const char *key)
{
	uint32_t i;

	for (i = 0; i < map->via.map.size; i++)
		if (map->via.map.ptr[i].key.via.str.size == strlen(key) &&
		    memcmp(map->via.map.ptr[i].key.via.str.ptr, key,
		    strlen(key)) == 0)
			return &map->via.map.ptr[i].val;
	return NULL;
}

static void
test_parse_rate(void **state)
{
	enum alerts_unit u;
	uint32_t n;

	assert_int_equal(alerts_parse_rate("10/min", &n, &u), 0);
	assert_int_equal(n, 10);
	assert_int_equal(u, ALERTS_MINUTE);
	assert_int_equal(alerts_parse_rate("1/sec", &n, &u), 0);
	assert_int_equal(u, ALERTS_SECOND);
	assert_int_equal(alerts_parse_rate("5/hours", &n, &u), 0);
	assert_int_equal(u, ALERTS_HOUR);
	assert_int_equal(alerts_parse_rate("2/day", &n, &u), 0);
	assert_int_equal(u, ALERTS_DAY);
	assert_int_equal(alerts_parse_rate("0/min", &n, &u), -EINVAL);
	assert_int_equal(alerts_parse_rate("1001/min", &n, &u), -EINVAL);
	assert_int_equal(alerts_parse_rate("ten/min", &n, &u), -EINVAL);
	assert_int_equal(alerts_parse_rate("10/fortnight", &n, &u), -EINVAL);
	assert_int_equal(alerts_parse_rate("10/min5", &n, &u), -EINVAL);
	assert_int_equal(alerts_parse_rate("10", &n, &u), -EINVAL);
	assert_int_equal(alerts_parse_rate(NULL, &n, &u), -EINVAL);
}

static void
test_define(void **state)
{
	struct alerts *a = alerts_new(NULL);
	struct alerts_def d = { "DOOR", "the door", NULL, NULL, NULL };
	char err[256];

	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), 0);
	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), -EEXIST);
	d.name = "door";	/* names compare without case */
	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), -EEXIST);
	d.name = "bad name";
	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), -EINVAL);
	d.name = "PHY";
	d.phyname = "Bluetooth";
	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "Bluetooth"));
	d.phyname = "IEEE802.11";
	d.throttle = "x";
	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), -EINVAL);
	d.throttle = "3/min";
	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), 0);
	alerts_free(a);
}

/* The limit holds a window of the last N alerts; the burst a shorter. */
static void
test_raise_limits_and_backlog(void **state)
{
	struct msgbus *bus = msgbus_new(16);
	struct alerts *a = alerts_new(bus);
	struct alerts_def d = { "DOOR", "the door", NULL, "3/min", "2/sec" };
	struct alerts_raise r = { .name = "DOOR", .text = "open",
	    .source = "aa:bb:cc:dd:ee:ff", .channel = "6",
	    .device_key = "4202770D00000000_679EA5490726", .now = 1000.0 };
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	char err[256];

	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), 0);
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), 0);
	r.now = 1000.5;
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), 0);
	/* A third within the second: over the burst. */
	r.now = 1000.9;
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), -EDQUOT);
	/* A second later the burst allows it; then the minute's 3 are used. */
	r.now = 1001.5;
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), 0);
	r.now = 1010;
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), -EDQUOT);
	r.now = 1060.1;
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), 0);
	assert_int_equal(alerts_count_since(a, 0), 4);
	assert_int_equal(alerts_count_since(a, 1000.5), 2);
	/* Refusals: unknown, a bad MAC. */
	r.name = "NOSUCH";
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), -ENOENT);
	r.name = "DOOR";
	r.bssid = "zz";
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), -EINVAL);

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, alerts_count_since(a, 1000.5));
	alerts_pack_since(a, 1000.5, &pk);
	unpack(&sb, &u);
	assert_int_equal(u.data.via.array.size, 2);
	assert_true(member(&u.data.via.array.ptr[0],
	    "kismet.alert.timestamp")->via.f64 == 1001.5);
	assert_memory_equal(member(&u.data.via.array.ptr[0],
	    "kismet.alert.source_mac")->via.str.ptr, "AA:BB:CC:DD:EE:FF", 17);
	assert_memory_equal(member(&u.data.via.array.ptr[0],
	    "kismet.alert.device_key")->via.str.ptr,
	    "4202770D00000000_679EA5490726", 29);
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_clear(&sb);
	alerts_pack_definitions(a, &pk);
	unpack(&sb, &u);
	assert_int_equal(member(&u.data.via.array.ptr[0],
	    "kismet.alert.definition.total_sent")->via.u64, 4);
	assert_int_equal(member(&u.data.via.array.ptr[0],
	    "osprey.alert.definition.throttled")->via.u64, 2);
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	alerts_free(a);
	msgbus_free(bus);
}

/* The backlog keeps the newest ALERTS_BACKLOG. */
static void
test_backlog_wraps(void **state)
{
	struct alerts *a = alerts_new(NULL);
	struct alerts_def d = { "MANY", "many", NULL, "1000/sec",
	    "1000/sec" };
	struct alerts_raise r = { .name = "MANY", .text = "x" };
	char err[256];
	int i;

	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), 0);
	for (i = 0; i < ALERTS_BACKLOG + 7; i++) {
		r.now = 100 + i;
		assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), 0);
	}
	assert_int_equal(alerts_count_since(a, 0), ALERTS_BACKLOG);
	assert_int_equal(alerts_count_since(a, 100 + ALERTS_BACKLOG + 5), 1);
	alerts_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_define),
		cmocka_unit_test(test_raise_limits_and_backlog),
		cmocka_unit_test(test_backlog_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
