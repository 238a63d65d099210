/* SPDX-License-Identifier: ISC */
/*
 * \summary: IEEE MAC address registry (manufacturer names by prefix)
 *
 * Loading goes through a staging array of (bits, prefix, order, name)
 * records and a hash index that interns names; oui_db_seal() sorts the
 * staging array, keeps the last record of each prefix and packs the
 * result into three lookup arrays.  The per-lookup cost is three binary
 * searches over arrays of 8- or 16-byte entries.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "oui.h"
#include "xmalloc.h"

/* Staging record, one per usable line, in load order. */
struct oui_stage {
	uint64_t	 prefix;
	uint32_t	 order;
	uint32_t	 name;
	uint8_t		 bits;
};

struct oui_ent32 {
	uint32_t	 prefix;
	uint32_t	 name;
};

struct oui_ent64 {
	uint64_t	 prefix;
	uint32_t	 name;
};

struct oui_db {
	bool		 sealed;

	/* Interned names, NUL terminated, addressed by offset. */
	char		*pool;
	size_t		 pool_len, pool_cap;

	/* Load time only: staging records and the name index. */
	struct oui_stage *stage;
	size_t		 n_stage, cap_stage;
	uint32_t	*names;		/* offset + 1, 0 = empty slot */
	size_t		 names_cap, n_names;

	struct oui_ent32 *mal, *mam;
	struct oui_ent64 *mas;
	size_t		 n_mal, n_mam, n_mas;
	size_t		 n_bad;
};

struct oui_db *
oui_db_new(void)
{
	struct oui_db *db;

	db = xcalloc(1, sizeof(*db));
	db->names_cap = 4096;
	db->names = xcalloc(db->names_cap, sizeof(*db->names));
	/* Offset 0 is the empty name, so that no real name has offset 0. */
	db->pool_cap = 4096;
	db->pool = xmalloc(db->pool_cap);
	db->pool[0] = '\0';
	db->pool_len = 1;
	return db;
}

void
oui_db_free(struct oui_db *db)
{
	if (db == NULL)
		return;
	free(db->pool);
	free(db->stage);
	free(db->names);
	free(db->mal);
	free(db->mam);
	free(db->mas);
	free(db);
}

static uint32_t
name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static void
names_grow(struct oui_db *db)
{
	uint32_t *old = db->names, off;
	size_t oldcap = db->names_cap, i, j, mask;

	db->names_cap *= 2;
	db->names = xcalloc(db->names_cap, sizeof(*db->names));
	mask = db->names_cap - 1;
	for (i = 0; i < oldcap; i++) {
		if (old[i] == 0)
			continue;
		off = old[i] - 1;
		j = name_hash(db->pool + off, strlen(db->pool + off)) & mask;
		while (db->names[j] != 0)
			j = (j + 1) & mask;
		db->names[j] = old[i];
	}
	free(old);
}

/* The pool offset of name (len bytes, no NUL inside), added if new. */
static uint32_t
name_intern(struct oui_db *db, const char *name, size_t len)
{
	size_t mask, j;
	uint32_t off;

	if (db->n_names * 2 >= db->names_cap)
		names_grow(db);
	mask = db->names_cap - 1;
	j = name_hash(name, len) & mask;
	while (db->names[j] != 0) {
		off = db->names[j] - 1;
		if (strncmp(db->pool + off, name, len) == 0 &&
		    db->pool[off + len] == '\0')
			return off;
		j = (j + 1) & mask;
	}
	while (db->pool_len + len + 1 > db->pool_cap) {
		db->pool_cap *= 2;
		db->pool = xreallocarray(db->pool, db->pool_cap, 1);
	}
	off = (uint32_t)db->pool_len;
	memcpy(db->pool + off, name, len);
	db->pool[off + len] = '\0';
	db->pool_len += len + 1;
	db->names[j] = off + 1;
	db->n_names++;
	return off;
}

/*
 * Add one assignment: hex digits (6, 7 or 9 of them: 24, 28 or 36
 * bits) and a name.  Returns 0, or -1 when either is unusable.
 */
static int
stage_add(struct oui_db *db, const char *hex, size_t hexlen,
    const char *name, size_t namelen)
{
	struct oui_stage *s;
	uint64_t v = 0;
	size_t i;
	int d;

	if (hexlen != 6 && hexlen != 7 && hexlen != 9)
		return -1;
	for (i = 0; i < hexlen; i++) {
		if ((d = hex_digit(hex[i])) < 0)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	/* Trim blanks; cut long names on a UTF-8 character boundary. */
	while (namelen > 0 && (name[0] == ' ' || name[0] == '\t'))
		name++, namelen--;
	while (namelen > 0 && (name[namelen - 1] == ' ' ||
	    name[namelen - 1] == '\t' || name[namelen - 1] == '\r'))
		namelen--;
	if (namelen > OUI_NAME_MAX) {
		namelen = OUI_NAME_MAX;
		while (namelen > 0 && ((uint8_t)name[namelen] & 0xc0) == 0x80)
			namelen--;
	}
	if (namelen == 0 || memchr(name, '\0', namelen) != NULL)
		return -1;
	if (db->n_stage == db->cap_stage) {
		db->cap_stage = db->cap_stage ? db->cap_stage * 2 : 4096;
		db->stage = xreallocarray(db->stage, db->cap_stage,
		    sizeof(*db->stage));
	}
	s = &db->stage[db->n_stage];
	s->prefix = v;
	s->bits = (uint8_t)(hexlen * 4);
	s->order = (uint32_t)db->n_stage;
	s->name = name_intern(db, name, namelen);
	db->n_stage++;
	return 0;
}

/*
 * One CSV field starting at *pos, RFC 4180 quoting (a quoted field may
 * hold commas, doubled quotes and line breaks).  The unquoted bytes go to
 * out (at most outsz, the rest dropped) and their count to *outlen.
 * Returns the byte that ended the field: ',', '\n', or 0 at the end of
 * the buffer.
 */
static int
csv_field(const char *buf, size_t len, size_t *pos, char *out, size_t outsz,
    size_t *outlen)
{
	size_t i = *pos, n = 0;
	bool quoted = false;
	char c;

	if (i < len && buf[i] == '"') {
		quoted = true;
		i++;
	}
	while (i < len) {
		c = buf[i];
		if (quoted) {
			if (c == '"') {
				if (i + 1 < len && buf[i + 1] == '"') {
					i++;
				} else {
					quoted = false;
					i++;
					continue;
				}
			}
		} else if (c == ',' || c == '\n') {
			*pos = i + 1;
			*outlen = n;
			return c;
		}
		if (n < outsz)
			out[n++] = c;
		i++;
	}
	*pos = i;
	*outlen = n;
	return 0;
}

/* Skip to the start of the next record. */
static int
csv_skip_record(const char *buf, size_t len, size_t *pos)
{
	char dummy[1];
	size_t n;
	int end;

	do {
		end = csv_field(buf, len, pos, dummy, 0, &n);
	} while (end == ',');
	return end;
}

static int
parse_csv(struct oui_db *db, const char *buf, size_t len)
{
	/* Room for a long name and a few bytes to tell it was cut. */
	char reg[16], hex[16], name[OUI_NAME_MAX + 8];
	size_t pos = 0, reglen, hexlen, namelen;
	int added = 0, end;

	(void)csv_skip_record(buf, len, &pos);	/* the header */
	while (pos < len) {
		end = csv_field(buf, len, &pos, reg, sizeof(reg), &reglen);
		if ((end == '\n' || end == 0) && reglen <= 1)
			continue;	/* blank line */
		if (end != ',' ||
		    csv_field(buf, len, &pos, hex, sizeof(hex), &hexlen) !=
		    ',') {
			db->n_bad++;
			if (end == ',')
				(void)csv_skip_record(buf, len, &pos);
			continue;
		}
		end = csv_field(buf, len, &pos, name, sizeof(name), &namelen);
		if (end == ',')
			end = csv_skip_record(buf, len, &pos);
		if (stage_add(db, hex, hexlen, name, namelen) == 0)
			added++;
		else
			db->n_bad++;
	}
	return added;
}

/* The text listing: only "AABBCC     (base 16)\t\tName" lines count. */
static int
parse_txt(struct oui_db *db, const char *buf, size_t len)
{
	static const char tag[] = "(base 16)";
	const char *line, *nl, *p, *end;
	size_t left = len;
	int added = 0;

	line = buf;
	while (left > 0) {
		nl = memchr(line, '\n', left);
		end = nl != NULL ? nl : line + left;
		p = line + 6;
		if (end - line > 6) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if ((size_t)(end - p) >= sizeof(tag) - 1 &&
			    memcmp(p, tag, sizeof(tag) - 1) == 0) {
				p += sizeof(tag) - 1;
				if (stage_add(db, line, 6, p,
				    (size_t)(end - p)) == 0)
					added++;
				else
					db->n_bad++;
			}
		}
		if (nl == NULL)
			break;
		left -= (size_t)(nl + 1 - line);
		line = nl + 1;
	}
	return added;
}

int
oui_db_add_buffer(struct oui_db *db, const char *buf, size_t len)
{
	static const char csvhead[] = "Registry,";
	int n;

	if (db->sealed)
		return -EPROTO;
	/* A UTF-8 byte order mark is allowed before the header. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		buf += 3, len -= 3;
	if (len >= sizeof(csvhead) - 1 &&
	    memcmp(buf, csvhead, sizeof(csvhead) - 1) == 0)
		n = parse_csv(db, buf, len);
	else
		n = parse_txt(db, buf, len);
	return n > 0 ? n : -EBADMSG;
}

int
oui_db_add_file(struct oui_db *db, const char *path)
{
	struct stat st;
	char *buf;
	ssize_t r;
	size_t got = 0;
	int fd, n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (fstat(fd, &st) == -1) {
		n = -errno;
		close(fd);
		return n;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > OUI_FILE_MAX) {
		close(fd);
		return S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	n = oui_db_add_buffer(db, buf, got);
	free(buf);
	return n;
}

static int
stage_cmp(const void *a, const void *b)
{
	const struct oui_stage *x = a, *y = b;

	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
oui_db_seal(struct oui_db *db)
{
	struct oui_stage *s;
	size_t i, nl = 0, nm = 0, ns = 0;

	if (db->sealed)
		return;
	if (db->n_stage > 0)
		qsort(db->stage, db->n_stage, sizeof(*db->stage),
		    stage_cmp);
	for (i = 0; i < db->n_stage; i++) {
		s = &db->stage[i];
		if (i + 1 < db->n_stage && s[1].bits == s->bits &&
		    s[1].prefix == s->prefix)
			continue;	/* a later line wins */
		if (s->bits == 24)
			nl++;
		else if (s->bits == 28)
			nm++;
		else
			ns++;
	}
	db->mal = xreallocarray(NULL, nl ? nl : 1, sizeof(*db->mal));
	db->mam = xreallocarray(NULL, nm ? nm : 1, sizeof(*db->mam));
	db->mas = xreallocarray(NULL, ns ? ns : 1, sizeof(*db->mas));
	for (i = 0; i < db->n_stage; i++) {
		s = &db->stage[i];
		if (i + 1 < db->n_stage && s[1].bits == s->bits &&
		    s[1].prefix == s->prefix)
			continue;
		if (s->bits == 24) {
			db->mal[db->n_mal].prefix = (uint32_t)s->prefix;
			db->mal[db->n_mal++].name = s->name;
		} else if (s->bits == 28) {
			db->mam[db->n_mam].prefix = (uint32_t)s->prefix;
			db->mam[db->n_mam++].name = s->name;
		} else {
			db->mas[db->n_mas].prefix = s->prefix;
			db->mas[db->n_mas++].name = s->name;
		}
	}
	free(db->stage);
	db->stage = NULL;
	db->n_stage = db->cap_stage = 0;
	free(db->names);
	db->names = NULL;
	db->names_cap = 0;
	db->pool = xreallocarray(db->pool, db->pool_len, 1);
	db->pool_cap = db->pool_len;
	db->sealed = true;
}

static const char *
find32(const struct oui_db *db, const struct oui_ent32 *t, size_t n,
    uint32_t key)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t[mid].prefix == key)
			return db->pool + t[mid].name;
		if (t[mid].prefix < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
oui_db_lookup(const struct oui_db *db, const uint8_t mac[6])
{
	uint64_t v;
	size_t lo = 0, hi, mid;
	const char *name;
	int i;

	if (db == NULL || !db->sealed)
		return NULL;
	for (v = 0, i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	hi = db->n_mas;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (db->mas[mid].prefix == v >> 12)
			return db->pool + db->mas[mid].name;
		if (db->mas[mid].prefix < v >> 12)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((name = find32(db, db->mam, db->n_mam, (uint32_t)(v >> 20))) !=
	    NULL)
		return name;
	return find32(db, db->mal, db->n_mal, (uint32_t)(v >> 24));
}

void
oui_db_stats(const struct oui_db *db, struct oui_stats *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->n_mal = db->n_mal;
	ret->n_mam = db->n_mam;
	ret->n_mas = db->n_mas;
	ret->n_names = db->n_names;
	ret->n_bad = db->n_bad;
	ret->bytes = sizeof(*db) + db->pool_cap +
	    db->n_mal * sizeof(*db->mal) + db->n_mam * sizeof(*db->mam) +
	    db->n_mas * sizeof(*db->mas) +
	    db->cap_stage * sizeof(*db->stage) +
	    db->names_cap * sizeof(*db->names);
}

static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
oui_db_open(const char *path, const char *dir, struct oui_db **ret)
{
	static const char *const extra[] = { "mam.csv", "oui36.csv",
	    "iab.csv" };
	struct oui_db *db;
	char buf[4096];
	size_t i;
	int r;

	db = oui_db_new();
	if (path != NULL) {
		if ((r = oui_db_add_file(db, path)) < 0)
			goto fail;
	} else {
		if (dir == NULL)
			dir = OUI_DEFAULT_DIR;
		snprintf(buf, sizeof(buf), "%s/oui.csv", dir);
		if (!file_exists(buf))
			snprintf(buf, sizeof(buf), "%s/oui.txt", dir);
		if (!file_exists(buf)) {
			r = -ENOENT;
			goto fail;
		}
		if ((r = oui_db_add_file(db, buf)) < 0)
			goto fail;
		for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
			snprintf(buf, sizeof(buf), "%s/%s", dir, extra[i]);
			if (file_exists(buf) &&
			    (r = oui_db_add_file(db, buf)) < 0)
				goto fail;
		}
	}
	oui_db_seal(db);
	*ret = db;
	return 0;
fail:
	oui_db_free(db);
	return r;
}
