/* SPDX-License-Identifier: ISC */
/* \summary: output formats: msgpack records as JSON, ekjson, itjson, msgpack */

#include <errno.h>
#include <math.h>
#include <string.h>

#include <event2/buffer.h>
#include <yajl/yajl_gen.h>

#include "format.h"
#include "mpjson.h"

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
	{ "prettyjson", FORMAT_PRETTYJSON, "application/json" },
	{ "pcap", FORMAT_PCAP, "application/vnd.tcpdump.pcap" },
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

void
format_json_double(struct evbuffer *out, double d)
{
	char buf[40];
	int n;

	if (!isfinite(d)) {
		evbuffer_add(out, "null", 4);
		return;
	}
	n = mpjson_double_text(d, buf, sizeof(buf));
	evbuffer_add(out, buf, (size_t)n);
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
	case FORMAT_PRETTYJSON:
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
	if (fmt == FORMAT_PRETTYJSON)
		yajl_gen_config(g, yajl_gen_beautify, 1);
	rc = mpjson_gen(g, o, fmt == FORMAT_EKJSON ? MPJSON_EKJSON : 0);
	if (rc == 0 && yajl_gen_get_buf(g, &text, &len) == yajl_gen_status_ok)
		evbuffer_add(out, text, len);
	yajl_gen_free(g);
	return rc;
}

int
format_write_answer(struct evbuffer *out, enum format fmt,
    const msgpack_object *o)
{
	uint32_t i;
	int rc;

	if (format_is_lines(fmt) && o->type == MSGPACK_OBJECT_ARRAY) {
		for (i = 0; i < o->via.array.size; i++) {
			if ((rc = format_write(out, fmt,
			    &o->via.array.ptr[i])) != 0)
				return rc;
			evbuffer_add(out, "\n", 1);
		}
		return 0;
	}
	if ((rc = format_write(out, fmt, o)) != 0)
		return rc;
	/* yajl's beautifier ends its text with a newline already. */
	if (fmt != FORMAT_MSGPACK && fmt != FORMAT_PRETTYJSON)
		evbuffer_add(out, "\n", 1);
	return 0;
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
	(void)mpjson_gen_string(g, s, len, 0);
	yajl_gen_free(g);
}
