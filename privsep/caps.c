/* SPDX-License-Identifier: ISC */
/* \summary: keep exactly a given set of capabilities (libcap-ng) */

#include <sys/prctl.h>

#include <cap-ng.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "log.h"

/* A capability the running kernel knows (PR_CAPBSET_READ says EINVAL
 * past cap_last_cap). */
static bool
caps_valid(int cap)
{
	return cap >= 0 && cap < 64 &&
	    prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0;
}

int
caps_get(uint64_t *ret_eff, uint64_t *ret_prm, uint64_t *ret_bnd)
{
	uint64_t eff = 0, prm = 0, bnd = 0;
	int cap, rc;

	if (capng_get_caps_process() != 0)
		return errno != 0 ? -errno : -EPERM;
	for (cap = 0; cap < 64; cap++) {
		/* Straight from the kernel for the bounding set: past the
		 * last capability the kernel answers EINVAL. */
		if ((rc = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) < 0)
			break;
		if (rc == 1)
			bnd |= UINT64_C(1) << cap;
		if (capng_have_capability(CAPNG_EFFECTIVE, (unsigned int)cap))
			eff |= UINT64_C(1) << cap;
		if (capng_have_capability(CAPNG_PERMITTED, (unsigned int)cap))
			prm |= UINT64_C(1) << cap;
	}
	*ret_eff = eff;
	*ret_prm = prm;
	*ret_bnd = bnd;
	return 0;
}

bool
caps_bounding_empty(void)
{
	uint64_t eff, prm, bnd;

	return caps_get(&eff, &prm, &bnd) == 0 && bnd == 0;
}

int
caps_keep(const int *caps, size_t n)
{
	return caps_keep_flags(caps, n, 0);
}

int
caps_keep_flags(const int *caps, size_t n, int flags)
{
	capng_select_t sel;
	uint64_t want = 0, eff, prm, bnd;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (!caps_valid(caps[i]))
			return -EINVAL;
		want |= UINT64_C(1) << caps[i];
	}
	if ((rc = caps_get(&eff, &prm, &bnd)) < 0)
		return rc;
	/* Keeping means keeping: nothing can be gained here. */
	if ((want & prm) != want)
		return -EPERM;

	/* With CAPS_KEEP_BOUNDING only the capability sets are applied. */
	sel = (flags & CAPS_KEEP_BOUNDING) ? CAPNG_SELECT_CAPS :
	    CAPNG_SELECT_BOTH;
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < n; i++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    (unsigned int)caps[i]) != 0)
			return -EINVAL;
	/*
	 * Bounding set first, while CAP_SETPCAP may still be held, then the
	 * capability sets.  libcap-ng skips the bounding set when the
	 * process lacks CAP_SETPCAP (file capabilities without it).
	 */
	if ((rc = capng_apply(sel)) != 0) {
		log_debug("caps: capng_apply: %d", rc);
		return -EPERM;
	}
	if ((rc = caps_get(&eff, &prm, &bnd)) < 0)
		return rc;
	if (eff != want || prm != want) {
		log_debug("caps: kept eff %#llx prm %#llx, wanted %#llx",
		    (unsigned long long)eff, (unsigned long long)prm,
		    (unsigned long long)want);
		return -EPERM;
	}
	log_debug("caps: kept %#llx, bounding %#llx",
	    (unsigned long long)want, (unsigned long long)bnd);
	return 0;
}

int
caps_clear(void)
{
	return caps_keep(NULL, 0);
}
