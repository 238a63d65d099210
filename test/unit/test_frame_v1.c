/* SPDX-License-Identifier: ISC */
/*
 * \summary: the v1 framing a Kismet server answers in: checksum, codec
 *
 * The golden payload: a Kismet 2023-07 server's KDSOPENSOURCE came back
 * as a v1 frame whose 100-byte payload has checksum 0x840423ba, where
 * zlib's Adler-32 of the same bytes is 0x84c223bb.  Its bytes were not
 * kept, so the payload below is a Command of the same shape (command
 * KDSOPENSOURCE, seqno 1, an OpenSource with a 79-byte definition) built
 * to have the same byte sum (9146) and the same sum of running sums
 * (427012): both checksums of it are those of the real frame, and any
 * implementation that reduces modulo 65521, as zlib does, fails here.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"
#include "msg.h"

#define DEFINITION \
	"wlan1mon:channel_hop=true,name=0j3c3adtevyxpvezxlvynywxyz," \
	"channel_hoprate=5/sec"

/* DE CA FB AD, the checksum, the length 100, then the Command. */
static const uint8_t golden_v1[] = {
	0xde, 0xca, 0xfb, 0xad, 0x84, 0x04, 0x23, 0xba,
	0x00, 0x00, 0x00, 0x64,
	/* 1 command "KDSOPENSOURCE", 2 seqno 1, 3 content (81 bytes) */
	0x0a, 0x0d, 'K', 'D', 'S', 'O', 'P', 'E', 'N', 'S', 'O', 'U', 'R',
	'C', 'E', 0x10, 0x01, 0x1a, 0x51,
	/* OpenSource: 1 definition (79 bytes) */
	0x0a, 0x4f,
	'w', 'l', 'a', 'n', '1', 'm', 'o', 'n', ':', 'c', 'h', 'a', 'n', 'n',
	'e', 'l', '_', 'h', 'o', 'p', '=', 't', 'r', 'u', 'e', ',', 'n', 'a',
	'm', 'e', '=', '0', 'j', '3', 'c', '3', 'a', 'd', 't', 'e', 'v', 'y',
	'x', 'p', 'v', 'e', 'z', 'x', 'l', 'v', 'y', 'n', 'y', 'w', 'x', 'y',
	'z', ',', 'c', 'h', 'a', 'n', 'n', 'e', 'l', '_', 'h', 'o', 'p', 'r',
	'a', 't', 'e', '=', '5', '/', 's', 'e', 'c',
};

/* What zlib's adler32() computes: the sums taken modulo 65521. */
static uint32_t
zlib_adler32(const uint8_t *p, size_t len)
{
	uint32_t a = 1, b = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

static void
test_checksum_golden(void **state)
{
	const uint8_t *payload = golden_v1 + FRAME_V1_HDR_LEN;

	assert_int_equal(sizeof(golden_v1), FRAME_V1_HDR_LEN + 100);
	assert_int_equal(frame_v1_checksum(payload, 100), 0x840423baU);
	/* The algorithm it resembles gives the other value. */
	assert_int_equal(zlib_adler32(payload, 100), 0x84c223bbU);
	assert_int_equal(frame_v1_checksum(NULL, 0), 0);
	/* Sums past 32 bits wrap (a 1 MiB payload of 0xff). */
	{
		static uint8_t big[1 << 20];
		uint64_t s1 = 0, s2 = 0;
		size_t i;

		memset(big, 0xff, sizeof(big));
		for (i = 0; i < sizeof(big); i++) {
			s1 += 0xff;
			s2 += s1;
		}
		assert_int_equal(frame_v1_checksum(big, sizeof(big)),
		    (uint32_t)((s1 & 0xffff) + (s2 << 16)));
	}
}

static void
test_decode_golden(void **state)
{
	struct frame f;
	struct msg m;
	size_t total;

	assert_int_equal(frame_parse_v1(golden_v1, sizeof(golden_v1),
	    FRAME_CONTROL_PAYLOAD, &f, &total), 1);
	assert_int_equal(total, sizeof(golden_v1));
	assert_int_equal(f.version, 1);
	assert_int_equal(f.type, MSG_OPENSOURCE);
	assert_int_equal(f.seqno, 1);
	assert_int_equal(f.len, 81);
	assert_int_equal(msg_decode(&f, NULL, &m), 0);
	assert_string_equal(m.u.definition, DEFINITION);
	msg_clear(&m);
	/* Every prefix asks for more; no prefix is judged bad. */
	for (total = 0; total < sizeof(golden_v1); total++)
		assert_int_equal(frame_parse_v1(golden_v1, total,
		    FRAME_CONTROL_PAYLOAD, &f, &(size_t){ 0 }), 0);
}

/* osprey writes the same bytes for the same message. */
static void
test_encode_golden(void **state)
{
	struct msg m = { .type = MSG_OPENSOURCE, .seqno = 1,
	    .u.definition = DEFINITION };
	uint8_t buf[256];

	assert_int_equal(msg_encode_version(&m, 1, buf, sizeof(buf)),
	    sizeof(golden_v1));
	assert_memory_equal(buf, golden_v1, sizeof(golden_v1));
	assert_int_equal(msg_encode_version(&m, 1, buf, sizeof(golden_v1) - 1),
	    -PROTO_ERR_NOSPACE);
	assert_int_equal(msg_encode_version(&m, 3, buf, sizeof(buf)),
	    -PROTO_ERR_VERSION);
}

static void
test_rejections(void **state)
{
	uint8_t bad[sizeof(golden_v1)];
	struct frame f;
	size_t total;
	uint32_t sum;

	/* zlib's checksum in the header: refused. */
	memcpy(bad, golden_v1, sizeof(bad));
	sum = zlib_adler32(bad + FRAME_V1_HDR_LEN, 100);
	bad[4] = (uint8_t)(sum >> 24);
	bad[5] = (uint8_t)(sum >> 16);
	bad[6] = (uint8_t)(sum >> 8);
	bad[7] = (uint8_t)sum;
	assert_int_equal(frame_parse_v1(bad, sizeof(bad),
	    FRAME_CONTROL_PAYLOAD, &f, &total), -PROTO_ERR_CHECKSUM);
	/* One payload byte changed. */
	memcpy(bad, golden_v1, sizeof(bad));
	bad[60] ^= 1;
	assert_int_equal(frame_parse_v1(bad, sizeof(bad),
	    FRAME_CONTROL_PAYLOAD, &f, &total), -PROTO_ERR_CHECKSUM);
	/* A length over the cap, judged from the header alone. */
	assert_int_equal(frame_parse_v1(golden_v1, FRAME_V1_HDR_LEN, 99, &f,
	    &total), -PROTO_ERR_TOOBIG);
	/* Not the signature. */
	memcpy(bad, golden_v1, sizeof(bad));
	bad[2] = 0;
	assert_int_equal(frame_parse_v1(bad, 3, FRAME_CONTROL_PAYLOAD, &f,
	    &total), -PROTO_ERR_SIGNATURE);
}

/* Build a v1 frame around a hand-made Command payload. */
static size_t
wrap(uint8_t *out, const uint8_t *payload, size_t len)
{
	uint32_t sum = frame_v1_checksum(payload, len);

	out[0] = 0xde;
	out[1] = 0xca;
	out[2] = 0xfb;
	out[3] = 0xad;
	out[4] = (uint8_t)(sum >> 24);
	out[5] = (uint8_t)(sum >> 16);
	out[6] = (uint8_t)(sum >> 8);
	out[7] = (uint8_t)sum;
	out[8] = 0;
	out[9] = 0;
	out[10] = (uint8_t)(len >> 8);
	out[11] = (uint8_t)len;
	memcpy(out + FRAME_V1_HDR_LEN, payload, len);
	return FRAME_V1_HDR_LEN + len;
}

/* The Command wrapper, read as a protobuf decoder reads it. */
static void
test_wrapper(void **state)
{
	static const struct {
		uint8_t	 p[24];
		size_t	 len;
		int	 want;
		int	 type;
		uint32_t seqno;
	} cases[] = {
		/* seqno first, no content: a PING (content is optional). */
		{ { 0x10, 0x07, 0x0a, 0x04, 'P', 'I', 'N', 'G' }, 8, 1,
		    MSG_PING, 7 },
		/* An unknown field (9, varint) is skipped. */
		{ { 0x48, 0x01, 0x0a, 0x04, 'P', 'I', 'N', 'G', 0x10, 0x02 },
		    10, 1, MSG_PING, 2 },
		/* No seqno. */
		{ { 0x0a, 0x04, 'P', 'I', 'N', 'G' }, 6, -PROTO_ERR_DECODE, 0,
		    0 },
		/* No command. */
		{ { 0x10, 0x01 }, 2, -PROTO_ERR_DECODE, 0, 0 },
		/* Command of the wrong wire type. */
		{ { 0x08, 0x01, 0x10, 0x01 }, 4, -PROTO_ERR_DECODE, 0, 0 },
		/* A command osprey does not know. */
		{ { 0x0a, 0x04, 'P', 'O', 'N', 'X', 0x10, 0x01 }, 8,
		    -PROTO_ERR_COMMAND, 0, 0 },
		/* A NUL inside the command. */
		{ { 0x0a, 0x04, 'P', 0, 'N', 'G', 0x10, 0x01 }, 8,
		    -PROTO_ERR_COMMAND, 0, 0 },
		/* A field length past the end. */
		{ { 0x0a, 0x09, 'P', 'I', 'N', 'G', 0x10, 0x01 }, 8,
		    -PROTO_ERR_DECODE, 0, 0 },
		/* A truncated varint. */
		{ { 0x0a, 0x04, 'P', 'I', 'N', 'G', 0x10, 0x81 }, 8,
		    -PROTO_ERR_DECODE, 0, 0 },
	};
	uint8_t buf[64];
	struct frame f;
	size_t i, n, total;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = wrap(buf, cases[i].p, cases[i].len);
		r = frame_parse_v1(buf, n, FRAME_CONTROL_PAYLOAD, &f, &total);
		assert_int_equal(r, cases[i].want);
		if (r == 1) {
			assert_int_equal(f.type, cases[i].type);
			assert_int_equal(f.seqno, cases[i].seqno);
			assert_int_equal(f.len, 0);
			assert_int_equal(total, n);
		}
	}
}

/*
 * A decoder that takes v1 (a capture helper's) follows the stream's
 * first frame; the core's refuses v1 with a clear reason.
 */
static void
test_decoder_versions(void **state)
{
	struct msg m = { .type = MSG_PING, .seqno = 5 };
	struct frame_decoder d;
	uint8_t stream[512];
	struct frame f;
	size_t n, len = 0, i;
	int r;

	/* Two v1 frames (the golden open, then a ping), fed byte by byte. */
	memcpy(stream, golden_v1, sizeof(golden_v1));
	len = sizeof(golden_v1);
	len += (size_t)msg_encode_version(&m, 1, stream + len,
	    sizeof(stream) - len);
	assert_int_equal(frame_decoder_init(&d, FRAME_CONTROL_PAYLOAD), 0);
	frame_decoder_allow_v1(&d);
	for (i = 0, n = 0; i < len; i++) {
		assert_int_equal(frame_decoder_feed(&d, stream + i, 1), 1);
		while ((r = frame_decoder_next(&d, &f)) == 1) {
			assert_int_equal(f.version, 1);
			assert_int_equal(f.type, n == 0 ? MSG_OPENSOURCE :
			    MSG_PING);
			n++;
		}
		assert_int_equal(r, 0);
	}
	assert_int_equal(n, 2);
	assert_int_equal(d.version, 1);
	/* A v2 frame on a v1 stream is garbage: a peer does not switch. */
	n = (size_t)msg_encode(&m, stream, sizeof(stream));
	frame_decoder_feed(&d, stream, n);
	assert_int_equal(frame_decoder_next(&d, &f), -PROTO_ERR_CHECKSUM);

	/* Reset forgets the version: a new link may speak v2. */
	frame_decoder_reset(&d);
	frame_decoder_feed(&d, stream, n);
	assert_int_equal(frame_decoder_next(&d, &f), 1);
	assert_int_equal(f.version, 2);
	assert_int_equal(d.version, 2);

	/* A v3 peer: named as such. */
	frame_decoder_reset(&d);
	memcpy(stream + 4, "\xa9\xa9\x00\x03", 4);
	frame_decoder_feed(&d, stream, 8);
	assert_int_equal(frame_decoder_next(&d, &f), -PROTO_ERR_V3);
	frame_decoder_free(&d);

	/* The core's decoder: v2 only, v1 refused by name. */
	assert_int_equal(frame_decoder_init(&d, FRAME_CONTROL_PAYLOAD), 0);
	frame_decoder_feed(&d, golden_v1, sizeof(golden_v1));
	assert_int_equal(frame_decoder_next(&d, &f), -PROTO_ERR_V1);
	frame_decoder_free(&d);
}

/* Every message the helpers send survives a v1 round trip. */
static void
test_round_trip(void **state)
{
	struct msg m, back;
	struct frame f;
	uint8_t data[300], buf[1024];
	size_t total;
	ssize_t n;

	memset(data, 0xa5, sizeof(data));
	memset(&m, 0, sizeof(m));
	m.type = MSG_DATAREPORT;
	m.seqno = 300;		/* a two-byte varint */
	m.u.data_report.has_packet = true;
	m.u.data_report.packet.ts_sec = 1700000000;
	m.u.data_report.packet.ts_usec = 123456;
	m.u.data_report.packet.dlt = 127;
	m.u.data_report.packet.size = sizeof(data);
	m.u.data_report.packet.data = data;
	m.u.data_report.packet.caplen = sizeof(data);
	n = msg_encode_version(&m, 1, buf, sizeof(buf));
	assert_true(n > (ssize_t)sizeof(data));
	assert_int_equal(frame_parse_v1(buf, (size_t)n, FRAME_CONTROL_PAYLOAD,
	    &f, &total), 1);
	assert_int_equal(total, (size_t)n);
	assert_int_equal(f.seqno, 300);
	assert_int_equal(msg_decode(&f, NULL, &back), 0);
	assert_int_equal(back.type, MSG_DATAREPORT);
	assert_int_equal(back.u.data_report.packet.caplen, sizeof(data));
	assert_memory_equal(back.u.data_report.packet.data, data,
	    sizeof(data));
	assert_int_equal(back.u.data_report.packet.ts_usec, 123456);
	msg_clear(&back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_golden),
		cmocka_unit_test(test_decode_golden),
		cmocka_unit_test(test_encode_golden),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_wrapper),
		cmocka_unit_test(test_decoder_versions),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
