/* SPDX-License-Identifier: ISC */
/*
 * \summary: gpsd's JSON reports, one line at a time
 *
 * After "?WATCH={"enable":true,"json":true}" gpsd sends one JSON object
 * a line, named by its "class" member (gpsd_json(5)):
 *
 *     {"class":"TPV","mode":3,"time":"2023-11-14T22:13:20.000Z",
 *      "lat":48.8584,"lon":2.2945,"altMSL":35.0,"speed":12.5,
 *      "track":90.0,"eph":4.2,"epv":6.1}
 *     {"class":"SKY","hdop":0.9,"vdop":1.2,
 *      "satellites":[{"PRN":5,"used":true},...]}
 *
 * TPV gives the fix (mode 1 none, 2, 3), position, altitude ("altMSL",
 * or the older "alt"), speed in m/s, track, and the error estimates eph
 * and epv in metres; SKY gives DOPs and satellites.  VERSION, DEVICES,
 * WATCH and ERROR are recognised for the log; the rest are ignored.
 */
#ifndef DAEMON_GPSDJSON_H
#define DAEMON_GPSDJSON_H

#include <stddef.h>

#include "gpsrep.h"

/* gpsd's own bound on a report, with room for a long SKY. */
#define GPSDJSON_LINE_MAX	16384

enum gpsdjson_class {
	GPSDJSON_OTHER = 0,
	GPSDJSON_TPV,
	GPSDJSON_SKY,
	GPSDJSON_VERSION,
	GPSDJSON_DEVICES,
	GPSDJSON_WATCH,
	GPSDJSON_ERROR,
};

/*
 * Parse one line (len bytes, no NUL needed; a trailing CR LF is fine).
 * Returns 0 with *ret_class set and, for TPV and SKY, *ret filled (its
 * has bits say what the report held); for VERSION and ERROR the release
 * or the message is written to text (textlen bytes, may be cut).
 * Returns -EBADMSG for anything that is not one JSON object with a
 * string "class" (or a NUL byte, or a TPV with a mode or coordinate out
 * of range), -EMSGSIZE for a line over GPSDJSON_LINE_MAX.
 */
int	gpsdjson_parse(const char *line, size_t len, struct gps_report *ret,
	    enum gpsdjson_class *ret_class, char *text, size_t textlen);

#endif
