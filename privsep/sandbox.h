/* SPDX-License-Identifier: ISC */
/*
 * \summary: per-role, per-phase system call sandbox (opaque interface)
 *
 * A process calls sandbox_enter() once, when it has acquired everything it
 * will ever open: from then on the kernel allows only that role's list of
 * system calls (doc/privsep.md).  meson builds this interface from
 * sandbox-seccomp.c (libseccomp) or sandbox-null.c (-Dsandbox=none); no
 * caller sees which, and no seccomp type leaves privsep/.
 *
 * A forbidden call ends the process with SIGSYS.  Before it dies, the
 * process writes a small record naming the call to its sandbox report
 * pipe, which the launcher gave it at fd 4 and named in the environment
 * variable OSPREY_SANDBOX_REPORT_FD; the supervisor reads it with
 * sandbox_report_read() and logs the call by name.
 */
#ifndef PRIVSEP_SANDBOX_H
#define PRIVSEP_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

enum sandbox_role {
	SANDBOX_CORE,			/* osprey */
	SANDBOX_WEB,			/* osprey_web */
	SANDBOX_LAUNCHER,		/* the core's exec helper */
	SANDBOX_HELPER_PCAPFILE,	/* osprey_cap_pcapfile */
	SANDBOX_HELPER_LINUX_WIFI,	/* osprey_cap_linux_wifi */
	SANDBOX_KISMETDB,		/* the core's kismetdb writer */
	SANDBOX_HELPER_GPS,		/* osprey_gps: gpsd or a receiver */
};

enum sandbox_phase {
	SANDBOX_AFTER_START,		/* core: config read, ports bound */
	SANDBOX_AFTER_BIND,		/* web: listener bound */
	SANDBOX_AFTER_OPEN,		/* helper: source open, fd 3 IPC */
	SANDBOX_AFTER_OPEN_REMOTE,	/* helper: source open, --connect */
	SANDBOX_FORKED,			/* launcher, kismetdb writer: forked */
};

/* The environment variable and descriptor of the sandbox report pipe. */
#define SANDBOX_REPORT_ENV	"OSPREY_SANDBOX_REPORT_FD"
#define SANDBOX_REPORT_FD	4

/* What a process killed by its sandbox says about the call. */
struct sandbox_violation {
	int		syscall;	/* number on arch */
	uint32_t	arch;		/* AUDIT_ARCH_* of the call */
};

/*
 * Lock the calling process into the allowlist of (role, phase): set
 * no_new_privs, install the SIGSYS reporter and load the filter.  Every
 * thread of the process is covered.  The launcher's phase loads nothing
 * (it must exec helpers with file capabilities, which no_new_privs would
 * strip) and only checks that no_new_privs is still clear.
 * Returns 0, -EINVAL for a (role, phase) pair that has no list, -EPERM when
 * the launcher finds no_new_privs already set (its helpers would lose
 * their capabilities), or another negative errno when the kernel refuses
 * the filter.  In a -Dsandbox=none build it returns 0 and does nothing.
 */
int	 sandbox_enter(enum sandbox_role role, enum sandbox_phase phase);

/*
 * Log once, at start, which sandbox this build has.  A -Dsandbox=none
 * build says loudly that the process runs without a system call filter;
 * this is the one privsep function that logs above debug, because saying
 * so is its whole job.  Call it from main() after log_init().
 */
void	 sandbox_announce(void);

/* "seccomp" or "none". */
const char *sandbox_kind(void);

/* A role's name for log lines ("core", "helper_pcapfile", ...). */
const char *sandbox_role_name(enum sandbox_role role);

/*
 * Read a violation record from the read end of a child's report pipe
 * (non-blocking; call it after the child has died).  Returns 0 and fills
 * *ret, -EAGAIN when the child wrote nothing (it died some other way, or
 * was not sandboxed), -EBADMSG when what it wrote is not one well-formed
 * record.  The record is untrusted: it comes from the dying child.
 */
int	 sandbox_report_read(int fd, struct sandbox_violation *ret);

/*
 * Decode one violation record from buf (the bytes sandbox_report_read()
 * read).  Returns 0 and fills *ret, or -EBADMSG.
 */
int	 sandbox_report_decode(const uint8_t *buf, size_t len,
	    struct sandbox_violation *ret);

/*
 * Name system call nr of arch ("execve") into buf, or its number when the
 * build cannot resolve names or the number is unknown.  Returns buf.
 */
const char *sandbox_syscall_name(const struct sandbox_violation *v,
	    char *buf, size_t len);

#endif
