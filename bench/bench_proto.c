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
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "msg.h"

#define READ_SIZE	65536

struct pkt {
	uint64_t	 ts_sec, ts_usec;
	uint32_t	 caplen, len;
	size_t		 off;		/* into the loaded bytes */
};

struct bench {
	struct pkt	*pkts;
	size_t		 n;
	uint8_t		*bytes;		/* every frame, back to back */
	size_t		 nbytes;
	uint32_t	 dlt;
	uint8_t		*stream;	/* encoded frames */
	size_t		 stream_cap, stream_len;
};

/* Seconds of CPU time this process used, and of wall time. */
struct stamp {
	double		 cpu, wall;
};

static struct stamp
now(void)
{
	struct timespec c, w;
	struct stamp s;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	clock_gettime(CLOCK_MONOTONIC, &w);
	s.cpu = (double)c.tv_sec + (double)c.tv_nsec / 1e9;
	s.wall = (double)w.tv_sec + (double)w.tv_nsec / 1e9;
	return s;
}

static struct stamp
since(struct stamp t0)
{
	struct stamp t = now();

	t.cpu -= t0.cpu;
	t.wall -= t0.wall;
	return t;
}

static int
load(struct bench *b, const char *path, size_t max)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t cap = 1024, bcap = 1 << 20;
	pcap_t *p;
	int r;

	if ((p = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "bench_proto: %s\n", err);
		return -1;
	}
	b->dlt = (uint32_t)pcap_datalink(p);
	b->pkts = malloc(cap * sizeof(*b->pkts));
	b->bytes = malloc(bcap);
	if (b->pkts == NULL || b->bytes == NULL)
		goto nomem;
	while (b->n < max && (r = pcap_next_ex(p, &h, &data)) == 1) {
		if (b->n == cap) {
			struct pkt *np = realloc(b->pkts, 2 * cap *
			    sizeof(*np));

			if (np == NULL)
				goto nomem;
			b->pkts = np;
			cap *= 2;
		}
		while (b->nbytes + h->caplen > bcap) {
			uint8_t *nb = realloc(b->bytes, 2 * bcap);

			if (nb == NULL)
				goto nomem;
			b->bytes = nb;
			bcap *= 2;
		}
		b->pkts[b->n].ts_sec = (uint64_t)h->ts.tv_sec;
		b->pkts[b->n].ts_usec = (uint64_t)h->ts.tv_usec;
		b->pkts[b->n].caplen = h->caplen;
		b->pkts[b->n].len = h->len;
		b->pkts[b->n].off = b->nbytes;
		memcpy(b->bytes + b->nbytes, data, h->caplen);
		b->nbytes += h->caplen;
		b->n++;
	}
	pcap_close(p);
	if (b->n == 0) {
		fprintf(stderr, "bench_proto: %s: no frames\n", path);
		return -1;
	}
	/* Header, protobuf tags and lengths: well under 128 bytes a frame. */
	b->stream_cap = b->nbytes + b->n * 128;
	if ((b->stream = malloc(b->stream_cap)) == NULL)
		goto nomem;
	return 0;
nomem:
	fprintf(stderr, "bench_proto: out of memory\n");
	pcap_close(p);
	return -1;
}

/* Encode every frame into the stream; returns the time taken. */
static int
run_encode(struct bench *b, struct stamp *ret)
{
	struct msg m;
	uint32_t seq = 0;
	struct stamp t0;
	size_t i;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.type = MSG_DATAREPORT;
	m.u.data_report.has_packet = true;
	m.u.data_report.packet.dlt = b->dlt;
	b->stream_len = 0;
	t0 = now();
	for (i = 0; i < b->n; i++) {
		struct msg_packet *p = &m.u.data_report.packet;

		m.seqno = frame_next_seqno(&seq);
		p->ts_sec = b->pkts[i].ts_sec;
		p->ts_usec = b->pkts[i].ts_usec;
		p->size = b->pkts[i].len;
		p->data = b->bytes + b->pkts[i].off;
		p->caplen = b->pkts[i].caplen;
		n = msg_encode(&m, b->stream + b->stream_len,
		    b->stream_cap - b->stream_len);
		if (n < 0) {
			fprintf(stderr, "bench_proto: msg_encode: %zd\n", n);
			return -1;
		}
		b->stream_len += (size_t)n;
	}
	*ret = since(t0);
	return 0;
}

/* Decode the stream as the core would; returns the time taken. */
static int
run_decode(struct bench *b, struct frame_decoder *d, struct msg_arena *a,
    struct stamp *ret)
{
	struct frame f;
	struct msg m;
	size_t off = 0, got = 0, n;
	struct stamp t0;
	int r;

	frame_decoder_reset(d);
	t0 = now();
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
			if (got >= b->n || p->caplen != b->pkts[got].caplen ||
			    p->size != b->pkts[got].len ||
			    memcmp(p->data, b->bytes + b->pkts[got].off,
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
	if (got != b->n) {
		fprintf(stderr, "bench_proto: %zu of %zu frames\n", got, b->n);
		return -1;
	}
	*ret = since(t0);
	return 0;
}

static void
report(const char *what, size_t n, struct stamp t, int runs)
{
	printf("%-14s %9zu frames %8.1f ns/frame %10.0f frames/s "
	    "(CPU, best of %d; wall %.1f ns/frame)\n", what, n,
	    t.cpu * 1e9 / (double)n, (double)n / t.cpu, runs,
	    t.wall * 1e9 / (double)n);
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
	struct stamp enc = { 1e30, 1e30 }, dec = { 1e30, 1e30 }, t, both;
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
	    "%.0f bytes/frame on the wire\n", b.n, argv[optind],
	    (double)b.nbytes / (double)b.n,
	    (double)b.stream_len / (double)b.n);
	report("encode", b.n, enc, (int)runs);
	report("decode", b.n, dec, (int)runs);
	report("encode+decode", b.n, both, (int)runs);
	frame_decoder_free(&d);
	msg_arena_free(&a);
	free(b.pkts);
	free(b.bytes);
	free(b.stream);
	return 0;
usage:
	fprintf(stderr, "usage: bench_proto [--runs N] [--max N] CAPTURE\n");
	return 2;
}
