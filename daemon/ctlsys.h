/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's answers to the web's newer system queries and
 * state commands (views, phys, packet statistics, source types and
 * defaults, alerts, GPS, device names and tags)
 *
 * control.c receives the bridge messages and sends the replies; this
 * module only packs what they say, from the modules the core already
 * runs.  The alert engine and the GPS layer plug in here: alerts through
 * daemon/alerts/alerts.h, GPS through the three ctlsys_pack_gps_* functions,
 * which answer "no GPS" until there is one.
 */
#ifndef DAEMON_CTLSYS_H
#define DAEMON_CTLSYS_H

#include <stddef.h>

#include <msgpack.h>

struct bridge_cmd;
struct bridge_system_req;
struct control_deps;
struct datasource_iface;

/*
 * Pack the answer to a SYSTEM_REQ that this module serves.  Returns 0,
 * or -ENOENT for a `what` it does not serve (control.c's own).
 */
int	ctlsys_pack(const struct control_deps *,
	    const struct bridge_system_req *, msgpack_packer *);

/*
 * Run a CMD and pack its answer (the device's user fields, the alert
 * definition or the alert).  Returns 0, or a negative errno with the
 * reason in reason (-ENOENT no such device or alert, -EINVAL a bad
 * value, -EEXIST already defined, -EDQUOT over the rate limit, -EIO the
 * names file could not be written, -ENOSYS no tracker).
 */
int	ctlsys_cmd(const struct control_deps *, const struct bridge_cmd *,
	    msgpack_packer *, char *reason, size_t reasonlen);

/* Pack a finished interface listing (/datasource/list_interfaces.json). */
void	ctlsys_pack_interfaces(const struct control_deps *,
	    const struct datasource_iface *, size_t n, msgpack_packer *);

#endif
