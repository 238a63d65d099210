/* SPDX-License-Identifier: ISC */
/* \summary: device queries for the web bridge: select once, send in slices */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "ctldev.h"
#include "device.h"
#include "devrec.h"
#include "tracker.h"
#include "xmalloc.h"

struct ctldev_key {
	uint8_t		 phy;
	uint8_t		 mac[6];
};

struct ctldev {
	struct ctldev_key	*keys;
	size_t			 n, cap, next;
	uint64_t		 sent;
	double			 timestamp;
};

static void
ctldev_add(struct ctldev *q, const struct device *d)
{
	if (q->n == CTLDEV_MAX)
		return;
	if (q->n == q->cap) {
		q->cap = q->cap == 0 ? 64 : q->cap * 2;
		q->keys = xreallocarray(q->keys, q->cap, sizeof(*q->keys));
	}
	q->keys[q->n].phy = d->phy;
	memcpy(q->keys[q->n].mac, d->mac, 6);
	q->n++;
}

/* Does d pass the filters that apply to every way of selecting? */
static bool
ctldev_pass(const struct bridge_devices_req *r, uint64_t since_usec,
    const struct device *d)
{
	if (r->has_since && d->mod_usec <= since_usec)
		return false;
	if (r->view == BRIDGE_VIEW_ACCESSPOINTS &&
	    (d->type_set & DEVICE_TYPE_ANY_AP) == 0)
		return false;
	return true;
}

static void
ctldev_add_macs(struct ctldev *q, const struct tracker *tr,
    const struct bridge_devices_req *r, uint64_t since_usec)
{
	const struct device *found[DEVICE_PHY_COUNT + 1];
	uint8_t mac[6];
	size_t i, j, n;

	for (i = 0; i < r->n_macs; i++) {
		/* A "/mask" suffix is not supported: only exact MACs match. */
		if (device_mac_parse(r->macs[i], mac) != 0)
			continue;
		n = tracker_find_mac(tr, mac, found, DEVICE_PHY_COUNT + 1);
		for (j = 0; j < n && j <= DEVICE_PHY_COUNT; j++)
			if (ctldev_pass(r, since_usec, found[j]))
				ctldev_add(q, found[j]);
	}
}

/*
 * A "since" in epoch seconds as the tracker's microseconds.  A client
 * may send any double: one past what 64 bits of microseconds hold (about
 * 1.8e13 s) asks for changes after the end of time, so nothing matches;
 * converting it would be undefined (the sanitizer aborts, and x86 gives
 * 0, which matched every device).  Zero, negative or NaN: everything.
 */
static uint64_t
ctldev_since_usec(double since)
{
	double us;

	if (!(since > 0))
		return 0;
	us = floor(since * 1e6);
	/* 2^64 is exact as a double; anything at or past it saturates. */
	if (us >= 18446744073709551616.0)
		return UINT64_MAX;
	return (uint64_t)us;
}

struct ctldev *
ctldev_new(const struct tracker *tr, const struct bridge_devices_req *r)
{
	struct ctldev *q = xcalloc(1, sizeof(*q));
	const struct device *d, *ap;
	const struct device_assoc *a;
	uint64_t clock = tracker_clock(tr), since_usec = 0;
	uint8_t phy, mac[6];
	size_t i;

	/*
	 * The next poll asks for changes after now: a device changes later
	 * at a later tracker clock (the core moves it with every packet).
	 */
	q->timestamp = (double)clock / 1e6;
	if (r->has_since)
		since_usec = ctldev_since_usec(r->since);
	if (r->n_keys > 0 || r->n_macs > 0 || r->clients_of != NULL) {
		for (i = 0; i < r->n_keys; i++)
			if (device_key_parse(r->keys[i], &phy, mac) == 0 &&
			    (d = tracker_find(tr, phy, mac)) != NULL &&
			    ctldev_pass(r, since_usec, d))
				ctldev_add(q, d);
		ctldev_add_macs(q, tr, r, since_usec);
		if (r->clients_of != NULL &&
		    (ap = tracker_find_key(tr, r->clients_of)) != NULL)
			for (a = ap->clients; a != NULL; a = a->a_next)
				if (ctldev_pass(r, since_usec, a->client))
					ctldev_add(q, a->client);
		return q;
	}
	/* Oldest change first, as Kismet lists them. */
	d = r->has_since ? tracker_changed_since(tr, since_usec) :
	    tracker_first(tr);
	for (; d != NULL; d = r->has_since ? tracker_next_changed(d,
	    since_usec) : tracker_next(d))
		if (ctldev_pass(r, since_usec, d))
			ctldev_add(q, d);
	return q;
}

void
ctldev_free(struct ctldev *q)
{
	if (q == NULL)
		return;
	free(q->keys);
	free(q);
}

size_t
ctldev_slice(struct ctldev *q, const struct tracker *tr, msgpack_sbuffer *sb,
    size_t target, const struct devrec_opts *opts)
{
	const struct device *d;
	msgpack_packer pk;
	size_t start = sb->size, n = 0;

	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	while (q->next < q->n && sb->size - start < target) {
		d = tracker_find(tr, q->keys[q->next].phy,
		    q->keys[q->next].mac);
		q->next++;
		if (d == NULL)
			continue;
		devrec_pack(&pk, tr, d, opts);
		n++;
	}
	q->sent += n;
	return n;
}

bool
ctldev_done(const struct ctldev *q)
{
	return q->next >= q->n;
}

double
ctldev_timestamp(const struct ctldev *q)
{
	return q->timestamp;
}

uint64_t
ctldev_sent(const struct ctldev *q)
{
	return q->sent;
}
