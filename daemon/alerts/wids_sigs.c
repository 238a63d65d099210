/* SPDX-License-Identifier: ISC */
/*
 * \summary: signatures: the SSIDs, OUIs and payloads of known tools and
 * exploits
 *
 * SSID checks read the SSID element the decoder found (its bytes, and
 * its length as sent, which may be over 32); the NetStumbler and Lucent
 * checks read the first bytes of a data frame's LLC payload, which no
 * decoder keeps.
 */

#include <string.h>

#include "wids_int.h"

static const uint8_t oui_karma[3] = { 0x00, 0x13, 0x37 };
/* The bytes Metasploit's Netgear WG111 beacon carries at 1180 (Kismet). */
static const uint8_t msf_netgear[4] = { 0x6a, 0x39, 0x58, 0x01 };

#define NETGEAR_OFF		1180
/* Radio Measurement action, Neighbor Report Response (802.11-2020). */
#define ACTION_CAT_RM		5
#define ACTION_RM_NR_RESP	5
#define IE_NEIGHBOR_REPORT	52
/* No band numbers a channel above this (6 GHz ends at 233). */
#define CHANNEL_MAX		233
/* Longer than any Extended Capabilities 802.11-2020 and 11ax define. */
#define EXTCAP_MAX		16
/* rtlwifi keeps two Notice of Absence descriptors of 13 bytes. */
#define NOA_MAX			(2 + 2 * 13)
static const uint8_t llc_lucent[8] = { 0xaa, 0xaa, 0x03, 0x00, 0x60, 0x1d,
    0x00, 0x01 };

/* NetStumbler's payloads (versions 3.2, 3.22 and 3.23). */
static const char *const stumbler_text[] = {
	"Flurble gronk bloopit, bnip Frundletrune",
	"All your 802.11b are belong to us",
	"intentionally blank",
};

static bool
wids_has(const uint8_t *p, size_t n, const char *s)
{
	size_t l = strlen(s), i;

	for (i = 0; i + l <= n; i++)
		if (memcmp(p + i, s, l) == 0)
			return true;
	return false;
}

/* printf conversions that read or write memory: %n, or many %s/%x/%p. */
static bool
wids_format(const uint8_t *s, uint8_t len)
{
	unsigned n = 0;
	uint8_t i;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '%')
			continue;
		if (s[i + 1] == 'n')
			return true;
		if (s[i + 1] == 's' || s[i + 1] == 'x' || s[i + 1] == 'p')
			n++;
	}
	return n >= 3;
}

static const char *
wids_fixed_name(uint8_t id)
{
	switch (id) {
	case 3:
		return "DS Parameter Set, 1";
	case 6:
		return "IBSS Parameter Set, 2";
	case 45:
		return "HT Capabilities, 26";
	case 61:
		return "HT Operation, 22";
	case 191:
		return "VHT Capabilities, 12";
	case 192:
		return "VHT Operation, 5";
	default:
		return "?";
	}
}

void
wids_sigs_mgmt(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;
	const struct dot11_ies *ies = &h->ies;
	const uint8_t *m = h->ta;
	bool ap;
	char ssid[4 * 32 + 1];
	size_t i;

	if (h->has_ta && ies->has_badfix)
		wids_raise(w, WA_BADFIXLENIE, p, h->has_bssid ? h->bssid :
		    NULL, m, h->ra, NULL, m, "Frame from %02X:%02X:%02X:%02X:"
		    "%02X:%02X with element %u of %u bytes; its length is fixed "
		    "(%s)", m[0], m[1], m[2], m[3], m[4], m[5], ies->badfix_id,
		    ies->badfix_len, wids_fixed_name(ies->badfix_id));
	/* Kismet looks at association responses only; so does osprey. */
	if (h->has_ta && ies->wmm_tspec_n > WIDS_WMMTSPEC_MAX &&
	    (h->subtype == DOT11_MGMT_ASSOC_RESP ||
	    h->subtype == DOT11_MGMT_REASSOC_RESP))
		wids_raise(w, WA_WMMTSPEC, p, h->has_bssid ? h->bssid : NULL,
		    m, h->ra, NULL, m, "Association response from %02X:%02X:"
		    "%02X:%02X:%02X:%02X to %02X:%02X:%02X:%02X:%02X:%02X with "
		    "%u WMM TSPEC elements (%d at most)", m[0], m[1], m[2],
		    m[3], m[4], m[5], h->ra[0], h->ra[1], h->ra[2], h->ra[3],
		    h->ra[4], h->ra[5], ies->wmm_tspec_n, WIDS_WMMTSPEC_MAX);
	if (!h->has_ta || (h->subtype != DOT11_MGMT_BEACON &&
	    h->subtype != DOT11_MGMT_PROBE_RESP &&
	    h->subtype != DOT11_MGMT_PROBE_REQ))
		return;
	ap = h->subtype != DOT11_MGMT_PROBE_REQ;
	if (ies->has_ssid_ie && ies->ssid_ie_len > 32)
		wids_raise(w, WA_LONGSSID, p, ap ? m : NULL, m, h->ra, NULL, m,
		    "%s from %02X:%02X:%02X:%02X:%02X:%02X with an SSID "
		    "element of %u bytes (at most 32 are allowed)",
		    ap ? "Beacon or probe response" : "Probe request", m[0],
		    m[1], m[2], m[3], m[4], m[5], ies->ssid_ie_len);
	if (h->subtype == DOT11_MGMT_PROBE_RESP && ies->has_ssid_ie &&
	    ies->ssid_ie_len > 32)
		wids_raise(w, WA_MSFBCOMSSID, p, m, m, h->ra, NULL, m,
		    "Probe response from %02X:%02X:%02X:%02X:%02X:%02X to "
		    "%02X:%02X:%02X:%02X:%02X:%02X with an SSID element of %u "
		    "bytes", m[0], m[1], m[2], m[3], m[4], m[5], h->ra[0],
		    h->ra[1], h->ra[2], h->ra[3], h->ra[4], h->ra[5],
		    ies->ssid_ie_len);
	if (ies->rates_ie_len > 8)
		wids_raise(w, WA_MSFDLINKRATE, p, ap ? m : NULL, m, h->ra,
		    NULL, m, "Frame from %02X:%02X:%02X:%02X:%02X:%02X with a "
		    "Supported Rates element of %u bytes (8 at most)", m[0],
		    m[1], m[2], m[3], m[4], m[5], ies->rates_ie_len);
	/* Country string (3), triplets (3 each), a pad byte to even. */
	if (ap && ies->country_ie_len != 0 && (ies->country_ie_len < 6 ||
	    ((ies->country_ie_len - 3) % 3 != 0 &&
	    (ies->country_ie_len - 4) % 3 != 0)))
		wids_raise(w, WA_DOT11D, p, m, m, h->ra, NULL, m,
		    "Access point %02X:%02X:%02X:%02X:%02X:%02X sent a Country "
		    "element of %u bytes, not whole channel triplets", m[0],
		    m[1], m[2], m[3], m[4], m[5], ies->country_ie_len);
	if (ies->wmm_ie_len > 24)
		wids_raise(w, WA_WMMOVERFLOW, p, ap ? m : NULL, m, h->ra, NULL,
		    m, "Frame from %02X:%02X:%02X:%02X:%02X:%02X with a WMM "
		    "element of %u bytes (24 at most)", m[0], m[1], m[2], m[3],
		    m[4], m[5], ies->wmm_ie_len);
	if (ies->rsn_pairwise > 8)
		wids_raise(w, WA_RSNLOOP, p, ap ? m : NULL, m, h->ra, NULL, m,
		    "Frame from %02X:%02X:%02X:%02X:%02X:%02X with an RSN "
		    "element claiming %u pairwise ciphers", m[0], m[1], m[2],
		    m[3], m[4], m[5], ies->rsn_pairwise);
	if (ap && memcmp(m, oui_karma, 3) == 0)
		wids_raise(w, WA_KARMAOUI, p, m, m, h->ra, NULL, m,
		    "Access point %02X:%02X:%02X:%02X:%02X:%02X has the OUI "
		    "00:13:37 of the Karma tools", m[0], m[1], m[2], m[3],
		    m[4], m[5]);
	if (ies->extcap_ie_len > EXTCAP_MAX)
		wids_raise(w, WA_QCOMEXTENDED, p, ap ? m : NULL, m, h->ra, NULL,
		    m, "Frame from %02X:%02X:%02X:%02X:%02X:%02X with an "
		    "Extended Capabilities element of %u bytes (%d at most)",
		    m[0], m[1], m[2], m[3], m[4], m[5], ies->extcap_ie_len,
		    EXTCAP_MAX);
	if (ies->p2p_noa_len > NOA_MAX ||
	    (ies->p2p_noa_len != 0 && (ies->p2p_noa_len - 2) % 13 != 0))
		wids_raise(w, WA_RTLWIFIP2P, p, ap ? m : NULL, m, h->ra, NULL,
		    m, "Frame from %02X:%02X:%02X:%02X:%02X:%02X with a Wi-Fi "
		    "Direct Notice of Absence attribute of %u bytes (2 + 13 "
		    "per descriptor, 2 descriptors at most)", m[0], m[1], m[2],
		    m[3], m[4], m[5], ies->p2p_noa_len);
	if (h->subtype == DOT11_MGMT_BEACON && p->frame != NULL &&
	    p->frame_len >= NETGEAR_OFF + sizeof(msf_netgear) &&
	    memcmp(p->frame + NETGEAR_OFF, msf_netgear,
	    sizeof(msf_netgear)) == 0)
		wids_raise(w, WA_MSFNETGEARBEACON, p, m, m, h->ra, NULL, m,
		    "Beacon of %zu bytes from %02X:%02X:%02X:%02X:%02X:%02X "
		    "carrying Metasploit's Netgear driver exploit",
		    p->frame_len, m[0], m[1], m[2], m[3], m[4], m[5]);
	if (!ies->has_ssid || ies->ssid_len == 0)
		return;
	if (ap && ies->ssid_len == 7 && memcmp(ies->ssid, "AirJack", 7) == 0)
		wids_raise(w, WA_AIRJACKSSID, p, m, m, h->ra, NULL, m,
		    "Access point %02X:%02X:%02X:%02X:%02X:%02X beacons the "
		    "SSID 'AirJack'", m[0], m[1], m[2], m[3], m[4], m[5]);
	if (wids_format(ies->ssid, ies->ssid_len)) {
		wids_ssid_str(ies->ssid, ies->ssid_len, ssid, sizeof(ssid));
		wids_raise(w, WA_FORMATSTRING, p, ap ? m : NULL, m, h->ra,
		    NULL, m, "SSID '%s' from %02X:%02X:%02X:%02X:%02X:%02X "
		    "holds printf conversions", ssid, m[0], m[1], m[2], m[3],
		    m[4], m[5]);
	}
	for (i = 0; i < w->n_canary; i++) {
		if (!wids_rule_ssid(&w->canary[i], ies->ssid, ies->ssid_len))
			continue;
		wids_ssid_str(ies->ssid, ies->ssid_len, ssid, sizeof(ssid));
		wids_raise(w, WA_SSIDCANARY, p, ap ? m : NULL, m, h->ra, NULL,
		    m, "Canary %s: %02X:%02X:%02X:%02X:%02X:%02X %s the SSID "
		    "'%s'", w->canary[i].name, m[0], m[1], m[2], m[3], m[4],
		    m[5], ap ? "advertised" : "probed for", ssid);
	}
}

void
wids_sigs_data(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *m = h->ta;
	bool stumbler = false;
	size_t i;

	if (h->protected_ || !h->has_ta || h->body == NULL ||
	    h->body_len < sizeof(llc_lucent) ||
	    memcmp(h->body, llc_lucent, sizeof(llc_lucent)) != 0)
		return;
	for (i = 0; i < sizeof(stumbler_text) / sizeof(stumbler_text[0]); i++)
		if (wids_has(h->body + 8, h->body_len - 8, stumbler_text[i]))
			stumbler = true;
	if (stumbler)
		wids_raise(w, WA_NETSTUMBLER, p, h->has_bssid ? h->bssid :
		    NULL, m, h->ra, NULL, m, "NetStumbler probe from %02X:%02X:"
		    "%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
	else
		wids_raise(w, WA_LUCENTTEST, p, h->has_bssid ? h->bssid : NULL,
		    m, h->ra, NULL, m, "Lucent link test from %02X:%02X:%02X:"
		    "%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/*
 * BCOM11KCHAN: a Neighbor Report Response whose reports name a channel
 * no band has.  No decoder reads action bodies: category, action, dialog
 * token, then Neighbor Report elements (BSSID 6, BSSID information 4,
 * operating class 1, channel 1, PHY type 1, subelements).
 */
void
wids_sigs_action(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *b = h->body, *m = h->ta;
	size_t n = h->body_len, i;

	if (h->protected_ || !h->has_ta || b == NULL || n < 3 ||
	    b[0] != ACTION_CAT_RM || b[1] != ACTION_RM_NR_RESP)
		return;
	for (i = 3; i + 2 <= n && i + 2 + b[i + 1] <= n; i += 2 + b[i + 1]) {
		if (b[i] != IE_NEIGHBOR_REPORT || b[i + 1] < 13 ||
		    b[i + 2 + 11] <= CHANNEL_MAX)
			continue;
		wids_raise(w, WA_BCOM11KCHAN, p, h->has_bssid ? h->bssid :
		    NULL, m, h->ra, NULL, m, "Neighbor report from %02X:%02X:"
		    "%02X:%02X:%02X:%02X to %02X:%02X:%02X:%02X:%02X:%02X names "
		    "channel %u", m[0], m[1], m[2], m[3], m[4], m[5], h->ra[0],
		    h->ra[1], h->ra[2], h->ra[3], h->ra[4], h->ra[5],
		    b[i + 2 + 11]);
		return;
	}
}

/* OVERPOWERED: louder than a receiver should ever hear. */
void
wids_sigs_signal(struct wids *w, const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;
	const uint8_t *m = h->ta;
	int dbm;

	/* 0 and above: drivers that report no signal as 0, or garbage. */
	if (!h->has_ta || !wids_signal(p, &dbm) || dbm <= w->max_signal ||
	    dbm >= 0)
		return;
	wids_raise(w, WA_OVERPOWERED, p, h->has_bssid ? h->bssid : NULL, m,
	    h->ra, NULL, m, "Frame from %02X:%02X:%02X:%02X:%02X:%02X heard "
	    "at %d dBm, above %d dBm", m[0], m[1], m[2], m[3], m[4], m[5],
	    dbm, w->max_signal);
}
