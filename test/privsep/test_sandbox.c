/* SPDX-License-Identifier: ISC */
/*
 * \summary: each role, locked down, keeps its allowed calls working and
 * dies by SIGSYS on every forbidden one, naming it in its report
 *
 * argv[1] is the probe.  Runs as whoever runs the tests; the capability
 * checks as an unprivileged user are in test_privileged.c.
 */

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
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

#include "runner.h"
#include "sandbox.h"

static const char *probe_path;
static char workdir[] = "/tmp/osprey-sandbox-XXXXXX";

/* What an action must lead to. */
#define SURVIVES	(-1)	/* the filter allows it: exit 3 */
#define NO_REPORT	(-2)	/* killed by the kernel, no record */

struct expect {
	const char	*action;
	long		 nr;	/* syscall reported, or the above */
};

/* Forbidden to every role. */
static const struct expect forbidden_all[] = {
	{ "execve", SYS_execve },
	{ "socket-netlink", SYS_socket },
	{ "socket-inet6", SYS_socket },
	{ "listen", SYS_listen },
	{ "ptrace-attach", SYS_ptrace },
	{ "ptrace-traceme", SYS_ptrace },
	{ "sigaction", SYS_rt_sigaction },
	{ "kill", SYS_kill },
	{ "fork", SYS_clone },
	{ "mprotect-exec", SYS_mprotect },
#if defined(__x86_64__)
	{ "x32", NO_REPORT },
	{ "int80", NO_REPORT },
#endif
	{ NULL, 0 },
};

/* Files: the core only creates, the web worker only reads, helpers
 * open nothing. */
static const struct expect files_core[] = {
	{ "open-read", SYS_openat },
	{ "open-write", SURVIVES },
	{ NULL, 0 },
};
static const struct expect files_web[] = {
	{ "open-read", SURVIVES },
	{ "open-write", SYS_openat },
	{ NULL, 0 },
};
static const struct expect files_helper[] = {
	{ "open-read", SYS_openat },
	{ "open-write", SYS_openat },
	{ NULL, 0 },
};
/* --connect helpers may dial TCP, nothing else. */
static const struct expect remote[] = {
	{ "execve", SYS_execve },
	{ "open-read", SYS_openat },
	{ "socket-netlink", SYS_socket },
	{ "socket-udp", SYS_socket },
	{ "listen", SYS_listen },
	{ "ptrace-attach", SYS_ptrace },
	{ "fork", SYS_clone },
	{ NULL, 0 },
};

#if defined(__x86_64__)
/*
 * Whether this kernel has an i386 entry at all.  Without one (no IA32
 * emulation, or ia32_emulation=0) int 0x80 ends a 64-bit process by
 * SIGSEGV before seccomp sees it, with or without a filter: the "int80"
 * case then proves nothing and is skipped, with the reason.
 */
static int
has_ia32_entry(void)
{
	static int known = -1;
	pid_t pid;
	int status;

	if (known != -1)
		return known;
	if ((pid = fork()) == -1)
		return known = 1;	/* cannot tell: keep the case */
	if (pid == 0) {
		long r = 20;	/* i386 getpid */

		/* cmocka catches SIGSEGV to report a crash: the child must
		 * die of it instead. */
		signal(SIGSEGV, SIG_DFL);
		__asm__ volatile ("int $0x80" : "+a"(r) : : "memory");
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return known = 1;
	known = !(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	if (!known)
		fprintf(stderr, "# skip int80: this kernel has no i386 "
		    "syscall entry (int 0x80 is SIGSEGV with no filter)\n");
	return known;
}
#endif

/* Run role through its checkpoints; at "locked" check the status. */
static int
run_one(const char *role, const char *action, int *ret_status,
    struct sandbox_violation *ret_v, int *ret_report)
{
	char *argv[] = { "probe", (char *)role, (char *)action, workdir,
	    NULL };
	struct proc_priv pp;
	struct probe_run r;
	int rc = 0;

	if (probe_start(probe_path, argv, (uid_t)-1, (gid_t)-1, &r) != 0)
		return -1;
	if (probe_expect(&r, "start") != 0 || probe_go(&r) != 0 ||
	    probe_expect(&r, "opened") != 0 || probe_go(&r) != 0 ||
	    probe_expect(&r, "locked") != 0)
		rc = -1;
	else if (proc_priv_read(r.pid, &pp) != 0 || pp.no_new_privs != 1 ||
	    pp.seccomp != 2) {
		fprintf(stderr, "# %s: NoNewPrivs %d Seccomp %d\n", role,
		    pp.no_new_privs, pp.seccomp);
		rc = -1;
	} else if (probe_go(&r) != 0)
		rc = -1;
	if (probe_wait(&r, ret_status) != 0)
		rc = -1;
	*ret_report = sandbox_report_read(r.report, ret_v);
	close(r.report);
	return rc;
}

static void
check_role(const char *role, const struct expect *const *lists)
{
	const struct expect *e;
	struct sandbox_violation v;
	int status, rep, failed = 0;

	assert_int_equal(run_one(role, "none", &status, &v, &rep), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(rep, -EAGAIN);

	for (; *lists != NULL; lists++)
		for (e = *lists; e->action != NULL; e++) {
#if defined(__x86_64__)
			if (strcmp(e->action, "int80") == 0 &&
			    !has_ia32_entry())
				continue;
#endif
			if (run_one(role, e->action, &status, &v, &rep) != 0) {
				failed++;
				continue;
			}
			if (e->nr == SURVIVES) {
				if (!WIFEXITED(status) ||
				    WEXITSTATUS(status) != 3) {
					fprintf(stderr, "# %s %s: status %#x, "
					    "should have survived\n", role,
					    e->action, status);
					failed++;
				}
				continue;
			}
			if (!WIFSIGNALED(status) ||
			    WTERMSIG(status) != SIGSYS) {
				fprintf(stderr, "# %s %s: status %#x, not "
				    "SIGSYS\n", role, e->action, status);
				failed++;
			} else if (e->nr == NO_REPORT ? rep != -EAGAIN :
			    rep != 0 || v.syscall != e->nr) {
				fprintf(stderr, "# %s %s: report %d call %d, "
				    "want %ld\n", role, e->action, rep,
				    rep == 0 ? v.syscall : -1, e->nr);
				failed++;
			}
		}
	assert_int_equal(failed, 0);
}

static void
test_core(void **state)
{
	const struct expect *lists[] = { forbidden_all, files_core, NULL };

	check_role("core", lists);
}

static void
test_web(void **state)
{
	const struct expect *lists[] = { forbidden_all, files_web, NULL };

	check_role("web", lists);
}

static void
test_pcapfile(void **state)
{
	const struct expect *lists[] = { forbidden_all, files_helper, NULL };

	check_role("pcapfile", lists);
}

static void
test_linux_wifi(void **state)
{
	const struct expect *lists[] = { forbidden_all, files_helper, NULL };

	check_role("wifi", lists);
}

static void
test_remote_helpers(void **state)
{
	static const struct expect inet6[] = {
		{ "socket-inet6", SURVIVES },
		{ NULL, 0 },
	};
	const struct expect *lists[] = { remote, inet6, NULL };

	check_role("pcapfile-remote", lists);
	check_role("wifi-remote", lists);
}

/*
 * The kismetdb writer: files of any kind (SQLite opens its log, WAL and a
 * read connection for exports), and still none of the rest.
 */
static void
test_kismetdb(void **state)
{
	static const struct expect files_kismetdb[] = {
		{ "open-read", SURVIVES },
		{ "open-write", SURVIVES },
		{ "socket-udp", SYS_socket },
		{ NULL, 0 },
	};
	const struct expect *lists[] = { forbidden_all, files_kismetdb,
	    NULL };

	check_role("kismetdb", lists);
}

/* A pair that has no list is refused, and nothing is loaded. */
static void
test_bad_pairs(void **state)
{
	assert_int_equal(sandbox_enter(SANDBOX_CORE, SANDBOX_AFTER_OPEN),
	    -EINVAL);
	assert_int_equal(sandbox_enter(SANDBOX_HELPER_PCAPFILE,
	    SANDBOX_AFTER_START), -EINVAL);
	assert_int_equal(sandbox_enter((enum sandbox_role)99,
	    SANDBOX_AFTER_START), -EINVAL);
	/* The launcher's phase loads nothing and keeps no_new_privs off. */
	assert_int_equal(sandbox_enter(SANDBOX_LAUNCHER, SANDBOX_FORKED), 0);
	assert_int_equal(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
}

static int
cleanup(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", workdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core),
		cmocka_unit_test(test_web),
		cmocka_unit_test(test_pcapfile),
		cmocka_unit_test(test_linux_wifi),
		cmocka_unit_test(test_remote_helpers),
		cmocka_unit_test(test_kismetdb),
		cmocka_unit_test(test_bad_pairs),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: test_sandbox PROBE\n");
		return 1;
	}
	if (strcmp(sandbox_kind(), "seccomp") != 0) {
		printf("1..0 # SKIP built with -Dsandbox=none\n");
		fprintf(stderr, "test_sandbox: skipped: -Dsandbox=none\n");
		return 77;
	}
	probe_path = argv[1];
	if (mkdtemp(workdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
