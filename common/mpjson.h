/* SPDX-License-Identifier: ISC */
/*
 * \summary: msgpack objects rendered as JSON through a yajl generator
 *
 * Device and datasource records travel as msgpack maps whose JSON
 * rendering is Kismet's REST JSON (doc/devices.md).  Two programs print
 * them: the web worker (every .json answer) and the core (--devices-json
 * at exit).  Both render through this module so that a record reads the
 * same wherever it comes from:
 *
 * - strings that are not valid UTF-8 have each bad byte replaced by
 *   U+FFFD, so that every output parses (devrec.c already writes SSIDs
 *   as printable UTF-8 with \xHH escapes; this is the backstop);
 * - byte strings (msgpack bin: handshake frames) become base64 strings
 *   (RFC 4648 section 4, padded);
 * - unsigned integers past INT64_MAX keep their value (yajl's integer
 *   call is signed); doubles are the shortest text that reads back
 *   equal, and NaN or infinity, which JSON cannot say, become null;
 * - map keys that are not strings are written as their text (numbers,
 *   booleans) or "" (nil, containers): JSON keys are strings;
 * - with MPJSON_EKJSON, every "." in a map key becomes "_" (the .ekjson
 *   form of doc/rest.md, for Elasticsearch).
 *
 * It links yajl and msgpack-c, so it is a library of its own
 * (mpjson_dep), not part of libcommon: capture helpers never link yajl.
 */
#ifndef COMMON_MPJSON_H
#define COMMON_MPJSON_H

#include <stdbool.h>
#include <stddef.h>

#include <msgpack.h>
#include <yajl/yajl_gen.h>

/* Nesting deeper than this is refused (yajl's own limit is 128). */
#define MPJSON_MAX_DEPTH	64

/* mpjson_gen() flags. */
#define MPJSON_EKJSON		0x1	/* "." in map keys becomes "_" */

/*
 * Generate o as one JSON value on g.  The object is only read.  Returns
 * 0, or -EINVAL when it nests deeper than MPJSON_MAX_DEPTH or yajl
 * refuses a token (g is then in an undefined state: free it).
 */
int	 mpjson_gen(yajl_gen g, const msgpack_object *o, unsigned flags);

/*
 * Unpack the one msgpack object in data (len bytes) and generate it as
 * mpjson_gen() does.  Returns 0, -EBADMSG when data is not exactly one
 * object, or -EINVAL as above.
 */
int	 mpjson_gen_packed(yajl_gen g, const char *data, size_t len,
	    unsigned flags);

/*
 * Generate a JSON string for the len bytes at s, invalid UTF-8 repaired
 * (and "." turned into "_" with MPJSON_EKJSON).  Returns yajl's status.
 */
yajl_gen_status mpjson_gen_string(yajl_gen g, const char *s, size_t len,
	    unsigned flags);

/* Generate d as mpjson_gen() does (null when not finite). */
yajl_gen_status mpjson_gen_double(yajl_gen g, double d);

/*
 * The shortest of %.15g, %.16g and %.17g that reads back as d, into buf
 * (len bytes, 32 are enough).  Returns the length written.
 */
int	 mpjson_double_text(double d, char *buf, size_t len);

/* True when the len bytes at s are valid UTF-8 (RFC 3629). */
bool	 mpjson_utf8_valid(const char *s, size_t len);

/*
 * Base64 of len bytes into out, which holds 4 * ((len + 2) / 3) + 1
 * bytes; NUL terminated.  Returns the length without the NUL.
 */
size_t	 mpjson_base64(const void *p, size_t len, char *out);

#endif
