/* SPDX-License-Identifier: ISC */
/*
 * \summary: pcap and pcapng file reader of osprey_cap_pcapfile
 *
 * The helper used to read files with libpcap.  On Debian libpcap brings
 * D-Bus, systemd, gcrypt, lz4, zstd and lzma with it: about a megabyte
 * of resident shared libraries in a process whose whole budget is 4 MiB
 * (doc/helpers.md, "Memory").  The two formats are small, so the helper
 * reads them itself, through one fixed buffer, and takes or refuses a
 * file as libpcap 1.10 does: the pcapfile tests hold every frame of
 * every shared capture, and the record a damaged one stops at, against
 * libpcap reading the same file.
 *
 * Timestamps come out in microseconds, as libpcap gives them with
 * PCAP_TSTAMP_PRECISION_MICRO (pcapng if_tsresol and if_tsoffset
 * applied).  Only files whose first link type is below CAPFILE_SNAPLEN
 * (every 802.11 one) are meant: a frame longer than that is damage.
 */
#ifndef DATASOURCES_CAPFILE_H
#define DATASOURCES_CAPFILE_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libpcap's largest frame for the 802.11 link types. */
#define CAPFILE_SNAPLEN		262144
/* A frame of that size with its record header, and room to spare. */
#define CAPFILE_BUF		(CAPFILE_SNAPLEN + 4096)
/* Interface Description Blocks a pcapng section may hold here. */
#define CAPFILE_MAX_IF		256

struct capfile_rec {
	uint64_t	 ts_sec;
	uint64_t	 ts_usec;
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 len;		/* length on the air */
	const uint8_t	*data;		/* valid until the next call */
};

struct capfile_if {
	uint64_t	 tsresol;	/* units a second */
	int64_t		 tsoffset;	/* seconds added */
	bool		 binary;	/* tsresol is a power of two */
};

/*
 * One file being read.  Large (the buffer): keep it in static storage.
 * buf[pos..len) holds the file's bytes from offset off - (len - pos).
 */
struct capfile {
	int		 fd;
	off_t		 off;		/* file offset of buf[len] */
	size_t		 pos, len;
	bool		 ng;		/* pcapng, else pcap */
	bool		 be;		/* big-endian file or section */
	uint32_t	 dlt;		/* link type (the first interface's) */
	uint32_t	 snap;		/* snapshot length, adjusted */
	/* pcap */
	size_t		 hdrsize;	/* record header: 16, or 24 (patched) */
	bool		 nsec;		/* nanosecond timestamps */
	int		 lenswap;	/* caplen/len order: 0 right, 1 swapped, 2 either */
	/* pcapng: this section's interfaces */
	uint32_t	 nif;
	struct capfile_if ifs[CAPFILE_MAX_IF];
	uint8_t		 buf[CAPFILE_BUF];
};

/*
 * Read the file header of the capture behind fd (a regular file), from
 * its first byte; fd stays the caller's.  0, or -1 with the reason in err
 * (the file is not pcap or pcapng, or is damaged before its first frame).
 */
int	capfile_open(struct capfile *cf, int fd, char *err, size_t errlen);

/*
 * The next frame: 1 with *rec filled, 0 at the end of the file, -1 with
 * the reason in err when the record is damaged or cannot be read.
 */
int	capfile_next(struct capfile *cf, struct capfile_rec *rec, char *err,
	    size_t errlen);

#endif
