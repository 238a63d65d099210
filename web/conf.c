/* SPDX-License-Identifier: ISC */
/* \summary: key=value settings: the line parser and the web's settings store */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "srcdef.h"
#include "xmalloc.h"

struct conf {
	char	**keys;
	char	**values;
	size_t	  count;
};

static bool
conf_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trim [s, e) in place; returns the start, the end becomes a NUL. */
static char *
conf_trim(char *s, char *e)
{
	while (s < e && conf_space(*s))
		s++;
	while (e > s && conf_space(e[-1]))
		e--;
	*e = '\0';
	return s;
}

int
conf_parse(const char *text, size_t len, conf_line_cb cb, void *arg,
    char *err, size_t errlen)
{
	char buf[CONF_MAX_LINE + 1], *eq, *key, *value;
	const char *p = text, *end = text + len, *nl;
	unsigned line = 0;
	size_t n;
	int rc;

	if (len > CONF_MAX_TEXT) {
		snprintf(err, errlen, "more than %u bytes", CONF_MAX_TEXT);
		return -EMSGSIZE;
	}
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > CONF_MAX_LINE) {
			snprintf(err, errlen, "line %u: longer than %d bytes",
			    line, CONF_MAX_LINE);
			return -EMSGSIZE;
		}
		if (memchr(p, '\0', n) != NULL) {
			snprintf(err, errlen, "line %u: NUL byte", line);
			return -EBADMSG;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		p = nl < end ? nl + 1 : end;
		key = conf_trim(buf, buf + n);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "line %u: expected key=value",
			    line);
			return -EBADMSG;
		}
		value = conf_trim(eq + 1, key + strlen(key));
		key = conf_trim(key, eq);
		if (*key == '\0') {
			snprintf(err, errlen, "line %u: empty key", line);
			return -EBADMSG;
		}
		if ((rc = cb(arg, key, value, line)) != 0) {
			snprintf(err, errlen, "line %u: %s rejected", line,
			    key);
			return rc;
		}
	}
	return 0;
}

struct conf *
conf_new(void)
{
	return xcalloc(1, sizeof(struct conf));
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->count; i++) {
		free(c->keys[i]);
		free(c->values[i]);
	}
	free(c->keys);
	free(c->values);
	free(c);
}

int
conf_set(struct conf *c, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (strcmp(c->keys[i], key) == 0) {
			free(c->values[i]);
			c->values[i] = xstrdup(value);
			return 0;
		}
	if (c->count >= CONF_MAX_KEYS)
		return -EMSGSIZE;
	c->keys = xreallocarray(c->keys, c->count + 1, sizeof(*c->keys));
	c->values = xreallocarray(c->values, c->count + 1,
	    sizeof(*c->values));
	c->keys[c->count] = xstrdup(key);
	c->values[c->count] = xstrdup(value);
	c->count++;
	return 0;
}

static int
conf_set_cb(void *arg, const char *key, const char *value, unsigned line)
{
	return conf_set(arg, key, value);
}

int
conf_set_arg(struct conf *c, const char *arg)
{
	char err[64];

	if (strchr(arg, '=') == NULL || strchr(arg, '\n') != NULL)
		return -EINVAL;
	return conf_parse(arg, strlen(arg), conf_set_cb, c, err,
	    sizeof(err)) == 0 ? 0 : -EINVAL;
}

int
conf_load_file(struct conf *c, const char *path, char *err, size_t errlen)
{
	char *text, why[256];
	struct stat st;
	ssize_t n;
	size_t off = 0;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_MAX_TEXT) {
		snprintf(err, errlen, "%s: not a regular file of at most %u "
		    "bytes", path, CONF_MAX_TEXT);
		close(fd);
		return -EINVAL;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, text + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	rc = conf_parse(text, off, conf_set_cb, c, why, sizeof(why));
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	free(text);
	return rc;
}

int
conf_merge(struct conf *dst, const struct conf *src)
{
	size_t i;
	int rc;

	for (i = 0; i < src->count; i++)
		if ((rc = conf_set(dst, src->keys[i], src->values[i])) != 0)
			return rc;
	return 0;
}

const char *
conf_get(const struct conf *c, const char *key, const char *def)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (strcmp(c->keys[i], key) == 0)
			return c->values[i];
	return def;
}

int
conf_get_uint(const struct conf *c, const char *key, uint64_t def,
    uint64_t min, uint64_t max, uint64_t *ret)
{
	const char *v = conf_get(c, key, NULL);
	unsigned long long u;
	char *end;

	if (v == NULL) {
		*ret = def;
		return 0;
	}
	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	u = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || u < min || u > max)
		return -EINVAL;
	*ret = u;
	return 0;
}

int
conf_get_bool(const struct conf *c, const char *key, bool def, bool *ret)
{
	const char *v = conf_get(c, key, NULL);

	if (v == NULL) {
		*ret = def;
		return 0;
	}
	return srcdef_parse_bool(v, ret) == 0 ? 0 : -EINVAL;
}
