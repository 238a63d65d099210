/* SPDX-License-Identifier: ISC */
/*
 * \summary: radiotap header iterator and decoder (DLT 127)
 *
 * Layout (radiotap.org; every multi-byte value little-endian):
 *
 *	+---------+--------+-----------+--------------+- - -+----------+
 *	| version | pad    | it_len    | it_present 0 | ... | fields...|
 *	| u8 = 0  | u8     | u16       | u32          |     |          |
 *	+---------+--------+-----------+--------------+- - -+----------+
 *
 * Bit 31 of a presence word says another word follows; bit 29 makes the
 * next word count from bit 0 of the radiotap namespace again (how Linux
 * reports one antenna per namespace), bit 30 switches to a vendor
 * namespace whose 6-byte header (OUI, sub-namespace, skip_length) sits in
 * the data at that point.  Each field is aligned to its natural size,
 * measured from the start of the header.
 */

#include <errno.h>
#include <string.h>

#include "packet.h"
#include "phy.h"
#include "radiotap.h"

enum {
	RADIOTAP_NS_SAME = 0,
	RADIOTAP_NS_DEFAULT = 1,
	RADIOTAP_NS_OTHER = 2,
};

/* Alignment and size of fields 0-27; 28 (TLV) has no fixed size. */
static const struct {
	unsigned char	 align, size;
} radiotap_table[RADIOTAP_TLV] = {
	[RADIOTAP_TSFT] = { 8, 8 },
	[RADIOTAP_FLAGS] = { 1, 1 },
	[RADIOTAP_RATE] = { 1, 1 },
	[RADIOTAP_CHANNEL] = { 2, 4 },
	/* radiotap.org gives no alignment; Linux and Wireshark use 2. */
	[RADIOTAP_FHSS] = { 2, 2 },
	[RADIOTAP_DBM_ANTSIGNAL] = { 1, 1 },
	[RADIOTAP_DBM_ANTNOISE] = { 1, 1 },
	[RADIOTAP_LOCK_QUALITY] = { 2, 2 },
	[RADIOTAP_TX_ATTENUATION] = { 2, 2 },
	[RADIOTAP_DB_TX_ATTENUATION] = { 2, 2 },
	[RADIOTAP_DBM_TX_POWER] = { 1, 1 },
	[RADIOTAP_ANTENNA] = { 1, 1 },
	[RADIOTAP_DB_ANTSIGNAL] = { 1, 1 },
	[RADIOTAP_DB_ANTNOISE] = { 1, 1 },
	[RADIOTAP_RX_FLAGS] = { 2, 2 },
	[RADIOTAP_TX_FLAGS] = { 2, 2 },
	[RADIOTAP_RTS_RETRIES] = { 1, 1 },
	[RADIOTAP_DATA_RETRIES] = { 1, 1 },
	[RADIOTAP_XCHANNEL] = { 4, 8 },
	[RADIOTAP_MCS] = { 1, 3 },
	[RADIOTAP_AMPDU_STATUS] = { 4, 8 },
	[RADIOTAP_VHT] = { 2, 12 },
	[RADIOTAP_TIMESTAMP] = { 8, 12 },
	[RADIOTAP_HE] = { 2, 12 },
	[RADIOTAP_HE_MU] = { 2, 12 },
	[RADIOTAP_HE_MU_USER] = { 2, 6 },
	[RADIOTAP_ZERO_LEN_PSDU] = { 1, 1 },
	[RADIOTAP_LSIG] = { 2, 4 },
};

int
radiotap_iter_init(struct radiotap_iter *it, const uint8_t *buf, size_t len,
    size_t *ret_len)
{
	struct cursor c;
	uint8_t version, pad;
	uint16_t it_len;
	uint32_t first, word;
	size_t nwords = 1;

	cur_init(&c, buf, len);
	if (cur_get_u8(&c, &version) != 0 || cur_get_u8(&c, &pad) != 0 ||
	    cur_get_le16(&c, &it_len) != 0 || cur_get_le32(&c, &first) != 0)
		return -EBADMSG;
	if (version != 0 || it_len < RADIOTAP_HDR_MIN || it_len > len)
		return -EBADMSG;

	/* The presence words must all lie inside it_len. */
	memset(it, 0, sizeof(*it));
	cur_init(&c, buf, it_len);
	c.off = RADIOTAP_HDR_MIN;
	word = first;
	while (word & (1u << RADIOTAP_EXT)) {
		if (cur_get_le32(&c, &word) != 0)
			return -EBADMSG;
		nwords++;
	}
	cur_init(&it->words, buf + RADIOTAP_HDR_MIN, (nwords - 1) * 4);
	cur_init(&it->data, buf, it_len);
	it->data.off = c.off;
	it->word = first;
	it->ext = (it->word >> RADIOTAP_EXT) & 1;
	*ret_len = it_len;
	return 0;
}

/* Move to the next presence word, switching namespace if asked. */
static int
radiotap_next_word(struct radiotap_iter *it)
{
	if (cur_get_le32(&it->words, &it->word) != 0)
		return -EBADMSG;
	it->bit = 0;
	it->ext = (it->word >> RADIOTAP_EXT) & 1;
	switch (it->next_ns) {
	case RADIOTAP_NS_DEFAULT:
		it->base = 0;
		it->vendor = false;
		break;
	case RADIOTAP_NS_OTHER:
		/* osprey knows no vendor namespace: step over its data. */
		it->base = 0;
		it->vendor = true;
		if (cur_skip(&it->data, it->vendor_skip) != 0)
			return -EBADMSG;
		break;
	default:
		it->base += 32;
		break;
	}
	it->next_ns = RADIOTAP_NS_SAME;
	return 0;
}

int
radiotap_iter_next(struct radiotap_iter *it, struct radiotap_field *ret)
{
	const uint8_t *oui, *p;
	unsigned b, idx;

	for (;;) {
		if (it->bit >= 32) {
			if (!it->ext)
				return 0;
			if (radiotap_next_word(it) != 0)
				return -EBADMSG;
			continue;
		}
		b = it->bit++;
		if ((it->word & (1u << b)) == 0)
			continue;
		switch (b) {
		case RADIOTAP_EXT:
			continue;
		case RADIOTAP_NS_RADIOTAP:
			it->next_ns = RADIOTAP_NS_DEFAULT;
			continue;
		case RADIOTAP_NS_VENDOR:
			if (cur_align(&it->data, 2) != 0 ||
			    cur_get_bytes(&it->data, 4, &oui) != 0 ||
			    cur_get_le16(&it->data, &it->vendor_skip) != 0)
				return -EBADMSG;
			it->next_ns = RADIOTAP_NS_OTHER;
			continue;
		}
		if (it->vendor)
			continue;
		idx = it->base + b;
		if (idx >= RADIOTAP_TLV) {
			/* Size unknown: nothing after it can be found. */
			it->stopped = true;
			it->bit = 32;
			it->ext = false;
			return 0;
		}
		if (cur_align(&it->data, radiotap_table[idx].align) != 0 ||
		    cur_get_bytes(&it->data, radiotap_table[idx].size, &p) != 0)
			return -EBADMSG;
		ret->bit = idx;
		ret->data = p;
		ret->len = radiotap_table[idx].size;
		return 1;
	}
}

/* A rate from MCS/VHT/HE, unless the Rate field already gave one. */
static void
radiotap_set_rate(struct packet_radio *r, uint32_t kbps)
{
	if (kbps != 0 && !(r->has & RADIO_HAS_RATE)) {
		r->rate_kbps = kbps;
		r->has |= RADIO_HAS_RATE;
	}
}

/*
 * A frame has one PHY: the first MCS, VHT or HE field describes it, and
 * a later one (a malformed or merged header) must not mix its MCS, streams
 * or width into the first one's.
 */
#define RADIOTAP_HAS_PHY	(RADIO_HAS_MCS | RADIO_HAS_VHT | RADIO_HAS_HE)

/* Radiotap VHT bandwidth code to channel width in MHz. */
static unsigned
radiotap_vht_bw(uint8_t code)
{
	if (code == 0)
		return 20;
	if (code <= 3)
		return 40;
	if (code <= 10)
		return 80;
	if (code <= 25)
		return 160;
	return 0;
}

static void
radiotap_mcs(struct cursor *c, struct packet_radio *r)
{
	uint8_t known, flags, mcs;
	unsigned bw = 20;
	bool sgi;

	if (cur_get_u8(c, &known) != 0 || cur_get_u8(c, &flags) != 0 ||
	    cur_get_u8(c, &mcs) != 0)
		return;
	if ((known & 0x02) == 0 || (r->has & RADIOTAP_HAS_PHY))
		return;
	r->has |= RADIO_HAS_MCS;
	r->mcs = mcs;
	r->nss = mcs < 32 ? mcs / 8 + 1 : 1;
	/* Bandwidth codes 2 and 3 are the lower/upper 20 MHz of a 40. */
	if (known & 0x01) {
		bw = (flags & 0x03) == 1 ? 40 : 20;
		r->bw_mhz = (uint16_t)bw;
	}
	/* Without a GI bit here, the Flags field's short GI bit says it. */
	if (known & 0x04)
		sgi = (flags & 0x04) != 0;
	else
		sgi = (r->flags & RADIOTAP_F_SHORTGI) != 0;
	/* At 60 GHz the index is a DMG MCS, not in the HT tables. */
	if (r->freq_mhz < 45000)
		radiotap_set_rate(r, phy_ht_rate_kbps(mcs, bw, sgi));
}

static void
radiotap_vht(struct cursor *c, struct packet_radio *r)
{
	uint16_t known;
	uint8_t flags, bwcode, mcs_nss[4];
	unsigned i, bw = 0;

	if (cur_get_le16(c, &known) != 0 || cur_get_u8(c, &flags) != 0 ||
	    cur_get_u8(c, &bwcode) != 0 ||
	    cur_copy(c, mcs_nss, sizeof(mcs_nss)) != 0)
		return;
	if (r->has & RADIOTAP_HAS_PHY)
		return;
	/* The first user with streams; single-user frames use user 0. */
	for (i = 0; i < 4 && (mcs_nss[i] & 0x0f) == 0; i++)
		;
	if (i == 4)
		return;
	r->has |= RADIO_HAS_VHT;
	r->mcs = mcs_nss[i] >> 4;
	r->nss = mcs_nss[i] & 0x0f;
	if (known & 0x0040) {
		bw = radiotap_vht_bw(bwcode);
		r->bw_mhz = (uint16_t)bw;
	}
	if (bw != 0)
		radiotap_set_rate(r, phy_vht_rate_kbps(r->mcs, r->nss, bw,
		    (known & 0x0004) && (flags & 0x04)));
}

static void
radiotap_he(struct cursor *c, struct packet_radio *r)
{
	static const unsigned gi_ns[4] = { 800, 1600, 3200, 0 };
	static const unsigned bws[4] = { 20, 40, 80, 160 };
	uint16_t d[6];
	unsigned i, bw = 0, gi = 0;

	for (i = 0; i < 6; i++)
		if (cur_get_le16(c, &d[i]) != 0)
			return;
	if (r->has & RADIOTAP_HAS_PHY)
		return;
	r->has |= RADIO_HAS_HE;
	/* data1: 0x0020 MCS known, 0x4000 bandwidth/RU known. */
	if (d[0] & 0x0020)
		r->mcs = (d[2] >> 8) & 0x0f;
	r->nss = d[5] & 0x0f;
	if ((d[0] & 0x4000) && (d[4] & 0x0f) < 4) {
		bw = bws[d[4] & 0x0f];
		r->bw_mhz = (uint16_t)bw;
	}
	/* data2: 0x0002 guard interval known. */
	if (d[1] & 0x0002)
		gi = gi_ns[(d[4] >> 4) & 0x03];
	if ((d[0] & 0x0020) && bw != 0 && gi != 0)
		radiotap_set_rate(r, phy_he_rate_kbps(r->mcs, r->nss, bw, gi));
}

static void
radiotap_field(const struct radiotap_field *f, struct packet_radio *r)
{
	struct cursor c;
	uint32_t xflags;
	uint16_t freq, cflags;
	uint8_t u8;

	cur_init(&c, f->data, f->len);
	switch (f->bit) {
	case RADIOTAP_TSFT:
		if (cur_get_le64(&c, &r->tsft) == 0)
			r->has |= RADIO_HAS_TSFT;
		break;
	case RADIOTAP_FLAGS:
		if ((r->has & RADIO_HAS_FLAGS) ||
		    cur_get_u8(&c, &r->flags) != 0)
			break;
		r->has |= RADIO_HAS_FLAGS;
		r->fcs_present = (r->flags & RADIOTAP_F_FCS) != 0;
		r->fcs_bad = (r->flags & RADIOTAP_F_BADFCS) != 0;
		break;
	case RADIOTAP_RATE:
		/* 0 means "not known"; an MCS field may give the rate. */
		if (cur_get_u8(&c, &u8) == 0 && u8 != 0 &&
		    !(r->has & RADIO_HAS_RATE)) {
			r->rate_kbps = u8 * 500u;
			r->has |= RADIO_HAS_RATE;
		}
		break;
	case RADIOTAP_CHANNEL:
		if (cur_get_le16(&c, &freq) != 0 ||
		    cur_get_le16(&c, &cflags) != 0)
			break;
		if (freq != 0 && !(r->has & RADIO_HAS_FREQ)) {
			r->freq_mhz = freq;
			r->chan_flags = cflags;
			r->has |= RADIO_HAS_FREQ;
		}
		break;
	case RADIOTAP_XCHANNEL:
		if (cur_get_le32(&c, &xflags) != 0 ||
		    cur_get_le16(&c, &freq) != 0)
			break;
		if (freq != 0 && !(r->has & RADIO_HAS_FREQ)) {
			r->freq_mhz = freq;
			r->chan_flags = (uint16_t)xflags;
			r->has |= RADIO_HAS_FREQ;
		}
		break;
	case RADIOTAP_DBM_ANTSIGNAL:
		/* The first is the combined signal; later ones per chain. */
		if (!(r->has & RADIO_HAS_SIGNAL) && cur_get_u8(&c, &u8) == 0) {
			r->signal_dbm = (int8_t)u8;
			r->has |= RADIO_HAS_SIGNAL;
		}
		break;
	case RADIOTAP_DBM_ANTNOISE:
		if (!(r->has & RADIO_HAS_NOISE) && cur_get_u8(&c, &u8) == 0) {
			r->noise_dbm = (int8_t)u8;
			r->has |= RADIO_HAS_NOISE;
		}
		break;
	case RADIOTAP_ANTENNA:
		if (!(r->has & RADIO_HAS_ANTENNA) &&
		    cur_get_u8(&c, &r->antenna) == 0)
			r->has |= RADIO_HAS_ANTENNA;
		break;
	case RADIOTAP_MCS:
		radiotap_mcs(&c, r);
		break;
	case RADIOTAP_VHT:
		radiotap_vht(&c, r);
		break;
	case RADIOTAP_HE:
		radiotap_he(&c, r);
		break;
	default:
		break;
	}
}

int
radiotap_decode(const uint8_t *buf, size_t len, struct packet_radio *r,
    size_t *ret_len)
{
	struct radiotap_iter it;
	struct radiotap_field f;
	size_t hdr_len;
	int rc;

	memset(r, 0, sizeof(*r));
	if (radiotap_iter_init(&it, buf, len, &hdr_len) != 0)
		return -EBADMSG;
	while ((rc = radiotap_iter_next(&it, &f)) > 0)
		radiotap_field(&f, r);
	if (rc < 0)
		return -EBADMSG;
	*ret_len = hdr_len;
	return 0;
}
