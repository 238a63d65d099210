/* SPDX-License-Identifier: ISC */
/* \summary: where a device was heard: Kismet's location record */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "devloc.h"
#include "packet.h"
#include "xmalloc.h"

#define DEG2RAD(x)	((x) * M_PI / 180.0)
#define RAD2DEG(x)	((x) * 180.0 / M_PI)

static void
devloc_point_set(struct devloc_point *pt, const struct packet_loc *loc)
{
	pt->lat = loc->lat;
	pt->lon = loc->lon;
	pt->alt = loc->fix >= 3 ? loc->alt : 0;
	pt->fix = loc->fix;
	pt->time_usec = loc->time_usec;
}

/*
 * The unit vector of a position, for the average.  Packets in a row
 * share the fix of the moment, so the last one is kept: the core is one
 * thread, and the trigonometry is most of what a location costs a
 * packet.
 */
static void
devloc_vector(double lat, double lon, double v[3])
{
	static double last_lat = NAN, last_lon = NAN, last_v[3];
	double la, lo;

	if (lat != last_lat || lon != last_lon) {
		la = DEG2RAD(lat);
		lo = DEG2RAD(lon);
		last_v[0] = cos(la) * cos(lo);
		last_v[1] = cos(la) * sin(lo);
		last_v[2] = sin(la);
		last_lat = lat;
		last_lon = lon;
	}
	memcpy(v, last_v, sizeof(last_v));
}

void
devloc_add(struct device *d, const struct packet_loc *loc, const int8_t *sig)
{
	struct devloc *l = d->loc;
	double v[3];

	if (loc->fix < 2 || !isfinite(loc->lat) || !isfinite(loc->lon) ||
	    fabs(loc->lat) > 90 || fabs(loc->lon) > 180)
		return;
	if (l == NULL) {
		l = d->loc = xcalloc(1, sizeof(*l));
		devloc_point_set(&l->min, loc);
		devloc_point_set(&l->max, loc);
		l->min.time_usec = l->max.time_usec = 0;
	}
	devloc_point_set(&l->last, loc);
	l->last_speed = loc->speed;
	l->last_heading = loc->heading;
	if (loc->fix > l->loc_fix)
		l->loc_fix = loc->fix;

	if (loc->lat < l->min.lat)
		l->min.lat = loc->lat;
	if (loc->lat > l->max.lat)
		l->max.lat = loc->lat;
	if (loc->lon < l->min.lon)
		l->min.lon = loc->lon;
	if (loc->lon > l->max.lon)
		l->max.lon = loc->lon;
	if (loc->fix >= 3) {
		if (!l->has_alt_box || loc->alt < l->min.alt)
			l->min.alt = loc->alt;
		if (!l->has_alt_box || loc->alt > l->max.alt)
			l->max.alt = loc->alt;
		l->has_alt_box = true;
		l->agg_alt += loc->alt;
		l->n_alt++;
	}
	l->min.fix = l->max.fix = l->loc_fix;

	devloc_vector(loc->lat, loc->lon, v);
	l->agg_x += v[0];
	l->agg_y += v[1];
	l->agg_z += v[2];
	l->n_avg++;
	l->avg_time_usec = loc->time_usec;

	/* The first place of the strongest signal. */
	if (sig != NULL && (!l->has_peak || *sig > l->peak_signal)) {
		devloc_point_set(&l->peak, loc);
		l->peak_signal = *sig;
		l->has_peak = true;
	}
}

void
devloc_avg(const struct devloc *l, struct devloc_point *ret)
{
	double x, y, z;

	memset(ret, 0, sizeof(*ret));
	if (l->n_avg == 0)
		return;
	/* One place (a fixed sensor): that place, without rounding. */
	if (l->n_avg == 1 || (l->min.lat == l->max.lat &&
	    l->min.lon == l->max.lon)) {
		ret->lat = l->last.lat;
		ret->lon = l->last.lon;
	} else {
		x = l->agg_x / l->n_avg;
		y = l->agg_y / l->n_avg;
		z = l->agg_z / l->n_avg;
		ret->lon = RAD2DEG(atan2(y, x));
		ret->lat = RAD2DEG(atan2(z, sqrt(x * x + y * y)));
	}
	ret->alt = l->n_alt > 0 ? (float)(l->agg_alt / l->n_alt) : 0;
	ret->fix = l->n_alt > 0 ? 3 : 2;
	ret->time_usec = l->avg_time_usec;
}

size_t
devloc_bytes(const struct devloc *l)
{
	return l != NULL ? sizeof(*l) : 0;
}

static void
kv(msgpack_packer *pk, const char *k)
{
	size_t n = strlen(k);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, k, n);
}

void
devloc_pack_point(msgpack_packer *pk, const struct devloc_point *pt,
    bool with_time, const float *speed_heading)
{
	msgpack_pack_map(pk, 3 + (with_time ? 2 : 0) +
	    (speed_heading != NULL ? 2 : 0));
	kv(pk, "kismet.common.location.geopoint");
	msgpack_pack_array(pk, 2);
	msgpack_pack_double(pk, pt->lon);
	msgpack_pack_double(pk, pt->lat);
	kv(pk, "kismet.common.location.alt");
	msgpack_pack_double(pk, pt->alt);
	kv(pk, "kismet.common.location.fix");
	msgpack_pack_uint8(pk, pt->fix);
	if (with_time) {
		kv(pk, "kismet.common.location.time_sec");
		msgpack_pack_uint64(pk, pt->time_usec / 1000000);
		kv(pk, "kismet.common.location.time_usec");
		msgpack_pack_uint64(pk, pt->time_usec % 1000000);
	}
	if (speed_heading != NULL) {
		kv(pk, "kismet.common.location.speed");
		msgpack_pack_double(pk, speed_heading[0]);
		kv(pk, "kismet.common.location.heading");
		msgpack_pack_double(pk, speed_heading[1]);
	}
}

void
devloc_pack(msgpack_packer *pk, const struct devloc *l)
{
	struct devloc_point avg;
	float sh[2] = { l->last_speed, l->last_heading };

	devloc_avg(l, &avg);
	msgpack_pack_map(pk, 5);
	kv(pk, "kismet.common.location.loc_fix");
	msgpack_pack_uint8(pk, l->loc_fix);
	kv(pk, "kismet.common.location.min_loc");
	devloc_pack_point(pk, &l->min, false, NULL);
	kv(pk, "kismet.common.location.max_loc");
	devloc_pack_point(pk, &l->max, false, NULL);
	kv(pk, "kismet.common.location.avg_loc");
	devloc_pack_point(pk, &avg, true, NULL);
	kv(pk, "kismet.common.location.last");
	devloc_pack_point(pk, &l->last, true, sh);
}
