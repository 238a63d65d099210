/* SPDX-License-Identifier: ISC */
/* \summary: live pcapng streams: all packets, per source, device or BSSID */

#include <sys/queue.h>

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "core.h"
#include "http.h"
#include "log.h"
#include "pcapng.h"
#include "pcapstream.h"
#include "xmalloc.h"

#define PCAPSTREAM_SNAPLEN	262144
#define PCAPSTREAM_NAME_MAX	256
/*
 * Frames go to the connection in chunks of up to this much, and only
 * while less than this much waits there: each frame as a chunk of its
 * own cost evhttp three buffer chains (a kilobyte or more each) for a
 * frame of a few hundred bytes, so 512 KiB of frames held 5 MB.
 */
#define PCAPSTREAM_CHUNK	(64 * 1024)

struct ps_source {
	uint32_t	 number;
	char		*uuid;
	char		*name;
};

struct ps_iface {
	uint32_t	 source;
	uint32_t	 dlt;
};

struct ps_stream {
	TAILQ_ENTRY(ps_stream)	 entry;
	struct pcapstreams	*set;
	struct http_call	*call;
	enum pcapstream_kind	 kind;
	char			*uuid;
	uint8_t			 mac[6];
	char			*desc;
	struct ps_iface		 ifaces[PCAPSTREAM_MAX_IFACES];
	size_t			 n_ifaces;
	struct evbuffer		*pending;	/* blocks not yet handed on */
	bool			 flushing;	/* a chunk is on its way */
	uint64_t		 id;
	uint64_t		 packets, dropped, bytes;
};

struct pcapstreams {
	struct core		*core;
	size_t			 cap;
	unsigned		 max_streams;
	TAILQ_HEAD(, ps_stream)	 streams;
	struct ps_source	 sources[PCAPSTREAM_MAX_SOURCES];
	size_t			 n_sources;
	uint64_t		 next_id;
	uint64_t		 unknown;	/* frames of unknown sources */
	unsigned		 n_streams;
	bool			 subscribed;
};

size_t
pcapstream_write_shb(struct evbuffer *out)
{
	uint8_t b[PCAPNG_HDR_BLOCK_MAX];
	ssize_t n;

	if ((n = pcapng_write_shb(b, sizeof(b), "osprey_web")) < 0)
		return 0;
	evbuffer_add(out, b, (size_t)n);
	return (size_t)n;
}

size_t
pcapstream_write_idb(struct evbuffer *out, uint16_t linktype,
    const char *name)
{
	char cut[PCAPSTREAM_NAME_MAX + 1];
	uint8_t b[PCAPNG_HDR_BLOCK_MAX];
	ssize_t n;

	snprintf(cut, sizeof(cut), "%s", name);
	if ((n = pcapng_write_idb(b, sizeof(b), linktype, PCAPSTREAM_SNAPLEN,
	    cut, NULL)) < 0)
		return 0;
	evbuffer_add(out, b, (size_t)n);
	return (size_t)n;
}

static size_t
ps_epb_len(size_t caplen)
{
	return pcapng_epb_len(caplen);
}

size_t
pcapstream_write_epb(struct evbuffer *out, uint32_t ifid, uint64_t ts_usec,
    const uint8_t *data, size_t caplen, size_t len)
{
	struct evbuffer_iovec v;
	size_t need = pcapng_epb_len(caplen);
	ssize_t n;

	/* Written in place: no copy of the frame through a bounce buffer. */
	if (evbuffer_reserve_space(out, (ev_ssize_t)need, &v, 1) < 1 ||
	    v.iov_len < need)
		return 0;
	if ((n = pcapng_write_epb(v.iov_base, v.iov_len, ifid, ts_usec, data,
	    caplen, len)) < 0)
		return 0;
	v.iov_len = (size_t)n;
	evbuffer_commit_space(out, &v, 1);
	return (size_t)n;
}

struct pcapstreams *
pcapstreams_new(struct core *core, size_t cap, unsigned max_streams)
{
	struct pcapstreams *s = xcalloc(1, sizeof(*s));

	s->core = core;
	s->cap = cap;
	s->max_streams = max_streams;
	TAILQ_INIT(&s->streams);
	return s;
}

static void
ps_stream_free(struct ps_stream *st)
{
	struct pcapstreams *s = st->set;

	TAILQ_REMOVE(&s->streams, st, entry);
	s->n_streams--;
	evbuffer_free(st->pending);
	free(st->uuid);
	free(st->desc);
	free(st);
	if (TAILQ_EMPTY(&s->streams) && s->subscribed) {
		s->subscribed = false;
		(void)core_packets(s->core, false);
	}
	/*
	 * A stream's buffer was many small blocks in the middle of the
	 * heap: hand the pages back now, not whenever the heap's top
	 * happens to be free.
	 */
	(void)malloc_trim(0);
}

void
pcapstreams_close_all(struct pcapstreams *s)
{
	struct ps_stream *st;

	while ((st = TAILQ_FIRST(&s->streams)) != NULL) {
		http_call_on_gone(st->call, NULL, NULL);
		http_stream_end(st->call);
		ps_stream_free(st);
	}
}

int
pcapstreams_close(struct pcapstreams *s, uint64_t id)
{
	struct ps_stream *st;

	TAILQ_FOREACH(st, &s->streams, entry)
		if (st->id == id) {
			http_call_on_gone(st->call, NULL, NULL);
			http_stream_end(st->call);
			ps_stream_free(st);
			return 0;
		}
	return -ENOENT;
}

void
pcapstreams_free(struct pcapstreams *s)
{
	size_t i;

	if (s == NULL)
		return;
	pcapstreams_close_all(s);
	for (i = 0; i < s->n_sources; i++) {
		free(s->sources[i].uuid);
		free(s->sources[i].name);
	}
	free(s);
}

static void
ps_gone_cb(struct http_call *call, void *arg)
{
	ps_stream_free(arg);
}

int
pcapstreams_open(struct pcapstreams *s, struct http_call *call,
    enum pcapstream_kind kind, const char *uuid, const uint8_t mac[6],
    const char *desc)
{
	struct ps_stream *st;
	struct evbuffer *b;
	char why[96];

	if (!core_up(s->core))
		return -ENOTCONN;
	/* HEAD: the headers a stream would have, and no stream. */
	if (http_call_is_head(call)) {
		http_reply(call, 200, format_mime(FORMAT_PCAPNG), NULL);
		return 0;
	}
	/* There is one login: its streams share the cap. */
	if (s->n_streams >= s->max_streams) {
		snprintf(why, sizeof(why), "too many packet streams open "
		    "(%u); close one first", s->max_streams);
		http_reply_error(call, 429, why);
		return 0;
	}
	if (!s->subscribed) {
		if (core_packets(s->core, true) != 0)
			return -ENOTCONN;
		s->subscribed = true;
	}
	st = xcalloc(1, sizeof(*st));
	st->set = s;
	st->call = call;
	st->kind = kind;
	st->uuid = uuid != NULL ? xstrdup(uuid) : NULL;
	if (mac != NULL)
		memcpy(st->mac, mac, 6);
	st->desc = xstrdup(desc);
	st->id = ++s->next_id;
	if ((st->pending = evbuffer_new()) == NULL)
		fatalx("out of memory");
	TAILQ_INSERT_TAIL(&s->streams, st, entry);
	s->n_streams++;
	http_call_on_gone(call, ps_gone_cb, st);
	http_stream_start(call, format_mime(FORMAT_PCAPNG));
	/* The kernel's buffer would otherwise hold megabytes more. */
	http_stream_limit_socket(call, (int)(s->cap < 256 * 1024 ? s->cap :
	    256 * 1024));
	b = evbuffer_new();
	st->bytes += pcapstream_write_shb(b);
	http_stream_chunk(call, b, NULL, NULL);
	evbuffer_free(b);
	return 0;
}

static const struct ps_source *
ps_source_find(const struct pcapstreams *s, uint32_t number)
{
	size_t i;

	for (i = 0; i < s->n_sources; i++)
		if (s->sources[i].number == number)
			return &s->sources[i];
	return NULL;
}

void
pcapstreams_source(struct pcapstreams *s,
    const struct bridge_packet_source *m)
{
	struct ps_source *src = (struct ps_source *)ps_source_find(s,
	    m->number);

	if (src == NULL) {
		/* The table is small and sources are few: the oldest goes. */
		if (s->n_sources == PCAPSTREAM_MAX_SOURCES) {
			free(s->sources[0].uuid);
			free(s->sources[0].name);
			memmove(&s->sources[0], &s->sources[1],
			    (s->n_sources - 1) * sizeof(s->sources[0]));
			s->n_sources--;
		}
		src = &s->sources[s->n_sources++];
		src->number = m->number;
	} else {
		free(src->uuid);
		free(src->name);
	}
	src->uuid = xstrdup(m->uuid);
	src->name = xstrdup(m->name);
}

static bool
ps_match(const struct ps_stream *st, const struct ps_source *src,
    const struct bridge_packet *p)
{
	uint8_t i;

	switch (st->kind) {
	case PCAPSTREAM_ALL:
		return true;
	case PCAPSTREAM_SOURCE:
		return src != NULL && strcasecmp(src->uuid, st->uuid) == 0;
	case PCAPSTREAM_BSSID:
		return (p->flags & BRIDGE_PKT_HAS_BSSID) &&
		    memcmp(p->bssid, st->mac, 6) == 0;
	case PCAPSTREAM_DEVICE:
		for (i = 0; i < p->n_addr; i++)
			if (memcmp(p->addr[i], st->mac, 6) == 0)
				return true;
		return (p->flags & BRIDGE_PKT_HAS_BSSID) &&
		    memcmp(p->bssid, st->mac, 6) == 0;
	}
	return false;
}

static void	ps_flush(struct ps_stream *);

static void
ps_drained_cb(struct http_call *call, void *arg)
{
	struct ps_stream *st = arg;

	st->flushing = false;
	ps_flush(st);
}

/*
 * Hand what is pending to the connection, a chunk at a time, once the
 * chunk before it has reached the socket.
 */
static void
ps_flush(struct ps_stream *st)
{
	struct evbuffer *b;
	size_t n = evbuffer_get_length(st->pending);

	if (st->flushing || n == 0)
		return;
	b = evbuffer_new();
	evbuffer_remove_buffer(st->pending, b, n < PCAPSTREAM_CHUNK ? n :
	    PCAPSTREAM_CHUNK);
	st->flushing = true;
	http_stream_chunk(st->call, b, ps_drained_cb, st);
	evbuffer_free(b);
}

/* Bytes this stream holds for its client: ours and the connection's. */
static size_t
ps_buffered(const struct ps_stream *st)
{
	return evbuffer_get_length(st->pending) +
	    http_stream_pending(st->call);
}

static void
ps_deliver(struct ps_stream *st, const struct ps_source *src,
    const struct bridge_packet *p)
{
	char name[PCAPSTREAM_NAME_MAX + 1];
	size_t i, need;
	bool new_if;

	for (i = 0; i < st->n_ifaces; i++)
		if (st->ifaces[i].source == p->source &&
		    st->ifaces[i].dlt == p->dlt)
			break;
	new_if = i == st->n_ifaces;
	need = ps_epb_len(p->caplen) + (new_if ? 64 + PCAPSTREAM_NAME_MAX :
	    0);
	/* The bounded buffer: past it this client loses the frame. */
	if ((new_if && st->n_ifaces == PCAPSTREAM_MAX_IFACES) ||
	    ps_buffered(st) + need > st->set->cap || p->dlt > UINT16_MAX) {
		st->dropped++;
		return;
	}
	if (new_if) {
		if (src != NULL)
			snprintf(name, sizeof(name), "%s", src->name);
		else
			snprintf(name, sizeof(name), "source-%u", p->source);
		st->bytes += pcapstream_write_idb(st->pending,
		    (uint16_t)p->dlt, name);
		st->ifaces[i].source = p->source;
		st->ifaces[i].dlt = p->dlt;
		st->n_ifaces++;
	}
	st->bytes += pcapstream_write_epb(st->pending, (uint32_t)i,
	    p->ts_usec, p->data, p->caplen, p->len);
	st->packets++;
	ps_flush(st);
}

void
pcapstreams_packet(struct pcapstreams *s, const struct bridge_packet *p)
{
	const struct ps_source *src = ps_source_find(s, p->source);
	struct ps_stream *st;

	if (src == NULL)
		s->unknown++;
	TAILQ_FOREACH(st, &s->streams, entry)
		if (ps_match(st, src, p))
			ps_deliver(st, src, p);
}

void
pcapstreams_pack(const struct pcapstreams *s, msgpack_packer *pk)
{
	static const char *kinds[] = { "all", "source", "device", "bssid" };
	const struct ps_stream *st;
	size_t n = 0;

	TAILQ_FOREACH(st, &s->streams, entry)
		n++;
	msgpack_pack_array(pk, n);
	TAILQ_FOREACH(st, &s->streams, entry) {
		msgpack_pack_map(pk, 9);
		bridge_pack_kv_u64(pk, "kismet.stream.id", st->id);
		bridge_pack_kv_str(pk, "kismet.stream.name", "pcapng");
		bridge_pack_kv_str(pk, "kismet.stream.type", kinds[st->kind]);
		bridge_pack_kv_str(pk, "kismet.stream.description", st->desc);
		bridge_pack_kv_u64(pk, "kismet.stream.packets", st->packets);
		bridge_pack_kv_u64(pk, "kismet.stream.dropped", st->dropped);
		bridge_pack_kv_u64(pk, "kismet.stream.bytes", st->bytes);
		bridge_pack_kv_u64(pk, "kismet.stream.buffered",
		    ps_buffered(st));
		bridge_pack_kv_u64(pk, "kismet.stream.buffer_max",
		    st->set->cap);
	}
}
