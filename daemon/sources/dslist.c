/* SPDX-License-Identifier: ISC */
/*
 * \summary: the interfaces each installed helper could capture from
 *
 * /datasource/list_interfaces.json.  The core cannot look at devices
 * itself (it holds no privilege and is sandboxed), but each helper
 * answers KDSLISTINTERFACES as it answers --list: the core runs one of
 * each installed type through the launcher, asks, and stops it.  The
 * answer comes once every helper has answered, failed or
 * DS_LIST_TIMEOUT_MS has passed (a helper that is slow is left out).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "datasource.h"
#include "dsint.h"
#include "frame.h"
#include "msg.h"
#include "peer.h"
#include "proc.h"
#include "xmalloc.h"

#define DS_LIST_TIMEOUT_MS	5000
#define DS_LIST_MAX		256	/* interfaces kept in all */

struct dslist_helper {
	struct ds_listing	*l;
	const struct ds_type	*type;
	uint32_t		 req;		/* spawn in flight, 0 none */
	pid_t			 pid;
	struct peer		*peer;
	bool			 done;
};

struct ds_listing {
	struct datasource_mgr	*m;
	struct dslist_helper	*h;
	size_t			 n_h, pending;
	struct datasource_iface	 out[DS_LIST_MAX];
	size_t			 n_out;
	struct event		*timeout;
	struct event		*finish;
	void			(*done)(const struct datasource_iface *,
				    size_t, void *);
	void			*arg;
};

static void
dslist_stop(struct dslist_helper *h)
{
	struct datasource_mgr *m = h->l->m;

	if (h->req != 0) {
		proc_cancel(m->proc, h->req);
		h->req = 0;
	}
	if (h->peer != NULL) {
		peer_free(h->peer);
		h->peer = NULL;
	}
	if (h->pid > 0) {
		proc_kill(m->proc, h->pid, SIGTERM);
		h->pid = 0;
	}
	if (!h->done) {
		h->done = true;
		h->l->pending--;
	}
}

static void
dslist_free(struct ds_listing *l)
{
	size_t i;

	for (i = 0; i < l->n_h; i++)
		dslist_stop(&l->h[i]);
	for (i = 0; i < l->n_out; i++) {
		free((char *)l->out[i].interface);
		free((char *)l->out[i].flags);
		free((char *)l->out[i].hardware);
	}
	event_free(l->timeout);
	event_free(l->finish);
	free(l->h);
	free(l);
}

/* Answer from the loop, never from inside a peer's dispatch. */
static void
dslist_finish_cb(evutil_socket_t unused, short what, void *arg)
{
	struct ds_listing *l = arg;

	l->done(l->out, l->n_out, l->arg);
	dslist_free(l);
}

static void
dslist_check(struct ds_listing *l)
{
	if (l->pending == 0)
		event_active(l->finish, 0, 0);
}

static void
dslist_timeout_cb(evutil_socket_t unused, short what, void *arg)
{
	struct ds_listing *l = arg;
	size_t i;

	for (i = 0; i < l->n_h; i++)
		dslist_stop(&l->h[i]);
	dslist_check(l);
}

static void
dslist_dispatch(struct peer *p, const struct msg *m, int err, void *arg)
{
	struct dslist_helper *h = arg;
	struct ds_listing *l = h->l;
	const struct msg_interfaces_report *r;
	size_t i;

	/* What a helper may say before it answers. */
	if (m != NULL && (m->type == MSG_MESSAGE || m->type == MSG_PING ||
	    m->type == MSG_PONG))
		return;
	if (m != NULL && m->type == MSG_INTERFACESREPORT) {
		r = &m->u.interfaces_report;
		for (i = 0; r->result.success && i < r->n_ifaces &&
		    l->n_out < DS_LIST_MAX; i++) {
			l->out[l->n_out].type = h->type->wire;
			l->out[l->n_out].interface = xstrdup(
			    r->ifaces[i].interface);
			l->out[l->n_out].flags = xstrdup(
			    r->ifaces[i].flags != NULL ? r->ifaces[i].flags :
			    "");
			l->out[l->n_out].hardware = xstrdup(
			    r->ifaces[i].hardware != NULL ?
			    r->ifaces[i].hardware : "");
			l->n_out++;
		}
	}
	/* Answered, gone or confused: this helper is done. */
	dslist_stop(h);
	dslist_check(l);
}

static void
dslist_spawned_cb(int err, pid_t pid, int fd, void *arg)
{
	struct dslist_helper *h = arg;
	struct ds_listing *l = h->l;
	struct msg m = { .type = MSG_LISTINTERFACES };
	char name[PEER_NAME_MAX];

	h->req = 0;
	if (err < 0) {
		dslist_stop(h);
		dslist_check(l);
		return;
	}
	h->pid = pid;
	snprintf(name, sizeof(name), "interface list (%s %ld)",
	    h->type->binary, (long)pid);
	if ((h->peer = peer_new(l->m->base, fd, FRAME_MAX_PAYLOAD, name,
	    dslist_dispatch, h)) == NULL)
		close(fd);
	if (h->peer == NULL || peer_send(h->peer, &m) < 0) {
		dslist_stop(h);
		dslist_check(l);
	}
}

struct ds_listing *
datasource_list_interfaces(struct datasource_mgr *m,
    void (*done)(const struct datasource_iface *, size_t, void *), void *arg)
{
	struct ds_listing *l = xcalloc(1, sizeof(*l));
	struct timeval tv = { DS_LIST_TIMEOUT_MS / 1000,
	    (DS_LIST_TIMEOUT_MS % 1000) * 1000 };
	char path[PROC_PATH_MAX];
	size_t i;

	l->m = m;
	l->done = done;
	l->arg = arg;
	l->h = xcalloc(ds_n_types, sizeof(*l->h));
	l->n_h = ds_n_types;
	l->timeout = evtimer_new(m->base, dslist_timeout_cb, l);
	l->finish = event_new(m->base, -1, 0, dslist_finish_cb, l);
	if (l->timeout == NULL || l->finish == NULL)
		fatalx("out of memory");
	for (i = 0; i < ds_n_types; i++) {
		l->h[i].l = l;
		l->h[i].type = &ds_types[i];
		l->h[i].done = true;
		if (ds_helper_path(m, &ds_types[i], path, sizeof(path)) != 0)
			continue;
		l->h[i].done = false;
		l->pending++;
		if (proc_spawn(m->proc, ds_types[i].binary, dslist_spawned_cb,
		    &l->h[i], &l->h[i].req) != 0) {
			l->h[i].req = 0;
			dslist_stop(&l->h[i]);
		}
	}
	evtimer_add(l->timeout, &tv);
	dslist_check(l);
	return l;
}

void
datasource_list_cancel(struct ds_listing *l)
{
	if (l != NULL)
		dslist_free(l);
}

static const char *
dslist_description(const char *wire)
{
	if (strcmp(wire, "linuxwifi") == 0)
		return "Linux Wi-Fi interfaces in monitor mode (nl80211)";
	if (strcmp(wire, "pcapfile") == 0)
		return "pcap and pcapng capture files, replayed";
	return "";
}

size_t
datasource_types(const struct datasource_mgr *m,
    struct datasource_type_info *ret, size_t max)
{
	char path[PROC_PATH_MAX];
	size_t i;

	for (i = 0; i < ds_n_types && i < max; i++) {
		ret[i].type = ds_types[i].wire;
		ret[i].helper = ds_types[i].binary;
		ret[i].installed = ds_helper_path((struct datasource_mgr *)m,
		    &ds_types[i], path, sizeof(path)) == 0;
		ret[i].tunable = strcmp(ds_types[i].wire, "pcapfile") != 0;
		ret[i].description = dslist_description(ds_types[i].wire);
	}
	return i;
}

const struct datasource_policy *
datasource_mgr_policy(const struct datasource_mgr *m)
{
	return &m->policy;
}
