/* SPDX-License-Identifier: ISC */
/*
 * \summary: build radio headers and 802.11 frames byte by byte for tests
 *
 * The decoder tests and the fuzz seed generator describe each frame
 * field by field with these appenders, so that every test frame is
 * written here, readable, and never copied from a capture.
 */
#ifndef TEST_FRAMES_H
#define TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fb {
	uint8_t		 b[4096];
	size_t		 n;
};

static inline void
fb_u8(struct fb *f, unsigned v)
{
	if (f->n < sizeof(f->b))
		f->b[f->n++] = (uint8_t)v;
}

static inline void
fb_le16(struct fb *f, unsigned v)
{
	fb_u8(f, v & 0xff);
	fb_u8(f, (v >> 8) & 0xff);
}

static inline void
fb_be16(struct fb *f, unsigned v)
{
	fb_u8(f, (v >> 8) & 0xff);
	fb_u8(f, v & 0xff);
}

static inline void
fb_le32(struct fb *f, uint32_t v)
{
	fb_le16(f, v & 0xffff);
	fb_le16(f, v >> 16);
}

static inline void
fb_be32(struct fb *f, uint32_t v)
{
	fb_be16(f, v >> 16);
	fb_be16(f, v & 0xffff);
}

static inline void
fb_le64(struct fb *f, uint64_t v)
{
	fb_le32(f, (uint32_t)v);
	fb_le32(f, (uint32_t)(v >> 32));
}

static inline void
fb_be64(struct fb *f, uint64_t v)
{
	fb_be32(f, (uint32_t)(v >> 32));
	fb_be32(f, (uint32_t)v);
}

static inline void
fb_bytes(struct fb *f, const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		fb_u8(f, s[i]);
}

static inline void
fb_zero(struct fb *f, size_t n)
{
	while (n-- > 0)
		fb_u8(f, 0);
}

/* Zero bytes up to a multiple of a, counted from byte 'from'. */
static inline void
fb_align(struct fb *f, size_t from, size_t a)
{
	while ((f->n - from) % a != 0)
		fb_u8(f, 0);
}

/* Overwrite a little-endian u16 already written at off. */
static inline void
fb_put_le16(struct fb *f, size_t off, unsigned v)
{
	f->b[off] = (uint8_t)(v & 0xff);
	f->b[off + 1] = (uint8_t)(v >> 8);
}

/* An information element. */
static inline void
fb_ie(struct fb *f, unsigned id, const void *body, size_t len)
{
	fb_u8(f, id);
	fb_u8(f, (unsigned)len);
	fb_bytes(f, body, len);
}

static inline void
fb_ie_str(struct fb *f, unsigned id, const char *s)
{
	fb_ie(f, id, s, strlen(s));
}

/*
 * An 802.11 header through the sequence control: frame control from
 * type, subtype and the flags byte, duration 0, three addresses.
 */
static inline void
fb_hdr(struct fb *f, unsigned type, unsigned subtype, unsigned flags,
    const uint8_t a1[6], const uint8_t a2[6], const uint8_t a3[6],
    unsigned seq)
{
	fb_u8(f, type << 2 | subtype << 4);
	fb_u8(f, flags);
	fb_le16(f, 0);
	fb_bytes(f, a1, 6);
	fb_bytes(f, a2, 6);
	fb_bytes(f, a3, 6);
	fb_le16(f, seq << 4);
}

/* LLC/SNAP (RFC 1042) and an ethertype. */
static inline void
fb_snap(struct fb *f, unsigned ethertype)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

	fb_bytes(f, snap, sizeof(snap));
	fb_be16(f, ethertype);
}

/*
 * An EAPOL-Key frame (802.1X header onwards) with the given key
 * information, replay counter, a nonce filled with nonce_byte and
 * data_len bytes of key data.
 */
static inline void
fb_eapol_key(struct fb *f, unsigned desc, unsigned key_info,
    uint64_t replay, unsigned nonce_byte, unsigned mic_byte,
    size_t data_len)
{
	size_t i;

	fb_u8(f, 1);				/* 802.1X-2001 */
	fb_u8(f, 3);				/* Key */
	fb_be16(f, (unsigned)(95 + data_len));
	fb_u8(f, desc);
	fb_be16(f, key_info);
	fb_be16(f, 16);				/* key length */
	fb_be64(f, replay);
	for (i = 0; i < 32; i++)
		fb_u8(f, nonce_byte);
	fb_zero(f, 16 + 8 + 8);			/* IV, RSC, reserved */
	for (i = 0; i < 16; i++)
		fb_u8(f, mic_byte);
	fb_be16(f, (unsigned)data_len);
	for (i = 0; i < data_len; i++)
		fb_u8(f, 0xdd);
}

#endif
