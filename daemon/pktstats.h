/* SPDX-License-Identifier: ISC */
/*
 * \summary: packet statistics as Kismet's round-robin histories (RRDs)
 *
 * /packetchain/packet_stats.json and its siblings show how many packets
 * the core took each second of the last minute, each minute of the last
 * hour and each hour of the last day, as Kismet's RRD objects
 * (kismet.common.rrd.*).  The core's counters only ever grow, so a
 * one-second timer reads them and files the difference; between two
 * ticks nothing is done per packet.  A minute's slot in the hour history
 * holds the mean per second of that minute (the peak history: the
 * highest second), as Kismet's default and peak aggregators do.  Levels
 * (devices tracked, memory) keep the highest reading of each slot, and
 * each datasource has its own packet rate.  These run on wall time: they
 * say what the core did, where a device's history (rrd.h) says what was
 * on the air.
 */
#ifndef DAEMON_PKTSTATS_H
#define DAEMON_PKTSTATS_H

#include <stdbool.h>
#include <stdint.h>

#include <msgpack.h>

struct event_base;
struct pktstats;

/* The histories, in the order of enum pktstats_which. */
enum pktstats_which {
	PKTSTATS_RATE = 0,	/* every packet the core took */
	PKTSTATS_PEAK,		/* the same, the busiest second kept */
	PKTSTATS_ERROR,		/* packets that failed to decode */
	PKTSTATS_DUPE,		/* a frame another source already gave */
	PKTSTATS_PROCESSED,	/* packets through the pipeline */
	PKTSTATS_DROP,		/* frames the helpers dropped */
	PKTSTATS_COUNT
};

/* Levels rather than counters: a second keeps its highest reading. */
enum pktstats_gauge {
	PKTSTATS_DEVICES = 0,	/* devices tracked */
	PKTSTATS_MEMORY,	/* the core's heap, KiB */
	PKTSTATS_GAUGES
};

/* One datasource's packet counter. */
struct pktstats_src {
	uint32_t	 id;		/* datasource number */
	uint64_t	 packets;
};

#define PKTSTATS_MAX_SOURCES	64	/* past this, a source has no history */

/* The cumulative counters (and levels) a tick reads. */
struct pktstats_counts {
	uint64_t	 total;
	uint64_t	 errors;
	uint64_t	 dups;		/* the same frame from another source */
	uint64_t	 drops;
	uint64_t	 gauge[PKTSTATS_GAUGES];
	/* The reader fills up to PKTSTATS_MAX_SOURCES of these. */
	struct pktstats_src src[PKTSTATS_MAX_SOURCES];
	size_t		 n_src;
};

/*
 * Histories fed by read(arg, &counts) once a second on base (no timer
 * when base is NULL: tests feed pktstats_sample).  Never NULL.
 */
struct pktstats	*pktstats_new(struct event_base *base,
		    void (*read)(void *arg, struct pktstats_counts *),
		    void *arg);
void		 pktstats_free(struct pktstats *);

/*
 * File the counters as they are at now (epoch seconds).  A second seen
 * twice adds to itself; seconds skipped are zero.  The first call only
 * sets the baseline.
 */
void		 pktstats_sample(struct pktstats *, uint64_t now,
		    const struct pktstats_counts *);

/* The Kismet name of a history ("packet_rate"), or NULL. */
const char	*pktstats_name(enum pktstats_which);

/* Pack one history as a kismet.common.rrd object, as of now. */
void		 pktstats_pack_rrd(const struct pktstats *, enum pktstats_which,
		    uint64_t now, msgpack_packer *);

/* Pack a level's history (devices: Kismet's kismet.system.devices.rrd). */
void		 pktstats_pack_gauge(const struct pktstats *,
		    enum pktstats_gauge, uint64_t now, msgpack_packer *);

/*
 * Pack the packet rate of datasource id (kismet.datasource.packets_rrd);
 * all zeros for a source not seen yet.
 */
void		 pktstats_pack_source(const struct pktstats *, uint32_t id,
		    uint64_t now, msgpack_packer *);

/* Pack every history in the map of /packetchain/packet_stats.json. */
void		 pktstats_pack_all(const struct pktstats *, uint64_t now,
		    msgpack_packer *);

#endif
