/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the helper's fixed outbound frame queue */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "frame.h"
#include "msg.h"
#include "outq.h"

#define QSIZE	(16 * 1024)

static uint8_t payload[3000];

/* A data report of len bytes whose first byte is tag. */
static void
data_msg(struct msg *m, uint32_t seqno, size_t len, uint8_t tag)
{
	memset(m, 0, sizeof(*m));
	m->type = MSG_DATAREPORT;
	m->seqno = seqno;
	m->u.data_report.has_packet = true;
	m->u.data_report.packet.dlt = 127;
	m->u.data_report.packet.size = len;
	m->u.data_report.packet.caplen = len;
	m->u.data_report.packet.data = payload;
	payload[0] = tag;
}

/* Read everything from fd into the decoder; check seqnos from *next. */
static size_t
drain(int fd, struct frame_decoder *dec, struct msg_arena *arena,
    uint32_t *next)
{
	struct frame f;
	struct msg m;
	uint8_t *space;
	size_t len, frames = 0;
	ssize_t n;

	for (;;) {
		space = frame_decoder_space(dec, &len);
		n = read(fd, space, len);
		if (n <= 0)
			break;
		frame_decoder_commit(dec, (size_t)n);
		while (frame_decoder_next(dec, &f) == 1) {
			assert_int_equal(f.seqno, *next);
			assert_int_equal(msg_decode(&f, arena, &m), 0);
			if (m.type == MSG_DATAREPORT)
				assert_int_equal(m.u.data_report.packet.data[0],
				    (uint8_t)*next);
			msg_clear(&m);
			(*next)++;
			frames++;
		}
	}
	return frames;
}

static void
test_fill_wrap_and_drain_in_order(void **state)
{
	struct frame_decoder dec;
	struct msg_arena arena;
	struct outq q;
	struct msg m;
	uint32_t seq = 1, next = 1;
	size_t total = 0, queued, wraps = 0;
	ssize_t r;
	int p[2], round;

	assert_int_equal(outq_init(&q, QSIZE), 0);
	assert_int_equal(frame_decoder_init(&dec, FRAME_MAX_PAYLOAD), 0);
	assert_int_equal(msg_arena_init(&arena, 64 * 1024), 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	/* A pipe smaller than the queue leaves part of it behind. */
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 4096) >= 4096);

	/* Frames of varied sizes, so that the ring wraps at odd places. */
	for (round = 0; round < 40; round++) {
		queued = 0;
		for (;;) {
			data_msg(&m, seq, 200 + (seq * 37) % 2500,
			    (uint8_t)seq);
			r = outq_put(&q, &m, 0);
			if (r == -PROTO_ERR_NOSPACE)
				break;
			assert_true(r > 0);
			wraps += q.wrapped;
			seq++;
			queued++;
		}
		assert_true(queued > 0);
		assert_true(outq_pending(&q) <= QSIZE);
		/* Send part, read it, so the next round wraps. */
		r = outq_flush(&q, p[1]);
		assert_true(r > 0);
		total += drain(p[0], &dec, &arena, &next);
	}
	while (outq_pending(&q) > 0) {
		assert_true(outq_flush(&q, p[1]) >= 0);
		total += drain(p[0], &dec, &arena, &next);
	}
	assert_true(wraps > 0);
	assert_int_equal(total, seq - 1);
	assert_int_equal(next, seq);
	/* Empty: writing starts from the front again. */
	assert_int_equal(q.head, 0);
	assert_int_equal(q.tail, 0);
	assert_false(q.wrapped);

	close(p[0]);
	close(p[1]);
	msg_arena_free(&arena);
	frame_decoder_free(&dec);
	outq_free(&q);
}

static void
test_reserve_keeps_room_for_replies(void **state)
{
	struct outq q;
	struct msg m;
	ssize_t r;
	uint32_t seq = 1;

	assert_int_equal(outq_init(&q, QSIZE), 0);
	do {
		data_msg(&m, seq++, 1000, 0);
		r = outq_put(&q, &m, 4096);
	} while (r > 0);
	assert_int_equal(r, -PROTO_ERR_NOSPACE);
	assert_true(QSIZE - outq_pending(&q) >= 4096);
	/* A reply still fits in what the reserve kept. */
	memset(&m, 0, sizeof(m));
	m.type = MSG_PONG;
	m.seqno = seq;
	m.u.pong_seqno = 9;
	assert_true(outq_put(&q, &m, 0) > 0);
	/* A frame larger than the queue never fits. */
	data_msg(&m, seq, sizeof(payload), 0);
	outq_reset(&q);
	assert_int_equal(outq_pending(&q), 0);
	outq_free(&q);
	assert_int_equal(outq_init(&q, 1024), 0);
	assert_int_equal(outq_put(&q, &m, 0), -PROTO_ERR_NOSPACE);
	outq_free(&q);
}

static void
test_flush_errors_and_trim(void **state)
{
	struct outq q;
	struct msg m;
	int p[2];

	assert_int_equal(outq_init(&q, QSIZE), 0);
	assert_int_equal(outq_flush(&q, -1), 0);	/* nothing to send */
	data_msg(&m, 1, 2000, 1);
	assert_true(outq_put(&q, &m, 0) > 0);
	assert_true(q.touched > 2000);
	assert_int_equal(outq_flush(&q, -1), -EBADF);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	close(p[0]);
	assert_int_equal(outq_flush(&q, p[1]), -EPIPE);
	close(p[1]);
	/* Trim does nothing while frames wait, then gives pages back. */
	outq_trim(&q);
	assert_true(outq_pending(&q) > 0);
	outq_reset(&q);
	outq_trim(&q);
	assert_int_equal(q.touched, 0);
	assert_true(outq_put(&q, &m, 0) > 0);
	outq_free(&q);
}

/*
 * A link that breaks in the middle of a frame: the frame starts again
 * whole on the next link, and the frames behind it are all there.
 */
static void
test_rewind_keeps_whole_frames(void **state)
{
	struct frame_decoder dec;
	struct msg_arena arena;
	struct outq q;
	struct msg m;
	uint8_t junk[8192];
	uint32_t seq, next;
	int p[2], p2[2];

	assert_int_equal(outq_init(&q, QSIZE), 0);
	assert_int_equal(frame_decoder_init(&dec, FRAME_MAX_PAYLOAD), 0);
	assert_int_equal(msg_arena_init(&arena, 64 * 1024), 0);
	for (seq = 1; seq <= 4; seq++) {
		data_msg(&m, seq, 2500, (uint8_t)seq);
		assert_true(outq_put(&q, &m, 0) > 0);
	}
	/* The first link takes 4096 bytes: frame 1 and part of frame 2. */
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 4096) >= 4096);
	assert_int_equal(outq_flush(&q, p[1]), 4096);
	assert_true(outq_mid_frame(&q));
	assert_true(read(p[0], junk, sizeof(junk)) == 4096);
	close(p[0]);
	close(p[1]);
	/* The next link gets frames 2, 3 and 4 whole. */
	outq_rewind(&q);
	assert_false(outq_mid_frame(&q));
	assert_int_equal(pipe2(p2, O_NONBLOCK), 0);
	/* One frame at a time when asked. */
	assert_true(outq_flush_frame(&q, p2[1]) > 2500);
	assert_false(outq_mid_frame(&q));
	next = 2;
	assert_int_equal(drain(p2[0], &dec, &arena, &next), 1);
	while (outq_pending(&q) > 0)
		assert_true(outq_flush(&q, p2[1]) > 0);
	assert_int_equal(drain(p2[0], &dec, &arena, &next), 2);
	assert_int_equal(next, 5);
	/* Another framing: what waits is dropped, it cannot be sent. */
	data_msg(&m, 5, 100, 5);
	assert_true(outq_put(&q, &m, 0) > 0);
	assert_true(outq_set_version(&q, 1) > 0);
	assert_int_equal(outq_pending(&q), 0);
	assert_int_equal(outq_set_version(&q, 1), 0);
	close(p2[0]);
	close(p2[1]);
	msg_arena_free(&arena);
	frame_decoder_free(&dec);
	outq_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_wrap_and_drain_in_order),
		cmocka_unit_test(test_reserve_keeps_room_for_replies),
		cmocka_unit_test(test_flush_errors_and_trim),
		cmocka_unit_test(test_rewind_keeps_whole_frames),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
