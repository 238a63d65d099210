/* SPDX-License-Identifier: ISC */
/* \summary: the remote capture listener (helpers started with --connect) */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct remote_conn {
	TAILQ_ENTRY(remote_conn) entry;
	struct remote		*r;
	struct peer		*peer;
	struct event		*ev_timeout;
};

struct remote {
	struct event_base	*base;
	struct datasource_mgr	*mgr;
	struct evconnlistener	*listener;
	uint16_t		 port;
	uint64_t		 timeout_ms;
	TAILQ_HEAD(, remote_conn) pending;
	size_t			 n_pending;
};

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

/* Drop a pending connection with one line saying why. */
static void
remote_drop(struct remote_conn *c, const char *why)
{
	log_warnx("remote %s: dropped: %s", peer_name(c->peer), why);
	remote_conn_free(c, true);
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
	const struct msg_new_source *ns;
	struct msg pong = { .type = MSG_PONG };
	char reason[DS_REASON_MAX], why[DS_REASON_MAX + 64];

	if (m == NULL) {
		remote_drop(c, err == 0 ? "closed before announcing a source" :
		    proto_strerror(err));
		return;
	}
	switch (m->type) {
	case MSG_PING:
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
	if (datasource_attach_remote(c->r->mgr, p, ns->definition,
	    ns->sourcetype, ns->uuid, reason, sizeof(reason)) < 0) {
		snprintf(why, sizeof(why), "source refused: %s", reason);
		remote_drop(c, why);
		return;
	}
	/* The manager owns the peer now. */
	remote_conn_free(c, false);
}

static void
remote_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct remote *r = arg;
	struct timeval tv = { (time_t)(r->timeout_ms / 1000),
	    (suseconds_t)(r->timeout_ms % 1000) * 1000 };
	struct msg ping = { .type = MSG_PING };
	char host[NI_MAXHOST], serv[NI_MAXSERV], name[PEER_NAME_MAX];
	struct remote_conn *c;

	if (getnameinfo(sa, (socklen_t)salen, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(host, sizeof(host), "?");
	snprintf(name, sizeof(name), "%.64s:%.16s", host, serv);
	if (r->n_pending >= REMOTE_MAX_PENDING) {
		log_warnx("remote %s: refused: %d connections waiting",
		    name, REMOTE_MAX_PENDING);
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->r = r;
	if ((c->peer = peer_new(r->base, fd, FRAME_MAX_PAYLOAD, name,
	    remote_dispatch_sensor, c)) == NULL) {
		log_warn("remote %s", name);
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
	log_info("remote %s: connected", name);
	(void)peer_send(c->peer, &ping);
}

struct remote *
remote_new(struct event_base *base, struct datasource_mgr *mgr,
    const char *addr, uint16_t port, uint64_t timeout_ms, char *err,
    size_t errlen)
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
	r->timeout_ms = timeout_ms;
	TAILQ_INIT(&r->pending);
	r->listener = evconnlistener_new_bind(base, remote_accept_cb, r,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    16, res->ai_addr, (int)res->ai_addrlen);
	freeaddrinfo(res);
	if (r->listener == NULL) {
		snprintf(err, errlen, "%s:%u: %s", addr, port,
		    strerror(errno));
		free(r);
		return NULL;
	}
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
