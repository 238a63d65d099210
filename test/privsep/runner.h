/* SPDX-License-Identifier: ISC */
/*
 * \summary: test support: start the probe, step it through its
 * checkpoints and read /proc/PID/status at each
 */
#ifndef TEST_PRIVSEP_RUNNER_H
#define TEST_PRIVSEP_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What /proc/PID/status says about privilege. */
struct proc_priv {
	uint64_t	cap_eff, cap_prm, cap_bnd, cap_inh, cap_amb;
	int		no_new_privs;
	int		seccomp;
	uid_t		uid[4];	/* real, effective, saved, fs */
	gid_t		gid[4];
};

/* Read /proc/pid/status.  Returns 0 or -1. */
int	 proc_priv_read(pid_t pid, struct proc_priv *ret);

/* A running probe and the descriptors that drive it. */
struct probe_run {
	pid_t	pid;
	int	ctl_in;		/* we read checkpoint lines here */
	int	ctl_out;	/* and write "go" here */
	int	report;		/* its sandbox report pipe */
	char	line[128];	/* the last checkpoint line */
};

/*
 * fork+exec path with argv, stdin/stdout on pipes, the report pipe at
 * fd 4 named in the environment, running as uid/gid unless uid is -1.
 * Returns 0 or -1.
 */
int	 probe_start(const char *path, char *const argv[], uid_t uid,
	    gid_t gid, struct probe_run *ret);

/*
 * Wait for checkpoint name ("start", "opened", "locked"): read its line
 * and check the name.  Returns 0, or -1 when the probe said something
 * else or ended (the line read goes to stderr).
 */
int	 probe_expect(struct probe_run *r, const char *name);

/* Let the probe go on past its checkpoint.  Returns 0 or -1. */
int	 probe_go(struct probe_run *r);

/* Reap the probe (bounded wait: kills it after 20 s) and close the
 * control descriptors; *ret_status as waitpid gives it. Returns 0/-1. */
int	 probe_wait(struct probe_run *r, int *ret_status);

/* Copy file src to dst with mode.  Returns 0 or -1. */
int	 copy_file(const char *src, const char *dst, mode_t mode);

/* Run argv (a tool: setcap, useradd) and wait.  Returns its exit
 * status, or -1 when it could not run. */
int	 run_tool(char *const argv[]);

#endif
