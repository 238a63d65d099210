/* SPDX-License-Identifier: ISC */
/*
 * \summary: capabilities and identity as a real unprivileged user: file
 * capabilities and setuid-root helpers keep exactly what they should at
 * each phase, the launcher does not strip them, privdrop has no way back
 *
 * Needs root (useradd, setcap, chown): skipped (77) otherwise.  Creates
 * the system user osprey-test if missing.  argv[1] is the probe.
 */

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
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

#include <linux/capability.h>

#include "caps.h"
#include "launcher.h"
#include "privdrop.h"
#include "runner.h"
#include "sandbox.h"

#define TEST_USER	"osprey-test"
#define NET_ADMIN	(UINT64_C(1) << CAP_NET_ADMIN)
#define NET_RAW		(UINT64_C(1) << CAP_NET_RAW)

static const char *probe_path;
static char dir[] = "/tmp/osprey-privileged-XXXXXX";
static char path_plain[160], path_fcaps[160], path_suid[160], launchdir[160];
static char workdir[160];	/* the test user's, for the probes' files */
static uid_t test_uid;
static gid_t test_gid;
static uint64_t our_bnd;
static bool seccomp_build;

/* What /proc/PID/status must say at one checkpoint. */
struct want {
	uint64_t	eff;		/* also the permitted set */
	uint64_t	bnd;
	int		nnp;
	int		seccomp;
};

static int
check_status(pid_t pid, const char *where, const struct want *w)
{
	struct proc_priv pp;
	int i, bad = 0;

	if (proc_priv_read(pid, &pp) != 0)
		return -1;
	for (i = 0; i < 4; i++)
		if (pp.uid[i] != test_uid || pp.gid[i] != test_gid)
			bad = 1;
	if (pp.cap_eff != w->eff || pp.cap_prm != w->eff ||
	    pp.cap_inh != 0 || pp.cap_amb != 0 || pp.cap_bnd != w->bnd ||
	    /* -Dsandbox=none sets neither. */
	    (seccomp_build && (pp.no_new_privs != w->nnp ||
	    pp.seccomp != w->seccomp)))
		bad = 1;
	if (bad)
		fprintf(stderr, "# %s: uid %u/%u/%u eff %#llx prm %#llx "
		    "bnd %#llx inh %#llx amb %#llx nnp %d seccomp %d; want "
		    "uid %u eff=prm %#llx bnd %#llx nnp %d seccomp %d\n",
		    where, pp.uid[0], pp.uid[1], pp.uid[2],
		    (unsigned long long)pp.cap_eff,
		    (unsigned long long)pp.cap_prm,
		    (unsigned long long)pp.cap_bnd,
		    (unsigned long long)pp.cap_inh,
		    (unsigned long long)pp.cap_amb, pp.no_new_privs,
		    pp.seccomp, test_uid, (unsigned long long)w->eff,
		    (unsigned long long)w->bnd, w->nnp, w->seccomp);
	return bad ? -1 : 0;
}

/*
 * Run a probe as the test user through its three checkpoints, checking
 * the status at each, and whether it could open its packet socket.
 */
static void
run_as_user(const char *path, const char *role, const struct want *start,
    const struct want *locked, int packet)
{
	char *argv[] = { "probe", (char *)role, "none", workdir, NULL };
	char note[16];
	struct probe_run r;
	int status;

	assert_int_equal(probe_start(path, argv, test_uid, test_gid, &r), 0);
	assert_int_equal(probe_expect(&r, "start"), 0);
	assert_int_equal(check_status(r.pid, "start", start), 0);
	assert_int_equal(probe_go(&r), 0);
	assert_int_equal(probe_expect(&r, "opened"), 0);
	if (packet >= 0) {
		snprintf(note, sizeof(note), "packet=%d", packet);
		assert_non_null(strstr(r.line, note));
	}
	assert_int_equal(check_status(r.pid, "opened", start), 0);
	assert_int_equal(probe_go(&r), 0);
	assert_int_equal(probe_expect(&r, "locked"), 0);
	assert_int_equal(check_status(r.pid, "locked", locked), 0);
	assert_int_equal(probe_go(&r), 0);
	assert_int_equal(probe_wait(&r, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(r.report);
}

/*
 * cap_net_admin,cap_net_raw+ep: both until the capture socket is open,
 * then CAP_NET_ADMIN alone.  Without CAP_SETPCAP the bounding set cannot
 * be cleared; no_new_privs and the execve ban make it moot.
 */
static void
test_file_caps_helper(void **state)
{
	struct want start = { NET_ADMIN | NET_RAW, our_bnd, 0, 0 };
	struct want locked = { NET_ADMIN, our_bnd, 1, 2 };

	run_as_user(path_fcaps, "wifi", &start, &locked, 1);
}

/* The same program without file capabilities: nothing, and no packet
 * socket (the check above can fail). */
static void
test_plain_helper(void **state)
{
	struct want start = { 0, our_bnd, 0, 0 };
	struct want locked = { 0, our_bnd, 1, 2 };

	run_as_user(path_plain, "wifi", &start, &locked, 0);
}

/* Installed setuid root: the invoking user at once, both capabilities,
 * bounding set cleared; then CAP_NET_ADMIN alone. */
static void
test_setuid_helper(void **state)
{
	struct want start = { NET_ADMIN | NET_RAW, 0, 0, 0 };
	struct want locked = { NET_ADMIN, 0, 1, 2 };

	run_as_user(path_suid, "wifi", &start, &locked, 1);
}

/* The file helper, the core and the web worker hold nothing. */
static void
test_unprivileged_roles(void **state)
{
	static const char *roles[] = { "pcapfile", "core", "web" };
	struct want start = { 0, our_bnd, 0, 0 };
	struct want locked = { 0, our_bnd, 1, 2 };
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		run_as_user(path_plain, roles[i], &start, &locked, -1);
}

/* In a child: each check that fails exits with its line number. */
#define CHECK(x)	do { if (!(x)) _exit(__LINE__ & 0xff ? \
			    __LINE__ & 0xff : 1); } while (0)

static int
wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) != 0)
		fprintf(stderr, "# child failed at a check (line %% 256 = "
		    "%d)\n", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

static void
test_privdrop(void **state)
{
	uid_t r, e, s;
	gid_t groups[4];
	uint64_t eff, prm, bnd;
	pid_t pid;

	if ((pid = fork()) == 0) {
		CHECK(privdrop_check_root(false) == -EPERM);
		CHECK(privdrop_check_root(true) == 0);
		CHECK(privdrop_user("osprey-no-such-user") == -ENOENT);
		CHECK(privdrop_user(TEST_USER) == 0);
		CHECK(getresuid(&r, &e, &s) == 0 && r == test_uid &&
		    e == test_uid && s == test_uid);
		CHECK(getgroups(4, groups) == 0 ||
		    (getgroups(4, groups) == 1 && groups[0] == test_gid));
		CHECK(caps_get(&eff, &prm, &bnd) == 0 && eff == 0 &&
		    prm == 0);
		/* No way back. */
		CHECK(setuid(0) == -1 && setresuid(0, 0, 0) == -1);
		CHECK(privdrop_user("root") == -EPERM);
		CHECK(privdrop_user(TEST_USER) == 0);	/* already */
		CHECK(privdrop_check_root(false) == 0);
		_exit(0);
	}
	assert_int_equal(wait_child(pid), 0);
}

/*
 * The launcher, run by the unprivileged core, starts a helper that gets
 * its file capabilities: the launcher never sets no_new_privs.
 */
static void
test_launcher_keeps_file_caps(void **state)
{
	struct want start = { NET_ADMIN | NET_RAW, our_bnd, 0, 0 };
	struct want locked = { NET_ADMIN, our_bnd, 1, 2 };
	const char *dirs[] = { launchdir };
	struct launcher_msg m;
	struct probe_run r;
	struct launcher *l;
	struct pollfd pfd;
	int ipc, report;
	uint32_t seq;
	pid_t pid;

	if ((pid = fork()) == 0) {
		CHECK(privdrop_user(TEST_USER) == 0);
		CHECK(launcher_start(dirs, 1, &l) == 0);
		CHECK(launcher_spawn(l, LAUNCHER_KIND_HELPER,
		    "osprey_cap_linux_wifi", NULL, 0, &seq) == 0);
		pfd.fd = launcher_fd(l);
		pfd.events = POLLIN;
		CHECK(poll(&pfd, 1, 20000) == 1);
		CHECK(launcher_recv(l, &m, &ipc, &report) == 0);
		CHECK(m.type == LAUNCHER_MSG_SPAWNED && m.seq == seq);
		r.pid = m.u.spawned.pid;
		r.ctl_in = r.ctl_out = ipc;
		CHECK(write(ipc, "wifi none\n", 10) == 10);
		CHECK(probe_expect(&r, "start") == 0);
		CHECK(check_status(r.pid, "launched start", &start) == 0);
		CHECK(probe_go(&r) == 0 && probe_expect(&r, "opened") == 0);
		CHECK(strstr(r.line, "packet=1") != NULL);
		CHECK(probe_go(&r) == 0 && probe_expect(&r, "locked") == 0);
		CHECK(check_status(r.pid, "launched locked", &locked) == 0);
		CHECK(probe_go(&r) == 0);
		CHECK(poll(&pfd, 1, 20000) == 1);
		CHECK(launcher_recv(l, &m, &ipc, &report) == 0);
		CHECK(m.type == LAUNCHER_MSG_EXIT &&
		    m.u.exit.how == LAUNCHER_EXITED && m.u.exit.code == 0);
		launcher_stop(l);
		_exit(0);
	}
	assert_int_equal(wait_child(pid), 0);
}

static int
prepare(void)
{
	char *useradd[] = { "useradd", "--system", "--no-create-home",
	    "--shell", "/usr/sbin/nologin", TEST_USER, NULL };
	char *setcap[] = { "setcap", "cap_net_admin,cap_net_raw+ep",
	    path_fcaps, NULL };
	char *setcap_l[] = { "setcap", "cap_net_admin,cap_net_raw+ep",
	    launchdir, NULL };
	char target[200];
	struct passwd *pw;
	uint64_t eff, prm;

	/* The real-processes test may create the user at the same time. */
	if (getpwnam(TEST_USER) == NULL && run_tool(useradd) != 0)
		fprintf(stderr, "# useradd %s failed\n", TEST_USER);
	if ((pw = getpwnam(TEST_USER)) == NULL)
		return -1;
	test_uid = pw->pw_uid;
	test_gid = pw->pw_gid;
	if (caps_get(&eff, &prm, &our_bnd) != 0)
		return -1;
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0)
		return -1;
	snprintf(path_plain, sizeof(path_plain), "%s/plain", dir);
	snprintf(path_fcaps, sizeof(path_fcaps), "%s/fcaps", dir);
	snprintf(path_suid, sizeof(path_suid), "%s/suid", dir);
	snprintf(launchdir, sizeof(launchdir), "%s/helpers", dir);
	snprintf(workdir, sizeof(workdir), "%s/work", dir);
	if (mkdir(workdir, 0755) != 0 || chown(workdir, test_uid, test_gid))
		return -1;
	if (copy_file(probe_path, path_plain, 0755) != 0 ||
	    copy_file(probe_path, path_fcaps, 0755) != 0 ||
	    copy_file(probe_path, path_suid, 0755) != 0 ||
	    chown(path_suid, 0, 0) != 0 || chmod(path_suid, 04755) != 0 ||
	    mkdir(launchdir, 0755) != 0)
		return -1;
	snprintf(target, sizeof(target), "%s/osprey_cap_linux_wifi",
	    launchdir);
	if (copy_file(probe_path, target, 0755) != 0)
		return -1;
	setcap_l[2] = target;
	if (run_tool(setcap) != 0 || run_tool(setcap_l) != 0) {
		fprintf(stderr, "# setcap failed\n");
		return -1;
	}
	return 0;
}

static int
cleanup(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_caps_helper),
		cmocka_unit_test(test_plain_helper),
		cmocka_unit_test(test_setuid_helper),
		cmocka_unit_test(test_unprivileged_roles),
		cmocka_unit_test(test_privdrop),
		cmocka_unit_test(test_launcher_keeps_file_caps),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: test_privileged PROBE\n");
		return 1;
	}
	probe_path = argv[1];
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (useradd, setcap, setuid)\n");
		fprintf(stderr, "test_privileged: skipped: needs root\n");
		return 77;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0) {
		printf("1..0 # SKIP no_new_privs is set above the tests: "
		    "file capabilities cannot work here\n");
		return 77;
	}
	seccomp_build = strcmp(sandbox_kind(), "seccomp") == 0;
	if (prepare() != 0) {
		cleanup(NULL);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
