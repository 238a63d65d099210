/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the GPS layer: definitions, the best fix,
 * stale and lost fixes, the web and remote receivers, the REST answers
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/time.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "gps.h"
#include "msgbus.h"

static uint64_t
now_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

static struct gps *
new_gps(struct msgbus *bus)
{
	struct gps_deps d = { NULL, NULL, bus };

	return gps_new(&d);
}

/* Add a definition that must be accepted; its uuid into uuid. */
static void
add(struct gps *g, const char *def, char *uuid)
{
	const struct gps_dev *dev;
	char err[256], *p;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	size_t i;

	if (gps_add(g, def, &dev, err, sizeof(err)) != 0)
		fail_msg("%s: %s", def, err);
	if (uuid == NULL)
		return;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	gps_pack_dev(g, dev, &pk);
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, sb.data, sb.size, NULL),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(u.data.type, MSGPACK_OBJECT_MAP);
	for (i = 0; i < u.data.via.map.size; i++) {
		msgpack_object_kv *kv = &u.data.via.map.ptr[i];

		if (kv->key.via.str.size == 15 && memcmp(kv->key.via.str.ptr,
		    "kismet.gps.uuid", 15) == 0) {
			p = uuid;
			memcpy(p, kv->val.via.str.ptr, kv->val.via.str.size);
			p[kv->val.via.str.size] = '\0';
		}
	}
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
}

static const char *
checksum(char *buf, size_t len, const char *body)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; body[i] != '\0'; i++)
		sum ^= (unsigned char)body[i];
	snprintf(buf, len, "$%s*%02X", body, sum);
	return buf;
}

static int
feed(struct gps *g, const char *uuid, const char *line)
{
	return gps_feed(g, uuid, line, strlen(line));
}

static void
test_definitions(void **state)
{
	static const char *const good[] = {
		"gpsd", "gpsd:host=localhost,port=2947,reconnect=false",
		"serial:device=/dev/ttyUSB0,baud=9600,name=puck",
		"tcp:host=10.0.0.1,port=3999", "virtual:lat=1.5,lon=-2,alt=3",
		"virtual:48.8584,2.2945,35", "virtual:48.8584,2.2945", "web",
		"web:name=phone,priority=200,stale_timeout=10,lost_timeout=60",
	};
	static const char *const bad[] = {
		"", "bogus", "remote:source=x", "serial", "serial:baud=9600",
		"serial:device=/dev/x,baud=1234", "tcp:host=a",
		"gpsd:port=0", "gpsd:port=70000", "gpsd:port=12ab",
		"virtual:lat=91,lon=0", "virtual:lat=1", "virtual:lon=1",
		"virtual:lat=x,lon=1", "virtual:1,2,3,4", "web:color=red",
		"web:name=", "gpsd:reconnect=maybe", "web:priority=high",
		"web:uuid=not-a-uuid",
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (gps_check(good[i], err, sizeof(err)) != 0)
			fail_msg("%s: %s", good[i], err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(gps_check(bad[i], err, sizeof(err)), -EINVAL);
		print_message("# %s: %s\n", bad[i], err);
		assert_true(err[0] != '\0');
	}
}

/* 3D beats 2D, then the higher priority; data-only never counts. */
static void
test_best_fix(void **state)
{
	struct gps *g = new_gps(NULL);
	char a[64], b[64], err[128];
	const struct packet_loc *best;
	struct packet_loc loc;
	double alt = 10;

	assert_int_equal(gps_best(g)->fix, 0);
	add(g, "virtual:lat=1,lon=1,name=flat", a);
	assert_int_equal(gps_best(g)->fix, 2);
	assert_true(gps_best(g)->lat == 1);
	add(g, "web:name=phone,priority=500", b);
	assert_int_equal(gps_web_update(g, NULL, 2, 2, NULL, NULL, NULL, err,
	    sizeof(err)), 0);
	/* Both 2D: the higher priority wins. */
	best = gps_best(g);
	assert_true(best->lat == 2 && best->fix == 2);
	add(g, "virtual:lat=3,lon=3,alt=5,name=tower", NULL);
	/* A 3D fix wins over any 2D one, whatever the priorities. */
	assert_true(gps_best(g)->lat == 3 && gps_best(g)->fix == 3);
	assert_int_equal(gps_web_update(g, "phone", 4, 4, &alt, NULL, NULL,
	    err, sizeof(err)), 0);
	assert_true(gps_best(g)->lat == 4);
	/* A packet without a location gets the best; one with keeps its. */
	memset(&loc, 0, sizeof(loc));
	gps_locate(g, &loc);
	assert_true(loc.lat == 4 && loc.fix == 3 && !loc.from_source);
	loc.lat = 9;
	gps_locate(g, &loc);
	assert_true(loc.lat == 9);
	/* A remote sensor's fix is listed but never the best. */
	memset(&loc, 0, sizeof(loc));
	loc.lat = 7;
	loc.lon = 7;
	loc.alt = 100;
	loc.fix = 3;
	loc.from_source = true;
	gps_remote_seen(g, "11111111-2222-3333-4444-555555555555", "sensor",
	    &loc);
	assert_int_equal(gps_count(g), 4);
	assert_true(gps_best(g)->lat == 4);
	assert_string_equal(gps_dev_state(g,
	    "11111111-2222-3333-4444-555555555555"), "fix");
	/* Removing the best falls back to the next. */
	assert_int_equal(gps_remove(g, b, err, sizeof(err)), 0);
	assert_true(gps_best(g)->lat == 3);
	assert_int_equal(gps_remove(g, b, err, sizeof(err)), -ENOENT);
	assert_int_equal(gps_remove(g, a, err, sizeof(err)), 0);
	gps_free(g);
}

static void
test_web_update_errors(void **state)
{
	struct gps *g = new_gps(NULL);
	char err[128];
	double alt = NAN;

	assert_int_equal(gps_web_update(g, NULL, 1, 1, NULL, NULL, NULL, err,
	    sizeof(err)), -ENOENT);
	add(g, "web", NULL);
	assert_int_equal(gps_web_update(g, "other", 1, 1, NULL, NULL, NULL,
	    err, sizeof(err)), -ENOENT);
	assert_int_equal(gps_web_update(g, NULL, 91, 1, NULL, NULL, NULL, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(gps_web_update(g, NULL, 1, 1, &alt, NULL, NULL, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(gps_best(g)->fix, 0);
	gps_free(g);
}

/* Unique names and uuids. */
static void
test_names(void **state)
{
	struct gps *g = new_gps(NULL);
	char a[64], b[64], err[128];

	add(g, "web", a);
	add(g, "web:priority=2", b);
	assert_string_not_equal(a, b);
	assert_int_equal(gps_add(g, "web", NULL, err, sizeof(err)), -EEXIST);
	gps_free(g);
}

/*
 * A receiver fed NMEA: a fix, then silence (stale, then no fix), each
 * told once on the message bus; then a fix again.
 */
struct want {
	const char	*text;
	int		 n;
};

static int
count_cb(const struct msgbus_msg *m, void *arg)
{
	struct want *w = arg;

	if (strstr(m->text, w->text) != NULL)
		w->n++;
	return 0;
}

static int
count(struct msgbus *bus, const char *text)
{
	struct want w = { text, 0 };

	msgbus_since(bus, 0, 0, count_cb, &w);
	return w.n;
}

static void
test_stale_then_lost(void **state)
{
	struct msgbus *bus = msgbus_new(100);
	struct gps *g = new_gps(bus);
	char uuid[64], buf[128];
	uint64_t t0;
	int i;

	add(g, "tcp:host=localhost,port=1,stale_timeout=2,lost_timeout=5",
	    uuid);
	/* No launcher here: it waits for lines (gps_feed). */
	assert_string_equal(gps_dev_state(g, uuid), "starting");
	assert_int_equal(feed(g, uuid, checksum(buf, sizeof(buf),
	    "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,")), 0);
	assert_string_equal(gps_dev_state(g, uuid), "fix");
	assert_int_equal(gps_best(g)->fix, 3);
	/* Garbage is counted and dropped; the fix stays. */
	assert_int_equal(gps_feed(g, uuid, "$GPGGA,garbage*00", 17),
	    -EBADMSG);
	assert_int_equal(gps_feed(g, uuid, "noise", 5), -EBADMSG);
	assert_int_equal(count(bus, "dropped a bad line"), 1);
	assert_string_equal(gps_dev_state(g, uuid), "fix");
	t0 = now_usec();
	gps_tick(g, t0 + 1000000);
	assert_string_equal(gps_dev_state(g, uuid), "fix");
	for (i = 0; i < 3; i++)
		gps_tick(g, t0 + 2500000);
	assert_string_equal(gps_dev_state(g, uuid), "stale");
	/* A stale fix is not given to packets. */
	assert_int_equal(gps_best(g)->fix, 0);
	assert_int_equal(count(bus, "fix is stale"), 1);
	for (i = 0; i < 3; i++)
		gps_tick(g, t0 + 6000000);
	assert_string_equal(gps_dev_state(g, uuid), "no fix");
	assert_int_equal(count(bus, "no fix: no position for"), 1);
	assert_int_equal(count(bus, "fix is stale"), 1);
	/* It comes back. */
	assert_int_equal(feed(g, uuid, checksum(buf, sizeof(buf),
	    "GPRMC,123520,A,4807.038,N,01131.000,E,022.4,084.4,230394,,")), 0);
	assert_string_equal(gps_dev_state(g, uuid), "fix");
	/* RMC has no altitude: 3D still, as the GGA before it said. */
	assert_int_equal(gps_best(g)->fix, 3);
	/* The receiver says it lost the fix: no fix at once. */
	assert_int_equal(feed(g, uuid, checksum(buf, sizeof(buf),
	    "GPRMC,123521,V,,,,,,,230394,,")), 0);
	assert_string_equal(gps_dev_state(g, uuid), "no fix");
	assert_int_equal(gps_best(g)->fix, 0);
	gps_free(g);
	msgbus_free(bus);
}

static void
test_gpsd_lines(void **state)
{
	struct gps *g = new_gps(NULL);
	char uuid[64];
	static const char tpv[] = "{\"class\":\"TPV\",\"mode\":3,\"lat\":10,"
	    "\"lon\":20,\"altMSL\":30,\"speed\":10,\"track\":45}";
	static const char sky[] = "{\"class\":\"SKY\",\"satellites\":["
	    "{\"used\":true},{\"used\":true},{\"used\":false}]}";

	add(g, "gpsd:port=1", uuid);
	assert_int_equal(gps_feed(g, uuid, sky, strlen(sky)), 0);
	assert_int_equal(gps_best(g)->fix, 0);
	assert_int_equal(gps_feed(g, uuid, tpv, strlen(tpv)), 0);
	assert_int_equal(gps_best(g)->fix, 3);
	assert_true(gps_best(g)->alt == 30);
	assert_true(fabs(gps_best(g)->speed - 36) < 1e-3);
	assert_int_equal(feed(g, uuid, "{\"class\":\"TPV\",\"mode\":1}"), 0);
	assert_int_equal(gps_best(g)->fix, 0);
	assert_int_equal(gps_feed(g, "nope", tpv, strlen(tpv)), -ENOENT);
	gps_free(g);
}

/* The REST answers unpack, their map counts right. */
static void
test_pack(void **state)
{
	struct gps *g = new_gps(NULL);
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	size_t off = 0;
	int n = 0;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	gps_pack_location(g, &pk);
	add(g, "virtual:lat=1,lon=2,alt=3", NULL);
	add(g, "gpsd:port=1", NULL);
	gps_pack_location(g, &pk);
	gps_pack_all(g, &pk);
	gps_pack_drivers(&pk);
	gps_tick(g, now_usec());
	gps_pack_track(g, &pk);
	msgpack_unpacked_init(&u);
	while (msgpack_unpack_next(&u, sb.data, sb.size, &off) ==
	    MSGPACK_UNPACK_SUCCESS)
		n++;
	assert_int_equal(n, 5);
	assert_int_equal(off, sb.size);
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	gps_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_definitions),
		cmocka_unit_test(test_best_fix),
		cmocka_unit_test(test_web_update_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_stale_then_lost),
		cmocka_unit_test(test_gpsd_lines),
		cmocka_unit_test(test_pack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
