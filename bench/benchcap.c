/* SPDX-License-Identifier: ISC */
/* \summary: what the benchmarks share: captures held in memory, clocks */

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchcap.h"

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

int
bench_cap_load(struct bench_cap *c, const char *prog, const char *path,
    size_t max)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct bench_frame *f;
	pcap_t *p;

	if ((p = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	while (c->n < max && pcap_next_ex(p, &h, &data) == 1) {
		if (grow((void **)&c->frames, &c->cap, c->n + 1,
		    sizeof(*c->frames)) != 0 ||
		    grow((void **)&c->bytes, &c->bcap, c->nbytes + h->caplen,
		    1) != 0) {
			fprintf(stderr, "%s: out of memory\n", prog);
			pcap_close(p);
			return -1;
		}
		f = &c->frames[c->n++];
		f->ts_sec = (uint64_t)h->ts.tv_sec;
		f->ts_usec = (uint64_t)h->ts.tv_usec;
		f->dlt = (uint32_t)pcap_datalink(p);
		f->caplen = h->caplen;
		f->len = h->len;
		f->off = c->nbytes;
		memcpy(c->bytes + c->nbytes, data, h->caplen);
		c->nbytes += h->caplen;
	}
	pcap_close(p);
	return 0;
}

void
bench_cap_free(struct bench_cap *c)
{
	free(c->frames);
	free(c->bytes);
	memset(c, 0, sizeof(*c));
}

struct bench_stamp
bench_now(void)
{
	struct timespec c, w;
	struct bench_stamp s;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	clock_gettime(CLOCK_MONOTONIC, &w);
	s.cpu = (double)c.tv_sec + (double)c.tv_nsec / 1e9;
	s.wall = (double)w.tv_sec + (double)w.tv_nsec / 1e9;
	return s;
}

struct bench_stamp
bench_since(struct bench_stamp t0)
{
	struct bench_stamp t = bench_now();

	t.cpu -= t0.cpu;
	t.wall -= t0.wall;
	return t;
}

void
bench_report(const char *what, size_t n, struct bench_stamp t, int runs)
{
	printf("%-14s %9zu frames %8.1f ns/frame %10.0f frames/s "
	    "(CPU, best of %d; wall %.1f ns/frame)\n", what, n,
	    t.cpu * 1e9 / (double)n, (double)n / t.cpu, runs,
	    t.wall * 1e9 / (double)n);
}
