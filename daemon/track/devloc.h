/* SPDX-License-Identifier: ISC */
/*
 * \summary: where a device was heard: Kismet's location record
 *
 * A device heard while the sensor had a fix gets a struct devloc, made
 * on the first such packet; a device never heard with a fix carries only
 * the NULL pointer to it (8 bytes).  The record keeps what Kismet's
 * kismet.common.location does: the last location, the bounding box
 * (min_loc, max_loc), the running average (avg_loc, averaged as unit
 * vectors so that it behaves across the antimeridian) and the best fix
 * seen (loc_fix); and the location of the strongest signal, which Kismet
 * keeps in the signal record as peak_loc.
 *
 * Locations are the sensor's, not the device's: an average over a drive
 * around a device is the best guess osprey has of where it is.
 */
#ifndef DAEMON_DEVLOC_H
#define DAEMON_DEVLOC_H

#include <stdbool.h>
#include <stdint.h>

#include <msgpack.h>

struct device;
struct packet_loc;

/* One point: a corner of the box, the average, the peak, the last. */
struct devloc_point {
	double		 lat, lon;
	float		 alt;
	uint8_t		 fix;
	uint64_t	 time_usec;	/* of the fix; 0 for the box */
};

struct devloc {
	struct devloc_point last;
	float		 last_speed, last_heading;
	struct devloc_point min, max;	/* lat, lon, alt (3D fixes) */
	struct devloc_point peak;	/* where the signal was strongest */
	int8_t		 peak_signal;
	bool		 has_peak;
	bool		 has_alt_box;
	uint8_t		 loc_fix;	/* best fix seen */
	double		 agg_x, agg_y, agg_z;	/* sum of unit vectors */
	double		 agg_alt;		/* sum of 3D altitudes */
	uint32_t	 n_avg, n_alt;
	uint64_t	 avg_time_usec;
};

/*
 * Fold in a location d was heard from (loc->fix 2 or 3; anything less is
 * ignored), with the packet's signal in dBm when sig is not NULL.  The
 * record is allocated on first use.
 */
void	devloc_add(struct device *d, const struct packet_loc *loc,
	    const int8_t *sig);

/* The running average as a point. */
void	devloc_avg(const struct devloc *, struct devloc_point *ret);

/* Heap bytes of the record (0 for NULL). */
size_t	devloc_bytes(const struct devloc *);

/*
 * Pack a point as Kismet's location map: geopoint [lon, lat], alt, fix,
 * and time_sec/time_usec when with_time; speed and heading when
 * speed_heading is not NULL (a "full" location, 2 floats).
 */
void	devloc_pack_point(msgpack_packer *, const struct devloc_point *,
	    bool with_time, const float *speed_heading);

/* Pack the record as kismet.device.base.location's map. */
void	devloc_pack(msgpack_packer *, const struct devloc *);

#endif
