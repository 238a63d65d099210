/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the IEEE registry parser (CSV and text formats)
 *
 * The input is split at its first NUL into two files loaded one after
 * the other, so that duplicates across files are exercised; every MAC
 * built from the input's bytes is then looked up.
 */

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "oui.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oui_db *db;
	struct oui_stats st;
	const uint8_t *nul;
	const char *name;
	uint8_t mac[6];
	size_t first, i;
	int n;

	nul = memchr(data, '\0', size);
	first = nul != NULL ? (size_t)(nul - data) : size;
	db = oui_db_new();
	n = oui_db_add_buffer(db, (const char *)data, first);
	assert(n > 0 || n == -EBADMSG);
	if (nul != NULL)
		(void)oui_db_add_buffer(db, (const char *)nul + 1,
		    size - first - 1);
	oui_db_seal(db);
	oui_db_stats(db, &st);
	assert(n <= 0 || st.n_mal + st.n_mam + st.n_mas > 0);
	for (i = 0; i + 6 <= size; i += 3) {
		memcpy(mac, data + i, 6);
		if ((name = oui_db_lookup(db, mac)) != NULL)
			assert(name[0] != '\0' && strlen(name) <= OUI_NAME_MAX);
	}
	oui_db_free(db);
	return 0;
}
