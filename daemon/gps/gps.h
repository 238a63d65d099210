/* SPDX-License-Identifier: ISC */
/*
 * \summary: the GPS layer: every configured receiver and the best fix
 *
 * Receivers are configured as Kismet's are, one gps= line each
 * ("TYPE:opt=val,..."), or added and removed through the REST API:
 *
 *   gpsd:host=H,port=P      gpsd's JSON reports (TPV, SKY)
 *   serial:device=D,baud=B  NMEA from a receiver on a serial port
 *   tcp:host=H,port=P       NMEA over TCP (phone apps)
 *   virtual:lat=..,lon=..[,alt=..]   a fixed position
 *   web                     positions a logged-in browser posts
 *
 * plus one data-only entry per remote sensor that sends its own position
 * with its packets.  Common options: name, priority (higher wins among
 * equal fixes), reconnect, data_only, stale_timeout and lost_timeout
 * (seconds without a position before a fix is stale, then forgotten).
 *
 * gpsd, serial and tcp receivers are opened by the osprey_gps helper
 * through the launcher (gpslink.h), because the core cannot open
 * anything once it is locked down; the lines the helper forwards are
 * parsed here (nmea.h, gpsdjson.h).
 *
 * The best fix (gps_best()) is the one packets get: among receivers that
 * are not data-only and have a fresh fix, 3D beats 2D, then the higher
 * priority, then the newer fix.  It is recomputed when a fix changes, so
 * stamping a packet is a copy.  Changes of a receiver's state (a fix, a
 * stale fix, no fix, a lost or refused link) are told once each, on the
 * log and the message bus.
 */
#ifndef DAEMON_GPS_H
#define DAEMON_GPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "packet.h"

struct event_base;
struct gps;
struct gps_dev;
struct msgbus;
struct proc;

#define GPS_MAX_DEVS		32	/* receivers, remote ones included */
#define GPS_NAME_MAX		64
#define GPS_TRACK_MAX		3600	/* points of the sensor's track */
#define GPS_STALE_DEFAULT_S	5
#define GPS_LOST_DEFAULT_S	30

struct gps_deps {
	struct event_base	*base;
	struct proc		*proc;		/* runs osprey_gps */
	struct msgbus		*bus;
};

/* A GPS layer with no receiver; it runs a once-a-second timer. */
struct gps	*gps_new(const struct gps_deps *);
void		 gps_free(struct gps *);

/*
 * Check a definition without adding it (start-up, before anything runs).
 * Returns 0, or -EINVAL with the reason in err.
 */
int		 gps_check(const char *definition, char *err, size_t errlen);

/*
 * Add a receiver and start it.  Returns 0 (and *ret when ret is not
 * NULL), -EINVAL for a bad definition, -EEXIST for a uuid already used,
 * -ENOSPC past GPS_MAX_DEVS; the reason is in err.
 */
int		 gps_add(struct gps *, const char *definition,
		    const struct gps_dev **ret, char *err, size_t errlen);

/* Remove a receiver by uuid: 0, or -ENOENT with the reason in err. */
int		 gps_remove(struct gps *, const char *uuid, char *err,
		    size_t errlen);

/*
 * A position from a browser for the web receiver called name (NULL or
 * "": the first web receiver).  Returns 0 (and *ret), -ENOENT when there
 * is no such receiver, -EINVAL for coordinates out of range.
 */
int		 gps_web_update(struct gps *, const char *name, double lat,
		    double lon, const double *alt, const double *speed_kmh,
		    const struct gps_dev **ret, char *err, size_t errlen);

/*
 * A packet from a remote sensor came with its own position: keep the
 * sensor as a data-only receiver (named after the source) so that
 * /gps/all_gps shows it.
 */
void		 gps_remote_seen(struct gps *, const char *source_uuid,
		    const char *source_name, const struct packet_loc *loc);

/* The best fix now (fix 0 when there is none). */
const struct packet_loc *gps_best(const struct gps *);

/* Give p the best fix when it has no location of its own. */
static inline void
gps_locate(const struct gps *g, struct packet_loc *loc)
{
	const struct packet_loc *b;

	if (loc->fix >= 2 || (b = gps_best(g))->fix < 2)
		return;
	*loc = *b;
}

/*
 * The receivers in the order they were added, remote ones included:
 * the first after prev (NULL: the first), or NULL after the last.
 */
const struct gps_dev *gps_next(const struct gps *,
		    const struct gps_dev *prev);

/*
 * A receiver's position as /gps/all_gps.json shows it: its fix while
 * it has one (fresh or stale), else fix 0.
 */
void		 gps_dev_location(const struct gps_dev *, struct packet_loc *);

/* How many receivers there are (remote ones included). */
size_t		 gps_count(const struct gps *);

/*
 * REST answers, as msgpack: /gps/location.json (the best fix, Kismet's
 * location record), /gps/all_gps.json (every receiver), one receiver,
 * /gps/drivers.json (the types) and osprey's /gps/track.json (where the
 * sensor has been).
 */
void		 gps_pack_location(const struct gps *, msgpack_packer *);
void		 gps_pack_all(const struct gps *, msgpack_packer *);
void		 gps_pack_dev(const struct gps *, const struct gps_dev *,
		    msgpack_packer *);
void		 gps_pack_drivers(msgpack_packer *);
void		 gps_pack_track(const struct gps *, msgpack_packer *);

/*
 * Feed one line to a receiver's parser as if its helper had sent it
 * (tests and fuzzing; the uuid names the receiver).  Returns 0,
 * -ENOENT for no such receiver, or the parser's error.
 */
int		 gps_feed(struct gps *, const char *uuid, const char *line,
		    size_t len);

/* Run the once-a-second checks now (tests): staleness, the track. */
void		 gps_tick(struct gps *, uint64_t now_usec);

/* The state of a receiver, for tests: "fix", "stale", "no fix", ... */
const char	*gps_dev_state(const struct gps *, const char *uuid);

#endif
