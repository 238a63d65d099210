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
 * counted, never queued.  The backlog keeps the newest ALERTS_BACKLOG
 * alerts; each raised alert also goes to the message bus (level ALERT),
 * as Kismet does.
 */
#ifndef DAEMON_ALERTS_H
#define DAEMON_ALERTS_H

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
};

struct alerts_raise {
	const char	*name;		/* a defined alert */
	const char	*text;
	const char	*bssid, *source, *dest, *other;	/* MACs or NULL */
	const char	*channel;
	const char	*device_key;	/* the device it is about, or NULL */
	double		 now;		/* epoch seconds */
};

/* An empty set that posts raised alerts to bus (may be NULL). */
struct alerts	*alerts_new(struct msgbus *bus);
void		 alerts_free(struct alerts *);

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

#endif
