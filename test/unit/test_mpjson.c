/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for msgpack-to-JSON rendering (common/mpjson) */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <msgpack.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "mpjson.h"

/* Render the packed object in sb; the JSON text into out. */
static int
render(const msgpack_sbuffer *sb, unsigned flags, char *out, size_t len)
{
	const unsigned char *text;
	size_t n;
	yajl_gen g;
	int r;

	g = yajl_gen_alloc(NULL);
	assert_non_null(g);
	r = mpjson_gen_packed(g, sb->data, sb->size, flags);
	if (r == 0) {
		assert_int_equal(yajl_gen_get_buf(g, &text, &n),
		    yajl_gen_status_ok);
		assert_true(n < len);
		memcpy(out, text, n);
		out[n] = '\0';
	}
	yajl_gen_free(g);
	return r;
}

static void
pack_str(msgpack_packer *pk, const char *s, size_t n)
{
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

static void
test_scalars_and_containers(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char out[1024], err[128];
	yajl_val v, x;
	const char *p_u[] = { "u", NULL }, *p_i[] = { "i", NULL },
	    *p_d[] = { "d", NULL }, *p_a[] = { "a", NULL };

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 7);
	pack_str(&pk, "u", 1);
	msgpack_pack_uint64(&pk, UINT64_MAX);
	pack_str(&pk, "i", 1);
	msgpack_pack_int64(&pk, INT64_MIN);
	pack_str(&pk, "d", 1);
	msgpack_pack_double(&pk, 0.1);
	pack_str(&pk, "nan", 3);
	msgpack_pack_double(&pk, NAN);
	pack_str(&pk, "a", 1);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_true(&pk);
	msgpack_pack_nil(&pk);
	pack_str(&pk, "x", 1);
	pack_str(&pk, "bin", 3);
	msgpack_pack_bin(&pk, 5);
	msgpack_pack_bin_body(&pk, "hello", 5);
	pack_str(&pk, "e", 1);
	msgpack_pack_bin(&pk, 0);
	assert_int_equal(render(&sb, 0, out, sizeof(out)), 0);
	/* Text checked exactly where the form matters... */
	assert_non_null(strstr(out, "\"u\":18446744073709551615"));
	assert_non_null(strstr(out, "\"i\":-9223372036854775808"));
	assert_non_null(strstr(out, "\"d\":0.1,"));
	assert_non_null(strstr(out, "\"nan\":null"));
	assert_non_null(strstr(out, "\"bin\":\"aGVsbG8=\""));
	assert_non_null(strstr(out, "\"e\":\"\""));
	/* ...and the whole parsed back by an independent reader. */
	v = yajl_tree_parse(out, err, sizeof(err));
	assert_non_null(v);
	/* (yajl's reader cannot hold INT64_MIN: any number will do.) */
	assert_non_null(yajl_tree_get(v, p_i, yajl_t_number));
	assert_non_null(yajl_tree_get(v, p_u, yajl_t_number));
	x = yajl_tree_get(v, p_d, yajl_t_number);
	assert_true(YAJL_GET_DOUBLE(x) == 0.1);
	x = yajl_tree_get(v, p_a, yajl_t_array);
	assert_non_null(x);
	assert_int_equal(YAJL_GET_ARRAY(x)->len, 3);
	assert_true(YAJL_IS_TRUE(YAJL_GET_ARRAY(x)->values[0]));
	assert_true(YAJL_IS_NULL(YAJL_GET_ARRAY(x)->values[1]));
	assert_string_equal(YAJL_GET_STRING(YAJL_GET_ARRAY(x)->values[2]),
	    "x");
	yajl_tree_free(v);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_base64_lengths(void **state)
{
	char out[16];

	assert_int_equal(mpjson_base64("", 0, out), 0);
	assert_string_equal(out, "");
	assert_int_equal(mpjson_base64("f", 1, out), 4);
	assert_string_equal(out, "Zg==");
	assert_int_equal(mpjson_base64("fo", 2, out), 4);
	assert_string_equal(out, "Zm8=");
	assert_int_equal(mpjson_base64("foo", 3, out), 4);
	assert_string_equal(out, "Zm9v");
	assert_int_equal(mpjson_base64("\xff\xfe\x00\x01", 4, out), 8);
	assert_string_equal(out, "//4AAQ==");
}

static void
test_bad_utf8_repaired(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char out[256], err[128];
	yajl_val v;

	assert_true(mpjson_utf8_valid("caf\xc3\xa9", 5));
	assert_false(mpjson_utf8_valid("a\xff", 2));
	assert_false(mpjson_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(mpjson_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(mpjson_utf8_valid("\xe2\x82", 2));		/* cut */
	assert_false(mpjson_utf8_valid("\xf4\x90\x80\x80", 4));	/* > 10FFFF */

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 2);
	pack_str(&pk, "a\xff" "b\xe2\x82", 5);
	pack_str(&pk, "ok \xc3\xa9", 5);
	assert_int_equal(render(&sb, 0, out, sizeof(out)), 0);
	/* yajl writes UTF-8 as is: U+FFFD for each bad byte. */
	assert_string_equal(out, "[\"a\xef\xbf\xbd" "b\xef\xbf\xbd"
	    "\xef\xbf\xbd\",\"ok \xc3\xa9\"]");
	v = yajl_tree_parse(out, err, sizeof(err));
	assert_non_null(v);
	yajl_tree_free(v);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_keys_and_ekjson(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char out[256];

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 4);
	pack_str(&pk, "kismet.device.base.key", 22);
	pack_str(&pk, "a.b", 3);
	msgpack_pack_uint32(&pk, 7);
	msgpack_pack_int(&pk, 1);
	msgpack_pack_int(&pk, -3);
	msgpack_pack_int(&pk, 2);
	msgpack_pack_nil(&pk);
	msgpack_pack_int(&pk, 3);
	assert_int_equal(render(&sb, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "{\"kismet.device.base.key\":\"a.b\","
	    "\"7\":1,\"-3\":2,\"\":3}");
	/* ekjson: dots in keys only, never in values. */
	assert_int_equal(render(&sb, MPJSON_EKJSON, out, sizeof(out)), 0);
	assert_string_equal(out, "{\"kismet_device_base_key\":\"a.b\","
	    "\"7\":1,\"-3\":2,\"\":3}");
	msgpack_sbuffer_destroy(&sb);
}

/* Nested arrays built in place: msgpack-c's unpacker stops at 32. */
static int
render_nested(int depth)
{
	msgpack_object o[MPJSON_MAX_DEPTH + 8];
	yajl_gen g;
	int i, r;

	assert_true(depth < MPJSON_MAX_DEPTH + 8);
	for (i = 0; i < depth; i++) {
		o[i].type = MSGPACK_OBJECT_ARRAY;
		o[i].via.array.size = 1;
		o[i].via.array.ptr = &o[i + 1];
	}
	o[depth].type = MSGPACK_OBJECT_POSITIVE_INTEGER;
	o[depth].via.u64 = 1;
	g = yajl_gen_alloc(NULL);
	r = mpjson_gen(g, &o[0], 0);
	yajl_gen_free(g);
	return r;
}

static void
test_depth_and_bad_input(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char out[1024];

	assert_int_equal(render_nested(MPJSON_MAX_DEPTH), 0);
	assert_int_equal(render_nested(MPJSON_MAX_DEPTH + 2), -EINVAL);
	/* Two objects, or half of one, are not one object. */
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_int(&pk, 1);
	msgpack_pack_int(&pk, 2);
	assert_int_equal(render(&sb, 0, out, sizeof(out)), -EBADMSG);
	msgpack_sbuffer_clear(&sb);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_int(&pk, 1);
	assert_int_equal(render(&sb, 0, out, sizeof(out)), -EBADMSG);
	msgpack_sbuffer_destroy(&sb);
}

/* Integers are written by hand: each must read as printf would say it. */
static void
test_integer_text(void **state)
{
	static const int64_t iv[] = { 0, 1, 9, 10, 99, 100, -1, -9, -10,
	    1000000007, INT32_MIN, INT32_MAX, INT64_MAX, INT64_MIN + 1,
	    INT64_MIN };
	static const uint64_t uv[] = { 0, 9, 10, UINT32_MAX,
	    (uint64_t)INT64_MAX + 1, 10000000000000000000u,
	    UINT64_MAX - 1, UINT64_MAX };
	char out[128], want[128];
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t i;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	for (i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
		/* As a value and as a key. */
		msgpack_sbuffer_clear(&sb);
		msgpack_pack_map(&pk, 1);
		msgpack_pack_int64(&pk, iv[i]);
		msgpack_pack_int64(&pk, iv[i]);
		assert_int_equal(render(&sb, 0, out, sizeof(out)), 0);
		snprintf(want, sizeof(want), "{\"%" PRId64 "\":%" PRId64 "}",
		    iv[i], iv[i]);
		assert_string_equal(out, want);
	}
	for (i = 0; i < sizeof(uv) / sizeof(uv[0]); i++) {
		msgpack_sbuffer_clear(&sb);
		msgpack_pack_map(&pk, 1);
		msgpack_pack_uint64(&pk, uv[i]);
		msgpack_pack_uint64(&pk, uv[i]);
		assert_int_equal(render(&sb, 0, out, sizeof(out)), 0);
		snprintf(want, sizeof(want), "{\"%" PRIu64 "\":%" PRIu64 "}",
		    uv[i], uv[i]);
		assert_string_equal(out, want);
	}
	msgpack_sbuffer_destroy(&sb);
}

static void
test_double_text(void **state)
{
	char buf[40];

	mpjson_double_text(2437000.0, buf, sizeof(buf));
	assert_string_equal(buf, "2437000");
	mpjson_double_text(1.0 / 3.0, buf, sizeof(buf));
	assert_true(strtod(buf, NULL) == 1.0 / 3.0);
	mpjson_double_text(-1e300, buf, sizeof(buf));
	assert_true(strtod(buf, NULL) == -1e300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars_and_containers),
		cmocka_unit_test(test_base64_lengths),
		cmocka_unit_test(test_bad_utf8_repaired),
		cmocka_unit_test(test_keys_and_ekjson),
		cmocka_unit_test(test_depth_and_bad_input),
		cmocka_unit_test(test_double_text),
		cmocka_unit_test(test_integer_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
