/* SPDX-License-Identifier: ISC */
/* \summary: messages between the core and its kismetdb writer process */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cursor.h"
#include "klmsg.h"
#include "xmalloc.h"

void
klbuf_free(struct klbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void
klbuf_reset(struct klbuf *b)
{
	b->len = 0;
}

static uint8_t *
klbuf_room(struct klbuf *b, size_t n)
{
	if (b->cap - b->len < n) {
		while (b->cap - b->len < n)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	b->len += n;
	return b->p + b->len - n;
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t
dbl_bits(double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	return v;
}

static void
b_u32(struct klbuf *b, uint32_t v)
{
	put_le32(klbuf_room(b, 4), v);
}

static void
b_u64(struct klbuf *b, uint64_t v)
{
	put_le64(klbuf_room(b, 8), v);
}

static void
b_dbl(struct klbuf *b, double d)
{
	b_u64(b, dbl_bits(d));
}

static void
b_bytes(struct klbuf *b, const void *p, size_t n)
{
	if (n > 0)
		memcpy(klbuf_room(b, n), p, n);
}

static void
b_str(struct klbuf *b, const char *s)
{
	size_t n;

	if (s == NULL)
		s = "";
	n = strlen(s) + 1;
	b_u32(b, (uint32_t)n);
	b_bytes(b, s, n);
}

static void
b_loc(struct klbuf *b, const struct kismetdb_loc *l)
{
	b_dbl(b, l->lat);
	b_dbl(b, l->lon);
	b_dbl(b, l->alt);
	b_dbl(b, l->speed);
	b_dbl(b, l->heading);
}

/* Start a message; returns the offset of its header for b_end(). */
static size_t
b_begin(struct klbuf *b, uint16_t type)
{
	uint8_t *h = klbuf_room(b, KLMSG_HDR);

	put_le16(h, type);
	put_le16(h + 2, 0);
	put_le32(h + 4, 0);
	return b->len - KLMSG_HDR;
}

static void
b_end(struct klbuf *b, size_t at)
{
	put_le32(b->p + at + 4, (uint32_t)(b->len - at - KLMSG_HDR));
}

int
klmsg_header(const uint8_t *buf, size_t len, uint16_t *type, uint32_t *plen)
{
	struct cursor c;
	uint16_t t, rsv;
	uint32_t n;

	cur_init(&c, buf, len);
	if (cur_get_le16(&c, &t) < 0 || cur_get_le16(&c, &rsv) < 0 ||
	    cur_get_le32(&c, &n) < 0)
		return 0;
	if (t == 0 || t >= KLMSG_TYPE_MAX || (t > KLMSG_SYNC &&
	    t < KLMSG_OPENED) || rsv != 0)
		return -EBADMSG;
	if (n > KLMSG_MAX)
		return -EMSGSIZE;
	if (len - KLMSG_HDR < n)
		return 0;
	*type = t;
	*plen = n;
	return 1;
}

void
klmsg_packet_head(uint8_t buf[KLMSG_HDR + KLMSG_PACKET_FIXED],
    const struct klmsg_packet *p)
{
	uint8_t *q = buf + KLMSG_HDR;

	put_le16(buf, KLMSG_PACKET);
	put_le16(buf + 2, 0);
	put_le32(buf + 4, (uint32_t)(KLMSG_PACKET_FIXED + p->caplen));
	put_le64(q, p->ts_sec);
	put_le32(q + 8, p->ts_usec);
	put_le32(q + 12, p->dlt);
	put_le32(q + 16, p->full_len);
	put_le32(q + 20, p->flags);
	put_le32(q + 24, (uint32_t)p->signal);
	put_le32(q + 28, p->freq_khz);
	put_le32(q + 32, p->rate_kbps);
	put_le32(q + 36, p->frame_off);
	put_le32(q + 40, p->frame_len);
	put_le64(q + 44, p->packetid);
	memset(q + 52, 0, 36);
	memcpy(q + 52, p->uuid, strnlen(p->uuid, 36));
	memcpy(q + 88, p->src, 6);
	memcpy(q + 94, p->dst, 6);
	memcpy(q + 100, p->ta, 6);
	memcpy(q + 106, p->bssid, 6);
	put_le64(q + 112, dbl_bits(p->loc.lat));
	put_le64(q + 120, dbl_bits(p->loc.lon));
	put_le64(q + 128, dbl_bits(p->loc.alt));
	put_le64(q + 136, dbl_bits(p->loc.speed));
	put_le64(q + 144, dbl_bits(p->loc.heading));
}

void
klmsg_put_raw(struct klbuf *b, uint16_t type, const void *p, size_t len)
{
	size_t at = b_begin(b, type);

	b_bytes(b, p, len);
	b_end(b, at);
}

void
klmsg_put_id(struct klbuf *b, uint16_t type, uint32_t id)
{
	size_t at = b_begin(b, type);

	b_u32(b, id);
	b_end(b, at);
}

void
klmsg_put_message(struct klbuf *b, const struct klmsg_message *m)
{
	size_t at = b_begin(b, KLMSG_MESSAGE);

	b_u64(b, m->ts_sec);
	b_u32(b, m->level);
	b_loc(b, &m->loc);
	b_str(b, m->text);
	b_end(b, at);
}

void
klmsg_put_record(struct klbuf *b, const struct klmsg_record *m)
{
	size_t at = b_begin(b, KLMSG_RECORD);

	b_u32(b, m->table);
	b_u32(b, m->is_msgpack);
	b_u64(b, m->r.ts_sec);
	b_u64(b, m->r.ts_usec);
	b_loc(b, &m->r.loc);
	b_str(b, m->r.phyname);
	b_str(b, m->r.devmac);
	b_str(b, m->r.datasource);
	b_str(b, m->r.header);
	b_bytes(b, m->r.json, m->r.json_len);
	b_end(b, at);
}

void
klmsg_put_export(struct klbuf *b, const struct klmsg_export *m)
{
	size_t at = b_begin(b, KLMSG_EXPORT), i;

	b_u32(b, m->id);
	b_u32(b, (uint32_t)m->n);
	for (i = 0; i < m->n; i++) {
		b_str(b, m->keys[i]);
		b_str(b, m->values[i]);
	}
	b_end(b, at);
}

void
klmsg_put_opened(struct klbuf *b, const struct klmsg_opened *m)
{
	size_t at = b_begin(b, KLMSG_OPENED);

	b_u32(b, (uint32_t)m->status);
	b_str(b, m->text);
	b_end(b, at);
}

void
klmsg_put_status(struct klbuf *b, const struct klmsg_status *m)
{
	size_t at = b_begin(b, KLMSG_STATUS), i;

	b_u32(b, m->seq);
	b_u32(b, m->state);
	for (i = 0; i < KISMETDB_TABLES; i++)
		b_u64(b, m->rows[i]);
	b_u64(b, m->lost);
	b_u64(b, m->file_bytes);
	b_u64(b, m->commits);
	b_str(b, m->path);
	b_str(b, m->event);
	b_str(b, m->error);
	b_end(b, at);
}

void
klmsg_put_export_data(struct klbuf *b, uint32_t id, const void *p,
    size_t len)
{
	size_t at = b_begin(b, KLMSG_EXPORT_DATA);

	b_u32(b, id);
	b_bytes(b, p, len);
	b_end(b, at);
}

void
klmsg_put_export_end(struct klbuf *b, const struct klmsg_export_end *m)
{
	size_t at = b_begin(b, KLMSG_EXPORT_END);

	b_u32(b, m->id);
	b_u32(b, (uint32_t)m->status);
	b_u64(b, m->packets);
	b_str(b, m->reason);
	b_end(b, at);
}

/* Decoding */

static int
c_dbl(struct cursor *c, double *d)
{
	uint64_t v;

	if (cur_get_le64(c, &v) < 0)
		return -1;
	memcpy(d, &v, sizeof(*d));
	return 0;
}

static int
c_loc(struct cursor *c, struct kismetdb_loc *l)
{
	if (c_dbl(c, &l->lat) < 0 || c_dbl(c, &l->lon) < 0 ||
	    c_dbl(c, &l->alt) < 0 || c_dbl(c, &l->speed) < 0 ||
	    c_dbl(c, &l->heading) < 0)
		return -1;
	return 0;
}

/* A string: its length counts the NUL that must end it, and no other. */
static int
c_str(struct cursor *c, const char **ret)
{
	const uint8_t *p;
	uint32_t n;

	if (cur_get_le32(c, &n) < 0 || n == 0 ||
	    cur_get_bytes(c, n, &p) < 0 || p[n - 1] != '\0' ||
	    memchr(p, '\0', n - 1) != NULL)
		return -1;
	*ret = (const char *)p;
	return 0;
}

int
klmsg_get_packet(const uint8_t *buf, size_t len, struct klmsg_packet *p)
{
	struct cursor c;
	const uint8_t *uuid;
	uint32_t sig;

	memset(p, 0, sizeof(*p));
	cur_init(&c, buf, len);
	if (cur_get_le64(&c, &p->ts_sec) < 0 ||
	    cur_get_le32(&c, &p->ts_usec) < 0 ||
	    cur_get_le32(&c, &p->dlt) < 0 ||
	    cur_get_le32(&c, &p->full_len) < 0 ||
	    cur_get_le32(&c, &p->flags) < 0 ||
	    cur_get_le32(&c, &sig) < 0 ||
	    cur_get_le32(&c, &p->freq_khz) < 0 ||
	    cur_get_le32(&c, &p->rate_kbps) < 0 ||
	    cur_get_le32(&c, &p->frame_off) < 0 ||
	    cur_get_le32(&c, &p->frame_len) < 0 ||
	    cur_get_le64(&c, &p->packetid) < 0 ||
	    cur_get_bytes(&c, 36, &uuid) < 0 ||
	    cur_get_mac(&c, p->src) < 0 || cur_get_mac(&c, p->dst) < 0 ||
	    cur_get_mac(&c, p->ta) < 0 || cur_get_mac(&c, p->bssid) < 0 ||
	    c_loc(&c, &p->loc) < 0)
		return -EBADMSG;
	p->signal = (int32_t)sig;
	memcpy(p->uuid, uuid, 36);
	/* Shorter uuids are padded with NULs; they end at the first. */
	p->uuid[36] = '\0';
	p->data = cur_ptr(&c);
	p->caplen = cur_left(&c);
	if (p->ts_usec >= 1000000 || p->frame_off > p->caplen ||
	    p->frame_len > p->caplen - p->frame_off)
		return -EBADMSG;
	return 0;
}

int
klmsg_get_id(const uint8_t *buf, size_t len, uint32_t *id)
{
	struct cursor c;

	cur_init(&c, buf, len);
	if (cur_get_le32(&c, id) < 0 || cur_left(&c) != 0)
		return -EBADMSG;
	return 0;
}

int
klmsg_get_message(const uint8_t *buf, size_t len, struct klmsg_message *m)
{
	struct cursor c;

	memset(m, 0, sizeof(*m));
	cur_init(&c, buf, len);
	if (cur_get_le64(&c, &m->ts_sec) < 0 ||
	    cur_get_le32(&c, &m->level) < 0 || c_loc(&c, &m->loc) < 0 ||
	    c_str(&c, &m->text) < 0 || cur_left(&c) != 0)
		return -EBADMSG;
	return 0;
}

int
klmsg_get_record(const uint8_t *buf, size_t len, struct klmsg_record *m)
{
	struct cursor c;
	uint32_t mp;

	memset(m, 0, sizeof(*m));
	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &m->table) < 0 || cur_get_le32(&c, &mp) < 0 ||
	    cur_get_le64(&c, &m->r.ts_sec) < 0 ||
	    cur_get_le64(&c, &m->r.ts_usec) < 0 ||
	    c_loc(&c, &m->r.loc) < 0 ||
	    c_str(&c, &m->r.phyname) < 0 || c_str(&c, &m->r.devmac) < 0 ||
	    c_str(&c, &m->r.datasource) < 0 || c_str(&c, &m->r.header) < 0)
		return -EBADMSG;
	if (m->table != KISMETDB_ALERTS && m->table != KISMETDB_SNAPSHOTS &&
	    m->table != KISMETDB_DATA)
		return -EBADMSG;
	m->is_msgpack = mp != 0;
	m->r.json = (const char *)cur_ptr(&c);
	m->r.json_len = cur_left(&c);
	return 0;
}

int
klmsg_get_export(const uint8_t *buf, size_t len, struct klmsg_export *m)
{
	struct cursor c;
	uint32_t n, i;

	memset(m, 0, sizeof(*m));
	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &m->id) < 0 || cur_get_le32(&c, &n) < 0 ||
	    n > KLMSG_EXPORT_ARGS)
		return -EBADMSG;
	for (i = 0; i < n; i++)
		if (c_str(&c, &m->keys[i]) < 0 || c_str(&c, &m->values[i]) < 0)
			return -EBADMSG;
	if (cur_left(&c) != 0)
		return -EBADMSG;
	m->n = n;
	return 0;
}

int
klmsg_get_opened(const uint8_t *buf, size_t len, struct klmsg_opened *m)
{
	struct cursor c;
	uint32_t st;

	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &st) < 0 || c_str(&c, &m->text) < 0 ||
	    cur_left(&c) != 0)
		return -EBADMSG;
	m->status = (int32_t)st;
	return 0;
}

int
klmsg_get_status(const uint8_t *buf, size_t len, struct klmsg_status *m)
{
	struct cursor c;
	size_t i;

	memset(m, 0, sizeof(*m));
	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &m->seq) < 0 || cur_get_le32(&c, &m->state) < 0)
		return -EBADMSG;
	for (i = 0; i < KISMETDB_TABLES; i++)
		if (cur_get_le64(&c, &m->rows[i]) < 0)
			return -EBADMSG;
	if (cur_get_le64(&c, &m->lost) < 0 ||
	    cur_get_le64(&c, &m->file_bytes) < 0 ||
	    cur_get_le64(&c, &m->commits) < 0 || c_str(&c, &m->path) < 0 ||
	    c_str(&c, &m->event) < 0 || c_str(&c, &m->error) < 0 ||
	    cur_left(&c) != 0)
		return -EBADMSG;
	return 0;
}

int
klmsg_get_export_data(const uint8_t *buf, size_t len,
    struct klmsg_export_data *m)
{
	struct cursor c;

	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &m->id) < 0)
		return -EBADMSG;
	m->data = cur_ptr(&c);
	m->len = cur_left(&c);
	return 0;
}

int
klmsg_get_export_end(const uint8_t *buf, size_t len,
    struct klmsg_export_end *m)
{
	struct cursor c;
	uint32_t st;

	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &m->id) < 0 || cur_get_le32(&c, &st) < 0 ||
	    cur_get_le64(&c, &m->packets) < 0 || c_str(&c, &m->reason) < 0 ||
	    cur_left(&c) != 0)
		return -EBADMSG;
	m->status = (int32_t)st;
	return 0;
}
