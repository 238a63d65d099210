/* SPDX-License-Identifier: ISC */
/* \summary: Kismet field simplification and regex filters over records */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fields.h"
#include "log.h"
#include "xmalloc.h"

struct fields_path {
	char		*elems[FIELDS_MAX_DEPTH];
	size_t		 n;
};

struct fields_entry {
	struct fields_path	 path;
	char			*key;		/* alias or last element */
};

struct fields {
	struct fields_entry	*entries;
	size_t			 n;
};

struct fields_regex_entry {
	struct fields_path	 path;
	pcre2_code		*re;
};

struct fields_regex {
	struct fields_regex_entry *entries;
	size_t			 n;
	pcre2_match_context	*mctx;
	pcre2_match_data	*md;
	uint64_t		 spent_ns;	/* matching, this request */
	bool			 exhausted;	/* over FIELDS_REGEX_BUDGET */
};

/*
 * Kismet renamed these signal fields; clients still ask for the old
 * names, so a lookup that misses tries the new one.
 */
static const char *fields_aliases[][2] = {
	{ "kismet.common.signal.last_signal_dbm",
	    "kismet.common.signal.last_signal" },
	{ "kismet.common.signal.min_signal_dbm",
	    "kismet.common.signal.min_signal" },
	{ "kismet.common.signal.max_signal_dbm",
	    "kismet.common.signal.max_signal" },
	{ "kismet.common.signal.last_noise_dbm",
	    "kismet.common.signal.last_noise" },
	{ "kismet.common.signal.min_noise_dbm",
	    "kismet.common.signal.min_noise" },
	{ "kismet.common.signal.max_noise_dbm",
	    "kismet.common.signal.max_noise" },
};

static void
fields_path_free(struct fields_path *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->elems[i]);
	p->n = 0;
}

static int
fields_path_parse(const char *s, size_t len, struct fields_path *ret,
    char *err, size_t errlen)
{
	struct fields_path p;
	const char *e, *end = s + len;

	memset(&p, 0, sizeof(p));
	if (len == 0 || len > FIELDS_MAX_PATH) {
		snprintf(err, errlen, "field path empty or over %d bytes",
		    FIELDS_MAX_PATH);
		return len == 0 ? -EINVAL : -EMSGSIZE;
	}
	if (memchr(s, '\0', len) != NULL) {
		snprintf(err, errlen, "field path holds a NUL");
		return -EINVAL;
	}
	while (s <= end) {
		if ((e = memchr(s, '/', (size_t)(end - s))) == NULL)
			e = end;
		/* A leading "/" (Kismet accepts one) adds no element. */
		if (e == s && p.n == 0 && e != end) {
			s = e + 1;
			continue;
		}
		if (e == s) {
			snprintf(err, errlen, "empty element in field path");
			fields_path_free(&p);
			return -EINVAL;
		}
		if (p.n == FIELDS_MAX_DEPTH) {
			snprintf(err, errlen, "field path over %d elements",
			    FIELDS_MAX_DEPTH);
			fields_path_free(&p);
			return -EMSGSIZE;
		}
		p.elems[p.n++] = xstrndup(s, (size_t)(e - s));
		s = e + 1;
	}
	*ret = p;
	return 0;
}

void
fields_free(struct fields *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		fields_path_free(&f->entries[i].path);
		free(f->entries[i].key);
	}
	free(f->entries);
	free(f);
}

size_t
fields_count(const struct fields *f)
{
	return f->n;
}

int
fields_parse(const yajl_val list, struct fields **ret, char *err,
    size_t errlen)
{
	struct fields *f;
	struct fields_entry *e;
	yajl_val v, path, alias;
	size_t i;
	int rc;

	if (!YAJL_IS_ARRAY(list)) {
		snprintf(err, errlen, "\"fields\" must be a list");
		return -EINVAL;
	}
	if (list->u.array.len > FIELDS_MAX) {
		snprintf(err, errlen, "more than %d fields", FIELDS_MAX);
		return -EMSGSIZE;
	}
	f = xcalloc(1, sizeof(*f));
	f->entries = xcalloc(list->u.array.len + 1, sizeof(*f->entries));
	for (i = 0; i < list->u.array.len; i++) {
		v = list->u.array.values[i];
		alias = NULL;
		if (YAJL_IS_STRING(v))
			path = v;
		else if (YAJL_IS_ARRAY(v) && (v->u.array.len == 1 ||
		    v->u.array.len == 2) &&
		    YAJL_IS_STRING(v->u.array.values[0])) {
			path = v->u.array.values[0];
			if (v->u.array.len == 2)
				alias = v->u.array.values[1];
			if (alias != NULL && (!YAJL_IS_STRING(alias) ||
			    alias->u.string[0] == '\0' ||
			    strlen(alias->u.string) > FIELDS_MAX_PATH)) {
				snprintf(err, errlen, "field %zu: the alias "
				    "must be a short non-empty string", i);
				fields_free(f);
				return -EINVAL;
			}
		} else {
			snprintf(err, errlen, "field %zu: expected a path or "
			    "[path, alias]", i);
			fields_free(f);
			return -EINVAL;
		}
		e = &f->entries[f->n];
		if ((rc = fields_path_parse(path->u.string,
		    strlen(path->u.string), &e->path, err, errlen)) != 0) {
			fields_free(f);
			return rc;
		}
		e->key = xstrdup(alias != NULL ? alias->u.string :
		    e->path.elems[e->path.n - 1]);
		f->n++;
	}
	*ret = f;
	return 0;
}

static bool
fields_key_is(const msgpack_object *k, const char *name, size_t len)
{
	char buf[32];
	int n;

	switch (k->type) {
	case MSGPACK_OBJECT_STR:
		/* An empty key may have a NULL ptr. */
		return k->via.str.size == len &&
		    (len == 0 || memcmp(k->via.str.ptr, name, len) == 0);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		n = snprintf(buf, sizeof(buf), "%" PRIu64, k->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		n = snprintf(buf, sizeof(buf), "%" PRId64, k->via.i64);
		break;
	default:
		return false;
	}
	return (size_t)n == len && memcmp(buf, name, len) == 0;
}

/* An array element by its decimal index ("0", "12"), or NULL. */
static const msgpack_object *
fields_index(const msgpack_object *arr, const char *name)
{
	unsigned long long i;
	char *end;

	if (*name < '0' || *name > '9' || (name[0] == '0' && name[1] != '\0'))
		return NULL;
	errno = 0;
	i = strtoull(name, &end, 10);
	if (*end != '\0' || errno != 0 || i >= arr->via.array.size)
		return NULL;
	return &arr->via.array.ptr[i];
}

static const msgpack_object *
fields_get(const msgpack_object *map, const char *name)
{
	size_t len = strlen(name), i;
	uint32_t j;

	if (map->type == MSGPACK_OBJECT_ARRAY)
		return fields_index(map, name);
	if (map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (j = 0; j < map->via.map.size; j++)
		if (fields_key_is(&map->via.map.ptr[j].key, name, len))
			return &map->via.map.ptr[j].val;
	for (i = 0; i < sizeof(fields_aliases) / sizeof(fields_aliases[0]);
	    i++)
		if (strcmp(name, fields_aliases[i][0]) == 0)
			return fields_get(map, fields_aliases[i][1]);
	return NULL;
}

static const msgpack_object *
fields_walk(const msgpack_object *rec, const struct fields_path *p)
{
	const msgpack_object *o = rec;
	size_t i;

	for (i = 0; i < p->n && o != NULL; i++)
		o = fields_get(o, p->elems[i]);
	return o;
}

const msgpack_object *
fields_lookup(const msgpack_object *rec, const char *path)
{
	struct fields_path p;
	const msgpack_object *o;
	char err[128];

	if (fields_path_parse(path, strlen(path), &p, err, sizeof(err)) != 0)
		return NULL;
	o = fields_walk(rec, &p);
	fields_path_free(&p);
	return o;
}

int
fields_apply(const struct fields *f, const msgpack_object *rec,
    msgpack_zone *zone, msgpack_object *ret)
{
	msgpack_object_kv *kv;
	const msgpack_object *v;
	size_t i, j, n = 0;

	kv = msgpack_zone_malloc(zone, (f->n + 1) * sizeof(*kv));
	if (kv == NULL)
		return -ENOMEM;
	for (i = 0; i < f->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(f->entries[j].key, f->entries[i].key) == 0)
				break;
		if (j < i)
			continue;
		kv[n].key.type = MSGPACK_OBJECT_STR;
		kv[n].key.via.str.ptr = f->entries[i].key;
		kv[n].key.via.str.size = (uint32_t)strlen(f->entries[i].key);
		if ((v = fields_walk(rec, &f->entries[i].path)) != NULL)
			kv[n].val = *v;
		else {
			kv[n].val.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
			kv[n].val.via.u64 = 0;
		}
		n++;
	}
	ret->type = MSGPACK_OBJECT_MAP;
	ret->via.map.size = (uint32_t)n;
	ret->via.map.ptr = kv;
	return 0;
}

void
fields_regex_free(struct fields_regex *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		fields_path_free(&r->entries[i].path);
		pcre2_code_free(r->entries[i].re);
	}
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	free(r->entries);
	free(r);
}

/*
 * Compile one pattern, interpreted (no JIT: the sandbox forbids
 * executable memory), bytes not UTF-8 (SSIDs are any bytes), within the
 * size caps.  0, or -EINVAL / -EMSGSIZE with why.
 */
static int
fields_regex_compile(const char *pat, pcre2_code **ret, char *why,
    size_t whylen)
{
	pcre2_compile_context *cc;
	PCRE2_UCHAR msg[128];
	PCRE2_SIZE off;
	pcre2_code *re;
	size_t size;
	int err;

	if ((cc = pcre2_compile_context_create(NULL)) == NULL)
		fatalx("out of memory");
	(void)pcre2_set_max_pattern_length(cc, FIELDS_MAX_PATTERN);
	(void)pcre2_set_parens_nest_limit(cc, FIELDS_MAX_GROUPS);
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_NEVER_UTF | PCRE2_NEVER_UCP |
	    PCRE2_NEVER_BACKSLASH_C, &err, &off, cc);
	pcre2_compile_context_free(cc);
	if (re == NULL && err == PCRE2_ERROR_PATTERN_TOO_LARGE) {
		/* PCRE2's own cap on a program (64 KiB) stopped it first. */
		snprintf(why, whylen, "pattern too complex (compiles to over "
		    "%d bytes)", FIELDS_MAX_COMPILED);
		return -EMSGSIZE;
	}
	if (re == NULL) {
		(void)pcre2_get_error_message(err, msg, sizeof(msg));
		snprintf(why, whylen, "%s at offset %zu", (const char *)msg,
		    (size_t)off);
		return -EINVAL;
	}
	/* Nested repetition copies groups: a short pattern, a big program. */
	if (pcre2_pattern_info(re, PCRE2_INFO_SIZE, &size) != 0 ||
	    size > FIELDS_MAX_COMPILED) {
		snprintf(why, whylen, "pattern too complex (compiles to over "
		    "%d bytes)", FIELDS_MAX_COMPILED);
		pcre2_code_free(re);
		return -EMSGSIZE;
	}
	*ret = re;
	return 0;
}

int
fields_regex_parse(const yajl_val list, struct fields_regex **ret,
    char *err, size_t errlen)
{
	struct fields_regex *r;
	struct fields_regex_entry *e;
	yajl_val v;
	char why[192];
	size_t i;
	int rc;

	if (!YAJL_IS_ARRAY(list)) {
		snprintf(err, errlen, "\"regex\" must be a list");
		return -EINVAL;
	}
	if (list->u.array.len > FIELDS_MAX_REGEX) {
		snprintf(err, errlen, "more than %d regex filters",
		    FIELDS_MAX_REGEX);
		return -EMSGSIZE;
	}
	r = xcalloc(1, sizeof(*r));
	r->entries = xcalloc(list->u.array.len + 1, sizeof(*r->entries));
	for (i = 0; i < list->u.array.len; i++) {
		v = list->u.array.values[i];
		if (!YAJL_IS_ARRAY(v) || v->u.array.len != 2 ||
		    !YAJL_IS_STRING(v->u.array.values[0]) ||
		    !YAJL_IS_STRING(v->u.array.values[1])) {
			snprintf(err, errlen, "regex %zu: expected [path, "
			    "pattern]", i);
			fields_regex_free(r);
			return -EINVAL;
		}
		if (strlen(v->u.array.values[1]->u.string) >
		    FIELDS_MAX_PATTERN) {
			snprintf(err, errlen, "regex %zu: pattern over %d "
			    "bytes", i, FIELDS_MAX_PATTERN);
			fields_regex_free(r);
			return -EMSGSIZE;
		}
		e = &r->entries[r->n];
		if ((rc = fields_path_parse(v->u.array.values[0]->u.string,
		    strlen(v->u.array.values[0]->u.string), &e->path, err,
		    errlen)) != 0) {
			fields_regex_free(r);
			return rc;
		}
		if ((rc = fields_regex_compile(v->u.array.values[1]->u.string,
		    &e->re, why, sizeof(why))) != 0) {
			snprintf(err, errlen, "regex %zu: %s", i, why);
			fields_path_free(&e->path);
			fields_regex_free(r);
			return rc;
		}
		r->n++;
	}
	/* Limits on every match: steps, backtracking depth, heap. */
	if ((r->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (r->md = pcre2_match_data_create(1, NULL)) == NULL)
		fatalx("out of memory");
	(void)pcre2_set_match_limit(r->mctx, FIELDS_MATCH_LIMIT);
	(void)pcre2_set_depth_limit(r->mctx, FIELDS_DEPTH_LIMIT);
	(void)pcre2_set_heap_limit(r->mctx, FIELDS_HEAP_LIMIT_KIB);
	*ret = r;
	return 0;
}

static uint64_t
fields_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool
fields_regex_match(struct fields_regex *r, const msgpack_object *rec)
{
	const msgpack_object *v;
	uint64_t t0;
	size_t i;
	int rc;

	if (r->exhausted)
		return false;
	t0 = fields_clock_ns();
	for (i = 0; i < r->n; i++) {
		v = fields_walk(rec, &r->entries[i].path);
		if (v == NULL || v->type != MSGPACK_OBJECT_STR)
			continue;
		/* Past a limit (PCRE2_ERROR_MATCHLIMIT...) is no match. */
		rc = pcre2_match(r->entries[i].re, (PCRE2_SPTR)(
		    v->via.str.size > 0 ? v->via.str.ptr : ""),
		    v->via.str.size, 0, 0, r->md, r->mctx);
		if (rc >= 0)
			break;
	}
	r->spent_ns += fields_clock_ns() - t0;
	if (r->spent_ns > FIELDS_REGEX_BUDGET_MS * 1000000ULL) {
		r->exhausted = true;
		log_debug("regex filters spent %d ms: the answer is cut short",
		    FIELDS_REGEX_BUDGET_MS);
	}
	return i < r->n;
}

bool
fields_regex_exhausted(const struct fields_regex *r)
{
	return r->exhausted;
}

int
fields_parse_request(const yajl_val root, struct fields **ret_fields,
    struct fields_regex **ret_regex, char *err, size_t errlen)
{
	static const char *fpath[] = { "fields", NULL };
	static const char *rpath[] = { "regex", NULL };
	struct fields *f = NULL;
	struct fields_regex *r = NULL;
	yajl_val v;
	int rc;

	if (root != NULL && !YAJL_IS_OBJECT(root)) {
		snprintf(err, errlen, "the request must be a JSON object");
		return -EINVAL;
	}
	if (root != NULL && (v = yajl_tree_get(root, fpath, yajl_t_any)) !=
	    NULL && (rc = fields_parse(v, &f, err, errlen)) != 0)
		return rc;
	if (root != NULL && (v = yajl_tree_get(root, rpath, yajl_t_any)) !=
	    NULL && (rc = fields_regex_parse(v, &r, err, errlen)) != 0) {
		fields_free(f);
		return rc;
	}
	*ret_fields = f;
	*ret_regex = r;
	return 0;
}
