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
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "packet.h"

struct frame {
	uint32_t	 dlt;
	uint32_t	 caplen, len;
	size_t		 off;		/* into the loaded bytes */
};

struct bench {
	struct frame	*frames;
	size_t		 n, cap;
	uint8_t		*bytes;		/* every frame, back to back */
	size_t		 nbytes, bcap;
	unsigned long	 errors[PACKET_ERR_DOT11 + 1];
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

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *np;
	size_t ncap = *cap ? *cap : 1024;

	while (ncap < need)
		ncap *= 2;
	if (ncap == *cap)
		return 0;
	if ((np = realloc(*p, ncap * size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static int
load(struct bench *b, const char *path, size_t max)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;

	if ((p = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "bench_decode: %s\n", err);
		return -1;
	}
	while (b->n < max && pcap_next_ex(p, &h, &data) == 1) {
		if (grow((void **)&b->frames, &b->cap, b->n + 1,
		    sizeof(*b->frames)) != 0 ||
		    grow((void **)&b->bytes, &b->bcap, b->nbytes + h->caplen,
		    1) != 0) {
			fprintf(stderr, "bench_decode: out of memory\n");
			pcap_close(p);
			return -1;
		}
		b->frames[b->n].dlt = (uint32_t)pcap_datalink(p);
		b->frames[b->n].caplen = h->caplen;
		b->frames[b->n].len = h->len;
		b->frames[b->n].off = b->nbytes;
		memcpy(b->bytes + b->nbytes, data, h->caplen);
		b->nbytes += h->caplen;
		b->n++;
	}
	pcap_close(p);
	return 0;
}

/* One pass over every frame; the first pass counts the errors. */
static struct stamp
run(struct bench *b, int count)
{
	struct stamp t0 = now(), t;
	struct packet p;
	size_t i;

	for (i = 0; i < b->n; i++) {
		memset(&p, 0, sizeof(p));
		p.dlt = b->frames[i].dlt;
		p.data = b->bytes + b->frames[i].off;
		p.caplen = b->frames[i].caplen;
		p.len = b->frames[i].len;
		(void)decode_packet(&p);
		if (count)
			b->errors[p.error]++;
	}
	t = now();
	t.cpu -= t0.cpu;
	t.wall -= t0.wall;
	return t;
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
	struct stamp best = { 1e30, 1e30 }, t;
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
		if (load(&b, argv[i], (size_t)max) != 0)
			return 1;
	if (b.n == 0) {
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
	    "%lu 802.11\n", b.n, (double)b.nbytes / (double)b.n,
	    b.errors[PACKET_ERR_DLT], b.errors[PACKET_ERR_RADIO],
	    b.errors[PACKET_ERR_FCS], b.errors[PACKET_ERR_SHORT],
	    b.errors[PACKET_ERR_DOT11]);
	printf("%-14s %9zu frames %8.1f ns/frame %10.0f frames/s "
	    "(CPU, best of %ld; wall %.1f ns/frame)\n", "decode", b.n,
	    best.cpu * 1e9 / (double)b.n, (double)b.n / best.cpu, runs,
	    best.wall * 1e9 / (double)b.n);
	free(b.frames);
	free(b.bytes);
	return 0;
usage:
	fprintf(stderr, "usage: bench_decode [--runs N] [--max N] "
	    "CAPTURE...\n");
	return 2;
}
