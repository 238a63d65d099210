/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the channel-hop scheduler: golden walks, coverage */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hop.h"

#define MAXN	200

static char names[HOP_MAX_CHANNELS + 1][8];
static const char *chans[HOP_MAX_CHANNELS + 1];
static struct hop hop;

/* Channels "1" .. "n" (n up to HOP_MAX_CHANNELS + 1). */
static const char *const *
channels(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%zu", i + 1);
		chans[i] = names[i];
	}
	return chans;
}

/* The next k hops, space separated. */
static const char *
walk(struct hop *h, size_t k)
{
	static char out[1024];
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < k; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
		    i > 0 ? " " : "", hop_next(h));
	return out;
}

static void
test_golden_walks(void **state)
{
	/* In order, then round again. */
	assert_int_equal(hop_configure(&hop, channels(14), 14, 5, false, 0,
	    0), 0);
	assert_string_equal(walk(&hop, 16),
	    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 1 2");
	/* Shuffled 2.4 GHz: 1, 6, 11 in a row, never a neighbour next. */
	assert_int_equal(hop_configure(&hop, channels(14), 14, 5, true, 0,
	    0), 0);
	assert_int_equal(hop.skip, 5);
	assert_string_equal(walk(&hop, 15),
	    "1 6 11 2 7 12 3 8 13 4 9 14 5 10 1");
	assert_int_equal(hop_configure(&hop, channels(11), 11, 5, true, 0,
	    0), 0);
	assert_string_equal(walk(&hop, 11), "1 5 9 2 6 10 3 7 11 4 8");
	/* Skip 3 shares a factor with 12, and so does 4: 5 is used. */
	assert_int_equal(hop_configure(&hop, channels(12), 12, 5, true, 3,
	    0), 0);
	assert_int_equal(hop.skip, 5);
	assert_string_equal(walk(&hop, 12), "1 6 11 4 9 2 7 12 5 10 3 8");
	/* A skip past the length wraps: 17 mod 12 = 5. */
	assert_int_equal(hop_configure(&hop, channels(12), 12, 5, true, 17,
	    0), 0);
	assert_int_equal(hop.skip, 5);
	/* Offsets start part-way round the same cycle. */
	assert_int_equal(hop_configure(&hop, channels(14), 14, 5, false, 0,
	    7), 0);
	assert_string_equal(walk(&hop, 8), "8 9 10 11 12 13 14 1");
	assert_int_equal(hop_configure(&hop, channels(14), 14, 5, true, 0,
	    3), 0);
	assert_string_equal(walk(&hop, 5), "2 7 12 3 8");
	assert_int_equal(hop_configure(&hop, channels(3), 3, 5, false, 0,
	    10), 0);
	assert_string_equal(walk(&hop, 4), "2 3 1 2");
	/* One channel: always it. */
	assert_int_equal(hop_configure(&hop, channels(1), 1, 5, true, 9, 4),
	    0);
	assert_string_equal(walk(&hop, 3), "1 1 1");
}

static void
test_dwell(void **state)
{
	static const struct {
		double		 rate;
		uint32_t	 ms;
	} cases[] = {
		{ 5, 200 }, { 1, 1000 }, { 0.5, 2000 }, { 3, 333 },
		{ 20, 50 }, { 21, 50 }, { 1000, 50 }, { 1e9, 50 },
		{ 1.0 / 60, 60000 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(hop_configure(&hop, channels(2), 2,
		    cases[i].rate, false, 0, 0), 0);
		assert_int_equal(hop_dwell_ms(&hop), cases[i].ms);
	}
}

static void
test_configure_refusals(void **state)
{
	static const char *dups[] = { "1", "6", "1", "11", "6", "36HT40+",
	    "36ht40+" };
	static const char *empty[] = { "1", "" };
	static const char *nul[] = { "1", NULL };
	static const char *toolong[] = { "1", "0123456789012345678901234" };

	assert_int_equal(hop_configure(&hop, channels(6), 6, 5, false, 0, 0),
	    0);
	assert_int_equal(hop_configure(&hop, channels(1), 0, 5, false, 0, 0),
	    -EINVAL);
	assert_int_equal(hop_configure(&hop, channels(2), 2, 0, false, 0, 0),
	    -EINVAL);
	assert_int_equal(hop_configure(&hop, channels(2), 2, -1, false, 0, 0),
	    -EINVAL);
	assert_int_equal(hop_configure(&hop, channels(2), 2, NAN, false, 0,
	    0), -EINVAL);
	assert_int_equal(hop_configure(&hop, channels(2), 2, INFINITY, false,
	    0, 0), -EINVAL);
	assert_int_equal(hop_configure(&hop, empty, 2, 5, false, 0, 0),
	    -EINVAL);
	assert_int_equal(hop_configure(&hop, nul, 2, 5, false, 0, 0),
	    -EINVAL);
	assert_int_equal(hop_configure(&hop, toolong, 2, 5, false, 0, 0),
	    -EINVAL);
	assert_int_equal(hop_configure(&hop, channels(HOP_MAX_CHANNELS + 1),
	    HOP_MAX_CHANNELS + 1, 5, false, 0, 0), -EMSGSIZE);
	/* Refusals leave the schedule as it was. */
	assert_int_equal(hop.n, 6);
	assert_string_equal(walk(&hop, 3), "1 2 3");
	/* Repeats (in any case) are kept once. */
	assert_int_equal(hop_configure(&hop, dups, 7, 5, false, 0, 0), 0);
	assert_int_equal(hop.n, 4);
	assert_string_equal(walk(&hop, 4), "1 6 11 36HT40+");
	assert_int_equal(hop_configure(&hop, channels(HOP_MAX_CHANNELS),
	    HOP_MAX_CHANNELS, 5, true, 0, 0), 0);
	assert_int_equal(hop.n, HOP_MAX_CHANNELS);
}

/*
 * n consecutive hops visit every one of the n channels once.  Channel
 * names are "1".."n", so a name's number is its index plus one.
 */
static void
assert_cycle_covers(struct hop *h, size_t n, const char *what)
{
	static unsigned char seen[HOP_MAX_CHANNELS];
	const char *c;
	size_t i;
	int v;

	memset(seen, 0, n);
	for (i = 0; i < n; i++) {
		c = hop_next(h);
		v = atoi(c);
		if (v < 1 || (size_t)v > n || seen[v - 1])
			fail_msg("%s: hop %zu went to %s again", what, i, c);
		seen[v - 1] = 1;
	}
}

static void
test_every_length_and_skip_covers_the_list(void **state)
{
	char what[96];
	uint32_t skip, offset;
	size_t n;

	channels(MAXN);
	for (n = 1; n <= MAXN; n++) {
		/* Every residue of the skip, and the first wrap-round. */
		for (skip = 0; skip <= n; skip++) {
			offset = (uint32_t)((skip * 7) % (n + 3));
			snprintf(what, sizeof(what), "n=%zu skip=%u offset=%u",
			    n, skip, offset);
			assert_int_equal(hop_configure(&hop, chans, n, 5,
			    true, skip, offset), 0);
			assert_true(hop.skip >= 1 && (n == 1 ||
			    hop.skip < n));
			assert_cycle_covers(&hop, n, what);
			/* The next cycle too, from wherever it stands. */
			assert_cycle_covers(&hop, n, what);
		}
		assert_int_equal(hop_configure(&hop, chans, n, 5, false, 0,
		    (uint32_t)n / 2), 0);
		assert_cycle_covers(&hop, n, "in order");
	}
}

static void
test_remove_keeps_walk_and_coverage(void **state)
{
	static const char *after[] = { "1", "3", "4", "5", "6", "7", "8",
	    "9", "10", "11", "12", "13", "14" };
	size_t n;

	/* In order: the channel due next goes, the walk moves past it. */
	assert_int_equal(hop_configure(&hop, channels(14), 14, 5, false, 0,
	    0), 0);
	assert_string_equal(walk(&hop, 3), "1 2 3");
	assert_int_equal(hop_remove(&hop, "4"), 0);
	assert_string_equal(walk(&hop, 3), "5 6 7");
	assert_int_equal(hop_remove(&hop, "1"), 0);
	assert_string_equal(walk(&hop, 3), "8 9 10");
	assert_int_equal(hop_remove(&hop, "99"), -ENOENT);
	assert_int_equal(hop.n, 12);

	/* Shuffled: 1 6 11, then 2 was due and fails; 13 left, skip 5. */
	assert_int_equal(hop_configure(&hop, channels(14), 14, 5, true, 0,
	    0), 0);
	assert_string_equal(walk(&hop, 3), "1 6 11");
	assert_int_equal(hop_remove(&hop, "2"), 0);
	assert_int_equal(hop.n, 13);
	for (n = 0; n < 13; n++)
		assert_string_equal(hop.chan[n], after[n]);
	assert_string_equal(walk(&hop, 3), "7 12 4");

	/* Down to nothing, one failure at a time; each cycle covers. */
	assert_int_equal(hop_configure(&hop, channels(30), 30, 5, true, 4,
	    2), 0);
	for (n = 30; n > 0; n--) {
		char c[HOP_CHAN_LEN];

		snprintf(c, sizeof(c), "%s", hop_next(&hop));
		assert_int_equal(hop_remove(&hop, c), 0);
		assert_int_equal(hop.n, n - 1);
	}
	assert_null(hop_next(&hop));
}

static void
test_remove_cycle_coverage(void **state)
{
	char c[HOP_CHAN_LEN], what[64];
	size_t n, k, i;
	int v;

	/* Remove the highest-numbered channel: names stay "1".."n-1". */
	for (n = 2; n <= 40; n++)
		for (k = 0; k < n; k++) {
			assert_int_equal(hop_configure(&hop, channels(n), n, 5,
			    true, (uint32_t)k, (uint32_t)k), 0);
			for (i = 0; i < k; i++)
				(void)hop_next(&hop);
			snprintf(c, sizeof(c), "%zu", n);
			assert_int_equal(hop_remove(&hop, c), 0);
			snprintf(what, sizeof(what), "n=%zu k=%zu", n, k);
			assert_cycle_covers(&hop, n - 1, what);
			v = atoi(hop.chan[hop.n - 1]);
			assert_int_equal(v, (int)n - 1);
		}
}

static void
test_parse_rate(void **state)
{
	static const struct {
		const char	*s;
		double		 v;
	} good[] = {
		{ "5/sec", 5 }, { "5/s", 5 }, { "5", 5 }, { "0.5/sec", 0.5 },
		{ "30/min", 0.5 }, { "6/MIN", 0.1 }, { "2/second", 2 },
		{ "120/minute", 2 },
	};
	static const char *bad[] = { "", "x", "5/", "5/hour", "-1/sec",
	    "0/sec", "5sec", "+5", "nan", "inf/sec", "5/sec/", "/sec" };
	double v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(hop_parse_rate(good[i].s, &v), 0);
		assert_true(fabs(v - good[i].v) < 1e-9);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		if (hop_parse_rate(bad[i], &v) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(v == 42);
	}
	assert_int_equal(hop_parse_rate(NULL, &v), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_walks),
		cmocka_unit_test(test_dwell),
		cmocka_unit_test(test_configure_refusals),
		cmocka_unit_test(test_every_length_and_skip_covers_the_list),
		cmocka_unit_test(test_remove_keeps_walk_and_coverage),
		cmocka_unit_test(test_remove_cycle_coverage),
		cmocka_unit_test(test_parse_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
