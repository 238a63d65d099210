/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the kismetdb reader: any bytes as a file osprey_log opens
 *
 * The input is a whole database file, opened from memory the way
 * osprey_log opens one from disk (the same checks: a plain KISMET table,
 * packets and devices tables that are tables), then summarised and read
 * through: every packet (filtered too) into the pcapng stream, every
 * device, every datasource.  A file that is not a kismetdb log must be
 * refused with a reason; one that is must read to its end or stop with
 * an error, never crash.  SQLite's own defences against corrupt files do
 * the rest (SQLITE_DBCONFIG_DEFENSIVE, no triggers or views).
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kdbpcap.h"
#include "kismetdb.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[KDBPCAP_BLOCK_MAX];
	struct kismetdb *db;
	struct kismetdb_iter *it;
	struct kismetdb_filter f;
	struct kismetdb_summary s;
	struct kismetdb_packet p;
	struct kismetdb_device d;
	struct kismetdb_source src;
	struct kdbpcap *pc;
	char err[512];
	int n = 0;

	if (kismetdb_open_bytes(data, size, &db, err, sizeof(err)) < 0) {
		assert(err[0] != '\0');
		return 0;
	}
	(void)kismetdb_summary(db, &s);
	pc = kdbpcap_new(db, "fuzz");
	(void)kdbpcap_header(pc, buf, sizeof(buf));
	if (kismetdb_iter_packets(db, NULL, &it) == 0) {
		while (n++ < 10000 && kismetdb_next_packet(it, &p) == 1) {
			assert(p.packet_len == 0 || p.packet != NULL);
			(void)kdbpcap_packet(pc, &p, buf, sizeof(buf));
		}
		kismetdb_iter_free(it);
	}
	kdbpcap_free(pc);
	memset(&f, 0, sizeof(f));
	f.has_ts_start = true;
	f.ts_start = 1;
	f.datasource = "%";
	f.tag = "X";
	f.limit = 5;
	if (kismetdb_iter_packets(db, &f, &it) == 0) {
		while (kismetdb_next_packet(it, &p) == 1)
			;
		kismetdb_iter_free(it);
	}
	if (kismetdb_iter_devices(db, &it) == 0) {
		while (kismetdb_next_device(it, &d) == 1)
			(void)kismetdb_find_device(db, d.phyname, d.devmac, &d);
		kismetdb_iter_free(it);
	}
	if (kismetdb_iter_sources(db, &it) == 0) {
		while (kismetdb_next_source(it, &src) == 1)
			;
		kismetdb_iter_free(it);
	}
	kismetdb_close(db);
	return 0;
}
