/* SPDX-License-Identifier: ISC */
/*
 * \summary: AVS (wlan-ng capture frame) header decoder (DLT 163)
 */
#ifndef DAEMON_AVS_H
#define DAEMON_AVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct packet_radio;

#define AVS_HDR_LEN	64		/* version 1; version 2 is longer */
#define AVS_MAGIC	0x80211000u	/* version word, low nibble = version */
#define AVS_MAGIC_MASK	0xfffffff0u

/* Whether buf starts with an AVS version word (for DLT 119 sniffing). */
bool	avs_is_avs(const uint8_t *buf, size_t len);

/*
 * Decode an AVS capture header into *r (cleared first): MAC time,
 * channel and the frequency it implies, rate, dBm signal and noise when
 * the header says its SSI is in dBm.  AVS frames always end in the FCS
 * (wlan-ng capturefrm.txt section 2), so fcs_present is set.  Returns 0
 * and the header length in *ret_len, or -EBADMSG.
 */
int	avs_decode(const uint8_t *buf, size_t len, struct packet_radio *r,
	    size_t *ret_len);

#endif
