/* SPDX-License-Identifier: ISC */
/*
 * \summary: a device's history as Kismet's RRDs, in compact lazy storage
 *
 * Kismet keeps, per device, the last minute by second, the last hour by
 * minute and the last day by hour (kismet.common.rrd.*) of packets, data
 * bytes and signal.  Held as Kismet holds them, that is 3 x 144 numbers,
 * several KiB a device.  Here each of the three tiers (seconds, minutes,
 * hours) is a window of slots allocated only over the span the device was
 * active in: slots from its oldest unit still inside the tier's span to
 * its newest.  A device heard for 10 s holds 10 second slots, one minute
 * and one hour; a device idle for longer than a tier's span holds nothing
 * in it (rrd_expire() frees it).  Each slot has the packets, the data
 * bytes (both saturating at 2^32 - 1) and the strongest signal of its
 * unit.
 *
 * Time is the packets' capture time in seconds, so that a capture
 * replayed gives the same history as the capture run live; a packet
 * older than a tier's window is not counted in that tier.
 */
#ifndef DAEMON_RRD_H
#define DAEMON_RRD_H

#include <stddef.h>
#include <stdint.h>

enum rrd_unit {
	RRD_SECONDS = 0,	/* minute_vec: 60 slots of a second */
	RRD_MINUTES,		/* hour_vec: 60 slots of a minute */
	RRD_HOURS,		/* day_vec: 24 slots of an hour */
	RRD_TIERS
};

enum rrd_metric {
	RRD_PACKETS = 0,
	RRD_BYTES,
	RRD_SIGNAL,		/* dBm, the strongest; 0 none (Kismet's blank) */
};

struct rrd_tier;

/*
 * One device's history; all zero is an empty one.  The newest second is
 * counted here (cur_*) and filed in the tiers when a packet of another
 * second comes: a busy device touches its tiers once a second, not once
 * a packet.
 */
struct rrd {
	struct rrd_tier	*tier[RRD_TIERS];
	uint32_t	 last;		/* newest second counted, 0 none */
	uint32_t	 cur_t;		/* the second counted in cur_* */
	uint32_t	 cur_packets;	/* 0: nothing waiting */
	uint32_t	 cur_bytes;
	int8_t		 cur_sig;
};

/* Slots of a tier (60, 60, 24) and seconds per slot (1, 60, 3600). */
uint32_t rrd_span(enum rrd_unit);
uint32_t rrd_unit_secs(enum rrd_unit);

/*
 * Count one packet at capture second t: bytes of data, and a signal in
 * dBm unless sig is 0.
 */
void	 rrd_add(struct rrd *, uint32_t t, uint32_t bytes, int8_t sig);

/*
 * Free the tiers with nothing left in their span at second now (a device
 * idle for a minute loses its seconds, for an hour its minutes).
 */
void	 rrd_expire(struct rrd *, uint32_t now);

/* Free every tier; the history is empty again. */
void	 rrd_clear(struct rrd *);

/* Heap bytes the tiers take. */
size_t	 rrd_bytes(const struct rrd *);

/*
 * One vector as of second now, in Kismet's ring order: the value of unit
 * u (t / unit seconds) is at out[u % span]; units outside the span ending
 * at now are 0.  out holds rrd_span(unit) values.  A now earlier than the
 * newest second counted is taken as that second.
 */
void	 rrd_vec(const struct rrd *, enum rrd_unit, enum rrd_metric,
	    uint32_t now, int64_t *out);

/* The sum of a vector (packets or bytes) over the tier's span at now. */
uint64_t rrd_sum(const struct rrd *, enum rrd_unit, enum rrd_metric,
	    uint32_t now);

#endif
