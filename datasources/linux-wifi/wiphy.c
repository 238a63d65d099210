/* SPDX-License-Identifier: ISC */
/* \summary: Wi-Fi phys and interfaces as nl80211 describes them */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/nl80211.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "log.h"
#include "nl80211.h"
#include "wiphy.h"

/* IEEE 802.11-2020 §9.4.2.55.2: HT Capability Information, bit 1. */
#define HT_CAP_SUP_WIDTH_20_40		0x0002
/* §9.4.2.157.2: VHT Capabilities Information, bits 2-3. */
#define VHT_CAP_SUPP_CHAN_WIDTH_MASK	0x000c

/* Bands by nl80211 band index; 0 for those osprey does not tune. */
static const unsigned int wiphy_bands[] = {
	[NL80211_BAND_2GHZ] = CHAN_BAND_2GHZ,
	[NL80211_BAND_5GHZ] = CHAN_BAND_5GHZ,
	[NL80211_BAND_60GHZ] = 0,
	[NL80211_BAND_6GHZ] = CHAN_BAND_6GHZ,
};
#define WIPHY_NBANDS	(sizeof(wiphy_bands) / sizeof(wiphy_bands[0]))

static struct nla_policy wiphy_band_policy[NL80211_BAND_ATTR_MAX + 1] = {
	[NL80211_BAND_ATTR_FREQS] = { .type = NLA_NESTED },
	[NL80211_BAND_ATTR_HT_CAPA] = { .type = NLA_U16 },
	[NL80211_BAND_ATTR_VHT_CAPA] = { .type = NLA_U32 },
};

static struct nla_policy wiphy_freq_policy[NL80211_FREQUENCY_ATTR_MAX + 1] = {
	[NL80211_FREQUENCY_ATTR_FREQ] = { .type = NLA_U32 },
	[NL80211_FREQUENCY_ATTR_DISABLED] = { .type = NLA_FLAG },
	[NL80211_FREQUENCY_ATTR_NO_IR] = { .type = NLA_FLAG },
	[__NL80211_FREQUENCY_ATTR_NO_IBSS] = { .type = NLA_FLAG },
	[NL80211_FREQUENCY_ATTR_RADAR] = { .type = NLA_FLAG },
	[NL80211_FREQUENCY_ATTR_NO_HT40_MINUS] = { .type = NLA_FLAG },
	[NL80211_FREQUENCY_ATTR_NO_HT40_PLUS] = { .type = NLA_FLAG },
	[NL80211_FREQUENCY_ATTR_NO_80MHZ] = { .type = NLA_FLAG },
	[NL80211_FREQUENCY_ATTR_NO_160MHZ] = { .type = NLA_FLAG },
	[NL80211_FREQUENCY_ATTR_OFFSET] = { .type = NLA_U32 },
};

/* What a split wiphy dump accumulates across its messages. */
struct wiphy_dump {
	struct wiphy	*w;
	bool		 found;
	uint32_t	 bandcaps[WIPHY_NBANDS];	/* CHAN_F_BAND_* */
	uint8_t		 freqband[WIPHY_FREQ_MAX];	/* band index */
	size_t		 dropped;
};

static void
wiphy_add_freq(struct wiphy_dump *d, unsigned int band, struct nlattr *attr)
{
	static const struct {
		int		 attr;
		uint32_t	 flag;
	} flags[] = {
		{ NL80211_FREQUENCY_ATTR_DISABLED, CHAN_F_DISABLED },
		{ NL80211_FREQUENCY_ATTR_NO_IR, CHAN_F_NO_IR },
		{ __NL80211_FREQUENCY_ATTR_NO_IBSS, CHAN_F_NO_IR },
		{ NL80211_FREQUENCY_ATTR_RADAR, CHAN_F_RADAR },
		{ NL80211_FREQUENCY_ATTR_NO_HT40_MINUS, CHAN_F_NO_HT40_MINUS },
		{ NL80211_FREQUENCY_ATTR_NO_HT40_PLUS, CHAN_F_NO_HT40_PLUS },
		{ NL80211_FREQUENCY_ATTR_NO_80MHZ, CHAN_F_NO_80MHZ },
		{ NL80211_FREQUENCY_ATTR_NO_160MHZ, CHAN_F_NO_160MHZ },
	};
	struct nlattr *tb[NL80211_FREQUENCY_ATTR_MAX + 1];
	struct wiphy *w = d->w;
	struct chan_caps c;
	size_t i;

	if (nla_parse_nested(tb, NL80211_FREQUENCY_ATTR_MAX, attr,
	    wiphy_freq_policy) < 0 || tb[NL80211_FREQUENCY_ATTR_FREQ] == NULL)
		return;
	/* Sub-MHz (S1G) channels are not Wi-Fi channels osprey names. */
	if (tb[NL80211_FREQUENCY_ATTR_OFFSET] != NULL &&
	    nla_get_u32(tb[NL80211_FREQUENCY_ATTR_OFFSET]) != 0)
		return;
	c.freq = nla_get_u32(tb[NL80211_FREQUENCY_ATTR_FREQ]);
	c.flags = 0;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (tb[flags[i].attr] != NULL)
			c.flags |= flags[i].flag;
	for (i = 0; i < w->n_freqs; i++)
		if (w->freqs[i].freq == c.freq) {
			w->freqs[i].flags |= c.flags;
			return;
		}
	if (w->n_freqs >= WIPHY_FREQ_MAX) {
		d->dropped++;
		return;
	}
	d->freqband[w->n_freqs] = (uint8_t)band;
	w->freqs[w->n_freqs++] = c;
}

static void
wiphy_add_band(struct wiphy_dump *d, struct nlattr *attr)
{
	struct nlattr *tb[NL80211_BAND_ATTR_MAX + 1], *f;
	unsigned int band = (unsigned int)nla_type(attr);
	uint16_t ht;
	uint32_t vht;
	int rem;

	if (band >= WIPHY_NBANDS || wiphy_bands[band] == 0)
		return;
	if (nla_parse_nested(tb, NL80211_BAND_ATTR_MAX, attr,
	    wiphy_band_policy) < 0)
		return;
	if (tb[NL80211_BAND_ATTR_HT_CAPA] != NULL) {
		ht = nla_get_u16(tb[NL80211_BAND_ATTR_HT_CAPA]);
		d->bandcaps[band] |= CHAN_F_BAND_HT;
		if (ht & HT_CAP_SUP_WIDTH_20_40)
			d->bandcaps[band] |= CHAN_F_BAND_HT40;
	}
	if (tb[NL80211_BAND_ATTR_VHT_CAPA] != NULL) {
		vht = nla_get_u32(tb[NL80211_BAND_ATTR_VHT_CAPA]);
		d->bandcaps[band] |= CHAN_F_BAND_VHT;
		if (vht & VHT_CAP_SUPP_CHAN_WIDTH_MASK)
			d->bandcaps[band] |= CHAN_F_BAND_VHT160;
	}
	if (tb[NL80211_BAND_ATTR_FREQS] != NULL)
		nla_for_each_nested(f, tb[NL80211_BAND_ATTR_FREQS], rem)
			wiphy_add_freq(d, band, f);
}

static int
wiphy_get_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct wiphy_dump *d = arg;
	struct nlattr *a;
	int rem;

	if (cmd != NL80211_CMD_NEW_WIPHY || tb[NL80211_ATTR_WIPHY] == NULL ||
	    nla_get_u32(tb[NL80211_ATTR_WIPHY]) != d->w->index)
		return 0;
	d->found = true;
	if (tb[NL80211_ATTR_WIPHY_NAME] != NULL)
		nla_strlcpy(d->w->name, tb[NL80211_ATTR_WIPHY_NAME],
		    sizeof(d->w->name));
	if (tb[NL80211_ATTR_SUPPORTED_IFTYPES] != NULL)
		nla_for_each_nested(a, tb[NL80211_ATTR_SUPPORTED_IFTYPES], rem)
			if (nla_type(a) == NL80211_IFTYPE_MONITOR)
				d->w->monitor = true;
	if (tb[NL80211_ATTR_WIPHY_BANDS] != NULL)
		nla_for_each_nested(a, tb[NL80211_ATTR_WIPHY_BANDS], rem)
			wiphy_add_band(d, a);
	return 0;
}

static int
wiphy_freq_cmp(const void *a, const void *b)
{
	const struct chan_caps *x = a, *y = b;

	return x->freq < y->freq ? -1 : x->freq > y->freq;
}

int
wiphy_get(struct nl80211 *nl, uint32_t index, struct wiphy *ret)
{
	struct wiphy_dump d;
	struct nl_msg *msg;
	size_t i;
	int r;

	memset(ret, 0, sizeof(*ret));
	memset(&d, 0, sizeof(d));
	ret->index = index;
	d.w = ret;
	/*
	 * A split dump filtered to one phy: a big phy's description does
	 * not fit one netlink message.
	 */
	if ((msg = nl80211_msg(nl, NL80211_CMD_GET_WIPHY, NLM_F_DUMP)) == NULL)
		return -ENOMEM;
	if (nla_put_u32(msg, NL80211_ATTR_WIPHY, index) < 0 ||
	    nla_put_flag(msg, NL80211_ATTR_SPLIT_WIPHY_DUMP) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if ((r = nl80211_request(nl, msg, wiphy_get_cb, &d)) < 0)
		return r;
	if (!d.found)
		return -ENODEV;
	if (d.dropped > 0)
		log_debug("nl80211: %s: %zu frequencies past %d ignored",
		    ret->name, d.dropped, WIPHY_FREQ_MAX);
	for (i = 0; i < ret->n_freqs; i++)
		ret->freqs[i].flags |= d.bandcaps[d.freqband[i]];
	qsort(ret->freqs, ret->n_freqs, sizeof(ret->freqs[0]), wiphy_freq_cmp);
	if (wiphy_driver("/sys", ret->name, ret->driver,
	    sizeof(ret->driver)) < 0)
		ret->driver[0] = '\0';
	return 0;
}

/* The channel an interface reply reports, if any. */
static bool
wiphy_iface_chan(struct nlattr **tb, struct chan *ret)
{
	uint32_t freq, width;

	if (tb[NL80211_ATTR_WIPHY_FREQ] == NULL)
		return false;
	freq = nla_get_u32(tb[NL80211_ATTR_WIPHY_FREQ]);
	ret->freq = freq;
	ret->center1 = tb[NL80211_ATTR_CENTER_FREQ1] != NULL ?
	    nla_get_u32(tb[NL80211_ATTR_CENTER_FREQ1]) : freq;
	if (tb[NL80211_ATTR_CHANNEL_WIDTH] == NULL) {
		/* Kernels before 3.8 give only the HT channel type. */
		ret->width = CHAN_WIDTH_20_NOHT;
		return true;
	}
	width = nla_get_u32(tb[NL80211_ATTR_CHANNEL_WIDTH]);
	switch (width) {
	case NL80211_CHAN_WIDTH_20_NOHT:
		ret->width = CHAN_WIDTH_20_NOHT;
		break;
	case NL80211_CHAN_WIDTH_20:
		ret->width = CHAN_WIDTH_20;
		break;
	case NL80211_CHAN_WIDTH_40:
		ret->width = CHAN_WIDTH_40;
		break;
	case NL80211_CHAN_WIDTH_80:
		ret->width = CHAN_WIDTH_80;
		break;
	case NL80211_CHAN_WIDTH_160:
		ret->width = CHAN_WIDTH_160;
		break;
	case NL80211_CHAN_WIDTH_5:
		ret->width = CHAN_WIDTH_5;
		break;
	case NL80211_CHAN_WIDTH_10:
		ret->width = CHAN_WIDTH_10;
		break;
	default:
		return false;
	}
	return true;
}

struct wiphy_iface_dump {
	struct wiphy_iface	*out;
	size_t			 max, n;
};

static int
wiphy_iface_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct wiphy_iface_dump *d = arg;
	struct wiphy_iface *i;

	/* P2P devices and NAN have a wdev but no netdev. */
	if (cmd != NL80211_CMD_NEW_INTERFACE ||
	    tb[NL80211_ATTR_IFINDEX] == NULL ||
	    tb[NL80211_ATTR_IFNAME] == NULL || tb[NL80211_ATTR_WIPHY] == NULL)
		return 0;
	if (d->n >= d->max)
		return 0;
	i = &d->out[d->n++];
	memset(i, 0, sizeof(*i));
	i->ifindex = nla_get_u32(tb[NL80211_ATTR_IFINDEX]);
	nla_strlcpy(i->name, tb[NL80211_ATTR_IFNAME], sizeof(i->name));
	i->phy = nla_get_u32(tb[NL80211_ATTR_WIPHY]);
	if (tb[NL80211_ATTR_IFTYPE] != NULL)
		i->type = nla_get_u32(tb[NL80211_ATTR_IFTYPE]);
	if (tb[NL80211_ATTR_MAC] != NULL)
		memcpy(i->mac, nla_data(tb[NL80211_ATTR_MAC]), 6);
	i->has_chan = wiphy_iface_chan(tb, &i->chan);
	return 0;
}

int
wiphy_ifaces(struct nl80211 *nl, struct wiphy_iface *out, size_t max)
{
	struct wiphy_iface_dump d = { out, max, 0 };
	struct nl_msg *msg;
	int r;

	if ((msg = nl80211_msg(nl, NL80211_CMD_GET_INTERFACE,
	    NLM_F_DUMP)) == NULL)
		return -ENOMEM;
	if ((r = nl80211_request(nl, msg, wiphy_iface_cb, &d)) < 0)
		return r;
	return (int)d.n;
}

int
wiphy_iface_by_index(struct nl80211 *nl, uint32_t ifindex,
    struct wiphy_iface *ret)
{
	struct wiphy_iface i;
	struct wiphy_iface_dump d = { &i, 1, 0 };
	struct nl_msg *msg;
	int r;

	if ((msg = nl80211_msg(nl, NL80211_CMD_GET_INTERFACE, 0)) == NULL)
		return -ENOMEM;
	if (nla_put_u32(msg, NL80211_ATTR_IFINDEX, ifindex) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	/* nl80211 answers ENODEV/EINVAL for a netdev that is not Wi-Fi. */
	if ((r = nl80211_request(nl, msg, wiphy_iface_cb, &d)) < 0)
		return r == -ENOMEM ? r : -EOPNOTSUPP;
	if (d.n != 1)
		return -EOPNOTSUPP;
	*ret = i;
	return 0;
}

int
wiphy_iface_by_name(struct nl80211 *nl, const char *name,
    struct wiphy_iface *ret)
{
	uint32_t ifindex;
	int r;

	if ((r = nl80211_link_index(nl, name, &ifindex)) < 0)
		return r == -ENOMEM ? r : -ENODEV;
	return wiphy_iface_by_index(nl, ifindex, ret);
}

int
wiphy_driver(const char *root, const char *phyname, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;
	int r;

	if (strchr(phyname, '/') != NULL || phyname[0] == '.')
		return -EINVAL;
	r = snprintf(path, sizeof(path), "%s/class/ieee80211/%s/device/driver",
	    root, phyname);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	if ((n = readlink(path, link, sizeof(link) - 1)) < 0)
		return -errno;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base != NULL ? base + 1 : link;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, base, strlen(base) + 1);
	return 0;
}

const char *
wiphy_iftype_name(uint32_t type)
{
	static const char *names[] = {
		[NL80211_IFTYPE_UNSPECIFIED] = "unspecified",
		[NL80211_IFTYPE_ADHOC] = "IBSS",
		[NL80211_IFTYPE_STATION] = "managed",
		[NL80211_IFTYPE_AP] = "AP",
		[NL80211_IFTYPE_AP_VLAN] = "AP/VLAN",
		[NL80211_IFTYPE_WDS] = "WDS",
		[NL80211_IFTYPE_MONITOR] = "monitor",
		[NL80211_IFTYPE_MESH_POINT] = "mesh point",
		[NL80211_IFTYPE_P2P_CLIENT] = "P2P-client",
		[NL80211_IFTYPE_P2P_GO] = "P2P-GO",
		[NL80211_IFTYPE_P2P_DEVICE] = "P2P-device",
		[NL80211_IFTYPE_OCB] = "outside context of a BSS",
		[NL80211_IFTYPE_NAN] = "NAN",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type] != NULL)
		return names[type];
	return "unknown";
}
