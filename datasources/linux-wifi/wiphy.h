/* SPDX-License-Identifier: ISC */
/*
 * \summary: Wi-Fi phys and interfaces as nl80211 describes them
 *
 * A phy (wiphy) is one radio: its frequencies with their regulatory
 * flags, its band capabilities (HT, VHT) and whether it can host monitor
 * interfaces.  An interface is a netdev on a phy, with a type and, when
 * the kernel reports one, the channel it is tuned to.  The driver name
 * comes from sysfs (/sys/class/ieee80211/PHY/device/driver), read before
 * the helper's sandbox forbids open().
 */
#ifndef LINUX_WIFI_WIPHY_H
#define LINUX_WIFI_WIPHY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channels.h"

struct nl80211;

#define WIPHY_NAME_MAX		32
#define WIPHY_DRIVER_MAX	64
#define WIPHY_FREQ_MAX		256	/* hwsim has 115 across 3 bands */

struct wiphy {
	uint32_t	 index;
	char		 name[WIPHY_NAME_MAX];
	char		 driver[WIPHY_DRIVER_MAX];	/* "" when unknown */
	bool		 monitor;	/* can host monitor interfaces */
	size_t		 n_freqs;
	struct chan_caps freqs[WIPHY_FREQ_MAX];	/* in frequency order */
};

struct wiphy_iface {
	uint32_t	 ifindex;
	char		 name[IF_NAMESIZE];
	uint32_t	 phy;		/* wiphy index */
	uint32_t	 type;		/* enum nl80211_iftype */
	uint8_t		 mac[6];
	bool		 has_chan;	/* the kernel reported a channel */
	struct chan	 chan;
};

/*
 * Describe phy index into *ret: name, driver, monitor support and every
 * 2.4, 5 and 6 GHz frequency with its flags and band capabilities.
 * Returns 0, -ENODEV when there is no such phy, or another -errno.
 */
int	wiphy_get(struct nl80211 *, uint32_t index, struct wiphy *ret);

/*
 * Every Wi-Fi network interface into out[0..max), in the kernel's order.
 * Returns the count (at most max; more are dropped) or -errno.
 */
int	wiphy_ifaces(struct nl80211 *, struct wiphy_iface *out, size_t max);

/*
 * The Wi-Fi interface named name.  Returns 0, -ENODEV when no network
 * interface has that name, -EOPNOTSUPP when it is not a Wi-Fi interface,
 * or another -errno.
 */
int	wiphy_iface_by_name(struct nl80211 *, const char *name,
	    struct wiphy_iface *ret);

/* The same, by interface index. */
int	wiphy_iface_by_index(struct nl80211 *, uint32_t ifindex,
	    struct wiphy_iface *ret);

/*
 * The kernel driver behind phy phyname, read from sysfs under root
 * ("/sys" outside tests) into buf.  Returns 0 or -errno (-ENOENT for a
 * virtual phy without a device).
 */
int	wiphy_driver(const char *root, const char *phyname, char *buf,
	    size_t len);

/* "monitor", "managed", "AP", ... for an nl80211 interface type. */
const char *wiphy_iftype_name(uint32_t type);

#endif
