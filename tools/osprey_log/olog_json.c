/* SPDX-License-Identifier: ISC */
/* \summary: osprey_log devices: the device records of a kismetdb file */

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "kismetdb.h"
#include "olog_json.h"
#include "osprey_log.h"
#include "xmalloc.h"

/* A record's JSON is rebuilt here before it is written. */
struct olog_buf {
	char		*p;
	size_t		 len, cap;
};

struct olog_gen {
	yajl_gen	 g;
	bool		 ekjson;
	char		*key;		/* scratch for "." -> "_" */
	size_t		 keycap;
};

static void
olog_buf_cb(void *ctx, const char *s, size_t len)
{
	struct olog_buf *b = ctx;

	if (b->cap - b->len < len) {
		while (b->cap - b->len < len)
			b->cap = b->cap == 0 ? 65536 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
}

/* Parser callbacks: each token straight to the generator. */

static int
cb_null(void *ctx)
{
	return yajl_gen_null(((struct olog_gen *)ctx)->g) == yajl_gen_status_ok;
}

static int
cb_bool(void *ctx, int v)
{
	return yajl_gen_bool(((struct olog_gen *)ctx)->g, v) ==
	    yajl_gen_status_ok;
}

/* Numbers pass as written, so no value changes on the way. */
static int
cb_number(void *ctx, const char *s, size_t len)
{
	return yajl_gen_number(((struct olog_gen *)ctx)->g, s, len) ==
	    yajl_gen_status_ok;
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return yajl_gen_string(((struct olog_gen *)ctx)->g, s, len) ==
	    yajl_gen_status_ok;
}

static int
cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct olog_gen *o = ctx;
	size_t i;

	if (!o->ekjson)
		return yajl_gen_string(o->g, s, len) == yajl_gen_status_ok;
	if (o->keycap < len + 1) {
		o->keycap = len + 1;
		o->key = xreallocarray(o->key, o->keycap, 1);
	}
	for (i = 0; i < len; i++)
		o->key[i] = s[i] == '.' ? '_' : (char)s[i];
	return yajl_gen_string(o->g, (const unsigned char *)o->key, len) ==
	    yajl_gen_status_ok;
}

static int
cb_start_map(void *ctx)
{
	return yajl_gen_map_open(((struct olog_gen *)ctx)->g) ==
	    yajl_gen_status_ok;
}

static int
cb_end_map(void *ctx)
{
	return yajl_gen_map_close(((struct olog_gen *)ctx)->g) ==
	    yajl_gen_status_ok;
}

static int
cb_start_array(void *ctx)
{
	return yajl_gen_array_open(((struct olog_gen *)ctx)->g) ==
	    yajl_gen_status_ok;
}

static int
cb_end_array(void *ctx)
{
	return yajl_gen_array_close(((struct olog_gen *)ctx)->g) ==
	    yajl_gen_status_ok;
}

static const yajl_callbacks olog_cbs = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string, cb_start_map,
	cb_key, cb_end_map, cb_start_array, cb_end_array,
};

/* Rebuild one record's JSON into b; false when it is not JSON. */
static bool
olog_rebuild(const char *json, size_t len, bool ekjson, struct olog_buf *b)
{
	struct olog_gen o;
	yajl_handle h;
	bool ok;

	memset(&o, 0, sizeof(o));
	o.ekjson = ekjson;
	b->len = 0;
	if ((o.g = yajl_gen_alloc(NULL)) == NULL)
		return false;
	yajl_gen_config(o.g, yajl_gen_print_callback, olog_buf_cb, b);
	if ((h = yajl_alloc(&olog_cbs, NULL, &o)) == NULL) {
		yajl_gen_free(o.g);
		return false;
	}
	ok = yajl_parse(h, (const unsigned char *)json, len) ==
	    yajl_status_ok && yajl_complete_parse(h) == yajl_status_ok &&
	    b->len > 0;
	yajl_free(h);
	yajl_gen_free(o.g);
	free(o.key);
	return ok;
}

int
olog_devices(struct kismetdb *db, bool ekjson, struct olog_out *out,
    uint64_t *ret_written, uint64_t *ret_bad)
{
	struct kismetdb_iter *it;
	struct kismetdb_device d;
	struct olog_buf b = { NULL, 0, 0 };
	uint64_t n = 0, bad = 0;
	int r, ret = -1;

	if (kismetdb_iter_devices(db, &it) < 0) {
		olog_err("reading devices: %s", kismetdb_errmsg(db));
		return -1;
	}
	if (!ekjson && !olog_write(out, "[", 1))
		goto out;
	while ((r = kismetdb_next_device(it, &d)) == 1) {
		if (!olog_rebuild(d.json, d.json_len, ekjson, &b)) {
			olog_err("device %s (%s): its record is not JSON; "
			    "skipped", d.devkey, d.devmac);
			bad++;
			continue;
		}
		if (!olog_write(out, ekjson ? "" : n == 0 ? "\n" : ",\n",
		    ekjson ? 0 : n == 0 ? 1 : 2) ||
		    !olog_write(out, b.p, b.len) ||
		    (ekjson && !olog_write(out, "\n", 1)))
			goto out;
		n++;
	}
	if (r < 0) {
		olog_err("reading devices: %s", kismetdb_errmsg(db));
		goto out;
	}
	if (!ekjson && !olog_write(out, n == 0 ? "]\n" : "\n]\n",
	    n == 0 ? 2 : 3))
		goto out;
	*ret_written = n;
	*ret_bad = bad;
	ret = 0;
out:
	kismetdb_iter_free(it);
	free(b.p);
	return ret;
}

yajl_val
olog_json_tree(const char *json, size_t len)
{
	char *s = xmalloc(len + 1);
	yajl_val v;

	memcpy(s, json, len);
	s[len] = '\0';
	v = yajl_tree_parse(s, NULL, 0);
	free(s);
	return v;
}

const char *
olog_json_str(yajl_val tree, const char *const *path)
{
	yajl_val v = yajl_tree_get(tree, (const char **)path, yajl_t_string);

	return v != NULL ? YAJL_GET_STRING(v) : NULL;
}

double
olog_json_num(yajl_val tree, const char *const *path, double def)
{
	yajl_val v = yajl_tree_get(tree, (const char **)path, yajl_t_number);

	return v != NULL ? YAJL_GET_DOUBLE(v) : def;
}
