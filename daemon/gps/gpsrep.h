/* SPDX-License-Identifier: ISC */
/*
 * \summary: what a GPS said in one sentence or report, before it is merged
 *
 * The NMEA parser (nmea.h) and the gpsd JSON parser (gpsdjson.h) turn one
 * line into a struct gps_report whose has bits say which fields it
 * carries; the GPS layer (gps.h) merges reports into a receiver's
 * current fix.  A report never claims a field it did not read.
 */
#ifndef DAEMON_GPSREP_H
#define DAEMON_GPSREP_H

#include <stdint.h>

enum gps_has {
	GPS_HAS_FIX		= 1 << 0,	/* fix: 1 none, 2 2D, 3 3D */
	GPS_HAS_POS		= 1 << 1,	/* lat, lon */
	GPS_HAS_ALT		= 1 << 2,	/* alt, metres (sea level) */
	GPS_HAS_SPEED		= 1 << 3,	/* speed, km/h */
	GPS_HAS_HEADING		= 1 << 4,	/* heading, degrees true */
	GPS_HAS_PREC		= 1 << 5,	/* precision, metres */
	GPS_HAS_PREC_V		= 1 << 6,	/* precision_v, metres */
	GPS_HAS_HDOP		= 1 << 7,
	GPS_HAS_VDOP		= 1 << 8,
	GPS_HAS_SATS_USED	= 1 << 9,
	GPS_HAS_SATS_VIS	= 1 << 10,
	GPS_HAS_TIME		= 1 << 11,	/* time_usec, UTC */
};

struct gps_report {
	uint32_t	 has;		/* enum gps_has bits */
	uint8_t		 fix;
	uint8_t		 sats_used, sats_visible;
	double		 lat, lon, alt;
	double		 speed, heading;
	double		 precision, precision_v;
	double		 hdop, vdop;
	uint64_t	 time_usec;
};

/*
 * Pseudorange error used to turn a dilution of precision into metres
 * when the receiver gives no error estimate of its own.
 */
#define GPS_UERE_M		4.0

#endif
