/* SPDX-License-Identifier: ISC */
/* \summary: fixed outbound frame queue of a capture helper */

#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "msg.h"
#include "outq.h"

int
outq_init(struct outq *q, size_t cap)
{
	long pg = sysconf(_SC_PAGESIZE);

	memset(q, 0, sizeof(*q));
	if (pg <= 0)
		pg = 4096;
	/* Page aligned, so that outq_trim() can hand whole pages back. */
	if (posix_memalign((void **)&q->buf, (size_t)pg, cap) != 0) {
		q->buf = NULL;
		return -ENOMEM;
	}
	q->cap = cap;
	q->version = FRAME_VERSION;
	return 0;
}

size_t
outq_set_version(struct outq *q, unsigned version)
{
	size_t dropped = 0;

	if (version != q->version) {
		dropped = outq_pending(q);
		outq_reset(q);
	}
	q->version = version;
	return dropped;
}

/* The length of the frame that starts at off (the header says). */
static size_t
outq_frame_len(const struct outq *q, size_t off)
{
	const uint8_t *p = q->buf + off;
	size_t plen = (size_t)p[8] << 24 | (size_t)p[9] << 16 |
	    (size_t)p[10] << 8 | p[11];

	/* Both framings keep the length at byte 8. */
	return (q->version == 1 ? FRAME_V1_HDR_LEN : FRAME_HDR_LEN) + plen;
}

void
outq_rewind(struct outq *q)
{
	q->head = q->fstart;
}

bool
outq_mid_frame(const struct outq *q)
{
	return q->head != q->fstart;
}

void
outq_free(struct outq *q)
{
	free(q->buf);
	q->buf = NULL;
	q->cap = 0;
}

void
outq_reset(struct outq *q)
{
	q->head = q->tail = q->wrap = q->fstart = 0;
	q->wrapped = false;
}

static ssize_t
outq_encode_at(struct outq *q, size_t at, size_t room, size_t reserve,
    const struct msg *m)
{
	ssize_t r;

	if (room <= reserve)
		return -PROTO_ERR_NOSPACE;
	r = msg_encode_version(m, q->version, q->buf + at, room - reserve);
	if (r > 0 && at + (size_t)r > q->touched)
		q->touched = at + (size_t)r;
	return r;
}

ssize_t
outq_put(struct outq *q, const struct msg *m, size_t reserve)
{
	ssize_t r;

	if (q->wrapped) {
		r = outq_encode_at(q, q->tail, q->head - q->tail, reserve, m);
		if (r > 0)
			q->tail += (size_t)r;
		return r;
	}
	r = outq_encode_at(q, q->tail, q->cap - q->tail, reserve, m);
	if (r > 0) {
		q->tail += (size_t)r;
		return r;
	}
	if (r != -PROTO_ERR_NOSPACE || q->head == 0)
		return r;
	/* No room after the data: start again at the front. */
	r = outq_encode_at(q, 0, q->head, reserve, m);
	if (r > 0) {
		q->wrap = q->tail;
		q->wrapped = true;
		q->tail = (size_t)r;
	}
	return r;
}

size_t
outq_pending(const struct outq *q)
{
	if (q->wrapped)
		return q->wrap - q->head + q->tail;
	return q->tail - q->head;
}

/*
 * Write from head, at most to the end of the head frame when one_frame,
 * and keep fstart at the start of the frame head is in.
 */
static ssize_t
outq_write(struct outq *q, int fd, bool one_frame)
{
	size_t end, fend, done = 0;
	ssize_t n;

	for (;;) {
		end = q->wrapped ? q->wrap : q->tail;
		if (q->head == end) {
			if (!q->wrapped) {
				/* Empty: write from the front again. */
				q->head = q->tail = q->fstart = 0;
				break;
			}
			q->head = q->fstart = 0;
			q->wrap = 0;
			q->wrapped = false;
			continue;
		}
		if (one_frame) {
			if (done > 0 && q->head == q->fstart)
				break;
			fend = q->fstart + outq_frame_len(q, q->fstart);
			if (fend < end)
				end = fend;
		}
		n = write(fd, q->buf + q->head, end - q->head);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		q->head += (size_t)n;
		done += (size_t)n;
		/* Frames never straddle the wrap: step over the whole ones. */
		end = q->wrapped ? q->wrap : q->tail;
		while (q->fstart < end &&
		    q->head >= q->fstart + outq_frame_len(q, q->fstart))
			q->fstart += outq_frame_len(q, q->fstart);
	}
	return (ssize_t)done;
}

ssize_t
outq_flush(struct outq *q, int fd)
{
	return outq_write(q, fd, false);
}

ssize_t
outq_flush_frame(struct outq *q, int fd)
{
	return outq_write(q, fd, true);
}

void
outq_trim(struct outq *q)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t keep;

	if (outq_pending(q) != 0 || pg <= 0)
		return;
	/* The first page serves the next few small frames; keep it. */
	keep = (size_t)pg;
	if (q->touched > keep)
		(void)madvise(q->buf + keep, q->touched - keep, MADV_DONTNEED);
	q->touched = 0;
	outq_reset(q);
}
