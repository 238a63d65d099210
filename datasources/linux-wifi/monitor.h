/* SPDX-License-Identifier: ISC */
/*
 * \summary: a monitor-mode interface: find or make it, tune it, undo it
 *
 * Opening a source puts the system into the state capture needs and
 * remembers each change so that closing puts it back (doc/linux-wifi.md):
 *
 *	- an interface already in monitor mode is used as it is;
 *	- otherwise a monitor vif is made on the same phy, named vif=, or
 *	  "<if>mon", or "osmonN" when "<if>mon" would pass the kernel's
 *	  15-character limit; an existing monitor interface of that name on
 *	  the same phy is reused and left in place at close;
 *	- the parent interface is taken down unless ignoreprimary is set
 *	  (a managed interface that scans or roams moves the channel);
 *	- a hard rfkill block refuses with a message; a soft block is
 *	  cleared and set again at close;
 *	- the vif is brought up through rtnetlink.
 *
 * Channels are set with NL80211_CMD_SET_CHANNEL, width and centre
 * frequency included, and read back from the interface.
 */
#ifndef LINUX_WIFI_MONITOR_H
#define LINUX_WIFI_MONITOR_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wiphy.h"

struct chan;
struct nl80211;

#define MONITOR_MSG_MAX		320

/* linux_wifi options that shape the monitor interface (doc/linux-wifi.md). */
struct monitor_opts {
	const char	*vif;		/* vif=NAME, or NULL */
	bool		 ignoreprimary;	/* leave the parent interface up */
	bool		 fcsfail;	/* pass frames with a bad FCS */
	bool		 plcpfail;	/* pass frames with a bad PLCP */
};

struct monitor {
	struct nl80211	*nl;		/* not owned */
	uint32_t	 phy;
	char		 phyname[WIPHY_NAME_MAX];
	char		 parent[IF_NAMESIZE];	/* the interface asked for */
	uint32_t	 parent_ifindex;
	char		 vif[IF_NAMESIZE];	/* the one capture uses */
	uint32_t	 vif_ifindex;
	bool		 open;
	bool		 vif_created;	/* ours: deleted at close */
	bool		 vif_raised;	/* was down, brought up: down at close */
	bool		 vif_gone;	/* deleted under us */
	bool		 parent_downed;	/* brought up again at close */
	bool		 subscribed;
	int		 rfkill_fd;	/* soft block we cleared, or -1 */
	char		 error[MONITOR_MSG_MAX];	/* why the last call failed */
	char		 warning[MONITOR_MSG_MAX];	/* "" or for the operator */
};

/* Prepare m to use nl (which must outlive it). */
void	monitor_init(struct monitor *m, struct nl80211 *nl);

/*
 * Make iface (on phy) capture-ready as described above.  Returns 0 with
 * m->vif and m->vif_ifindex set, and m->warning possibly set; or -errno
 * with the reason in m->error: -ERFKILL (hard block), -EOPNOTSUPP (the
 * phy has no monitor mode), -EEXIST (vif= names another kind of
 * interface), or what the kernel answered.  On failure nothing is left
 * changed.
 */
int	monitor_open(struct monitor *m, const struct wiphy_iface *iface,
	    const struct wiphy *phy, const struct monitor_opts *opts);

/*
 * Tune the monitor interface to c.  Returns 0, or the kernel's -errno
 * with the reason (the kernel's own when it gave one) in m->error.
 */
int	monitor_set_channel(struct monitor *m, const struct chan *c);

/*
 * The channel the kernel reports for the monitor interface.  Returns 0,
 * -ENODATA when it reports none (another interface of the phy is up), or
 * -errno.
 */
int	monitor_get_channel(struct monitor *m, struct chan *ret);

/* The descriptor to poll for interface events (vif deleted). */
int	monitor_event_fd(const struct monitor *m);

/*
 * Read pending interface events.  Returns 0, or -ENODEV once the monitor
 * interface has been deleted by someone else (m->error says so).
 */
int	monitor_events(struct monitor *m);

/*
 * Undo what monitor_open() did: delete the vif it made (or take down the
 * one it raised), bring the parent up again, set a cleared soft rfkill
 * block again.  Safe to call twice, and after a failed open.
 */
void	monitor_close(struct monitor *m);

/*
 * The monitor vif name for parent: "<parent>mon", or -ENAMETOOLONG when
 * that would not fit an interface name.
 */
int	monitor_vif_name(const char *parent, char *buf, size_t len);

/*
 * Read the rfkill state of phy phyname from sysfs under root ("/sys").
 * Sets *hard and *soft, and the soft-block file's path in softpath.
 * Returns 0, or -ENOENT when the phy has no rfkill switch.
 */
int	monitor_rfkill_state(const char *root, const char *phyname,
	    bool *hard, bool *soft, char *softpath, size_t len);

/*
 * Whether a process named NetworkManager runs, from proc under procroot
 * ("/proc").
 */
bool	monitor_nm_running(const char *procroot);

#endif
