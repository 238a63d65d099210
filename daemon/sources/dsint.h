/* SPDX-License-Identifier: ISC */
/*
 * \summary: what the datasource manager's files share, and no one else
 *
 * The datasource manager is one module split in four files by concern:
 * life cycle (datasource.c), helper messages (dsproto.c), channel
 * control (dschan.c) and interface listing (dslist.c).  Their common
 * internals carry the ds_ prefix and stay out of datasource.h.
 */
#ifndef DAEMON_DSINT_H
#define DAEMON_DSINT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include "datasource.h"
#include "log.h"
#include "msgbus.h"

struct ds_type {
	const char	*wire;		/* sourcetype on the wire */
	const char	*binary;	/* osprey_cap_<binary> */
	bool		 retry_default;	/* a file is not worth retrying */
};

extern const struct ds_type ds_types[];
extern const size_t ds_n_types;

struct ds_dying;
struct msg_channels;
TAILQ_HEAD(ds_dying_list, ds_dying);

struct datasource_mgr {
	struct event_base	*base;
	struct proc		*proc;
	struct msgbus		*bus;
	struct datasource_policy policy;
	int			(*packet_cb)(struct packet *,
				    struct datasource *, void *);
	void			(*state_cb)(struct datasource *, void *);
	void			*cb_arg;
	struct datasource_list	 sources;
	struct ds_dying_list	 dying;
	size_t			 n_remote;	/* remote records */
	struct event		*ev_reclaim;
	uint32_t		 next_id;
	bool			 locked;	/* no file system access */
	bool			 hold_files;	/* datasource_mgr_hold_files */
	bool			 installed[2];	/* per ds_types[], at lock-down */
};

/* datasource.c */
uint64_t ds_mono_ms(void);
void	ds_set_state(struct datasource *, enum ds_state);
void	ds_report(struct datasource *, enum msgbus_level, const char *, ...)
	    OSPREY_PRINTF(3, 4);
const struct ds_type *ds_type_find(const char *);
int	ds_helper_path(struct datasource_mgr *, const struct ds_type *,
	    char *, size_t);
bool	ds_live(const struct datasource *);
void	ds_disconnect(struct datasource *);
/* Put a live source in error (or retrying) with a reason; idempotent. */
void	ds_fail(struct datasource *, const char *, ...) OSPREY_PRINTF(2, 3);
void	ds_pong_reset(struct datasource *);
/* The source opened: start the ping and pong timers. */
void	ds_keepalive_start(struct datasource *);
/* A local source reached the end of its input: stop its helper. */
void	ds_finish(struct datasource *);
/* The peer has gone: err 0 at end of stream, else why. */
void	ds_peer_gone(struct datasource *, int err);
void	ds_probe_failed(struct datasource *, const char *why);
void	ds_probe_accepted(struct datasource *, const struct ds_type *);
bool	ds_uuid_valid(const char *);
bool	ds_retry_default(struct datasource_mgr *, const struct ds_type *,
	    const char *interface);
/* Parse and check a definition; local also checks a helper exists. */
int	ds_parse_def(struct datasource_mgr *, const char *, bool local,
	    struct srcdef *, struct ds_opts *, char *, size_t);

/* dsproto.c: the dispatcher for every helper peer. */
void	ds_dispatch_helper(struct peer *, const struct msg *, int, void *);
/* Replace l with a reported channel list, keeping only valid entries. */
void	ds_take_list(struct chanplan_list *, const struct msg_channels *);

/* dschan.c */
/* After an open report: what the source should hop or lock to. */
void	ds_chan_plan(struct datasource *);
/* Recompute split offsets and send what changed to every source. */
void	ds_chan_rebalance(struct datasource_mgr *);
/* A configure report arrived. */
void	ds_chan_report(struct datasource *, const struct msg *);
/* Fail the configure request in flight, if any. */
void	ds_chan_cancel(struct datasource *, int err, const char *why);

#endif
