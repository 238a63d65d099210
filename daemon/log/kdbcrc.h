/* SPDX-License-Identifier: ISC */
/*
 * \summary: the CRC-32 of a frame, for the packets table's hash column
 *
 * The writer hashes every frame it logs (Kismet's packets.hash: the
 * CRC-32 of zlib and pcapng, polynomial 0x04C11DB7 reflected).  zlib's
 * crc32() takes a table lookup per byte, some 0.6 ns a byte here: an
 * eighth of the writer's CPU.  On x86-64 processors with carry-less
 * multiplication (PCLMULQDQ, every one since 2010) kdbcrc32() folds 64
 * bytes at a time instead, several times faster; elsewhere it is
 * zlib's.  The last bytes and short frames go through a table here.
 * The result is the same as crc32(crc, buf, len) for every input.
 */
#ifndef DAEMON_KDBCRC_H
#define DAEMON_KDBCRC_H

#include <stddef.h>
#include <stdint.h>

/* As zlib's crc32(crc, buf, len); crc is 0 for a new one. */
uint32_t	 kdbcrc32(uint32_t crc, const uint8_t *buf, size_t len);

/* Whether kdbcrc32() uses carry-less multiplication here. */
int		 kdbcrc32_accelerated(void);

#endif
