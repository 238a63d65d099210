/* SPDX-License-Identifier: ISC */
/*
 * \summary: how many frames a second decode_packet() handles
 *
 * Usage: bench_decode [-s seconds] capture...  Loads every frame of the
 * captures into memory with libpcap, then runs decode_packet() over them
 * again and again for the given time (default 3 s) and prints frames per
 * second and nanoseconds per frame.  Only the decoder is timed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "decode.h"
#include "packet.h"
#include "xmalloc.h"

struct bench_frame {
	uint32_t	 dlt;
	uint8_t		*data;
	size_t		 caplen, len;
};

static struct bench_frame *frames;
static size_t nframes, maxframes;

static void
bench_load(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc;

	if ((pc = pcap_open_offline(path, errbuf)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, errbuf);
		return;
	}
	while (pcap_next_ex(pc, &h, &data) == 1) {
		if (nframes == maxframes) {
			maxframes = maxframes ? maxframes * 2 : 1024;
			frames = xreallocarray(frames, maxframes,
			    sizeof(*frames));
		}
		frames[nframes].dlt = (uint32_t)pcap_datalink(pc);
		frames[nframes].data = xmalloc(h->caplen ? h->caplen : 1);
		memcpy(frames[nframes].data, data, h->caplen);
		frames[nframes].caplen = h->caplen;
		frames[nframes].len = h->len;
		nframes++;
	}
	pcap_close(pc);
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct packet p;
	double seconds = 3, start, elapsed;
	unsigned long done = 0, errors = 0;
	size_t i;
	int ch;

	while ((ch = getopt(argc, argv, "s:")) != -1) {
		if (ch != 's') {
			fprintf(stderr, "usage: %s [-s seconds] capture...\n",
			    argv[0]);
			return 2;
		}
		seconds = atof(optarg);
	}
	for (; optind < argc; optind++)
		bench_load(argv[optind]);
	if (nframes == 0) {
		fprintf(stderr, "no frames\n");
		return 1;
	}
	start = bench_now();
	do {
		for (i = 0; i < nframes; i++) {
			memset(&p, 0, sizeof(p));
			p.dlt = frames[i].dlt;
			p.data = frames[i].data;
			p.caplen = frames[i].caplen;
			p.len = frames[i].len;
			if (decode_packet(&p) != 0 && done == 0)
				errors++;
		}
		done += nframes;
		elapsed = bench_now() - start;
	} while (elapsed < seconds);
	printf("%zu frames (%lu decode errors); %lu decoded in %.2f s: "
	    "%.0f frames/s, %.0f ns/frame\n", nframes, errors, done, elapsed,
	    done / elapsed, elapsed * 1e9 / done);
	for (i = 0; i < nframes; i++)
		free(frames[i].data);
	free(frames);
	return 0;
}
