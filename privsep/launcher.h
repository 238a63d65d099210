/* SPDX-License-Identifier: ISC */
/*
 * \summary: the launcher: the one osprey process that executes programs
 *
 * The core forks the launcher at start, after dropping its identity and
 * before locking itself down; from then on the core asks it, over a
 * SOCK_SEQPACKET socketpair (launcher_msg.h), to start a capture helper or
 * the web worker.  The launcher executes only the names of its fixed list,
 * found in the configured directories, with a clean environment and
 * exactly these descriptors:
 *
 *   0  /dev/null
 *   1  the launcher's stdout       2  the launcher's stderr
 *   3  the child's end of a new socketpair (the core gets the other end)
 *   4  the write end of the child's sandbox report pipe
 *   5.. the descriptors the core attached to the request, in order
 *
 * Helpers run as "NAME --in-fd=3 --out-fd=3", the web worker as
 * "osprey_web --ipc-fd=3".  The launcher reports each child's end (exit
 * status or signal) to the core, which reads the report pipe of one that
 * died by SIGSYS to log the forbidden call (doc/privsep.md).
 */
#ifndef PRIVSEP_LAUNCHER_H
#define PRIVSEP_LAUNCHER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "launcher_msg.h"

#define LAUNCHER_MAX_DIRS	8
#define LAUNCHER_MAX_CHILDREN	64

struct launcher;

/*
 * Fork the launcher.  dirs[0..ndirs) are the directories to look for
 * programs in, in order (OSPREY_HELPER_PATH's, then helper_binary_path);
 * they are copied.  The launcher runs in a session and process group of
 * its own (a terminal's ^C or a kill of the core's group does not reach
 * it) and ends its children when the core's socket closes, however the
 * core ended.  It keeps only stdin, stdout, stderr and its socket, drops every capability it has but leaves the bounding set (its
 * children's file capabilities pass through it), and never sets
 * no_new_privs.  Call it after privdrop and before caps_clear() and
 * sandbox_enter() in the core.  Returns 0 and a handle in *ret (the
 * caller frees it with launcher_stop()), -EINVAL for a bad directory
 * list, or -errno.
 */
int	 launcher_start(const char *const *dirs, size_t ndirs,
	    struct launcher **ret);

/* The socket to watch for readability (events from launcher_recv()). */
int	 launcher_fd(const struct launcher *l);

/* The launcher's pid. */
pid_t	 launcher_pid(const struct launcher *l);

/*
 * Ask for a child: kind and a name from the fixed list
 * (osprey_cap_linux_wifi, osprey_cap_pcapfile for LAUNCHER_KIND_HELPER;
 * osprey_web for LAUNCHER_KIND_WEB), with fds[0..nfds) (at most
 * LAUNCHER_MAX_FDS, still the caller's) to appear at 5.. in the child.
 * The answer arrives through launcher_recv() with the same seq: SPAWNED
 * or ERROR.  Returns 0 and the seq in *ret_seq, or -errno.
 */
int	 launcher_spawn(struct launcher *l, enum launcher_kind kind,
	    const char *name, const int *fds, unsigned int nfds,
	    uint32_t *ret_seq);

/*
 * Ask the launcher to send SIGTERM or SIGKILL to one of its children
 * (only a child still running: no pid can be reused under us).  The
 * answer is KILLED or ERROR (ESRCH) with the same seq.
 * Returns 0 and the seq in *ret_seq, or -errno.
 */
int	 launcher_kill(struct launcher *l, pid_t pid, int sig,
	    uint32_t *ret_seq);

/*
 * Receive the next message from the launcher: SPAWNED (then *ret_ipc_fd
 * and *ret_report_fd are the caller's descriptors), ERROR, KILLED, or an
 * unsolicited EXIT (seq 0).  Both descriptors are -1 for other types.
 * Returns 0, -EAGAIN when nothing is waiting on a non-blocking socket,
 * -ECONNRESET when the launcher is gone, -EPROTO when it sent a request
 * type, or a decoder error.
 */
int	 launcher_recv(struct launcher *l, struct launcher_msg *ret,
	    int *ret_ipc_fd, int *ret_report_fd);

/*
 * Describe an EXIT message for the one log line the core writes:
 * "exited with status 1", "killed by signal 15 (Terminated)",
 * "killed by SIGSYS: sandbox violation, system call execve (59)".
 * report_fd is the child's report pipe (or -1); it is read only for
 * SIGSYS.  Returns buf.
 */
const char *launcher_describe_exit(const struct launcher_msg *ev,
	    int report_fd, char *buf, size_t len);

/*
 * Close the launcher's socket, which makes it send SIGTERM to the
 * children it still has (SIGKILL to those left after a second) and exit;
 * reap it and free l.  NULL is a no-op.
 */
void	 launcher_stop(struct launcher *l);

#endif
