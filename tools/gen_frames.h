/* SPDX-License-Identifier: ISC */
/*
 * \summary: byte builders for radiotap headers and 802.11 frames
 *
 * The generator assembles each frame in one fixed buffer: an optional
 * radiotap header, the 802.11 header, a body, and an optional FCS.  The
 * builders here know the wire layouts (radiotap field ids and alignment,
 * IEEE 802.11-2020 §9.2-§9.3, EAPOL-Key of 802.11-2020 §12.7.2, LLC/SNAP,
 * IPv4, ICMP, ARP); the simulation in gen_sim.c decides what to say.
 */
#ifndef TOOLS_GEN_FRAMES_H
#define TOOLS_GEN_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct gen_rand;

/* Big enough for a radiotap header, a 2304-byte MSDU and its wrapping. */
#define GEN_FRAME_MAX		4096

struct gen_buf {
	size_t		 len;
	uint8_t		 data[GEN_FRAME_MAX];
};

/* Called when a builder would run past GEN_FRAME_MAX: a generator bug. */
void	gen_buf_overflow(void) __attribute__((noreturn));

static inline uint8_t *
gen_put(struct gen_buf *b, size_t n)
{
	uint8_t *p;

	if (n > GEN_FRAME_MAX - b->len)
		gen_buf_overflow();
	p = b->data + b->len;
	b->len += n;
	return p;
}

static inline void
gen_put_u8(struct gen_buf *b, uint8_t v)
{
	*gen_put(b, 1) = v;
}

static inline void
gen_put_le16(struct gen_buf *b, uint16_t v)
{
	uint8_t *p = gen_put(b, 2);

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
gen_put_be16(struct gen_buf *b, uint16_t v)
{
	uint8_t *p = gen_put(b, 2);

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
gen_put_le32(struct gen_buf *b, uint32_t v)
{
	uint8_t *p = gen_put(b, 4);

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void
gen_put_le64(struct gen_buf *b, uint64_t v)
{
	gen_put_le32(b, (uint32_t)v);
	gen_put_le32(b, (uint32_t)(v >> 32));
}

static inline void
gen_put_be64(struct gen_buf *b, uint64_t v)
{
	gen_put_be16(b, (uint16_t)(v >> 48));
	gen_put_be16(b, (uint16_t)(v >> 32));
	gen_put_be16(b, (uint16_t)(v >> 16));
	gen_put_be16(b, (uint16_t)v);
}

static inline void
gen_put_bytes(struct gen_buf *b, const void *src, size_t n)
{
	uint8_t *p = gen_put(b, n);

	if (n > 0)
		memcpy(p, src, n);
}

static inline void
gen_put_zero(struct gen_buf *b, size_t n)
{
	uint8_t *p = gen_put(b, n);

	memset(p, 0, n);
}

/* Frame control values, as the 16-bit little-endian field reads. */
#define GEN_FC_ASSOC_REQ	0x0000
#define GEN_FC_ASSOC_RESP	0x0010
#define GEN_FC_PROBE_REQ	0x0040
#define GEN_FC_PROBE_RESP	0x0050
#define GEN_FC_BEACON		0x0080
#define GEN_FC_DISASSOC		0x00a0
#define GEN_FC_AUTH		0x00b0
#define GEN_FC_DEAUTH		0x00c0
#define GEN_FC_ACTION		0x00d0
#define GEN_FC_BAR		0x0084
#define GEN_FC_BA		0x0094
#define GEN_FC_RTS		0x00b4
#define GEN_FC_CTS		0x00c4
#define GEN_FC_ACK		0x00d4
#define GEN_FC_DATA		0x0008
#define GEN_FC_NULL		0x0048
#define GEN_FC_QOS_DATA		0x0088
#define GEN_FC_QOS_NULL		0x00c8
#define GEN_FC_TODS		0x0100
#define GEN_FC_FROMDS		0x0200
#define GEN_FC_RETRY		0x0800
#define GEN_FC_PWRMGT		0x1000
#define GEN_FC_PROTECTED	0x4000

/* How a frame was modulated, which decides the radiotap fields. */
enum gen_phy {
	GEN_PHY_CCK,		/* 802.11b: Rate field */
	GEN_PHY_OFDM,		/* 802.11a/g: Rate field */
	GEN_PHY_HT,		/* 802.11n: MCS field */
	GEN_PHY_VHT,		/* 802.11ac: VHT field */
};

/* What the capturing radio reports about one received frame. */
struct gen_radio {
	uint64_t	 tsft;		/* the sensor's TSF, microseconds */
	uint16_t	 freq;		/* MHz */
	enum gen_phy	 phy;
	uint8_t		 rate;		/* CCK/OFDM, 500 kb/s units */
	uint8_t		 mcs;		/* HT: 0-31, VHT: 0-9 */
	uint8_t		 nss;		/* VHT spatial streams */
	uint16_t	 bw;		/* 20, 40 or 80 MHz */
	bool		 sgi;		/* short guard interval */
	bool		 short_preamble;
	int8_t		 signal;	/* dBm */
	int8_t		 noise;		/* dBm */
	uint8_t		 antenna;
};

/*
 * Append a radiotap header describing r.  fcs sets the Flags bit that
 * says the frame ends in its FCS.  Returns the header length.
 */
size_t	gen_radiotap(struct gen_buf *, const struct gen_radio *r, bool fcs);

/* IEEE 802.3 CRC-32, as the 802.11 FCS uses it. */
uint32_t gen_crc32(const uint8_t *, size_t);

/* Append the FCS of the bytes from offset start to the end. */
void	gen_fcs_append(struct gen_buf *, size_t start);

/* Microseconds on air for len bytes (with FCS) sent as r says. */
uint32_t gen_airtime(const struct gen_radio *r, size_t len);

/* The data rate of r in kb/s, for airtime and the frame's Duration. */
uint32_t gen_rate_kbps(const struct gen_radio *r);

/*
 * A three-address header (management and data frames): frame control,
 * duration, addr1-3, sequence control (seq is the 12-bit number).
 */
void	gen_hdr3(struct gen_buf *, uint16_t fc, uint16_t dur,
	    const uint8_t a1[6], const uint8_t a2[6], const uint8_t a3[6],
	    uint16_t seq);

/* Control frames (802.11-2020 §9.3.1): RTS, CTS, ACK, BAR, BA. */
void	gen_rts(struct gen_buf *, uint16_t dur, const uint8_t ra[6],
	    const uint8_t ta[6]);
void	gen_cts(struct gen_buf *, uint16_t dur, const uint8_t ra[6]);
void	gen_ack(struct gen_buf *, uint16_t dur, const uint8_t ra[6]);
void	gen_bar(struct gen_buf *, uint16_t dur, const uint8_t ra[6],
	    const uint8_t ta[6], uint8_t tid, uint16_t ssn);
void	gen_ba(struct gen_buf *, uint16_t dur, const uint8_t ra[6],
	    const uint8_t ta[6], uint8_t tid, uint16_t ssn, uint64_t bitmap);

/* Cipher wrapping for protected data (bytes of ciphertext from rnd). */
void	gen_ccmp(struct gen_buf *, struct gen_rand *, uint64_t pn,
	    uint8_t keyid, size_t plain_len);
void	gen_tkip(struct gen_buf *, struct gen_rand *, uint64_t tsc,
	    uint8_t keyid, size_t plain_len);
void	gen_wep(struct gen_buf *, struct gen_rand *, uint32_t iv,
	    uint8_t keyid, size_t plain_len);

/* RFC 1042 LLC/SNAP header carrying ethertype. */
void	gen_llc(struct gen_buf *, uint16_t ethertype);

/* ARP over Ethernet/IPv4; ips in host order. */
void	gen_arp(struct gen_buf *, uint16_t op, const uint8_t sha[6],
	    uint32_t spa, const uint8_t tha[6], uint32_t tpa);

/* IPv4 + ICMP echo (type 8 request, 0 reply) with payload_len bytes. */
void	gen_icmp_echo(struct gen_buf *, uint8_t type, uint32_t src,
	    uint32_t dst, uint16_t id, uint16_t seq, size_t payload_len,
	    uint16_t ip_id);

/*
 * IPv4 + UDP + DNS for an A record of name: a query from client to
 * server when answer is 0, else the server's response giving answer.
 */
void	gen_dns(struct gen_buf *, uint32_t client, uint32_t server,
	    uint16_t client_port, uint16_t txid, const char *name,
	    uint32_t answer, uint16_t ip_id);

/* EAPOL-Key descriptor fields a 4-way handshake message sets. */
struct gen_eapol_key {
	uint8_t		 desc;		/* 2 RSN, 254 WPA */
	uint16_t	 info;		/* key information bits */
	uint16_t	 key_len;	/* 16 CCMP, 32 TKIP */
	uint64_t	 replay;
	const uint8_t	*nonce;		/* 32 bytes or NULL for zeros */
	bool		 mic;		/* fill the MIC with random bytes */
	const uint8_t	*data;		/* key data */
	size_t		 data_len;
};

/* EAPOL (version 2) carrying an EAPOL-Key frame. */
void	gen_eapol_key(struct gen_buf *, struct gen_rand *,
	    const struct gen_eapol_key *);

/* EAPOL carrying an EAP packet (code, id, type; type 0 for none). */
void	gen_eapol_eap(struct gen_buf *, uint8_t code, uint8_t id,
	    uint8_t type, const void *data, size_t len);

#endif
