/* SPDX-License-Identifier: ISC */
/* \summary: Kismet field simplification and regex filters over records */

#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
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
	regex_t			 re;
};

struct fields_regex {
	struct fields_regex_entry *entries;
	size_t			 n;
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

/*
 * Refuse what makes POSIX regex compilation or matching explode (see
 * fields.h).  Walks the pattern once: escapes and bracket expressions are
 * stepped over, quantifiers and groups counted.  0 or -EINVAL with why.
 */
static int
fields_regex_sane(const char *p, char *why, size_t whylen)
{
	bool after_quant = false;
	int depth = 0, quants = 0;
	unsigned long lo, hi;
	char *end;

	while (*p != '\0') {
		switch (*p) {
		case '\\':
			if (p[1] >= '1' && p[1] <= '9') {
				snprintf(why, whylen, "back-references are not "
				    "allowed");
				return -EINVAL;
			}
			p += p[1] != '\0' ? 2 : 1;
			after_quant = false;
			continue;
		case '[':
			/* A bracket expression: "]" first is a member. */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']')
				p++;
			if (*p == ']')
				p++;
			after_quant = false;
			continue;
		case '(':
			if (++depth > FIELDS_MAX_GROUPS) {
				snprintf(why, whylen, "groups nested over %d "
				    "deep", FIELDS_MAX_GROUPS);
				return -EINVAL;
			}
			after_quant = false;
			break;
		case ')':
			depth--;
			after_quant = false;
			break;
		case '*':
		case '+':
		case '?':
		case '{':
			if (after_quant || ++quants > FIELDS_MAX_QUANT) {
				snprintf(why, whylen, "too many or stacked "
				    "repetitions");
				return -EINVAL;
			}
			if (*p == '{') {
				lo = strtoul(p + 1, &end, 10);
				hi = *end == ',' ? strtoul(end + 1, &end, 10) :
				    lo;
				if (lo > FIELDS_MAX_REPEAT ||
				    hi > FIELDS_MAX_REPEAT) {
					snprintf(why, whylen, "a repetition "
					    "bound over %d", FIELDS_MAX_REPEAT);
					return -EINVAL;
				}
				while (*p != '\0' && *p != '}')
					p++;
				if (*p == '\0')
					continue;
			}
			after_quant = true;
			p++;
			continue;
		default:
			after_quant = false;
			break;
		}
		p++;
	}
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
		regfree(&r->entries[i].re);
	}
	free(r->entries);
	free(r);
}

int
fields_regex_parse(const yajl_val list, struct fields_regex **ret,
    char *err, size_t errlen)
{
	struct fields_regex *r;
	struct fields_regex_entry *e;
	yajl_val v;
	char why[128];
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
		if (fields_regex_sane(v->u.array.values[1]->u.string, why,
		    sizeof(why)) != 0) {
			snprintf(err, errlen, "regex %zu: %s", i, why);
			fields_regex_free(r);
			return -EINVAL;
		}
		e = &r->entries[r->n];
		if ((rc = fields_path_parse(v->u.array.values[0]->u.string,
		    strlen(v->u.array.values[0]->u.string), &e->path, err,
		    errlen)) != 0) {
			fields_regex_free(r);
			return rc;
		}
		if ((rc = regcomp(&e->re, v->u.array.values[1]->u.string,
		    REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &e->re, why, sizeof(why));
			snprintf(err, errlen, "regex %zu: %s", i, why);
			fields_path_free(&e->path);
			fields_regex_free(r);
			return -EINVAL;
		}
		r->n++;
	}
	*ret = r;
	return 0;
}

bool
fields_regex_match(const struct fields_regex *r, const msgpack_object *rec)
{
	const msgpack_object *v;
	regmatch_t m[1];
	size_t i;

	for (i = 0; i < r->n; i++) {
		v = fields_walk(rec, &r->entries[i].path);
		if (v == NULL || v->type != MSGPACK_OBJECT_STR)
			continue;
		/* REG_STARTEND: msgpack strings are not NUL terminated. */
		m[0].rm_so = 0;
		m[0].rm_eo = (regoff_t)v->via.str.size;
		if (regexec(&r->entries[i].re, v->via.str.size > 0 ?
		    v->via.str.ptr : "", 1, m, REG_STARTEND) == 0)
			return true;
	}
	return false;
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
