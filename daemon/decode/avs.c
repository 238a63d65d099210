/* SPDX-License-Identifier: ISC */
/*
 * \summary: AVS (wlan-ng capture frame) header decoder (DLT 163)
 *
 * wlan-ng "AVS Capture Frame Format" 2.1, all fields big-endian:
 *
 *	 0 version u32 (0x8021100N)	 4 length u32 (header bytes)
 *	 8 mactime u64			16 hosttime u64
 *	24 phytype u32			28 channel u32
 *	32 datarate u32 (100 kb/s)	36 antenna u32
 *	40 priority u32			44 ssi_type u32 (2 = dBm)
 *	48 ssi_signal s32		52 ssi_noise s32
 *	56 preamble u32			60 encoding u32
 *	64 (version 2: sequence, drops, sniffer address, padding)
 */

#include <errno.h>
#include <string.h>

#include "avs.h"
#include "cursor.h"
#include "packet.h"
#include "phy.h"

#define AVS_SSI_DBM	2

bool
avs_is_avs(const uint8_t *buf, size_t len)
{
	struct cursor c;
	uint32_t v;

	cur_init(&c, buf, len);
	return cur_get_be32(&c, &v) == 0 && (v & AVS_MAGIC_MASK) == AVS_MAGIC;
}

int
avs_decode(const uint8_t *buf, size_t len, struct packet_radio *r,
    size_t *ret_len)
{
	struct cursor c;
	uint32_t version, hlen, phytype, channel, rate, antenna, prio;
	uint32_t ssi_type, sig, noise;
	uint64_t hosttime;

	memset(r, 0, sizeof(*r));
	cur_init(&c, buf, len);
	if (cur_get_be32(&c, &version) != 0 || cur_get_be32(&c, &hlen) != 0)
		return -EBADMSG;
	if ((version & AVS_MAGIC_MASK) != AVS_MAGIC || hlen < AVS_HDR_LEN ||
	    hlen > len)
		return -EBADMSG;
	if (cur_get_be64(&c, &r->tsft) != 0 ||
	    cur_get_be64(&c, &hosttime) != 0 ||
	    cur_get_be32(&c, &phytype) != 0 ||
	    cur_get_be32(&c, &channel) != 0 ||
	    cur_get_be32(&c, &rate) != 0 || cur_get_be32(&c, &antenna) != 0 ||
	    cur_get_be32(&c, &prio) != 0 || cur_get_be32(&c, &ssi_type) != 0 ||
	    cur_get_be32(&c, &sig) != 0 || cur_get_be32(&c, &noise) != 0)
		return -EBADMSG;

	if (r->tsft != 0)
		r->has |= RADIO_HAS_TSFT;
	if (channel != 0 && channel < 256) {
		r->channel = (uint16_t)channel;
		r->has |= RADIO_HAS_CHANNEL;
		if ((r->freq_mhz = (uint16_t)phy_channel_to_freq(channel)) != 0)
			r->has |= RADIO_HAS_FREQ;
	}
	if (rate != 0 && rate < 100000) {
		r->rate_kbps = rate * 100;
		r->has |= RADIO_HAS_RATE;
	}
	if (antenna < 256) {
		r->antenna = (uint8_t)antenna;
		r->has |= RADIO_HAS_ANTENNA;
	}
	/* Signal and noise are only dBm when ssi_type says so. */
	if (ssi_type == AVS_SSI_DBM) {
		if ((int32_t)sig >= -127 && (int32_t)sig <= 0) {
			r->signal_dbm = (int16_t)(int32_t)sig;
			r->has |= RADIO_HAS_SIGNAL;
		}
		if ((int32_t)noise >= -127 && (int32_t)noise <= 0) {
			r->noise_dbm = (int16_t)(int32_t)noise;
			r->has |= RADIO_HAS_NOISE;
		}
	}
	r->fcs_present = true;
	*ret_len = hlen;
	return 0;
}
