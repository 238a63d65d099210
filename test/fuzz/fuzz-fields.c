/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz field specs and regex filters from a request's JSON
 *
 * The input is a request body; whatever parses is applied to a fixed
 * device-like record and the simplified result rendered as JSON.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <yajl/yajl_tree.h>

#include "bridge.h"
#include "fields.h"
#include "format.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static msgpack_sbuffer rec_sb;
static msgpack_unpacked rec;

static void
build_record(void)
{
	msgpack_packer pk;
	size_t off = 0;

	msgpack_sbuffer_init(&rec_sb);
	msgpack_packer_init(&pk, &rec_sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	bridge_pack_kv_str(&pk, "kismet.device.base.name", "dev");
	bridge_pack_cstr(&pk, "dot11.device");
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_str(&pk, "dot11.device.last_beaconed_ssid", "ssid");
	bridge_pack_cstr(&pk, "dot11.device.client_map");
	msgpack_pack_map(&pk, 1);
	msgpack_pack_uint32(&pk, 7);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_nil(&pk);
	bridge_pack_cstr(&pk, "kismet.device.base.signal");
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_i64(&pk, "kismet.common.signal.last_signal", -40);
	msgpack_unpacked_init(&rec);
	if (msgpack_unpack_next(&rec, rec_sb.data, rec_sb.size, &off) !=
	    MSGPACK_UNPACK_SUCCESS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fields *f = NULL;
	struct fields_regex *r = NULL;
	struct evbuffer *b;
	msgpack_object out;
	msgpack_zone *z;
	char *text, err[256];
	yajl_val root;

	if (rec_sb.data == NULL)
		build_record();
	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	root = yajl_tree_parse(text, err, sizeof(err));
	free(text);
	if (root == NULL)
		return 0;
	if (fields_parse_request(root, &f, &r, err, sizeof(err)) == 0) {
		if (r != NULL)
			(void)fields_regex_match(r, &rec.data);
		if (f != NULL) {
			z = msgpack_zone_new(1024);
			assert(fields_apply(f, &rec.data, z, &out) == 0);
			assert(out.via.map.size <= fields_count(f));
			b = evbuffer_new();
			assert(format_write(b, FORMAT_JSON, &out) == 0);
			evbuffer_free(b);
			msgpack_zone_free(z);
		}
		fields_free(f);
		fields_regex_free(r);
	}
	yajl_tree_free(root);
	return 0;
}
