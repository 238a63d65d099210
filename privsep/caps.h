/* SPDX-License-Identifier: ISC */
/*
 * \summary: keep exactly a given set of capabilities (libcap-ng)
 *
 * Capture helpers get CAP_NET_ADMIN and CAP_NET_RAW from their file
 * capabilities (or from being setuid root), use them to open the radio,
 * and then keep only what they still need; every other osprey process
 * holds none (doc/privsep.md, "Capabilities").
 */
#ifndef PRIVSEP_CAPS_H
#define PRIVSEP_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Keep exactly the capabilities caps[0..n) (CAP_* numbers) in the
 * effective and permitted sets, with nothing inheritable or ambient, and
 * verify that the kernel agrees.  The bounding set is cleared when the
 * process may do so (it holds CAP_SETPCAP: root or setuid root); a
 * process given file capabilities without CAP_SETPCAP keeps the bounding
 * set it inherited, which matters little once no_new_privs is set and
 * execve is filtered (caps_bounding_empty() tells which happened).
 * Returns 0, -EINVAL for a number that is not a capability, -EPERM when
 * asked to keep a capability the process does not hold or when the kernel
 * left the sets different from the request, or -errno.
 */
int	 caps_keep(const int *caps, size_t n);

/*
 * caps_keep() with flags: CAPS_KEEP_BOUNDING leaves the bounding set as
 * it is.  The launcher needs that: the bounding set is inherited across
 * exec and caps the file capabilities its helpers receive.
 */
#define CAPS_KEEP_BOUNDING	0x1
int	 caps_keep_flags(const int *caps, size_t n, int flags);

/* Drop every capability and clear the bounding set: caps_keep() of none. */
int	 caps_clear(void);

/* Whether the bounding set is empty. */
bool	 caps_bounding_empty(void);

/*
 * The effective, permitted and bounding sets as bit masks (bit N is
 * capability N), as /proc/PID/status shows them.  Returns 0 or -errno.
 */
int	 caps_get(uint64_t *ret_eff, uint64_t *ret_prm, uint64_t *ret_bnd);

#endif
