/* SPDX-License-Identifier: ISC */
/* \summary: alert definitions and the backlog of raised alerts */

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts.h"
#include "bridge.h"
#include "config.h"
#include "device.h"
#include "log.h"
#include "msgbus.h"
#include "xmalloc.h"

#define ALERTS_MAC_LEN	18		/* "AA:BB:CC:DD:EE:FF" and NUL */
#define ALERTS_CHAN_MAX	32

/* The times of the last n alerts sent, to hold a rate. */
struct alerts_window {
	double		*t;		/* rate entries, a ring */
	uint32_t	 rate;
	uint32_t	 n, head;
	enum alerts_unit unit;
};

struct alerts_defn {
	char		 name[ALERTS_NAME_MAX + 1];
	char		*description;
	int		 phy;		/* -1: every phy */
	char		 aclass[ALERTS_CLASS_MAX + 1];
	unsigned	 severity;
	struct alerts_window limit, burst;
	uint64_t	 total_sent;
	uint64_t	 throttled;
	double		 time_last;
};

struct alerts_rec {
	uint64_t	 id;		/* 0: an empty slot */
	double		 ts;
	size_t		 def_i;		/* index in defs (which only grow) */
	int		 phy;
	uint32_t	 hash;
	char		 name[ALERTS_NAME_MAX + 1];
	char		 text[ALERTS_TEXT_MAX + 1];
	char		 bssid[ALERTS_MAC_LEN], source[ALERTS_MAC_LEN];
	char		 dest[ALERTS_MAC_LEN], other[ALERTS_MAC_LEN];
	char		 channel[ALERTS_CHAN_MAX + 1];
	char		 device_key[ALERTS_NAME_MAX + 1];
	double		 frequency;
	bool		 has_loc;
	double		 lat, lon, alt;
	uint8_t		*packet;	/* NULL, or packet_len bytes */
	size_t		 packet_len;
	uint32_t	 dlt;
};

struct alerts {
	struct msgbus		*bus;
	struct alerts_defn	*defs;
	size_t			 n_defs;
	struct alerts_rec	*ring;
	size_t			 size;		/* slots in ring */
	size_t			 head, count;	/* head: next slot */
	uint64_t		 next_id;
	void			(*hook)(const struct alerts_event *, void *);
	void			*hook_arg;
	msgpack_sbuffer		 sb;		/* the hook's record */
};

static const struct {
	const char	*name;
	double		 secs;
} alerts_units[] = {
	[ALERTS_SECOND] = { "sec", 1 },
	[ALERTS_MINUTE] = { "min", 60 },
	[ALERTS_HOUR] = { "hour", 3600 },
	[ALERTS_DAY] = { "day", 86400 },
};

struct alerts *
alerts_new(struct msgbus *bus)
{
	struct alerts *a = xcalloc(1, sizeof(*a));

	a->bus = bus;
	a->size = ALERTS_BACKLOG;
	a->ring = xcalloc(a->size, sizeof(*a->ring));
	a->next_id = 1;
	msgpack_sbuffer_init(&a->sb);
	return a;
}

void
alerts_set_hook(struct alerts *a,
    void (*hook)(const struct alerts_event *, void *), void *arg)
{
	a->hook = hook;
	a->hook_arg = arg;
}

void
alerts_free(struct alerts *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n_defs; i++) {
		free(a->defs[i].description);
		free(a->defs[i].limit.t);
		free(a->defs[i].burst.t);
	}
	free(a->defs);
	for (i = 0; i < a->size; i++)
		free(a->ring[i].packet);
	free(a->ring);
	msgpack_sbuffer_destroy(&a->sb);
	free(a);
}

int
alerts_parse_rate(const char *s, uint32_t *ret_n, enum alerts_unit *ret_unit)
{
	const char *slash;
	unsigned long n;
	char *end;
	size_t i;

	if (s == NULL || (slash = strchr(s, '/')) == NULL || !isdigit(
	    (unsigned char)s[0]))
		return -EINVAL;
	n = strtoul(s, &end, 10);
	if (end != slash || n == 0 || n > ALERTS_RATE_MAX)
		return -EINVAL;
	/* "min", "minute", "minutes": the unit's name starts the word. */
	for (i = 0; i < sizeof(alerts_units) / sizeof(alerts_units[0]); i++) {
		const char *rest = slash + 1 + strlen(alerts_units[i].name);

		if (strncasecmp(slash + 1, alerts_units[i].name,
		    strlen(alerts_units[i].name)) != 0)
			continue;
		while (isalpha((unsigned char)*rest))
			rest++;
		if (*rest != '\0')
			return -EINVAL;
		*ret_n = (uint32_t)n;
		*ret_unit = (enum alerts_unit)i;
		return 0;
	}
	return -EINVAL;
}

static bool
alerts_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= ALERTS_NAME_MAX && strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
	    == n;
}

static struct alerts_defn *
alerts_find(const struct alerts *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n_defs; i++)
		if (strcasecmp(a->defs[i].name, name) == 0)
			return &a->defs[i];
	return NULL;
}

/* The phy a name stands for: -1 for none given, -2 for no such phy. */
static int
alerts_phy(const char *name)
{
	int i;

	if (name == NULL || *name == '\0' || strcasecmp(name, "any") == 0)
		return -1;
	for (i = 0; i < DEVICE_PHY_COUNT; i++)
		if (strcasecmp(device_phy_name((uint8_t)i), name) == 0)
			return i;
	return -2;
}

int
alerts_define(struct alerts *a, const struct alerts_def *d, char *err,
    size_t errlen)
{
	struct alerts_defn *n;
	uint32_t lr = 10, br = 1;
	enum alerts_unit lu = ALERTS_MINUTE, bu = ALERTS_SECOND;
	int phy;

	if (d->name == NULL || !alerts_name_ok(d->name)) {
		snprintf(err, errlen, "an alert name is 1 to %d letters, "
		    "digits, '_' or '-'", ALERTS_NAME_MAX);
		return -EINVAL;
	}
	if (d->description == NULL || strlen(d->description) >
	    ALERTS_TEXT_MAX) {
		snprintf(err, errlen, "a description of at most %d bytes is "
		    "needed", ALERTS_TEXT_MAX);
		return -EINVAL;
	}
	if ((phy = alerts_phy(d->phyname)) == -2) {
		snprintf(err, errlen, "no such phy '%.64s'", d->phyname);
		return -EINVAL;
	}
	if ((d->throttle != NULL && alerts_parse_rate(d->throttle, &lr,
	    &lu) != 0) || (d->burst != NULL && alerts_parse_rate(d->burst,
	    &br, &bu) != 0)) {
		snprintf(err, errlen, "a rate is N/sec, N/min, N/hour or "
		    "N/day with N from 1 to %d", ALERTS_RATE_MAX);
		return -EINVAL;
	}
	if (alerts_find(a, d->name) != NULL) {
		snprintf(err, errlen, "alert %s is already defined", d->name);
		return -EEXIST;
	}
	if (a->n_defs == ALERTS_MAX_DEFS) {
		snprintf(err, errlen, "already %d alerts defined",
		    ALERTS_MAX_DEFS);
		return -ENOSPC;
	}
	a->defs = xreallocarray(a->defs, a->n_defs + 1, sizeof(*a->defs));
	n = &a->defs[a->n_defs++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", d->name);
	n->description = xstrdup(d->description);
	n->phy = phy;
	n->limit.rate = lr;
	n->limit.unit = lu;
	n->limit.t = xcalloc(lr, sizeof(double));
	n->burst.rate = br;
	n->burst.unit = bu;
	n->burst.t = xcalloc(br, sizeof(double));
	snprintf(n->aclass, sizeof(n->aclass), "%s", d->aclass != NULL &&
	    *d->aclass != '\0' ? d->aclass : "OTHER");
	n->severity = d->severity;
	return 0;
}

/* New limits for w: the window starts empty. */
static void
alerts_window_set(struct alerts_window *w, uint32_t rate,
    enum alerts_unit unit)
{
	free(w->t);
	w->t = xcalloc(rate, sizeof(double));
	w->rate = rate;
	w->unit = unit;
	w->n = w->head = 0;
}

int
alerts_set_limits(struct alerts *a, const char *name, const char *throttle,
    const char *burst)
{
	struct alerts_defn *d;
	uint32_t lr = 0, br = 0;
	enum alerts_unit lu = ALERTS_MINUTE, bu = ALERTS_SECOND;

	if (name == NULL || (d = alerts_find(a, name)) == NULL)
		return -ENOENT;
	if ((throttle != NULL && alerts_parse_rate(throttle, &lr, &lu) != 0) ||
	    (burst != NULL && alerts_parse_rate(burst, &br, &bu) != 0))
		return -EINVAL;
	if (throttle != NULL)
		alerts_window_set(&d->limit, lr, lu);
	if (burst != NULL)
		alerts_window_set(&d->burst, br, bu);
	return 0;
}

int
alerts_set_backlog(struct alerts *a, size_t n)
{
	struct alerts_rec *ring;
	size_t i, keep;

	if (n == 0 || n > ALERTS_BACKLOG_MAX)
		return -EINVAL;
	ring = xcalloc(n, sizeof(*ring));
	/* The newest that fit, oldest first, at the start of the new ring. */
	keep = a->count < n ? a->count : n;
	for (i = 0; i < a->count; i++) {
		struct alerts_rec *r = &a->ring[(a->head + a->size - a->count +
		    i) % a->size];

		if (i < a->count - keep)
			free(r->packet);
		else
			ring[i - (a->count - keep)] = *r;
	}
	free(a->ring);
	a->ring = ring;
	a->size = n;
	a->count = keep;
	a->head = keep % n;
	return 0;
}

int
alerts_config(struct alerts *a, const struct config *cfg, char *err,
    size_t errlen)
{
	const struct config_entry *e = NULL, *b;
	char buf[128], *rate, *burst;
	uint64_t n;
	int rc;

	if ((b = config_entry(cfg, "alertbacklog")) != NULL) {
		if (config_get_uint(cfg, "alertbacklog", ALERTS_BACKLOG,
		    ALERTS_BACKLOG_MAX, &n, err, errlen) != 0)
			return -EINVAL;
		if (alerts_set_backlog(a, (size_t)n) != 0) {
			snprintf(err, errlen, "%s:%u: alertbacklog: 1 to %d",
			    b->file, b->line, ALERTS_BACKLOG_MAX);
			return -EINVAL;
		}
	}
	while ((e = config_next(cfg, "alert", e)) != NULL) {
		snprintf(buf, sizeof(buf), "%s", e->value);
		if ((rate = strchr(buf, ',')) == NULL) {
			snprintf(err, errlen, "%s:%u: alert: expected "
			    "NAME,RATE/UNIT[,BURST/UNIT]", e->file, e->line);
			return -EINVAL;
		}
		*rate++ = '\0';
		if ((burst = strchr(rate, ',')) != NULL)
			*burst++ = '\0';
		rc = alerts_set_limits(a, buf, rate, burst);
		if (rc == -ENOENT) {
			log_warnx("%s:%u: alert %s: osprey has no such alert",
			    e->file, e->line, buf);
			continue;
		}
		if (rc != 0) {
			snprintf(err, errlen, "%s:%u: alert %s: a rate is "
			    "N/sec, N/min, N/hour or N/day with N from 1 to %d",
			    e->file, e->line, buf, ALERTS_RATE_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

uint64_t
alerts_total(const struct alerts *a, const char *name)
{
	const struct alerts_defn *d = alerts_find(a, name);

	return d != NULL ? d->total_sent : 0;
}

uint64_t
alerts_throttled(const struct alerts *a, const char *name)
{
	const struct alerts_defn *d = alerts_find(a, name);

	return d != NULL ? d->throttled : 0;
}

/* Would one more alert at now stay within w? */
static bool
alerts_window_ok(const struct alerts_window *w, double now)
{
	/* Full, and the oldest of the last `rate` is inside the window. */
	return w->n < w->rate || now - w->t[w->head] >=
	    alerts_units[w->unit].secs;
}

static void
alerts_window_add(struct alerts_window *w, double now)
{
	w->t[w->head] = now;
	w->head = (w->head + 1) % w->rate;
	if (w->n < w->rate)
		w->n++;
}

/* "aa:bb:..." into upper case at out; "" when s is NULL. */
static int
alerts_mac(const char *s, char out[ALERTS_MAC_LEN])
{
	uint8_t m[6];

	if (s == NULL || *s == '\0') {
		snprintf(out, ALERTS_MAC_LEN, "00:00:00:00:00:00");
		return 0;
	}
	if (strlen(s) != 17 || device_mac_parse(s, m) != 0)
		return -EINVAL;
	snprintf(out, ALERTS_MAC_LEN, "%02X:%02X:%02X:%02X:%02X:%02X", m[0],
	    m[1], m[2], m[3], m[4], m[5]);
	return 0;
}

/* FNV-1a over what makes an alert itself, for kismet.alert.hash. */
static uint32_t
alerts_hash(const struct alerts_rec *r)
{
	const char *parts[] = { r->name, r->text, r->bssid, r->source,
	    r->dest, r->other, r->channel };
	uint32_t h = 2166136261U;
	size_t i;
	const char *p;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (p = parts[i]; ; p++) {
			h = (h ^ (uint8_t)*p) * 16777619U;
			if (*p == '\0')
				break;
		}
	return h;
}

static void	alerts_pack_rec(const struct alerts *,
		    const struct alerts_rec *, bool, msgpack_packer *);

int
alerts_raise(struct alerts *a, const struct alerts_raise *r, char *err,
    size_t errlen)
{
	struct alerts_defn *d;
	struct alerts_rec rec, *slot;
	struct alerts_event ev;
	msgpack_packer pk;

	if (r->name == NULL || (d = alerts_find(a, r->name)) == NULL) {
		snprintf(err, errlen, "no alert '%.64s' is defined (define it "
		    "with /alerts/definitions/define_alert.cmd)",
		    r->name != NULL ? r->name : "");
		return -ENOENT;
	}
	memset(&rec, 0, sizeof(rec));
	if (r->text == NULL || strlen(r->text) > ALERTS_TEXT_MAX) {
		snprintf(err, errlen, "an alert's text is at most %d bytes",
		    ALERTS_TEXT_MAX);
		return -EINVAL;
	}
	if (alerts_mac(r->bssid, rec.bssid) != 0 ||
	    alerts_mac(r->source, rec.source) != 0 ||
	    alerts_mac(r->dest, rec.dest) != 0 ||
	    alerts_mac(r->other, rec.other) != 0) {
		snprintf(err, errlen, "bssid, source, dest and other are MAC "
		    "addresses (AA:BB:CC:DD:EE:FF)");
		return -EINVAL;
	}
	if (r->channel != NULL && strlen(r->channel) > ALERTS_CHAN_MAX) {
		snprintf(err, errlen, "channel is at most %d bytes",
		    ALERTS_CHAN_MAX);
		return -EINVAL;
	}
	if (!alerts_window_ok(&d->limit, r->now) ||
	    !alerts_window_ok(&d->burst, r->now)) {
		d->throttled++;
		snprintf(err, errlen, "alert %s is over its rate limit "
		    "(%u/%s, burst %u/%s)", d->name, d->limit.rate,
		    alerts_units[d->limit.unit].name, d->burst.rate,
		    alerts_units[d->burst.unit].name);
		return -EDQUOT;
	}
	alerts_window_add(&d->limit, r->now);
	alerts_window_add(&d->burst, r->now);
	d->total_sent++;
	d->time_last = r->now;
	rec.id = a->next_id++;
	rec.ts = r->now;
	rec.def_i = (size_t)(d - a->defs);
	rec.phy = d->phy;
	snprintf(rec.name, sizeof(rec.name), "%s", d->name);
	snprintf(rec.text, sizeof(rec.text), "%s", r->text);
	snprintf(rec.channel, sizeof(rec.channel), "%s",
	    r->channel != NULL ? r->channel : "");
	snprintf(rec.device_key, sizeof(rec.device_key), "%s",
	    r->device_key != NULL ? r->device_key : "");
	rec.frequency = r->frequency;
	rec.has_loc = r->has_loc;
	rec.lat = r->lat;
	rec.lon = r->lon;
	rec.alt = r->alt;
	rec.hash = alerts_hash(&rec);
	if (r->packet != NULL && r->packet_len > 0) {
		rec.packet_len = r->packet_len < ALERTS_PACKET_MAX ?
		    r->packet_len : ALERTS_PACKET_MAX;
		rec.packet = xmalloc(rec.packet_len);
		memcpy(rec.packet, r->packet, rec.packet_len);
		rec.dlt = r->dlt;
	}
	slot = &a->ring[a->head];
	free(slot->packet);
	*slot = rec;
	a->head = (a->head + 1) % a->size;
	if (a->count < a->size)
		a->count++;
	if (a->bus != NULL)
		msgbus_post(a->bus, MSGBUS_ALERT, "ALERT %s %s", rec.name,
		    rec.text);
	if (a->hook != NULL) {
		msgpack_sbuffer_clear(&a->sb);
		msgpack_packer_init(&pk, &a->sb, msgpack_sbuffer_write);
		alerts_pack_rec(a, slot, false, &pk);
		memset(&ev, 0, sizeof(ev));
		ev.id = slot->id;
		ev.name = slot->name;
		ev.text = slot->text;
		ev.device_key = slot->device_key;
		ev.transmitter = slot->bssid;
		ev.phyname = slot->phy >= 0 ?
		    device_phy_name((uint8_t)slot->phy) : "any";
		ev.ts = slot->ts;
		ev.record = a->sb.data;
		ev.record_len = a->sb.size;
		a->hook(&ev, a->hook_arg);
	}
	return 0;
}

void
alerts_pack_definitions(const struct alerts *a, msgpack_packer *pk)
{
	const struct alerts_defn *d;
	size_t i;

	msgpack_pack_array(pk, a->n_defs);
	for (i = 0; i < a->n_defs; i++) {
		d = &a->defs[i];
		msgpack_pack_map(pk, 13);
		bridge_pack_kv_str(pk, "kismet.alert.definition.header",
		    d->name);
		bridge_pack_kv_str(pk, "kismet.alert.definition.description",
		    d->description);
		bridge_pack_kv_i64(pk, "kismet.alert.definition.phyid",
		    d->phy);
		bridge_pack_kv_str(pk, "kismet.alert.definition.class",
		    d->aclass);
		bridge_pack_kv_u64(pk, "kismet.alert.definition.severity",
		    d->severity);
		bridge_pack_kv_u64(pk, "kismet.alert.definition.limit_unit",
		    d->limit.unit);
		bridge_pack_kv_u64(pk, "kismet.alert.definition.limit_rate",
		    d->limit.rate);
		bridge_pack_kv_u64(pk, "kismet.alert.definition.burst_unit",
		    d->burst.unit);
		bridge_pack_kv_u64(pk, "kismet.alert.definition.limit_burst",
		    d->burst.rate);
		bridge_pack_kv_u64(pk, "kismet.alert.definition.burst_sent",
		    d->burst.n);
		bridge_pack_kv_u64(pk, "kismet.alert.definition.total_sent",
		    d->total_sent);
		bridge_pack_kv_u64(pk, "osprey.alert.definition.throttled",
		    d->throttled);
		bridge_pack_kv_double(pk, "kismet.alert.definition.time_last",
		    d->time_last);
	}
}

/* The i-th alert of the backlog, oldest first. */
static const struct alerts_rec *
alerts_at(const struct alerts *a, size_t i)
{
	return &a->ring[(a->head + a->size - a->count + i) % a->size];
}

size_t
alerts_count_since(const struct alerts *a, double since)
{
	size_t i, n = 0;

	for (i = 0; i < a->count; i++)
		if (alerts_at(a, i)->ts > since)
			n++;
	return n;
}

static void
alerts_pack_packet(const struct alerts_rec *r, msgpack_packer *pk)
{
	static const char hex[] = "0123456789abcdef";
	char *s;
	size_t i;

	/* Hex: the JSON renderings have no binary type. */
	s = xmalloc(2 * r->packet_len + 1);
	for (i = 0; i < r->packet_len; i++) {
		s[2 * i] = hex[r->packet[i] >> 4];
		s[2 * i + 1] = hex[r->packet[i] & 0xf];
	}
	s[2 * r->packet_len] = '\0';
	msgpack_pack_map(pk, 2);
	bridge_pack_kv_u64(pk, "osprey.alert.packet.dlt", r->dlt);
	bridge_pack_kv_str(pk, "osprey.alert.packet.data", s);
	free(s);
}

static void
alerts_pack_rec(const struct alerts *a, const struct alerts_rec *r,
    bool packet, msgpack_packer *pk)
{
	const struct alerts_defn *d = &a->defs[r->def_i];
	bool with_packet = packet && r->packet != NULL;

	msgpack_pack_map(pk, 17 + (with_packet ? 1 : 0));
	bridge_pack_kv_str(pk, "kismet.alert.header", r->name);
	bridge_pack_kv_str(pk, "kismet.alert.text", r->text);
	bridge_pack_kv_double(pk, "kismet.alert.timestamp", r->ts);
	bridge_pack_kv_i64(pk, "kismet.alert.phy_id", r->phy);
	bridge_pack_kv_str(pk, "kismet.alert.device_key", r->device_key);
	bridge_pack_kv_str(pk, "kismet.alert.transmitter_mac", r->bssid);
	bridge_pack_kv_str(pk, "kismet.alert.source_mac", r->source);
	bridge_pack_kv_str(pk, "kismet.alert.dest_mac", r->dest);
	bridge_pack_kv_str(pk, "kismet.alert.other_mac", r->other);
	bridge_pack_kv_str(pk, "kismet.alert.channel", r->channel);
	bridge_pack_kv_double(pk, "kismet.alert.frequency", r->frequency);
	bridge_pack_kv_u64(pk, "kismet.alert.severity", d->severity);
	bridge_pack_kv_str(pk, "kismet.alert.class", d->aclass);
	bridge_pack_kv_u64(pk, "kismet.alert.hash", r->hash);
	bridge_pack_kv_u64(pk, "osprey.alert.id", r->id);
	bridge_pack_kv_bool(pk, "osprey.alert.has_packet", r->packet != NULL);
	bridge_pack_cstr(pk, "kismet.alert.location");
	msgpack_pack_map(pk, 4);
	bridge_pack_kv_double(pk, "kismet.common.location.lat",
	    r->has_loc ? r->lat : 0);
	bridge_pack_kv_double(pk, "kismet.common.location.lon",
	    r->has_loc ? r->lon : 0);
	bridge_pack_kv_double(pk, "kismet.common.location.alt",
	    r->has_loc ? r->alt : 0);
	bridge_pack_kv_u64(pk, "kismet.common.location.fix",
	    r->has_loc ? 2 : 0);
	if (with_packet) {
		bridge_pack_cstr(pk, "osprey.alert.packet");
		alerts_pack_packet(r, pk);
	}
}

void
alerts_pack_since(const struct alerts *a, double since, msgpack_packer *pk)
{
	const struct alerts_rec *r;
	size_t i;

	for (i = 0; i < a->count; i++) {
		r = alerts_at(a, i);
		if (r->ts <= since)
			continue;
		alerts_pack_rec(a, r, false, pk);
	}
}

int
alerts_pack_by_id(const struct alerts *a, uint64_t id, msgpack_packer *pk)
{
	const struct alerts_rec *r;
	size_t i;

	for (i = 0; i < a->count; i++) {
		r = alerts_at(a, i);
		if (r->id == id) {
			alerts_pack_rec(a, r, true, pk);
			return 0;
		}
	}
	return -ENOENT;
}
