/* SPDX-License-Identifier: ISC */
/* \summary: how long the event loop leaves packets waiting */

#include <time.h>

#include "loopstat.h"

/* Fine below the 10 ms that matters, coarse above it. */
const uint32_t loopstat_bounds[LOOPSTAT_BUCKETS - 1] = {
	100, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000,
	1000000
};

struct loopstat loopstat_gap;
struct loopstat loopstat_hold;
uint64_t loopstat_behind_usec;
uint64_t loopstat_capture_usec;
uint64_t loopstat_bulk_held;

uint64_t
loopstat_now(void)
{
	struct timespec ts;

	/* vDSO: tens of nanoseconds, once per read of 64 KiB of frames. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t
loopstat_cpu(void)
{
	struct timespec ts;

	/* A system call (no vDSO for CPU clocks): a fraction of a us. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void
loopstat_mark(struct loopstat_mark *m)
{
	m->wall = loopstat_now();
	m->cpu = loopstat_cpu();
}

void
loopstat_end(struct loopstat *s, const struct loopstat_mark *m)
{
	struct loopstat_mark now;

	loopstat_mark(&now);
	loopstat_add(s, now.cpu - m->cpu, now.wall - m->wall);
}

void
loopstat_add(struct loopstat *s, uint64_t usec, uint64_t wall_usec)
{
	int i;

	if (wall_usec > s->wall_max_usec)
		s->wall_max_usec = wall_usec;
	s->n++;
	s->total_usec += usec;
	if (usec > s->max_usec)
		s->max_usec = usec;
	for (i = 0; i < LOOPSTAT_BUCKETS - 1; i++)
		if (usec <= loopstat_bounds[i])
			break;
	s->hist[i]++;
}
