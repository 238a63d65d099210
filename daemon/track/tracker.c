/* SPDX-License-Identifier: ISC */
/*
 * \summary: the device tracker: every device by (phy, MAC), changes in order
 *
 * Three structures: an open-addressing hash table of (key, device)
 * slots, linear probing, deletion by backward shift (no tombstones), kept
 * at most half full; the change list (tracker.h); and a direct-mapped
 * ring of recent frame hashes for cross-source deduplication.
 *
 * Every device a packet involves is fetched with dev_get(), which moves
 * it to the tail of the change list at once.  Eviction takes the head,
 * so with at least TRACKER_MIN_MAX_DEVICES devices allowed a device
 * fetched for the current packet is never the one evicted.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "devloc.h"
#include "oui.h"
#include "packet.h"
#include "tracker.h"
#include "xmalloc.h"

/* IEEE 802.11-2020 §9.4.1.4 Capability Information bits. */
#define CAP_ESS		0x0001
#define CAP_IBSS	0x0002

struct slot {
	uint64_t	 key;
	struct device	*dev;		/* NULL: empty */
};

struct dedup {
	uint64_t	 hash;
	uint32_t	 source;
	uint32_t	 ms;		/* capture time, ms, wraps */
};

struct tracker {
	struct tracker_config cfg;
	struct slot	*slots;
	size_t		 cap;		/* power of two */
	unsigned	 shift;		/* 64 - log2(cap) */
	size_t		 count;
	struct device	*head, *tail;	/* the change list */
	uint64_t	 seq;
	uint64_t	 now_usec;
	uint64_t	 removals;
	uint32_t	 cap_now;	/* newest capture second */
	size_t		 sweep_at;	/* next table slot hist_sweep() visits */
	/* Each source's newest capture second: a device's histories are
	 * read by the clocks of the sources that heard it. */
	struct {
		uint32_t	 source;
		uint32_t	 t;
	}		 clock[TRACKER_MAX_CLOCKS];
	unsigned	 n_clock;
	struct dedup	*dedup;
	/* The two most recent sources and their last capture time (ms):
	 * deduplication only runs while another source is active. */
	uint32_t	 src_a, src_b;
	uint32_t	 src_a_ms, src_b_ms;
	bool		 src_b_valid;
	/* Devices the current packet holds: never the one evicted. */
	struct device	*pin[3];
	unsigned	 n_pin;
	struct tracker_stats st;
};

void
tracker_config_default(struct tracker_config *c)
{
	memset(c, 0, sizeof(*c));
	c->dedup_window_usec = TRACKER_DEDUP_WINDOW_USEC;
}

static uint64_t
make_key(uint8_t phy, const uint8_t mac[6])
{
	uint64_t k = phy;
	int i;

	for (i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

static size_t
slot_of(const struct tracker *tr, uint64_t key)
{
	/* Fibonacci hashing: vendor prefixes share high bits, mix them. */
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> tr->shift);
}

static void
table_alloc(struct tracker *tr, size_t cap)
{
	unsigned bits = 0;

	while (((size_t)1 << bits) < cap)
		bits++;
	tr->cap = (size_t)1 << bits;
	tr->shift = 64 - bits;
	tr->slots = xcalloc(tr->cap, sizeof(*tr->slots));
}

static void
table_put(struct tracker *tr, uint64_t key, struct device *d)
{
	size_t i = slot_of(tr, key), mask = tr->cap - 1;

	while (tr->slots[i].dev != NULL)
		i = (i + 1) & mask;
	tr->slots[i].key = key;
	tr->slots[i].dev = d;
}

static void
table_grow(struct tracker *tr)
{
	struct slot *old = tr->slots;
	size_t oldcap = tr->cap, i;

	table_alloc(tr, oldcap * 2);
	for (i = 0; i < oldcap; i++)
		if (old[i].dev != NULL)
			table_put(tr, old[i].key, old[i].dev);
	free(old);
}

static struct device *
table_find(const struct tracker *tr, uint64_t key)
{
	size_t i = slot_of(tr, key), mask = tr->cap - 1;

	while (tr->slots[i].dev != NULL) {
		if (tr->slots[i].key == key)
			return tr->slots[i].dev;
		i = (i + 1) & mask;
	}
	return NULL;
}

/* Remove key, shifting later members of its cluster back. */
static void
table_del(struct tracker *tr, uint64_t key)
{
	size_t i = slot_of(tr, key), j, home, mask = tr->cap - 1;

	while (tr->slots[i].dev != NULL && tr->slots[i].key != key)
		i = (i + 1) & mask;
	if (tr->slots[i].dev == NULL)
		return;
	j = i;
	for (;;) {
		tr->slots[i].dev = NULL;
		for (;;) {
			j = (j + 1) & mask;
			if (tr->slots[j].dev == NULL)
				return;
			home = slot_of(tr, tr->slots[j].key);
			/* Move j back to i unless its home lies in (i, j]. */
			if (i <= j ? (i < home && home <= j) :
			    (i < home || home <= j))
				continue;
			break;
		}
		tr->slots[i] = tr->slots[j];
		i = j;
	}
}

struct tracker *
tracker_new(const struct tracker_config *cfg)
{
	struct tracker *tr;

	tr = xcalloc(1, sizeof(*tr));
	tr->cfg = *cfg;
	if (tr->cfg.max_devices != 0 &&
	    tr->cfg.max_devices < TRACKER_MIN_MAX_DEVICES)
		tr->cfg.max_devices = TRACKER_MIN_MAX_DEVICES;
	table_alloc(tr, 1024);
	if (tr->cfg.dedup_window_usec != 0)
		tr->dedup = xcalloc(TRACKER_DEDUP_SLOTS, sizeof(*tr->dedup));
	return tr;
}

static void
list_unlink(struct tracker *tr, struct device *d)
{
	if (d->mod_prev != NULL)
		d->mod_prev->mod_next = d->mod_next;
	else
		tr->head = d->mod_next;
	if (d->mod_next != NULL)
		d->mod_next->mod_prev = d->mod_prev;
	else
		tr->tail = d->mod_prev;
	d->mod_prev = d->mod_next = NULL;
}

static void
list_append(struct tracker *tr, struct device *d)
{
	d->mod_prev = tr->tail;
	d->mod_next = NULL;
	if (tr->tail != NULL)
		tr->tail->mod_next = d;
	else
		tr->head = d;
	tr->tail = d;
}

/*
 * Record a change to d.  The list is kept in order of "moves": a device
 * goes to the tail, with a new change number, only if it last moved at
 * least TRACKER_INDEX_GRANULE_USEC ago; otherwise only its mod_usec
 * changes.  A busy device thus costs no list surgery (and none of the
 * cache misses on its two neighbours) on most packets, and the list is
 * in mod_usec order to within one granule (tracker_changed_since()
 * allows for that).
 */
static void
dev_touch(struct tracker *tr, struct device *d)
{
	if (tr->n_pin < 3)
		tr->pin[tr->n_pin++] = d;
	d->mod_usec = tr->now_usec;
	if (d->mod_seq != 0 &&
	    tr->now_usec - d->pos_usec < TRACKER_INDEX_GRANULE_USEC)
		return;
	d->mod_seq = ++tr->seq;
	d->pos_usec = tr->now_usec;
	if (tr->tail != d) {
		list_unlink(tr, d);
		list_append(tr, d);
	}
}

static bool
pinned(const struct tracker *tr, const struct device *d)
{
	unsigned i;

	for (i = 0; i < tr->n_pin; i++)
		if (tr->pin[i] == d)
			return true;
	return false;
}

static void
dev_remove(struct tracker *tr, struct device *d)
{
	device_assoc_clear(d);
	table_del(tr, make_key(d->phy, d->mac));
	list_unlink(tr, d);
	device_free(d);
	tr->count--;
	tr->removals++;
}

void
tracker_free(struct tracker *tr)
{
	struct device *d;

	if (tr == NULL)
		return;
	while ((d = tr->head) != NULL) {
		device_assoc_clear(d);
		list_unlink(tr, d);
		device_free(d);
	}
	free(tr->slots);
	free(tr->dedup);
	free(tr);
}

static bool
mac_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return (mac[0] & 0x01) == 0 && memcmp(mac, zero, 6) != 0;
}

static bool
mac_eq(const uint8_t a[6], const uint8_t b[6])
{
	return memcmp(a, b, 6) == 0;
}

/* Find without counting it as a change. */
static struct device *
dev_find(struct tracker *tr, const uint8_t mac[6])
{
	return table_find(tr, make_key(DEVICE_PHY_DOT11, mac));
}

/*
 * The device for an 802.11 address, created if new (NULL for group and
 * all-zero addresses, which are never devices), moved to the tail.
 */
static struct device *
dev_get(struct tracker *tr, const uint8_t mac[6], uint32_t t)
{
	struct device *d;
	uint64_t key;

	if (!mac_unicast(mac))
		return NULL;
	key = make_key(DEVICE_PHY_DOT11, mac);
	if ((d = table_find(tr, key)) != NULL) {
		dev_touch(tr, d);
		return d;
	}
	if (tr->cfg.max_devices != 0 && tr->count >= tr->cfg.max_devices) {
		/* The oldest not in use by this packet (there are at most
		 * three in use, and at least four devices). */
		for (d = tr->head; pinned(tr, d); d = d->mod_next)
			;
		dev_remove(tr, d);
		tr->st.evicted++;
	}
	if ((tr->count + 1) * 2 > tr->cap)
		table_grow(tr);
	d = device_new(DEVICE_PHY_DOT11, mac, t);
	d->manuf = oui_db_lookup(tr->cfg.oui, mac);
	table_put(tr, key, d);
	tr->count++;
	tr->st.created++;
	list_append(tr, d);
	d->mod_seq = 0;		/* not yet stamped: dev_touch() does */
	dev_touch(tr, d);
	return d;
}

static size_t
expire(struct tracker *tr)
{
	uint64_t limit;
	size_t n = 0;

	if (tr->cfg.device_timeout == 0)
		return 0;
	limit = (uint64_t)tr->cfg.device_timeout * 1000000;
	while (tr->head != NULL && tr->now_usec > limit &&
	    tr->head->mod_usec < tr->now_usec - limit) {
		dev_remove(tr, tr->head);
		n++;
	}
	tr->st.expired += n;
	return n;
}

size_t
tracker_expire(struct tracker *tr)
{
	return expire(tr);
}

void
tracker_set_clock(struct tracker *tr, uint64_t now_usec)
{
	if (now_usec > tr->now_usec)
		tr->now_usec = now_usec;
	(void)expire(tr);
}

uint64_t
tracker_clock(const struct tracker *tr)
{
	return tr->now_usec;
}

uint32_t
tracker_capture_time(const struct tracker *tr)
{
	return tr->cap_now;
}

#define HASH_HEAD	64	/* header, sequence number, first IEs */
#define HASH_TAIL	16	/* CCMP MIC / last IE bytes */

/*
 * A 64-bit hash of a frame (multiply-xorshift over 8-byte words) for
 * deduplication: its length, its first HASH_HEAD bytes and its last
 * HASH_TAIL.  Two frames agreeing on all of that within the window are
 * one transmission in practice (the header holds the addresses and the
 * sequence number, a beacon's first bytes its TSF, a protected frame's
 * last bytes its MIC), and the cost stays flat for 1500-byte frames.
 * It only reads [p, p + n), the frame the decoder bounded.
 */
static uint64_t
hash_words(uint64_t h, const uint8_t *p, size_t n)
{
	const uint64_t m = 0xff51afd7ed558ccdULL;
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * m;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * m;
	}
	return h;
}

static uint64_t
frame_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ n;

	if (n <= HASH_HEAD + HASH_TAIL)
		h = hash_words(h, p, n);
	else {
		h = hash_words(h, p, HASH_HEAD);
		h = hash_words(h, p + n - HASH_TAIL, HASH_TAIL);
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/*
 * True when another source delivered the same frame bytes within the
 * window: the radios heard one transmission.  A repeat from the same
 * source is a new transmission and counts.
 */
static bool
dedup_seen(struct tracker *tr, const struct packet *p)
{
	struct dedup *e;
	uint64_t h;
	uint32_t ms, diff;

	if (tr->dedup == NULL || p->frame == NULL || p->frame_len == 0)
		return false;
	ms = (uint32_t)(p->ts_sec * 1000 + p->ts_usec / 1000);
	/*
	 * With one source there is nothing to deduplicate, and the hash
	 * and the ring lookup (a cache miss) are most of the cost of a
	 * packet; skip both until another source is active within the
	 * window.  (Copies in the first window after a second source
	 * starts may count twice.)
	 */
	if (p->source != tr->src_a) {
		tr->src_b = tr->src_a;
		tr->src_b_ms = tr->src_a_ms;
		tr->src_b_valid = tr->st.packets > 1;
		tr->src_a = p->source;
	}
	tr->src_a_ms = ms;
	if (!tr->src_b_valid)
		return false;
	diff = ms >= tr->src_b_ms ? ms - tr->src_b_ms : tr->src_b_ms - ms;
	if ((uint64_t)diff * 1000 > tr->cfg.dedup_window_usec)
		return false;
	h = frame_hash(p->frame, p->frame_len);
	e = &tr->dedup[h & (TRACKER_DEDUP_SLOTS - 1)];
	if (e->hash == h && e->source != p->source) {
		diff = ms >= e->ms ? ms - e->ms : e->ms - ms;
		if ((uint64_t)diff * 1000 <= tr->cfg.dedup_window_usec)
			return true;
	}
	e->hash = h;
	e->source = p->source;
	e->ms = ms;
	return false;
}

uint64_t
tracker_dups(const struct tracker *tr)
{
	return tr->st.dups;
}

/* IEEE channel number of a frequency in MHz, 0 when not a Wi-Fi one. */
static uint16_t
freq_channel(uint16_t f)
{
	if (f == 2484)
		return 14;
	if (f >= 2412 && f < 2484)
		return (uint16_t)((f - 2407) / 5);
	if (f >= 5955 && f <= 7115)
		return (uint16_t)((f - 5950) / 5);
	if (f >= 4910 && f <= 4980)
		return (uint16_t)((f - 4000) / 5);
	if (f >= 5000 && f <= 5925)
		return (uint16_t)((f - 5000) / 5);
	return 0;
}

/*
 * The frame's signal in dBm.  0 dBm means "not measured" for several
 * drivers and for Kismet, so it is ignored as Kismet does.
 */
static bool
packet_signal(const struct packet *p, int8_t *ret)
{
	int v;

	if (p->radio.has & RADIO_HAS_SIGNAL)
		v = p->radio.signal_dbm;
	else if (p->has_helper_signal)
		v = p->helper_signal_dbm;
	else
		return false;
	if (v == 0)
		return false;
	*ret = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
	return true;
}

/*
 * Count the packet against d.  heard: d transmitted it, so the radio
 * readings (signal, channel, the source that heard it) describe d.
 */
static void
account(struct tracker *tr, struct device *d, const struct packet *p,
    uint32_t t, bool heard)
{
	const struct packet_dot11 *h = &p->dot11;
	bool has_noise, has_sig;
	int8_t sig = 0, noise = 0;
	uint16_t freq, chan;

	d->packets++;
	if (h->type == DOT11_TYPE_MGMT)
		d->mgmt_packets++;
	else if (h->type == DOT11_TYPE_CTRL)
		d->ctrl_packets++;
	else if (h->type == DOT11_TYPE_DATA) {
		d->data_packets++;
		d->datasize += h->body_len;
	}
	if (h->protected_)
		d->crypt_packets++;
	if (h->ies.truncated)
		d->error_packets++;
	if (t > d->last_time)
		d->last_time = t;
	if (t < d->first_time)
		d->first_time = t;
	has_sig = heard && packet_signal(p, &sig);
	rrd_add(&d->hist, t, h->type != DOT11_TYPE_DATA ? 0 :
	    h->body_len > UINT32_MAX ? UINT32_MAX : (uint32_t)h->body_len,
	    has_sig ? sig : 0);
	if (!heard)
		return;
	has_noise = (p->radio.has & RADIO_HAS_NOISE) != 0;
	if (has_noise)
		noise = (int8_t)(p->radio.noise_dbm < -128 ? -128 :
		    p->radio.noise_dbm > 127 ? 127 : p->radio.noise_dbm);
	if (has_sig)
		device_signal_add(&d->signal, sig, has_noise, noise);
	if (p->loc.fix >= 2)
		devloc_add(d, &p->loc, has_sig ? &sig : NULL);
	if (device_seenby_add(d, p->source, t, has_sig ? &sig : NULL,
	    has_noise, noise) != 0)
		tr->st.capped++;
	freq = (p->radio.has & RADIO_HAS_FREQ) ? p->radio.freq_mhz :
	    p->helper_freq_mhz;
	chan = (p->radio.has & RADIO_HAS_CHANNEL) ? p->radio.channel :
	    freq_channel(freq);
	if (freq != 0)
		d->freq_mhz = freq;
	/*
	 * An AP's channel is the one it advertises (track_bss()), not
	 * where its other frames leaked to an overlapping channel.
	 */
	if (chan != 0 && d->last_beacon == 0 &&
	    !(d->type_set & (DEVICE_TYPE_AP | DEVICE_TYPE_PROBE_AP)))
		d->channel = chan;
}

static void
set_last_bssid(struct device *d, const uint8_t bssid[6])
{
	memcpy(d->last_bssid, bssid, 6);
	d->has_last_bssid = 1;
}

/*
 * client is a station of ap.  Once per second per client the association
 * record itself is updated (its last_time has one-second resolution); in
 * between, the client's cached key of its front association says there is
 * nothing to do, without reading the record (a cache miss per packet).
 */
static void
associate(struct tracker *tr, struct device *client, struct device *ap,
    uint32_t t)
{
	uint64_t key = make_key(ap->phy, ap->mac);

	client->type_set |= DEVICE_TYPE_CLIENT;
	if (!(ap->type_set & DEVICE_TYPE_ANY_AP))
		ap->type_set |= DEVICE_TYPE_BSS_AP;
	if (client->assoc_t == t && client->assoc_key == key)
		return;
	set_last_bssid(client, ap->mac);
	if (device_assoc(client, ap, t) == NULL) {
		tr->st.capped++;
		return;
	}
	client->assoc_key = key;
	client->assoc_t = t;
}

static uint8_t
ht_mode(const struct dot11_ies *ies)
{
	if (ies->has_vht) {
		switch (ies->vht_width) {
		case 1:
			/* 160 MHz is signalled as 80 with a second centre
			 * 8 channels away (IEEE 802.11-2020 Table 9-274). */
			if (ies->vht_center2 == 0)
				return DEVICE_VHT_80;
			if (ies->vht_center2 == ies->vht_center1 + 8 ||
			    ies->vht_center1 == ies->vht_center2 + 8)
				return DEVICE_VHT_160;
			return DEVICE_VHT_80_80;
		case 2:
			return DEVICE_VHT_160;
		case 3:
			return DEVICE_VHT_80_80;
		default:
			break;
		}
	}
	if (ies->has_ht) {
		if (ies->ht_secondary == 1)
			return DEVICE_HT_40_PLUS;
		if (ies->ht_secondary == 3)
			return DEVICE_HT_40_MINUS;
		return DEVICE_HT_20;
	}
	return DEVICE_HT_NONE;
}

/*
 * The channel a beacon or probe response advertises: its HT Operation
 * primary channel, else its DS Parameter Set, else (neither element)
 * the radio's.  0 when none is known.
 */
static uint16_t
bss_channel(const struct packet *p)
{
	const struct dot11_ies *ies = &p->dot11.ies;

	if (ies->has_ht && ies->ht_primary != 0)
		return ies->ht_primary;
	if (ies->ds_channel != 0)
		return ies->ds_channel;
	if (p->radio.has & RADIO_HAS_CHANNEL)
		return p->radio.channel;
	return 0;
}

/*
 * Fold the security a beacon or probe response shows into s.  A frame
 * cut short by the capture's snap length may have lost its RSN or WPA
 * element with the rest of its body: it cannot tell WEP from WPA (the
 * decoder gives its Privacy bit alone DOT11_CRYPT_UNKNOWN), so it never
 * replaces what a frame captured whole showed.
 */
static void
bss_crypt(struct device_ssid *s, const struct packet_dot11 *h)
{
	uint32_t crypt = h->ies.crypt;

	if (!h->truncated) {
		s->crypt = crypt;
		s->flags |= DEVICE_SSID_CRYPT_WHOLE;
	} else if (!(s->flags & DEVICE_SSID_CRYPT_WHOLE))
		s->crypt |= crypt;
}

/*
 * A beacon or probe response from d: its network.  The device's channel
 * is the one its last beacon advertised or, having never beaconed, its
 * last probe response; the radio's channel only when neither carried one
 * (account() leaves an AP's channel alone).
 */
static void
track_bss(struct tracker *tr, struct device *d, const struct packet *p,
    uint32_t t)
{
	const struct packet_dot11 *h = &p->dot11;
	const struct dot11_ies *ies = &h->ies;
	bool beacon = h->subtype == DOT11_MGMT_BEACON;
	struct device_ssid *s;
	uint16_t chan;

	if ((h->capability & CAP_IBSS) && !(h->capability & CAP_ESS))
		d->type_set |= DEVICE_TYPE_ADHOC;
	else
		d->type_set |= beacon ? DEVICE_TYPE_AP : DEVICE_TYPE_PROBE_AP;
	if (h->has_bssid)
		set_last_bssid(d, h->bssid);
	chan = bss_channel(p);
	if (chan != 0 && (beacon || d->last_beacon == 0))
		d->channel = chan;
	if (!ies->has_ssid)
		return;
	s = device_adv_ssid(d, ies->ssid, ies->ssid_len, ies->ssid_cloaked,
	    t);
	if (s == NULL) {
		tr->st.capped++;
		return;
	}
	s->flags |= beacon ? DEVICE_SSID_BEACON : DEVICE_SSID_PROBE_RESP;
	if (t > s->last_time)
		s->last_time = t;
	bss_crypt(s, h);
	if (chan != 0)
		s->channel = chan;
	s->ht_mode = ht_mode(ies);
	if (beacon) {
		s->beacon_interval = h->beacon_interval;
		d->last_beacon = (uint8_t)(s - d->adv + 1);
	}
}

static void
track_mgmt(struct tracker *tr, const struct packet *p, uint32_t t)
{
	const struct packet_dot11 *h = &p->dot11;
	struct device *tx, *bss = NULL, *sta;
	bool from_bss;

	if (!h->has_ta)
		return;
	/*
	 * Deauthentication and disassociation are the frames forged with
	 * made-up addresses (floods): they count for known devices but
	 * create none.
	 */
	if (h->subtype == DOT11_MGMT_DEAUTH ||
	    h->subtype == DOT11_MGMT_DISASSOC) {
		if (!mac_unicast(h->ta) || (tx = dev_find(tr, h->ta)) == NULL)
			return;
		dev_touch(tr, tx);
	} else if ((tx = dev_get(tr, h->ta, t)) == NULL)
		return;
	account(tr, tx, p, t, true);
	switch (h->subtype) {
	case DOT11_MGMT_BEACON:
	case DOT11_MGMT_PROBE_RESP:
		track_bss(tr, tx, p, t);
		return;
	case DOT11_MGMT_PROBE_REQ:
		tx->type_set |= DEVICE_TYPE_CLIENT;
		if (h->ies.has_ssid && h->ies.ssid_len > 0 &&
		    !h->ies.ssid_cloaked &&
		    device_probed_add(tx, h->ies.ssid, h->ies.ssid_len,
		    t) != 0)
			tr->st.capped++;
		return;
	default:
		break;
	}
	if (!h->has_bssid || !mac_unicast(h->bssid))
		return;
	from_bss = mac_eq(h->bssid, h->ta);
	switch (h->subtype) {
	case DOT11_MGMT_ASSOC_REQ:
	case DOT11_MGMT_REASSOC_REQ:
	case DOT11_MGMT_AUTH:
		if (from_bss) {
			if (!(tx->type_set & DEVICE_TYPE_ANY_AP))
				tx->type_set |= DEVICE_TYPE_BSS_AP;
			return;
		}
		if ((bss = dev_get(tr, h->bssid, t)) == NULL)
			return;
		account(tr, bss, p, t, false);
		if (h->subtype == DOT11_MGMT_AUTH) {
			tx->type_set |= DEVICE_TYPE_CLIENT;
			if (!(bss->type_set & DEVICE_TYPE_ANY_AP))
				bss->type_set |= DEVICE_TYPE_BSS_AP;
		} else
			associate(tr, tx, bss, t);
		return;
	case DOT11_MGMT_ASSOC_RESP:
	case DOT11_MGMT_REASSOC_RESP:
		/* A successful answer from the AP associates its receiver. */
		if (!from_bss || h->status != 0 ||
		    (sta = dev_get(tr, h->ra, t)) == NULL || sta == tx)
			return;
		account(tr, sta, p, t, false);
		associate(tr, sta, tx, t);
		return;
	default:
		/* Deauthentication, disassociation, action: counted for
		 * the BSS if known, never creating it. */
		if (!from_bss && (bss = dev_find(tr, h->bssid)) != NULL) {
			dev_touch(tr, bss);
			account(tr, bss, p, t, false);
		}
		return;
	}
}

/*
 * Control frames name a transmitter in only some subtypes, and a flipped
 * bit in one (no FCS check on many radios) would invent a device; so they
 * count for known devices only.
 */
static void
track_ctrl(struct tracker *tr, const struct packet *p, uint32_t t)
{
	struct device *tx;

	if (!p->dot11.has_ta || !mac_unicast(p->dot11.ta) ||
	    (tx = dev_find(tr, p->dot11.ta)) == NULL)
		return;
	dev_touch(tr, tx);
	account(tr, tx, p, t, true);
}

/*
 * What a BSS's data frames tell of its security, for a BSSID that never
 * advertised (device_crypt() prefers the advertised view): an EAPOL-Key
 * descriptor names the generation (RSN: WPA2; WPA's own: WPA) and its
 * version the cipher; a protected frame is WEP when its IV's Key ID
 * octet has no Extended IV bit (TKIP and CCMP always set it, IEEE
 * 802.11-2020 §12.5.2.2, §12.5.3.2), else only "encrypted".  Unprotected
 * frames prove nothing (a WPA2 BSS sends its handshake and null frames
 * in the clear), so nothing ever clears these bits.
 */
static void
data_crypt(struct device *ap, const struct packet_dot11 *h)
{
	if (h->protected_ && h->body != NULL && h->body_len >= 4)
		ap->crypt |= (h->body[3] & 0x20) ? DOT11_CRYPT_UNKNOWN :
		    DOT11_CRYPT_WEP;
	else if (h->protected_)
		ap->crypt |= DOT11_CRYPT_UNKNOWN;
	switch (h->eapol.desc) {
	case DOT11_EAPOL_DESC_RSN:
		ap->crypt |= DOT11_CRYPT_WPA2;
		break;
	case DOT11_EAPOL_DESC_WPA:
		ap->crypt |= DOT11_CRYPT_WPA;
		break;
	default:
		return;
	}
	/* Key Descriptor Version (IEEE 802.11-2020 §12.7.2 b.1). */
	switch (h->eapol.key_info & 0x0007) {
	case 1:
		ap->crypt |= DOT11_CRYPT_TKIP;
		break;
	case 2:
		ap->crypt |= DOT11_CRYPT_CCMP;
		break;
	default:
		break;
	}
}

static void
track_data(struct tracker *tr, const struct packet *p, uint32_t t)
{
	const struct packet_dot11 *h = &p->dot11;
	struct device *tx, *ap = NULL, *sta, *wired;

	if (!h->has_ta || (tx = dev_get(tr, h->ta, t)) == NULL)
		return;
	account(tr, tx, p, t, true);
	if (h->tods && h->fromds) {
		/* WDS or mesh: both ends of the 4-address link. */
		tx->type_set |= DEVICE_TYPE_WDS;
		if ((sta = dev_get(tr, h->ra, t)) != NULL && sta != tx) {
			account(tr, sta, p, t, false);
			sta->type_set |= DEVICE_TYPE_WDS;
		}
	} else if (h->tods) {
		/* Station to AP: addr1 is the BSSID. */
		if (h->has_bssid && (ap = dev_get(tr, h->bssid, t)) != NULL &&
		    ap != tx) {
			account(tr, ap, p, t, false);
			associate(tr, tx, ap, t);
		} else
			ap = NULL;
	} else if (h->fromds) {
		/* AP to station: the transmitter is the BSSID. */
		ap = tx;
		if (!(ap->type_set & DEVICE_TYPE_ANY_AP))
			ap->type_set |= DEVICE_TYPE_BSS_AP;
		if ((sta = dev_get(tr, h->ra, t)) != NULL && sta != ap) {
			account(tr, sta, p, t, false);
			associate(tr, sta, ap, t);
		} else
			sta = NULL;
		/* A source address that is neither is behind the AP. */
		if (h->has_src && !mac_eq(h->src, ap->mac) &&
		    (sta == NULL || !mac_eq(h->src, sta->mac)) &&
		    (wired = dev_get(tr, h->src, t)) != NULL) {
			account(tr, wired, p, t, false);
			wired->type_set |= DEVICE_TYPE_WIRED;
			set_last_bssid(wired, ap->mac);
		}
	} else {
		/*
		 * Neither DS bit: an IBSS, unless addr3 is a known AP (a
		 * direct link between two of its stations).
		 */
		if (h->has_bssid && (ap = dev_find(tr, h->bssid)) != NULL &&
		    ap != tx && (ap->type_set & DEVICE_TYPE_ANY_AP)) {
			dev_touch(tr, ap);
			account(tr, ap, p, t, false);
			associate(tr, tx, ap, t);
		} else {
			ap = NULL;
			tx->type_set |= DEVICE_TYPE_ADHOC;
		}
	}
	if (ap == NULL)
		return;
	data_crypt(ap, h);
	if (h->eapol.msg != 0)
		device_eapol_store(ap, p);
}

/*
 * Free the history tiers that went idle (rrd_expire) a slice of the
 * table at a time: a 60th of the slots each time capture time moves to
 * a new second, so every device is looked at about once a minute and a
 * second costs a bounded walk whatever the number of devices.
 */
static void
hist_sweep(struct tracker *tr)
{
	size_t n = tr->cap / 60 + 1, i;
	struct device *d;

	for (i = 0; i < n; i++) {
		if (tr->sweep_at >= tr->cap)
			tr->sweep_at = 0;
		if ((d = tr->slots[tr->sweep_at++].dev) != NULL)
			rrd_expire(&d->hist, tracker_device_now(tr, d));
	}
}

/* Move source's clock to capture second t. */
static void
clock_note(struct tracker *tr, uint32_t source, uint32_t t)
{
	unsigned i;

	for (i = 0; i < tr->n_clock; i++)
		if (tr->clock[i].source == source)
			break;
	if (i == tr->n_clock) {
		if (i == TRACKER_MAX_CLOCKS)
			return;		/* read by the newest clock of all */
		tr->n_clock++;
		tr->clock[i].source = source;
		tr->clock[i].t = t;
	} else if (t > tr->clock[i].t)
		tr->clock[i].t = t;
}

uint32_t
tracker_device_now(const struct tracker *tr, const struct device *d)
{
	uint32_t now = 0, src;
	unsigned i, j;

	for (i = 0; i < d->n_seenby; i++) {
		src = device_seenby_c(d, (int)i)->source;
		for (j = 0; j < tr->n_clock; j++)
			if (tr->clock[j].source == src)
				break;
		if (j == tr->n_clock)
			return tr->cap_now;
		if (tr->clock[j].t > now)
			now = tr->clock[j].t;
	}
	return now != 0 ? now : tr->cap_now;
}

void
tracker_update(struct tracker *tr, const struct packet *p)
{
	struct device *tx;
	uint64_t ts;
	uint32_t t;

	tr->st.packets++;
	tr->n_pin = 0;
	if (p->error != PACKET_OK) {
		tr->st.errors++;
		return;
	}
	if (tr->cfg.packet_clock) {
		ts = p->ts_sec * 1000000 + p->ts_usec;
		if (ts > tr->now_usec)
			tr->now_usec = ts;
	}
	(void)expire(tr);
	t = p->ts_sec > UINT32_MAX ? UINT32_MAX : (uint32_t)p->ts_sec;
	clock_note(tr, p->source, t);
	if (t > tr->cap_now) {
		tr->cap_now = t;
		hist_sweep(tr);
	}
	if (dedup_seen(tr, p)) {
		tr->st.dups++;
		/* One transmission: only this source's view of it counts. */
		if (p->dot11.has_ta && mac_unicast(p->dot11.ta) &&
		    (tx = dev_find(tr, p->dot11.ta)) != NULL) {
			int8_t sig;
			bool has = packet_signal(p, &sig);

			dev_touch(tr, tx);
			if (device_seenby_add(tx, p->source, t,
			    has ? &sig : NULL, false, 0) != 0)
				tr->st.capped++;
		}
		return;
	}
	switch (p->dot11.type) {
	case DOT11_TYPE_MGMT:
		track_mgmt(tr, p, t);
		break;
	case DOT11_TYPE_CTRL:
		track_ctrl(tr, p, t);
		break;
	case DOT11_TYPE_DATA:
		track_data(tr, p, t);
		break;
	default:
		break;
	}
}

bool
tracker_note_alert(struct tracker *tr, uint8_t phy, const uint8_t mac[6])
{
	struct device *d = table_find(tr, make_key(phy, mac));

	if (d == NULL)
		return false;
	d->num_alerts++;
	dev_touch(tr, d);
	return true;
}

const struct device *
tracker_find(const struct tracker *tr, uint8_t phy, const uint8_t mac[6])
{
	return table_find(tr, make_key(phy, mac));
}

const struct device *
tracker_find_key(const struct tracker *tr, const char *key)
{
	uint8_t phy, mac[6];

	if (device_key_parse(key, &phy, mac) != 0)
		return NULL;
	return tracker_find(tr, phy, mac);
}

size_t
tracker_find_mac(const struct tracker *tr, const uint8_t mac[6],
    const struct device **ret, size_t max)
{
	const struct device *d;
	size_t n = 0;
	uint8_t phy;

	for (phy = 0; phy < DEVICE_PHY_COUNT; phy++) {
		if ((d = tracker_find(tr, phy, mac)) == NULL)
			continue;
		if (n < max)
			ret[n] = d;
		n++;
	}
	return n;
}

const struct device *
tracker_first(const struct tracker *tr)
{
	return tr->head;
}

const struct device *
tracker_last(const struct tracker *tr)
{
	return tr->tail;
}

const struct device *
tracker_next(const struct device *d)
{
	return d->mod_next;
}

const struct device *
tracker_prev(const struct device *d)
{
	return d->mod_prev;
}

/*
 * Devices that moved more than a granule before usec cannot have changed
 * after it (mod_usec < pos_usec + granule); the walk stops at the first.
 */
const struct device *
tracker_changed_since(const struct tracker *tr, uint64_t usec)
{
	const struct device *d, *first = NULL;

	for (d = tr->tail; d != NULL &&
	    d->pos_usec + TRACKER_INDEX_GRANULE_USEC > usec; d = d->mod_prev)
		first = d;
	if (first != NULL && first->mod_usec <= usec)
		first = tracker_next_changed(first, usec);
	return first;
}

const struct device *
tracker_next_changed(const struct device *d, uint64_t usec)
{
	for (d = d->mod_next; d != NULL && d->mod_usec <= usec;
	    d = d->mod_next)
		;
	return d;
}

const struct device *
tracker_changed_after_seq(const struct tracker *tr, uint64_t seq)
{
	const struct device *d, *first = NULL;

	for (d = tr->tail; d != NULL && d->mod_seq > seq; d = d->mod_prev)
		first = d;
	return first;
}

uint64_t
tracker_seq(const struct tracker *tr)
{
	return tr->seq;
}

uint64_t
tracker_removals(const struct tracker *tr)
{
	return tr->removals;
}

size_t
tracker_count(const struct tracker *tr)
{
	return tr->count;
}

void
tracker_stats(const struct tracker *tr, struct tracker_stats *ret)
{
	*ret = tr->st;
	ret->devices = tr->count;
	ret->table_bytes = tr->cap * sizeof(*tr->slots) +
	    (tr->dedup != NULL ? TRACKER_DEDUP_SLOTS * sizeof(*tr->dedup) : 0);
}

const struct tracker_config *
tracker_config(const struct tracker *tr)
{
	return &tr->cfg;
}
