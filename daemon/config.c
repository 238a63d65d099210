/* SPDX-License-Identifier: ISC */
/* \summary: config files: key=value lines, #, include=, repeatable keys */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "srcdef.h"
#include "xmalloc.h"

/* The files being read, innermost last, to refuse include loops. */
struct load_stack {
	const char	*names[CONFIG_INCLUDE_DEPTH + 1];
	size_t		 depth;
};

static int	load_path(struct config *, const char *, bool, bool,
		    struct load_stack *, char *, size_t);

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	for (i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->v);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

/* A stable copy of a file name for entries to point at. */
static const char *
intern_file(struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_files; i++)
		if (strcmp(c->files[i], name) == 0)
			return c->files[i];
	c->files = xreallocarray(c->files, c->n_files + 1,
	    sizeof(*c->files));
	c->files[c->n_files] = xstrdup(name);
	return c->files[c->n_files++];
}

static void
add_entry(struct config *c, const char *key, const char *value,
    const char *file, unsigned line, bool override)
{
	struct config_entry *e;
	bool seen_here = false;
	size_t i;

	if (override) {
		for (i = 0; i < c->n; i++)
			if (!c->v[i].dead && c->v[i].gen == c->gen &&
			    strcmp(c->v[i].key, key) == 0)
				seen_here = true;
		if (!seen_here)
			for (i = 0; i < c->n; i++)
				if (c->v[i].gen < c->gen &&
				    strcmp(c->v[i].key, key) == 0)
					c->v[i].dead = true;
	}
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 32 : c->cap * 2;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	e = &c->v[c->n++];
	memset(e, 0, sizeof(*e));
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->file = intern_file(c, file);
	e->line = line;
	e->gen = c->gen;
}

static bool
is_key_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '-' || ch == '.';
}

/* A NUL-terminated copy of [p, end), which need not be terminated. */
static char *
copy_span(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Trim spaces at both ends of [*p, *end). */
static void
trim(const char **p, const char **end)
{
	while (*p < *end && isspace((unsigned char)**p))
		(*p)++;
	while (*end > *p && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

/* A relative include is relative to the folder of the file naming it. */
static char *
include_path(const char *from, const char *path)
{
	const char *slash;
	char *out;

	if (path[0] == '/' || (slash = strrchr(from, '/')) == NULL)
		return xstrdup(path);
	xasprintf(&out, "%.*s/%s", (int)(slash - from), from, path);
	return out;
}

static int
parse_line(struct config *c, const char *name, unsigned lineno,
    const char *p, const char *end, bool override, struct load_stack *st,
    char *err, size_t errlen)
{
	const char *eq, *k, *kend, *v, *vend;
	char key[CONFIG_KEY_MAX], *value, *inc;
	size_t i, klen;
	int r;

	trim(&p, &end);
	if (p == end || *p == '#')
		return 0;
	if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL) {
		snprintf(err, errlen, "%s:%u: expected key=value", name,
		    lineno);
		return -EINVAL;
	}
	k = p;
	kend = eq;
	trim(&k, &kend);
	klen = (size_t)(kend - k);
	if (klen == 0) {
		snprintf(err, errlen, "%s:%u: empty key", name, lineno);
		return -EINVAL;
	}
	if (klen >= sizeof(key)) {
		snprintf(err, errlen, "%s:%u: key longer than %d bytes", name,
		    lineno, CONFIG_KEY_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < klen; i++) {
		if (!is_key_char((unsigned char)k[i])) {
			snprintf(err, errlen, "%s:%u: bad character in key "
			    "'%.*s'", name, lineno, (int)klen, k);
			return -EINVAL;
		}
		key[i] = (char)tolower((unsigned char)k[i]);
	}
	key[klen] = '\0';
	v = eq + 1;
	vend = end;
	trim(&v, &vend);
	value = copy_span(v, vend);

	if (strcmp(key, "include") == 0 || strcmp(key, "opt_include") == 0) {
		if (value[0] == '\0') {
			snprintf(err, errlen, "%s:%u: %s= needs a file name",
			    name, lineno, key);
			free(value);
			return -EINVAL;
		}
		inc = include_path(name, value);
		r = load_path(c, inc, override, key[0] == 'o', st, err,
		    errlen);
		if (r < 0 && strncmp(err, inc, strlen(inc)) == 0 &&
		    strstr(err, "included from") == NULL) {
			/* Say where the include came from. */
			size_t n = strlen(err);

			snprintf(err + n, errlen > n ? errlen - n : 0,
			    " (included from %s:%u)", name, lineno);
		}
		free(inc);
		free(value);
		return r;
	}
	add_entry(c, key, value, name, lineno, override);
	free(value);
	return 0;
}

static int
load_text(struct config *c, const char *name, const char *buf, size_t len,
    bool override, struct load_stack *st, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl, *le;
	unsigned lineno = 0;
	int r;

	if (len > CONFIG_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", name,
		    CONFIG_FILE_MAX);
		return -EFBIG;
	}
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		le = nl != NULL ? nl : end;
		if ((size_t)(le - p) > CONFIG_LINE_MAX) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes",
			    name, lineno, CONFIG_LINE_MAX);
			return -EINVAL;
		}
		if (memchr(p, '\0', (size_t)(le - p)) != NULL) {
			snprintf(err, errlen, "%s:%u: NUL byte in line", name,
			    lineno);
			return -EINVAL;
		}
		if ((r = parse_line(c, name, lineno, p, le, override, st, err,
		    errlen)) < 0)
			return r;
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
}

static int
read_file(const char *path, char **ret, size_t *ret_len, char *err,
    size_t errlen)
{
	struct stat sb;
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return -saved;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (sb.st_size > CONFIG_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    CONFIG_FILE_MAX);
		close(fd);
		return -EFBIG;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*ret = buf;
	*ret_len = got;
	return 0;
}

static int
push(struct load_stack *st, const char *name, char *err, size_t errlen)
{
	size_t i;

	if (st->depth == CONFIG_INCLUDE_DEPTH) {
		snprintf(err, errlen, "%s: includes nested deeper than %d",
		    name, CONFIG_INCLUDE_DEPTH);
		return -ELOOP;
	}
	for (i = 0; i < st->depth; i++)
		if (strcmp(st->names[i], name) == 0) {
			snprintf(err, errlen, "%s: include loop", name);
			return -ELOOP;
		}
	st->names[st->depth++] = name;
	return 0;
}

static int
load_path(struct config *c, const char *path, bool override, bool optional,
    struct load_stack *st, char *err, size_t errlen)
{
	char real[PATH_MAX], *buf = NULL;
	const char *name;
	size_t len = 0;
	int r;

	if (optional && access(path, F_OK) != 0)
		return 0;
	/* Loops are found on the resolved name; messages use the given one. */
	if (realpath(path, real) == NULL)
		snprintf(real, sizeof(real), "%s", path);
	if ((r = push(st, real, err, errlen)) < 0)
		return r;
	if ((r = read_file(path, &buf, &len, err, errlen)) == 0) {
		name = intern_file(c, path);
		r = load_text(c, name, buf, len, override, st, err, errlen);
		free(buf);
	}
	st->depth--;
	return r;
}

int
config_load_file(struct config *c, const char *path, bool override,
    char *err, size_t errlen)
{
	struct load_stack st = { .depth = 0 };

	c->gen++;
	return load_path(c, path, override, false, &st, err, errlen);
}

int
config_load_buffer(struct config *c, const char *name, const char *buf,
    size_t len, bool override, char *err, size_t errlen)
{
	struct load_stack st = { .depth = 0 };

	c->gen++;
	st.names[st.depth++] = name;
	return load_text(c, intern_file(c, name), buf, len, override, &st,
	    err, errlen);
}

int
config_load_set(struct config *c, const char *main, const char *flavor,
    char *err, size_t errlen)
{
	int r;

	if ((r = config_load_file(c, main, false, err, errlen)) < 0)
		return r;
	return config_load_extras(c, main, flavor, err, errlen);
}

int
config_load_extras(struct config *c, const char *main, const char *flavor,
    char *err, size_t errlen)
{
	char *path, *name;
	int r;

	path = include_path(main, "osprey_site.conf");
	r = access(path, F_OK) == 0 ?
	    config_load_file(c, path, true, err, errlen) : 0;
	free(path);
	if (r < 0 || flavor == NULL)
		return r;
	if (flavor[0] == '\0' || strchr(flavor, '/') != NULL) {
		snprintf(err, errlen, "--override: bad flavor '%s'", flavor);
		return -EINVAL;
	}
	xasprintf(&name, "osprey_%s.conf", flavor);
	path = include_path(main, name);
	/* Say where it was looked for: beside the main file. */
	if (access(path, F_OK) != 0) {
		r = -errno;
		snprintf(err, errlen, "--override %s: %s: %s (the flavor file "
		    "is looked for beside the main config file %s)", flavor,
		    path, strerror(-r), main);
	} else
		r = config_load_file(c, path, true, err, errlen);
	free(path);
	free(name);
	return r;
}

void
config_unset(struct config *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcasecmp(c->v[i].key, key) == 0)
			c->v[i].dead = true;
}

void
config_add(struct config *c, const char *key, const char *value,
    const char *origin)
{
	char lkey[CONFIG_KEY_MAX];
	size_t i;

	for (i = 0; key[i] != '\0' && i < sizeof(lkey) - 1; i++)
		lkey[i] = (char)tolower((unsigned char)key[i]);
	lkey[i] = '\0';
	add_entry(c, lkey, value, origin, 0, false);
}

void
config_set(struct config *c, const char *key, const char *value,
    const char *origin)
{
	config_unset(c, key);
	config_add(c, key, value, origin);
}

const struct config_entry *
config_entry(const struct config *c, const char *key)
{
	size_t i;

	for (i = c->n; i > 0; i--)
		if (!c->v[i - 1].dead &&
		    strcasecmp(c->v[i - 1].key, key) == 0)
			return &c->v[i - 1];
	return NULL;
}

const char *
config_get(const struct config *c, const char *key)
{
	const struct config_entry *e = config_entry(c, key);

	return e != NULL ? e->value : NULL;
}

const struct config_entry *
config_next(const struct config *c, const char *key,
    const struct config_entry *prev)
{
	size_t i = prev == NULL ? 0 : (size_t)(prev - c->v) + 1;

	for (; i < c->n; i++)
		if (!c->v[i].dead && strcasecmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

/* "file:line: " or "origin: " for messages about an entry's value. */
static void
where(const struct config_entry *e, char *buf, size_t len)
{
	if (e->line > 0)
		snprintf(buf, len, "%s:%u", e->file, e->line);
	else
		snprintf(buf, len, "%s", e->file);
}

int
config_get_bool(const struct config *c, const char *key, bool def,
    bool *ret, char *err, size_t errlen)
{
	const struct config_entry *e = config_entry(c, key);
	char w[PATH_MAX + 16];

	if (e == NULL) {
		*ret = def;
		return 0;
	}
	if (srcdef_parse_bool(e->value, ret) < 0) {
		where(e, w, sizeof(w));
		snprintf(err, errlen, "%s: %s: '%s' is not true or false", w,
		    key, e->value);
		return -EINVAL;
	}
	return 0;
}

int
config_get_uint(const struct config *c, const char *key, uint64_t def,
    uint64_t max, uint64_t *ret, char *err, size_t errlen)
{
	const struct config_entry *e = config_entry(c, key);
	char w[PATH_MAX + 16], *end;
	unsigned long long n;

	if (e == NULL) {
		*ret = def;
		return 0;
	}
	errno = 0;
	n = strtoull(e->value, &end, 10);
	if (!isdigit((unsigned char)e->value[0]) || *end != '\0' ||
	    errno != 0 || n > max) {
		where(e, w, sizeof(w));
		snprintf(err, errlen, "%s: %s: '%s' is not a number from 0 "
		    "to %" PRIu64, w, key, e->value, max);
		return -EINVAL;
	}
	*ret = n;
	return 0;
}

int
config_get_msec(const struct config *c, const char *key, uint64_t def,
    uint64_t *ret, char *err, size_t errlen)
{
	const struct config_entry *e = config_entry(c, key);
	char w[PATH_MAX + 16], *end;
	double d;

	if (e == NULL) {
		*ret = def;
		return 0;
	}
	errno = 0;
	d = strtod(e->value, &end);
	if (!isdigit((unsigned char)e->value[0]) || *end != '\0' ||
	    errno != 0 || !isfinite(d) || d > 86400.0 * 365) {
		where(e, w, sizeof(w));
		snprintf(err, errlen, "%s: %s: '%s' is not a number of "
		    "seconds", w, key, e->value);
		return -EINVAL;
	}
	*ret = (uint64_t)(d * 1000.0 + 0.5);
	return 0;
}

static bool
is_known(const char *key, const char *const *known)
{
	size_t n;

	for (; *known != NULL; known++) {
		n = strlen(*known);
		if (n > 0 && (*known)[n - 1] == '*') {
			if (strncmp(key, *known, n - 1) == 0)
				return true;
		} else if (strcmp(key, *known) == 0)
			return true;
	}
	return false;
}

size_t
config_check_known(const struct config *c, const char *const *known,
    void (*cb)(const struct config_entry *, void *), void *arg)
{
	size_t i, n = 0;

	for (i = 0; i < c->n; i++)
		if (!c->v[i].dead && !is_known(c->v[i].key, known)) {
			n++;
			if (cb != NULL)
				cb(&c->v[i], arg);
		}
	return n;
}
