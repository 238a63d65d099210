/* SPDX-License-Identifier: ISC */
/* \summary: the core's end of the web bridge: runs osprey_web, answers it */

#include <sys/queue.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "osprey_config.h"

#include "bridge.h"
#include "control.h"
#include "ctldev.h"
#include "devview.h"
#include "ctlstat.h"
#include "ctlsys.h"
#include "datasource.h"
#include "devnames.h"
#include "devrec.h"
#include "kislog.h"
#include "log.h"
#include "loopstat.h"
#include "msgbus.h"
#include "packet.h"
#include "proc.h"
#include "tracker.h"
#include "xmalloc.h"

enum control_state {
	CTL_DOWN,		/* no worker; maybe a respawn is due */
	CTL_HELLO,		/* CONFIG sent, waiting for HELLO */
	CTL_RUNNING,
};

struct ctl_query {
	TAILQ_ENTRY(ctl_query)	 entry;
	uint32_t		 seq;
	struct ctldev		*dev;
	bool			 page;		/* DEVICES_PAGE: PAGE_END */
	bool			 more;		/* a MORE waits (CONTROL_SHARE) */
	uint64_t		 total, filtered;
};

/* A kismetdb pcapng export: the web's seq, the log's export id. */
struct ctl_export {
	struct control		*ctl;
	uint32_t		 seq;
	uint32_t		 id;
	LIST_ENTRY(ctl_export)	 entry;
};

/*
 * A source command waiting for its helper, or an interface listing
 * waiting for the helpers; outlives a worker restart.
 */
struct ctl_cmd {
	struct control		*ctl;		/* NULL once orphaned */
	unsigned		 gen;		/* the worker it is for */
	uint32_t		 seq;
	struct ds_listing	*listing;	/* a listing, or NULL */
	LIST_ENTRY(ctl_cmd)	 entry;
};

struct control {
	struct control_deps	 deps;
	char			**keys, **values;
	size_t			 n_settings;

	enum control_state	 state;
	unsigned		 gen;		/* worker instance */
	pid_t			 pid;
	uint32_t		 spawn_req;	/* in flight, 0 none */
	struct bufferevent	*bev;
	uint64_t		 spawned_ms;
	uint64_t		 backoff_ms;
	struct event		*ev_respawn;
	struct event		*ev_kill;
	struct event		*ev_ping;	/* every ping_ms while running */
	struct event		*ev_deadline;	/* HELLO or PONG due by then */
	struct event		*ev_resume;	/* requests left for a turn */
	struct event		*ev_bulk;	/* MOREs held for capture */
	/*
	 * Capture's time owed after the last turn (CONTROL_SHARE), counted
	 * from loopstat_capture_usec at owed_from.
	 */
	uint64_t		 owed_usec;
	uint64_t		 owed_from;
	uint64_t		 owed_wall;	/* when the turn ended */
	/* Why the current worker ends: its FATAL, or the core's reason. */
	char			 fatal[CONTROL_REASON_MAX];
	char			 dropped[CONTROL_REASON_MAX];
	/* Why the last one ended, for /system/status. */
	char			 last_error[CONTROL_REASON_MAX];
	uint64_t		 last_error_sec;

	TAILQ_HEAD(, ctl_query)	 queries;
	LIST_HEAD(, ctl_cmd)	 cmds;
	LIST_HEAD(, ctl_export)	 exports;
	int			 tap;		/* packet tap id, 0 none */
	uint32_t		*announced;	/* source ids sent as PACKET_SOURCE */
	size_t			 n_announced;
	uint32_t		 seq;
	msgpack_sbuffer		 out;
	struct control_stats	 stats;
};

static void	control_spawn(struct control *);
static void	control_list_interfaces(struct control *, uint32_t);
static void	control_read_cb(struct bufferevent *, void *);
static void	control_event_cb(struct bufferevent *, short, void *);
static void	control_ping_cb(evutil_socket_t, short, void *);
static void	control_deadline_cb(evutil_socket_t, short, void *);
static void	control_resume_cb(evutil_socket_t, short, void *);
static void	control_bulk_cb(evutil_socket_t, short, void *);
static bool	control_owes(struct control *);

/*
 * How long the bridge may hold the loop in one turn, and one slice of
 * device records within it (doc/performance.md, "Gaps in packet
 * processing").  Requests still waiting when a turn is up wait for the
 * next pass of the loop, after the sources have read their frames; a
 * slice over its time goes out smaller than BRIDGE_SLICE_TARGET.
 */
#define CONTROL_TURN_USEC	2000
#define CONTROL_SLICE_USEC	1500
/*
 * While capture is behind (a source found a whole read's worth of
 * frames waiting within CONTROL_BEHIND_USEC), the bulk of the bridge's
 * work, the slices of a query past its first CONTROL_BULK_DEVICES
 * records (MOREs), gets one part in CONTROL_SHARE of the loop: after a
 * turn of T, they wait until capture reads have had (CONTROL_SHARE - 1)
 * * T.  Clients dumping every device then slow down, not capture (issue
 * 17: ingest within 10 % of its rate without them), and a page, a poll
 * or a status still goes first, in its turn.  Otherwise the bridge takes
 * what the loop has.
 */
#define CONTROL_SHARE		12
/* A query is bulk once it has sent this many records. */
#define CONTROL_BULK_DEVICES	128
/* What is owed lapses after this long, whatever capture did meanwhile. */
#define CONTROL_OWED_MAX_USEC	250000
/* Capture is behind if a source found a full read waiting this recently. */
#define CONTROL_BEHIND_USEC	20000

static struct timeval
control_tv(uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	return tv;
}

static uint64_t
control_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Output */

static void
control_send(struct control *c)
{
	if (c->bev != NULL && c->out.size > 0)
		bufferevent_write(c->bev, c->out.data, c->out.size);
}

static void
control_send_error(struct control *c, uint32_t seq, uint32_t status,
    const char *reason)
{
	struct bridge_error e = { status, reason };

	if (bridge_encode_error(&c->out, seq, &e) == 0)
		control_send(c);
}

static void
control_reply_source(struct control *c, uint32_t seq,
    const struct datasource *ds)
{
	msgpack_packer pk;

	bridge_out_begin(&c->out, BRIDGE_SOURCE_CMD_REPLY, seq);
	msgpack_packer_init(&pk, &c->out, msgpack_sbuffer_write);
	ctlstat_pack_source(&pk, ds, c->deps.stats);
	if (bridge_out_end(&c->out, BRIDGE_MAX_PAYLOAD) == 0)
		control_send(c);
}

/* Requests */

static void
control_sources(struct control *c, const struct bridge_msg *m)
{
	const struct datasource_list *l;
	struct datasource *ds;
	msgpack_packer pk;

	bridge_out_begin(&c->out, BRIDGE_SOURCES_REPLY, m->hdr.seq);
	msgpack_packer_init(&pk, &c->out, msgpack_sbuffer_write);
	if (m->u.sources_req.uuid != NULL) {
		ds = datasource_find_uuid(c->deps.sources,
		    m->u.sources_req.uuid);
		if (ds != NULL)
			ctlstat_pack_source(&pk, ds, c->deps.stats);
	} else {
		l = datasource_mgr_sources(c->deps.sources);
		TAILQ_FOREACH(ds, l, entry)
			ctlstat_pack_source(&pk, ds, c->deps.stats);
	}
	if (bridge_out_end(&c->out, BRIDGE_MAX_PAYLOAD) == 0)
		control_send(c);
	else
		control_send_error(c, m->hdr.seq, 500, "too many sources");
}

/* A channel request finished at the helper. */
static void
control_cmd_done(struct datasource *ds, int err, const char *why, void *arg)
{
	struct ctl_cmd *cmd = arg;
	struct control *c = cmd->ctl;

	if (c != NULL) {
		LIST_REMOVE(cmd, entry);
		if (cmd->gen == c->gen && c->state == CTL_RUNNING) {
			if (err == 0)
				control_reply_source(c, cmd->seq, ds);
			else
				control_send_error(c, cmd->seq,
				    err == -EIO ? 502 : err == -ETIMEDOUT ?
				    504 : 409, why != NULL && *why != '\0' ?
				    why : strerror(-err));
		}
	}
	free(cmd);
}

/*
 * The HTTP status of a refusal: 4xx for what the caller asked wrong or
 * asked of something in the wrong state, 5xx only for the server's own
 * faults (Kismet's clients take any 500 for a failed login).
 */
static int
control_status_of(int err)
{
	switch (err) {
	case -EINVAL:
		return 400;
	case -ENOENT:
		return 404;
	case -EEXIST:
	case -EALREADY:
	case -EAGAIN:
	case -ENOTCONN:
	case -EPROTO:
	case -EOPNOTSUPP:
	case -ECANCELED:
	case -EBUSY:
		return 409;
	case -EDQUOT:
		return 429;
	case -ENOSPC:
		return 507;
	case -ENOSYS:
		return 503;
	case -ETIMEDOUT:
		return 504;
	default:
		return 500;
	}
}

static void
control_source_cmd(struct control *c, const struct bridge_msg *m)
{
	const struct bridge_source_cmd *r = &m->u.source_cmd;
	struct datasource *ds = NULL;
	struct ctl_cmd *cmd;
	char reason[DS_REASON_MAX] = "";
	int rc;

	if (r->cmd != BRIDGE_SRC_ADD && (ds = datasource_find_uuid(
	    c->deps.sources, r->uuid)) == NULL) {
		control_send_error(c, m->hdr.seq, 404, "no such datasource");
		return;
	}
	switch (r->cmd) {
	case BRIDGE_SRC_ADD:
		rc = datasource_add(c->deps.sources, r->definition, &ds, reason,
		    sizeof(reason));
		break;
	case BRIDGE_SRC_OPEN:
		rc = datasource_open(ds, reason, sizeof(reason));
		break;
	case BRIDGE_SRC_CLOSE:
		rc = datasource_close(ds, reason, sizeof(reason));
		break;
	case BRIDGE_SRC_PAUSE:
		rc = datasource_pause(ds, reason, sizeof(reason));
		break;
	case BRIDGE_SRC_RESUME:
		rc = datasource_resume(ds, reason, sizeof(reason));
		break;
	case BRIDGE_SRC_SET_CHANNEL:
	case BRIDGE_SRC_SET_HOP:
		/* Answered when the helper reports the change. */
		cmd = xcalloc(1, sizeof(*cmd));
		cmd->ctl = c;
		cmd->gen = c->gen;
		cmd->seq = m->hdr.seq;
		LIST_INSERT_HEAD(&c->cmds, cmd, entry);
		if (r->cmd == BRIDGE_SRC_SET_CHANNEL && r->channel != NULL)
			rc = datasource_set_channel(ds, r->channel,
			    control_cmd_done, cmd, reason, sizeof(reason));
		else
			rc = datasource_set_hop(ds, r->channels, r->n_channels,
			    r->has_rate ? r->rate : 0, r->has_shuffle ?
			    r->shuffle : ds->hop_shuffle, control_cmd_done,
			    cmd, reason, sizeof(reason));
		if (rc != 0) {
			LIST_REMOVE(cmd, entry);
			free(cmd);
			break;
		}
		return;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc < 0)
		control_send_error(c, m->hdr.seq, (uint32_t)control_status_of(
		    rc), reason[0] != '\0' ? reason : strerror(-rc));
	else
		control_reply_source(c, m->hdr.seq, ds);
}

static const char *
control_source_uuid(uint32_t id, void *arg)
{
	struct control *c = arg;
	struct datasource *ds = datasource_find_id(c->deps.sources, id);

	return ds != NULL ? ds->uuid : NULL;
}

static struct ctl_query *
control_query_find(struct control *c, uint32_t seq)
{
	struct ctl_query *q;

	TAILQ_FOREACH(q, &c->queries, entry)
		if (q->seq == seq)
			return q;
	return NULL;
}

static void
control_query_free(struct control *c, struct ctl_query *q)
{
	TAILQ_REMOVE(&c->queries, q, entry);
	ctldev_free(q->dev);
	free(q);
}

/* The user's name and tags of a device, for its record. */
static size_t
control_user_fields(msgpack_packer *pk, const char *key, void *arg)
{
	struct control *c = arg;

	return c->deps.names != NULL ? devnames_pack(c->deps.names, key, pk) :
	    0;
}

static const char *
control_user_name(const char *key, void *arg)
{
	struct control *c = arg;

	return devnames_name(c->deps.names, key);
}

/* One slice of a query; the END right behind the last one. */
static void
control_query_step(struct control *c, struct ctl_query *q)
{
	struct devrec_opts opts = { control_source_uuid, c, 0,
	    control_user_fields, control_user_name };
	struct bridge_devices_end end;
	struct bridge_page_end pend;

	bridge_out_begin(&c->out, BRIDGE_DEVICES_SLICE, q->seq);
	ctldev_slice(q->dev, c->deps.tracker, &c->out, BRIDGE_SLICE_TARGET,
	    &opts);
	if (bridge_out_end(&c->out, BRIDGE_MAX_PAYLOAD) == 0)
		control_send(c);
	else
		log_warnx("web bridge: a device record over %u bytes was "
		    "not sent", BRIDGE_MAX_PAYLOAD);
	if (!ctldev_done(q->dev))
		return;
	if (q->page) {
		pend.timestamp = ctldev_timestamp(q->dev);
		pend.count = ctldev_sent(q->dev);
		pend.total = q->total;
		pend.filtered = q->filtered;
		if (bridge_encode_page_end(&c->out, q->seq, &pend) == 0)
			control_send(c);
		control_query_free(c, q);
		return;
	}
	end.timestamp = ctldev_timestamp(q->dev);
	end.count = ctldev_sent(q->dev);
	if (bridge_encode_devices_end(&c->out, q->seq, &end) == 0)
		control_send(c);
	control_query_free(c, q);
}

static void
control_devices(struct control *c, const struct bridge_msg *m)
{
	struct ctl_query *q;
	struct datasource *ds;
	int64_t seenby = CTLDEV_ANY_SOURCE;

	if (c->deps.tracker == NULL) {
		control_send_error(c, m->hdr.seq, 503, "device tracking is "
		    "not running");
		return;
	}
	if (control_query_find(c, m->hdr.seq) != NULL) {
		control_send_error(c, m->hdr.seq, 400, "query already open");
		return;
	}
	/* A source's view names its uuid; the records know its number. */
	if (m->u.devices_req.seenby != NULL)
		seenby = (ds = datasource_find_uuid(c->deps.sources,
		    m->u.devices_req.seenby)) != NULL ? (int64_t)ds->id :
		    CTLDEV_NO_SOURCE;
	q = xcalloc(1, sizeof(*q));
	q->seq = m->hdr.seq;
	q->dev = ctldev_new(c->deps.tracker, &m->u.devices_req, seenby);
	ctldev_set_budget(q->dev, CONTROL_SLICE_USEC);
	TAILQ_INSERT_TAIL(&c->queries, q, entry);
	control_query_step(c, q);
}

/*
 * A page of a view: chosen now by devview (search, sort key, a heap of
 * start+length), then sent in slices like any query.
 */
static void
control_devices_page(struct control *c, const struct bridge_msg *m)
{
	struct devrec_opts opts = { control_source_uuid, c, 0,
	    control_user_fields, control_user_name };
	const struct bridge_devices_page *p = &m->u.devices_page;
	struct devview_page pg;
	struct ctl_query *q;
	struct datasource *ds;
	int64_t seenby = CTLDEV_ANY_SOURCE;

	if (c->deps.tracker == NULL) {
		control_send_error(c, m->hdr.seq, 503, "device tracking is "
		    "not running");
		return;
	}
	if (control_query_find(c, m->hdr.seq) != NULL) {
		control_send_error(c, m->hdr.seq, 400, "query already open");
		return;
	}
	if (p->seenby != NULL)
		seenby = (ds = datasource_find_uuid(c->deps.sources,
		    p->seenby)) != NULL ? (int64_t)ds->id : CTLDEV_NO_SOURCE;
	devview_select(c->deps.tracker, p, seenby, &opts, &pg);
	q = xcalloc(1, sizeof(*q));
	q->seq = m->hdr.seq;
	q->page = true;
	q->total = pg.total;
	q->filtered = pg.filtered;
	q->dev = ctldev_new_list(c->deps.tracker, pg.devs, pg.n);
	ctldev_set_budget(q->dev, CONTROL_SLICE_USEC);
	devview_page_free(&pg);
	TAILQ_INSERT_TAIL(&c->queries, q, entry);
	control_query_step(c, q);
}

static void
control_devices_more(struct control *c, const struct bridge_msg *m)
{
	struct timeval tv = { 0, 0 };
	struct ctl_query *q = control_query_find(c, m->hdr.seq);

	/* A MORE for a query that ended is a harmless race; ignore it. */
	if (q == NULL)
		return;
	/*
	 * Bulk is a query past its first CONTROL_BULK_DEVICES records: a
	 * page, or a poll that found a few changed devices (its walk over
	 * the change list takes several slices with none), is never held.
	 */
	if (q->page || ctldev_sent(q->dev) < CONTROL_BULK_DEVICES ||
	    !control_owes(c)) {
		control_query_step(c, q);
		return;
	}
	q->more = true;
	loopstat_bulk_held++;
	evtimer_add(c->ev_bulk, &tv);
}

static void
control_devices_cancel(struct control *c, const struct bridge_msg *m)
{
	struct ctl_query *q = control_query_find(c, m->hdr.seq);

	if (q != NULL)
		control_query_free(c, q);
}

/* The kismetdb log's pcapng export (doc/kismetdb.md) */

static struct ctl_export *
control_export_find(struct control *c, uint32_t seq)
{
	struct ctl_export *x;

	LIST_FOREACH(x, &c->exports, entry)
		if (x->seq == seq)
			return x;
	return NULL;
}

/* The log's answers: a chunk, the end, or why it failed. */
static void
control_export_cb(void *arg, const void *data, size_t len, int status,
    const char *reason)
{
	struct ctl_export *x = arg;
	struct control *c = x->ctl;
	struct bridge_kismetdb_end end;

	if (status == 0) {
		if (bridge_encode_kismetdb_data(&c->out, x->seq, data,
		    len) == 0)
			control_send(c);
		return;
	}
	if (status == 1) {
		end.packets = len;
		if (bridge_encode_kismetdb_end(&c->out, x->seq, &end) == 0)
			control_send(c);
	} else
		control_send_error(c, x->seq, status == -EINVAL ? 400 :
		    status == -ENOENT ? 404 : status == -EBUSY ? 503 : 500,
		    reason != NULL && reason[0] != '\0' ? reason :
		    strerror(-status));
	LIST_REMOVE(x, entry);
	free(x);
}

static void
control_kismetdb(struct control *c, const struct bridge_msg *m)
{
	const struct bridge_kismetdb_req *r = &m->u.kismetdb_req;
	struct ctl_export *x;
	int rc;

	if (c->deps.kislog == NULL) {
		control_send_error(c, m->hdr.seq, 404, "kismetdb log not "
		    "enabled (log_types=kismet)");
		return;
	}
	if (control_export_find(c, m->hdr.seq) != NULL) {
		control_send_error(c, m->hdr.seq, 400, "export already open");
		return;
	}
	x = xcalloc(1, sizeof(*x));
	x->ctl = c;
	x->seq = m->hdr.seq;
	LIST_INSERT_HEAD(&c->exports, x, entry);
	if ((rc = kislog_export(c->deps.kislog, r->keys, r->values, r->count,
	    control_export_cb, x, &x->id)) < 0) {
		LIST_REMOVE(x, entry);
		free(x);
		control_send_error(c, m->hdr.seq, rc == -EBUSY ? 503 :
		    rc == -E2BIG ? 400 : 404, rc == -EBUSY ? "too many "
		    "exports at once" : rc == -E2BIG ? "too many filter keys" :
		    "the kismetdb log has stopped");
	}
}

static void
control_kismetdb_more(struct control *c, const struct bridge_msg *m)
{
	struct ctl_export *x = control_export_find(c, m->hdr.seq);

	if (x != NULL)
		kislog_export_more(c->deps.kislog, x->id);
}

static void
control_export_cancel(struct control *c, struct ctl_export *x)
{
	kislog_export_cancel(c->deps.kislog, x->id);
	LIST_REMOVE(x, entry);
	free(x);
}

static void
control_kismetdb_cancel(struct control *c, const struct bridge_msg *m)
{
	struct ctl_export *x = control_export_find(c, m->hdr.seq);

	if (x != NULL)
		control_export_cancel(c, x);
}

/* Packets */

static bool
control_announced(struct control *c, uint32_t id)
{
	size_t i;

	for (i = 0; i < c->n_announced; i++)
		if (c->announced[i] == id)
			return true;
	c->announced = xreallocarray(c->announced, c->n_announced + 1,
	    sizeof(*c->announced));
	c->announced[c->n_announced++] = id;
	return false;
}

static void
control_tap_cb(const struct packet *p, const struct datasource *ds,
    void *arg)
{
	struct control *c = arg;
	struct bridge_packet_source ps;
	struct bridge_packet bp;

	if (c->bev == NULL || c->state != CTL_RUNNING)
		return;
	/* A web worker that does not keep up loses frames, not memory. */
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) >
	    CONTROL_PACKET_BACKLOG) {
		c->stats.packets_dropped++;
		return;
	}
	if (!control_announced(c, ds->id)) {
		ps.number = ds->id;
		ps.uuid = ds->uuid;
		ps.name = ds->name;
		if (bridge_encode_packet_source(&c->out, ++c->seq, &ps) == 0)
			control_send(c);
	}
	memset(&bp, 0, sizeof(bp));
	bp.source = ds->id;
	bp.dlt = p->dlt;
	bp.ts_usec = p->ts_sec * 1000000 + p->ts_usec;
	bp.len = (uint32_t)p->len;
	bp.n_addr = p->dot11.n_addr <= 4 ? p->dot11.n_addr : 4;
	memcpy(bp.addr, p->dot11.addr, sizeof(bp.addr));
	if (p->dot11.has_bssid) {
		bp.flags |= BRIDGE_PKT_HAS_BSSID;
		memcpy(bp.bssid, p->dot11.bssid, 6);
	}
	bp.data = p->data;
	bp.caplen = p->caplen;
	if (bridge_encode_packet(&c->out, ++c->seq, &bp) == 0) {
		control_send(c);
		c->stats.packets_sent++;
	}
}

static void
control_packets_sub(struct control *c, const struct bridge_msg *m)
{
	if (m->u.packets_sub.on && c->tap == 0) {
		c->tap = packet_tap_add(c->deps.packets, control_tap_cb, c);
		if (c->tap < 0)
			c->tap = 0;
		c->n_announced = 0;
	} else if (!m->u.packets_sub.on && c->tap != 0) {
		packet_tap_remove(c->deps.packets, c->tap);
		c->tap = 0;
	}
}

/* System */

static void
control_system(struct control *c, const struct bridge_msg *m)
{
	const struct bridge_system_req *r = &m->u.system_req;
	struct ctlstat_web w;
	msgpack_packer pk;
	uint64_t s = 0, us = 0;

	if (r->has_since && r->since > 0) {
		s = (uint64_t)r->since;
		us = (uint64_t)((r->since - (double)s) * 1e6);
	}
	bridge_out_begin(&c->out, BRIDGE_SYSTEM_REPLY, m->hdr.seq);
	msgpack_packer_init(&pk, &c->out, msgpack_sbuffer_write);
	switch (r->what) {
	case BRIDGE_SYS_STATUS:
		w.packets_dropped = c->stats.packets_dropped;
		w.restarts = c->stats.spawns > 0 ? c->stats.spawns - 1 : 0;
		w.last_error = c->last_error;
		w.last_error_sec = c->last_error_sec;
		ctlstat_pack_status(&c->deps, &w, &pk);
		break;
	case BRIDGE_SYS_MESSAGES:
		ctlstat_pack_messages(c->deps.bus, s, us, &pk);
		break;
	case BRIDGE_SYS_CHANNELS:
		ctlstat_pack_channels(c->deps.sources, &pk);
		break;
	case BRIDGE_SYS_INTERFACES:
		/* Answered once the helpers have (control_listed_cb). */
		control_list_interfaces(c, m->hdr.seq);
		return;
	default:
		if (ctlsys_pack(&c->deps, r, &pk) != 0) {
			control_send_error(c, m->hdr.seq, 404, "not served "
			    "here");
			return;
		}
		break;
	}
	if (bridge_out_end(&c->out, BRIDGE_MAX_PAYLOAD) == 0)
		control_send(c);
	else
		control_send_error(c, m->hdr.seq, 500, "answer too large");
}

static void
control_listed_cb(const struct datasource_iface *v, size_t n, void *arg)
{
	struct ctl_cmd *cmd = arg;
	struct control *c = cmd->ctl;
	msgpack_packer pk;

	if (c != NULL) {
		LIST_REMOVE(cmd, entry);
		if (cmd->gen == c->gen && c->state == CTL_RUNNING) {
			bridge_out_begin(&c->out, BRIDGE_SYSTEM_REPLY,
			    cmd->seq);
			msgpack_packer_init(&pk, &c->out,
			    msgpack_sbuffer_write);
			ctlsys_pack_interfaces(&c->deps, v, n, &pk);
			if (bridge_out_end(&c->out, BRIDGE_MAX_PAYLOAD) == 0)
				control_send(c);
			else
				control_send_error(c, cmd->seq, 500,
				    "answer too large");
		}
	}
	free(cmd);
}

/*
 * Each listing runs a helper of every type: a client asking again and
 * again must not fill the machine with them.
 */
#define CONTROL_MAX_LISTINGS	2

static void
control_list_interfaces(struct control *c, uint32_t seq)
{
	struct ctl_cmd *cmd;
	size_t n = 0;

	LIST_FOREACH(cmd, &c->cmds, entry)
		n += cmd->listing != NULL;
	if (n >= CONTROL_MAX_LISTINGS) {
		control_send_error(c, seq, 429, "interface listings are "
		    "already running; ask again when they are done");
		return;
	}
	cmd = xcalloc(1, sizeof(*cmd));
	cmd->ctl = c;
	cmd->gen = c->gen;
	cmd->seq = seq;
	LIST_INSERT_HEAD(&c->cmds, cmd, entry);
	cmd->listing = datasource_list_interfaces(c->deps.sources,
	    control_listed_cb, cmd);
}

/* Names, tags, alerts: answered at once. */
static void
control_cmd(struct control *c, const struct bridge_msg *m)
{
	char reason[256] = "";
	msgpack_packer pk;
	int rc;

	bridge_out_begin(&c->out, BRIDGE_CMD_REPLY, m->hdr.seq);
	msgpack_packer_init(&pk, &c->out, msgpack_sbuffer_write);
	if ((rc = ctlsys_cmd(&c->deps, &m->u.cmd, &pk, reason,
	    sizeof(reason))) != 0) {
		control_send_error(c, m->hdr.seq, (uint32_t)control_status_of(
		    rc), reason[0] != '\0' ? reason : strerror(-rc));
		return;
	}
	if (bridge_out_end(&c->out, BRIDGE_MAX_PAYLOAD) == 0)
		control_send(c);
	else
		control_send_error(c, m->hdr.seq, 500, "answer too large");
}

/* Dispatch */

static void
control_pong(struct control *c, const struct bridge_msg *m)
{
	struct timeval tv = control_tv(c->deps.pong_timeout_ms);

	/* Any PONG will do: a late answer still proves the loop turns. */
	evtimer_add(c->ev_deadline, &tv);
}

/*
 * What the core takes from the web, in which state (doc/bridge.md):
 * HELLO only first, everything else only after it; FATAL in either.
 */
static const struct {
	uint16_t		 type;
	enum control_state	 state;
	void			(*fn)(struct control *,
				    const struct bridge_msg *);
} control_table[] = {
	{ BRIDGE_DEVICES_REQ, CTL_RUNNING, control_devices },
	{ BRIDGE_DEVICES_MORE, CTL_RUNNING, control_devices_more },
	{ BRIDGE_DEVICES_CANCEL, CTL_RUNNING, control_devices_cancel },
	{ BRIDGE_DEVICES_PAGE, CTL_RUNNING, control_devices_page },
	{ BRIDGE_SOURCES_REQ, CTL_RUNNING, control_sources },
	{ BRIDGE_SOURCE_CMD, CTL_RUNNING, control_source_cmd },
	{ BRIDGE_PACKETS_SUB, CTL_RUNNING, control_packets_sub },
	{ BRIDGE_SYSTEM_REQ, CTL_RUNNING, control_system },
	{ BRIDGE_CMD, CTL_RUNNING, control_cmd },
	{ BRIDGE_PONG, CTL_RUNNING, control_pong },
	{ BRIDGE_KISMETDB_REQ, CTL_RUNNING, control_kismetdb },
	{ BRIDGE_KISMETDB_MORE, CTL_RUNNING, control_kismetdb_more },
	{ BRIDGE_KISMETDB_CANCEL, CTL_RUNNING, control_kismetdb_cancel },
};

static void
control_kill_cb(evutil_socket_t unused, short what, void *arg)
{
	struct control *c = arg;

	if (c->pid > 0)
		proc_kill(c->deps.proc, c->pid, SIGKILL);
}

/*
 * Drop the bridge; the worker is told to go (its exit brings a respawn).
 * why, when given, is the core's reason, logged and kept for the exit
 * report.
 */
static void
control_drop(struct control *c, const char *why)
{
	struct ctl_query *q;
	struct timeval tv = { 2, 0 };

	if (why != NULL) {
		log_warnx("web worker %ld: %s; restarting it", (long)c->pid,
		    why);
		if (c->dropped[0] == '\0')
			snprintf(c->dropped, sizeof(c->dropped), "%s", why);
	}
	if (c->bev != NULL) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	evtimer_del(c->ev_ping);
	evtimer_del(c->ev_resume);
	evtimer_del(c->ev_bulk);
	evtimer_del(c->ev_deadline);
	while ((q = TAILQ_FIRST(&c->queries)) != NULL)
		control_query_free(c, q);
	while (!LIST_EMPTY(&c->exports))
		control_export_cancel(c, LIST_FIRST(&c->exports));
	if (c->tap != 0) {
		packet_tap_remove(c->deps.packets, c->tap);
		c->tap = 0;
	}
	c->state = CTL_DOWN;
	if (c->pid > 0) {
		proc_kill(c->deps.proc, c->pid, SIGTERM);
		event_add(c->ev_kill, &tv);
	}
}

static int
control_dispatch_web(struct control *c, const struct bridge_msg *m)
{
	struct timeval tv;
	size_t i;

	if (m->hdr.type == BRIDGE_HELLO) {
		if (c->state != CTL_HELLO ||
		    m->u.hello.version != BRIDGE_VERSION)
			return -EPROTO;
		c->state = CTL_RUNNING;
		log_info("web worker %ld listening on port %u", (long)c->pid,
		    m->u.hello.port);
		tv = control_tv(c->deps.ping_ms);
		evtimer_add(c->ev_ping, &tv);
		control_pong(c, m);
		return 0;
	}
	if (m->hdr.type == BRIDGE_FATAL) {
		/* The worker logged it; it goes with the exit report. */
		if (c->state == CTL_DOWN)
			return -EPROTO;
		snprintf(c->fatal, sizeof(c->fatal), "%s",
		    m->u.fatal.reason != NULL ? m->u.fatal.reason : "");
		return 0;
	}
	for (i = 0; i < sizeof(control_table) / sizeof(control_table[0]);
	    i++) {
		if (control_table[i].type != m->hdr.type)
			continue;
		if (control_table[i].state != c->state)
			return -EPROTO;
		c->stats.requests++;
		control_table[i].fn(c, m);
		return 0;
	}
	return -EPROTO;
}

/* Handle the worker's requests until none is left or the turn is up. */
static void
control_read_turn(struct control *c, uint64_t t0, uint64_t budget)
{
	struct timeval tv = { 0, 0 };
	struct evbuffer *in;
	struct bridge_hdr h;
	struct bridge_msg m;
	char why[128];
	int rc;

	while (c->bev != NULL) {
		in = bufferevent_get_input(c->bev);
		if (evbuffer_get_length(in) == 0)
			return;
		if (loopstat_now() - t0 >= budget) {
			/*
			 * A timer, not event_active(): an event made active
			 * now would run in this same pass, before the
			 * sources' reads.
			 */
			evtimer_add(c->ev_resume, &tv);
			return;
		}
		if ((rc = bridge_read_frame(in, BRIDGE_MAX_REQUEST,
		    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why))) == 0)
			return;
		if (rc < 0) {
			control_drop(c, why);
			return;
		}
		rc = control_dispatch_web(c, &m);
		bridge_msg_clear(&m);
		evbuffer_drain(in, BRIDGE_HDR_LEN + (size_t)h.len);
		if (rc != 0) {
			snprintf(why, sizeof(why), "%s out of turn",
			    bridge_type_name(h.type));
			control_drop(c, why);
			return;
		}
	}
}

/* Is capture behind, by loopstat_behind_usec? */
static bool
control_capture_behind(void)
{
	return loopstat_behind_usec != 0 &&
	    loopstat_now() - loopstat_behind_usec < CONTROL_BEHIND_USEC;
}

/* Does capture still have time owed by the last turn? */
static bool
control_owes(struct control *c)
{
	if (!control_capture_behind() ||
	    loopstat_now() - c->owed_wall > CONTROL_OWED_MAX_USEC) {
		c->owed_usec = 0;
		return false;
	}
	return loopstat_capture_usec - c->owed_from < c->owed_usec;
}

/* After a turn that began at t0: what capture is owed for it. */
static void
control_charge(struct control *c, const struct loopstat_mark *t0)
{
	uint64_t used, left = 0;

	loopstat_end(&loopstat_hold, t0);
	/* What an earlier turn still had owed, and this one's. */
	if (control_owes(c))
		left = c->owed_usec - (loopstat_capture_usec - c->owed_from);
	c->owed_wall = loopstat_now();
	used = c->owed_wall - t0->wall;
	c->owed_usec = control_capture_behind() ?
	    left + used * (CONTROL_SHARE - 1) : 0;
	c->owed_from = loopstat_capture_usec;
}

static void
control_read_cb(struct bufferevent *bev, void *arg)
{
	struct control *c = arg;
	struct loopstat_mark t0;

	(void)bev;
	loopstat_mark(&t0);
	control_read_turn(c, t0.wall, CONTROL_TURN_USEC);
	control_charge(c, &t0);
}

/*
 * The MOREs held while capture was owed time: one slice each, in turn,
 * for as long as a turn lasts, once capture has had its share.
 */
static void
control_bulk_cb(evutil_socket_t unused, short what, void *arg)
{
	struct control *c = arg;
	struct timeval tv = { 0, 0 };
	struct loopstat_mark t0;
	struct ctl_query *q, *next;
	bool left = false;

	if (control_owes(c)) {
		evtimer_add(c->ev_bulk, &tv);
		return;
	}
	loopstat_mark(&t0);
	for (q = TAILQ_FIRST(&c->queries); q != NULL; q = next) {
		next = TAILQ_NEXT(q, entry);
		if (!q->more)
			continue;
		if (loopstat_now() - t0.wall >= CONTROL_TURN_USEC) {
			left = true;
			break;
		}
		q->more = false;
		control_query_step(c, q);	/* may free q */
	}
	control_charge(c, &t0);
	if (left)
		evtimer_add(c->ev_bulk, &tv);
}

static void
control_resume_cb(evutil_socket_t unused, short what, void *arg)
{
	struct control *c = arg;

	if (c->bev != NULL)
		control_read_cb(c->bev, c);
}

/*
 * Take in and handle what the worker has written and the loop has not
 * read yet: its FATAL before its exit report, a PONG before a deadline
 * that fired in the same loop pass.
 */
static void
control_read_pending(struct control *c)
{
	int i;

	for (i = 0; i < 16 && c->bev != NULL; i++)
		if (evbuffer_read(bufferevent_get_input(c->bev),
		    bufferevent_getfd(c->bev), -1) <= 0)
			break;
	/* All of it, not a turn: a FATAL comes before the exit report. */
	if (c->bev != NULL)
		control_read_turn(c, loopstat_now(), UINT64_MAX);
}

static void
control_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct control *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		control_drop(c, NULL);
}

/* Supervision */

static void
control_ping_cb(evutil_socket_t unused, short what, void *arg)
{
	struct control *c = arg;
	struct timeval tv = control_tv(c->deps.ping_ms);

	if (c->state != CTL_RUNNING)
		return;
	if (bridge_encode_empty(&c->out, BRIDGE_PING, ++c->seq) == 0)
		control_send(c);
	evtimer_add(c->ev_ping, &tv);
}

/*
 * No HELLO, or no PONG, in time: the worker is stopped or stuck (a
 * SIGSTOP, a regular expression that never ends).  SIGKILL works on
 * either; its exit report brings the respawn, with the backoff.
 */
static void
control_deadline_cb(evutil_socket_t unused, short what, void *arg)
{
	struct control *c = arg;
	bool hello = c->state == CTL_HELLO;

	/* A core that was busy itself must not blame the worker. */
	control_read_pending(c);
	if (c->state == CTL_DOWN ||
	    evtimer_pending(c->ev_deadline, NULL))
		return;
	snprintf(c->dropped, sizeof(c->dropped), hello ? "no HELLO within "
	    "%llu ms of its start" : "no answer to PING for %llu ms",
	    (unsigned long long)c->deps.pong_timeout_ms);
	log_warnx("web worker %ld: %s (stopped or stuck); killing it",
	    (long)c->pid, c->dropped);
	c->stats.hung++;
	if (c->pid > 0)
		proc_kill(c->deps.proc, c->pid, SIGKILL);
	control_drop(c, NULL);
}

static void
control_respawn_cb(evutil_socket_t unused, short what, void *arg)
{
	control_spawn(arg);
}

/* Wait before the next start: 1 s, doubling to 30 s while it fails. */
static void
control_backoff(struct control *c)
{
	struct timeval tv;

	c->backoff_ms = c->backoff_ms == 0 ? CONTROL_RESPAWN_MIN_MS :
	    c->backoff_ms * 2;
	if (c->backoff_ms > CONTROL_RESPAWN_MAX_MS)
		c->backoff_ms = CONTROL_RESPAWN_MAX_MS;
	tv = control_tv(c->backoff_ms);
	event_add(c->ev_respawn, &tv);
}

/*
 * Keep why the worker stopped (status, message bus) and say when it
 * starts again.  The log line leaves out a reason the worker logged
 * itself (said, its FATAL): one error line per failure is enough.
 */
static void
control_report(struct control *c, pid_t pid, const char *why,
    const char *said)
{
	/* Cut to the status field's size (a release build warns of %s). */
	snprintf(c->last_error, sizeof(c->last_error), "%.*s",
	    (int)sizeof(c->last_error) - 1, why);
	c->last_error_sec = (uint64_t)time(NULL);
	if (pid > 0 && said != NULL)
		log_warnx("web worker %ld %s (after the error above); "
		    "starting it again in %llu ms", (long)pid, said,
		    (unsigned long long)c->backoff_ms);
	else if (pid > 0)
		log_warnx("web worker %ld ended: %s; starting it again in "
		    "%llu ms", (long)pid, why,
		    (unsigned long long)c->backoff_ms);
	else
		log_warnx("web worker: %s; trying again in %llu ms", why,
		    (unsigned long long)c->backoff_ms);
	msgbus_post(c->deps.bus, MSGBUS_ERROR, "web worker ended: %s; "
	    "starting it again in %llu s", why,
	    (unsigned long long)(c->backoff_ms + 999) / 1000);
}

static void
control_exit_cb(pid_t pid, const char *how, void *arg)
{
	struct control *c = arg;
	char why[CONTROL_REASON_MAX * 2];

	event_del(c->ev_kill);
	/* Its last words may still sit in the socket. */
	control_read_pending(c);
	c->pid = 0;
	if (c->bev != NULL)
		control_drop(c, NULL);
	/* A worker that ran a good while starts the backoff over. */
	if (control_now_ms() - c->spawned_ms >= CONTROL_STABLE_MS)
		c->backoff_ms = 0;
	control_backoff(c);
	if (c->dropped[0] != '\0' || c->fatal[0] != '\0')
		snprintf(why, sizeof(why), "%s (%s)", c->dropped[0] != '\0' ?
		    c->dropped : c->fatal, how);
	else
		snprintf(why, sizeof(why), "%s", how);
	control_report(c, pid, why, c->dropped[0] == '\0' &&
	    c->fatal[0] != '\0' ? how : NULL);
}

/* The launcher answered: the worker runs (fd is its socket), or not. */
static void
control_spawned_cb(int err, pid_t pid, int fd, void *arg)
{
	struct control *c = arg;
	struct bridge_config cfg;
	struct timeval tv = control_tv(c->deps.pong_timeout_ms);
	char why[CONTROL_REASON_MAX];

	c->spawn_req = 0;
	if (err != 0) {
		control_backoff(c);
		snprintf(why, sizeof(why), "cannot start osprey_web: %s",
		    strerror(-err));
		control_report(c, 0, why, NULL);
		return;
	}
	c->pid = pid;
	c->gen++;
	c->stats.spawns++;
	c->spawned_ms = control_now_ms();
	c->fatal[0] = c->dropped[0] = '\0';
	proc_watch(c->deps.proc, pid, control_exit_cb, c);
	evutil_make_socket_nonblocking(fd);
	c->bev = bufferevent_socket_new(c->deps.base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, control_read_cb, NULL, control_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	/* The worker reads its settings before anything else. */
	cfg.keys = (const char **)c->keys;
	cfg.values = (const char **)c->values;
	cfg.count = c->n_settings;
	if (bridge_encode_config(&c->out, ++c->seq, &cfg) == 0)
		control_send(c);
	c->state = CTL_HELLO;
	evtimer_add(c->ev_deadline, &tv);
}

static void
control_spawn(struct control *c)
{
	char why[CONTROL_REASON_MAX];
	int rc;

	if (c->spawn_req != 0 || c->pid > 0)
		return;
	if ((rc = proc_spawn_web(c->deps.proc, control_spawned_cb, c,
	    &c->spawn_req)) != 0) {
		c->spawn_req = 0;
		control_backoff(c);
		snprintf(why, sizeof(why), "cannot ask for osprey_web: %s",
		    strerror(-rc));
		control_report(c, 0, why, NULL);
	}
}

struct control *
control_new(const struct control_deps *deps, const char *const *keys,
    const char *const *values, size_t n)
{
	struct control *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->deps = *deps;
	c->keys = xcalloc(n + 1, sizeof(*c->keys));
	c->values = xcalloc(n + 1, sizeof(*c->values));
	for (i = 0; i < n; i++) {
		c->keys[i] = xstrdup(keys[i]);
		c->values[i] = xstrdup(values[i]);
	}
	c->n_settings = n;
	TAILQ_INIT(&c->queries);
	LIST_INIT(&c->cmds);
	LIST_INIT(&c->exports);
	msgpack_sbuffer_init(&c->out);
	c->ev_respawn = evtimer_new(deps->base, control_respawn_cb, c);
	c->ev_kill = evtimer_new(deps->base, control_kill_cb, c);
	c->ev_ping = evtimer_new(deps->base, control_ping_cb, c);
	c->ev_deadline = evtimer_new(deps->base, control_deadline_cb, c);
	c->ev_resume = evtimer_new(deps->base, control_resume_cb, c);
	c->ev_bulk = evtimer_new(deps->base, control_bulk_cb, c);
	if (c->deps.ping_ms == 0)
		c->deps.ping_ms = CONTROL_PING_MS;
	if (c->deps.pong_timeout_ms == 0)
		c->deps.pong_timeout_ms = CONTROL_PONG_TIMEOUT_MS;
	return c;
}

int
control_start(struct control *c)
{
	int rc;

	if ((rc = proc_spawn_web(c->deps.proc, control_spawned_cb, c,
	    &c->spawn_req)) != 0)
		c->spawn_req = 0;
	return rc;
}

void
control_free(struct control *c)
{
	struct ctl_cmd *cmd;
	size_t i;

	if (c == NULL)
		return;
	if (c->spawn_req != 0)
		proc_cancel(c->deps.proc, c->spawn_req);
	if (c->pid > 0)
		proc_unwatch(c->deps.proc, c->pid);
	control_drop(c, NULL);
	/*
	 * Orphan the channel requests: the manager still calls them.  A
	 * listing is stopped: it would outlive what it answers to.
	 */
	while ((cmd = LIST_FIRST(&c->cmds)) != NULL) {
		LIST_REMOVE(cmd, entry);
		cmd->ctl = NULL;
		if (cmd->listing != NULL) {
			datasource_list_cancel(cmd->listing);
			free(cmd);
		}
	}
	event_free(c->ev_respawn);
	event_free(c->ev_kill);
	event_free(c->ev_ping);
	event_free(c->ev_deadline);
	event_free(c->ev_resume);
	event_free(c->ev_bulk);
	for (i = 0; i < c->n_settings; i++) {
		explicit_bzero(c->values[i], strlen(c->values[i]));
		free(c->keys[i]);
		free(c->values[i]);
	}
	free(c->keys);
	free(c->values);
	free(c->announced);
	msgpack_sbuffer_destroy(&c->out);
	free(c);
}

void
control_get_stats(const struct control *c, struct control_stats *ret)
{
	*ret = c->stats;
}
