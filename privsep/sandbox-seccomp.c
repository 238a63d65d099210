/* SPDX-License-Identifier: ISC */
/*
 * \summary: seccomp sandbox: one allowlist per role and phase (libseccomp)
 *
 * Each (role, phase) pair below names the rule sets its process may use
 * once it has opened everything it needs; anything else traps.  The trap
 * handler writes a record naming the call to the report pipe, unblocks
 * SIGSYS and sends it to its own process with the default action, so a
 * violation always ends the whole process by SIGSYS, and the supervisor
 * learns which call it was.  The handler cannot be swapped out: the
 * filter refuses rt_sigaction on SIGSYS, and a SIGSYS the process blocks
 * or ignores is forced through with the default action by the kernel.
 * Calls from a foreign architecture (i386 int 0x80, x32) kill the process
 * at once (doc/privsep.md, "Sandbox").
 *
 * Every rule carries the reason it is there.  A process that dies here
 * with a call its job needs gets that call added to its set, with the
 * reason, never a wider set.
 */

#include <sys/ioctl.h>
#ifdef SANDBOX_SANITIZER
#include <sys/ptrace.h>
#include <sched.h>
#endif
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "sandbox-report.h"

#ifdef SANDBOX_SANITIZER
/* From the sanitizer runtime (sanitizer/common_interface_defs.h). */
void	__sanitizer_sandbox_on_notify(void *);
void	__sanitizer_symbolize_pc(void *, const char *, char *, size_t);
#endif

/*
 * One allowed call, with at most two argument conditions, in 20 bytes
 * rather than two struct scmp_arg_cmp's 48 (the capture helpers carry
 * some 60 rules, doc/helpers.md "Size").  Every operand a rule compares
 * with fits 32 bits, which D32() checks at compile time, and only a
 * masked comparison has a second operand (the value), of which a rule
 * has at most one.  sandbox_add_set() unpacks them for libseccomp.
 */
struct sandbox_rule {
	int16_t		 nr;
	uint8_t		 ncmp;
	uint8_t		 arg[2];
	uint8_t		 op[2];		/* enum scmp_compare */
	uint32_t	 datum[2];	/* datum_a of each condition */
	uint32_t	 masked;	/* datum_b of the masked one */
};

/* An operand, refused at compile time unless it fits 32 bits. */
#define D32(x) ((uint32_t)(x) + \
	0 * sizeof(char[(unsigned long long)(x) <= 0xffffffffULL ? 1 : -1]))

#define ALLOW(call)		{ .nr = SCMP_SYS(call) }
#define ALLOW_EQ(call, a, x) \
	{ .nr = SCMP_SYS(call), .ncmp = 1, .arg = { (a) }, \
	    .op = { SCMP_CMP_EQ }, .datum = { D32(x) } }
#define ALLOW_NE(call, a, x) \
	{ .nr = SCMP_SYS(call), .ncmp = 1, .arg = { (a) }, \
	    .op = { SCMP_CMP_NE }, .datum = { D32(x) } }
#define ALLOW_MASK(call, a, m, v) \
	{ .nr = SCMP_SYS(call), .ncmp = 1, .arg = { (a) }, \
	    .op = { SCMP_CMP_MASKED_EQ }, .datum = { D32(m) }, \
	    .masked = D32(v) }
#define ALLOW_EQ2(call, a, x, b, y) \
	{ .nr = SCMP_SYS(call), .ncmp = 2, .arg = { (a), (b) }, \
	    .op = { SCMP_CMP_EQ, SCMP_CMP_EQ }, .datum = { D32(x), D32(y) } }
#define ALLOW_EQ_MASK(call, a, x, b, m, v) \
	{ .nr = SCMP_SYS(call), .ncmp = 2, .arg = { (a), (b) }, \
	    .op = { SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ }, \
	    .datum = { D32(x), D32(m) }, .masked = D32(v) }

/*
 * Stands for the process's own pid, filled in when the filter is built;
 * above any pid (at most 2^22).
 */
#define SELF	0xffff5e1fU

/* Flags that make an open write, create or truncate. */
#define OPEN_WRITE_FLAGS \
	(O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | (O_TMPFILE & ~O_DIRECTORY))

/*
 * Every sandboxed process: live on the descriptors it holds, allocate,
 * handle signals, tell the time, sleep, end.
 */
static const struct sandbox_rule rules_base[] = {
	/* Reading and writing the descriptors already open: IPC, logs. */
	ALLOW(read),
	ALLOW(readv),
	ALLOW(pread64),
	ALLOW(write),
	ALLOW(writev),
	ALLOW(pwrite64),
	/* Messages on held sockets (IPC, nl80211, peers); send/recv are
	 * sendto/recvfrom with no address. */
	ALLOW(sendmsg),
	ALLOW(recvmsg),
	ALLOW(sendto),
	ALLOW(recvfrom),
	/* SO_ERROR after a failed send, buffer sizes for statistics. */
	ALLOW(getsockopt),
	/* Dropping a peer or finishing a stream cleanly. */
	ALLOW(shutdown),
	ALLOW(close),
	/* Waiting on held descriptors (helpers' loop; libevent fallback). */
	ALLOW(poll),
	ALLOW(ppoll),
	/* stdio sizes its buffer from fstat (glibc: newfstatat with
	 * AT_EMPTY_PATH); lseek rewinds a replayed file. */
	ALLOW(fstat),
	ALLOW_MASK(newfstatat, 3, AT_EMPTY_PATH, AT_EMPTY_PATH),
	ALLOW(lseek),
	/* Non-blocking and close-on-exec flags on held descriptors, and no
	 * other fcntl command (no F_DUPFD games, no leases, no locks). */
	ALLOW_EQ(fcntl, 1, F_GETFL),
	ALLOW_EQ(fcntl, 1, F_SETFL),
	ALLOW_EQ(fcntl, 1, F_GETFD),
	ALLOW_EQ(fcntl, 1, F_SETFD),
	/* libevent sizes reads with FIONREAD, stdio asks isatty (TCGETS);
	 * no other ioctl (in particular no TIOCSTI). */
	ALLOW_EQ(ioctl, 1, FIONREAD),
	ALLOW_EQ(ioctl, 1, TCGETS),
	/* malloc: heap and anonymous maps, never executable. */
	ALLOW(brk),
	ALLOW_MASK(mmap, 2, PROT_EXEC, 0),
	ALLOW_MASK(mprotect, 2, PROT_EXEC, 0),
	ALLOW(munmap),
	ALLOW(mremap),
	ALLOW(madvise),
	/* glibc locks (stdio) and the kernel's restart of an interrupted
	 * sleep. */
	ALLOW(futex),
	ALLOW(restart_syscall),
	/* Signal handling, except replacing the SIGSYS reporter. */
	ALLOW_NE(rt_sigaction, 0, SIGSYS),
	ALLOW(rt_sigprocmask),
	ALLOW(rt_sigreturn),
	/* Time and sleeping: normally the vDSO, these when it falls back;
	 * pacing a replay, hop dwell, back-off. */
	ALLOW(clock_gettime),
	ALLOW(clock_getres),
	ALLOW(gettimeofday),
	ALLOW(time),
	ALLOW(nanosleep),
	ALLOW(clock_nanosleep),
	/* Who am I, for log lines; harmless. */
	ALLOW(getpid),
	ALLOW(gettid),
	ALLOW(getuid),
	ALLOW(geteuid),
	ALLOW(getgid),
	ALLOW(getegid),
	/* Hash seeds and random hop offsets. */
	ALLOW(getrandom),
	/* The SIGSYS handler's way out: SIGSYS to this process only. */
	ALLOW_EQ2(kill, 0, SELF, 1, SIGSYS),
	ALLOW(exit),
	ALLOW(exit_group),
};

#ifndef SANDBOX_CAPTURE_HELPERS
/*
 * The rule sets of the roles that are not capture helpers.  The helpers
 * link their own copy of this file built with SANDBOX_CAPTURE_HELPERS,
 * which leaves these out (2 KB of a helper's 64 KiB, doc/helpers.md
 * "Size"); the core and the launcher's copy has every role.
 */

/* The core and the web worker: one libevent loop (epoll backend). */
static const struct sandbox_rule rules_event_loop[] = {
	/* The base and its descriptors exist before lockdown; the loop only
	 * waits and (un)registers descriptors it holds. */
	ALLOW(epoll_wait),
	ALLOW(epoll_pwait),
	ALLOW(epoll_ctl),
	/* EVENT_BASE_FLAG_PRECISE_TIMER arms a timerfd made at start. */
	ALLOW(timerfd_settime),
	ALLOW(timerfd_gettime),
	/* Accepting on listeners bound before lockdown: the core's remote
	 * capture port and web bridge, the web worker's HTTP port.  No
	 * socket, bind or listen: no new listening sockets. */
	ALLOW(accept),
	ALLOW(accept4),
	/* Addresses of accepted peers for log lines. */
	ALLOW(getsockname),
	ALLOW(getpeername),
	/* TCP_NODELAY and keep-alive on accepted peers. */
	ALLOW(setsockopt),
};

/* The core after start-up. */
static const struct sandbox_rule rules_core[] = {
	/*
	 * The core creates files it writes (pcapng logs named from
	 * log_template, --devices-json at exit) but never opens a file to
	 * read after start-up: configuration and the OUI table are read
	 * before lockdown.  So openat is allowed write-only, which keeps
	 * /etc/shadow and every other readable file out of reach.
	 */
	ALLOW_MASK(openat, 2, O_ACCMODE, O_WRONLY),
	/* Making logs durable and cutting a partial record. */
	ALLOW(fsync),
	ALLOW(fdatasync),
	ALLOW(ftruncate),
	/* The launcher is the core's child: reap it if it dies. */
	ALLOW(wait4),
	ALLOW(waitid),
};

/* The web worker after binding its listener. */
static const struct sandbox_rule rules_web[] = {
	/* Static UI files and plugins, read-only: no flag that writes,
	 * creates, truncates or appends. */
	ALLOW_MASK(openat, 2, OPEN_WRITE_FLAGS, 0),
	/* evhttp sends static files with sendfile. */
	ALLOW(sendfile),
};

/*
 * The core's kismetdb writer (daemon/log/kislogd.c), forked by the core
 * before it locks down.  It speaks only to the core over the socket it
 * holds, and its job is files: SQLite creates and opens the log, its WAL
 * and shared-memory index (and, after a write error, the next log), a
 * read-only connection per export, and removes the WAL when it closes.
 * No socket, connect, exec, fork or ptrace.
 */
static const struct sandbox_rule rules_kismetdb[] = {
	/* Creating and opening the log, its -wal, -shm and -journal. */
	ALLOW(openat),
	/* SQLite's POSIX advisory locks on them; no other fcntl command. */
	ALLOW_EQ(fcntl, 1, F_GETLK),
	ALLOW_EQ(fcntl, 1, F_SETLK),
	ALLOW_EQ(fcntl, 1, F_SETLKW),
	/* stat and lstat by name: has the file been deleted or moved, how
	 * big is it; SQLite resolves symbolic links and relative paths. */
	ALLOW(newfstatat),
	ALLOW(readlink),
	ALLOW(readlinkat),
	ALLOW(getcwd),
	ALLOW(access),
	ALLOW(faccessat),
	ALLOW(faccessat2),
	/* The WAL and journal are removed when the file closes. */
	ALLOW(unlink),
	ALLOW(unlinkat),
	/* Durability and sizing of the files. */
	ALLOW(fsync),
	ALLOW(fdatasync),
	ALLOW(ftruncate),
	/* SQLite gives a file it creates as root to the database's owner
	 * and fixes its mode. */
	ALLOW(fchown),
	ALLOW(fchmod),
};

#endif /* !SANDBOX_CAPTURE_HELPERS */

/*
 * The file helper: loop=true starts each pass on a duplicate of the file
 * it opened before lockdown (a stdio stream of its own for libpcap), so it
 * may duplicate descriptors it already holds; that grants nothing new.
 */
static const struct sandbox_rule rules_pcapfile[] = {
	ALLOW_EQ(fcntl, 1, F_DUPFD_CLOEXEC),
};

/*
 * The Wi-Fi helper after its nl80211 and capture sockets are open:
 * channel changes are sendmsg/recvmsg on the nl80211 socket (base set);
 * libpcap reads the ring with poll and checks the interface.
 */
static const struct sandbox_rule rules_linux_wifi[] = {
	/* libpcap asks whether the interface went down after POLLERR. */
	ALLOW_EQ(ioctl, 1, SIOCGIFFLAGS),
	ALLOW_EQ(ioctl, 1, SIOCGIFINDEX),
	/* libnl sets buffer sizes on the sockets it holds. */
	ALLOW(setsockopt),
};

/*
 * A helper started with --connect redials the core after a lost link:
 * a TCP socket of either family, connect, and options on it.  The address
 * is resolved before lockdown, so no DNS.
 */
static const struct sandbox_rule rules_remote[] = {
	ALLOW_EQ_MASK(socket, 0, AF_INET, 1, 0xf, SOCK_STREAM),
	ALLOW_EQ_MASK(socket, 0, AF_INET6, 1, 0xf, SOCK_STREAM),
	ALLOW(connect),
	ALLOW(setsockopt),
	ALLOW(getpeername),
};

#ifdef SANDBOX_SANITIZER
/*
 * ASan/UBSan builds only (doc/privsep.md, "Sanitizer builds").  At exit
 * LeakSanitizer stops the world: it clones a tracer task (same memory, no
 * new thread group), which lists /proc/self/task, attaches to each thread
 * with ptrace, reads its registers, and detaches.  The clone flags and
 * every ptrace request are pinned, and ptrace may target this process
 * only, so PTRACE_ATTACH to anyone else, PTRACE_TRACEME and fork stay
 * forbidden in these builds too; what remains is the raw open(2) the
 * runtime uses (glibc uses openat, which keeps its role's rule).  A
 * normal build has none of this.
 */
static const struct sandbox_rule rules_sanitizer[] = {
	ALLOW_EQ(clone, 0, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED),
	ALLOW_EQ2(ptrace, 0, PTRACE_ATTACH, 1, SELF),
	ALLOW_EQ2(ptrace, 0, PTRACE_DETACH, 1, SELF),
	ALLOW_EQ2(ptrace, 0, PTRACE_GETREGS, 1, SELF),
	ALLOW_EQ2(ptrace, 0, PTRACE_GETFPREGS, 1, SELF),
	ALLOW_EQ2(ptrace, 0, PTRACE_GETREGSET, 1, SELF),
	ALLOW_EQ2(ptrace, 0, PTRACE_PEEKUSER, 1, SELF),
	ALLOW_EQ2(ptrace, 0, PTRACE_CONT, 1, SELF),
	/* The tracer waits for each thread it attached to. */
	ALLOW(wait4),
	/* PR_SET_PTRACER for the tracer, PR_SET_PDEATHSIG in it,
	 * PR_GET/SET_DUMPABLE around the attach. */
	ALLOW_EQ(prctl, 0, PR_SET_PTRACER),
	ALLOW_EQ(prctl, 0, PR_SET_PDEATHSIG),
	ALLOW_EQ(prctl, 0, PR_GET_DUMPABLE),
	ALLOW_EQ(prctl, 0, PR_SET_DUMPABLE),
	/* The tracer's signal stack, its spin-waits and parent check. */
	ALLOW(sigaltstack),
	ALLOW(sched_yield),
	ALLOW(getppid),
	/* Listing /proc/self/task: raw open(2), read-only, and getdents. */
	ALLOW_MASK(open, 1, OPEN_WRITE_FLAGS, 0),
	ALLOW(getdents),
	ALLOW(getdents64),
	/* abort_on_error: abort() sends SIGABRT to this process. */
	ALLOW_EQ2(tgkill, 0, SELF, 2, SIGABRT),
};
#endif

struct sandbox_set {
	const struct sandbox_rule	*rules;
	size_t				 n;
};

#define SET(r)		{ (r), sizeof(r) / sizeof((r)[0]) }
#define MAX_SETS	3

/* One allowlist per role and phase, made of the sets above. */
static const struct sandbox_policy {
	enum sandbox_role	 role;
	enum sandbox_phase	 phase;
	struct sandbox_set	 sets[MAX_SETS];
} sandbox_policies[] = {
#ifndef SANDBOX_CAPTURE_HELPERS
	{ SANDBOX_CORE, SANDBOX_AFTER_START,
	    { SET(rules_base), SET(rules_event_loop), SET(rules_core) } },
	{ SANDBOX_WEB, SANDBOX_AFTER_BIND,
	    { SET(rules_base), SET(rules_event_loop), SET(rules_web) } },
#endif
	{ SANDBOX_HELPER_PCAPFILE, SANDBOX_AFTER_OPEN,
	    { SET(rules_base), SET(rules_pcapfile) } },
	{ SANDBOX_HELPER_PCAPFILE, SANDBOX_AFTER_OPEN_REMOTE,
	    { SET(rules_base), SET(rules_pcapfile), SET(rules_remote) } },
	{ SANDBOX_HELPER_LINUX_WIFI, SANDBOX_AFTER_OPEN,
	    { SET(rules_base), SET(rules_linux_wifi) } },
	{ SANDBOX_HELPER_LINUX_WIFI, SANDBOX_AFTER_OPEN_REMOTE,
	    { SET(rules_base), SET(rules_linux_wifi), SET(rules_remote) } },
#ifndef SANDBOX_CAPTURE_HELPERS
	{ SANDBOX_KISMETDB, SANDBOX_FORKED,
	    { SET(rules_base), SET(rules_kismetdb) } },
	/* The GPS helper holds its gpsd socket or serial port and only
	 * copies bytes to the core: the base set (doc/gps.md). */
	{ SANDBOX_HELPER_GPS, SANDBOX_AFTER_OPEN, { SET(rules_base) } },
	/* The launcher loads no filter: see sandbox_enter(). */
	{ SANDBOX_LAUNCHER, SANDBOX_FORKED, { { NULL, 0 } } },
#endif
};

#ifdef SANDBOX_SANITIZER
/*
 * Let the runtime cache /proc/self/maps, and make it find and start its
 * symbolizer (a child process on pipes) while stat, fork and execve still
 * work: a report after lockdown is then symbolized over the pipes.
 */
static void
sandbox_sanitizer_prepare(void)
{
	char sym[256];

	__sanitizer_sandbox_on_notify(NULL);
	__sanitizer_symbolize_pc(__builtin_return_address(0), "%p %F %L",
	    sym, sizeof(sym));
}
#endif

/* Read by the SIGSYS handler; set once before the filter loads. */
static int		 sandbox_report_fd = -1;
static pid_t		 sandbox_pid;
static const char	*sandbox_role_str = "?";

static size_t
sandbox_fmt_uint(char *p, unsigned long v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < sizeof(tmp));
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static size_t
sandbox_fmt_str(char *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	memcpy(p, s, n);
	return n;
}

/*
 * The SIGSYS handler: async-signal-safe calls only, and only calls every
 * filter allows (write, rt_sigprocmask, kill of itself with SIGSYS).
 */
static void
sandbox_sigsys_cb(int sig, siginfo_t *si, void *uctx)
{
	uint8_t rec[SANDBOX_REPORT_LEN];
	char line[160];
	sigset_t set;
	size_t n = 0;

	sandbox_report_encode(si->si_syscall, si->si_arch, rec);
	if (sandbox_report_fd != -1 &&
	    write(sandbox_report_fd, rec, sizeof(rec)) < 0) {
		/* The supervisor will still see SIGSYS. */
	}
	n += sandbox_fmt_str(line + n, "sandbox: ", 16);
	n += sandbox_fmt_str(line + n, sandbox_role_str, 32);
	n += sandbox_fmt_str(line + n, ": forbidden system call ", 32);
	n += sandbox_fmt_uint(line + n, (unsigned int)si->si_syscall);
	n += sandbox_fmt_str(line + n, ", ending by SIGSYS\n", 32);
	if (write(STDERR_FILENO, line, n) < 0) {
		/* Nowhere left to say it. */
	}
	/* SA_RESETHAND made SIGSYS default; unblocked, it ends us here. */
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	(void)kill(sandbox_pid, SIGSYS);
	_exit(128 + SIGSYS);	/* not reached */
}

/* The report pipe the launcher named, if it is really a write-only pipe. */
static int
sandbox_find_report_fd(void)
{
	const char *s;
	struct stat st;
	char *end;
	long fd;
	int fl;

	if ((s = getenv(SANDBOX_REPORT_ENV)) == NULL)
		return -1;
	errno = 0;
	fd = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || fd < 0 ||
	    fd > 1024)
		return -1;
	if (fstat((int)fd, &st) != 0 || !S_ISFIFO(st.st_mode))
		return -1;
	if ((fl = fcntl((int)fd, F_GETFL)) < 0 ||
	    (fl & O_ACCMODE) != O_WRONLY)
		return -1;
	(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	return (int)fd;
}

static int
sandbox_add_set(scmp_filter_ctx ctx, const struct sandbox_set *set)
{
	const struct sandbox_rule *r;
	struct scmp_arg_cmp cmp[2];
	unsigned int k;
	size_t i;
	int rc;

	for (i = 0; i < set->n; i++) {
		r = &set->rules[i];
		memset(cmp, 0, sizeof(cmp));
		for (k = 0; k < r->ncmp; k++) {
			cmp[k].arg = r->arg[k];
			cmp[k].op = (enum scmp_compare)r->op[k];
			cmp[k].datum_a = r->datum[k] == SELF ?
			    (scmp_datum_t)sandbox_pid : r->datum[k];
			if (cmp[k].op == SCMP_CMP_MASKED_EQ)
				cmp[k].datum_b = r->masked;
		}
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, r->nr,
		    r->ncmp, cmp);
		/* A call this architecture lacks (a negative pseudo
		 * number) cannot be made, so it needs no rule. */
		if (rc < 0 && !(r->nr < 0 && (rc == -EDOM || rc == -EINVAL))) {
			log_debug("sandbox: rule for call %d: %s", r->nr,
			    strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int
sandbox_load(const struct sandbox_policy *p)
{
#ifdef SANDBOX_SANITIZER
	static const struct sandbox_set sanitizer = SET(rules_sanitizer);
#endif
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL)
		return -ENOMEM;
	/* Native architecture only; anything else dies at once. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) < 0)
		goto out;
	for (i = 0; i < MAX_SETS && p->sets[i].rules != NULL; i++)
		if ((rc = sandbox_add_set(ctx, &p->sets[i])) < 0)
			goto out;
#ifdef SANDBOX_SANITIZER
	if ((rc = sandbox_add_set(ctx, &sanitizer)) < 0)
		goto out;
#endif
	rc = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return rc < 0 ? rc : 0;
}

int
sandbox_enter(enum sandbox_role role, enum sandbox_phase phase)
{
	const struct sandbox_policy *p = NULL;
	struct sigaction sa;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(sandbox_policies) / sizeof(sandbox_policies[0]);
	    i++)
		if (sandbox_policies[i].role == role &&
		    sandbox_policies[i].phase == phase)
			p = &sandbox_policies[i];
	if (p == NULL)
		return -EINVAL;
	if (role == SANDBOX_LAUNCHER) {
		/*
		 * Loading a filter needs no_new_privs (or CAP_SYS_ADMIN),
		 * and no_new_privs would be inherited by every helper and
		 * strip its file capabilities at exec.  The launcher stays
		 * small and unfiltered instead, and refuses to run when
		 * something above it already set no_new_privs.
		 */
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
			return -EPERM;
		return 0;
	}

	sandbox_role_str = sandbox_role_name(role);
	sandbox_pid = getpid();
	sandbox_report_fd = sandbox_find_report_fd();

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys_cb;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -errno;

#ifdef SANDBOX_SANITIZER
	sandbox_sanitizer_prepare();
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return -EPERM;
	if ((rc = sandbox_load(p)) < 0) {
		log_debug("sandbox: loading the %s filter: %s",
		    sandbox_role_str, strerror(-rc));
		return rc;
	}
	log_debug("sandbox: %s locked (seccomp)", sandbox_role_str);
	return 0;
}

void
sandbox_announce(void)
{
	log_debug("sandbox: seccomp");
}

const char *
sandbox_kind(void)
{
	return "seccomp";
}

const char *
sandbox_syscall_name(const struct sandbox_violation *v, char *buf,
    size_t len)
{
	char *name;

	name = seccomp_syscall_resolve_num_arch(v->arch, v->syscall);
	if (name != NULL) {
		snprintf(buf, len, "%s (%d)", name, v->syscall);
		free(name);
	} else
		snprintf(buf, len, "%d", v->syscall);
	return buf;
}
