/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the devices table's JSON (daemon/log/kdbjson):
 * the same bytes as mpjson through yajl for every kind of value
 */

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <msgpack.h>
#include <yajl/yajl_gen.h>

#include "kdbjson.h"
#include "klmsg.h"
#include "mpjson.h"

static uint32_t seed = 20261208;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245 + 12345;
	return seed >> 8;
}

/* Strings the escapes and the UTF-8 repair must both get right. */
static const char *const pieces[] = {
	"kismet.device.base.macaddr", "", "\"", "\\", "/", "\b", "\f", "\n",
	"\r", "\t", "\x01", "\x1f", "\x7f", " ", "caf\xc3\xa9",
	"\xe2\x82\xac", "\xf0\x9f\x93\xa1", "\xc0\xaf", "\xe0\x80\xaf",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xff",
	"\xc3", "\xe2\x82", "\x80", "a.b", "AA:BB:CC:DD:EE:FF",
};

static void
pack_rnd_str(msgpack_packer *pk, bool bin)
{
	char s[256];
	size_t n = 0, k, i, parts = rnd() % 8;
	const char *p;

	for (i = 0; i < parts; i++) {
		if (rnd() % 4 == 0) {
			/* Any byte, the truncated and stray ones too. */
			s[n++] = (char)(rnd() & 0xff);
			continue;
		}
		p = pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
		k = strlen(p);
		if (n + k > sizeof(s))
			break;
		memcpy(s + n, p, k);
		n += k;
	}
	if (bin) {
		msgpack_pack_bin(pk, n);
		msgpack_pack_bin_body(pk, s, n);
	} else {
		msgpack_pack_str(pk, n);
		msgpack_pack_str_body(pk, s, n);
	}
}

static void
pack_rnd_double(msgpack_packer *pk)
{
	static const double d[] = { 0.0, -0.0, 0.1, -2.5, 1e300, 5e-324,
	    51.5074, -0.12783, 1.0 / 3, 123456789.125, 1e21, 4503599627370497.0
	};
	double v;

	switch (rnd() % 4) {
	case 0:
		v = d[rnd() % (sizeof(d) / sizeof(d[0]))];
		break;
	case 1:
		v = rnd() % 2 ? NAN : (rnd() % 2 ? INFINITY : -INFINITY);
		break;
	default:
		v = ((double)rnd() - 8388608.0) / (double)(rnd() % 1000 + 1);
		break;
	}
	if (rnd() % 3 == 0)
		msgpack_pack_float(pk, (float)v);
	else
		msgpack_pack_double(pk, v);
}

static void
pack_rnd_int(msgpack_packer *pk)
{
	static const int64_t edge[] = { 0, 1, -1, 127, 128, -32, -33, 255,
	    65535, 65536, -32768, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN };

	switch (rnd() % 3) {
	case 0:
		msgpack_pack_int64(pk, edge[rnd() % (sizeof(edge) /
		    sizeof(edge[0]))]);
		break;
	case 1:
		msgpack_pack_uint64(pk, UINT64_MAX - rnd() % 3);
		break;
	default:
		msgpack_pack_int64(pk, (int64_t)rnd() * (rnd() % 2 ? 1 : -1) *
		    (int64_t)(rnd() % 100000));
		break;
	}
}

static void
pack_rnd(msgpack_packer *pk, int depth)
{
	uint32_t i, n, kind = rnd() % (depth < 6 ? 10 : 7);

	switch (kind) {
	case 0:
		msgpack_pack_nil(pk);
		break;
	case 1:
		if (rnd() % 2)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		break;
	case 2:
	case 3:
		pack_rnd_int(pk);
		break;
	case 4:
		pack_rnd_double(pk);
		break;
	case 5:
		pack_rnd_str(pk, false);
		break;
	case 6:
		pack_rnd_str(pk, true);
		break;
	case 7:
		n = rnd() % 6;
		msgpack_pack_array(pk, n);
		for (i = 0; i < n; i++)
			pack_rnd(pk, depth + 1);
		break;
	default:
		n = rnd() % 8;
		msgpack_pack_map(pk, n);
		for (i = 0; i < n; i++) {
			/* Keys are mostly strings; the rest are made text. */
			switch (rnd() % 6) {
			case 0:
				pack_rnd_int(pk);
				break;
			case 1:
				pack_rnd_double(pk);
				break;
			case 2:
				msgpack_pack_true(pk);
				break;
			case 3:
				msgpack_pack_nil(pk);
				break;
			default:
				pack_rnd_str(pk, false);
				break;
			}
			pack_rnd(pk, depth + 1);
		}
		break;
	}
}

/* Both renderings of the packed object; the status of each. */
static void
both(const msgpack_sbuffer *sb, int *r_yajl, struct klbuf *yj, int *r_kdb,
    struct klbuf *kj)
{
	msgpack_unpacked u;
	const unsigned char *text;
	size_t off = 0, n;
	yajl_gen g;

	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, sb->data, sb->size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	g = yajl_gen_alloc(NULL);
	assert_non_null(g);
	*r_yajl = mpjson_gen(g, &u.data, 0);
	klbuf_reset(yj);
	if (*r_yajl == 0) {
		assert_int_equal(yajl_gen_get_buf(g, &text, &n),
		    yajl_gen_status_ok);
		yj->p = realloc(yj->p, n + 1);
		assert_non_null(yj->p);
		yj->cap = n + 1;
		memcpy(yj->p, text, n);
		yj->len = n;
	}
	yajl_gen_free(g);
	klbuf_reset(kj);
	*r_kdb = kdbjson_render(kj, &u.data);
	msgpack_unpacked_destroy(&u);
}

static void
test_same_as_mpjson(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct klbuf yj = { NULL, 0, 0 }, kj = { NULL, 0, 0 };
	int ry, rk, i;
	size_t total = 0;

	(void)state;
	msgpack_sbuffer_init(&sb);
	for (i = 0; i < 5000; i++) {
		msgpack_sbuffer_clear(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		pack_rnd(&pk, 0);
		both(&sb, &ry, &yj, &rk, &kj);
		assert_int_equal(ry, 0);
		assert_int_equal(rk, 0);
		if (yj.len != kj.len || memcmp(yj.p, kj.p, yj.len) != 0)
			fail_msg("object %d: yajl '%.*s', kdbjson '%.*s'", i,
			    (int)yj.len, (char *)yj.p, (int)kj.len,
			    (char *)kj.p);
		total += kj.len;
	}
	/* The objects were not all trivial. */
	assert_true(total > 5000 * 20);
	msgpack_sbuffer_destroy(&sb);
	klbuf_free(&yj);
	klbuf_free(&kj);
}

/* A known text, so that a change in yajl would show here first. */
static void
test_known(void **state)
{
	static const char want[] = "{\"kismet.device.base.name\":"
	    "\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd/\",\"1\":[true,null,-5,"
	    "0.1,null,\"AQI=\"],\"-2\":{}}";
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	struct klbuf kj = { NULL, 0, 0 };
	size_t off = 0;

	(void)state;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.name", 23);
	msgpack_pack_str_with_body(&pk, "a\"b\\c\n\x01\xff/", 9);
	msgpack_pack_uint8(&pk, 1);
	msgpack_pack_array(&pk, 6);
	msgpack_pack_true(&pk);
	msgpack_pack_nil(&pk);
	msgpack_pack_int8(&pk, -5);
	msgpack_pack_double(&pk, 0.1);
	msgpack_pack_double(&pk, NAN);
	msgpack_pack_bin_with_body(&pk, "\x01\x02", 2);
	msgpack_pack_int8(&pk, -2);
	msgpack_pack_map(&pk, 0);
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(kdbjson_render(&kj, &u.data), 0);
	assert_int_equal(kj.len, sizeof(want) - 1);
	assert_memory_equal(kj.p, want, kj.len);
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	klbuf_free(&kj);
}

/*
 * As deep as mpjson goes, and one level more refused by both (built by
 * hand: msgpack-c's unpacker stops at 32 levels).
 */
static void
test_depth(void **state)
{
	msgpack_object o[MPJSON_MAX_DEPTH + 2];
	struct klbuf kj = { NULL, 0, 0 };
	const unsigned char *text;
	yajl_gen g;
	size_t n;
	int d, top, extra;

	(void)state;
	for (extra = 0; extra <= 1; extra++) {
		/* o[top] holds o[top + 1] ... down to the integer. */
		top = 1 - extra;
		memset(o, 0, sizeof(o));
		for (d = top; d < MPJSON_MAX_DEPTH + 1; d++) {
			o[d].type = MSGPACK_OBJECT_ARRAY;
			o[d].via.array.size = 1;
			o[d].via.array.ptr = &o[d + 1];
		}
		o[MPJSON_MAX_DEPTH + 1].type =
		    MSGPACK_OBJECT_POSITIVE_INTEGER;
		o[MPJSON_MAX_DEPTH + 1].via.u64 = 7;
		g = yajl_gen_alloc(NULL);
		assert_non_null(g);
		klbuf_reset(&kj);
		assert_int_equal(kdbjson_render(&kj, &o[top]), extra ?
		    -EINVAL : 0);
		assert_int_equal(mpjson_gen(g, &o[top], 0), extra ?
		    -EINVAL : 0);
		if (!extra) {
			assert_int_equal(yajl_gen_get_buf(g, &text, &n),
			    yajl_gen_status_ok);
			assert_int_equal(kj.len, n);
			assert_int_equal(n, 2 * MPJSON_MAX_DEPTH + 1);
			assert_memory_equal(kj.p, text, n);
		}
		yajl_gen_free(g);
	}
	klbuf_free(&kj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_mpjson),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
