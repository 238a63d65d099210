/* SPDX-License-Identifier: ISC */
/*
 * \summary: pcapng block writer (SHB, IDB, EPB) into a caller's buffer
 *
 * The core's packet log and the web worker's live streams write the same
 * three blocks, so the encoding lives here once.  Blocks are written
 * little-endian (a reader learns the order from the SHB's byte-order
 * magic).  Nothing here allocates or does I/O: each writer fills buf and
 * returns the block's length, or -ENOSPC when cap is too small (nothing
 * useful is written then).
 *
 * Layout (pcapng draft, IETF opsawg-pcapng, section 4):
 *
 *    0                   1                   2                   3
 *   +---------------------------------------------------------------+
 *   |                          block type                           |
 *   +---------------------------------------------------------------+
 *   |                      block total length                       |
 *   +---------------------------------------------------------------+
 *   /               block body (padded to 32 bits)                  /
 *   /                options (code, length, value padded)           /
 *   +---------------------------------------------------------------+
 *   |                      block total length                       |
 *   +---------------------------------------------------------------+
 *
 * SHB body: byte-order magic 0x1A2B3C4D, version 1.0, section length -1.
 * IDB body: link type (16), reserved (16), snaplen (32).
 * EPB body: interface id, timestamp high and low 32 bits, captured length,
 * original length, packet data.
 */
#ifndef COMMON_PCAPNG_H
#define COMMON_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PCAPNG_BT_SHB		0x0A0D0D0AU
#define PCAPNG_BT_IDB		0x00000001U
#define PCAPNG_BT_EPB		0x00000006U
#define PCAPNG_BYTE_ORDER_MAGIC	0x1A2B3C4DU

/* Longest option string (if_name, shb_userappl) the writers accept. */
#define PCAPNG_OPT_MAX		1024
/* The largest SHB or IDB these writers produce. */
#define PCAPNG_HDR_BLOCK_MAX	(64 + 2 * (PCAPNG_OPT_MAX + 8))
/* Bytes an EPB takes around its packet data (without options). */
#define PCAPNG_EPB_OVERHEAD	32

/*
 * Section Header Block with an shb_userappl option naming the writer
 * (NULL for none).  Returns the length written, -ENOSPC, or -EINVAL when
 * the string is longer than PCAPNG_OPT_MAX.
 */
ssize_t	pcapng_write_shb(uint8_t *buf, size_t cap, const char *userappl);

/*
 * Interface Description Block for one link type, with if_name (NULL for
 * none), if_description (NULL for none) and if_tsresol 6 (timestamps in
 * microseconds, what pcapng_write_epb writes).  Returns the length
 * written, -ENOSPC, or -EINVAL for an over-long string.
 */
ssize_t	pcapng_write_idb(uint8_t *buf, size_t cap, uint16_t linktype,
	    uint32_t snaplen, const char *name, const char *description);

/* Bytes pcapng_write_epb needs for caplen bytes of packet data. */
size_t	pcapng_epb_len(size_t caplen);

/*
 * Enhanced Packet Block: interface ifid (the IDB's index in the section,
 * from 0), a timestamp in microseconds since the epoch, caplen bytes at
 * data and the original length len (at least caplen).  Returns the length
 * written, -ENOSPC, or -EINVAL when caplen exceeds len or UINT32_MAX.
 */
ssize_t	pcapng_write_epb(uint8_t *buf, size_t cap, uint32_t ifid,
	    uint64_t ts_usec, const void *data, size_t caplen, size_t len);

#endif
