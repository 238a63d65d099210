/* SPDX-License-Identifier: ISC */
/*
 * \summary: 802.11 MAC frame decoder: header, fixed fields, data body
 */
#ifndef DAEMON_DOT11_H
#define DAEMON_DOT11_H

#include <stddef.h>
#include <stdint.h>

struct packet_dot11;

/* Frame control bits (IEEE 802.11-2020 §9.2.4.1), host order. */
#define DOT11_FC_VERSION	0x0003
#define DOT11_FC_TODS		0x0100
#define DOT11_FC_FROMDS		0x0200
#define DOT11_FC_MOREFRAG	0x0400
#define DOT11_FC_RETRY		0x0800
#define DOT11_FC_PWRMGT		0x1000
#define DOT11_FC_MOREDATA	0x2000
#define DOT11_FC_PROTECTED	0x4000
#define DOT11_FC_ORDER		0x8000

/* Control subtypes with one address (RA) only. */
#define DOT11_CTRL_WRAPPER	7
#define DOT11_CTRL_PSPOLL	10
#define DOT11_CTRL_CTS		12
#define DOT11_CTRL_ACK		13
#define DOT11_CTRL_CFEND	14
#define DOT11_CTRL_CFEND_ACK	15

/* Capability Information: privacy (WEP or better). */
#define DOT11_CAP_PRIVACY	0x0010

/* dot11_decode flags. */
#define DOT11_F_DATAPAD		0x01	/* radiotap: body 4-aligned */
#define DOT11_F_CUT		0x02	/* capture ends before the frame */

/* dot11_decode's own errors, beyond errno (style: from 1000). */
#define DOT11_ERR_SHORT		1001	/* header cut short */
#define DOT11_ERR_BODY		1002	/* header good, rest malformed */

/*
 * Decode the 802.11 frame at frame (len bytes, FCS already removed) into
 * *d, which it clears first: frame control, duration, addresses by
 * frame type and DS bits (SA, DA, BSSID, TA, RA), sequence, QoS, the
 * fixed fields and elements of management frames, the LLC/SNAP ethertype
 * of unprotected data and EAPOL-Key handshake messages.  Pointers in *d
 * point into frame.  On error *d keeps what was read before the fault.
 * Returns 0, -DOT11_ERR_SHORT or -DOT11_ERR_BODY.
 */
int	dot11_decode(const uint8_t *frame, size_t len, unsigned flags,
	    struct packet_dot11 *d);

#endif
