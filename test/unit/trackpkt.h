/* SPDX-License-Identifier: ISC */
/*
 * \summary: hand-built decoded packets for the tracker tests
 *
 * The tracker's input is a struct packet as the decoders fill it; these
 * helpers fill one the same way for a given frame kind.  Each packet also
 * gets frame bytes (what deduplication hashes): a header made of its
 * addresses plus a per-packet serial, unless the test supplies its own.
 */
#ifndef TEST_TRACKPKT_H
#define TEST_TRACKPKT_H

#include <stdint.h>
#include <string.h>

#include "packet.h"

struct tpkt {
	struct packet	 p;
	uint8_t		 frame[64];
};

static uint32_t tpkt_serial;

static inline void
tpkt_frame(struct tpkt *t)
{
	uint32_t s = ++tpkt_serial;

	memset(t->frame, 0, sizeof(t->frame));
	memcpy(t->frame, &t->p.dot11.fc, 2);
	memcpy(t->frame + 4, t->p.dot11.addr, 24);
	memcpy(t->frame + 28, &s, 4);
	t->p.frame = t->frame;
	t->p.frame_len = 32;
}

/* The common part: time, source, signal (0 = none), channel. */
static inline void
tpkt_init(struct tpkt *t, uint8_t type, uint8_t subtype, uint64_t ts_sec,
    uint32_t source, int signal, uint16_t chan)
{
	memset(t, 0, sizeof(*t));
	t->p.source = source;
	t->p.ts_sec = ts_sec;
	t->p.dlt = PACKET_DLT_RADIOTAP;
	t->p.dot11.type = type;
	t->p.dot11.subtype = subtype;
	t->p.dot11.fc = (uint16_t)(type << 2 | subtype << 4);
	if (signal != 0) {
		t->p.radio.has |= RADIO_HAS_SIGNAL;
		t->p.radio.signal_dbm = (int16_t)signal;
	}
	if (chan != 0) {
		t->p.radio.has |= RADIO_HAS_FREQ | RADIO_HAS_CHANNEL;
		t->p.radio.channel = chan;
		t->p.radio.freq_mhz = (uint16_t)(chan == 14 ? 2484 :
		    chan < 14 ? 2407 + 5 * chan : 5000 + 5 * chan);
	}
}

/* Addresses of a management frame: addr1 DA, addr2 SA/TA, addr3 BSSID. */
static inline void
tpkt_mgmt_addrs(struct tpkt *t, const uint8_t da[6], const uint8_t sa[6],
    const uint8_t bssid[6])
{
	struct packet_dot11 *h = &t->p.dot11;

	h->n_addr = 3;
	memcpy(h->addr[0], da, 6);
	memcpy(h->addr[1], sa, 6);
	memcpy(h->addr[2], bssid, 6);
	memcpy(h->ra, da, 6);
	memcpy(h->dst, da, 6);
	memcpy(h->src, sa, 6);
	memcpy(h->ta, sa, 6);
	memcpy(h->bssid, bssid, 6);
	h->has_dst = h->has_src = h->has_ta = h->has_bssid = true;
}

static const uint8_t tpkt_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A beacon (or probe response) from bssid advertising ssid. */
static inline void
tpkt_beacon(struct tpkt *t, uint8_t subtype, const uint8_t bssid[6],
    const char *ssid, uint32_t crypt, uint8_t ds_chan, uint64_t ts,
    uint32_t source, int signal)
{
	struct dot11_ies *ies = &t->p.dot11.ies;

	tpkt_init(t, DOT11_TYPE_MGMT, subtype, ts, source, signal, ds_chan);
	tpkt_mgmt_addrs(t, tpkt_bcast, bssid, bssid);
	t->p.dot11.capability = 0x0001;	/* ESS */
	t->p.dot11.beacon_interval = 100;
	if (crypt != 0)
		t->p.dot11.capability |= 0x0010;
	ies->has_ssid = true;
	ies->ssid_len = (uint8_t)strlen(ssid);
	ies->ssid = (const uint8_t *)ssid;
	ies->ssid_cloaked = ies->ssid_len == 0;
	ies->ds_channel = ds_chan;
	ies->crypt = crypt;
	tpkt_frame(t);
}

static inline void
tpkt_probe_req(struct tpkt *t, const uint8_t sta[6], const char *ssid,
    uint64_t ts, uint32_t source, int signal)
{
	struct dot11_ies *ies = &t->p.dot11.ies;

	tpkt_init(t, DOT11_TYPE_MGMT, DOT11_MGMT_PROBE_REQ, ts, source,
	    signal, 6);
	tpkt_mgmt_addrs(t, tpkt_bcast, sta, tpkt_bcast);
	ies->has_ssid = true;
	ies->ssid_len = (uint8_t)strlen(ssid);
	ies->ssid = (const uint8_t *)ssid;
	tpkt_frame(t);
}

/*
 * A data frame.  tods/fromds pick the address layout (IEEE 802.11-2020
 * Table 9-30): a1..a4 are the four address fields as sent.
 */
static inline void
tpkt_data(struct tpkt *t, bool tods, bool fromds, const uint8_t a1[6],
    const uint8_t a2[6], const uint8_t a3[6], const uint8_t *a4,
    size_t body, uint64_t ts, uint32_t source, int signal)
{
	struct packet_dot11 *h = &t->p.dot11;

	tpkt_init(t, DOT11_TYPE_DATA, 0, ts, source, signal, 6);
	h->tods = tods;
	h->fromds = fromds;
	h->fc |= (uint16_t)((tods ? 0x0100 : 0) | (fromds ? 0x0200 : 0));
	h->n_addr = a4 != NULL ? 4 : 3;
	memcpy(h->addr[0], a1, 6);
	memcpy(h->addr[1], a2, 6);
	memcpy(h->addr[2], a3, 6);
	if (a4 != NULL)
		memcpy(h->addr[3], a4, 6);
	memcpy(h->ra, a1, 6);
	memcpy(h->ta, a2, 6);
	h->has_ta = true;
	if (!tods && !fromds) {
		memcpy(h->dst, a1, 6);
		memcpy(h->src, a2, 6);
		memcpy(h->bssid, a3, 6);
		h->has_bssid = true;
	} else if (tods && !fromds) {
		memcpy(h->bssid, a1, 6);
		memcpy(h->src, a2, 6);
		memcpy(h->dst, a3, 6);
		h->has_bssid = true;
	} else if (!tods && fromds) {
		memcpy(h->dst, a1, 6);
		memcpy(h->bssid, a2, 6);
		memcpy(h->src, a3, 6);
		h->has_bssid = true;
	} else {
		memcpy(h->dst, a3, 6);
		memcpy(h->src, a4, 6);
	}
	h->has_src = h->has_dst = true;
	h->body_len = body;
	tpkt_frame(t);
}

#endif
