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
 * The histograms and max_usec count the core's own CPU time over the
 * span (CLOCK_THREAD_CPUTIME_ID: what the loop did meanwhile); the
 * span's wall time is longer when the machine is busy and the core waits
 * for a CPU, and only its maximum is kept.  Microseconds; one
 * process-wide pair, since there is one loop.
 */
#ifndef DAEMON_LOOPSTAT_H
#define DAEMON_LOOPSTAT_H

#include <stdint.h>

#define LOOPSTAT_BUCKETS	12

struct loopstat {
	uint64_t	 n;
	uint64_t	 max_usec;	/* CPU */
	uint64_t	 wall_max_usec;
	uint64_t	 total_usec;
	/* hist[i]: values <= loopstat_bounds[i]; the last, the rest */
	uint64_t	 hist[LOOPSTAT_BUCKETS];
};

/* The upper bounds of the buckets but the last, in microseconds. */
extern const uint32_t loopstat_bounds[LOOPSTAT_BUCKETS - 1];

extern struct loopstat loopstat_gap;
extern struct loopstat loopstat_hold;

/*
 * Capture's claim on the loop, for the web bridge's share of it
 * (control.c): when a capture peer last found a whole read's worth of
 * frames waiting (loopstat_now(); the source sends faster than the core
 * takes it in), and the wall time spent reading capture peers, all told.
 */
extern uint64_t loopstat_behind_usec;
extern uint64_t loopstat_capture_usec;
/* Slices of the web's dumps held back for capture (control.c). */
extern uint64_t loopstat_bulk_held;

/* The start of a span: both clocks. */
struct loopstat_mark {
	uint64_t	 wall, cpu;
};

uint64_t	 loopstat_now(void);
void		 loopstat_mark(struct loopstat_mark *);
/* Count the span from mark to now. */
void		 loopstat_end(struct loopstat *, const struct loopstat_mark *);
void		 loopstat_add(struct loopstat *, uint64_t cpu_usec,
		    uint64_t wall_usec);

#endif
