/* SPDX-License-Identifier: ISC */
/*
 * \summary: attack scenarios: the frames mdk, aireplay, reaver, Karma
 * and friends send, in a small site's traffic
 *
 * The site beacons throughout (an access point every 102.4 ms) and its
 * client sends a protected data frame every second, so that every
 * capture also holds benign traffic the checks must leave alone.  An
 * attack starts a few seconds in; a flood lasts until the end, so that
 * --seconds 600 makes a ten-minute flood for the rate limit tests.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_attack.h"
#include "gen_frames.h"
#include "gen_ie.h"
#include "gen_out.h"
#include "gen_rand.h"

#define SEC		1000000ULL
#define BEACON_US	102400ULL
#define GEN_FC_REASSOC_REQ	0x0020

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ap_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
static const uint8_t cl_mac[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x01 };
static const uint8_t rogue[6] = { 0x02, 0x66, 0x66, 0x00, 0x00, 0x01 };
static const uint8_t karma_mac[6] = { 0x00, 0x13, 0x37, 0xa1, 0xb2, 0xc3 };
static const char home_ssid[] = "osprey-home";

enum sec { OPEN, WPA2 };

/* A frame of the current second, waiting to be written in time order. */
struct pending {
	uint64_t	 t;
	size_t		 i;		/* order of making, for equal times */
	size_t		 len;
	uint8_t		*data;
};

#define ATK_PENDING_MAX	4096

struct atk {
	struct gen_out	*out;
	struct pending	 pend[ATK_PENDING_MAX];
	size_t		 n_pend;
	struct gen_rand	 rnd;
	struct gen_buf	 b;
	uint64_t	 epoch, end;	/* microseconds */
	uint16_t	 seq;
	uint64_t	 pn;
	long		 frames;
	int		 err;
	uint16_t	 capab_or;	/* capability bits beacons add */
};

/* A frame heard on chan at signal dBm: the radiotap header first. */
static void
begin(struct atk *a, uint8_t chan, int8_t signal)
{
	struct gen_radio r;

	memset(&r, 0, sizeof(r));
	r.freq = chan <= 13 ? (uint16_t)(2407 + 5 * chan) : chan == 14 ?
	    2484 : (uint16_t)(5000 + 5 * chan);
	r.phy = chan <= 14 ? GEN_PHY_CCK : GEN_PHY_OFDM;
	r.rate = chan <= 14 ? 2 : 12;
	r.bw = 20;
	r.signal = signal;
	r.noise = -95;
	a->b.len = 0;
	gen_radiotap(&a->b, &r, false);
}

static void
end(struct atk *a, uint64_t t)
{
	struct pending *p;

	if (a->err != 0 || t >= a->end)
		return;
	if (a->n_pend == ATK_PENDING_MAX ||
	    (a->pend[a->n_pend].data = malloc(a->b.len)) == NULL) {
		a->err = -ENOMEM;
		return;
	}
	p = &a->pend[a->n_pend];
	p->t = t;
	p->i = a->n_pend++;
	p->len = a->b.len;
	memcpy(p->data, a->b.data, a->b.len);
}

static int
pending_cmp(const void *x, const void *y)
{
	const struct pending *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Write what the second made, oldest first. */
static void
flush(struct atk *a)
{
	size_t i;
	int r;

	qsort(a->pend, a->n_pend, sizeof(a->pend[0]), pending_cmp);
	for (i = 0; i < a->n_pend; i++) {
		if (a->err == 0) {
			if ((r = gen_out_write(a->out, a->epoch + a->pend[i].t,
			    a->pend[i].data, a->pend[i].len, "attack")) != 0)
				a->err = r;
			else
				a->frames++;
		}
		free(a->pend[i].data);
	}
	a->n_pend = 0;
}

static void
beacon_body(struct atk *a, const uint8_t *ssid, size_t len, uint8_t chan,
    enum sec sec, uint16_t interval, uint64_t tsf, bool probe_resp)
{
	gen_put_le64(&a->b, tsf);
	gen_put_le16(&a->b, interval);
	gen_put_le16(&a->b, (uint16_t)(0x0401 | (sec == WPA2 ? 0x0010 : 0) |
	    a->capab_or));
	gen_ie_ssid(&a->b, ssid, len);
	gen_ie_rates(&a->b, chan <= 14);
	gen_ie_ds(&a->b, chan);
	if (!probe_resp)
		gen_ie_tim(&a->b, 0, 1, 0);
	if (sec == WPA2)
		gen_ie_rsn(&a->b, GEN_SEC_WPA2_PSK, GEN_AKM_NONE);
}

static void
beacon(struct atk *a, uint64_t t, const uint8_t bssid[6], const char *ssid,
    uint8_t chan, enum sec sec, uint16_t interval, uint64_t tsf,
    int8_t signal)
{
	begin(a, chan, signal);
	gen_hdr3(&a->b, GEN_FC_BEACON, 0, bcast, bssid, bssid, a->seq++);
	beacon_body(a, (const uint8_t *)ssid, strlen(ssid), chan, sec,
	    interval, tsf, false);
	end(a, t);
}

static void
probe_resp(struct atk *a, uint64_t t, const uint8_t bssid[6],
    const uint8_t to[6], const uint8_t *ssid, size_t len, uint8_t chan)
{
	begin(a, chan, -40);
	gen_hdr3(&a->b, GEN_FC_PROBE_RESP, 314, to, bssid, bssid, a->seq++);
	beacon_body(a, ssid, len, chan, OPEN, 100, t, true);
	end(a, t);
}

static void
probe_req(struct atk *a, uint64_t t, const uint8_t from[6], const char *ssid,
    uint8_t chan)
{
	begin(a, chan, -60);
	gen_hdr3(&a->b, GEN_FC_PROBE_REQ, 0, bcast, from, bcast, a->seq++);
	gen_ie_ssid(&a->b, (const uint8_t *)ssid, strlen(ssid));
	gen_ie_rates(&a->b, true);
	end(a, t);
}

static void
disconnect(struct atk *a, uint64_t t, uint16_t fc, const uint8_t to[6],
    const uint8_t from[6], const uint8_t bssid[6], uint16_t reason)
{
	begin(a, 6, -30);
	gen_hdr3(&a->b, fc, 314, to, from, bssid, a->seq++);
	gen_put_le16(&a->b, reason);
	end(a, t);
}

/* The client's protected data to the AP. */
static void
client_data(struct atk *a, uint64_t t)
{
	begin(a, 6, -55);
	gen_hdr3(&a->b, GEN_FC_DATA | GEN_FC_TODS | GEN_FC_PROTECTED, 44,
	    ap_mac, cl_mac, bcast, a->seq++);
	gen_ccmp(&a->b, &a->rnd, ++a->pn, 0, 60);
	end(a, t);
}

/* The site: beacons of the AP and a data frame a second from its client. */
static void
site(struct atk *a, uint64_t from, uint64_t to)
{
	uint64_t t;

	for (t = (from + BEACON_US - 1) / BEACON_US * BEACON_US; t < to;
	    t += BEACON_US)
		beacon(a, t, ap_mac, home_ssid, 6, WPA2, 100, 1000 * SEC + t,
		    -45);
	for (t = (from + SEC - 1) / SEC * SEC + 500000; t < to; t += SEC)
		client_data(a, t);
}

/* Frames are written in time order: the site runs in one-second steps. */
typedef void	(*step_fn)(struct atk *, uint64_t sec);

static void
run(struct atk *a, step_fn fn)
{
	uint64_t s;

	for (s = 0; s * SEC < a->end && a->err == 0; s++) {
		site(a, s * SEC, (s + 1) * SEC);
		fn(a, s);
		flush(a);
	}
	flush(a);
}

static void
s_deauth_flood(struct atk *a, uint64_t s)
{
	int i;

	/* aireplay-ng --deauth 0: twenty a second from the fifth on. */
	if (s >= 5)
		for (i = 0; i < 20; i++)
			disconnect(a, s * SEC + 10000 + (uint64_t)i * 49000,
			    GEN_FC_DEAUTH, cl_mac, ap_mac, ap_mac, 7);
}

static void
s_bcast(struct atk *a, uint64_t s)
{
	if (s == 5 || s == 15 || s == 25)
		disconnect(a, s * SEC + 250000, GEN_FC_DEAUTH, bcast, ap_mac,
		    ap_mac, 3);
}

static void
s_bad_reason(struct atk *a, uint64_t s)
{
	if (s == 5)
		disconnect(a, s * SEC + 250000, GEN_FC_DEAUTH, cl_mac, ap_mac,
		    ap_mac, 0);
	if (s == 8)
		disconnect(a, s * SEC + 250000, GEN_FC_DISASSOC, cl_mac,
		    ap_mac, ap_mac, 200);
}

static void
s_beacon_flood(struct atk *a, uint64_t s)
{
	uint8_t m[6] = { 0x02, 0xbe, 0xef, 0, 0, 0 };
	char ssid[16];
	int i;

	/* mdk4 b: 300 made-up access points a second, for three seconds. */
	if (s < 15 || s > 17)
		return;
	for (i = 0; i < 300; i++) {
		m[3] = (uint8_t)s;
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		snprintf(ssid, sizeof(ssid), "free-%u-%d", (unsigned)s, i);
		beacon(a, s * SEC + 600000 + (uint64_t)i * 1000, m, ssid,
		    (uint8_t)(1 + i % 11), OPEN, 100, (uint64_t)i * 1000,
		    -50);
	}
}

static void
s_karma(struct atk *a, uint64_t s)
{
	static const char *const wanted[] = { "linksys", "eduroam",
	    "Starbucks WiFi", "home-net", "xfinitywifi", "attwifi",
	    "NETGEAR42", "airport-free" };
	uint8_t sta[6] = { 0x02, 0x00, 0x5e, 0x30, 0x00, 0x00 };
	const char *w;

	/* hostapd-mana: answers every directed probe with that SSID. */
	if (s < 5 || s >= 5 + sizeof(wanted) / sizeof(wanted[0]))
		return;
	w = wanted[s - 5];
	sta[5] = (uint8_t)s;
	probe_req(a, s * SEC + 300000, sta, w, 6);
	probe_resp(a, s * SEC + 301000, karma_mac, sta, (const uint8_t *)w,
	    strlen(w), 6);
}

static void
s_evil_twin(struct atk *a, uint64_t s)
{
	uint64_t t;

	/* The same SSID, open, on channel 11, louder. */
	if (s < 10)
		return;
	for (t = s * SEC + 50000; t < (s + 1) * SEC; t += BEACON_US)
		beacon(a, t, rogue, home_ssid, 11, OPEN, 100, t, -20);
}

static void
s_rogue_ap(struct atk *a, uint64_t s)
{
	static const uint8_t ap2[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 };
	uint64_t t;

	/* The site's second AP, then a WPA2 copy on other hardware. */
	for (t = s * SEC + 30000; t < (s + 1) * SEC; t += BEACON_US)
		beacon(a, t, ap2, home_ssid, 11, WPA2, 100, 2000 * SEC + t,
		    -60);
	if (s >= 10)
		for (t = s * SEC + 60000; t < (s + 1) * SEC; t += 2 * BEACON_US)
			beacon(a, t, rogue, home_ssid, 1, WPA2, 200, t, -40);
}

static void
s_crypto_drop(struct atk *a, uint64_t s)
{
	/* The AP's own address, open: the site's beacons keep WPA2. */
	if (s >= 10)
		beacon(a, s * SEC + 70000, ap_mac, home_ssid, 6, OPEN, 100,
		    1000 * SEC + s * SEC + 70000, -45);
}

static void
s_chan_change(struct atk *a, uint64_t s)
{
	if (s == 10 || s == 20)
		beacon(a, s * SEC + 70000, ap_mac, home_ssid, 1, WPA2, 100,
		    1000 * SEC + s * SEC + 70000, -60);
}

static void
s_beacon_rate(struct atk *a, uint64_t s)
{
	if (s == 10 || s == 20)
		beacon(a, s * SEC + 70000, ap_mac, home_ssid, 6, WPA2, 50,
		    1000 * SEC + s * SEC + 70000, -60);
}

static void
s_bss_timestamp(struct atk *a, uint64_t s)
{
	/* A copy of the AP whose clock started 900 s later. */
	if (s >= 10)
		beacon(a, s * SEC + 70000, ap_mac, home_ssid, 6, WPA2, 100,
		    100 * SEC + s * SEC, -60);
}

static void
s_long_ssid(struct atk *a, uint64_t s)
{
	static const uint8_t l[40] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

	if (s != 5)
		return;
	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_BEACON, 0, bcast, rogue, rogue, a->seq++);
	beacon_body(a, l, sizeof(l), 6, OPEN, 100, s * SEC, false);
	end(a, s * SEC + 300000);
}

static void
s_null_probe_resp(struct atk *a, uint64_t s)
{
	if (s == 5)
		probe_resp(a, s * SEC + 300000, rogue, cl_mac, NULL, 0, 6);
}

static void
s_airjack(struct atk *a, uint64_t s)
{
	if (s >= 5 && s < 8)
		beacon(a, s * SEC + 300000, rogue, "AirJack", 6, OPEN, 100,
		    s * SEC, -50);
}

static void
llc_probe(struct atk *a, uint64_t t, const char *text)
{
	static const uint8_t llc[8] = { 0xaa, 0xaa, 0x03, 0x00, 0x60, 0x1d,
	    0x00, 0x01 };

	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_DATA | GEN_FC_TODS, 44, ap_mac, rogue, bcast,
	    a->seq++);
	gen_put_bytes(&a->b, llc, sizeof(llc));
	gen_put_bytes(&a->b, text, strlen(text));
	end(a, t);
}

static void
s_netstumbler(struct atk *a, uint64_t s)
{
	if (s == 5)
		llc_probe(a, s * SEC + 300000,
		    "Flurble gronk bloopit, bnip Frundletrune");
}

static void
s_lucent(struct atk *a, uint64_t s)
{
	if (s == 5)
		llc_probe(a, s * SEC + 300000, "link test 0123456789");
}

static void
s_malformed(struct atk *a, uint64_t s)
{
	if (s != 5)
		return;
	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_BEACON, 0, bcast, rogue, rogue, a->seq++);
	beacon_body(a, (const uint8_t *)"broken", 6, 6, OPEN, 100, s * SEC,
	    false);
	/* A vendor element that claims 200 bytes; 3 follow. */
	gen_put_u8(&a->b, 221);
	gen_put_u8(&a->b, 200);
	gen_put_bytes(&a->b, "\x00\x50\xf2", 3);
	end(a, s * SEC + 300000);
}

static void	eapol_between(struct atk *, uint64_t, int, uint64_t,
		    const uint8_t *, const uint8_t *, const uint8_t *);

/* EAPOL-Key message 1 to 4 between the site's AP and client. */
static void
eapol(struct atk *a, uint64_t t, int msg, uint64_t replay,
    const uint8_t *nonce)
{
	eapol_between(a, t, msg, replay, nonce, ap_mac, cl_mac);
}

static void
eapol_between(struct atk *a, uint64_t t, int msg, uint64_t replay,
    const uint8_t *nonce, const uint8_t *ap, const uint8_t *cl)
{
	static const uint16_t info[5] = { 0, 0x008a, 0x010a, 0x13ca, 0x030a };
	static const uint8_t rsn[22] = { 0x30, 0x14, 0x01, 0x00, 0x00, 0x0f,
	    0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00,
	    0x0f, 0xac, 0x02, 0x00, 0x00 };
	uint8_t wrapped[72];
	struct gen_eapol_key k;
	bool from_ap = msg == 1 || msg == 3;

	begin(a, 6, -45);
	gen_hdr3(&a->b, GEN_FC_DATA | (from_ap ? GEN_FC_FROMDS : GEN_FC_TODS),
	    44, from_ap ? cl : ap, from_ap ? ap : cl, ap, a->seq++);
	gen_llc(&a->b, 0x888e);
	memset(&k, 0, sizeof(k));
	k.desc = 2;
	k.info = info[msg];
	k.key_len = 16;
	k.replay = replay;
	k.nonce = nonce;
	k.mic = msg != 1;
	memset(wrapped, 0x5a, sizeof(wrapped));
	if (msg == 2) {
		k.data = rsn;
		k.data_len = sizeof(rsn);
	} else if (msg == 3) {
		/*
		 * Stands for the encrypted key data: an AES-wrapped RSN
		 * element and group key are 8-byte blocks, 72 bytes here
		 * (fewer, or not whole blocks, is VDOO202027301).
		 */
		k.data = wrapped;
		k.data_len = sizeof(wrapped);
	}
	gen_eapol_key(&a->b, &a->rnd, &k);
	end(a, t);
}

static void
s_nonce_degrade(struct atk *a, uint64_t s)
{
	if (s == 5)
		eapol(a, s * SEC + 300000, 1, 1, NULL);
}

static void
s_krack(struct atk *a, uint64_t s)
{
	uint8_t an[32], sn[32];

	if (s != 5)
		return;
	memset(an, 0xa5, sizeof(an));
	memset(sn, 0x5a, sizeof(sn));
	eapol(a, s * SEC + 100000, 1, 1, an);
	eapol(a, s * SEC + 110000, 2, 1, sn);
	eapol(a, s * SEC + 120000, 3, 2, an);
	eapol(a, s * SEC + 130000, 4, 2, NULL);
	/* The man in the middle holds message 4 back: 3 comes again. */
	eapol(a, s * SEC + 1130000, 3, 3, an);
}

static void
s_pmkid(struct atk *a, uint64_t s)
{
	uint8_t ap[6] = { 0x02, 0x00, 0x5e, 0x40, 0x00, 0x00 };
	uint8_t an[32];

	/* hcxdumptool: message 1 from four access points, no answer. */
	if (s < 5 || s > 8)
		return;
	ap[5] = (uint8_t)s;
	memset(an, (int)s, sizeof(an));
	eapol_between(a, s * SEC + 300000, 1, 1, an, ap, rogue);
	/* The site's client answers its own AP: a real handshake. */
	eapol(a, s * SEC + 400000, 1, s, an);
	eapol(a, s * SEC + 410000, 2, s, an);
}

static void
s_wps_brute(struct atk *a, uint64_t s)
{
	/* Vendor WFA, SimpleConfig, WSC_MSG; Version 1.0, Message Type M4. */
	static const uint8_t wsc[] = { 0x00, 0x37, 0x2a, 0x00, 0x00, 0x00,
	    0x01, 0x04, 0x00, 0x10, 0x4a, 0x00, 0x01, 0x10, 0x10, 0x22, 0x00,
	    0x01, 0x08 };

	/* reaver: a PIN attempt every three seconds. */
	if (s < 5 || s % 3 != 0)
		return;
	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_DATA | GEN_FC_TODS, 44, ap_mac, rogue, ap_mac,
	    a->seq++);
	gen_llc(&a->b, 0x888e);
	gen_eapol_eap(&a->b, 2, (uint8_t)s, 254, wsc, sizeof(wsc));
	end(a, s * SEC + 300000);
}

static void
s_format_string(struct atk *a, uint64_t s)
{
	if (s == 5)
		probe_req(a, s * SEC + 300000, rogue, "%n%n%n%n", 6);
}

static void
s_canary(struct atk *a, uint64_t s)
{
	if (s == 5)
		probe_req(a, s * SEC + 300000, rogue, "osprey-canary", 6);
}

static void
s_disassoc_traffic(struct atk *a, uint64_t s)
{
	/* A forged disconnection the client never heard. */
	if (s == 5) {
		disconnect(a, s * SEC + 100000, GEN_FC_DISASSOC, cl_mac,
		    ap_mac, ap_mac, 8);
		client_data(a, s * SEC + 200000);
	}
}

/* A beacon of the rogue with one extra element, id and bytes. */
static void
odd_beacon(struct atk *a, uint64_t t, uint8_t id, const uint8_t *body,
    uint8_t len)
{
	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_BEACON, 0, bcast, rogue, rogue, a->seq++);
	beacon_body(a, (const uint8_t *)"odd", 3, 6, OPEN, 100, t, false);
	gen_put_u8(&a->b, id);
	gen_put_u8(&a->b, len);
	gen_put_bytes(&a->b, body, len);
	end(a, t);
}

static void
s_msf_bcom(struct atk *a, uint64_t s)
{
	uint8_t ssid[80];

	if (s != 5)
		return;
	memset(ssid, 'B', sizeof(ssid));
	probe_resp(a, s * SEC + 300000, rogue, cl_mac, ssid, sizeof(ssid), 6);
}

static void
s_dlink_rates(struct atk *a, uint64_t s)
{
	uint8_t rates[40];

	if (s != 5)
		return;
	memset(rates, 0x82, sizeof(rates));
	odd_beacon(a, s * SEC + 300000, 1, rates, sizeof(rates));
}

static void
s_bad_country(struct atk *a, uint64_t s)
{
	/* "US " and a triplet cut after two bytes. */
	static const uint8_t c[5] = { 'U', 'S', ' ', 1, 11 };

	if (s == 5)
		odd_beacon(a, s * SEC + 300000, 7, c, sizeof(c));
}

static void
s_wmm_overflow(struct atk *a, uint64_t s)
{
	uint8_t wmm[60] = { 0x00, 0x50, 0xf2, 0x02, 0x01, 0x01 };

	if (s != 5)
		return;
	memset(wmm + 6, 0x41, sizeof(wmm) - 6);
	odd_beacon(a, s * SEC + 300000, 221, wmm, sizeof(wmm));
}

static void
s_rsn_loop(struct atk *a, uint64_t s)
{
	/* Version 1, CCMP group, 200 pairwise suites of which one is sent. */
	static const uint8_t rsn[12] = { 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04,
	    200, 0x00, 0x00, 0x0f, 0xac, 0x04 };

	if (s == 5)
		odd_beacon(a, s * SEC + 300000, 48, rsn, sizeof(rsn));
}

static void
s_probe_chan(struct atk *a, uint64_t s)
{
	/* A copy of the AP answering the client's probes on channel 11. */
	if (s < 5)
		return;
	probe_req(a, s * SEC + 300000, cl_mac, home_ssid, 11);
	begin(a, 11, -40);
	gen_hdr3(&a->b, GEN_FC_PROBE_RESP, 314, cl_mac, ap_mac, ap_mac,
	    a->seq++);
	beacon_body(a, (const uint8_t *)home_ssid, strlen(home_ssid), 11,
	    WPA2, 100, s * SEC, true);
	end(a, s * SEC + 301000);
}

/* The client (re)joins the site's AP: RSN without MFP, as most do. */
static void
assoc_req(struct atk *a, uint64_t t, uint16_t fc)
{
	begin(a, 6, -55);
	gen_hdr3(&a->b, fc, 314, ap_mac, cl_mac, ap_mac, a->seq++);
	gen_put_le16(&a->b, 0x0411);
	gen_put_le16(&a->b, 10);
	if (fc == GEN_FC_REASSOC_REQ)
		gen_put_bytes(&a->b, ap_mac, 6);
	gen_ie_ssid(&a->b, (const uint8_t *)home_ssid, strlen(home_ssid));
	gen_ie_rates(&a->b, true);
	gen_ie_rsn(&a->b, GEN_SEC_WPA2_PSK, GEN_AKM_NONE);
	end(a, t);
}

static void
s_no_client_mfp(struct atk *a, uint64_t s)
{
	int i;

	if (s == 3)
		assoc_req(a, s * SEC + 200000, GEN_FC_ASSOC_REQ);
	/* A flood as deauth-flood; the client keeps coming back. */
	if (s >= 5) {
		for (i = 0; i < 20; i++)
			disconnect(a, s * SEC + 10000 + (uint64_t)i * 49000,
			    GEN_FC_DEAUTH, cl_mac, ap_mac, ap_mac, 7);
		assoc_req(a, s * SEC + 995000, GEN_FC_REASSOC_REQ);
	}
}

static void
s_overpowered(struct atk *a, uint64_t s)
{
	/* A transmitter next to the antenna: -5 dBm, ten beacons a second. */
	uint64_t t;

	if (s < 5)
		return;
	for (t = s * SEC + 20000; t < (s + 1) * SEC; t += BEACON_US)
		beacon(a, t, rogue, "loud", 6, WPA2, 100, t, -5);
}

/* Elements of filler so that the next byte is the frame's at off. */
static void
pad_to(struct atk *a, size_t frame_start, size_t off, const uint8_t *tail,
    uint8_t tail_len)
{
	size_t r;
	uint8_t fill[255];

	memset(fill, 0x90, sizeof(fill));
	while ((r = frame_start + off - a->b.len) > 240) {
		gen_put_u8(&a->b, 221);
		gen_put_u8(&a->b, 200);
		gen_put_bytes(&a->b, fill, 200);
	}
	gen_put_u8(&a->b, 221);
	gen_put_u8(&a->b, (uint8_t)(r - 2 + tail_len));
	gen_put_bytes(&a->b, fill, r - 2);
	gen_put_bytes(&a->b, tail, tail_len);
}

static void
s_msf_netgear(struct atk *a, uint64_t s)
{
	/* The module's code bytes at 1180, in a 1188-byte beacon. */
	static const uint8_t code[8] = { 0x6a, 0x39, 0x58, 0x01, 0x90, 0x90,
	    0x90, 0x90 };
	size_t start;

	if (s < 5)
		return;
	begin(a, 6, -50);
	start = a->b.len;
	gen_hdr3(&a->b, GEN_FC_BEACON, 0, bcast, rogue, rogue, a->seq++);
	beacon_body(a, (const uint8_t *)"netgear", 7, 6, OPEN, 100, s * SEC,
	    false);
	pad_to(a, start, 1180, code, sizeof(code));
	end(a, s * SEC + 300000);
}

static void
s_bcom_11k(struct atk *a, uint64_t s)
{
	/* Neighbor Report Response: one report, channel 250. */
	static const uint8_t nr[18] = { 5, 5, 1, 52, 13, 0x02, 0x66, 0x66,
	    0x00, 0x00, 0x02, 0x8f, 0x00, 0x00, 0x00, 81, 250, 7 };

	if (s < 5)
		return;
	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_ACTION, 314, cl_mac, rogue, rogue, a->seq++);
	gen_put_bytes(&a->b, nr, sizeof(nr));
	end(a, s * SEC + 300000);
}

static void
s_qcom_extcap(struct atk *a, uint64_t s)
{
	uint8_t ext[64];

	if (s < 5)
		return;
	memset(ext, 0xff, sizeof(ext));
	odd_beacon(a, s * SEC + 300000, 127, ext, sizeof(ext));
}

static void
s_rtl8195(struct atk *a, uint64_t s)
{
	static const uint8_t kd[22] = { 0x30, 0x14, 0x01, 0x00, 0x00, 0x0f,
	    0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00,
	    0x0f, 0xac, 0x02, 0x00, 0x00 };
	struct gen_eapol_key k;
	uint8_t an[32];

	/* Message 1 from the rogue, its key data length 1024 for 22. */
	if (s < 5)
		return;
	memset(an, 0x77, sizeof(an));
	begin(a, 6, -45);
	gen_hdr3(&a->b, GEN_FC_DATA | GEN_FC_FROMDS, 44, cl_mac, rogue, rogue,
	    a->seq++);
	gen_llc(&a->b, 0x888e);
	memset(&k, 0, sizeof(k));
	k.desc = 2;
	k.info = 0x008a;
	k.key_len = 16;
	k.replay = s;
	k.nonce = an;
	k.data = kd;
	k.data_len = sizeof(kd);
	gen_eapol_key(&a->b, &a->rnd, &k);
	a->b.data[a->b.len - sizeof(kd) - 2] = 0x04;
	a->b.data[a->b.len - sizeof(kd) - 1] = 0x00;
	end(a, s * SEC + 300000);
}

static void
s_rtl_p2p(struct atk *a, uint64_t s)
{
	/* P2P element: a Notice of Absence attribute of five descriptors. */
	uint8_t p2p[4 + 3 + 2 + 5 * 13] = { 0x50, 0x6f, 0x9a, 0x09, 12,
	    2 + 5 * 13, 0x00, 0x01, 0x80 };

	if (s < 5)
		return;
	memset(p2p + 9, 0x41, sizeof(p2p) - 9);
	odd_beacon(a, s * SEC + 300000, 221, p2p, sizeof(p2p));
}

static void
s_handshake_capture(struct atk *a, uint64_t s)
{
	uint8_t an[32], sn[32];
	uint64_t t = s * SEC;
	int i;

	/* aireplay-ng --deauth 4 every five seconds; the client rejoins. */
	if (s < 5 || s % 5 != 0)
		return;
	for (i = 0; i < 4; i++)
		disconnect(a, t + 100000 + (uint64_t)i * 8000, GEN_FC_DEAUTH,
		    cl_mac, ap_mac, ap_mac, 7);
	assoc_req(a, t + 300000, GEN_FC_REASSOC_REQ);
	memset(an, (int)s, sizeof(an));
	memset(sn, (int)s + 1, sizeof(sn));
	eapol(a, t + 310000, 1, s, an);
	eapol(a, t + 320000, 2, s, sn);
	eapol(a, t + 330000, 3, s + 1, an);
	eapol(a, t + 340000, 4, s + 1, NULL);
}

static void
s_evil_twin_loud(struct atk *a, uint64_t s)
{
	uint64_t t;

	/* WPA2 like the site, on channel 11, 25 dB louder. */
	if (s < 10)
		return;
	for (t = s * SEC + 50000; t < (s + 1) * SEC; t += BEACON_US)
		beacon(a, t, rogue, home_ssid, 11, WPA2, 100, t, -20);
}

static void
s_rogue_caps(struct atk *a, uint64_t s)
{
	static const uint8_t ap2[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 };
	uint64_t t;

	/* As rogue-ap, at the site's interval but with 802.11h and k. */
	for (t = s * SEC + 30000; t < (s + 1) * SEC; t += BEACON_US)
		beacon(a, t, ap2, home_ssid, 11, WPA2, 100, 2000 * SEC + t,
		    -60);
	if (s < 10)
		return;
	a->capab_or = 0x1100;
	for (t = s * SEC + 60000; t < (s + 1) * SEC; t += BEACON_US)
		beacon(a, t, rogue, home_ssid, 1, WPA2, 100, t, -50);
	a->capab_or = 0;
}

static void
s_adhoc_conflict(struct atk *a, uint64_t s)
{
	/* The site's BSSID beaconed as an ad-hoc network (IBSS, privacy). */
	if (s < 5)
		return;
	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_BEACON, 0, bcast, rogue, ap_mac, a->seq++);
	gen_put_le64(&a->b, s * SEC);
	gen_put_le16(&a->b, 100);
	gen_put_le16(&a->b, 0x0412);
	gen_ie_ssid(&a->b, (const uint8_t *)home_ssid, strlen(home_ssid));
	gen_ie_rates(&a->b, true);
	gen_ie_ds(&a->b, 6);
	gen_put_u8(&a->b, 6);		/* IBSS Parameter Set: ATIM window */
	gen_put_u8(&a->b, 2);
	gen_put_le16(&a->b, 0);
	gen_ie_rsn(&a->b, GEN_SEC_WPA2_PSK, GEN_AKM_NONE);
	end(a, s * SEC + 300000);
}

static void
s_wmm_tspec(struct atk *a, uint64_t s)
{
	/* An association response carrying eight WMM TSPEC elements. */
	uint8_t ts[61] = { 0x00, 0x50, 0xf2, 0x02, 0x02, 0x01 };
	int i;

	if (s < 5)
		return;
	memset(ts + 6, 0x41, sizeof(ts) - 6);
	begin(a, 6, -50);
	gen_hdr3(&a->b, GEN_FC_ASSOC_RESP, 314, cl_mac, rogue, rogue,
	    a->seq++);
	gen_put_le16(&a->b, 0x0411);
	gen_put_le16(&a->b, 0);		/* success */
	gen_put_le16(&a->b, 0xc001);	/* AID 1 */
	gen_ie_rates(&a->b, true);
	for (i = 0; i < 8; i++) {
		gen_put_u8(&a->b, 221);
		gen_put_u8(&a->b, sizeof(ts));
		gen_put_bytes(&a->b, ts, sizeof(ts));
	}
	end(a, s * SEC + 300000);
}

static void
s_bad_fixlen(struct atk *a, uint64_t s)
{
	/* An HT Capabilities element of 64 bytes (26 is its length). */
	uint8_t ht[64];

	if (s < 5)
		return;
	memset(ht, 0x41, sizeof(ht));
	odd_beacon(a, s * SEC + 300000, 45, ht, sizeof(ht));
}

/* An EAPOL-Key frame from the rogue to the client. */
static void
rogue_key(struct atk *a, uint64_t t, uint8_t desc, uint16_t info,
    uint16_t key_len, const uint8_t *data, size_t data_len)
{
	struct gen_eapol_key k;
	uint8_t an[32];

	memset(an, 0x66, sizeof(an));
	begin(a, 6, -45);
	gen_hdr3(&a->b, GEN_FC_DATA | GEN_FC_FROMDS, 44, cl_mac, rogue, rogue,
	    a->seq++);
	gen_llc(&a->b, 0x888e);
	memset(&k, 0, sizeof(k));
	k.desc = desc;
	k.info = info;
	k.key_len = key_len;
	k.replay = t / SEC;
	k.nonce = an;
	k.mic = true;
	k.data = data;
	k.data_len = data_len;
	gen_eapol_key(&a->b, &a->rnd, &k);
	end(a, t);
}

static void
s_vdoo_27301(struct atk *a, uint64_t s)
{
	uint8_t kd[13];

	/* Message 3 (AES, encrypted key data) with 13 bytes of key data. */
	if (s < 5)
		return;
	memset(kd, 0x41, sizeof(kd));
	rogue_key(a, s * SEC + 300000, 2, 0x13ca, 16, kd, sizeof(kd));
}

static void
s_vdoo_27302(struct atk *a, uint64_t s)
{
	uint8_t kd[200];

	/* A WPA (TKIP) group key message with 200 bytes of key data. */
	if (s < 5)
		return;
	memset(kd, 0x41, sizeof(kd));
	rogue_key(a, s * SEC + 300000, 254, 0x0381, 32, kd, sizeof(kd));
}

static void
s_none(struct atk *a, uint64_t s)
{
}

static const struct {
	const char	*name;
	step_fn		 fn;
} scenarios[] = {
	{ "none", s_none },
	{ "deauth-flood", s_deauth_flood },
	{ "bcast-disconnect", s_bcast },
	{ "bad-reason", s_bad_reason },
	{ "beacon-flood", s_beacon_flood },
	{ "karma", s_karma },
	{ "evil-twin", s_evil_twin },
	{ "rogue-ap", s_rogue_ap },
	{ "crypto-drop", s_crypto_drop },
	{ "chan-change", s_chan_change },
	{ "beacon-rate", s_beacon_rate },
	{ "bss-timestamp", s_bss_timestamp },
	{ "long-ssid", s_long_ssid },
	{ "null-probe-resp", s_null_probe_resp },
	{ "airjack", s_airjack },
	{ "netstumbler", s_netstumbler },
	{ "lucent-test", s_lucent },
	{ "malformed", s_malformed },
	{ "nonce-degrade", s_nonce_degrade },
	{ "krack", s_krack },
	{ "wps-brute", s_wps_brute },
	{ "pmkid", s_pmkid },
	{ "format-string", s_format_string },
	{ "canary", s_canary },
	{ "disassoc-traffic", s_disassoc_traffic },
	{ "msf-bcom", s_msf_bcom },
	{ "dlink-rates", s_dlink_rates },
	{ "bad-country", s_bad_country },
	{ "wmm-overflow", s_wmm_overflow },
	{ "rsn-loop", s_rsn_loop },
	{ "probe-chan", s_probe_chan },
	{ "no-client-mfp", s_no_client_mfp },
	{ "overpowered", s_overpowered },
	{ "msf-netgear", s_msf_netgear },
	{ "bcom-11k", s_bcom_11k },
	{ "qcom-extcap", s_qcom_extcap },
	{ "rtl8195", s_rtl8195 },
	{ "rtl-p2p", s_rtl_p2p },
	{ "handshake-capture", s_handshake_capture },
	{ "evil-twin-loud", s_evil_twin_loud },
	{ "rogue-caps", s_rogue_caps },
	{ "adhoc-conflict", s_adhoc_conflict },
	{ "wmm-tspec", s_wmm_tspec },
	{ "bad-fixlen", s_bad_fixlen },
	{ "vdoo-27301", s_vdoo_27301 },
	{ "vdoo-27302", s_vdoo_27302 },
};

void
gen_attack_list(FILE *fp)
{
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(fp, "%s\n", scenarios[i].name);
}

long
gen_attack(struct gen_out *out, const char *name, uint64_t seconds,
    uint64_t epoch_us, uint64_t seed)
{
	struct atk *a;
	size_t i;
	long n;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(scenarios[i].name, name) == 0)
			break;
	if (i == sizeof(scenarios) / sizeof(scenarios[0]))
		return -ENOENT;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -ENOMEM;
	a->out = out;
	a->epoch = epoch_us;
	a->end = seconds * SEC;
	gen_rand_seed(&a->rnd, seed);
	run(a, scenarios[i].fn);
	n = a->err != 0 ? a->err : a->frames;
	free(a);
	return n;
}
