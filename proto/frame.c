/* SPDX-License-Identifier: ISC */
/* \summary: v2 frame header codec and incremental frame decoder */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cursor.h"
#include "frame.h"

int
frame_parse(const uint8_t *buf, size_t len, size_t max_payload,
    struct frame *ret, size_t *ret_total)
{
	struct cursor c;
	uint32_t sig, plen, seqno;
	uint16_t sentinel, version;
	const uint8_t *cmd;
	enum msg_type type;

	cur_init(&c, buf, len);

	/*
	 * Judge each field as soon as its bytes are in, so that garbage is
	 * refused after four bytes rather than after a header's worth.
	 */
	if (len < 4) {
		static const uint8_t magic[4] = { 0xDE, 0xCA, 0xFB, 0xAD };

		return memcmp(buf, magic, len) == 0 ? 0 :
		    -PROTO_ERR_SIGNATURE;
	}
	(void)cur_get_be32(&c, &sig);
	if (sig != FRAME_SIGNATURE)
		return -PROTO_ERR_SIGNATURE;
	if (cur_get_be16(&c, &sentinel) < 0)
		return 0;
	if (sentinel == FRAME_SENTINEL_V3)
		return -PROTO_ERR_V3;
	if (sentinel != FRAME_SENTINEL)
		return -PROTO_ERR_V1;	/* v1 has a checksum here */
	if (cur_get_be16(&c, &version) < 0)
		return 0;
	if (version != FRAME_VERSION)
		return -PROTO_ERR_VERSION;
	if (cur_get_be32(&c, &plen) < 0)
		return 0;
	if (plen > max_payload)
		return -PROTO_ERR_TOOBIG;
	if (cur_get_bytes(&c, FRAME_CMD_LEN, &cmd) < 0)
		return 0;
	type = msgtype_from_command((const char *)cmd, FRAME_CMD_LEN);
	if (type == MSG_UNKNOWN)
		return -PROTO_ERR_COMMAND;
	if (cur_get_be32(&c, &seqno) < 0)
		return 0;
	if (cur_left(&c) < plen)
		return 0;

	ret->type = type;
	ret->seqno = seqno;
	ret->payload = cur_ptr(&c);
	ret->len = plen;
	*ret_total = FRAME_HDR_LEN + (size_t)plen;
	return 1;
}

void
frame_write_header(uint8_t *hdr, enum msg_type type, uint32_t seqno,
    size_t len)
{
	const char *cmd = msgtype_command(type);

	put_be32(hdr, FRAME_SIGNATURE);
	hdr[4] = FRAME_SENTINEL >> 8;
	hdr[5] = FRAME_SENTINEL & 0xff;
	hdr[6] = 0;
	hdr[7] = FRAME_VERSION;
	put_be32(hdr + 8, (uint32_t)len);
	memset(hdr + 12, 0, FRAME_CMD_LEN);
	if (cmd != NULL)
		memcpy(hdr + 12, cmd, strlen(cmd));
	put_be32(hdr + 44, seqno);
}

uint32_t
frame_next_seqno(uint32_t *ctr)
{
	if (++*ctr == 0)
		*ctr = 1;
	return *ctr;
}

int
frame_decoder_init(struct frame_decoder *d, size_t max_payload)
{
	memset(d, 0, sizeof(*d));
	d->cap = FRAME_HDR_LEN + max_payload;
	d->max_payload = max_payload;
	if ((d->buf = malloc(d->cap)) == NULL)
		return -ENOMEM;
	return 0;
}

void
frame_decoder_free(struct frame_decoder *d)
{
	free(d->buf);
	d->buf = NULL;
}

void
frame_decoder_reset(struct frame_decoder *d)
{
	d->start = d->end = 0;
	d->error = 0;
}

/* Move the unconsumed bytes to the front: a whole frame then always fits. */
static void
frame_decoder_compact(struct frame_decoder *d)
{
	if (d->start == 0)
		return;
	memmove(d->buf, d->buf + d->start, d->end - d->start);
	d->end -= d->start;
	d->start = 0;
}

size_t
frame_decoder_feed(struct frame_decoder *d, const void *p, size_t len)
{
	size_t n;

	frame_decoder_compact(d);
	n = d->cap - d->end;
	if (n > len)
		n = len;
	memcpy(d->buf + d->end, p, n);
	d->end += n;
	return n;
}

uint8_t *
frame_decoder_space(struct frame_decoder *d, size_t *ret_len)
{
	frame_decoder_compact(d);
	*ret_len = d->cap - d->end;
	return d->buf + d->end;
}

void
frame_decoder_commit(struct frame_decoder *d, size_t n)
{
	if (n > d->cap - d->end)
		n = d->cap - d->end;
	d->end += n;
}

int
frame_decoder_next(struct frame_decoder *d, struct frame *ret)
{
	size_t total;
	int r;

	if (d->error != 0)
		return d->error;
	r = frame_parse(d->buf + d->start, d->end - d->start, d->max_payload,
	    ret, &total);
	if (r < 0) {
		d->error = r;
		return r;
	}
	if (r == 0)
		return 0;
	d->start += total;
	if (d->start == d->end)
		d->start = d->end = 0;
	return 1;
}
