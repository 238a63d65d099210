/* SPDX-License-Identifier: ISC */
/*
 * \summary: fixed outbound frame queue of a capture helper
 *
 * One buffer, allocated at start and never grown, holding encoded frames
 * until the peer takes them.  Messages are encoded straight into it
 * (msg_encode needs contiguous room), so it is a ring that wraps only at
 * frame boundaries:
 *
 *   not wrapped:  [ free | head ... data ... tail | free ]
 *   wrapped:      [ data ... tail | free | head ... data ... wrap | unused ]
 *
 * When the peer keeps up the queue empties often, and each time it does
 * writing starts again at the front, so only the first pages are touched;
 * outq_trim() gives back the pages a burst touched once it is over, which
 * keeps an idle helper small.
 */
#ifndef DATASOURCES_OUTQ_H
#define DATASOURCES_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct msg;

struct outq {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 head;		/* next byte to send */
	size_t		 tail;		/* next byte to write */
	size_t		 wrap;		/* end of the data before the wrap */
	bool		 wrapped;	/* data runs head..wrap, then 0..tail */
	size_t		 touched;	/* bytes written into since the trim */
	unsigned	 version;	/* framing of what is put: 1 or 2 */
	size_t		 fstart;	/* where the frame at head starts */
};

/* Allocate cap bytes; 0 or -ENOMEM. */
int	outq_init(struct outq *q, size_t cap);
void	outq_free(struct outq *q);

/* Forget everything queued (a lost link: partial frames are useless). */
void	outq_reset(struct outq *q);

/*
 * Frames put from now on use the framing of version (1 or 2; 2 after
 * outq_init): the helper answers a server in the version it speaks.
 * Frames waiting in another framing are dropped; returns how many bytes.
 */
size_t	outq_set_version(struct outq *q, unsigned version);

/*
 * A link broke with the frame at head partly written: start it again
 * from its first byte, so that the next link gets it whole.  Frames
 * behind it are kept.
 */
void	outq_rewind(struct outq *q);

/* True when the frame at head is partly written. */
bool	outq_mid_frame(const struct outq *q);

/*
 * Encode m as one frame at the tail, leaving at least reserve bytes free
 * so that replies still fit when packets have filled the queue.  Returns
 * the frame's length, -PROTO_ERR_NOSPACE when it does not fit now, or
 * another -PROTO_ERR_* from msg_encode().
 */
ssize_t	outq_put(struct outq *q, const struct msg *m, size_t reserve);

/* Bytes waiting to be sent. */
size_t	outq_pending(const struct outq *q);

/*
 * Write as much as fd takes without blocking.  Returns the bytes written
 * (0 when the queue is empty or fd is full), or -errno on a write error
 * (-EPIPE when the peer has gone).
 */
ssize_t	outq_flush(struct outq *q, int fd);

/* The same, stopping at the end of the frame at head. */
ssize_t	outq_flush_frame(struct outq *q, int fd);

/*
 * Return the pages of an empty queue to the kernel.  The buffer stays
 * allocated and usable; it costs resident memory again only when written.
 */
void	outq_trim(struct outq *q);

#endif
