/* SPDX-License-Identifier: ISC */
/*
 * \summary: EAPOL-Key frames of the WPA/RSN 4-way handshake
 */
#ifndef DAEMON_EAPOL_H
#define DAEMON_EAPOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dot11_eapol;

#define EAPOL_ETHERTYPE		0x888e

/* Key Information bits (IEEE 802.11-2020 Figure 12-33). */
#define EAPOL_KI_PAIRWISE	0x0008
#define EAPOL_KI_INSTALL	0x0040
#define EAPOL_KI_ACK		0x0080
#define EAPOL_KI_MIC		0x0100
#define EAPOL_KI_SECURE		0x0200

/*
 * The 4-way handshake message that a Key Information field and Key Data
 * Length (data_len < 0 when the capture cut it off) stand for: 1 to 4,
 * or 0 for a group key or otherwise unrecognised frame.
 */
uint8_t	eapol_key_msg(uint16_t key_info, int data_len);

/*
 * Parse an EAPOL frame (the bytes after the LLC/SNAP header) into *e,
 * which the caller has zeroed.  Frames other than an RSN or WPA EAPOL-Key
 * leave *e zero.  A Key frame cut short by the capture (cut true) is
 * taken as far as it goes.  Returns 0, or -EBADMSG when a frame captured
 * whole is too short for what its header says.
 */
int	eapol_parse(const uint8_t *buf, size_t len, bool cut,
	    struct dot11_eapol *e);

#endif
