/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for output formats
 *
 * Each JSON answer is parsed back with yajl's tree parser (an
 * independent reading of the text) and its values checked.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <yajl/yajl_tree.h>

#include "bridge.h"
#include "format.h"
#include "mpjson.h"

/* A device-like record: nested maps, an int-keyed map, odd values. */
static void
pack_record(msgpack_sbuffer *sb)
{
	msgpack_packer pk;

	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 8);
	bridge_pack_kv_str(&pk, "kismet.device.base.macaddr",
	    "AA:BB:CC:DD:EE:FF");
	bridge_pack_kv_u64(&pk, "kismet.device.base.packets.total",
	    UINT64_MAX);
	bridge_pack_kv_i64(&pk, "kismet.common.signal.last_signal", -42);
	bridge_pack_kv_double(&pk, "kismet.device.base.first_time", 0.1);
	bridge_pack_cstr(&pk, "dot11.device");
	msgpack_pack_map(&pk, 1);
	bridge_pack_cstr(&pk, "dot11.device.advertised_ssid_map");
	msgpack_pack_map(&pk, 1);
	msgpack_pack_uint32(&pk, 1234);
	msgpack_pack_map(&pk, 1);
	/* An SSID that is not UTF-8 and holds a quote and a control byte. */
	bridge_pack_cstr(&pk, "dot11.advertisedssid.ssid");
	msgpack_pack_str(&pk, 6);
	msgpack_pack_str_body(&pk, "a\xff\"\x01z\xc3", 6);
	bridge_pack_cstr(&pk, "nan");
	msgpack_pack_double(&pk, NAN);
	bridge_pack_cstr(&pk, "list");
	msgpack_pack_array(&pk, 3);
	msgpack_pack_true(&pk);
	msgpack_pack_nil(&pk);
	msgpack_pack_bin(&pk, 2);
	msgpack_pack_bin_body(&pk, "\x01\xab", 2);
	bridge_pack_cstr(&pk, "empty");
	msgpack_pack_map(&pk, 0);
}

static char *
render(enum format fmt, size_t *len)
{
	struct evbuffer *b = evbuffer_new();
	msgpack_sbuffer sb;
	char *s;

	msgpack_sbuffer_init(&sb);
	pack_record(&sb);
	assert_int_equal(format_write_packed(b, fmt, sb.data, sb.size), 0);
	*len = evbuffer_get_length(b);
	s = malloc(*len + 1);
	evbuffer_remove(b, s, *len);
	s[*len] = '\0';
	evbuffer_free(b);
	msgpack_sbuffer_destroy(&sb);
	return s;
}

static yajl_val
get(yajl_val root, const char *a, const char *b)
{
	const char *path[3] = { a, b, NULL };

	return yajl_tree_get(root, path, yajl_t_any);
}

static void
test_json_reads_back(void **state)
{
	char err[256], *text;
	const char *p[6];
	yajl_val root, v;
	size_t len;

	text = render(FORMAT_JSON, &len);
	root = yajl_tree_parse(text, err, sizeof(err));
	assert_non_null(root);
	v = get(root, "kismet.device.base.macaddr", NULL);
	assert_string_equal(YAJL_GET_STRING(v), "AA:BB:CC:DD:EE:FF");
	/* Past INT64_MAX: written as a number all the same. */
	assert_non_null(strstr(text, "18446744073709551615"));
	v = get(root, "kismet.common.signal.last_signal", NULL);
	assert_int_equal(YAJL_GET_INTEGER(v), -42);
	/* The shortest text that reads back as the same double. */
	assert_non_null(strstr(text, ":0.1,"));
	/* Integer keys become their decimal text. */
	p[0] = "dot11.device";
	p[1] = "dot11.device.advertised_ssid_map";
	p[2] = "1234";
	p[3] = "dot11.advertisedssid.ssid";
	p[4] = NULL;
	v = yajl_tree_get(root, p, yajl_t_string);
	assert_non_null(v);
	/* Bad bytes became U+FFFD; the quote and control byte survived. */
	assert_string_equal(YAJL_GET_STRING(v),
	    "a\xef\xbf\xbd\"\x01z\xef\xbf\xbd");
	assert_true(YAJL_IS_NULL(get(root, "nan", NULL)));
	v = get(root, "list", NULL);
	assert_int_equal(v->u.array.len, 3);
	assert_true(YAJL_IS_TRUE(v->u.array.values[0]));
	assert_true(YAJL_IS_NULL(v->u.array.values[1]));
	assert_string_equal(YAJL_GET_STRING(v->u.array.values[2]), "Aas=");
	assert_true(YAJL_IS_OBJECT(get(root, "empty", NULL)));
	yajl_tree_free(root);
	free(text);
}

static void
test_ekjson_renames_keys(void **state)
{
	char err[256], *text;
	yajl_val root;
	size_t len;

	text = render(FORMAT_EKJSON, &len);
	root = yajl_tree_parse(text, err, sizeof(err));
	assert_non_null(root);
	assert_non_null(get(root, "kismet_device_base_macaddr", NULL));
	assert_null(get(root, "kismet.device.base.macaddr", NULL));
	/* Nested keys too; values keep their dots. */
	assert_non_null(get(root, "dot11_device",
	    "dot11_device_advertised_ssid_map"));
	assert_non_null(strstr(text, "AA:BB:CC:DD:EE:FF"));
	assert_null(strchr(text, '\n'));
	yajl_tree_free(root);
	free(text);
}

static void
test_msgpack_is_unchanged(void **state)
{
	msgpack_sbuffer sb;
	char *text;
	size_t len;

	msgpack_sbuffer_init(&sb);
	pack_record(&sb);
	text = render(FORMAT_MSGPACK, &len);
	assert_int_equal(len, sb.size);
	assert_memory_equal(text, sb.data, len);
	free(text);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_tables_and_helpers(void **state)
{
	struct evbuffer *b = evbuffer_new();
	char out[64];
	size_t n;

	assert_int_equal(format_from_ext("json"), FORMAT_JSON);
	assert_int_equal(format_from_ext("itjson"), FORMAT_ITJSON);
	assert_int_equal(format_from_ext("pcapng"), FORMAT_PCAPNG);
	assert_int_equal(format_from_ext("exe"), FORMAT_NONE);
	assert_string_equal(format_ext(FORMAT_EKJSON), "ekjson");
	assert_string_equal(format_mime(FORMAT_MSGPACK),
	    "application/x-msgpack");
	assert_true(format_is_lines(FORMAT_ITJSON));
	assert_false(format_is_lines(FORMAT_JSON));
	assert_true(mpjson_utf8_valid("h\xc3\xa9", 3));
	assert_false(mpjson_utf8_valid("\xc0\x80", 2));	/* overlong */
	assert_false(mpjson_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(mpjson_utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(mpjson_utf8_valid("\xe2\x82", 2));	/* cut short */

	format_json_string(b, "</script>", 9);
	n = evbuffer_remove(b, out, sizeof(out) - 1);
	out[n] = '\0';
	assert_string_equal(out, "\"<\\/script>\"");
	format_json_double(b, 1700000000.25);
	format_json_double(b, INFINITY);
	n = evbuffer_remove(b, out, sizeof(out) - 1);
	out[n] = '\0';
	assert_string_equal(out, "1700000000.25null");
	evbuffer_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_reads_back),
		cmocka_unit_test(test_ekjson_renames_keys),
		cmocka_unit_test(test_msgpack_is_unchanged),
		cmocka_unit_test(test_tables_and_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
