/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_cap_linux_wifi: capture from a Linux Wi-Fi interface
 *
 * The linuxwifi driver of the capture helper framework: the source is a
 * Wi-Fi interface, its phy is described through nl80211, a monitor
 * interface is found or made on it (monitor.c), libpcap reads radiotap
 * frames from it (capture.c), and set_channel tunes it with width and
 * centre frequency (channels.c).  doc/linux-wifi.md says what opening and
 * closing change on the system.
 *
 * Privileges (doc/privsep.md), applied by the framework from the fields
 * at the end of linuxwifi_ops: a setuid-root install becomes the invoking
 * user at start keeping CAP_NET_ADMIN and CAP_NET_RAW.  Every socket and
 * file is opened in open(): the nl80211 and rtnetlink sockets, the rfkill
 * file, the packet socket.  Then the helper keeps CAP_NET_ADMIN alone
 * (tuning, deleting the vif and raising the parent at close) and enters
 * the helper_linux_wifi seccomp sandbox, which forbids socket() and open().
 */

#include <linux/capability.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "channels.h"
#include "ds_ops.h"
#include "helper.h"
#include "monitor.h"
#include "nl80211.h"
#include "sandbox.h"
#include "wiphy.h"

#define LW_MAX_IFACES		64
/* The framework's hop list holds at most this many channels. */
#define LW_MAX_CHANNELS		HOP_MAX_CHANNELS
#define LW_STATS_MS		1000	/* kernel drop counters, at most */

/* The one source this process captures from. */
static struct {
	struct nl80211		*nl;
	struct wiphy		 phy;
	struct wiphy_iface	 iface;
	struct monitor		 mon;
	struct capture		*cap;
	struct chan		 list[CHAN_LIST_MAX];
	char			 names[LW_MAX_CHANNELS][CHAN_STR_MAX];
	const char		*ptrs[LW_MAX_CHANNELS];
	size_t			 n_names;
	char			 current[CHAN_STR_MAX];
	uint64_t		 stats_at;	/* ms */
	uint64_t		 dropped_told;
} lw;

static int
lw_nl(char *err, size_t errlen)
{
	int r;

	if (lw.nl != NULL)
		return 0;
	if ((r = nl80211_open(&lw.nl)) < 0)
		snprintf(err, errlen, "linuxwifi: nl80211: %s", r == -ENOENT ?
		    "the kernel has no nl80211 (cfg80211 not loaded)" :
		    strerror(-r));
	return r;
}

/* The interface of def, its phy, and the channels the options allow. */
static int
lw_describe(const struct srcdef *def, char *err, size_t errlen)
{
	struct chan_opts opts;
	int r, n, i;

	if ((r = lw_nl(err, errlen)) < 0)
		return r;
	if ((r = wiphy_iface_by_name(lw.nl, def->interface, &lw.iface)) < 0) {
		snprintf(err, errlen, "linuxwifi: %s: %s", def->interface,
		    r == -ENODEV ? "no such interface" :
		    r == -EOPNOTSUPP ? "not a Wi-Fi interface" :
		    strerror(-r));
		return r;
	}
	if ((r = wiphy_get(lw.nl, lw.iface.phy, &lw.phy)) < 0) {
		snprintf(err, errlen, "linuxwifi: %s: phy %u: %s",
		    def->interface, lw.iface.phy, strerror(-r));
		return r;
	}
	if ((r = chan_opts_from_srcdef(def, &opts, err, errlen)) < 0)
		return r;
	n = chan_list_build(lw.phy.freqs, lw.phy.n_freqs, &opts, lw.list,
	    CHAN_LIST_MAX);
	if (n < 0)
		n = 0;
	lw.n_names = 0;
	for (i = 0; i < n && lw.n_names < LW_MAX_CHANNELS; i++)
		if (chan_format(&lw.list[i], lw.names[lw.n_names],
		    CHAN_STR_MAX) > 0) {
			lw.ptrs[lw.n_names] = lw.names[lw.n_names];
			lw.n_names++;
		}
	if (n > LW_MAX_CHANNELS)
		log_info("linuxwifi: %s: %d channels, the first %d kept",
		    def->interface, n, LW_MAX_CHANNELS);
	lw.current[0] = '\0';
	if (lw.iface.has_chan)
		(void)chan_format(&lw.iface.chan, lw.current,
		    sizeof(lw.current));
	return 0;
}

static int
lw_probe(struct helper *h, const struct srcdef *def, struct ds_probe *ret,
    char *err, size_t errlen)
{
	int r;

	if ((r = lw_describe(def, err, errlen)) < 0)
		return r;
	snprintf(ret->hardware, sizeof(ret->hardware), "%s",
	    lw.phy.driver[0] != '\0' ? lw.phy.driver : lw.phy.name);
	ret->channels = lw.ptrs;
	ret->n_channels = lw.n_names;
	ret->channel = lw.current[0] != '\0' ? lw.current : NULL;
	return 0;
}

static int
lw_list(struct helper *h, struct ds_iface *ret, size_t max, char *err,
    size_t errlen)
{
	static struct wiphy_iface ifs[LW_MAX_IFACES];
	size_t i, k = 0;
	int n, r;

	if ((r = lw_nl(err, errlen)) < 0)
		return r == -ENOENT ? 0 : r;	/* no Wi-Fi: nothing to list */
	if ((n = wiphy_ifaces(lw.nl, ifs, LW_MAX_IFACES)) < 0) {
		snprintf(err, errlen, "linuxwifi: interface list: %s",
		    strerror(-n));
		return n;
	}
	for (i = 0; i < (size_t)n && k < max; i++, k++) {
		snprintf(ret[k].interface, sizeof(ret[k].interface), "%s",
		    ifs[i].name);
		ret[k].flags[0] = '\0';
		if (wiphy_get(lw.nl, ifs[i].phy, &lw.phy) == 0)
			snprintf(ret[k].hardware, sizeof(ret[k].hardware),
			    "%s", lw.phy.driver[0] != '\0' ? lw.phy.driver :
			    lw.phy.name);
		else
			ret[k].hardware[0] = '\0';
	}
	return (int)k;
}

static int
lw_open(struct helper *h, const struct srcdef *def, struct ds_open *ret,
    char *err, size_t errlen)
{
	struct monitor_opts mo;
	bool mgmt;
	int r;

	memset(&mo, 0, sizeof(mo));
	mo.vif = srcdef_get(def, "vif");
	if ((r = srcdef_get_bool(def, "ignoreprimary", false,
	    &mo.ignoreprimary, err, errlen)) < 0 ||
	    (r = srcdef_get_bool(def, "fcsfail", false, &mo.fcsfail, err,
	    errlen)) < 0 ||
	    (r = srcdef_get_bool(def, "plcpfail", false, &mo.plcpfail, err,
	    errlen)) < 0 ||
	    (r = srcdef_get_bool(def, "filter_mgmt", false, &mgmt, err,
	    errlen)) < 0)
		return r;
	if ((r = lw_describe(def, err, errlen)) < 0)
		return r;
	monitor_init(&lw.mon, lw.nl);
	if ((r = monitor_open(&lw.mon, &lw.iface, &lw.phy, &mo)) < 0) {
		snprintf(err, errlen, "linuxwifi: %s", lw.mon.error);
		return r;
	}
	if ((r = capture_open(lw.mon.vif, CAPTURE_SNAPLEN, CAPTURE_BUFFER,
	    &lw.cap, err, errlen)) < 0 ||
	    (mgmt && (r = capture_set_filter(lw.cap, CAPTURE_FILTER_MGMT, err,
	    errlen)) < 0)) {
		capture_close(lw.cap);
		lw.cap = NULL;
		monitor_close(&lw.mon);
		return r;
	}
	ret->dlt = capture_dlt(lw.cap);
	snprintf(ret->capture_interface, sizeof(ret->capture_interface), "%s",
	    lw.mon.vif);
	snprintf(ret->hardware, sizeof(ret->hardware), "%s",
	    lw.phy.driver[0] != '\0' ? lw.phy.driver : lw.phy.name);
	ret->channels = lw.ptrs;
	ret->n_channels = lw.n_names;
	ret->channel = lw.current[0] != '\0' ? lw.current : NULL;
	ret->fd = capture_fd(lw.cap);
	ret->pace = DS_PACE_NONE;
	snprintf(ret->warning, sizeof(ret->warning), "%.*s",
	    (int)sizeof(ret->warning) - 1, lw.mon.warning);
	log_info("linuxwifi: %s: capturing on %s (%s, %s)%s",
	    lw.iface.name, lw.mon.vif, lw.phy.name, ret->hardware,
	    lw.mon.vif_created ? ", created" : "");
	return 0;
}

static int
lw_set_channel(struct helper *h, const char *channel, char *canon,
    size_t canonlen, char *err, size_t errlen)
{
	struct chan c;
	char name[CHAN_STR_MAX];
	int r;

	if (chan_parse(channel, &c) < 0) {
		snprintf(err, errlen, "linuxwifi: '%s' is not a channel",
		    channel);
		return -EINVAL;
	}
	(void)chan_format(&c, name, sizeof(name));
	if ((r = monitor_set_channel(&lw.mon, &c)) < 0) {
		snprintf(err, errlen, "linuxwifi: %s%s", lw.mon.error,
		    chan_supported(lw.phy.freqs, lw.phy.n_freqs, &c) ? "" :
		    " (not a channel this phy lists)");
		return r;
	}
	snprintf(canon, canonlen, "%s", name);
	return 0;
}

/* Tell the server when the kernel's ring overflowed. */
static void
lw_check_drops(struct helper *h)
{
	struct capture_stats st;
	uint64_t now = helper_now_ms();

	if (now - lw.stats_at < LW_STATS_MS)
		return;
	lw.stats_at = now;
	if (capture_stats(lw.cap, &st) < 0 || st.dropped == lw.dropped_told)
		return;
	helper_message(h, MSG_LEVEL_INFO, "linuxwifi: %s: the kernel dropped "
	    "%llu frames (%llu in all): the helper fell behind", lw.mon.vif,
	    (unsigned long long)(st.dropped - lw.dropped_told),
	    (unsigned long long)st.dropped);
	lw.dropped_told = st.dropped;
}

static enum ds_next
lw_next(struct helper *h, struct ds_packet *ret)
{
	struct capture_frame f;
	int r;

	lw_check_drops(h);
	if ((r = capture_next(lw.cap, &f)) == 0)
		return DS_NEXT_NONE;
	if (r == -ENETDOWN && monitor_events(&lw.mon) == -ENODEV) {
		helper_error(h, "linuxwifi: %s", lw.mon.error);
		return DS_NEXT_STOP;
	}
	if (r < 0) {
		helper_error(h, "linuxwifi: %s: %s%s", lw.mon.vif,
		    r == -ENETDOWN ? "the interface went down or was removed" :
		    "capture failed: ", r == -ENETDOWN ? "" :
		    capture_error(lw.cap));
		return DS_NEXT_STOP;
	}
	ret->ts_sec = f.ts_sec;
	ret->ts_usec = f.ts_usec;
	ret->dlt = f.dlt;
	ret->len = f.len;
	ret->caplen = f.caplen;
	ret->data = f.data;
	return DS_NEXT_PACKET;
}

static void
lw_close(struct helper *h)
{
	capture_close(lw.cap);
	lw.cap = NULL;
	if (lw.nl != NULL)
		monitor_close(&lw.mon);
	nl80211_close(lw.nl);
	lw.nl = NULL;
}

/* Creating the vif and bringing links up; the packet socket. */
static const int lw_open_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW };
/* Tuning, and deleting the vif and raising the parent at close. */
static const int lw_keep_caps[] = { CAP_NET_ADMIN };

/* What lw_describe, chan_opts_from_srcdef and lw_open read. */
static const char *const lw_options[] = {
	"ht_channels", "vht_channels", "default_ht20", "expand_ht20",
	"band24ghz", "band5ghz", "band6ghz", "vif", "ignoreprimary",
	"fcsfail", "plcpfail", "filter_mgmt", NULL,
};

static const struct ds_ops linuxwifi_ops = {
	.type = "linuxwifi",
	.source_help = "a Wi-Fi interface: wlan0[:option=value,...]",
	.options = lw_options,
	.probe = lw_probe,
	.list = lw_list,
	.open = lw_open,
	.set_channel = lw_set_channel,
	.chanctl = &helper_chanctl,
	.next = lw_next,
	.close = lw_close,
	.open_caps = lw_open_caps,
	.n_open_caps = 2,
	.keep_caps = lw_keep_caps,
	.n_keep_caps = 1,
	.sandbox_role = SANDBOX_HELPER_LINUX_WIFI,
};

int
main(int argc, char **argv)
{
	return helper_main(argc, argv, &linuxwifi_ops);
}
