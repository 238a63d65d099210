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
#include "device.h"
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
	struct alerts_window limit, burst;
	uint64_t	 total_sent;
	uint64_t	 throttled;
	double		 time_last;
};

struct alerts_rec {
	double		 ts;
	int		 phy;
	uint32_t	 hash;
	char		 name[ALERTS_NAME_MAX + 1];
	char		 text[ALERTS_TEXT_MAX + 1];
	char		 bssid[ALERTS_MAC_LEN], source[ALERTS_MAC_LEN];
	char		 dest[ALERTS_MAC_LEN], other[ALERTS_MAC_LEN];
	char		 channel[ALERTS_CHAN_MAX + 1];
	char		 device_key[ALERTS_NAME_MAX + 1];
};

struct alerts {
	struct msgbus		*bus;
	struct alerts_defn	*defs;
	size_t			 n_defs;
	struct alerts_rec	 ring[ALERTS_BACKLOG];
	size_t			 head, count;	/* head: next slot */
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
	return a;
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
	return 0;
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

int
alerts_raise(struct alerts *a, const struct alerts_raise *r, char *err,
    size_t errlen)
{
	struct alerts_defn *d;
	struct alerts_rec rec;

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
	rec.ts = r->now;
	rec.phy = d->phy;
	snprintf(rec.name, sizeof(rec.name), "%s", d->name);
	snprintf(rec.text, sizeof(rec.text), "%s", r->text);
	snprintf(rec.channel, sizeof(rec.channel), "%s",
	    r->channel != NULL ? r->channel : "");
	snprintf(rec.device_key, sizeof(rec.device_key), "%s",
	    r->device_key != NULL ? r->device_key : "");
	rec.hash = alerts_hash(&rec);
	a->ring[a->head] = rec;
	a->head = (a->head + 1) % ALERTS_BACKLOG;
	if (a->count < ALERTS_BACKLOG)
		a->count++;
	if (a->bus != NULL)
		msgbus_post(a->bus, MSGBUS_ALERT, "ALERT %s %s", rec.name,
		    rec.text);
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
		    "OTHER");
		bridge_pack_kv_u64(pk, "kismet.alert.definition.severity", 0);
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
	return &a->ring[(a->head + ALERTS_BACKLOG - a->count + i) %
	    ALERTS_BACKLOG];
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

void
alerts_pack_since(const struct alerts *a, double since, msgpack_packer *pk)
{
	const struct alerts_rec *r;
	size_t i;

	for (i = 0; i < a->count; i++) {
		r = alerts_at(a, i);
		if (r->ts <= since)
			continue;
		msgpack_pack_map(pk, 14);
		bridge_pack_kv_str(pk, "kismet.alert.header", r->name);
		bridge_pack_kv_str(pk, "kismet.alert.text", r->text);
		bridge_pack_kv_double(pk, "kismet.alert.timestamp", r->ts);
		bridge_pack_kv_i64(pk, "kismet.alert.phy_id", r->phy);
		bridge_pack_kv_str(pk, "kismet.alert.device_key",
		    r->device_key);
		bridge_pack_kv_str(pk, "kismet.alert.transmitter_mac",
		    r->bssid);
		bridge_pack_kv_str(pk, "kismet.alert.source_mac", r->source);
		bridge_pack_kv_str(pk, "kismet.alert.dest_mac", r->dest);
		bridge_pack_kv_str(pk, "kismet.alert.other_mac", r->other);
		bridge_pack_kv_str(pk, "kismet.alert.channel", r->channel);
		bridge_pack_kv_double(pk, "kismet.alert.frequency", 0);
		bridge_pack_kv_u64(pk, "kismet.alert.severity", 0);
		bridge_pack_kv_str(pk, "kismet.alert.class", "OTHER");
		bridge_pack_kv_u64(pk, "kismet.alert.hash", r->hash);
	}
}
