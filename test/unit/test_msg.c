/* SPDX-License-Identifier: ISC */
/*
 * \summary: golden frames and round trips for every protocol message
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "frame.h"
#include "msg.h"
#include "golden.h"

static const char *ch_1_6[] = { "1", "6" };
static const char *ch_1[] = { "1" };
static const uint8_t pkt[] = { 0xde, 0xad, 0xbe, 0xef };
static const struct msg_iface wlan0 = { "wlan0", "", "hw", NULL };

/* The typed message each golden frame encodes, in the same order. */
static void
golden_msg(size_t i, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = msgtype_from_command(goldens[i].command, 32);
	m->seqno = goldens[i].seqno;
	switch (i) {
	case 0:
		m->u.message.level = MSG_LEVEL_INFO;
		m->u.message.text = "hi";
		break;
	case 1:
		break;
	case 2:
		m->u.pong_seqno = 300;
		break;
	case 3:
		m->u.shutdown_reason = "bye";
		break;
	case 4:
		m->u.subsystem = "ds";
		break;
	case 5:
		m->u.definition = "a.pcap";
		break;
	case 6:
		m->u.probe_report.result.success = true;
		m->u.probe_report.result.seqno = 7;
		m->u.probe_report.has_channels = true;
		m->u.probe_report.channels.list = ch_1_6;
		m->u.probe_report.channels.count = 2;
		m->u.probe_report.channel = "6";
		m->u.probe_report.hardware = "hw";
		break;
	case 7:
		m->u.definition = "x";
		break;
	case 8: {
		struct msg_open_report *r = &m->u.open_report;

		r->result.success = true;
		r->result.seqno = 3;
		r->has_dlt = true;
		r->dlt = 127;
		r->capture_interface = "c";
		r->has_channels = true;
		r->channels.list = ch_1;
		r->channels.count = 1;
		r->channel = "1";
		r->has_hop = true;
		r->hop.channels.list = ch_1_6;
		r->hop.channels.count = 2;
		r->hop.has_rate = true;
		r->hop.rate = 5.0;
		r->hop.has_shuffle = true;
		r->hop.shuffle = true;
		r->hop.has_shuffle_skip = true;
		r->hop.shuffle_skip = 3;
		r->hop.has_offset = true;
		r->hop.offset = 1;
		r->hardware = "h";
		r->message.level = MSG_LEVEL_INFO;
		r->message.text = "ok";
		r->uuid = "u";
		r->warning = "w";
		break;
	}
	case 9:
		break;
	case 10:
		m->u.interfaces_report.result.success = true;
		m->u.interfaces_report.result.seqno = 9;
		m->u.interfaces_report.ifaces = &wlan0;
		m->u.interfaces_report.n_ifaces = 1;
		break;
	case 11:
		m->u.configure.channel = "11";
		break;
	case 12:
		m->u.configure_report.result.success = true;
		m->u.configure_report.result.seqno = 4;
		m->u.configure_report.channel = "11";
		break;
	case 13: {
		struct msg_data_report *d = &m->u.data_report;

		d->has_packet = true;
		d->packet.ts_sec = 1;
		d->packet.ts_usec = 2;
		d->packet.dlt = 105;
		d->packet.size = 4;
		d->packet.data = pkt;
		d->packet.caplen = sizeof(pkt);
		d->has_signal = true;
		d->signal.has_signal_dbm = true;
		d->signal.signal_dbm = -40.0;
		break;
	}
	case 14:
		m->u.error_report.result.success = false;
		m->u.error_report.result.seqno = 2;
		m->u.error_report.message.level = MSG_LEVEL_ERROR;
		m->u.error_report.message.text = "bad";
		break;
	case 15:
		m->u.new_source.definition = "d";
		m->u.new_source.sourcetype = "pcapfile";
		m->u.new_source.uuid = "u";
		break;
	case 16:
		break;
	case 17:
		m->u.warning = "w";
		break;
	case 18:
		m->u.configure.has_hop = true;
		m->u.configure.hop.channels.list = ch_1;
		m->u.configure.hop.channels.count = 1;
		m->u.configure.hop.has_rate = true;
		m->u.configure.hop.rate = 10.0;
		break;
	default:
		fail_msg("no typed message for golden %zu", i);
	}
}

/* Every command of the protocol has at least one golden frame. */
static void
test_goldens_cover_every_command(void **state)
{
	bool seen[MSG_TYPE_COUNT] = { false };
	size_t i;
	int t;

	for (i = 0; i < N_GOLDENS; i++) {
		t = msgtype_from_command(goldens[i].command, 32);
		assert_int_not_equal(t, MSG_UNKNOWN);
		seen[t] = true;
	}
	for (t = MSG_UNKNOWN + 1; t < MSG_TYPE_COUNT; t++)
		if (!seen[t])
			fail_msg("no golden frame for %s", msgtype_command(t));
}

/* The header, all 48 bytes, spelled out for one frame. */
static void
test_header_literal(void **state)
{
	static const uint8_t want[48] = {
		0xde, 0xca, 0xfb, 0xad, 0xab, 0xcd, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x00,
		'P', 'I', 'N', 'G', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0x02, 0x03, 0x04,
	};
	struct msg m = { .type = MSG_PING, .seqno = 0x01020304 };
	uint8_t buf[64];

	assert_int_equal(msg_encode(&m, buf, sizeof(buf)), 48);
	assert_memory_equal(buf, want, 48);
}

static void
test_encode_matches_goldens(void **state)
{
	uint8_t want[512], got[512];
	struct msg m;
	size_t i, n;
	ssize_t r;

	for (i = 0; i < N_GOLDENS; i++) {
		n = golden_frame(&goldens[i], want);
		golden_msg(i, &m);
		r = msg_encode(&m, got, sizeof(got));
		if (r != (ssize_t)n)
			fail_msg("%s: encoded %zd bytes, golden has %zu",
			    goldens[i].command, r, n);
		if (memcmp(want, got, n) != 0)
			fail_msg("%s: bytes differ from golden",
			    goldens[i].command);
	}
}

static void
check_same_channels(const struct msg_channels *a, const struct msg_channels *b)
{
	size_t i;

	assert_int_equal(a->count, b->count);
	for (i = 0; i < a->count; i++)
		assert_string_equal(a->list[i], b->list[i]);
}

static void
check_same_text(const struct msg_text *a, const struct msg_text *b)
{
	if (a->text == NULL) {
		assert_null(b->text);
		return;
	}
	assert_non_null(b->text);
	assert_string_equal(a->text, b->text);
	assert_int_equal(a->level, b->level);
}

static void
check_same_str(const char *a, const char *b)
{
	if (a == NULL)
		assert_null(b);
	else {
		assert_non_null(b);
		assert_string_equal(a, b);
	}
}

/* Field by field: the decoded golden equals the typed message. */
static void
check_decoded(size_t i, const struct msg *d)
{
	struct msg w;

	golden_msg(i, &w);
	assert_int_equal(d->type, w.type);
	assert_int_equal(d->seqno, w.seqno);
	switch (w.type) {
	case MSG_MESSAGE:
		check_same_text(&w.u.message, &d->u.message);
		break;
	case MSG_PONG:
		assert_int_equal(d->u.pong_seqno, w.u.pong_seqno);
		break;
	case MSG_SHUTDOWN:
		check_same_str(w.u.shutdown_reason, d->u.shutdown_reason);
		break;
	case MSG_SYSTEMREGISTER:
		check_same_str(w.u.subsystem, d->u.subsystem);
		break;
	case MSG_PROBESOURCE:
	case MSG_OPENSOURCE:
		check_same_str(w.u.definition, d->u.definition);
		break;
	case MSG_PROBESOURCEREPORT:
		assert_true(d->u.probe_report.result.success);
		assert_int_equal(d->u.probe_report.result.seqno, 7);
		assert_true(d->u.probe_report.has_channels);
		check_same_channels(&w.u.probe_report.channels,
		    &d->u.probe_report.channels);
		check_same_str("6", d->u.probe_report.channel);
		check_same_str("hw", d->u.probe_report.hardware);
		check_same_text(&w.u.probe_report.message,
		    &d->u.probe_report.message);
		break;
	case MSG_OPENSOURCEREPORT: {
		const struct msg_open_report *a = &w.u.open_report;
		const struct msg_open_report *b = &d->u.open_report;

		assert_int_equal(b->result.success, a->result.success);
		assert_int_equal(b->result.seqno, a->result.seqno);
		assert_true(b->has_dlt);
		assert_int_equal(b->dlt, 127);
		check_same_str(a->capture_interface, b->capture_interface);
		check_same_channels(&a->channels, &b->channels);
		check_same_str(a->channel, b->channel);
		assert_true(b->has_hop);
		check_same_channels(&a->hop.channels, &b->hop.channels);
		assert_true(b->hop.has_rate && b->hop.rate == 5.0);
		assert_true(b->hop.has_shuffle && b->hop.shuffle);
		assert_true(b->hop.has_shuffle_skip);
		assert_int_equal(b->hop.shuffle_skip, 3);
		assert_true(b->hop.has_offset);
		assert_int_equal(b->hop.offset, 1);
		check_same_str(a->hardware, b->hardware);
		check_same_text(&a->message, &b->message);
		check_same_str(a->uuid, b->uuid);
		check_same_str(a->warning, b->warning);
		break;
	}
	case MSG_INTERFACESREPORT:
		assert_int_equal(d->u.interfaces_report.result.seqno, 9);
		assert_int_equal(d->u.interfaces_report.n_ifaces, 1);
		check_same_str("wlan0", d->u.interfaces_report.ifaces[0].interface);
		check_same_str("", d->u.interfaces_report.ifaces[0].flags);
		check_same_str("hw", d->u.interfaces_report.ifaces[0].hardware);
		assert_null(d->u.interfaces_report.ifaces[0].capinterface);
		break;
	case MSG_CONFIGURE:
		check_same_str(w.u.configure.channel, d->u.configure.channel);
		assert_int_equal(d->u.configure.has_hop, w.u.configure.has_hop);
		if (w.u.configure.has_hop) {
			check_same_channels(&w.u.configure.hop.channels,
			    &d->u.configure.hop.channels);
			assert_true(d->u.configure.hop.rate == 10.0);
			assert_false(d->u.configure.hop.has_shuffle);
			assert_false(d->u.configure.hop.has_offset);
		}
		break;
	case MSG_CONFIGUREREPORT:
		assert_true(d->u.configure_report.result.success);
		assert_int_equal(d->u.configure_report.result.seqno, 4);
		check_same_str("11", d->u.configure_report.channel);
		assert_false(d->u.configure_report.has_hop);
		break;
	case MSG_DATAREPORT: {
		const struct msg_data_report *b = &d->u.data_report;

		assert_false(b->has_gps);
		assert_true(b->has_packet);
		assert_int_equal(b->packet.ts_sec, 1);
		assert_int_equal(b->packet.ts_usec, 2);
		assert_int_equal(b->packet.dlt, 105);
		assert_int_equal(b->packet.size, 4);
		assert_int_equal(b->packet.caplen, 4);
		assert_memory_equal(b->packet.data, pkt, 4);
		assert_false(b->packet.has_cap_size);
		assert_true(b->has_signal);
		assert_true(b->signal.has_signal_dbm);
		assert_true(b->signal.signal_dbm == -40.0);
		assert_false(b->signal.has_noise_dbm);
		assert_null(b->signal.channel);
		break;
	}
	case MSG_ERRORREPORT:
		assert_false(d->u.error_report.result.success);
		assert_int_equal(d->u.error_report.result.seqno, 2);
		check_same_text(&w.u.error_report.message,
		    &d->u.error_report.message);
		break;
	case MSG_NEWSOURCE:
		check_same_str("d", d->u.new_source.definition);
		check_same_str("pcapfile", d->u.new_source.sourcetype);
		check_same_str("u", d->u.new_source.uuid);
		break;
	case MSG_WARNINGREPORT:
		check_same_str("w", d->u.warning);
		break;
	default:
		break;
	}
}

static void
run_decode_goldens(struct msg_arena *arena)
{
	uint8_t buf[512], again[512];
	struct frame f;
	struct msg m;
	size_t i, n, total;

	for (i = 0; i < N_GOLDENS; i++) {
		n = golden_frame(&goldens[i], buf);
		assert_int_equal(frame_parse(buf, n, FRAME_MAX_PAYLOAD, &f,
		    &total), 1);
		assert_int_equal(total, n);
		assert_int_equal(msg_decode(&f, arena, &m), 0);
		check_decoded(i, &m);
		/* Decoding then encoding gives back the same bytes. */
		assert_int_equal(msg_encode(&m, again, sizeof(again)), n);
		assert_memory_equal(again, buf, n);
		msg_clear(&m);
		assert_null(m.priv);
	}
}

static void
test_decode_goldens_heap(void **state)
{
	run_decode_goldens(NULL);
}

static void
test_decode_goldens_arena(void **state)
{
	struct msg_arena a;

	assert_int_equal(msg_arena_init(&a, 4096), 0);
	run_decode_goldens(&a);
	assert_int_equal(a.used, 0);
	msg_arena_free(&a);
}

/* A tiny arena forces the heap fallback for most allocations. */
static void
test_decode_goldens_small_arena(void **state)
{
	struct msg_arena a;

	assert_int_equal(msg_arena_init(&a, 48), 0);
	run_decode_goldens(&a);
	msg_arena_free(&a);
}

/* Optional parts the goldens leave out: gps, json, cap_size, signal. */
static void
test_round_trip_data_report_full(void **state)
{
	uint8_t data[300], buf[1024];
	struct msg m, d;
	struct frame f;
	size_t total;
	ssize_t n;
	int i;

	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (uint8_t)i;
	memset(&m, 0, sizeof(m));
	m.type = MSG_DATAREPORT;
	m.seqno = 77;
	m.u.data_report.has_gps = true;
	m.u.data_report.gps = (struct msg_gps){ .lat = 52.5, .lon = 13.4,
	    .alt = 34, .speed = 1, .heading = 90, .precision = 3, .fix = 3,
	    .time_sec = 1700000000, .time_usec = 5, .type = "fixed",
	    .name = "gps0" };
	m.u.data_report.has_packet = true;
	m.u.data_report.packet = (struct msg_packet){ .ts_sec = 1700000001,
	    .ts_usec = 999999, .dlt = 127, .size = 1500, .data = data,
	    .caplen = sizeof(data), .has_cap_size = true,
	    .cap_size = sizeof(data) };
	m.u.data_report.has_signal = true;
	m.u.data_report.signal = (struct msg_signal){ .has_signal_dbm = true,
	    .signal_dbm = -71, .has_noise_dbm = true, .noise_dbm = -95,
	    .has_freq_khz = true, .freq_khz = 2437000, .channel = "6",
	    .has_datarate = true, .datarate = 54 };
	m.u.data_report.message = (struct msg_text){ MSG_LEVEL_DEBUG, "dbg" };
	m.u.data_report.warning = "careful";
	m.u.data_report.has_json = true;
	m.u.data_report.json = (struct msg_json){ 1, 2, "t", "{}" };

	n = msg_encode(&m, buf, sizeof(buf));
	assert_true(n > 300);
	assert_int_equal(frame_parse(buf, n, FRAME_MAX_PAYLOAD, &f, &total), 1);
	assert_int_equal(msg_decode(&f, NULL, &d), 0);
	assert_int_equal(d.seqno, 77);
	assert_true(d.u.data_report.has_gps);
	assert_true(d.u.data_report.gps.lat == 52.5);
	assert_int_equal(d.u.data_report.gps.fix, 3);
	assert_string_equal(d.u.data_report.gps.name, "gps0");
	assert_int_equal(d.u.data_report.packet.caplen, sizeof(data));
	assert_memory_equal(d.u.data_report.packet.data, data, sizeof(data));
	assert_int_equal(d.u.data_report.packet.size, 1500);
	assert_true(d.u.data_report.packet.has_cap_size);
	assert_true(d.u.data_report.signal.noise_dbm == -95);
	assert_true(d.u.data_report.signal.freq_khz == 2437000);
	assert_string_equal(d.u.data_report.signal.channel, "6");
	assert_false(d.u.data_report.signal.has_signal_rssi);
	assert_string_equal(d.u.data_report.message.text, "dbg");
	assert_int_equal(d.u.data_report.message.level, MSG_LEVEL_DEBUG);
	assert_string_equal(d.u.data_report.warning, "careful");
	assert_string_equal(d.u.data_report.json.json, "{}");
	msg_clear(&d);
}

static void
test_encode_refuses(void **state)
{
	static uint8_t big[FRAME_MAX_PAYLOAD + 1];
	uint8_t buf[64];
	struct msg m;

	/* A required string left NULL. */
	memset(&m, 0, sizeof(m));
	m.type = MSG_OPENSOURCE;
	assert_int_equal(msg_encode(&m, buf, sizeof(buf)), -PROTO_ERR_INVALID);
	m.type = MSG_NEWSOURCE;
	m.u.new_source.definition = "x";
	assert_int_equal(msg_encode(&m, buf, sizeof(buf)), -PROTO_ERR_INVALID);
	/* An unknown type. */
	m.type = MSG_UNKNOWN;
	assert_int_equal(msg_encode(&m, buf, sizeof(buf)), -PROTO_ERR_INVALID);
	/* The buffer is too small. */
	m.type = MSG_OPENSOURCE;
	m.u.definition = "a definition that needs more than sixteen bytes";
	assert_int_equal(msg_encode(&m, buf, sizeof(buf)), -PROTO_ERR_NOSPACE);
	assert_int_equal(msg_encode(&m, buf, 47), -PROTO_ERR_NOSPACE);
	/* A payload over the cap. */
	memset(&m, 0, sizeof(m));
	m.type = MSG_DATAREPORT;
	m.u.data_report.has_packet = true;
	m.u.data_report.packet.data = big;
	m.u.data_report.packet.caplen = sizeof(big);
	assert_int_equal(msg_encode(&m, buf, sizeof(buf)), -PROTO_ERR_TOOBIG);
}

static void
test_decode_rejects(void **state)
{
	/* Pong{} lacks its required ping_seqno. */
	struct golden no_seq = { "PONG", 1, NULL, 0 };
	/* A field 1 whose length runs past the payload. */
	struct golden overrun = { "KDSOPENSOURCE", 1,
	    (const uint8_t[]){ 0x0a, 0x09, 'x' }, 3 };
	/* Field 1 of OpenSource is a string, sent as a varint. */
	struct golden wrongtype = { "KDSOPENSOURCE", 1,
	    (const uint8_t[]){ 0x08, 0x01 }, 2 };
	/* A SubSuccess without its seqno, nested in a report. */
	struct golden nested = { "KDSERRORREPORT", 1,
	    (const uint8_t[]){ 0x0a, 0x02, 0x08, 0x01 }, 4 };
	/* Wire type 7 does not exist. */
	struct golden badwt = { "PING", 1, (const uint8_t[]){ 0x0f }, 1 };
	/* An unknown field is skipped, as protobuf requires. */
	struct golden unknown = { "PING", 1,
	    (const uint8_t[]){ 0x48, 0x05, 0x52, 0x01, 'z' }, 5 };
	uint8_t buf[128];
	struct frame f;
	struct msg m;
	size_t total, n;

	n = golden_frame(&no_seq, buf);
	assert_int_equal(frame_parse(buf, n, 1024, &f, &total), 1);
	assert_int_equal(msg_decode(&f, NULL, &m), -PROTO_ERR_REQUIRED);
	n = golden_frame(&nested, buf);
	assert_int_equal(frame_parse(buf, n, 1024, &f, &total), 1);
	assert_int_equal(msg_decode(&f, NULL, &m), -PROTO_ERR_REQUIRED);
	n = golden_frame(&overrun, buf);
	assert_int_equal(frame_parse(buf, n, 1024, &f, &total), 1);
	assert_int_equal(msg_decode(&f, NULL, &m), -PROTO_ERR_DECODE);
	n = golden_frame(&wrongtype, buf);
	assert_int_equal(frame_parse(buf, n, 1024, &f, &total), 1);
	assert_int_equal(msg_decode(&f, NULL, &m), -PROTO_ERR_DECODE);
	n = golden_frame(&badwt, buf);
	assert_int_equal(frame_parse(buf, n, 1024, &f, &total), 1);
	assert_int_equal(msg_decode(&f, NULL, &m), -PROTO_ERR_DECODE);
	n = golden_frame(&unknown, buf);
	assert_int_equal(frame_parse(buf, n, 1024, &f, &total), 1);
	assert_int_equal(msg_decode(&f, NULL, &m), 0);
	assert_int_equal(m.type, MSG_PING);
	msg_clear(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens_cover_every_command),
		cmocka_unit_test(test_header_literal),
		cmocka_unit_test(test_encode_matches_goldens),
		cmocka_unit_test(test_decode_goldens_heap),
		cmocka_unit_test(test_decode_goldens_arena),
		cmocka_unit_test(test_decode_goldens_small_arena),
		cmocka_unit_test(test_round_trip_data_report_full),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_decode_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
