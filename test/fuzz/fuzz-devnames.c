/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the device names file parser, then every key it named
 *
 * The core reads its device_names files at start (daemon/track/
 * devnames.h); a file another program or a disk fault damaged must be
 * refused whole, never half taken.  Whatever parses is packed back for
 * each key the input mentions, and must then survive being edited.
 */

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devnames.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct devnames *dn;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char err[256], key[DEVNAMES_KEY_MAX + 1];
	const char *p, *e;
	uint64_t gen;
	size_t n, len;
	int rc;

	dn = devnames_open(NULL, err, sizeof(err));
	rc = devnames_parse(dn, (const char *)data, size, &gen);
	assert(rc == 0 || rc == -EBADMSG);
	assert(rc == 0 || devnames_count(dn) == 0);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	/* The second word of each line is a key, when it is one. */
	for (p = (const char *)data; p < (const char *)data + size; p = e + 1) {
		e = memchr(p, '\n', (size_t)((const char *)data + size - p));
		if (e == NULL)
			e = (const char *)data + size;
		if (e - p < 3 || p[1] != ' ')
			continue;
		/* The input has no NUL at its end: count within the line. */
		for (len = 0; p + 2 + len < e && p[2 + len] != ' '; len++)
			;
		if (len == 0 || len > DEVNAMES_KEY_MAX)
			continue;
		memcpy(key, p + 2, len);
		key[len] = '\0';
		if (strlen(key) != len)
			continue;
		n = devnames_pack(dn, key, NULL);
		assert(devnames_pack(dn, key, &pk) == n);
		(void)devnames_set_tag(dn, key, "fuzz", "", err, sizeof(err));
		(void)devnames_set_name(dn, key, "", err, sizeof(err));
	}
	msgpack_sbuffer_destroy(&sb);
	devnames_free(dn);
	return 0;
}
