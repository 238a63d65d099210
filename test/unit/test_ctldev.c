/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the web bridge's device queries (select, slice)
 *
 * A real tracker fed with hand-built decoded frames (trackpkt.h); the
 * slices are read back with msgpack-c's unpacker.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "ctldev.h"
#include "device.h"
#include "devrec.h"
#include "tracker.h"
#include "trackpkt.h"

static const uint8_t AP1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };
static const uint8_t AP2[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x02 };
static const uint8_t STA1[6] = { 0x00, 0x1b, 0x63, 0x00, 0x00, 0x01 };
static const uint8_t STA2[6] = { 0x00, 0x1b, 0x63, 0x00, 0x00, 0x02 };

static struct tracker *
new_tracker(size_t max)
{
	struct tracker_config c;

	tracker_config_default(&c);
	c.max_devices = max;
	c.packet_clock = true;
	return tracker_new(&c);
}

/*
 * AP1 beacons at 100 s, AP2 at 200 s, STA1 probes at 300 s and then
 * sends data to AP1 at 400 s (so it becomes AP1's client).
 */
static struct tracker *
world(void)
{
	struct tracker *tr = new_tracker(0);
	struct tpkt t;

	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "one", 0, 1, 100, 1, -40);
	tracker_update(tr, &t.p);
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "two", 0, 6, 200, 1, -50);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "one", 300, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_data(&t, true, false, AP1, STA1, AP2, NULL, 100, 400, 1, -60);
	tracker_update(tr, &t.p);
	return tr;
}

/* Slice everything out; the MACs in order into macs (n of them). */
static size_t
drain(struct ctldev *q, struct tracker *tr, size_t target, char macs[][18],
    size_t max, size_t *ret_slices)
{
	msgpack_sbuffer sb;
	msgpack_unpacked u;
	size_t n = 0, off, slices = 0;
	uint32_t i;

	msgpack_sbuffer_init(&sb);
	msgpack_unpacked_init(&u);
	while (!ctldev_done(q)) {
		msgpack_sbuffer_clear(&sb);
		ctldev_slice(q, tr, &sb, target, NULL);
		slices++;
		off = 0;
		while (msgpack_unpack_next(&u, sb.data, sb.size, &off) ==
		    MSGPACK_UNPACK_SUCCESS) {
			assert_int_equal(u.data.type, MSGPACK_OBJECT_MAP);
			for (i = 0; i < u.data.via.map.size; i++) {
				msgpack_object_kv *kv = &u.data.via.map.ptr[i];

				if (kv->key.via.str.size == 26 && memcmp(
				    kv->key.via.str.ptr,
				    "kismet.device.base.macaddr", 26) == 0 &&
				    n < max) {
					memcpy(macs[n], kv->val.via.str.ptr, 17);
					macs[n][17] = '\0';
				}
			}
			n++;
		}
	}
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	*ret_slices = slices;
	return n;
}

static bool
has(char macs[][18], size_t n, const char *mac)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(macs[i], mac) == 0)
			return true;
	return false;
}

static void
test_all_and_since(void **state)
{
	struct tracker *tr = world();
	struct bridge_devices_req r;
	struct ctldev *q;
	char macs[16][18];
	size_t n, slices;

	memset(&r, 0, sizeof(r));
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16, &slices);
	assert_int_equal(n, tracker_count(tr));
	assert_int_equal(slices, 1);
	assert_int_equal(ctldev_sent(q), n);
	/* The clock at the query: the newest frame, 400 s. */
	assert_true(ctldev_timestamp(q) == 400.0);
	assert_true(has(macs, n, "00:11:22:33:44:01"));
	assert_true(has(macs, n, "00:11:22:33:44:02"));
	assert_true(has(macs, n, "00:1B:63:00:00:01"));
	ctldev_free(q);

	/* Changed after 250 s: not AP2 (200 s). */
	r.has_since = true;
	r.since = 250;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16, &slices);
	assert_true(n >= 1);
	assert_false(has(macs, n, "00:11:22:33:44:02"));
	assert_true(has(macs, n, "00:1B:63:00:00:01"));
	ctldev_free(q);

	/* Polling with the answer's timestamp: nothing new, nothing back. */
	r.since = 400;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	assert_int_equal(drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16,
	    &slices), 0);
	ctldev_free(q);
	tracker_free(tr);
}

/*
 * A "since" past what 64 bits of microseconds hold (2e13 s is 2e19 us)
 * asks for changes after the end of time: nothing.  Converting it
 * unchecked was undefined behaviour (UBSan aborted; x86 gave 0 and so
 * every device).  Zero and before the epoch still mean everything.
 */
static void
test_since_out_of_range(void **state)
{
	static const double far[] = { 2e13, 18446744073709.552, 1e300 };
	struct tracker *tr = world();
	struct bridge_devices_req r;
	struct ctldev *q;
	char macs[16][18];
	size_t i, slices;

	memset(&r, 0, sizeof(r));
	r.has_since = true;
	for (i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		r.since = far[i];
		q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
		assert_int_equal(drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16,
		    &slices), 0);
		ctldev_free(q);
	}
	/* Just below the limit is a time like any other: nothing newer. */
	r.since = 18446744073709.0;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	assert_int_equal(drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16,
	    &slices), 0);
	ctldev_free(q);
	r.since = -1e300;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	assert_int_equal(drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16,
	    &slices), tracker_count(tr));
	ctldev_free(q);
	tracker_free(tr);
}

static void
test_filters(void **state)
{
	struct tracker *tr = world();
	struct bridge_devices_req r;
	char key[DEVICE_KEY_LEN], macs[16][18];
	const char *keys[2], *mlist[2];
	struct ctldev *q;
	size_t n, slices;

	memset(&r, 0, sizeof(r));
	r.view = BRIDGE_VIEW_ACCESSPOINTS;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16, &slices);
	assert_int_equal(n, 2);
	assert_false(has(macs, n, "00:1B:63:00:00:01"));
	ctldev_free(q);

	memset(&r, 0, sizeof(r));
	device_key_str(DEVICE_PHY_DOT11, AP2, key);
	keys[0] = key;
	keys[1] = "not-a-key";
	r.keys = keys;
	r.n_keys = 2;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16, &slices);
	assert_int_equal(n, 1);
	assert_string_equal(macs[0], "00:11:22:33:44:02");
	ctldev_free(q);

	memset(&r, 0, sizeof(r));
	mlist[0] = "00:1B:63:00:00:01";
	mlist[1] = "00:1B:63:00:00:99";		/* never seen */
	r.macs = mlist;
	r.n_macs = 2;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16, &slices);
	assert_int_equal(n, 1);
	assert_string_equal(macs[0], "00:1B:63:00:00:01");
	ctldev_free(q);

	/* AP1's clients: STA1, which sent it data. */
	memset(&r, 0, sizeof(r));
	device_key_str(DEVICE_PHY_DOT11, AP1, key);
	r.clients_of = key;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16, &slices);
	assert_int_equal(n, 1);
	assert_string_equal(macs[0], "00:1B:63:00:00:01");
	ctldev_free(q);
	tracker_free(tr);
}

static void
test_slices_and_departures(void **state)
{
	struct tracker *tr = new_tracker(4);
	struct bridge_devices_req r;
	char macs[16][18];
	struct ctldev *q;
	msgpack_sbuffer sb;
	struct tpkt t;
	size_t n, slices;

	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "one", 0, 1, 100, 1, -40);
	tracker_update(tr, &t.p);
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "two", 0, 6, 101, 1, -50);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "one", 102, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA2, "two", 103, 1, -60);
	tracker_update(tr, &t.p);
	assert_int_equal(tracker_count(tr), 4);

	/* A tiny target: one device a slice. */
	memset(&r, 0, sizeof(r));
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, 1, macs, 16, &slices);
	assert_int_equal(n, 4);
	assert_int_equal(slices, 4);
	ctldev_free(q);

	/* Devices that leave between slices are skipped, not dangling. */
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	msgpack_sbuffer_init(&sb);
	assert_int_equal(ctldev_slice(q, tr, &sb, 1, NULL), 1);
	msgpack_sbuffer_destroy(&sb);
	tpkt_probe_req(&t, (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, "x", 104,
	    1, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, (const uint8_t[6]){ 2, 0, 0, 0, 0, 2 }, "x", 105,
	    1, -60);
	tracker_update(tr, &t.p);
	/* The two unchanged longest went: AP1 (sent already) and AP2. */
	assert_int_equal(tracker_count(tr), 4);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 16, &slices);
	assert_int_equal(n, 2);
	assert_false(has(macs, n, "00:11:22:33:44:02"));
	assert_true(has(macs, n, "00:1B:63:00:00:02"));
	assert_int_equal(ctldev_sent(q), 3);
	ctldev_free(q);
	ctldev_free(NULL);
	tracker_free(tr);
}

/* Masked MACs, phys, seen-by sources and related access points. */
static void
test_masks_phy_seenby_related(void **state)
{
	static const uint8_t AP3[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 };
	struct tracker *tr = world();
	struct bridge_devices_req r;
	const char *m[2];
	struct ctldev *q;
	char macs[16][18], key[DEVICE_KEY_LEN];
	size_t n, slices;
	struct tpkt t;

	/* Another AP of network "one". */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP3, "one", 0, 11, 500, 1, -70);
	tracker_update(tr, &t.p);

	memset(&r, 0, sizeof(r));
	m[0] = "00:11:22:33:44:00/FF:FF:FF:FF:FF:00";
	m[1] = "00:1b:63:00:00:00/24";
	r.macs = m;
	r.n_macs = 2;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, 1 << 20, macs, 16, &slices);
	assert_int_equal(n, 3);
	assert_true(has(macs, n, "00:11:22:33:44:01"));
	assert_true(has(macs, n, "00:11:22:33:44:02"));
	assert_true(has(macs, n, "00:1B:63:00:00:01"));
	ctldev_free(q);

	/* A malformed mask matches nothing. */
	m[0] = "00:11:22:33:44:00/99";
	r.n_macs = 1;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	assert_int_equal(drain(q, tr, 1 << 20, macs, 16, &slices), 0);
	ctldev_free(q);

	memset(&r, 0, sizeof(r));
	r.phyname = "IEEE802.11";
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	assert_int_equal(drain(q, tr, 1 << 20, macs, 16, &slices), 4);
	ctldev_free(q);
	r.phyname = "Bluetooth";
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	assert_int_equal(drain(q, tr, 1 << 20, macs, 16, &slices), 0);
	ctldev_free(q);

	/* The frames all came from source 1. */
	r.phyname = NULL;
	q = ctldev_new(tr, &r, 1);
	assert_int_equal(drain(q, tr, 1 << 20, macs, 16, &slices), 4);
	ctldev_free(q);
	q = ctldev_new(tr, &r, 2);
	assert_int_equal(drain(q, tr, 1 << 20, macs, 16, &slices), 0);
	ctldev_free(q);
	q = ctldev_new(tr, &r, CTLDEV_NO_SOURCE);
	assert_int_equal(drain(q, tr, 1 << 20, macs, 16, &slices), 0);
	ctldev_free(q);

	/* Related to AP1: AP3 shares its SSID; not AP1 itself, no clients. */
	device_key_str(DEVICE_PHY_DOT11, AP1, key);
	r.related_to = key;
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, 1 << 20, macs, 16, &slices);
	assert_true(has(macs, n, "02:00:00:00:00:03"));
	assert_false(has(macs, n, "00:11:22:33:44:02"));
	assert_false(has(macs, n, "00:11:22:33:44:01"));
	assert_false(has(macs, n, "00:1B:63:00:00:01"));
	ctldev_free(q);

	/* STA2 talks to AP1 and AP2: AP2 is related now, once. */
	tpkt_data(&t, true, false, AP1, STA2, AP3, NULL, 100, 600, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_data(&t, true, false, AP2, STA2, AP3, NULL, 100, 700, 1, -60);
	tracker_update(tr, &t.p);
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	n = drain(q, tr, 1 << 20, macs, 16, &slices);
	assert_int_equal(n, 2);
	assert_true(has(macs, n, "00:11:22:33:44:02"));
	assert_true(has(macs, n, "02:00:00:00:00:03"));
	ctldev_free(q);
	tracker_free(tr);
}

/*
 * A walk over every device in steps (a time budget per slice): devices
 * that move to the tail behind or ahead of the walk, devices added and
 * devices removed between steps still come out once each.
 */
static void
test_stepped_walk(void **state)
{
	struct tracker *tr = new_tracker(1400);
	struct bridge_devices_req r;
	struct ctldev *q;
	msgpack_sbuffer sb;
	static char macs[2048][18];
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
	size_t n, slices, i, j, steps = 0;
	struct tpkt t;
	uint32_t sec = 100;

	for (i = 0; i < 1200; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		tpkt_probe_req(&t, mac, "x", sec++, 1, -60);
		tracker_update(tr, &t.p);
	}
	memset(&r, 0, sizeof(r));
	q = ctldev_new(tr, &r, CTLDEV_ANY_SOURCE);
	ctldev_set_budget(q, 1);
	msgpack_sbuffer_init(&sb);
	/* Each step walks 256 devices and stops: nothing packed yet. */
	while (steps < 3) {
		assert_int_equal(ctldev_slice(q, tr, &sb, 1, NULL), 0);
		assert_false(ctldev_done(q));
		steps++;
		/* Move one behind the walk and one ahead of it. */
		for (j = 0; j < 2; j++) {
			i = j == 0 ? steps * 100 : 1100 - steps;
			mac[4] = (uint8_t)(i >> 8);
			mac[5] = (uint8_t)i;
			tpkt_probe_req(&t, mac, "x", sec++, 1, -60);
			tracker_update(tr, &t.p);
		}
	}
	/* The device where the walk stands moves: the walk goes on. */
	i = 3 * 256;
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
	tpkt_probe_req(&t, mac, "x", sec++, 1, -60);
	tracker_update(tr, &t.p);
	/* New devices, and over the cap: the oldest go. */
	for (i = 1200; i < 1450; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		tpkt_probe_req(&t, mac, "x", sec++, 1, -60);
		tracker_update(tr, &t.p);
	}
	msgpack_sbuffer_destroy(&sb);
	ctldev_set_budget(q, 0);
	n = drain(q, tr, BRIDGE_SLICE_TARGET, macs, 2048, &slices);
	/*
	 * 50 of the first went (taken by the walk, skipped when packed);
	 * the new ones are past the walk's end: every device there now
	 * comes out, once.
	 */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(macs[i], macs[j]);
	assert_int_equal(tracker_count(tr), 1400);
	assert_int_equal(n, 1400);
	assert_true(has(macs, n, "02:00:00:00:04:4C"));	/* 1100 - 3 */
	assert_true(has(macs, n, "02:00:00:00:01:2C"));	/* 300 */
	assert_true(has(macs, n, "02:00:00:00:03:00"));	/* 768 */
	ctldev_free(q);
	tracker_free(tr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_and_since),
		cmocka_unit_test(test_since_out_of_range),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_slices_and_departures),
		cmocka_unit_test(test_masks_phy_seenby_related),
		cmocka_unit_test(test_stepped_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
