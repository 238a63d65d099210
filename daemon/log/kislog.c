/* SPDX-License-Identifier: ISC */
/* \summary: the kismetdb log as the core runs it: what goes in, and when */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "bridge.h"
#include "config.h"
#include "ctlstat.h"
#include "datasource.h"
#include "device.h"
#include "devrec.h"
#include "gps.h"
#include "kislog.h"
#include "klmsg.h"
#include "log.h"
#include "msgbus.h"
#include "packet.h"
#include "tracker.h"
#include "xmalloc.h"

#define KISLOG_OPEN_WAIT_MS	10000
#define KISLOG_CLOSE_WAIT_MS	30000
#define KISLOG_EXPORTS		16

struct kislog_export {
	uint32_t	 id;		/* 0: free */
	void		(*cb)(void *, const void *, size_t, int,
			    const char *);
	void		*arg;
};

struct kislog {
	struct kislog_conf	 conf;
	struct kislog_deps	 deps;
	pid_t			 pid;
	int			 fd;		/* -1 once the writer is gone */
	char			*path;
	struct evbuffer		*q;		/* to the writer */
	struct evbuffer		*in;		/* from the writer */
	struct event		*ev_read, *ev_write;
	struct event		*ev_devices, *ev_slice, *ev_sources;
	struct event		*ev_messages, *ev_system, *ev_hold, *ev_gps;
	int			 tap;
	struct klbuf		 buf;
	msgpack_sbuffer		 sb;

	/*
	 * Device passes: each writes the devices changed after since_usec
	 * (the tracker's time, devrec's cursor); the next pass's is the
	 * event loop's time when this one began, less a microsecond, so
	 * that a device changed later in that same loop pass is not
	 * missed, and an idle tracker (whose clock stays at its last
	 * packet) gives empty passes.
	 */
	struct devrec_cursor	 cur;
	bool			 in_pass;
	uint64_t		 since_usec;
	uint64_t		 next_since;

	/* Sources logged once already (ids). */
	uint32_t		*seen;
	size_t			 n_seen;

	uint64_t		 msg_seq;	/* last message bus line sent */
	uint64_t		 packetid;
	uint64_t		 dups;		/* tracker's dups, last seen */
	const struct gps	*gps;		/* kislog_set_gps(), or NULL */

	/* Holding file sources while the writer catches up. */
	size_t			 queue_max, hold_bytes, resume_bytes;
	bool			 held;
	bool			 hold_spent;	/* held too long: drop */
	uint64_t		 held_since_ms;

	/* At exit: what kislog_exit_fill() queues next. */
	enum {
		KISLOG_EXIT_DEVICES,
		KISLOG_EXIT_REST,
		KISLOG_EXIT_QUEUED,
	}			 exit_stage;
	bool			 closing;	/* kislog_drain() writes */

	/* What the writer last said. */
	struct kislog_stats	 st;
	uint32_t		 state;
	char			 error[512];
	uint64_t		 stopped;	/* packets not sent: stopped */

	struct kislog_export	 ex[KISLOG_EXPORTS];
	uint32_t		 next_export;
};

static void	kislog_gone(struct kislog *, const char *);

static uint64_t
kislog_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Configuration */

static int
kc_bool(const struct config *cfg, const char *key, bool def, bool *ret,
    char *err, size_t errlen)
{
	return config_get_bool(cfg, key, def, ret, err, errlen);
}

static int
kc_u32(const struct config *cfg, const char *key, uint32_t def,
    uint32_t *ret, char *err, size_t errlen)
{
	uint64_t v;
	int r;

	if ((r = config_get_uint(cfg, key, def, UINT32_MAX, &v, err,
	    errlen)) < 0)
		return r;
	*ret = (uint32_t)v;
	return 0;
}

static int
kc_pass_block(const char *s, bool *ret)
{
	if (strcasecmp(s, "pass") == 0 || strcasecmp(s, "false") == 0)
		*ret = false;
	else if (strcasecmp(s, "block") == 0 || strcasecmp(s, "true") == 0)
		*ret = true;
	else
		return -1;
	return 0;
}

static int
kc_where(const char *s, uint8_t *ret)
{
	static const char *const names[] = {
		[KISLOGD_ANY] = "any", [KISLOGD_SOURCE] = "source",
		[KISLOGD_DEST] = "destination", [KISLOGD_NETWORK] = "network",
		[KISLOGD_OTHER] = "other",
	};
	uint8_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0) {
			*ret = i;
			return 0;
		}
	return -1;
}

/*
 * kis_log_device_filter=phy,mac,pass|block and
 * kis_log_packet_filter=phy,source|destination|network|other|any,mac,
 * pass|block, and their *_default.
 */
static int
kc_filter(const struct config *cfg, const char *key, bool packets,
    struct kislogd_filter *f, char *err, size_t errlen)
{
	const struct config_entry *e = NULL;
	struct kislogd_rule *r;
	char dkey[64], *copy, *tok[5], *save = NULL, *p;
	const char *v;
	size_t n, want = packets ? 4 : 3;

	snprintf(dkey, sizeof(dkey), "%s_default", key);
	memset(f, 0, sizeof(*f));
	if ((e = config_entry(cfg, dkey)) != NULL &&
	    kc_pass_block(e->value, &f->block) < 0)
		goto bad_default;
	e = NULL;
	while ((e = config_next(cfg, key, e)) != NULL) {
		if (f->n == KISLOGD_RULES_MAX) {
			snprintf(err, errlen, "%s:%u: %s: more than %d rules",
			    e->file, e->line, key, KISLOGD_RULES_MAX);
			return -EINVAL;
		}
		copy = xstrdup(e->value);
		n = 0;
		for (p = strtok_r(copy, ",", &save); p != NULL && n < 5;
		    p = strtok_r(NULL, ",", &save))
			tok[n++] = p;
		r = &f->rules[f->n];
		memset(r, 0, sizeof(*r));
		v = n == want ? tok[want - 2] : "";
		if (n != want || strlen(tok[0]) >= sizeof(r->phy) ||
		    device_mac_parse(v, r->mac) < 0 ||
		    kc_pass_block(tok[want - 1], &r->block) < 0 ||
		    (packets && kc_where(tok[1], &r->where) < 0)) {
			snprintf(err, errlen, "%s:%u: %s: expected %s, not "
			    "'%s'", e->file, e->line, key, packets ?
			    "phy,source|destination|network|other|any,MAC,"
			    "pass|block" : "phy,MAC,pass|block", e->value);
			free(copy);
			return -EINVAL;
		}
		snprintf(r->phy, sizeof(r->phy), "%s", tok[0]);
		f->n++;
		free(copy);
	}
	return 0;
bad_default:
	snprintf(err, errlen, "%s:%u: %s: '%s' is not pass or block",
	    e->file, e->line, dkey, e->value);
	return -EINVAL;
}

/* kis_log_sync=off|normal|full (osprey's; doc/kismetdb.md). */
static int
kc_sync(const struct config *cfg, int *ret, char *err, size_t errlen)
{
	const struct config_entry *e = config_entry(cfg, "kis_log_sync");

	*ret = KISMETDB_SYNC_OFF;
	if (e == NULL || strcasecmp(e->value, "off") == 0)
		return 0;
	if (strcasecmp(e->value, "normal") == 0)
		*ret = KISMETDB_SYNC_NORMAL;
	else if (strcasecmp(e->value, "full") == 0)
		*ret = KISMETDB_SYNC_FULL;
	else {
		snprintf(err, errlen, "%s:%u: kis_log_sync: '%s' is not off, "
		    "normal or full", e->file, e->line, e->value);
		return -EINVAL;
	}
	return 0;
}

int
kislog_config(const struct config *cfg, struct kislog_conf *c, char *err,
    size_t errlen)
{
	static const struct {
		const char		*key;
		enum kismetdb_table	 t;
	} timeouts[] = {
		{ "kis_log_packet_timeout", KISMETDB_PACKETS },
		{ "kis_log_device_timeout", KISMETDB_DEVICES },
		{ "kis_log_message_timeout", KISMETDB_MESSAGES },
		{ "kis_log_alert_timeout", KISMETDB_ALERTS },
		{ "kis_log_snapshot_timeout", KISMETDB_SNAPSHOTS },
		/* Kismet ages data rows with packets. */
		{ "kis_log_packet_timeout", KISMETDB_DATA },
	};
	size_t i;
	int r;

	memset(c, 0, sizeof(*c));
	c->writer.commit_ms = 250;
	if ((r = kc_bool(cfg, "kis_log_packets", true, &c->packets, err,
	    errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_data_packets", true, &c->data_packets,
	    err, errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_duplicate_packets", true,
	    &c->duplicates, err, errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_devices", true, &c->devices, err,
	    errlen)) < 0 ||
	    (r = kc_u32(cfg, "kis_log_device_rate", 30, &c->device_rate, err,
	    errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_datasources", true, &c->sources, err,
	    errlen)) < 0 ||
	    (r = kc_u32(cfg, "kis_log_datasources_rate", 30, &c->source_rate,
	    err, errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_messages", true, &c->messages, err,
	    errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_alerts", true, &c->alerts, err,
	    errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_gps_track", true, &c->gps_track, err,
	    errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_system_status", true, &c->system, err,
	    errlen)) < 0 ||
	    (r = kc_u32(cfg, "kis_log_system_status_rate", 30,
	    &c->system_rate, err, errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_ephemeral_dangerous", false,
	    &c->writer.ephemeral, err, errlen)) < 0 ||
	    (r = kc_bool(cfg, "kis_log_reopen", false, &c->writer.reopen, err,
	    errlen)) < 0 ||
	    (r = kc_u32(cfg, "kis_log_commit_ms", 250, &c->writer.commit_ms,
	    err, errlen)) < 0 ||
	    (r = kc_u32(cfg, "kis_log_queue_mb", KISLOG_QUEUE_MB, &c->queue_mb,
	    err, errlen)) < 0)
		return r;
	if (c->queue_mb == 0 || c->queue_mb > 4096)
		c->queue_mb = c->queue_mb == 0 ? 1 : 4096;
	for (i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++)
		if ((r = kc_u32(cfg, timeouts[i].key, 0,
		    &c->writer.timeout[timeouts[i].t], err, errlen)) < 0)
			return r;
	/* A rate of 0 would spin; a commit interval of 0 too. */
	if (c->device_rate == 0)
		c->device_rate = 1;
	if (c->source_rate == 0)
		c->source_rate = 1;
	if (c->system_rate == 0)
		c->system_rate = 1;
	if (c->writer.commit_ms == 0)
		c->writer.commit_ms = 1;
	if ((r = kc_sync(cfg, &c->writer.sync, err, errlen)) < 0)
		return r;
	if ((r = kc_filter(cfg, "kis_log_device_filter", false,
	    &c->writer.devices, err, errlen)) < 0 ||
	    (r = kc_filter(cfg, "kis_log_packet_filter", true,
	    &c->packet_filter, err, errlen)) < 0)
		return r;
	return 0;
}

/* The queue to the writer */

static bool
kislog_alive(const struct kislog *k)
{
	return k->fd >= 0;
}

static void
kislog_hold(struct kislog *k, bool hold)
{
	struct timeval tv = { 1, 0 };

	if (hold == k->held)
		return;
	k->held = hold;
	if (hold) {
		k->held_since_ms = kislog_now_ms();
		k->st.holds++;
		/* A stuck writer sends no event: look again in a second. */
		if (k->ev_hold != NULL)
			evtimer_add(k->ev_hold, &tv);
	} else if (k->ev_hold != NULL)
		evtimer_del(k->ev_hold);
	datasource_mgr_hold_files(k->deps.sources, hold);
}

static void	kislog_pressure(struct kislog *);

static void
kislog_hold_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kislog *k = arg;
	struct timeval tv = { 1, 0 };

	kislog_pressure(k);
	if (k->held)
		evtimer_add(k->ev_hold, &tv);
}

/* After the queue changed: hold or release file sources. */
static void
kislog_pressure(struct kislog *k)
{
	size_t len = evbuffer_get_length(k->q);

	if (len < k->resume_bytes) {
		kislog_hold(k, false);
		k->hold_spent = false;
		return;
	}
	if (k->held && kislog_now_ms() - k->held_since_ms >
	    KISLOG_HOLD_MAX_MS) {
		/* The writer is stuck: files go on, the log drops. */
		kislog_hold(k, false);
		k->hold_spent = true;
		return;
	}
	if (len >= k->hold_bytes && !k->hold_spent)
		kislog_hold(k, true);
}

static void
kislog_kick(struct kislog *k)
{
	if (kislog_alive(k) && !k->closing && !event_pending(k->ev_write, EV_WRITE, NULL))
		event_add(k->ev_write, NULL);
}

static void
kislog_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kislog *k = arg;
	int n;

	while (evbuffer_get_length(k->q) > 0) {
		n = evbuffer_write(k->q, fd);
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		kislog_gone(k, "its socket failed");
		return;
	}
	if (evbuffer_get_length(k->q) == 0)
		event_del(k->ev_write);
	kislog_pressure(k);
}

/* Queue what k->buf holds (records: never dropped). */
static void
kislog_send_buf(struct kislog *k)
{
	if (kislog_alive(k) && k->buf.len > 0) {
		evbuffer_add(k->q, k->buf.p, k->buf.len);
		kislog_kick(k);
	}
	klbuf_reset(&k->buf);
}

/* Packets */

static bool
kislog_filtered(struct kislog *k, const struct packet *p)
{
	const struct kislogd_filter *f = &k->conf.packet_filter;
	const struct packet_dot11 *d = &p->dot11;
	struct tracker_stats ts;
	int m = -1;

	if (p->error == PACKET_OK && !k->conf.data_packets &&
	    d->type == DOT11_TYPE_DATA)
		return true;
	if (!k->conf.duplicates && k->deps.tracker != NULL) {
		/* The tracker counts a copy another source heard as a dup
		 * during its update, which runs before the taps. */
		tracker_stats(k->deps.tracker, &ts);
		if (ts.dups != k->dups) {
			k->dups = ts.dups;
			return true;
		}
	}
	if (f->n == 0 && !f->block)
		return false;
	if (p->error != PACKET_OK)
		return f->block;
	if (d->has_src)
		m = kislogd_filter_match(f, KISMETDB_PHY_DOT11, d->src,
		    KISLOGD_SOURCE);
	if (m < 0 && d->has_dst)
		m = kislogd_filter_match(f, KISMETDB_PHY_DOT11, d->dst,
		    KISLOGD_DEST);
	if (m < 0 && d->has_bssid)
		m = kislogd_filter_match(f, KISMETDB_PHY_DOT11, d->bssid,
		    KISLOGD_NETWORK);
	if (m < 0 && d->has_ta)
		m = kislogd_filter_match(f, KISMETDB_PHY_DOT11, d->ta,
		    KISLOGD_OTHER);
	return m < 0 ? f->block : m > 0;
}

static void	kislog_source(struct kislog *, const struct datasource *);

/* A fix as the log's columns hold it: 0 everywhere without one. */
static void
kislog_loc(const struct packet_loc *l, struct kismetdb_loc *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (l->fix < 2)
		return;
	ret->lat = l->lat;
	ret->lon = l->lon;
	ret->alt = l->fix >= 3 ? l->alt : 0;
	ret->speed = l->speed;		/* km/h, as Kismet's */
	ret->heading = l->heading;
}

/*
 * The position stamped on a row that is not a packet's (messages,
 * alerts, system snapshots): the GPS layer's best fix as the row is
 * written, as Kismet stamps them with its best location.
 */
static void
kislog_stamp(const struct kislog *k, struct kismetdb_loc *ret)
{
	if (k->gps == NULL) {
		memset(ret, 0, sizeof(*ret));
		return;
	}
	kislog_loc(gps_best(k->gps), ret);
}

void
kislog_packet_msg(struct klmsg_packet *m, const struct packet *p)
{
	const struct packet_dot11 *d = &p->dot11;

	memset(m, 0, sizeof(*m));
	m->ts_sec = p->ts_sec;
	m->ts_usec = (uint32_t)p->ts_usec;
	m->dlt = p->dlt;
	m->full_len = p->len > UINT32_MAX ? UINT32_MAX : (uint32_t)p->len;
	m->caplen = p->caplen;
	if (p->error != PACKET_OK)
		m->flags |= KLMSG_PKT_ERROR;
	else {
		m->flags |= KLMSG_PKT_DOT11;
		if (d->type == DOT11_TYPE_DATA)
			m->flags |= KLMSG_PKT_DATA;
		if (d->has_src) {
			m->flags |= KLMSG_PKT_SRC;
			memcpy(m->src, d->src, 6);
		}
		if (d->has_dst) {
			m->flags |= KLMSG_PKT_DST;
			memcpy(m->dst, d->dst, 6);
		}
		if (d->has_ta) {
			m->flags |= KLMSG_PKT_TA;
			memcpy(m->ta, d->ta, 6);
		}
		if (d->has_bssid) {
			m->flags |= KLMSG_PKT_BSSID;
			memcpy(m->bssid, d->bssid, 6);
		}
	}
	if (p->radio.has & RADIO_HAS_SIGNAL) {
		m->flags |= KLMSG_PKT_SIGNAL;
		m->signal = p->radio.signal_dbm;
	} else if (p->has_helper_signal) {
		m->flags |= KLMSG_PKT_SIGNAL;
		m->signal = p->helper_signal_dbm;
	}
	if (p->radio.has & RADIO_HAS_FREQ)
		m->freq_khz = (uint32_t)p->radio.freq_mhz * 1000;
	else
		m->freq_khz = (uint32_t)p->helper_freq_mhz * 1000;
	if (p->radio.has & RADIO_HAS_RATE)
		m->rate_kbps = p->radio.rate_kbps;
	if (p->frame != NULL && p->frame >= p->data &&
	    p->frame + p->frame_len <= p->data + p->caplen) {
		m->frame_off = (uint32_t)(p->frame - p->data);
		m->frame_len = (uint32_t)p->frame_len;
	}
	/* Where the packet was heard: the best fix, or the sensor's own. */
	kislog_loc(&p->loc, &m->loc);
}

static void
kislog_tap_cb(const struct packet *p, const struct datasource *ds,
    void *arg)
{
	struct kislog *k = arg;
	struct klmsg_packet m;
	uint8_t head[KLMSG_HDR + KLMSG_PACKET_FIXED];
	size_t i;

	if (kislog_filtered(k, p)) {
		k->st.packets_filtered++;
		return;
	}
	if (!kislog_alive(k) || k->state == KLMSG_STOPPED) {
		k->stopped++;
		return;
	}
	if (evbuffer_get_length(k->q) + sizeof(head) + p->caplen >
	    k->queue_max) {
		k->st.packets_dropped++;
		return;
	}
	for (i = 0; i < k->n_seen && k->seen[i] != ds->id; i++)
		;
	if (i == k->n_seen && k->conf.sources)
		kislog_source(k, ds);
	kislog_packet_msg(&m, p);
	m.packetid = ++k->packetid;
	memcpy(m.uuid, ds->uuid, sizeof(ds->uuid) < sizeof(m.uuid) ?
	    sizeof(ds->uuid) : sizeof(m.uuid) - 1);
	klmsg_packet_head(head, &m);
	evbuffer_add(k->q, head, sizeof(head));
	evbuffer_add(k->q, p->data, p->caplen);
	k->st.packets_queued++;
	kislog_kick(k);
	if (evbuffer_get_length(k->q) >= k->hold_bytes)
		kislog_pressure(k);
}

/* Records */

static void
kislog_source(struct kislog *k, const struct datasource *ds)
{
	msgpack_packer pk;
	size_t i;

	for (i = 0; i < k->n_seen && k->seen[i] != ds->id; i++)
		;
	if (i == k->n_seen) {
		k->seen = xreallocarray(k->seen, k->n_seen + 1,
		    sizeof(*k->seen));
		k->seen[k->n_seen++] = ds->id;
	}
	msgpack_sbuffer_clear(&k->sb);
	msgpack_packer_init(&pk, &k->sb, msgpack_sbuffer_write);
	ctlstat_pack_source(&pk, ds, NULL);
	klmsg_put_raw(&k->buf, KLMSG_SOURCE, k->sb.data, k->sb.size);
	kislog_send_buf(k);
}

static void
kislog_sources(struct kislog *k)
{
	const struct datasource_list *l;
	const struct datasource *ds;

	l = datasource_mgr_sources(k->deps.sources);
	TAILQ_FOREACH(ds, l, entry)
		kislog_source(k, ds);
}

static void
kislog_sources_cb(evutil_socket_t fd, short what, void *arg)
{
	kislog_sources(arg);
}

static void
kislog_pass_start(struct kislog *k)
{
	struct timeval tv;
	uint64_t now;

	if (event_base_gettimeofday_cached(k->deps.base, &tv) != 0)
		gettimeofday(&tv, NULL);
	now = (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
	devrec_cursor_init(&k->cur, k->since_usec);
	k->next_since = now > 0 ? now - 1 : 0;
	k->in_pass = true;
}

/* One slice of the device pass; true when the pass is over. */
static bool
kislog_device_slice(struct kislog *k)
{
	struct devrec_opts o;
	msgpack_packer pk;
	size_t n;

	memset(&o, 0, sizeof(o));
	o.source_uuid = datasource_uuid_by_id;
	o.arg = k->deps.sources;
	msgpack_sbuffer_clear(&k->sb);
	msgpack_packer_init(&pk, &k->sb, msgpack_sbuffer_write);
	n = devrec_pack_slice(&pk, k->deps.tracker, &k->cur,
	    KISLOG_DEVICE_SLICE, &o);
	if (n > 0) {
		klmsg_put_raw(&k->buf, KLMSG_DEVICES, k->sb.data, k->sb.size);
		kislog_send_buf(k);
	}
	if (!k->cur.done)
		return false;
	k->since_usec = k->next_since;
	k->in_pass = false;
	return true;
}

static void
kislog_slice_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kislog *k = arg;
	struct timeval now = { 0, 0 }, later = { 0, 20000 };

	if (!kislog_alive(k))
		return;
	/* Records wait for the writer rather than crowd out packets. */
	if (evbuffer_get_length(k->q) >= k->hold_bytes) {
		evtimer_add(k->ev_slice, &later);
		return;
	}
	if (!kislog_device_slice(k))
		evtimer_add(k->ev_slice, &now);
}

static void
kislog_devices_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kislog *k = arg;
	struct timeval now = { 0, 0 };

	if (k->in_pass || !kislog_alive(k) || k->deps.tracker == NULL)
		return;
	kislog_pass_start(k);
	evtimer_add(k->ev_slice, &now);
}

static int
kislog_message_cb(const struct msgbus_msg *m, void *arg)
{
	struct kislog *k = arg;
	struct klmsg_message km;

	if (m->seq <= k->msg_seq)
		return 0;
	k->msg_seq = m->seq;
	memset(&km, 0, sizeof(km));
	km.ts_sec = m->ts_sec;
	km.level = m->level;
	kislog_stamp(k, &km.loc);
	km.text = m->text;
	klmsg_put_message(&k->buf, &km);
	return 0;
}

static void
kislog_messages(struct kislog *k)
{
	if (k->deps.bus == NULL)
		return;
	msgbus_since(k->deps.bus, 0, 0, kislog_message_cb, k);
	kislog_send_buf(k);
}

static void
kislog_messages_cb(evutil_socket_t fd, short what, void *arg)
{
	kislog_messages(arg);
}

/* A snapshot at loc whose JSON is the msgpack map in k->sb. */
static void
kislog_snapshot(struct kislog *k, const char *type,
    const struct kismetdb_loc *loc, uint64_t sec, uint64_t usec)
{
	struct klmsg_record r;

	memset(&r, 0, sizeof(r));
	r.table = KISMETDB_SNAPSHOTS;
	r.is_msgpack = true;
	r.r.ts_sec = sec;
	r.r.ts_usec = usec;
	r.r.loc = *loc;
	r.r.header = type;
	r.r.json = k->sb.data;
	r.r.json_len = k->sb.size;
	klmsg_put_record(&k->buf, &r);
	kislog_send_buf(k);
}

static void
kislog_system_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kislog *k = arg;
	struct tracker_stats ts;
	struct kismetdb_loc loc;
	struct mallinfo2 mi;
	struct timeval tv;
	msgpack_packer pk;

	gettimeofday(&tv, NULL);
	memset(&ts, 0, sizeof(ts));
	if (k->deps.tracker != NULL)
		tracker_stats(k->deps.tracker, &ts);
	mi = mallinfo2();
	msgpack_sbuffer_clear(&k->sb);
	msgpack_packer_init(&pk, &k->sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 6);
	bridge_pack_kv_u64(&pk, "kismet.system.timestamp.sec",
	    (uint64_t)tv.tv_sec);
	bridge_pack_kv_u64(&pk, "kismet.system.timestamp.usec",
	    (uint64_t)tv.tv_usec);
	bridge_pack_kv_u64(&pk, "kismet.system.devices.count", ts.devices);
	bridge_pack_kv_u64(&pk, "kismet.system.memory.rss",
	    (uint64_t)(mi.uordblks + mi.hblkhd) / 1024);
	bridge_pack_kv_u64(&pk, "osprey.system.packets.total",
	    k->deps.packets != NULL ? packet_count(k->deps.packets) : 0);
	bridge_pack_kv_u64(&pk, "osprey.kismetdb.packets_not_logged",
	    k->st.packets_dropped + k->stopped + k->st.lost);
	kislog_stamp(k, &loc);
	kislog_snapshot(k, "SYSTEM", &loc, (uint64_t)tv.tv_sec,
	    (uint64_t)tv.tv_usec);
}

/*
 * The GPS track as Kismet logs it (kis_log_gps_track): once a second,
 * a "GPS" snapshot of every receiver, at its own position (0 without a
 * fix), whose json is the receiver's record as /gps/all_gps.json gives
 * it.  Tools draw the track from the rows' lat and lon.
 */
static void
kislog_gps_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kislog *k = arg;
	const struct gps_dev *d = NULL;
	struct packet_loc l;
	struct kismetdb_loc loc;
	struct timeval tv;
	msgpack_packer pk;

	if (k->gps == NULL || !kislog_alive(k))
		return;
	gettimeofday(&tv, NULL);
	while ((d = gps_next(k->gps, d)) != NULL) {
		gps_dev_location(d, &l);
		kislog_loc(&l, &loc);
		msgpack_sbuffer_clear(&k->sb);
		msgpack_packer_init(&pk, &k->sb, msgpack_sbuffer_write);
		gps_pack_dev(k->gps, d, &pk);
		kislog_snapshot(k, "GPS", &loc, (uint64_t)tv.tv_sec,
		    (uint64_t)tv.tv_usec);
	}
}

void
kislog_set_gps(struct kislog *k, const struct gps *g)
{
	struct timeval tv = { 1, 0 };

	if (k == NULL)
		return;
	k->gps = g;
	if (g == NULL)
		event_del(k->ev_gps);
	else if (k->conf.gps_track)
		event_add(k->ev_gps, &tv);
}

void
kislog_alert(struct kislog *k, uint64_t ts_sec, uint64_t ts_usec,
    const char *phyname, const char *devmac, const char *header,
    const void *record, size_t len)
{
	struct klmsg_record r;

	if (k == NULL || !k->conf.alerts)
		return;
	memset(&r, 0, sizeof(r));
	r.table = KISMETDB_ALERTS;
	r.is_msgpack = true;
	r.r.ts_sec = ts_sec;
	r.r.ts_usec = ts_usec;
	r.r.phyname = phyname;
	r.r.devmac = devmac;
	kislog_stamp(k, &r.r.loc);
	r.r.header = header;
	r.r.json = record;
	r.r.json_len = len;
	klmsg_put_record(&k->buf, &r);
	kislog_send_buf(k);
}

/* From the writer */

static struct kislog_export *
kislog_export_find(struct kislog *k, uint32_t id)
{
	size_t i;

	for (i = 0; i < KISLOG_EXPORTS; i++)
		if (k->ex[i].id == id && id != 0)
			return &k->ex[i];
	return NULL;
}

static void
kislog_status(struct kislog *k, const struct klmsg_status *s)
{
	if (s->event[0] != '\0') {
		/* The one line that says the log failed, and where to. */
		log_warnx("%s", s->event);
		if (k->deps.bus != NULL)
			msgbus_post(k->deps.bus, MSGBUS_ERROR, "%s", s->event);
	}
	k->state = s->state;
	memcpy(k->st.rows, s->rows, sizeof(k->st.rows));
	k->st.lost = s->lost;
	k->st.file_bytes = s->file_bytes;
	snprintf(k->error, sizeof(k->error), "%s", s->error);
	if (strcmp(s->path, k->path) != 0) {
		free(k->path);
		k->path = xstrdup(s->path);
	}
}

static void
kislog_dispatch(struct kislog *k, uint16_t type, const uint8_t *p,
    size_t len)
{
	struct klmsg_status s;
	struct klmsg_export_data d;
	struct klmsg_export_end e;
	struct kislog_export *x;

	switch (type) {
	case KLMSG_STATUS:
		if (klmsg_get_status(p, len, &s) == 0)
			kislog_status(k, &s);
		break;
	case KLMSG_EXPORT_DATA:
		if (klmsg_get_export_data(p, len, &d) == 0 &&
		    (x = kislog_export_find(k, d.id)) != NULL)
			x->cb(x->arg, d.data, d.len, 0, NULL);
		break;
	case KLMSG_EXPORT_END:
		if (klmsg_get_export_end(p, len, &e) == 0 &&
		    (x = kislog_export_find(k, e.id)) != NULL) {
			x->id = 0;
			x->cb(x->arg, NULL, e.status == 0 ? e.packets : 0,
			    e.status == 0 ? 1 : e.status, e.reason);
		}
		break;
	default:
		log_debug("kismetdb: message type %u from the writer ignored",
		    type);
		break;
	}
}

/* Handle the whole messages in k->in; -1 when the stream is broken. */
static int
kislog_input(struct kislog *k)
{
	uint8_t *p;
	uint16_t type;
	uint32_t plen;
	size_t len;
	int r;

	for (;;) {
		len = evbuffer_get_length(k->in);
		if (len < KLMSG_HDR)
			return 0;
		p = evbuffer_pullup(k->in, KLMSG_HDR);
		if ((r = klmsg_header(p, len, &type, &plen)) < 0)
			return -1;
		if (r == 0)
			return 0;
		p = evbuffer_pullup(k->in, KLMSG_HDR + (ssize_t)plen);
		kislog_dispatch(k, type, p + KLMSG_HDR, plen);
		if (!kislog_alive(k))
			return 0;
		evbuffer_drain(k->in, KLMSG_HDR + (size_t)plen);
	}
}

static void
kislog_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kislog *k = arg;
	int n;

	n = evbuffer_read(k->in, fd, 1 << 20);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		(void)kislog_input(k);
		kislog_gone(k, n == 0 ? "it exited" : "its socket failed");
		return;
	}
	if (kislog_input(k) < 0)
		kislog_gone(k, "it sent a bad message");
}

/* The writer is gone (it died, or broke the stream): stop logging. */
static void
kislog_gone(struct kislog *k, const char *why)
{
	struct kislog_export *x;
	int status = 0;
	size_t i;

	if (!kislog_alive(k))
		return;
	event_del(k->ev_read);
	event_del(k->ev_write);
	close(k->fd);
	k->fd = -1;
	/* What was queued and never committed is not logged. */
	if (k->st.packets_queued > k->st.rows[KISMETDB_PACKETS])
		k->stopped += k->st.packets_queued -
		    k->st.rows[KISMETDB_PACKETS];
	evbuffer_drain(k->q, evbuffer_get_length(k->q));
	kislog_hold(k, false);
	/* Its socket closes as it dies; give its end a moment to show. */
	for (i = 0; i < 25 && waitpid(k->pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (i < 25 && WIFSIGNALED(status))
		snprintf(k->error, sizeof(k->error), "the writer was killed by "
		    "signal %d", WTERMSIG(status));
	else
		snprintf(k->error, sizeof(k->error), "the writer ended (%s)",
		    why);
	log_warnx("kismetdb log %s: %s; kismetdb logging stopped", k->path,
	    k->error);
	for (i = 0; i < KISLOG_EXPORTS; i++) {
		x = &k->ex[i];
		if (x->id != 0) {
			x->id = 0;
			x->cb(x->arg, NULL, 0, -EIO, "the kismetdb writer "
			    "ended");
		}
	}
}

/* Start and end */

/* Wait for the writer's first answer: the file, or why not. */
static int
kislog_wait_open(struct kislog *k, char *err, size_t errlen)
{
	struct klmsg_opened o;
	struct pollfd pfd;
	uint64_t start = kislog_now_ms();
	uint16_t type;
	uint32_t plen;
	uint8_t *p;
	int n, r;

	for (;;) {
		p = evbuffer_pullup(k->in, -1);
		r = klmsg_header(p, evbuffer_get_length(k->in), &type, &plen);
		if (r < 0 || (r == 1 && type != KLMSG_OPENED)) {
			snprintf(err, errlen, "the writer answered nonsense");
			return -EPROTO;
		}
		if (r == 1)
			break;
		pfd.fd = k->fd;
		pfd.events = POLLIN;
		if (kislog_now_ms() - start > KISLOG_OPEN_WAIT_MS ||
		    poll(&pfd, 1, 100) < 0) {
			snprintf(err, errlen, "the writer did not answer");
			return -ETIMEDOUT;
		}
		n = evbuffer_read(k->in, k->fd, 65536);
		if (n == 0) {
			snprintf(err, errlen, "the writer exited");
			return -EPIPE;
		}
	}
	if (klmsg_get_opened(p + KLMSG_HDR, plen, &o) < 0) {
		snprintf(err, errlen, "the writer answered nonsense");
		return -EPROTO;
	}
	if (o.status < 0) {
		snprintf(err, errlen, "%s", o.text);
		r = o.status;
	} else
		k->path = xstrdup(o.text);
	evbuffer_drain(k->in, KLMSG_HDR + plen);
	return o.status < 0 ? r : 0;
}

static void
kislog_free(struct kislog *k)
{
	event_free(k->ev_read);
	event_free(k->ev_write);
	event_free(k->ev_devices);
	event_free(k->ev_slice);
	event_free(k->ev_sources);
	event_free(k->ev_messages);
	event_free(k->ev_system);
	event_free(k->ev_hold);
	event_free(k->ev_gps);
	if (k->fd >= 0)
		close(k->fd);
	evbuffer_free(k->q);
	evbuffer_free(k->in);
	klbuf_free(&k->buf);
	msgpack_sbuffer_destroy(&k->sb);
	free(k->seen);
	free(k->path);
	free(k);
}

static struct event *
kislog_timer(struct kislog *k, void (*cb)(evutil_socket_t, short, void *),
    uint32_t secs)
{
	struct event *ev;
	struct timeval tv = { secs, 0 };

	if ((ev = event_new(k->deps.base, -1, secs > 0 ? EV_PERSIST : 0, cb,
	    k)) == NULL)
		fatalx("kismetdb: out of memory");
	if (secs > 0)
		event_add(ev, &tv);
	return ev;
}

struct kislog *
kislog_start(const struct kislog_conf *conf, const struct kislog_deps *deps,
    char *err, size_t errlen)
{
	struct kislog *k;
	int r;

	k = xcalloc(1, sizeof(*k));
	k->conf = *conf;
	k->deps = *deps;
	k->fd = -1;
	k->queue_max = (size_t)conf->queue_mb * 1024 * 1024;
	k->hold_bytes = k->queue_max / 8;
	k->resume_bytes = k->queue_max / 32;
	k->q = evbuffer_new();
	k->in = evbuffer_new();
	if (k->q == NULL || k->in == NULL)
		fatalx("kismetdb: out of memory");
	msgpack_sbuffer_init(&k->sb);
	if ((r = kislogd_start(&k->conf.writer, &k->pid, &k->fd)) < 0) {
		snprintf(err, errlen, "cannot start the writer: %s",
		    strerror(-r));
		kislog_free(k);
		return NULL;
	}
	if ((r = kislog_wait_open(k, err, errlen)) < 0) {
		close(k->fd);
		k->fd = -1;
		(void)waitpid(k->pid, NULL, 0);
		kislog_free(k);
		return NULL;
	}
	k->ev_read = event_new(deps->base, k->fd, EV_READ | EV_PERSIST,
	    kislog_read_cb, k);
	k->ev_write = event_new(deps->base, k->fd, EV_WRITE | EV_PERSIST,
	    kislog_write_cb, k);
	if (k->ev_read == NULL || k->ev_write == NULL)
		fatalx("kismetdb: out of memory");
	event_add(k->ev_read, NULL);
	k->ev_slice = kislog_timer(k, kislog_slice_cb, 0);
	k->ev_hold = kislog_timer(k, kislog_hold_cb, 0);
	k->ev_devices = kislog_timer(k, kislog_devices_cb,
	    conf->devices && deps->tracker != NULL ? conf->device_rate : 0);
	k->ev_sources = kislog_timer(k, kislog_sources_cb,
	    conf->sources ? conf->source_rate : 0);
	k->ev_messages = kislog_timer(k, kislog_messages_cb,
	    conf->messages ? 1 : 0);
	k->ev_system = kislog_timer(k, kislog_system_cb,
	    conf->system ? conf->system_rate : 0);
	/* Added by kislog_set_gps(). */
	if ((k->ev_gps = event_new(deps->base, -1, EV_PERSIST, kislog_gps_cb,
	    k)) == NULL)
		fatalx("kismetdb: out of memory");
	if (conf->packets && deps->packets != NULL &&
	    (k->tap = packet_tap_add(deps->packets, kislog_tap_cb, k)) < 0)
		fatalx("kismetdb: no room for the packet tap");
	if (deps->tracker != NULL) {
		struct tracker_stats ts;

		tracker_stats(deps->tracker, &ts);
		k->dups = ts.dups;
	}
	return k;
}

pid_t
kislog_pid(const struct kislog *k)
{
	return k->pid;
}

const char *
kislog_path(const struct kislog *k)
{
	return k->path != NULL ? k->path : "";
}

/*
 * The rows written at exit, a slice at a time: the device pass (what
 * changed up to now, this pass's rest included), then the sources and
 * the message bus.  Returns true once everything is queued.
 */
static bool
kislog_exit_fill(struct kislog *k)
{
	if (k->exit_stage == KISLOG_EXIT_DEVICES) {
		if (k->conf.devices && k->deps.tracker != NULL &&
		    !kislog_device_slice(k))
			return false;
		k->exit_stage = KISLOG_EXIT_REST;
	}
	if (k->exit_stage == KISLOG_EXIT_REST) {
		if (k->conf.sources)
			kislog_sources(k);
		if (k->conf.messages)
			kislog_messages(k);
		k->exit_stage = KISLOG_EXIT_QUEUED;
	}
	return true;
}

/*
 * At exit, with the loop no longer running: queue the last rows a slice
 * at a time while the queue is short, write the queue as the socket
 * takes it and read the writer's answers meanwhile (it must never block
 * on us), so that packing here and storing in the writer overlap and
 * the queue stays small; then close our end and read until it has
 * closed the file.
 */
static void
kislog_drain(struct kislog *k)
{
	struct pollfd pfd;
	uint64_t last = kislog_now_ms();
	bool shut = false, queued = false;
	int n;

	while (kislog_alive(k) && kislog_now_ms() - last <
	    KISLOG_CLOSE_WAIT_MS) {
		while (!queued && evbuffer_get_length(k->q) <
		    KISLOG_EXIT_QUEUE) {
			queued = kislog_exit_fill(k);
			last = kislog_now_ms();
		}
		if (queued && !shut && evbuffer_get_length(k->q) == 0) {
			(void)shutdown(k->fd, SHUT_WR);
			shut = true;
		}
		pfd.fd = k->fd;
		pfd.events = POLLIN | (shut ? 0 : POLLOUT);
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			break;
		if (pfd.revents & POLLOUT) {
			if ((n = evbuffer_write(k->q, k->fd)) > 0)
				last = kislog_now_ms();
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				break;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = evbuffer_read(k->in, k->fd, 1 << 20);
			if (n == 0) {
				(void)kislog_input(k);
				break;
			}
			if (n > 0) {
				last = kislog_now_ms();
				if (kislog_input(k) < 0)
					break;
			}
		}
	}
}

void
kislog_close(struct kislog *k)
{
	uint64_t start;
	int status;

	if (k == NULL)
		return;
	if (k->tap > 0)
		packet_tap_remove(k->deps.packets, k->tap);
	k->tap = 0;
	kislog_hold(k, false);
	if (kislog_alive(k)) {
		/* What changed up to now, this pass's rest included. */
		if (k->conf.devices && k->deps.tracker != NULL)
			kislog_pass_start(k);
		k->exit_stage = KISLOG_EXIT_DEVICES;
		k->closing = true;
		event_del(k->ev_read);
		event_del(k->ev_write);
		kislog_drain(k);
		if (k->fd >= 0) {
			close(k->fd);
			k->fd = -1;
		}
	}
	/*
	 * It exits once it has closed the file, just after its end of the
	 * socket closed: look often, as a batch run's wall time ends here.
	 */
	for (start = kislog_now_ms(); kislog_now_ms() - start < 5000;) {
		if (waitpid(k->pid, &status, WNOHANG) != 0)
			break;
		usleep(1000);
	}
	log_info("kismetdb log %s: %llu packets, %llu devices, %llu "
	    "messages; %llu packets not logged; capture files held %llu "
	    "times for the writer", kislog_path(k),
	    (unsigned long long)k->st.rows[KISMETDB_PACKETS],
	    (unsigned long long)k->st.rows[KISMETDB_DEVICES],
	    (unsigned long long)k->st.rows[KISMETDB_MESSAGES],
	    (unsigned long long)(k->st.packets_dropped + k->stopped +
	    k->st.lost), (unsigned long long)k->st.holds);
	kislog_free(k);
}

/* Status */

void
kislog_stats(const struct kislog *k, struct kislog_stats *ret)
{
	*ret = k->st;
	ret->running = kislog_alive(k) && k->state == KLMSG_LOGGING;
	ret->queue_bytes = evbuffer_get_length(k->q);
	ret->not_logged = k->st.packets_dropped + k->stopped + k->st.lost;
	ret->path = kislog_path(k);
	ret->error = k->error;
}

size_t
kislog_status_fields(void)
{
	return 11;
}

void
kislog_pack_status(const struct kislog *k, msgpack_packer *pk)
{
	struct kislog_stats s;

	memset(&s, 0, sizeof(s));
	s.path = s.error = "";
	if (k != NULL)
		kislog_stats(k, &s);
	bridge_pack_kv_str(pk, "osprey.kismetdb.state", k == NULL ? "off" :
	    s.running ? "logging" : "stopped");
	bridge_pack_kv_str(pk, "osprey.kismetdb.path", s.path);
	bridge_pack_kv_str(pk, "osprey.kismetdb.error", s.error);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.packets_logged",
	    s.rows[KISMETDB_PACKETS]);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.packets_not_logged",
	    s.not_logged);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.packets_dropped",
	    s.packets_dropped);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.devices_logged",
	    s.rows[KISMETDB_DEVICES]);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.rows_lost", s.lost);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.queue_bytes", s.queue_bytes);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.file_bytes", s.file_bytes);
	bridge_pack_kv_u64(pk, "osprey.kismetdb.file_holds", s.holds);
}

/* Exports */

int
kislog_export(struct kislog *k, const char *const *keys,
    const char *const *values, size_t n,
    void (*cb)(void *, const void *, size_t, int, const char *), void *arg,
    uint32_t *ret_id)
{
	struct klmsg_export m;
	struct kislog_export *x = NULL;
	size_t i;

	if (k == NULL || !kislog_alive(k))
		return -ENOENT;
	if (n > KLMSG_EXPORT_ARGS)
		return -E2BIG;
	for (i = 0; i < KISLOG_EXPORTS && x == NULL; i++)
		if (k->ex[i].id == 0)
			x = &k->ex[i];
	if (x == NULL)
		return -EBUSY;
	if (++k->next_export == 0)
		k->next_export = 1;
	x->id = k->next_export;
	x->cb = cb;
	x->arg = arg;
	memset(&m, 0, sizeof(m));
	m.id = x->id;
	m.n = n;
	for (i = 0; i < n; i++) {
		m.keys[i] = keys[i];
		m.values[i] = values[i];
	}
	klmsg_put_export(&k->buf, &m);
	kislog_send_buf(k);
	*ret_id = x->id;
	return 0;
}

void
kislog_export_more(struct kislog *k, uint32_t id)
{
	if (k == NULL || kislog_export_find(k, id) == NULL)
		return;
	klmsg_put_id(&k->buf, KLMSG_EXPORT_MORE, id);
	kislog_send_buf(k);
}

void
kislog_export_cancel(struct kislog *k, uint32_t id)
{
	struct kislog_export *x;

	if (k == NULL || (x = kislog_export_find(k, id)) == NULL)
		return;
	x->id = 0;
	klmsg_put_id(&k->buf, KLMSG_EXPORT_CANCEL, id);
	kislog_send_buf(k);
}
