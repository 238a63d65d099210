/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_log pcapng: the packets of a kismetdb file as pcapng
 *
 * As Kismet's kismetdb_to_pcap does it, with the filter of Kismet's
 * /logging/kismetdb/pcap/ endpoint: one interface block per (datasource,
 * link type), named after the source, and every packet as captured with
 * its original length and microsecond time (daemon/log/kdbpcap.h).
 */
#ifndef TOOLS_OLOG_PCAP_H
#define TOOLS_OLOG_PCAP_H

#include <stdint.h>

struct kismetdb;
struct kismetdb_filter;
struct olog_out;

/*
 * Write the packets of db that pass f (NULL: all) to out.  Returns 0 and
 * the counts, or -1 after an error line.
 */
int	olog_pcap(struct kismetdb *db, const struct kismetdb_filter *f,
	    struct olog_out *out, uint64_t *ret_written,
	    uint64_t *ret_skipped);

#endif
