/* SPDX-License-Identifier: ISC */
/*
 * \summary: live pcapng streams: all packets, per source, device or BSSID
 *
 * Each HTTP client of a .pcapng endpoint gets a never-ending pcapng
 * stream: one section header, one interface block per (source, link
 * type) as they first appear (if_name = the source's name), then the
 * frames as captured, link type and radio header kept.  Frames reach
 * the web over the bridge only while some stream is open.  A client that
 * reads slower than the capture rate loses frames once its pending bytes
 * pass the stream buffer cap; the losses are counted, nothing blocks and
 * memory does not grow.
 */
#ifndef WEB_PCAPSTREAM_H
#define WEB_PCAPSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "bridge.h"

struct core;
struct evbuffer;
struct http_call;
struct pcapstreams;

#define PCAPSTREAM_DEF_BUFFER	(512 * 1024)	/* bytes pending per client */
#define PCAPSTREAM_DEF_STREAMS	16	/* open at once */
#define PCAPSTREAM_MAX_IFACES	64	/* interface blocks per stream */
#define PCAPSTREAM_MAX_SOURCES	256	/* source numbers remembered */

enum pcapstream_kind {
	PCAPSTREAM_ALL = 0,
	PCAPSTREAM_SOURCE,	/* one datasource, by uuid */
	PCAPSTREAM_DEVICE,	/* frames with the MAC in any address */
	PCAPSTREAM_BSSID,	/* frames of one BSSID */
};

/*
 * The set of open streams, feeding from core (may be NULL): each holds
 * at most buffer_cap bytes for its client (in this process; the kernel's
 * socket buffer is capped apart), and at most max_streams are open at
 * once.  Never NULL.
 */
struct pcapstreams *pcapstreams_new(struct core *, size_t buffer_cap,
	    unsigned max_streams);
void	pcapstreams_free(struct pcapstreams *);

/*
 * Start a stream on call (taken over: the stream answers it).  uuid is
 * for PCAPSTREAM_SOURCE, mac for DEVICE and BSSID; desc names the stream
 * in the stats.  Returns 0 when the call was taken: a stream, or an
 * answer without one (HEAD: the headers only; 429 when max_streams are
 * open), or -ENOTCONN when there is no core to feed it (the call is then
 * still the caller's).
 */
int	pcapstreams_open(struct pcapstreams *, struct http_call *,
	    enum pcapstream_kind, const char *uuid, const uint8_t mac[6],
	    const char *desc);

/* A frame from the core: to every stream it matches. */
void	pcapstreams_packet(struct pcapstreams *, const struct bridge_packet *);

/* What a source number stands for. */
void	pcapstreams_source(struct pcapstreams *,
	    const struct bridge_packet_source *);

/* The open streams and their counters, as /streams/all_streams.json. */
void	pcapstreams_pack(const struct pcapstreams *, msgpack_packer *);

/* End every stream (shutdown). */
void	pcapstreams_close_all(struct pcapstreams *);
/* End the stream with that id (its client sees the end); -ENOENT. */
int	pcapstreams_close(struct pcapstreams *, uint64_t id);

/*
 * The three pcapng blocks a stream needs, appended to out through the
 * shared writer (common/pcapng.h, which the core's log uses too): the
 * section header, an interface (if_name cut at PCAPSTREAM_NAME_MAX,
 * microsecond timestamps), a packet.  Each returns the bytes appended
 * (0 only for a frame no block can hold).
 */
size_t	pcapstream_write_shb(struct evbuffer *out);
size_t	pcapstream_write_idb(struct evbuffer *out, uint16_t linktype,
	    const char *name);
size_t	pcapstream_write_epb(struct evbuffer *out, uint32_t ifid,
	    uint64_t ts_usec, const uint8_t *data, size_t caplen, size_t len);

#endif
