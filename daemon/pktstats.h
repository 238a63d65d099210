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
 * highest second), as Kismet's default and peak aggregators do.
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

/* The cumulative counters a tick reads. */
struct pktstats_counts {
	uint64_t	 total;
	uint64_t	 errors;
	uint64_t	 dups;		/* the same frame from another source */
	uint64_t	 drops;
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

/* Pack every history in the map of /packetchain/packet_stats.json. */
void		 pktstats_pack_all(const struct pktstats *, uint64_t now,
		    msgpack_packer *);

#endif
