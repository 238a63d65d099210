/* SPDX-License-Identifier: ISC */
/* \summary: the remote capture listener (helpers started with --connect) */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "datasource.h"
#include "frame.h"
#include "log.h"
#include "msg.h"
#include "peer.h"
#include "remote.h"
#include "xmalloc.h"

/* After accept() fails for want of descriptors, listen again after: */
#define REMOTE_ACCEPT_PAUSE_MS	1000

/* Who a connection comes from, for the per-address count. */
struct remote_host {
	int		 family;
	uint8_t		 addr[8];	/* IPv4 address, or an IPv6 /64 */
};

struct remote_conn {
	TAILQ_ENTRY(remote_conn) entry;
	struct remote		*r;
	struct peer		*peer;
	struct event		*ev_timeout;
	struct remote_host	 host;
};

/*
 * Lines about refusals and drops: the first of an interval is logged at
 * once, the others are counted and summed up in one line when the
 * interval ends.  A peer cannot make the core write a line per
 * connection.
 */
struct remote_ratelog {
	struct event		*ev;
	bool			 armed;		/* an interval is running */
	unsigned		 held;		/* events not logged yet */
	char			 last[256];	/* the latest of them */
};

struct remote {
	struct event_base	*base;
	struct datasource_mgr	*mgr;
	struct evconnlistener	*listener;
	struct event		*ev_resume;
	uint16_t		 port;
	struct remote_policy	 pol;
	TAILQ_HEAD(, remote_conn) pending;
	size_t			 n_pending;
	struct remote_ratelog	 rl;
};

static struct timeval
ms_tv(uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	return tv;
}

void
remote_policy_default(struct remote_policy *p)
{
	p->hello_ms = REMOTE_HELLO_MS;
	p->max_pending = REMOTE_MAX_PENDING;
	p->max_per_host = REMOTE_MAX_PER_HOST;
	p->log_interval_ms = REMOTE_LOG_INTERVAL_MS;
}

/*
 * Rate-limited lines.
 */

static void
remote_ratelog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct remote *r = arg;
	struct timeval tv = ms_tv(r->pol.log_interval_ms);

	if (r->rl.held == 0) {
		r->rl.armed = false;
		return;
	}
	log_warnx("remote capture: %u more connections refused or dropped "
	    "in the last %llu s (the latest: %s)", r->rl.held,
	    (unsigned long long)(r->pol.log_interval_ms / 1000), r->rl.last);
	r->rl.held = 0;
	evtimer_add(r->rl.ev, &tv);
}

/* One refusal or drop: counted, and logged unless one was just now. */
static void
remote_note(struct remote *r, const char *fmt, ...)
{
	struct timeval tv = ms_tv(r->pol.log_interval_ms);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->rl.last, sizeof(r->rl.last), fmt, ap);
	va_end(ap);
	if (r->rl.armed) {
		r->rl.held++;
		return;
	}
	log_warnx("remote %s", r->rl.last);
	r->rl.armed = true;
	evtimer_add(r->rl.ev, &tv);
}

/*
 * Pending connections.
 */

static void
remote_host_of(const struct sockaddr *sa, struct remote_host *h)
{
	memset(h, 0, sizeof(*h));
	h->family = sa->sa_family;
	if (sa->sa_family == AF_INET)
		memcpy(h->addr, &((const struct sockaddr_in *)sa)->sin_addr,
		    4);
	else if (sa->sa_family == AF_INET6)
		/* One site holds a /64: count it as one address. */
		memcpy(h->addr, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    8);
}

static bool
remote_host_equal(const struct remote_host *a, const struct remote_host *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr,
	    sizeof(a->addr)) == 0;
}

static unsigned
remote_count_host(const struct remote *r, const struct remote_host *h)
{
	const struct remote_conn *c;
	unsigned n = 0;

	TAILQ_FOREACH(c, &r->pending, entry)
		if (remote_host_equal(&c->host, h))
			n++;
	return n;
}

static void
remote_conn_free(struct remote_conn *c, bool free_peer)
{
	TAILQ_REMOVE(&c->r->pending, c, entry);
	c->r->n_pending--;
	event_free(c->ev_timeout);
	if (free_peer)
		peer_free(c->peer);
	free(c);
}

/* Drop a pending connection, saying why (rate-limited). */
static void
remote_drop(struct remote_conn *c, const char *why)
{
	remote_note(c->r, "%s: dropped: %s", peer_name(c->peer), why);
	remote_conn_free(c, true);
}

/*
 * The pending list is full: drop the oldest connection of the address
 * that holds the most (the list is in arrival order), so that one
 * address flooding the port cannot keep others out.
 */
static void
remote_make_room(struct remote *r)
{
	struct remote_conn *c, *victim = NULL;
	unsigned n, most = 0;

	TAILQ_FOREACH(c, &r->pending, entry) {
		n = remote_count_host(r, &c->host);
		if (n > most) {
			most = n;
			victim = c;
		}
	}
	if (victim != NULL)
		remote_drop(victim, "making room: the pending connections "
		    "are full");
}

static void
remote_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	remote_drop(arg, "no KDSNEWSOURCE in time");
}

static void
remote_dispatch_sensor(struct peer *p, const struct msg *m, int err,
    void *arg)
{
	struct remote_conn *c = arg;
	struct remote *r = c->r;
	const struct msg_new_source *ns;
	struct msg pong = { .type = MSG_PONG }, tell = { .type = MSG_MESSAGE };
	char reason[DS_REASON_MAX], why[DS_REASON_MAX + 64];

	if (m == NULL) {
		remote_drop(c, err == 0 ? "closed before announcing a source" :
		    proto_strerror(err));
		return;
	}
	switch (m->type) {
	case MSG_PING:
		/* Asked for: an answer is no unsolicited frame. */
		pong.u.pong_seqno = m->seqno;
		(void)peer_send(p, &pong);
		return;
	case MSG_PONG:
	case MSG_MESSAGE:
		return;
	case MSG_NEWSOURCE:
		break;
	default:
		snprintf(why, sizeof(why), "sent %s before KDSNEWSOURCE",
		    msgtype_command(m->type));
		remote_drop(c, why);
		return;
	}
	ns = &m->u.new_source;
	if (datasource_attach_remote(r->mgr, p, ns->definition,
	    ns->sourcetype, ns->uuid, reason, sizeof(reason)) < 0) {
		/* Tell the sensor why before hanging up; it dials again. */
		snprintf(why, sizeof(why), "osprey refused the source: %s",
		    reason);
		tell.u.message.level = MSG_LEVEL_ERROR;
		tell.u.message.text = why;
		(void)peer_send(p, &tell);
		remote_note(r, "%s: source refused: %s", peer_name(p), reason);
		remote_conn_free(c, false);
		peer_finish(p);
		return;
	}
	/* The manager owns the peer now. */
	remote_conn_free(c, false);
}

static void
remote_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct remote *r = arg;

	evconnlistener_enable(r->listener);
}

/*
 * accept() failed.  Out of descriptors, the listening socket stays
 * readable and libevent would call again at once: pause listening for a
 * second instead of spinning, and say so (rate-limited).
 */
static void
remote_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct remote *r = arg;
	struct timeval tv = ms_tv(REMOTE_ACCEPT_PAUSE_MS);
	int e = EVUTIL_SOCKET_ERROR();

	remote_note(r, "capture: accept: %s; listening again in %d ms",
	    strerror(e), REMOTE_ACCEPT_PAUSE_MS);
	evconnlistener_disable(l);
	evtimer_add(r->ev_resume, &tv);
}

static void
remote_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct remote *r = arg;
	struct timeval tv = ms_tv(r->pol.hello_ms);
	char host[NI_MAXHOST], serv[NI_MAXSERV], name[PEER_NAME_MAX];
	struct remote_host h;
	struct remote_conn *c;

	if (getnameinfo(sa, (socklen_t)salen, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(host, sizeof(host), "?");
	snprintf(name, sizeof(name), "%.64s:%.16s", host, serv);
	remote_host_of(sa, &h);
	if (remote_count_host(r, &h) >= r->pol.max_per_host) {
		remote_note(r, "%s: refused: %u connections from %s have not "
		    "announced a source yet", name, r->pol.max_per_host,
		    host);
		close(fd);
		return;
	}
	if (r->n_pending >= r->pol.max_pending)
		remote_make_room(r);
	c = xcalloc(1, sizeof(*c));
	c->r = r;
	c->host = h;
	if ((c->peer = peer_new(r->base, fd, FRAME_MAX_PAYLOAD, name,
	    remote_dispatch_sensor, c)) == NULL) {
		remote_note(r, "%s: %s", name, strerror(errno));
		close(fd);
		free(c);
		return;
	}
	if ((c->ev_timeout = evtimer_new(r->base, remote_timeout_cb, c)) ==
	    NULL)
		fatalx("remote: out of memory");
	TAILQ_INSERT_TAIL(&r->pending, c, entry);
	r->n_pending++;
	evtimer_add(c->ev_timeout, &tv);
	/*
	 * Nothing is sent: a sensor announces itself first, and Kismet's
	 * helpers read one frame per recv(), so an unasked-for PING here
	 * would sit in front of the open request (doc/protocol.md).
	 */
	log_debug("remote %s: connected", name);
	/*
	 * A sensor's announce is usually in already: take it now, so that a
	 * fleet dialling back at once (a restarted server) is not counted
	 * as pending against its address.  c may be gone after this.
	 */
	peer_read_now(c->peer);
}

struct remote *
remote_new(struct event_base *base, struct datasource_mgr *mgr,
    const char *addr, uint16_t port, const struct remote_policy *pol,
    char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct remote *r;
	char serv[8];
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%u", port);
	if ((e = getaddrinfo(addr, serv, &hints, &res)) != 0) {
		snprintf(err, errlen, "remote_capture_listen %s: %s", addr,
		    gai_strerror(e));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->base = base;
	r->mgr = mgr;
	r->pol = *pol;
	if (r->pol.max_pending == 0)
		r->pol.max_pending = 1;
	if (r->pol.max_per_host == 0)
		r->pol.max_per_host = 1;
	if (r->pol.log_interval_ms == 0)
		r->pol.log_interval_ms = REMOTE_LOG_INTERVAL_MS;
	TAILQ_INIT(&r->pending);
	r->rl.ev = evtimer_new(base, remote_ratelog_cb, r);
	r->ev_resume = evtimer_new(base, remote_resume_cb, r);
	if (r->rl.ev == NULL || r->ev_resume == NULL)
		fatalx("remote: out of memory");
	/* A backlog deep enough for a fleet dialling back at once. */
	r->listener = evconnlistener_new_bind(base, remote_accept_cb, r,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, res->ai_addr, (int)res->ai_addrlen);
	freeaddrinfo(res);
	if (r->listener == NULL) {
		snprintf(err, errlen, "%s:%u: %s", addr, port,
		    strerror(errno));
		event_free(r->rl.ev);
		event_free(r->ev_resume);
		free(r);
		return NULL;
	}
	evconnlistener_set_error_cb(r->listener, remote_accept_error_cb);
	if (getsockname(evconnlistener_get_fd(r->listener),
	    (struct sockaddr *)&ss, &sslen) == 0)
		r->port = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	return r;
}

void
remote_free(struct remote *r)
{
	struct remote_conn *c;

	if (r == NULL)
		return;
	while ((c = TAILQ_FIRST(&r->pending)) != NULL)
		remote_conn_free(c, true);
	evconnlistener_free(r->listener);
	if (r->rl.held > 0)
		log_warnx("remote capture: %u more connections refused or "
		    "dropped (the latest: %s)", r->rl.held, r->rl.last);
	event_free(r->rl.ev);
	event_free(r->ev_resume);
	free(r);
}

uint16_t
remote_port(const struct remote *r)
{
	return r->port;
}

size_t
remote_pending(const struct remote *r)
{
	return r->n_pending;
}
