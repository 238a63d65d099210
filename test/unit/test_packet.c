/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the packet pipeline: fill, decode, track, taps */

#include <sys/time.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <event2/event.h>

#include "datasource.h"
#include "device.h"
#include "msg.h"
#include "packet.h"
#include "tracker.h"

static void
test_fill(void **state)
{
	static const uint8_t frame[30] = { 0x80 };
	struct msg_packet mp = { .ts_sec = 5, .ts_usec = 6, .dlt = 105,
	    .size = 40, .data = frame, .caplen = 30 };
	struct msg_signal sig = { .has_signal_dbm = true, .signal_dbm = -42,
	    .has_freq_khz = true, .freq_khz = 2437000 };
	struct packet p;

	assert_int_equal(packet_fill(&p, 3, &mp, &sig), 0);
	assert_int_equal(p.source, 3);
	assert_int_equal(p.caplen, 30);
	assert_int_equal(p.len, 40);
	assert_ptr_equal(p.data, frame);
	assert_true(p.has_helper_signal);
	assert_int_equal(p.helper_signal_dbm, -42);
	assert_int_equal(p.helper_freq_mhz, 2437);
	/* More captured than the original length: inconsistent. */
	mp.size = 20;
	assert_int_equal(packet_fill(&p, 3, &mp, NULL), -EBADMSG);
	mp.size = 30;
	mp.caplen = 0;
	assert_int_equal(packet_fill(&p, 3, &mp, NULL), -EBADMSG);
	/* A wild signal is not taken. */
	mp.caplen = 30;
	/* A microsecond field over a million carries into the seconds. */
	mp.ts_sec = 10;
	mp.ts_usec = 2000046;
	assert_int_equal(packet_fill(&p, 3, &mp, NULL), 0);
	assert_int_equal(p.ts_sec, 12);
	assert_int_equal(p.ts_usec, 46);
	sig.signal_dbm = 1e9;
	assert_int_equal(packet_fill(&p, 3, &mp, &sig), 0);
	assert_false(p.has_helper_signal);
}

static int tap_calls[2];

static void
tap(const struct packet *p, const struct datasource *ds, void *arg)
{
	tap_calls[(intptr_t)arg]++;
	assert_string_equal(ds->name, "src");
}

static void
test_process_and_taps(void **state)
{
	/* An ACK: radiotap header without fields, then 802.11. */
	static const uint8_t rt_ack[18] = { 0, 0, 8, 0, 0, 0, 0, 0,
	    0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 1 };
	struct datasource ds;
	struct packet_ctx *c = packet_ctx_new(NULL);
	struct packet p;
	int a, b;

	memset(&ds, 0, sizeof(ds));
	ds.name = "src";
	a = packet_tap_add(c, tap, (void *)0);
	b = packet_tap_add(c, tap, (void *)1);
	assert_true(a > 0 && b > 0 && a != b);
	memset(&p, 0, sizeof(p));
	p.data = rt_ack;
	p.caplen = p.len = sizeof(rt_ack);
	p.dlt = 127;
	assert_int_equal(packet_process(c, &p, &ds), PACKET_OK);
	assert_int_equal(p.dot11.type, DOT11_TYPE_CTRL);
	memset(&p, 0, sizeof(p));
	p.data = rt_ack;
	p.caplen = p.len = sizeof(rt_ack);
	p.dlt = 1;	/* Ethernet: not something osprey decodes */
	assert_int_equal(packet_process(c, &p, &ds), PACKET_ERR_DLT);
	packet_tap_remove(c, a);
	memset(&p, 0, sizeof(p));
	p.data = rt_ack + 8;	/* the bare 802.11 frame */
	p.caplen = p.len = sizeof(rt_ack) - 8;
	p.dlt = 105;
	assert_int_equal(packet_process(c, &p, &ds), PACKET_OK);
	assert_int_equal(tap_calls[0], 2);
	assert_int_equal(tap_calls[1], 3);
	assert_int_equal(packet_count(c), 3);
	assert_int_equal(packet_error_count(c), 1);
	packet_ctx_free(c);
}

/* A beacon of 02:11:22:33:44:55 for "osprey", as a bare 802.11 frame. */
static const uint8_t beacon[] = {
	0x80, 0x00, 0x00, 0x00,				/* FC, duration */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,		/* DA */
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55,		/* SA */
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55,		/* BSSID */
	0x10, 0x00,					/* sequence */
	1, 2, 3, 4, 5, 6, 7, 8,				/* TSF */
	0x64, 0x00, 0x01, 0x00,				/* interval, ESS */
	0x00, 0x06, 'o', 's', 'p', 'r', 'e', 'y',	/* SSID */
};

static int
track_one(struct packet_ctx *c, struct datasource *ds, const uint8_t *f,
    size_t len)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.source = ds->id;
	p.ts_sec = 1700000000;
	p.data = f;
	p.caplen = p.len = len;
	p.dlt = PACKET_DLT_IEEE802_11;
	return packet_process(c, &p, ds);
}

/*
 * Decoded frames reach the tracker with their source (seen-by, dedup);
 * frames that do not decode never do; the clock follows the loop.
 */
static void
test_tracker_stage(void **state)
{
	static const uint8_t ap[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct tracker_config cfg;
	struct tracker_stats st;
	struct datasource a, b;
	struct event_base *base;
	struct packet_ctx *c;
	struct tracker *tr;
	const struct device *d;
	struct timeval tv;
	uint8_t earlier[sizeof(beacon)];

	base = event_base_new();
	assert_non_null(base);
	tracker_config_default(&cfg);
	tr = tracker_new(&cfg);
	c = packet_ctx_new(NULL);
	packet_ctx_set_tracker(c, tr, base);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.name = b.name = "src";
	a.id = 1;
	b.id = 2;

	/* An earlier beacon from b: two sources active, dedup is on. */
	memcpy(earlier, beacon, sizeof(beacon));
	earlier[22] = 0x00;
	assert_int_equal(track_one(c, &b, earlier, sizeof(earlier)),
	    PACKET_OK);
	assert_int_equal(track_one(c, &a, beacon, sizeof(beacon)), PACKET_OK);
	d = tracker_find(tr, DEVICE_PHY_DOT11, ap);
	assert_non_null(d);
	assert_true(d->type_set & DEVICE_TYPE_AP);
	assert_int_equal(d->n_seenby, 2);
	assert_int_equal(d->packets, 2);
	/* The clock is the loop's time, not zero and not capture time. */
	gettimeofday(&tv, NULL);
	assert_true(tracker_clock(tr) / 1000000 + 5 >= (uint64_t)tv.tv_sec);

	/* The same bytes from the other source: counted once. */
	assert_int_equal(track_one(c, &b, beacon, sizeof(beacon)), PACKET_OK);
	d = tracker_find(tr, DEVICE_PHY_DOT11, ap);
	assert_int_equal(d->n_seenby, 2);
	assert_int_equal(d->packets, 2);
	tracker_stats(tr, &st);
	assert_int_equal(st.dups, 1);

	/* Cut inside the fixed fields: an error, the tracker never hears. */
	assert_int_equal(track_one(c, &a, beacon, 30), PACKET_ERR_DOT11);
	tracker_stats(tr, &st);
	assert_int_equal(st.packets, 3);
	assert_int_equal(st.errors, 0);
	assert_int_equal(packet_error_count(c), 1);
	assert_int_equal(tracker_find(tr, DEVICE_PHY_DOT11, ap)->packets, 2);

	/* Without a tracker the stage is off. */
	packet_ctx_set_tracker(c, NULL, NULL);
	assert_int_equal(track_one(c, &a, beacon, sizeof(beacon)), PACKET_OK);
	tracker_stats(tr, &st);
	assert_int_equal(st.packets, 3);

	packet_ctx_free(c);
	tracker_free(tr);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_process_and_taps),
		cmocka_unit_test(test_tracker_stage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
