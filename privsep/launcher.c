/* SPDX-License-Identifier: ISC */
/*
 * \summary: the launcher process: fork+exec of known programs for the core
 *
 * Nothing here parses anything but the core's typed requests
 * (launcher_msg.c).  The launcher never sets no_new_privs, never loads a
 * filter and holds no capability of its own; the children it executes
 * get their file capabilities (or setuid) from the kernel at exec.
 */

#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "launcher.h"
#include "log.h"
#include "sandbox.h"

/* The only programs the launcher executes, and their arguments. */
static const struct launcher_program {
	enum launcher_kind	 kind;
	const char		*name;
	const char		*args[3];
} launcher_programs[] = {
	{ LAUNCHER_KIND_HELPER, "osprey_cap_linux_wifi",
	    { "--in-fd=3", "--out-fd=3", NULL } },
	{ LAUNCHER_KIND_HELPER, "osprey_cap_pcapfile",
	    { "--in-fd=3", "--out-fd=3", NULL } },
	{ LAUNCHER_KIND_WEB, "osprey_web",
	    { "--ipc-fd=3", NULL, NULL } },
	/* Opens gpsd's socket or a serial receiver for the core. */
	{ LAUNCHER_KIND_HELPER, "osprey_gps",
	    { "--ipc-fd=3", NULL, NULL } },
};

/* Environment variables a child inherits from the launcher, if set: the
 * sanitizer runtimes' options, so a sanitizer test run covers helpers. */
static const char *const launcher_env_pass[] = {
	"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
};

#define CHILD_FD_IPC	3
#define CHILD_FD_FIXED	5	/* 0-4 above, then the core's */
#define CHILD_ENV_MAX	8
#define HIGH_FD		64	/* parking spot while shuffling */
/* When the core has gone, children get SIGTERM, then SIGKILL this late. */
#define LAUNCHER_GRACE_MS	1000

struct launcher {
	int	fd;
	pid_t	pid;
	uint32_t seq;
};

struct launcher_child {
	pid_t	pid;
};

/* State of the launcher process itself. */
struct launcher_state {
	int			 sock;
	int			 sigfd;
	int			 devnull;
	char			 dirs[LAUNCHER_MAX_DIRS][PATH_MAX];
	size_t			 ndirs;
	struct launcher_child	 children[LAUNCHER_MAX_CHILDREN];
	char			*env[CHILD_ENV_MAX];
};

static void
launcher_reply(struct launcher_state *st, const struct launcher_msg *m,
    const int *fds, unsigned int nfds)
{
	int rc;

	if ((rc = launcher_msg_send(st->sock, m, fds, nfds)) < 0)
		log_debug("launcher: reply to core: %s", strerror(-rc));
}

static void
launcher_reply_error(struct launcher_state *st, uint32_t seq, int error)
{
	struct launcher_msg m;

	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_ERROR;
	m.seq = seq;
	m.u.error.error = error;
	launcher_reply(st, &m, NULL, 0);
}

static const struct launcher_program *
launcher_find_program(enum launcher_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(launcher_programs) /
	    sizeof(launcher_programs[0]); i++)
		if (launcher_programs[i].kind == kind &&
		    strcmp(launcher_programs[i].name, name) == 0)
			return &launcher_programs[i];
	return NULL;
}

/* The first regular, executable file called name in the directories. */
static int
launcher_find_path(struct launcher_state *st, const char *name, char *path,
    size_t len)
{
	struct stat sb;
	int err = ENOENT, n;
	size_t i;

	for (i = 0; i < st->ndirs; i++) {
		n = snprintf(path, len, "%s/%s", st->dirs[i], name);
		if (n < 0 || (size_t)n >= len)
			continue;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (access(path, X_OK) != 0) {
			err = EACCES;
			continue;
		}
		return 0;
	}
	return -err;
}

/*
 * In the child, between fork and exec: put src[i] at descriptor i, close
 * everything else at exec.  Sources are first parked above HIGH_FD so
 * that no dup2 overwrites a source still to be moved.  Only
 * async-signal-safe calls.
 */
static int
launcher_child_fds(const int *src, unsigned int n)
{
	int parked[CHILD_FD_FIXED + LAUNCHER_MAX_FDS];
	unsigned int i;

	for (i = 0; i < n; i++)
		if ((parked[i] = fcntl(src[i], F_DUPFD_CLOEXEC, HIGH_FD)) < 0)
			return -1;
	for (i = 0; i < n; i++)
		if (dup2(parked[i], (int)i) < 0)
			return -1;
	/* Everything past the list, the parked copies included, goes at
	 * exec; the exec-status pipe must live until then. */
	return close_range(n, ~0U, CLOSE_RANGE_CLOEXEC);
}

static void
launcher_child_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

static int
launcher_slot(struct launcher_state *st)
{
	int i;

	for (i = 0; i < LAUNCHER_MAX_CHILDREN; i++)
		if (st->children[i].pid == 0)
			return i;
	return -1;
}

/*
 * fork+exec one program.  On success *ret_pid is the child, ret_fds[0]
 * the core's end of its IPC socket and ret_fds[1] the read end of its
 * report pipe.  Returns 0 or -errno (what exec said, if it failed).
 */
static int
launcher_fork_exec(struct launcher_state *st,
    const struct launcher_program *prog, const char *path, const int *extra,
    unsigned int nextra, pid_t *ret_pid, int ret_fds[2])
{
	const char *argv[4];
	int sp[2], rep[2], ex[2], src[CHILD_FD_FIXED + LAUNCHER_MAX_FDS];
	unsigned int i, n;
	ssize_t r;
	pid_t pid;
	int err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		return -errno;
	if (pipe2(rep, O_CLOEXEC) != 0) {
		err = errno;
		goto fail_sp;
	}
	if (pipe2(ex, O_CLOEXEC) != 0) {
		err = errno;
		goto fail_rep;
	}
	argv[0] = prog->name;
	argv[1] = prog->args[0];
	argv[2] = prog->args[1];
	argv[3] = NULL;
	/* A closed stdout or stderr becomes /dev/null, not an error. */
	src[0] = st->devnull;
	src[1] = fcntl(STDOUT_FILENO, F_GETFD) >= 0 ? STDOUT_FILENO :
	    st->devnull;
	src[2] = fcntl(STDERR_FILENO, F_GETFD) >= 0 ? STDERR_FILENO :
	    st->devnull;
	src[CHILD_FD_IPC] = sp[1];
	src[SANDBOX_REPORT_FD] = rep[1];
	for (i = 0; i < nextra; i++)
		src[CHILD_FD_FIXED + i] = extra[i];
	n = CHILD_FD_FIXED + nextra;

	if ((pid = fork()) < 0) {
		err = errno;
		goto fail_ex;
	}
	if (pid == 0) {
		launcher_child_signals();
		/* Out of the terminal's foreground group: ^C is for the
		 * core, which stops its children in order. */
		(void)setpgid(0, 0);
		if (launcher_child_fds(src, n) == 0)
			execve(path, (char *const *)argv, st->env);
		err = errno;
		if (write(ex[1], &err, sizeof(err)) < 0) {
			/* The parent sees EOF and reports EIO. */
		}
		_exit(127);
	}
	close(sp[1]);
	close(rep[1]);
	close(ex[1]);
	/* EOF: exec went through (the pipe was close-on-exec). */
	do
		r = read(ex[0], &err, sizeof(err));
	while (r < 0 && errno == EINTR);
	close(ex[0]);
	if (r != 0) {
		if (r != (ssize_t)sizeof(err) || err <= 0)
			err = EIO;
		(void)waitpid(pid, NULL, 0);
		close(sp[0]);
		close(rep[0]);
		return -err;
	}
	*ret_pid = pid;
	ret_fds[0] = sp[0];
	ret_fds[1] = rep[0];
	return 0;

fail_ex:
	close(ex[0]);
	close(ex[1]);
fail_rep:
	close(rep[0]);
	close(rep[1]);
fail_sp:
	close(sp[0]);
	close(sp[1]);
	return -err;
}

static void
launcher_do_spawn(struct launcher_state *st, const struct launcher_msg *req,
    const int *fds, unsigned int nfds)
{
	const struct launcher_program *prog;
	struct launcher_msg m;
	char path[PATH_MAX];
	int slot, rc, out[2] = { -1, -1 };
	pid_t pid = -1;

	prog = launcher_find_program(req->u.spawn.kind, req->u.spawn.name);
	if (prog == NULL) {
		log_debug("launcher: refusing unknown program \"%s\"",
		    req->u.spawn.name);
		launcher_reply_error(st, req->seq, EPERM);
		return;
	}
	if ((slot = launcher_slot(st)) < 0) {
		launcher_reply_error(st, req->seq, EAGAIN);
		return;
	}
	if ((rc = launcher_find_path(st, prog->name, path,
	    sizeof(path))) < 0 ||
	    (rc = launcher_fork_exec(st, prog, path, fds, nfds, &pid,
	    out)) < 0) {
		log_debug("launcher: %s: %s", prog->name, strerror(-rc));
		launcher_reply_error(st, req->seq, -rc);
		return;
	}
	st->children[slot].pid = pid;
	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_SPAWNED;
	m.seq = req->seq;
	m.u.spawned.pid = pid;
	launcher_reply(st, &m, out, 2);
	close(out[0]);
	close(out[1]);
	log_debug("launcher: started %s as %ld", path, (long)pid);
}

static void
launcher_do_kill(struct launcher_state *st, const struct launcher_msg *req)
{
	struct launcher_msg m;
	int i;

	for (i = 0; i < LAUNCHER_MAX_CHILDREN; i++)
		if (st->children[i].pid == req->u.kill.pid)
			break;
	if (i == LAUNCHER_MAX_CHILDREN ||
	    kill(req->u.kill.pid, req->u.kill.signal) != 0) {
		launcher_reply_error(st, req->seq, ESRCH);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_KILLED;
	m.seq = req->seq;
	m.u.spawned.pid = req->u.kill.pid;
	launcher_reply(st, &m, NULL, 0);
}

/* One request from the core.  Returns -1 when the core has gone. */
static int
launcher_dispatch_core(struct launcher_state *st)
{
	struct launcher_msg req;
	int fds[LAUNCHER_MAX_FDS];
	unsigned int nfds = 0, i;
	int rc;

	rc = launcher_msg_recv(st->sock, &req, fds, &nfds);
	if (rc == -ECONNRESET)
		return -1;
	if (rc == -EAGAIN)
		return 0;
	if (rc < 0) {
		/* The core is trusted but may have a bug: say so, go on. */
		log_warnx("launcher: bad request from the core: %s",
		    strerror(-rc));
		launcher_reply_error(st, 0, rc == -EPROTO ? EPROTO : EBADMSG);
		return rc == -ENOTSOCK || rc == -EBADF ? -1 : 0;
	}
	switch (req.type) {
	case LAUNCHER_MSG_SPAWN:
		launcher_do_spawn(st, &req, fds, nfds);
		break;
	case LAUNCHER_MSG_KILL:
		launcher_do_kill(st, &req);
		break;
	default:
		launcher_reply_error(st, req.seq, EPROTO);
		break;
	}
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	return 0;
}

static void
launcher_drain_sigfd(struct launcher_state *st)
{
	struct signalfd_siginfo si;

	while (read(st->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
}

/* Reap every child that ended and tell the core how. */
static void
launcher_reap(struct launcher_state *st)
{
	struct launcher_msg m;
	int status, i;
	pid_t pid;

	launcher_drain_sigfd(st);
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < LAUNCHER_MAX_CHILDREN; i++)
			if (st->children[i].pid == pid)
				break;
		if (i == LAUNCHER_MAX_CHILDREN)
			continue;
		st->children[i].pid = 0;
		memset(&m, 0, sizeof(m));
		m.type = LAUNCHER_MSG_EXIT;
		m.u.exit.pid = pid;
		if (WIFSIGNALED(status)) {
			m.u.exit.how = LAUNCHER_KILLED;
			m.u.exit.code = WTERMSIG(status);
			m.u.exit.core_dumped = WCOREDUMP(status) ? 1 : 0;
		} else {
			m.u.exit.how = LAUNCHER_EXITED;
			m.u.exit.code = WEXITSTATUS(status);
		}
		launcher_reply(st, &m, NULL, 0);
	}
}

static void
launcher_build_env(struct launcher_state *st)
{
	const char *v;
	size_t i, n = 0;

	if (asprintf(&st->env[n], "%s=%d", SANDBOX_REPORT_ENV,
	    SANDBOX_REPORT_FD) >= 0)
		n++;
	for (i = 0; i < sizeof(launcher_env_pass) /
	    sizeof(launcher_env_pass[0]) && n < CHILD_ENV_MAX - 1; i++)
		if ((v = getenv(launcher_env_pass[i])) != NULL &&
		    asprintf(&st->env[n], "%s=%s", launcher_env_pass[i],
		    v) >= 0)
			n++;
	st->env[n] = NULL;
}

/* Reap what ended, without telling anyone; returns the children left. */
static int
launcher_reap_quietly(struct launcher_state *st)
{
	int i, n = 0;

	for (i = 0; i < LAUNCHER_MAX_CHILDREN; i++) {
		if (st->children[i].pid <= 0)
			continue;
		if (waitpid(st->children[i].pid, NULL, WNOHANG) ==
		    st->children[i].pid)
			st->children[i].pid = 0;
		else
			n++;
	}
	return n;
}

/*
 * The core has gone (exited, crashed, killed): so do the children it can
 * no longer hear, politely first.  A helper that ignores SIGTERM, or hangs
 * in its sandbox, is SIGKILLed after LAUNCHER_GRACE_MS, so that nothing
 * the core started outlives it.
 */
static void
launcher_end_children(struct launcher_state *st)
{
	struct pollfd pfd;
	struct timespec t0, t;
	long left;
	int i;

	for (i = 0; i < LAUNCHER_MAX_CHILDREN; i++)
		if (st->children[i].pid > 0)
			(void)kill(st->children[i].pid, SIGTERM);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (launcher_reap_quietly(st) > 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = LAUNCHER_GRACE_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		/* SIGCHLD is blocked and read through the signalfd. */
		pfd.fd = st->sigfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) > 0)
			launcher_drain_sigfd(st);
	}
	for (i = 0; i < LAUNCHER_MAX_CHILDREN; i++)
		if (st->children[i].pid > 0) {
			log_debug("launcher: %ld ignored SIGTERM, killing",
			    (long)st->children[i].pid);
			(void)kill(st->children[i].pid, SIGKILL);
		}
	while (launcher_reap_quietly(st) > 0) {
		pfd.fd = st->sigfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, LAUNCHER_GRACE_MS) <= 0)
			break;
		launcher_drain_sigfd(st);
	}
}

static void OSPREY_NORETURN
launcher_main(struct launcher_state *st, int sock)
{
	struct pollfd pfd[2];
	sigset_t chld;
	int rc;

	log_init("launcher", log_get_level());
	/* Keep stdin/stdout/stderr and the socket (moved to 3), nothing
	 * else the core had open. */
	if (sock != 3) {
		if (dup3(sock, 3, O_CLOEXEC) < 0)
			_exit(1);
		sock = 3;
	}
	(void)close_range(4, ~0U, 0);
	st->sock = sock;
	if ((st->devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		_exit(1);

	launcher_child_signals();
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGINT, SIG_IGN);	/* the core decides */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &chld, NULL);
	if ((st->sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		_exit(1);

	if ((rc = caps_keep_flags(NULL, 0, CAPS_KEEP_BOUNDING)) < 0)
		log_warnx("launcher: dropping capabilities: %s",
		    strerror(-rc));
	if (sandbox_enter(SANDBOX_LAUNCHER, SANDBOX_FORKED) < 0)
		log_warnx("launcher: no_new_privs is already set: capture "
		    "helpers will not receive their file capabilities");
	launcher_build_env(st);

	for (;;) {
		pfd[0].fd = st->sock;
		pfd[0].events = POLLIN;
		pfd[1].fd = st->sigfd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0)
			launcher_reap(st);
		if (pfd[0].revents != 0 && launcher_dispatch_core(st) < 0)
			break;
	}
	launcher_end_children(st);
	_exit(0);
}

int
launcher_start(const char *const *dirs, size_t ndirs, struct launcher **ret)
{
	struct launcher_state *st;
	struct launcher *l;
	int sv[2], err;
	size_t i;
	pid_t pid;

	if (ndirs == 0 || ndirs > LAUNCHER_MAX_DIRS)
		return -EINVAL;
	for (i = 0; i < ndirs; i++)
		if (dirs[i] == NULL || dirs[i][0] == '\0' ||
		    strlen(dirs[i]) >= PATH_MAX)
			return -EINVAL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -ENOMEM;
	/* Filled before the fork: the child allocates nothing it must
	 * build from the core's heap. */
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		free(l);
		return -ENOMEM;
	}
	st->ndirs = ndirs;
	for (i = 0; i < ndirs; i++)
		memcpy(st->dirs[i], dirs[i], strlen(dirs[i]) + 1);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		err = errno;
		goto fail;
	}
	if ((pid = fork()) < 0) {
		err = errno;
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	if (pid == 0) {
		close(sv[0]);
		/*
		 * A session and process group of its own: a terminal's ^C,
		 * a hang-up or a kill of the core's group must not end the
		 * launcher before the core has stopped its helpers in order.
		 * When the core goes, however it goes, its socket closes and
		 * the launcher ends the children (launcher_end_children).
		 */
		(void)setsid();
		launcher_main(st, sv[1]);
	}
	close(sv[1]);
	free(st);
	l->fd = sv[0];
	l->pid = pid;
	*ret = l;
	return 0;
fail:
	free(st);
	free(l);
	return -err;
}

int
launcher_fd(const struct launcher *l)
{
	return l->fd;
}

pid_t
launcher_pid(const struct launcher *l)
{
	return l->pid;
}

static uint32_t
launcher_next_seq(struct launcher *l)
{
	if (++l->seq == 0)
		l->seq = 1;	/* 0 is the EXIT event's */
	return l->seq;
}

int
launcher_spawn(struct launcher *l, enum launcher_kind kind,
    const char *name, const int *fds, unsigned int nfds, uint32_t *ret_seq)
{
	struct launcher_msg m;
	int rc;

	if (nfds > LAUNCHER_MAX_FDS || strlen(name) > LAUNCHER_NAME_MAX)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_SPAWN;
	m.seq = launcher_next_seq(l);
	m.u.spawn.kind = kind;
	m.u.spawn.nfds = nfds;
	memcpy(m.u.spawn.name, name, strlen(name) + 1);
	if ((rc = launcher_msg_send(l->fd, &m, fds, nfds)) < 0)
		return rc;
	*ret_seq = m.seq;
	return 0;
}

int
launcher_kill(struct launcher *l, pid_t pid, int sig, uint32_t *ret_seq)
{
	struct launcher_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_KILL;
	m.seq = launcher_next_seq(l);
	m.u.kill.pid = pid;
	m.u.kill.signal = sig;
	if ((rc = launcher_msg_send(l->fd, &m, NULL, 0)) < 0)
		return rc;
	*ret_seq = m.seq;
	return 0;
}

int
launcher_recv(struct launcher *l, struct launcher_msg *ret, int *ret_ipc_fd,
    int *ret_report_fd)
{
	struct launcher_msg m;
	int fds[LAUNCHER_MAX_FDS];
	unsigned int nfds = 0, i;
	int rc;

	if ((rc = launcher_msg_recv(l->fd, &m, fds, &nfds)) < 0)
		return rc;
	if (m.type == LAUNCHER_MSG_SPAWN || m.type == LAUNCHER_MSG_KILL) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return -EPROTO;
	}
	*ret_ipc_fd = nfds == 2 ? fds[0] : -1;
	*ret_report_fd = nfds == 2 ? fds[1] : -1;
	*ret = m;
	return 0;
}

const char *
launcher_describe_exit(const struct launcher_msg *ev, int report_fd,
    char *buf, size_t len)
{
	struct sandbox_violation v;
	char name[64];

	if (ev->type != LAUNCHER_MSG_EXIT)
		snprintf(buf, len, "no exit");
	else if (ev->u.exit.how == LAUNCHER_EXITED)
		snprintf(buf, len, "exited with status %d", ev->u.exit.code);
	else if (ev->u.exit.code == SIGSYS && report_fd >= 0 &&
	    sandbox_report_read(report_fd, &v) == 0)
		snprintf(buf, len, "killed by SIGSYS: sandbox violation, "
		    "system call %s", sandbox_syscall_name(&v, name,
		    sizeof(name)));
	else if (ev->u.exit.code == SIGSYS)
		snprintf(buf, len, "killed by SIGSYS: sandbox violation "
		    "(call not reported)");
	else
		snprintf(buf, len, "killed by signal %d (%s)%s",
		    ev->u.exit.code, strsignal(ev->u.exit.code),
		    ev->u.exit.core_dumped ? ", core dumped" : "");
	return buf;
}

void
launcher_stop(struct launcher *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(l);
}
