/* SPDX-License-Identifier: ISC */
/* \summary: the web worker's end of the bridge to the core (doc/bridge.md) */

#include <sys/queue.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "core.h"
#include "log.h"
#include "xmalloc.h"

struct core_pending {
	TAILQ_ENTRY(core_pending) entry;
	uint32_t	 seq;
	uint16_t	 req_type;
	core_reply_cb	 cb;
	void		*arg;
	time_t		 deadline;	/* 0: the core owes nothing now */
};

struct core {
	struct event_base	*base;
	struct bufferevent	*bev;
	struct core_hooks	 hooks;
	uint32_t		 seq;
	bool			 up;
	TAILQ_HEAD(, core_pending) pending;
	struct event		*tick;
	msgpack_sbuffer		 out;
};

/*
 * What the web accepts from the core: pushes in any state after CONFIG
 * (read before the loop starts), replies only as answers to a request
 * of the matching type.
 */
static const struct {
	uint16_t	 type;
	uint16_t	 answers;	/* the request type, 0 for a push */
	bool		 final;		/* the last message for that seq */
} core_table[] = {
	{ BRIDGE_ERROR, 0, true },	/* answers any request */
	{ BRIDGE_DEVICES_SLICE, BRIDGE_DEVICES_REQ, false },
	{ BRIDGE_DEVICES_END, BRIDGE_DEVICES_REQ, true },
	{ BRIDGE_DEVICES_SLICE, BRIDGE_DEVICES_PAGE, false },
	{ BRIDGE_PAGE_END, BRIDGE_DEVICES_PAGE, true },
	{ BRIDGE_SOURCES_REPLY, BRIDGE_SOURCES_REQ, true },
	{ BRIDGE_SOURCE_CMD_REPLY, BRIDGE_SOURCE_CMD, true },
	{ BRIDGE_SYSTEM_REPLY, BRIDGE_SYSTEM_REQ, true },
	{ BRIDGE_CMD_REPLY, BRIDGE_CMD, true },
	{ BRIDGE_KISMETDB_DATA, BRIDGE_KISMETDB_REQ, false },
	{ BRIDGE_KISMETDB_END, BRIDGE_KISMETDB_REQ, true },
	{ BRIDGE_PACKET, 0, false },
	{ BRIDGE_PACKET_SOURCE, 0, false },
	{ BRIDGE_PING, 0, false },	/* the core's liveness check */
};

int
core_read_config(int fd, int timeout_ms,
    int (*set)(void *, const char *, const char *), void *arg, char *err,
    size_t errlen)
{
	uint8_t *buf = xmalloc(BRIDGE_HDR_LEN + BRIDGE_MAX_REQUEST);
	struct bridge_hdr h;
	struct bridge_msg m;
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t have = 0, i;
	ssize_t n;
	int rc;

	/* The header, then exactly its payload: nothing past CONFIG. */
	for (;;) {
		rc = bridge_peek_header(buf, have, BRIDGE_MAX_REQUEST, &h);
		if (rc < 0 || (rc == 1 && have == BRIDGE_HDR_LEN + h.len))
			break;
		if (poll(&pfd, 1, timeout_ms) <= 0) {
			snprintf(err, errlen, "no CONFIG from the core within "
			    "%d ms", timeout_ms);
			free(buf);
			return -ETIMEDOUT;
		}
		n = read(fd, buf + have, rc == 0 ? BRIDGE_HDR_LEN - have :
		    BRIDGE_HDR_LEN + h.len - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "bridge closed before CONFIG");
			free(buf);
			return -EPIPE;
		}
		have += (size_t)n;
	}
	if (rc < 0) {
		snprintf(err, errlen, "bad bridge header: %s", strerror(-rc));
		free(buf);
		return rc;
	}
	if (h.type != BRIDGE_CONFIG) {
		snprintf(err, errlen, "first message was %s, not CONFIG",
		    bridge_type_name(h.type));
		free(buf);
		return -EPROTO;
	}
	if ((rc = bridge_decode(&h, buf + BRIDGE_HDR_LEN, &m)) != 0) {
		snprintf(err, errlen, "bad CONFIG: %s", strerror(-rc));
		free(buf);
		return rc;
	}
	for (i = 0; i < m.u.config.count && rc == 0; i++)
		if ((rc = set(arg, m.u.config.keys[i], m.u.config.values[i])) !=
		    0)
			snprintf(err, errlen, "CONFIG: %s refused",
			    m.u.config.keys[i]);
	bridge_msg_clear(&m);
	free(buf);
	return rc;
}

static void
core_fail_all(struct core *c, uint32_t status, const char *reason)
{
	struct core_pending *p;
	struct bridge_msg m;

	while ((p = TAILQ_FIRST(&c->pending)) != NULL) {
		TAILQ_REMOVE(&c->pending, p, entry);
		memset(&m, 0, sizeof(m));
		m.hdr.type = BRIDGE_ERROR;
		m.hdr.seq = p->seq;
		m.u.error.status = status;
		m.u.error.reason = reason;
		p->cb(&m, p->arg);
		free(p);
	}
}

/* The bridge is broken or closed: say so once, fail what waits. */
static void
core_lost(struct core *c, const char *reason)
{
	if (!c->up)
		return;
	c->up = false;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	core_fail_all(c, 503, "the core is not connected");
	if (c->hooks.lost != NULL)
		c->hooks.lost(reason, c->hooks.arg);
}

static struct core_pending *
core_find(struct core *c, uint32_t seq)
{
	struct core_pending *p;

	TAILQ_FOREACH(p, &c->pending, entry)
		if (p->seq == seq)
			return p;
	return NULL;
}

static int	core_write(struct core *);

static int
core_dispatch_core(struct core *c, const struct bridge_msg *m)
{
	struct core_pending *p;
	size_t i;

	for (i = 0; i < sizeof(core_table) / sizeof(core_table[0]); i++)
		if (core_table[i].type == m->hdr.type)
			break;
	if (i == sizeof(core_table) / sizeof(core_table[0]))
		return -EPROTO;
	if (m->hdr.type == BRIDGE_PACKET) {
		if (c->hooks.packet != NULL)
			c->hooks.packet(&m->u.packet, c->hooks.arg);
		return 0;
	}
	/* Answered here, from the loop: a hung worker does not answer. */
	if (m->hdr.type == BRIDGE_PING) {
		if (bridge_encode_empty(&c->out, BRIDGE_PONG, m->hdr.seq) == 0)
			(void)core_write(c);
		return 0;
	}
	if (m->hdr.type == BRIDGE_PACKET_SOURCE) {
		if (c->hooks.packet_source != NULL)
			c->hooks.packet_source(&m->u.packet_source,
			    c->hooks.arg);
		return 0;
	}
	/*
	 * A reply to a request we forgot (its client left) is dropped; a
	 * reply of a type its request does not expect breaks the bridge.
	 */
	if ((p = core_find(c, m->hdr.seq)) == NULL)
		return 0;
	/* A type may answer more than one request (DEVICES_SLICE). */
	for (; i < sizeof(core_table) / sizeof(core_table[0]); i++)
		if (core_table[i].type == m->hdr.type &&
		    (core_table[i].answers == 0 ||
		    core_table[i].answers == p->req_type))
			break;
	if (i == sizeof(core_table) / sizeof(core_table[0]))
		return -EPROTO;
	/* After a slice the core waits for MORE: it owes nothing till then. */
	p->deadline = 0;
	if (core_table[i].final)
		TAILQ_REMOVE(&c->pending, p, entry);
	p->cb(m, p->arg);
	if (core_table[i].final)
		free(p);
	return 0;
}

static void
core_read_cb(struct bufferevent *bev, void *arg)
{
	struct core *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct bridge_hdr h;
	struct bridge_msg m;
	char why[128];
	int rc;

	while (c->up) {
		if ((rc = bridge_read_frame(in, BRIDGE_MAX_PAYLOAD,
		    BRIDGE_FROM_CORE, &h, &m, why, sizeof(why))) == 0)
			return;
		if (rc < 0) {
			core_lost(c, why);
			return;
		}
		rc = core_dispatch_core(c, &m);
		bridge_msg_clear(&m);
		evbuffer_drain(in, BRIDGE_HDR_LEN + (size_t)h.len);
		if (rc != 0) {
			snprintf(why, sizeof(why), "unexpected %s for seq %u",
			    bridge_type_name(h.type), h.seq);
			core_lost(c, why);
			return;
		}
	}
}

static void
core_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct core *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		core_lost(c, (what & BEV_EVENT_EOF) ? "the core closed the "
		    "bridge" : "bridge read or write failed");
}

/* Once a second: fail requests the core has left unanswered too long. */
static void
core_tick_cb(evutil_socket_t unused, short what, void *arg)
{
	struct core *c = arg;
	struct core_pending *p, *next;
	struct bridge_msg m;
	time_t now = time(NULL);

	for (p = TAILQ_FIRST(&c->pending); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->deadline == 0 || p->deadline > now)
			continue;
		TAILQ_REMOVE(&c->pending, p, entry);
		memset(&m, 0, sizeof(m));
		m.hdr.type = BRIDGE_ERROR;
		m.hdr.seq = p->seq;
		m.u.error.status = 504;
		m.u.error.reason = "the core did not answer in time";
		p->cb(&m, p->arg);
		free(p);
	}
}

struct core *
core_new(struct event_base *base, int fd, const struct core_hooks *hooks)
{
	struct core *c = xcalloc(1, sizeof(*c));
	struct timeval tv = { 1, 0 };

	c->base = base;
	c->hooks = *hooks;
	TAILQ_INIT(&c->pending);
	msgpack_sbuffer_init(&c->out);
	evutil_make_socket_nonblocking(fd);
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		fatalx("bufferevent_socket_new failed");
	bufferevent_setcb(c->bev, core_read_cb, NULL, core_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->tick = event_new(base, -1, EV_PERSIST, core_tick_cb, c);
	event_add(c->tick, &tv);
	c->up = true;
	return c;
}

void
core_free(struct core *c)
{
	struct core_pending *p;

	if (c == NULL)
		return;
	while ((p = TAILQ_FIRST(&c->pending)) != NULL) {
		TAILQ_REMOVE(&c->pending, p, entry);
		free(p);
	}
	event_free(c->tick);
	bufferevent_free(c->bev);
	msgpack_sbuffer_destroy(&c->out);
	free(c);
}

bool
core_up(const struct core *c)
{
	return c != NULL && c->up;
}

static int
core_write(struct core *c)
{
	if (bufferevent_write(c->bev, c->out.data, c->out.size) != 0)
		return -ENOMEM;
	return 0;
}

static int
core_track(struct core *c, uint16_t type, uint32_t seq, core_reply_cb cb,
    void *arg, uint32_t *ret_seq)
{
	struct core_pending *p;
	int rc;

	if ((rc = core_write(c)) != 0)
		return rc;
	p = xcalloc(1, sizeof(*p));
	p->seq = seq;
	p->req_type = type;
	p->cb = cb;
	p->arg = arg;
	p->deadline = time(NULL) + CORE_TIMEOUT_S;
	TAILQ_INSERT_TAIL(&c->pending, p, entry);
	*ret_seq = seq;
	return 0;
}

int
core_hello(struct core *c, uint32_t port)
{
	struct bridge_hello h = { BRIDGE_VERSION, (uint32_t)getpid(), port };
	int rc;

	if (!core_up(c))
		return -ENOTCONN;
	if ((rc = bridge_encode_hello(&c->out, bridge_next_seq(&c->seq),
	    &h)) != 0)
		return rc;
	return core_write(c);
}

/* The request encoded (rc its encoder's answer): send and track it. */
static int
core_request(struct core *c, int rc, uint16_t type, uint32_t seq,
    core_reply_cb cb, void *arg, uint32_t *ret_seq)
{
	if (rc != 0)
		return rc;
	return core_track(c, type, seq, cb, arg, ret_seq);
}

int
core_devices(struct core *c, const struct bridge_devices_req *r,
    core_reply_cb cb, void *arg, uint32_t *ret_seq)
{
	uint32_t seq;

	if (!core_up(c))
		return -ENOTCONN;
	seq = bridge_next_seq(&c->seq);
	return core_request(c, bridge_encode_devices_req(&c->out, seq, r),
	    BRIDGE_DEVICES_REQ, seq, cb, arg, ret_seq);
}

int
core_devices_page(struct core *c, const struct bridge_devices_page *p,
    core_reply_cb cb, void *arg, uint32_t *ret_seq)
{
	uint32_t seq;

	if (!core_up(c))
		return -ENOTCONN;
	seq = bridge_next_seq(&c->seq);
	return core_request(c, bridge_encode_devices_page(&c->out, seq, p),
	    BRIDGE_DEVICES_PAGE, seq, cb, arg, ret_seq);
}

int
core_devices_more(struct core *c, uint32_t seq)
{
	struct core_pending *p;
	int rc;

	if (!core_up(c))
		return -ENOTCONN;
	if ((rc = bridge_encode_empty(&c->out, BRIDGE_DEVICES_MORE, seq)) !=
	    0)
		return rc;
	if ((p = core_find(c, seq)) != NULL)
		p->deadline = time(NULL) + CORE_TIMEOUT_S;
	return core_write(c);
}

int
core_sources(struct core *c, const char *uuid, core_reply_cb cb, void *arg,
    uint32_t *ret_seq)
{
	struct bridge_sources_req r = { uuid };
	uint32_t seq;

	if (!core_up(c))
		return -ENOTCONN;
	seq = bridge_next_seq(&c->seq);
	return core_request(c, bridge_encode_sources_req(&c->out, seq, &r),
	    BRIDGE_SOURCES_REQ, seq, cb, arg, ret_seq);
}

int
core_source_cmd(struct core *c, const struct bridge_source_cmd *r,
    core_reply_cb cb, void *arg, uint32_t *ret_seq)
{
	uint32_t seq;

	if (!core_up(c))
		return -ENOTCONN;
	seq = bridge_next_seq(&c->seq);
	return core_request(c, bridge_encode_source_cmd(&c->out, seq, r),
	    BRIDGE_SOURCE_CMD, seq, cb, arg, ret_seq);
}

int
core_system(struct core *c, const struct bridge_system_req *r,
    core_reply_cb cb, void *arg, uint32_t *ret_seq)
{
	uint32_t seq;

	if (!core_up(c))
		return -ENOTCONN;
	seq = bridge_next_seq(&c->seq);
	return core_request(c, bridge_encode_system_req(&c->out, seq, r),
	    BRIDGE_SYSTEM_REQ, seq, cb, arg, ret_seq);
}

int
core_cmd(struct core *c, const struct bridge_cmd *r, core_reply_cb cb,
    void *arg, uint32_t *ret_seq)
{
	uint32_t seq;

	if (!core_up(c))
		return -ENOTCONN;
	seq = bridge_next_seq(&c->seq);
	return core_request(c, bridge_encode_cmd(&c->out, seq, r),
	    BRIDGE_CMD, seq, cb, arg, ret_seq);
}

int
core_kismetdb(struct core *c, const struct bridge_kismetdb_req *r,
    core_reply_cb cb, void *arg, uint32_t *ret_seq)
{
	uint32_t seq;

	if (!core_up(c))
		return -ENOTCONN;
	seq = bridge_next_seq(&c->seq);
	return core_request(c, bridge_encode_kismetdb_req(&c->out, seq, r),
	    BRIDGE_KISMETDB_REQ, seq, cb, arg, ret_seq);
}

int
core_kismetdb_more(struct core *c, uint32_t seq)
{
	struct core_pending *p;
	int rc;

	if (!core_up(c))
		return -ENOTCONN;
	if ((rc = bridge_encode_empty(&c->out, BRIDGE_KISMETDB_MORE, seq)) !=
	    0)
		return rc;
	if ((p = core_find(c, seq)) != NULL)
		p->deadline = time(NULL) + CORE_TIMEOUT_S;
	return core_write(c);
}

void
core_forget(struct core *c, uint32_t seq)
{
	struct core_pending *p;

	if (c == NULL || (p = core_find(c, seq)) == NULL)
		return;
	TAILQ_REMOVE(&c->pending, p, entry);
	if ((p->req_type == BRIDGE_DEVICES_REQ ||
	    p->req_type == BRIDGE_DEVICES_PAGE) && c->up &&
	    bridge_encode_empty(&c->out, BRIDGE_DEVICES_CANCEL, seq) == 0)
		(void)core_write(c);
	if (p->req_type == BRIDGE_KISMETDB_REQ && c->up &&
	    bridge_encode_empty(&c->out, BRIDGE_KISMETDB_CANCEL, seq) == 0)
		(void)core_write(c);
	free(p);
}

int
core_packets(struct core *c, bool on)
{
	struct bridge_packets_sub s = { on };
	int rc;

	if (!core_up(c))
		return -ENOTCONN;
	if ((rc = bridge_encode_packets_sub(&c->out,
	    bridge_next_seq(&c->seq), &s)) != 0)
		return rc;
	return core_write(c);
}
