/* SPDX-License-Identifier: ISC */
/*
 * \summary: the launcher starts only known programs, with exactly the
 * listed descriptors and a clean environment, hands back their IPC
 * descriptor and reports how each one ended
 *
 * argv[1] is the probe, copied into a scratch directory under the helper
 * names the launcher knows.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "launcher.h"
#include "launcher_msg.h"
#include "runner.h"
#include "sandbox.h"

static const char *probe_path;
static char topdir[] = "/tmp/osprey-launcher-XXXXXX";
static char dir1[128], dir2[128], workdir[128], line[256];
static struct launcher *L;
static int stray_fd = -1;

/* Wait for the launcher's next message, at most 20 s. */
static int
next_msg(struct launcher_msg *m, int *ipc, int *report)
{
	struct pollfd pfd = { launcher_fd(L), POLLIN, 0 };

	if (poll(&pfd, 1, 20000) != 1)
		return -ETIMEDOUT;
	return launcher_recv(L, m, ipc, report);
}

/* Spawn and expect SPAWNED for the same seq. */
static pid_t
spawn_ok(enum launcher_kind kind, const char *name, const int *fds,
    unsigned int nfds, int *ipc, int *report)
{
	struct launcher_msg m;
	uint32_t seq;

	assert_int_equal(launcher_spawn(L, kind, name, fds, nfds, &seq), 0);
	assert_int_equal(next_msg(&m, ipc, report), 0);
	assert_int_equal(m.type, LAUNCHER_MSG_SPAWNED);
	assert_int_equal(m.seq, seq);
	assert_true(*ipc >= 0 && *report >= 0);
	return m.u.spawned.pid;
}

static int
spawn_error(enum launcher_kind kind, const char *name)
{
	struct launcher_msg m;
	uint32_t seq;
	int ipc, report;

	assert_int_equal(launcher_spawn(L, kind, name, NULL, 0, &seq), 0);
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.type, LAUNCHER_MSG_ERROR);
	assert_int_equal(m.seq, seq);
	return m.u.error.error;
}

/* Drive a probe started by the launcher over its IPC descriptor. */
static void
ipc_send(int ipc, const char *s)
{
	assert_int_equal(write(ipc, s, strlen(s)), (ssize_t)strlen(s));
}

static void
ipc_expect(int ipc, const char *name)
{
	struct probe_run r;

	memset(&r, 0, sizeof(r));
	r.ctl_in = r.ctl_out = ipc;
	r.report = -1;
	assert_int_equal(probe_expect(&r, name), 0);
}

static void
expect_exit(pid_t pid, struct launcher_msg *ret)
{
	int ipc, report;

	assert_int_equal(next_msg(ret, &ipc, &report), 0);
	assert_int_equal(ret->type, LAUNCHER_MSG_EXIT);
	assert_int_equal(ret->seq, 0);
	assert_int_equal(ret->u.exit.pid, pid);
}

/* The descriptor numbers open in pid, as a bit set. */
static uint64_t
open_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	uint64_t set = 0;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return ~UINT64_C(0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		set |= fd < 64 ? UINT64_C(1) << fd : UINT64_C(1) << 63;
	}
	closedir(d);
	return set;
}

static int
same_file(pid_t pid, int child_fd, int our_fd)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, child_fd);
	return stat(path, &a) == 0 && fstat(our_fd, &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static void
test_launcher_holds_nothing(void **state)
{
	struct launcher_msg m;
	struct proc_priv pp;
	int ipc, report;
	uint32_t seq;

	/* One round trip: the launcher has set itself up before it
	 * answers anything. */
	assert_int_equal(launcher_kill(L, 1, SIGTERM, &seq), 0);
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.type, LAUNCHER_MSG_ERROR);
	assert_int_equal(proc_priv_read(launcher_pid(L), &pp), 0);
	assert_true(pp.cap_eff == 0 && pp.cap_prm == 0 && pp.cap_inh == 0);
	/* It must not set no_new_privs: helpers need their file caps. */
	assert_int_equal(pp.no_new_privs, 0);
	assert_int_equal(pp.seccomp, 0);
	/* Only stdin, stdout, stderr and its socket (at 3), plus the
	 * /dev/null and signalfd it opens itself (4, 5); not our stray. */
	assert_true(open_fds(launcher_pid(L)) == 0x3f);
}

static void
test_spawn_fds_env_args(void **state)
{
	char path[64], buf[1024], want[512];
	int p[2], ipc, report, n, fd, pos;
	struct launcher_msg m;
	const char *v;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = spawn_ok(LAUNCHER_KIND_HELPER, "osprey_cap_pcapfile", &p[1], 1,
	    &ipc, &report);
	ipc_send(ipc, "pcapfile none\n");
	ipc_expect(ipc, "start");
	/* Exactly 0-4 and the one descriptor we passed, at 5. */
	assert_true(open_fds(pid) == 0x3f);
	assert_true(same_file(pid, 5, p[1]));
	/* Its own name from the second directory, and the fixed args. */
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	fd = open(path, O_RDONLY);
	n = (int)read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, 41);
	assert_memory_equal(buf, "osprey_cap_pcapfile\0--in-fd=3\0"
	    "--out-fd=3\0", 41);
	/* The environment: the report descriptor, and the sanitizer
	 * options when the test has them; nothing else (no PATH, HOME). */
	pos = snprintf(want, sizeof(want), "%s=%d", SANDBOX_REPORT_ENV,
	    SANDBOX_REPORT_FD) + 1;
	if ((v = getenv("ASAN_OPTIONS")) != NULL)
		pos += snprintf(want + pos, sizeof(want) - pos,
		    "ASAN_OPTIONS=%s", v) + 1;
	if ((v = getenv("UBSAN_OPTIONS")) != NULL)
		pos += snprintf(want + pos, sizeof(want) - pos,
		    "UBSAN_OPTIONS=%s", v) + 1;
	if ((v = getenv("LSAN_OPTIONS")) != NULL)
		pos += snprintf(want + pos, sizeof(want) - pos,
		    "LSAN_OPTIONS=%s", v) + 1;
	snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
	fd = open(path, O_RDONLY);
	n = (int)read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, pos);
	assert_memory_equal(buf, want, pos);
	/* Let it finish: a clean exit is reported as such. */
	ipc_send(ipc, "go\n");
	ipc_expect(ipc, "opened");
	ipc_send(ipc, "go\n");
	ipc_expect(ipc, "locked");
	ipc_send(ipc, "go\n");
	expect_exit(pid, &m);
	assert_int_equal(m.u.exit.how, LAUNCHER_EXITED);
	assert_int_equal(m.u.exit.code, 0);
	assert_string_equal(launcher_describe_exit(&m, report, buf,
	    sizeof(buf)), "exited with status 0");
	close(ipc);
	close(report);
	close(p[0]);
	close(p[1]);
}

static void
test_sigsys_is_reported(void **state)
{
	struct launcher_msg m;
	int ipc, report;
	char buf[256];
	pid_t pid;

	pid = spawn_ok(LAUNCHER_KIND_HELPER, "osprey_cap_pcapfile", NULL, 0,
	    &ipc, &report);
	ipc_send(ipc, "pcapfile execve\n");
	ipc_send(ipc, "go\ngo\ngo\n");
	expect_exit(pid, &m);
	assert_int_equal(m.u.exit.how, LAUNCHER_KILLED);
	assert_int_equal(m.u.exit.code, SIGSYS);
	/* The core's log line names the call. */
	assert_string_equal(launcher_describe_exit(&m, report, buf,
	    sizeof(buf)),
	    "killed by SIGSYS: sandbox violation, system call execve (59)");
	close(ipc);
	close(report);
	/* The web worker too, with its own arguments. */
	pid = spawn_ok(LAUNCHER_KIND_WEB, "osprey_web", NULL, 0, &ipc,
	    &report);
	snprintf(line, sizeof(line), "web socket-netlink %s\n", workdir);
	ipc_send(ipc, line);
	ipc_send(ipc, "go\ngo\ngo\n");
	expect_exit(pid, &m);
	assert_int_equal(m.u.exit.code, SIGSYS);
	assert_string_equal(launcher_describe_exit(&m, report, buf,
	    sizeof(buf)),
	    "killed by SIGSYS: sandbox violation, system call socket (41)");
	close(ipc);
	close(report);
}

static void
test_refusals(void **state)
{
	/* Unknown names, and known names of the other kind. */
	assert_int_equal(spawn_error(LAUNCHER_KIND_HELPER, "osprey_cap_evil"),
	    EPERM);
	assert_int_equal(spawn_error(LAUNCHER_KIND_HELPER, "osprey_web"),
	    EPERM);
	assert_int_equal(spawn_error(LAUNCHER_KIND_WEB, "osprey_cap_pcapfile"),
	    EPERM);
	assert_int_equal(spawn_error(LAUNCHER_KIND_HELPER, "sh"), EPERM);
	/* dir1 has a non-executable osprey_cap_linux_wifi, no other. */
	assert_int_equal(spawn_error(LAUNCHER_KIND_HELPER,
	    "osprey_cap_linux_wifi"), EACCES);
	/* Path tricks do not even leave the core. */
	assert_int_equal(launcher_spawn(L, LAUNCHER_KIND_HELPER,
	    "../osprey_cap_pcapfile", NULL, 0, &(uint32_t){ 0 }), -EINVAL);
	assert_int_equal(launcher_spawn(L, LAUNCHER_KIND_HELPER, "/bin/sh",
	    NULL, 0, &(uint32_t){ 0 }), -EINVAL);
}

/* Bytes the typed API would never send: the launcher says so and goes
 * on serving. */
static void
test_garbage_from_core(void **state)
{
	static const uint8_t path_trick[] = { 1, LAUNCHER_MSG_SPAWN, 0, 0,
	    9, 0, 0, 0, LAUNCHER_KIND_HELPER, 0, 6, '.', '.', '/', 's', 'h',
	    0 };
	static const uint8_t reply_type[] = { 1, LAUNCHER_MSG_EXIT, 0, 0,
	    9, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 };
	struct launcher_msg m;
	int ipc, report, p[2];
	struct msghdr mh;
	struct iovec iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	pid_t pid;

	assert_int_equal(send(launcher_fd(L), "hello", 5, 0), 5);
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.type, LAUNCHER_MSG_ERROR);
	assert_int_equal(m.u.error.error, EBADMSG);
	assert_int_equal(send(launcher_fd(L), path_trick, sizeof(path_trick),
	    0), (ssize_t)sizeof(path_trick));
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.u.error.error, EBADMSG);
	assert_int_equal(send(launcher_fd(L), reply_type, sizeof(reply_type),
	    0), (ssize_t)sizeof(reply_type));
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.type, LAUNCHER_MSG_ERROR);
	assert_int_equal(m.u.error.error, EPROTO);
	/* A spawn with an unannounced descriptor: refused, and the
	 * descriptor is not kept by the launcher. */
	assert_int_equal(pipe(p), 0);
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = (void *)"\x01\x01\x00\x00\x09\x00\x00\x00\x01\x00\x0a"
	    "osprey_web";
	iov.iov_len = 21;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	cm.hdr.cmsg_level = SOL_SOCKET;
	cm.hdr.cmsg_type = SCM_RIGHTS;
	cm.hdr.cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(&cm.hdr), &p[0], sizeof(int));
	assert_int_equal(sendmsg(launcher_fd(L), &mh, 0), 21);
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.u.error.error, EBADMSG);
	close(p[0]);
	assert_true(open_fds(launcher_pid(L)) == 0x3f);
	/* Still serving. */
	pid = spawn_ok(LAUNCHER_KIND_HELPER, "osprey_cap_pcapfile", NULL, 0,
	    &ipc, &report);
	close(ipc);	/* the probe reads EOF and exits 4 */
	expect_exit(pid, &m);
	assert_int_equal(m.u.exit.how, LAUNCHER_EXITED);
	assert_int_equal(m.u.exit.code, 4);
	close(report);
	close(p[1]);
}

static void
test_kill_own_children_only(void **state)
{
	struct launcher_msg m;
	int ipc, report;
	uint32_t seq;
	char buf[128];
	pid_t pid;

	pid = spawn_ok(LAUNCHER_KIND_HELPER, "osprey_cap_pcapfile", NULL, 0,
	    &ipc, &report);
	ipc_send(ipc, "pcapfile none\n");
	ipc_expect(ipc, "start");
	assert_int_equal(launcher_kill(L, pid, SIGTERM, &seq), 0);
	assert_int_equal(next_msg(&m, &ipc, &report) == 0 ? 0 : -1, 0);
	assert_int_equal(m.type, LAUNCHER_MSG_KILLED);
	assert_int_equal(m.seq, seq);
	expect_exit(pid, &m);
	assert_int_equal(m.u.exit.how, LAUNCHER_KILLED);
	assert_int_equal(m.u.exit.code, SIGTERM);
	assert_string_equal(launcher_describe_exit(&m, -1, buf, sizeof(buf)),
	    "killed by signal 15 (Terminated)");
	/* Gone now, and never ours: our own pid, init. */
	assert_int_equal(launcher_kill(L, pid, SIGKILL, &seq), 0);
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.type, LAUNCHER_MSG_ERROR);
	assert_int_equal(m.u.error.error, ESRCH);
	assert_int_equal(launcher_kill(L, getpid(), SIGTERM, &seq), 0);
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.u.error.error, ESRCH);
	assert_int_equal(launcher_kill(L, 1, SIGKILL, &seq), 0);
	assert_int_equal(next_msg(&m, &ipc, &report), 0);
	assert_int_equal(m.u.error.error, ESRCH);
}

/* Closing the core's end ends the launcher and the children it has. */
static void
test_stop(void **state)
{
	int ipc, report;
	char c;

	(void)spawn_ok(LAUNCHER_KIND_HELPER, "osprey_cap_pcapfile", NULL, 0,
	    &ipc, &report);
	ipc_send(ipc, "pcapfile none\n");
	ipc_expect(ipc, "start");
	launcher_stop(L);
	L = NULL;
	/* The child got SIGTERM: its end of the IPC closes. */
	assert_int_equal(read(ipc, &c, 1), 0);
	close(ipc);
	close(report);
}

/* A child that ignores SIGTERM is SIGKILLed a second after the core goes. */
static void
test_stop_kills_stubborn_child(void **state)
{
	struct launcher *saved = L;
	const char *dirs[1] = { dir2 };
	struct pollfd pfd;
	int ipc, report;
	char c;

	pid_t pid;
	int r;

	assert_int_equal(launcher_start(dirs, 1, &L), 0);
	pid = spawn_ok(LAUNCHER_KIND_HELPER, "osprey_cap_pcapfile", NULL, 0,
	    &ipc, &report);
	ipc_send(ipc, "pcapfile ignore-term\n");
	ipc_expect(ipc, "start");
	launcher_stop(L);
	L = saved;
	/* We still hold its IPC socket: only its death closes the other
	 * end. */
	pfd.fd = ipc;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, 5000);
	if (r != 1)
		(void)kill(pid, SIGKILL);
	assert_int_equal(r, 1);
	assert_int_equal(read(ipc, &c, 1), 0);
	close(ipc);
	close(report);
}

/* Gone, or a zombie nobody reaps (PID 1 of a container may not). */
static int
gone(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	if (kill(pid, 0) != 0)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'Z';
}

/*
 * A core in a process group of its own (as a shell runs it) starts the
 * launcher and a helper, then its whole group is killed, as a terminal's
 * ^C or a kill -- -PGID would.  The launcher is in a session and group of
 * its own, so the signal does not reach it; it sees the core's socket
 * close and ends the helper.  Nothing outlives the core.
 */
static void
test_core_group_killed(void **state)
{
	const char *dirs[1] = { dir2 };
	struct pollfd pfd;
	pid_t core, pids[2], sid, pgid;
	ssize_t n;
	int pp[2], i;

	assert_int_equal(pipe(pp), 0);
	if ((core = fork()) == 0) {
		struct launcher_msg m;
		struct launcher *l;
		int ipc = -1, report = -1;
		uint32_t seq;

		close(pp[0]);
		(void)setpgid(0, 0);
		if (launcher_start(dirs, 1, &l) != 0 ||
		    launcher_spawn(l, LAUNCHER_KIND_HELPER,
		    "osprey_cap_pcapfile", NULL, 0, &seq) != 0)
			_exit(1);
		pfd.fd = launcher_fd(l);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 20000) != 1 ||
		    launcher_recv(l, &m, &ipc, &report) != 0 ||
		    m.type != LAUNCHER_MSG_SPAWNED)
			_exit(1);
		pids[0] = launcher_pid(l);
		pids[1] = m.u.spawned.pid;
		if (write(ipc, "pcapfile none\n", 14) != 14 ||
		    write(pp[1], pids, sizeof(pids)) != sizeof(pids))
			_exit(1);
		for (;;)
			pause();
	}
	assert_true(core > 0);
	close(pp[1]);
	pfd.fd = pp[0];
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 20000), 1);
	n = read(pp[0], pids, sizeof(pids));
	close(pp[0]);
	sid = getsid(pids[0]);
	pgid = getpgid(pids[0]);
	/* Kill before asserting: a failure must not leave the core. */
	assert_int_equal(kill(-core, SIGKILL), 0);
	assert_int_equal(waitpid(core, NULL, 0), core);
	assert_int_equal(n, sizeof(pids));
	/* Its own session and group, not the core's (which was core). */
	assert_int_equal(sid, pids[0]);
	assert_int_equal(pgid, pids[0]);
	for (i = 0; i < 100 && !(gone(pids[0]) && gone(pids[1])); i++)
		usleep(50000);
	if (!gone(pids[0]))
		(void)kill(pids[0], SIGKILL);
	if (!gone(pids[1]))
		(void)kill(pids[1], SIGKILL);
	assert_true(i < 100);
}

static int
setup(void **state)
{
	const char *dirs[2];
	char path[PATH_MAX];

	if (mkdtemp(topdir) == NULL)
		return -1;
	snprintf(dir1, sizeof(dir1), "%s/first", topdir);
	snprintf(dir2, sizeof(dir2), "%s/second", topdir);
	snprintf(workdir, sizeof(workdir), "%s/work", topdir);
	if (mkdir(dir1, 0755) != 0 || mkdir(dir2, 0755) != 0 ||
	    mkdir(workdir, 0755) != 0)
		return -1;
	/* first: a helper that is not executable, a web "binary" that is
	 * a directory; second: the real programs (the probe). */
	snprintf(path, sizeof(path), "%s/osprey_cap_linux_wifi", dir1);
	if (copy_file(probe_path, path, 0644) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/osprey_web", dir1);
	if (mkdir(path, 0755) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/osprey_cap_pcapfile", dir2);
	if (copy_file(probe_path, path, 0755) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/osprey_web", dir2);
	if (copy_file(probe_path, path, 0755) != 0)
		return -1;
	/* A descriptor the core has open without close-on-exec: neither
	 * the launcher nor its children may inherit it. */
	if ((stray_fd = open("/dev/null", O_RDONLY)) < 0)
		return -1;
	dirs[0] = dir1;
	dirs[1] = dir2;
	return launcher_start(dirs, 2, &L) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	launcher_stop(L);
	close(stray_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", topdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigsys_is_reported),	/* first */
		cmocka_unit_test(test_launcher_holds_nothing),
		cmocka_unit_test(test_spawn_fds_env_args),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_garbage_from_core),
		cmocka_unit_test(test_kill_own_children_only),
		cmocka_unit_test(test_stop_kills_stubborn_child),
		cmocka_unit_test(test_core_group_killed),
		cmocka_unit_test(test_stop),			/* last */
	};
	struct CMUnitTest *t = tests;
	size_t n = sizeof(tests) / sizeof(tests[0]);

	if (argc < 2) {
		fprintf(stderr, "usage: test_launcher PROBE\n");
		return 1;
	}
	probe_path = argv[1];
	/* Without a sandbox nothing dies of SIGSYS. */
	if (strcmp(sandbox_kind(), "seccomp") != 0) {
		t++;
		n--;
	}
	return _cmocka_run_group_tests("test_launcher", t, n, setup,
	    teardown);
}
