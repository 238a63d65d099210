/* SPDX-License-Identifier: ISC */
/*
 * \summary: builders of 802.11 information elements for generated frames
 */

#include <string.h>

#include "gen_frames.h"
#include "gen_ie.h"
#include "gen_rand.h"

#define IE_SSID		0
#define IE_RATES	1
#define IE_DS		3
#define IE_TIM		5
#define IE_COUNTRY	7
#define IE_CHALLENGE	16
#define IE_POWER_CAP	33
#define IE_SUPP_CHANS	36
#define IE_ERP		42
#define IE_HT_CAP	45
#define IE_RSN		48
#define IE_EXT_RATES	50
#define IE_HT_OP	61
#define IE_EXT_CAP	127
#define IE_VHT_CAP	191
#define IE_VHT_OP	192
#define IE_VENDOR	221
#define IE_EXTENSION	255
#define IE_EXT_OWE_DH	32

/* Cipher and AKM suite selectors, 00-0F-AC (802.11-2020 Table 9-149). */
#define SUITE_TKIP	2
#define SUITE_CCMP	4
#define SUITE_BIP	6
#define AKM_8021X	1
#define AKM_PSK		2
#define AKM_SAE		8
#define AKM_OWE		18

/* RSN capabilities: 16 PTKSA replay counters, MFPR, MFPC. */
#define RSN_CAP_REPLAY16	0x000c
#define RSN_CAP_MFPR		0x0040
#define RSN_CAP_MFPC		0x0080

static const char *sec_names[GEN_SEC_COUNT] = {
	[GEN_SEC_OPEN] = "open",
	[GEN_SEC_WEP] = "wep",
	[GEN_SEC_WPA_TKIP] = "wpa-psk-tkip",
	[GEN_SEC_WPA2_PSK] = "wpa2-psk",
	[GEN_SEC_WPA2_EAP] = "wpa2-enterprise",
	[GEN_SEC_WPA3_SAE] = "wpa3-sae",
	[GEN_SEC_WPA3_TRANS] = "wpa2-wpa3-transition",
	[GEN_SEC_OWE] = "owe",
};

const char *
gen_sec_name(enum gen_sec s)
{
	return s < GEN_SEC_COUNT ? sec_names[s] : "?";
}

/* Start an element; returns the offset of its length byte. */
static size_t
ie_begin(struct gen_buf *b, uint8_t id)
{
	gen_put_u8(b, id);
	gen_put_u8(b, 0);
	return b->len - 1;
}

static void
ie_end(struct gen_buf *b, size_t lenoff)
{
	b->data[lenoff] = (uint8_t)(b->len - lenoff - 1);
}

static void
put_suite(struct gen_buf *b, const uint8_t oui[3], uint8_t type)
{
	gen_put_bytes(b, oui, 3);
	gen_put_u8(b, type);
}

static const uint8_t oui_ieee[3] = { 0x00, 0x0f, 0xac };
static const uint8_t oui_ms[3] = { 0x00, 0x50, 0xf2 };
static const uint8_t oui_wfa[3] = { 0x00, 0x37, 0x2a };

void
gen_ie_ssid(struct gen_buf *b, const uint8_t *ssid, size_t len)
{
	gen_put_u8(b, IE_SSID);
	gen_put_u8(b, (uint8_t)len);
	gen_put_bytes(b, ssid, len);
}

void
gen_ie_rates(struct gen_buf *b, bool band24)
{
	/* 500 kb/s units, 0x80 marks a basic rate. */
	static const uint8_t r24[8] = {
		0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24
	};
	static const uint8_t r5[8] = {
		0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c
	};

	gen_put_u8(b, IE_RATES);
	gen_put_u8(b, 8);
	gen_put_bytes(b, band24 ? r24 : r5, 8);
}

void
gen_ie_ext_rates(struct gen_buf *b)
{
	static const uint8_t r[4] = { 0x30, 0x48, 0x60, 0x6c };

	gen_put_u8(b, IE_EXT_RATES);
	gen_put_u8(b, 4);
	gen_put_bytes(b, r, 4);
}

void
gen_ie_ds(struct gen_buf *b, uint8_t channel)
{
	gen_put_u8(b, IE_DS);
	gen_put_u8(b, 1);
	gen_put_u8(b, channel);
}

void
gen_ie_tim(struct gen_buf *b, uint8_t count, uint8_t period, uint8_t bitmap)
{
	gen_put_u8(b, IE_TIM);
	gen_put_u8(b, 4);
	gen_put_u8(b, count);
	gen_put_u8(b, period);
	gen_put_u8(b, 0);		/* bitmap control */
	gen_put_u8(b, bitmap);
}

/*
 * Country (§9.4.2.8): the code, an environment byte (' ' any), triplets
 * of first channel, number of channels, max power dBm, then a pad byte
 * when needed to make the length even.
 */
void
gen_ie_country(struct gen_buf *b, const char *cc, bool band24)
{
	static const uint8_t us24[] = { 1, 11, 30 };
	static const uint8_t eu24[] = { 1, 13, 20 };
	static const uint8_t us5[] = {
		36, 4, 23, 52, 4, 24, 100, 12, 24, 149, 5, 30
	};
	static const uint8_t eu5[] = { 36, 4, 23, 52, 4, 23, 100, 11, 30 };
	bool us = strcmp(cc, "US") == 0 || strcmp(cc, "CA") == 0;
	size_t off = ie_begin(b, IE_COUNTRY);

	gen_put_u8(b, (uint8_t)cc[0]);
	gen_put_u8(b, (uint8_t)cc[1]);
	gen_put_u8(b, ' ');
	if (band24)
		gen_put_bytes(b, us ? us24 : eu24, 3);
	else if (us)
		gen_put_bytes(b, us5, sizeof(us5));
	else
		gen_put_bytes(b, eu5, sizeof(eu5));
	if ((b->len - off - 1) & 1)
		gen_put_u8(b, 0);
	ie_end(b, off);
}

void
gen_ie_erp(struct gen_buf *b)
{
	gen_put_u8(b, IE_ERP);
	gen_put_u8(b, 1);
	gen_put_u8(b, 0);
}

void
gen_ie_power_cap(struct gen_buf *b)
{
	gen_put_u8(b, IE_POWER_CAP);
	gen_put_u8(b, 2);
	gen_put_u8(b, 0);
	gen_put_u8(b, 20);
}

void
gen_ie_supported_channels(struct gen_buf *b)
{
	static const uint8_t c[] = { 36, 4, 52, 4, 100, 12, 149, 5 };

	gen_put_u8(b, IE_SUPP_CHANS);
	gen_put_u8(b, sizeof(c));
	gen_put_bytes(b, c, sizeof(c));
}

void
gen_ie_challenge(struct gen_buf *b, struct gen_rand *rnd)
{
	gen_put_u8(b, IE_CHALLENGE);
	gen_put_u8(b, 128);
	gen_rand_bytes(rnd, gen_put(b, 128), 128);
}

static uint8_t
akm_suite(enum gen_akm akm)
{
	switch (akm) {
	case GEN_AKM_EAP:
		return AKM_8021X;
	case GEN_AKM_SAE:
		return AKM_SAE;
	case GEN_AKM_OWE:
		return AKM_OWE;
	default:
		return AKM_PSK;
	}
}

/*
 * RSN element (§9.4.2.24): version 1, group cipher, pairwise ciphers,
 * AKMs, capabilities, and with PMF a zero PMKID count and the group
 * management cipher (BIP-CMAC-128).
 */
void
gen_ie_rsn(struct gen_buf *b, enum gen_sec sec, enum gen_akm akm)
{
	size_t off = ie_begin(b, IE_RSN);
	uint16_t caps = RSN_CAP_REPLAY16;
	bool ap = akm == GEN_AKM_NONE;

	gen_put_le16(b, 1);
	put_suite(b, oui_ieee, SUITE_CCMP);
	gen_put_le16(b, 1);
	put_suite(b, oui_ieee, SUITE_CCMP);
	if (ap && sec == GEN_SEC_WPA3_TRANS) {
		gen_put_le16(b, 2);
		put_suite(b, oui_ieee, AKM_PSK);
		put_suite(b, oui_ieee, AKM_SAE);
	} else {
		if (ap)
			akm = sec == GEN_SEC_WPA2_EAP ? GEN_AKM_EAP :
			    sec == GEN_SEC_WPA3_SAE ? GEN_AKM_SAE :
			    sec == GEN_SEC_OWE ? GEN_AKM_OWE : GEN_AKM_PSK;
		gen_put_le16(b, 1);
		put_suite(b, oui_ieee, akm_suite(akm));
	}
	if (sec == GEN_SEC_WPA3_SAE || sec == GEN_SEC_OWE)
		caps |= RSN_CAP_MFPR | RSN_CAP_MFPC;
	else if (sec == GEN_SEC_WPA3_TRANS)
		caps |= RSN_CAP_MFPC;
	gen_put_le16(b, caps);
	if (caps & RSN_CAP_MFPC) {
		gen_put_le16(b, 0);
		put_suite(b, oui_ieee, SUITE_BIP);
	}
	ie_end(b, off);
}

void
gen_ie_wpa(struct gen_buf *b)
{
	size_t off = ie_begin(b, IE_VENDOR);

	put_suite(b, oui_ms, 1);
	gen_put_le16(b, 1);
	put_suite(b, oui_ms, SUITE_TKIP);
	gen_put_le16(b, 1);
	put_suite(b, oui_ms, SUITE_TKIP);
	gen_put_le16(b, 1);
	put_suite(b, oui_ms, AKM_PSK);
	ie_end(b, off);
}

/*
 * HT Capabilities (§9.4.2.55): capability info, A-MPDU parameters, the
 * 16-byte supported MCS set (one byte of RX mask per stream), extended
 * capabilities, beamforming, antenna selection.
 */
void
gen_ie_ht_cap(struct gen_buf *b, uint8_t nss, bool ht40)
{
	size_t off = ie_begin(b, IE_HT_CAP);
	uint8_t i;

	/* LDPC, SM power save off, SGI20, TX STBC, one RX STBC stream. */
	gen_put_le16(b, (uint16_t)(0x01ad | (ht40 ? 0x0042 : 0)));
	gen_put_u8(b, 0x17);	/* 64 KiB A-MPDU, 4 us spacing */
	for (i = 0; i < 10; i++)
		gen_put_u8(b, i < nss ? 0xff : 0);
	gen_put_le16(b, 0);	/* highest rate: not given */
	gen_put_u8(b, 0x01);	/* TX MCS set defined, same as RX */
	gen_put_zero(b, 3);
	gen_put_le16(b, 0);
	gen_put_le32(b, 0);
	gen_put_u8(b, 0);
	ie_end(b, off);
}

void
gen_ie_ht_op(struct gen_buf *b, uint8_t primary, uint8_t sec_offset)
{
	size_t off = ie_begin(b, IE_HT_OP);

	gen_put_u8(b, primary);
	gen_put_u8(b, (uint8_t)(sec_offset | (sec_offset ? 0x04 : 0)));
	gen_put_le16(b, 0);
	gen_put_le16(b, 0);
	gen_put_zero(b, 16);	/* basic MCS set */
	ie_end(b, off);
}

void
gen_ie_ext_cap(struct gen_buf *b)
{
	/* Extended channel switching, BSS transition, op mode notification. */
	static const uint8_t c[8] = { 0x04, 0, 0x08, 0, 0, 0, 0, 0x40 };

	gen_put_u8(b, IE_EXT_CAP);
	gen_put_u8(b, sizeof(c));
	gen_put_bytes(b, c, sizeof(c));
}

/*
 * VHT Capabilities (§9.4.2.157): capability info (RX LDPC, SGI80, TX and
 * RX STBC, SU beamformer/beamformee, 1 MiB A-MPDU), then RX and TX MCS
 * maps, two bits per stream: 2 = MCS 0-9, 3 = not supported.
 */
void
gen_ie_vht_cap(struct gen_buf *b, uint8_t nss)
{
	size_t off = ie_begin(b, IE_VHT_CAP);
	uint16_t map = 0xffff;
	uint8_t i;

	for (i = 0; i < nss && i < 8; i++)
		map = (uint16_t)(map & ~(1U << (2 * i)));
	gen_put_le32(b, 0x038019b0);
	gen_put_le16(b, map);
	gen_put_le16(b, 0);
	gen_put_le16(b, map);
	gen_put_le16(b, 0);
	ie_end(b, off);
}

void
gen_ie_vht_op(struct gen_buf *b, uint8_t center)
{
	size_t off = ie_begin(b, IE_VHT_OP);

	gen_put_u8(b, center ? 1 : 0);	/* 1: 80 MHz */
	gen_put_u8(b, center);
	gen_put_u8(b, 0);
	gen_put_le16(b, 0xfffc);	/* basic: one stream, MCS 0-7 */
	ie_end(b, off);
}

/*
 * WMM Parameter (Wi-Fi Alliance WMM spec §2.2.2): OUI 00-50-F2 type 2
 * subtype 1, QoS info, then AIFSN/ECW/TXOP for BE, BK, VI and VO.
 */
void
gen_ie_wmm_param(struct gen_buf *b)
{
	static const uint8_t ac[16] = {
		0x03, 0xa4, 0x00, 0x00,		/* best effort */
		0x27, 0xa4, 0x00, 0x00,		/* background */
		0x42, 0x43, 0x5e, 0x00,		/* video */
		0x62, 0x32, 0x2f, 0x00,		/* voice */
	};
	size_t off = ie_begin(b, IE_VENDOR);

	put_suite(b, oui_ms, 2);
	gen_put_u8(b, 1);	/* subtype: parameter element */
	gen_put_u8(b, 1);	/* version */
	gen_put_u8(b, 0x80);	/* U-APSD, parameter set 0 */
	gen_put_u8(b, 0);
	gen_put_bytes(b, ac, sizeof(ac));
	ie_end(b, off);
}

void
gen_ie_wmm_info(struct gen_buf *b)
{
	size_t off = ie_begin(b, IE_VENDOR);

	put_suite(b, oui_ms, 2);
	gen_put_u8(b, 0);	/* subtype: information element */
	gen_put_u8(b, 1);
	gen_put_u8(b, 0);
	ie_end(b, off);
}

/* A WPS attribute: big-endian type and length (WSC 2.0 §12). */
static void
wps_attr(struct gen_buf *b, uint16_t type, const void *v, size_t len)
{
	gen_put_be16(b, type);
	gen_put_be16(b, (uint16_t)len);
	gen_put_bytes(b, v, len);
}

static void
wps_u8(struct gen_buf *b, uint16_t type, uint8_t v)
{
	wps_attr(b, type, &v, 1);
}

static void
wps_str(struct gen_buf *b, uint16_t type, const char *s)
{
	wps_attr(b, type, s, strlen(s));
}

void
gen_ie_wps(struct gen_buf *b, const struct gen_wps *w, bool full)
{
	/* Network infrastructure / access point, 00-50-F2-04. */
	static const uint8_t devtype[8] = {
		0x00, 0x06, 0x00, 0x50, 0xf2, 0x04, 0x00, 0x01
	};
	static const uint8_t cfg[2] = { 0x00, 0x08 };	/* push button */
	uint8_t ext[6];
	size_t off = ie_begin(b, IE_VENDOR);

	put_suite(b, oui_ms, 4);
	wps_u8(b, 0x104a, 0x10);		/* version 1.0 */
	wps_u8(b, 0x1044, 0x02);		/* configured */
	if (full)
		wps_u8(b, 0x103b, 0x03);	/* response type: AP */
	wps_attr(b, 0x1047, w->uuid, 16);
	if (full) {
		wps_str(b, 0x1021, w->manufacturer);
		wps_str(b, 0x1023, w->model);
		wps_str(b, 0x1024, w->model_number);
		wps_str(b, 0x1042, w->serial);
		wps_attr(b, 0x1054, devtype, sizeof(devtype));
		wps_str(b, 0x1011, w->device_name);
		wps_attr(b, 0x1008, cfg, sizeof(cfg));
	}
	wps_u8(b, 0x103c, w->band5 ? 0x02 : 0x01);
	/* Vendor extension of the WFA: Version2 = 2.0. */
	memcpy(ext, oui_wfa, 3);
	ext[3] = 0x00;
	ext[4] = 0x01;
	ext[5] = 0x20;
	wps_attr(b, 0x1049, ext, sizeof(ext));
	ie_end(b, off);
}

/* OWE Diffie-Hellman Parameter (RFC 8110 §4.3): group 19 and a key. */
void
gen_ie_owe_dh(struct gen_buf *b, struct gen_rand *rnd)
{
	size_t off = ie_begin(b, IE_EXTENSION);

	gen_put_u8(b, IE_EXT_OWE_DH);
	gen_put_le16(b, 19);
	gen_rand_bytes(rnd, gen_put(b, 32), 32);
	ie_end(b, off);
}
