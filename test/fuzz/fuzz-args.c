/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz request arguments and the JSON command pre-scan
 *
 * The input is one argument as a client sends it: every parser of
 * web/args.c reads it (timestamp, MAC, MAC/mask, UUID, count), and as a
 * JSON command it goes through the depth pre-scan and, when that passes,
 * yajl, whose scalars are read as paging counts the way a view does.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "args.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW	1700000000.5
#define DEPTH	64

static void
counts(yajl_val v)
{
	uint64_t u;
	size_t i;

	if (YAJL_IS_OBJECT(v)) {
		for (i = 0; i < v->u.object.len; i++)
			counts(v->u.object.values[i]);
		return;
	}
	if (YAJL_IS_ARRAY(v)) {
		for (i = 0; i < v->u.array.len; i++)
			counts(v->u.array.values[i]);
		return;
	}
	u = 7;
	if (args_uint(args_json_text(v), 100000, &u) == 0)
		assert(u <= 100000);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, buf[ARGS_MAC_MASK_LEN + 1], err[128];
	uint8_t mac[6];
	uint64_t u = 0;
	double ts;
	yajl_val v;

	if (size > 16384)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	if (args_ts(s, NOW, &ts) == 0)
		assert(ts >= 0 && ts <= ARGS_MAX_TS + NOW);
	if (args_mac_text(s, buf, sizeof(buf)) == 0)
		assert(strlen(buf) == ARGS_MAC_LEN ||
		    strlen(buf) == ARGS_MAC_MASK_LEN);
	if (args_mac_bytes(s, mac) == 0)
		assert(args_mac_text(s, buf, sizeof(buf)) == 0);
	if (args_uuid_ok(s))
		assert(strlen(s) <= ARGS_MAX_UUID);
	if (args_uint(s, UINT32_MAX, &u) == 0)
		assert(u <= UINT32_MAX);
	if (args_json_depth(s, DEPTH) <= DEPTH &&
	    (v = yajl_tree_parse(s, err, sizeof(err))) != NULL) {
		counts(v);
		yajl_tree_free(v);
	}
	free(s);
	return 0;
}
