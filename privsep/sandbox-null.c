/* SPDX-License-Identifier: ISC */
/*
 * \summary: no sandbox (-Dsandbox=none), for platforms without seccomp
 *
 * Every call succeeds and nothing is filtered.  sandbox_announce() makes
 * sure nobody runs such a build without knowing it.
 */

#include <sys/prctl.h>

#include <errno.h>
#include <stdio.h>

#include "log.h"
#include "sandbox.h"

int
sandbox_enter(enum sandbox_role role, enum sandbox_phase phase)
{
	/* The launcher's check holds whatever the sandbox: helpers need
	 * their file capabilities. */
	if (role == SANDBOX_LAUNCHER)
		return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0 ? -EPERM :
		    0;
	log_debug("sandbox: %s not locked (built with -Dsandbox=none)",
	    sandbox_role_name(role));
	return 0;
}

void
sandbox_announce(void)
{
	log_warnx("sandbox: THIS BUILD HAS NO SANDBOX (-Dsandbox=none): "
	    "no system call filter will confine this process");
}

const char *
sandbox_kind(void)
{
	return "none";
}

const char *
sandbox_syscall_name(const struct sandbox_violation *v, char *buf,
    size_t len)
{
	snprintf(buf, len, "%d", v->syscall);
	return buf;
}
