/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's link to one osprey_gps helper, restarted as needed
 *
 * A link asks the launcher for osprey_gps, sends it its request line
 * ("gpsd\tHOST\tPORT", "tcp\tHOST\tPORT" or "serial\tDEVICE\tBAUD"),
 * waits for its "OK ..." or "ERR ...", then hands every line it forwards
 * to the owner.  When the helper ends (gpsd went away, the receiver was
 * unplugged, it could not open) the link says why and, when it retries,
 * starts a new helper after a delay that doubles from 1 s up to 30 s and
 * starts over once a helper has stayed up for 30 s.  Lines longer than
 * the link's maximum are dropped whole and counted.
 */
#ifndef DAEMON_GPSLINK_H
#define DAEMON_GPSLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct gpslink;
struct proc;

#define GPSLINK_RETRY_MIN_MS	1000
#define GPSLINK_RETRY_MAX_MS	30000
#define GPSLINK_OPEN_WAIT_MS	15000	/* for the helper's OK or ERR */

struct gpslink_ops {
	/* The helper opened it; what says what ("connected to ..."). */
	void	(*up)(void *arg, const char *what);
	/* One line from the receiver, without its end of line. */
	void	(*line)(void *arg, const char *line, size_t len);
	/* A line over the maximum was dropped. */
	void	(*overlong)(void *arg);
	/*
	 * The link is down: why is one line; retry_ms is when the next
	 * attempt starts, or 0 when there will be none.  was_up says
	 * whether this helper had opened it.
	 */
	void	(*down)(void *arg, const char *why, bool was_up,
		    uint64_t retry_ms);
};

/*
 * Start a link (the first helper is asked for at once).  request is
 * copied; max_line bounds a line; retry says whether to start again after
 * the helper ends.  Never NULL.
 */
struct gpslink	*gpslink_new(struct event_base *, struct proc *,
		    const char *request, size_t max_line, bool retry,
		    const struct gpslink_ops *, void *arg);

/* Stop the helper (SIGTERM) and free; NULL is a no-op. */
void		 gpslink_free(struct gpslink *);

/* Whether a helper has it open now, and how many times one did. */
bool		 gpslink_up(const struct gpslink *);
uint64_t	 gpslink_opens(const struct gpslink *);

#endif
