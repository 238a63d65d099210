/* SPDX-License-Identifier: ISC */
/* \summary: output formats: msgpack records as JSON, ekjson, itjson, msgpack */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <yajl/yajl_gen.h>

#include "format.h"
#include "xmalloc.h"

/* Deeper than any record; yajl's own generator stops at 128. */
#define FORMAT_MAX_DEPTH	64

static const struct {
	const char	*ext;
	enum format	 fmt;
	const char	*mime;
} format_table[] = {
	{ "json", FORMAT_JSON, "application/json" },
	{ "msgpack", FORMAT_MSGPACK, "application/x-msgpack" },
	{ "ekjson", FORMAT_EKJSON, "application/x-ndjson" },
	{ "itjson", FORMAT_ITJSON, "application/x-ndjson" },
	{ "cmd", FORMAT_CMD, "application/json" },
	{ "pcapng", FORMAT_PCAPNG, "application/vnd.tcpdump.pcap" },
	{ "js", FORMAT_JS, "application/javascript" },
};

#define FORMAT_N	(sizeof(format_table) / sizeof(format_table[0]))

enum format
format_from_ext(const char *ext)
{
	size_t i;

	for (i = 0; i < FORMAT_N; i++)
		if (strcmp(format_table[i].ext, ext) == 0)
			return format_table[i].fmt;
	return FORMAT_NONE;
}

const char *
format_ext(enum format fmt)
{
	size_t i;

	for (i = 0; i < FORMAT_N; i++)
		if (format_table[i].fmt == fmt)
			return format_table[i].ext;
	return "";
}

const char *
format_mime(enum format fmt)
{
	size_t i;

	for (i = 0; i < FORMAT_N; i++)
		if (format_table[i].fmt == fmt)
			return format_table[i].mime;
	return "application/octet-stream";
}

bool
format_is_lines(enum format fmt)
{
	return fmt == FORMAT_EKJSON || fmt == FORMAT_ITJSON;
}

/* Decimal text of v into buf (at least 21 bytes); returns the length. */
static int
format_u64(uint64_t v, char *buf)
{
	char tmp[20];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

static int
format_i64(int64_t v, char *buf)
{
	if (v >= 0)
		return format_u64((uint64_t)v, buf);
	buf[0] = '-';
	/* -(v + 1) + 1 avoids overflow at INT64_MIN. */
	return 1 + format_u64((uint64_t)(-(v + 1)) + 1, buf + 1);
}

/*
 * The length of the valid UTF-8 sequence at s (n bytes left), or 0 when
 * it is not one: overlong forms, surrogates and code points past
 * U+10FFFF are invalid (RFC 3629 section 4).
 */
static size_t
format_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
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

bool
format_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0, n;

	while (off < len) {
		/* Most text is ASCII: skip it a byte at a time, cheaply. */
		if (p[off] < 0x80) {
			off++;
			continue;
		}
		if ((n = format_utf8_seq(p + off, len - off)) == 0)
			return false;
		off += n;
	}
	return true;
}

/*
 * A copy of s with bad bytes replaced by U+FFFD and, for ekjson keys,
 * "." by "_".  Returns s itself when nothing changes; otherwise a heap
 * copy the caller frees.
 */
static char *
format_clean(const char *s, size_t len, bool dots, size_t *ret_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0, o = 0, n;
	char *out;

	if (format_utf8_valid(s, len) && (!dots || memchr(s, '.', len) ==
	    NULL)) {
		*ret_len = len;
		return (char *)s;
	}
	out = xmalloc(len * 3 + 1);
	while (off < len) {
		if ((n = format_utf8_seq(p + off, len - off)) == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			off++;
			continue;
		}
		memcpy(out + o, p + off, n);
		if (dots && n == 1 && out[o] == '.')
			out[o] = '_';
		o += n;
		off += n;
	}
	*ret_len = o;
	return out;
}

static yajl_gen_status
format_gen_string(yajl_gen g, const char *s, size_t len, bool dots)
{
	yajl_gen_status st;
	size_t n;
	char *c;

	c = format_clean(s, len, dots, &n);
	st = yajl_gen_string(g, (const unsigned char *)c, n);
	if (c != s)
		free(c);
	return st;
}

/* Shortest of %.15g/%.16g/%.17g that reads back to the same double. */
static int
format_double_text(double d, char *buf, size_t len)
{
	int prec, n = 0;

	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return n;
}

void
format_json_double(struct evbuffer *out, double d)
{
	char buf[40];
	int n;

	if (!isfinite(d)) {
		evbuffer_add(out, "null", 4);
		return;
	}
	n = format_double_text(d, buf, sizeof(buf));
	evbuffer_add(out, buf, (size_t)n);
}

static yajl_gen_status
format_gen_double(yajl_gen g, double d)
{
	char buf[40];
	int n;

	if (!isfinite(d))
		return yajl_gen_null(g);
	n = format_double_text(d, buf, sizeof(buf));
	return yajl_gen_number(g, buf, (size_t)n);
}

static yajl_gen_status
format_gen_key(yajl_gen g, const msgpack_object *k, bool ek)
{
	char buf[32];
	int n;

	switch (k->type) {
	case MSGPACK_OBJECT_STR:
		return format_gen_string(g, k->via.str.ptr, k->via.str.size,
		    ek);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		n = format_u64(k->via.u64, buf);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		n = format_i64(k->via.i64, buf);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		n = format_double_text(k->via.f64, buf, sizeof(buf));
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		n = snprintf(buf, sizeof(buf), "%s",
		    k->via.boolean ? "true" : "false");
		break;
	default:
		/* JSON keys are strings; a nil or container key has none. */
		n = 0;
		break;
	}
	return yajl_gen_string(g, (const unsigned char *)buf, (size_t)n);
}

/* Base64 (RFC 4648 section 4, padded) of len bytes; the caller frees. */
static char *
format_base64(const char *p, size_t len, size_t *ret_len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *s = (const uint8_t *)p;
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	*ret_len = o;
	return out;
}

static int
format_gen(yajl_gen g, const msgpack_object *o, bool ek, int depth)
{
	yajl_gen_status st = yajl_gen_status_ok;
	char buf[32], *h;
	uint32_t i;
	size_t n64;
	int n;

	if (depth > FORMAT_MAX_DEPTH)
		return -EINVAL;
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
	case MSGPACK_OBJECT_EXT:
		st = yajl_gen_null(g);
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		st = yajl_gen_bool(g, o->via.boolean);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		/* Past INT64_MAX yajl_gen_integer cannot say it. */
		n = format_u64(o->via.u64, buf);
		st = yajl_gen_number(g, buf, (size_t)n);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		n = format_i64(o->via.i64, buf);
		st = yajl_gen_number(g, buf, (size_t)n);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		st = format_gen_double(g, o->via.f64);
		break;
	case MSGPACK_OBJECT_STR:
		st = format_gen_string(g, o->via.str.ptr, o->via.str.size,
		    false);
		break;
	case MSGPACK_OBJECT_BIN:
		/* Byte strings (handshake frames) go out in base64. */
		h = format_base64(o->via.bin.ptr, o->via.bin.size, &n64);
		st = yajl_gen_string(g, (const unsigned char *)h, n64);
		free(h);
		break;
	case MSGPACK_OBJECT_ARRAY:
		if ((st = yajl_gen_array_open(g)) != yajl_gen_status_ok)
			break;
		for (i = 0; i < o->via.array.size; i++)
			if (format_gen(g, &o->via.array.ptr[i], ek,
			    depth + 1) != 0)
				return -EINVAL;
		st = yajl_gen_array_close(g);
		break;
	case MSGPACK_OBJECT_MAP:
		if ((st = yajl_gen_map_open(g)) != yajl_gen_status_ok)
			break;
		for (i = 0; i < o->via.map.size; i++) {
			if (format_gen_key(g, &o->via.map.ptr[i].key, ek) !=
			    yajl_gen_status_ok ||
			    format_gen(g, &o->via.map.ptr[i].val, ek,
			    depth + 1) != 0)
				return -EINVAL;
		}
		st = yajl_gen_map_close(g);
		break;
	}
	return st == yajl_gen_status_ok ? 0 : -EINVAL;
}

static void
format_print_cb(void *ctx, const char *s, size_t len)
{
	evbuffer_add(ctx, s, len);
}

static int
format_evbuffer_write(void *data, const char *buf, size_t len)
{
	return evbuffer_add(data, buf, len);
}

int
format_write(struct evbuffer *out, enum format fmt, const msgpack_object *o)
{
	const unsigned char *text;
	msgpack_packer pk;
	size_t len;
	yajl_gen g;
	int rc;

	switch (fmt) {
	case FORMAT_MSGPACK:
		msgpack_packer_init(&pk, out, format_evbuffer_write);
		return msgpack_pack_object(&pk, *o) == 0 ? 0 : -EINVAL;
	case FORMAT_JSON:
	case FORMAT_CMD:
	case FORMAT_ITJSON:
	case FORMAT_EKJSON:
		break;
	default:
		return -EINVAL;
	}
	/*
	 * yajl's own buffer, then one copy out: a print callback would add
	 * to the evbuffer once per token.
	 */
	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return -ENOMEM;
	rc = format_gen(g, o, fmt == FORMAT_EKJSON, 0);
	if (rc == 0 && yajl_gen_get_buf(g, &text, &len) == yajl_gen_status_ok)
		evbuffer_add(out, text, len);
	yajl_gen_free(g);
	return rc;
}

int
format_write_packed(struct evbuffer *out, enum format fmt, const char *data,
    size_t len)
{
	msgpack_unpacked u;
	size_t off = 0;
	int rc;

	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, data, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || off != len) {
		msgpack_unpacked_destroy(&u);
		return -EBADMSG;
	}
	rc = format_write(out, fmt, &u.data);
	msgpack_unpacked_destroy(&u);
	return rc;
}

void
format_json_string(struct evbuffer *out, const char *s, size_t len)
{
	yajl_gen g;

	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return;
	yajl_gen_config(g, yajl_gen_print_callback, format_print_cb, out);
	/* Inside <script>, "</" would end the script: escape the slash. */
	yajl_gen_config(g, yajl_gen_escape_solidus, 1);
	(void)format_gen_string(g, s, len, false);
	yajl_gen_free(g);
}
