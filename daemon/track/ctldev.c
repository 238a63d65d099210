/* SPDX-License-Identifier: ISC */
/* \summary: device queries for the web bridge: select once, send in slices */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/*
 * Where a paused walk stands: the next device and a few after it, so
 * that one of them moving meanwhile does not send the walk back to the
 * tail (see ctldev_walk).
 */
#define CTLDEV_ANCHORS	4

struct ctldev {
	struct ctldev_key	*keys;
	size_t			 n, cap, next;
	uint64_t		 sent;
	uint64_t		 budget_usec;	/* per slice; 0 none */
	double			 timestamp;
	int			 phy;		/* -1 any, -2 none */
	int64_t			 seenby;	/* CTLDEV_ANY_SOURCE, ... */
	/* What ctldev_pass reads of the request, which does not last. */
	bool			 has_since;
	uint32_t		 view;
	uint64_t		 since_usec;

	/*
	 * The walk over the change list, in steps between packets (see
	 * ctldev_walk): the next devices to visit (anchors) and their
	 * change numbers then, the removals count then, the last change
	 * number visited, the tracker's change number when the query was
	 * taken, and the set of keys taken.
	 */
	bool			 walking;
	const struct device	*cur[CTLDEV_ANCHORS];
	uint64_t		 cur_seq[CTLDEV_ANCHORS];
	uint64_t		 removals, last_seq, seq0;
	uint64_t		*seen;
	size_t			 seen_cap, seen_n;
};

/* Devices visited between two reads of the clock in a walk. */
#define CTLDEV_WALK_STEP	64

static uint64_t
ctldev_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

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

static bool
ctldev_seen_by(const struct device *d, int64_t source)
{
	int i;

	for (i = 0; i < d->n_seenby; i++)
		if (device_seenby_c(d, i)->source == source)
			return true;
	return false;
}

/* Does d pass the filters that apply to every way of selecting? */
static bool
ctldev_pass(const struct ctldev *q, const struct bridge_devices_req *r,
    uint64_t since_usec, const struct device *d)
{
	(void)r;
	(void)since_usec;
	if (q->has_since && d->mod_usec <= q->since_usec)
		return false;
	if (q->view == BRIDGE_VIEW_ACCESSPOINTS &&
	    (d->type_set & DEVICE_TYPE_ANY_AP) == 0)
		return false;
	if (q->phy != -1 && d->phy != q->phy)
		return false;
	if (q->seenby != CTLDEV_ANY_SOURCE && !ctldev_seen_by(d, q->seenby))
		return false;
	return true;
}

/*
 * "AA:BB:CC:DD:EE:FF", or with a mask: "/FF:FF:FF:00:00:00" or a count
 * of leading bits "/24" (Kismet's masked MACs).  0 or -1.
 */
static int
ctldev_mac_mask(const char *s, uint8_t mac[6], uint8_t mask[6])
{
	char buf[18];
	const char *slash = strchr(s, '/');
	unsigned long bits;
	char *end;
	int i;

	memset(mask, 0xff, 6);
	if (slash == NULL)
		return device_mac_parse(s, mac);
	if (slash - s != 17)
		return -1;
	memcpy(buf, s, 17);
	buf[17] = '\0';
	if (device_mac_parse(buf, mac) != 0)
		return -1;
	if (strlen(slash + 1) == 17)
		return device_mac_parse(slash + 1, mask);
	bits = strtoul(slash + 1, &end, 10);
	if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || bits > 48)
		return -1;
	for (i = 0; i < 6; i++)
		mask[i] = bits >= (unsigned long)(i + 1) * 8 ? 0xff :
		    bits <= (unsigned long)i * 8 ? 0 :
		    (uint8_t)(0xff << (8 - (bits - (unsigned long)i * 8)));
	return 0;
}

static bool
ctldev_mac_match(const uint8_t *a, const uint8_t *mac, const uint8_t *mask)
{
	int i;

	for (i = 0; i < 6; i++)
		if ((a[i] & mask[i]) != (mac[i] & mask[i]))
			return false;
	return true;
}

static void
ctldev_add_macs(struct ctldev *q, const struct tracker *tr,
    const struct bridge_devices_req *r, uint64_t since_usec)
{
	static const uint8_t full[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct device *found[DEVICE_PHY_COUNT + 1], *d;
	uint8_t mac[6], mask[6];
	size_t i, j, n;

	for (i = 0; i < r->n_macs; i++) {
		if (ctldev_mac_mask(r->macs[i], mac, mask) != 0)
			continue;
		if (memcmp(mask, full, 6) == 0) {
			n = tracker_find_mac(tr, mac, found,
			    DEVICE_PHY_COUNT + 1);
			for (j = 0; j < n && j <= DEVICE_PHY_COUNT; j++)
				if (ctldev_pass(q, r, since_usec, found[j]))
					ctldev_add(q, found[j]);
			continue;
		}
		/* A mask matches many: walk them all, in table order. */
		for (d = tracker_first(tr); d != NULL; d = tracker_next(d))
			if (ctldev_mac_match(d->mac, mac, mask) &&
			    ctldev_pass(q, r, since_usec, d))
				ctldev_add(q, d);
	}
}

/* Does AP b advertise an SSID (named, not cloaked) that AP a does? */
static bool
ctldev_same_ssid(const struct device *a, const struct device *b)
{
	size_t i, j;

	for (i = 0; i < a->n_adv; i++) {
		if (a->adv[i].len == 0 ||
		    (a->adv[i].flags & DEVICE_SSID_CLOAKED) != 0)
			continue;
		for (j = 0; j < b->n_adv; j++)
			if (b->adv[j].len == a->adv[i].len &&
			    memcmp(b->adv[j].ssid, a->adv[i].ssid,
			    a->adv[i].len) == 0)
				return true;
	}
	return false;
}

/* Is d among the keys added from index `from` on? */
static bool
ctldev_has(const struct ctldev *q, size_t from, const struct device *d)
{
	size_t i;

	for (i = from; i < q->n; i++)
		if (q->keys[i].phy == d->phy &&
		    memcmp(q->keys[i].mac, d->mac, 6) == 0)
			return true;
	return false;
}

/*
 * The devices related to access point ap, as Kismet's related-to view
 * means it: other access points of the same network, that is those that
 * share one of its clients or advertise one of its SSIDs.  Not ap
 * itself.  The clients' own lists of access points give the first kind
 * without a walk per client; one walk over the table gives the second.
 */
static void
ctldev_add_related(struct ctldev *q, const struct tracker *tr,
    const struct bridge_devices_req *r, uint64_t since_usec,
    const struct device *ap)
{
	const struct device_assoc *a, *b;
	const struct device *d;
	size_t from = q->n;

	if ((ap->type_set & DEVICE_TYPE_ANY_AP) == 0)
		return;
	for (a = ap->clients; a != NULL; a = a->a_next)
		for (b = a->client->aps; b != NULL; b = b->c_next)
			if (b->ap != ap && ctldev_pass(q, r, since_usec,
			    b->ap) && !ctldev_has(q, from, b->ap))
				ctldev_add(q, b->ap);
	for (d = tracker_first(tr); d != NULL; d = tracker_next(d))
		if (d != ap && (d->type_set & DEVICE_TYPE_ANY_AP) != 0 &&
		    ctldev_same_ssid(ap, d) && ctldev_pass(q, r, since_usec,
		    d) && !ctldev_has(q, from, d))
			ctldev_add(q, d);
}

/* The phy a request names: -1 for none, -2 for one that does not exist. */
static int
ctldev_phy(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < DEVICE_PHY_COUNT; i++)
		if (strcmp(device_phy_name((uint8_t)i), name) == 0)
			return i;
	return -2;
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
ctldev_new(const struct tracker *tr, const struct bridge_devices_req *r,
    int64_t seenby)
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
	q->phy = ctldev_phy(r->phyname);
	q->seenby = seenby;
	q->has_since = r->has_since;
	q->since_usec = since_usec;
	q->view = r->view;
	if (q->phy == -2 || seenby == CTLDEV_NO_SOURCE)
		return q;	/* nothing can match */
	if (r->n_keys > 0 || r->n_macs > 0 || r->clients_of != NULL ||
	    r->related_to != NULL) {
		for (i = 0; i < r->n_keys; i++)
			if (device_key_parse(r->keys[i], &phy, mac) == 0 &&
			    (d = tracker_find(tr, phy, mac)) != NULL &&
			    ctldev_pass(q, r, since_usec, d))
				ctldev_add(q, d);
		ctldev_add_macs(q, tr, r, since_usec);
		if (r->clients_of != NULL &&
		    (ap = tracker_find_key(tr, r->clients_of)) != NULL)
			for (a = ap->clients; a != NULL; a = a->a_next)
				if (ctldev_pass(q, r, since_usec, a->client))
					ctldev_add(q, a->client);
		if (r->related_to != NULL &&
		    (ap = tracker_find_key(tr, r->related_to)) != NULL)
			ctldev_add_related(q, tr, r, since_usec, ap);
		return q;
	}
	/*
	 * Oldest change first, as Kismet lists them.  The walk over every
	 * device is what costs (a cache miss a device: tens of ms at
	 * 100,000), so it is taken in steps, by ctldev_slice.
	 */
	q->walking = true;
	q->cur[0] = r->has_since ? tracker_changed_since(tr, since_usec) :
	    tracker_first(tr);
	q->cur_seq[0] = q->cur[0] != NULL ? q->cur[0]->mod_seq : 0;
	q->removals = tracker_removals(tr);
	q->seq0 = tracker_seq(tr);
	/*
	 * The set: for the whole table, sized once with room for what
	 * comes meanwhile (a rehash would be one long step), its pages
	 * touched as the walk goes; for changes since a time (a short
	 * walk) it grows.
	 */
	q->seen_cap = 1024;
	while (!r->has_since && q->seen_cap < 2 * (tracker_count(tr) +
	    tracker_count(tr) / 4 + 64))
		q->seen_cap *= 2;
	q->seen = xcalloc(q->seen_cap, sizeof(*q->seen));
	return q;
}

static uint64_t
ctldev_key64(const struct device *d)
{
	uint64_t k = d->phy;
	int i;

	for (i = 0; i < 6; i++)
		k = k << 8 | d->mac[i];
	return k + 1;		/* 0 is an empty slot */
}

/* Add k to the set of keys taken; false if it was there. */
static bool
ctldev_seen_add(struct ctldev *q, uint64_t k)
{
	uint64_t *old = q->seen;
	size_t i, cap = q->seen_cap;

	if (2 * (q->seen_n + 1) > q->seen_cap) {
		q->seen_cap = cap == 0 ? 1024 : cap * 2;
		while (q->seen_cap < 2 * (q->seen_n + 1))
			q->seen_cap *= 2;
		q->seen = xcalloc(q->seen_cap, sizeof(*q->seen));
		q->seen_n = 0;
		for (i = 0; i < cap; i++)
			if (old[i] != 0)
				(void)ctldev_seen_add(q, old[i]);
		free(old);
	}
	i = (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 20) & (q->seen_cap - 1);
	while (q->seen[i] != 0) {
		if (q->seen[i] == k)
			return false;
		i = (i + 1) & (q->seen_cap - 1);
	}
	q->seen[i] = k;
	q->seen_n++;
	return true;
}

/*
 * Visit one device of the walk.  The change list is in change order, so
 * once a device that moved after the query was taken (its change number
 * past seq0) comes up, every one after it has too: those moved from
 * ahead of the walk are new to it, those moved from behind it were
 * taken already.  The set of keys taken tells them apart.  It is filled
 * as the walk goes: made at once when the walk met such a device, its
 * first pages faulting in held the loop for 7 ms at 46,496 devices.
 */
static void
ctldev_visit(struct ctldev *q, const struct device *d)
{
	bool fresh;

	q->last_seq = d->mod_seq;
	if (!ctldev_pass(q, NULL, 0, d))
		return;
	fresh = ctldev_seen_add(q, ctldev_key64(d));
	if (d->mod_seq <= q->seq0 || fresh)
		ctldev_add(q, d);
}

/* Stop the walk at d, the next device to visit. */
static void
ctldev_pause(struct ctldev *q, const struct tracker *tr,
    const struct device *d)
{
	int i;

	for (i = 0; i < CTLDEV_ANCHORS; i++) {
		q->cur[i] = d;
		q->cur_seq[i] = d != NULL ? d->mod_seq : 0;
		if (d != NULL)
			d = tracker_next(d);
	}
	q->removals = tracker_removals(tr);
}

/*
 * Where to go on from: the first anchor still where it was.  Those
 * before it moved to the tail (after seq0), where the walk meets them.
 * With every anchor moved, or a device removed (an anchor may be gone),
 * the first device that moved after the last one visited: a walk back
 * from the tail, rare.
 */
static const struct device *
ctldev_resume(struct ctldev *q, const struct tracker *tr)
{
	int i;

	if (tracker_removals(tr) == q->removals)
		for (i = 0; i < CTLDEV_ANCHORS && q->cur[i] != NULL; i++)
			if (q->cur[i]->mod_seq == q->cur_seq[i])
				return q->cur[i];
	if (q->cur[0] == NULL)
		return NULL;
	return tracker_changed_after_seq(tr, q->last_seq);
}

/*
 * Walk on until the end of the list or until budget_usec (0: no bound)
 * has passed since t0.  Between two steps packets may have moved, added
 * or removed devices: ctldev_resume finds where to go on from.
 */
static void
ctldev_walk(struct ctldev *q, const struct tracker *tr, uint64_t t0)
{
	const struct device *d = ctldev_resume(q, tr);
	size_t i;

	for (i = 1; d != NULL; i++) {
		if (!q->has_since || d->mod_usec > q->since_usec)
			ctldev_visit(q, d);
		d = tracker_next(d);
		if (d != NULL && q->budget_usec != 0 &&
		    i % CTLDEV_WALK_STEP == 0 &&
		    ctldev_now() - t0 >= q->budget_usec) {
			ctldev_pause(q, tr, d);
			return;
		}
	}
	q->walking = false;
	free(q->seen);
	q->seen = NULL;
}

struct ctldev *
ctldev_new_list(const struct tracker *tr, const struct device *const *devs,
    size_t n)
{
	struct ctldev *q = xcalloc(1, sizeof(*q));
	size_t i;

	q->timestamp = (double)tracker_clock(tr) / 1e6;
	q->phy = -1;
	q->seenby = CTLDEV_ANY_SOURCE;
	for (i = 0; i < n; i++)
		ctldev_add(q, devs[i]);
	return q;
}

void
ctldev_free(struct ctldev *q)
{
	if (q == NULL)
		return;
	free(q->keys);
	free(q->seen);
	free(q);
}

void
ctldev_set_budget(struct ctldev *q, uint64_t usec)
{
	q->budget_usec = usec;
}

size_t
ctldev_slice(struct ctldev *q, const struct tracker *tr, msgpack_sbuffer *sb,
    size_t target, const struct devrec_opts *opts)
{
	const struct device *d;
	msgpack_packer pk;
	size_t start = sb->size, n = 0;
	uint64_t t0 = 0;

	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	if (q->budget_usec != 0)
		t0 = ctldev_now();
	if (q->walking) {
		ctldev_walk(q, tr, t0);
		/* An empty slice, if the walk took the time. */
		if (q->walking)
			return 0;
	}
	while (q->next < q->n && sb->size - start < target) {
		/*
		 * A record takes 10 us to a millisecond to pack (an access
		 * point lists its clients): the clock, read in tens of ns,
		 * is read before each one.
		 */
		if (q->budget_usec != 0 && n > 0 &&
		    ctldev_now() - t0 >= q->budget_usec)
			break;
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
	return !q->walking && q->next >= q->n;
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
