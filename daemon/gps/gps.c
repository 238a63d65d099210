/* SPDX-License-Identifier: ISC */
/*
 * \summary: the GPS layer: every configured receiver and the best fix
 *
 * A receiver's state moves STARTING -> (FIX | NOFIX) as reports arrive;
 * FIX -> STALE when no position came for stale_timeout, -> NOFIX when
 * none came for lost_timeout or the receiver says it has no fix; DOWN
 * while its link is lost and being retried, FAILED when it will not be.
 * Each move is told once (gps_say).  Receivers are kept in the order
 * they were added; the best fix is recomputed whenever one changes.
 */

#include <sys/queue.h>
#include <sys/time.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "devloc.h"
#include "gps.h"
#include "gpsdjson.h"
#include "gpslink.h"
#include "log.h"
#include "msgbus.h"
#include "nmea.h"
#include "srcdef.h"
#include "xmalloc.h"

enum gps_type {
	GPS_T_GPSD,
	GPS_T_SERIAL,
	GPS_T_TCP,
	GPS_T_VIRTUAL,
	GPS_T_WEB,
	GPS_T_REMOTE,
};

enum gps_state {
	GPS_ST_STARTING,
	GPS_ST_NOFIX,
	GPS_ST_FIX,
	GPS_ST_STALE,
	GPS_ST_DOWN,
	GPS_ST_FAILED,
};

static const char *const gps_state_names[] = {
	[GPS_ST_STARTING] = "starting",
	[GPS_ST_NOFIX] = "no fix",
	[GPS_ST_FIX] = "fix",
	[GPS_ST_STALE] = "stale",
	[GPS_ST_DOWN] = "down",
	[GPS_ST_FAILED] = "failed",
};

/* The drivers, as /gps/drivers.json lists them. */
static const struct gps_driver {
	enum gps_type	 type;
	const char	*name;
	const char	*description;
	int		 priority;
	bool		 helper;	/* opened by osprey_gps */
	bool		 user;		/* may be defined by gps= */
} gps_drivers[] = {
	{ GPS_T_SERIAL, "serial",
	    "NMEA from a receiver on a serial port", 100, true, true },
	{ GPS_T_GPSD, "gpsd", "gpsd's JSON reports over TCP", 100, true,
	    true },
	{ GPS_T_TCP, "tcp", "NMEA over TCP (phone apps)", 100, true, true },
	{ GPS_T_WEB, "web", "positions posted by a logged-in browser", 50,
	    false, true },
	{ GPS_T_VIRTUAL, "virtual", "a fixed position", 0, false, true },
	{ GPS_T_REMOTE, "remote",
	    "a remote sensor's own GPS, from its packets", -1, false,
	    false },
};

struct gps_fix {
	struct packet_loc loc;
	uint32_t	 has;		/* enum gps_has: what was reported */
	double		 precision_v, hdop, vdop;
	uint8_t		 sats_used, sats_visible;
};

struct gps_dev {
	TAILQ_ENTRY(gps_dev)	 entry;
	struct gps		*g;
	const struct gps_driver	*drv;
	char			 name[GPS_NAME_MAX];
	char			 uuid[SRCDEF_UUID_LEN];
	char			*definition;
	int			 priority;
	bool			 data_only, reconnect;
	uint64_t		 stale_usec, lost_usec;

	enum gps_state		 state;
	struct gps_fix		 cur, prev;	/* prev: before the last move */
	uint64_t		 fix_at;	/* wall usec, last position */
	uint64_t		 data_at;	/* of the last good line */

	/* Drivers. */
	struct gpslink		*link;
	struct nmea		 nmea;
	char			 request[GPS_NAME_MAX * 8];
	bool			 up;		/* link open */
	bool			 warned_bad;	/* said so since it opened */
	char			 source_uuid[SRCDEF_UUID_LEN];

	uint64_t		 lines, bad_lines, reports, opens;
	char			 error[256];	/* last trouble, "" none */
};

TAILQ_HEAD(gps_devs, gps_dev);

struct gps_trackpt {
	double		 lat, lon;
	float		 alt;
	uint32_t	 t;
};

struct gps {
	struct gps_deps		 deps;
	struct gps_devs		 devs;
	size_t			 n;
	struct packet_loc	 best;
	const struct gps_dev	*best_dev;
	struct event		*ev_tick;
	struct gps_trackpt	*track;		/* GPS_TRACK_MAX, a ring */
	size_t			 track_n, track_head;
};

static uint64_t
gps_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/* One line to the log and the same to the message bus. */
static void
gps_say(const struct gps_dev *d, enum msgbus_level level, const char *fmt,
    ...)
{
	char text[MSGBUS_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (level >= MSGBUS_ERROR)
		log_warnx("gps '%s': %s", d->name, text);
	else
		log_info("gps '%s': %s", d->name, text);
	if (d->g->deps.bus != NULL)
		msgbus_post(d->g->deps.bus, level, "GPS '%s': %s", d->name,
		    text);
}

static const struct gps_driver *
gps_driver_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(gps_drivers) / sizeof(gps_drivers[0]); i++)
		if (strcasecmp(gps_drivers[i].name, name) == 0)
			return &gps_drivers[i];
	return NULL;
}

/* A fix is usable for packets while it is fresh. */
static bool
gps_usable(const struct gps_dev *d)
{
	return d->state == GPS_ST_FIX && d->cur.loc.fix >= 2;
}

static void
gps_pick_best(struct gps *g)
{
	const struct gps_dev *d, *best = NULL;

	TAILQ_FOREACH(d, &g->devs, entry) {
		if (d->data_only || !gps_usable(d))
			continue;
		if (best == NULL || d->cur.loc.fix > best->cur.loc.fix ||
		    (d->cur.loc.fix == best->cur.loc.fix &&
		    (d->priority > best->priority ||
		    (d->priority == best->priority &&
		    d->fix_at > best->fix_at))))
			best = d;
	}
	g->best_dev = best;
	if (best != NULL) {
		g->best = best->cur.loc;
		g->best.from_source = false;
	} else
		memset(&g->best, 0, sizeof(g->best));
}

static void
gps_set_state(struct gps_dev *d, enum gps_state st)
{
	if (d->state == st)
		return;
	d->state = st;
	gps_pick_best(d->g);
}

static const char *
gps_fix_name(uint8_t fix)
{
	return fix >= 3 ? "3D" : fix == 2 ? "2D" : "no";
}

/*
 * Merge a parsed report into the receiver's fix.  A report with a
 * position and a fix of 2 or 3 is a new fix; one with fix 1 says the
 * receiver has none.
 */
static void
gps_apply(struct gps_dev *d, const struct gps_report *r, uint64_t now)
{
	struct gps_fix *f = &d->cur;
	uint8_t was = f->loc.fix;
	bool had = d->state == GPS_ST_FIX;

	d->reports++;
	d->data_at = now;
	if (r->has & GPS_HAS_SATS_USED)
		f->sats_used = r->sats_used;
	if (r->has & GPS_HAS_SATS_VIS)
		f->sats_visible = r->sats_visible;
	if (r->has & GPS_HAS_HDOP)
		f->hdop = r->hdop;
	if (r->has & GPS_HAS_VDOP)
		f->vdop = r->vdop;
	if (r->has & GPS_HAS_PREC_V)
		f->precision_v = r->precision_v;
	f->has |= r->has & (GPS_HAS_SATS_USED | GPS_HAS_SATS_VIS |
	    GPS_HAS_HDOP | GPS_HAS_VDOP | GPS_HAS_PREC_V);
	if ((r->has & GPS_HAS_FIX) && r->fix < 2) {
		if (d->state == GPS_ST_FIX || d->state == GPS_ST_STALE)
			gps_say(d, MSGBUS_INFO, "no fix (the receiver lost "
			    "it)");
		else if (d->state != GPS_ST_NOFIX)
			gps_say(d, MSGBUS_INFO, "receiving, no fix yet");
		f->loc.fix = 0;
		gps_set_state(d, GPS_ST_NOFIX);
		return;
	}
	/* A fix mode alone (GSA) upgrades or downgrades the current fix. */
	if ((r->has & GPS_HAS_FIX) && !(r->has & GPS_HAS_POS)) {
		if (d->state == GPS_ST_FIX && r->fix != f->loc.fix) {
			f->loc.fix = r->fix;
			gps_pick_best(d->g);
		}
		goto extras;
	}
	if (!(r->has & GPS_HAS_POS))
		goto extras;
	d->prev = d->cur;
	f->loc.lat = r->lat;
	f->loc.lon = r->lon;
	f->loc.fix = (r->has & GPS_HAS_FIX) ? r->fix : 2;
	if (r->has & GPS_HAS_ALT)
		f->loc.alt = (float)r->alt;
	else if (f->loc.fix >= 3 && !(f->has & GPS_HAS_ALT))
		f->loc.fix = 2;
	f->loc.time_usec = (r->has & GPS_HAS_TIME) ? r->time_usec : now;
	if (r->has & GPS_HAS_PREC)
		f->loc.precision = (float)r->precision;
	else if (f->has & GPS_HAS_HDOP)
		f->loc.precision = (float)(f->hdop * GPS_UERE_M);
	f->has |= r->has & (GPS_HAS_ALT | GPS_HAS_PREC | GPS_HAS_POS);
	d->fix_at = now;
	if (!had || f->loc.fix != was)
		gps_say(d, MSGBUS_INFO, "%s fix at %.6f, %.6f",
		    gps_fix_name(f->loc.fix), f->loc.lat, f->loc.lon);
	if (d->state == GPS_ST_FIX)
		gps_pick_best(d->g);
	else
		gps_set_state(d, GPS_ST_FIX);
extras:
	if (r->has & GPS_HAS_SPEED)
		f->loc.speed = (float)r->speed;
	if (r->has & GPS_HAS_HEADING)
		f->loc.heading = (float)r->heading;
	if (d->g->best_dev == d)
		d->g->best = f->loc;
}

/* One line from a helper-driven receiver. */
static int
gps_line(struct gps_dev *d, const char *line, size_t len)
{
	struct gps_report r;
	enum gpsdjson_class cls;
	char text[160];
	int rc;

	d->lines++;
	if (d->drv->type == GPS_T_GPSD) {
		rc = gpsdjson_parse(line, len, &r, &cls, text, sizeof(text));
		if (rc == 0 && cls == GPSDJSON_VERSION)
			log_debug("gps '%s': gpsd %s", d->name, text);
		else if (rc == 0 && cls == GPSDJSON_ERROR)
			gps_say(d, MSGBUS_ERROR, "gpsd says: %s", text);
		if (rc == 0 && (cls == GPSDJSON_TPV || cls == GPSDJSON_SKY))
			rc = 1;
	} else
		rc = nmea_parse(&d->nmea, line, len, &r);
	if (rc < 0) {
		/* Said once per link, then only counted. */
		d->bad_lines++;
		if (!d->warned_bad)
			gps_say(d, MSGBUS_ERROR, "dropped a bad line (%s); "
			    "later ones are only counted", rc == -EMSGSIZE ?
			    "too long" : d->drv->type == GPS_T_GPSD ?
			    "not a gpsd report" : "not NMEA or a bad "
			    "checksum");
		else
			log_debug("gps '%s': bad line dropped (%zu bytes)",
			    d->name, len);
		d->warned_bad = true;
		return rc;
	}
	if (rc > 0)
		gps_apply(d, &r, gps_now());
	else
		d->data_at = gps_now();
	return 0;
}

static void
gps_link_up(void *arg, const char *what)
{
	struct gps_dev *d = arg;

	d->up = true;
	d->warned_bad = false;
	d->opens++;
	d->error[0] = '\0';
	nmea_init(&d->nmea);
	gps_say(d, MSGBUS_INFO, "%s", what);
	gps_set_state(d, GPS_ST_STARTING);
}

static void
gps_link_line(void *arg, const char *line, size_t len)
{
	(void)gps_line(arg, line, len);
}

static void
gps_link_overlong(void *arg)
{
	struct gps_dev *d = arg;

	d->lines++;
	d->bad_lines++;
	if (!d->warned_bad)
		gps_say(d, MSGBUS_ERROR, "dropped a bad line (too long); "
		    "later ones are only counted");
	d->warned_bad = true;
}

static void
gps_link_down(void *arg, const char *why, bool was_up, uint64_t retry_ms)
{
	struct gps_dev *d = arg;
	bool same = strcmp(d->error, why) == 0;

	d->up = false;
	snprintf(d->error, sizeof(d->error), "%s", why);
	/* Said once per cause: a GPS that stays away is not a flood. */
	if (was_up || !same) {
		if (retry_ms > 0)
			gps_say(d, MSGBUS_ERROR, "%s; retrying in %llu s", why,
			    (unsigned long long)(retry_ms + 999) / 1000);
		else
			gps_say(d, MSGBUS_ERROR, "%s; not retrying "
			    "(reconnect=false)", why);
	} else
		log_debug("gps '%s': %s", d->name, why);
	if (d->cur.loc.fix >= 2)
		d->cur.loc.fix = 0;
	gps_set_state(d, retry_ms > 0 ? GPS_ST_DOWN : GPS_ST_FAILED);
}

static const struct gpslink_ops gps_link_ops = {
	.up = gps_link_up,
	.line = gps_link_line,
	.overlong = gps_link_overlong,
	.down = gps_link_down,
};

/* --- definitions ------------------------------------------------------ */

/* Kismet's older "virtual:LAT,LON,ALT" becomes "virtual:lat=..,..". */
static const char *
gps_def_rewrite(const char *def, char *buf, size_t len)
{
	double v[3];
	int n, used = 0;

	if (strncasecmp(def, "virtual:", 8) != 0 ||
	    strchr(def + 8, '=') != NULL)
		return def;
	n = sscanf(def + 8, "%lf,%lf%n,%lf%n", &v[0], &v[1], &used, &v[2],
	    &used);
	if (n < 2 || def[8 + used] != '\0')
		return def;
	if (n == 3)
		snprintf(buf, len, "virtual:lat=%.9g,lon=%.9g,alt=%.9g", v[0],
		    v[1], v[2]);
	else
		snprintf(buf, len, "virtual:lat=%.9g,lon=%.9g", v[0], v[1]);
	return buf;
}

static int
gps_def_double(const struct srcdef *sd, const char *key, double min,
    double max, bool *has, double *ret, char *err, size_t errlen)
{
	const char *v = srcdef_get(sd, key);
	char *end;

	*has = false;
	if (v == NULL)
		return 0;
	*ret = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || !isfinite(*ret) || *ret < min ||
	    *ret > max) {
		snprintf(err, errlen, "%s: '%s' is not a number from %g to %g",
		    key, v, min, max);
		return -EINVAL;
	}
	*has = true;
	return 0;
}

/* What a definition says, checked; the caller frees sd. */
struct gps_def {
	struct srcdef		 sd;
	const struct gps_driver	*drv;
	const char		*name;
	int			 priority;
	bool			 reconnect, data_only;
	uint64_t		 stale_s, lost_s;
	char			 request[GPS_NAME_MAX * 8];
	double			 lat, lon, alt;
	bool			 has_alt;
	char			 uuid[SRCDEF_UUID_LEN];
};

static const char *const gps_known_opts[] = {
	"name", "priority", "reconnect", "data_only", "stale_timeout",
	"lost_timeout", "uuid", "host", "port", "device", "baud", "lat",
	"lon", "alt", NULL,
};

static int
gps_def_parse(const char *definition, struct gps_def *gd, char *err,
    size_t errlen)
{
	char buf[512], idbuf[SRCDEF_MAX_LEN + 8];
	const char *def, *host, *port, *dev;
	struct srcdef tmp;
	uint64_t u;
	double prio;
	bool has;
	size_t i, k;
	int rc;

	memset(gd, 0, sizeof(*gd));
	def = gps_def_rewrite(definition, buf, sizeof(buf));
	if ((rc = srcdef_parse(def, &gd->sd, err, errlen)) < 0)
		return rc == -ENOMEM ? rc : -EINVAL;
	if ((gd->drv = gps_driver_find(gd->sd.interface)) == NULL ||
	    !gd->drv->user) {
		snprintf(err, errlen, "unknown GPS type '%s' (gpsd, serial, "
		    "tcp, virtual, web)", gd->sd.interface);
		goto bad;
	}
	for (i = 0; i < gd->sd.n_opts; i++) {
		for (k = 0; gps_known_opts[k] != NULL; k++)
			if (strcmp(gd->sd.opts[i].key, gps_known_opts[k]) == 0)
				break;
		if (gps_known_opts[k] == NULL) {
			snprintf(err, errlen, "unknown option '%s'",
			    gd->sd.opts[i].key);
			goto bad;
		}
	}
	gd->name = srcdef_get(&gd->sd, "name");
	if (gd->name != NULL && (*gd->name == '\0' ||
	    strlen(gd->name) >= GPS_NAME_MAX)) {
		snprintf(err, errlen, "name: from 1 to %d characters",
		    GPS_NAME_MAX - 1);
		goto bad;
	}
	if (gps_def_double(&gd->sd, "priority", -1000000, 1000000, &has,
	    &prio, err, errlen) < 0)
		goto bad;
	gd->priority = has ? (int)prio : gd->drv->priority;
	if (srcdef_get_bool(&gd->sd, "reconnect", true, &gd->reconnect, err,
	    errlen) < 0 ||
	    srcdef_get_bool(&gd->sd, "data_only", false, &gd->data_only,
	    err, errlen) < 0 ||
	    srcdef_get_uint(&gd->sd, "stale_timeout", GPS_STALE_DEFAULT_S,
	    86400, &gd->stale_s, err, errlen) < 0 ||
	    srcdef_get_uint(&gd->sd, "lost_timeout", GPS_LOST_DEFAULT_S,
	    86400, &gd->lost_s, err, errlen) < 0)
		goto bad;
	if (gd->stale_s == 0)
		gd->stale_s = 1;
	if (gd->lost_s < gd->stale_s)
		gd->lost_s = gd->stale_s;
	switch (gd->drv->type) {
	case GPS_T_GPSD:
	case GPS_T_TCP:
		host = srcdef_get(&gd->sd, "host");
		port = srcdef_get(&gd->sd, "port");
		if (gd->drv->type == GPS_T_GPSD) {
			if (host == NULL)
				host = "localhost";
			if (port == NULL)
				port = "2947";
		}
		if (host == NULL || port == NULL || *host == '\0') {
			snprintf(err, errlen, "%s needs host= and port=",
			    gd->drv->name);
			goto bad;
		}
		u = strspn(port, "0123456789") == strlen(port) &&
		    strlen(port) <= 5 ? strtoul(port, NULL, 10) : 0;
		if (u == 0 || u > 65535) {
			snprintf(err, errlen, "port: '%s' is not a port",
			    port);
			goto bad;
		}
		if (strpbrk(host, "\t\n") != NULL ||
		    strlen(host) > sizeof(gd->request) / 2) {
			snprintf(err, errlen, "host: not a host name");
			goto bad;
		}
		snprintf(gd->request, sizeof(gd->request), "%s\t%s\t%s",
		    gd->drv->name, host, port);
		break;
	case GPS_T_SERIAL:
		dev = srcdef_get(&gd->sd, "device");
		if (dev == NULL || *dev == '\0' || strpbrk(dev, "\t\n") !=
		    NULL || strlen(dev) > sizeof(gd->request) / 2) {
			snprintf(err, errlen, "serial needs device=PATH");
			goto bad;
		}
		if (srcdef_get_uint(&gd->sd, "baud", 4800, 921600, &u, err,
		    errlen) < 0)
			goto bad;
		switch (u) {
		case 1200: case 2400: case 4800: case 9600: case 19200:
		case 38400: case 57600: case 115200: case 230400:
		case 460800: case 921600:
			break;
		default:
			snprintf(err, errlen, "baud: %llu is not a serial "
			    "speed", (unsigned long long)u);
			goto bad;
		}
		snprintf(gd->request, sizeof(gd->request), "serial\t%s\t%llu",
		    dev, (unsigned long long)u);
		break;
	case GPS_T_VIRTUAL:
		if (gps_def_double(&gd->sd, "lat", -90, 90, &has, &gd->lat,
		    err, errlen) < 0)
			goto bad;
		if (!has) {
			snprintf(err, errlen, "virtual needs lat= and lon=");
			goto bad;
		}
		if (gps_def_double(&gd->sd, "lon", -180, 180, &has, &gd->lon,
		    err, errlen) < 0)
			goto bad;
		if (!has) {
			snprintf(err, errlen, "virtual needs lat= and lon=");
			goto bad;
		}
		if (gps_def_double(&gd->sd, "alt", -20000, 1e6,
		    &gd->has_alt, &gd->alt, err, errlen) < 0)
			goto bad;
		break;
	default:
		break;
	}
	/* The uuid follows the whole definition unless uuid= says. */
	tmp = gd->sd;
	snprintf(idbuf, sizeof(idbuf), "%s", def);
	tmp.interface = idbuf;
	if (srcdef_uuid(&tmp, "gps", gd->uuid, err, errlen) < 0)
		goto bad;
	return 0;
bad:
	srcdef_free(&gd->sd);
	return -EINVAL;
}

int
gps_check(const char *definition, char *err, size_t errlen)
{
	struct gps_def gd;

	err[0] = '\0';
	if (gps_def_parse(definition, &gd, err, errlen) < 0)
		return -EINVAL;
	srcdef_free(&gd.sd);
	return 0;
}

static bool
gps_name_used(const struct gps *g, const char *name)
{
	const struct gps_dev *d;

	TAILQ_FOREACH(d, &g->devs, entry)
		if (strcmp(d->name, name) == 0)
			return true;
	return false;
}

/* The name asked for, or the type's name, made unique with a number. */
static void
gps_pick_name(const struct gps *g, const char *want, char *ret, size_t len)
{
	unsigned i;

	snprintf(ret, len, "%s", want);
	for (i = 1; gps_name_used(g, ret) && i < 1000; i++)
		snprintf(ret, len, "%.*s%u", (int)len - 5, want, i);
}

static struct gps_dev *
gps_find(const struct gps *g, const char *uuid)
{
	struct gps_dev *d;

	TAILQ_FOREACH(d, &g->devs, entry)
		if (strcasecmp(d->uuid, uuid) == 0)
			return d;
	return NULL;
}

static void
gps_virtual_fix(struct gps_dev *d, const struct gps_def *gd)
{
	struct gps_report r;

	memset(&r, 0, sizeof(r));
	r.has = GPS_HAS_FIX | GPS_HAS_POS;
	r.lat = gd->lat;
	r.lon = gd->lon;
	r.fix = 2;
	if (gd->has_alt) {
		r.alt = gd->alt;
		r.fix = 3;
		r.has |= GPS_HAS_ALT;
	}
	gps_apply(d, &r, gps_now());
}

int
gps_add(struct gps *g, const char *definition, const struct gps_dev **ret,
    char *err, size_t errlen)
{
	struct gps_def gd;
	struct gps_dev *d;

	err[0] = '\0';
	if (gps_def_parse(definition, &gd, err, errlen) < 0)
		return -EINVAL;
	if (gps_find(g, gd.uuid) != NULL) {
		snprintf(err, errlen, "a GPS with uuid %s exists", gd.uuid);
		srcdef_free(&gd.sd);
		return -EEXIST;
	}
	if (g->n >= GPS_MAX_DEVS) {
		snprintf(err, errlen, "at most %d GPS receivers",
		    GPS_MAX_DEVS);
		srcdef_free(&gd.sd);
		return -ENOSPC;
	}
	d = xcalloc(1, sizeof(*d));
	d->g = g;
	d->drv = gd.drv;
	gps_pick_name(g, gd.name != NULL ? gd.name : gd.drv->name, d->name,
	    sizeof(d->name));
	memcpy(d->uuid, gd.uuid, sizeof(d->uuid));
	d->definition = xstrdup(definition);
	d->priority = gd.priority;
	d->data_only = gd.data_only;
	d->reconnect = gd.reconnect;
	d->stale_usec = gd.stale_s * 1000000;
	d->lost_usec = gd.lost_s * 1000000;
	memcpy(d->request, gd.request, sizeof(d->request));
	nmea_init(&d->nmea);
	TAILQ_INSERT_TAIL(&g->devs, d, entry);
	g->n++;
	gps_say(d, MSGBUS_INFO, "added (%s, priority %d)", d->definition,
	    d->priority);
	if (d->drv->type == GPS_T_VIRTUAL)
		gps_virtual_fix(d, &gd);
	else if (d->drv->helper && g->deps.base != NULL &&
	    g->deps.proc != NULL)
		d->link = gpslink_new(g->deps.base, g->deps.proc, d->request,
		    d->drv->type == GPS_T_GPSD ? GPSDJSON_LINE_MAX :
		    NMEA_LINE_MAX, d->reconnect, &gps_link_ops, d);
	srcdef_free(&gd.sd);
	if (ret != NULL)
		*ret = d;
	return 0;
}

static void
gps_dev_free(struct gps_dev *d)
{
	gpslink_free(d->link);
	free(d->definition);
	free(d);
}

int
gps_remove(struct gps *g, const char *uuid, char *err, size_t errlen)
{
	struct gps_dev *d;

	if ((d = gps_find(g, uuid)) == NULL) {
		snprintf(err, errlen, "no GPS with uuid %s", uuid);
		return -ENOENT;
	}
	gps_say(d, MSGBUS_INFO, "removed");
	TAILQ_REMOVE(&g->devs, d, entry);
	g->n--;
	gps_dev_free(d);
	gps_pick_best(g);
	return 0;
}

int
gps_web_update(struct gps *g, const char *name, double lat, double lon,
    const double *alt, const double *speed_kmh, const struct gps_dev **ret,
    char *err, size_t errlen)
{
	struct gps_report r;
	struct gps_dev *d;

	TAILQ_FOREACH(d, &g->devs, entry)
		if (d->drv->type == GPS_T_WEB && (name == NULL ||
		    *name == '\0' || strcmp(d->name, name) == 0))
			break;
	if (d == NULL) {
		snprintf(err, errlen, "no web GPS%s%s (add gps=web to the "
		    "config)", name != NULL && *name != '\0' ? " named " : "",
		    name != NULL ? name : "");
		return -ENOENT;
	}
	if (!isfinite(lat) || !isfinite(lon) || fabs(lat) > 90 ||
	    fabs(lon) > 180 || (alt != NULL && (!isfinite(*alt) ||
	    fabs(*alt) > 1e6)) || (speed_kmh != NULL &&
	    (!isfinite(*speed_kmh) || *speed_kmh < 0))) {
		snprintf(err, errlen, "coordinates out of range");
		return -EINVAL;
	}
	memset(&r, 0, sizeof(r));
	r.has = GPS_HAS_FIX | GPS_HAS_POS;
	r.lat = lat;
	r.lon = lon;
	r.fix = 2;
	if (alt != NULL) {
		r.alt = *alt;
		r.fix = 3;
		r.has |= GPS_HAS_ALT;
	}
	if (speed_kmh != NULL) {
		r.speed = *speed_kmh;
		r.has |= GPS_HAS_SPEED;
	}
	d->lines++;
	gps_apply(d, &r, gps_now());
	if (ret != NULL)
		*ret = d;
	return 0;
}

void
gps_remote_seen(struct gps *g, const char *source_uuid,
    const char *source_name, const struct packet_loc *loc)
{
	struct gps_report r;
	struct gps_dev *d;
	uint64_t now;

	TAILQ_FOREACH(d, &g->devs, entry)
		if (d->drv->type == GPS_T_REMOTE &&
		    strcmp(d->source_uuid, source_uuid) == 0)
			break;
	now = gps_now();
	if (d == NULL) {
		if (g->n >= GPS_MAX_DEVS)
			return;
		d = xcalloc(1, sizeof(*d));
		d->g = g;
		d->drv = gps_driver_find("remote");
		gps_pick_name(g, source_name, d->name, sizeof(d->name));
		snprintf(d->uuid, sizeof(d->uuid), "%s", source_uuid);
		snprintf(d->source_uuid, sizeof(d->source_uuid), "%s",
		    source_uuid);
		xasprintf(&d->definition, "remote:source=%s", source_name);
		d->priority = d->drv->priority;
		d->data_only = true;
		d->stale_usec = GPS_STALE_DEFAULT_S * 1000000ULL;
		d->lost_usec = GPS_LOST_DEFAULT_S * 1000000ULL;
		TAILQ_INSERT_TAIL(&g->devs, d, entry);
		g->n++;
		gps_say(d, MSGBUS_INFO, "the sensor sends its own position");
	}
	/* A sensor sends the same fix with every packet: once a second. */
	if (d->state == GPS_ST_FIX && now - d->fix_at < 1000000 &&
	    d->cur.loc.lat == loc->lat && d->cur.loc.lon == loc->lon)
		return;
	memset(&r, 0, sizeof(r));
	r.has = GPS_HAS_FIX | GPS_HAS_POS | GPS_HAS_SPEED | GPS_HAS_HEADING;
	r.fix = loc->fix;
	r.lat = loc->lat;
	r.lon = loc->lon;
	r.speed = loc->speed;
	r.heading = loc->heading;
	if (loc->fix >= 3) {
		r.alt = loc->alt;
		r.has |= GPS_HAS_ALT;
	}
	if (loc->precision > 0) {
		r.precision = loc->precision;
		r.has |= GPS_HAS_PREC;
	}
	if (loc->time_usec != 0) {
		r.time_usec = loc->time_usec;
		r.has |= GPS_HAS_TIME;
	}
	d->lines++;
	gps_apply(d, &r, now);
}

const struct packet_loc *
gps_best(const struct gps *g)
{
	return &g->best;
}

const struct gps_dev *
gps_next(const struct gps *g, const struct gps_dev *prev)
{
	return prev == NULL ? TAILQ_FIRST(&g->devs) : TAILQ_NEXT(prev, entry);
}

void
gps_dev_location(const struct gps_dev *d, struct packet_loc *ret)
{
	*ret = d->cur.loc;
	if (d->state != GPS_ST_FIX && d->state != GPS_ST_STALE)
		ret->fix = 0;
}

size_t
gps_count(const struct gps *g)
{
	return g->n;
}

int
gps_feed(struct gps *g, const char *uuid, const char *line, size_t len)
{
	struct gps_dev *d = gps_find(g, uuid);

	if (d == NULL)
		return -ENOENT;
	return gps_line(d, line, len);
}

const char *
gps_dev_state(const struct gps *g, const char *uuid)
{
	const struct gps_dev *d = gps_find(g, uuid);

	return d != NULL ? gps_state_names[d->state] : NULL;
}

/* --- the once-a-second timer -------------------------------------------- */

static double
gps_dist_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
	double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180, a;

	a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) *
	    sin(dl / 2);
	return 6371000.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

/* The sensor's track: a point when it moved 2 m, or a minute passed. */
static void
gps_track_add(struct gps *g, uint64_t now)
{
	const struct gps_trackpt *last = NULL;
	struct gps_trackpt *pt;
	uint32_t t = (uint32_t)(now / 1000000);

	if (g->best.fix < 2)
		return;
	if (g->track_n > 0) {
		last = &g->track[(g->track_head + g->track_n - 1) %
		    GPS_TRACK_MAX];
		if (last->t == t || (t - last->t < 60 && gps_dist_m(last->lat,
		    last->lon, g->best.lat, g->best.lon) < 2.0))
			return;
	}
	if (g->track_n < GPS_TRACK_MAX)
		pt = &g->track[(g->track_head + g->track_n++) % GPS_TRACK_MAX];
	else {
		pt = &g->track[g->track_head];
		g->track_head = (g->track_head + 1) % GPS_TRACK_MAX;
	}
	pt->lat = g->best.lat;
	pt->lon = g->best.lon;
	pt->alt = g->best.fix >= 3 ? g->best.alt : 0;
	pt->t = t;
}

void
gps_tick(struct gps *g, uint64_t now)
{
	struct gps_dev *d;
	uint64_t age;

	TAILQ_FOREACH(d, &g->devs, entry) {
		if (d->drv->type == GPS_T_VIRTUAL) {
			/* Always now: it does not go stale. */
			d->cur.loc.time_usec = now;
			d->fix_at = now;
			d->data_at = now;
			if (g->best_dev == d)
				g->best.time_usec = now;
			continue;
		}
		if (d->state != GPS_ST_FIX && d->state != GPS_ST_STALE)
			continue;
		age = now > d->fix_at ? now - d->fix_at : 0;
		if (d->state == GPS_ST_FIX && age >= d->stale_usec) {
			gps_say(d, MSGBUS_ERROR, "fix is stale: no position "
			    "for %llu s", (unsigned long long)(age / 1000000));
			gps_set_state(d, GPS_ST_STALE);
		}
		if (d->state == GPS_ST_STALE && age >= d->lost_usec) {
			gps_say(d, MSGBUS_ERROR, "no fix: no position for "
			    "%llu s", (unsigned long long)(age / 1000000));
			d->cur.loc.fix = 0;
			gps_set_state(d, GPS_ST_NOFIX);
		}
	}
	gps_track_add(g, now);
}

static void
gps_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	gps_tick(arg, gps_now());
}

struct gps *
gps_new(const struct gps_deps *deps)
{
	struct gps *g = xcalloc(1, sizeof(*g));
	struct timeval tv = { 1, 0 };

	g->deps = *deps;
	TAILQ_INIT(&g->devs);
	g->track = xcalloc(GPS_TRACK_MAX, sizeof(*g->track));
	if (deps->base != NULL) {
		g->ev_tick = event_new(deps->base, -1, EV_PERSIST, gps_tick_cb,
		    g);
		if (g->ev_tick == NULL || event_add(g->ev_tick, &tv) < 0)
			fatalx("gps: cannot add its timer");
	}
	return g;
}

void
gps_free(struct gps *g)
{
	struct gps_dev *d;

	if (g == NULL)
		return;
	while ((d = TAILQ_FIRST(&g->devs)) != NULL) {
		TAILQ_REMOVE(&g->devs, d, entry);
		gps_dev_free(d);
	}
	if (g->ev_tick != NULL)
		event_free(g->ev_tick);
	free(g->track);
	free(g);
}

/* --- REST ----------------------------------------------------------------- */

static void
pk_key(msgpack_packer *pk, const char *k)
{
	size_t n = strlen(k);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, k, n);
}

static void
pk_kv_str(msgpack_packer *pk, const char *k, const char *v)
{
	pk_key(pk, k);
	pk_key(pk, v);
}

static void
pk_kv_u64(msgpack_packer *pk, const char *k, uint64_t v)
{
	pk_key(pk, k);
	msgpack_pack_uint64(pk, v);
}

static void
pk_kv_dbl(msgpack_packer *pk, const char *k, double v)
{
	pk_key(pk, k);
	msgpack_pack_double(pk, v);
}

/* Kismet's full location (geopoint, alt, fix, times, speed, heading). */
static void
gps_pack_full(msgpack_packer *pk, const struct packet_loc *loc)
{
	struct devloc_point pt;
	float sh[2] = { loc->speed, loc->heading };

	pt.lat = loc->fix >= 2 ? loc->lat : 0;
	pt.lon = loc->fix >= 2 ? loc->lon : 0;
	pt.alt = loc->fix >= 3 ? loc->alt : 0;
	pt.fix = loc->fix;
	pt.time_usec = loc->time_usec;
	devloc_pack_point(pk, &pt, true, sh);
}

void
gps_pack_location(const struct gps *g, msgpack_packer *pk)
{
	const struct gps_dev *d = g->best_dev;
	const struct packet_loc *b = &g->best;
	struct devloc_point pt;
	size_t n = 9;

	if (d != NULL)
		n += 5 + ((d->cur.has & GPS_HAS_SATS_USED) != 0) +
		    ((d->cur.has & GPS_HAS_SATS_VIS) != 0);
	memset(&pt, 0, sizeof(pt));
	msgpack_pack_map(pk, n);
	pk_key(pk, "kismet.common.location.geopoint");
	msgpack_pack_array(pk, 2);
	msgpack_pack_double(pk, b->fix >= 2 ? b->lon : 0);
	msgpack_pack_double(pk, b->fix >= 2 ? b->lat : 0);
	pk_kv_dbl(pk, "kismet.common.location.alt", b->fix >= 3 ? b->alt : 0);
	pk_kv_u64(pk, "kismet.common.location.fix", b->fix);
	pk_kv_u64(pk, "kismet.common.location.time_sec",
	    b->time_usec / 1000000);
	pk_kv_u64(pk, "kismet.common.location.time_usec",
	    b->time_usec % 1000000);
	pk_kv_dbl(pk, "kismet.common.location.speed", b->speed);
	pk_kv_dbl(pk, "kismet.common.location.heading", b->heading);
	pk_key(pk, "kismet.common.location.valid");
	if (b->fix >= 2)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
	pk_kv_u64(pk, "osprey.location.gps_count", g->n);
	if (d == NULL)
		return;
	pk_kv_str(pk, "kismet.common.location.gps_uuid", d->uuid);
	pk_kv_str(pk, "osprey.location.gps_name", d->name);
	pk_kv_str(pk, "osprey.location.gps_type", d->drv->name);
	pk_kv_dbl(pk, "osprey.location.precision", b->precision);
	pk_kv_u64(pk, "osprey.location.fix_age_usec",
	    gps_now() > d->fix_at ? gps_now() - d->fix_at : 0);
	if (d->cur.has & GPS_HAS_SATS_USED)
		pk_kv_u64(pk, "osprey.location.satellites_used",
		    d->cur.sats_used);
	if (d->cur.has & GPS_HAS_SATS_VIS)
		pk_kv_u64(pk, "osprey.location.satellites_visible",
		    d->cur.sats_visible);
}

void
gps_pack_dev(const struct gps *g, const struct gps_dev *d,
    msgpack_packer *pk)
{
	const struct gps_fix *f = &d->cur;
	struct packet_loc loc;
	size_t n = 21;

	gps_dev_location(d, &loc);
	n += ((f->has & GPS_HAS_SATS_USED) != 0) +
	    ((f->has & GPS_HAS_SATS_VIS) != 0) +
	    ((f->has & GPS_HAS_HDOP) != 0) + ((f->has & GPS_HAS_VDOP) != 0) +
	    ((f->has & (GPS_HAS_PREC | GPS_HAS_HDOP)) != 0) +
	    ((f->has & GPS_HAS_PREC_V) != 0);
	msgpack_pack_map(pk, n);
	pk_kv_str(pk, "kismet.gps.name", d->name);
	pk_kv_str(pk, "kismet.gps.description", d->drv->description);
	pk_kv_str(pk, "kismet.gps.uuid", d->uuid);
	pk_kv_str(pk, "kismet.gps.definition", d->definition);
	pk_key(pk, "kismet.gps.priority");
	msgpack_pack_int64(pk, d->priority);
	pk_kv_u64(pk, "kismet.gps.data_only", d->data_only);
	pk_kv_u64(pk, "kismet.gps.reconnect", d->reconnect);
	pk_kv_u64(pk, "kismet.gps.connected", d->link != NULL ? d->up :
	    d->state != GPS_ST_STARTING);
	pk_kv_u64(pk, "kismet.gps.data_time", d->data_at / 1000000);
	pk_kv_u64(pk, "kismet.gps.signal_time", d->fix_at / 1000000);
	pk_key(pk, "kismet.gps.location");
	gps_pack_full(pk, &loc);
	pk_key(pk, "kismet.gps.last_location");
	gps_pack_full(pk, &d->prev.loc);
	pk_kv_str(pk, "osprey.gps.type", d->drv->name);
	pk_kv_str(pk, "osprey.gps.state", gps_state_names[d->state]);
	pk_kv_u64(pk, "osprey.gps.lines", d->lines);
	pk_kv_u64(pk, "osprey.gps.bad_lines", d->bad_lines);
	pk_kv_u64(pk, "osprey.gps.reports", d->reports);
	pk_kv_u64(pk, "osprey.gps.opens", d->opens);
	pk_kv_str(pk, "osprey.gps.error", d->error);
	pk_key(pk, "osprey.gps.best");
	if (g->best_dev == d)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
	pk_kv_u64(pk, "osprey.gps.stale_timeout", d->stale_usec / 1000000);
	if (f->has & GPS_HAS_SATS_USED)
		pk_kv_u64(pk, "kismet.gps.satellites_used", f->sats_used);
	if (f->has & GPS_HAS_SATS_VIS)
		pk_kv_u64(pk, "kismet.gps.satellites_visible",
		    f->sats_visible);
	if (f->has & GPS_HAS_HDOP)
		pk_kv_dbl(pk, "kismet.gps.hdop", f->hdop);
	if (f->has & GPS_HAS_VDOP)
		pk_kv_dbl(pk, "kismet.gps.vdop", f->vdop);
	if (f->has & (GPS_HAS_PREC | GPS_HAS_HDOP))
		pk_kv_dbl(pk, "kismet.gps.precision_h", f->loc.precision);
	if (f->has & GPS_HAS_PREC_V)
		pk_kv_dbl(pk, "kismet.gps.precision_v", f->precision_v);
}

void
gps_pack_all(const struct gps *g, msgpack_packer *pk)
{
	const struct gps_dev *d;

	msgpack_pack_array(pk, g->n);
	TAILQ_FOREACH(d, &g->devs, entry)
		gps_pack_dev(g, d, pk);
}

void
gps_pack_drivers(msgpack_packer *pk)
{
	size_t i, n = sizeof(gps_drivers) / sizeof(gps_drivers[0]);

	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(pk, 6);
		pk_kv_str(pk, "kismet.gps.type.class", gps_drivers[i].name);
		pk_kv_str(pk, "kismet.gps.type.description",
		    gps_drivers[i].description);
		pk_key(pk, "kismet.gps.type.priority");
		msgpack_pack_int64(pk, gps_drivers[i].priority);
		pk_kv_str(pk, "kismet.gps.type.default_name",
		    gps_drivers[i].name);
		pk_kv_u64(pk, "kismet.gps.type.singleton", 0);
		pk_key(pk, "osprey.gps.type.definable");
		if (gps_drivers[i].user)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
	}
}

void
gps_pack_track(const struct gps *g, msgpack_packer *pk)
{
	const struct gps_trackpt *pt;
	size_t i;

	msgpack_pack_map(pk, 2);
	pk_key(pk, "osprey.gps.track");
	msgpack_pack_array(pk, g->track_n);
	for (i = 0; i < g->track_n; i++) {
		pt = &g->track[(g->track_head + i) % GPS_TRACK_MAX];
		msgpack_pack_array(pk, 4);
		msgpack_pack_double(pk, pt->lon);
		msgpack_pack_double(pk, pt->lat);
		msgpack_pack_double(pk, pt->alt);
		msgpack_pack_uint32(pk, pt->t);
	}
	pk_kv_u64(pk, "osprey.gps.track_max", GPS_TRACK_MAX);
}
