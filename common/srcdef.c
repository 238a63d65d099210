/* SPDX-License-Identifier: ISC */
/* \summary: source definitions: "interface:opt=val,opt=\"a,b\",..." */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "srcdef.h"

void
srcdef_free(struct srcdef *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n_opts; i++) {
		free(d->opts[i].key);
		free(d->opts[i].value);
	}
	free(d->opts);
	free(d->interface);
	memset(d, 0, sizeof(*d));
}

static int
is_key_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/*
 * Read one value starting at *pp, ending at an unquoted comma or the end.
 * Writes at most strlen(*pp) + 1 bytes into out.
 */
static int
parse_value(const char **pp, char *out, const char *key, char *err,
    size_t errlen)
{
	const char *p = *pp;
	bool quoted = false;

	if (*p == '"') {
		quoted = true;
		p++;
	}
	for (;;) {
		if (*p == '\0') {
			if (quoted) {
				snprintf(err, errlen,
				    "option '%s': unterminated quote", key);
				return -EINVAL;
			}
			break;
		}
		if (quoted) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
				*out++ = p[1];
				p += 2;
				continue;
			}
			if (*p == '"') {
				p++;
				if (*p != '\0' && *p != ',') {
					snprintf(err, errlen, "option '%s': "
					    "text after closing quote", key);
					return -EINVAL;
				}
				break;
			}
		} else if (*p == ',')
			break;
		else if (*p == '"') {
			snprintf(err, errlen, "option '%s': stray quote", key);
			return -EINVAL;
		}
		*out++ = *p++;
	}
	*out = '\0';
	*pp = p;
	return 0;
}

int
srcdef_parse(const char *def, struct srcdef *ret, char *err, size_t errlen)
{
	struct srcdef d;
	const char *p, *colon, *k;
	char *scratch = NULL, key[64];
	size_t len, klen, i;
	int r = -EINVAL;

	memset(&d, 0, sizeof(d));
	if (errlen > 0)
		err[0] = '\0';
	len = strnlen(def, SRCDEF_MAX_LEN + 1);
	if (len > SRCDEF_MAX_LEN) {
		snprintf(err, errlen, "definition longer than %d bytes",
		    SRCDEF_MAX_LEN);
		return -EMSGSIZE;
	}
	for (i = 0; i < len; i++)
		if (iscntrl((unsigned char)def[i])) {
			snprintf(err, errlen, "control character in definition");
			return -EINVAL;
		}

	colon = strchr(def, ':');
	klen = colon != NULL ? (size_t)(colon - def) : len;
	if (klen == 0) {
		snprintf(err, errlen, "empty interface in definition");
		return -EINVAL;
	}
	if ((d.interface = strndup(def, klen)) == NULL ||
	    (scratch = malloc(len + 1)) == NULL)
		goto nomem;
	if (colon == NULL || colon[1] == '\0')
		goto done;

	p = colon + 1;
	for (;;) {
		k = p;
		while (is_key_char((unsigned char)*p))
			p++;
		klen = (size_t)(p - k);
		if (klen == 0 || klen >= sizeof(key)) {
			snprintf(err, errlen, klen == 0 ?
			    "empty option name at offset %zu" :
			    "option name too long at offset %zu",
			    (size_t)(k - def));
			r = -EINVAL;
			goto fail;
		}
		for (i = 0; i < klen; i++)
			key[i] = (char)tolower((unsigned char)k[i]);
		key[klen] = '\0';
		scratch[0] = '\0';
		if (*p == '=') {
			p++;
			if ((r = parse_value(&p, scratch, key, err, errlen)) < 0)
				goto fail;
		} else if (*p != ',' && *p != '\0') {
			snprintf(err, errlen, "option '%s': expected '=' or ','",
			    key);
			r = -EINVAL;
			goto fail;
		}
		if (d.n_opts == SRCDEF_MAX_OPTS) {
			snprintf(err, errlen, "more than %d options",
			    SRCDEF_MAX_OPTS);
			r = -EMSGSIZE;
			goto fail;
		}
		if (d.opts == NULL &&
		    (d.opts = calloc(SRCDEF_MAX_OPTS, sizeof(*d.opts))) == NULL)
			goto nomem;
		d.opts[d.n_opts].key = strdup(key);
		d.opts[d.n_opts].value = strdup(scratch);
		d.n_opts++;
		if (d.opts[d.n_opts - 1].key == NULL ||
		    d.opts[d.n_opts - 1].value == NULL)
			goto nomem;
		if (*p == '\0')
			break;
		p++;	/* the comma */
		if (*p == '\0')
			break;	/* a trailing comma is harmless */
	}
done:
	free(scratch);
	*ret = d;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	r = -ENOMEM;
fail:
	free(scratch);
	srcdef_free(&d);
	return r;
}

const char *
srcdef_get(const struct srcdef *d, const char *key)
{
	size_t i;

	for (i = d->n_opts; i > 0; i--)
		if (strcasecmp(d->opts[i - 1].key, key) == 0)
			return d->opts[i - 1].value;
	return NULL;
}

int
srcdef_parse_bool(const char *v, bool *ret)
{
	static const char *yes[] = { "true", "yes", "on", "1" };
	static const char *no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

int
srcdef_get_bool(const struct srcdef *d, const char *key, bool def, bool *ret,
    char *err, size_t errlen)
{
	const char *v = srcdef_get(d, key);

	if (v == NULL) {
		*ret = def;
		return 0;
	}
	/* A bare "key" means true, as in "loop" for "loop=true". */
	if (*v == '\0') {
		*ret = true;
		return 0;
	}
	if (srcdef_parse_bool(v, ret) < 0) {
		snprintf(err, errlen, "option '%s': '%s' is not true or false",
		    key, v);
		return -EINVAL;
	}
	return 0;
}

int
srcdef_get_uint(const struct srcdef *d, const char *key, uint64_t def,
    uint64_t max, uint64_t *ret, char *err, size_t errlen)
{
	const char *v = srcdef_get(d, key);
	unsigned long long n;
	char *end;

	if (v == NULL) {
		*ret = def;
		return 0;
	}
	errno = 0;
	n = strtoull(v, &end, 10);
	if (*v == '\0' || *v == '-' || *end != '\0' || errno != 0 || n > max) {
		snprintf(err, errlen,
		    "option '%s': '%s' is not a number from 0 to %" PRIu64,
		    key, v, max);
		return -EINVAL;
	}
	*ret = n;
	return 0;
}

int
srcdef_split_list(const char *value, char *buf, size_t buflen, char **out,
    size_t max)
{
	char *p, *save = NULL;
	size_t n = 0, len = strlen(value);

	if (len + 1 > buflen)
		return -EMSGSIZE;
	memcpy(buf, value, len + 1);
	for (p = strtok_r(buf, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			continue;
		if (n == max)
			return -EMSGSIZE;
		out[n++] = p;
	}
	return (int)n;
}

/* 64-bit FNV-1a, continued from h over len bytes. */
static uint64_t
fnv1a64(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int
srcdef_uuid(const struct srcdef *d, const char *type,
    char ret[SRCDEF_UUID_LEN], char *err, size_t errlen)
{
	static const char nul = '\0';
	const char *given = srcdef_get(d, "uuid");
	uint8_t u[16];
	uint64_t h1, h2;
	char out[SRCDEF_UUID_LEN];
	size_t i, j;

	if (given != NULL && *given != '\0') {
		for (i = 0; i < SRCDEF_UUID_LEN - 1; i++) {
			bool dash = i == 8 || i == 13 || i == 18 || i == 23;

			if (given[i] == '\0' || (dash && given[i] != '-') ||
			    (!dash && !isxdigit((unsigned char)given[i])))
				break;
			out[i] = (char)tolower((unsigned char)given[i]);
		}
		if (i != SRCDEF_UUID_LEN - 1 || given[i] != '\0') {
			snprintf(err, errlen, "option 'uuid': '%s' is not a "
			    "UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
			    given);
			return -EINVAL;
		}
		out[i] = '\0';
		memcpy(ret, out, SRCDEF_UUID_LEN);
		return 0;
	}

	/*
	 * Two FNV-1a passes with different starting points give 128 bits;
	 * this names a source, it is not meant to resist anyone.
	 */
	h1 = fnv1a64(0xcbf29ce484222325ULL, type, strlen(type));
	h1 = fnv1a64(h1, &nul, 1);
	h1 = fnv1a64(h1, d->interface, strlen(d->interface));
	h2 = fnv1a64(0x6f73707265792121ULL, d->interface,
	    strlen(d->interface));
	h2 = fnv1a64(h2, &nul, 1);
	h2 = fnv1a64(h2, type, strlen(type));
	for (i = 0; i < 8; i++) {
		u[i] = (uint8_t)(h1 >> (56 - 8 * i));
		u[8 + i] = (uint8_t)(h2 >> (56 - 8 * i));
	}
	u[6] = (u[6] & 0x0f) | 0x80;	/* version 8 */
	u[8] = (u[8] & 0x3f) | 0x80;	/* RFC 9562 variant */
	for (i = 0, j = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = "0123456789abcdef"[u[i] >> 4];
		out[j++] = "0123456789abcdef"[u[i] & 0xf];
	}
	out[j] = '\0';
	memcpy(ret, out, SRCDEF_UUID_LEN);
	return 0;
}
