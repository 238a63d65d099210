/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_log devices: the device records of a kismetdb file
 *
 * As Kismet's kismetdb_dump_devices does: every devices row's JSON, as a
 * JSON array, or with --ekjson one object per line with "." in keys made
 * "_" (the form Elasticsearch takes, as the REST API's .ekjson).  Each
 * record is parsed and generated again through yajl, so what comes out
 * is JSON even when a foreign file holds something else (such a row is
 * skipped with a warning).
 */
#ifndef TOOLS_OLOG_JSON_H
#define TOOLS_OLOG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

struct kismetdb;
struct olog_out;

/* Write the devices; 0 and the counts, or -1 after an error line. */
int	 olog_devices(struct kismetdb *db, bool ekjson, struct olog_out *out,
	    uint64_t *ret_written, uint64_t *ret_bad);

/* len bytes of JSON as a tree (free with yajl_tree_free), or NULL. */
yajl_val olog_json_tree(const char *json, size_t len);

/* The string at the path of keys in tree, or NULL. */
const char *olog_json_str(yajl_val tree, const char *const *path);

/* The number at the path, or def. */
double	 olog_json_num(yajl_val tree, const char *const *path, double def);

#endif
