/* SPDX-License-Identifier: ISC */
/*
 * \summary: the device tracker: every device by (phy, MAC), changes in order
 *
 * tracker_update() is called once per decoded packet and classifies the
 * frame's addresses into devices (doc/devices.md has the rules).  The
 * table is an open-addressing hash of (phy, MAC) keys; a device seen
 * again costs one probe and no allocation.
 *
 * Change index: every device sits on one list ordered by its last move
 * (mod_seq, a counter, and pos_usec, the tracker clock then); mod_usec is
 * its last change.  A change moves the device to the tail unless it moved
 * less than TRACKER_INDEX_GRANULE_USEC ago, so a busy device is not
 * unlinked and relinked on every packet.  "Devices changed since T" walks
 * back from the tail until it is a granule before T: the cost is the
 * answer plus the devices that changed in the granule before T.  The head
 * is the device unchanged for longest (to within a granule): the one
 * evicted when tracker_max_devices is reached, and the first to time
 * out.
 *
 * Clock: the tracker's time is what the caller says it is
 * (tracker_set_clock, usually wall time from the event loop), or, with
 * packet_clock set, the newest capture timestamp seen (batch runs over
 * old captures, tests).  It never goes backwards.
 *
 * Pointers to devices stay valid until the next tracker_update(),
 * tracker_set_clock() or tracker_expire(), which may evict or expire.
 */
#ifndef DAEMON_TRACKER_H
#define DAEMON_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct device;
struct oui_db;
struct packet;
struct tracker;

#define TRACKER_DEDUP_WINDOW_USEC	100000	/* default: 100 ms */
#define TRACKER_DEDUP_SLOTS		16384	/* recent frames remembered */
#define TRACKER_MIN_MAX_DEVICES		4	/* a packet touches up to 3 */
#define TRACKER_INDEX_GRANULE_USEC	1000000	/* see "Change index" */
#define TRACKER_MAX_CLOCKS		64	/* sources with a clock kept */

struct tracker_config {
	size_t		 max_devices;	/* tracker_max_devices; 0 = no cap */
	uint32_t	 device_timeout; /* tracker_device_timeout, seconds
					    without a change; 0 = never */
	uint32_t	 dedup_window_usec; /* 0 = count every copy */
	const struct oui_db *oui;	/* manufacturer names; may be NULL */
	bool		 packet_clock;	/* capture time drives the clock */
};

struct tracker_stats {
	uint64_t	 packets;	/* tracker_update() calls */
	uint64_t	 errors;	/* ignored: p->error set */
	uint64_t	 dups;		/* same frame from another source */
	uint64_t	 created;
	uint64_t	 evicted;	/* over max_devices */
	uint64_t	 expired;	/* device_timeout */
	uint64_t	 capped;	/* dropped at a DEVICE_MAX_* cap */
	size_t		 devices;
	size_t		 table_bytes;	/* the hash table and dedup ring */
};

/*
 * Frames found to be another source's copy so far (stats.dups, without
 * filling the whole stats): it goes up in tracker_update() for a copy.
 */
uint64_t tracker_dups(const struct tracker *);

/* Defaults: no cap, no timeout, 100 ms dedup window, no OUI db. */
void	 tracker_config_default(struct tracker_config *);

/*
 * A new, empty tracker.  The config is copied; the OUI db (not owned)
 * must outlive the tracker.  max_devices below TRACKER_MIN_MAX_DEVICES
 * (other than 0) is raised to it.  Never NULL.
 */
struct tracker	*tracker_new(const struct tracker_config *);

/* Free the tracker and every device. */
void	 tracker_free(struct tracker *);

/*
 * Account one decoded packet to the devices it involves.  Packets with
 * p->error set are counted in the stats and nothing else.  A frame whose
 * bytes match one another source delivered within the dedup window only
 * updates the transmitter's seen-by entry for this source.
 */
void	 tracker_update(struct tracker *, const struct packet *p);

/*
 * Move the clock to now_usec (ignored if earlier than the current clock)
 * and expire devices past the timeout.
 */
void	 tracker_set_clock(struct tracker *, uint64_t now_usec);
uint64_t tracker_clock(const struct tracker *);

/* The newest capture second of a packet tracked, 0 before any. */
uint32_t tracker_capture_time(const struct tracker *);

/*
 * The "now" of d's histories (rrd.h): the newest capture second of the
 * sources that heard it, so that a capture replayed beside a live radio
 * (or a sensor with its clock off) is read by its own clock; the newest
 * of all for a device no source heard, or past TRACKER_MAX_CLOCKS
 * sources.
 */
uint32_t tracker_device_now(const struct tracker *,
	    const struct device *d);

/* Remove devices unchanged for device_timeout; returns how many. */
size_t	 tracker_expire(struct tracker *);

/*
 * Count an alert against the device (phy, mac), a change of the device;
 * returns false when there is no such device.
 */
bool	 tracker_note_alert(struct tracker *, uint8_t phy,
	    const uint8_t mac[6]);

/* Lookups; NULL when unknown. */
const struct device *tracker_find(const struct tracker *, uint8_t phy,
	    const uint8_t mac[6]);
const struct device *tracker_find_key(const struct tracker *,
	    const char *key);

/*
 * The devices with this MAC on any phy, up to max of them into ret;
 * returns how many there are.
 */
size_t	 tracker_find_mac(const struct tracker *, const uint8_t mac[6],
	    const struct device **ret, size_t max);

/* The change list: oldest change first.  NULL past either end. */
const struct device *tracker_first(const struct tracker *);
const struct device *tracker_last(const struct tracker *);
const struct device *tracker_next(const struct device *);
const struct device *tracker_prev(const struct device *);

/*
 * The first device, in list order, changed after clock time usec; the
 * next one with tracker_next_changed().  NULL when there is none.
 */
const struct device *tracker_changed_since(const struct tracker *,
	    uint64_t usec);
const struct device *tracker_next_changed(const struct device *,
	    uint64_t usec);

/*
 * The first device that moved after change number seq; follow with
 * tracker_next().  The cost is the length of the answer.
 */
const struct device *tracker_changed_after_seq(const struct tracker *,
	    uint64_t seq);

/* The newest change number handed out (0 before any). */
uint64_t tracker_seq(const struct tracker *);

/*
 * How many devices were ever removed (evicted or expired).  A pointer
 * taken when this was n is still valid while it is still n.
 */
uint64_t tracker_removals(const struct tracker *);

size_t	 tracker_count(const struct tracker *);
void	 tracker_stats(const struct tracker *, struct tracker_stats *ret);

/* The configuration in force (its oui is what devrec.c names from). */
const struct tracker_config *tracker_config(const struct tracker *);

#endif
