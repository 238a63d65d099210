/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's end of the web bridge: runs osprey_web, answers it
 *
 * The core starts the web worker with one end of a socketpair, sends it
 * its settings (BRIDGE_CONFIG), and answers its questions from the
 * datasource manager, the device tracker and the message bus
 * (doc/bridge.md).  Device dumps go out a slice per request from the web,
 * each near BRIDGE_SLICE_TARGET bytes, so that a dump of tens of
 * thousands of devices never keeps the loop from packets for long.  If
 * the worker dies, talks nonsense or stops answering PINGs it is killed
 * and started again, after 1 s, then 2, 4 ... up to 30 s while it keeps
 * failing; capture and tracking carry on meanwhile.  Why it stopped (its
 * FATAL message, the core's reason, or its exit status) goes to the log,
 * the message bus and /system/status.
 */
#ifndef DAEMON_CONTROL_H
#define DAEMON_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct alerts;
struct devnames;
struct event_base;
struct gps;
struct control;
struct pcaplog;
struct pktstats;
struct datasource_mgr;
struct kislog;
struct msgbus;
struct packet_ctx;
struct proc;
struct tracker;

/* Frames pending towards the web before PACKETs are dropped. */
#define CONTROL_PACKET_BACKLOG	(1024 * 1024)
#define CONTROL_RESPAWN_MIN_MS	1000
#define CONTROL_RESPAWN_MAX_MS	30000
/* A worker that ran this long resets the backoff. */
#define CONTROL_STABLE_MS	60000
/*
 * Liveness: a PING every CONTROL_PING_MS once the worker said HELLO; no
 * HELLO, or no PONG, for CONTROL_PONG_TIMEOUT_MS and it is killed and
 * replaced (control_deps can set both).
 */
#define CONTROL_PING_MS		5000
#define CONTROL_PONG_TIMEOUT_MS	15000
/* Longest reason kept for a worker that stopped. */
#define CONTROL_REASON_MAX	256

struct control_deps {
	struct event_base	*base;
	struct proc		*proc;		/* runs it, via the launcher */
	struct datasource_mgr	*sources;
	struct packet_ctx	*packets;
	struct msgbus		*bus;
	struct tracker		*tracker;	/* NULL: no device data (503) */
	struct kislog		*kislog;	/* NULL: no kismetdb log */
	uint64_t		 started;	/* epoch seconds */
	struct alerts		*alerts;	/* NULL: none defined, ever */
	struct devnames		*names;		/* users' names and tags */
	struct pktstats		*stats;		/* packet histories */
	struct pcaplog		*log;		/* the packet log, or NULL */
	const char		*log_path;	/* its file (borrowed) */
	uint64_t		 ping_ms;	/* 0: CONTROL_PING_MS */
	uint64_t		 pong_timeout_ms; /* 0: CONTROL_PONG_TIMEOUT_MS */
	struct gps		*gps;		/* the GPS layer, or NULL */
};

/*
 * A bridge that will run osprey_web (through the launcher) with the n
 * settings (keys[i]=values[i], copied) as its CONFIG.  Nothing runs until
 * control_start().  Never NULL.
 */
struct control	*control_new(const struct control_deps *,
		    const char *const *keys, const char *const *values,
		    size_t n);

/*
 * Ask for the worker now.  Returns 0, or a negative errno when the
 * request cannot be sent; a failed start or a later death is retried
 * with backoff.
 */
int		 control_start(struct control *);

/*
 * Stop the worker (SIGTERM), drop the bridge and the packet tap, free.
 * Replies the datasource manager still owes are dropped when they come.
 * NULL is a no-op.
 */
void		 control_free(struct control *);

/* Counters for the status answer and tests. */
struct control_stats {
	unsigned	 spawns;
	unsigned	 hung;		/* killed for not answering */
	uint64_t	 requests;
	uint64_t	 packets_sent;
	uint64_t	 packets_dropped;	/* over CONTROL_PACKET_BACKLOG */
};
void		 control_get_stats(const struct control *,
		    struct control_stats *);

#endif
