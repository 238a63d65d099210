/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz msgpack-to-JSON rendering: any object tree, valid JSON out
 *
 * The input is read as a tree of msgpack objects, built in place (not
 * through msgpack-c's unpacker, which would allocate whatever size a
 * header claims): a kind byte, then its content; strings and byte
 * strings are slices of the input, so every byte value, bad UTF-8 and
 * NULs included, reaches the renderer.  Nesting may go past
 * MPJSON_MAX_DEPTH.  Whenever mpjson_gen() accepts the tree, yajl's own
 * parser must read the output back as one JSON value.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cursor.h"
#include "mpjson.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define POOL		4096
#define MAX_NEST	(MPJSON_MAX_DEPTH + 8)
#define MAX_ITEMS	8

struct build {
	struct cursor	 c;
	msgpack_object	 obj[POOL];
	msgpack_object_kv kv[POOL];
	size_t		 n_obj, n_kv;
};

static uint8_t
get8(struct build *b)
{
	uint8_t v = 0;

	(void)cur_copy(&b->c, &v, 1);
	return v;
}

static uint64_t
get64(struct build *b)
{
	uint64_t v = 0;

	(void)cur_copy(&b->c, &v, sizeof(v));
	return v;
}

/* A slice of the input, its length from one byte; NULL when empty. */
static const char *
slice(struct build *b, uint32_t *ret_len)
{
	const uint8_t *p = NULL;
	size_t n = get8(b);

	if (n > cur_left(&b->c))
		n = cur_left(&b->c);
	(void)cur_get_bytes(&b->c, n, &p);
	*ret_len = (uint32_t)n;
	return (const char *)p;
}

static void
build(struct build *b, msgpack_object *o, int depth)
{
	uint8_t kind = get8(b), n, i;
	double d;

	memset(o, 0, sizeof(*o));
	switch (kind % 10) {
	case 0:
		o->type = MSGPACK_OBJECT_NIL;
		break;
	case 1:
		o->type = MSGPACK_OBJECT_BOOLEAN;
		o->via.boolean = kind & 0x80;
		break;
	case 2:
		o->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
		o->via.u64 = get64(b);
		break;
	case 3:
		o->type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
		o->via.i64 = (int64_t)(get64(b) | 0x8000000000000000ULL);
		break;
	case 4:
		/* Any bit pattern: NaN, infinities, subnormals. */
		o->type = MSGPACK_OBJECT_FLOAT64;
		o->via.u64 = get64(b);
		memcpy(&d, &o->via.u64, sizeof(d));
		o->via.f64 = d;
		break;
	case 5:
		o->type = MSGPACK_OBJECT_STR;
		o->via.str.ptr = slice(b, &o->via.str.size);
		break;
	case 6:
		o->type = MSGPACK_OBJECT_BIN;
		o->via.bin.ptr = slice(b, &o->via.bin.size);
		break;
	case 7:
		n = (uint8_t)(kind >> 4) % MAX_ITEMS;
		if (depth >= MAX_NEST || b->n_obj + n > POOL)
			n = 0;
		o->type = MSGPACK_OBJECT_ARRAY;
		o->via.array.size = n;
		o->via.array.ptr = n > 0 ? &b->obj[b->n_obj] : NULL;
		b->n_obj += n;
		for (i = 0; i < n; i++)
			build(b, &o->via.array.ptr[i], depth + 1);
		break;
	case 8:
		n = (uint8_t)(kind >> 4) % MAX_ITEMS;
		if (depth >= MAX_NEST || b->n_kv + n > POOL)
			n = 0;
		o->type = MSGPACK_OBJECT_MAP;
		o->via.map.size = n;
		o->via.map.ptr = n > 0 ? &b->kv[b->n_kv] : NULL;
		b->n_kv += n;
		for (i = 0; i < n; i++) {
			build(b, &o->via.map.ptr[i].key, depth + 1);
			build(b, &o->via.map.ptr[i].val, depth + 1);
		}
		break;
	default:
		o->type = MSGPACK_OBJECT_EXT;
		o->via.ext.type = (int8_t)kind;
		o->via.ext.ptr = slice(b, &o->via.ext.size);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct build b;
	const unsigned char *text;
	msgpack_object root;
	unsigned flags;
	char err[128], *copy;
	yajl_gen g;
	yajl_val v;
	size_t len;

	memset(&b, 0, sizeof(b));
	cur_init(&b.c, data, size);
	flags = (get8(&b) & 1) != 0 ? MPJSON_EKJSON : 0;
	build(&b, &root, 0);
	g = yajl_gen_alloc(NULL);
	assert(g != NULL);
	if (mpjson_gen(g, &root, flags) == 0) {
		assert(yajl_gen_get_buf(g, &text, &len) == yajl_gen_status_ok);
		copy = malloc(len + 1);
		assert(copy != NULL);
		memcpy(copy, text, len);
		copy[len] = '\0';
		v = yajl_tree_parse(copy, err, sizeof(err));
		assert(v != NULL);
		yajl_tree_free(v);
		free(copy);
	}
	yajl_gen_free(g);
	return 0;
}
