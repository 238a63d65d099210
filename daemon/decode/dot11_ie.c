/* SPDX-License-Identifier: ISC */
/*
 * \summary: 802.11 information elements (the tagged parameters)
 *
 * IEEE 802.11-2020 §9.4.2: a list of elements, each
 *
 *	+----+--------+----------------+
 *	| ID | length | length bytes   |   ID 255: the first body byte
 *	| u8 | u8     |                |   is the Element ID Extension
 *	+----+--------+----------------+
 *
 * Only what the tracker uses is kept.  Suite selectors in RSN and WPA
 * elements are an OUI and a type: 00-0F-AC for RSN (Tables 9-149 and
 * 9-151), 00-50-F2 for the pre-standard WPA element.  Vendor elements
 * from 00-50-F2 also carry WMM (type 2) and WPS (type 4, whose body is a
 * list of big-endian type/length attributes).
 */

#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "dot11_ie.h"
#include "packet.h"

#define DOT11_SSID_MAX		32
#define DOT11_RSN_VERSION	1

#define RSN_CAP_MFPR		0x0040	/* management frame protection */
#define RSN_CAP_MFPC		0x0080	/* required / capable */

#define WPS_ATTR_STATE		0x1044

static const uint8_t oui_ieee[3] = { 0x00, 0x0f, 0xac };
static const uint8_t oui_msft[3] = { 0x00, 0x50, 0xf2 };

#define VENDOR_MSFT_WPA		1
#define VENDOR_MSFT_WMM		2
#define WMM_SUBTYPE_TSPEC	2
#define VENDOR_MSFT_WPS		4
/* Wi-Fi Alliance, P2P (Wi-Fi Direct) and its Notice of Absence. */
static const uint8_t oui_wfa[3] = { 0x50, 0x6f, 0x9a };
#define VENDOR_WFA_P2P		9
#define P2P_ATTR_NOA		12

/* Cipher suite types shared by RSN (00-0F-AC) and WPA (00-50-F2). */
static uint32_t
dot11_ie_cipher(unsigned type)
{
	switch (type) {
	case 1:
		return DOT11_CRYPT_WEP40;
	case 2:
		return DOT11_CRYPT_TKIP;
	case 4:			/* CCMP-128 */
	case 10:		/* CCMP-256 */
		return DOT11_CRYPT_CCMP;
	case 5:
		return DOT11_CRYPT_WEP104;
	case 8:			/* GCMP-128 */
	case 9:			/* GCMP-256 */
		return DOT11_CRYPT_GCMP;
	default:		/* BIP, "group traffic not allowed" */
		return 0;
	}
}

/* RSN AKM suite types (IEEE 802.11-2020 Table 9-151, and 24/25 of
 * 802.11-2020 amendments for SAE with group-dependent hash). */
static uint32_t
dot11_ie_rsn_akm(unsigned type)
{
	const uint32_t wpa2 = DOT11_CRYPT_WPA2, wpa3 = DOT11_CRYPT_WPA3;

	switch (type) {
	case 1:			/* 802.1X */
	case 5:			/* 802.1X SHA-256 */
	case 14:		/* FILS SHA-256 */
	case 15:		/* FILS SHA-384 */
		return wpa2 | DOT11_CRYPT_8021X;
	case 3:			/* FT over 802.1X */
	case 16:		/* FT over FILS SHA-256 */
	case 17:		/* FT over FILS SHA-384 */
		return wpa2 | DOT11_CRYPT_8021X | DOT11_CRYPT_FT;
	case 2:			/* PSK */
	case 6:			/* PSK SHA-256 */
	case 20:		/* PSK SHA-384 */
		return wpa2 | DOT11_CRYPT_PSK;
	case 4:			/* FT PSK */
	case 19:		/* FT PSK SHA-384 */
		return wpa2 | DOT11_CRYPT_PSK | DOT11_CRYPT_FT;
	case 8:			/* SAE */
	case 24:		/* SAE, group-dependent hash */
		return wpa3 | DOT11_CRYPT_SAE;
	case 9:			/* FT over SAE */
	case 25:
		return wpa3 | DOT11_CRYPT_SAE | DOT11_CRYPT_FT;
	case 11:		/* Suite B */
	case 12:		/* Suite B 192-bit */
	case 23:		/* 802.1X SHA-384 */
		return wpa3 | DOT11_CRYPT_8021X;
	case 13:		/* FT over 802.1X SHA-384 */
	case 22:
		return wpa3 | DOT11_CRYPT_8021X | DOT11_CRYPT_FT;
	case 18:
		return DOT11_CRYPT_OWE;
	default:		/* TDLS, peer key, PASN: no network security */
		return 0;
	}
}

static uint32_t
dot11_ie_wpa_akm(unsigned type)
{
	if (type == 1)
		return DOT11_CRYPT_8021X;
	if (type == 2)
		return DOT11_CRYPT_PSK;
	return 0;
}

/*
 * Read one suite selector; a selector from another OUI (a vendor's own
 * cipher or AKM) reads as type 256, which maps to no bits.
 */
static int
dot11_ie_suite(struct cursor *c, const uint8_t oui[3], unsigned *ret)
{
	const uint8_t *s;

	if (cur_get_bytes(c, 4, &s) != 0)
		return -1;
	*ret = memcmp(s, oui, 3) == 0 ? s[3] : 256;
	return 0;
}

/* A suite count and that many suites, each mapped through fn. */
static int
dot11_ie_suites(struct cursor *c, const uint8_t oui[3],
    uint32_t (*fn)(unsigned), uint32_t *crypt)
{
	uint16_t n;
	unsigned type;

	if (cur_get_le16(c, &n) != 0)
		return -1;
	if ((size_t)n * 4 > cur_left(c))
		return -1;
	while (n-- > 0) {
		if (dot11_ie_suite(c, oui, &type) != 0)
			return -1;
		*crypt |= fn(type);
	}
	return 0;
}

int
dot11_ie_rsn(const uint8_t *body, size_t len, uint32_t *crypt)
{
	struct cursor c;
	uint16_t version, caps;
	unsigned group;

	cur_init(&c, body, len);
	if (cur_get_le16(&c, &version) != 0 || version != DOT11_RSN_VERSION)
		return -EBADMSG;
	/* Absent fields take the standard's defaults. */
	if (cur_left(&c) == 0) {
		*crypt |= DOT11_CRYPT_CCMP | DOT11_CRYPT_WPA2 |
		    DOT11_CRYPT_8021X;
		return 0;
	}
	if (dot11_ie_suite(&c, oui_ieee, &group) != 0)
		return -EBADMSG;
	*crypt |= dot11_ie_cipher(group);
	if (cur_left(&c) == 0) {
		*crypt |= DOT11_CRYPT_CCMP | DOT11_CRYPT_WPA2 |
		    DOT11_CRYPT_8021X;
		return 0;
	}
	if (dot11_ie_suites(&c, oui_ieee, dot11_ie_cipher, crypt) != 0)
		return -EBADMSG;
	if (cur_left(&c) == 0) {
		*crypt |= DOT11_CRYPT_WPA2 | DOT11_CRYPT_8021X;
		return 0;
	}
	if (dot11_ie_suites(&c, oui_ieee, dot11_ie_rsn_akm, crypt) != 0)
		return -EBADMSG;
	if (cur_get_le16(&c, &caps) == 0 &&
	    (caps & (RSN_CAP_MFPC | RSN_CAP_MFPR)))
		*crypt |= DOT11_CRYPT_PMF;
	/* PMKIDs and the group management cipher are of no use here. */
	return 0;
}

int
dot11_ie_wpa(const uint8_t *body, size_t len, uint32_t *crypt)
{
	struct cursor c;
	uint16_t version;
	unsigned group;

	cur_init(&c, body, len);
	if (cur_get_le16(&c, &version) != 0 || version != 1)
		return -EBADMSG;
	*crypt |= DOT11_CRYPT_WPA;
	/* The WPA element's defaults: TKIP and 802.1X. */
	if (cur_left(&c) == 0) {
		*crypt |= DOT11_CRYPT_TKIP | DOT11_CRYPT_8021X;
		return 0;
	}
	if (dot11_ie_suite(&c, oui_msft, &group) != 0)
		return -EBADMSG;
	*crypt |= dot11_ie_cipher(group);
	if (cur_left(&c) == 0) {
		*crypt |= DOT11_CRYPT_TKIP | DOT11_CRYPT_8021X;
		return 0;
	}
	if (dot11_ie_suites(&c, oui_msft, dot11_ie_cipher, crypt) != 0)
		return -EBADMSG;
	if (cur_left(&c) == 0) {
		*crypt |= DOT11_CRYPT_8021X;
		return 0;
	}
	if (dot11_ie_suites(&c, oui_msft, dot11_ie_wpa_akm, crypt) != 0)
		return -EBADMSG;
	return 0;
}

/* WPS attributes: type be16, length be16, value. */
static int
dot11_ie_wps(struct cursor *c, struct dot11_ies *ies)
{
	struct cursor v;
	uint16_t type, len;
	uint8_t state;

	ies->has_wps = true;
	ies->crypt |= DOT11_CRYPT_WPS;
	while (cur_left(c) > 0) {
		if (cur_get_be16(c, &type) != 0 ||
		    cur_get_be16(c, &len) != 0 || cur_sub(c, len, &v) != 0)
			return -1;
		if (type == WPS_ATTR_STATE && cur_get_u8(&v, &state) == 0)
			ies->wps_state = state;
	}
	return 0;
}

/*
 * P2P attributes (ID, 16-bit little-endian length, body): only the
 * Notice of Absence length, as sent, for the alert checks (RTLWIFIP2P):
 * one that claims more than the element holds counts too, its length is
 * what a driver trusts.
 */
static void
dot11_ie_p2p(struct cursor *c, struct dot11_ies *ies)
{
	uint8_t id;
	uint16_t len;

	while (cur_get_u8(c, &id) == 0 && cur_get_le16(c, &len) == 0) {
		if (id == P2P_ATTR_NOA && len > ies->p2p_noa_len)
			ies->p2p_noa_len = len;
		if (cur_skip(c, len) != 0)
			return;
	}
}

static int
dot11_ie_vendor(struct cursor *c, struct dot11_ies *ies)
{
	const uint8_t *oui;
	uint8_t type;

	if (cur_get_bytes(c, 3, &oui) != 0 || cur_get_u8(c, &type) != 0)
		return 0;	/* too short to name a vendor: not ours */
	if (memcmp(oui, oui_wfa, 3) == 0 && type == VENDOR_WFA_P2P) {
		dot11_ie_p2p(c, ies);
		return 0;
	}
	if (memcmp(oui, oui_msft, 3) != 0)
		return 0;
	switch (type) {
	case VENDOR_MSFT_WPA:
		return dot11_ie_wpa(cur_ptr(c), cur_left(c), &ies->crypt);
	case VENDOR_MSFT_WMM:
		ies->has_wmm = true;
		/*
		 * A TSPEC (subtype 2, 61 bytes) is no WMMOVERFLOW: only the
		 * information and parameter elements' lengths are kept.
		 */
		if (cur_left(c) > 0 && cur_ptr(c)[0] == WMM_SUBTYPE_TSPEC) {
			if (ies->wmm_tspec_n < UINT8_MAX)
				ies->wmm_tspec_n++;
			return 0;
		}
		/* The element's length: OUI and type, then what is left. */
		ies->wmm_ie_len = (uint8_t)(4 + cur_left(c));
		return 0;
	case VENDOR_MSFT_WPS:
		return dot11_ie_wps(c, ies);
	default:
		return 0;
	}
}

static void
dot11_ie_ssid(const uint8_t *p, uint8_t len, struct dot11_ies *ies)
{
	uint8_t i;

	if (len > DOT11_SSID_MAX) {
		ies->invalid = true;
		return;
	}
	ies->has_ssid = true;
	ies->ssid = p;
	ies->ssid_len = len;
	for (i = 0; i < len && p[i] == '\0'; i++)
		;
	ies->ssid_cloaked = i == len;
}

static void
dot11_ie_rates(const uint8_t *p, uint8_t len, struct dot11_ies *ies)
{
	uint8_t i;

	for (i = 0; i < len && ies->n_rates < PACKET_RATES_MAX; i++)
		ies->rates[ies->n_rates++] = p[i];
}

static void
dot11_ie_country(const uint8_t *p, uint8_t len, struct dot11_ies *ies)
{
	/* Two ASCII letters (ISO 3166-1), then the environment byte. */
	if (len < 2 || p[0] < 0x21 || p[0] > 0x7e || p[1] < 0x21 ||
	    p[1] > 0x7e) {
		ies->invalid = true;
		return;
	}
	ies->country[0] = (char)p[0];
	ies->country[1] = (char)p[1];
	ies->country[2] = '\0';
}

/*
 * The length of an element the standard fixes (802.11-2020 §9.4.2), 0 for
 * one it does not: an element sent with another is kept for BADFIXLENIE.
 * A switch, not a table walk: it runs for every element of every frame.
 */
static uint8_t
dot11_ie_fixed_len(uint8_t id)
{
	switch (id) {
	case DOT11_IE_DS:
		return 1;
	case DOT11_IE_IBSS:
		return 2;
	case DOT11_IE_HT_CAP:
		return 26;
	case DOT11_IE_HT_OP:
		return 22;
	case DOT11_IE_VHT_CAP:
		return 12;
	case DOT11_IE_VHT_OP:
		return 5;
	default:
		return 0;
	}
}

/* One element; ID and body already split off.  Returns -1 if invalid. */
static int
dot11_ie_one(uint8_t id, struct cursor *c, struct dot11_ies *ies)
{
	const uint8_t *p = cur_ptr(c);
	uint8_t len = (uint8_t)cur_left(c), ext, fixed;

	fixed = dot11_ie_fixed_len(id);
	if (fixed != 0 && fixed != len && !ies->has_badfix) {
		ies->has_badfix = true;
		ies->badfix_id = id;
		ies->badfix_len = len;
	}
	switch (id) {
	case DOT11_IE_SSID:
		/* Some frames repeat the element; the first one counts. */
		if (!ies->has_ssid_ie) {
			ies->has_ssid_ie = true;
			ies->ssid_ie_len = len;
		}
		if (!ies->has_ssid)
			dot11_ie_ssid(p, len, ies);
		return 0;
	case DOT11_IE_RATES:
	case DOT11_IE_EXT_RATES:
		if (id == DOT11_IE_RATES && len > ies->rates_ie_len)
			ies->rates_ie_len = len;
		dot11_ie_rates(p, len, ies);
		return 0;
	case DOT11_IE_DS:
		return cur_get_u8(c, &ies->ds_channel);
	case DOT11_IE_TIM:
		/* DTIM count, DTIM period, bitmap control, 1+ bitmap. */
		if (len < 4)
			return -1;
		ies->has_tim = true;
		return 0;
	case DOT11_IE_COUNTRY:
		ies->country_ie_len = len;
		dot11_ie_country(p, len, ies);
		return 0;
	case DOT11_IE_RSN:
		/* Version 2, group suite 4, then the pairwise count. */
		if (len >= 8)
			ies->rsn_pairwise = (uint16_t)(p[6] | p[7] << 8);
		return dot11_ie_rsn(p, len, &ies->crypt) == 0 ? 0 : -1;
	case DOT11_IE_HT_CAP:
		ies->has_ht = true;
		return 0;
	case DOT11_IE_HT_OP:
		/* Primary channel, then bits 0-1: secondary channel offset. */
		if (len < 2)
			return -1;
		ies->has_ht = true;
		ies->ht_primary = p[0];
		ies->ht_secondary = p[1] & 0x03;
		return 0;
	case DOT11_IE_VHT_CAP:
		ies->has_vht = true;
		return 0;
	case DOT11_IE_VHT_OP:
		if (len < 3)
			return -1;
		ies->has_vht = true;
		ies->vht_width = p[0];
		ies->vht_center1 = p[1];
		ies->vht_center2 = p[2];
		return 0;
	case DOT11_IE_MESH_ID:
		if (len > DOT11_SSID_MAX)
			return -1;
		ies->has_mesh_id = true;
		ies->mesh_id = p;
		ies->mesh_id_len = len;
		return 0;
	case DOT11_IE_EXT_CAP:
		if (len > ies->extcap_ie_len)
			ies->extcap_ie_len = len;
		return 0;
	case DOT11_IE_VENDOR:
		return dot11_ie_vendor(c, ies) == 0 ? 0 : -1;
	case DOT11_IE_EXT:
		if (cur_get_u8(c, &ext) != 0)
			return -1;
		if (ext == DOT11_IE_EXT_HE_CAP || ext == DOT11_IE_EXT_HE_OP)
			ies->has_he = true;
		return 0;
	default:
		return 0;
	}
}

int
dot11_ie_parse(const uint8_t *buf, size_t len, bool cut,
    struct dot11_ies *ies)
{
	struct cursor c, body;
	uint8_t id, elen;

	cur_init(&c, buf, len);
	while (cur_left(&c) > 0) {
		if (cur_get_u8(&c, &id) != 0 || cur_get_u8(&c, &elen) != 0 ||
		    cur_sub(&c, elen, &body) != 0) {
			ies->truncated = true;
			return cut ? 0 : -EBADMSG;
		}
		if (dot11_ie_one(id, &body, ies) != 0)
			ies->invalid = true;
	}
	return 0;
}
