/* SPDX-License-Identifier: ISC */
/*
 * \summary: NMEA 0183 sentences from a GPS receiver, one line at a time
 *
 * A sentence is "$" talker+type "," fields "*" two hex digits of
 * checksum (the XOR of every byte between "$" and "*"), then CR LF:
 *
 *     $GPGGA,221320.00,4852.3340,N,00217.6700,E,1,08,0.9,35.0,M,,,,*hh
 *      ^^ talker (GP, GN, GL, GA, BD...)   ^ fields           ^ checksum
 *
 * Read: GGA (position, altitude, quality, satellites used, HDOP), RMC
 * (position, status, speed, course, date), GSA (2D/3D mode, DOPs,
 * satellites used), VTG (course, speed) and GSV (satellites in view),
 * from any talker.  Other sentences (proprietary $P..., AIS) are valid
 * but say nothing here.  A line without a checksum, with a wrong one,
 * or with a field that does not parse is refused whole.
 *
 * NMEA spreads a fix over several sentences, so a small state carries
 * what one sentence says for the next: the GSA mode (whether a fix is 3D)
 * and the RMC date (GGA gives the time of day only).
 */
#ifndef DAEMON_NMEA_H
#define DAEMON_NMEA_H

#include <stddef.h>
#include <stdint.h>

#include "gpsrep.h"

/* Longer than NMEA's 82, for receivers that pad; longer lines are bad. */
#define NMEA_LINE_MAX		256

struct nmea {
	uint8_t		 gsa_mode;	/* last GSA mode, 0 none seen */
	uint8_t		 gsa_age;	/* position sentences since */
	uint8_t		 gga3_age;	/* since a GGA with an altitude */
	uint32_t	 date_days;	/* last RMC date, days since 1970 */
	uint64_t	 sentences;	/* good sentences parsed */
};

/* A fresh state. */
void	nmea_init(struct nmea *);

/*
 * Parse one line (len bytes, with or without its CR LF; no NUL needed).
 * Returns 1 with *ret filled when the sentence says something (its has
 * bits tell what), 0 for a good sentence that says nothing osprey uses,
 * -EBADMSG for a malformed line (no "$", no or a wrong checksum, a bad
 * field, a latitude out of range), -EMSGSIZE for a line over
 * NMEA_LINE_MAX.
 */
int	nmea_parse(struct nmea *, const char *line, size_t len,
	    struct gps_report *ret);

#endif
