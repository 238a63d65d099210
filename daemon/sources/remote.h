/* SPDX-License-Identifier: ISC */
/*
 * \summary: the remote capture listener (helpers started with --connect)
 *
 * A sensor runs a capture helper with --connect HOST:PORT; it dials this
 * listener and announces its source with KDSNEWSOURCE {definition,
 * sourcetype, uuid}.  Until it has, the connection is pending: the core
 * sends it nothing, and drops it when it sends anything else, bad frames,
 * or nothing in the hello time.  Once announced, the connection becomes
 * a remote source of the datasource manager (which resumes the record of
 * a sensor that comes back with the same UUID).
 *
 * The port faces the network, so what a stranger can hold is bounded
 * (doc/reliability.md, "Remote capture"): a few pending connections per
 * address, a total that a new connection never finds full (the oldest
 * pending one of the busiest address makes room), the hello deadline,
 * and log lines about refusals and drops at most one per interval, with
 * a count.  Announced sensors are never pending, so none of this can
 * reach a sensor that is already feeding.
 */
#ifndef DAEMON_REMOTE_H
#define DAEMON_REMOTE_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct datasource_mgr;
struct remote;

struct remote_policy {
	uint64_t	 hello_ms;	/* remote_capture_hello_timeout */
	unsigned	 max_pending;	/* all addresses together */
	unsigned	 max_per_host;	/* one address (IPv6: one /64) */
	uint64_t	 log_interval_ms;	/* a refusal line at most per */
};

#define REMOTE_HELLO_MS		10000
#define REMOTE_MAX_PENDING	64
#define REMOTE_MAX_PER_HOST	8
#define REMOTE_LOG_INTERVAL_MS	10000

/* The defaults above. */
void		 remote_policy_default(struct remote_policy *);

/*
 * Listen on addr:port (port 0 picks a free one, see remote_port) and
 * hand announced sensors to mgr.  Returns the listener, or NULL with a
 * reason ("127.0.0.1:3501: Address already in use") in err.
 */
struct remote	*remote_new(struct event_base *, struct datasource_mgr *,
		    const char *addr, uint16_t port,
		    const struct remote_policy *, char *err, size_t errlen);

/* Stop listening and drop pending connections; NULL is a no-op. */
void		 remote_free(struct remote *);

/* The port listened on (the one chosen when 0 was asked for). */
uint16_t	 remote_port(const struct remote *);

/* Connections accepted that have not announced a source yet. */
size_t		 remote_pending(const struct remote *);

#endif
