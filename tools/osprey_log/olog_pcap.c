/* SPDX-License-Identifier: ISC */
/* \summary: osprey_log pcapng: the packets of a kismetdb file as pcapng */

#include <stdlib.h>
#include <string.h>

#include "kdbpcap.h"
#include "kismetdb.h"
#include "olog_pcap.h"
#include "osprey_config.h"
#include "osprey_log.h"
#include "xmalloc.h"

/* Blocks gather here and go out in large writes. */
#define OLOG_PCAP_BUF	(1024 * 1024)

int
olog_pcap(struct kismetdb *db, const struct kismetdb_filter *f,
    struct olog_out *out, uint64_t *ret_written, uint64_t *ret_skipped)
{
	struct kismetdb_iter *it;
	struct kismetdb_packet p;
	struct kdbpcap *pc;
	size_t used = 0, cap = OLOG_PCAP_BUF + KDBPCAP_BLOCK_MAX;
	uint8_t *buf;
	ssize_t n;
	int r, ret = -1;

	if ((r = kismetdb_iter_packets(db, f, &it)) < 0) {
		olog_err("reading packets: %s", kismetdb_errmsg(db));
		return -1;
	}
	pc = kdbpcap_new(db, "osprey_log " OSPREY_VERSION);
	buf = xmalloc(cap);
	n = kdbpcap_header(pc, buf, cap);
	used = n > 0 ? (size_t)n : 0;
	while ((r = kismetdb_next_packet(it, &p)) == 1) {
		if ((n = kdbpcap_packet(pc, &p, buf + used, cap - used)) > 0)
			used += (size_t)n;
		if (used >= OLOG_PCAP_BUF) {
			if (!olog_write(out, buf, used))
				goto out;
			used = 0;
		}
	}
	if (r < 0) {
		olog_err("reading packets: %s", kismetdb_errmsg(db));
		goto out;
	}
	if (used > 0 && !olog_write(out, buf, used))
		goto out;
	*ret_written = kdbpcap_written(pc);
	*ret_skipped = kdbpcap_skipped(pc);
	ret = 0;
out:
	kismetdb_iter_free(it);
	kdbpcap_free(pc);
	free(buf);
	return ret;
}
