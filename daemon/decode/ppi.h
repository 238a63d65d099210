/* SPDX-License-Identifier: ISC */
/*
 * \summary: PPI (Per-Packet Information) header decoder (DLT 192)
 */
#ifndef DAEMON_PPI_H
#define DAEMON_PPI_H

#include <stddef.h>
#include <stdint.h>

struct packet_radio;

/* PPI field types (PPI Header Format 1.0.10, section 4). */
#define PPI_FIELD_80211_COMMON		2
#define PPI_FIELD_80211N_MAC		3
#define PPI_FIELD_80211N_MAC_PHY	4

#define PPI_HDR_LEN		8	/* version, flags, length, dlt */
#define PPI_COMMON_LEN		20
#define PPI_N_MAC_LEN		12
#define PPI_N_MAC_PHY_LEN	48

/*
 * Decode a PPI header into *r (cleared first): the 802.11-Common field
 * (TSFT, FCS present/invalid, rate, frequency, dBm signal and noise) and
 * the 802.11n MAC and MAC+PHY fields (width, short GI, MCS, streams).
 * Returns 0 and the header length in *ret_len; -EPROTONOSUPPORT when the
 * header wraps something other than bare 802.11 (DLT 105); -EBADMSG when
 * the header or a field is malformed or truncated.
 */
int	ppi_decode(const uint8_t *buf, size_t len, struct packet_radio *r,
	    size_t *ret_len);

#endif
