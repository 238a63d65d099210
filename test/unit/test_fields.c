/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for field simplification and regex filters */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_tree.h>

#include "bridge.h"
#include "fields.h"

struct rec {
	msgpack_sbuffer		 sb;
	msgpack_unpacked	 u;
};

/* An AP record in Kismet's shape, with maps keyed by strings and ints. */
static void
rec_build(struct rec *r, const char *name, const char *ssid)
{
	msgpack_packer pk;
	size_t off = 0;

	msgpack_sbuffer_init(&r->sb);
	msgpack_packer_init(&pk, &r->sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	bridge_pack_kv_str(&pk, "kismet.device.base.name", name);
	bridge_pack_cstr(&pk, "kismet.device.base.seenby");
	msgpack_pack_array(&pk, 2);
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_u64(&pk, "kismet.common.seenby.num_packets", 5);
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_u64(&pk, "kismet.common.seenby.num_packets", 7);
	bridge_pack_kv_str(&pk, "kismet.device.base.macaddr",
	    "00:11:22:33:44:55");
	bridge_pack_cstr(&pk, "kismet.device.base.signal");
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_i64(&pk, "kismet.common.signal.last_signal", -51);
	bridge_pack_cstr(&pk, "dot11.device");
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_str(&pk, "dot11.device.last_beaconed_ssid", ssid);
	bridge_pack_cstr(&pk, "dot11.device.advertised_ssid_map");
	msgpack_pack_map(&pk, 1);
	msgpack_pack_uint32(&pk, 3735928559U);
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_u64(&pk, "dot11.advertisedssid.channel", 6);
	msgpack_unpacked_init(&r->u);
	assert_int_equal(msgpack_unpack_next(&r->u, r->sb.data, r->sb.size,
	    &off), MSGPACK_UNPACK_SUCCESS);
}

static void
rec_free(struct rec *r)
{
	msgpack_unpacked_destroy(&r->u);
	msgpack_sbuffer_destroy(&r->sb);
}

static const msgpack_object *
map_get(const msgpack_object *m, const char *key)
{
	uint32_t i;

	assert_int_equal(m->type, MSGPACK_OBJECT_MAP);
	for (i = 0; i < m->via.map.size; i++)
		if (m->via.map.ptr[i].key.via.str.size == strlen(key) &&
		    memcmp(m->via.map.ptr[i].key.via.str.ptr, key,
		    strlen(key)) == 0)
			return &m->via.map.ptr[i].val;
	return NULL;
}

static int
parse_req(const char *json, struct fields **f, struct fields_regex **r,
    char *err, size_t errlen)
{
	yajl_val root = yajl_tree_parse(json, err, errlen);
	int rc;

	assert_non_null(root);
	rc = fields_parse_request(root, f, r, err, errlen);
	yajl_tree_free(root);
	return rc;
}

static void
test_simplify(void **state)
{
	struct fields *f;
	struct fields_regex *r;
	struct rec rec;
	msgpack_zone *z = msgpack_zone_new(1024);
	msgpack_object out;
	const msgpack_object *v;
	char err[256];

	rec_build(&rec, "ap-one", "HomeNet");
	assert_int_equal(parse_req("{\"fields\": ["
	    "\"kismet.device.base.macaddr\","
	    "\"dot11.device/dot11.device.last_beaconed_ssid\","
	    "[\"kismet.device.base.name\", \"name\"],"
	    "[\"dot11.device/dot11.device.advertised_ssid_map/3735928559/"
	    "dot11.advertisedssid.channel\", \"chan\"],"
	    "\"kismet.device.base.signal/"
	    "kismet.common.signal.last_signal_dbm\","
	    "\"no.such.field\","
	    "\"dot11.device/no.such.inner\","
	    "[\"kismet.device.base.macaddr\", \"name\"]"
	    "]}", &f, &r, err, sizeof(err)), 0);
	assert_null(r);
	assert_int_equal(fields_count(f), 8);
	assert_int_equal(fields_apply(f, &rec.u.data, z, &out), 0);
	/* The repeated key "name" is kept once, from its first entry. */
	assert_int_equal(out.via.map.size, 7);
	v = map_get(&out, "kismet.device.base.macaddr");
	assert_int_equal(v->type, MSGPACK_OBJECT_STR);
	/* A path is keyed by its last element. */
	v = map_get(&out, "dot11.device.last_beaconed_ssid");
	assert_non_null(v);
	assert_memory_equal(v->via.str.ptr, "HomeNet", 7);
	v = map_get(&out, "name");
	assert_memory_equal(v->via.str.ptr, "ap-one", 6);
	/* Through a map keyed by an integer. */
	v = map_get(&out, "chan");
	assert_int_equal(v->via.u64, 6);
	/* The old spelling answers with the new field. */
	v = map_get(&out, "kismet.common.signal.last_signal_dbm");
	assert_int_equal(v->via.i64, -51);
	/* Unknown fields, at any depth, answer 0. */
	v = map_get(&out, "no.such.field");
	assert_int_equal(v->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
	assert_int_equal(v->via.u64, 0);
	v = map_get(&out, "no.such.inner");
	assert_int_equal(v->via.u64, 0);
	fields_free(f);
	msgpack_zone_free(z);
	rec_free(&rec);
}

static void
test_lookup(void **state)
{
	struct rec rec;

	rec_build(&rec, "x", "y");
	assert_non_null(fields_lookup(&rec.u.data,
	    "/dot11.device/dot11.device.last_beaconed_ssid"));
	assert_null(fields_lookup(&rec.u.data,
	    "kismet.device.base.name/deeper"));
	assert_null(fields_lookup(&rec.u.data, "a//b"));
	/* A number steps into a list; out of range or not a number is NULL. */
	assert_int_equal(fields_lookup(&rec.u.data, "kismet.device.base.seenby/"
	    "1/kismet.common.seenby.num_packets")->via.u64, 7);
	assert_null(fields_lookup(&rec.u.data, "kismet.device.base.seenby/2"));
	assert_null(fields_lookup(&rec.u.data, "kismet.device.base.seenby/01"));
	assert_null(fields_lookup(&rec.u.data, "kismet.device.base.seenby/x"));
	assert_null(fields_lookup(&rec.u.data, ""));
	rec_free(&rec);
}

static void
test_regex(void **state)
{
	struct fields *f;
	struct fields_regex *r;
	struct rec a, b;
	char err[256];

	rec_build(&a, "ap-one", "HomeNet");
	rec_build(&b, "ap-two", "CoffeeShop");
	assert_int_equal(parse_req("{\"regex\": [[\"dot11.device/"
	    "dot11.device.last_beaconed_ssid\", \"^Home\"]]}", &f, &r, err,
	    sizeof(err)), 0);
	assert_null(f);
	assert_true(fields_regex_match(r, &a.u.data));
	assert_false(fields_regex_match(r, &b.u.data));
	fields_regex_free(r);

	/* Any pattern matching keeps the record. */
	assert_int_equal(parse_req("{\"regex\": [[\"kismet.device.base.name\","
	    " \"two$\"], [\"no.such\", \".*\"], [\"dot11.device/"
	    "dot11.device.last_beaconed_ssid\", \"^Nope\"]]}", &f, &r, err,
	    sizeof(err)), 0);
	assert_false(fields_regex_match(r, &a.u.data));
	assert_true(fields_regex_match(r, &b.u.data));
	fields_regex_free(r);

	/* A non-string field never matches, even ".*". */
	assert_int_equal(parse_req("{\"regex\": [[\"kismet.device.base."
	    "signal\", \".*\"]]}", &f, &r, err, sizeof(err)), 0);
	assert_false(fields_regex_match(r, &a.u.data));
	fields_regex_free(r);
	rec_free(&a);
	rec_free(&b);
}

/*
 * Catastrophic backtracking ((a|a)* is 2^n ways to fail on "aaa...ab")
 * stops at the match limit, as no match; a request's matching stops for
 * good once its time budget is spent.
 */
static void
test_regex_bounded(void **state)
{
	struct fields *f;
	struct fields_regex *r;
	struct rec a, b;
	char err[256], name[80];
	struct timespec t0, t1;
	double ms;
	int i;

	memset(name, 'a', 60);
	strcpy(name + 60, "b");
	rec_build(&a, name, "x");
	rec_build(&b, "aaa", "x");
	assert_int_equal(parse_req("{\"regex\": [[\"kismet.device.base.name\","
	    " \"^(a|a)*$\"]]}", &f, &r, err, sizeof(err)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_false(fields_regex_match(r, &a.u.data));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	/* 2^60 steps unbounded; the limit makes it a few thousand. */
	assert_true(ms < 200);
	assert_true(fields_regex_match(r, &b.u.data));
	/* Spend the budget: then nothing matches, even what did. */
	for (i = 0; i < 1000000 && !fields_regex_exhausted(r); i++)
		(void)fields_regex_match(r, &a.u.data);
	assert_true(fields_regex_exhausted(r));
	assert_false(fields_regex_match(r, &b.u.data));
	fields_regex_free(r);
	rec_free(&a);
	rec_free(&b);
}

static void
test_refusals(void **state)
{
	struct fields *f;
	struct fields_regex *r;
	char err[256], *big;
	size_t i, off;

	assert_int_equal(parse_req("{\"fields\": \"a\"}", &f, &r, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(parse_req("{\"fields\": [42]}", &f, &r, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(parse_req("{\"fields\": [[\"a\", 3]]}", &f, &r, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(parse_req("{\"fields\": [\"a//b\"]}", &f, &r, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(parse_req("{\"fields\": [\"\"]}", &f, &r, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"(\"]]}", &f, &r,
	    err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "regex 0"));
	assert_int_equal(parse_req("{\"regex\": [\"a\"]}", &f, &r, err,
	    sizeof(err)), -EINVAL);
	/* Patterns that do not compile, or compile too big. */
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"^ss+++++\"]]}",
	    &f, &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"((a{0,64}){0,64})"
	    "{0,64}\"]]}", &f, &r, err, sizeof(err)), -EMSGSIZE);
	assert_non_null(strstr(err, "too complex"));
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"(((((((((((((((((("
	    "a))))))))))))))))))\"]]}", &f, &r, err, sizeof(err)), -EINVAL);
	/* No switching UTF on, no \\C. */
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"(*UTF)a\"]]}",
	    &f, &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"a\\\\C\"]]}",
	    &f, &r, err, sizeof(err)), -EINVAL);
	/* Ordinary ones pass: classes, escapes, groups, back-references. */
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"^[a-z+*]+\\\\+"
	    "(x|y){2,3}$\"]]}", &f, &r, err, sizeof(err)), 0);
	fields_regex_free(r);
	assert_int_equal(parse_req("{\"regex\": [[\"a\", \"(a)\\\\1\"]]}",
	    &f, &r, err, sizeof(err)), 0);
	fields_regex_free(r);
	assert_int_equal(parse_req("[1]", &f, &r, err, sizeof(err)),
	    -EINVAL);
	/* A path of 17 elements, and 257 fields. */
	assert_int_equal(parse_req("{\"fields\": [\"a/b/c/d/e/f/g/h/i/j/k/l/"
	    "m/n/o/p/q\"]}", &f, &r, err, sizeof(err)), -EMSGSIZE);
	big = malloc(16 + 4 * (FIELDS_MAX + 1) + 8);
	off = (size_t)sprintf(big, "{\"fields\": [");
	for (i = 0; i <= FIELDS_MAX; i++)
		off += (size_t)sprintf(big + off, "%s\"a\"", i ? "," : "");
	sprintf(big + off, "]}");
	assert_int_equal(parse_req(big, &f, &r, err, sizeof(err)),
	    -EMSGSIZE);
	free(big);
	/* Neither key: nothing to do, no error. */
	assert_int_equal(parse_req("{}", &f, &r, err, sizeof(err)), 0);
	assert_null(f);
	assert_null(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simplify),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_regex_bounded),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
