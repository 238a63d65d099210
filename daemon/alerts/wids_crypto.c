/* SPDX-License-Identifier: ISC */
/*
 * \summary: checks on encryption: what beacons offer, WPA handshakes, WPS
 *
 * Beacons: the crypt bits the element decoder read (RSN, WPA, WPS) and
 * the privacy bit.  Handshakes: the EAPOL-Key fields the EAPOL decoder
 * read (message number, replay counter, nonce).  WPS runs over EAP,
 * which no decoder reads: its few header bytes are read here, once.
 */

#include <string.h>

#include "cursor.h"
#include "device.h"
#include "wids_int.h"

#define WIDS_CRYPT_GEN	(DOT11_CRYPT_WEP | DOT11_CRYPT_WPA | \
			    DOT11_CRYPT_WPA2 | DOT11_CRYPT_WPA3 | \
			    DOT11_CRYPT_OWE)
#define WIDS_CRYPT_SUITES (DOT11_CRYPT_TKIP | DOT11_CRYPT_CCMP | \
			    DOT11_CRYPT_GCMP | DOT11_CRYPT_PSK | \
			    DOT11_CRYPT_8021X | DOT11_CRYPT_SAE)

/* WPS over EAP (Wi-Fi Simple Configuration): expanded type, WFA. */
#define EAP_TYPE_EXPANDED	254
#define WSC_VENDOR_ID		0x00372a
#define WSC_VENDOR_TYPE		1
#define WSC_OP_MSG		4
#define WSC_ATTR_MSG_TYPE	0x1022
#define WSC_MSG_M4		0x08
/* EAPOL-Key Key Information bits (802.11-2020 Figure 12-33). */
#define KI_VERSION		0x0007
#define KI_PAIRWISE		0x0008
#define KI_ACK			0x0080
#define KI_ENCRYPTED		0x1000

/*
 * How protected: 0 open, 1 WEP or OWE, 2 WPA, 3 WPA2 (or WPA3 that still
 * takes PSK), 4 WPA3 without PSK.  OWE encrypts but authenticates no
 * one: anybody may offer an OWE network by any name, so an open copy of
 * one takes nothing an attacker did not have (a guest network open on
 * old access points and OWE on new ones is common).
 */
uint8_t
wids_crypt_level(uint32_t c)
{
	if ((c & DOT11_CRYPT_WPA3) && !(c & DOT11_CRYPT_PSK))
		return 4;
	if (c & (DOT11_CRYPT_WPA2 | DOT11_CRYPT_WPA3))
		return 3;
	if (c & DOT11_CRYPT_WPA)
		return 2;
	if (c & (DOT11_CRYPT_WEP | DOT11_CRYPT_OWE))
		return 1;
	return 0;
}

/* CRYPTODROP and ADVCRYPTCHANGE: the same AP, the same SSID. */
void
wids_crypto_beacon(struct wids *w, const struct packet *p,
    const struct wids_sta *ap, uint32_t crypt)
{
	const uint8_t *m = p->dot11.ta;
	uint8_t was = wids_crypt_level(ap->crypt), now;

	now = wids_crypt_level(crypt);
	if (now < was)
		wids_raise(w, WA_CRYPTODROP, p, m, m, p->dot11.ra, NULL, m,
		    "Access point %02X:%02X:%02X:%02X:%02X:%02X dropped from "
		    "%s to %s", m[0], m[1], m[2], m[3], m[4], m[5],
		    device_crypt_str(ap->crypt), device_crypt_str(crypt));
	else if (now == was && now >= 2 &&
	    ((crypt ^ ap->crypt) & (WIDS_CRYPT_GEN | WIDS_CRYPT_SUITES)) != 0)
		wids_raise(w, WA_ADVCRYPTCHANGE, p, m, m, p->dot11.ra, NULL, m,
		    "Access point %02X:%02X:%02X:%02X:%02X:%02X changed what "
		    "it offers from %s (0x%x) to %s (0x%x)", m[0], m[1], m[2],
		    m[3], m[4], m[5], device_crypt_str(ap->crypt), ap->crypt,
		    device_crypt_str(crypt), crypt);
}

static bool
wids_zero(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return false;
	return true;
}

/* The WSC message type of an EAP-WSC frame's body, or 0. */
static uint8_t
wids_wsc_msg(const struct packet_dot11 *h)
{
	struct cursor c;
	uint32_t vendor, vtype;
	uint16_t type, len;
	uint8_t eapol_type, code, eap_type, op, v, b[3];
	const uint8_t *vb;

	if (h->body == NULL || h->body_len < 8)
		return 0;
	/* LLC/SNAP (8), EAPOL header (4), EAP header (4), type. */
	cur_init(&c, h->body + 8, h->body_len - 8);
	if (cur_skip(&c, 1) != 0 || cur_get_u8(&c, &eapol_type) != 0 ||
	    eapol_type != 0 || cur_skip(&c, 2) != 0 ||
	    cur_get_u8(&c, &code) != 0 || (code != 1 && code != 2) ||
	    cur_skip(&c, 3) != 0 || cur_get_u8(&c, &eap_type) != 0 ||
	    eap_type != EAP_TYPE_EXPANDED || cur_get_bytes(&c, 3, &vb) != 0)
		return 0;
	memcpy(b, vb, 3);
	vendor = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	if (vendor != WSC_VENDOR_ID || cur_get_be32(&c, &vtype) != 0 ||
	    vtype != WSC_VENDOR_TYPE || cur_get_u8(&c, &op) != 0 ||
	    op != WSC_OP_MSG || cur_skip(&c, 1) != 0)
		return 0;
	while (cur_get_be16(&c, &type) == 0 && cur_get_be16(&c, &len) == 0) {
		if (type == WSC_ATTR_MSG_TYPE)
			return len == 1 && cur_get_u8(&c, &v) == 0 ? v : 0;
		if (cur_skip(&c, len) != 0)
			break;
	}
	return 0;
}

/* WPSBRUTE: PIN attempts (M4 from the registrar) against one AP. */
static void
wids_wps(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	struct wids_sta *ap;

	if (!h->has_bssid || !h->tods || wids_wsc_msg(h) != WSC_MSG_M4)
		return;
	ap = wids_sta(w, h->bssid, true);
	if (now - ap->wps_start > 300.0 || now < ap->wps_start) {
		ap->wps_start = now;
		ap->wps_n = 0;
	}
	if (++ap->wps_n == WIDS_WPSBRUTE_MIN)
		wids_raise(w, WA_WPSBRUTE, p, h->bssid, h->ta, h->bssid, NULL,
		    h->bssid, "%d WPS PIN attempts (M4) from %02X:%02X:%02X:"
		    "%02X:%02X:%02X against %02X:%02X:%02X:%02X:%02X:%02X in "
		    "five minutes", WIDS_WPSBRUTE_MIN, h->ta[0], h->ta[1],
		    h->ta[2], h->ta[3], h->ta[4], h->ta[5], h->bssid[0],
		    h->bssid[1], h->bssid[2], h->bssid[3], h->bssid[4],
		    h->bssid[5]);
}

/*
 * PMKIDHARVEST: message 1 (which carries the PMKID) from several access
 * points to one station that answers none with message 2.
 */
static void
wids_pmkid(struct wids *w, const struct packet *p, struct wids_sta *s,
    const uint8_t *ap, const uint8_t *client, double now)
{
	uint32_t h = wids_hash(ap, 6);
	uint8_t i;

	if (now - s->pmkid_start > 60.0 || now < s->pmkid_start) {
		s->pmkid_start = now;
		s->n_pmkid = 0;
		s->pmkid_raised = false;
	}
	for (i = 0; i < s->n_pmkid; i++)
		if (s->pmkid_ap[i] == h)
			break;
	if (p->dot11.eapol.msg == 2) {
		/* Answered: that access point's handshake is a real one. */
		if (i < s->n_pmkid)
			s->pmkid_ap[i] = s->pmkid_ap[--s->n_pmkid];
		return;
	}
	if (i < s->n_pmkid || s->n_pmkid == WIDS_PMKID_APS)
		return;
	s->pmkid_ap[s->n_pmkid++] = h;
	if (s->n_pmkid >= WIDS_PMKID_MIN && !s->pmkid_raised) {
		s->pmkid_raised = true;
		wids_raise(w, WA_PMKIDHARVEST, p, ap, client, ap, NULL, client,
		    "Station %02X:%02X:%02X:%02X:%02X:%02X took handshake "
		    "message 1 from %d access points within a minute and "
		    "answered none", client[0], client[1], client[2],
		    client[3], client[4], client[5], s->n_pmkid);
	}
}

void
wids_crypto_eapol(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	const struct dot11_eapol *e = &h->eapol;
	const uint8_t *ap, *client;
	struct wids_sta *s;

	if (e->msg == 0) {
		wids_wps(w, p, now);
		return;
	}
	if (!h->has_bssid || !h->has_ta)
		return;
	ap = h->bssid;
	client = h->fromds ? h->ra : h->ta;
	if ((client[0] & 1) != 0)
		return;
	if ((e->msg == 1 || e->msg == 3) && e->nonce != NULL &&
	    wids_zero(e->nonce, 32))
		wids_raise(w, WA_NONCEDEGRADE, p, ap, h->ta, h->ra, NULL, ap,
		    "Handshake message %u from %02X:%02X:%02X:%02X:%02X:%02X "
		    "carries an all-zero nonce", e->msg, ap[0], ap[1], ap[2],
		    ap[3], ap[4], ap[5]);
	s = wids_sta(w, client, true);
	if (e->msg == 1 || e->msg == 2) {
		wids_pmkid(w, p, s, ap, client, now);
		wids_capture_rejoin(w, p, now, ap, client);
	}
	switch (e->msg) {
	case 1:
		s->has_anonce = false;
		s->m4_seen = false;
		break;
	case 3:
		if (e->nonce == NULL)
			break;
		if (s->has_anonce && s->m4_seen &&
		    memcmp(s->anonce, e->nonce, 32) == 0 &&
		    e->replay > s->anonce_replay)
			wids_raise(w, WA_NONCEREUSE, p, ap, h->ta, h->ra, NULL,
			    ap, "Handshake message 3 to %02X:%02X:%02X:%02X:"
			    "%02X:%02X sent again with the same nonce after "
			    "the client had answered it (message 4)",
			    client[0], client[1], client[2], client[3],
			    client[4], client[5]);
		memcpy(s->anonce, e->nonce, 32);
		s->anonce_replay = e->replay;
		s->has_anonce = true;
		s->m4_seen = false;
		break;
	case 4:
		s->m4_seen = s->has_anonce;
		break;
	default:
		break;
	}
}

/*
 * VDOO202027301 and VDOO202027302: Realtek's RTL8710C SDK overflowed
 * its stack on key data it decrypted without checking the length.
 * 27301: AES-wrapped key data (key descriptor version 2 or 3, Encrypted
 * Key Data set) that is no wrapped key: under 24 bytes (a 16-byte key
 * and the 8-byte check value) or not whole 8-byte blocks, so that an
 * unwrap loop counts its blocks wrong.  27302: a WPA (not RSN) group
 * key message whose key data is over 32 bytes: it carries the bare
 * group key, 32 bytes for TKIP and 16 (24 wrapped) for CCMP.
 */
static void
wids_eapol_vdoo(struct wids *w, const struct packet *p, size_t len)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *m = h->ta;
	uint16_t ki = h->eapol.key_info, ver = ki & KI_VERSION;

	if (h->eapol.desc == DOT11_EAPOL_DESC_RSN && (ki & KI_ENCRYPTED) &&
	    (ver == 2 || ver == 3) && (len < 24 || len % 8 != 0))
		wids_raise(w, WA_VDOO202027301, p, h->has_bssid ? h->bssid :
		    NULL, m, h->ra, NULL, m, "EAPOL-Key frame from %02X:%02X:"
		    "%02X:%02X:%02X:%02X to %02X:%02X:%02X:%02X:%02X:%02X with "
		    "%zu bytes of AES-wrapped key data (24 or more, in 8-byte "
		    "blocks)", m[0], m[1], m[2], m[3], m[4], m[5], h->ra[0],
		    h->ra[1], h->ra[2], h->ra[3], h->ra[4], h->ra[5], len);
	if (h->eapol.desc == DOT11_EAPOL_DESC_WPA && (ki & KI_ACK) &&
	    (ki & KI_PAIRWISE) == 0 && len > 32)
		wids_raise(w, WA_VDOO202027302, p, h->has_bssid ? h->bssid :
		    NULL, m, h->ra, NULL, m, "WPA group key message from %02X:"
		    "%02X:%02X:%02X:%02X:%02X to %02X:%02X:%02X:%02X:%02X:%02X "
		    "with %zu bytes of key data (a group key is 32 at most)",
		    m[0], m[1], m[2], m[3], m[4], m[5], h->ra[0], h->ra[1],
		    h->ra[2], h->ra[3], h->ra[4], h->ra[5], len);
}

/*
 * RTL8195VD1406: an EAPOL-Key frame whose Key Data Length claims more
 * than the frame holds.  No decoder keeps that field: after the LLC
 * header (8), the EAPOL header (4) and the key descriptor up to the MIC
 * (77), the MIC (16, or 24 with the Suite B 192-bit key management),
 * then the length (2).  Raised when both MIC sizes read a length past
 * the end, and the capture did not cut the frame.
 */
void
wids_eapol_keydata(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *b = h->body, *m = h->ta;
	size_t n = h->body_len, mic, off, len = 0;

	if (b == NULL || h->truncated || !h->has_ta ||
	    n < 8 + 4 + 77 + 16 + 2 || b[6] != 0x88 || b[7] != 0x8e)
		return;
	for (mic = 16; mic <= 24; mic += 8) {
		off = 8 + 4 + 77 + mic;
		if (off + 2 > n)
			continue;
		len = (size_t)b[off] << 8 | b[off + 1];
		if (off + 2 + len <= n) {
			if (mic == 16)
				wids_eapol_vdoo(w, p, len);
			return;
		}
	}
	len = (size_t)b[8 + 4 + 77 + 16] << 8 | b[8 + 4 + 77 + 17];
	wids_raise(w, WA_RTL8195VD1406, p, h->has_bssid ? h->bssid : NULL, m,
	    h->ra, NULL, m, "EAPOL-Key frame from %02X:%02X:%02X:%02X:%02X:%02X "
	    "claims %zu bytes of key data, %zu follow", m[0], m[1], m[2], m[3],
	    m[4], m[5], len, n - (8 + 4 + 77 + 16 + 2));
}
