/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz channel lists, hop rates, hop list building and splits
 *
 * The input is cut at NUL bytes into up to four strings: a base list, then
 * the channels=, add_channels= and block_channels= values.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chanplan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chanplan_list base = { NULL, 0 }, l = { NULL, 0 };
	struct chanplan_member m[3];
	const char *part[4] = { NULL, NULL, NULL, NULL };
	char *s, err[256];
	size_t i, n = 0, pos, k;
	double rate;
	uint32_t skip;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (pos = 0; pos <= size && n < 4; n++) {
		part[n] = s + pos;
		pos += strlen(s + pos) + 1;
	}
	if (chanplan_parse_rate(part[0], &rate, err, sizeof(err)) == 0)
		assert(rate > 0.0 && rate <= CHANPLAN_RATE_MAX);
	if (chanplan_parse_list(part[0], &base, err, sizeof(err)) < 0)
		assert(err[0] != '\0');
	if (chanplan_build(&base, part[1], part[2], part[3], &l, err,
	    sizeof(err)) == 0) {
		assert(l.n <= CHANPLAN_MAX_CHANNELS);
		for (i = 0; i < l.n; i++) {
			assert(chanplan_valid_channel(l.v[i]));
			assert(chanplan_list_find(&l, l.v[i]) == (int)i);
		}
		skip = chanplan_shuffle_skip(l.n);
		assert(skip >= 1);
		for (k = 0; k < 3; k++)
			m[k] = (struct chanplan_member){ "t",
			    k == 1 ? &base : &l, true, 0 };
		chanplan_split(m, 3);
		for (k = 0; k < 3; k++)
			assert(m[k].offset == 0 || m[k].offset < m[k].hop->n);
		chanplan_list_free(&l);
	}
	chanplan_list_free(&base);
	free(s);
	return 0;
}
