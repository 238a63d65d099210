/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for a device's history (rrd.c) */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rrd.h"

/* A whole day, so that second, minute and hour slots start at 0. */
#define T0	((uint32_t)86400 * 20000)

static int64_t
at(const struct rrd *r, enum rrd_unit k, enum rrd_metric m, uint32_t now,
    uint32_t slot)
{
	int64_t v[60];

	rrd_vec(r, k, m, now, v);
	return v[slot];
}

static void
test_empty_is_blank(void **state)
{
	struct rrd r;
	int64_t v[60];
	int i;

	memset(&r, 0, sizeof(r));
	rrd_vec(&r, RRD_SECONDS, RRD_PACKETS, T0, v);
	for (i = 0; i < 60; i++)
		assert_int_equal(v[i], 0);
	assert_int_equal(rrd_bytes(&r), 0);
	rrd_expire(&r, T0);
	rrd_clear(&r);
	assert_int_equal(rrd_span(RRD_HOURS), 24);
	assert_int_equal(rrd_unit_secs(RRD_MINUTES), 60);
}

/* Seconds roll into minutes, minutes into hours, hours into the day. */
static void
test_rollover(void **state)
{
	struct rrd r;
	uint32_t s;

	memset(&r, 0, sizeof(r));
	/* Two packets a second for the first 90 seconds. */
	for (s = 0; s < 90; s++) {
		rrd_add(&r, T0 + s, 100, -40);
		rrd_add(&r, T0 + s, 50, -60);
	}
	assert_int_equal(r.last, T0 + 89);
	/* The minute vector is the last 60 s: seconds 30 to 89. */
	assert_int_equal(rrd_sum(&r, RRD_SECONDS, RRD_PACKETS, T0 + 89), 120);
	assert_int_equal(at(&r, RRD_SECONDS, RRD_PACKETS, T0 + 89, 29), 2);
	assert_int_equal(at(&r, RRD_SECONDS, RRD_BYTES, T0 + 89, 29), 150);
	assert_int_equal(at(&r, RRD_SECONDS, RRD_SIGNAL, T0 + 89, 29), -40);
	/* Minute 0 whole (120), minute 1 half-way (60). */
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 89, 0), 120);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 89, 1), 60);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_BYTES, T0 + 89, 1), 4500);
	assert_int_equal(at(&r, RRD_HOURS, RRD_PACKETS, T0 + 89, 0), 180);
	/* An hour later the minutes are gone from the hour, not the day. */
	rrd_add(&r, T0 + 3600 + 60, 0, 0);
	assert_int_equal(rrd_sum(&r, RRD_MINUTES, RRD_PACKETS, T0 + 3660), 1);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 3660, 0), 0);
	assert_int_equal(at(&r, RRD_HOURS, RRD_PACKETS, T0 + 3660, 0), 180);
	assert_int_equal(at(&r, RRD_HOURS, RRD_PACKETS, T0 + 3660, 1), 1);
	/* No signal in that packet: its slots stay blank. */
	assert_int_equal(at(&r, RRD_HOURS, RRD_SIGNAL, T0 + 3660, 1), 0);
	assert_int_equal(at(&r, RRD_HOURS, RRD_SIGNAL, T0 + 3660, 0), -40);
	/* 23 hours on, hour 0 is the oldest slot left; 24 hours on, gone. */
	rrd_add(&r, T0 + 23 * 3600, 0, -70);
	assert_int_equal(rrd_sum(&r, RRD_HOURS, RRD_PACKETS, T0 + 23 * 3600),
	    182);
	rrd_add(&r, T0 + 24 * 3600, 0, -70);
	assert_int_equal(rrd_sum(&r, RRD_HOURS, RRD_PACKETS, T0 + 24 * 3600),
	    3);
	assert_int_equal(at(&r, RRD_HOURS, RRD_PACKETS, T0 + 24 * 3600, 0), 1);
	rrd_clear(&r);
	assert_int_equal(r.last, 0);
}

/* Reading later than the last packet: the units since then are blank. */
static void
test_blank_when_idle(void **state)
{
	struct rrd r;

	memset(&r, 0, sizeof(r));
	rrd_add(&r, T0 + 10, 7, -50);
	assert_int_equal(at(&r, RRD_SECONDS, RRD_PACKETS, T0 + 69, 10), 1);
	assert_int_equal(at(&r, RRD_SECONDS, RRD_PACKETS, T0 + 70, 10), 0);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 70, 0), 1);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 3599, 0), 1);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 3600, 0), 0);
	assert_int_equal(at(&r, RRD_HOURS, RRD_PACKETS, T0 + 3600, 0), 1);
	assert_int_equal(at(&r, RRD_HOURS, RRD_PACKETS, T0 + 86400, 0), 0);
	/* A now before the last packet reads as of the last packet. */
	assert_int_equal(at(&r, RRD_SECONDS, RRD_PACKETS, T0, 10), 1);
	rrd_clear(&r);
}

/* A gap longer than a day leaves nothing of before. */
static void
test_gap_over_a_day(void **state)
{
	struct rrd r;
	uint32_t t = T0 + 5 * 86400 + 7;

	memset(&r, 0, sizeof(r));
	rrd_add(&r, T0 + 7, 10, -30);
	rrd_add(&r, T0 + 3600 * 5, 10, -30);
	rrd_add(&r, t, 20, -80);
	assert_int_equal(rrd_sum(&r, RRD_SECONDS, RRD_PACKETS, t), 1);
	assert_int_equal(rrd_sum(&r, RRD_MINUTES, RRD_PACKETS, t), 1);
	assert_int_equal(rrd_sum(&r, RRD_HOURS, RRD_PACKETS, t), 1);
	assert_int_equal(rrd_sum(&r, RRD_HOURS, RRD_BYTES, t), 20);
	/* The same slot index as the first packet, holding only the new. */
	assert_int_equal(at(&r, RRD_SECONDS, RRD_SIGNAL, t, 7), -80);
	rrd_clear(&r);
}

/* Idle tiers are freed; a device used again starts them anew. */
static void
test_lazy_free(void **state)
{
	struct rrd r;
	size_t full, b;
	uint32_t s;

	memset(&r, 0, sizeof(r));
	for (s = 0; s < 60; s++)
		rrd_add(&r, T0 + s, 0, -50);
	full = rrd_bytes(&r);
	assert_true(full > 0);
	/* 119 s: its last second (59) is still in the minute. */
	rrd_expire(&r, T0 + 118);
	assert_int_equal(rrd_bytes(&r), full);
	rrd_expire(&r, T0 + 119);
	b = rrd_bytes(&r);
	assert_true(b < full);
	assert_null(r.tier[RRD_SECONDS]);
	assert_non_null(r.tier[RRD_MINUTES]);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 119, 0), 60);
	/* An hour idle: the minutes go; a day: the hours. */
	rrd_expire(&r, T0 + 3600);
	assert_null(r.tier[RRD_MINUTES]);
	assert_int_equal(at(&r, RRD_HOURS, RRD_PACKETS, T0 + 3600, 0), 60);
	rrd_expire(&r, T0 + 86400);
	assert_null(r.tier[RRD_HOURS]);
	assert_int_equal(rrd_bytes(&r), 0);
	/* Used again. */
	rrd_add(&r, T0 + 86400 + 1, 0, 0);
	assert_int_equal(rrd_sum(&r, RRD_SECONDS, RRD_PACKETS, T0 + 86401), 1);
	rrd_clear(&r);
}

/*
 * Storage follows what the device did: a device heard for 10 s holds
 * about 10 second slots, not 60; one heard every second holds 60.
 */
static void
test_compact(void **state)
{
	struct rrd a, b;
	uint32_t s;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (s = 0; s < 10; s++)
		rrd_add(&a, T0 + s, 0, 0);
	for (s = 0; s < 600; s++)
		rrd_add(&b, T0 + s, 0, 0);
	assert_true(rrd_bytes(&a) * 3 < rrd_bytes(&b));
	assert_true(rrd_bytes(&b) < 1536);
	rrd_clear(&a);
	rrd_clear(&b);
}

/* Late packets inside the span count; older ones do not. */
static void
test_out_of_order(void **state)
{
	struct rrd r;

	memset(&r, 0, sizeof(r));
	rrd_add(&r, T0 + 100, 0, -50);
	rrd_add(&r, T0 + 45, 0, -40);	/* 55 s earlier: inside */
	rrd_add(&r, T0 + 30, 0, -40);	/* 70 s earlier: not in seconds */
	assert_int_equal(r.last, T0 + 100);
	assert_int_equal(rrd_sum(&r, RRD_SECONDS, RRD_PACKETS, T0 + 100), 2);
	assert_int_equal(at(&r, RRD_SECONDS, RRD_PACKETS, T0 + 100, 45), 1);
	assert_int_equal(rrd_sum(&r, RRD_MINUTES, RRD_PACKETS, T0 + 100), 3);
	assert_int_equal(at(&r, RRD_MINUTES, RRD_PACKETS, T0 + 100, 0), 2);
	rrd_clear(&r);
}

/* Counters stop at their top rather than wrap. */
static void
test_saturate(void **state)
{
	struct rrd r;

	memset(&r, 0, sizeof(r));
	rrd_add(&r, T0, UINT32_MAX - 5, 0);
	rrd_add(&r, T0, 100, 0);
	assert_int_equal(at(&r, RRD_SECONDS, RRD_BYTES, T0, 0), UINT32_MAX);
	rrd_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_blank),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_blank_when_idle),
		cmocka_unit_test(test_gap_over_a_day),
		cmocka_unit_test(test_lazy_free),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_saturate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
