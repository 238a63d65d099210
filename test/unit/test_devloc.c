/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for a device's location record and its REST form */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "device.h"
#include "devloc.h"
#include "devrec.h"
#include "tracker.h"
#include "trackpkt.h"

static const uint8_t AP[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };

static struct packet_loc
loc(double lat, double lon, float alt, uint8_t fix)
{
	struct packet_loc l;

	memset(&l, 0, sizeof(l));
	l.lat = lat;
	l.lon = lon;
	l.alt = alt;
	l.fix = fix;
	l.speed = 50;
	l.heading = 90;
	l.time_usec = 1700000000ULL * 1000000 + 5;
	return l;
}

static void
test_record(void **state)
{
	struct device *d = device_new(DEVICE_PHY_DOT11, AP, 100);
	struct packet_loc l;
	struct devloc_point avg;
	size_t bare = device_bytes(d);
	int8_t s1 = -70, s2 = -40, s3 = -40;

	/* No fix, no record: a device never heard with one pays for a
	 * pointer only. */
	l = loc(1, 2, 3, 0);
	devloc_add(d, &l, NULL);
	l.fix = 1;
	devloc_add(d, &l, NULL);
	assert_null(d->loc);
	assert_int_equal(device_bytes(d), bare);
	assert_true(sizeof(d->loc) <= 64);

	l = loc(10, 20, 100, 3);
	devloc_add(d, &l, &s1);
	assert_non_null(d->loc);
	assert_int_equal(device_bytes(d), bare + sizeof(struct devloc));
	l = loc(12, 22, 50, 3);
	devloc_add(d, &l, &s2);
	/* A 2D fix moves the box but not the altitudes. */
	l = loc(11, 18, 9999, 2);
	devloc_add(d, &l, &s3);
	assert_true(d->loc->min.lat == 10 && d->loc->max.lat == 12);
	assert_true(d->loc->min.lon == 18 && d->loc->max.lon == 22);
	assert_true(d->loc->min.alt == 50 && d->loc->max.alt == 100);
	assert_int_equal(d->loc->loc_fix, 3);
	assert_true(d->loc->last.lat == 11 && d->loc->last.fix == 2);
	/* The first place of the strongest signal. */
	assert_true(d->loc->has_peak && d->loc->peak_signal == -40);
	assert_true(d->loc->peak.lat == 12);
	devloc_avg(d->loc, &avg);
	assert_true(fabs(avg.lat - 11) < 0.01 && fabs(avg.lon - 20) < 0.01);
	assert_true(fabs(avg.alt - 75) < 1e-6);
	assert_int_equal(avg.fix, 3);
	/* Out of range is ignored. */
	l = loc(95, 0, 0, 3);
	devloc_add(d, &l, NULL);
	assert_true(d->loc->max.lat == 12);
	device_free(d);
}

/* The average of unit vectors behaves across the antimeridian. */
static void
test_antimeridian(void **state)
{
	struct device *d = device_new(DEVICE_PHY_DOT11, AP, 100);
	struct packet_loc l;
	struct devloc_point avg;

	l = loc(0, 179.9, 0, 2);
	devloc_add(d, &l, NULL);
	l = loc(0, -179.9, 0, 2);
	devloc_add(d, &l, NULL);
	devloc_avg(d->loc, &avg);
	assert_true(fabs(fabs(avg.lon) - 180) < 1e-6);
	assert_int_equal(avg.fix, 2);
	device_free(d);
}

static const msgpack_object *
get(const msgpack_object *o, const char *key)
{
	uint32_t i;

	if (o == NULL || o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < o->via.map.size; i++)
		if (o->via.map.ptr[i].key.via.str.size == strlen(key) &&
		    memcmp(o->via.map.ptr[i].key.via.str.ptr, key,
		    strlen(key)) == 0)
			return &o->via.map.ptr[i].val;
	return NULL;
}

/* Through the tracker: the transmitter gets the packet's location. */
static void
test_tracker_and_record(void **state)
{
	struct tracker_config c;
	struct tracker *tr;
	const struct device *d;
	const msgpack_object *rec, *l, *avg, *gp, *sig;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	struct tpkt t;
	size_t off = 0;

	tracker_config_default(&c);
	c.packet_clock = true;
	tr = tracker_new(&c);
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP, "home", 0, 6, 1000, 1, -50);
	tracker_update(tr, &t.p);
	d = tracker_find(tr, DEVICE_PHY_DOT11, AP);
	assert_non_null(d);
	assert_null(d->loc);
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP, "home", 0, 6, 1001, 1, -45);
	t.p.loc = loc(48.8584, 2.2945, 35, 3);
	tracker_update(tr, &t.p);
	assert_non_null(d->loc);

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	devrec_pack(&pk, tr, d, NULL);
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(off, sb.size);
	rec = &u.data;
	l = get(rec, "kismet.device.base.location");
	assert_non_null(l);
	assert_non_null(get(l, "kismet.common.location.min_loc"));
	assert_non_null(get(l, "kismet.common.location.max_loc"));
	assert_non_null(get(l, "kismet.common.location.last"));
	assert_non_null(get(get(l, "kismet.common.location.last"),
	    "kismet.common.location.speed"));
	assert_int_equal(get(l, "kismet.common.location.loc_fix")->via.u64,
	    3);
	avg = get(l, "kismet.common.location.avg_loc");
	gp = get(avg, "kismet.common.location.geopoint");
	assert_non_null(gp);
	/* [lon, lat], as Kismet (and GeoJSON) order them. */
	assert_true(gp->via.array.ptr[0].via.f64 == 2.2945);
	assert_true(gp->via.array.ptr[1].via.f64 == 48.8584);
	assert_int_equal(get(avg, "kismet.common.location.time_sec")->via.u64,
	    1700000000);
	sig = get(rec, "kismet.device.base.signal");
	assert_non_null(get(sig, "kismet.common.signal.peak_loc"));
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	tracker_free(tr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_antimeridian),
		cmocka_unit_test(test_tracker_and_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
