/* SPDX-License-Identifier: ISC */
/* \summary: a monitor-mode interface: find or make it, tune it, undo it */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/nl80211.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "channels.h"
#include "log.h"
#include "monitor.h"
#include "nl80211.h"
#include "wiphy.h"

/* Fallback names: "osmon0" ... when "<if>mon" is too long. */
#define MONITOR_FALLBACK	"osmon"
#define MONITOR_FALLBACK_MAX	100

static void
monitor_fail(struct monitor *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Set m->error, appending the kernel's extended-ACK reason if any. */
static void
monitor_fail(struct monitor *m, const char *fmt, ...)
{
	const char *why = nl80211_errmsg(m->nl);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(m->error) && why[0] != '\0')
		snprintf(m->error + n, sizeof(m->error) - n, " (kernel: %s)",
		    why);
}

void
monitor_init(struct monitor *m, struct nl80211 *nl)
{
	memset(m, 0, sizeof(*m));
	m->nl = nl;
	m->rfkill_fd = -1;
}

int
monitor_vif_name(const char *parent, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%smon", parent);

	if (n < 0 || (size_t)n >= len || n >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	return 0;
}

static int
monitor_read_flag(const char *dir, const char *file, bool *ret)
{
	char path[PATH_MAX], buf[8];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*ret = buf[0] != '0';
	return 0;
}

int
monitor_rfkill_state(const char *root, const char *phyname, bool *hard,
    bool *soft, char *softpath, size_t len)
{
	char dir[PATH_MAX], sw[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	if (strchr(phyname, '/') != NULL || phyname[0] == '.')
		return -EINVAL;
	if (snprintf(dir, sizeof(dir), "%s/class/ieee80211/%s", root,
	    phyname) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	if ((d = opendir(dir)) == NULL)
		return -errno;
	/* cfg80211 registers one switch per phy, named rfkillN. */
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "rfkill", 6) != 0 ||
		    !isdigit((unsigned char)de->d_name[6]))
			continue;
		if (snprintf(sw, sizeof(sw), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(sw)) {
			r = -ENAMETOOLONG;
			break;
		}
		if ((r = monitor_read_flag(sw, "hard", hard)) < 0 ||
		    (r = monitor_read_flag(sw, "soft", soft)) < 0)
			break;
		if (snprintf(softpath, len, "%s/soft", sw) >= (int)len)
			r = -ENAMETOOLONG;
		break;
	}
	closedir(d);
	return r;
}

bool
monitor_nm_running(const char *procroot)
{
	char path[PATH_MAX], comm[32];
	struct dirent *de;
	bool found = false;
	ssize_t n;
	DIR *d;
	int fd;

	if ((d = opendir(procroot)) == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/comm", procroot,
		    de->d_name) >= (int)sizeof(path))
			continue;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n <= 0)
			continue;
		comm[n] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		found = strcmp(comm, "NetworkManager") == 0;
	}
	closedir(d);
	return found;
}

/* Clear a soft rfkill block, keeping the file open to set it again. */
static int
monitor_rfkill(struct monitor *m)
{
	char softpath[PATH_MAX];
	bool hard = false, soft = false;
	int r, fd;

	r = monitor_rfkill_state("/sys", m->phyname, &hard, &soft, softpath,
	    sizeof(softpath));
	if (r == -ENOENT)
		return 0;	/* no switch: nothing blocks the radio */
	if (r < 0) {
		snprintf(m->error, sizeof(m->error),
		    "%s: cannot read its rfkill state: %s", m->phyname,
		    strerror(-r));
		return r;
	}
	if (hard) {
		snprintf(m->error, sizeof(m->error),
		    "%s (%s) is blocked by a hardware rfkill switch: turn the "
		    "radio on (switch, key or firmware setting) and retry",
		    m->parent, m->phyname);
		return -ERFKILL;
	}
	if (!soft)
		return 0;
	if ((fd = open(softpath, O_WRONLY | O_CLOEXEC)) < 0 ||
	    pwrite(fd, "0", 1, 0) != 1) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		snprintf(m->error, sizeof(m->error),
		    "%s (%s) is soft-blocked by rfkill and unblocking it "
		    "failed: %s", m->parent, m->phyname, strerror(-r));
		return r;
	}
	log_debug("nl80211: %s: soft rfkill block cleared", m->phyname);
	m->rfkill_fd = fd;
	return 0;
}

static int
monitor_new_vif(struct monitor *m, const char *name,
    const struct monitor_opts *opts, uint32_t *ret)
{
	struct wiphy_iface vif;
	struct nlattr *flags;
	struct nl_msg *msg;
	int r;

	if ((msg = nl80211_msg(m->nl, NL80211_CMD_NEW_INTERFACE, 0)) == NULL)
		return -ENOMEM;
	if (nla_put_u32(msg, NL80211_ATTR_WIPHY, m->phy) < 0 ||
	    nla_put_string(msg, NL80211_ATTR_IFNAME, name) < 0 ||
	    nla_put_u32(msg, NL80211_ATTR_IFTYPE, NL80211_IFTYPE_MONITOR) < 0 ||
	    (flags = nla_nest_start(msg, NL80211_ATTR_MNTR_FLAGS)) == NULL)
		goto nomem;
	/* Control frames and other BSSs' frames, as Kismet asks. */
	if (nla_put_flag(msg, NL80211_MNTR_FLAG_CONTROL) < 0 ||
	    nla_put_flag(msg, NL80211_MNTR_FLAG_OTHER_BSS) < 0 ||
	    (opts->fcsfail &&
	    nla_put_flag(msg, NL80211_MNTR_FLAG_FCSFAIL) < 0) ||
	    (opts->plcpfail &&
	    nla_put_flag(msg, NL80211_MNTR_FLAG_PLCPFAIL) < 0))
		goto nomem;
	nla_nest_end(msg, flags);
	if ((r = nl80211_request(m->nl, msg, NULL, NULL)) < 0) {
		monitor_fail(m, "cannot create monitor interface %s on %s: %s",
		    name, m->phyname, strerror(-r));
		return r;
	}
	if ((r = wiphy_iface_by_name(m->nl, name, &vif)) < 0) {
		monitor_fail(m, "monitor interface %s vanished after creation",
		    name);
		return r;
	}
	*ret = vif.ifindex;
	return 0;
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

/*
 * Whether name is free (0), a monitor interface on our phy we can use
 * (1, *ret set), or taken by something else (-EEXIST).
 */
static int
monitor_probe_name(struct monitor *m, const char *name, uint32_t *ret)
{
	struct wiphy_iface i;
	uint32_t idx;

	if (nl80211_link_index(m->nl, name, &idx) < 0)
		return 0;
	if (wiphy_iface_by_index(m->nl, idx, &i) == 0 && i.phy == m->phy &&
	    i.type == NL80211_IFTYPE_MONITOR) {
		*ret = idx;
		return 1;
	}
	return -EEXIST;
}

/* Find or make the monitor vif for a parent that is not a monitor. */
static int
monitor_make_vif(struct monitor *m, const struct monitor_opts *opts)
{
	char name[IF_NAMESIZE];
	uint32_t idx = 0;
	unsigned int n;
	int r;

	if (opts->vif != NULL) {
		if (strlen(opts->vif) >= IF_NAMESIZE || opts->vif[0] == '\0') {
			snprintf(m->error, sizeof(m->error),
			    "vif=%s is not a valid interface name", opts->vif);
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "%s", opts->vif);
	} else if (monitor_vif_name(m->parent, name, sizeof(name)) < 0) {
		/* The first fallback name that is free or already ours. */
		for (n = 0; n < MONITOR_FALLBACK_MAX; n++) {
			snprintf(name, sizeof(name), "%s%u", MONITOR_FALLBACK,
			    n);
			if ((r = monitor_probe_name(m, name, &idx)) >= 0)
				break;
		}
		if (n == MONITOR_FALLBACK_MAX) {
			snprintf(m->error, sizeof(m->error),
			    "%s: no free monitor interface name %s0-%d",
			    m->parent, MONITOR_FALLBACK,
			    MONITOR_FALLBACK_MAX - 1);
			return -EEXIST;
		}
	}
	snprintf(m->vif, sizeof(m->vif), "%s", name);
	if ((r = monitor_probe_name(m, name, &idx)) < 0) {
		snprintf(m->error, sizeof(m->error),
		    "interface %s exists and is not a monitor interface on "
		    "%s: remove it or choose another with vif=", name,
		    m->phyname);
		return r;
	}
	if (r == 1) {
		log_debug("nl80211: reusing monitor interface %s", name);
		m->vif_ifindex = idx;
		return 0;
	}
	if ((r = monitor_new_vif(m, name, opts, &idx)) < 0)
		return r;
	m->vif_ifindex = idx;
	m->vif_created = true;
	log_debug("nl80211: created monitor interface %s on %s", name,
	    m->phyname);
	return 0;
}

/* Bring ifindex up or down unless it already is; sets *changed. */
static int
monitor_link(struct monitor *m, uint32_t ifindex, const char *name, bool up,
    bool *changed)
{
	unsigned int flags;
	int r;

	*changed = false;
	if ((r = nl80211_link_flags(m->nl, ifindex, &flags)) < 0) {
		monitor_fail(m, "cannot read the state of %s: %s", name,
		    strerror(-r));
		return r;
	}
	if (((flags & IFF_UP) != 0) == up)
		return 0;
	if ((r = nl80211_link_set_up(m->nl, ifindex, up)) < 0) {
		if (r == -ERFKILL)
			snprintf(m->error, sizeof(m->error),
			    "cannot bring %s up: %s is blocked by rfkill",
			    name, m->phyname);
		else
			monitor_fail(m, "cannot bring %s %s: %s", name,
			    up ? "up" : "down", strerror(-r));
		return r;
	}
	*changed = true;
	return 0;
}

int
monitor_open(struct monitor *m, const struct wiphy_iface *iface,
    const struct wiphy *phy, const struct monitor_opts *opts)
{
	bool changed;
	int r;

	monitor_close(m);
	m->error[0] = m->warning[0] = '\0';
	m->phy = phy->index;
	snprintf(m->phyname, sizeof(m->phyname), "%s", phy->name);
	snprintf(m->parent, sizeof(m->parent), "%s", iface->name);
	m->parent_ifindex = iface->ifindex;
	m->vif_gone = false;
	m->open = true;
	if (!phy->monitor) {
		snprintf(m->error, sizeof(m->error),
		    "%s (%s, driver %s) does not support monitor mode",
		    iface->name, phy->name,
		    phy->driver[0] != '\0' ? phy->driver : "unknown");
		r = -EOPNOTSUPP;
		goto fail;
	}
	if ((r = monitor_rfkill(m)) < 0)
		goto fail;
	if (!m->subscribed) {
		if ((r = nl80211_subscribe(m->nl, "config")) < 0) {
			monitor_fail(m, "cannot follow nl80211 events: %s",
			    strerror(-r));
			goto fail;
		}
		m->subscribed = true;
	}
	if (iface->type == NL80211_IFTYPE_MONITOR) {
		snprintf(m->vif, sizeof(m->vif), "%s", iface->name);
		m->vif_ifindex = iface->ifindex;
	} else {
		if ((r = monitor_make_vif(m, opts)) < 0)
			goto fail;
		if (!opts->ignoreprimary) {
			if ((r = monitor_link(m, m->parent_ifindex, m->parent,
			    false, &changed)) < 0)
				goto fail;
			m->parent_downed = changed;
		}
	}
	if ((r = monitor_link(m, m->vif_ifindex, m->vif, true, &changed)) < 0)
		goto fail;
	m->vif_raised = changed && !m->vif_created;
	if (monitor_nm_running("/proc"))
		snprintf(m->warning, sizeof(m->warning),
		    "NetworkManager is running: run 'nmcli device set %s "
		    "managed no' so that it leaves %s alone", m->parent,
		    m->parent);
	return 0;
fail:
	monitor_close(m);
	return r;
}

static uint32_t
monitor_nl_width(enum chan_width w)
{
	switch (w) {
	case CHAN_WIDTH_20_NOHT:
		return NL80211_CHAN_WIDTH_20_NOHT;
	case CHAN_WIDTH_20:
		return NL80211_CHAN_WIDTH_20;
	case CHAN_WIDTH_40:
		return NL80211_CHAN_WIDTH_40;
	case CHAN_WIDTH_80:
		return NL80211_CHAN_WIDTH_80;
	case CHAN_WIDTH_160:
		return NL80211_CHAN_WIDTH_160;
	case CHAN_WIDTH_5:
		return NL80211_CHAN_WIDTH_5;
	case CHAN_WIDTH_10:
		return NL80211_CHAN_WIDTH_10;
	}
	return NL80211_CHAN_WIDTH_20_NOHT;
}

int
monitor_set_channel(struct monitor *m, const struct chan *c)
{
	char name[CHAN_STR_MAX];
	struct nl_msg *msg;
	int r;

	if (chan_format(c, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "%u", c->freq);
	if ((msg = nl80211_msg(m->nl, NL80211_CMD_SET_CHANNEL, 0)) == NULL)
		return -ENOMEM;
	if (nla_put_u32(msg, NL80211_ATTR_IFINDEX, m->vif_ifindex) < 0 ||
	    nla_put_u32(msg, NL80211_ATTR_WIPHY_FREQ, c->freq) < 0 ||
	    nla_put_u32(msg, NL80211_ATTR_CHANNEL_WIDTH,
	    monitor_nl_width(c->width)) < 0 ||
	    nla_put_u32(msg, NL80211_ATTR_CENTER_FREQ1, c->center1) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if ((r = nl80211_request(m->nl, msg, NULL, NULL)) < 0)
		monitor_fail(m, "cannot tune %s to %s: %s", m->vif, name,
		    strerror(-r));
	return r;
}

int
monitor_get_channel(struct monitor *m, struct chan *ret)
{
	struct wiphy_iface i;
	int r;

	if ((r = wiphy_iface_by_index(m->nl, m->vif_ifindex, &i)) < 0)
		return r;
	if (!i.has_chan)
		return -ENODATA;
	*ret = i.chan;
	return 0;
}

int
monitor_event_fd(const struct monitor *m)
{
	return nl80211_event_fd(m->nl);
}

static int
monitor_event_cb(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct monitor *m = arg;

	if (cmd == NL80211_CMD_DEL_INTERFACE &&
	    tb[NL80211_ATTR_IFINDEX] != NULL &&
	    nla_get_u32(tb[NL80211_ATTR_IFINDEX]) == m->vif_ifindex)
		m->vif_gone = true;
	return 0;
}

int
monitor_events(struct monitor *m)
{
	struct wiphy_iface i;
	int r;

	if (!m->open)
		return 0;
	r = nl80211_event_read(m->nl, monitor_event_cb, m);
	/* Events lost: ask whether the interface is still there. */
	if (r < 0 && wiphy_iface_by_index(m->nl, m->vif_ifindex, &i) < 0)
		m->vif_gone = true;
	if (m->vif_gone) {
		snprintf(m->error, sizeof(m->error),
		    "monitor interface %s was deleted by another program",
		    m->vif);
		return -ENODEV;
	}
	return 0;
}

void
monitor_close(struct monitor *m)
{
	struct nl_msg *msg;
	bool changed;
	int r;

	if (!m->open)
		return;
	if (m->vif_created && !m->vif_gone) {
		if ((msg = nl80211_msg(m->nl, NL80211_CMD_DEL_INTERFACE,
		    0)) != NULL &&
		    nla_put_u32(msg, NL80211_ATTR_IFINDEX,
		    m->vif_ifindex) == 0) {
			r = nl80211_request(m->nl, msg, NULL, NULL);
			if (r < 0 && r != -ENODEV)
				log_debug("nl80211: cannot delete %s: %s",
				    m->vif, strerror(-r));
		} else if (msg != NULL)
			nlmsg_free(msg);
	} else if (m->vif_raised && !m->vif_gone)
		(void)monitor_link(m, m->vif_ifindex, m->vif, false, &changed);
	if (m->parent_downed)
		(void)monitor_link(m, m->parent_ifindex, m->parent, true,
		    &changed);
	if (m->rfkill_fd >= 0) {
		if (pwrite(m->rfkill_fd, "1", 1, 0) != 1)
			log_debug("nl80211: %s: cannot restore the soft rfkill "
			    "block: %s", m->phyname, strerror(errno));
		close(m->rfkill_fd);
		m->rfkill_fd = -1;
	}
	m->vif_created = m->vif_raised = m->parent_downed = false;
	m->open = false;
}
