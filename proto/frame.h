/* SPDX-License-Identifier: ISC */
/*
 * \summary: v2 frame header codec and incremental frame decoder
 *
 * Every message travels in one frame: a 48-byte header, big-endian, then
 * the protobuf payload (doc/protocol.md, "Framing"):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     signature 0xDECAFBAD                      |
 *   +-------------------------------+-------------------------------+
 *   |       sentinel 0xABCD         |          version 2            |
 *   +-------------------------------+-------------------------------+
 *   |          payload length (bytes after this header)             |
 *   +---------------------------------------------------------------+
 *   |                                                               |
 *   /        command: ASCII name, NUL padded to 32 bytes            /
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |          seqno (sender's counter, from 1, never 0)            |
 *   +---------------------------------------------------------------+
 */
#ifndef PROTO_FRAME_H
#define PROTO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "msgtype.h"

#define FRAME_SIGNATURE		0xDECAFBADU
#define FRAME_SENTINEL		0xABCDU
#define FRAME_SENTINEL_V3	0xA9A9U
#define FRAME_VERSION		2
#define FRAME_HDR_LEN		48
#define FRAME_CMD_LEN		32

/*
 * The largest payload osprey accepts or sends: a 262144-byte packet (the
 * largest libpcap snapshot) with its protobuf wrapping.  Kismet itself
 * stops at 16384 bytes per frame.
 */
#define FRAME_MAX_PAYLOAD	(264U * 1024)
/* What a peer that only receives control messages needs to accept. */
#define FRAME_CONTROL_PAYLOAD	(64U * 1024)

/* One received frame; payload points into the buffer it was parsed from. */
struct frame {
	enum msg_type	 type;
	uint32_t	 seqno;
	const uint8_t	*payload;
	size_t		 len;
};

/*
 * Parse the frame at the start of buf (len bytes available), accepting
 * payloads up to max_payload.  Returns 1 and fills *ret and *ret_total
 * (header plus payload) when a whole frame is there, 0 when more bytes
 * are needed and nothing seen so far is wrong, or -PROTO_ERR_* as soon as
 * the bytes available prove the stream bad.  Never reads past len.
 */
int	frame_parse(const uint8_t *buf, size_t len, size_t max_payload,
	    struct frame *ret, size_t *ret_total);

/* Write a header for a payload of len bytes into hdr[FRAME_HDR_LEN]. */
void	frame_write_header(uint8_t *hdr, enum msg_type type, uint32_t seqno,
	    size_t len);

/* The next sequence number after *ctr: 1, 2, ..., wrapping past 0. */
uint32_t frame_next_seqno(uint32_t *ctr);

/*
 * Incremental decoder: bytes go in split anywhere, whole frames come out.
 * Its buffer is allocated once, big enough for one maximal frame, and
 * never grows.  A frame handed out stays valid until the next call that
 * adds bytes (frame_decoder_feed or frame_decoder_space).  Errors are
 * sticky: once the stream is bad, it stays bad until reset.
 */
struct frame_decoder {
	uint8_t		*buf;
	size_t		 cap;		/* bytes allocated */
	size_t		 start;		/* first unconsumed byte */
	size_t		 end;		/* one past the last byte held */
	size_t		 max_payload;
	int		 error;		/* 0 or -PROTO_ERR_* */
};

/* Allocate the buffer; 0 or -ENOMEM. */
int	frame_decoder_init(struct frame_decoder *, size_t max_payload);
void	frame_decoder_free(struct frame_decoder *);
void	frame_decoder_reset(struct frame_decoder *);

/* Copy in as many of len bytes as fit; returns how many were taken. */
size_t	frame_decoder_feed(struct frame_decoder *, const void *, size_t len);

/*
 * Room to read() into directly: returns the tail of the buffer and its
 * length, then frame_decoder_commit() says how many bytes arrived.
 */
uint8_t	*frame_decoder_space(struct frame_decoder *, size_t *ret_len);
void	 frame_decoder_commit(struct frame_decoder *, size_t n);

/* 1 and a frame, 0 when more bytes are needed, or -PROTO_ERR_*. */
int	frame_decoder_next(struct frame_decoder *, struct frame *ret);

#endif
