/* SPDX-License-Identifier: ISC */
/*
 * \summary: PPI (Per-Packet Information) header decoder (DLT 192)
 *
 * PPI Header Format 1.0.10 (CACE Technologies); little-endian:
 *
 *	+---------+-------+---------+---------+
 *	| version | flags | pph_len | pph_dlt |   then fields up to pph_len:
 *	| u8 = 0  | u8    | u16     | u32     |
 *	+---------+-------+---------+---------+
 *	+----------+-------------+----------------+
 *	| pfh_type | pfh_datalen | datalen bytes  |   (flag 0x01: each field
 *	| u16      | u16         |                |    starts 4-aligned)
 *	+----------+-------------+----------------+
 *
 * 802.11-Common (type 2, 20 bytes): TSFT u64, flags u16 (0x1 FCS
 * present, 0x2 TSFT in ms, 0x4 FCS invalid, 0x8 PHY error), rate u16 in
 * 500 kb/s, frequency u16, channel flags u16, FHSS hopset and pattern u8,
 * dBm signal s8, dBm noise s8 (-128 for "not known").
 *
 * 802.11n MAC (type 3, 12 bytes): flags u32 (0x2 HT40, 0x4 short GI),
 * A-MPDU id u32, delimiters u8, 3 reserved.  802.11n MAC+PHY (type 4, 48
 * bytes) is the MAC part's first 9 bytes, then MCS u8 (255 unknown),
 * spatial streams u8 (0 unknown), RSSIs, the extension channel and four
 * per-antenna dBm signal/noise pairs and EVMs.
 */

#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "packet.h"
#include "phy.h"
#include "ppi.h"

#define PPI_FLAG_ALIGN		0x01
#define PPI_COMMON_FCS		0x0001
#define PPI_COMMON_FCS_BAD	0x0004
#define PPI_N_HT40		0x0002
#define PPI_N_SHORTGI		0x0004
#define PPI_DBM_UNKNOWN		(-128)

struct ppi_ht {
	bool		 has_flags;
	uint32_t	 flags;
	bool		 has_mcs;
	uint8_t		 mcs, nss;
};

static int
ppi_common(struct cursor *c, struct packet_radio *r)
{
	uint16_t flags, rate, freq, cflags;
	uint8_t hop[2], sig, noise;

	if (cur_get_le64(c, &r->tsft) != 0 || cur_get_le16(c, &flags) != 0 ||
	    cur_get_le16(c, &rate) != 0 || cur_get_le16(c, &freq) != 0 ||
	    cur_get_le16(c, &cflags) != 0 ||
	    cur_copy(c, hop, sizeof(hop)) != 0 || cur_get_u8(c, &sig) != 0 ||
	    cur_get_u8(c, &noise) != 0)
		return -EBADMSG;
	if (r->tsft != 0)
		r->has |= RADIO_HAS_TSFT;
	r->fcs_present = (flags & PPI_COMMON_FCS) != 0;
	r->fcs_bad = (flags & PPI_COMMON_FCS_BAD) != 0;
	if (rate != 0) {
		r->rate_kbps = rate * 500u;
		r->has |= RADIO_HAS_RATE;
	}
	if (freq != 0) {
		r->freq_mhz = freq;
		r->chan_flags = cflags;
		r->has |= RADIO_HAS_FREQ;
	}
	if ((int8_t)sig != PPI_DBM_UNKNOWN) {
		r->signal_dbm = (int8_t)sig;
		r->has |= RADIO_HAS_SIGNAL;
	}
	if ((int8_t)noise != PPI_DBM_UNKNOWN) {
		r->noise_dbm = (int8_t)noise;
		r->has |= RADIO_HAS_NOISE;
	}
	return 0;
}

static int
ppi_n_mac(struct cursor *c, struct ppi_ht *ht)
{
	if (cur_left(c) < PPI_N_MAC_LEN || cur_get_le32(c, &ht->flags) != 0)
		return -EBADMSG;
	ht->has_flags = true;
	return 0;
}

static int
ppi_n_mac_phy(struct cursor *c, struct ppi_ht *ht)
{
	uint8_t mcs, nss;

	/* Flags, then past the A-MPDU id and delimiters to MCS, streams. */
	if (cur_left(c) < PPI_N_MAC_PHY_LEN ||
	    cur_get_le32(c, &ht->flags) != 0 || cur_skip(c, 5) != 0 ||
	    cur_get_u8(c, &mcs) != 0 || cur_get_u8(c, &nss) != 0)
		return -EBADMSG;
	ht->has_flags = true;
	if (mcs != 255) {
		ht->has_mcs = true;
		ht->mcs = mcs;
		ht->nss = nss != 0 ? nss : (mcs < 32 ? mcs / 8 + 1 : 1);
	}
	return 0;
}

static void
ppi_apply_ht(const struct ppi_ht *ht, struct packet_radio *r)
{
	unsigned bw;
	bool sgi;

	if (!ht->has_mcs)
		return;
	bw = (ht->flags & PPI_N_HT40) ? 40 : 20;
	sgi = (ht->flags & PPI_N_SHORTGI) != 0;
	r->has |= RADIO_HAS_MCS;
	r->mcs = ht->mcs;
	r->nss = ht->nss;
	r->bw_mhz = (uint16_t)bw;
	if (!(r->has & RADIO_HAS_RATE)) {
		r->rate_kbps = phy_ht_rate_kbps(ht->mcs, bw, sgi);
		if (r->rate_kbps != 0)
			r->has |= RADIO_HAS_RATE;
	}
}

int
ppi_decode(const uint8_t *buf, size_t len, struct packet_radio *r,
    size_t *ret_len)
{
	struct cursor c, f;
	struct ppi_ht ht;
	uint8_t version, flags;
	uint16_t pph_len, type, flen;
	uint32_t dlt;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	memset(&ht, 0, sizeof(ht));
	cur_init(&c, buf, len);
	if (cur_get_u8(&c, &version) != 0 || cur_get_u8(&c, &flags) != 0 ||
	    cur_get_le16(&c, &pph_len) != 0 || cur_get_le32(&c, &dlt) != 0)
		return -EBADMSG;
	if (version != 0 || pph_len < PPI_HDR_LEN || pph_len > len)
		return -EBADMSG;
	if (dlt != PACKET_DLT_IEEE802_11)
		return -EPROTONOSUPPORT;

	cur_init(&c, buf, pph_len);
	c.off = PPI_HDR_LEN;
	while (cur_left(&c) > 0) {
		if (cur_get_le16(&c, &type) != 0 ||
		    cur_get_le16(&c, &flen) != 0 || cur_sub(&c, flen, &f) != 0)
			return -EBADMSG;
		switch (type) {
		case PPI_FIELD_80211_COMMON:
			rc = ppi_common(&f, r);
			break;
		case PPI_FIELD_80211N_MAC:
			rc = ppi_n_mac(&f, &ht);
			break;
		case PPI_FIELD_80211N_MAC_PHY:
			rc = ppi_n_mac_phy(&f, &ht);
			break;
		default:
			/* Spectrum map, GPS, vendor fields: not used. */
			break;
		}
		if (rc != 0)
			return rc;
		/* Padding to the next field, if any, is inside pph_len. */
		if ((flags & PPI_FLAG_ALIGN) && cur_align(&c, 4) != 0)
			break;
	}
	ppi_apply_ht(&ht, r);
	*ret_len = pph_len;
	return 0;
}
