/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz channel string parsing and the canonical form
 *
 * Channel strings arrive from the core (KDSCONFIGURE) and from source
 * definitions.  Whatever parses must format, and its canonical form must
 * parse back to the same channel.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, buf[CHAN_STR_MAX];
	struct chan c, again;
	int n;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (chan_parse(s, &c) == 0) {
		n = chan_format(&c, buf, sizeof(buf));
		assert(n > 0 && (size_t)n < sizeof(buf));
		assert(chan_parse(buf, &again) == 0);
		assert(chan_equal(&c, &again));
		assert(chan_band_of(c.freq) != 0);
	}
	free(s);
	return 0;
}
