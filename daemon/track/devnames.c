/* SPDX-License-Identifier: ISC */
/* \summary: names and tags users give devices, kept across restarts */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "devnames.h"
#include "xmalloc.h"

#define DEVNAMES_BUCKETS	256
#define DEVNAMES_MAGIC		"osprey-device-names 1"

struct devnames_tag {
	char		*name;
	char		*value;
};

struct devnames_ent {
	struct devnames_ent	*next;
	char			*key;
	char			*username;	/* NULL: none */
	struct devnames_tag	*tags;
	size_t			 n_tags;
};

struct devnames {
	char			*dir;		/* NULL: memory only */
	struct devnames_ent	*b[DEVNAMES_BUCKETS];
	size_t			 n;
	uint64_t		 gen;		/* of the newest file */
	int			 slot;		/* which file has it */
};

static uint32_t
devnames_hash(const char *s)
{
	uint32_t h = 2166136261U;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619U;
	return h % DEVNAMES_BUCKETS;
}

static struct devnames_ent *
devnames_find(const struct devnames *dn, const char *key)
{
	struct devnames_ent *e;

	for (e = dn->b[devnames_hash(key)]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void
devnames_ent_free(struct devnames_ent *e)
{
	size_t i;

	for (i = 0; i < e->n_tags; i++) {
		free(e->tags[i].name);
		free(e->tags[i].value);
	}
	free(e->tags);
	free(e->username);
	free(e->key);
	free(e);
}

/* Drop an entry left with nothing in it. */
static void
devnames_prune(struct devnames *dn, struct devnames_ent *e)
{
	struct devnames_ent **pp;

	if (e->username != NULL || e->n_tags > 0)
		return;
	for (pp = &dn->b[devnames_hash(e->key)]; *pp != e; pp = &(*pp)->next)
		;
	*pp = e->next;
	devnames_ent_free(e);
	dn->n--;
}

static struct devnames_ent *
devnames_get(struct devnames *dn, const char *key)
{
	struct devnames_ent *e;
	uint32_t h;

	if ((e = devnames_find(dn, key)) != NULL)
		return e;
	if (dn->n == DEVNAMES_MAX)
		return NULL;
	h = devnames_hash(key);
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->next = dn->b[h];
	dn->b[h] = e;
	dn->n++;
	return e;
}

/* Storing */

static void
devnames_put_enc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if ((uint8_t)*s <= ' ' || *s == '%' || (uint8_t)*s == 0x7f)
			fprintf(f, "%%%02X", (uint8_t)*s);
		else
			fputc(*s, f);
	}
}

/* Decode %XX in place; -1 for a bad escape or a NUL byte. */
static int
devnames_dec(char *s)
{
	char *o = s;
	unsigned v;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (sscanf(s + 1, "%2x", &v) != 1 || v == 0 ||
		    s[1] == '\0' || s[2] == '\0')
			return -1;
		*o++ = (char)v;
		s += 2;
	}
	*o = '\0';
	return 0;
}

/*
 * Rewrite the older file with the next generation.  openat for writing
 * (create, truncate) and fsync are what the core's sandbox allows.
 */
static int
devnames_save(struct devnames *dn, char *err, size_t errlen)
{
	struct devnames_ent *e;
	char path[4096];
	FILE *f;
	size_t i, j;
	int fd, slot = dn->slot ^ 1, bad;

	if (dn->dir == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/device_names.%d", dn->dir, slot);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	fprintf(f, "%s %llu\n", DEVNAMES_MAGIC,
	    (unsigned long long)dn->gen + 1);
	for (i = 0; i < DEVNAMES_BUCKETS; i++)
		for (e = dn->b[i]; e != NULL; e = e->next) {
			if (e->username != NULL) {
				fputs("n ", f);
				devnames_put_enc(f, e->key);
				fputc(' ', f);
				devnames_put_enc(f, e->username);
				fputc('\n', f);
			}
			for (j = 0; j < e->n_tags; j++) {
				fputs("t ", f);
				devnames_put_enc(f, e->key);
				fputc(' ', f);
				devnames_put_enc(f, e->tags[j].name);
				fputc(' ', f);
				devnames_put_enc(f, e->tags[j].value);
				fputc('\n', f);
			}
		}
	fputs("end\n", f);
	bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
	bad |= fclose(f) != 0;
	if (bad) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		return -EIO;
	}
	dn->gen++;
	dn->slot = slot;
	return 0;
}

/* Loading */

static void
devnames_clear(struct devnames *dn)
{
	struct devnames_ent *e;
	size_t i;

	for (i = 0; i < DEVNAMES_BUCKETS; i++)
		while ((e = dn->b[i]) != NULL) {
			dn->b[i] = e->next;
			devnames_ent_free(e);
		}
	dn->n = 0;
}

static int	devnames_apply_tag(struct devnames *, const char *,
		    const char *, const char *);

/*
 * Read one stream into dn (cleared first).  Returns 1 and its
 * generation when it is whole, -1 when it is cut or wrong (and dn is
 * left empty).
 */
static int
devnames_read_fp(struct devnames *dn, FILE *fp, uint64_t *ret_gen)
{
	char *line = NULL, *f[4], *p;
	size_t cap = 0, n;
	unsigned long long gen = 0;
	ssize_t len;
	int rc = -1;
	bool first = true;

	devnames_clear(dn);
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] != '\n')
			break;
		line[len - 1] = '\0';
		if (first) {
			if (sscanf(line, DEVNAMES_MAGIC " %llu", &gen) != 1)
				break;
			first = false;
			continue;
		}
		if (strcmp(line, "end") == 0) {
			*ret_gen = gen;
			rc = 1;
			break;
		}
		for (n = 0, p = line; n < 4 && (f[n] = strsep(&p, " ")) !=
		    NULL; n++)
			if (devnames_dec(f[n]) != 0)
				break;
		if (n == 3 && strcmp(f[0], "n") == 0 && *f[1] != '\0' &&
		    *f[2] != '\0' && strlen(f[1]) <= DEVNAMES_KEY_MAX &&
		    strlen(f[2]) <= DEVNAMES_NAME_MAX) {
			struct devnames_ent *e = devnames_get(dn, f[1]);

			if (e == NULL)
				break;
			free(e->username);
			e->username = xstrdup(f[2]);
		} else if (n != 4 || strcmp(f[0], "t") != 0 ||
		    devnames_apply_tag(dn, f[1], f[2], f[3]) != 0)
			break;
	}
	free(line);
	if (rc != 1)
		devnames_clear(dn);
	return rc;
}

/* One file: 1 whole, 0 missing, -1 cut or wrong. */
static int
devnames_read(struct devnames *dn, const char *path, uint64_t *ret_gen)
{
	FILE *fp;
	int rc;

	devnames_clear(dn);
	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	rc = devnames_read_fp(dn, fp, ret_gen);
	fclose(fp);
	return rc;
}

int
devnames_parse(struct devnames *dn, const char *buf, size_t len,
    uint64_t *ret_gen)
{
	FILE *fp;
	int rc;

	devnames_clear(dn);
	if (len == 0)
		return -EBADMSG;
	if ((fp = fmemopen((void *)buf, len, "r")) == NULL)
		return -ENOMEM;
	rc = devnames_read_fp(dn, fp, ret_gen);
	fclose(fp);
	return rc == 1 ? 0 : -EBADMSG;
}

struct devnames *
devnames_open(const char *dir, char *err, size_t errlen)
{
	struct devnames *dn = xcalloc(1, sizeof(*dn));
	uint64_t gen[2] = { 0, 0 };
	char path[2][4096];
	int rc[2], i, best;

	err[0] = '\0';
	if (dir == NULL)
		return dn;
	dn->dir = xstrdup(dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		snprintf(err, errlen, "cannot make %s: %s; device names will "
		    "not be kept", dir, strerror(errno));
	for (i = 0; i < 2; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/device_names.%d", dir,
		    i);
		rc[i] = devnames_read(dn, path[i], &gen[i]);
	}
	best = rc[1] == 1 && (rc[0] != 1 || gen[1] > gen[0]) ? 1 : 0;
	if (rc[best] == 1 && devnames_read(dn, path[best], &gen[best]) == 1) {
		dn->gen = gen[best];
		dn->slot = best;
	} else
		dn->slot = 1;	/* the first save writes file 0 */
	if ((rc[0] == -1 || rc[1] == -1) && err[0] == '\0')
		snprintf(err, errlen, "%s is not whole; %s", path[rc[0] ==
		    -1 ? 0 : 1], rc[best] == 1 ? "using the other file" :
		    "starting with no device names");
	return dn;
}

void
devnames_free(struct devnames *dn)
{
	if (dn == NULL)
		return;
	devnames_clear(dn);
	free(dn->dir);
	free(dn);
}

static bool
devnames_text_ok(const char *s, size_t max, bool empty_ok)
{
	size_t n = strlen(s);

	return (empty_ok || n > 0) && n <= max;
}

int
devnames_set_name(struct devnames *dn, const char *key, const char *name,
    char *err, size_t errlen)
{
	struct devnames_ent *e;

	if (!devnames_text_ok(key, DEVNAMES_KEY_MAX, false) ||
	    !devnames_text_ok(name, DEVNAMES_NAME_MAX, true)) {
		snprintf(err, errlen, "a name is at most %d bytes",
		    DEVNAMES_NAME_MAX);
		return -EINVAL;
	}
	if (*name == '\0' && devnames_find(dn, key) == NULL)
		return 0;
	if ((e = devnames_get(dn, key)) == NULL) {
		snprintf(err, errlen, "already %d devices have names or tags",
		    DEVNAMES_MAX);
		return -ENOSPC;
	}
	free(e->username);
	e->username = *name != '\0' ? xstrdup(name) : NULL;
	devnames_prune(dn, e);
	return devnames_save(dn, err, errlen);
}

/* The change without the save; 0 or -EINVAL/-ENOSPC. */
static int
devnames_apply_tag(struct devnames *dn, const char *key, const char *tag,
    const char *value)
{
	struct devnames_ent *e;
	size_t i;

	if (!devnames_text_ok(key, DEVNAMES_KEY_MAX, false) ||
	    !devnames_text_ok(tag, DEVNAMES_TAG_MAX, false) ||
	    !devnames_text_ok(value, DEVNAMES_VALUE_MAX, true))
		return -EINVAL;
	if (*value == '\0' && devnames_find(dn, key) == NULL)
		return 0;
	if ((e = devnames_get(dn, key)) == NULL)
		return -ENOSPC;
	for (i = 0; i < e->n_tags; i++)
		if (strcmp(e->tags[i].name, tag) == 0)
			break;
	if (*value == '\0') {
		if (i < e->n_tags) {
			free(e->tags[i].name);
			free(e->tags[i].value);
			e->tags[i] = e->tags[--e->n_tags];
		}
		devnames_prune(dn, e);
		return 0;
	}
	if (i == e->n_tags) {
		if (e->n_tags == DEVNAMES_TAGS_MAX)
			return -ENOSPC;
		e->tags = xreallocarray(e->tags, e->n_tags + 1,
		    sizeof(*e->tags));
		e->tags[e->n_tags].name = xstrdup(tag);
		e->tags[e->n_tags++].value = NULL;
	}
	free(e->tags[i].value);
	e->tags[i].value = xstrdup(value);
	return 0;
}

int
devnames_set_tag(struct devnames *dn, const char *key, const char *tag,
    const char *value, char *err, size_t errlen)
{
	int rc;

	if ((rc = devnames_apply_tag(dn, key, tag, value)) == -EINVAL) {
		snprintf(err, errlen, "a tag's name is 1 to %d bytes, its "
		    "value at most %d", DEVNAMES_TAG_MAX, DEVNAMES_VALUE_MAX);
		return rc;
	}
	if (rc == -ENOSPC) {
		snprintf(err, errlen, "at most %d tags on a device and %d "
		    "devices with tags", DEVNAMES_TAGS_MAX, DEVNAMES_MAX);
		return rc;
	}
	return devnames_save(dn, err, errlen);
}

size_t
devnames_pack(const struct devnames *dn, const char *key, msgpack_packer *pk)
{
	const struct devnames_ent *e;
	size_t i, n;

	if (dn == NULL || dn->n == 0 || (e = devnames_find(dn, key)) == NULL)
		return 0;
	n = (e->username != NULL) + (e->n_tags > 0);
	if (pk == NULL)
		return n;
	if (e->username != NULL)
		bridge_pack_kv_str(pk, "kismet.device.base.username",
		    e->username);
	if (e->n_tags > 0) {
		bridge_pack_cstr(pk, "kismet.device.base.tags");
		msgpack_pack_map(pk, e->n_tags);
		for (i = 0; i < e->n_tags; i++)
			bridge_pack_kv_str(pk, e->tags[i].name,
			    e->tags[i].value);
	}
	return n;
}

const char *
devnames_name(const struct devnames *dn, const char *key)
{
	const struct devnames_ent *e;

	if (dn == NULL || dn->n == 0 || (e = devnames_find(dn, key)) == NULL)
		return NULL;
	return e->username;
}

size_t
devnames_count(const struct devnames *dn)
{
	return dn->n;
}
