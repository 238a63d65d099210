/* SPDX-License-Identifier: ISC */
/*
 * \summary: packets of a kismetdb file as a pcapng stream
 *
 * What Kismet's /logging/kismetdb/pcap/ endpoint and kismetdb_to_pcap
 * make of a log, shared by the writer's export and osprey_log: a
 * section header, then per packet an interface block the first time its
 * (datasource, link type) pair appears (if_name the source's name from
 * the datasources table, or its uuid when the table has none;
 * if_description the uuid) and an enhanced packet block with the
 * captured bytes, the original length and the microsecond time.
 * Nothing here allocates per packet or does I/O: blocks go into the
 * caller's buffer.
 */
#ifndef DAEMON_KDBPCAP_H
#define DAEMON_KDBPCAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct kdbpcap;
struct kismetdb;
struct kismetdb_packet;

/* A packet longer than this is not written (a damaged or foreign row). */
#define KDBPCAP_PACKET_MAX	262144
/* Room kdbpcap_packet() may need at most for one packet. */
#define KDBPCAP_BLOCK_MAX	(KDBPCAP_PACKET_MAX + 4096)

/*
 * A stream over db, naming interfaces from its datasources table (read
 * now).  appl names the writer in the section header.  Never NULL.
 */
struct kdbpcap	*kdbpcap_new(struct kismetdb *db, const char *appl);
void		 kdbpcap_free(struct kdbpcap *);

/* The section header; the length written, or -ENOSPC. */
ssize_t		 kdbpcap_header(struct kdbpcap *, uint8_t *buf, size_t cap);

/*
 * The blocks of one packet (its interface block first when new).
 * Returns the length written, 0 for a packet pcapng cannot hold (link
 * type over 16 bits, a time or length out of range: skipped and
 * counted), or -ENOSPC when cap is short (nothing written).
 */
ssize_t		 kdbpcap_packet(struct kdbpcap *,
		    const struct kismetdb_packet *p, uint8_t *buf,
		    size_t cap);

/* Packets written and skipped so far. */
uint64_t	 kdbpcap_written(const struct kdbpcap *);
uint64_t	 kdbpcap_skipped(const struct kdbpcap *);

#endif
