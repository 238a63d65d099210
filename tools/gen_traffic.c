/* SPDX-License-Identifier: ISC */
/*
 * \summary: what the simulated devices of osprey_gen say, and when
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gen_frames.h"
#include "gen_ie.h"
#include "gen_mgmt.h"
#include "gen_rand.h"
#include "gen_sim.h"
#include "gen_traffic.h"
#include "gen_world.h"

#define TU		1024		/* microseconds */
#define BEACON_US	(100 * TU)
#define DUR_ACK		44		/* Duration: SIFS + an ACK */

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Labels name kinds of frames for --frames-dir seed files. */
static const char *beacon_labels[GEN_SEC_COUNT] = {
	"beacon-open", "beacon-wep", "beacon-wpa-tkip", "beacon-wpa2-psk",
	"beacon-wpa2-eap", "beacon-wpa3-sae", "beacon-wpa3-transition",
	"beacon-owe"
};
static const char *data_labels[2][4] = {
	{ "data-open", "data-wep", "data-tkip", "data-ccmp" },
	{ "qos-data-open", "qos-data-wep", "qos-data-tkip", "qos-data-ccmp" },
};
static const char *auth_labels[4][5] = {
	{ NULL, "auth-open-1", "auth-open-2" },
	{ NULL, "auth-shared-1", "auth-shared-challenge", "auth-shared-3",
	    "auth-shared-4" },
	{ NULL },
	{ NULL, "auth-sae-commit", "auth-sae-confirm" },
};

static const char *dns_names[] = {
	"www.example.com", "time.apple.com", "connectivitycheck.gstatic.com",
	"detectportal.firefox.com", "update.example.org", "mail.example.net"
};

/* An exponential delay of the given mean, at least 1 us. */
static uint64_t
expo(struct gen_sim *s, double mean)
{
	double u = gen_rand_unit(s->rnd);

	return (uint64_t)(-mean * log(1.0 - u)) + 1;
}

static struct gen_meta
meta(uint8_t type, uint8_t subtype, const char *label)
{
	struct gen_meta m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.subtype = subtype;
	m.beacon_ap = -1;
	m.probe_ap = -1;
	m.probe_fake = -1;
	m.label = label;
	return m;
}

/* Legacy-rate frames: rate 0 means the lowest rate of the band. */
static void
tx_mgmt(struct gen_tx *tx, uint8_t ch, int8_t signal, uint8_t rate)
{
	memset(tx, 0, sizeof(*tx));
	tx->ch = ch;
	tx->signal = signal;
	tx->rate = rate ? rate : ch <= 14 ? 2 : 12;
	tx->phy = tx->rate == 2 || tx->rate == 4 || tx->rate == 11 ||
	    tx->rate == 22 ? GEN_PHY_CCK : GEN_PHY_OFDM;
	tx->bw = 20;
}

/* Control responses (ACK, CTS, BA) at 24 Mb/s OFDM. */
static void
tx_ctrl(struct gen_tx *tx, uint8_t ch, int8_t signal)
{
	tx_mgmt(tx, ch, signal, 48);
}

/* Data between ap and c at the best rate the signal allows. */
static void
tx_data(struct gen_tx *tx, const struct gen_ap *ap, const struct gen_client *c,
    int8_t signal)
{
	static const uint8_t ofdm[8] = { 12, 18, 24, 36, 48, 72, 96, 108 };
	int q = (signal + 92) / 5;	/* rough SNR steps */
	uint8_t nss = ap->nss < c->nss ? ap->nss : c->nss;

	memset(tx, 0, sizeof(*tx));
	tx->ch = ap->channel;
	tx->signal = signal;
	tx->bw = 20;
	if (q < 0)
		q = 0;
	if (!ap->ht) {
		tx->phy = GEN_PHY_OFDM;
		tx->rate = ofdm[q > 7 ? 7 : q];
		return;
	}
	tx->sgi = (q & 1) != 0;
	if (ap->vht && c->vht) {
		tx->phy = GEN_PHY_VHT;
		tx->bw = ap->bw;
		tx->nss = nss;
		/* MCS 9 is not defined for one or two streams at 20 MHz. */
		tx->mcs = (uint8_t)(q > 9 ? 9 : q);
		if (tx->bw == 20 && tx->mcs == 9)
			tx->mcs = 8;
		return;
	}
	tx->phy = GEN_PHY_HT;
	tx->bw = ap->bw == 80 ? 40 : ap->bw;
	tx->mcs = (uint8_t)((nss - 1) * 8 + (q > 7 ? 7 : q));
}

/* An ACK to ra at t; returns when the exchange is over. */
static uint64_t
send_ack(struct gen_sim *s, uint64_t t, uint8_t ch, int8_t signal,
    const uint8_t ra[6])
{
	struct gen_meta m = meta(1, 13, "ack");
	struct gen_tx tx;

	tx_ctrl(&tx, ch, signal);
	gen_sim_begin(s, t, &tx);
	gen_ack(&s->buf, 0, ra);
	return gen_sim_end(s, &m);
}

static bool
uses_pmf(const struct gen_ap *ap)
{
	return ap->sec == GEN_SEC_WPA3_SAE || ap->sec == GEN_SEC_OWE ||
	    ap->sec == GEN_SEC_WPA3_TRANS;
}

/* The body of a protected frame carrying plain_len bytes. */
static void
cipher(struct gen_sim *s, struct gen_ap *ap, uint64_t *pn, size_t plain_len,
    uint8_t keyid)
{
	(*pn)++;
	if (ap->sec == GEN_SEC_WEP)
		gen_wep(&s->buf, s->rnd, (uint32_t)*pn & 0xffffff, 0,
		    plain_len);
	else if (ap->sec == GEN_SEC_WPA_TKIP)
		gen_tkip(&s->buf, s->rnd, *pn, keyid, plain_len);
	else
		gen_ccmp(&s->buf, s->rnd, *pn, keyid, plain_len);
}

/*
 * A unicast management frame from src to dst, then dst's ACK.  body
 * appends the frame body; a robust frame under PMF is encrypted instead.
 */
static uint64_t
mgmt_exchange(struct gen_sim *s, uint64_t t, struct gen_ap *ap,
    struct gen_client *c, bool from_ap, uint16_t fc, struct gen_meta *m,
    void (*body)(struct gen_sim *, struct gen_ap *, struct gen_client *,
    void *), void *arg, size_t protect_len)
{
	struct gen_tx tx;
	const uint8_t *src = from_ap ? ap->bssid : c->mac;
	const uint8_t *dst = from_ap ? c->mac : ap->bssid;
	uint16_t seq = from_ap ? ap->seq++ : c->seq++;
	int8_t sig = from_ap ? ap->signal : c->signal;

	tx_mgmt(&tx, ap->channel, sig, from_ap ? ap->mgmt_rate : 0);
	gen_sim_begin(s, t, &tx);
	if (protect_len > 0) {
		m->prot = true;
		gen_hdr3(&s->buf, (uint16_t)(fc | GEN_FC_PROTECTED), DUR_ACK,
		    dst, src, ap->bssid, seq);
		cipher(s, ap, &c->pn, protect_len, 0);
	} else {
		gen_hdr3(&s->buf, fc, DUR_ACK, dst, src, ap->bssid, seq);
		body(s, ap, c, arg);
	}
	t = gen_sim_end(s, m) + gen_sim_sifs(ap->channel);
	t = send_ack(s, t, ap->channel, from_ap ? c->signal : ap->signal,
	    src);
	return t + gen_sim_sifs(ap->channel);
}

static void
body_auth(struct gen_sim *s, struct gen_ap *ap, struct gen_client *c,
    void *arg)
{
	const uint16_t *a = arg;

	gen_mgmt_auth(&s->buf, s->rnd, a[0], a[1]);
}

static void
body_assoc_req(struct gen_sim *s, struct gen_ap *ap, struct gen_client *c,
    void *arg)
{
	gen_mgmt_assoc_req(&s->buf, s->rnd, c, ap);
}

static void
body_assoc_resp(struct gen_sim *s, struct gen_ap *ap, struct gen_client *c,
    void *arg)
{
	gen_mgmt_assoc_resp(&s->buf, s->rnd, c, ap, c->aid);
}

static void
body_reason(struct gen_sim *s, struct gen_ap *ap, struct gen_client *c,
    void *arg)
{
	gen_mgmt_reason(&s->buf, *(const uint16_t *)arg);
}

static void
body_addba(struct gen_sim *s, struct gen_ap *ap, struct gen_client *c,
    void *arg)
{
	gen_mgmt_addba(&s->buf, *(const bool *)arg, 1, 0, ap->seq);
}

/*
 * A data frame header between ap and c: downlink (FromDS: DA, BSSID, SA)
 * or uplink (ToDS: BSSID, SA, DA).  peer is the address beyond the AP.
 */
static void
data_hdr(struct gen_sim *s, struct gen_ap *ap, struct gen_client *c,
    bool down, uint16_t fc, const uint8_t peer[6], uint8_t tid, bool retry,
    uint16_t seq)
{
	fc |= down ? GEN_FC_FROMDS : GEN_FC_TODS;
	if (retry)
		fc |= GEN_FC_RETRY;
	if (down)
		gen_hdr3(&s->buf, fc, DUR_ACK, c->mac, ap->bssid, peer, seq);
	else
		gen_hdr3(&s->buf, fc, DUR_ACK, ap->bssid, c->mac, peer, seq);
	if (fc & 0x0080)	/* QoS subtypes: QoS Control, normal ack */
		gen_put_le16(&s->buf, tid);
}

/* One EAPOL frame of the join (unprotected), then its ACK. */
static uint64_t
eapol_frame(struct gen_sim *s, uint64_t t, struct gen_ap *ap,
    struct gen_client *c, bool down, const struct gen_eapol_key *k,
    uint8_t msg, uint8_t eap_code, uint8_t eap_id, const char *identity)
{
	static const char *labels[5] = { "eap", "eapol-m1", "eapol-m2",
	    "eapol-m3", "eapol-m4" };
	struct gen_meta m;
	struct gen_tx tx;
	int8_t sig = down ? ap->signal : c->signal;

	m = meta(2, ap->ht ? 8 : 0, labels[k != NULL ? msg & 7 : 0]);
	if (k != NULL)
		m.eapol = msg;
	else
		m.eap = true;
	tx_data(&tx, ap, c, sig);
	gen_sim_begin(s, t, &tx);
	data_hdr(s, ap, c, down, ap->ht ? GEN_FC_QOS_DATA : GEN_FC_DATA,
	    ap->bssid, 7, false, down ? ap->seq++ : c->seq++);
	gen_llc(&s->buf, 0x888e);
	if (k != NULL)
		gen_eapol_key(&s->buf, s->rnd, k);
	else if (eap_code == 3)
		gen_eapol_eap(&s->buf, 3, eap_id, 0, NULL, 0);
	else
		gen_eapol_eap(&s->buf, eap_code, eap_id, 1, identity,
		    identity ? strlen(identity) : 0);
	t = gen_sim_end(s, &m) + gen_sim_sifs(ap->channel);
	t = send_ack(s, t, ap->channel, down ? c->signal : ap->signal,
	    down ? ap->bssid : c->mac);
	return t + gen_sim_sifs(ap->channel) +
	    (uint64_t)gen_rand_range(s->rnd, 200, 3000);
}

/*
 * The 4-way handshake (802.11-2020 §12.7.6).  Key information bits:
 * version 0-2, pairwise 3, install 6, ack 7, MIC 8, secure 9, encrypted
 * key data 12.  A failed one (a wrong passphrase) repeats M1 and ends in
 * a deauthentication, reason 15 (4-way handshake timeout).
 */
static uint64_t
four_way(struct gen_sim *s, uint64_t t, struct gen_ap *ap,
    struct gen_client *c, bool fail)
{
	struct gen_eapol_key k;
	struct gen_buf iebuf, *ie = &iebuf;
	uint8_t anonce[32], snonce[32], pmkid[22], m3data[56];
	uint16_t ver;
	bool wpa1 = ap->sec == GEN_SEC_WPA_TKIP;
	int round;

	ie->len = 0;
	if (wpa1)
		gen_ie_wpa(ie);
	else
		gen_ie_rsn(ie, ap->sec, c->akm);
	ver = wpa1 ? 1 : c->akm == GEN_AKM_SAE || c->akm == GEN_AKM_OWE ?
	    0 : 2;
	gen_rand_bytes(s->rnd, anonce, sizeof(anonce));
	memset(&k, 0, sizeof(k));
	k.desc = wpa1 ? 254 : 2;
	k.key_len = wpa1 ? 32 : 16;
	for (round = 0; round < (fail ? 2 : 1); round++) {
		gen_rand_bytes(s->rnd, snonce, sizeof(snonce));
		k.info = (uint16_t)(ver | 0x0008 | 0x0080);
		k.replay = ++c->replay;
		k.nonce = anonce;
		k.mic = false;
		k.data = NULL;
		k.data_len = 0;
		if (!wpa1 && (c->akm == GEN_AKM_PSK ||
		    c->akm == GEN_AKM_SAE) && gen_rand_chance(s->rnd, 0.5)) {
			/* PMKID KDE: dd 14 00-0f-ac 4 PMKID */
			pmkid[0] = 0xdd;
			pmkid[1] = 20;
			pmkid[2] = 0x00;
			pmkid[3] = 0x0f;
			pmkid[4] = 0xac;
			pmkid[5] = 4;
			gen_rand_bytes(s->rnd, pmkid + 6, 16);
			k.data = pmkid;
			k.data_len = sizeof(pmkid);
		}
		t = eapol_frame(s, t, ap, c, true, &k, 1, 0, 0, NULL);
		k.info = (uint16_t)(ver | 0x0008 | 0x0100);
		k.nonce = snonce;
		k.mic = true;
		k.data = ie->data;
		k.data_len = ie->len;
		t = eapol_frame(s, t, ap, c, false, &k, 2, 0, 0, NULL);
	}
	if (fail)
		return t;
	k.replay = ++c->replay;
	k.nonce = anonce;
	if (wpa1) {
		k.info = (uint16_t)(ver | 0x0008 | 0x0040 | 0x0080 | 0x0100);
		k.data = ie->data;
		k.data_len = ie->len;
	} else {
		k.info = (uint16_t)(ver | 0x0008 | 0x0040 | 0x0080 | 0x0100 |
		    0x0200 | 0x1000);
		gen_rand_bytes(s->rnd, m3data, sizeof(m3data));
		k.data = m3data;
		k.data_len = sizeof(m3data);
	}
	t = eapol_frame(s, t, ap, c, true, &k, 3, 0, 0, NULL);
	k.info = (uint16_t)(ver | 0x0008 | 0x0100 | (wpa1 ? 0 : 0x0200));
	k.nonce = NULL;
	k.data = NULL;
	k.data_len = 0;
	return eapol_frame(s, t, ap, c, false, &k, 4, 0, 0, NULL);
}

static void
beacon_frame(struct gen_sim *s, struct gen_ap *ap, uint32_t idx, uint64_t t)
{
	struct gen_meta m = meta(0, 8, beacon_labels[ap->sec]);
	struct gen_tx tx;

	if (ap->hidden != GEN_SSID_SHOWN)
		m.label = ap->hidden == GEN_SSID_EMPTY ? "beacon-hidden-empty" :
		    "beacon-hidden-nuls";
	m.beacon_ap = (int32_t)idx;
	tx_mgmt(&tx, ap->channel, ap->signal, ap->mgmt_rate);
	gen_sim_begin(s, t, &tx);
	gen_hdr3(&s->buf, GEN_FC_BEACON, 0, bcast, ap->bssid, ap->bssid,
	    ap->seq++);
	gen_mgmt_beacon(&s->buf, ap, ap->tsf_base + t, false);
	gen_sim_release(s, ap->channel, gen_sim_end(s, &m));
}

/*
 * Group traffic after a beacon: ARP from the router, or on a protected
 * network the same encrypted under the group key (key id 1).
 */
static void
group_frame(struct gen_sim *s, struct gen_ap *ap, uint64_t t)
{
	struct gen_meta m = meta(2, 0, "data-group");
	struct gen_tx tx;
	uint32_t ip = ap->net | (10 + gen_rand_below(s->rnd, 60));
	static const uint8_t zero[6];

	tx_mgmt(&tx, ap->channel, ap->signal, ap->mgmt_rate);
	t = gen_sim_medium(s, ap->channel, t);
	gen_sim_begin(s, t, &tx);
	gen_hdr3(&s->buf, (uint16_t)(GEN_FC_DATA | GEN_FC_FROMDS |
	    (ap->sec != GEN_SEC_OPEN ? GEN_FC_PROTECTED : 0)), 0, bcast,
	    ap->bssid, ap->gw, ap->seq++);
	if (ap->sec == GEN_SEC_OPEN) {
		gen_llc(&s->buf, 0x0806);
		gen_arp(&s->buf, 1, ap->gw, ap->net | 1, zero, ip);
	} else {
		m.prot = true;
		cipher(s, ap, &ap->pn, 8 + 28, 1);
	}
	gen_sim_release(s, ap->channel, gen_sim_end(s, &m));
}

void
gen_traffic_beacon(struct gen_sim *s, uint32_t idx, uint64_t t)
{
	struct gen_ap *ap = &s->w->aps[idx];
	uint64_t start = gen_sim_medium(s, ap->channel, t);

	beacon_frame(s, ap, idx, start);
	if (ap->n_assoc > 0 && gen_rand_chance(s->rnd, 0.05))
		group_frame(s, ap, start + 2000);
	gen_sim_at(s, t + BEACON_US, GEN_EV_BEACON, idx);
}

/* The plain payload of one data frame: ICMP, DNS, or ciphertext. */
static void
payload(struct gen_sim *s, struct gen_ap *ap, struct gen_client *c,
    bool down, size_t msdu)
{
	uint32_t gw = ap->net | 1, remote = 0x5db8d822;	/* 93.184.216.34 */
	uint16_t id = (uint16_t)gen_rand_below(s->rnd, 65536);

	if (ap->sec != GEN_SEC_OPEN) {
		cipher(s, ap, &c->pn, msdu, 0);
		return;
	}
	gen_llc(&s->buf, 0x0800);
	if (msdu < 120) {
		const char *n = dns_names[gen_rand_below(s->rnd,
		    sizeof(dns_names) / sizeof(dns_names[0]))];

		gen_dns(&s->buf, c->ip, gw, (uint16_t)(49152 + (id & 0x3fff)),
		    id, n, down ? remote : 0, id);
	} else
		gen_icmp_echo(&s->buf, down ? 0 : 8, down ? remote : c->ip,
		    down ? c->ip : remote, (uint16_t)(c->aid + 1), c->seq,
		    msdu - 8 - 28, id);
}

static size_t
msdu_size(struct gen_sim *s, bool down)
{
	uint32_t r = gen_rand_below(s->rnd, 100);

	if (down)
		return r < 40 ? 1508 : r < 70 ? (size_t)gen_rand_range(s->rnd,
		    200, 700) : (size_t)gen_rand_range(s->rnd, 60, 110);
	return r < 80 ? (size_t)gen_rand_range(s->rnd, 60, 110) :
	    (size_t)gen_rand_range(s->rnd, 200, 1400);
}

/*
 * A burst of n data frames one way: an A-MPDU answered by a Block Ack
 * when the link is HT and n > 1 (sometimes after RTS/CTS, sometimes with
 * a Block Ack Request after), else one frame and its ACK, the frame
 * sometimes sent twice when the first ACK was missed.
 */
static uint64_t
burst(struct gen_sim *s, uint64_t t, struct gen_ap *ap, struct gen_client *c,
    bool down, int n)
{
	struct gen_tx tx, ctl;
	struct gen_meta m;
	uint8_t ch = ap->channel;
	const uint8_t *ta = down ? ap->bssid : c->mac;
	const uint8_t *ra = down ? c->mac : ap->bssid;
	int8_t rsig = down ? c->signal : ap->signal;
	uint16_t fc = ap->ht ? GEN_FC_QOS_DATA : GEN_FC_DATA, ssn = 0, seq;
	bool ampdu = ap->ht && n > 1, retry;
	int i, tries;
	size_t len;

	t = gen_sim_medium(s, ch, t);
	tx_data(&tx, ap, c, down ? ap->signal : c->signal);
	tx_ctrl(&ctl, ch, rsig);
	if (ampdu && gen_rand_chance(s->rnd, 0.15)) {
		m = meta(1, 11, "rts");
		ctl.signal = down ? ap->signal : c->signal;
		gen_sim_begin(s, t, &ctl);
		gen_rts(&s->buf, 2000, ra, ta);
		t = gen_sim_end(s, &m) + gen_sim_sifs(ch);
		m = meta(1, 12, "cts");
		ctl.signal = rsig;
		gen_sim_begin(s, t, &ctl);
		gen_cts(&s->buf, 1900, ta);
		t = gen_sim_end(s, &m) + gen_sim_sifs(ch);
	}
	for (i = 0; i < n; i++) {
		len = msdu_size(s, down);
		seq = down ? ap->seq++ : c->seq++;
		if (i == 0)
			ssn = seq;
		tries = !ampdu && gen_rand_chance(s->rnd, 0.04) ? 2 : 1;
		for (retry = false; tries-- > 0; retry = true) {
			m = meta(2, ap->ht ? 8 : 0, data_labels[ap->ht]
			    [ap->sec == GEN_SEC_OPEN ? 0 : ap->sec ==
			    GEN_SEC_WEP ? 1 : ap->sec == GEN_SEC_WPA_TKIP ?
			    2 : 3]);
			m.prot = ap->sec != GEN_SEC_OPEN;
			m.retry = retry;
			gen_sim_begin(s, t, &tx);
			data_hdr(s, ap, c, down, (uint16_t)(fc |
			    (m.prot ? GEN_FC_PROTECTED : 0)), ap->gw, 0,
			    retry, seq);
			payload(s, ap, c, down, len);
			t = gen_sim_end(s, &m) + (ampdu ? 0 : gen_sim_sifs(ch));
			if (tries > 0)
				t += 300;	/* ACK timeout, then again */
		}
		if (!ampdu)
			t = send_ack(s, t, ch, rsig, ta) + gen_sim_sifs(ch);
	}
	if (ampdu) {
		t += gen_sim_sifs(ch);
		m = meta(1, 9, "block-ack");
		gen_sim_begin(s, t, &ctl);
		gen_ba(&s->buf, 0, ta, ra, 0, ssn, (1ULL << n) - 1);
		t = gen_sim_end(s, &m) + gen_sim_sifs(ch);
		if (gen_rand_chance(s->rnd, 0.05)) {
			m = meta(1, 8, "block-ack-req");
			ctl.signal = down ? ap->signal : c->signal;
			gen_sim_begin(s, t, &ctl);
			gen_bar(&s->buf, DUR_ACK, ra, ta, 0, ssn);
			t = gen_sim_end(s, &m) + gen_sim_sifs(ch);
			m = meta(1, 9, "block-ack");
			ctl.signal = rsig;
			gen_sim_begin(s, t, &ctl);
			gen_ba(&s->buf, 0, ta, ra, 0, ssn, (1ULL << n) - 1);
			t = gen_sim_end(s, &m) + gen_sim_sifs(ch);
		}
	}
	gen_sim_release(s, ch, t);
	return t;
}

/* A (QoS) Null frame announcing power save on or off, and its ACK. */
static uint64_t
null_frame(struct gen_sim *s, uint64_t t, struct gen_ap *ap,
    struct gen_client *c)
{
	struct gen_meta m = meta(2, ap->ht ? 12 : 4, ap->ht ? "qos-null" :
	    "null");
	struct gen_tx tx;

	c->ps = !c->ps;
	t = gen_sim_medium(s, ap->channel, t);
	tx_data(&tx, ap, c, c->signal);
	gen_sim_begin(s, t, &tx);
	data_hdr(s, ap, c, false, (uint16_t)((ap->ht ? GEN_FC_QOS_NULL :
	    GEN_FC_NULL) | (c->ps ? GEN_FC_PWRMGT : 0)), ap->bssid, 0, false,
	    c->seq++);
	t = gen_sim_end(s, &m) + gen_sim_sifs(ap->channel);
	t = send_ack(s, t, ap->channel, ap->signal, c->mac);
	gen_sim_release(s, ap->channel, t);
	return t;
}

/* Probe responses from the APs on ch that answer this probe. */
static uint64_t
probe_answers(struct gen_sim *s, uint64_t t, struct gen_client *c,
    uint8_t ch, const uint8_t *ssid, uint8_t ssid_len)
{
	struct gen_world *w = s->w;
	uint32_t n = w->chan_n[ch], i, k, answered = 0;
	struct gen_meta m;

	if (n == 0)
		return t;
	/* Start at a random AP so that big channels share the answers. */
	k = gen_rand_below(s->rnd, n);
	for (i = 0; i < n && answered < 3; i++) {
		struct gen_ap *ap = &w->aps[w->chan_aps[ch][(k + i) % n]];
		struct gen_tx tx;

		if (ssid_len == 0 ? ap->hidden != GEN_SSID_SHOWN :
		    ap->ssid_len != ssid_len ||
		    memcmp(ap->ssid, ssid, ssid_len) != 0)
			continue;
		answered++;
		t += (uint64_t)gen_rand_range(s->rnd, 100, 1500);
		m = meta(0, 5, "probe-resp");
		tx_mgmt(&tx, ch, ap->signal, ap->mgmt_rate);
		gen_sim_begin(s, t, &tx);
		gen_hdr3(&s->buf, GEN_FC_PROBE_RESP, DUR_ACK, c->mac,
		    ap->bssid, ap->bssid, ap->seq++);
		gen_mgmt_beacon(&s->buf, ap, ap->tsf_base + t, true);
		t = gen_sim_end(s, &m) + gen_sim_sifs(ch);
		t = send_ack(s, t, ch, c->signal, ap->bssid);
	}
	return t;
}

/* A probe request and its answers; sure: the sensor hears the request. */
static uint64_t
probe(struct gen_sim *s, uint64_t t, struct gen_client *c, uint8_t ch,
    const struct gen_pnl *p, bool sure)
{
	struct gen_meta m = meta(0, 4, "probe-req");
	struct gen_tx tx;
	const uint8_t *ssid = NULL;
	uint8_t len = 0;

	if (p != NULL && p->ap >= 0) {
		ssid = s->w->aps[p->ap].ssid;
		len = s->w->aps[p->ap].ssid_len;
		m.probe_ap = p->ap;
	} else if (p != NULL) {
		ssid = (const uint8_t *)gen_world_fake(p->fake);
		len = (uint8_t)strlen((const char *)ssid);
		m.probe_fake = p->fake;
	}
	t = gen_sim_medium(s, ch, t);
	tx_mgmt(&tx, ch, c->signal, 0);
	gen_sim_begin(s, t, &tx);
	gen_hdr3(&s->buf, GEN_FC_PROBE_REQ, 0, bcast, c->mac, bcast,
	    c->seq++);
	gen_mgmt_probe_req(&s->buf, c, ssid, len, ch);
	s->sure = sure;
	t = gen_sim_end(s, &m) + gen_sim_sifs(ch);
	s->sure = false;
	t = probe_answers(s, t, c, ch, ssid, len);
	gen_sim_release(s, ch, t);
	return t;
}

/* Scan a few channels: a wildcard probe, then one per known network. */
static uint64_t
scan(struct gen_sim *s, uint64_t t, struct gen_client *c)
{
	struct gen_world *w = s->w;
	uint8_t chans[3];
	int n = 0, i, k, tries;

	if (c->home >= 0)
		chans[n++] = w->aps[c->home].channel;
	for (tries = 0; n < 3 && tries < 6; tries++) {
		uint8_t ch = w->channels[gen_rand_below(s->rnd,
		    (uint32_t)w->n_channels)];

		/* Radios without VHT here are 2.4 GHz gadgets. */
		if (!c->vht && ch > 14)
			continue;
		chans[n++] = ch;
	}
	for (i = 0; i < n; i++) {
		t = probe(s, t, c, chans[i], NULL, false);
		for (k = 0; k < c->n_pnl; k++)
			t = probe(s, t + 200, c, chans[i], &c->pnl[k],
			    false);
		t += (uint64_t)gen_rand_range(s->rnd, 15000, 40000);
	}
	return t;
}

/* Authenticate, associate, run the key handshakes, set up Block Ack. */
static uint64_t
join(struct gen_sim *s, uint64_t t, struct gen_ap *ap, struct gen_client *c)
{
	struct gen_meta m;
	uint16_t a[2];
	bool yes = true, no = false, fail;
	uint8_t ch = ap->channel;
	char identity[64];
	size_t i;
	uint16_t alg = c->akm == GEN_AKM_SAE ? GEN_AUTH_SAE :
	    ap->sec == GEN_SEC_WEP && gen_rand_chance(s->rnd, 0.4) ?
	    GEN_AUTH_SHARED : GEN_AUTH_OPEN;

	t = gen_sim_medium(s, ch, t);
	if (alg == GEN_AUTH_SHARED) {
		/* The third frame is the challenge, WEP-encrypted. */
		for (a[1] = 1; a[1] <= 4; a[1]++) {
			a[0] = alg;
			m = meta(0, 11, auth_labels[alg][a[1]]);
			t = mgmt_exchange(s, t, ap, c, !(a[1] & 1),
			    GEN_FC_AUTH, &m, body_auth, a,
			    a[1] == 3 ? 6 + 130 : 0);
		}
	} else {
		for (a[1] = 1; a[1] <= 2; a[1]++) {
			a[0] = alg;
			m = meta(0, 11, auth_labels[alg][a[1]]);
			t = mgmt_exchange(s, t, ap, c, false, GEN_FC_AUTH, &m,
			    body_auth, a, 0);
			m = meta(0, 11, auth_labels[alg][alg == GEN_AUTH_SAE ?
			    a[1] : 2]);
			t = mgmt_exchange(s, t, ap, c, true, GEN_FC_AUTH, &m,
			    body_auth, a, 0);
			if (alg != GEN_AUTH_SAE)
				break;
		}
	}
	c->aid = ap->next_aid;
	ap->next_aid = (uint16_t)(ap->next_aid % 2007 + 1);
	m = meta(0, 0, "assoc-req");
	t = mgmt_exchange(s, t, ap, c, false, GEN_FC_ASSOC_REQ, &m,
	    body_assoc_req, NULL, 0);
	m = meta(0, 1, "assoc-resp");
	t = mgmt_exchange(s, t, ap, c, true, GEN_FC_ASSOC_RESP, &m,
	    body_assoc_resp, NULL, 0);
	if (c->akm == GEN_AKM_EAP) {
		snprintf(identity, sizeof(identity), "anonymous@%.*s",
		    (int)ap->ssid_len, (const char *)ap->ssid);
		for (i = 0; identity[i] != '\0'; i++)
			if (identity[i] == ' ')
				identity[i] = '-';
		t = eapol_frame(s, t, ap, c, true, NULL, 0, 1, 1, NULL);
		t = eapol_frame(s, t, ap, c, false, NULL, 0, 2, 1, identity);
		t = eapol_frame(s, t, ap, c, true, NULL, 0, 3, 2, NULL);
	}
	fail = c->akm == GEN_AKM_PSK && gen_rand_chance(s->rnd, 0.1);
	if (c->akm != GEN_AKM_NONE)
		t = four_way(s, t, ap, c, fail);
	if (fail) {
		uint16_t reason = 15;

		m = meta(0, 12, "deauth");
		t = mgmt_exchange(s, t, ap, c, true, GEN_FC_DEAUTH, &m,
		    body_reason, &reason, 0);
		gen_sim_release(s, ch, t);
		return t;
	}
	if (ap->ht) {
		m = meta(0, 13, "action-addba");
		t = mgmt_exchange(s, t, ap, c, true, GEN_FC_ACTION, &m,
		    body_addba, &no, uses_pmf(ap) ? 9 : 0);
		m = meta(0, 13, "action-addba");
		t = mgmt_exchange(s, t, ap, c, false, GEN_FC_ACTION, &m,
		    body_addba, &yes, uses_pmf(ap) ? 9 : 0);
	}
	gen_sim_release(s, ch, t);
	c->state = GEN_CL_CONNECTED;
	c->ip = ap->net | (uint32_t)(10 + c->aid % 240);
	ap->n_assoc++;
	return t;
}

/* Leave: the client or the AP ends it, with a deauth or a disassoc. */
static uint64_t
leave(struct gen_sim *s, uint64_t t, struct gen_ap *ap, struct gen_client *c)
{
	struct gen_meta m;
	uint32_t r = gen_rand_below(s->rnd, 10);
	uint16_t reason;
	bool from_ap = r >= 7;
	bool deauth = r < 4 || r >= 8;

	/* 3: leaving (deauth); 8: leaving (disassoc); 4: inactivity. */
	reason = from_ap ? 4 : deauth ? 3 : 8;
	m = meta(0, deauth ? 12 : 10, deauth ? "deauth" : "disassoc");
	t = gen_sim_medium(s, ap->channel, t);
	t = mgmt_exchange(s, t, ap, c, from_ap, deauth ? GEN_FC_DEAUTH :
	    GEN_FC_DISASSOC, &m, body_reason, &reason, uses_pmf(ap) ? 2 : 0);
	gen_sim_release(s, ap->channel, t);
	c->state = GEN_CL_IDLE;
	if (ap->n_assoc > 0)
		ap->n_assoc--;
	return t;
}

static void
connected(struct gen_sim *s, struct gen_client *c, uint32_t idx, uint64_t t)
{
	struct gen_ap *ap = &s->w->aps[c->home];
	uint32_t r = gen_rand_below(s->rnd, 100);
	int n, most;

	if (t >= c->session_end) {
		t = leave(s, t, ap, c);
		gen_sim_at(s, t + 5000000 + expo(s, 30e6), GEN_EV_CLIENT, idx);
		return;
	}
	most = c->burst_us <= 100000 ? 10 : c->burst_us < 1000000 ? 4 : 2;
	n = gen_rand_range(s->rnd, 1, most);
	/* Phones look for better networks now and then, about every 20 s. */
	if (gen_rand_chance(s->rnd, (double)c->burst_us / 20e6))
		t = scan(s, t, c);
	else if (r < 15)
		t = null_frame(s, t, ap, c);
	else
		t = burst(s, t, ap, c, r < 70, n);
	gen_sim_at(s, t + expo(s, c->burst_us), GEN_EV_CLIENT, idx);
}

void
gen_traffic_client(struct gen_sim *s, uint32_t idx, uint64_t t)
{
	struct gen_client *c = &s->w->clients[idx];

	if (c->state == GEN_CL_CONNECTED) {
		connected(s, c, idx, t);
		return;
	}
	t = scan(s, t, c);
	if (c->home < 0) {
		gen_sim_at(s, t + 20000000 + expo(s, 40e6), GEN_EV_CLIENT,
		    idx);
		return;
	}
	t = join(s, t + (uint64_t)gen_rand_range(s->rnd, 5000, 30000),
	    &s->w->aps[c->home], c);
	if (c->state != GEN_CL_CONNECTED) {
		gen_sim_at(s, t + 2000000 + expo(s, 10e6), GEN_EV_CLIENT, idx);
		return;
	}
	c->session_end = t + expo(s, 240e6);
	gen_sim_at(s, t + expo(s, c->burst_us), GEN_EV_CLIENT, idx);
}

void
gen_traffic_hello(struct gen_sim *s, uint32_t idx, uint64_t t)
{
	struct gen_world *w = s->w;
	struct gen_client *c = &w->clients[idx];
	uint8_t ch;
	int tries;

	if (c->home >= 0)
		ch = w->aps[c->home].channel;
	else {
		/* As scan() picks: radios without VHT stay on 2.4 GHz. */
		ch = w->channels[0];
		for (tries = 0; tries < 6; tries++) {
			ch = w->channels[gen_rand_below(s->rnd,
			    (uint32_t)w->n_channels)];
			if (c->vht || ch <= 14)
				break;
		}
	}
	(void)probe(s, t, c, ch, NULL, true);
}

void
gen_traffic_start(struct gen_sim *s)
{
	struct gen_world *w = s->w;
	size_t i;

	for (i = 0; i < w->n_aps; i++)
		gen_sim_at(s, gen_rand_below(s->rnd, BEACON_US),
		    GEN_EV_BEACON, (uint32_t)i);
	for (i = 0; i < w->n_clients - s->opt->passers; i++) {
		struct gen_client *c = &w->clients[i];

		/* Most clients were already there when capture started. */
		if (c->home >= 0 && gen_rand_chance(s->rnd, 0.6)) {
			struct gen_ap *ap = &w->aps[c->home];

			c->state = GEN_CL_CONNECTED;
			c->aid = ap->next_aid;
			ap->next_aid = (uint16_t)(ap->next_aid % 2007 + 1);
			c->ip = ap->net | (uint32_t)(10 + c->aid % 240);
			c->pn = gen_rand_below(s->rnd, 100000);
			c->replay = gen_rand_below(s->rnd, 10);
			ap->n_assoc++;
			c->session_end = expo(s, 300e6);
			gen_sim_at(s, expo(s, c->burst_us), GEN_EV_CLIENT,
			    (uint32_t)i);
		} else
			/* Half arrive early, so short runs see joins too. */
			gen_sim_at(s, gen_rand_below(s->rnd,
			    gen_rand_chance(s->rnd, 0.5) ? 5000000 : 60000000),
			    GEN_EV_CLIENT, (uint32_t)i);
	}
	/*
	 * --hello: drawn after everything above, so that a run without it
	 * gives the same bytes as before the option existed.
	 */
	if (s->opt->hello_us == 0)
		return;
	for (i = 0; i < w->n_clients; i++)
		gen_sim_at(s, gen_rand_below(s->rnd,
		    (uint32_t)s->opt->hello_us), GEN_EV_HELLO, (uint32_t)i);
}
