/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the PPI header decoder
 */

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "ppi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet_radio r;
	size_t len;

	if (ppi_decode(data, size, &r, &len) == 0) {
		assert(len >= PPI_HDR_LEN && len <= size);
		assert(!(r.has & RADIO_HAS_MCS) || r.nss >= 1);
	}
	return 0;
}
