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
 *
 * Kismet servers up to 2023-07 answer a remote helper in the older v1
 * framing (doc/protocol.md, "Version 1"), which a capture helper must
 * then speak: a 12-byte header, then a KismetExternal.Command protobuf
 * wrapping the command name, the seqno and the message:
 *
 *   +---------------------------------------------------------------+
 *   |                     signature 0xDECAFBAD                      |
 *   +---------------------------------------------------------------+
 *   |     checksum over the payload (Kismet's sum, see below)       |
 *   +---------------------------------------------------------------+
 *   |          payload length (bytes after this header)             |
 *   +---------------------------------------------------------------+
 *   / payload: Command { 1 command string, 2 seqno uint32,          /
 *   /                    3 content bytes: the message }             /
 *   +---------------------------------------------------------------+
 */
#ifndef PROTO_FRAME_H
#define PROTO_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msgtype.h"

#define FRAME_SIGNATURE		0xDECAFBADU
#define FRAME_SENTINEL		0xABCDU
#define FRAME_SENTINEL_V3	0xA9A9U
#define FRAME_VERSION		2
#define FRAME_HDR_LEN		48
#define FRAME_CMD_LEN		32
#define FRAME_V1_HDR_LEN	12

/*
 * The largest payload osprey accepts or sends: a 262144-byte packet (the
 * largest libpcap snapshot) with its protobuf wrapping.  Kismet itself
 * stops at 16384 bytes per frame.
 */
#define FRAME_MAX_PAYLOAD	(264U * 1024)
/* What a peer that only receives control messages needs to accept. */
#define FRAME_CONTROL_PAYLOAD	(64U * 1024)

/*
 * One received frame; payload (the message, in v1 the Command's content)
 * points into the buffer it was parsed from.  version is 1 or 2.
 */
struct frame {
	enum msg_type	 type;
	uint32_t	 seqno;
	const uint8_t	*payload;
	size_t		 len;
	unsigned	 version;
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

/*
 * The same for a v1 frame: max_payload caps its length field, which
 * counts the whole Command wrapper.  Beyond frame_parse's refusals:
 * -PROTO_ERR_CHECKSUM when the checksum does not match, -PROTO_ERR_DECODE
 * when the wrapper is not a Command with a command and a seqno.
 */
int	frame_parse_v1(const uint8_t *buf, size_t len, size_t max_payload,
	    struct frame *ret, size_t *ret_total);

/*
 * Kismet's v1 checksum: s1 the sum of the bytes, s2 the sum of the
 * successive s1 values, (s1 & 0xffff) + (s2 << 16), all modulo 2^32.  It
 * looks like Adler-32 but never reduces modulo 65521, so zlib's adler32()
 * gives another value for any payload whose sums pass 65520.
 */
uint32_t frame_v1_checksum(const uint8_t *p, size_t len);

/*
 * Writing a v1 frame around a message of content_len bytes: the bytes
 * that come before the message (header and the Command's first fields),
 * then frame_v1_write_header() fills them, and once the message is in
 * place frame_v1_seal() writes the checksum over the total bytes.
 */
size_t	frame_v1_prefix_len(enum msg_type type, uint32_t seqno,
	    size_t content_len);
void	frame_v1_write_header(uint8_t *buf, enum msg_type type,
	    uint32_t seqno, size_t content_len);
void	frame_v1_seal(uint8_t *buf, size_t total);

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
	bool		 allow_v1;	/* see frame_decoder_allow_v1 */
	unsigned	 version;	/* 0 until a first frame, 1 or 2 */
};

/* Allocate the buffer; 0 or -ENOMEM.  It takes v2 frames only. */
int	frame_decoder_init(struct frame_decoder *, size_t max_payload);
void	frame_decoder_free(struct frame_decoder *);
/* Forget the bytes held, the error and the stream's version. */
void	frame_decoder_reset(struct frame_decoder *);

/*
 * Take v1 frames too (capture helpers, which answer a Kismet server in
 * the framing it speaks).  The first frame sets the stream's version,
 * and every later frame must be of it: a peer does not switch.  The
 * first frame is v2 when its bytes 4 to 7 are the v2 sentinel and
 * version, v3 (refused) for the v3 sentinel and version 3, else v1.
 */
void	frame_decoder_allow_v1(struct frame_decoder *);

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
