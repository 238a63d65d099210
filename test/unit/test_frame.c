/* SPDX-License-Identifier: ISC */
/*
 * \summary: frame parsing, the incremental decoder and its rejections
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

/* All golden frames back to back. */
static uint8_t stream[4096];
static size_t stream_len;
static size_t frame_ends[N_GOLDENS];

static int
setup_stream(void **state)
{
	size_t i;

	stream_len = 0;
	for (i = 0; i < N_GOLDENS; i++) {
		stream_len += golden_frame(&goldens[i], stream + stream_len);
		frame_ends[i] = stream_len;
	}
	return 0;
}

/* Pull every frame out of d, checking each against the goldens. */
static void
drain(struct frame_decoder *d, size_t *next)
{
	struct frame f;
	struct msg m;
	int r;

	while ((r = frame_decoder_next(d, &f)) == 1) {
		const struct golden *g = &goldens[*next];

		assert_true(*next < N_GOLDENS);
		assert_int_equal(f.type, msgtype_from_command(g->command, 32));
		assert_int_equal(f.seqno, g->seqno);
		assert_int_equal(f.len, g->len);
		if (g->len > 0)
			assert_memory_equal(f.payload, g->payload, g->len);
		assert_int_equal(msg_decode(&f, NULL, &m), 0);
		msg_clear(&m);
		(*next)++;
	}
	assert_int_equal(r, 0);
}

static void
feed_all(struct frame_decoder *d, const uint8_t *p, size_t len, size_t *next)
{
	size_t n;

	while (len > 0) {
		n = frame_decoder_feed(d, p, len);
		assert_true(n > 0);
		p += n;
		len -= n;
		drain(d, next);
	}
}

/* Two pieces, split at every byte of the stream. */
static void
test_every_split_point(void **state)
{
	struct frame_decoder d;
	size_t split, next;

	assert_int_equal(frame_decoder_init(&d, FRAME_CONTROL_PAYLOAD), 0);
	for (split = 0; split <= stream_len; split++) {
		frame_decoder_reset(&d);
		next = 0;
		feed_all(&d, stream, split, &next);
		feed_all(&d, stream + split, stream_len - split, &next);
		assert_int_equal(next, N_GOLDENS);
	}
	frame_decoder_free(&d);
}

static void
test_one_byte_at_a_time(void **state)
{
	struct frame_decoder d;
	size_t i, next = 0, seen_before;

	assert_int_equal(frame_decoder_init(&d, FRAME_CONTROL_PAYLOAD), 0);
	for (i = 0; i < stream_len; i++) {
		seen_before = next;
		feed_all(&d, stream + i, 1, &next);
		/* A frame comes out exactly when its last byte goes in. */
		if (next > seen_before)
			assert_int_equal(i + 1, frame_ends[next - 1]);
	}
	assert_int_equal(next, N_GOLDENS);
	frame_decoder_free(&d);
}

/* Reading straight into the decoder's buffer, in odd-sized chunks. */
static void
test_space_commit(void **state)
{
	struct frame_decoder d;
	size_t off = 0, next = 0, room, n, chunk = 1;
	uint8_t *p;

	assert_int_equal(frame_decoder_init(&d, FRAME_CONTROL_PAYLOAD), 0);
	while (off < stream_len) {
		p = frame_decoder_space(&d, &room);
		n = chunk < room ? chunk : room;
		if (n > stream_len - off)
			n = stream_len - off;
		memcpy(p, stream + off, n);
		frame_decoder_commit(&d, n);
		off += n;
		chunk = chunk * 3 % 97 + 1;
		drain(&d, &next);
	}
	assert_int_equal(next, N_GOLDENS);
	frame_decoder_free(&d);
}

/* A frame of the largest payload the cap allows fits the fixed buffer. */
static void
test_max_payload_fits(void **state)
{
	struct frame_decoder d;
	struct frame f;
	uint8_t *buf;
	size_t cap = 1000, total, fed = 0;

	buf = calloc(1, FRAME_HDR_LEN + cap + 5);
	assert_non_null(buf);
	frame_write_header(buf, MSG_PING, 9, cap);
	assert_int_equal(frame_decoder_init(&d, cap), 0);
	/* Leave some garbage-free prefix consumed first to force a compact. */
	fed += frame_decoder_feed(&d, buf, 10);
	assert_int_equal(frame_decoder_next(&d, &f), 0);
	fed += frame_decoder_feed(&d, buf + 10, FRAME_HDR_LEN + cap - 10);
	assert_int_equal(fed, FRAME_HDR_LEN + cap);
	assert_int_equal(frame_decoder_next(&d, &f), 1);
	assert_int_equal(f.len, cap);
	assert_int_equal(frame_parse(buf, FRAME_HDR_LEN + cap, cap, &f, &total),
	    1);
	assert_int_equal(total, FRAME_HDR_LEN + cap);
	frame_decoder_free(&d);
	free(buf);
}

/* Each way a stream can be bad gives its own code, without overreading. */
static void
expect_reject(const uint8_t *bytes, size_t len, size_t max, int want)
{
	struct frame_decoder d;
	struct frame f;
	uint8_t *copy;
	size_t total;

	/* An exact-size heap copy lets ASan catch any read past len. */
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, bytes, len);
	assert_int_equal(frame_parse(copy, len, max, &f, &total), want);
	assert_int_equal(frame_decoder_init(&d, max), 0);
	(void)frame_decoder_feed(&d, copy, len);
	assert_int_equal(frame_decoder_next(&d, &f), want);
	/* The error sticks. */
	assert_int_equal(frame_decoder_next(&d, &f), want);
	frame_decoder_reset(&d);
	assert_int_equal(frame_decoder_next(&d, &f), 0);
	frame_decoder_free(&d);
	free(copy);
}

static void
test_rejections(void **state)
{
	uint8_t h[FRAME_HDR_LEN];
	static const uint8_t garbage[] = { 'G', 'E', 'T', ' ', '/' };
	static const uint8_t v1[] = { 0xde, 0xca, 0xfb, 0xad, 0x12, 0x34,
	    0x56, 0x78, 0x00, 0x00, 0x00, 0x10 };
	static const uint8_t v3[] = { 0xde, 0xca, 0xfb, 0xad, 0xa9, 0xa9,
	    0x00, 0x03 };

	expect_reject(garbage, sizeof(garbage), 1024, -PROTO_ERR_SIGNATURE);
	/* Two wrong bytes are enough to know. */
	expect_reject(garbage, 2, 1024, -PROTO_ERR_SIGNATURE);
	expect_reject(v1, sizeof(v1), 1024, -PROTO_ERR_V1);
	expect_reject(v3, sizeof(v3), 1024, -PROTO_ERR_V3);

	frame_write_header(h, MSG_PING, 1, 0);
	h[7] = 3;
	expect_reject(h, sizeof(h), 1024, -PROTO_ERR_VERSION);
	h[7] = 1;
	expect_reject(h, 8, 1024, -PROTO_ERR_VERSION);

	frame_write_header(h, MSG_PING, 1, 1025);
	expect_reject(h, 12, 1024, -PROTO_ERR_TOOBIG);
	frame_write_header(h, MSG_PING, 1, 0xffffffffU);
	expect_reject(h, sizeof(h), FRAME_MAX_PAYLOAD, -PROTO_ERR_TOOBIG);

	frame_write_header(h, MSG_PING, 1, 0);
	memcpy(h + 12, "KDSFROBNICATE", 13);
	expect_reject(h, sizeof(h), 1024, -PROTO_ERR_COMMAND);
	/* A known name without its terminating NUL within 32 bytes. */
	memset(h + 12, 'A', 32);
	expect_reject(h, sizeof(h), 1024, -PROTO_ERR_COMMAND);
	/* "PING" followed by junk is not PING. */
	frame_write_header(h, MSG_PING, 1, 0);
	h[16] = 'X';
	expect_reject(h, sizeof(h), 1024, -PROTO_ERR_COMMAND);
}

/* Incomplete but valid prefixes ask for more, never fail. */
static void
test_prefixes_need_more(void **state)
{
	struct frame f;
	size_t i, total;

	for (i = 0; i < frame_ends[0]; i++)
		assert_int_equal(frame_parse(stream, i, 1024, &f, &total), 0);
	assert_int_equal(frame_parse(stream, frame_ends[0], 1024, &f, &total),
	    1);
}

static void
test_error_texts_are_distinct(void **state)
{
	int a, b;

	for (a = PROTO_ERR_SIGNATURE; a < PROTO_ERR_MAX; a++) {
		assert_non_null(proto_strerror(-a));
		for (b = a + 1; b < PROTO_ERR_MAX; b++)
			assert_string_not_equal(proto_strerror(-a),
			    proto_strerror(-b));
	}
	assert_non_null(strstr(proto_strerror(-PROTO_ERR_V1), "v1"));
	assert_non_null(strstr(proto_strerror(-PROTO_ERR_V3), "v3"));
}

static void
test_seqno_skips_zero(void **state)
{
	uint32_t ctr = 0;

	assert_int_equal(frame_next_seqno(&ctr), 1);
	ctr = UINT32_MAX - 1;
	assert_int_equal(frame_next_seqno(&ctr), UINT32_MAX);
	assert_int_equal(frame_next_seqno(&ctr), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_split_point),
		cmocka_unit_test(test_one_byte_at_a_time),
		cmocka_unit_test(test_space_commit),
		cmocka_unit_test(test_max_payload_fits),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_prefixes_need_more),
		cmocka_unit_test(test_error_texts_are_distinct),
		cmocka_unit_test(test_seqno_skips_zero),
	};

	return cmocka_run_group_tests(tests, setup_stream, NULL);
}
