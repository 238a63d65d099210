/* SPDX-License-Identifier: ISC */
/*
 * \summary: the web worker's end of the bridge to the core (doc/bridge.md)
 *
 * Requests go out with a fresh seq and a callback; replies come back by
 * seq and must be of a type the request expects (a DEVICES_REQ expects
 * DEVICES_SLICE, DEVICES_END or ERROR, and so on), or the bridge is
 * judged broken.  Packets and source announcements arrive unasked while
 * a packet subscription is on.  A request the core leaves unanswered for
 * CORE_TIMEOUT_S (counted from the request or the last DEVICES_MORE, not
 * while the web itself holds back) gets a synthetic ERROR 504.
 */
#ifndef WEB_CORE_H
#define WEB_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "bridge.h"

struct event_base;
struct core;

#define CORE_TIMEOUT_S		30

/*
 * Called with each reply to a request.  m is only valid during the call.
 * After an END or ERROR (or a synthetic one when the core is lost or
 * slow) no further call comes for that seq.
 */
typedef void (*core_reply_cb)(const struct bridge_msg *m, void *arg);

struct core_hooks {
	void	(*packet)(const struct bridge_packet *, void *arg);
	void	(*packet_source)(const struct bridge_packet_source *,
		    void *arg);
	/* The bridge is gone or broken; reason is one line. */
	void	(*lost)(const char *reason, void *arg);
	void	*arg;
};

/*
 * Read the core's CONFIG message from fd, waiting at most timeout_ms.
 * Returns 0 and calls set(arg, key, value) for each setting, or a
 * negative errno (-ETIMEDOUT, -EPROTO for another first message, the
 * bridge codec's errors) with the reason in err.
 */
int	core_read_config(int fd, int timeout_ms,
	    int (*set)(void *, const char *, const char *), void *arg,
	    char *err, size_t errlen);

/* Talk to the core over fd (owned from now on).  Never NULL. */
struct core *core_new(struct event_base *, int fd, const struct core_hooks *);

/* Close the bridge and free; pending callbacks get nothing.  NULL ok. */
void	core_free(struct core *);

/* Announce the web worker: HELLO with our pid and HTTP port. */
int	core_hello(struct core *, uint32_t port);

/*
 * Requests.  Each returns 0 and *ret_seq, or -ENOTCONN when c is NULL or
 * the bridge is down, -EMSGSIZE when the request is over the cap.
 */
int	core_devices(struct core *, const struct bridge_devices_req *,
	    core_reply_cb, void *arg, uint32_t *ret_seq);
/* A page of a view, cut by the core: DEVICES_SLICEs, then PAGE_END. */
int	core_devices_page(struct core *, const struct bridge_devices_page *,
	    core_reply_cb, void *arg, uint32_t *ret_seq);
/* Ask for the next slice of a devices query or page. */
int	core_devices_more(struct core *, uint32_t seq);
int	core_sources(struct core *, const char *uuid, core_reply_cb,
	    void *arg, uint32_t *ret_seq);
int	core_source_cmd(struct core *, const struct bridge_source_cmd *,
	    core_reply_cb, void *arg, uint32_t *ret_seq);
int	core_system(struct core *, const struct bridge_system_req *,
	    core_reply_cb, void *arg, uint32_t *ret_seq);
/* Names, tags, alerts: answered by CMD_REPLY or ERROR. */
int	core_cmd(struct core *, const struct bridge_cmd *, core_reply_cb,
	    void *arg, uint32_t *ret_seq);

/*
 * A pcapng export of the kismetdb log: KISMETDB_DATA chunks, one per
 * core_kismetdb_more(), then KISMETDB_END or ERROR.
 */
int	core_kismetdb(struct core *, const struct bridge_kismetdb_req *,
	    core_reply_cb, void *arg, uint32_t *ret_seq);
int	core_kismetdb_more(struct core *, uint32_t seq);

/*
 * Forget a request: its callback is never called again.  A devices
 * query or an export still running is cancelled at the core.
 */
void	core_forget(struct core *, uint32_t seq);

/* Turn the packet feed on or off. */
int	core_packets(struct core *, bool on);

/* True while the bridge is up. */
bool	core_up(const struct core *);

#endif
