/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the frame decoder and message decoder together
 *
 * The first byte seeds the split points, so that one input exercises the
 * decoder with the stream cut in different places, as partial reads do;
 * its low bit makes the decoder a capture helper's, which also takes the
 * v1 framing (Kismet servers answer in it).  Every frame that decodes is
 * encoded again in its own version and must decode to the same type and
 * seqno: the encoder has to accept anything the decoder hands out.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_frame(const struct frame *f, struct msg_arena *arena, uint8_t *out,
    size_t outlen)
{
	struct frame f2;
	struct msg m, m2;
	size_t total;
	ssize_t n;

	if (msg_decode(f, arena, &m) != 0)
		return;
	n = msg_encode_version(&m, f->version, out, outlen);
	assert(n > 0);
	if (f->version == 1)
		assert(frame_parse_v1(out, (size_t)n, FRAME_MAX_PAYLOAD, &f2,
		    &total) == 1);
	else
		assert(frame_parse(out, (size_t)n, FRAME_MAX_PAYLOAD, &f2,
		    &total) == 1);
	assert(f2.type == f->type && f2.seqno == f->seqno &&
	    f2.version == f->version && total == (size_t)n);
	msg_clear(&m);
	assert(msg_decode(&f2, NULL, &m2) == 0);
	msg_clear(&m2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct frame_decoder d, d1;
	static struct frame_decoder *dp;
	static struct msg_arena arena;
	static uint8_t *out;
	static size_t outlen;
	struct frame f;
	uint32_t rnd;
	size_t off, n;
	int r;

	if (out == NULL) {
		/* Small caps keep the fuzzer near the edges. */
		if (frame_decoder_init(&d, 4096) != 0 ||
		    frame_decoder_init(&d1, 4096) != 0 ||
		    msg_arena_init(&arena, 2048) != 0)
			abort();
		frame_decoder_allow_v1(&d1);
		/* Re-encoding may add defaults, so leave headroom. */
		outlen = 2 * (FRAME_HDR_LEN + 4096) + 1024;
		out = malloc(outlen);
	}
	if (size < 1)
		return 0;
	dp = (data[0] & 1) != 0 ? &d1 : &d;
	rnd = data[0] | 1;
	data++;
	size--;
	frame_decoder_reset(dp);
	for (off = 0; off < size; off += n) {
		rnd = rnd * 1103515245U + 12345U;
		n = (rnd >> 16) % 64 + 1;
		if (n > size - off)
			n = size - off;
		n = frame_decoder_feed(dp, data + off, n);
		while ((r = frame_decoder_next(dp, &f)) == 1)
			check_frame(&f, &arena, out, outlen);
		if (r < 0)
			break;
	}
	return 0;
}
