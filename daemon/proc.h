/* SPDX-License-Identifier: ISC */
/*
 * \summary: helper processes through the launcher: find, spawn, kill, end
 *
 * The core never executes anything itself: the privsep launcher
 * (privsep/launcher.h), forked at start before the core locks down, runs
 * each helper with its end of a new socketpair as fd 3 (--in-fd=3
 * --out-fd=3), its sandbox report pipe as fd 4, stdin on /dev/null and
 * nothing else, and tells the core when a child ends.  This module
 * wraps that conversation for the event loop: a spawn request is
 * answered later through a callback with the child's pid and the core's
 * end of its socket; kills go through the launcher, which only signals
 * its own running children (no pid reuse); exits are reported to whoever
 * watches the pid, with the launcher's description ("killed by signal 9
 * (Killed)", "killed by SIGSYS: sandbox violation, system call ...").
 *
 * Without a launcher attached, spawns fail with -ENOSYS (tests of parts
 * that never start a helper).
 */
#ifndef DAEMON_PROC_H
#define DAEMON_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_PATH_MAX		4096
#define PROC_HOW_MAX		160	/* an exit description */

struct event_base;
struct launcher;
struct proc;

/* A process table on base; attach a launcher before spawning. */
struct proc	*proc_new(struct event_base *);

/*
 * Take ownership of l (stopped by proc_free) and start reading its
 * messages in the event loop.  The launcher going away is fatal: no
 * helper could be started again.
 */
void		 proc_attach_launcher(struct proc *, struct launcher *l);

/* Stop the launcher (its children get SIGTERM) and free; NULL no-op. */
void		 proc_free(struct proc *);

/*
 * Find the helper binary osprey_cap_<name>: first in each folder of the
 * colon-separated search path (OSPREY_HELPER_PATH; NULL or "" for none),
 * then in fallback (helper_binary_path, also colon-separated).  Writes
 * the path to ret (retlen bytes) and returns 0, or -ENOENT.  Uses stat
 * only, so it works inside the core's sandbox.
 */
int		 proc_find_helper(const char *name, const char *search,
		    const char *fallback, char *ret, size_t retlen);
/* The same for any program file name (the web worker: "osprey_web"). */
int		 proc_find_program(const char *file, const char *search,
		    const char *fallback, char *ret, size_t retlen);

/*
 * Split the same two colon-separated lists into at most max folders
 * (pointers into buf, a copy of buflen bytes), in search order, for
 * launcher_start().  Returns the count.
 */
size_t		 proc_helper_dirs(const char *search, const char *fallback,
		    char *buf, size_t buflen, const char **dirs, size_t max);

/*
 * Ask the launcher for helper osprey_cap_<name>.  done(err, pid, fd, arg)
 * runs later from the event loop: err 0 with the child's pid and the
 * core's end of its socket (the callee owns fd), or a negative errno
 * (-ENOENT not installed, -EACCES not executable...).  Returns 0 with a
 * request id in *ret_req (above 0), or a negative errno when the request
 * could not be sent (then done is never called).
 */
int		 proc_spawn(struct proc *, const char *name,
		    void (*done)(int, pid_t, int, void *), void *arg,
		    uint32_t *ret_req);

/*
 * The same for the web worker, osprey_web (the launcher runs it as
 * "osprey_web --ipc-fd=3"); done gets the core's end of its bridge.
 */
int		 proc_spawn_web(struct proc *,
		    void (*done)(int, pid_t, int, void *), void *arg,
		    uint32_t *ret_req);

/*
 * The same for another helper program the launcher knows by its full
 * name (osprey_gps, run as "osprey_gps --ipc-fd=3"); -EINVAL for a name
 * that does not start with "osprey_".
 */
int		 proc_spawn_program(struct proc *, const char *program,
		    void (*done)(int, pid_t, int, void *), void *arg,
		    uint32_t *ret_req);

/*
 * Forget a spawn request whose requester went away: if the child
 * starts, it is sent SIGTERM and its socket closed.
 */
void		 proc_cancel(struct proc *, uint32_t req);

/* Send SIGTERM or SIGKILL to a helper (through the launcher). */
void		 proc_kill(struct proc *, pid_t pid, int sig);

/*
 * Call cb(pid, how, arg) once when pid has ended, how describing the
 * end.  Call it from the spawn callback: a child that ends at once may
 * have its end read with its start.  proc_unwatch forgets it (its end
 * then goes unreported).
 */
void		 proc_watch(struct proc *, pid_t pid,
		    void (*cb)(pid_t, const char *, void *), void *arg);
void		 proc_unwatch(struct proc *, pid_t pid);

/* Children started and not yet ended. */
size_t		 proc_running(const struct proc *);

/*
 * Read and handle what the launcher has sent, waiting up to ms for the
 * children still running to end (0: do not wait).  For shutdown, outside
 * the event loop.  Returns the children still running.
 */
size_t		 proc_drain(struct proc *, unsigned ms);

#endif
