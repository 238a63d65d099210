/* SPDX-License-Identifier: ISC */
/*
 * \summary: a framed protocol peer: one descriptor, frames in, frames out
 *
 * A capture helper, local (a socketpair) or remote (TCP), is a peer.  The
 * peer reads straight into a fixed frame decoder (the input cap is one
 * maximal frame), decodes each frame into a reused arena and hands the
 * typed message to its dispatch function.  Output is queued and written
 * as the descriptor allows, up to PEER_OUT_MAX bytes.
 *
 * dispatch(peer, m, err, arg) is called with m for every message, and
 * once with m NULL when the peer has gone: err is 0 for an orderly end
 * of stream, -errno for a read error, or -PROTO_ERR_* for a bad frame.
 * No message follows that call.  The owner may free the peer from inside
 * dispatch.  Messages are valid only during the call.
 */
#ifndef DAEMON_PEER_H
#define DAEMON_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PEER_OUT_MAX	(1024 * 1024)
#define PEER_NAME_MAX	128

struct event_base;
struct msg;
struct peer;

/*
 * Take ownership of fd (made non-blocking and close-on-exec; closed by
 * peer_free) and start reading.  max_payload caps one frame's payload.
 * Returns the peer, or NULL with errno set.
 */
struct peer	*peer_new(struct event_base *, int fd, size_t max_payload,
		    const char *name,
		    void (*dispatch)(struct peer *, const struct msg *, int,
		    void *), void *arg);

/* Close the descriptor and free; safe inside dispatch; NULL is a no-op. */
void		 peer_free(struct peer *);

/*
 * Let go of the peer after what is queued is written: no dispatch after
 * this call, and the descriptor is closed (the peer freed) once the
 * output is out, on a write error, or after 2 s.  For a refusal that the
 * other end should read.  Safe inside dispatch; NULL is a no-op.
 */
void		 peer_finish(struct peer *);

/*
 * Read what has arrived already, as when the descriptor turns readable:
 * a sensor's announce is often there by the time it is accepted.  The
 * dispatch may free the peer: do not touch it after this call.
 */
void		 peer_read_now(struct peer *);

/* Change who hears the peer (remote.c hands peers to datasource.c). */
void		 peer_set_dispatch(struct peer *,
		    void (*dispatch)(struct peer *, const struct msg *, int,
		    void *), void *arg);

/*
 * Give m the next sequence number, encode and queue it.  Returns the
 * seqno (above 0), -ENOBUFS when PEER_OUT_MAX bytes are already waiting
 * (the peer is not reading), -EPIPE after the peer has gone, or the
 * encoder's -PROTO_ERR_*.
 */
int64_t		 peer_send(struct peer *, struct msg *m);

const char	*peer_name(const struct peer *);
void		 peer_set_name(struct peer *, const char *);

/*
 * Stop reading from the peer (hold true) or start again: its frames wait
 * in the socket, and a capture file's helper waits with them.  The
 * kismetdb log holds file sources while its writer catches up.
 */
void		 peer_hold(struct peer *, bool hold);

/* Bytes queued and not yet written. */
size_t		 peer_pending(const struct peer *);

#endif
