/* SPDX-License-Identifier: ISC */
/*
 * \summary: bounds-checked reader over untrusted bytes
 *
 * Every parser of peer or packet data reads through a cursor and never
 * casts a struct onto the bytes.  Each getter returns 0 and advances, or
 * returns -1 and leaves the cursor unchanged when fewer bytes remain than
 * it needs; out-parameters are written only on success.  The getters are
 * inline because they sit on the per-packet path.
 */
#ifndef COMMON_CURSOR_H
#define COMMON_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*base;	/* first byte */
	size_t		 len;	/* bytes in all */
	size_t		 off;	/* next byte to read */
};

static inline void
cur_init(struct cursor *c, const void *p, size_t len)
{
	c->base = p;
	c->len = len;
	c->off = 0;
}

static inline size_t
cur_left(const struct cursor *c)
{
	return c->len - c->off;
}

static inline const uint8_t *
cur_ptr(const struct cursor *c)
{
	return c->base + c->off;
}

static inline int
cur_skip(struct cursor *c, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	c->off += n;
	return 0;
}

/* Point *ret at the next n bytes and step over them. */
static inline int
cur_get_bytes(struct cursor *c, size_t n, const uint8_t **ret)
{
	if (cur_left(c) < n)
		return -1;
	*ret = c->base + c->off;
	c->off += n;
	return 0;
}

static inline int
cur_copy(struct cursor *c, void *dst, size_t n)
{
	if (cur_left(c) < n)
		return -1;
	memcpy(dst, c->base + c->off, n);
	c->off += n;
	return 0;
}

/* A sub-cursor over the next n bytes; the parent steps over them. */
static inline int
cur_sub(struct cursor *c, size_t n, struct cursor *ret)
{
	if (cur_left(c) < n)
		return -1;
	cur_init(ret, c->base + c->off, n);
	c->off += n;
	return 0;
}

/*
 * Align the offset, measured from the start of the cursor, to a multiple
 * of a (a power of two), as radiotap fields require.
 */
static inline int
cur_align(struct cursor *c, size_t a)
{
	size_t pad = (a - (c->off & (a - 1))) & (a - 1);

	return cur_skip(c, pad);
}

static inline int
cur_get_u8(struct cursor *c, uint8_t *ret)
{
	if (cur_left(c) < 1)
		return -1;
	*ret = c->base[c->off++];
	return 0;
}

static inline int
cur_get_le16(struct cursor *c, uint16_t *ret)
{
	const uint8_t *p;

	if (cur_left(c) < 2)
		return -1;
	p = c->base + c->off;
	*ret = (uint16_t)(p[0] | p[1] << 8);
	c->off += 2;
	return 0;
}

static inline int
cur_get_be16(struct cursor *c, uint16_t *ret)
{
	const uint8_t *p;

	if (cur_left(c) < 2)
		return -1;
	p = c->base + c->off;
	*ret = (uint16_t)(p[0] << 8 | p[1]);
	c->off += 2;
	return 0;
}

static inline int
cur_get_le32(struct cursor *c, uint32_t *ret)
{
	const uint8_t *p;

	if (cur_left(c) < 4)
		return -1;
	p = c->base + c->off;
	*ret = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	c->off += 4;
	return 0;
}

static inline int
cur_get_be32(struct cursor *c, uint32_t *ret)
{
	const uint8_t *p;

	if (cur_left(c) < 4)
		return -1;
	p = c->base + c->off;
	*ret = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
	c->off += 4;
	return 0;
}

static inline int
cur_get_le64(struct cursor *c, uint64_t *ret)
{
	uint32_t lo = 0, hi = 0;	/* set below; gcc can't see it */

	if (cur_left(c) < 8)
		return -1;
	(void)cur_get_le32(c, &lo);
	(void)cur_get_le32(c, &hi);
	*ret = (uint64_t)hi << 32 | lo;
	return 0;
}

static inline int
cur_get_be64(struct cursor *c, uint64_t *ret)
{
	uint32_t lo = 0, hi = 0;	/* set below; gcc can't see it */

	if (cur_left(c) < 8)
		return -1;
	(void)cur_get_be32(c, &hi);
	(void)cur_get_be32(c, &lo);
	*ret = (uint64_t)hi << 32 | lo;
	return 0;
}

/*
 * A protobuf base-128 varint: at most 10 bytes, low group first.  -1 for
 * a short read or an 11th byte.
 */
static inline int
cur_get_varint(struct cursor *c, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;
	uint8_t b;

	for (i = 0; i < 10 && i < cur_left(c); i++) {
		b = c->base[c->off + i];
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if ((b & 0x80) == 0) {
			c->off += i + 1;
			*ret = v;
			return 0;
		}
	}
	return -1;
}

/* A 6-byte IEEE 802 MAC address. */
static inline int
cur_get_mac(struct cursor *c, uint8_t ret[6])
{
	return cur_copy(c, ret, 6);
}

#endif
