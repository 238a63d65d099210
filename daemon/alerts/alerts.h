/* SPDX-License-Identifier: ISC */
/*
 * \summary: alert definitions and the backlog of raised alerts
 *
 * The REST API's alert endpoints (/alerts/...) read this module; the
 * alert engine (802.11 intrusion checks) will define its alerts and
 * raise them here through the same two calls the API uses for custom
 * alerts, define_alert.cmd and raise_alerts.cmd.  A definition carries
 * Kismet's rate limits: at most limit_rate alerts per limit_unit and at
 * most limit_burst per burst_unit; a raise over either is refused and
 * counted, never queued.  The backlog keeps the newest alertbacklog
 * alerts (ALERTS_BACKLOG by default); each raised alert also goes to the
 * message bus (level ALERT), as Kismet does, and to the hook the core
 * sets (the device's alert count, the kismetdb log).
 *
 * Every alert that passes gets an id, counted from 1, for
 * /alerts/by-id/ID/alert.json; the frame that raised it (if any, cut at
 * ALERTS_PACKET_MAX bytes) stays with it while it is in the backlog.
 * Times are the caller's: the capture time of the frame for the 802.11
 * checks, so that a file replayed fast meets the limits it would have
 * met on the air (doc/alerts.md).
 */
#ifndef DAEMON_ALERTS_H
#define DAEMON_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

struct alerts;
struct msgbus;

#define ALERTS_BACKLOG		50	/* Kismet's default alert_backlog */
#define ALERTS_MAX_DEFS		1024
#define ALERTS_NAME_MAX		64
#define ALERTS_TEXT_MAX		1024
#define ALERTS_RATE_MAX		1000	/* per unit, either limit */
#define ALERTS_BACKLOG_MAX	100000	/* alertbacklog= at most */
#define ALERTS_PACKET_MAX	2048	/* bytes of a frame kept */
#define ALERTS_CLASS_MAX	16

/* Kismet's severities. */
enum alerts_severity {
	ALERTS_INFO = 0,
	ALERTS_LOW = 5,
	ALERTS_MEDIUM = 10,
	ALERTS_HIGH = 15,
	ALERTS_CRITICAL = 20,
};

/* Kismet's limit units ("10/min"). */
enum alerts_unit {
	ALERTS_SECOND = 0,
	ALERTS_MINUTE,
	ALERTS_HOUR,
	ALERTS_DAY,
};

struct alerts_def {
	const char	*name;		/* letters, digits, _ and - */
	const char	*description;
	const char	*phyname;	/* NULL or "" for every phy */
	const char	*throttle;	/* "N/unit"; NULL: 10/min */
	const char	*burst;		/* "N/unit"; NULL: 1/sec */
	const char	*aclass;	/* DENIAL, EXPLOIT, SPOOF, ...;
					   NULL: OTHER */
	unsigned	 severity;	/* enum alerts_severity */
};

struct alerts_raise {
	const char	*name;		/* a defined alert */
	const char	*text;
	const char	*bssid, *source, *dest, *other;	/* MACs or NULL */
	const char	*channel;
	const char	*device_key;	/* the device it is about, or NULL */
	double		 now;		/* epoch seconds */
	/* Optional: where and on what it was heard, and the frame. */
	double		 frequency;	/* kHz, 0 unknown */
	bool		 has_loc;
	double		 lat, lon, alt;
	const uint8_t	*packet;	/* as captured, with its radio header */
	size_t		 packet_len;
	uint32_t	 dlt;
};

/* What the hook learns of an alert that passed its limits. */
struct alerts_event {
	uint64_t	 id;
	const char	*name;
	const char	*text;
	const char	*device_key;	/* "" when none */
	const char	*transmitter;	/* "AA:BB:..." */
	const char	*phyname;	/* "IEEE802.11" or "any" */
	double		 ts;
	const void	*record;	/* msgpack map, as alert.json has it */
	size_t		 record_len;
};

struct config;

/* An empty set that posts raised alerts to bus (may be NULL). */
struct alerts	*alerts_new(struct msgbus *bus);
void		 alerts_free(struct alerts *);

/* Call hook for every alert raised from now on (NULL: none). */
void	alerts_set_hook(struct alerts *,
	    void (*hook)(const struct alerts_event *, void *), void *arg);

/*
 * Read alertbacklog= and every alert=NAME,RATE[,BURST] line of cfg (for
 * alerts already defined; a name not defined is warned about and
 * skipped, as Kismet does for alerts it lacks).  Returns 0, or -EINVAL
 * with "file:line: reason" in err.
 */
int	alerts_config(struct alerts *, const struct config *cfg, char *err,
	    size_t errlen);

/* Keep the newest n alerts (1 to ALERTS_BACKLOG_MAX); 0 or -EINVAL. */
int	alerts_set_backlog(struct alerts *, size_t n);

/* Change the limits of a defined alert; 0, -ENOENT or -EINVAL. */
int	alerts_set_limits(struct alerts *, const char *name,
	    const char *throttle, const char *burst);

/* Alerts raised and refused (over their limits) since the start. */
uint64_t alerts_total(const struct alerts *, const char *name);
uint64_t alerts_throttled(const struct alerts *, const char *name);

/*
 * Define an alert.  Returns 0, -EEXIST when the name is taken, -EINVAL
 * for a bad name, rate or MAC (why in err), -ENOSPC past ALERTS_MAX_DEFS.
 */
int	alerts_define(struct alerts *, const struct alerts_def *, char *err,
	    size_t errlen);

/*
 * Raise an alert.  Returns 0, -ENOENT for a name not defined, -EINVAL
 * for a bad MAC or text, -EDQUOT when a rate limit holds it back (counted
 * in the definition's throttled total).
 */
int	alerts_raise(struct alerts *, const struct alerts_raise *, char *err,
	    size_t errlen);

/* Parse "N/unit" (unit sec, min, hour, day); 0 or -EINVAL. */
int	alerts_parse_rate(const char *s, uint32_t *ret_n,
	    enum alerts_unit *ret_unit);

/* Pack the definitions as an array of Kismet definition objects. */
void	alerts_pack_definitions(const struct alerts *, msgpack_packer *);

/* How many backlog alerts were raised after since (epoch seconds). */
size_t	alerts_count_since(const struct alerts *, double since);

/* Pack those alerts, oldest first, as that many Kismet alert objects. */
void	alerts_pack_since(const struct alerts *, double since,
	    msgpack_packer *);

/*
 * Pack alert id (with the frame that raised it, as osprey.alert.packet)
 * if it is still in the backlog; 0 or -ENOENT (nothing packed).
 */
int	alerts_pack_by_id(const struct alerts *, uint64_t id,
	    msgpack_packer *);

#endif
