/* SPDX-License-Identifier: ISC */
/*
 * \summary: gpsd's JSON reports, one line at a time
 *
 * yajl's tree parser reads the object.  Before it does, the line is
 * checked for NUL bytes (yajl reads a C string) and for nesting deeper
 * than any gpsd report has, so that a hostile server cannot make the
 * tree (and its recursive free) deep.
 */

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "gpsdjson.h"

#define GPSDJSON_MAX_DEPTH	8	/* SKY: object, array, object */
#define MS_TO_KMH		3.6

/* Nesting depth of the JSON text, strings skipped; -1 when unbalanced. */
static int
gpsdjson_depth(const char *s, size_t len)
{
	int depth = 0, max = 0;
	bool str = false, esc = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (str) {
			if (esc)
				esc = false;
			else if (s[i] == '\\')
				esc = true;
			else if (s[i] == '"')
				str = false;
			continue;
		}
		switch (s[i]) {
		case '"':
			str = true;
			break;
		case '{':
		case '[':
			if (++depth > max)
				max = depth;
			break;
		case '}':
		case ']':
			if (--depth < 0)
				return -1;
			break;
		}
	}
	return max;
}

static bool
gpsdjson_num(yajl_val obj, const char *key, double *ret)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	if (v == NULL)
		return false;
	if (YAJL_IS_DOUBLE(v))
		*ret = YAJL_GET_DOUBLE(v);
	else if (YAJL_IS_INTEGER(v))
		*ret = (double)YAJL_GET_INTEGER(v);
	else
		return false;
	return isfinite(*ret);
}

static const char *
gpsdjson_str(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v != NULL ? YAJL_GET_STRING(v) : NULL;
}

static uint64_t
gpsdjson_days(unsigned y, unsigned m, unsigned d)
{
	unsigned yy = m <= 2 ? y - 1 : y;
	unsigned era = yy / 400, yoe = yy - era * 400;
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (uint64_t)era * 146097 + doe - 719468;
}

/* "2023-11-14T22:13:20.123Z" to epoch microseconds; -EBADMSG if not. */
static int
gpsdjson_time(const char *s, uint64_t *ret)
{
	unsigned y, mo, d, h, mi, sec, i;
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	uint64_t usec = 0, scale = 100000;
	int n = 0;

	/* Digits where digits belong: sscanf alone would take signs and
	 * spaces. */
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != shape[i])
			return -EBADMSG;
	if (sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6 || n != 19 || y < 1970 || y > 9999 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EBADMSG;
	s += n;
	if (*s == '.') {
		for (i = 0, s++; *s >= '0' && *s <= '9'; s++, i++)
			if (i < 6) {
				usec += (uint64_t)(*s - '0') * scale;
				scale /= 10;
			}
		if (i == 0)
			return -EBADMSG;
	}
	if (strcmp(s, "Z") != 0)
		return -EBADMSG;
	*ret = ((gpsdjson_days(y, mo, d) * 24 + h) * 60 + mi) * 60000000ULL +
	    (uint64_t)sec * 1000000 + usec;
	return 0;
}

static int
gpsdjson_tpv(yajl_val o, struct gps_report *r)
{
	const char *t;
	double mode, v;

	if (!gpsdjson_num(o, "mode", &mode) || mode < 0 || mode > 3 ||
	    mode != (double)(int)mode)
		return -EBADMSG;
	/* Mode 0 is "not seen yet": nothing to say. */
	if (mode == 0)
		return 0;
	r->fix = (uint8_t)mode;
	r->has |= GPS_HAS_FIX;
	if ((t = gpsdjson_str(o, "time")) != NULL &&
	    gpsdjson_time(t, &r->time_usec) == 0)
		r->has |= GPS_HAS_TIME;
	if (r->fix < 2)
		return 0;
	if (!gpsdjson_num(o, "lat", &r->lat) ||
	    !gpsdjson_num(o, "lon", &r->lon) || fabs(r->lat) > 90 ||
	    fabs(r->lon) > 180)
		return -EBADMSG;
	r->has |= GPS_HAS_POS;
	if (r->fix == 3 && (gpsdjson_num(o, "altMSL", &r->alt) ||
	    gpsdjson_num(o, "alt", &r->alt)))
		r->has |= GPS_HAS_ALT;
	if (gpsdjson_num(o, "speed", &v) && v >= 0) {
		r->speed = v * MS_TO_KMH;
		r->has |= GPS_HAS_SPEED;
	}
	if (gpsdjson_num(o, "track", &v) && v >= 0 && v <= 360) {
		r->heading = v;
		r->has |= GPS_HAS_HEADING;
	}
	if (gpsdjson_num(o, "eph", &v) && v >= 0) {
		r->precision = v;
		r->has |= GPS_HAS_PREC;
	} else if (gpsdjson_num(o, "epx", &v) && v >= 0) {
		double y;

		if (gpsdjson_num(o, "epy", &y) && y > v)
			v = y;
		r->precision = v;
		r->has |= GPS_HAS_PREC;
	}
	if (gpsdjson_num(o, "epv", &v) && v >= 0) {
		r->precision_v = v;
		r->has |= GPS_HAS_PREC_V;
	}
	return 0;
}

static int
gpsdjson_sky(yajl_val o, struct gps_report *r)
{
	const char *path[] = { "satellites", NULL };
	yajl_val sats, used;
	const char *upath[] = { "used", NULL };
	unsigned n_used = 0;
	size_t i;
	double v;

	if (gpsdjson_num(o, "hdop", &v) && v >= 0) {
		r->hdop = v;
		r->has |= GPS_HAS_HDOP;
	}
	if (gpsdjson_num(o, "vdop", &v) && v >= 0) {
		r->vdop = v;
		r->has |= GPS_HAS_VDOP;
	}
	if ((sats = yajl_tree_get(o, path, yajl_t_array)) != NULL) {
		for (i = 0; i < YAJL_GET_ARRAY(sats)->len; i++) {
			used = yajl_tree_get(YAJL_GET_ARRAY(sats)->values[i],
			    upath, yajl_t_true);
			if (used != NULL)
				n_used++;
		}
		r->sats_visible = (uint8_t)(YAJL_GET_ARRAY(sats)->len > 255 ?
		    255 : YAJL_GET_ARRAY(sats)->len);
		r->sats_used = (uint8_t)(n_used > 255 ? 255 : n_used);
		r->has |= GPS_HAS_SATS_VIS | GPS_HAS_SATS_USED;
	}
	/* Newer gpsd counts them itself. */
	if (gpsdjson_num(o, "nSat", &v) && v >= 0 && v <= 255) {
		r->sats_visible = (uint8_t)v;
		r->has |= GPS_HAS_SATS_VIS;
	}
	if (gpsdjson_num(o, "uSat", &v) && v >= 0 && v <= 255) {
		r->sats_used = (uint8_t)v;
		r->has |= GPS_HAS_SATS_USED;
	}
	return 0;
}

int
gpsdjson_parse(const char *line, size_t len, struct gps_report *ret,
    enum gpsdjson_class *ret_class, char *text, size_t textlen)
{
	static const struct {
		const char		*name;
		enum gpsdjson_class	 cls;
	} classes[] = {
		{ "TPV", GPSDJSON_TPV }, { "SKY", GPSDJSON_SKY },
		{ "VERSION", GPSDJSON_VERSION },
		{ "DEVICES", GPSDJSON_DEVICES },
		{ "WATCH", GPSDJSON_WATCH }, { "ERROR", GPSDJSON_ERROR },
	};
	struct gps_report r;
	enum gpsdjson_class cls = GPSDJSON_OTHER;
	const char *name, *s;
	char *buf, err[128];
	yajl_val root;
	size_t i;
	int rc, depth;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > GPSDJSON_LINE_MAX)
		return -EMSGSIZE;
	if (len == 0 || memchr(line, '\0', len) != NULL ||
	    (depth = gpsdjson_depth(line, len)) < 1 ||
	    depth > GPSDJSON_MAX_DEPTH)
		return -EBADMSG;
	if ((buf = malloc(len + 1)) == NULL)
		return -ENOMEM;
	memcpy(buf, line, len);
	buf[len] = '\0';
	root = yajl_tree_parse(buf, err, sizeof(err));
	free(buf);
	if (root == NULL)
		return -EBADMSG;
	if (!YAJL_IS_OBJECT(root) ||
	    (name = gpsdjson_str(root, "class")) == NULL) {
		yajl_tree_free(root);
		return -EBADMSG;
	}
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(name, classes[i].name) == 0)
			cls = classes[i].cls;
	memset(&r, 0, sizeof(r));
	rc = 0;
	if (text != NULL && textlen > 0)
		text[0] = '\0';
	switch (cls) {
	case GPSDJSON_TPV:
		rc = gpsdjson_tpv(root, &r);
		break;
	case GPSDJSON_SKY:
		rc = gpsdjson_sky(root, &r);
		break;
	case GPSDJSON_VERSION:
	case GPSDJSON_ERROR:
		s = gpsdjson_str(root, cls == GPSDJSON_VERSION ? "release" :
		    "message");
		if (s != NULL && text != NULL && textlen > 0)
			snprintf(text, textlen, "%s", s);
		break;
	default:
		break;
	}
	yajl_tree_free(root);
	if (rc < 0)
		return rc;
	*ret = r;
	*ret_class = cls;
	return 0;
}
