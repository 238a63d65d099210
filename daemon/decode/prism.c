/* SPDX-License-Identifier: ISC */
/*
 * \summary: Prism II monitor header decoder (DLT 119)
 *
 * The header the linux-wlan-ng, HostAP and MadWifi drivers prepend, in
 * the byte order of the capturing host:
 *
 *	+---------+--------+--------------+----------------------------+
 *	| msgcode | msglen | devname[16]  | items, 12 bytes each:      |
 *	| u32     | u32    |              | did u32, status u16,       |
 *	|         |        |              | len u16, data u32          |
 *	+---------+--------+--------------+----------------------------+
 *
 * Item kinds come from the DID: 0x000N0044 in most captures, 0x0000N041
 * in those whose message code is 0x41.  N: 1 host time, 2 MAC time,
 * 3 channel, 4 RSSI, 5 signal quality, 6 signal, 7 noise, 8 rate
 * (500 kb/s), 9 is-TX, 10 frame length.  status 0 means "supplied".
 * The units of RSSI, signal and noise vary by driver: only negative
 * values, which can only be dBm, are reported as dBm.
 */

#include <errno.h>
#include <string.h>

#include "avs.h"
#include "cursor.h"
#include "packet.h"
#include "phy.h"
#include "prism.h"

#define PRISM_MSGCODE_1		0x44
#define PRISM_MSGCODE_2		0x41

enum prism_item {
	PRISM_MACTIME = 2,
	PRISM_CHANNEL = 3,
	PRISM_RSSI = 4,
	PRISM_NOISE = 7,
	PRISM_RATE = 8,
};

/* Read a u32 in the header's byte order. */
static int
prism_get32(struct cursor *c, bool be, uint32_t *ret)
{
	return be ? cur_get_be32(c, ret) : cur_get_le32(c, ret);
}

static int
prism_get16(struct cursor *c, bool be, uint16_t *ret)
{
	return be ? cur_get_be16(c, ret) : cur_get_le16(c, ret);
}

static unsigned
prism_kind(uint32_t did)
{
	if ((did & 0xffff) == 0x0044)
		return did >> 16;
	if ((did & 0xffff0fff) == 0x0041)
		return (did >> 12) & 0x0f;
	return 0;
}

/* A value plausible as dBm: drivers that report relative units never
 * go negative. */
static bool
prism_dbm(uint32_t v, int16_t *ret)
{
	int32_t s = (int32_t)v;

	if (s < -127 || s > -1)
		return false;
	*ret = (int16_t)s;
	return true;
}

static void
prism_item(unsigned kind, uint32_t v, struct packet_radio *r)
{
	switch (kind) {
	case PRISM_MACTIME:
		r->tsft = v;
		r->has |= RADIO_HAS_TSFT;
		break;
	case PRISM_CHANNEL:
		if (v == 0 || v > 255)
			break;
		r->channel = (uint16_t)v;
		r->has |= RADIO_HAS_CHANNEL;
		if ((r->freq_mhz = (uint16_t)phy_channel_to_freq(v)) != 0)
			r->has |= RADIO_HAS_FREQ;
		break;
	case PRISM_RSSI:
		if (prism_dbm(v, &r->signal_dbm))
			r->has |= RADIO_HAS_SIGNAL;
		break;
	case PRISM_NOISE:
		if (prism_dbm(v, &r->noise_dbm))
			r->has |= RADIO_HAS_NOISE;
		break;
	case PRISM_RATE:
		if (v != 0 && v < 10000) {
			r->rate_kbps = v * 500;
			r->has |= RADIO_HAS_RATE;
		}
		break;
	default:
		break;
	}
}

int
prism_decode(const uint8_t *buf, size_t len, struct packet_radio *r,
    size_t *ret_len)
{
	struct cursor c;
	uint32_t code_le, code_be, msglen, did, v;
	uint16_t status, ilen;
	bool be;

	if (avs_is_avs(buf, len))
		return avs_decode(buf, len, r, ret_len);
	memset(r, 0, sizeof(*r));
	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &code_le) != 0)
		return -EBADMSG;
	c.off = 0;
	(void)cur_get_be32(&c, &code_be);
	if (code_le == PRISM_MSGCODE_1 || code_le == PRISM_MSGCODE_2)
		be = false;
	else if (code_be == PRISM_MSGCODE_1 || code_be == PRISM_MSGCODE_2)
		be = true;
	else
		return -EBADMSG;
	if (prism_get32(&c, be, &msglen) != 0 || msglen < PRISM_HDR_MIN ||
	    msglen > len)
		return -EBADMSG;

	cur_init(&c, buf, msglen);
	c.off = PRISM_HDR_MIN;
	/* A short tail after the last whole item is ignored. */
	while (prism_get32(&c, be, &did) == 0 &&
	    prism_get16(&c, be, &status) == 0 &&
	    prism_get16(&c, be, &ilen) == 0 && prism_get32(&c, be, &v) == 0)
		if (status == 0)
			prism_item(prism_kind(did), v, r);
	*ret_len = msglen;
	return 0;
}
