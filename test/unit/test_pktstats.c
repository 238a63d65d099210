/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the packet histories (Kismet's RRDs) */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pktstats.h"

struct rrd {
	uint64_t	 last;
	double		 minute[60], hour[60], day[24];
};

static double
num(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_FLOAT64 ||
	    o->type == MSGPACK_OBJECT_FLOAT32 ? o->via.f64 :
	    (double)o->via.u64;
}

/*
 * Pack history w as of now and read its vectors back; w past the packet
 * histories is a level (w - PKTSTATS_COUNT), then a source (w - 100).
 */
static void
read_rrd(const struct pktstats *ps, int w, uint64_t now, struct rrd *r)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	const msgpack_object_kv *kv;
	size_t off = 0;
	uint32_t i, j;

	memset(r, 0, sizeof(*r));
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if (w >= 100)
		pktstats_pack_source(ps, (uint32_t)(w - 100), now, &pk);
	else if (w >= PKTSTATS_COUNT)
		pktstats_pack_gauge(ps, (enum pktstats_gauge)(w -
		    PKTSTATS_COUNT), now, &pk);
	else
		pktstats_pack_rrd(ps, (enum pktstats_which)w, now, &pk);
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	for (i = 0; i < u.data.via.map.size; i++) {
		kv = &u.data.via.map.ptr[i];
		double *v = NULL;
		uint32_t n = 0;

		if (kv->key.via.str.size == 27 && memcmp(kv->key.via.str.ptr,
		    "kismet.common.rrd.last_time", 27) == 0)
			r->last = kv->val.via.u64;
		else if (kv->key.via.str.size == 28 &&
		    memcmp(kv->key.via.str.ptr, "kismet.common.rrd.minute_vec",
		    28) == 0)
			v = r->minute, n = 60;
		else if (kv->key.via.str.size == 26 &&
		    memcmp(kv->key.via.str.ptr, "kismet.common.rrd.hour_vec",
		    26) == 0)
			v = r->hour, n = 60;
		else if (kv->key.via.str.size == 25 &&
		    memcmp(kv->key.via.str.ptr, "kismet.common.rrd.day_vec",
		    25) == 0)
			v = r->day, n = 24;
		if (v == NULL)
			continue;
		assert_int_equal(kv->val.via.array.size, n);
		for (j = 0; j < n; j++)
			v[j] = num(&kv->val.via.array.ptr[j]);
	}
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
}

/* Seconds fill the minute vector, newest last; counters are differenced. */
static void
test_seconds(void **state)
{
	struct pktstats *ps = pktstats_new(NULL, NULL, NULL);
	struct pktstats_counts c = { .total = 1000, .errors = 10 };
	struct rrd r;

	pktstats_sample(ps, 6000, &c);		/* baseline: nothing filed */
	c.total = 1005;
	pktstats_sample(ps, 6001, &c);
	c.total = 1012;
	c.errors = 11;
	pktstats_sample(ps, 6003, &c);		/* 6002 skipped: zero */
	read_rrd(ps, PKTSTATS_RATE, 6003, &r);
	assert_int_equal(r.last, 6003);
	assert_true(r.minute[59] == 7);
	assert_true(r.minute[58] == 0);
	assert_true(r.minute[57] == 5);
	read_rrd(ps, PKTSTATS_ERROR, 6003, &r);
	assert_true(r.minute[59] == 1);
	/* Read later: the newest slots are the empty seconds since. */
	read_rrd(ps, PKTSTATS_RATE, 6010, &r);
	assert_int_equal(r.last, 6010);
	assert_true(r.minute[59] == 0);
	assert_true(r.minute[52] == 7);
	pktstats_free(ps);
}

/* A finished minute leaves its mean in the hour vector (peak: the max). */
static void
test_minutes_fold(void **state)
{
	struct pktstats *ps = pktstats_new(NULL, NULL, NULL);
	struct pktstats_counts c = { .total = 0 };
	struct rrd r;
	uint64_t t;

	pktstats_sample(ps, 6000, &c);		/* 6000 = minute 100 */
	for (t = 6001; t < 6060; t++) {
		c.total += t == 6030 ? 600 : 60;
		pktstats_sample(ps, t, &c);
	}
	c.total += 60;
	pktstats_sample(ps, 6060, &c);		/* minute 100 is over */
	read_rrd(ps, PKTSTATS_RATE, 6060, &r);
	/* In minute 100: 58 seconds of 60, one of 600, the baseline 0. */
	assert_true(r.hour[59] == (58 * 60 + 600) / 60.0);
	read_rrd(ps, PKTSTATS_PEAK, 6060, &r);
	assert_true(r.hour[59] == 600);
	/* Two hours on, the minute is in the day vector's folded hour. */
	read_rrd(ps, PKTSTATS_RATE, 6060 + 2 * 3600, &r);
	assert_true(r.minute[59] == 0 && r.hour[59] == 0);
	/* A jump over a day clears everything. */
	c.total += 5;
	pktstats_sample(ps, 6060 + 3 * 86400, &c);
	read_rrd(ps, PKTSTATS_RATE, 6060 + 3 * 86400, &r);
	assert_true(r.minute[59] == 5 && r.hour[59] == 0 && r.day[23] == 0);
	pktstats_free(ps);
}

/* Levels keep the highest reading; each source has its own rate. */
static void
test_levels_and_sources(void **state)
{
	struct pktstats *ps = pktstats_new(NULL, NULL, NULL);
	struct pktstats_counts c = { .total = 0 };
	struct rrd r;

	c.n_src = 2;
	c.src[0].id = 1;
	c.src[0].packets = 500;		/* before the first tick: baseline */
	c.src[1].id = 7;
	c.gauge[PKTSTATS_DEVICES] = 10;
	pktstats_sample(ps, 6000, &c);
	c.src[0].packets = 530;
	c.src[1].packets = 4;
	c.gauge[PKTSTATS_DEVICES] = 12;
	pktstats_sample(ps, 6001, &c);
	c.gauge[PKTSTATS_DEVICES] = 11;	/* the same second: 12 stays */
	pktstats_sample(ps, 6001, &c);
	read_rrd(ps, PKTSTATS_COUNT + PKTSTATS_DEVICES, 6001, &r);
	assert_true(r.minute[59] == 12);
	assert_true(r.minute[58] == 10);
	read_rrd(ps, 100 + 1, 6001, &r);
	assert_true(r.minute[59] == 30);
	assert_true(r.minute[58] == 0);
	read_rrd(ps, 100 + 7, 6001, &r);
	assert_true(r.minute[59] == 4);
	/* A source not seen: all zeros. */
	read_rrd(ps, 100 + 3, 6001, &r);
	assert_true(r.minute[59] == 0);
	pktstats_free(ps);
}

static void
test_names(void **state)
{
	assert_string_equal(pktstats_name(PKTSTATS_RATE), "packet_rate");
	assert_string_equal(pktstats_name(PKTSTATS_DROP), "packet_drop");
	assert_null(pktstats_name(PKTSTATS_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_minutes_fold),
		cmocka_unit_test(test_levels_and_sources),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
