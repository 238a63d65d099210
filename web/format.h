/* SPDX-License-Identifier: ISC */
/*
 * \summary: output formats: msgpack records as JSON, ekjson, itjson, msgpack
 *
 * Device and datasource records reach the web worker as msgpack maps
 * whose JSON rendering is Kismet's REST JSON.  The URL's extension picks
 * how they go out (doc/rest.md, Conventions): .json and .itjson as they are,
 * .ekjson with every "." in a key turned into "_" (for Elasticsearch),
 * .prettyjson indented, .msgpack re-packed unchanged.  Kismet's
 * prettyjson also describes each field; osprey's does not (doc/rest.md).
 * The JSON itself is common/mpjson's, the same renderer as the core's
 * --devices-json (bad UTF-8 repaired, byte strings in base64, non-finite
 * doubles as null: see mpjson.h); this module adds the formats, their
 * MIME types and evbuffer output.
 */
#ifndef WEB_FORMAT_H
#define WEB_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include <msgpack.h>

struct evbuffer;

enum format {
	FORMAT_NONE = 0,
	FORMAT_JSON,
	FORMAT_MSGPACK,
	FORMAT_EKJSON,		/* one object a line, keys with "_" */
	FORMAT_ITJSON,		/* one object a line */
	FORMAT_CMD,		/* a command; answers in JSON */
	FORMAT_PCAPNG,		/* a packet stream */
	FORMAT_JS,		/* /dynamic.js */
	FORMAT_PRETTYJSON,	/* JSON indented for people */
	FORMAT_PCAP,		/* a classic pcap file */
};

/* The format an extension ("json", no dot) names, or FORMAT_NONE. */
enum format	 format_from_ext(const char *ext);

/* The extension of a format, for error messages. */
const char	*format_ext(enum format);

/* The Content-Type of a format's answers. */
const char	*format_mime(enum format);

/* True for the formats that give one object a line (ekjson, itjson). */
bool		 format_is_lines(enum format);

/*
 * Append o to out: JSON text (FORMAT_JSON, FORMAT_CMD, FORMAT_ITJSON),
 * indented JSON (FORMAT_PRETTYJSON), JSON with "." in keys turned into
 * "_" (FORMAT_EKJSON), or msgpack (FORMAT_MSGPACK).  No newline is
 * added.  Returns 0, or -EINVAL for another format or an object nested
 * deeper than JSON generation allows.
 */
int		 format_write(struct evbuffer *out, enum format,
		    const msgpack_object *o);

/*
 * Append o as a whole answer in format fmt: in the line formats (ekjson,
 * itjson) a list gives one element a line and anything else one line;
 * the JSON formats end with a newline, msgpack adds nothing.  Returns
 * format_write's error.
 */
int		 format_write_answer(struct evbuffer *out, enum format,
		    const msgpack_object *o);

/*
 * Append the object packed in data (len bytes, one msgpack object) as
 * format_write does.  Returns 0, -EBADMSG when data is not one object.
 */
int		 format_write_packed(struct evbuffer *out, enum format,
		    const char *data, size_t len);

/*
 * Write a JSON string literal (quotes, escapes, UTF-8 repaired) for the
 * len bytes at s.  For JavaScript and hand-assembled wrappers.
 */
void		 format_json_string(struct evbuffer *out, const char *s,
		    size_t len);

/* Append a double as the shortest JSON number that reads back equal. */
void		 format_json_double(struct evbuffer *out, double d);

#endif
