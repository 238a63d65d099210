/* SPDX-License-Identifier: ISC */
/* \summary: the HTTP server's connections: admission, eviction, deadlines */

#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>

#include "conn.h"
#include "log.h"
#include "xmalloc.h"

/* Eviction classes, worst first; 0 is never evicted. */
#define CONN_CLASS_IDLE		5	/* anonymous, no byte of a request */
#define CONN_CLASS_PARTIAL	4	/* anonymous, headers arriving */
#define CONN_CLASS_ANSWERING	3	/* anonymous, headers in */
#define CONN_CLASS_IDLE_AUTHED	2	/* logged in, idle keep-alive */
#define CONN_CLASS_KEEP		0
/*
 * A new connection with no byte read yet ranks with one whose headers
 * are arriving for this long: its request is usually on its way (the
 * client writes it right after connecting), and evicting it then closes
 * a user's request unanswered while slow-loris sockets stay.
 */
#define CONN_FRESH_MS		250

static void	conn_wready_cb(evutil_socket_t, short, void *);

static void
conn_set_state(struct http_conn *c, enum conn_state s)
{
	c->state = s;
	c->state_ms = http_now_ms();
}

static void
conn_tv(struct timeval *tv, unsigned ms)
{
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
}

/* No longer counted against the caps (closing). */
static void
conn_unlive(struct http_conn *c)
{
	if (!c->live)
		return;
	c->live = false;
	c->http->nlive--;
	if (c->addr != NULL)
		c->addr->live--;
}

static struct http_addr *
conn_addr_get(struct http *h, const char *text)
{
	struct http_addr *a;

	LIST_FOREACH(a, &h->addrs, entry)
		if (strcmp(a->text, text) == 0) {
			a->refs++;
			return a;
		}
	a = xcalloc(1, sizeof(*a));
	snprintf(a->text, sizeof(a->text), "%s", text);
	a->refs = 1;
	LIST_INSERT_HEAD(&h->addrs, a, entry);
	return a;
}

static void
conn_addr_put(struct http_conn *c)
{
	struct http_addr *a = c->addr;

	if (a == NULL)
		return;
	c->addr = NULL;
	if (--a->refs == 0) {
		LIST_REMOVE(a, entry);
		free(a);
	}
}

/*
 * The address a peer is counted under: IPv4 as is (also when mapped into
 * IPv6), IPv6 by its /64, which is what one client is usually given.
 */
static void
conn_addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	struct in6_addr net;
	struct in_addr v4;
	char tmp[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    buf, (socklen_t)len);
		return;
	}
	if (ss->ss_family != AF_INET6) {
		snprintf(buf, len, "local");
		return;
	}
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(&v4, &s6->sin6_addr.s6_addr[12], 4);
		inet_ntop(AF_INET, &v4, buf, (socklen_t)len);
		return;
	}
	net = s6->sin6_addr;
	memset(&net.s6_addr[8], 0, 8);
	inet_ntop(AF_INET6, &net, tmp, sizeof(tmp));
	snprintf(buf, len, "%s/64", tmp);
}

/*
 * Refuse a connection at the socket: write a short answer straight to it
 * (it is small and the socket is fresh, so it fits), stop sending, and
 * tear the socket down after a grace period; evhttp then sees the end of
 * the stream and frees the connection as if the client had closed.
 */
static void
conn_refuse(struct http_conn *c, int code)
{
	char buf[256];
	struct timeval tv;
	evutil_socket_t fd = bufferevent_getfd(c->under);
	int n;

	conn_unlive(c);
	conn_set_state(c, CONN_DEAD);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json\r\nConnection: close\r\n"
	    "Cache-Control: no-cache\r\nContent-Length: %zu\r\n\r\n"
	    "{\"status\": %d}", code, http_reason(code),
	    (size_t)(snprintf(NULL, 0, "{\"status\": %d}", code)), code);
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* The peer is gone already; the close follows. */
	}
	shutdown(fd, SHUT_WR);
	conn_tv(&tv, CONN_LINGER_MS);
	event_add(c->deadline, &tv);
}

/* End a connection now, with no answer. */
static void
conn_close(struct http_conn *c)
{
	evutil_socket_t fd = bufferevent_getfd(c->under);

	conn_unlive(c);
	conn_set_state(c, CONN_DEAD);
	event_del(c->deadline);
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
}

static void
conn_deadline_cb(evutil_socket_t unused, short what, void *arg)
{
	struct http_conn *c = arg;

	if (!conn_alive(c))
		return;
	switch (c->state) {
	case CONN_DEAD:
		/* The grace period is over. */
		conn_close(c);
		break;
	case CONN_HEADERS:
		if (c->header_bytes == 0) {
			/* An idle keep-alive connection: just close it. */
			conn_close(c);
			break;
		}
		/* A request begun and not finished: too slow, as a body. */
		c->http->stats.refused_slow++;
		conn_refuse(c, 408);
		break;
	case CONN_BODY:
		c->http->stats.refused_slow++;
		conn_refuse(c, 408);
		break;
	case CONN_BUSY:
		break;
	}
}

/* Wait for a request: its headers must be in by the header deadline. */
static void
conn_arm(struct http_conn *c)
{
	const struct http_limits *l = &c->http->lim;
	struct timeval tv;

	conn_set_state(c, CONN_HEADERS);
	c->header_bytes = 0;
	c->nl_run = 0;
	conn_tv(&tv, l->header_timeout_ms < l->request_timeout_ms ?
	    l->header_timeout_ms : l->request_timeout_ms);
	event_add(c->deadline, &tv);
}

/* Headers are in: the body has what is left of the request deadline. */
static void
conn_headers_done(struct http_conn *c)
{
	uint64_t now = http_now_ms(), spent = now - c->state_ms;
	unsigned total = c->http->lim.request_timeout_ms;
	struct timeval tv;

	conn_tv(&tv, spent < total ? (unsigned)(total - spent) : 1);
	c->state = CONN_BODY;
	/* state_ms stays: the request's wait is ranked from its start. */
	event_add(c->deadline, &tv);
}

/*
 * Whether the kernel holds bytes we have not read yet: a client that has
 * just connected and sent its request looks idle until the loop gets to
 * it, and must not be taken for an idle socket.
 */
static bool
conn_unread(const struct http_conn *c)
{
	evutil_socket_t fd = bufferevent_getfd(c->under);
	int n = 0;

	return fd >= 0 && ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

static bool
conn_idle(const struct http_conn *c)
{
	return c->state == CONN_HEADERS && c->header_bytes == 0 &&
	    TAILQ_EMPTY(&c->calls);
}

/*
 * How much c deserves to be evicted: CONN_CLASS_*.  Headers complete
 * (state BODY) rank with answering: the request is about to be served,
 * only its body may still be on its way.
 */
static int
conn_class(const struct http_conn *c)
{
	/* Found holding a request not read yet (conn_victim). */
	if (c->unread)
		return c->authed ? CONN_CLASS_KEEP : CONN_CLASS_ANSWERING;
	if (!c->authed) {
		if (conn_idle(c))
			return http_now_ms() - c->state_ms < CONN_FRESH_MS ?
			    CONN_CLASS_PARTIAL : CONN_CLASS_IDLE;
		return c->state == CONN_HEADERS ? CONN_CLASS_PARTIAL :
		    CONN_CLASS_ANSWERING;
	}
	return conn_idle(c) ? CONN_CLASS_IDLE_AUTHED : CONN_CLASS_KEEP;
}

/* The live connection to evict (from addr only, when not NULL), or NULL. */
static struct http_conn *
conn_victim(struct http *h, const struct http_addr *addr,
    const struct http_conn *except)
{
	struct http_conn *v, *best;
	unsigned vn, bn;
	int cls, bcls, tries;

	/*
	 * The ranking needs no system call; only the one picked is asked
	 * whether it holds unread bytes, a few times at most (each answer
	 * sticks until its connection is read from).
	 */
	for (tries = 0; tries < 4; tries++) {
		best = NULL;
		bn = 0;
		bcls = 0;
		TAILQ_FOREACH(v, &h->conns, entry) {
			if (v == except || !v->live || (addr != NULL &&
			    v->addr != addr))
				continue;
			if ((cls = conn_class(v)) == CONN_CLASS_KEEP)
				continue;
			vn = v->addr != NULL ? v->addr->live : 0;
			if (best == NULL || cls > bcls || (cls == bcls &&
			    (vn > bn || (vn == bn &&
			    v->state_ms < best->state_ms)))) {
				best = v;
				bcls = cls;
				bn = vn;
			}
		}
		if (best == NULL || best->unread || !conn_idle(best) ||
		    !conn_unread(best))
			return best;
		best->unread = true;
	}
	return best;
}

static void
conn_evict(struct http_conn *v)
{
	v->http->stats.evicted++;
	/* One that started a request is told why; an idle one just ends. */
	if (v->state == CONN_BODY || (v->state == CONN_HEADERS &&
	    v->header_bytes > 0))
		conn_refuse(v, 503);
	else
		conn_close(v);
}

/*
 * Refused connections linger so that their clients read the 503; bound
 * how many, so that a flood of refusals cannot hold descriptors.
 */
static void
conn_bound_closing(struct http *h)
{
	struct http_conn *c;
	unsigned closing = h->nconns - h->nlive;

	TAILQ_FOREACH(c, &h->conns, entry) {
		if (closing <= h->lim.max_connections)
			break;
		if (!c->live && c->state == CONN_DEAD &&
		    evtimer_pending(c->deadline, NULL)) {
			conn_close(c);
			closing--;
		}
	}
}

/* Count c under its address and make room for it, or refuse it. */
static void
conn_admit(struct http_conn *c)
{
	struct http *h = c->http;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	evutil_socket_t fd = bufferevent_getfd(c->under);
	struct http_conn *v;
	char text[64];

	event_del(c->admit);
	if (c->addr != NULL)
		return;
	memset(&ss, 0, sizeof(ss));
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		snprintf(text, sizeof(text), "?");
	else
		conn_addr_text(&ss, text, sizeof(text));
	c->addr = conn_addr_get(h, text);
	if (!c->live)
		return;
	c->addr->live++;
	if (c->addr->live > h->lim.max_per_address) {
		if ((v = conn_victim(h, c->addr, c)) == NULL) {
			h->stats.refused_addr++;
			conn_refuse(c, 503);
			return;
		}
		conn_evict(v);
	}
	if (h->nlive > h->lim.max_connections) {
		if ((v = conn_victim(h, NULL, c)) == NULL) {
			h->stats.refused_cap++;
			conn_refuse(c, 503);
			return;
		}
		conn_evict(v);
	}
	conn_bound_closing(h);
}

static void
conn_admit_cb(evutil_socket_t unused, short what, void *arg)
{
	struct http_conn *c = arg;

	if (conn_alive(c))
		conn_admit(c);
}

static enum bufferevent_filter_result
conn_in_filter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *arg)
{
	struct http_conn *c = arg;
	size_t len = evbuffer_get_length(src), i;
	const char *p;

	if (len == 0)
		return BEV_NEED_MORE;
	c->unread = false;
	/* Bytes before the admission turn: admit first. */
	if (c->addr == NULL)
		conn_admit(c);
	if (c->state == CONN_DEAD) {
		evbuffer_drain(src, len);
		return BEV_NEED_MORE;
	}
	if (c->state == CONN_HEADERS) {
		/* Count header bytes up to the blank line that ends them. */
		p = (const char *)evbuffer_pullup(src, -1);
		for (i = 0; i < len; i++) {
			if (p[i] == '\n') {
				if (++c->nl_run == 2) {
					i++;
					break;
				}
			} else if (p[i] != '\r')
				c->nl_run = 0;
		}
		c->header_bytes += i;
		if (c->header_bytes > c->http->lim.max_header_bytes) {
			c->http->stats.refused_header++;
			conn_refuse(c, 431);
			evbuffer_drain(src, len);
			return BEV_NEED_MORE;
		}
		if (c->nl_run == 2)
			conn_headers_done(c);
	}
	if (limit >= 0 && (size_t)limit < len)
		len = (size_t)limit;
	evbuffer_remove_buffer(src, dst, len);
	return BEV_OK;
}

/*
 * Output goes from the filter straight into the socket, never into the
 * socket bufferevent's own buffer.  evhttp counts an answer as sent, and
 * may close the connection, as soon as the filter's buffer is empty; so
 * the filter's buffer empties only as the kernel takes the bytes, and
 * what waits for a slow client waits there, where it can be measured.
 */
static enum bufferevent_filter_result
conn_out_filter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *arg)
{
	struct http_conn *c = arg;
	evutil_socket_t fd = bufferevent_getfd(c->under);
	int n;

	if (evbuffer_get_length(src) == 0 || fd < 0)
		return BEV_NEED_MORE;
	if (c->wready == NULL)
		c->wready = event_new(bufferevent_get_base(c->bev), fd,
		    EV_WRITE, conn_wready_cb, c);
	n = evbuffer_write(src, fd);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		/*
		 * The client is gone.  Reporting BEV_ERROR here makes libevent
		 * 2.1 free the filter twice; instead drop what waits and end
		 * the socket, and evhttp sees the end as it sees a client that
		 * closes.
		 */
		evbuffer_drain(src, evbuffer_get_length(src));
		shutdown(fd, SHUT_RDWR);
		return BEV_NEED_MORE;
	}
	if (evbuffer_get_length(src) > 0)
		event_add(c->wready, NULL);
	return n > 0 ? BEV_OK : BEV_NEED_MORE;
}

static void
conn_gone(struct http_conn *c)
{
	struct http_call *call;

	while ((call = TAILQ_FIRST(&c->calls)) != NULL) {
		/*
		 * evhttp detaches a request it cannot finish and leaves it
		 * to us; one still attached it frees itself.
		 */
		if (call->req != NULL &&
		    evhttp_request_get_connection(call->req) == NULL) {
			if (call->streaming)
				evhttp_send_reply_end(call->req);
			else
				evhttp_request_free(call->req);
		}
		call->req = NULL;
		if (call->on_gone != NULL)
			call->on_gone(call, call->on_gone_arg);
		http_call_free(call);
	}
}

static void
conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *c = arg;

	conn_gone(c);
	c->evcon = NULL;
}

/*
 * Whether evhttp still has this connection.  Once it frees the filter
 * (callbacks cleared), the memory stays until libevent finalizes it, and
 * our own events may still fire in between: touching the filter then
 * (a flush takes and drops a reference) would finalize it twice.
 */
bool
conn_alive(const struct http_conn *c)
{
	bufferevent_data_cb r, w;
	bufferevent_event_cb e;
	void *arg;

	if (c->dead || c->http == NULL || c->bev == NULL)
		return false;
	bufferevent_getcb(c->bev, &r, &w, &e, &arg);
	return e != NULL;
}

/*
 * libevent 2.1's filter moves output to the socket only when output is
 * added while writing is enabled, but evhttp adds its answer first and
 * enables writing after: the answer would sit there.  So every addition
 * schedules a flush for the next turn of the loop, when writing is on.
 */
static void
conn_kick_cb(evutil_socket_t unused, short what, void *arg)
{
	struct http_conn *c = arg;

	if (conn_alive(c))
		bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
}

static void
conn_wready_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;

	if (conn_alive(c))
		bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
}

static void
conn_output_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct http_conn *c = arg;

	if (info->n_added > 0)
		event_active(c->kick, EV_TIMEOUT, 0);
}

/*
 * The filter is being freed: the connection is over.  libevent 2.1 can
 * call this twice for one filter (seen when a client drops a stream
 * mid-write), so the record is only marked dead here and freed by a
 * sweep a second later.
 */
static void
conn_free_cb(void *arg)
{
	struct http_conn *c = arg;
	struct timeval tv = { 1, 0 };

	/* Dead already, or outlived its server (http_free). */
	if (c->dead || c->http == NULL)
		return;
	c->dead = true;
	conn_gone(c);
	conn_unlive(c);
	conn_addr_put(c);
	TAILQ_REMOVE(&c->http->conns, c, entry);
	c->http->nconns--;
	event_free(c->admit);
	event_free(c->deadline);
	event_free(c->kick);
	if (c->wready != NULL)
		event_free(c->wready);
	c->admit = c->deadline = c->kick = c->wready = NULL;
	c->bev = c->under = NULL;
	TAILQ_INSERT_TAIL(&c->http->graves, c, entry);
	if (!evtimer_pending(c->http->sweep, NULL))
		evtimer_add(c->http->sweep, &tv);
}

void
conn_sweep_cb(evutil_socket_t unused, short what, void *arg)
{
	struct http *h = arg;
	struct http_conn *c;

	while ((c = TAILQ_FIRST(&h->graves)) != NULL) {
		TAILQ_REMOVE(&h->graves, c, entry);
		free(c);
	}
}

void
conn_orphan(struct http_conn *c)
{
	c->addr = NULL;
	c->http = NULL;
}

struct bufferevent *
conn_new_cb(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct http_conn *c = xcalloc(1, sizeof(*c));

	c->http = h;
	TAILQ_INIT(&c->calls);
	c->under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	/*
	 * Deferred callbacks: our filter may finish a write while evhttp is
	 * still setting up what to do when it is finished.
	 */
	c->bev = bufferevent_filter_new(c->under, conn_in_filter,
	    conn_out_filter, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS,
	    conn_free_cb, c);
	if (c->under == NULL || c->bev == NULL)
		fatalx("out of memory");
	c->admit = event_new(base, -1, 0, conn_admit_cb, c);
	c->deadline = event_new(base, -1, 0, conn_deadline_cb, c);
	c->kick = event_new(base, -1, 0, conn_kick_cb, c);
	evbuffer_add_cb(bufferevent_get_output(c->bev), conn_output_cb, c);
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->nconns++;
	c->live = true;
	h->nlive++;
	conn_arm(c);
	/*
	 * evhttp gives the filter its socket only after this returns: the
	 * peer's address, and so admission, wait for the next turn.
	 */
	event_active(c->admit, EV_TIMEOUT, 0);
	return c->bev;
}

struct http_conn *
conn_of(struct http *h, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	struct http_conn *c;

	if (evcon == NULL)
		return NULL;
	bev = evhttp_connection_get_bufferevent(evcon);
	TAILQ_FOREACH(c, &h->conns, entry)
		if (c->bev == bev) {
			if (c->evcon == NULL) {
				c->evcon = evcon;
				evhttp_connection_set_closecb(evcon,
				    conn_close_cb, c);
			}
			return c;
		}
	return NULL;
}

void
conn_busy(struct http_conn *c)
{
	if (c->addr == NULL)
		conn_admit(c);
	if (c->state == CONN_DEAD)
		return;
	conn_set_state(c, CONN_BUSY);
	event_del(c->deadline);
}

/* The answer is out: the connection may read the next request. */
void
conn_request_done_cb(struct evhttp_request *req, void *arg)
{
	struct http_conn *c = arg;

	if (c->state == CONN_BUSY)
		conn_arm(c);
}

static void
conn_guard_read_cb(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;

	if (c->ev_read != NULL)
		c->ev_read(bev, c->ev_arg);
}

/*
 * The filter's write callback is deferred (conn_new_cb), and libevent
 * runs a deferred one without looking at the buffer again.  When the
 * filter empties its buffer and, before that callback runs, evhttp is
 * handed more (the last slice of a dump, then the end of the answer),
 * evhttp would take the answer for sent and close the connection with
 * those bytes still in the filter: a stream cut short, cleanly closed,
 * no last chunk.  So a write callback with bytes waiting is dropped;
 * the filter calls again once they are out.
 */
static void
conn_guard_write_cb(struct bufferevent *bev, void *arg)
{
	struct http_conn *c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	if (c->ev_write != NULL)
		c->ev_write(bev, c->ev_arg);
}

static void
conn_guard_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_conn *c = arg;

	if (c->ev_event != NULL)
		c->ev_event(bev, what, c->ev_arg);
}

/*
 * Put conn_guard_write_cb before evhttp's write callback.  evhttp sets
 * its callbacks anew each time it writes; they are kept and called
 * through.  A filter evhttp has let go of has none to guard.
 */
void
conn_guard_write(struct http_conn *c)
{
	bufferevent_data_cb r, w;
	bufferevent_event_cb e;
	void *arg;

	if (c == NULL || !conn_alive(c))
		return;
	bufferevent_getcb(c->bev, &r, &w, &e, &arg);
	if (w == conn_guard_write_cb || w == NULL)
		return;
	c->ev_read = r;
	c->ev_write = w;
	c->ev_event = e;
	c->ev_arg = arg;
	bufferevent_setcb(c->bev, r != NULL ? conn_guard_read_cb : NULL,
	    conn_guard_write_cb, conn_guard_event_cb, c);
}

void
conn_mark_authed(struct http_conn *c)
{
	c->authed = true;
}

const char *
conn_addr(const struct http_conn *c)
{
	return c->addr != NULL ? c->addr->text : NULL;
}
