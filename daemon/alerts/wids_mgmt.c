/* SPDX-License-Identifier: ISC */
/*
 * \summary: checks on management frames: disconnections, beacons, probe
 * responses, spoofed access points
 *
 * Everything read here was read by the 802.11 decoder (struct
 * packet_dot11); nothing is parsed again.  The rules, and where they
 * differ from Kismet's, are in doc/alerts.md.
 */

#include <string.h>

#include <zlib.h>

#include "device.h"
#include "wids_int.h"

/* IEEE 802.11-2020 Table 9-49 assigns reason codes 1 to 66. */
#define WIDS_REASON_MAX		66
/* A beacon timestamp this far off is not jitter (microseconds). */
#define WIDS_TSF_JUMP		1000000ULL
/* Two clocks interleave within this long of a jump back (seconds). */
#define WIDS_TSF_WINDOW		10.0
/*
 * Capability bits a deployment sets alike on every access point: ESS,
 * IBSS, Privacy, Spectrum Management, QoS, APSD, Radio Measurement.  Not
 * short preamble or slot time, which follow the clients present.
 */
#define WIDS_CAP_MASK		0x1b13
#define CAPAB_ESS		0x0001
#define CAPAB_IBSS		0x0002

static uint64_t
wids_disc_key(const uint8_t m[6])
{
	return ((uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 |
	    (uint64_t)m[2] << 24 | (uint64_t)m[3] << 16 |
	    (uint64_t)m[4] << 8 | m[5]) + 1;
}

static const char *
wids_disc_name(const struct packet_dot11 *h)
{
	return h->subtype == DOT11_MGMT_DEAUTH ? "deauthentication" :
	    "disassociation";
}

/*
 * NOCLIENTMFP: the client a flood names joined (its last association
 * request) without offering management frame protection, so the forged
 * frames disconnect it.  Once per association.
 */
static void
wids_nomfp(struct wids *w, const struct packet *p, const uint8_t *bssid,
    const uint8_t *c)
{
	struct wids_sta *s;

	if ((c[0] & 1) != 0 || memcmp(c, bssid, 6) == 0 ||
	    (s = wids_sta(w, c, false)) == NULL || !s->assoc_seen ||
	    s->assoc_mfp || s->nomfp_raised)
		return;
	s->nomfp_raised = true;
	wids_raise(w, WA_NOCLIENTMFP, p, bssid, c, bssid, NULL, c,
	    "Client %02X:%02X:%02X:%02X:%02X:%02X, under a deauthentication "
	    "flood, joined %02X:%02X:%02X:%02X:%02X:%02X without management "
	    "frame protection", c[0], c[1], c[2], c[3], c[4], c[5], bssid[0],
	    bssid[1], bssid[2], bssid[3], bssid[4], bssid[5]);
}

/*
 * HANDSHAKECAPTURE, first half: a disconnection of client (NULL: of every
 * client, sent to broadcast) by bssid.  A burst is disconnections less
 * than a second apart; it is kept on the client's entry, or the access
 * point's for broadcast ones.
 */
static void
wids_capture_kick(struct wids *w, double now, const uint8_t *bssid,
    const uint8_t *client)
{
	struct wids_sta *s;

	s = wids_sta(w, client != NULL ? client : bssid, true);
	if (now < s->kick_t || now - s->kick_t > 1.0 ||
	    memcmp(s->kick_bssid, bssid, 6) != 0) {
		s->kick_n = 0;
		s->kick_raised = false;
		memcpy(s->kick_bssid, bssid, 6);
	}
	s->kick_n++;
	s->kick_t = now;
}

static bool
wids_kicked(const struct wids_sta *s, const uint8_t *bssid, double now)
{
	return s != NULL && s->kick_n >= WIDS_CAPTURE_DEAUTHS &&
	    !s->kick_raised && now >= s->kick_t &&
	    now - s->kick_t <= WIDS_CAPTURE_WINDOW &&
	    memcmp(s->kick_bssid, bssid, 6) == 0;
}

/*
 * HANDSHAKECAPTURE, second half: client joins bssid again (association,
 * or handshake message 1 or 2) within seconds of a burst that kicked it,
 * or kicked everyone: the burst was sent to make it hand over a fresh
 * handshake.  Once per burst.
 */
void
wids_capture_rejoin(struct wids *w, const struct packet *p, double now,
    const uint8_t *bssid, const uint8_t *c)
{
	struct wids_sta *s, *ap;
	uint32_t n;

	if ((c[0] & 1) != 0 || memcmp(c, bssid, 6) == 0)
		return;
	s = wids_sta(w, c, false);
	ap = wids_sta(w, bssid, false);
	if (wids_kicked(s, bssid, now)) {
		s->kick_raised = true;
		n = s->kick_n;
	} else if (wids_kicked(ap, bssid, now)) {
		ap->kick_raised = true;
		n = ap->kick_n;
	} else
		return;
	wids_raise(w, WA_HANDSHAKECAPTURE, p, bssid, c, bssid, NULL, c,
	    "Client %02X:%02X:%02X:%02X:%02X:%02X joins %02X:%02X:%02X:%02X:"
	    "%02X:%02X again right after a burst of %u disconnections: a "
	    "handshake capture", c[0], c[1], c[2], c[3], c[4], c[5], bssid[0],
	    bssid[1], bssid[2], bssid[3], bssid[4], bssid[5], n);
}

static void
wids_disconnect(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *bssid = h->has_bssid ? h->bssid : h->ta;
	const uint8_t *client;
	struct wids_disc *d;
	struct wids_sta *s;
	uint64_t sec = (uint64_t)now;

	if (!h->has_ta)
		return;
	if (wids_mac_bcast(h->ra))
		wids_raise(w, WA_BCASTDISCON, p, bssid, h->ta, h->ra, NULL,
		    bssid, "Broadcast %s from %02X:%02X:%02X:%02X:%02X:%02X "
		    "disconnects every client of the network (reason %u)",
		    wids_disc_name(h), h->ta[0], h->ta[1], h->ta[2], h->ta[3],
		    h->ta[4], h->ta[5], h->reason);
	/* A protected frame's reason is in its ciphertext (802.11w). */
	if (!h->protected_ && (h->reason == 0 ||
	    h->reason > WIDS_REASON_MAX))
		wids_raise(w, h->subtype == DOT11_MGMT_DEAUTH ?
		    WA_DEAUTHCODEINVALID : WA_DISCONCODEINVALID, p, bssid,
		    h->ta, h->ra, NULL, bssid, "A %s with the unassigned "
		    "reason code %u", wids_disc_name(h), h->reason);
	s = wids_sta(w, bssid, true);
	if (s->disc_sec != sec) {
		s->disc_sec = sec;
		s->disc_n = 0;
	}
	client = memcmp(h->ta, bssid, 6) == 0 ? h->ra : h->ta;
	/* Once per second of flood; the limits cap a long one. */
	if (++s->disc_n == WIDS_DEAUTH_FLOOD + 1) {
		wids_raise(w, WA_DEAUTHFLOOD, p, bssid, h->ta, h->ra, NULL,
		    bssid, "More than %d deauthentication or disassociation "
		    "frames in a second naming network %02X:%02X:%02X:%02X:"
		    "%02X:%02X", WIDS_DEAUTH_FLOOD, bssid[0], bssid[1],
		    bssid[2], bssid[3], bssid[4], bssid[5]);
		wids_nomfp(w, p, bssid, client);
	}
	/* The client's side, for DISASSOCTRAFFIC and HANDSHAKECAPTURE. */
	if ((client[0] & 1) == 0 && memcmp(client, bssid, 6) != 0) {
		d = wids_disc(w, client);
		d->key = wids_disc_key(client);
		d->t = now;
		memcpy(d->bssid, bssid, 6);
		/* A retry is the same frame again, not one more kick. */
		if (!h->retry)
			wids_capture_kick(w, now, bssid, client);
	} else if (wids_mac_bcast(client) && !h->retry)
		wids_capture_kick(w, now, bssid, NULL);
}

/*
 * BSSTIMESTAMP: two clocks under one BSSID.  A jump back alone is an
 * access point that restarted, or a capture replayed in a loop; a jump
 * back and, within seconds, a jump forward to the clock it left is two
 * devices beaconing as one.
 */
static void
wids_tsf(struct wids *w, const struct packet *p, struct wids_sta *ap,
    double now)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *m = h->ta;
	uint64_t t = h->timestamp, expect;

	if (t + WIDS_TSF_JUMP < ap->tsf) {
		ap->tsf_left = ap->tsf;
		ap->tsf_back = now;
		return;
	}
	/*
	 * Forward, past where its clock should be by now (a hopping radio
	 * hears an access point seconds apart) and back to about the clock
	 * it left.
	 */
	expect = ap->tsf + (now > ap->tsf_at ? (uint64_t)((now - ap->tsf_at) *
	    1e6) : 0);
	if (ap->tsf_back == 0 || now < ap->tsf_back ||
	    now - ap->tsf_back > WIDS_TSF_WINDOW ||
	    t <= expect + WIDS_TSF_JUMP || t + WIDS_TSF_JUMP < ap->tsf_left)
		return;
	ap->tsf_back = 0;
	wids_raise(w, WA_BSSTIMESTAMP, p, m, m, h->ra, NULL, m,
	    "Beacon timestamps of %02X:%02X:%02X:%02X:%02X:%02X jump between "
	    "two clocks %.1f s apart: two devices beacon as one", m[0], m[1],
	    m[2], m[3], m[4], m[5], (double)(t - ap->tsf) / 1e6);
}

/* The channel a beacon says its network is on (HT primary first). */
static uint16_t
wids_beacon_channel(const struct dot11_ies *ies)
{
	if (ies->has_ht && ies->ht_primary != 0)
		return ies->ht_primary;
	return ies->ds_channel;
}

/* apspoof=: a watched SSID from an address not on its list. */
static void
wids_apspoof(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;
	const struct wids_rule *r;
	char ssid[4 * 32 + 1];
	size_t i, j, k;

	for (i = 0; i < w->n_spoof; i++) {
		r = &w->spoof[i];
		if (!wids_rule_ssid(r, h->ies.ssid, h->ies.ssid_len))
			continue;
		for (j = 0; j < r->n_macs; j++) {
			for (k = 0; k < 6; k++)
				if ((h->ta[k] & r->masks[j][k]) !=
				    (r->macs[j][k] & r->masks[j][k]))
					break;
			if (k == 6)
				break;
		}
		if (j < r->n_macs)
			continue;
		wids_ssid_str(h->ies.ssid, h->ies.ssid_len, ssid,
		    sizeof(ssid));
		wids_raise(w, WA_APSPOOF, p, h->ta, h->ta, h->ra, NULL, h->ta,
		    "Rule %s: SSID '%s' advertised by %02X:%02X:%02X:%02X:"
		    "%02X:%02X, which is not one of its access points", r->name,
		    ssid, h->ta[0], h->ta[1], h->ta[2], h->ta[3], h->ta[4],
		    h->ta[5]);
	}
}

/* Whether chan is one the SSID's access points used. */
static bool
wids_ssid_chan(const struct wids_ssid *s, uint16_t chan)
{
	uint8_t i;

	for (i = 0; i < s->n_chan; i++)
		if (s->chans[i] == chan)
			return true;
	return false;
}

/*
 * Rogue AP: an established, uniform deployment of a protected SSID (two
 * or more access points, one OUI, one beacon interval, one set of
 * capabilities) joined, protected too, by another OUI that beacons at
 * another interval or with other capabilities.  Once per SSID: the
 * deployment is mixed after.
 */
static void
wids_rogueap(struct wids *w, const struct packet *p, struct wids_ssid *s,
    uint8_t level)
{
	const struct packet_dot11 *h = &p->dot11;
	bool oui, ival, caps;
	char ssid[4 * 32 + 1];

	oui = memcmp(s->bssid, h->ta, 3) != 0;
	ival = s->interval != h->beacon_interval;
	caps = ((s->capab ^ h->capability) & WIDS_CAP_MASK) != 0;
	if (oui && (ival || caps) && !s->mixed && s->n_bss >= 2 &&
	    s->level >= 2 && level >= 2) {
		wids_ssid_str(h->ies.ssid, h->ies.ssid_len, ssid,
		    sizeof(ssid));
		wids_raise(w, WA_ROGUEAP, p, h->ta, h->ta, h->ra, s->bssid,
		    h->ta, "SSID '%s' is offered by %02X:%02X:%02X:%02X:%02X:"
		    "%02X (beacon interval %u TU, capabilities 0x%04x), unlike "
		    "its %u access points of OUI %02X:%02X:%02X (%u TU, "
		    "0x%04x)", ssid, h->ta[0], h->ta[1], h->ta[2], h->ta[3],
		    h->ta[4], h->ta[5], h->beacon_interval, h->capability,
		    s->n_bss, s->bssid[0], s->bssid[1], s->bssid[2],
		    s->interval, s->capab);
	}
	if (oui || ival || caps)
		s->mixed = true;
}

/*
 * Evil twin: a BSSID new to an SSID, of another OUI than its first
 * access point, offers it weaker than the weakest of the SSID's known
 * access points (protected to open or WEP, or SAE only to PSK), or on a
 * channel none of them used and far louder than the loudest of them
 * (WIDS_TWIN_LOUDER dB) where that one is heard well (WIDS_TWIN_HEARD):
 * a copy set up near the victims to draw them.  At the edge of a
 * network's coverage a much louder access point of it is the next one
 * (another vendor's, in a mixed deployment), not a twin.
 */
static void
wids_eviltwin(struct wids *w, const struct packet *p, struct wids_sta *ap,
    uint32_t crypt, uint32_t ssid_hash)
{
	const struct packet_dot11 *h = &p->dot11;
	struct wids_ssid *s;
	uint8_t level = wids_crypt_level(crypt);
	uint16_t chan = wids_beacon_channel(&h->ies);
	char ssid[4 * 32 + 1];
	bool weaker, loud, oui;
	int dbm = 0;

	/* Known to this SSID: its own changes are CRYPTODROP's. */
	if (!h->ies.has_ssid || h->ies.ssid_cloaked || h->ies.ssid_len == 0 ||
	    (ap->beaconed && ap->ssid_hash == ssid_hash))
		return;
	if (!wids_signal(p, &dbm) || dbm >= 0 || dbm < -127)
		dbm = 0;
	s = wids_ssid(w, h->ies.ssid, h->ies.ssid_len, true);
	if (s->n_bss == 0) {
		s->level = level;
		s->n_bss = 1;
		memcpy(s->bssid, h->ta, 6);
		s->channel = chan;
		s->interval = h->beacon_interval;
		s->capab = h->capability;
		s->loudest = (int8_t)dbm;
		if (chan != 0)
			s->chans[s->n_chan++] = chan;
		return;
	}
	wids_rogueap(w, p, s, level);
	weaker = (level <= 1 && s->level >= 3) ||
	    (level == 3 && s->level == 4);
	loud = dbm != 0 && s->loudest >= WIDS_TWIN_HEARD && s->loudest < 0 &&
	    dbm >= s->loudest + WIDS_TWIN_LOUDER && chan != 0 &&
	    s->n_chan > 0 && !wids_ssid_chan(s, chan);
	/*
	 * The same OUI as the SSID's first access point: another radio of
	 * one deployment, or two routers of one vendor on its default SSID
	 * ("ASUS_08"), not a twin brought by an attacker (doc/alerts.md).
	 */
	oui = memcmp(s->bssid, h->ta, 3) != 0;
	if (oui && (weaker || loud)) {
		wids_ssid_str(h->ies.ssid, h->ies.ssid_len, ssid,
		    sizeof(ssid));
		if (weaker)
			wids_raise(w, WA_EVILTWIN, p, h->ta, h->ta, h->ra,
			    s->bssid, h->ta, "SSID '%s' is offered by %02X:"
			    "%02X:%02X:%02X:%02X:%02X as %s, weaker than its "
			    "%u other access point(s) (%02X:%02X:%02X:%02X:"
			    "%02X:%02X on channel %u)", ssid, h->ta[0],
			    h->ta[1], h->ta[2], h->ta[3], h->ta[4], h->ta[5],
			    device_crypt_str(crypt), s->n_bss, s->bssid[0],
			    s->bssid[1], s->bssid[2], s->bssid[3], s->bssid[4],
			    s->bssid[5], s->channel);
		else
			wids_raise(w, WA_EVILTWIN, p, h->ta, h->ta, h->ra,
			    s->bssid, h->ta, "SSID '%s' is offered by %02X:"
			    "%02X:%02X:%02X:%02X:%02X on channel %u at %d dBm, "
			    "%d dB louder than its %u other access point(s) "
			    "(%02X:%02X:%02X:%02X:%02X:%02X on channel %u)",
			    ssid, h->ta[0], h->ta[1], h->ta[2], h->ta[3],
			    h->ta[4], h->ta[5], chan, dbm, dbm - s->loudest,
			    s->n_bss, s->bssid[0], s->bssid[1], s->bssid[2],
			    s->bssid[3], s->bssid[4], s->bssid[5], s->channel);
	}
	if (level < s->level)
		s->level = level;
	if (dbm != 0 && (s->loudest == 0 || dbm > s->loudest))
		s->loudest = (int8_t)dbm;
	if (chan != 0 && !wids_ssid_chan(s, chan) && s->n_chan < 4)
		s->chans[s->n_chan++] = chan;
	if (s->n_bss < 255)
		s->n_bss++;
}

/*
 * ADHOCCONFLICT: an ad-hoc (IBSS) beacon naming, as its BSSID or its
 * transmitter, an address heard beaconing as an access point.  An IBSS
 * picks a random BSSID: one equal to an AP's is a copy of it.
 */
static void
wids_adhoc(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;
	const struct wids_sta *s = NULL;
	const uint8_t *b = h->ta;

	if (h->has_bssid && (s = wids_sta(w, h->bssid, false)) != NULL &&
	    s->ess)
		b = h->bssid;
	else if ((s = wids_sta(w, h->ta, false)) == NULL || !s->ess)
		return;
	wids_raise(w, WA_ADHOCCONFLICT, p, h->has_bssid ? h->bssid : NULL,
	    h->ta, h->ra, NULL, b, "Access point %02X:%02X:%02X:%02X:%02X:%02X "
	    "is now beaconed as an ad-hoc network by %02X:%02X:%02X:%02X:"
	    "%02X:%02X", b[0], b[1], b[2], b[3], b[4], b[5], h->ta[0],
	    h->ta[1], h->ta[2], h->ta[3], h->ta[4], h->ta[5]);
}

static void
wids_beacon(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *m = h->ta;
	struct wids_sta *ap;
	uint32_t hash, crypt;
	uint16_t chan;
	uint64_t sec = (uint64_t)now;

	if (!h->has_ta || (m[0] & 1) != 0)
		return;
	if ((h->capability & (CAPAB_ESS | CAPAB_IBSS)) == CAPAB_IBSS)
		wids_adhoc(w, p);
	ap = wids_sta(w, m, true);
	if (h->capability & CAPAB_ESS)
		ap->ess = true;
	hash = h->ies.has_ssid ? wids_hash(h->ies.ssid, h->ies.ssid_len) : 0;
	chan = wids_beacon_channel(&h->ies);
	crypt = h->ies.crypt & ~(uint32_t)DOT11_CRYPT_WPS;
	/* The privacy bit without RSN or WPA elements: WEP. */
	if ((h->capability & 0x0010) && (crypt & (DOT11_CRYPT_WPA |
	    DOT11_CRYPT_WPA2 | DOT11_CRYPT_WPA3 | DOT11_CRYPT_OWE)) == 0)
		crypt |= DOT11_CRYPT_WEP;
	if (!ap->beaconed) {
		/* Beacon flood: new BSSIDs a second, after a warm-up. */
		if (now - w->first_ts >= WIDS_BEACONFLOOD_WARMUP) {
			if (w->new_sec != sec) {
				w->new_sec = sec;
				w->new_n = 0;
			}
			if (++w->new_n == WIDS_BEACONFLOOD_MIN)
				wids_raise(w, WA_BEACONFLOOD, p, m, m, h->ra,
				    NULL, NULL, "%d new access points began "
				    "beaconing within one second: a beacon "
				    "flood", WIDS_BEACONFLOOD_MIN);
		}
	} else if (ap->ssid_hash == hash) {
		if (ap->channel != 0 && chan != 0 && chan != ap->channel)
			wids_raise(w, WA_CHANCHANGE, p, m, m, h->ra, NULL, m,
			    "Access point %02X:%02X:%02X:%02X:%02X:%02X moved "
			    "from channel %u to %u", m[0], m[1], m[2], m[3],
			    m[4], m[5], ap->channel, chan);
		if (ap->beacon_interval != 0 && h->beacon_interval != 0 &&
		    ap->beacon_interval != h->beacon_interval)
			wids_raise(w, WA_BEACONRATE, p, m, m, h->ra, NULL, m,
			    "Access point %02X:%02X:%02X:%02X:%02X:%02X "
			    "changed its beacon interval from %u to %u TU",
			    m[0], m[1], m[2], m[3], m[4], m[5],
			    ap->beacon_interval, h->beacon_interval);
		if (ap->tsf_ok)
			wids_tsf(w, p, ap, now);
		wids_crypto_beacon(w, p, ap, crypt);
	}
	wids_eviltwin(w, p, ap, crypt, hash);
	if (w->n_spoof > 0 && h->ies.has_ssid)
		wids_apspoof(w, p);
	ap->beaconed = true;
	ap->ssid_hash = hash;
	if (chan != 0)
		ap->channel = chan;
	if (h->beacon_interval != 0)
		ap->beacon_interval = h->beacon_interval;
	ap->crypt = crypt;
	ap->tsf = h->timestamp;
	ap->tsf_at = now;
	ap->tsf_ok = true;
}

/* Karma and MANA: one BSSID answering for many SSIDs. */
static void
wids_probe_resp(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *m = h->ta;
	struct wids_sta *ap;
	uint32_t hash;
	uint16_t chan;
	uint8_t i;

	if (!h->has_ta || (m[0] & 1) != 0)
		return;
	/* A mesh station answers with the wildcard SSID and a Mesh ID. */
	if (h->ies.has_ssid_ie && h->ies.ssid_ie_len == 0 &&
	    !h->ies.has_mesh_id)
		wids_raise(w, WA_NULLPROBERESP, p, m, m, h->ra, NULL, m,
		    "Probe response from %02X:%02X:%02X:%02X:%02X:%02X with "
		    "an empty SSID element", m[0], m[1], m[2], m[3], m[4],
		    m[5]);
	if (w->n_spoof > 0 && h->ies.has_ssid)
		wids_apspoof(w, p);
	/* PROBECHAN: the channel it answers for is not the one it beacons. */
	chan = wids_beacon_channel(&h->ies);
	if (chan != 0 && (ap = wids_sta(w, m, false)) != NULL &&
	    ap->beaconed && ap->channel != 0 && ap->channel != chan)
		wids_raise(w, WA_PROBECHAN, p, m, m, h->ra, NULL, m,
		    "Probe response from %02X:%02X:%02X:%02X:%02X:%02X names "
		    "channel %u; its beacons say %u", m[0], m[1], m[2], m[3],
		    m[4], m[5], chan, ap->channel);
	if (!h->ies.has_ssid || h->ies.ssid_cloaked)
		return;
	ap = wids_sta(w, m, true);
	if (now - ap->karma_start > 60.0 || now < ap->karma_start) {
		ap->karma_start = now;
		ap->n_karma = 0;
	}
	hash = wids_hash(h->ies.ssid, h->ies.ssid_len);
	for (i = 0; i < ap->n_karma; i++)
		if (ap->karma[i] == hash)
			return;
	if (ap->n_karma < WIDS_KARMA_SSIDS)
		ap->karma[ap->n_karma++] = hash;
	if (ap->n_karma == WIDS_KARMA_SSID_MIN)
		wids_raise(w, WA_KARMA, p, m, m, h->ra, NULL, m,
		    "Access point %02X:%02X:%02X:%02X:%02X:%02X answered probe "
		    "requests for %d different SSIDs within a minute",
		    m[0], m[1], m[2], m[3], m[4], m[5], WIDS_KARMA_SSID_MIN);
}

/* A station asks to join: what it offers, and a rejoin after a burst. */
static void
wids_assoc(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	struct wids_sta *s = wids_sta(w, h->ta, true);

	s->assoc_seen = true;
	s->assoc_mfp = (h->ies.crypt & DOT11_CRYPT_PMF) != 0;
	s->nomfp_raised = false;
	if (h->has_bssid)
		wids_capture_rejoin(w, p, now, h->bssid, h->ta);
}

void
wids_mgmt(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	struct wids_disc *d;

	switch (h->subtype) {
	case DOT11_MGMT_DEAUTH:
	case DOT11_MGMT_DISASSOC:
		wids_disconnect(w, p, now);
		break;
	case DOT11_MGMT_BEACON:
		wids_beacon(w, p, now);
		break;
	case DOT11_MGMT_PROBE_RESP:
		wids_probe_resp(w, p, now);
		break;
	case DOT11_MGMT_ASSOC_REQ:
	case DOT11_MGMT_REASSOC_REQ:
		if (h->has_ta && (h->ta[0] & 1) == 0)
			wids_assoc(w, p, now);
		/* Joining again: data after this is no sign of a forgery. */
		if (h->has_ta && (d = wids_disc(w, h->ta))->key ==
		    wids_disc_key(h->ta))
			d->key = 0;
		break;
	case DOT11_MGMT_AUTH:
		if (h->has_ta && (d = wids_disc(w, h->ta))->key ==
		    wids_disc_key(h->ta))
			d->key = 0;
		break;
	default:
		break;
	}
}

/*
 * Whether the frame ends in a valid FCS that no radio header announced
 * (bare 802.11 or Prism captures): its last four bytes were read as
 * elements.  Checked only for frames that failed to decode.
 */
static bool
wids_trailing_fcs(const struct packet *p)
{
	const uint8_t *f = p->frame;
	uint32_t crc, fcs;

	if (f == NULL || p->frame_len < 28)
		return false;
	crc = (uint32_t)crc32(0L, f, (uInt)(p->frame_len - 4));
	fcs = (uint32_t)f[p->frame_len - 4] |
	    (uint32_t)f[p->frame_len - 3] << 8 |
	    (uint32_t)f[p->frame_len - 2] << 16 |
	    (uint32_t)f[p->frame_len - 1] << 24;
	return crc == fcs;
}

void
wids_mgmt_malformed(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;

	/* A capture cut short is not a malformed frame. */
	if (h->type != DOT11_TYPE_MGMT || !h->ies.truncated || h->truncated ||
	    !h->has_ta || wids_trailing_fcs(p))
		return;
	wids_raise(w, WA_MALFORMMGMT, p, h->has_bssid ? h->bssid : NULL,
	    h->ta, h->ra, NULL, h->ta, "Management frame (subtype %u) from "
	    "%02X:%02X:%02X:%02X:%02X:%02X whose elements run past its end",
	    h->subtype, h->ta[0], h->ta[1], h->ta[2], h->ta[3], h->ta[4],
	    h->ta[5]);
}

/* DISASSOCTRAFFIC: data from a client just disconnected, not rejoined. */
void
wids_data(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	struct wids_disc *d;
	const uint8_t *m = h->ta;

	/* Null frames carry power save state, not traffic. */
	if (!h->has_ta || !h->tods || h->fromds || (h->subtype & 0x4) != 0 ||
	    !h->has_bssid)
		return;
	d = wids_disc(w, m);
	if (d->key != wids_disc_key(m))
		return;
	/* Counted once per disconnection. */
	d->key = 0;
	if (now - d->t > WIDS_DISASSOC_WINDOW || now < d->t ||
	    memcmp(d->bssid, h->bssid, 6) != 0)
		return;
	wids_raise(w, WA_DISASSOCTRAFFIC, p, h->bssid, m, h->ra, NULL, m,
	    "Client %02X:%02X:%02X:%02X:%02X:%02X kept sending data to "
	    "%02X:%02X:%02X:%02X:%02X:%02X after it was disconnected",
	    m[0], m[1], m[2], m[3], m[4], m[5], h->bssid[0], h->bssid[1],
	    h->bssid[2], h->bssid[3], h->bssid[4], h->bssid[5]);
}
