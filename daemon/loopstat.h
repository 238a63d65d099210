/* SPDX-License-Identifier: ISC */
/*
 * \summary: how long the event loop leaves packets waiting
 *
 * Two histograms the core keeps about its own loop (doc/performance.md,
 * "Gaps in packet processing"):
 *
 * gap	 how long a capture peer that still had bytes to read (its last
 *	 read filled the buffer) waited before the loop came back to it:
 *	 whatever ran meanwhile (other sources, the web bridge, timers)
 *	 held packets up for that long.
 * hold	 how long one callback of the web bridge ran (a device slice, a
 *	 page, a status): the part of a gap the web's requests cause.
 *
 * Counted from the monotonic clock in microseconds; one process-wide
 * pair, since there is one loop.
 */
#ifndef DAEMON_LOOPSTAT_H
#define DAEMON_LOOPSTAT_H

#include <stdint.h>

#define LOOPSTAT_BUCKETS	12

struct loopstat {
	uint64_t	 n;
	uint64_t	 max_usec;
	uint64_t	 total_usec;
	/* hist[i]: values <= loopstat_bounds[i]; the last, the rest */
	uint64_t	 hist[LOOPSTAT_BUCKETS];
};

/* The upper bounds of the buckets but the last, in microseconds. */
extern const uint32_t loopstat_bounds[LOOPSTAT_BUCKETS - 1];

extern struct loopstat loopstat_gap;
extern struct loopstat loopstat_hold;

uint64_t	 loopstat_now(void);
void		 loopstat_add(struct loopstat *, uint64_t usec);

#endif
