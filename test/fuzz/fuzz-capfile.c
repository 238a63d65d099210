/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz osprey_cap_pcapfile's pcap and pcapng reader
 *
 * The input is the whole file, behind a memfd: capfile reads with pread()
 * at offsets it computes, and every frame it hands out must lie inside
 * its buffer and within the snapshot length.
 */

#include <sys/mman.h>

#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct capfile cf;
/* Where the frames' bytes are summed, so that every byte is read. */
volatile uint8_t fuzz_capfile_sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capfile_rec rec;
	char err[256];
	uint32_t i;
	int fd, r = 1, n = 0;

	if ((fd = memfd_create("fuzz-capfile", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	err[0] = '\0';
	if (capfile_open(&cf, fd, err, sizeof(err)) < 0) {
		assert(err[0] != '\0');
		close(fd);
		return 0;
	}
	assert(cf.snap > 0 && cf.snap <= CAPFILE_SNAPLEN);
	/* A frame needs at least a record header: no input loops. */
	while (n++ <= (int)size && (r = capfile_next(&cf, &rec, err,
	    sizeof(err))) == 1) {
		assert(rec.caplen <= cf.snap);
		assert(rec.caplen == 0 || (rec.data >= cf.buf &&
		    rec.data + rec.caplen <= cf.buf + sizeof(cf.buf)));
		for (i = 0; i < rec.caplen; i++)
			fuzz_capfile_sink += rec.data[i];
	}
	assert(r != 1);
	if (r < 0)
		assert(err[0] != '\0');
	close(fd);
	return 0;
}
