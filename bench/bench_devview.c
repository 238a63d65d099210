/* SPDX-License-Identifier: ISC */
/*
 * \summary: benchmark of a view's page cut in the core (devview)
 *
 *   bench_devview [-r runs] CAPTURE
 *
 * Decodes and tracks the capture (not timed), then times
 * devview_select() for the pages the web UI and DataTables clients ask
 * for: table order, sorted by a number, by a string, a deep page, a
 * search, a sort by a field read from the packed record.  The core
 * answers a page between two packets, so this is how long a page holds
 * capture up.  Prints the devices, then per page the best and the worst
 * of -r runs (5), CPU time of the thread.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "bridge.h"
#include "ctldev.h"
#include "decode.h"
#include "devrec.h"
#include "devview.h"
#include "oui.h"
#include "packet.h"
#include "tracker.h"

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		uint32_t	 start, length;
		const char	*sort;
		bool		 desc;
		const char	*search;
	} pages[] = {
		{ "table order 0-50", 0, 50, NULL, false, NULL },
		{ "last_time desc 0-50", 0, 50,
		    "kismet.device.base.last_time", true, NULL },
		{ "signal desc 0-50", 0, 50, "kismet.device.base.signal/"
		    "kismet.common.signal.last_signal", true, NULL },
		{ "commonname 0-50", 0, 50,
		    "kismet.device.base.commonname", false, NULL },
		{ "commonname 40000-40050", 40000, 50,
		    "kismet.device.base.commonname", false, NULL },
		{ "search \"a1:\", packets desc", 0, 50,
		    "kismet.device.base.packets.total", true, "a1:" },
		{ "search \"nothing-like-it\"", 0, 50, NULL, false,
		    "nothing-like-it" },
		{ "record field num_client_aps", 0, 50,
		    "dot11.device/dot11.device.num_client_aps", true, NULL },
	};
	char err[PCAP_ERRBUF_SIZE];
	struct tracker_config cfg;
	struct tracker_stats st;
	struct bridge_devices_page p;
	struct devview_page pg;
	struct devrec_opts opts;
	struct tracker *tr;
	struct oui_db *oui = NULL;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct packet pkt;
	double t, best, worst;
	size_t i;
	pcap_t *pc;
	int ch, runs = 5, r, dlt;

	while ((ch = getopt(argc, argv, "r:")) != -1) {
		if (ch != 'r' || (runs = atoi(optarg)) < 1) {
			fprintf(stderr, "usage: bench_devview [-r runs] "
			    "capture\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: bench_devview [-r runs] capture\n");
		return 2;
	}
	if (oui_db_open(NULL, NULL, &oui) != 0)
		oui = NULL;
	if ((pc = pcap_open_offline(argv[optind], err)) == NULL) {
		fprintf(stderr, "bench_devview: %s\n", err);
		return 1;
	}
	dlt = pcap_datalink(pc);
	tracker_config_default(&cfg);
	cfg.oui = oui;
	cfg.packet_clock = true;
	tr = tracker_new(&cfg);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.ts_sec = (uint64_t)h->ts.tv_sec;
		pkt.ts_usec = (uint64_t)h->ts.tv_usec;
		pkt.dlt = (uint32_t)dlt;
		pkt.data = data;
		pkt.caplen = h->caplen;
		pkt.len = h->len;
		(void)decode_packet(&pkt);
		tracker_update(tr, &pkt);
	}
	pcap_close(pc);
	tracker_stats(tr, &st);
	printf("devview: %zu devices\n", st.devices);
	memset(&opts, 0, sizeof(opts));
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.start = pages[i].start;
		p.length = pages[i].length;
		p.sort = pages[i].sort;
		p.desc = pages[i].desc;
		p.search = pages[i].search;
		best = 1e30;
		worst = 0;
		for (r = 0; r < runs; r++) {
			t = cpu_ms();
			devview_select(tr, &p, CTLDEV_ANY_SOURCE, &opts, &pg);
			t = cpu_ms() - t;
			if (t < best)
				best = t;
			if (t > worst)
				worst = t;
			if (r + 1 < runs)
				devview_page_free(&pg);
		}
		printf("devview: %-32s %7.2f ms best, %7.2f worst, %zu rows "
		    "of %llu matching\n", pages[i].name, best, worst, pg.n,
		    (unsigned long long)pg.filtered);
		devview_page_free(&pg);
	}
	tracker_free(tr);
	if (oui != NULL)
		oui_db_free(oui);
	return 0;
}
