/* SPDX-License-Identifier: ISC */
/*
 * \summary: one tracked device: the compact record and its parts
 *
 * Variable parts grow by doubling up to their cap, so a device seen again
 * the same way (the common case) never allocates.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"
#include "device.h"
#include "devloc.h"
#include "packet.h"
#include "xmalloc.h"

static const char *const phy_names[DEVICE_PHY_COUNT] = {
	[DEVICE_PHY_DOT11] = "IEEE802.11",
};

struct device *
device_new(uint8_t phy, const uint8_t mac[6], uint32_t t)
{
	struct device *d;

	d = xcalloc(1, sizeof(*d));
	d->phy = phy;
	memcpy(d->mac, mac, 6);
	d->first_time = d->last_time = t;
	return d;
}

void
device_free(struct device *d)
{
	int i;

	if (d == NULL)
		return;
	free(d->seenby);
	free(d->adv);
	free(d->probed);
	if (d->eapol != NULL) {
		for (i = 0; i < DEVICE_EAPOL_MSGS; i++)
			free(d->eapol[i]);
		free(d->eapol);
	}
	free(d->loc);
	rrd_clear(&d->hist);
	free(d);
}

/* Capacity of a doubling array holding n entries (the shape of grow()). */
static size_t
cap_of(size_t n)
{
	size_t c = 1;

	while (c < n)
		c *= 2;
	return n == 0 ? 0 : c;
}

size_t
device_bytes(const struct device *d)
{
	size_t n = sizeof(*d);
	int i;

	if (d->n_seenby > 1)
		n += cap_of(d->n_seenby - 1U) * sizeof(*d->seenby);
	n += cap_of(d->n_adv) * sizeof(*d->adv);
	n += cap_of(d->n_probed) * sizeof(*d->probed);
	n += d->n_aps * sizeof(struct device_assoc);
	if (d->eapol != NULL) {
		n += DEVICE_EAPOL_MSGS * sizeof(*d->eapol);
		for (i = 0; i < DEVICE_EAPOL_MSGS; i++)
			if (d->eapol[i] != NULL)
				n += sizeof(*d->eapol[i]) + d->eapol[i]->len;
	}
	n += devloc_bytes(d->loc);
	n += rrd_bytes(&d->hist);
	return n;
}

/* Make room for entry n of an array that grows by doubling. */
static void *
grow(void *arr, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		arr = xreallocarray(arr, n == 0 ? 1 : n * 2, size);
	return arr;
}

/*
 * Kismet's phy key: its Adler-32 variant (both sums start at 0) over the
 * phy name, printed as the little-endian bytes of the 32-bit value.
 */
static uint32_t
phy_hash(const char *name)
{
	uint32_t a = 0, b = 0;

	for (; *name != '\0'; name++) {
		a = (a + (uint8_t)*name) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

void
device_key_str(uint8_t phy, const uint8_t mac[6], char *buf)
{
	uint32_t h;

	h = phy < DEVICE_PHY_COUNT ? phy_hash(phy_names[phy]) : phy;
	snprintf(buf, DEVICE_KEY_LEN,
	    "%02X%02X%02X%02X00000000_%02X%02X%02X%02X%02X%02X",
	    h & 0xff, h >> 8 & 0xff, h >> 16 & 0xff, h >> 24,
	    mac[5], mac[4], mac[3], mac[2], mac[1], mac[0]);
}

int
device_key_parse(const char *key, uint8_t *ret_phy, uint8_t ret_mac[6])
{
	char want[DEVICE_KEY_LEN];
	uint8_t zero[6] = { 0 };
	uint64_t v = 0;
	const char *p;
	size_t n;
	int phy, i, d;

	if ((p = strchr(key, '_')) == NULL || p - key != 16)
		return -EINVAL;
	for (phy = 0; phy < DEVICE_PHY_COUNT; phy++) {
		device_key_str((uint8_t)phy, zero, want);
		if (strncasecmp(key, want, 16) == 0)
			break;
	}
	if (phy == DEVICE_PHY_COUNT)
		return -EINVAL;
	p++;
	n = strlen(p);
	if (n == 0 || n > 12)
		return -EINVAL;
	for (; *p != '\0'; p++) {
		if ((d = hex_digit(*p)) < 0)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	/* The printed value is the MAC with its bytes reversed. */
	for (i = 0; i < 6; i++)
		ret_mac[i] = (uint8_t)(v >> (8 * i));
	*ret_phy = (uint8_t)phy;
	return 0;
}

void
device_mac_str(const uint8_t mac[6], char *buf)
{
	snprintf(buf, DEVICE_MAC_STR_LEN, "%02X:%02X:%02X:%02X:%02X:%02X",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int
device_mac_parse(const char *s, uint8_t ret[6])
{
	uint8_t mac[6];
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		if ((hi = hex_digit(s[0])) < 0 || (lo = hex_digit(s[1])) < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -EINVAL;
			s++;
		}
	}
	if (*s != '\0')
		return -EINVAL;
	memcpy(ret, mac, 6);
	return 0;
}

const char *
device_phy_name(uint8_t phy)
{
	return phy < DEVICE_PHY_COUNT ? phy_names[phy] : "unknown";
}

/*
 * The one type string Kismet would show, strongest role first: an AP
 * stays an AP whatever else it does, a client is not "bridged".
 */
const char *
device_type_str(const struct device *d)
{
	uint16_t t = d->type_set;

	if (t & DEVICE_TYPE_ANY_AP)
		return "Wi-Fi AP";
	if (t & DEVICE_TYPE_ADHOC)
		return "Wi-Fi Ad-Hoc";
	if (t & DEVICE_TYPE_WDS)
		return "Wi-Fi WDS Device";
	if (t & DEVICE_TYPE_CLIENT)
		return "Wi-Fi Client";
	if (t & DEVICE_TYPE_WIRED)
		return "Wi-Fi Bridged";
	return "Wi-Fi Device";
}

uint32_t
device_basic_type(const struct device *d)
{
	/* Kismet's KIS_DEVICE_BASICTYPE_{AP,CLIENT,WIRED,PEER}. */
	uint32_t b = 0;

	if (d->type_set & DEVICE_TYPE_ANY_AP)
		b |= 1;
	if (d->type_set & DEVICE_TYPE_CLIENT)
		b |= 2;
	if (d->type_set & DEVICE_TYPE_WIRED)
		b |= 4;
	if (d->type_set & (DEVICE_TYPE_ADHOC | DEVICE_TYPE_WDS))
		b |= 8;
	return b;
}

const char *
device_crypt_str(uint32_t c)
{
	if (c & DOT11_CRYPT_OWE)
		return "OWE";
	if (c & DOT11_CRYPT_WPA3) {
		if (c & DOT11_CRYPT_8021X)
			return "WPA3-EAP";
		return (c & DOT11_CRYPT_PSK) ? "WPA3-TRANSITION" : "WPA3-SAE";
	}
	if (c & DOT11_CRYPT_WPA2) {
		if (c & DOT11_CRYPT_8021X)
			return "WPA2-EAP";
		return (c & DOT11_CRYPT_PSK) ? "WPA2-PSK" : "WPA2";
	}
	if (c & DOT11_CRYPT_WPA) {
		if (c & DOT11_CRYPT_8021X)
			return "WPA-EAP";
		return (c & DOT11_CRYPT_PSK) ? "WPA-PSK" : "WPA";
	}
	if (c & DOT11_CRYPT_WEP)
		return "WEP";
	if (c & DOT11_CRYPT_UNKNOWN)
		return "Encrypted (unknown)";
	return "Open";
}

const char *
device_ht_mode_str(uint8_t mode)
{
	static const char *const s[] = {
		[DEVICE_HT_NONE] = "",
		[DEVICE_HT_20] = "HT20",
		[DEVICE_HT_40_PLUS] = "HT40+",
		[DEVICE_HT_40_MINUS] = "HT40-",
		[DEVICE_VHT_80] = "VHT80",
		[DEVICE_VHT_160] = "VHT160",
		[DEVICE_VHT_80_80] = "VHT80+80",
	};

	return mode < sizeof(s) / sizeof(s[0]) ? s[mode] : "";
}

uint32_t
device_beacon_rate(uint16_t interval)
{
	/* Beacons per second, rounded up: 100 TU (102.4 ms) gives 10. */
	if (interval == 0)
		return 0;
	return (1000000u + (uint32_t)interval * 1024 - 1) /
	    ((uint32_t)interval * 1024);
}

uint32_t
device_crypt(const struct device *d)
{
	if (d->last_beacon > 0 && d->last_beacon <= d->n_adv)
		return d->adv[d->last_beacon - 1].crypt;
	if (d->n_adv > 0)
		return d->adv[0].crypt;
	return d->crypt;
}

void
device_signal_add(struct device_signal *s, int8_t dbm, bool has_noise,
    int8_t noise)
{
	if (s->has == 0) {
		s->min = s->max = dbm;
		s->has = 1;
	} else {
		if (dbm < s->min)
			s->min = dbm;
		if (dbm > s->max)
			s->max = dbm;
	}
	s->last = dbm;
	if (has_noise) {
		s->noise = noise;
		s->has = 2;
	}
}

int
device_seenby_add(struct device *d, uint32_t source, uint32_t t,
    const int8_t *sig, bool has_noise, int8_t noise)
{
	struct device_seenby *sb = NULL, tmp;
	int i;

	for (i = 0; i < d->n_seenby; i++) {
		if (device_seenby(d, i)->source == source) {
			sb = device_seenby(d, i);
			break;
		}
	}
	if (sb == NULL) {
		if (d->n_seenby >= DEVICE_MAX_SEENBY)
			return -ENOSPC;
		if (d->n_seenby > 0)
			d->seenby = grow(d->seenby, d->n_seenby - 1U,
			    sizeof(*d->seenby));
		i = d->n_seenby++;
		sb = device_seenby(d, i);
		memset(sb, 0, sizeof(*sb));
		sb->source = source;
		sb->first_time = t;
	}
	/* Keep the busiest source inline: the next lookup is then cheap. */
	if (i > 0 && sb->packets >= d->sb0.packets) {
		tmp = d->sb0;
		d->sb0 = *sb;
		*sb = tmp;
		sb = &d->sb0;
	}
	sb->packets++;
	if (t > sb->last_time)
		sb->last_time = t;
	if (sig != NULL)
		device_signal_add(&sb->signal, *sig, has_noise, noise);
	return 0;
}

struct device_ssid *
device_adv_ssid(struct device *d, const uint8_t *ssid, uint8_t len,
    bool cloaked, uint32_t t)
{
	struct device_ssid *s;
	int i;

	if (len > DEVICE_SSID_MAX)
		len = DEVICE_SSID_MAX;
	if (cloaked)
		len = 0;	/* all cloaked forms are one entry */
	/* The last beaconed entry first: it is almost always the one. */
	if (d->last_beacon > 0) {
		s = &d->adv[d->last_beacon - 1];
		if (s->len == len && memcmp(s->ssid, ssid, len) == 0 &&
		    !!(s->flags & DEVICE_SSID_CLOAKED) == cloaked)
			return s;
	}
	for (i = 0; i < d->n_adv; i++) {
		s = &d->adv[i];
		if (s->len == len && memcmp(s->ssid, ssid, len) == 0 &&
		    !!(s->flags & DEVICE_SSID_CLOAKED) == cloaked)
			return s;
	}
	if (d->n_adv >= DEVICE_MAX_ADV_SSIDS)
		return NULL;
	d->adv = grow(d->adv, d->n_adv, sizeof(*d->adv));
	s = &d->adv[d->n_adv++];
	memset(s, 0, sizeof(*s));
	memcpy(s->ssid, ssid, len);
	s->len = len;
	if (cloaked)
		s->flags |= DEVICE_SSID_CLOAKED;
	s->first_time = s->last_time = t;
	return s;
}

int
device_probed_add(struct device *d, const uint8_t *ssid, uint8_t len,
    uint32_t t)
{
	struct device_probed *p;
	int i;

	if (len > DEVICE_SSID_MAX)
		len = DEVICE_SSID_MAX;
	for (i = 0; i < d->n_probed; i++) {
		p = &d->probed[i];
		if (p->len == len && memcmp(p->ssid, ssid, len) == 0) {
			if (t > p->last_time)
				p->last_time = t;
			return 0;
		}
	}
	if (d->n_probed >= DEVICE_MAX_PROBED)
		return -ENOSPC;
	d->probed = grow(d->probed, d->n_probed, sizeof(*d->probed));
	p = &d->probed[d->n_probed++];
	memset(p, 0, sizeof(*p));
	memcpy(p->ssid, ssid, len);
	p->len = len;
	p->first_time = p->last_time = t;
	return 0;
}

static void
assoc_unlink(struct device_assoc *a)
{
	/* The client's cache of its front association goes with it. */
	if (a->c_prev == NULL)
		a->client->assoc_t = 0;
	if (a->c_prev != NULL)
		a->c_prev->c_next = a->c_next;
	else
		a->client->aps = a->c_next;
	if (a->c_next != NULL)
		a->c_next->c_prev = a->c_prev;
	if (a->a_prev != NULL)
		a->a_prev->a_next = a->a_next;
	else
		a->ap->clients = a->a_next;
	if (a->a_next != NULL)
		a->a_next->a_prev = a->a_prev;
	a->client->n_aps--;
	a->ap->n_clients--;
}

static void
assoc_push_client(struct device_assoc *a)
{
	struct device *c = a->client;

	a->c_prev = NULL;
	a->c_next = c->aps;
	if (c->aps != NULL)
		c->aps->c_prev = a;
	c->aps = a;
}

struct device_assoc *
device_assoc(struct device *client, struct device *ap, uint32_t t)
{
	struct device_assoc *a;

	for (a = client->aps; a != NULL; a = a->c_next)
		if (a->ap == ap)
			break;
	if (a != NULL) {
		if (a != client->aps) {
			/* Move to the front of the client's list. */
			a->c_prev->c_next = a->c_next;
			if (a->c_next != NULL)
				a->c_next->c_prev = a->c_prev;
			assoc_push_client(a);
		}
		if (t > a->last_time)
			a->last_time = t;
		return a;
	}
	if (client->n_aps >= DEVICE_MAX_APS ||
	    ap->n_clients >= DEVICE_MAX_CLIENTS)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	a->client = client;
	a->ap = ap;
	a->first_time = a->last_time = t;
	assoc_push_client(a);
	a->a_next = ap->clients;
	if (ap->clients != NULL)
		ap->clients->a_prev = a;
	ap->clients = a;
	client->n_aps++;
	ap->n_clients++;
	return a;
}

void
device_assoc_clear(struct device *d)
{
	struct device_assoc *a;

	while ((a = d->aps) != NULL) {
		assoc_unlink(a);
		free(a);
	}
	while ((a = d->clients) != NULL) {
		assoc_unlink(a);
		free(a);
	}
}

void
device_eapol_store(struct device *d, const struct packet *p)
{
	struct device_eapol *e;
	size_t len;
	uint8_t msg = p->dot11.eapol.msg;
	int i;

	if (msg < 1 || msg > DEVICE_EAPOL_MSGS)
		return;
	len = p->frame_len;
	if (len > DEVICE_EAPOL_FRAME_MAX)
		len = DEVICE_EAPOL_FRAME_MAX;
	if (d->eapol == NULL)
		d->eapol = xcalloc(DEVICE_EAPOL_MSGS, sizeof(*d->eapol));
	/* A message 1 starts a new handshake: drop the old one's frames. */
	if (msg == 1) {
		for (i = 1; i < DEVICE_EAPOL_MSGS; i++) {
			free(d->eapol[i]);
			d->eapol[i] = NULL;
		}
	}
	e = d->eapol[msg - 1];
	if (e == NULL || e->len < len) {
		free(e);
		e = xmalloc(sizeof(*e) + len);
		d->eapol[msg - 1] = e;
	}
	e->ts_sec = p->ts_sec;
	e->ts_usec = p->ts_usec;
	e->replay = p->dot11.eapol.replay;
	e->source = p->source;
	e->msg = msg;
	e->install = p->dot11.eapol.install;
	e->from_ap = p->dot11.fromds;
	e->len = (uint16_t)len;
	if (len > 0)
		memcpy(e->frame, p->frame, len);
}
