/* SPDX-License-Identifier: ISC */
/* \summary: helper processes through the launcher: find, spawn, kill, end */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "launcher.h"
#include "log.h"
#include "proc.h"
#include "xmalloc.h"

/*
 * A spawn request: queued here while the launcher has no free slot, then
 * sent (seq set) and waiting for SPAWNED or ERROR.
 */
struct proc_req {
	uint32_t	 id;	/* ours, handed to the caller */
	uint32_t	 seq;	/* the launcher's, 0 while queued */
	enum launcher_kind kind;	/* a helper or the web worker */
	char		 name[LAUNCHER_NAME_MAX + 1];
	void		(*done)(int, pid_t, int, void *);
	void		*arg;	/* NULL done: cancelled */
};

/* A running child: who hears of its end, and its sandbox report pipe. */
struct proc_child {
	pid_t		 pid;
	int		 report_fd;
	void		(*cb)(pid_t, const char *, void *);
	void		*arg;
};

struct proc {
	struct event_base	*base;
	struct launcher		*l;
	struct event		*ev;
	struct proc_req		*reqs;
	size_t			 n_reqs, cap_reqs;
	struct proc_child	*kids;
	size_t			 n_kids, cap_kids;
	uint32_t		 next_id;
};

static void	proc_launcher_cb(evutil_socket_t, short, void *);

/* The launcher has gone: fail what waits for it, start nothing more. */
static void
proc_lost_launcher(struct proc *p)
{
	struct proc_req r;

	event_free(p->ev);
	p->ev = NULL;
	launcher_stop(p->l);
	p->l = NULL;
	while (p->n_reqs > 0) {
		r = p->reqs[--p->n_reqs];
		if (r.done != NULL)
			r.done(-ECHILD, 0, -1, r.arg);
	}
}

struct proc *
proc_new(struct event_base *base)
{
	struct proc *p;

	p = xcalloc(1, sizeof(*p));
	p->base = base;
	return p;
}

void
proc_attach_launcher(struct proc *p, struct launcher *l)
{
	int flags;

	p->l = l;
	/* Answers are read as they come, never waited for in the loop. */
	if ((flags = fcntl(launcher_fd(l), F_GETFL)) < 0 ||
	    fcntl(launcher_fd(l), F_SETFL, flags | O_NONBLOCK) < 0)
		fatal("proc: launcher socket");
	p->ev = event_new(p->base, launcher_fd(l), EV_READ | EV_PERSIST,
	    proc_launcher_cb, p);
	if (p->ev == NULL || event_add(p->ev, NULL) < 0)
		fatalx("proc: cannot watch the launcher");
}

void
proc_free(struct proc *p)
{
	size_t i;

	if (p == NULL)
		return;
	if (p->ev != NULL)
		event_free(p->ev);
	for (i = 0; i < p->n_kids; i++)
		if (p->kids[i].report_fd >= 0)
			close(p->kids[i].report_fd);
	launcher_stop(p->l);
	free(p->reqs);
	free(p->kids);
	free(p);
}

static struct proc_child *
proc_child_find(struct proc *p, pid_t pid)
{
	size_t i;

	for (i = 0; i < p->n_kids; i++)
		if (p->kids[i].pid == pid)
			return &p->kids[i];
	return NULL;
}

int
proc_find_helper(const char *name, const char *search, const char *fallback,
    char *ret, size_t retlen)
{
	char file[PROC_PATH_MAX];

	if ((size_t)snprintf(file, sizeof(file), "osprey_cap_%s", name) >=
	    sizeof(file))
		return -ENOENT;
	return proc_find_program(file, search, fallback, ret, retlen);
}

int
proc_find_program(const char *file, const char *search, const char *fallback,
    char *ret, size_t retlen)
{
	const char *lists[2] = { search, fallback };
	char path[PROC_PATH_MAX];
	const char *s, *end;
	struct stat sb;
	size_t i, dlen;

	for (i = 0; i < 2; i++) {
		if (lists[i] == NULL)
			continue;
		for (s = lists[i]; *s != '\0'; s = *end ? end + 1 : end) {
			end = strchrnul(s, ':');
			dlen = (size_t)(end - s);
			if (dlen == 0)
				continue;
			if ((size_t)snprintf(path, sizeof(path),
			    "%.*s/%s", (int)dlen, s, file) >=
			    sizeof(path))
				continue;
			/* stat, not access: the sandbox allows the former. */
			if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
			    (sb.st_mode & 0111) != 0 &&
			    (size_t)snprintf(ret, retlen, "%s", path) < retlen)
				return 0;
		}
	}
	return -ENOENT;
}

size_t
proc_helper_dirs(const char *search, const char *fallback, char *buf,
    size_t buflen, const char **dirs, size_t max)
{
	const char *lists[2] = { search, fallback };
	size_t i, n = 0, off = 0, dlen;
	const char *s, *end;

	for (i = 0; i < 2; i++) {
		if (lists[i] == NULL)
			continue;
		for (s = lists[i]; *s != '\0' && n < max;
		    s = *end ? end + 1 : end) {
			end = strchrnul(s, ':');
			dlen = (size_t)(end - s);
			if (dlen == 0 || off + dlen + 1 > buflen)
				continue;
			memcpy(buf + off, s, dlen);
			buf[off + dlen] = '\0';
			dirs[n++] = buf + off;
			off += dlen + 1;
		}
	}
	return n;
}

/* Requests sent to the launcher and not answered yet. */
static size_t
proc_in_flight(const struct proc *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_reqs; i++)
		if (p->reqs[i].seq != 0)
			n++;
	return n;
}

/*
 * Send queued requests while the launcher has room: it holds at most
 * LAUNCHER_MAX_CHILDREN children, and a batch run may ask for more
 * helpers than that at once.  A request the launcher refuses to take
 * is answered through its callback.
 */
static void
proc_send_queued(struct proc *p)
{
	struct proc_req r;
	size_t i;
	int e;

	for (i = 0; i < p->n_reqs; i++) {
		if (p->reqs[i].seq != 0)
			continue;
		if (p->l == NULL ||
		    p->n_kids + proc_in_flight(p) >= LAUNCHER_MAX_CHILDREN)
			return;
		if ((e = launcher_spawn(p->l, p->reqs[i].kind,
		    p->reqs[i].name, NULL, 0, &p->reqs[i].seq)) == 0)
			continue;
		/* Refused: answer it as the launcher would have. */
		r = p->reqs[i];
		p->reqs[i] = p->reqs[--p->n_reqs];
		i--;
		if (r.done != NULL)
			r.done(e, 0, -1, r.arg);
	}
}

static int
proc_spawn_kind(struct proc *p, enum launcher_kind kind, const char *name,
    void (*done)(int, pid_t, int, void *), void *arg, uint32_t *ret_req)
{
	struct proc_req *r;
	int e;

	if (p->l == NULL)
		return -ENOSYS;
	if (strlen(name) + 11 > LAUNCHER_NAME_MAX)
		return -ENAMETOOLONG;
	if (p->n_reqs == p->cap_reqs) {
		p->cap_reqs = p->cap_reqs == 0 ? 8 : p->cap_reqs * 2;
		p->reqs = xreallocarray(p->reqs, p->cap_reqs,
		    sizeof(*p->reqs));
	}
	r = &p->reqs[p->n_reqs++];
	memset(r, 0, sizeof(*r));
	if (++p->next_id == 0)
		p->next_id = 1;
	r->id = p->next_id;
	r->kind = kind;
	/* Capture helpers go by their type; other programs by name. */
	if (kind == LAUNCHER_KIND_WEB || strncmp(name, "osprey_", 7) == 0)
		snprintf(r->name, sizeof(r->name), "%s", name);
	else
		snprintf(r->name, sizeof(r->name), "osprey_cap_%s", name);
	r->done = done;
	r->arg = arg;
	/* Sent now when there is room, else when a child ends. */
	if (p->n_kids + proc_in_flight(p) < LAUNCHER_MAX_CHILDREN &&
	    (e = launcher_spawn(p->l, kind, r->name, NULL, 0,
	    &r->seq)) < 0) {
		p->n_reqs--;
		return e;
	}
	*ret_req = r->id;
	return 0;
}

int
proc_spawn(struct proc *p, const char *name,
    void (*done)(int, pid_t, int, void *), void *arg, uint32_t *ret_req)
{
	return proc_spawn_kind(p, LAUNCHER_KIND_HELPER, name, done, arg,
	    ret_req);
}

int
proc_spawn_web(struct proc *p, void (*done)(int, pid_t, int, void *),
    void *arg, uint32_t *ret_req)
{
	return proc_spawn_kind(p, LAUNCHER_KIND_WEB, "osprey_web", done, arg,
	    ret_req);
}

int
proc_spawn_program(struct proc *p, const char *program,
    void (*done)(int, pid_t, int, void *), void *arg, uint32_t *ret_req)
{
	if (strncmp(program, "osprey_", 7) != 0)
		return -EINVAL;
	return proc_spawn_kind(p, LAUNCHER_KIND_HELPER, program, done, arg,
	    ret_req);
}

void
proc_cancel(struct proc *p, uint32_t req)
{
	size_t i;

	for (i = 0; i < p->n_reqs; i++) {
		if (p->reqs[i].id != req)
			continue;
		if (p->reqs[i].seq == 0)
			p->reqs[i] = p->reqs[--p->n_reqs];	/* queued */
		else
			p->reqs[i].done = NULL;
		return;
	}
}

void
proc_kill(struct proc *p, pid_t pid, int sig)
{
	uint32_t seq;

	if (p->l != NULL && proc_child_find(p, pid) != NULL &&
	    launcher_kill(p->l, pid, sig, &seq) < 0)
		log_debug("proc: cannot ask for signal %d to %ld", sig,
		    (long)pid);
}

void
proc_watch(struct proc *p, pid_t pid, void (*cb)(pid_t, const char *, void *),
    void *arg)
{
	struct proc_child *c = proc_child_find(p, pid);

	if (c != NULL) {
		c->cb = cb;
		c->arg = arg;
	}
}

void
proc_unwatch(struct proc *p, pid_t pid)
{
	struct proc_child *c = proc_child_find(p, pid);

	if (c != NULL) {
		c->cb = NULL;
		c->arg = NULL;
	}
}

size_t
proc_running(const struct proc *p)
{
	return p->n_kids;
}

static void
proc_on_spawned(struct proc *p, const struct launcher_msg *m, int ipc_fd,
    int report_fd)
{
	struct proc_req req;
	size_t i;
	uint32_t seq;

	memset(&req, 0, sizeof(req));
	for (i = 0; i < p->n_reqs; i++)
		if (p->reqs[i].seq != 0 && p->reqs[i].seq == m->seq) {
			req = p->reqs[i];
			p->reqs[i] = p->reqs[--p->n_reqs];
			break;
		}
	if (m->type == LAUNCHER_MSG_ERROR) {
		if (req.done != NULL)
			req.done(-m->u.error.error, 0, -1, req.arg);
		proc_send_queued(p);
		return;
	}
	if (p->n_kids == p->cap_kids) {
		p->cap_kids = p->cap_kids == 0 ? 8 : p->cap_kids * 2;
		p->kids = xreallocarray(p->kids, p->cap_kids,
		    sizeof(*p->kids));
	}
	p->kids[p->n_kids++] = (struct proc_child){ m->u.spawned.pid,
	    report_fd, NULL, NULL };
	if (req.done == NULL) {
		/* Nobody wants it any more. */
		close(ipc_fd);
		(void)launcher_kill(p->l, m->u.spawned.pid, SIGTERM, &seq);
		return;
	}
	req.done(0, m->u.spawned.pid, ipc_fd, req.arg);
}

static void
proc_on_exit(struct proc *p, const struct launcher_msg *m)
{
	struct proc_child c, *k = proc_child_find(p, m->u.exit.pid);
	char how[PROC_HOW_MAX];

	if (k == NULL)
		return;
	c = *k;
	*k = p->kids[--p->n_kids];
	launcher_describe_exit(m, c.report_fd, how, sizeof(how));
	if (c.report_fd >= 0)
		close(c.report_fd);
	log_debug("proc: helper %ld %s", (long)c.pid, how);
	if (c.cb != NULL)
		c.cb(c.pid, how, c.arg);
	proc_send_queued(p);
}

/* Handle one message; 0, -EAGAIN when none waits, or a fatal error. */
static int
proc_read_one(struct proc *p)
{
	struct launcher_msg m;
	int ipc_fd = -1, report_fd = -1, r;

	if ((r = launcher_recv(p->l, &m, &ipc_fd, &report_fd)) < 0)
		return r;
	switch (m.type) {
	case LAUNCHER_MSG_SPAWNED:
	case LAUNCHER_MSG_ERROR:
		proc_on_spawned(p, &m, ipc_fd, report_fd);
		break;
	case LAUNCHER_MSG_EXIT:
		proc_on_exit(p, &m);
		break;
	default:
		break;	/* KILLED: nothing to do */
	}
	return 0;
}

static void
proc_launcher_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proc *p = arg;
	int r, i;

	for (i = 0; i < 16; i++) {
		r = proc_read_one(p);
		if (r == -EAGAIN)
			return;
		if (r < 0) {
			/*
			 * Running helpers go on; none can start any more.
			 * (The launcher has a session of its own: a signal
			 * to the core's group does not end it.)
			 */
			log_warnx("the launcher has gone (%s): no helper can "
			    "be started any more", strerror(-r));
			proc_lost_launcher(p);
			return;
		}
	}
}

size_t
proc_drain(struct proc *p, unsigned ms)
{
	struct pollfd pfd;
	struct timespec t0, t;
	long left;
	int r;

	if (p->l == NULL)
		return p->n_kids;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		while ((r = proc_read_one(p)) == 0)
			;
		if (r != -EAGAIN) {
			proc_lost_launcher(p);
			break;
		}
		if (p->n_kids == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = (long)ms - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		pfd.fd = launcher_fd(p->l);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			break;
	}
	return p->n_kids;
}
