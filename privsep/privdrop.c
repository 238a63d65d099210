/* SPDX-License-Identifier: ISC */
/* \summary: identity: refuse root, drop to a user, setuid-root helpers */

#include <sys/types.h>

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "privdrop.h"

int
privdrop_check_root(bool allow_root)
{
	uid_t r, e, s;

	if (getresuid(&r, &e, &s) != 0)
		return -errno;
	if ((r == 0 || e == 0 || s == 0) && !allow_root)
		return -EPERM;
	return 0;
}

/* Every uid and gid is the one asked for and no supplementary group
 * other than gid is left. */
static int
privdrop_verify_ids(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[2];
	int n;

	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		return -EPERM;
	if ((n = getgroups(2, groups)) < 0)
		return -errno;
	if (n > 1 || (n == 1 && groups[0] != gid))
		return -EPERM;
	return 0;
}

int
privdrop_ids(uid_t uid, gid_t gid)
{
	uint64_t eff, prm, bnd;
	int rc;

	if (privdrop_verify_ids(uid, gid) == 0 && uid != 0)
		return 0;		/* already that user, nothing held */
	if (geteuid() != 0)
		return -EPERM;
	/* Groups while we still may, then the gid, the uid last. */
	if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		return -errno;
	if ((rc = privdrop_verify_ids(uid, gid)) < 0)
		return rc;
	if (uid != 0) {
		/* No way back: the kernel cleared the capabilities when
		 * every uid left 0 (no PR_SET_KEEPCAPS here). */
		if (setuid(0) == 0 || seteuid(0) == 0)
			return -EPERM;
		if ((rc = caps_get(&eff, &prm, &bnd)) < 0)
			return rc;
		if (eff != 0 || prm != 0)
			return -EPERM;
	}
	log_debug("privdrop: now uid %lu gid %lu", (unsigned long)uid,
	    (unsigned long)gid);
	return 0;
}

int
privdrop_user(const char *name)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(name)) == NULL)
		return errno != 0 ? -errno : -ENOENT;
	return privdrop_ids(pw->pw_uid, pw->pw_gid);
}

int
privdrop_setuid_helper(const int *keep, size_t n)
{
	uint64_t want = 0, eff, prm, bnd;
	uid_t uid = getuid();
	gid_t gid = getgid();
	size_t i;
	int rc;

	if (geteuid() == uid)
		return 0;		/* not setuid: file caps, or root */
	if (geteuid() != 0)
		return -EPERM;	/* setuid to someone else: refuse */
	if (capng_get_caps_process() != 0)
		return -EPERM;
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < n; i++) {
		if (keep[i] < 0 || keep[i] > 63 ||
		    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    (unsigned int)keep[i]) != 0)
			return -EINVAL;
		want |= UINT64_C(1) << keep[i];
	}
	/*
	 * capng_change_id keeps capabilities across the uid change
	 * (PR_SET_KEEPCAPS), clears the bounding set while it still holds
	 * CAP_SETPCAP, sets the gid, clears supplementary groups, sets the
	 * uid and applies the set prepared above.
	 */
	rc = capng_change_id((int)uid, (int)gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
	if (rc != 0) {
		log_debug("privdrop: capng_change_id: %d", rc);
		return -EPERM;
	}
	if ((rc = privdrop_verify_ids(uid, gid)) < 0)
		return rc;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return -EPERM;
	if ((rc = caps_get(&eff, &prm, &bnd)) < 0)
		return rc;
	if (eff != want || prm != want || bnd != 0)
		return -EPERM;
	log_debug("privdrop: setuid helper now uid %lu, caps %#llx",
	    (unsigned long)uid, (unsigned long long)want);
	return 0;
}
