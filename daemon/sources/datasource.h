/* SPDX-License-Identifier: ISC */
/*
 * \summary: the datasource manager: one state machine per capture source
 *
 * Every source, local or remote, runs through these states:
 *
 *            add/open                     probe ok
 *   CLOSED ------------> PROBING ------------------> OPENING
 *      ^   (type= given: straight to OPENING)           |
 *      |                                        open ok |
 *      | close                                          v
 *      +-------------- (any) <---- PAUSED <--------> RUNNING
 *                                         pause/resume  |
 *   RETRYING <---- ERROR <---- helper crash, hang (no pong), garbage,
 *      |   retry=on            error report, failed probe or open
 *      +--> (backoff timer) --> PROBING or OPENING
 *
 * A local source runs its helper as a process the launcher starts
 * (proc.c, privsep/launcher.h); a remote source is a TCP peer that
 * announced itself (remote.c) and is never retried from here: the sensor reconnects, and a sensor that comes back
 * with the same UUID resumes its record.  A source that fails affects no
 * other: the peer is dropped, its helper killed, its error reason kept.
 *
 * The manager pings each helper every ping interval (5 s) and puts a
 * source in error after the pong timeout (15 s) without a pong, or when
 * a probe or open request goes unanswered that long.  Channel control
 * (lock, hop, split) goes to the helper as KDSCONFIGURE; what the helper
 * reports back is what the source records.
 *
 * The exported fields of struct datasource are for reading (the web
 * bridge serves them, doc/rest.md); change them only through the
 * functions below.  Every function that can fail returns 0 or a negative
 * errno and writes a one-line reason into reason (reasonlen bytes).
 */
#ifndef DAEMON_DATASOURCE_H
#define DAEMON_DATASOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "chanplan.h"
#include "srcdef.h"

#define DS_UUID_LEN		36
#define DS_REASON_MAX		256
/*
 * Remote source records kept at most (remote_capture_max_sources, which
 * may not go higher), and how long one whose sensor left is kept.  What
 * a sensor can make a record hold is bounded too (its definition, the
 * strings and channel lists it reports), so that every record fits the
 * web bridge's one reply for /datasource/all_sources.json: at most about
 * 24 KiB each, 6 MiB for 256, under the bridge's 8 MiB.
 */
#define DS_REMOTE_MAX		256
#define DS_REMOTE_TIMEOUT_MS	(3600ULL * 1000)
#define DS_REMOTE_DEF_MAX	2048	/* bytes of a sensor's definition */
#define DS_FIELD_MAX		128	/* bytes of a reported name */

struct event;
struct event_base;
struct msg;
struct msgbus;
struct packet;
struct peer;
struct proc;
struct datasource_mgr;
struct ds_type;

enum ds_state {
	DS_CLOSED = 0,
	DS_PROBING,
	DS_OPENING,
	DS_RUNNING,
	DS_PAUSED,
	DS_ERROR,
	DS_RETRYING,
	DS_STATE_COUNT
};

/* What the manager wants a source's channel to be. */
enum ds_chanmode {
	DS_CHAN_AUTO = 0,	/* whatever the helper chose */
	DS_CHAN_LOCK,		/* one channel */
	DS_CHAN_HOP,		/* a list at a rate */
};

/* A definition's options as the core reads them (private). */
struct ds_opts {
	const struct ds_type	*type;		/* NULL: probe */
	bool			 retry;
	bool			 hop;		/* channel_hop */
	double			 rate;		/* channel_hoprate */
	bool			 server_ts;	/* timestamp: stamp remote
						   packets with our time */
};

struct datasource {
	/* Identity. */
	uint32_t		 id;		/* packet.source */
	char			 uuid[DS_UUID_LEN + 1];
	char			*name;
	char			*definition;
	char			*interface;
	char			*capture_interface;	/* "" until open */
	char			*type;		/* "linuxwifi", "pcapfile", "" */
	char			*hardware;	/* "" until reported */
	uint32_t		 dlt;		/* 0 until open */
	bool			 remote;

	/* State. */
	enum ds_state		 state;
	char			 error_reason[DS_REASON_MAX];
	bool			 retry;
	unsigned		 retry_attempts;	/* consecutive failures */
	unsigned		 total_retries;
	bool			 finished;	/* reached the end of its input */

	/* Channels, as the helper last reported them. */
	struct chanplan_list	 channels;	/* supported */
	char			 channel[CHANPLAN_CHAN_MAX + 1];
	bool			 hopping;
	double			 hop_rate;
	struct chanplan_list	 hop_channels;
	uint32_t		 hop_offset;
	bool			 hop_shuffle;

	/* Counters. */
	uint64_t		 num_packets;
	uint64_t		 num_error_packets;
	uint64_t		 num_drops;	/* reported by the helper */
	uint64_t		 last_packet_sec, last_packet_usec;

	/* Private to datasource.c, dsproto.c and dschan.c from here on. */
	TAILQ_ENTRY(datasource)	 entry;
	struct datasource_mgr	*mgr;
	struct srcdef		 def;
	struct ds_opts		 opts;
	uint64_t		 drops_told;	/* num_drops at the last new_drops */
	char			*wire_def;	/* definition sent to helpers:
						   local ones get uuid= */
	bool			 user_uuid;	/* uuid= given, keep it */
	uint64_t		 opened_ms;	/* monotonic, 0 when not open */
	struct peer		*peer;
	pid_t			 pid;		/* local helper, 0 when none */
	char			 exit_how[160];	/* how the helper ended */
	bool			 exited;
	uint32_t		 spawn_req;	/* launcher request in flight */
	const struct ds_type	*spawn_type;
	bool			 lingering;	/* socket closed, awaiting exit */
	bool			 held;		/* not read: hold_files */
	bool			 tell_exit;	/* failed before its helper's end
						   was known: report it later */
	char			 linger_reason[DS_REASON_MAX];
	const struct ds_type	*probe_order[2];	/* likeliest first */
	unsigned		 probe_n;
	unsigned		 probe_next;	/* next of probe_order */
	const struct ds_type	*probing;
	char			 probe_why[DS_REASON_MAX];
	uint32_t		 req_seq;	/* probe/open awaiting report */
	uint64_t		 gone_ms;	/* remote: when its link went,
						   0 while connected */
	struct event		*ev_ping, *ev_pong, *ev_req, *ev_retry;
	struct event		*ev_kill;
	/* Channel control wanted, and the configure request in flight. */
	enum ds_chanmode	 want_mode;
	char			 want_channel[CHANPLAN_CHAN_MAX + 1];
	struct chanplan_list	 want_hop;
	double			 want_rate;
	bool			 want_shuffle;
	uint32_t		 want_offset;
	bool			 want_sent;	/* sent since it changed */
	bool			 want_user;	/* set by an operator */
	uint32_t		 cfg_seq;
	void			(*cfg_cb)(struct datasource *, int,
				    const char *, void *);
	void			*cfg_arg;
};

TAILQ_HEAD(datasource_list, datasource);

/* Policy, from the config file (doc/core.md). */
struct datasource_policy {
	const char	*helper_search;		/* OSPREY_HELPER_PATH */
	const char	*helper_binary_path;	/* helper_binary_path= */
	uint64_t	 ping_ms;		/* 5000 */
	uint64_t	 pong_timeout_ms;	/* 15000 */
	uint64_t	 retry_min_ms;		/* first retry delay */
	uint64_t	 retry_max_ms;		/* backoff ceiling */
	bool		 retry;			/* retry_on_source_error */
	bool		 channel_hop;
	double		 hop_rate;		/* channel_hop_speed */
	bool		 split;			/* split_source_hopping */
	bool		 shuffle;		/* randomized_hopping */
	bool		 override_remote_ts;	/* override_remote_timestamp */
	bool		 no_retry;		/* --exit-when-done: a failed
						   source stays failed */
	unsigned	 remote_max;		/* remote_capture_max_sources */
	uint64_t	 remote_timeout_ms;	/* remote_capture_source_timeout */
};

/*
 * A manager on base.  It copies policy (strings included).  packet_cb is
 * called for every packet a running source delivers, after the capture
 * part of struct packet is filled; it returns the packet's error (0 when
 * it decoded).  state_cb (may be NULL) hears every state change.
 */
struct datasource_mgr *datasource_mgr_new(struct event_base *,
	    struct proc *, struct msgbus *,
	    const struct datasource_policy *,
	    int (*packet_cb)(struct packet *, struct datasource *, void *),
	    void (*state_cb)(struct datasource *, void *), void *arg);

/*
 * The core is about to enter its sandbox, which forbids looking at files:
 * remember which helpers are installed now, and never stat again.
 */
void	datasource_mgr_lockdown(struct datasource_mgr *);

/* Close every source (helpers are sent SIGTERM) and free. */
void	datasource_mgr_free(struct datasource_mgr *);

/* The sources, in the order they were added, and how many. */
const struct datasource_list *datasource_mgr_sources(
	    const struct datasource_mgr *);
size_t	datasource_mgr_count(const struct datasource_mgr *);
/*
 * The frames each source's helper reported lost since the last call:
 * cb(source, lost, arg) for each source that lost any.
 */
void	datasource_mgr_new_drops(struct datasource_mgr *,
	    void (*cb)(const struct datasource *, uint64_t, void *),
	    void *arg);
struct datasource *datasource_find_uuid(struct datasource_mgr *,
	    const char *uuid);
struct datasource *datasource_find_id(struct datasource_mgr *, uint32_t);

/*
 * The uuid of source id of the manager mgr (a struct datasource_mgr *),
 * or NULL when there is none: the source_uuid callback of devrec_opts,
 * for the seen-by records of devices.  The string lives as long as the
 * source.
 */
const char *datasource_uuid_by_id(uint32_t id, void *mgr);

/*
 * Check a definition without adding it: it parses, its options have
 * valid values, and a helper for its type (or any helper, when it names
 * none) is installed.  0 or -errno with the reason.
 */
int	datasource_check(struct datasource_mgr *, const char *definition,
	    char *reason, size_t reasonlen);

/*
 * Add a local source from a definition and start it (probe or open).
 * On success *ret (may be NULL) points at the new source, owned by the
 * manager.  -EINVAL for a bad definition, -EEXIST for a uuid in use.
 */
int	datasource_add(struct datasource_mgr *, const char *definition,
	    struct datasource **ret, char *reason, size_t reasonlen);

/*
 * A remote sensor announced itself on peer (KDSNEWSOURCE).  Resume the
 * record with that uuid, or make a new one, and open it.  On success the
 * manager owns peer; on failure the caller still does.
 *
 * Remote records are bounded: one whose sensor has been gone for
 * remote_timeout_ms is removed, and at remote_max records a new sensor
 * takes the place of the one gone longest; when every one is connected
 * it is refused (-EUSERS, "remote source limit reached ...").
 */
int	datasource_attach_remote(struct datasource_mgr *, struct peer *,
	    const char *definition, const char *sourcetype, const char *uuid,
	    char *reason, size_t reasonlen);

/* Start a closed or failed source again.  -EALREADY when it runs. */
int	datasource_open(struct datasource *, char *reason, size_t reasonlen);
/* Stop it for good (until opened); its helper is told, then killed. */
int	datasource_close(struct datasource *, char *reason, size_t reasonlen);
/* Drop its packets while keeping the helper running, and back. */
int	datasource_pause(struct datasource *, char *reason, size_t reasonlen);
int	datasource_resume(struct datasource *, char *reason,
	    size_t reasonlen);

/*
 * Lock to one channel, or hop over channels (n of them) at rate hops/s,
 * shuffled or not.  The request goes to the helper; the source's fields
 * change when the helper reports back, and then done (may be NULL) is
 * called with 0 or a negative error and the helper's reason.  Returns 0
 * when the request was sent.
 */
int	datasource_set_channel(struct datasource *, const char *channel,
	    void (*done)(struct datasource *, int, const char *, void *),
	    void *arg, char *reason, size_t reasonlen);
int	datasource_set_hop(struct datasource *, const char *const *channels,
	    size_t n, double rate, bool shuffle,
	    void (*done)(struct datasource *, int, const char *, void *),
	    void *arg, char *reason, size_t reasonlen);

/* "running", "error", ... */
const char *datasource_state_name(enum ds_state);

/* The policy the manager runs by (/datasource/defaults.json). */
const struct datasource_policy *datasource_mgr_policy(
	    const struct datasource_mgr *);

/* A source type (/datasource/types.json). */
struct datasource_type_info {
	const char	*type;		/* "linuxwifi", as in type= */
	const char	*helper;	/* osprey_cap_<helper> */
	const char	*description;
	bool		 installed;	/* its helper was found */
	bool		 tunable;	/* it has channels to set */
};

/* Fill at most max entries of ret; returns how many. */
size_t	datasource_types(const struct datasource_mgr *,
	    struct datasource_type_info *ret, size_t max);

/* An interface a helper could capture from (dslist.c). */
struct datasource_iface {
	const char	*type;		/* the helper's source type */
	const char	*interface;
	const char	*flags;
	const char	*hardware;
};

struct ds_listing;

/*
 * Ask one helper of each installed type, each run through the launcher
 * and stopped once it has answered, for the interfaces it could capture
 * from (KDSLISTINTERFACES).  done(list, n, arg) runs once from the event
 * loop when every helper has answered or failed, or after a timeout; the
 * list lives only during the call.  Never NULL.
 */
struct ds_listing *datasource_list_interfaces(struct datasource_mgr *,
	    void (*done)(const struct datasource_iface *, size_t, void *),
	    void *arg);
/* Stop a listing before it answers: done is never called.  NULL ok. */
void	datasource_list_cancel(struct ds_listing *);
/* The booleans of the REST datasource object (doc/rest.md). */
bool	datasource_running(const struct datasource *);
bool	datasource_paused(const struct datasource *);
bool	datasource_error(const struct datasource *);

/*
 * True when no source can deliver more: each is closed, finished (end of
 * its file), or failed without a retry pending.  --exit-when-done.
 */
bool	datasource_mgr_all_done(const struct datasource_mgr *);

/*
 * Stop reading from the helpers of running capture files (hold true),
 * or read them again: the kismetdb log's writer is behind.  Radios and
 * remote sensors are never held.
 */
void	datasource_mgr_hold_files(struct datasource_mgr *, bool hold);

#endif
