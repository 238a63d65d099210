/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's link to one osprey_gps helper, restarted as needed
 *
 * States: SPAWNING (asked the launcher), OPENING (request sent, waiting
 * for OK or ERR), UP (forwarding lines), WAITING (the retry timer runs),
 * STOPPED (ended without retry).  The helper's end shows as the end of
 * its socket; its exit status is only logged.
 */

#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "gpslink.h"
#include "log.h"
#include "proc.h"
#include "xmalloc.h"

#define GPSLINK_PROGRAM		"osprey_gps"
#define GPSLINK_WHY_MAX		256

enum gpslink_state {
	GL_SPAWNING,
	GL_OPENING,
	GL_UP,
	GL_WAITING,
	GL_STOPPED,
};

struct gpslink {
	struct event_base	*base;
	struct proc		*proc;
	char			*request;
	size_t			 max_line;
	bool			 retry;
	const struct gpslink_ops *ops;
	void			*arg;

	enum gpslink_state	 state;
	uint32_t		 req;		/* spawn in flight, 0 none */
	pid_t			 pid;
	struct bufferevent	*bev;
	struct event		*ev_timer;	/* open wait, or retry */
	bool			 skipping;	/* inside an overlong line */
	uint64_t		 delay_ms;	/* next retry delay */
	uint64_t		 up_at_ms;	/* monotonic, when it opened */
	uint64_t		 opens;
	char			 why[GPSLINK_WHY_MAX];	/* ERR text */
};

static void	gpslink_spawn(struct gpslink *);

static uint64_t
gpslink_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
gpslink_timer(struct gpslink *l, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(l->ev_timer, &tv);
}

/* Drop the helper; report the end and schedule the next attempt. */
static void
gpslink_end(struct gpslink *l, const char *why)
{
	bool was_up = l->state == GL_UP;
	uint64_t retry_ms = 0;

	evtimer_del(l->ev_timer);
	if (l->bev != NULL) {
		bufferevent_free(l->bev);
		l->bev = NULL;
	}
	if (l->pid > 0) {
		proc_unwatch(l->proc, l->pid);
		proc_kill(l->proc, l->pid, SIGTERM);
		l->pid = 0;
	}
	/* A helper that stayed up a while starts the back-off over. */
	if (was_up && gpslink_now_ms() - l->up_at_ms >= GPSLINK_RETRY_MAX_MS)
		l->delay_ms = GPSLINK_RETRY_MIN_MS;
	if (l->retry) {
		retry_ms = l->delay_ms;
		l->delay_ms = l->delay_ms * 2 > GPSLINK_RETRY_MAX_MS ?
		    GPSLINK_RETRY_MAX_MS : l->delay_ms * 2;
		l->state = GL_WAITING;
		gpslink_timer(l, retry_ms);
	} else
		l->state = GL_STOPPED;
	l->ops->down(l->arg, why, was_up, retry_ms);
}

/* The first line is the helper's answer; the rest are the receiver's. */
static void
gpslink_handle(struct gpslink *l, const char *p, size_t n)
{
	char text[GPSLINK_WHY_MAX];
	size_t tn;

	if (l->state == GL_UP) {
		l->ops->line(l->arg, p, n);
		return;
	}
	tn = n > 3 ? n - 3 : 0;
	if (tn >= sizeof(text))
		tn = sizeof(text) - 1;
	memcpy(text, p + (n > 3 ? 3 : n), tn);
	text[tn] = '\0';
	if (n >= 3 && memcmp(p, "OK ", 3) == 0) {
		evtimer_del(l->ev_timer);
		l->state = GL_UP;
		l->up_at_ms = gpslink_now_ms();
		l->opens++;
		l->ops->up(l->arg, text);
		return;
	}
	if (n >= 4 && memcmp(p, "ERR ", 4) == 0)
		snprintf(l->why, sizeof(l->why), "%s", text + 1);
	else
		snprintf(l->why, sizeof(l->why), "the GPS helper answered "
		    "nonsense");
	gpslink_end(l, l->why);
}

static void
gpslink_read_cb(struct bufferevent *bev, void *arg)
{
	struct gpslink *l = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr e;
	size_t eol, len;
	unsigned char *p;

	while (l->bev != NULL && (len = evbuffer_get_length(in)) > 0) {
		e = evbuffer_search_eol(in, NULL, &eol, EVBUFFER_EOL_CRLF);
		if (e.pos < 0) {
			/* No end of line yet: wait, unless it is too long. */
			if (len <= l->max_line)
				return;
			evbuffer_drain(in, len);
			if (!l->skipping && l->state == GL_UP)
				l->ops->overlong(l->arg);
			l->skipping = true;
			return;
		}
		if (l->skipping || (size_t)e.pos > l->max_line) {
			/* The end of a line already counted, or a long one. */
			if (!l->skipping && l->state == GL_UP)
				l->ops->overlong(l->arg);
			l->skipping = false;
			evbuffer_drain(in, (size_t)e.pos + eol);
			continue;
		}
		p = evbuffer_pullup(in, (ev_ssize_t)((size_t)e.pos + eol));
		if (p == NULL)
			return;
		gpslink_handle(l, (const char *)p, (size_t)e.pos);
		/* The handler may have ended the link and freed bev. */
		if (l->bev != NULL)
			evbuffer_drain(in, (size_t)e.pos + eol);
	}
}

static void
gpslink_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct gpslink *l = arg;

	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	gpslink_end(l, l->state == GL_UP ? "the GPS closed the link" :
	    "the GPS helper ended without an answer");
}

static void
gpslink_exit_cb(pid_t pid, const char *how, void *arg)
{
	struct gpslink *l = arg;

	if (l->pid == pid)
		l->pid = 0;
	log_debug("gps: helper %ld %s", (long)pid, how);
}

static void
gpslink_spawned_cb(int err, pid_t pid, int fd, void *arg)
{
	struct gpslink *l = arg;
	char why[GPSLINK_WHY_MAX];

	l->req = 0;
	if (err != 0) {
		snprintf(why, sizeof(why), "cannot start %s: %s",
		    GPSLINK_PROGRAM, strerror(-err));
		gpslink_end(l, why);
		return;
	}
	l->pid = pid;
	proc_watch(l->proc, pid, gpslink_exit_cb, l);
	l->bev = bufferevent_socket_new(l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (l->bev == NULL)
		fatalx("out of memory");
	bufferevent_setcb(l->bev, gpslink_read_cb, NULL, gpslink_event_cb, l);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
	evbuffer_add_printf(bufferevent_get_output(l->bev), "%s\n",
	    l->request);
	l->state = GL_OPENING;
	l->skipping = false;
	gpslink_timer(l, GPSLINK_OPEN_WAIT_MS);
}

static void
gpslink_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gpslink *l = arg;

	if (l->state == GL_OPENING)
		gpslink_end(l, "the GPS helper did not answer");
	else if (l->state == GL_WAITING)
		gpslink_spawn(l);
}

static void
gpslink_spawn(struct gpslink *l)
{
	char why[GPSLINK_WHY_MAX];
	int r;

	l->state = GL_SPAWNING;
	if ((r = proc_spawn_program(l->proc, GPSLINK_PROGRAM,
	    gpslink_spawned_cb, l, &l->req)) < 0) {
		l->req = 0;
		snprintf(why, sizeof(why), "cannot start %s: %s",
		    GPSLINK_PROGRAM, strerror(-r));
		gpslink_end(l, why);
	}
}

struct gpslink *
gpslink_new(struct event_base *base, struct proc *proc, const char *request,
    size_t max_line, bool retry, const struct gpslink_ops *ops, void *arg)
{
	struct gpslink *l = xcalloc(1, sizeof(*l));

	l->base = base;
	l->proc = proc;
	l->request = xstrdup(request);
	l->max_line = max_line;
	l->retry = retry;
	l->ops = ops;
	l->arg = arg;
	l->delay_ms = GPSLINK_RETRY_MIN_MS;
	if ((l->ev_timer = evtimer_new(base, gpslink_timer_cb, l)) == NULL)
		fatalx("out of memory");
	gpslink_spawn(l);
	return l;
}

void
gpslink_free(struct gpslink *l)
{
	if (l == NULL)
		return;
	if (l->req != 0)
		proc_cancel(l->proc, l->req);
	if (l->bev != NULL)
		bufferevent_free(l->bev);
	if (l->pid > 0) {
		proc_unwatch(l->proc, l->pid);
		proc_kill(l->proc, l->pid, SIGTERM);
	}
	event_free(l->ev_timer);
	free(l->request);
	free(l);
}

bool
gpslink_up(const struct gpslink *l)
{
	return l->state == GL_UP;
}

uint64_t
gpslink_opens(const struct gpslink *l)
{
	return l->opens;
}
