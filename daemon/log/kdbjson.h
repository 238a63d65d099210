/* SPDX-License-Identifier: ISC */
/*
 * \summary: a device record as JSON for the devices table, written
 * straight into a buffer
 *
 * The writer renders every device record it stores (devices.device, a
 * few KiB of JSON with Kismet's field names).  Through mpjson and a
 * yajl generator that took about 40 us a record: a call and a state
 * check per token and a print callback per piece of each string.  Here
 * each token is appended to one buffer whose room is made once per
 * token.  The text is the same, byte for byte, as mpjson_gen(g, o, 0)
 * through a yajl generator with its default options: no spaces, the
 * escapes of yajl (\" \\ \b \f \n \r \t, other bytes under 0x20 as
 * \u00XX), invalid UTF-8 bytes as U+FFFD, numbers as mpjson writes them
 * and non-finite ones as null, binary as base64 text (test_kdbjson).
 */
#ifndef DAEMON_KDBJSON_H
#define DAEMON_KDBJSON_H

#include <msgpack.h>

struct klbuf;

/*
 * Append o as JSON to b.  Returns 0, or -EINVAL when it nests deeper
 * than MPJSON_MAX_DEPTH (b then holds a part of it).
 */
int	 kdbjson_render(struct klbuf *b, const msgpack_object *o);

#endif
