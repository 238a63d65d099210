/* SPDX-License-Identifier: ISC */
/*
 * \summary: the 802.11 intrusion checks: what the core calls per frame
 *
 * wids_new() defines every alert osprey raises itself (Kismet's names,
 * doc/alerts.md) in the alert set, reads the keys that tune the checks
 * (apspoof=, ssidcanary=, devicefound=, devicelost=, alert_detection=),
 * and wids_packet() looks at each frame after the decoders and the
 * tracker are done with it: it reads only what the decoders filled in
 * struct packet, and its own small memory of access points and
 * stations (a bounded table, cleared when full).
 *
 * Families, one file each: wids_mgmt.c (disconnections, beacons, probe
 * responses, spoofing), wids_crypto.c (encryption and handshakes),
 * wids_sigs.c (signatures of tools and exploits); wids.c holds the
 * definitions, the table, the watch lists and system alerts.
 */
#ifndef DAEMON_WIDS_H
#define DAEMON_WIDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alerts;
struct config;
struct packet;
struct tracker;
struct wids;

/*
 * Define the alerts in a and read the keys of cfg (cfg may be NULL: the
 * defaults).  Returns the detector, or NULL with "file:line: reason" in
 * err.  The alert set must outlive it.
 */
struct wids	*wids_new(struct alerts *a, const struct config *cfg,
		    char *err, size_t errlen);
void		 wids_free(struct wids *);

/* Whether alert_detection= left the 802.11 checks on. */
bool		 wids_enabled(const struct wids *);

/*
 * Look at one frame (decoded or not: a management frame whose elements
 * run past its end is a MALFORMMGMT).  tr (may be NULL) is the tracker,
 * for the device watch lists.
 */
void		 wids_packet(struct wids *, const struct packet *p);

/*
 * The clock moved to now (epoch seconds): DEVICELOST for watched devices
 * not heard for their timeout.
 */
void		 wids_tick(struct wids *, double now);

/* A datasource failed (SOURCEERROR), at now. */
void		 wids_source_error(struct wids *, const char *name,
		    const char *uuid, const char *reason, double now);

/*
 * Frames a source's helper lost in its queue (PACKETLOSS), or packets the
 * kismetdb log did not log (LOGLOSS): lost since the last call, total
 * since the start.
 */
void		 wids_packet_loss(struct wids *, const char *name,
		    const char *uuid, uint64_t lost, uint64_t total,
		    double now);
void		 wids_log_loss(struct wids *, uint64_t lost, uint64_t total,
		    double now);

/* Frames looked at, and table resets (for the exit line). */
uint64_t	 wids_frames(const struct wids *);

#endif
