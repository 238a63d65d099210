/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the radiotap iterator and decoder
 */

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "radiotap.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Where the bytes read go, so that no read is optimised away. */
static volatile unsigned fuzz_sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct radiotap_iter it;
	struct radiotap_field f;
	struct packet_radio r;
	size_t len, i;
	unsigned sum = 0;
	int rc;

	if (radiotap_iter_init(&it, data, size, &len) == 0) {
		assert(len >= RADIOTAP_HDR_MIN && len <= size);
		while ((rc = radiotap_iter_next(&it, &f)) > 0) {
			/* Every field lies inside the header. */
			assert(f.data >= data && f.data + f.len <= data + len);
			assert(f.bit < RADIOTAP_TLV);
			for (i = 0; i < f.len; i++)
				sum += f.data[i];
		}
		assert(rc == 0 || rc == -EBADMSG);
	}
	if (radiotap_decode(data, size, &r, &len) == 0) {
		assert(len <= size);
		assert(!(r.has & RADIO_HAS_MCS) || r.nss >= 1);
	}
	fuzz_sink = sum;
	return 0;
}
