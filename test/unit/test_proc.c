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

#include "launcher.h"
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
	/* Any program by its file name: the web worker's way. */
	script("osprey_web", "exit 0");
	assert_int_equal(proc_find_program("osprey_web", "/nonexistent", dir,
	    path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/osprey_web"));
	assert_int_equal(proc_find_program("osprey_web", search, NULL, path,
	    sizeof(path)), 0);
	/* Not executable: not found. */
	snprintf(search, sizeof(search), "%s/osprey_cap_pcapfile", dir);
	assert_int_equal(chmod(search, 0644), 0);
	assert_int_equal(proc_find_helper("pcapfile", dir, NULL, path,
	    sizeof(path)), -ENOENT);
}

struct ended {
	pid_t	pid;
	char	how[PROC_HOW_MAX];
	int	calls;
};

static void
ended_cb(pid_t pid, const char *how, void *arg)
{
	struct ended *e = arg;

	e->pid = pid;
	snprintf(e->how, sizeof(e->how), "%s", how);
	e->calls++;
}

struct started {
	int		 err, calls, fd;
	pid_t		 pid;
	struct proc	*p;		/* watch it at once, if set */
	struct ended	*e;
};

static void
started_cb(int err, pid_t pid, int fd, void *arg)
{
	struct started *s = arg;

	s->err = err;
	s->pid = pid;
	s->fd = fd;
	s->calls++;
	/* Here, not later: its end may be in the same read as its start. */
	if (err == 0 && s->p != NULL)
		proc_watch(s->p, pid, ended_cb, s->e);
}

static struct proc *
new_proc(struct event_base *base)
{
	const char *dirs[1] = { dir };
	struct launcher *l;
	struct proc *p;

	assert_int_equal(launcher_start(dirs, 1, &l), 0);
	p = proc_new(base);
	proc_attach_launcher(p, l);
	return p;
}

static void
loop_until(struct event_base *base, const int *flag)
{
	int i;

	for (i = 0; i < 2000 && *flag == 0; i++) {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(5000);
	}
}

static void
test_spawn_through_the_launcher(void **state)
{
	struct event_base *base = event_base_new();
	struct proc *p;
	struct started st = { 0 };
	struct ended e = { 0 };
	char buf[256];
	uint32_t req;
	ssize_t n;

	/* It echoes its arguments and open descriptors on fd 3, exits 3. */
	script("osprey_cap_pcapfile",
	    "echo \"$* $(ls /proc/$$/fd | sort -n | tr '\\n' ' ')\" >&3; "
	    "exit 3");
	p = new_proc(base);
	st.p = p;
	st.e = &e;
	assert_int_equal(proc_spawn(p, "pcapfile", started_cb, &st, &req), 0);
	assert_true(req > 0);
	loop_until(base, &st.calls);
	assert_int_equal(st.err, 0);
	assert_true(st.pid > 0);
	n = read(st.fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "--in-fd=3 --out-fd=3 "));
	loop_until(base, &e.calls);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.pid, st.pid);
	assert_string_equal(e.how, "exited with status 3");
	assert_int_equal(proc_running(p), 0);
	close(st.fd);
	proc_free(p);
	event_base_free(base);
}

static void
test_kill_cancel_and_missing(void **state)
{
	struct event_base *base = event_base_new();
	struct started st = { 0 }, st2 = { 0 }, miss = { 0 };
	struct ended e = { 0 };
	struct proc *p;
	uint32_t req;
	int i;

	script("osprey_cap_pcapfile", "exec sleep 30");
	p = new_proc(base);
	st.p = p;
	st.e = &e;
	assert_int_equal(proc_spawn(p, "pcapfile", started_cb, &st, &req), 0);
	loop_until(base, &st.calls);
	assert_int_equal(st.err, 0);
	proc_kill(p, st.pid, SIGKILL);
	loop_until(base, &e.calls);
	assert_non_null(strstr(e.how, "killed by signal 9"));
	close(st.fd);
	/* A cancelled request: its child is stopped, nobody is called. */
	assert_int_equal(proc_spawn(p, "pcapfile", started_cb, &st2, &req),
	    0);
	proc_cancel(p, req);
	for (i = 0; i < 40; i++) {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(5000);
	}
	assert_int_equal(st2.calls, 0);
	assert_int_equal(proc_drain(p, 2000), 0);
	/* Not installed: an error through the callback. */
	assert_int_equal(proc_spawn(p, "linux_wifi", started_cb, &miss, &req),
	    0);
	loop_until(base, &miss.calls);
	assert_int_equal(miss.err, -ENOENT);
	proc_free(p);
	/* Without a launcher, nothing can start. */
	p = proc_new(base);
	assert_int_equal(proc_spawn(p, "pcapfile", started_cb, &miss, &req),
	    -ENOSYS);
	proc_free(p);
	event_base_free(base);
}

static void
test_helper_dirs(void **state)
{
	const char *dirs[4];
	char buf[64];

	assert_int_equal(proc_helper_dirs("/a::/b", "/c:/d", buf, sizeof(buf),
	    dirs, 3), 3);
	assert_string_equal(dirs[0], "/a");
	assert_string_equal(dirs[1], "/b");
	assert_string_equal(dirs[2], "/c");
	assert_int_equal(proc_helper_dirs(NULL, NULL, buf, sizeof(buf), dirs,
	    3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_helper),
		cmocka_unit_test(test_spawn_through_the_launcher),
		cmocka_unit_test(test_kill_cancel_and_missing),
		cmocka_unit_test(test_helper_dirs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
