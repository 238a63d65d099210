/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the launcher's message decoder and the sandbox report
 *
 * The first input byte is the number of descriptors the message claims
 * to have arrived with; the rest is the packet.  Whatever decodes must
 * encode back to the same bytes.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "launcher_msg.h"
#include "sandbox.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct launcher_msg m;
	struct sandbox_violation v;
	uint8_t out[LAUNCHER_MSG_MAX];
	int n;

	if (size < 1)
		return 0;
	if (launcher_msg_decode(data + 1, size - 1, data[0] % 8, &m) == 0) {
		assert(launcher_msg_nfds(&m) == data[0] % 8u);
		n = launcher_msg_encode(&m, out, sizeof(out));
		assert(n == (int)size - 1);
		assert(memcmp(out, data + 1, (size_t)n) == 0);
	}
	if (sandbox_report_decode(data + 1, size - 1, &v) == 0)
		assert(v.syscall >= 0);
	return 0;
}
