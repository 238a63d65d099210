/* SPDX-License-Identifier: ISC */
/*
 * \summary: benchmark of the datasource protocol on the packet path
 *
 * Loads frames from a capture (osprey_gen's, for realistic sizes), then
 * times what a capture helper and the core do per frame: msg_encode() of
 * a KDSDATAREPORT into one stream buffer (the helper's output queue), and
 * frame_decoder_feed()/frame_decoder_next()/msg_decode() with an arena
 * (the core's receive path) over that stream in 64 KiB reads.  Every run
 * checks that each frame came back whole.  Prints the best of --runs, by
 * CPU time (the development machine is shared: wall time measures the
 * neighbours too), with the wall time of that run beside it.
 *
 * usage: bench_proto [--runs N] [--max N] CAPTURE
 */

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchcap.h"
#include "frame.h"
#include "msg.h"

#define READ_SIZE	65536

struct bench {
	struct bench_cap c;		/* one capture: one link type */
	uint8_t		*stream;	/* encoded frames */
	size_t		 stream_cap, stream_len;
};

/* Load the capture, and make room for its encoded stream. */
static int
load(struct bench *b, const char *path, size_t max)
{
	if (bench_cap_load(&b->c, "bench_proto", path, max) != 0)
		return -1;
	if (b->c.n == 0) {
		fprintf(stderr, "bench_proto: %s: no frames\n", path);
		return -1;
	}
	/* Header, protobuf tags and lengths: well under 128 bytes a frame. */
	b->stream_cap = b->c.nbytes + b->c.n * 128;
	if ((b->stream = malloc(b->stream_cap)) == NULL) {
		fprintf(stderr, "bench_proto: out of memory\n");
		return -1;
	}
	return 0;
}

/* Encode every frame into the stream; returns the time taken. */
static int
run_encode(struct bench *b, struct bench_stamp *ret)
{
	struct msg m;
	uint32_t seq = 0;
	struct bench_stamp t0;
	size_t i;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.type = MSG_DATAREPORT;
	m.u.data_report.has_packet = true;
	m.u.data_report.packet.dlt = b->c.frames[0].dlt;
	b->stream_len = 0;
	t0 = bench_now();
	for (i = 0; i < b->c.n; i++) {
		struct msg_packet *p = &m.u.data_report.packet;

		m.seqno = frame_next_seqno(&seq);
		p->ts_sec = b->c.frames[i].ts_sec;
		p->ts_usec = b->c.frames[i].ts_usec;
		p->size = b->c.frames[i].len;
		p->data = b->c.bytes + b->c.frames[i].off;
		p->caplen = b->c.frames[i].caplen;
		n = msg_encode(&m, b->stream + b->stream_len,
		    b->stream_cap - b->stream_len);
		if (n < 0) {
			fprintf(stderr, "bench_proto: msg_encode: %zd\n", n);
			return -1;
		}
		b->stream_len += (size_t)n;
	}
	*ret = bench_since(t0);
	return 0;
}

/* Decode the stream as the core would; returns the time taken. */
static int
run_decode(struct bench *b, struct frame_decoder *d, struct msg_arena *a,
    struct bench_stamp *ret)
{
	struct frame f;
	struct msg m;
	size_t off = 0, got = 0, n;
	struct bench_stamp t0;
	int r;

	frame_decoder_reset(d);
	t0 = bench_now();
	while (off < b->stream_len) {
		n = b->stream_len - off;
		n = frame_decoder_feed(d, b->stream + off,
		    n < READ_SIZE ? n : READ_SIZE);
		if (n == 0) {
			fprintf(stderr, "bench_proto: decoder stuck\n");
			return -1;
		}
		off += n;
		while ((r = frame_decoder_next(d, &f)) == 1) {
			const struct msg_packet *p;

			if (msg_decode(&f, a, &m) != 0 ||
			    m.type != MSG_DATAREPORT) {
				fprintf(stderr, "bench_proto: bad frame %zu\n",
				    got);
				return -1;
			}
			p = &m.u.data_report.packet;
			/* Cheap enough to keep: each frame is checked. */
			if (got >= b->c.n || p->caplen != b->c.frames[got].caplen ||
			    p->size != b->c.frames[got].len ||
			    memcmp(p->data, b->c.bytes + b->c.frames[got].off,
			    p->caplen) != 0) {
				fprintf(stderr, "bench_proto: frame %zu "
				    "differs\n", got);
				return -1;
			}
			got++;
			msg_clear(&m);
		}
		if (r < 0) {
			fprintf(stderr, "bench_proto: stream error %d\n", r);
			return -1;
		}
	}
	if (got != b->c.n) {
		fprintf(stderr, "bench_proto: %zu of %zu frames\n", got, b->c.n);
		return -1;
	}
	*ret = bench_since(t0);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "max", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct bench b;
	struct frame_decoder d;
	struct msg_arena a;
	struct bench_stamp enc = { 1e30, 1e30 }, dec = { 1e30, 1e30 }, t, both;
	long runs = 5, max = 500000;
	int ch, i;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			runs = strtol(optarg, NULL, 10);
			break;
		case 'm':
			max = strtol(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc || runs < 1 || max < 1)
		goto usage;
	memset(&b, 0, sizeof(b));
	if (load(&b, argv[optind], (size_t)max) != 0)
		return 1;
	if (frame_decoder_init(&d, FRAME_MAX_PAYLOAD) != 0 ||
	    msg_arena_init(&a, 1 << 20) != 0) {
		fprintf(stderr, "bench_proto: out of memory\n");
		return 1;
	}
	for (i = 0; i < runs; i++) {
		if (run_encode(&b, &t) != 0)
			return 1;
		if (t.cpu < enc.cpu)
			enc = t;
		if (run_decode(&b, &d, &a, &t) != 0)
			return 1;
		if (t.cpu < dec.cpu)
			dec = t;
	}
	both.cpu = enc.cpu + dec.cpu;
	both.wall = enc.wall + dec.wall;
	printf("bench_proto: %zu frames from %s, %.0f bytes/frame captured, "
	    "%.0f bytes/frame on the wire\n", b.c.n, argv[optind],
	    (double)b.c.nbytes / (double)b.c.n,
	    (double)b.stream_len / (double)b.c.n);
	bench_report("encode", b.c.n, enc, (int)runs);
	bench_report("decode", b.c.n, dec, (int)runs);
	bench_report("encode+decode", b.c.n, both, (int)runs);
	frame_decoder_free(&d);
	msg_arena_free(&a);
	bench_cap_free(&b.c);
	free(b.stream);
	return 0;
usage:
	fprintf(stderr, "usage: bench_proto [--runs N] [--max N] CAPTURE\n");
	return 2;
}
