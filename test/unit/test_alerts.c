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
#include "config.h"
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
	struct alerts_def d = { "DOOR", "the door", NULL, NULL, NULL, NULL, 0 };
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
	struct alerts_def d = { "DOOR", "the door", NULL, "3/min", "2/sec",
	    "DENIAL", ALERTS_HIGH };
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
	    "1000/sec", NULL, 0 };
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

/* alert= changes a definition's limits; alertbacklog= the backlog. */
static void
test_config(void **state)
{
	static const char conf[] =
	    "alertbacklog=3\n"
	    "alert=DOOR,2/min,1/sec\n"
	    "alert=NOSUCH,5/min,1/sec\n";
	struct alerts *a = alerts_new(NULL);
	struct alerts_def d = { "DOOR", "the door", NULL, "100/sec",
	    "100/sec", NULL, 0 };
	struct alerts_raise r = { .name = "DOOR", .text = "x" };
	struct config cfg;
	char err[256];
	int i;

	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), 0);
	config_init(&cfg);
	assert_int_equal(config_load_buffer(&cfg, "test.conf", conf,
	    sizeof(conf) - 1, false, err, sizeof(err)), 0);
	assert_int_equal(alerts_config(a, &cfg, err, sizeof(err)), 0);
	/* 2 a minute, 1 a second: a second's flood gives one alert. */
	for (i = 0; i < 10; i++) {
		r.now = 100 + i * 0.01;
		(void)alerts_raise(a, &r, err, sizeof(err));
	}
	assert_int_equal(alerts_total(a, "DOOR"), 1);
	assert_int_equal(alerts_throttled(a, "DOOR"), 9);
	/* A ten-minute flood, ten a second: two a minute get through. */
	for (i = 0; i < 6000; i++) {
		r.now = 200 + i * 0.1;
		(void)alerts_raise(a, &r, err, sizeof(err));
	}
	assert_in_range(alerts_total(a, "DOOR"), 1 + 19, 1 + 21);
	/* The backlog keeps 3. */
	assert_int_equal(alerts_count_since(a, 0), 3);
	config_free(&cfg);

	/* A bad rate names the file and line. */
	config_init(&cfg);
	assert_int_equal(config_load_buffer(&cfg, "bad.conf",
	    "alert=DOOR,often\n", 17, false, err, sizeof(err)), 0);
	assert_int_equal(alerts_config(a, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad.conf:1"));
	config_free(&cfg);
	config_init(&cfg);
	assert_int_equal(config_load_buffer(&cfg, "bad.conf",
	    "alertbacklog=0\n", 15, false, err, sizeof(err)), 0);
	assert_int_equal(alerts_config(a, &cfg, err, sizeof(err)), -EINVAL);
	config_free(&cfg);
	alerts_free(a);
}

struct hooked {
	int		 n;
	uint64_t	 id;
	char		 key[64];
	size_t		 len;
};

static void
hook(const struct alerts_event *ev, void *arg)
{
	struct hooked *h = arg;

	h->n++;
	h->id = ev->id;
	snprintf(h->key, sizeof(h->key), "%s", ev->device_key);
	h->len = ev->record_len;
}

/* Ids, the hook, by-id with the frame, class and severity. */
static void
test_by_id_and_hook(void **state)
{
	static const uint8_t frame[] = { 0xc0, 0x00, 0x3a, 0x01, 0xff };
	struct alerts *a = alerts_new(NULL);
	struct alerts_def d = { "FLOOD", "a flood", "IEEE802.11", "10/sec",
	    "10/sec", "DENIAL", ALERTS_HIGH };
	struct alerts_raise r = { .name = "FLOOD", .text = "x", .now = 5,
	    .device_key = "4202770D00000000_679EA5490726", .packet = frame,
	    .packet_len = sizeof(frame), .dlt = 105, .frequency = 2437000 };
	struct hooked h = { 0 };
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	const msgpack_object *o;
	char err[256];

	assert_int_equal(alerts_define(a, &d, err, sizeof(err)), 0);
	alerts_set_hook(a, hook, &h);
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), 0);
	r.now = 6;
	assert_int_equal(alerts_raise(a, &r, err, sizeof(err)), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.id, 2);
	assert_string_equal(h.key, "4202770D00000000_679EA5490726");
	assert_true(h.len > 100);

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	assert_int_equal(alerts_pack_by_id(a, 2, &pk), 0);
	unpack(&sb, &u);
	assert_int_equal(member(&u.data, "osprey.alert.id")->via.u64, 2);
	assert_int_equal(member(&u.data, "kismet.alert.severity")->via.u64,
	    ALERTS_HIGH);
	assert_memory_equal(member(&u.data, "kismet.alert.class")->via.str.ptr,
	    "DENIAL", 6);
	assert_true(member(&u.data, "kismet.alert.frequency")->via.f64 ==
	    2437000);
	o = member(&u.data, "osprey.alert.packet");
	assert_non_null(o);
	o = member(o, "osprey.alert.packet.data");
	assert_int_equal(o->via.str.size, 10);
	assert_memory_equal(o->via.str.ptr, "c0003a01ff", 10);
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_clear(&sb);
	assert_int_equal(alerts_pack_by_id(a, 3, &pk), -ENOENT);
	assert_int_equal(sb.size, 0);
	/* A smaller backlog keeps the newest. */
	assert_int_equal(alerts_set_backlog(a, 1), 0);
	assert_int_equal(alerts_pack_by_id(a, 1, &pk), -ENOENT);
	assert_int_equal(alerts_pack_by_id(a, 2, &pk), 0);
	msgpack_sbuffer_destroy(&sb);
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
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_by_id_and_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
