/* SPDX-License-Identifier: ISC */
/*
 * \summary: device records for the REST API, as msgpack maps
 *
 * msgpack maps carry their entry count up front, so every map below is
 * written with a count computed from the same conditions that decide
 * which entries follow; the unit tests decode every record back to keep
 * the two honest.
 */

#include <stdio.h>
#include <string.h>

#include "device.h"
#include "devloc.h"
#include "devrec.h"
#include "oui.h"
#include "packet.h"
#include "tracker.h"

/* Kismet's crypt_set bits (its packet_ieee80211.h). */
#define KCRYPT_UNKNOWN		(1ULL << 0)
#define KCRYPT_WEP		(1ULL << 1)
#define KCRYPT_WEP40		(1ULL << 3)
#define KCRYPT_WEP104		(1ULL << 4)
#define KCRYPT_TKIP		(1ULL << 5)
#define KCRYPT_WPA		(1ULL << 6)
#define KCRYPT_PSK		(1ULL << 7)
#define KCRYPT_AES_CCM		(1ULL << 9)
#define KCRYPT_EAP		(1ULL << 11)
#define KCRYPT_SAE		(1ULL << 16)
#define KCRYPT_OWE		(1ULL << 17)
#define KCRYPT_WPS		(1ULL << 26)
#define KCRYPT_VERSION_WPA	(1ULL << 27)
#define KCRYPT_VERSION_WPA2	(1ULL << 28)
#define KCRYPT_VERSION_WPA3	(1ULL << 29)

/* Kismet's basic_crypt_set: encrypted, at layer 2. */
#define KBASIC_ENCRYPTED	(1 << 1)
#define KBASIC_L2		(1 << 2)

/* Kismet's EAPOL direction (its distrib values): from / to the DS. */
#define KDIR_FROMDS		1
#define KDIR_TODS		2

#define DLT_IEEE802_11		105

uint64_t
devrec_kismet_crypt(uint32_t c)
{
	static const struct {
		uint32_t	 ours;
		uint64_t	 kismet;
	} map[] = {
		{ DOT11_CRYPT_UNKNOWN, KCRYPT_UNKNOWN },
		{ DOT11_CRYPT_WEP, KCRYPT_WEP },
		{ DOT11_CRYPT_WEP40, KCRYPT_WEP40 },
		{ DOT11_CRYPT_WEP104, KCRYPT_WEP104 },
		{ DOT11_CRYPT_TKIP, KCRYPT_TKIP },
		{ DOT11_CRYPT_CCMP, KCRYPT_AES_CCM },
		{ DOT11_CRYPT_PSK, KCRYPT_PSK },
		{ DOT11_CRYPT_8021X, KCRYPT_EAP },
		{ DOT11_CRYPT_SAE, KCRYPT_SAE },
		{ DOT11_CRYPT_OWE, KCRYPT_OWE },
		{ DOT11_CRYPT_WPS, KCRYPT_WPS },
		{ DOT11_CRYPT_WPA, KCRYPT_VERSION_WPA },
		{ DOT11_CRYPT_WPA2, KCRYPT_VERSION_WPA2 },
		{ DOT11_CRYPT_WPA3, KCRYPT_VERSION_WPA3 },
	};
	uint64_t k = 0;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (c & map[i].ours)
			k |= map[i].kismet;
	/* Kismet marks every WPA generation with its crypt_wpa bit. */
	if (c & (DOT11_CRYPT_WPA | DOT11_CRYPT_WPA2 | DOT11_CRYPT_WPA3 |
	    DOT11_CRYPT_OWE))
		k |= KCRYPT_WPA;
	return k;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t
utf8_seq(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp < 0xa0))
		return 0;
	return len;
}

size_t
devrec_ssid_str(const uint8_t *ssid, size_t len, char *buf)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, o = 0, n;

	while (i < len) {
		n = utf8_seq(ssid + i, len - i);
		if (n == 1 && (ssid[i] < 0x20 || ssid[i] == 0x7f ||
		    ssid[i] == '\\'))
			n = 0;
		if (n == 0) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ssid[i] >> 4];
			buf[o++] = hex[ssid[i] & 0xf];
			i++;
			continue;
		}
		memcpy(buf + o, ssid + i, n);
		o += n;
		i += n;
	}
	buf[o] = '\0';
	return o;
}

static void
pk_str(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

static void
kv_str(msgpack_packer *pk, const char *k, const char *v)
{
	pk_str(pk, k);
	pk_str(pk, v);
}

static void
kv_u64(msgpack_packer *pk, const char *k, uint64_t v)
{
	pk_str(pk, k);
	msgpack_pack_uint64(pk, v);
}

static void
kv_i64(msgpack_packer *pk, const char *k, int64_t v)
{
	pk_str(pk, k);
	msgpack_pack_int64(pk, v);
}

static void
kv_ssid(msgpack_packer *pk, const char *k, const uint8_t *ssid, size_t len)
{
	char buf[4 * DEVICE_SSID_MAX + 1];

	if (len > DEVICE_SSID_MAX)
		len = DEVICE_SSID_MAX;
	(void)devrec_ssid_str(ssid, len, buf);
	kv_str(pk, k, buf);
}

static void
kv_mac(msgpack_packer *pk, const char *k, const uint8_t mac[6])
{
	char buf[DEVICE_MAC_STR_LEN];

	device_mac_str(mac, buf);
	kv_str(pk, k, buf);
}

/*
 * kismet.common.signal: the Kismet names and the older _dbm ones, and
 * for a device heard with a fix, where its signal was strongest.
 */
/*
 * Kismet's RRD object (kismet.common.rrd): each vector in Kismet's ring
 * order (unit u at u % span, rrd.h), as of now; last_time is the newest
 * second counted.  agg names the aggregator as Kismet does ("default"
 * sums, "peak_signal" keeps the strongest).
 */
static void
pack_rrd(msgpack_packer *pk, const struct rrd *r, enum rrd_metric m,
    const char *agg, uint32_t now)
{
	static const char *const vec[RRD_TIERS] = {
		"kismet.common.rrd.minute_vec",
		"kismet.common.rrd.hour_vec",
		"kismet.common.rrd.day_vec",
	};
	int64_t v[60];
	uint32_t i;
	int k;

	msgpack_pack_map(pk, 7);
	kv_u64(pk, "kismet.common.rrd.last_time", r->last);
	kv_u64(pk, "kismet.common.rrd.serial_time", now);
	for (k = 0; k < RRD_TIERS; k++) {
		rrd_vec(r, (enum rrd_unit)k, m, now, v);
		pk_str(pk, vec[k]);
		msgpack_pack_array(pk, rrd_span((enum rrd_unit)k));
		for (i = 0; i < rrd_span((enum rrd_unit)k); i++)
			msgpack_pack_int64(pk, v[i]);
	}
	kv_u64(pk, "kismet.common.rrd.blank_val", 0);
	kv_str(pk, "kismet.common.rrd.aggregator", agg);
}

/*
 * kismet.common.signal: the Kismet names and the older _dbm ones, and
 * for a device heard with a fix, where its signal was strongest; with a
 * history, Kismet's signal_rrd (its minute, here the hour and day too).
 */
static void
pack_signal(msgpack_packer *pk, const struct device_signal *s,
    const struct devloc *loc, const struct rrd *hist, uint32_t now)
{
	bool peak = loc != NULL && loc->has_peak;

	msgpack_pack_map(pk, 9 + peak + (hist != NULL));
	if (hist != NULL) {
		pk_str(pk, "kismet.common.signal.signal_rrd");
		pack_rrd(pk, hist, RRD_SIGNAL, "peak_signal", now);
	}
	if (peak) {
		pk_str(pk, "kismet.common.signal.peak_loc");
		devloc_pack_point(pk, &loc->peak, true, NULL);
	}
	kv_str(pk, "kismet.common.signal.type", s->has ? "dbm" : "none");
	kv_i64(pk, "kismet.common.signal.last_signal", s->last);
	kv_i64(pk, "kismet.common.signal.min_signal", s->min);
	kv_i64(pk, "kismet.common.signal.max_signal", s->max);
	kv_i64(pk, "kismet.common.signal.last_noise", s->noise);
	kv_i64(pk, "kismet.common.signal.last_signal_dbm", s->last);
	kv_i64(pk, "kismet.common.signal.min_signal_dbm", s->min);
	kv_i64(pk, "kismet.common.signal.max_signal_dbm", s->max);
	kv_i64(pk, "kismet.common.signal.last_noise_dbm", s->noise);
}

static void
pack_seenby(msgpack_packer *pk, const struct device *d,
    const struct devrec_opts *opts)
{
	const struct device_seenby *sb;
	const char *uuid;
	int i;

	msgpack_pack_array(pk, d->n_seenby);
	for (i = 0; i < d->n_seenby; i++) {
		sb = device_seenby_c(d, i);
		uuid = NULL;
		if (opts != NULL && opts->source_uuid != NULL)
			uuid = opts->source_uuid(sb->source, opts->arg);
		msgpack_pack_map(pk, 5);
		kv_str(pk, "kismet.common.seenby.uuid",
		    uuid != NULL ? uuid : "");
		kv_u64(pk, "kismet.common.seenby.first_time", sb->first_time);
		kv_u64(pk, "kismet.common.seenby.last_time", sb->last_time);
		kv_u64(pk, "kismet.common.seenby.num_packets", sb->packets);
		pk_str(pk, "kismet.common.seenby.signal");
		pack_signal(pk, &sb->signal, NULL, NULL, 0);
	}
}

static void
pack_adv(msgpack_packer *pk, const struct device_ssid *s)
{
	char chan[8];

	snprintf(chan, sizeof(chan), "%u", (unsigned)s->channel);
	msgpack_pack_map(pk, 11);
	kv_ssid(pk, "dot11.advertisedssid.ssid", s->ssid, s->len);
	kv_u64(pk, "dot11.advertisedssid.ssidlen", s->len);
	kv_u64(pk, "dot11.advertisedssid.beacon",
	    (s->flags & DEVICE_SSID_BEACON) != 0);
	kv_u64(pk, "dot11.advertisedssid.probe_response",
	    (s->flags & DEVICE_SSID_PROBE_RESP) != 0);
	kv_str(pk, "dot11.advertisedssid.channel", s->channel ? chan : "");
	kv_str(pk, "dot11.advertisedssid.ht_mode",
	    device_ht_mode_str(s->ht_mode));
	kv_u64(pk, "dot11.advertisedssid.first_time", s->first_time);
	kv_u64(pk, "dot11.advertisedssid.last_time", s->last_time);
	kv_u64(pk, "dot11.advertisedssid.cloaked",
	    (s->flags & DEVICE_SSID_CLOAKED) != 0);
	kv_u64(pk, "dot11.advertisedssid.crypt_set",
	    devrec_kismet_crypt(s->crypt));
	kv_u64(pk, "dot11.advertisedssid.beaconrate",
	    device_beacon_rate(s->beacon_interval));
}

static void
pack_eapol(msgpack_packer *pk, const struct device_eapol *e)
{
	msgpack_pack_map(pk, 6);
	pk_str(pk, "dot11.eapol.timestamp");
	msgpack_pack_double(pk, (double)e->ts_sec + (double)e->ts_usec / 1e6);
	kv_u64(pk, "dot11.eapol.direction", e->from_ap ? KDIR_FROMDS :
	    KDIR_TODS);
	kv_u64(pk, "dot11.eapol.message_num", e->msg);
	kv_u64(pk, "dot11.eapol.replay_counter", e->replay);
	kv_u64(pk, "dot11.eapol.install", e->install);
	pk_str(pk, "dot11.eapol.packet");
	msgpack_pack_map(pk, 5);
	kv_u64(pk, "kismet.packet.ts_sec", e->ts_sec);
	kv_u64(pk, "kismet.packet.ts_usec", e->ts_usec);
	kv_u64(pk, "kismet.packet.dlt", DLT_IEEE802_11);
	kv_u64(pk, "kismet.packet.source", e->source);
	pk_str(pk, "kismet.packet.data");
	msgpack_pack_bin(pk, e->len);
	msgpack_pack_bin_body(pk, e->frame, e->len);
}

static void
pack_dot11(msgpack_packer *pk, const struct device *d)
{
	const struct device_ssid *last = NULL;
	const struct device_assoc *a;
	char key[DEVICE_KEY_LEN], mac[DEVICE_MAC_STR_LEN];
	size_t n = 12;
	int i, n_eapol = 0, present = 0;

	if (d->last_beacon > 0 && d->last_beacon <= d->n_adv)
		last = &d->adv[d->last_beacon - 1];
	if (d->eapol != NULL)
		for (i = 0; i < DEVICE_EAPOL_MSGS; i++)
			if (d->eapol[i] != NULL) {
				n_eapol++;
				present |= 1 << i;
			}
	n += (last != NULL) + d->has_last_bssid + (n_eapol > 0);
	msgpack_pack_map(pk, n);
	kv_u64(pk, "dot11.device.typeset", d->type_set &
	    DEVICE_TYPESET_KISMET);
	if (last != NULL)
		kv_ssid(pk, "dot11.device.last_beaconed_ssid", last->ssid,
		    last->len);
	else
		kv_str(pk, "dot11.device.last_beaconed_ssid", "");
	if (last != NULL) {
		pk_str(pk, "dot11.device.last_beaconed_ssid_record");
		pack_adv(pk, last);
	}
	if (d->has_last_bssid)
		kv_mac(pk, "dot11.device.last_bssid", d->last_bssid);

	pk_str(pk, "dot11.device.advertised_ssid_map");
	msgpack_pack_array(pk, d->n_adv);
	for (i = 0; i < d->n_adv; i++)
		pack_adv(pk, &d->adv[i]);
	kv_u64(pk, "dot11.device.num_advertised_ssids", d->n_adv);

	pk_str(pk, "dot11.device.probed_ssid_map");
	msgpack_pack_array(pk, d->n_probed);
	for (i = 0; i < d->n_probed; i++) {
		msgpack_pack_map(pk, 4);
		kv_ssid(pk, "dot11.probedssid.ssid", d->probed[i].ssid,
		    d->probed[i].len);
		kv_u64(pk, "dot11.probedssid.ssidlen", d->probed[i].len);
		kv_u64(pk, "dot11.probedssid.first_time",
		    d->probed[i].first_time);
		kv_u64(pk, "dot11.probedssid.last_time",
		    d->probed[i].last_time);
	}
	kv_u64(pk, "dot11.device.num_probed_ssids", d->n_probed);

	/* As a client: one record per BSSID used (Kismet's client_map). */
	pk_str(pk, "dot11.device.client_map");
	msgpack_pack_map(pk, d->n_aps);
	for (a = d->aps; a != NULL; a = a->c_next) {
		device_mac_str(a->ap->mac, mac);
		device_key_str(a->ap->phy, a->ap->mac, key);
		pk_str(pk, mac);
		msgpack_pack_map(pk, 4);
		kv_str(pk, "dot11.client.bssid", mac);
		kv_str(pk, "dot11.client.bssid_key", key);
		kv_u64(pk, "dot11.client.first_time", a->first_time);
		kv_u64(pk, "dot11.client.last_time", a->last_time);
	}
	kv_u64(pk, "dot11.device.num_client_aps", d->n_aps);

	/* As an AP: its clients, MAC to device key. */
	pk_str(pk, "dot11.device.associated_client_map");
	msgpack_pack_map(pk, d->n_clients);
	for (a = d->clients; a != NULL; a = a->a_next) {
		device_mac_str(a->client->mac, mac);
		device_key_str(a->client->phy, a->client->mac, key);
		kv_str(pk, mac, key);
	}
	kv_u64(pk, "dot11.device.num_associated_clients", d->n_clients);

	kv_u64(pk, "dot11.device.datasize", d->datasize);
	kv_u64(pk, "dot11.device.wpa_present_handshake", (uint64_t)present);
	if (n_eapol > 0) {
		pk_str(pk, "dot11.device.wpa_handshake_list");
		msgpack_pack_array(pk, (size_t)n_eapol);
		for (i = 0; i < DEVICE_EAPOL_MSGS; i++)
			if (d->eapol[i] != NULL)
				pack_eapol(pk, d->eapol[i]);
	}
}

int
devrec_pack(msgpack_packer *pk, const struct tracker *tr,
    const struct device *d, const struct devrec_opts *opts)
{
	char key[DEVICE_KEY_LEN], mac[DEVICE_MAC_STR_LEN], chan[8];
	char name[4 * DEVICE_SSID_MAX + 1], manuf[4 * OUI_NAME_MAX + 1];
	const struct device_ssid *last = NULL;
	uint64_t kc;
	uint32_t crypt, hnow;
	const char *user;
	size_t extra;
	bool ap;

	/* Histories run on capture time (rrd.h), not the tracker clock. */
	hnow = opts != NULL && opts->now != 0 ?
	    (uint32_t)(opts->now > UINT32_MAX ? UINT32_MAX : opts->now) :
	    tracker_device_now(tr, d);
	device_key_str(d->phy, d->mac, key);
	device_mac_str(d->mac, mac);
	snprintf(chan, sizeof(chan), "%u", (unsigned)d->channel);
	if (d->last_beacon > 0 && d->last_beacon <= d->n_adv)
		last = &d->adv[d->last_beacon - 1];
	/* An AP is named by its SSID, anything else by its MAC. */
	if (last != NULL && last->len > 0)
		(void)devrec_ssid_str(last->ssid, last->len, name);
	else
		memcpy(name, mac, sizeof(mac));
	ap = (d->type_set & DEVICE_TYPE_ANY_AP) != 0;
	crypt = device_crypt(d);
	kc = devrec_kismet_crypt(crypt);

	extra = opts != NULL && opts->extra != NULL ? opts->extra(NULL, key,
	    opts->arg) : 0;
	msgpack_pack_map(pk, 27 + (d->loc != NULL) + extra);
	kv_str(pk, "kismet.device.base.key", key);
	kv_str(pk, "kismet.device.base.macaddr", mac);
	kv_str(pk, "kismet.device.base.phyname", device_phy_name(d->phy));
	kv_str(pk, "kismet.device.base.name", name);
	user = opts != NULL && opts->user_name != NULL ?
	    opts->user_name(key, opts->arg) : NULL;
	kv_str(pk, "kismet.device.base.commonname", user != NULL ? user :
	    name);
	kv_str(pk, "kismet.device.base.type", device_type_str(d));
	kv_u64(pk, "kismet.device.base.basic_type_set",
	    device_basic_type(d));
	/* Only networks have an encryption to name; Kismet leaves the
	 * others empty. */
	kv_str(pk, "kismet.device.base.crypt", ap || d->n_adv > 0 ?
	    device_crypt_str(crypt) : "");
	kv_u64(pk, "kismet.device.base.basic_crypt_set", kc != 0 ?
	    KBASIC_ENCRYPTED | KBASIC_L2 : 0);
	kv_u64(pk, "kismet.device.base.first_time", d->first_time);
	kv_u64(pk, "kismet.device.base.last_time", d->last_time);
	kv_u64(pk, "kismet.device.base.mod_time", d->mod_usec / 1000000);
	kv_str(pk, "kismet.device.base.channel", d->channel ? chan : "");
	pk_str(pk, "kismet.device.base.frequency");
	msgpack_pack_double(pk, (double)d->freq_mhz * 1000.0);
	/* Registry names are meant to be UTF-8; make sure they are. */
	if (d->manuf != NULL)
		(void)devrec_ssid_str((const uint8_t *)d->manuf,
		    strnlen(d->manuf, OUI_NAME_MAX), manuf);
	kv_str(pk, "kismet.device.base.manuf",
	    d->manuf != NULL ? manuf : "Unknown");
	kv_u64(pk, "kismet.device.base.packets.total", d->packets);
	kv_u64(pk, "kismet.device.base.packets.data", d->data_packets);
	kv_u64(pk, "kismet.device.base.packets.crypt", d->crypt_packets);
	kv_u64(pk, "kismet.device.base.packets.error", d->error_packets);
	kv_u64(pk, "kismet.device.base.packets.llc",
	    d->mgmt_packets + d->ctrl_packets);
	kv_u64(pk, "kismet.device.base.datasize", d->datasize);
	kv_u64(pk, "kismet.device.base.num_alerts", d->num_alerts);
	pk_str(pk, "kismet.device.base.packets.rrd");
	pack_rrd(pk, &d->hist, RRD_PACKETS, "default", hnow);
	pk_str(pk, "kismet.device.base.datasize.rrd");
	pack_rrd(pk, &d->hist, RRD_BYTES, "default", hnow);
	pk_str(pk, "kismet.device.base.signal");
	pack_signal(pk, &d->signal, d->loc, &d->hist, hnow);
	pk_str(pk, "kismet.device.base.seenby");
	pack_seenby(pk, d, opts);
	/* Only for a device heard with a fix, as in Kismet. */
	if (d->loc != NULL) {
		pk_str(pk, "kismet.device.base.location");
		devloc_pack(pk, d->loc);
	}
	pk_str(pk, "dot11.device");
	pack_dot11(pk, d);
	if (extra > 0)
		(void)opts->extra(pk, key, opts->arg);
	return 0;
}

void
devrec_cursor_init(struct devrec_cursor *cur, uint64_t since_usec)
{
	memset(cur, 0, sizeof(*cur));
	cur->since_usec = since_usec;
}

size_t
devrec_pack_slice(msgpack_packer *pk, const struct tracker *tr,
    struct devrec_cursor *cur, size_t max, const struct devrec_opts *opts)
{
	const struct device *d;
	size_t n = 0;

	if (cur->done)
		return 0;
	if (!cur->started) {
		cur->started = true;
		/* One microsecond back, so that a device changing again at
		 * the clock value of the dump is in the next poll. */
		cur->clock_start = tracker_clock(tr);
		if (cur->clock_start > 0)
			cur->clock_start--;
		/* 0 is every device, even those changed at clock 0. */
		d = cur->since_usec == 0 ? tracker_first(tr) :
		    tracker_changed_since(tr, cur->since_usec);
	} else if (cur->next != NULL &&
	    cur->removals == tracker_removals(tr) &&
	    cur->next->mod_seq == cur->next_seq) {
		/* Nothing was freed and the next device did not move. */
		d = cur->next;
	} else
		d = tracker_changed_after_seq(tr, cur->after_seq);
	/* A device that changed too little (it only shares the granule of
	 * the start time) is skipped. */
	if (d != NULL && cur->since_usec != 0 && d->mod_usec <= cur->since_usec)
		d = tracker_next_changed(d, cur->since_usec);
	for (; d != NULL && n < max; d = cur->since_usec != 0 ?
	    tracker_next_changed(d, cur->since_usec) : tracker_next(d)) {
		devrec_pack(pk, tr, d, opts);
		cur->after_seq = d->mod_seq;
		n++;
	}
	cur->written += n;
	cur->next = d;
	cur->next_seq = d != NULL ? d->mod_seq : 0;
	cur->removals = tracker_removals(tr);
	if (d == NULL)
		cur->done = true;
	return n;
}
