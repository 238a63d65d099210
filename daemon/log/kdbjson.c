/* SPDX-License-Identifier: ISC */
/* \summary: a device record as JSON, written straight into a buffer */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kdbjson.h"
#include "klmsg.h"
#include "mpjson.h"
#include "xmalloc.h"

/*
 * What a byte of a string becomes: 0 itself, 1 a two-character escape
 * (kdbjson_short), 2 \u00XX, 3 the start of a multibyte sequence.
 */
static uint8_t	kdbjson_class[256];
static char	kdbjson_short[128];

static void
kdbjson_init(void)
{
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	size_t i;

	for (i = 0; i < 0x20; i++)
		kdbjson_class[i] = 2;
	for (i = 0x80; i < 256; i++)
		kdbjson_class[i] = 3;
	for (i = 0; i < sizeof(from) - 1; i++) {
		kdbjson_class[(uint8_t)from[i]] = 1;
		kdbjson_short[(uint8_t)from[i]] = to[i];
	}
}

/* At least n bytes free past b->len; returns where they start. */
static uint8_t *
kdbjson_room(struct klbuf *b, size_t n)
{
	if (b->cap - b->len < n) {
		while (b->cap - b->len < n)
			b->cap = b->cap == 0 ? 65536 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	return b->p + b->len;
}

static void
kdbjson_put(struct klbuf *b, const char *s, size_t n)
{
	memcpy(kdbjson_room(b, n), s, n);
	b->len += n;
}

/*
 * The length of the valid UTF-8 sequence at s (n > 0 bytes left, s[0]
 * at least 0x80), or 0: the rules of mpjson (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), which repairs the same
 * bytes.
 */
static size_t
kdbjson_utf8(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* A quoted string: at most 6 bytes out for each byte in, and quotes. */
static void
kdbjson_string(struct klbuf *b, const uint8_t *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t *o = kdbjson_room(b, 6 * len + 2);
	size_t i = 0, n;
	uint8_t c;

	*o++ = '"';
	while (i < len) {
		c = s[i];
		switch (kdbjson_class[c]) {
		case 0:
			*o++ = c;
			i++;
			break;
		case 1:
			*o++ = '\\';
			*o++ = (uint8_t)kdbjson_short[c];
			i++;
			break;
		case 2:
			memcpy(o, "\\u00", 4);
			o[4] = (uint8_t)hex[c >> 4];
			o[5] = (uint8_t)hex[c & 15];
			o += 6;
			i++;
			break;
		default:
			if ((n = kdbjson_utf8(s + i, len - i)) == 0) {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			} else {
				memcpy(o, s + i, n);
				o += n;
				i += n;
			}
			break;
		}
	}
	*o++ = '"';
	b->len = (size_t)(o - b->p);
}

/* Decimal digits of v, at most 20, written backwards from end. */
static char *
kdbjson_digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

/* An integer's text into buf (24 bytes); returns where it starts. */
static char *
kdbjson_int(const msgpack_object *o, char *buf)
{
	char *p;

	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.i64 >= 0)
		return kdbjson_digits(o->via.u64, buf + 24);
	/* Negated as unsigned: INT64_MIN has no signed opposite. */
	p = kdbjson_digits(-(uint64_t)o->via.i64, buf + 24);
	*--p = '-';
	return p;
}

/* A map key: JSON keys are strings, so numbers are quoted text. */
static void
kdbjson_key(struct klbuf *b, const msgpack_object *k)
{
	char buf[40];
	const char *p;
	int n;

	switch (k->type) {
	case MSGPACK_OBJECT_STR:
		kdbjson_string(b, (const uint8_t *)k->via.str.ptr,
		    k->via.str.size);
		return;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		p = kdbjson_int(k, buf);
		n = (int)(buf + 24 - p);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		n = mpjson_double_text(k->via.f64, buf, sizeof(buf));
		p = buf;
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		p = k->via.boolean ? "true" : "false";
		n = k->via.boolean ? 4 : 5;
		break;
	default:
		p = buf;
		n = 0;
		break;
	}
	kdbjson_string(b, (const uint8_t *)p, (size_t)n);
}

static int
kdbjson_value(struct klbuf *b, const msgpack_object *o, int depth)
{
	char buf[40], *p;
	uint8_t *out;
	uint32_t i;
	int n;

	if (depth > MPJSON_MAX_DEPTH)
		return -EINVAL;
	switch (o->type) {
	case MSGPACK_OBJECT_BOOLEAN:
		if (o->via.boolean)
			kdbjson_put(b, "true", 4);
		else
			kdbjson_put(b, "false", 5);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		p = kdbjson_int(o, buf);
		kdbjson_put(b, p, (size_t)(buf + 24 - p));
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (!isfinite(o->via.f64)) {
			kdbjson_put(b, "null", 4);
			break;
		}
		n = mpjson_double_text(o->via.f64, buf, sizeof(buf));
		kdbjson_put(b, buf, (size_t)n);
		break;
	case MSGPACK_OBJECT_STR:
		kdbjson_string(b, (const uint8_t *)o->via.str.ptr,
		    o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		/* Base64 text needs no escape. */
		out = kdbjson_room(b, 4 * ((o->via.bin.size + 2) / 3) + 3);
		*out = '"';
		b->len += 1 + mpjson_base64(o->via.bin.ptr, o->via.bin.size,
		    (char *)out + 1);
		kdbjson_put(b, "\"", 1);
		break;
	case MSGPACK_OBJECT_ARRAY:
		kdbjson_put(b, "[", 1);
		for (i = 0; i < o->via.array.size; i++) {
			if (i > 0)
				kdbjson_put(b, ",", 1);
			if (kdbjson_value(b, &o->via.array.ptr[i],
			    depth + 1) != 0)
				return -EINVAL;
		}
		kdbjson_put(b, "]", 1);
		break;
	case MSGPACK_OBJECT_MAP:
		kdbjson_put(b, "{", 1);
		for (i = 0; i < o->via.map.size; i++) {
			if (i > 0)
				kdbjson_put(b, ",", 1);
			kdbjson_key(b, &o->via.map.ptr[i].key);
			kdbjson_put(b, ":", 1);
			if (kdbjson_value(b, &o->via.map.ptr[i].val,
			    depth + 1) != 0)
				return -EINVAL;
		}
		kdbjson_put(b, "}", 1);
		break;
	default:
		/* Nil, and extension types, which no record uses. */
		kdbjson_put(b, "null", 4);
		break;
	}
	return 0;
}

int
kdbjson_render(struct klbuf *b, const msgpack_object *o)
{
	if (kdbjson_class[0] == 0)
		kdbjson_init();
	return kdbjson_value(b, o, 0);
}
