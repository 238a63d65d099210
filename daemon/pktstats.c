/* SPDX-License-Identifier: ISC */
/* \summary: packet statistics as Kismet's round-robin histories (RRDs) */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "bridge.h"
#include "log.h"
#include "pktstats.h"
#include "xmalloc.h"

/*
 * One history.  minute[] holds the seconds of the current minute and the
 * 59 before it, indexed by epoch second mod 60; hour[] the minutes (mean
 * per second, or the peak), day[] the hours.  last is the newest second
 * filed; slots older than what they stand for are cleared as time moves.
 */
struct pktstats_rrd {
	uint64_t	 last;
	double		 minute[60];
	double		 hour[60];
	double		 day[24];
};

struct pktstats_srcrrd {
	uint32_t		 id;
	uint64_t		 prev;
	struct pktstats_rrd	 rrd;
};

struct pktstats {
	struct pktstats_rrd	 rrd[PKTSTATS_COUNT];
	struct pktstats_rrd	 gauge[PKTSTATS_GAUGES];
	struct pktstats_srcrrd	 src[PKTSTATS_MAX_SOURCES];
	size_t			 n_src;
	struct pktstats_counts	 prev;
	bool			 started;
	struct event		*tick;
	void			(*read)(void *, struct pktstats_counts *);
	void			*arg;
};

static const struct {
	const char	*name;		/* its own endpoint */
	const char	*field;		/* its key in packet_stats */
} pktstats_names[PKTSTATS_COUNT] = {
	[PKTSTATS_RATE] = { "packet_rate", "kismet.packetchain.packets_rrd" },
	[PKTSTATS_PEAK] = { "packet_peak",
	    "kismet.packetchain.peak_packets_rrd" },
	[PKTSTATS_ERROR] = { "packet_error",
	    "kismet.packetchain.error_packets_rrd" },
	[PKTSTATS_DUPE] = { "packet_dupe",
	    "kismet.packetchain.dupe_packets_rrd" },
	[PKTSTATS_PROCESSED] = { "packet_processed",
	    "kismet.packetchain.processed_packets_rrd" },
	[PKTSTATS_DROP] = { "packet_drop",
	    "kismet.packetchain.dropped_packets_rrd" },
};

const char *
pktstats_name(enum pktstats_which w)
{
	return (unsigned)w < PKTSTATS_COUNT ? pktstats_names[w].name : NULL;
}

/* The value a finished minute (or hour) leaves in the slower history. */
static double
pktstats_fold(const double *v, size_t n, bool peak)
{
	double acc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!peak)
			acc += v[i];
		else if (v[i] > acc)
			acc = v[i];
	}
	return peak ? acc : acc / (double)n;
}

/*
 * Move r forward to second now: every second after r->last up to now
 * starts empty, and each minute (hour) completed on the way is folded
 * into the slower history.  A jump of more than a day clears it all.
 */
static void
pktstats_advance(struct pktstats_rrd *r, uint64_t now, bool peak)
{
	uint64_t s;

	if (r->last == 0 || now <= r->last) {
		if (r->last == 0)
			r->last = now;
		return;
	}
	if (now - r->last > 86400) {
		memset(r, 0, sizeof(*r));
		r->last = now;
		return;
	}
	for (s = r->last + 1; s <= now; s++) {
		if (s % 60 == 0) {
			/* The minute that just ended. */
			r->hour[(s / 60 - 1) % 60] = pktstats_fold(r->minute,
			    60, peak);
			if (s % 3600 == 0)
				r->day[(s / 3600 - 1) % 24] = pktstats_fold(
				    r->hour, 60, peak);
		}
		r->minute[s % 60] = 0;
	}
	r->last = now;
}

/*
 * The levels, and each source's rate: a source's first reading is its
 * baseline (its packets before then were not in this second).
 */
static void
pktstats_sample_levels(struct pktstats *ps, uint64_t now,
    const struct pktstats_counts *c)
{
	struct pktstats_srcrrd *e;
	struct pktstats_rrd *r;
	uint64_t d;
	size_t i, j;

	for (i = 0; i < PKTSTATS_GAUGES; i++) {
		r = &ps->gauge[i];
		pktstats_advance(r, now, true);
		if ((double)c->gauge[i] > r->minute[now % 60])
			r->minute[now % 60] = (double)c->gauge[i];
	}
	for (i = 0; i < c->n_src && i < PKTSTATS_MAX_SOURCES; i++) {
		for (j = 0; j < ps->n_src; j++)
			if (ps->src[j].id == c->src[i].id)
				break;
		if (j == ps->n_src) {
			if (ps->n_src == PKTSTATS_MAX_SOURCES)
				continue;
			e = &ps->src[ps->n_src++];
			memset(e, 0, sizeof(*e));
			e->id = c->src[i].id;
			e->prev = c->src[i].packets;
			pktstats_advance(&e->rrd, now, false);
			continue;
		}
		e = &ps->src[j];
		d = c->src[i].packets >= e->prev ? c->src[i].packets - e->prev :
		    c->src[i].packets;
		e->prev = c->src[i].packets;
		pktstats_advance(&e->rrd, now, false);
		e->rrd.minute[now % 60] += (double)d;
	}
}

void
pktstats_sample(struct pktstats *ps, uint64_t now,
    const struct pktstats_counts *c)
{
	uint64_t d[PKTSTATS_COUNT];
	size_t i;

	pktstats_sample_levels(ps, now, c);
	if (!ps->started) {
		ps->prev = *c;
		ps->started = true;
		for (i = 0; i < PKTSTATS_COUNT; i++)
			pktstats_advance(&ps->rrd[i], now, i == PKTSTATS_PEAK);
		return;
	}
	/* Counters never go back; if one did (a reset), take it as new. */
	d[PKTSTATS_RATE] = c->total >= ps->prev.total ?
	    c->total - ps->prev.total : c->total;
	d[PKTSTATS_PEAK] = d[PKTSTATS_RATE];
	d[PKTSTATS_ERROR] = c->errors >= ps->prev.errors ?
	    c->errors - ps->prev.errors : c->errors;
	d[PKTSTATS_DUPE] = c->dups >= ps->prev.dups ?
	    c->dups - ps->prev.dups : c->dups;
	d[PKTSTATS_PROCESSED] = d[PKTSTATS_RATE];
	d[PKTSTATS_DROP] = c->drops >= ps->prev.drops ?
	    c->drops - ps->prev.drops : c->drops;
	ps->prev = *c;
	for (i = 0; i < PKTSTATS_COUNT; i++) {
		pktstats_advance(&ps->rrd[i], now, i == PKTSTATS_PEAK);
		ps->rrd[i].minute[now % 60] += (double)d[i];
	}
}

static void
pktstats_tick_cb(evutil_socket_t unused, short what, void *arg)
{
	struct pktstats *ps = arg;
	struct pktstats_counts c;

	memset(&c, 0, sizeof(c));
	ps->read(ps->arg, &c);
	pktstats_sample(ps, (uint64_t)time(NULL), &c);
}

struct pktstats *
pktstats_new(struct event_base *base,
    void (*read)(void *, struct pktstats_counts *), void *arg)
{
	struct pktstats *ps = xcalloc(1, sizeof(*ps));
	struct timeval tv = { 1, 0 };

	ps->read = read;
	ps->arg = arg;
	if (base != NULL && read != NULL) {
		ps->tick = event_new(base, -1, EV_PERSIST, pktstats_tick_cb,
		    ps);
		if (ps->tick == NULL)
			fatalx("out of memory");
		event_add(ps->tick, &tv);
		pktstats_tick_cb(-1, 0, ps);
	}
	return ps;
}

void
pktstats_free(struct pktstats *ps)
{
	if (ps == NULL)
		return;
	if (ps->tick != NULL)
		event_free(ps->tick);
	free(ps);
}

static void
pktstats_pack_vec(msgpack_packer *pk, const char *key, const double *v,
    size_t n)
{
	size_t i;

	bridge_pack_cstr(pk, key);
	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		if (v[i] == (double)(uint64_t)v[i])
			msgpack_pack_uint64(pk, (uint64_t)v[i]);
		else
			msgpack_pack_double(pk, v[i]);
	}
}

/*
 * Kismet's RRD object.  Its vectors are in time order, oldest first, the
 * newest slot last; a copy is advanced to now so that an idle minute
 * reads as zeros rather than as the last busy one.
 */
static void
pktstats_pack_one(const struct pktstats_rrd *src, bool peak, uint64_t now,
    msgpack_packer *pk)
{
	struct pktstats_rrd r = *src;
	double m[60], h[60], d[24];
	size_t i;

	pktstats_advance(&r, now, peak);
	for (i = 0; i < 60; i++) {
		m[i] = r.minute[(r.last + 1 + i) % 60];
		h[i] = r.hour[(r.last / 60 + i) % 60];
	}
	for (i = 0; i < 24; i++)
		d[i] = r.day[(r.last / 3600 + i) % 24];
	msgpack_pack_map(pk, 6);
	bridge_pack_kv_u64(pk, "kismet.common.rrd.last_time", r.last);
	bridge_pack_kv_u64(pk, "kismet.common.rrd.serial_time", now);
	pktstats_pack_vec(pk, "kismet.common.rrd.minute_vec", m, 60);
	pktstats_pack_vec(pk, "kismet.common.rrd.hour_vec", h, 60);
	pktstats_pack_vec(pk, "kismet.common.rrd.day_vec", d, 24);
	bridge_pack_kv_u64(pk, "kismet.common.rrd.blank_val", 0);
}

void
pktstats_pack_rrd(const struct pktstats *ps, enum pktstats_which w,
    uint64_t now, msgpack_packer *pk)
{
	pktstats_pack_one(&ps->rrd[w], w == PKTSTATS_PEAK, now, pk);
}

void
pktstats_pack_gauge(const struct pktstats *ps, enum pktstats_gauge g,
    uint64_t now, msgpack_packer *pk)
{
	pktstats_pack_one(&ps->gauge[g], true, now, pk);
}

void
pktstats_pack_source(const struct pktstats *ps, uint32_t id, uint64_t now,
    msgpack_packer *pk)
{
	static const struct pktstats_rrd none;
	size_t i;

	for (i = 0; i < ps->n_src; i++)
		if (ps->src[i].id == id) {
			pktstats_pack_one(&ps->src[i].rrd, false, now, pk);
			return;
		}
	pktstats_pack_one(&none, false, now, pk);
}

void
pktstats_pack_all(const struct pktstats *ps, uint64_t now,
    msgpack_packer *pk)
{
	size_t i;

	msgpack_pack_map(pk, PKTSTATS_COUNT);
	for (i = 0; i < PKTSTATS_COUNT; i++) {
		bridge_pack_cstr(pk, pktstats_names[i].field);
		pktstats_pack_rrd(ps, (enum pktstats_which)i, now, pk);
	}
}
