/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's frame decoder: radio header, then 802.11
 */
#ifndef DAEMON_DECODE_H
#define DAEMON_DECODE_H

struct packet;

/*
 * Decode one captured frame.  The caller fills the capture part of *p
 * (dlt, data, caplen, len); this fills .radio, .frame/.frame_len (the
 * 802.11 frame without radio header or FCS), .dot11 and .error, with
 * pointers into p->data and no allocation.  Returns 0, or a negative
 * errno with p->error saying which stage failed: -EPROTONOSUPPORT
 * (PACKET_ERR_DLT) for a link type osprey does not decode, -EBADMSG for
 * a malformed radio header (PACKET_ERR_RADIO), a frame the radio header
 * marks as failing its FCS (PACKET_ERR_FCS; .dot11 is then left empty,
 * as its bytes cannot be trusted), a truncated 802.11 header
 * (PACKET_ERR_SHORT) or a malformed 802.11 body (PACKET_ERR_DOT11; what
 * came before the fault is filled in).
 */
int	decode_packet(struct packet *p);

#endif
