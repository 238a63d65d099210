/* SPDX-License-Identifier: ISC */
/*
 * \summary: where generated frames go: pcapng, pcap, or one file per frame
 *
 * pcapng is written here (a section header, one interface, enhanced
 * packet blocks; the pcapng draft, IETF opsawg) because libpcap only
 * writes classic pcap, which it does for the pcap format.  Private to
 * tools/: the core's logger has its own writer.  The directory format
 * writes each frame's link-layer bytes to its own file, for fuzz seeds.
 */
#ifndef TOOLS_GEN_OUT_H
#define TOOLS_GEN_OUT_H

#include <stddef.h>
#include <stdint.h>

enum gen_format {
	GEN_FMT_PCAPNG,
	GEN_FMT_PCAP,
	GEN_FMT_DIR,
};

struct gen_out;

/*
 * Create path (a directory for GEN_FMT_DIR) for frames of link type dlt.
 * Returns the writer, or NULL with errno set.
 */
struct gen_out *gen_out_open(const char *path, enum gen_format, int dlt);

/*
 * Write one frame captured at ts_us (microseconds since the epoch).  name
 * is the file name in directory mode and ignored otherwise.  Returns 0 or
 * -errno.
 */
int	gen_out_write(struct gen_out *, uint64_t ts_us, const uint8_t *p,
	    size_t len, const char *name);

/* Flush and close; returns 0 or -errno when anything failed to write. */
int	gen_out_close(struct gen_out *);

#endif
