/* SPDX-License-Identifier: ISC */
/*
 * \summary: Prism II monitor header decoder (DLT 119)
 */
#ifndef DAEMON_PRISM_H
#define DAEMON_PRISM_H

#include <stddef.h>
#include <stdint.h>

struct packet_radio;

#define PRISM_HDR_MIN	24	/* message code, length, device name */

/*
 * Decode a Prism monitor header into *r (cleared first): MAC time,
 * channel (and the frequency it implies), dBm signal and noise when the
 * values are plausible dBm, and rate.  Some wlan-ng drivers put an AVS
 * header under this link type; it is recognised by its magic and handed
 * to avs_decode().  Returns 0 and the header length in *ret_len, or
 * -EBADMSG for a malformed header.
 */
int	prism_decode(const uint8_t *buf, size_t len, struct packet_radio *r,
	    size_t *ret_len);

#endif
