/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for finding, spawning and reaping helpers */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "proc.h"

static char dir[] = "/tmp/test_proc_XXXXXX";

static void
script(const char *name, const char *body)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	fclose(fp);
	assert_int_equal(chmod(path, 0755), 0);
}

static int
setup(void **state)
{
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_find_helper(void **state)
{
	char path[PROC_PATH_MAX], search[256];

	script("osprey_cap_pcapfile", "exit 0");
	snprintf(search, sizeof(search), "/nonexistent::%s", dir);
	assert_int_equal(proc_find_helper("pcapfile", search, NULL, path,
	    sizeof(path)), 0);
	assert_non_null(strstr(path, "/osprey_cap_pcapfile"));
	/* The fallback is used when the search path has nothing. */
	assert_int_equal(proc_find_helper("pcapfile", "/nonexistent", dir,
	    path, sizeof(path)), 0);
	assert_int_equal(proc_find_helper("linux_wifi", search, dir, path,
	    sizeof(path)), -ENOENT);
	assert_int_equal(proc_find_helper("pcapfile", NULL, NULL, path,
	    sizeof(path)), -ENOENT);
}

struct ended {
	pid_t	pid;
	int	status, calls;
};

static void
ended_cb(pid_t pid, int status, void *arg)
{
	struct ended *e = arg;

	e->pid = pid;
	e->status = status;
	e->calls++;
}

static void
test_spawn_args_socket_and_reap(void **state)
{
	struct event_base *base = event_base_new();
	struct proc_reaper *r = proc_reaper_new(base);
	const char *extra[] = { "--flag", NULL };
	struct ended e = { 0 };
	char body[512], buf[256], how[64];
	ssize_t n;
	pid_t pid;
	int fd, i;

	/* It echoes its arguments and session id down fd 3, then exits 3. */
	snprintf(body, sizeof(body),
	    "echo \"$* $(cut -d' ' -f6 /proc/$$/stat)\" >&3; exit 3");
	script("echoer", body);
	snprintf(buf, sizeof(buf), "%s/echoer", dir);
	assert_int_equal(proc_spawn(buf, extra, &pid, &fd), 0);
	proc_watch(r, pid, ended_cb, &e);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "--in-fd=3 --out-fd=3 --flag "));
	/* In a session of its own, led by itself. */
	assert_int_equal(atoi(strrchr(buf, ' ') + 1), pid);
	for (i = 0; i < 200 && e.calls == 0; i++) {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(5000);
	}
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.pid, pid);
	assert_true(WIFEXITED(e.status) && WEXITSTATUS(e.status) == 3);
	proc_status_str(e.status, how, sizeof(how));
	assert_string_equal(how, "exited 3");
	close(fd);
	proc_reaper_free(r);
	event_base_free(base);
}

static void
test_exec_failure_is_reported_at_once(void **state)
{
	char path[128];
	pid_t pid = 0;
	int fd = -1;

	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	assert_int_equal(proc_spawn(path, NULL, &pid, &fd), -ENOENT);
	assert_int_equal(pid, 0);
	assert_int_equal(fd, -1);
	script("notexec", "exit 0");
	snprintf(path, sizeof(path), "%s/notexec", dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(proc_spawn(path, NULL, &pid, &fd), -EACCES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_helper),
		cmocka_unit_test(test_spawn_args_socket_and_reap),
		cmocka_unit_test(test_exec_failure_is_reported_at_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
