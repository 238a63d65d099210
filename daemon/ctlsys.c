/* SPDX-License-Identifier: ISC */
/* \summary: the core's answers to the web's newer queries and commands */

#include <sys/time.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "bridge.h"
#include "control.h"
#include "ctlsys.h"
#include "datasource.h"
#include "device.h"
#include "devnames.h"
#include "gps.h"
#include "pcaplog.h"
#include "pktstats.h"
#include "tracker.h"
#include "xmalloc.h"

#define CTLSYS_MAX_TYPES	8

static double
ctlsys_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* One entry of /devices/views/all_views.json. */
static void
ctlsys_pack_view(msgpack_packer *pk, const char *id, const char *desc,
    uint64_t size)
{
	msgpack_pack_map(pk, 3);
	bridge_pack_kv_str(pk, "kismet.devices.view.id", id);
	bridge_pack_kv_str(pk, "kismet.devices.view.description", desc);
	bridge_pack_kv_u64(pk, "kismet.devices.view.size", size);
}

/*
 * The views a client can ask for (/devices/views/ID/devices.json) and
 * how many devices each holds now: one walk over the table.
 */
static void
ctlsys_pack_views(const struct control_deps *d, msgpack_packer *pk)
{
	const struct datasource_list *l = datasource_mgr_sources(d->sources);
	const struct datasource *ds;
	const struct device *dev;
	uint64_t all = 0, aps = 0, phy[DEVICE_PHY_COUNT], *seen;
	size_t n_src = datasource_mgr_count(d->sources), i;
	char id[128], desc[256];
	int j;

	memset(phy, 0, sizeof(phy));
	seen = xcalloc(n_src + 1, sizeof(*seen));
	for (dev = d->tracker != NULL ? tracker_first(d->tracker) : NULL;
	    dev != NULL; dev = tracker_next(dev)) {
		all++;
		if ((dev->type_set & DEVICE_TYPE_ANY_AP) != 0)
			aps++;
		if (dev->phy < DEVICE_PHY_COUNT)
			phy[dev->phy]++;
		i = 0;
		TAILQ_FOREACH(ds, l, entry) {
			for (j = 0; j < dev->n_seenby; j++)
				if (device_seenby_c(dev, j)->source == ds->id) {
					seen[i]++;
					break;
				}
			i++;
		}
	}
	msgpack_pack_array(pk, 2 + DEVICE_PHY_COUNT + n_src);
	ctlsys_pack_view(pk, "all", "All devices", all);
	ctlsys_pack_view(pk, "phydot11_accesspoints",
	    "IEEE802.11 access points", aps);
	for (j = 0; j < DEVICE_PHY_COUNT; j++) {
		snprintf(id, sizeof(id), "phy-%s", device_phy_name(j));
		snprintf(desc, sizeof(desc), "%s devices", device_phy_name(j));
		ctlsys_pack_view(pk, id, desc, phy[j]);
	}
	i = 0;
	TAILQ_FOREACH(ds, l, entry) {
		snprintf(id, sizeof(id), "seenby-%s", ds->uuid);
		snprintf(desc, sizeof(desc), "Devices seen by datasource %s",
		    ds->name);
		ctlsys_pack_view(pk, id, desc, seen[i++]);
	}
	free(seen);
}

static void
ctlsys_pack_phys(const struct control_deps *d, msgpack_packer *pk)
{
	const struct device *dev;
	uint64_t n[DEVICE_PHY_COUNT], pkts[DEVICE_PHY_COUNT];
	int j;

	memset(n, 0, sizeof(n));
	memset(pkts, 0, sizeof(pkts));
	for (dev = d->tracker != NULL ? tracker_first(d->tracker) : NULL;
	    dev != NULL; dev = tracker_next(dev))
		if (dev->phy < DEVICE_PHY_COUNT) {
			n[dev->phy]++;
			pkts[dev->phy] += dev->packets;
		}
	msgpack_pack_array(pk, DEVICE_PHY_COUNT);
	for (j = 0; j < DEVICE_PHY_COUNT; j++) {
		msgpack_pack_map(pk, 4);
		bridge_pack_kv_str(pk, "kismet.phy.phy_name",
		    device_phy_name(j));
		bridge_pack_kv_u64(pk, "kismet.phy.phy_id", (uint64_t)j);
		bridge_pack_kv_u64(pk, "kismet.phy.device_count", n[j]);
		bridge_pack_kv_u64(pk, "kismet.phy.packet_count", pkts[j]);
	}
}

static void
ctlsys_pack_types(const struct control_deps *d, msgpack_packer *pk)
{
	struct datasource_type_info t[CTLSYS_MAX_TYPES];
	size_t n, i;

	n = datasource_types(d->sources, t, CTLSYS_MAX_TYPES);
	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(pk, 12);
		bridge_pack_kv_str(pk, "kismet.datasource.driver.type",
		    t[i].type);
		bridge_pack_kv_str(pk, "kismet.datasource.driver.description",
		    t[i].description);
		bridge_pack_kv_bool(pk,
		    "kismet.datasource.driver.probe_capable", true);
		bridge_pack_kv_bool(pk, "kismet.datasource.driver.probe_ipc",
		    true);
		bridge_pack_kv_bool(pk,
		    "kismet.datasource.driver.list_capable", true);
		bridge_pack_kv_bool(pk, "kismet.datasource.driver.list_ipc",
		    true);
		bridge_pack_kv_bool(pk,
		    "kismet.datasource.driver.local_capable", t[i].installed);
		bridge_pack_kv_bool(pk, "kismet.datasource.driver.local_ipc",
		    true);
		bridge_pack_kv_bool(pk,
		    "kismet.datasource.driver.remote_capable", true);
		bridge_pack_kv_bool(pk,
		    "kismet.datasource.driver.passive_capable", false);
		bridge_pack_kv_bool(pk,
		    "kismet.datasource.driver.tune_capable", t[i].tunable);
		bridge_pack_kv_str(pk, "osprey.datasource.driver.helper",
		    t[i].helper);
	}
}

static void
ctlsys_pack_defaults(const struct control_deps *d, msgpack_packer *pk)
{
	const struct datasource_policy *p = datasource_mgr_policy(d->sources);

	msgpack_pack_map(pk, 6);
	bridge_pack_kv_bool(pk, "kismet.datasourcetracker.default.hop",
	    p->channel_hop);
	bridge_pack_kv_double(pk, "kismet.datasourcetracker.default.hop_rate",
	    p->hop_rate);
	bridge_pack_kv_bool(pk, "kismet.datasourcetracker.default.split",
	    p->split);
	bridge_pack_kv_bool(pk,
	    "kismet.datasourcetracker.default.random_order", p->shuffle);
	bridge_pack_kv_bool(pk,
	    "kismet.datasourcetracker.default.retry_on_error", p->retry);
	bridge_pack_kv_bool(pk,
	    "kismet.datasourcetracker.default.remote_cap_timestamp",
	    p->override_remote_ts);
}

/*
 * GPS: the GPS layer's answers (daemon/gps/gps.h).  A core run without
 * it (tests of other parts) has no fix and no receiver.
 */
static void
ctlsys_pack_gps_location(const struct control_deps *d, msgpack_packer *pk)
{
	if (d->gps != NULL) {
		gps_pack_location(d->gps, pk);
		return;
	}
	msgpack_pack_map(pk, 2);
	bridge_pack_kv_u64(pk, "kismet.common.location.fix", 0);
	bridge_pack_kv_bool(pk, "kismet.common.location.valid", false);
}

static void
ctlsys_pack_gps_all(const struct control_deps *d, msgpack_packer *pk)
{
	if (d->gps != NULL)
		gps_pack_all(d->gps, pk);
	else
		msgpack_pack_array(pk, 0);
}

static void
ctlsys_pack_gps_drivers(const struct control_deps *d, msgpack_packer *pk)
{
	gps_pack_drivers(pk);
}

/*
 * "LAT,LON,ALT,SPEED" as the web sends a browser's position, the last
 * two possibly empty.
 */
static int
ctlsys_web_gps(const struct control_deps *d, const struct bridge_cmd *c,
    msgpack_packer *pk, char *reason, size_t len)
{
	const struct gps_dev *dev;
	bool has[4] = { false, false, false, false };
	const char *s = c->value;
	double v[4];
	char *end;
	int i, rc;

	for (i = 0; i < 4; i++) {
		if (*s != ',' && *s != '\0') {
			v[i] = strtod(s, &end);
			if (end == s) {
				snprintf(reason, len, "not a number");
				return -EINVAL;
			}
			has[i] = true;
			s = end;
		}
		if (*s != (i < 3 ? ',' : '\0')) {
			snprintf(reason, len, "expected lat and lon");
			return -EINVAL;
		}
		if (i < 3)
			s++;
	}
	if (!has[0] || !has[1]) {
		snprintf(reason, len, "expected lat and lon");
		return -EINVAL;
	}
	if ((rc = gps_web_update(d->gps, c->name, v[0], v[1], has[2] ? &v[2] :
	    NULL, has[3] ? &v[3] : NULL, &dev, reason, len)) != 0)
		return rc;
	gps_pack_dev(d->gps, dev, pk);
	return 0;
}

static int
ctlsys_gps_cmd(const struct control_deps *d, const struct bridge_cmd *c,
    msgpack_packer *pk, char *reason, size_t len)
{
	const struct gps_dev *dev;
	int rc;

	if (d->gps == NULL) {
		snprintf(reason, len, "the GPS layer is not running");
		return -ENOSYS;
	}
	switch (c->cmd) {
	case BRIDGE_CMD_ADD_GPS:
		if ((rc = gps_add(d->gps, c->value, &dev, reason, len)) != 0)
			return rc;
		gps_pack_dev(d->gps, dev, pk);
		return 0;
	case BRIDGE_CMD_REMOVE_GPS:
		if ((rc = gps_remove(d->gps, c->key, reason, len)) != 0)
			return rc;
		msgpack_pack_map(pk, 2);
		bridge_pack_kv_str(pk, "kismet.gps.uuid", c->key);
		bridge_pack_kv_bool(pk, "osprey.gps.removed", true);
		return 0;
	default:
		return ctlsys_web_gps(d, c, pk, reason, len);
	}
}

/*
 * The log drivers: osprey writes one kind of log, pcapng, chosen in the
 * config at start (log_types, log_template); no log starts or stops at
 * run time.
 */
static void
ctlsys_pack_log_driver(msgpack_packer *pk)
{
	msgpack_pack_map(pk, 5);
	bridge_pack_kv_str(pk, "kismet.logfile.driver.class", "pcapng");
	bridge_pack_kv_str(pk, "kismet.logfile.driver.name",
	    "pcapng packet log");
	bridge_pack_kv_str(pk, "kismet.logfile.driver.description",
	    "every packet with its radio header and source, as pcapng");
	bridge_pack_kv_bool(pk, "kismet.logfile.driver.stream", false);
	bridge_pack_kv_bool(pk, "kismet.logfile.driver.singleton", true);
}

static void
ctlsys_pack_logs(const struct control_deps *d, msgpack_packer *pk)
{
	if (d->log == NULL || d->log_path == NULL) {
		msgpack_pack_array(pk, 0);
		return;
	}
	msgpack_pack_array(pk, 1);
	msgpack_pack_map(pk, 5);
	bridge_pack_kv_str(pk, "kismet.logfile.path", d->log_path);
	bridge_pack_kv_bool(pk, "kismet.logfile.open",
	    !pcaplog_failed(d->log));
	bridge_pack_kv_str(pk, "kismet.logfile.description",
	    "pcapng packet log");
	bridge_pack_kv_u64(pk, "osprey.logfile.packets",
	    pcaplog_packets(d->log));
	bridge_pack_cstr(pk, "kismet.logfile.driver");
	ctlsys_pack_log_driver(pk);
}

static void
ctlsys_pack_alerts(const struct control_deps *d, double since,
    msgpack_packer *pk)
{
	msgpack_pack_map(pk, 2);
	bridge_pack_kv_double(pk, "kismet.alert.timestamp", ctlsys_now());
	bridge_pack_cstr(pk, "kismet.alert.list");
	if (d->alerts == NULL) {
		msgpack_pack_array(pk, 0);
		return;
	}
	msgpack_pack_array(pk, alerts_count_since(d->alerts, since));
	alerts_pack_since(d->alerts, since, pk);
}

int
ctlsys_pack(const struct control_deps *d, const struct bridge_system_req *r,
    msgpack_packer *pk)
{
	switch (r->what) {
	case BRIDGE_SYS_ALERTS:
		ctlsys_pack_alerts(d, r->has_since && r->since > 0 ? r->since :
		    0, pk);
		return 0;
	case BRIDGE_SYS_ALERT_BY_ID:
		/* An id is a whole number the web worker has checked. */
		if (d->alerts == NULL || !r->has_since || r->since < 1 ||
		    r->since > 9007199254740992.0)
			return -ENOENT;
		return alerts_pack_by_id(d->alerts, (uint64_t)r->since, pk);
	case BRIDGE_SYS_ALERT_DEFS:
		if (d->alerts != NULL)
			alerts_pack_definitions(d->alerts, pk);
		else
			msgpack_pack_array(pk, 0);
		return 0;
	case BRIDGE_SYS_PACKET_STATS:
		if (d->stats == NULL)
			return -ENOENT;
		pktstats_pack_all(d->stats, (uint64_t)time(NULL), pk);
		return 0;
	case BRIDGE_SYS_GPS:
		ctlsys_pack_gps_location(d, pk);
		return 0;
	case BRIDGE_SYS_GPS_ALL:
		ctlsys_pack_gps_all(d, pk);
		return 0;
	case BRIDGE_SYS_GPS_DRIVERS:
		ctlsys_pack_gps_drivers(d, pk);
		return 0;
	case BRIDGE_SYS_GPS_TRACK:
		if (d->gps != NULL)
			gps_pack_track(d->gps, pk);
		else {
			msgpack_pack_map(pk, 1);
			bridge_pack_cstr(pk, "osprey.gps.track");
			msgpack_pack_array(pk, 0);
		}
		return 0;
	case BRIDGE_SYS_VIEWS:
		ctlsys_pack_views(d, pk);
		return 0;
	case BRIDGE_SYS_PHYS:
		ctlsys_pack_phys(d, pk);
		return 0;
	case BRIDGE_SYS_SOURCE_TYPES:
		ctlsys_pack_types(d, pk);
		return 0;
	case BRIDGE_SYS_SOURCE_DEFAULTS:
		ctlsys_pack_defaults(d, pk);
		return 0;
	case BRIDGE_SYS_LOG_DRIVERS:
		msgpack_pack_array(pk, 1);
		ctlsys_pack_log_driver(pk);
		return 0;
	case BRIDGE_SYS_LOG_ACTIVE:
		ctlsys_pack_logs(d, pk);
		return 0;
	default:
		return -ENOENT;
	}
}

void
ctlsys_pack_interfaces(const struct control_deps *d,
    const struct datasource_iface *v, size_t n, msgpack_packer *pk)
{
	const struct datasource_list *l = datasource_mgr_sources(d->sources);
	const struct datasource *ds;
	const char *uuid;
	size_t i;

	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		uuid = "00000000-0000-0000-0000-000000000000";
		TAILQ_FOREACH(ds, l, entry)
			if (strcmp(ds->type, v[i].type) == 0 &&
			    strcmp(ds->interface, v[i].interface) == 0)
				uuid = ds->uuid;
		msgpack_pack_map(pk, 5);
		bridge_pack_kv_str(pk, "kismet.datasource.probed.interface",
		    v[i].interface);
		bridge_pack_kv_str(pk, "kismet.datasource.probed.hardware",
		    v[i].hardware);
		bridge_pack_kv_str(pk, "kismet.datasource.probed.in_use_uuid",
		    uuid);
		bridge_pack_kv_str(pk, "osprey.datasource.probed.flags",
		    v[i].flags);
		bridge_pack_cstr(pk, "kismet.datasource.type_driver");
		msgpack_pack_map(pk, 1);
		bridge_pack_kv_str(pk, "kismet.datasource.driver.type",
		    v[i].type);
	}
}

/* A device's user fields after a change: {key, username?, tags?}. */
static void
ctlsys_pack_user(const struct control_deps *d, const char *key,
    msgpack_packer *pk)
{
	msgpack_pack_map(pk, 1 + devnames_pack(d->names, key, NULL));
	bridge_pack_kv_str(pk, "kismet.device.base.key", key);
	(void)devnames_pack(d->names, key, pk);
}

int
ctlsys_cmd(const struct control_deps *d, const struct bridge_cmd *c,
    msgpack_packer *pk, char *reason, size_t len)
{
	struct alerts_def def;
	struct alerts_raise ar;
	int rc;

	switch (c->cmd) {
	case BRIDGE_CMD_SET_NAME:
	case BRIDGE_CMD_SET_TAG:
		if (d->tracker == NULL || d->names == NULL) {
			snprintf(reason, len, "device tracking is not running");
			return -ENOSYS;
		}
		/* Only a device the core knows: a typo should not stick. */
		if (tracker_find_key(d->tracker, c->key) == NULL) {
			snprintf(reason, len, "no such device");
			return -ENOENT;
		}
		rc = c->cmd == BRIDGE_CMD_SET_NAME ? devnames_set_name(
		    d->names, c->key, c->name, reason, len) :
		    devnames_set_tag(d->names, c->key, c->name, c->value,
		    reason, len);
		if (rc != 0)
			return rc;
		ctlsys_pack_user(d, c->key, pk);
		return 0;
	case BRIDGE_CMD_ADD_GPS:
	case BRIDGE_CMD_REMOVE_GPS:
	case BRIDGE_CMD_WEB_GPS:
		return ctlsys_gps_cmd(d, c, pk, reason, len);
	case BRIDGE_CMD_DEFINE_ALERT:
	case BRIDGE_CMD_RAISE_ALERT:
		if (d->alerts == NULL) {
			snprintf(reason, len, "alerts are not running");
			return -ENOSYS;
		}
		break;
	default:
		snprintf(reason, len, "unknown command");
		return -EINVAL;
	}
	if (c->cmd == BRIDGE_CMD_DEFINE_ALERT) {
		memset(&def, 0, sizeof(def));
		def.name = c->name;
		def.description = c->value;
		def.phyname = c->phyname;
		def.throttle = c->throttle;
		def.burst = c->burst;
		if ((rc = alerts_define(d->alerts, &def, reason, len)) != 0)
			return rc;
		msgpack_pack_map(pk, 1);
		bridge_pack_kv_str(pk, "kismet.alert.definition.header",
		    c->name);
		return 0;
	}
	memset(&ar, 0, sizeof(ar));
	ar.name = c->name;
	ar.text = c->value;
	ar.bssid = c->bssid;
	ar.source = c->source;
	ar.dest = c->dest;
	ar.other = c->other;
	ar.channel = c->channel;
	ar.now = ctlsys_now();
	if ((rc = alerts_raise(d->alerts, &ar, reason, len)) != 0)
		return rc;
	msgpack_pack_map(pk, 2);
	bridge_pack_kv_str(pk, "kismet.alert.header", c->name);
	bridge_pack_kv_double(pk, "kismet.alert.timestamp", ar.now);
	return 0;
}
