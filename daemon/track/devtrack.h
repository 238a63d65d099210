/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's device tracking: config, clock, expiry, JSON dump
 *
 * The core holds one device tracker (daemon/track/tracker.h).  This module
 * builds it from the config (tracker_max_devices, tracker_device_timeout,
 * ouifile=), loads the manufacturer registry before the core locks down
 * (the sandbox forbids reading files later), keeps the tracker's clock
 * moving and expires devices once a second on the event loop when no
 * packet does it, and writes every device as JSON for --devices-json.
 *
 * The per-packet stage is packet.c's: packet_ctx_set_tracker() hands the
 * tracker to the pipeline, which sets its clock once per loop pass.
 */
#ifndef DAEMON_DEVTRACK_H
#define DAEMON_DEVTRACK_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct devrec_opts;
struct devtrack;
struct event_base;
struct oui_db;
struct tracker;

/* How often devices past the timeout are looked for without packets. */
#define DEVTRACK_EXPIRE_MS	1000

/* What devtrack_new() found, for the one start-up log line. */
struct devtrack_info {
	size_t		 max_devices;	/* 0: no cap */
	uint32_t	 device_timeout; /* seconds, 0: never */
	size_t		 oui_prefixes;	/* 0: no manufacturer names */
	char		 oui_source[256]; /* the ouifile, or the ieee-data
					    dir (cut to fit) */
	int		 oui_error;	/* -errno when the default failed */
};

/*
 * Read the tracker keys of cfg, load the OUI registry and make the
 * tracker, whose expiry timer runs on base (NULL: no timer, for tests).
 * A bad value or an unreadable ouifile= is an error: -EINVAL or -errno
 * with "file:line: key: reason" in err.  A missing default registry is
 * not (names are then "Unknown"; info->oui_error says why).  Returns 0
 * and the new tracking in *ret.
 */
int	 devtrack_new(struct event_base *base, const struct config *cfg,
	    struct devtrack **ret, struct devtrack_info *info, char *err,
	    size_t errlen);

/* Stop the timer, free the tracker, its devices and the registry. */
void	 devtrack_free(struct devtrack *);

/* The tracker, owned by the devtrack. */
struct tracker *devtrack_tracker(struct devtrack *);

/*
 * Write every device of tr to fd as a JSON array, one device record a
 * line (the msgpack maps of devrec.c rendered by common/mpjson: what
 * /devices/all_devices.json gives), oldest change first, and close fd.
 * Returns the number of devices written, or -errno when a write failed.
 */
int64_t	 devtrack_write_json(const struct tracker *tr, int fd,
	    const struct devrec_opts *opts);

#endif
