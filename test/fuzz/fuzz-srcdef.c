/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz source definition parsing and its typed getters
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srcdef.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srcdef d;
	char *s, err[256], buf[SRCDEF_MAX_LEN + 1], *list[32];
	char uuid[SRCDEF_UUID_LEN];
	uint64_t u;
	size_t i;
	bool b;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (srcdef_parse(s, &d, err, sizeof(err)) == 0) {
		assert(d.interface != NULL && d.interface[0] != '\0');
		assert(d.n_opts <= SRCDEF_MAX_OPTS);
		for (i = 0; i < d.n_opts; i++) {
			assert(srcdef_get(&d, d.opts[i].key) != NULL);
			(void)srcdef_get_bool(&d, d.opts[i].key, false, &b, err,
			    sizeof(err));
			(void)srcdef_get_uint(&d, d.opts[i].key, 0, 1000, &u,
			    err, sizeof(err));
			(void)srcdef_split_list(d.opts[i].value, buf,
			    sizeof(buf), list, 32);
		}
		/* A UUID, or a reason why uuid= is not one. */
		err[0] = '\0';
		if (srcdef_uuid(&d, "pcapfile", uuid, err, sizeof(err)) == 0)
			assert(strlen(uuid) == SRCDEF_UUID_LEN - 1);
		else
			assert(err[0] != '\0');
		srcdef_free(&d);
	} else
		assert(err[0] != '\0');
	free(s);
	return 0;
}
