/* SPDX-License-Identifier: ISC */
/* \summary: a framed protocol peer: one descriptor, frames in, frames out */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "frame.h"
#include "log.h"
#include "loopstat.h"
#include "msg.h"
#include "peer.h"
#include "xmalloc.h"

/*
 * Room for a decoded message: the packet bytes of the largest frame plus
 * protobuf-c's structs.  What does not fit falls back to the heap.
 */
#define PEER_ARENA_SIZE(max)	((max) + 16384)
/* Reads per readable event before letting other peers run. */
#define PEER_READS_PER_EVENT	4
/*
 * Bytes per read.  The decoder has room for one maximal frame (264 KiB)
 * but frames are small: reading what fits would touch all of it for
 * every peer with a backlog (a fleet of sensors dialling back), while
 * 64 KiB at a time keeps each peer's buffer to its first pages.
 */
#define PEER_READ_MAX		(64 * 1024)

struct peer {
	int			 fd;
	char			 name[PEER_NAME_MAX];
	struct event		*ev_read;
	struct event		*ev_write;
	struct evbuffer		*out;
	struct frame_decoder	 dec;
	struct msg_arena	 arena;
	uint32_t		 seq;
	void			(*dispatch)(struct peer *, const struct msg *,
				    int, void *);
	void			*arg;
	int			 busy;		/* inside dispatch */
	bool			 freed;		/* peer_free while busy */
	bool			 gone;		/* the NULL dispatch was made */
	bool			 finishing;	/* peer_finish: flush, free */
	/*
	 * When the loop last left this peer with bytes still to read (its
	 * last read filled the buffer), 0 when it drained the socket: the
	 * start of a gap in packet processing (loopstat.h).
	 */
	struct loopstat_mark	 pending;	/* wall 0: none */
};

/* How long peer_finish() waits for the last bytes to go out. */
#define PEER_FINISH_MS	2000

static void	peer_read_cb(evutil_socket_t, short, void *);
static void	peer_write_cb(evutil_socket_t, short, void *);

struct peer *
peer_new(struct event_base *base, int fd, size_t max_payload,
    const char *name,
    void (*dispatch)(struct peer *, const struct msg *, int, void *),
    void *arg)
{
	struct peer *p;
	int flags;

	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->fd = fd;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->dispatch = dispatch;
	p->arg = arg;
	if (frame_decoder_init(&p->dec, max_payload) < 0 ||
	    msg_arena_init(&p->arena, PEER_ARENA_SIZE(max_payload)) < 0)
		fatalx("peer: out of memory");
	p->out = evbuffer_new();
	p->ev_read = event_new(base, fd, EV_READ | EV_PERSIST, peer_read_cb,
	    p);
	p->ev_write = event_new(base, fd, EV_WRITE, peer_write_cb, p);
	if (p->out == NULL || p->ev_read == NULL || p->ev_write == NULL)
		fatalx("peer: out of memory");
	event_add(p->ev_read, NULL);
	return p;
}

static void
peer_destroy(struct peer *p)
{
	event_free(p->ev_read);
	event_free(p->ev_write);
	evbuffer_free(p->out);
	frame_decoder_free(&p->dec);
	msg_arena_free(&p->arena);
	close(p->fd);
	free(p);
}

void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	if (p->busy > 0) {
		/* The read loop frees it when dispatch returns. */
		p->freed = true;
		event_del(p->ev_read);
		event_del(p->ev_write);
		return;
	}
	peer_destroy(p);
}

void
peer_set_dispatch(struct peer *p,
    void (*dispatch)(struct peer *, const struct msg *, int, void *),
    void *arg)
{
	p->dispatch = dispatch;
	p->arg = arg;
}

const char *
peer_name(const struct peer *p)
{
	return p->name;
}

void
peer_set_name(struct peer *p, const char *name)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
}

void
peer_hold(struct peer *p, bool hold)
{
	if (p->gone || p->freed)
		return;
	if (hold) {
		/* Held on purpose: not a gap the loop caused. */
		p->pending.wall = 0;
		event_del(p->ev_read);
	} else
		event_add(p->ev_read, NULL);
}

size_t
peer_pending(const struct peer *p)
{
	return evbuffer_get_length(p->out);
}

/* Tell the owner the peer has gone; returns false if it freed the peer. */
static bool
peer_gone(struct peer *p, int err)
{
	p->gone = true;
	event_del(p->ev_read);
	event_del(p->ev_write);
	p->busy++;
	p->dispatch(p, NULL, err, p->arg);
	p->busy--;
	if (p->freed) {
		peer_destroy(p);
		return false;
	}
	return true;
}

/* Hand out every whole frame held; false if the peer was freed. */
static bool
peer_drain_frames(struct peer *p)
{
	struct frame f;
	struct msg m;
	int r;

	while ((r = frame_decoder_next(&p->dec, &f)) == 1) {
		if ((r = msg_decode(&f, &p->arena, &m)) < 0)
			return peer_gone(p, r);
		p->busy++;
		p->dispatch(p, &m, 0, p->arg);
		p->busy--;
		msg_clear(&m);
		if (p->freed) {
			peer_destroy(p);
			return false;
		}
		if (p->gone)
			return true;
	}
	if (r < 0)
		return peer_gone(p, r);
	return true;
}

/* Read and dispatch what the peer sent; false if that freed it. */
static bool
peer_read(struct peer *p, int fd)
{
	uint8_t *space;
	size_t len;
	ssize_t n;
	int i;

	for (i = 0; i < PEER_READS_PER_EVENT && !p->gone; i++) {
		space = frame_decoder_space(&p->dec, &len);
		if (len > PEER_READ_MAX)
			len = PEER_READ_MAX;
		if (len == 0)	/* cannot happen: a whole frame fits */
			return peer_gone(p, -EMSGSIZE);
		n = read(fd, space, len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			return peer_gone(p, -errno);
		}
		if (n == 0)
			return peer_gone(p, 0);
		/*
		 * A whole read's worth waiting when the loop came: the
		 * source sends faster than the core takes it in.  (len is
		 * less when the decoder holds part of a frame.)
		 */
		if (i == 0 && n == PEER_READ_MAX)
			loopstat_behind_usec = loopstat_now();
		frame_decoder_commit(&p->dec, (size_t)n);
		if (!peer_drain_frames(p))
			return false;
		if ((size_t)n < len)
			return true;	/* drained the socket */
	}
	/* Left with bytes waiting (p is still ours: a free returned). */
	if (!p->gone)
		loopstat_mark(&p->pending);
	return true;
}

static void
peer_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	uint64_t t0 = loopstat_now();

	if (p->pending.wall != 0) {
		loopstat_end(&loopstat_gap, &p->pending);
		p->pending.wall = 0;
	}
	(void)peer_read(p, fd);
	loopstat_capture_usec += loopstat_now() - t0;
}

void
peer_finish(struct peer *p)
{
	struct timeval tv = { PEER_FINISH_MS / 1000,
	    (PEER_FINISH_MS % 1000) * 1000 };

	if (p == NULL)
		return;
	/* No dispatch from here on: the owner has let go. */
	p->gone = true;
	p->finishing = true;
	event_del(p->ev_read);
	if (evbuffer_get_length(p->out) == 0) {
		peer_free(p);
		return;
	}
	event_add(p->ev_write, &tv);
}

void
peer_read_now(struct peer *p)
{
	peer_read_cb(p->fd, EV_READ, p);
}

static void
peer_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	int n;

	if (p->finishing && (what & EV_TIMEOUT) != 0) {
		peer_destroy(p);
		return;
	}
	n = evbuffer_write(p->out, fd);
	if (p->finishing && (evbuffer_get_length(p->out) == 0 ||
	    (n < 0 && errno != EAGAIN && errno != EINTR))) {
		peer_destroy(p);
		return;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		/* The read side will see the end; stop writing meanwhile. */
		log_debug("%s: write: %s", p->name, strerror(errno));
		evbuffer_drain(p->out, evbuffer_get_length(p->out));
		return;
	}
	if (evbuffer_get_length(p->out) > 0 && !p->finishing)
		event_add(p->ev_write, NULL);
}

int64_t
peer_send(struct peer *p, struct msg *m)
{
	struct evbuffer_iovec vec;
	size_t need = FRAME_HDR_LEN + FRAME_CONTROL_PAYLOAD;
	ssize_t n;

	if (p->gone || p->freed || p->finishing)
		return -EPIPE;
	if (evbuffer_get_length(p->out) > PEER_OUT_MAX)
		return -ENOBUFS;
	m->seqno = frame_next_seqno(&p->seq);
	/* Encode straight into the output buffer, no copy. */
	if (evbuffer_reserve_space(p->out, (ev_ssize_t)need, &vec, 1) < 1)
		fatalx("peer: out of memory");
	n = msg_encode(m, vec.iov_base, vec.iov_len);
	if (n < 0) {
		vec.iov_len = 0;
		evbuffer_commit_space(p->out, &vec, 1);
		return n;
	}
	vec.iov_len = (size_t)n;
	evbuffer_commit_space(p->out, &vec, 1);
	event_add(p->ev_write, NULL);
	return m->seqno;
}
