/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the framed peer over a real socketpair */

#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "msg.h"
#include "peer.h"

struct seen {
	int		 n;
	enum msg_type	 types[16];
	uint32_t	 seqs[16];
	int		 gone, err;
	bool		 free_on_gone;
	struct peer	*peer;
};

static void
dispatch(struct peer *p, const struct msg *m, int err, void *arg)
{
	struct seen *s = arg;

	if (m == NULL) {
		s->gone++;
		s->err = err;
		if (s->free_on_gone) {
			peer_free(p);
			s->peer = NULL;
		}
		return;
	}
	s->types[s->n] = m->type;
	s->seqs[s->n++] = m->seqno;
}

static size_t
encode(struct msg *m, uint32_t seq, uint8_t *buf, size_t cap)
{
	ssize_t n;

	m->seqno = seq;
	n = msg_encode(m, buf, cap);
	assert_true(n > 0);
	return (size_t)n;
}

static void
run(struct event_base *base)
{
	int i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static void
test_frames_in_any_split_then_eof(void **state)
{
	struct event_base *base = event_base_new();
	struct msg ping = { .type = MSG_PING }, text = { .type = MSG_MESSAGE };
	struct seen s = { .free_on_gone = true };
	uint8_t buf[512];
	size_t n = 0, i;
	int sv[2];

	text.u.message = (struct msg_text){ MSG_LEVEL_INFO, "hello" };
	n += encode(&ping, 7, buf + n, sizeof(buf) - n);
	n += encode(&text, 8, buf + n, sizeof(buf) - n);
	n += encode(&ping, 9, buf + n, sizeof(buf) - n);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s.peer = peer_new(base, sv[0], FRAME_CONTROL_PAYLOAD, "t", dispatch,
	    &s);
	assert_non_null(s.peer);
	/* One byte at a time: frames still come out whole, in order. */
	for (i = 0; i < n; i++) {
		assert_int_equal(write(sv[1], buf + i, 1), 1);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	run(base);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.types[1], MSG_MESSAGE);
	assert_int_equal(s.seqs[2], 9);
	close(sv[1]);
	run(base);
	assert_int_equal(s.gone, 1);
	assert_int_equal(s.err, 0);
	assert_null(s.peer);	/* freed inside dispatch */
	event_base_free(base);
}

static void
expect_refused(const void *bytes, size_t len, int want)
{
	struct event_base *base = event_base_new();
	struct seen s = { .free_on_gone = true };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s.peer = peer_new(base, sv[0], FRAME_CONTROL_PAYLOAD, "t", dispatch,
	    &s);
	assert_int_equal(write(sv[1], bytes, len), (ssize_t)len);
	run(base);
	assert_int_equal(s.gone, 1);
	assert_int_equal(s.err, want);
	close(sv[1]);
	event_base_free(base);
}

static void
test_bad_streams_are_refused(void **state)
{
	uint8_t big[48] = { 0xde, 0xca, 0xfb, 0xad, 0xab, 0xcd, 0, 2,
	    0x7f, 0xff, 0xff, 0xff, 'P', 'I', 'N', 'G' };
	uint8_t bad[48] = { 0xde, 0xca, 0xfb, 0xad, 0xab, 0xcd, 0, 2,
	    0, 0, 0, 3, 'P', 'O', 'N', 'G', [44] = 0, 0, 0, 1 };
	uint8_t full[51];

	expect_refused("GET / HTTP/1.1\r\n", 16, -PROTO_ERR_SIGNATURE);
	expect_refused(big, sizeof(big), -PROTO_ERR_TOOBIG);
	/* A PONG whose payload is not protobuf. */
	memcpy(full, bad, 48);
	memcpy(full + 48, "\xff\xff\xff", 3);
	expect_refused(full, sizeof(full), -PROTO_ERR_DECODE);
}

static void
test_send_and_output_cap(void **state)
{
	struct event_base *base = event_base_new();
	struct msg m = { .type = MSG_MESSAGE };
	struct seen s = { 0 };
	struct frame_decoder dec;
	struct frame f;
	uint8_t buf[256];
	char text[60000];
	int64_t r = 0;
	ssize_t n;
	int sv[2], i;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s.peer = peer_new(base, sv[0], FRAME_CONTROL_PAYLOAD, "t", dispatch,
	    &s);
	m.u.message = (struct msg_text){ MSG_LEVEL_INFO, "hi" };
	assert_int_equal(peer_send(s.peer, &m), 1);
	assert_int_equal(peer_send(s.peer, &m), 2);
	run(base);
	assert_int_equal(peer_pending(s.peer), 0);
	n = read(sv[1], buf, sizeof(buf));
	assert_true(n > 48);
	assert_int_equal(frame_decoder_init(&dec, FRAME_CONTROL_PAYLOAD), 0);
	frame_decoder_feed(&dec, buf, (size_t)n);
	assert_int_equal(frame_decoder_next(&dec, &f), 1);
	assert_int_equal(f.type, MSG_MESSAGE);
	assert_int_equal(f.seqno, 1);
	assert_int_equal(frame_decoder_next(&dec, &f), 1);
	assert_int_equal(f.seqno, 2);
	frame_decoder_free(&dec);
	/* A peer that never reads: the queue stops at its cap. */
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	m.u.message.text = text;
	for (i = 0; i < 100 && r >= 0; i++)
		r = peer_send(s.peer, &m);
	assert_int_equal(r, -ENOBUFS);
	assert_true(peer_pending(s.peer) <= PEER_OUT_MAX + sizeof(text) +
	    100);
	peer_free(s.peer);
	close(sv[1]);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_in_any_split_then_eof),
		cmocka_unit_test(test_bad_streams_are_refused),
		cmocka_unit_test(test_send_and_output_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
