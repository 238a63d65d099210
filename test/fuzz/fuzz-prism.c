/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the Prism and AVS header decoders
 */

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "avs.h"
#include "packet.h"
#include "prism.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet_radio r;
	size_t len;

	if (prism_decode(data, size, &r, &len) == 0) {
		assert(len >= PRISM_HDR_MIN && len <= size);
		assert(!(r.has & RADIO_HAS_SIGNAL) || r.signal_dbm < 0 ||
		    avs_is_avs(data, size));
	}
	if (avs_decode(data, size, &r, &len) == 0)
		assert(len >= AVS_HDR_LEN && len <= size);
	return 0;
}
