/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the core-to-writer messages: round trips and
 * the decoders' refusals
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "klmsg.h"

static void
test_packet(void **state)
{
	static const uint8_t data[] = { 0x10, 0x20, 0x30, 0x40, 0x50 };
	uint8_t buf[KLMSG_HDR + KLMSG_PACKET_FIXED + sizeof(data)];
	struct klmsg_packet p, q;
	uint16_t type;
	uint32_t plen;

	memset(&p, 0, sizeof(p));
	p.ts_sec = 1700000000;
	p.ts_usec = 999999;
	p.dlt = 127;
	p.full_len = 9;
	p.flags = KLMSG_PKT_DOT11 | KLMSG_PKT_SRC | KLMSG_PKT_SIGNAL;
	p.signal = -77;
	p.freq_khz = 5180000;
	p.rate_kbps = 6500;
	p.frame_off = 1;
	p.frame_len = 3;
	p.packetid = 42;
	strcpy(p.uuid, "11111111-2222-3333-4444-555555555555");
	memcpy(p.src, "\x00\x11\x22\x33\x44\x55", 6);
	p.loc.lat = 51.5;
	p.loc.lon = -0.1;
	p.data = data;
	p.caplen = sizeof(data);
	klmsg_packet_head(buf, &p);
	memcpy(buf + KLMSG_HDR + KLMSG_PACKET_FIXED, data, sizeof(data));
	assert_int_equal(klmsg_header(buf, sizeof(buf), &type, &plen), 1);
	assert_int_equal(type, KLMSG_PACKET);
	assert_int_equal(plen, KLMSG_PACKET_FIXED + sizeof(data));
	/* One byte short: not yet. */
	assert_int_equal(klmsg_header(buf, sizeof(buf) - 1, &type, &plen), 0);
	assert_int_equal(klmsg_get_packet(buf + KLMSG_HDR, plen, &q), 0);
	assert_int_equal(q.ts_sec, p.ts_sec);
	assert_int_equal(q.ts_usec, p.ts_usec);
	assert_int_equal(q.signal, -77);
	assert_int_equal(q.freq_khz, 5180000);
	assert_string_equal(q.uuid, p.uuid);
	assert_memory_equal(q.src, p.src, 6);
	assert_true(q.loc.lat == 51.5 && q.loc.lon == -0.1);
	assert_int_equal(q.caplen, sizeof(data));
	assert_memory_equal(q.data, data, sizeof(data));
	/* A frame that would lie outside the data is refused. */
	p.frame_off = 4;
	klmsg_packet_head(buf, &p);
	assert_int_equal(klmsg_get_packet(buf + KLMSG_HDR, plen, &q),
	    -EBADMSG);
	assert_int_equal(klmsg_get_packet(buf + KLMSG_HDR, 40, &q), -EBADMSG);
}

static void
test_status_export(void **state)
{
	struct klbuf b = { NULL, 0, 0 };
	struct klmsg_status s, t;
	struct klmsg_export e, f;
	uint16_t type;
	uint32_t plen;
	size_t off;

	memset(&s, 0, sizeof(s));
	s.seq = 7;
	s.state = KLMSG_STOPPED;
	s.rows[KISMETDB_PACKETS] = 123;
	s.lost = 4;
	s.path = "/var/log/x.kismet";
	s.event = "disk full";
	s.error = "disk full";
	klmsg_put_status(&b, &s);
	memset(&e, 0, sizeof(e));
	e.id = 9;
	e.n = 2;
	e.keys[0] = "timestamp_start";
	e.values[0] = "1700000000";
	e.keys[1] = "datasource";
	e.values[1] = "";
	klmsg_put_export(&b, &e);

	assert_int_equal(klmsg_header(b.p, b.len, &type, &plen), 1);
	assert_int_equal(type, KLMSG_STATUS);
	assert_int_equal(klmsg_get_status(b.p + KLMSG_HDR, plen, &t), 0);
	assert_int_equal(t.seq, 7);
	assert_int_equal(t.state, KLMSG_STOPPED);
	assert_int_equal(t.rows[KISMETDB_PACKETS], 123);
	assert_string_equal(t.path, s.path);
	assert_string_equal(t.event, s.event);
	off = KLMSG_HDR + plen;
	assert_int_equal(klmsg_header(b.p + off, b.len - off, &type, &plen),
	    1);
	assert_int_equal(type, KLMSG_EXPORT);
	assert_int_equal(klmsg_get_export(b.p + off + KLMSG_HDR, plen, &f),
	    0);
	assert_int_equal(f.id, 9);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.keys[1], "datasource");
	assert_string_equal(f.values[1], "");
	/* A string whose NUL is gone: the last byte changed. */
	b.p[off + KLMSG_HDR + plen - 1] = 'x';
	assert_int_equal(klmsg_get_export(b.p + off + KLMSG_HDR, plen, &f),
	    -EBADMSG);
	klbuf_free(&b);
}

static void
test_bad_headers(void **state)
{
	uint8_t h[KLMSG_HDR] = { 0 };
	uint16_t type;
	uint32_t plen;

	/* Type 0, a type between the blocks, a reserved field set. */
	assert_int_equal(klmsg_header(h, sizeof(h), &type, &plen), -EBADMSG);
	h[0] = 20;
	assert_int_equal(klmsg_header(h, sizeof(h), &type, &plen), -EBADMSG);
	h[0] = KLMSG_SYNC;
	h[2] = 1;
	assert_int_equal(klmsg_header(h, sizeof(h), &type, &plen), -EBADMSG);
	h[2] = 0;
	/* Longer than any message may be, before it has arrived. */
	h[7] = 0x7f;
	assert_int_equal(klmsg_header(h, sizeof(h), &type, &plen), -EMSGSIZE);
	h[7] = 0;
	assert_int_equal(klmsg_header(h, 4, &type, &plen), 0);
	assert_int_equal(klmsg_header(h, sizeof(h), &type, &plen), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet),
		cmocka_unit_test(test_status_export),
		cmocka_unit_test(test_bad_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
