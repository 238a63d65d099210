/* SPDX-License-Identifier: ISC */
/*
 * \summary: benchmark of the frame decoders on the packet path
 *
 * Loads frames from captures into memory, then times decode_packet()
 * over all of them: the radio header, the 802.11 header, management
 * elements and EAPOL, as the core runs it per frame.  Prints the best of
 * --runs passes by CPU time (the development machine is shared), with
 * that pass's wall time beside it, and how many frames failed to decode
 * by error stage.
 *
 * usage: bench_decode [--runs N] [--max N] CAPTURE...
 */

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchcap.h"
#include "decode.h"
#include "packet.h"

struct bench {
	struct bench_cap c;
	unsigned long	 errors[PACKET_ERR_DOT11 + 1];
};

/* One pass over every frame; the first pass counts the errors. */
static struct bench_stamp
run(struct bench *b, int count)
{
	struct bench_stamp t0 = bench_now();
	struct packet p;
	size_t i;

	for (i = 0; i < b->c.n; i++) {
		const struct bench_frame *f = &b->c.frames[i];

		memset(&p, 0, sizeof(p));
		p.dlt = f->dlt;
		p.data = b->c.bytes + f->off;
		p.caplen = f->caplen;
		p.len = f->len;
		(void)decode_packet(&p);
		if (count)
			b->errors[p.error]++;
	}
	return bench_since(t0);
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
	struct bench_stamp best = { 1e30, 1e30 }, t;
	long runs = 5, max = 2000000;
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
	if (optind >= argc || runs < 1 || max < 1)
		goto usage;
	memset(&b, 0, sizeof(b));
	for (i = optind; i < argc; i++)
		if (bench_cap_load(&b.c, "bench_decode", argv[i],
		    (size_t)max) != 0)
			return 1;
	if (b.c.n == 0) {
		fprintf(stderr, "bench_decode: no frames\n");
		return 1;
	}
	for (i = 0; i < runs; i++) {
		t = run(&b, i == 0);
		if (t.cpu < best.cpu)
			best = t;
	}
	printf("bench_decode: %zu frames, %.0f bytes/frame captured; "
	    "errors: %lu link type, %lu radio, %lu FCS, %lu short, "
	    "%lu 802.11\n", b.c.n, (double)b.c.nbytes / (double)b.c.n,
	    b.errors[PACKET_ERR_DLT], b.errors[PACKET_ERR_RADIO],
	    b.errors[PACKET_ERR_FCS], b.errors[PACKET_ERR_SHORT],
	    b.errors[PACKET_ERR_DOT11]);
	bench_report("decode", b.c.n, best, (int)runs);
	bench_cap_free(&b.c);
	return 0;
usage:
	fprintf(stderr, "usage: bench_decode [--runs N] [--max N] "
	    "CAPTURE...\n");
	return 2;
}
