/* SPDX-License-Identifier: ISC */
/* \summary: the core's status, message, channel and datasource answers */

#include <sys/queue.h>
#include <sys/time.h>

#include <malloc.h>
#include <string.h>
#include <time.h>

#include "osprey_config.h"

#include "bridge.h"
#include "control.h"
#include "ctlstat.h"
#include "datasource.h"
#include "kislog.h"
#include "loopstat.h"
#include "msgbus.h"
#include "packet.h"
#include "pktstats.h"
#include "tracker.h"

static void
ctlstat_pack_list(msgpack_packer *pk, const char *key,
    const struct chanplan_list *l)
{
	size_t i;

	bridge_pack_cstr(pk, key);
	msgpack_pack_array(pk, l->n);
	for (i = 0; i < l->n; i++)
		bridge_pack_cstr(pk, l->v[i]);
}

void
ctlstat_pack_source(msgpack_packer *pk, const struct datasource *ds,
    const struct pktstats *ps)
{
	msgpack_pack_map(pk, 27 + (ps != NULL));
	if (ps != NULL) {
		bridge_pack_cstr(pk, "kismet.datasource.packets_rrd");
		pktstats_pack_source(ps, ds->id, (uint64_t)time(NULL), pk);
	}
	bridge_pack_kv_str(pk, "kismet.datasource.uuid", ds->uuid);
	bridge_pack_kv_u64(pk, "kismet.datasource.source_number", ds->id);
	bridge_pack_kv_str(pk, "kismet.datasource.name", ds->name);
	bridge_pack_kv_str(pk, "kismet.datasource.definition",
	    ds->definition);
	bridge_pack_kv_str(pk, "kismet.datasource.interface", ds->interface);
	bridge_pack_kv_str(pk, "kismet.datasource.capture_interface",
	    ds->capture_interface);
	bridge_pack_kv_str(pk, "kismet.datasource.type", ds->type);
	bridge_pack_kv_str(pk, "kismet.datasource.hardware", ds->hardware);
	bridge_pack_kv_u64(pk, "kismet.datasource.dlt", ds->dlt);
	bridge_pack_kv_bool(pk, "kismet.datasource.running",
	    datasource_running(ds));
	bridge_pack_kv_bool(pk, "kismet.datasource.paused",
	    datasource_paused(ds));
	bridge_pack_kv_bool(pk, "kismet.datasource.error",
	    datasource_error(ds));
	bridge_pack_kv_str(pk, "kismet.datasource.error_reason",
	    ds->error_reason);
	bridge_pack_kv_str(pk, "kismet.datasource.state",
	    datasource_state_name(ds->state));
	ctlstat_pack_list(pk, "kismet.datasource.channels", &ds->channels);
	bridge_pack_kv_str(pk, "kismet.datasource.channel", ds->channel);
	bridge_pack_kv_bool(pk, "kismet.datasource.hopping", ds->hopping);
	bridge_pack_kv_double(pk, "kismet.datasource.hop_rate", ds->hop_rate);
	ctlstat_pack_list(pk, "kismet.datasource.hop_channels",
	    &ds->hop_channels);
	bridge_pack_kv_u64(pk, "kismet.datasource.hop_offset",
	    ds->hop_offset);
	bridge_pack_kv_bool(pk, "kismet.datasource.hop_shuffle",
	    ds->hop_shuffle);
	bridge_pack_kv_u64(pk, "kismet.datasource.num_packets",
	    ds->num_packets);
	bridge_pack_kv_u64(pk, "kismet.datasource.num_error_packets",
	    ds->num_error_packets);
	bridge_pack_kv_u64(pk, "kismet.datasource.num_drops", ds->num_drops);
	bridge_pack_kv_bool(pk, "kismet.datasource.remote", ds->remote);
	bridge_pack_kv_bool(pk, "kismet.datasource.retry", ds->retry);
	bridge_pack_kv_u64(pk, "kismet.datasource.retry_attempts",
	    ds->retry_attempts);
}

static int
ctlstat_message_cb(const struct msgbus_msg *msg, void *arg)
{
	msgpack_packer *pk = arg;

	msgpack_pack_map(pk, 4);
	bridge_pack_kv_str(pk, "kismet.messagebus.message_string", msg->text);
	bridge_pack_kv_u64(pk, "kismet.messagebus.message_flags",
	    msg->level);
	bridge_pack_kv_u64(pk, "kismet.messagebus.message_time",
	    msg->ts_sec);
	bridge_pack_kv_u64(pk, "kismet.messagebus.message_seq", msg->seq);
	return 0;
}

static int
ctlstat_count_cb(const struct msgbus_msg *msg, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

static void
ctlstat_pack_hist(msgpack_packer *pk, const char *key, const uint64_t *v,
    const uint32_t *v32, size_t n)
{
	size_t i;

	msgpack_pack_str_with_body(pk, key, strlen(key));
	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++)
		msgpack_pack_uint64(pk, v != NULL ? v[i] : v32[i]);
}

/* The loop's own gap and hold figures (loopstat.h): 9 fields. */
static void
ctlstat_pack_loop(msgpack_packer *pk)
{
	bridge_pack_kv_u64(pk, "osprey.system.loop.gap_max_usec",
	    loopstat_gap.max_usec);
	bridge_pack_kv_u64(pk, "osprey.system.loop.gap_wall_max_usec",
	    loopstat_gap.wall_max_usec);
	bridge_pack_kv_u64(pk, "osprey.system.loop.gap_count",
	    loopstat_gap.n);
	ctlstat_pack_hist(pk, "osprey.system.loop.gap_hist", loopstat_gap.hist,
	    NULL, LOOPSTAT_BUCKETS);
	bridge_pack_kv_u64(pk, "osprey.system.loop.hold_max_usec",
	    loopstat_hold.max_usec);
	bridge_pack_kv_u64(pk, "osprey.system.loop.hold_wall_max_usec",
	    loopstat_hold.wall_max_usec);
	bridge_pack_kv_u64(pk, "osprey.system.loop.hold_count",
	    loopstat_hold.n);
	ctlstat_pack_hist(pk, "osprey.system.loop.hold_hist",
	    loopstat_hold.hist, NULL, LOOPSTAT_BUCKETS);
	ctlstat_pack_hist(pk, "osprey.system.loop.hist_bounds_usec", NULL,
	    loopstat_bounds, LOOPSTAT_BUCKETS - 1);
	bridge_pack_kv_u64(pk, "osprey.system.loop.bulk_held",
	    loopstat_bulk_held);
}

void
ctlstat_pack_status(const struct control_deps *d,
    const struct ctlstat_web *w, msgpack_packer *pk)
{
	struct tracker_stats ts;
	struct mallinfo2 mi;
	struct timeval tv;
	size_t n;

	gettimeofday(&tv, NULL);
	/* A libc call, no system call: fine inside the sandbox. */
	mi = mallinfo2();
	n = datasource_mgr_count(d->sources);
	memset(&ts, 0, sizeof(ts));
	if (d->tracker != NULL)
		tracker_stats(d->tracker, &ts);
	msgpack_pack_map(pk, 14 + 10 + kislog_status_fields() +
	    (d->stats != NULL ? 3 : 0));
	if (d->stats != NULL) {
		/* Kismet's two, and the packet rate for an overview. */
		bridge_pack_cstr(pk, "kismet.system.devices.rrd");
		pktstats_pack_gauge(d->stats, PKTSTATS_DEVICES,
		    (uint64_t)tv.tv_sec, pk);
		bridge_pack_cstr(pk, "kismet.system.memory.rrd");
		pktstats_pack_gauge(d->stats, PKTSTATS_MEMORY,
		    (uint64_t)tv.tv_sec, pk);
		bridge_pack_cstr(pk, "kismet.system.packets.rrd");
		pktstats_pack_rrd(d->stats, PKTSTATS_RATE,
		    (uint64_t)tv.tv_sec, pk);
	}
	bridge_pack_kv_str(pk, "kismet.system.version", OSPREY_VERSION);
	bridge_pack_kv_str(pk, "kismet.system.server_name", "osprey");
	bridge_pack_kv_u64(pk, "kismet.system.timestamp.sec",
	    (uint64_t)tv.tv_sec);
	bridge_pack_kv_u64(pk, "kismet.system.timestamp.usec",
	    (uint64_t)tv.tv_usec);
	bridge_pack_kv_u64(pk, "kismet.system.timestamp.start_sec",
	    d->started);
	bridge_pack_kv_u64(pk, "osprey.system.memory.heap",
	    (uint64_t)(mi.uordblks + mi.hblkhd));
	bridge_pack_kv_u64(pk, "kismet.system.devices.count", ts.devices);
	bridge_pack_kv_u64(pk, "osprey.system.datasources.count", n);
	bridge_pack_kv_u64(pk, "osprey.system.packets.total",
	    packet_count(d->packets));
	bridge_pack_kv_u64(pk, "osprey.system.packets.error",
	    packet_error_count(d->packets));
	bridge_pack_kv_u64(pk, "osprey.system.web.packets_dropped",
	    w->packets_dropped);
	/* Why the web worker last stopped, for a UI that was away then. */
	bridge_pack_kv_u64(pk, "osprey.system.web.restarts", w->restarts);
	bridge_pack_kv_str(pk, "osprey.system.web.last_error", w->last_error);
	bridge_pack_kv_u64(pk, "osprey.system.web.last_error_time",
	    w->last_error_sec);
	ctlstat_pack_loop(pk);
	kislog_pack_status(d->kislog, pk);
}

void
ctlstat_pack_messages(const struct msgbus *bus, uint64_t sec, uint64_t usec,
    msgpack_packer *pk)
{
	struct timeval tv;
	size_t n = 0;

	gettimeofday(&tv, NULL);
	/* Counted first: msgpack wants the array's length before it. */
	msgbus_since(bus, sec, usec, ctlstat_count_cb, &n);
	msgpack_pack_map(pk, 2);
	bridge_pack_kv_double(pk, "kismet.messagebus.timestamp",
	    (double)tv.tv_sec + tv.tv_usec / 1e6);
	bridge_pack_cstr(pk, "kismet.messagebus.list");
	msgpack_pack_array(pk, n);
	msgbus_since(bus, sec, usec, ctlstat_message_cb, pk);
}

void
ctlstat_pack_channels(const struct datasource_mgr *mgr, msgpack_packer *pk)
{
	const struct datasource_list *l = datasource_mgr_sources(mgr);
	const struct datasource *ds;

	msgpack_pack_map(pk, 1);
	bridge_pack_cstr(pk, "osprey.channels.sources");
	msgpack_pack_array(pk, datasource_mgr_count(mgr));
	TAILQ_FOREACH(ds, l, entry) {
		msgpack_pack_map(pk, 5);
		bridge_pack_kv_str(pk, "kismet.datasource.uuid", ds->uuid);
		bridge_pack_kv_str(pk, "kismet.datasource.channel",
		    ds->channel);
		bridge_pack_kv_bool(pk, "kismet.datasource.hopping",
		    ds->hopping);
		ctlstat_pack_list(pk, "kismet.datasource.channels",
		    &ds->channels);
		ctlstat_pack_list(pk, "kismet.datasource.hop_channels",
		    &ds->hop_channels);
	}
}
