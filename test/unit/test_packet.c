/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the packet pipeline: fill, decode, taps */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "datasource.h"
#include "msg.h"
#include "packet.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_process_and_taps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
