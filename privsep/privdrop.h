/* SPDX-License-Identifier: ISC */
/*
 * \summary: identity: refuse root, drop to a user, setuid-root helpers
 *
 * The core and the web worker never run as root by accident: they refuse
 * unless --allow-root, or drop to --user.  A capture helper installed
 * setuid root becomes the user who ran it at once, keeping only the
 * capabilities it names (doc/privsep.md, "Identity").
 */
#ifndef PRIVSEP_PRIVDROP_H
#define PRIVSEP_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Returns 0 when the process may go on as it is: it is not root (no uid
 * of it is 0), or allow_root says so.  -EPERM otherwise; main() then
 * stops with "refusing to run as root (use --user or --allow-root)".
 */
int	 privdrop_check_root(bool allow_root);

/*
 * Become user name for good: supplementary groups cleared, then the
 * group (real, effective, saved), then the user, then verify with
 * getresuid/getresgid/getgroups that every id changed, that no
 * capability is left and that setuid(0) fails.  Must be called as root
 * (a process already running as that user gets 0 and no change).
 * Returns 0, -ENOENT for an unknown user, -EPERM when not root or when
 * the verification fails (the caller must then stop), or -errno.
 */
int	 privdrop_user(const char *name);

/* privdrop_user() by ids; gid also becomes the only group. */
int	 privdrop_ids(uid_t uid, gid_t gid);

/*
 * For a capture helper installed setuid root: switch to the real (the
 * invoking) user and group at once, clearing supplementary groups and
 * the bounding set, keeping exactly caps keep[0..n) in the effective and
 * permitted sets (PR_SET_KEEPCAPS through capng_change_id), and verify.
 * A helper that is not setuid (its effective uid is its real uid: file
 * capabilities, or run by root) is left as it is and gets 0.
 * Returns 0, -EPERM when the switch or its verification fails, or -errno.
 */
int	 privdrop_setuid_helper(const int *keep, size_t n);

#endif
