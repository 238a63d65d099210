/* SPDX-License-Identifier: ISC */
/*
 * \summary: the remote capture listener (helpers started with --connect)
 *
 * A sensor runs a capture helper with --connect HOST:PORT; it dials this
 * listener and announces its source with KDSNEWSOURCE {definition,
 * sourcetype, uuid}.  Until it has, the connection is pending: it is
 * pinged, and dropped with one log line when it sends anything else, bad
 * frames, or nothing for the announce timeout.  Once announced, the
 * connection becomes a remote source of the datasource manager (which
 * resumes the record of a sensor that comes back with the same UUID).
 */
#ifndef DAEMON_REMOTE_H
#define DAEMON_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#define REMOTE_MAX_PENDING	64

struct event_base;
struct datasource_mgr;
struct remote;

/*
 * Listen on addr:port (port 0 picks a free one, see remote_port) and
 * hand announced sensors to mgr.  Returns the listener, or NULL with a
 * reason ("127.0.0.1:3501: Address already in use") in err.
 */
struct remote	*remote_new(struct event_base *, struct datasource_mgr *,
		    const char *addr, uint16_t port, uint64_t timeout_ms,
		    char *err, size_t errlen);

/* Stop listening and drop pending connections; NULL is a no-op. */
void		 remote_free(struct remote *);

/* The port listened on (the one chosen when 0 was asked for). */
uint16_t	 remote_port(const struct remote *);

/* Connections accepted that have not announced a source yet. */
size_t		 remote_pending(const struct remote *);

#endif
