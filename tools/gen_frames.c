/* SPDX-License-Identifier: ISC */
/*
 * \summary: byte builders for radiotap headers and 802.11 frames
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_frames.h"
#include "gen_rand.h"

void
gen_buf_overflow(void)
{
	fprintf(stderr, "osprey_gen: frame larger than %d bytes (bug)\n",
	    GEN_FRAME_MAX);
	abort();
}

/*
 * Radiotap (https://www.radiotap.org): an 8-byte header, then the fields
 * whose bits are set in the present word, in bit order, each aligned to
 * its natural size from the start of the header.
 *
 *   +---------+---------+-------------------+
 *   | version |   pad   |  length (LE16)    |
 *   +---------+---------+-------------------+
 *   |          present bitmap (LE32)        |
 *   +---------------------------------------+
 *   |  fields...                            |
 */
#define RT_TSFT		0
#define RT_FLAGS	1
#define RT_RATE		2
#define RT_CHANNEL	3
#define RT_DBM_SIGNAL	5
#define RT_DBM_NOISE	6
#define RT_ANTENNA	11
#define RT_RX_FLAGS	14
#define RT_MCS		19
#define RT_VHT		21

#define RT_F_SHORTPRE	0x02
#define RT_F_FCS	0x10

#define RT_CHAN_CCK	0x0020
#define RT_CHAN_OFDM	0x0040
#define RT_CHAN_2GHZ	0x0080
#define RT_CHAN_5GHZ	0x0100
#define RT_CHAN_DYN	0x0400

static void
rt_align(struct gen_buf *b, size_t start, size_t a)
{
	size_t off = b->len - start;

	gen_put_zero(b, (a - (off & (a - 1))) & (a - 1));
}

size_t
gen_radiotap(struct gen_buf *b, const struct gen_radio *r, bool fcs)
{
	size_t start = b->len;
	uint32_t present;
	uint16_t cflags;
	uint8_t flags = 0;

	present = 1U << RT_TSFT | 1U << RT_FLAGS | 1U << RT_CHANNEL |
	    1U << RT_DBM_SIGNAL | 1U << RT_DBM_NOISE | 1U << RT_ANTENNA |
	    1U << RT_RX_FLAGS;
	if (r->phy == GEN_PHY_CCK || r->phy == GEN_PHY_OFDM)
		present |= 1U << RT_RATE;
	else if (r->phy == GEN_PHY_HT)
		present |= 1U << RT_MCS;
	else
		present |= 1U << RT_VHT;

	gen_put_u8(b, 0);		/* version */
	gen_put_u8(b, 0);		/* pad */
	gen_put_le16(b, 0);		/* length, filled in below */
	gen_put_le32(b, present);

	gen_put_le64(b, r->tsft);	/* offset 8: already aligned */
	if (fcs)
		flags |= RT_F_FCS;
	if (r->short_preamble && r->phy == GEN_PHY_CCK)
		flags |= RT_F_SHORTPRE;
	gen_put_u8(b, flags);
	if (present & 1U << RT_RATE)
		gen_put_u8(b, r->rate);
	rt_align(b, start, 2);
	gen_put_le16(b, r->freq);
	if (r->freq < 3000) {
		cflags = RT_CHAN_2GHZ;
		cflags |= r->phy == GEN_PHY_CCK ? RT_CHAN_CCK :
		    r->phy == GEN_PHY_OFDM ? RT_CHAN_OFDM : RT_CHAN_DYN;
	} else
		cflags = RT_CHAN_5GHZ | RT_CHAN_OFDM;
	gen_put_le16(b, cflags);
	gen_put_u8(b, (uint8_t)r->signal);
	gen_put_u8(b, (uint8_t)r->noise);
	gen_put_u8(b, r->antenna);
	rt_align(b, start, 2);
	gen_put_le16(b, 0);		/* RX flags */
	if (r->phy == GEN_PHY_HT) {
		/* known: bandwidth, MCS, GI, format, FEC, STBC, Ness */
		gen_put_u8(b, 0x7f);
		gen_put_u8(b, (uint8_t)((r->bw == 40 ? 1 : 0) |
		    (r->sgi ? 0x04 : 0)));
		gen_put_u8(b, r->mcs);
	} else if (r->phy == GEN_PHY_VHT) {
		rt_align(b, start, 2);
		/* known: STBC, TXOP PS, GI, bandwidth */
		gen_put_le16(b, 0x0047);
		gen_put_u8(b, r->sgi ? 0x04 : 0);
		gen_put_u8(b, r->bw == 80 ? 4 : r->bw == 40 ? 1 : 0);
		gen_put_u8(b, (uint8_t)(r->mcs << 4 | r->nss));
		gen_put_zero(b, 3);	/* users 2-4 */
		gen_put_u8(b, 0);	/* coding: BCC */
		gen_put_u8(b, 0);	/* group id: single user */
		gen_put_le16(b, 0);	/* partial AID */
	}
	b->data[start + 2] = (uint8_t)(b->len - start);
	b->data[start + 3] = (uint8_t)((b->len - start) >> 8);
	return b->len - start;
}

static uint32_t crc_table[256];

uint32_t
gen_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffU;
	size_t i;

	if (crc_table[1] == 0) {
		uint32_t c, k, j;

		for (k = 0; k < 256; k++) {
			c = k;
			for (j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			crc_table[k] = c;
		}
	}
	for (i = 0; i < n; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffU;
}

void
gen_fcs_append(struct gen_buf *b, size_t start)
{
	gen_put_le32(b, gen_crc32(b->data + start, b->len - start));
}

/* HT MCS 0-7 at 20 MHz, long guard interval, kb/s per stream. */
static const uint32_t ht_rate20[10] = {
	6500, 13000, 19500, 26000, 39000, 52000, 58500, 65000, 78000, 86700
};

uint32_t
gen_rate_kbps(const struct gen_radio *r)
{
	uint32_t k;

	switch (r->phy) {
	case GEN_PHY_CCK:
	case GEN_PHY_OFDM:
		return (uint32_t)r->rate * 500;
	case GEN_PHY_HT:
		k = ht_rate20[r->mcs % 8] * (uint32_t)(r->mcs / 8 + 1);
		break;
	default:
		k = ht_rate20[r->mcs % 10] * (r->nss ? r->nss : 1);
		break;
	}
	/* Data subcarriers: 52 at 20 MHz, 108 at 40, 234 at 80. */
	if (r->bw == 40)
		k = k * 108 / 52;
	else if (r->bw == 80)
		k = k * 234 / 52;
	if (r->sgi)
		k = k * 10 / 9;
	return k;
}

uint32_t
gen_airtime(const struct gen_radio *r, size_t len)
{
	uint32_t kbps = gen_rate_kbps(r), pre;

	switch (r->phy) {
	case GEN_PHY_CCK:
		pre = r->short_preamble ? 96 : 192;
		break;
	case GEN_PHY_OFDM:
		pre = 20;
		break;
	default:
		pre = 36;
		break;
	}
	return pre + (uint32_t)(((uint64_t)len * 8000 + kbps - 1) / kbps);
}

void
gen_hdr3(struct gen_buf *b, uint16_t fc, uint16_t dur, const uint8_t a1[6],
    const uint8_t a2[6], const uint8_t a3[6], uint16_t seq)
{
	gen_put_le16(b, fc);
	gen_put_le16(b, dur);
	gen_put_bytes(b, a1, 6);
	gen_put_bytes(b, a2, 6);
	gen_put_bytes(b, a3, 6);
	gen_put_le16(b, (uint16_t)((seq & 0xfff) << 4));
}

void
gen_rts(struct gen_buf *b, uint16_t dur, const uint8_t ra[6],
    const uint8_t ta[6])
{
	gen_put_le16(b, GEN_FC_RTS);
	gen_put_le16(b, dur);
	gen_put_bytes(b, ra, 6);
	gen_put_bytes(b, ta, 6);
}

void
gen_cts(struct gen_buf *b, uint16_t dur, const uint8_t ra[6])
{
	gen_put_le16(b, GEN_FC_CTS);
	gen_put_le16(b, dur);
	gen_put_bytes(b, ra, 6);
}

void
gen_ack(struct gen_buf *b, uint16_t dur, const uint8_t ra[6])
{
	gen_put_le16(b, GEN_FC_ACK);
	gen_put_le16(b, dur);
	gen_put_bytes(b, ra, 6);
}

/*
 * BlockAckReq and BlockAck in their compressed form (802.11-2020
 * §9.3.1.7-8): control word with the compressed-bitmap bit (0x0004) and
 * the TID in bits 12-15, then the starting sequence control.
 */
void
gen_bar(struct gen_buf *b, uint16_t dur, const uint8_t ra[6],
    const uint8_t ta[6], uint8_t tid, uint16_t ssn)
{
	gen_put_le16(b, GEN_FC_BAR);
	gen_put_le16(b, dur);
	gen_put_bytes(b, ra, 6);
	gen_put_bytes(b, ta, 6);
	gen_put_le16(b, (uint16_t)(0x0004 | (tid & 0xf) << 12));
	gen_put_le16(b, (uint16_t)((ssn & 0xfff) << 4));
}

void
gen_ba(struct gen_buf *b, uint16_t dur, const uint8_t ra[6],
    const uint8_t ta[6], uint8_t tid, uint16_t ssn, uint64_t bitmap)
{
	gen_put_le16(b, GEN_FC_BA);
	gen_put_le16(b, dur);
	gen_put_bytes(b, ra, 6);
	gen_put_bytes(b, ta, 6);
	gen_put_le16(b, (uint16_t)(0x0004 | (tid & 0xf) << 12));
	gen_put_le16(b, (uint16_t)((ssn & 0xfff) << 4));
	gen_put_le64(b, bitmap);
}

/*
 * CCMP header (802.11-2020 §12.5.3.2): PN0 PN1 reserved
 * keyid<<6|ExtIV PN2 PN3 PN4 PN5, then the ciphertext and an 8-byte MIC.
 */
void
gen_ccmp(struct gen_buf *b, struct gen_rand *rnd, uint64_t pn, uint8_t keyid,
    size_t plain_len)
{
	gen_put_u8(b, (uint8_t)pn);
	gen_put_u8(b, (uint8_t)(pn >> 8));
	gen_put_u8(b, 0);
	gen_put_u8(b, (uint8_t)(0x20 | (keyid & 3) << 6));
	gen_put_u8(b, (uint8_t)(pn >> 16));
	gen_put_u8(b, (uint8_t)(pn >> 24));
	gen_put_u8(b, (uint8_t)(pn >> 32));
	gen_put_u8(b, (uint8_t)(pn >> 40));
	gen_rand_bytes(rnd, gen_put(b, plain_len + 8), plain_len + 8);
}

/*
 * TKIP (§12.5.2.2): TSC1, WEPSeed, TSC0, keyid<<6|ExtIV, TSC2-5, then
 * ciphertext, the Michael MIC (8) and the ICV (4), all encrypted.
 */
void
gen_tkip(struct gen_buf *b, struct gen_rand *rnd, uint64_t tsc, uint8_t keyid,
    size_t plain_len)
{
	uint8_t tsc1 = (uint8_t)(tsc >> 8);

	gen_put_u8(b, tsc1);
	gen_put_u8(b, (uint8_t)((tsc1 | 0x20) & 0x7f));
	gen_put_u8(b, (uint8_t)tsc);
	gen_put_u8(b, (uint8_t)(0x20 | (keyid & 3) << 6));
	gen_put_u8(b, (uint8_t)(tsc >> 16));
	gen_put_u8(b, (uint8_t)(tsc >> 24));
	gen_put_u8(b, (uint8_t)(tsc >> 32));
	gen_put_u8(b, (uint8_t)(tsc >> 40));
	gen_rand_bytes(rnd, gen_put(b, plain_len + 12), plain_len + 12);
}

/* WEP (§12.3.2.2): 3-byte IV, keyid<<6, ciphertext, 4-byte ICV. */
void
gen_wep(struct gen_buf *b, struct gen_rand *rnd, uint32_t iv, uint8_t keyid,
    size_t plain_len)
{
	gen_put_u8(b, (uint8_t)(iv >> 16));
	gen_put_u8(b, (uint8_t)(iv >> 8));
	gen_put_u8(b, (uint8_t)iv);
	gen_put_u8(b, (uint8_t)((keyid & 3) << 6));
	gen_rand_bytes(rnd, gen_put(b, plain_len + 4), plain_len + 4);
}

void
gen_llc(struct gen_buf *b, uint16_t ethertype)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

	gen_put_bytes(b, snap, sizeof(snap));
	gen_put_be16(b, ethertype);
}

void
gen_arp(struct gen_buf *b, uint16_t op, const uint8_t sha[6], uint32_t spa,
    const uint8_t tha[6], uint32_t tpa)
{
	gen_put_be16(b, 1);		/* Ethernet */
	gen_put_be16(b, 0x0800);	/* IPv4 */
	gen_put_u8(b, 6);
	gen_put_u8(b, 4);
	gen_put_be16(b, op);
	gen_put_bytes(b, sha, 6);
	gen_put_be16(b, (uint16_t)(spa >> 16));
	gen_put_be16(b, (uint16_t)spa);
	gen_put_bytes(b, tha, 6);
	gen_put_be16(b, (uint16_t)(tpa >> 16));
	gen_put_be16(b, (uint16_t)tpa);
}

/* RFC 1071 ones' complement sum, folded, not yet inverted. */
static uint32_t
inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void
put_be16_at(struct gen_buf *b, size_t off, uint16_t v)
{
	b->data[off] = (uint8_t)(v >> 8);
	b->data[off + 1] = (uint8_t)v;
}

/* An IPv4 header of 20 bytes; returns its offset for the checksum. */
static size_t
put_ipv4(struct gen_buf *b, uint8_t proto, uint32_t src, uint32_t dst,
    size_t payload_len, uint16_t ip_id, uint8_t ttl)
{
	size_t off = b->len;

	gen_put_u8(b, 0x45);
	gen_put_u8(b, 0);
	gen_put_be16(b, (uint16_t)(20 + payload_len));
	gen_put_be16(b, ip_id);
	gen_put_be16(b, 0x4000);	/* don't fragment */
	gen_put_u8(b, ttl);
	gen_put_u8(b, proto);
	gen_put_be16(b, 0);
	gen_put_be16(b, (uint16_t)(src >> 16));
	gen_put_be16(b, (uint16_t)src);
	gen_put_be16(b, (uint16_t)(dst >> 16));
	gen_put_be16(b, (uint16_t)dst);
	put_be16_at(b, off + 10, (uint16_t)~inet_sum(b->data + off, 20, 0));
	return off;
}

void
gen_icmp_echo(struct gen_buf *b, uint8_t type, uint32_t src, uint32_t dst,
    uint16_t id, uint16_t seq, size_t payload_len, uint16_t ip_id)
{
	size_t off, i;
	uint8_t *p;

	put_ipv4(b, 1, src, dst, 8 + payload_len, ip_id, type ? 64 : 57);
	off = b->len;
	gen_put_u8(b, type);
	gen_put_u8(b, 0);
	gen_put_be16(b, 0);
	gen_put_be16(b, id);
	gen_put_be16(b, seq);
	/* What ping(8) sends after its timestamp: counting bytes. */
	p = gen_put(b, payload_len);
	for (i = 0; i < payload_len; i++)
		p[i] = (uint8_t)(i + 0x10);
	put_be16_at(b, off + 2,
	    (uint16_t)~inet_sum(b->data + off, 8 + payload_len, 0));
}

void
gen_dns(struct gen_buf *b, uint32_t client, uint32_t server,
    uint16_t client_port, uint16_t txid, const char *name, uint32_t answer,
    uint16_t ip_id)
{
	size_t namelen = strlen(name) + 2, dnslen, udp;
	uint32_t src = answer ? server : client, dst = answer ? client : server;
	uint32_t sum;
	uint16_t csum;
	const char *s, *dot;

	dnslen = 12 + namelen + 4 + (answer ? 16 : 0);
	put_ipv4(b, 17, src, dst, 8 + dnslen, ip_id, answer ? 58 : 64);
	udp = b->len;
	gen_put_be16(b, answer ? 53 : client_port);
	gen_put_be16(b, answer ? client_port : 53);
	gen_put_be16(b, (uint16_t)(8 + dnslen));
	gen_put_be16(b, 0);
	gen_put_be16(b, txid);
	gen_put_be16(b, answer ? 0x8180 : 0x0100);	/* RD (+QR, RA) */
	gen_put_be16(b, 1);				/* questions */
	gen_put_be16(b, answer ? 1 : 0);		/* answers */
	gen_put_be16(b, 0);
	gen_put_be16(b, 0);
	for (s = name; *s != '\0'; s = *dot ? dot + 1 : dot) {
		if ((dot = strchr(s, '.')) == NULL)
			dot = s + strlen(s);
		gen_put_u8(b, (uint8_t)(dot - s));
		gen_put_bytes(b, s, (size_t)(dot - s));
	}
	gen_put_u8(b, 0);
	gen_put_be16(b, 1);		/* A */
	gen_put_be16(b, 1);		/* IN */
	if (answer) {
		gen_put_be16(b, 0xc00c);	/* the name at offset 12 */
		gen_put_be16(b, 1);
		gen_put_be16(b, 1);
		gen_put_be16(b, 0);
		gen_put_be16(b, 300);		/* TTL */
		gen_put_be16(b, 4);
		gen_put_be16(b, (uint16_t)(answer >> 16));
		gen_put_be16(b, (uint16_t)answer);
	}
	/* UDP checksum over the pseudo-header and the datagram. */
	sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    17 + (uint32_t)(8 + dnslen);
	sum = inet_sum(b->data + udp, 8 + dnslen, sum);
	csum = (uint16_t)~sum;
	/* Zero means "no checksum" in UDP, so a computed zero is sent as ~0. */
	put_be16_at(b, udp + 6, csum == 0 ? 0xffff : csum);
}

/*
 * EAPOL-Key (802.11-2020 §12.7.2, Figure 12-32), big-endian fields:
 *
 *   EAPOL: version(1) type=3(1) body length(2)
 *   descriptor type(1) key information(2) key length(2)
 *   replay counter(8) nonce(32) key IV(16) RSC(8) reserved(8)
 *   MIC(16) key data length(2) key data(n)
 */
void
gen_eapol_key(struct gen_buf *b, struct gen_rand *rnd,
    const struct gen_eapol_key *k)
{
	gen_put_u8(b, 2);			/* 802.1X-2004 */
	gen_put_u8(b, 3);			/* EAPOL-Key */
	gen_put_be16(b, (uint16_t)(95 + k->data_len));
	gen_put_u8(b, k->desc);
	gen_put_be16(b, k->info);
	gen_put_be16(b, k->key_len);
	gen_put_be64(b, k->replay);
	if (k->nonce != NULL)
		gen_put_bytes(b, k->nonce, 32);
	else
		gen_put_zero(b, 32);
	gen_put_zero(b, 16 + 8 + 8);		/* IV, RSC, reserved */
	if (k->mic)
		gen_rand_bytes(rnd, gen_put(b, 16), 16);
	else
		gen_put_zero(b, 16);
	gen_put_be16(b, (uint16_t)k->data_len);
	gen_put_bytes(b, k->data, k->data_len);
}

void
gen_eapol_eap(struct gen_buf *b, uint8_t code, uint8_t id, uint8_t type,
    const void *data, size_t len)
{
	size_t eaplen = 4 + (type ? 1 + len : 0);

	gen_put_u8(b, 2);
	gen_put_u8(b, 0);			/* EAP packet */
	gen_put_be16(b, (uint16_t)eaplen);
	gen_put_u8(b, code);
	gen_put_u8(b, id);
	gen_put_be16(b, (uint16_t)eaplen);
	if (type) {
		gen_put_u8(b, type);
		gen_put_bytes(b, data, len);
	}
}
