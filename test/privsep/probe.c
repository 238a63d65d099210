/* SPDX-License-Identifier: ISC */
/*
 * \summary: test program: a process of one role locks itself down, shows
 * that its allowed calls work, then makes the forbidden call it is told to
 *
 *   probe ROLE ACTION [WORKDIR]     control lines on stdin and stdout
 *   NAME --in-fd=3 --out-fd=3       started by the launcher under a
 *   NAME --ipc-fd=3                 helper or web name: reads
 *                                   "ROLE ACTION [WORKDIR]" from fd 3,
 *                                   control lines on fd 3
 *
 * ROLE is core, web, pcapfile, wifi, pcapfile-remote or wifi-remote.  The
 * probe stops at three checkpoints, "start", "opened" and "locked",
 * writing "NAME PID" and waiting for "go", so that the test can read
 * /proc/PID/status at each.  Exit status: 0 after ACTION "none", 2 when
 * an allowed call failed, 3 when the forbidden call returned, 4 on a
 * usage or control error; a working sandbox ends every other ACTION with
 * SIGSYS.
 */

#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "privdrop.h"
#include "sandbox.h"

static int ctl_in = STDIN_FILENO, ctl_out = STDOUT_FILENO;
static void *volatile leaked;
static pid_t parent;	/* getppid() is not allowed after lockdown */

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "probe: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	_exit(code);
}

/* Read one line from the control descriptor (read(2) only: it must work
 * under every filter). */
static int
ctl_readline(char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n < len - 1) {
		r = read(ctl_in, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static void
checkpoint(const char *name, const char *note)
{
	char line[64];
	int n;

	n = snprintf(line, sizeof(line), "%s %ld%s%s\n", name,
	    (long)getpid(), note[0] != '\0' ? " " : "", note);
	if (write(ctl_out, line, (size_t)n) != n)
		die(4, "checkpoint %s: write", name);
	if (ctl_readline(line, sizeof(line)) != 0 || strcmp(line, "go") != 0)
		die(4, "checkpoint %s: no go", name);
}

struct probe {
	const char	*role;
	const char	*action;
	const char	*workdir;
	bool		 remote;
	enum sandbox_role srole;
	enum sandbox_phase phase;
	int		 listener;	/* core, web, remote */
	int		 client;	/* connected to listener */
	struct sockaddr_in addr;
	int		 file;		/* pcapfile: open to read */
	int		 nl;		/* wifi: generic netlink */
	int		 packet;	/* wifi: AF_PACKET, if allowed */
	char		 path_w[512];	/* core: a log file */
	char		 path_r[512];	/* web: a static file */
	struct event_base *base;
	int		 accepted;
	int		 fired;
};

static void
probe_listen(struct probe *p)
{
	socklen_t sl = sizeof(p->addr);

	memset(&p->addr, 0, sizeof(p->addr));
	p->addr.sin_family = AF_INET;
	p->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((p->listener = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(p->listener, (struct sockaddr *)&p->addr,
	    sizeof(p->addr)) != 0 || listen(p->listener, 4) != 0 ||
	    getsockname(p->listener, (struct sockaddr *)&p->addr, &sl) != 0)
		die(4, "listener: %s", strerror(errno));
}

/* Before lockdown: what each role opens while it still may. */
static void
probe_open(struct probe *p)
{
	int fd;

	if (p->srole == SANDBOX_CORE || p->srole == SANDBOX_WEB) {
		probe_listen(p);
		/* A peer waiting in the backlog for accept after lockdown. */
		if ((p->client = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
		    connect(p->client, (struct sockaddr *)&p->addr,
		    sizeof(p->addr)) != 0 || write(p->client, "hi", 2) != 2)
			die(4, "client: %s", strerror(errno));
		if ((p->base = event_base_new()) == NULL)
			die(4, "event_base_new");
	}
	if (p->srole == SANDBOX_WEB) {
		snprintf(p->path_r, sizeof(p->path_r), "%s/static.txt",
		    p->workdir);
		if ((fd = open(p->path_r, O_WRONLY | O_CREAT | O_TRUNC,
		    0644)) < 0 || write(fd, "static\n", 7) != 7)
			die(4, "%s: %s", p->path_r, strerror(errno));
		close(fd);
	}
	snprintf(p->path_w, sizeof(p->path_w), "%s/probe-%ld.log",
	    p->workdir, (long)getpid());
	if (p->srole == SANDBOX_HELPER_PCAPFILE &&
	    (p->file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
		die(4, "open: %s", strerror(errno));
	if (p->srole == SANDBOX_HELPER_LINUX_WIFI) {
		if ((p->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
		    NETLINK_GENERIC)) < 0)
			die(4, "netlink: %s", strerror(errno));
		/* Needs CAP_NET_RAW: the capability test's proof that the
		 * file capabilities arrived. */
		p->packet = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC,
		    htons(ETH_P_ALL));
	}
	if (p->remote)
		probe_listen(p);
}

/* Drop what the role no longer needs, then lock. */
static void
probe_lock(struct probe *p)
{
	static const int admin[] = { CAP_NET_ADMIN };
	uint64_t eff, prm, bnd;
	int rc;

	if (p->srole == SANDBOX_HELPER_LINUX_WIFI &&
	    caps_get(&eff, &prm, &bnd) == 0 &&
	    (prm & (UINT64_C(1) << CAP_NET_ADMIN)) != 0)
		rc = caps_keep(admin, 1);
	else
		rc = caps_clear();
	if (rc < 0)
		die(2, "caps: %s", strerror(-rc));
	if ((rc = sandbox_enter(p->srole, p->phase)) < 0)
		die(2, "sandbox_enter: %s", strerror(-rc));
}

static void
probe_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *p = arg;
	char buf[8];
	int s;

	if ((s = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		die(2, "accept: %s", strerror(errno));
	if (read(s, buf, sizeof(buf)) != 2 || write(s, "ok", 2) != 2)
		die(2, "peer i/o: %s", strerror(errno));
	if (p->srole == SANDBOX_WEB) {
		int f = open(p->path_r, O_RDONLY | O_CLOEXEC);
		off_t off = 0;

		if (f < 0 || sendfile(s, f, &off, 7) != 7)
			die(2, "static file: %s", strerror(errno));
		close(f);
	}
	close(s);
	p->accepted = 1;
}

static void
probe_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *p = arg;

	p->fired = 1;
}

/* The event loop the core and the web worker run. */
static void
probe_event_loop(struct probe *p)
{
	struct timeval tv = { 0, 1000 };
	struct event *ev_acc, *ev_tmo;

	ev_acc = event_new(p->base, p->listener, EV_READ, probe_accept_cb, p);
	ev_tmo = evtimer_new(p->base, probe_timer_cb, p);
	if (ev_acc == NULL || ev_tmo == NULL ||
	    event_add(ev_acc, NULL) != 0 || evtimer_add(ev_tmo, &tv) != 0)
		die(2, "event_add");
	while (!(p->accepted && p->fired))
		if (event_base_loop(p->base, EVLOOP_ONCE) != 0)
			die(2, "event loop");
	event_free(ev_acc);
	event_free(ev_tmo);
	event_base_free(p->base);
	p->base = NULL;
}

/* Send CTRL_CMD_GETFAMILY("nlctrl") and read the answer: the shape of
 * every nl80211 command the Wi-Fi helper sends after lockdown. */
static void
probe_netlink(struct probe *p)
{
	struct {
		struct nlmsghdr		n;
		struct genlmsghdr	g;
		struct nlattr		a;
		char			name[8];
	} req;
	char buf[8192];
	ssize_t r;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = sizeof(req);
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	req.a.nla_len = NLA_HDRLEN + 7;
	req.a.nla_type = CTRL_ATTR_FAMILY_NAME;
	memcpy(req.name, "nlctrl", 7);
	if (send(p->nl, &req, sizeof(req), 0) != (ssize_t)sizeof(req) ||
	    (r = recv(p->nl, buf, sizeof(buf), 0)) < (ssize_t)NLMSG_HDRLEN)
		die(2, "netlink: %s", strerror(errno));
	if (((struct nlmsghdr *)buf)->nlmsg_type != GENL_ID_CTRL)
		die(2, "netlink: unexpected answer type %u",
		    ((struct nlmsghdr *)buf)->nlmsg_type);
}

/*
 * What SQLite does to a log and its WAL after the kismetdb writer locked
 * down: create read-write, lock, write, sync, size, stat by name, remove.
 * (test/unit/test_kislog.c runs the real writer under its filter.)
 */
static void
probe_kismetdb(struct probe *p)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat sb;
	int fd;

	if ((fd = open(p->path_w, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) < 0 ||
	    fcntl(fd, F_SETLK, &fl) != 0 || fcntl(fd, F_GETLK, &fl) != 0 ||
	    pwrite(fd, "page", 4, 65536) != 4 || fdatasync(fd) != 0 ||
	    ftruncate(fd, 4) != 0 || fstat(fd, &sb) != 0 ||
	    stat(p->path_w, &sb) != 0 || access(p->path_w, F_OK) != 0 ||
	    close(fd) != 0 || unlink(p->path_w) != 0)
		die(2, "kismetdb file %s: %s", p->path_w, strerror(errno));
}

/* After lockdown: the calls each role's job needs must still work. */
static void
probe_allowed(struct probe *p)
{
	struct timespec ts = { 0, 1000000 };
	struct pollfd pfd;
	char buf[64], *m;
	FILE *fp;
	int s;

	if ((m = malloc(1 << 20)) == NULL)
		die(2, "malloc");
	memset(m, 1, 1 << 20);
	free(m);
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 ||
	    nanosleep(&(struct timespec){ 0, 1000000 }, NULL) != 0)
		die(2, "time: %s", strerror(errno));
	pfd.fd = ctl_in;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) < 0)
		die(2, "poll: %s", strerror(errno));
	switch (p->srole) {
	case SANDBOX_CORE:
		probe_event_loop(p);
		/* A log file: created write-only after lockdown. */
		if ((fp = fopen(p->path_w, "w")) == NULL ||
		    fprintf(fp, "log line\n") < 0 || fflush(fp) != 0 ||
		    fsync(fileno(fp)) != 0 || fclose(fp) != 0)
			die(2, "log file %s: %s", p->path_w, strerror(errno));
		break;
	case SANDBOX_WEB:
		probe_event_loop(p);
		break;
	case SANDBOX_HELPER_PCAPFILE:
		if (read(p->file, buf, sizeof(buf)) != sizeof(buf) ||
		    lseek(p->file, 0, SEEK_SET) != 0)
			die(2, "replay file: %s", strerror(errno));
		break;
	case SANDBOX_HELPER_LINUX_WIFI:
		probe_netlink(p);
		break;
	case SANDBOX_KISMETDB:
		probe_kismetdb(p);
		break;
	default:
		break;
	}
	if (p->remote) {
		/* Redialling the core after a lost link. */
		if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
		    connect(s, (struct sockaddr *)&p->addr,
		    sizeof(p->addr)) != 0)
			die(2, "redial: %s", strerror(errno));
		close(s);
	}
}

static void
probe_sigsys_cb(int sig)
{
}

/* The forbidden call.  Returns only if the sandbox let it through. */
static int
probe_forbidden(struct probe *p)
{
	const char *a = p->action;
	char *const argv[] = { "true", NULL };
	struct sigaction sa;
	void *page;
	pid_t pid;

	errno = 0;
	if (strcmp(a, "execve") == 0)
		return execve("/bin/true", argv, argv + 1);
	if (strcmp(a, "open-read") == 0)
		return open("/etc/shadow", O_RDONLY);
	if (strcmp(a, "open-write") == 0)
		return open(p->path_w, O_WRONLY | O_CREAT, 0600);
	if (strcmp(a, "socket-netlink") == 0)
		return socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (strcmp(a, "socket-inet6") == 0)
		return socket(AF_INET6, SOCK_STREAM, 0);
	if (strcmp(a, "socket-udp") == 0)
		return socket(AF_INET, SOCK_DGRAM, 0);
	if (strcmp(a, "listen") == 0)
		return listen(p->listener >= 0 ? p->listener : 0, 8);
	if (strcmp(a, "ptrace-attach") == 0)
		return (int)ptrace(PTRACE_ATTACH, parent, NULL, NULL);
	if (strcmp(a, "ptrace-traceme") == 0)
		return (int)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	if (strcmp(a, "sigaction") == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = probe_sigsys_cb;
		return sigaction(SIGSYS, &sa, NULL);
	}
	if (strcmp(a, "kill") == 0)
		return kill(parent, 0);
	if (strcmp(a, "fork") == 0) {
		if ((pid = fork()) == 0)
			_exit(0);
		return (int)pid;
	}
	if (strcmp(a, "mprotect-exec") == 0) {
		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return mprotect(page, 4096, PROT_READ | PROT_EXEC);
	}
#if defined(__x86_64__)
	if (strcmp(a, "x32") == 0)
		return (int)syscall(0x40000000 | SYS_getpid);
	if (strcmp(a, "int80") == 0) {
		long r = 20;	/* i386 getpid */

		__asm__ volatile ("int $0x80" : "+a"(r) : : "memory");
		return (int)r;
	}
#endif
	die(4, "unknown action %s", a);
}

static void
probe_role(struct probe *p)
{
	static const struct {
		const char *name;
		enum sandbox_role role;
		enum sandbox_phase phase;
		bool remote;
	} roles[] = {
		{ "core", SANDBOX_CORE, SANDBOX_AFTER_START, false },
		{ "web", SANDBOX_WEB, SANDBOX_AFTER_BIND, false },
		{ "pcapfile", SANDBOX_HELPER_PCAPFILE, SANDBOX_AFTER_OPEN,
		    false },
		{ "wifi", SANDBOX_HELPER_LINUX_WIFI, SANDBOX_AFTER_OPEN,
		    false },
		{ "pcapfile-remote", SANDBOX_HELPER_PCAPFILE,
		    SANDBOX_AFTER_OPEN_REMOTE, true },
		{ "wifi-remote", SANDBOX_HELPER_LINUX_WIFI,
		    SANDBOX_AFTER_OPEN_REMOTE, true },
		{ "kismetdb", SANDBOX_KISMETDB, SANDBOX_FORKED, false },
	};
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(p->role, roles[i].name) == 0) {
			p->srole = roles[i].role;
			p->phase = roles[i].phase;
			p->remote = roles[i].remote;
			return;
		}
	die(4, "unknown role %s", p->role);
}

int
main(int argc, char **argv)
{
	static const int wifi_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW };
	struct rlimit nocore = { 0, 0 };
	struct probe p;
	char line[512], *save;
	int rc;

	parent = getppid();
	/* Tests kill probes on purpose: no core files. */
	(void)setrlimit(RLIMIT_CORE, &nocore);
	/* A setuid-root install switches to the invoking user at once. */
	if ((rc = privdrop_setuid_helper(wifi_caps, 2)) < 0)
		die(2, "privdrop_setuid_helper: %s", strerror(-rc));

	memset(&p, 0, sizeof(p));
	p.listener = p.client = p.file = p.nl = p.packet = -1;
	p.workdir = "/tmp";
	if (argc >= 2 && strncmp(argv[1], "--i", 3) == 0) {
		ctl_in = ctl_out = 3;
		if (ctl_readline(line, sizeof(line)) != 0)
			die(4, "no command on fd 3");
		p.role = strtok_r(line, " ", &save);
		p.action = strtok_r(NULL, " ", &save);
		if ((p.workdir = strtok_r(NULL, " ", &save)) == NULL)
			p.workdir = "/tmp";
	} else if (argc >= 3) {
		p.role = argv[1];
		p.action = argv[2];
		if (argc >= 4)
			p.workdir = argv[3];
	}
	if (p.role == NULL || p.action == NULL)
		die(4, "usage: probe ROLE ACTION [WORKDIR]");
	probe_role(&p);
	/* A helper that will not go quietly (test_launcher). */
	if (strcmp(p.action, "ignore-term") == 0)
		(void)signal(SIGTERM, SIG_IGN);

	checkpoint("start", "");
	probe_open(&p);
	checkpoint("opened", p.packet >= 0 ? "packet=1" : "packet=0");
	probe_lock(&p);
	probe_allowed(&p);
	checkpoint("locked", "");
	if (strcmp(p.action, "none") == 0)
		return 0;
	if (strcmp(p.action, "leak") == 0) {
		/* A sanitizer build must still report this after lockdown. */
		leaked = malloc(100);
		leaked = NULL;
		return 0;
	}
	rc = probe_forbidden(&p);
	die(3, "%s %s survived: returned %d, errno %d", p.role, p.action, rc,
	    errno);
}
