/* SPDX-License-Identifier: ISC */
/* \summary: test support: start, step and inspect the probe */

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "sandbox.h"

static void
parse_ids(const char *s, unsigned long v[4])
{
	(void)sscanf(s, "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]);
}

int
proc_priv_read(pid_t pid, struct proc_priv *ret)
{
	char path[64], line[256];
	unsigned long ids[4];
	FILE *fp;
	int i;

	memset(ret, 0, sizeof(*ret));
	ret->no_new_privs = ret->seccomp = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "CapEff:", 7) == 0)
			ret->cap_eff = strtoull(line + 7, NULL, 16);
		else if (strncmp(line, "CapPrm:", 7) == 0)
			ret->cap_prm = strtoull(line + 7, NULL, 16);
		else if (strncmp(line, "CapBnd:", 7) == 0)
			ret->cap_bnd = strtoull(line + 7, NULL, 16);
		else if (strncmp(line, "CapInh:", 7) == 0)
			ret->cap_inh = strtoull(line + 7, NULL, 16);
		else if (strncmp(line, "CapAmb:", 7) == 0)
			ret->cap_amb = strtoull(line + 7, NULL, 16);
		else if (strncmp(line, "NoNewPrivs:", 11) == 0)
			ret->no_new_privs = atoi(line + 11);
		else if (strncmp(line, "Seccomp:", 8) == 0)
			ret->seccomp = atoi(line + 8);
		else if (strncmp(line, "Uid:", 4) == 0) {
			parse_ids(line + 4, ids);
			for (i = 0; i < 4; i++)
				ret->uid[i] = (uid_t)ids[i];
		} else if (strncmp(line, "Gid:", 4) == 0) {
			parse_ids(line + 4, ids);
			for (i = 0; i < 4; i++)
				ret->gid[i] = (gid_t)ids[i];
		}
	}
	fclose(fp);
	return 0;
}

int
probe_start(const char *path, char *const argv[], uid_t uid, gid_t gid,
    struct probe_run *ret)
{
	char env_report[64];
	char *envp[8];
	int to[2], from[2], rep[2], n = 0;
	const char *v;
	pid_t pid;

	if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0 ||
	    pipe2(rep, O_CLOEXEC) != 0)
		return -1;
	snprintf(env_report, sizeof(env_report), "%s=%d", SANDBOX_REPORT_ENV,
	    SANDBOX_REPORT_FD);
	envp[n++] = env_report;
	if ((v = getenv("ASAN_OPTIONS")) != NULL)
		(void)asprintf(&envp[n++], "ASAN_OPTIONS=%s", v);
	if ((v = getenv("UBSAN_OPTIONS")) != NULL)
		(void)asprintf(&envp[n++], "UBSAN_OPTIONS=%s", v);
	envp[n] = NULL;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (dup2(to[0], 0) < 0 || dup2(from[1], 1) < 0 ||
		    dup2(rep[1], SANDBOX_REPORT_FD) < 0)
			_exit(126);
		if (uid != (uid_t)-1 && (setgroups(0, NULL) != 0 ||
		    setresgid(gid, gid, gid) != 0 ||
		    setresuid(uid, uid, uid) != 0))
			_exit(126);
		execve(path, argv, envp);
		_exit(127);
	}
	while (n > 1)
		free(envp[--n]);
	close(to[0]);
	close(from[1]);
	close(rep[1]);
	ret->pid = pid;
	ret->ctl_in = from[0];
	ret->ctl_out = to[1];
	ret->report = rep[0];
	return 0;
}

int
probe_expect(struct probe_run *r, const char *name)
{
	char line[128];
	struct pollfd pfd;
	size_t n = 0, len = strlen(name);

	pfd.fd = r->ctl_in;
	pfd.events = POLLIN;
	while (n < sizeof(line) - 1) {
		/* A probe that hangs fails the test, it does not stall it. */
		if (poll(&pfd, 1, 20000) != 1 || read(r->ctl_in, line + n,
		    1) != 1)
			break;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	memcpy(r->line, line, sizeof(r->line));
	if (strncmp(line, name, len) == 0 && line[len] == ' ')
		return 0;
	fprintf(stderr, "# probe %ld: expected %s, got \"%s\"\n",
	    (long)r->pid, name, line);
	return -1;
}

int
probe_go(struct probe_run *r)
{
	return write(r->ctl_out, "go\n", 3) == 3 ? 0 : -1;
}

int
probe_wait(struct probe_run *r, int *ret_status)
{
	int i, status;
	pid_t p;

	close(r->ctl_out);
	close(r->ctl_in);
	for (i = 0; i < 2000; i++) {
		if ((p = waitpid(r->pid, &status, WNOHANG)) == r->pid) {
			*ret_status = status;
			return 0;
		}
		if (p < 0)
			return -1;
		usleep(10000);
	}
	kill(r->pid, SIGKILL);
	(void)waitpid(r->pid, &status, 0);
	fprintf(stderr, "# probe %ld did not end\n", (long)r->pid);
	return -1;
}

int
copy_file(const char *src, const char *dst, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in, out, rc = 0;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (n < 0 || fchmod(out, mode) != 0)
		rc = -1;
	close(in);
	if (close(out) != 0)
		rc = -1;
	return rc;
}

int
run_tool(char *const argv[])
{
	int status;
	pid_t pid;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
