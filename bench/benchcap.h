/* SPDX-License-Identifier: ISC */
/*
 * \summary: what the benchmarks share: captures held in memory, clocks
 *
 * A benchmark that times per-frame work first loads its frames into one
 * buffer with libpcap, so that reading the file is not timed, then runs
 * passes over them and keeps the best by CPU time (the machine is shared:
 * wall time measures the neighbours too), printing that pass's wall time
 * beside it.
 */
#ifndef BENCH_BENCHCAP_H
#define BENCH_BENCHCAP_H

#include <stddef.h>
#include <stdint.h>

struct bench_frame {
	uint64_t	 ts_sec, ts_usec;
	uint32_t	 dlt;
	uint32_t	 caplen, len;
	size_t		 off;		/* into bench_cap.bytes */
};

struct bench_cap {
	struct bench_frame *frames;
	size_t		 n, cap;
	uint8_t		*bytes;		/* every frame, back to back */
	size_t		 nbytes, bcap;
};

/* Seconds of CPU time this process used, and of wall time. */
struct bench_stamp {
	double		 cpu, wall;
};

/*
 * Append the frames of the capture at path to c (zeroed first, or holding
 * earlier captures) until it holds max.  Returns 0, or -1 after printing
 * why, prog first.
 */
int	bench_cap_load(struct bench_cap *c, const char *prog,
	    const char *path, size_t max);
void	bench_cap_free(struct bench_cap *c);

struct bench_stamp bench_now(void);
/* The time since t0. */
struct bench_stamp bench_since(struct bench_stamp t0);

/* One result line: ns per frame and frames/s by CPU, and the wall time. */
void	bench_report(const char *what, size_t n, struct bench_stamp t,
	    int runs);

#endif
