/* SPDX-License-Identifier: ISC */
/*
 * \summary: tracker benchmark: ns per tracker_update(), bytes per device
 *
 *   bench_tracker [-c clients] [-n packets] [-d devices]
 *
 * 1. Update cost: a prepared mix of decoded packets (beacons from 200
 *    APs, probe requests, data both ways between -c clients (50,000) and
 *    their APs, control frames), 200-byte frames, 2,048 of them, copied into
 *    one struct packet as the decoder fills it, each aimed at a station
 *    picked out of the -c (and its AP), fed again and again with
 *    advancing timestamps; once from one source, once as two sources
 *    delivering every frame (half of them deduplicated).  The tracker
 *    clock is set every 256 packets, as the core does per batch.  The
 *    loop's own cost (copying and aiming each packet) is printed first,
 *    with a no-op in place of tracker_update().
 * 2. Memory: the heap in use (mallinfo2) before and after creating
 *    -d devices the way a busy site creates them (each client probes,
 *    associates with one of the APs and sends data), divided by the
 *    count.  This is everything: records, parts, associations and the
 *    hash table.
 *
 * Times are CPU time of the thread (CLOCK_THREAD_CPUTIME_ID).
 *
 * The decoders are not in yet, so packets are built directly as the
 * decoders will fill them; decode+track over a capture comes when they
 * land (doc/devices.md).
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "oui.h"
#include "packet.h"
#include "tracker.h"

#define NPREP		2048
#define NAPS		200
#define FRAMELEN	200

struct prep {
	struct packet	 p;
	unsigned	 kind;
	uint8_t		 frame[FRAMELEN];
};

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint32_t nclients = 50000;	/* -c */

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void
mac_of(uint32_t id, uint8_t mac[6])
{
	/* Real vendor prefixes so the OUI lookup does real work. */
	static const uint8_t vendors[4][3] = {
		{ 0x00, 0x1b, 0x63 }, { 0xf4, 0xbd, 0x9e },
		{ 0x00, 0x50, 0x56 }, { 0x3c, 0x22, 0xfb },
	};

	memcpy(mac, vendors[id & 3], 3);
	mac[3] = (uint8_t)(id >> 16);
	mac[4] = (uint8_t)(id >> 8);
	mac[5] = (uint8_t)id;
}

/* Point a packet of this kind at AP ap and station sta. */
static void
address(struct packet *p, unsigned kind, uint32_t ap, uint32_t sta)
{
	struct packet_dot11 *h = &p->dot11;
	uint8_t apmac[6], stamac[6];

	mac_of(ap, apmac);
	mac_of(NAPS + sta, stamac);
	switch (kind) {
	case 0:
		memset(h->ra, 0xff, 6);
		memcpy(h->ta, apmac, 6);
		memcpy(h->bssid, apmac, 6);
		break;
	case 1:
		memset(h->ra, 0xff, 6);
		memcpy(h->ta, stamac, 6);
		memset(h->bssid, 0xff, 6);
		break;
	case 2:
		memcpy(h->bssid, apmac, 6);
		memcpy(h->ra, apmac, 6);
		memcpy(h->ta, stamac, 6);
		memcpy(h->src, stamac, 6);
		break;
	case 3:
		memcpy(h->bssid, apmac, 6);
		memcpy(h->ra, stamac, 6);
		memcpy(h->ta, apmac, 6);
		memcpy(h->src, apmac, 6);
		break;
	default:
		memcpy(h->ra, apmac, 6);
		memcpy(h->ta, stamac, 6);
		break;
	}
}

static void
fill(struct prep *x, uint32_t ap, uint32_t sta, unsigned kind)
{
	struct packet *p = &x->p;
	struct packet_dot11 *h = &p->dot11;
	static const uint8_t ssid[] = "benchmark-network";
	size_t i;

	memset(x, 0, sizeof(*x));
	x->kind = kind;
	p->dlt = PACKET_DLT_RADIOTAP;
	p->radio.has = RADIO_HAS_SIGNAL | RADIO_HAS_FREQ | RADIO_HAS_CHANNEL;
	p->radio.signal_dbm = (int16_t)(-30 - (int)(rnd() % 60));
	p->radio.channel = (uint16_t)(1 + ap % 11);
	p->radio.freq_mhz = (uint16_t)(2407 + 5 * p->radio.channel);
	for (i = 0; i < FRAMELEN; i++)
		x->frame[i] = (uint8_t)rnd();
	p->frame = x->frame;
	p->frame_len = FRAMELEN;
	h->has_ta = h->has_bssid = h->has_src = h->has_dst = true;
	switch (kind) {
	case 0:		/* beacon */
		h->type = DOT11_TYPE_MGMT;
		h->subtype = DOT11_MGMT_BEACON;
		h->capability = 0x0011;
		h->beacon_interval = 100;
		h->ies.has_ssid = true;
		h->ies.ssid = ssid;
		h->ies.ssid_len = sizeof(ssid) - 1;
		h->ies.ds_channel = (uint8_t)p->radio.channel;
		h->ies.crypt = DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK |
		    DOT11_CRYPT_CCMP;
		h->ies.has_ht = true;
		h->ies.ht_primary = h->ies.ds_channel;
		break;
	case 1:		/* probe request */
		h->type = DOT11_TYPE_MGMT;
		h->subtype = DOT11_MGMT_PROBE_REQ;
		h->ies.has_ssid = true;
		h->ies.ssid = ssid;
		h->ies.ssid_len = sizeof(ssid) - 1;
		break;
	case 2:		/* data, station to AP */
	case 3:		/* data, AP to station */
		h->type = DOT11_TYPE_DATA;
		h->protected_ = true;
		h->body_len = 1400;
		h->tods = kind == 2;
		h->fromds = kind == 3;
		break;
	default:	/* block ack from the station */
		h->type = DOT11_TYPE_CTRL;
		h->subtype = 9;
		h->has_bssid = h->has_src = h->has_dst = false;
		break;
	}
	address(p, kind, ap, sta);
}

/* Heap in use: small blocks plus the large ones malloc mmaps. */
static size_t
heap(const struct mallinfo2 *m)
{
	return m->uordblks + m->hblkhd;
}

/*
 * CPU time of this thread: the machine is shared, and wall time would
 * measure the neighbours' load as much as the tracker.
 */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stands in for tracker_update() to measure the loop's own cost. */
static volatile uint8_t sink;

static void
no_update(struct tracker *tr, const struct packet *p)
{
	sink = (uint8_t)(sink + p->dot11.ta[5] + p->dot11.ra[5]);
}

static void
run_updates(const struct oui_db *oui, struct prep *prep, uint64_t n,
    int sources, void (*update)(struct tracker *, const struct packet *))
{
	struct tracker_config cfg;
	struct tracker_stats st;
	struct tracker *tr;
	uint64_t i, usec = 0;
	struct packet hot;
	struct prep *x;
	uint32_t sta;
	double t0, t1;

	tracker_config_default(&cfg);
	cfg.oui = oui;
	tr = tracker_new(&cfg);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		/* The core sets the clock once per batch it reads from a
		 * helper (libevent's cached time); say 256 frames. */
		if (i % 256 == 0)
			tracker_set_clock(tr, 1700000000000000ULL + usec);
		x = &prep[(i / (uint64_t)sources) % NPREP];
		/* The decoder has just written the packet: it is hot. */
		hot = x->p;
		/* A station out of nclients, the same for both copies. */
		sta = (uint32_t)((i / (uint64_t)sources) * 2654435761u %
		    nclients);
		address(&hot, x->kind, sta % NAPS, sta);
		/* 2 us per frame: the air at 500k frames/s. */
		if (i % (uint64_t)sources == 0)
			usec += 2;
		hot.ts_sec = 1700000000 + usec / 1000000;
		hot.ts_usec = usec % 1000000;
		hot.source = (uint32_t)(i % (uint64_t)sources);
		/* Vary one byte per pass so passes are new frames. */
		x->frame[0] = (uint8_t)(i / ((uint64_t)NPREP *
		    (uint64_t)sources));
		memcpy(x->frame + 4, &sta, sizeof(sta));
		update(tr, &hot);
	}
	t1 = now_s();
	tracker_stats(tr, &st);
	if (update == no_update) {
		printf("loop alone (copying and aiming the packets): "
		    "%.1f ns/packet\n", (t1 - t0) * 1e9 / (double)n);
		tracker_free(tr);
		return;
	}
	printf("updates: %d source%s, %llu packets, %zu devices, %llu dups: "
	    "%.1f ns/packet, %.2f M packets/s\n", sources,
	    sources > 1 ? "s" : "", (unsigned long long)n, st.devices,
	    (unsigned long long)st.dups, (t1 - t0) * 1e9 / (double)n,
	    (double)n / (t1 - t0) / 1e6);
	tracker_free(tr);
}

static void
run_memory(const struct oui_db *oui, uint32_t ndev)
{
	struct tracker_config cfg;
	struct tracker_stats st;
	struct tracker *tr;
	struct mallinfo2 a, b;
	struct prep x;
	uint32_t i;
	double t0, t1;

	tracker_config_default(&cfg);
	cfg.oui = oui;
	cfg.packet_clock = true;
	a = mallinfo2();
	tr = tracker_new(&cfg);
	t0 = now_s();
	for (i = 0; i < NAPS; i++) {
		fill(&x, i, 0, 0);
		x.p.ts_sec = 1700000000;
		tracker_update(tr, &x.p);
	}
	for (i = 0; i < ndev; i++) {
		fill(&x, i % NAPS, i, 1);
		x.p.ts_sec = 1700000000 + i / 1000;
		tracker_update(tr, &x.p);
		fill(&x, i % NAPS, i, 2);
		x.p.ts_sec = 1700000000 + i / 1000;
		tracker_update(tr, &x.p);
	}
	t1 = now_s();
	b = mallinfo2();
	tracker_stats(tr, &st);
	printf("memory: %zu devices (%u clients, %d APs) in %.0f ms: "
	    "%.0f bytes per device (heap %zu -> %zu; struct device %zu, "
	    "table+dedup %zu)\n", st.devices, ndev, NAPS, (t1 - t0) * 1e3,
	    (double)(heap(&b) - heap(&a)) / (double)st.devices,
	    heap(&a), heap(&b), sizeof(struct device), st.table_bytes);
	tracker_free(tr);
}

int
main(int argc, char **argv)
{
	struct oui_db *oui = NULL;
	struct oui_stats os;
	struct mallinfo2 a, b;
	struct prep *prep;
	uint64_t n = 20000000;
	uint32_t ndev = 200000;
	double t0, t1;
	int ch, i;

	while ((ch = getopt(argc, argv, "c:n:d:")) != -1) {
		switch (ch) {
		case 'c':
			nclients = (uint32_t)strtoul(optarg, NULL, 10);
			if (nclients == 0)
				nclients = 1;
			break;
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'd':
			ndev = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: %s [-c clients] [-n packets] "
			    "[-d devices]\n", argv[0]);
			return 2;
		}
	}
	a = mallinfo2();
	t0 = now_s();
	if (oui_db_open(NULL, NULL, &oui) != 0)
		printf("oui: no ieee-data, manufacturer lookups skipped\n");
	else {
		t1 = now_s();
		b = mallinfo2();
		oui_db_stats(oui, &os);
		printf("oui: %zu prefixes, %zu names, loaded in %.0f ms, "
		    "%zu bytes (heap delta %zu)\n",
		    os.n_mal + os.n_mam + os.n_mas, os.n_names,
		    (t1 - t0) * 1e3, os.bytes, heap(&b) - heap(&a));
	}
	prep = calloc(NPREP, sizeof(*prep));
	if (prep == NULL)
		return 1;
	/* The mix: 10% beacons, 5% probes, 70% data, 15% control. */
	for (i = 0; i < NPREP; i++) {
		uint32_t r = rnd() % 100, sta = rnd() % nclients;
		unsigned kind = r < 10 ? 0 : r < 15 ? 1 : r < 50 ? 2 :
		    r < 85 ? 3 : 4;

		fill(&prep[i], kind == 0 ? rnd() % NAPS : sta % NAPS, sta,
		    kind);
	}
	run_updates(oui, prep, n, 1, no_update);
	run_updates(oui, prep, n, 1, tracker_update);
	run_updates(oui, prep, n, 2, tracker_update);
	run_memory(oui, ndev);
	free(prep);
	oui_db_free(oui);
	return 0;
}
