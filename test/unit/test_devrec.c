/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for device records: msgpack decoded back */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include <msgpack.h>

#include "device.h"
#include "devrec.h"
#include "tracker.h"
#include "trackpkt.h"

static const uint8_t AP1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };
static const uint8_t STA1[6] = { 0x00, 0x1b, 0x63, 0x00, 0x00, 0x01 };

/* The value under key in a map, failing the test if absent. */
static const msgpack_object *
get(const msgpack_object *map, const char *key)
{
	const msgpack_object_kv *kv;
	size_t n = strlen(key);
	uint32_t i;

	assert_int_equal(map->type, MSGPACK_OBJECT_MAP);
	for (i = 0; i < map->via.map.size; i++) {
		kv = &map->via.map.ptr[i];
		assert_int_equal(kv->key.type, MSGPACK_OBJECT_STR);
		if (kv->key.via.str.size == n &&
		    memcmp(kv->key.via.str.ptr, key, n) == 0)
			return &kv->val;
	}
	fail_msg("no key %s", key);
	return NULL;
}

static bool
has(const msgpack_object *map, const char *key)
{
	uint32_t i;

	for (i = 0; i < map->via.map.size; i++)
		if (map->via.map.ptr[i].key.via.str.size == strlen(key) &&
		    memcmp(map->via.map.ptr[i].key.via.str.ptr, key,
		    strlen(key)) == 0)
			return true;
	return false;
}

static void
check_str(const msgpack_object *map, const char *key, const char *want)
{
	const msgpack_object *o = get(map, key);

	assert_int_equal(o->type, MSGPACK_OBJECT_STR);
	assert_int_equal(o->via.str.size, strlen(want));
	assert_memory_equal(o->via.str.ptr, want, o->via.str.size);
}

static uint64_t
get_u(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = get(map, key);

	assert_int_equal(o->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
	return o->via.u64;
}

static int64_t
get_i(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = get(map, key);

	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		return (int64_t)o->via.u64;
	assert_int_equal(o->type, MSGPACK_OBJECT_NEGATIVE_INTEGER);
	return o->via.i64;
}

/* A small network: an AP with one client, a handshake, two sources. */
static struct tracker *
network(void)
{
	struct tracker_config c;
	struct tracker *tr;
	struct tpkt t;

	tracker_config_default(&c);
	c.packet_clock = true;
	tr = tracker_new(&c);
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "caf\xc3\xa9\x01",
	    DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK | DOT11_CRYPT_CCMP, 6, 1000,
	    1, -40);
	t.p.dot11.ies.has_ht = true;
	t.p.dot11.ies.ht_primary = 6;
	t.p.dot11.ies.ht_secondary = 1;
	t.p.radio.has |= RADIO_HAS_NOISE;
	t.p.radio.noise_dbm = -90;
	tracker_update(tr, &t.p);
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "caf\xc3\xa9\x01",
	    DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK | DOT11_CRYPT_CCMP, 6, 1001,
	    2, -48);
	t.p.dot11.ies.has_ht = true;
	t.p.dot11.ies.ht_primary = 6;
	t.p.dot11.ies.ht_secondary = 1;
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "corp", 1002, 1, -61);
	tracker_update(tr, &t.p);
	tpkt_data(&t, true, false, AP1, STA1, AP1, NULL, 117, 1003, 1, -60);
	t.p.dot11.eapol.msg = 2;
	t.p.dot11.eapol.replay = 1;
	tracker_update(tr, &t.p);
	return tr;
}

/* Pack one device and decode it; the caller destroys *zone. */
static msgpack_object
roundtrip(const struct tracker *tr, const struct device *d,
    msgpack_sbuffer *sb, msgpack_unpacked *up)
{
	msgpack_packer pk;
	size_t off = 0;

	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	assert_int_equal(devrec_pack(&pk, tr, d, NULL), 0);
	msgpack_unpacked_init(up);
	assert_int_equal(msgpack_unpack_next(up, sb->data, sb->size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	/* Every map count matched its entries: nothing left over. */
	assert_int_equal(off, sb->size);
	return up->data;
}

static void
test_ap_record(void **state)
{
	struct tracker *tr = network();
	const msgpack_object *sig, *d11, *adv, *o, *rrd, *hs;
	msgpack_sbuffer sb;
	msgpack_unpacked up;
	msgpack_object m;

	m = roundtrip(tr, tracker_find(tr, DEVICE_PHY_DOT11, AP1), &sb, &up);
	check_str(&m, "kismet.device.base.key",
	    "4202770D00000000_014433221100");
	check_str(&m, "kismet.device.base.macaddr", "00:11:22:33:44:01");
	check_str(&m, "kismet.device.base.phyname", "IEEE802.11");
	/* Named by its SSID, the control byte escaped, UTF-8 kept. */
	check_str(&m, "kismet.device.base.name", "caf\xc3\xa9\\x01");
	check_str(&m, "kismet.device.base.commonname", "caf\xc3\xa9\\x01");
	check_str(&m, "kismet.device.base.type", "Wi-Fi AP");
	check_str(&m, "kismet.device.base.crypt", "WPA2-PSK");
	check_str(&m, "kismet.device.base.channel", "6");
	check_str(&m, "kismet.device.base.manuf", "Unknown");
	assert_int_equal(get_u(&m, "kismet.device.base.basic_type_set"), 1);
	assert_int_equal(get_u(&m, "kismet.device.base.basic_crypt_set"), 6);
	assert_int_equal(get_u(&m, "kismet.device.base.first_time"), 1000);
	assert_int_equal(get_u(&m, "kismet.device.base.last_time"), 1003);
	assert_int_equal(get_u(&m, "kismet.device.base.mod_time"), 1003);
	assert_int_equal(get_u(&m, "kismet.device.base.packets.total"), 3);
	assert_int_equal(get_u(&m, "kismet.device.base.packets.data"), 1);
	assert_int_equal(get_u(&m, "kismet.device.base.packets.llc"), 2);
	assert_int_equal(get_u(&m, "kismet.device.base.datasize"), 117);
	o = get(&m, "kismet.device.base.frequency");
	assert_int_equal(o->type, MSGPACK_OBJECT_FLOAT64);
	assert_true(o->via.f64 == 2437000.0);
	sig = get(&m, "kismet.device.base.signal");
	check_str(sig, "kismet.common.signal.type", "dbm");
	assert_int_equal(get_i(sig, "kismet.common.signal.last_signal"), -48);
	assert_int_equal(get_i(sig, "kismet.common.signal.min_signal"), -48);
	assert_int_equal(get_i(sig, "kismet.common.signal.max_signal"), -40);
	assert_int_equal(get_i(sig, "kismet.common.signal.last_noise"), -90);
	assert_int_equal(get_i(sig, "kismet.common.signal.last_signal_dbm"),
	    -48);
	o = get(&m, "kismet.device.base.seenby");
	assert_int_equal(o->type, MSGPACK_OBJECT_ARRAY);
	assert_int_equal(o->via.array.size, 2);
	assert_int_equal(get_u(&o->via.array.ptr[0],
	    "kismet.common.seenby.num_packets"), 1);
	check_str(&o->via.array.ptr[0], "kismet.common.seenby.uuid", "");
	rrd = get(&m, "kismet.device.base.packets.rrd");
	o = get(rrd, "kismet.common.rrd.hour_vec");
	assert_int_equal(o->via.array.size, 60);
	/* 1000..1003 s: minute 16, slot 16. */
	assert_int_equal(o->via.array.ptr[16].via.u64, 3);
	assert_int_equal(get_u(rrd, "kismet.common.rrd.last_time"), 1003);
	/* 1000..1003 s are slots 40 to 43 of the minute. */
	o = get(rrd, "kismet.common.rrd.minute_vec");
	assert_int_equal(o->via.array.size, 60);
	assert_int_equal(o->via.array.ptr[40].via.u64 +
	    o->via.array.ptr[41].via.u64 + o->via.array.ptr[42].via.u64 +
	    o->via.array.ptr[43].via.u64, 3);
	o = get(get(&m, "kismet.device.base.datasize.rrd"),
	    "kismet.common.rrd.hour_vec");
	assert_int_equal(o->via.array.ptr[16].via.u64, 117);
	o = get(rrd, "kismet.common.rrd.day_vec");
	assert_int_equal(o->via.array.size, 24);
	check_str(rrd, "kismet.common.rrd.aggregator", "default");
	/* The strongest signal of minute 16. */
	o = get(get(sig, "kismet.common.signal.signal_rrd"),
	    "kismet.common.rrd.hour_vec");
	assert_int_equal(o->via.array.ptr[16].via.i64, -40);
	assert_false(has(&m, "kismet.device.base.location"));

	d11 = get(&m, "dot11.device");
	assert_int_equal(get_u(d11, "dot11.device.typeset"), 1);
	check_str(d11, "dot11.device.last_beaconed_ssid", "caf\xc3\xa9\\x01");
	check_str(d11, "dot11.device.last_bssid", "00:11:22:33:44:01");
	assert_int_equal(get_u(d11, "dot11.device.num_advertised_ssids"), 1);
	o = get(d11, "dot11.device.advertised_ssid_map");
	assert_int_equal(o->type, MSGPACK_OBJECT_ARRAY);
	adv = &o->via.array.ptr[0];
	check_str(adv, "dot11.advertisedssid.ssid", "caf\xc3\xa9\\x01");
	assert_int_equal(get_u(adv, "dot11.advertisedssid.ssidlen"), 6);
	check_str(adv, "dot11.advertisedssid.channel", "6");
	check_str(adv, "dot11.advertisedssid.ht_mode", "HT40+");
	assert_int_equal(get_u(adv, "dot11.advertisedssid.cloaked"), 0);
	assert_int_equal(get_u(adv, "dot11.advertisedssid.beacon"), 1);
	assert_int_equal(get_u(adv, "dot11.advertisedssid.beaconrate"), 10);
	/* Kismet bits: crypt_wpa, psk, aes_ccm, version_wpa2. */
	assert_int_equal(get_u(adv, "dot11.advertisedssid.crypt_set"),
	    (1 << 6) | (1 << 7) | (1 << 9) | (1 << 28));
	assert_int_equal(get_u(adv, "dot11.advertisedssid.first_time"), 1000);
	assert_int_equal(get_u(adv, "dot11.advertisedssid.last_time"), 1001);
	assert_int_equal(get_u(d11, "dot11.device.num_associated_clients"),
	    1);
	o = get(d11, "dot11.device.associated_client_map");
	check_str(o, "00:1B:63:00:00:01", "4202770D00000000_010000631B00");
	assert_int_equal(get(d11, "dot11.device.client_map")->via.map.size,
	    0);
	assert_int_equal(get_u(d11, "dot11.device.wpa_present_handshake"), 2);
	o = get(d11, "dot11.device.wpa_handshake_list");
	assert_int_equal(o->via.array.size, 1);
	hs = &o->via.array.ptr[0];
	assert_int_equal(get_u(hs, "dot11.eapol.message_num"), 2);
	assert_int_equal(get_u(hs, "dot11.eapol.direction"), 2);
	assert_int_equal(get_u(hs, "dot11.eapol.replay_counter"), 1);
	o = get(hs, "dot11.eapol.packet");
	assert_int_equal(get_u(o, "kismet.packet.dlt"), 105);
	o = get(o, "kismet.packet.data");
	assert_int_equal(o->type, MSGPACK_OBJECT_BIN);
	assert_int_equal(o->via.bin.size, 32);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
	tracker_free(tr);
}

static void
test_client_record(void **state)
{
	struct tracker *tr = network();
	const msgpack_object *d11, *o, *cli;
	msgpack_sbuffer sb;
	msgpack_unpacked up;
	msgpack_object m;

	m = roundtrip(tr, tracker_find(tr, DEVICE_PHY_DOT11, STA1), &sb, &up);
	check_str(&m, "kismet.device.base.type", "Wi-Fi Client");
	check_str(&m, "kismet.device.base.name", "00:1B:63:00:00:01");
	check_str(&m, "kismet.device.base.crypt", "");
	d11 = get(&m, "dot11.device");
	assert_int_equal(get_u(d11, "dot11.device.typeset"), 4);
	check_str(d11, "dot11.device.last_beaconed_ssid", "");
	assert_false(has(d11, "dot11.device.last_beaconed_ssid_record"));
	assert_false(has(d11, "dot11.device.wpa_handshake_list"));
	o = get(d11, "dot11.device.probed_ssid_map");
	assert_int_equal(o->via.array.size, 1);
	check_str(&o->via.array.ptr[0], "dot11.probedssid.ssid", "corp");
	o = get(d11, "dot11.device.client_map");
	assert_int_equal(o->via.map.size, 1);
	cli = get(o, "00:11:22:33:44:01");
	check_str(cli, "dot11.client.bssid", "00:11:22:33:44:01");
	check_str(cli, "dot11.client.bssid_key",
	    "4202770D00000000_014433221100");
	assert_int_equal(get_u(cli, "dot11.client.last_time"), 1003);
	assert_int_equal(get_u(d11, "dot11.device.num_client_aps"), 1);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
	tracker_free(tr);
}

static void
test_ssid_strings(void **state)
{
	char buf[4 * 32 + 1];

	assert_int_equal(devrec_ssid_str((const uint8_t *)"plain", 5, buf),
	    5);
	assert_string_equal(buf, "plain");
	/* NUL, backslash, invalid and overlong UTF-8, a C1 control. */
	devrec_ssid_str((const uint8_t *)"a\0b\\c\xff\xc0\xaf\xc2\x85", 10,
	    buf);
	assert_string_equal(buf, "a\\x00b\\x5Cc\\xFF\\xC0\\xAF\\xC2\\x85");
	/* A 4-byte character is kept, a cut one is not. */
	devrec_ssid_str((const uint8_t *)"\xf0\x9f\x93\xb6\xf0\x9f", 6, buf);
	assert_string_equal(buf, "\xf0\x9f\x93\xb6\\xF0\\x9F");
}

/* Decode every device in a buffer of consecutive maps; count them. */
static size_t
count_records(const msgpack_sbuffer *sb, uint8_t *seen, size_t nseen)
{
	msgpack_unpacked up;
	const msgpack_object *o;
	size_t off = 0, n = 0;
	uint8_t mac[6];
	char s[DEVICE_MAC_STR_LEN];

	msgpack_unpacked_init(&up);
	while (msgpack_unpack_next(&up, sb->data, sb->size, &off) ==
	    MSGPACK_UNPACK_SUCCESS) {
		o = get(&up.data, "kismet.device.base.macaddr");
		assert_true(o->via.str.size < sizeof(s));
		memcpy(s, o->via.str.ptr, o->via.str.size);
		s[o->via.str.size] = '\0';
		assert_int_equal(device_mac_parse(s, mac), 0);
		if (mac[5] < nseen)
			seen[mac[5]]++;
		n++;
	}
	assert_int_equal(off, sb->size);
	msgpack_unpacked_destroy(&up);
	return n;
}

static void
test_slices(void **state)
{
	struct tracker_config c;
	struct tracker *tr;
	struct devrec_cursor cur;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	uint8_t mac[6] = { 0x00, 0x10, 0x20, 0x30, 0x40, 0 };
	uint8_t seen[100];
	struct tpkt t;
	size_t n, slices = 0, total = 0;
	int i;

	tracker_config_default(&c);
	c.max_devices = 100;
	tr = tracker_new(&c);
	for (i = 0; i < 50; i++) {
		mac[5] = (uint8_t)i;
		tracker_set_clock(tr, 1000000 + (uint64_t)i);
		tpkt_probe_req(&t, mac, "x", 1, 1, -50);
		tracker_update(tr, &t.p);
	}
	/* All 50 in slices of 7, each exactly once. */
	memset(seen, 0, sizeof(seen));
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	devrec_cursor_init(&cur, 0);
	while (!cur.done) {
		n = devrec_pack_slice(&pk, tr, &cur, 7, NULL);
		assert_true(n <= 7);
		total += n;
		slices++;
	}
	assert_int_equal(total, 50);
	assert_int_equal(slices, 8);
	assert_int_equal(count_records(&sb, seen, 100), 50);
	for (i = 0; i < 50; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(devrec_pack_slice(&pk, tr, &cur, 7, NULL), 0);
	msgpack_sbuffer_clear(&sb);

	/* Since a time: only the devices changed after it. */
	devrec_cursor_init(&cur, 1000000 + 39);
	assert_int_equal(devrec_pack_slice(&pk, tr, &cur, 100, NULL), 10);
	assert_true(cur.done);
	assert_int_equal(cur.clock_start, tracker_clock(tr) - 1);
	msgpack_sbuffer_clear(&sb);

	/*
	 * Changes and removals between slices: the dump still ends, every
	 * device that was there throughout is written, a changed one may
	 * come twice (newer last), a removed one is simply gone.
	 */
	memset(seen, 0, sizeof(seen));
	devrec_cursor_init(&cur, 0);
	total = devrec_pack_slice(&pk, tr, &cur, 10, NULL);
	mac[5] = 3;		/* written already, changes */
	tracker_set_clock(tr, 3000000);
	tpkt_probe_req(&t, mac, "y", 2, 1, -50);
	tracker_update(tr, &t.p);
	mac[5] = 10;		/* the next to write, changes */
	tpkt_probe_req(&t, mac, "y", 2, 1, -50);
	tracker_update(tr, &t.p);
	total += devrec_pack_slice(&pk, tr, &cur, 10, NULL);
	/* Force evictions: 60 new devices into a table capped at 100. */
	for (i = 50; i < 110; i++) {
		mac[5] = (uint8_t)i;
		tpkt_probe_req(&t, mac, "z", 3, 1, -50);
		tracker_update(tr, &t.p);
	}
	while (!cur.done)
		total += devrec_pack_slice(&pk, tr, &cur, 10, NULL);
	assert_int_equal(count_records(&sb, seen, 100), total);
	assert_int_equal(seen[3], 2);
	assert_int_equal(seen[10], 1);
	for (i = 50; i < 100; i++)
		assert_int_equal(seen[i], 1);
	msgpack_sbuffer_destroy(&sb);
	tracker_free(tr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ap_record),
		cmocka_unit_test(test_client_record),
		cmocka_unit_test(test_ssid_strings),
		cmocka_unit_test(test_slices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
