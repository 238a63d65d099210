/* SPDX-License-Identifier: ISC */
/*
 * \summary: benchmark of decode + track over a capture, and its memory
 *
 *   bench_track [-a] [-g] [-s sources] CAPTURE
 *
 * Reads the capture with libpcap in chunks of 65,536 frames held in
 * memory, and for each chunk times decode_packet() + tracker_update() on
 * every frame (the reading is not timed).  With -s N every frame is fed N
 * times as from N sources (deduplication at work).  Prints frames/s by
 * CPU time and wall time, the devices tracked, and the tracker's heap
 * (mallinfo2 after the run, less before, with the chunk buffer freed)
 * per device, and the records' own bytes (device_bytes: mean and
 * largest).  With -g every frame comes with a 3D fix, as from a sensor
 * driving at 50 km/h (one position per capture second), so that every
 * device gets its location record.  With -a every frame also goes
 * through the 802.11 alert checks (wids_packet(), every alert on), as
 * the core's pipeline does, and the alerts raised are counted.
 * bench/run adds peak RSS.  Built once the decoders are in.
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "alerts.h"
#include "decode.h"
#include "device.h"
#include "oui.h"
#include "packet.h"
#include "tracker.h"
#include "wids.h"

#define CHUNK	65536

struct frame {
	struct pcap_pkthdr	 h;
	size_t			 off;
};

static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
heap(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct tracker_config cfg;
	struct tracker_stats st;
	struct tracker *tr;
	struct oui_db *oui = NULL;
	struct frame *fr;
	struct packet p;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t *bytes;
	size_t cap = 64 << 20, used, n, i, heap0, heap1;
	unsigned long frames = 0, bad = 0;
	double cpu = 0, wall = 0, c0, w0;
	const struct device *d;
	size_t rec = 0, rec_max = 0, located = 0;
	uint64_t t0 = 0;
	pcap_t *pc;
	int ch, r = 1, s, sources = 1, dlt, gps = 0;
	struct alerts *al = NULL;
	struct wids *w = NULL;

	while ((ch = getopt(argc, argv, "ags:")) != -1) {
		if (ch == 'a') {
			al = alerts_new(NULL);
			if ((w = wids_new(al, NULL, err, sizeof(err))) ==
			    NULL) {
				fprintf(stderr, "bench_track: %s\n", err);
				return 1;
			}
		} else if (ch == 'g')
			gps = 1;
		else if (ch != 's' || (sources = atoi(optarg)) < 1) {
			fprintf(stderr, "usage: bench_track [-a] [-g] "
			    "[-s sources] capture\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: bench_track [-s sources] capture\n");
		return 2;
	}
	if (oui_db_open(NULL, NULL, &oui) != 0)
		oui = NULL;
	if ((pc = pcap_open_offline(argv[optind], err)) == NULL) {
		fprintf(stderr, "bench_track: %s\n", err);
		return 1;
	}
	dlt = pcap_datalink(pc);
	heap0 = heap();
	fr = calloc(CHUNK, sizeof(*fr));
	bytes = malloc(cap);
	if (fr == NULL || bytes == NULL)
		return 1;
	tracker_config_default(&cfg);
	cfg.oui = oui;
	cfg.packet_clock = true;
	tr = tracker_new(&cfg);
	while (r == 1) {
		for (n = 0, used = 0; n < CHUNK; n++) {
			if ((r = pcap_next_ex(pc, &h, &data)) != 1)
				break;
			if (used + h->caplen > cap)
				break;
			fr[n].h = *h;
			fr[n].off = used;
			memcpy(bytes + used, data, h->caplen);
			used += h->caplen;
		}
		c0 = cpu_s();
		w0 = wall_s();
		for (i = 0; i < n; i++) {
			for (s = 0; s < sources; s++) {
				memset(&p, 0, sizeof(p));
				p.source = (uint32_t)s;
				p.ts_sec = (uint64_t)fr[i].h.ts.tv_sec;
				p.ts_usec = (uint64_t)fr[i].h.ts.tv_usec;
				p.dlt = (uint32_t)dlt;
				p.data = bytes + fr[i].off;
				p.caplen = fr[i].h.caplen;
				p.len = fr[i].h.len;
				if (gps) {
					/* 50 km/h east: 13.9 m a second. */
					if (t0 == 0)
						t0 = p.ts_sec;
					p.loc.fix = 3;
					p.loc.lat = 48.85;
					p.loc.lon = 2.29 + (double)(p.ts_sec -
					    t0) * 1.9e-4;
					p.loc.alt = 35;
					p.loc.speed = 50;
					p.loc.time_usec = p.ts_sec * 1000000;
				}
				if (decode_packet(&p) != 0 && s == 0)
					bad++;
				tracker_update(tr, &p);
				if (w != NULL)
					wids_packet(w, &p);
			}
		}
		cpu += cpu_s() - c0;
		wall += wall_s() - w0;
		frames += n;
	}
	pcap_close(pc);
	free(bytes);
	free(fr);
	heap1 = heap();
	tracker_stats(tr, &st);
	for (d = tracker_first(tr); d != NULL; d = tracker_next(d)) {
		size_t b = device_bytes(d);

		rec += b;
		if (b > rec_max)
			rec_max = b;
		located += d->loc != NULL;
	}
	printf("decode+track: %lu frames x %d source%s (%lu not decoded), "
	    "%zu devices, %llu dups\n", frames, sources, sources > 1 ? "s" :
	    "", bad, st.devices, (unsigned long long)st.dups);
	printf("decode+track: %.0f ns/frame CPU, %.2f M frames/s CPU, "
	    "%.2f M frames/s wall\n",
	    cpu * 1e9 / ((double)frames * sources),
	    (double)frames * sources / cpu / 1e6,
	    (double)frames * sources / wall / 1e6);
	printf("tracker heap: %zu bytes, %.0f bytes per device\n",
	    heap1 - heap0, st.devices ? (double)(heap1 - heap0) /
	    (double)st.devices : 0.0);
	printf("device records: %.0f bytes mean, %zu largest; %zu of %zu "
	    "with a location%s\n", st.devices ? (double)rec /
	    (double)st.devices : 0.0, rec_max, located, st.devices,
	    gps ? " (-g)" : "");
	if (w != NULL) {
		static const char *const names[] = { "DEAUTHFLOOD",
		    "EVILTWIN", "CHANCHANGE", "BEACONFLOOD", "KARMA",
		    "CRYPTODROP", "MALFORMMGMT" };
		uint64_t raised = 0;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			raised += alerts_total(al, names[i]);
		printf("alerts (-a): %llu frames checked; %llu of the "
		    "commonest raised\n", (unsigned long long)wids_frames(w),
		    (unsigned long long)raised);
	}
	wids_free(w);
	alerts_free(al);
	tracker_free(tr);
	oui_db_free(oui);
	return 0;
}
