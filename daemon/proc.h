/* SPDX-License-Identifier: ISC */
/*
 * \summary: helper processes: find, fork+exec with one socketpair, reap
 *
 * A local capture helper runs as its own process with one end of a
 * socketpair as fd 3 (--in-fd=3 --out-fd=3) and stdin on /dev/null; every
 * other descriptor the core holds is closed before exec.  The exec itself
 * is in one function, proc_spawn(), so that it can move into the
 * privilege-separated launcher (privsep/) without touching the callers.
 *
 * Children are reaped through a libevent SIGCHLD handler; whoever spawned
 * a child may ask to hear how it ended.
 */
#ifndef DAEMON_PROC_H
#define DAEMON_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROC_HELPER_FD		3
#define PROC_PATH_MAX		4096

struct event_base;
struct proc_reaper;

/*
 * Install a SIGCHLD handler on base that reaps every child; one per
 * process.  Free with proc_reaper_free(), which forgets what is watched.
 */
struct proc_reaper *proc_reaper_new(struct event_base *);
void	proc_reaper_free(struct proc_reaper *);

/*
 * Find the helper binary osprey_cap_<name>: first in each folder of the
 * colon-separated search path (OSPREY_HELPER_PATH; NULL or "" for none),
 * then in fallback (helper_binary_path, also colon-separated).  Writes
 * the path to ret (retlen bytes) and returns 0, or -ENOENT.
 */
int	proc_find_helper(const char *name, const char *search,
	    const char *fallback, char *ret, size_t retlen);

/*
 * Fork and exec path as a helper: argv is { path, "--in-fd=3",
 * "--out-fd=3", extra..., NULL }, the child's end of a new socketpair on
 * fd 3, stdin /dev/null, stdout and stderr kept, signals reset, in a
 * session of its own (terminal signals are for the core).  Returns
 * 0 with *ret_pid and *ret_fd (the core's end, close-on-exec) set, or
 * -errno when the socketpair, the fork or the exec failed (an exec
 * failure is seen here through a close-on-exec pipe, so a missing or
 * non-executable helper is reported at once and not as a dead child).
 */
int	proc_spawn(const char *path, const char *const *extra, pid_t *ret_pid,
	    int *ret_fd);

/*
 * Call cb(pid, status, arg) once when pid has been reaped (status as
 * waitpid gives it).
 */
void	proc_watch(struct proc_reaper *, pid_t pid,
	    void (*cb)(pid_t, int, void *), void *arg);
/* Forget the watch on pid (the child is still reaped, silently). */
void	proc_unwatch(struct proc_reaper *, pid_t pid);

/* Reap now (what the SIGCHLD handler does); returns children reaped. */
int	proc_reap(struct proc_reaper *);

/* Describe a wait status: "exited 1", "killed by signal 9". */
void	proc_status_str(int status, char *buf, size_t len);

#endif
