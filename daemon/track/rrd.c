/* SPDX-License-Identifier: ISC */
/*
 * \summary: a device's history as Kismet's RRDs, in compact lazy storage
 *
 * A tier is one allocation: a header and slots for the units base to
 * base + n - 1, grown by doubling up to the tier's span.  Adding a unit
 * past the end drops the slots that fell out of the span at the front
 * (a memmove of at most 60 slots, once per unit at most); a packet
 * arriving late (another source's clock, a reordered capture) inserts
 * slots at the front if it is still inside the span.  The newest second
 * waits in struct rrd itself until a packet of a later one comes, or the
 * history is read or expired (rrd.h).
 */

#include <stdlib.h>
#include <string.h>

#include "rrd.h"
#include "xmalloc.h"

struct rrd_slot {
	uint32_t	 packets;
	uint32_t	 bytes;
	int8_t		 sig;		/* strongest dBm, 0 none */
};

struct rrd_tier {
	uint32_t	 base;		/* unit of slot[0] */
	uint8_t		 n;		/* slots in use */
	uint8_t		 cap;		/* slots allocated */
	struct rrd_slot	 slot[];
};

static const uint32_t rrd_spans[RRD_TIERS] = { 60, 60, 24 };
static const uint32_t rrd_secs[RRD_TIERS] = { 1, 60, 3600 };

uint32_t
rrd_span(enum rrd_unit u)
{
	return rrd_spans[u];
}

uint32_t
rrd_unit_secs(enum rrd_unit u)
{
	return rrd_secs[u];
}

/* Room for need slots (at most span), doubling. */
static struct rrd_tier *
tier_reserve(struct rrd_tier *t, uint32_t need, uint32_t span)
{
	uint32_t cap;

	if (t != NULL && need <= t->cap)
		return t;
	cap = t != NULL && t->cap > 0 ? t->cap : 1;
	while (cap < need)
		cap *= 2;
	if (cap > span)
		cap = span;
	t = xreallocarray(t, 1, sizeof(*t) + cap * sizeof(t->slot[0]));
	t->cap = (uint8_t)cap;
	return t;
}

/*
 * The slot of unit u in *tp, made if needed; NULL when u is older than
 * the span that ends at the tier's newest unit.
 */
static struct rrd_slot *
tier_slot(struct rrd_tier **tp, uint32_t u, uint32_t span)
{
	struct rrd_tier *t = *tp;
	uint32_t newest, lo, drop, shift, need;

	if (t == NULL || t->n == 0) {
		t = tier_reserve(t, 1, span);
		t->base = u;
		t->n = 1;
		memset(&t->slot[0], 0, sizeof(t->slot[0]));
		*tp = t;
		return &t->slot[0];
	}
	newest = t->base + t->n - 1;
	if (u >= t->base && u <= newest)
		return &t->slot[u - t->base];
	if (u < t->base) {
		if (newest - u >= span)
			return NULL;
		shift = t->base - u;
		t = tier_reserve(t, t->n + shift, span);
		memmove(&t->slot[shift], &t->slot[0],
		    t->n * sizeof(t->slot[0]));
		memset(&t->slot[0], 0, shift * sizeof(t->slot[0]));
		t->n = (uint8_t)(t->n + shift);
		t->base = u;
		*tp = t;
		return &t->slot[0];
	}
	/* Past the end: what falls out of the span ending at u goes. */
	lo = u >= span - 1 ? u - (span - 1) : 0;
	if (lo > t->base) {
		drop = lo - t->base;
		if (drop >= t->n)
			t->n = 0;
		else {
			memmove(&t->slot[0], &t->slot[drop],
			    (t->n - drop) * sizeof(t->slot[0]));
			t->n = (uint8_t)(t->n - drop);
		}
		t->base = lo;
	}
	if (t->n == 0)
		t->base = u;
	need = u - t->base + 1;
	t = tier_reserve(t, need, span);
	memset(&t->slot[t->n], 0, (need - t->n) * sizeof(t->slot[0]));
	t->n = (uint8_t)need;
	*tp = t;
	return &t->slot[need - 1];
}

static void
slot_add(struct rrd_slot *s, uint32_t packets, uint32_t bytes, int8_t sig)
{
	s->packets = packets > UINT32_MAX - s->packets ? UINT32_MAX :
	    s->packets + packets;
	s->bytes = bytes > UINT32_MAX - s->bytes ? UINT32_MAX :
	    s->bytes + bytes;
	if (sig != 0 && (s->sig == 0 || sig > s->sig))
		s->sig = sig;
}

/* Count packets of second t in every tier whose span still holds it. */
static void
file(struct rrd *r, uint32_t t, uint32_t packets, uint32_t bytes,
    int8_t sig)
{
	struct rrd_slot *s;
	int k;

	for (k = 0; k < RRD_TIERS; k++) {
		s = tier_slot(&r->tier[k], t / rrd_secs[k], rrd_spans[k]);
		if (s != NULL)
			slot_add(s, packets, bytes, sig);
	}
}

/* File the second waiting in cur_*. */
static void
flush(struct rrd *r)
{
	if (r->cur_packets == 0)
		return;
	file(r, r->cur_t, r->cur_packets, r->cur_bytes, r->cur_sig);
	r->cur_packets = 0;
	r->cur_bytes = 0;
	r->cur_sig = 0;
}

void
rrd_add(struct rrd *r, uint32_t t, uint32_t bytes, int8_t sig)
{
	if (r->cur_packets > 0 && t == r->cur_t) {
		if (r->cur_packets < UINT32_MAX)
			r->cur_packets++;
		r->cur_bytes = bytes > UINT32_MAX - r->cur_bytes ?
		    UINT32_MAX : r->cur_bytes + bytes;
		if (sig != 0 && (r->cur_sig == 0 || sig > r->cur_sig))
			r->cur_sig = sig;
	} else if (r->cur_packets > 0 && t < r->cur_t) {
		/* Late (another source's clock): straight to the tiers. */
		file(r, t, 1, bytes, sig);
	} else {
		flush(r);
		r->cur_t = t;
		r->cur_packets = 1;
		r->cur_bytes = bytes;
		r->cur_sig = sig;
	}
	if (t > r->last)
		r->last = t;
}

void
rrd_expire(struct rrd *r, uint32_t now)
{
	struct rrd_tier *t;
	int k;

	flush(r);
	for (k = 0; k < RRD_TIERS; k++) {
		if ((t = r->tier[k]) == NULL)
			continue;
		/* Its newest unit is out of the span ending at now. */
		if (t->n == 0 ||
		    now / rrd_secs[k] >= t->base + t->n - 1 + rrd_spans[k]) {
			free(t);
			r->tier[k] = NULL;
		}
	}
}

void
rrd_clear(struct rrd *r)
{
	int k;

	for (k = 0; k < RRD_TIERS; k++) {
		free(r->tier[k]);
		r->tier[k] = NULL;
	}
	r->last = 0;
	r->cur_packets = r->cur_bytes = 0;
	r->cur_sig = 0;
}

size_t
rrd_bytes(const struct rrd *r)
{
	size_t n = 0;
	int k;

	for (k = 0; k < RRD_TIERS; k++)
		if (r->tier[k] != NULL)
			n += sizeof(*r->tier[k]) +
			    r->tier[k]->cap * sizeof(r->tier[k]->slot[0]);
	return n;
}

static int64_t
slot_value(const struct rrd_slot *s, enum rrd_metric m)
{
	switch (m) {
	case RRD_PACKETS:
		return s->packets;
	case RRD_BYTES:
		return s->bytes;
	default:
		return s->sig;
	}
}

void
rrd_vec(const struct rrd *r, enum rrd_unit k, enum rrd_metric m,
    uint32_t now, int64_t *out)
{
	const struct rrd_tier *t = r->tier[k];
	uint32_t span = rrd_spans[k], nu, u, i;
	struct rrd_slot cur;
	int64_t *o;

	memset(out, 0, span * sizeof(*out));
	if (now < r->last)
		now = r->last;
	nu = now / rrd_secs[k];
	for (i = 0; t != NULL && i < t->n; i++) {
		u = t->base + i;
		if (u > nu || nu - u >= span)
			continue;
		out[u % span] = slot_value(&t->slot[i], m);
	}
	/* The second still waiting, as if filed. */
	u = r->cur_t / rrd_secs[k];
	if (r->cur_packets == 0 || u > nu || nu - u >= span)
		return;
	o = &out[u % span];
	memset(&cur, 0, sizeof(cur));
	cur.packets = m == RRD_PACKETS ? (uint32_t)*o : 0;
	cur.bytes = m == RRD_BYTES ? (uint32_t)*o : 0;
	cur.sig = m == RRD_SIGNAL ? (int8_t)*o : 0;
	slot_add(&cur, r->cur_packets, r->cur_bytes, r->cur_sig);
	*o = slot_value(&cur, m);
}

uint64_t
rrd_sum(const struct rrd *r, enum rrd_unit k, enum rrd_metric m,
    uint32_t now)
{
	int64_t v[60];
	uint64_t sum = 0;
	uint32_t i;

	rrd_vec(r, k, m, now, v);
	for (i = 0; i < rrd_spans[k]; i++)
		sum += (uint64_t)v[i];
	return sum;
}
