/* SPDX-License-Identifier: ISC */
/* \summary: helper processes: find, fork+exec with one socketpair, reap */

#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "proc.h"
#include "xmalloc.h"

#define PROC_MAX_ARGS	16

struct proc_watch {
	pid_t	 pid;
	void	(*cb)(pid_t, int, void *);
	void	*arg;
};

struct proc_reaper {
	struct event		*ev_chld;
	struct proc_watch	*w;
	size_t			 n, cap;
};

static void	proc_sigchld_cb(evutil_socket_t, short, void *);

struct proc_reaper *
proc_reaper_new(struct event_base *base)
{
	struct proc_reaper *r;

	r = xcalloc(1, sizeof(*r));
	if ((r->ev_chld = evsignal_new(base, SIGCHLD, proc_sigchld_cb, r)) ==
	    NULL || evsignal_add(r->ev_chld, NULL) < 0)
		fatalx("proc: cannot watch SIGCHLD");
	return r;
}

void
proc_reaper_free(struct proc_reaper *r)
{
	if (r == NULL)
		return;
	event_free(r->ev_chld);
	free(r->w);
	free(r);
}

void
proc_watch(struct proc_reaper *r, pid_t pid, void (*cb)(pid_t, int, void *),
    void *arg)
{
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 8 : r->cap * 2;
		r->w = xreallocarray(r->w, r->cap, sizeof(*r->w));
	}
	r->w[r->n++] = (struct proc_watch){ pid, cb, arg };
}

void
proc_unwatch(struct proc_reaper *r, pid_t pid)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->w[i].pid == pid) {
			r->w[i] = r->w[--r->n];
			return;
		}
}

int
proc_reap(struct proc_reaper *r)
{
	struct proc_watch w;
	pid_t pid;
	size_t i;
	int status, n = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		n++;
		for (i = 0; i < r->n; i++)
			if (r->w[i].pid == pid)
				break;
		if (i == r->n) {
			log_debug("proc: reaped unwatched child %ld",
			    (long)pid);
			continue;
		}
		/* Unwatch first: the callback may spawn and watch anew. */
		w = r->w[i];
		r->w[i] = r->w[--r->n];
		w.cb(pid, status, w.arg);
	}
	return n;
}

static void
proc_sigchld_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)proc_reap(arg);
}

void
proc_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", (unsigned)status);
}

int
proc_find_helper(const char *name, const char *search, const char *fallback,
    char *ret, size_t retlen)
{
	const char *lists[2] = { search, fallback };
	char path[PROC_PATH_MAX];
	const char *p, *end;
	size_t i, dlen;

	for (i = 0; i < 2; i++) {
		if (lists[i] == NULL)
			continue;
		for (p = lists[i]; *p != '\0'; p = *end ? end + 1 : end) {
			end = strchrnul(p, ':');
			dlen = (size_t)(end - p);
			if (dlen == 0)
				continue;
			if ((size_t)snprintf(path, sizeof(path),
			    "%.*s/osprey_cap_%s", (int)dlen, p, name) >=
			    sizeof(path))
				continue;
			if (access(path, X_OK) == 0 &&
			    (size_t)snprintf(ret, retlen, "%s", path) < retlen)
				return 0;
		}
	}
	return -ENOENT;
}

/* In the child: close every descriptor from lo to hi inclusive. */
static void
close_from_to(unsigned lo, unsigned hi)
{
	long max, fd;

	if (lo > hi)
		return;
	if (close_range(lo, hi, 0) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = lo; fd <= (long)hi && fd < max; fd++)
		(void)close((int)fd);
}

/*
 * The child's side of proc_spawn: set up fd 0 and 3, close the rest,
 * reset signals, exec.  Only async-signal-safe calls: the parent may
 * have had other threads (libevent's are not used, but be safe).
 */
static void
proc_child(const char *path, char *const argv[], int fd, int errfd)
{
	struct sigaction sa;
	sigset_t all;
	int devnull, err, sig;

	/*
	 * A session of its own: a Ctrl-C or a group kill aimed at the core
	 * does not reach the helper, whose end the core manages.
	 */
	(void)setsid();
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);

	/* Keep the error pipe above fd 3 so that fd 3 can be the socket. */
	if (errfd <= PROC_HELPER_FD) {
		err = fcntl(errfd, F_DUPFD_CLOEXEC, PROC_HELPER_FD + 1);
		if (err < 0)
			goto fail;
		errfd = err;
	}
	if (fd == PROC_HELPER_FD) {
		if (fcntl(fd, F_SETFD, 0) < 0)
			goto fail;
	} else if (dup2(fd, PROC_HELPER_FD) < 0)
		goto fail;
	if ((devnull = open("/dev/null", O_RDWR)) < 0 ||
	    dup2(devnull, STDIN_FILENO) < 0)
		goto fail;
	close_from_to(PROC_HELPER_FD + 1, (unsigned)errfd - 1);
	close_from_to((unsigned)errfd + 1, ~0U);

	/*
	 * The one exec of the core.  privsep/ will move it into the
	 * launcher process; the arguments and descriptors stay as here.
	 */
	execv(path, argv);
fail:
	err = errno;
	if (write(errfd, &err, sizeof(err)) < 0) {
		/* The parent sees a short read and reports EIO. */
	}
	_exit(127);
}

int
proc_spawn(const char *path, const char *const *extra, pid_t *ret_pid,
    int *ret_fd)
{
	char *argv[PROC_MAX_ARGS + 4], fdarg_in[32], fdarg_out[32];
	int sv[2], ep[2], err = 0, status;
	size_t i, n = 0;
	ssize_t got;
	pid_t pid;

	snprintf(fdarg_in, sizeof(fdarg_in), "--in-fd=%d", PROC_HELPER_FD);
	snprintf(fdarg_out, sizeof(fdarg_out), "--out-fd=%d", PROC_HELPER_FD);
	argv[n++] = (char *)path;
	argv[n++] = fdarg_in;
	argv[n++] = fdarg_out;
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		if (i == PROC_MAX_ARGS)
			return -E2BIG;
		argv[n++] = (char *)extra[i];
	}
	argv[n] = NULL;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if ((pid = fork()) < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		close(ep[0]);
		close(ep[1]);
		return err;
	}
	if (pid == 0) {
		close(sv[0]);
		close(ep[0]);
		proc_child(path, argv, sv[1], ep[1]);
	}
	close(sv[1]);
	close(ep[1]);
	/* Nothing to read means exec succeeded and closed the pipe. */
	do
		got = read(ep[0], &err, sizeof(err));
	while (got < 0 && errno == EINTR);
	close(ep[0]);
	if (got != 0) {
		if (got != sizeof(err) || err <= 0)
			err = EIO;
		close(sv[0]);
		(void)waitpid(pid, &status, 0);
		return -err;
	}
	*ret_pid = pid;
	*ret_fd = sv[0];
	return 0;
}
