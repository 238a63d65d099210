/* SPDX-License-Identifier: ISC */
/*
 * \summary: device queries for the web bridge: select once, send in slices
 *
 * A DEVICES_REQ picks its devices (by change time, key, MAC, AP view,
 * phy, source, clients of an AP or access points related to one) and
 * keeps only their (phy, MAC) keys: device pointers do not survive the
 * packets handled between two slices, keys do.  Each slice looks the
 * devices up again (one that went away meanwhile is skipped) and packs
 * them with the tracker's record writer until the slice is near its
 * byte target.
 *
 * A request by change time or for the whole table walks the tracker's
 * change list; with a time budget (ctldev_set_budget) that walk too is
 * taken in steps, one per slice, so a dump of 100,000 devices never
 * holds the loop for the whole walk.  Every device there when the walk
 * ends comes out once (one that moves meanwhile is not taken twice);
 * one added meanwhile may come out too.
 */
#ifndef DAEMON_CTLDEV_H
#define DAEMON_CTLDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

struct bridge_devices_req;
struct device;
struct devrec_opts;
struct tracker;
struct ctldev;

/* At most this many devices in one query (a cap far above real use). */
#define CTLDEV_MAX		(4 * 1024 * 1024)

/* seenby for a request that names no source, or one that does not exist. */
#define CTLDEV_ANY_SOURCE	(-1)
#define CTLDEV_NO_SOURCE	(-2)

/*
 * Select the devices of r in tr now: seenby is the number of the source
 * r->seenby names (the caller resolves the uuid), or one of the two
 * above.  The answer's timestamp (the next "since" for a poller) is
 * taken at the same moment.  Never NULL.
 */
struct ctldev	*ctldev_new(const struct tracker *tr,
		    const struct bridge_devices_req *r, int64_t seenby);
/*
 * A query of the n devices given, in that order (a page devview
 * selected), with the timestamp of now.  Never NULL.
 */
struct ctldev	*ctldev_new_list(const struct tracker *tr,
		    const struct device *const *devs, size_t n);
void		 ctldev_free(struct ctldev *);

/*
 * Pack the next devices as consecutive maps into sb (appended) until it
 * holds about target bytes more or the selection is exhausted.  Returns
 * the number of devices packed.
 */
size_t		 ctldev_slice(struct ctldev *, const struct tracker *tr,
		    msgpack_sbuffer *sb, size_t target,
		    const struct devrec_opts *opts);

/*
 * Also end each slice once it has taken usec of the clock (0, the
 * default: no bound), so that a slice of large records does not hold
 * packets up for longer than that.
 */
void		 ctldev_set_budget(struct ctldev *, uint64_t usec);

/* True once every selected device has been packed or skipped. */
bool		 ctldev_done(const struct ctldev *);

/* The timestamp and the count for DEVICES_END. */
double		 ctldev_timestamp(const struct ctldev *);
uint64_t	 ctldev_sent(const struct ctldev *);

#endif
