/* SPDX-License-Identifier: ISC */
/* \summary: v2 and v1 frame codecs and the incremental frame decoder */

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
	ret->version = FRAME_VERSION;
	*ret_total = FRAME_HDR_LEN + (size_t)plen;
	return 1;
}

/*
 * Version 1.
 */

uint32_t
frame_v1_checksum(const uint8_t *p, size_t len)
{
	uint32_t s1 = 0, s2 = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		s1 += p[i];
		s2 += s1;
	}
	return (s1 & 0xffff) + (s2 << 16);
}

/* Protobuf wire types and the Command wrapper's field tags. */
#define PB_VARINT	0
#define PB_LEN		2
#define V1_TAG_COMMAND	((1 << 3) | PB_LEN)
#define V1_TAG_SEQNO	((2 << 3) | PB_VARINT)
#define V1_TAG_CONTENT	((3 << 3) | PB_LEN)

static size_t
varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static uint8_t *
put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

size_t
frame_v1_prefix_len(enum msg_type type, uint32_t seqno, size_t content_len)
{
	const char *cmd = msgtype_command(type);
	size_t clen = cmd != NULL ? strlen(cmd) : 0;

	return FRAME_V1_HDR_LEN + 1 + varint_len(clen) + clen +
	    1 + varint_len(seqno) + 1 + varint_len(content_len);
}

void
frame_v1_write_header(uint8_t *buf, enum msg_type type, uint32_t seqno,
    size_t content_len)
{
	const char *cmd = msgtype_command(type);
	size_t clen = cmd != NULL ? strlen(cmd) : 0, pre;
	uint8_t *p = buf + FRAME_V1_HDR_LEN;

	pre = frame_v1_prefix_len(type, seqno, content_len);
	put_be32(buf, FRAME_SIGNATURE);
	put_be32(buf + 4, 0);		/* frame_v1_seal() */
	put_be32(buf + 8, (uint32_t)(pre - FRAME_V1_HDR_LEN + content_len));
	/* Fields in number order, as protobuf writes them: content last. */
	*p++ = V1_TAG_COMMAND;
	p = put_varint(p, clen);
	if (clen > 0)
		memcpy(p, cmd, clen);
	p += clen;
	*p++ = V1_TAG_SEQNO;
	p = put_varint(p, seqno);
	*p++ = V1_TAG_CONTENT;
	(void)put_varint(p, content_len);
}

void
frame_v1_seal(uint8_t *buf, size_t total)
{
	put_be32(buf + 4, frame_v1_checksum(buf + FRAME_V1_HDR_LEN,
	    total - FRAME_V1_HDR_LEN));
}

/*
 * The Command wrapper: command (1), seqno (2), content (3), any order,
 * the last of a repeated field winning, unknown fields skipped, as a
 * protobuf decoder does.  Command and seqno are required.
 */
static int
frame_v1_unwrap(const uint8_t *p, size_t len, struct frame *ret)
{
	struct cursor c;
	const uint8_t *cmd = NULL, *content = NULL;
	uint64_t tag, v, seqno = 0;
	size_t cmdlen = 0, clen = 0;
	bool has_seqno = false;

	cur_init(&c, p, len);
	while (cur_left(&c) > 0) {
		if (cur_get_varint(&c, &tag) < 0 || (tag >> 3) == 0)
			return -PROTO_ERR_DECODE;
		switch (tag & 7) {
		case PB_VARINT:
			if (cur_get_varint(&c, &v) < 0)
				return -PROTO_ERR_DECODE;
			if ((tag >> 3) == 2) {
				seqno = v;
				has_seqno = true;
			} else if ((tag >> 3) == 1 || (tag >> 3) == 3)
				return -PROTO_ERR_DECODE;
			break;
		case PB_LEN:
			if (cur_get_varint(&c, &v) < 0 || v > cur_left(&c))
				return -PROTO_ERR_DECODE;
			if ((tag >> 3) == 1) {
				cmdlen = (size_t)v;
				cmd = cur_ptr(&c);
			} else if ((tag >> 3) == 3) {
				clen = (size_t)v;
				content = cur_ptr(&c);
			} else if ((tag >> 3) == 2)
				return -PROTO_ERR_DECODE;
			(void)cur_skip(&c, (size_t)v);
			break;
		case 1:
			if (cur_skip(&c, 8) < 0 || (tag >> 3) <= 3)
				return -PROTO_ERR_DECODE;
			break;
		case 5:
			if (cur_skip(&c, 4) < 0 || (tag >> 3) <= 3)
				return -PROTO_ERR_DECODE;
			break;
		default:
			return -PROTO_ERR_DECODE;
		}
	}
	/* A uint32 field: protobuf keeps the low 32 bits of a longer one. */
	if (cmd == NULL || !has_seqno)
		return -PROTO_ERR_DECODE;
	if (cmdlen > FRAME_CMD_LEN || memchr(cmd, '\0', cmdlen) != NULL ||
	    (ret->type = msgtype_from_command((const char *)cmd, cmdlen)) ==
	    MSG_UNKNOWN)
		return -PROTO_ERR_COMMAND;
	ret->seqno = (uint32_t)seqno;
	ret->payload = content != NULL ? content : p;
	ret->len = clen;
	ret->version = 1;
	return 0;
}

int
frame_parse_v1(const uint8_t *buf, size_t len, size_t max_payload,
    struct frame *ret, size_t *ret_total)
{
	static const uint8_t magic[4] = { 0xDE, 0xCA, 0xFB, 0xAD };
	struct cursor c;
	uint32_t sum, plen;
	const uint8_t *payload;
	struct frame f;
	int r;

	if (memcmp(buf, magic, len < 4 ? len : 4) != 0)
		return -PROTO_ERR_SIGNATURE;
	cur_init(&c, buf, len);
	if (cur_skip(&c, 4) < 0 || cur_get_be32(&c, &sum) < 0 ||
	    cur_get_be32(&c, &plen) < 0)
		return 0;
	if (plen > max_payload)
		return -PROTO_ERR_TOOBIG;
	if (cur_get_bytes(&c, plen, &payload) < 0)
		return 0;
	if (frame_v1_checksum(payload, plen) != sum)
		return -PROTO_ERR_CHECKSUM;
	if ((r = frame_v1_unwrap(payload, plen, &f)) < 0)
		return r;
	*ret = f;
	*ret_total = FRAME_V1_HDR_LEN + (size_t)plen;
	return 1;
}

/*
 * Version 2.
 */

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
	d->version = 0;
}

void
frame_decoder_allow_v1(struct frame_decoder *d)
{
	d->allow_v1 = true;
}

/*
 * Which framing the stream speaks, from its first frame's bytes 4 to 7:
 * 0 while they are not all in.  Only a decoder that takes v1 asks.
 */
static unsigned
frame_sniff(const uint8_t *p, size_t len)
{
	if (len < 8)
		return 0;
	if (p[4] == (FRAME_SENTINEL >> 8) && p[5] == (FRAME_SENTINEL & 0xff) &&
	    p[6] == 0 && p[7] == FRAME_VERSION)
		return 2;
	if (p[4] == (FRAME_SENTINEL_V3 >> 8) &&
	    p[5] == (FRAME_SENTINEL_V3 & 0xff) && p[6] == 0 && p[7] == 3)
		return 3;
	return 1;
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

	const uint8_t *p = d->buf + d->start;
	size_t len = d->end - d->start;

	if (d->error != 0)
		return d->error;
	if (d->allow_v1 && d->version == 0 && len > 0) {
		static const uint8_t magic[4] = { 0xDE, 0xCA, 0xFB, 0xAD };

		if (memcmp(p, magic, len < 4 ? len : 4) != 0) {
			d->error = -PROTO_ERR_SIGNATURE;
			return d->error;
		}
		if ((d->version = frame_sniff(p, len)) == 0)
			return 0;
		if (d->version == 3) {
			d->error = -PROTO_ERR_V3;
			return d->error;
		}
	}
	if (d->version == 1)
		r = frame_parse_v1(p, len, d->max_payload, ret, &total);
	else
		r = frame_parse(p, len, d->max_payload, ret, &total);
	if (r < 0) {
		d->error = r;
		return r;
	}
	if (r == 0)
		return 0;
	d->version = ret->version;
	d->start += total;
	if (d->start == d->end)
		d->start = d->end = 0;
	return 1;
}
