/* SPDX-License-Identifier: ISC */
/* \summary: live pcapng streams: all packets, per source, device or BSSID */

#include <sys/queue.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "core.h"
#include "http.h"
#include "pcapstream.h"
#include "xmalloc.h"

#define PCAPNG_SHB		0x0A0D0D0AU
#define PCAPNG_IDB		0x00000001U
#define PCAPNG_EPB		0x00000006U
#define PCAPNG_BOM		0x1A2B3C4DU
#define PCAPNG_OPT_END		0
#define PCAPNG_SHB_USERAPPL	4
#define PCAPNG_IF_NAME		2
#define PCAPNG_IF_TSRESOL	9
#define PCAPSTREAM_SNAPLEN	262144
#define PCAPSTREAM_NAME_MAX	256

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
	uint64_t		 id;
	uint64_t		 packets, dropped, bytes;
};

struct pcapstreams {
	struct core		*core;
	size_t			 cap;
	TAILQ_HEAD(, ps_stream)	 streams;
	struct ps_source	 sources[PCAPSTREAM_MAX_SOURCES];
	size_t			 n_sources;
	uint64_t		 next_id;
	uint64_t		 unknown;	/* frames of unknown sources */
	bool			 subscribed;
};

static void
ps_le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
ps_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

/* An option: code, length, value padded to 32 bits. */
static size_t
ps_opt(uint8_t *p, uint16_t code, const void *v, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;

	ps_le16(p, code);
	ps_le16(p + 2, (uint16_t)len);
	memset(p + 4, 0, padded);
	if (len > 0)
		memcpy(p + 4, v, len);
	return 4 + padded;
}

size_t
pcapstream_write_shb(struct evbuffer *out)
{
	static const char appl[] = "osprey_web";
	uint8_t b[64];
	size_t n = 0;

	ps_le32(b, PCAPNG_SHB);
	ps_le32(b + 8, PCAPNG_BOM);
	ps_le16(b + 12, 1);
	ps_le16(b + 14, 0);
	/* Section length unknown: -1. */
	memset(b + 16, 0xff, 8);
	n = 24;
	n += ps_opt(b + n, PCAPNG_SHB_USERAPPL, appl, sizeof(appl) - 1);
	n += ps_opt(b + n, PCAPNG_OPT_END, NULL, 0);
	n += 4;
	ps_le32(b + 4, (uint32_t)n);
	ps_le32(b + n - 4, (uint32_t)n);
	evbuffer_add(out, b, n);
	return n;
}

size_t
pcapstream_write_idb(struct evbuffer *out, uint16_t linktype,
    const char *name)
{
	uint8_t b[64 + PCAPSTREAM_NAME_MAX], res = 6;
	size_t n, nl = strlen(name);

	if (nl > PCAPSTREAM_NAME_MAX)
		nl = PCAPSTREAM_NAME_MAX;
	ps_le32(b, PCAPNG_IDB);
	ps_le16(b + 8, linktype);
	ps_le16(b + 10, 0);
	ps_le32(b + 12, PCAPSTREAM_SNAPLEN);
	n = 16;
	n += ps_opt(b + n, PCAPNG_IF_NAME, name, nl);
	/* Timestamps in microseconds, as the EPBs carry them. */
	n += ps_opt(b + n, PCAPNG_IF_TSRESOL, &res, 1);
	n += ps_opt(b + n, PCAPNG_OPT_END, NULL, 0);
	n += 4;
	ps_le32(b + 4, (uint32_t)n);
	ps_le32(b + n - 4, (uint32_t)n);
	evbuffer_add(out, b, n);
	return n;
}

static size_t
ps_epb_len(size_t caplen)
{
	return 32 + ((caplen + 3) & ~(size_t)3);
}

size_t
pcapstream_write_epb(struct evbuffer *out, uint32_t ifid, uint64_t ts_usec,
    const uint8_t *data, size_t caplen, size_t len)
{
	static const uint8_t pad[4];
	uint8_t h[28], t[4];
	size_t total = ps_epb_len(caplen);

	ps_le32(h, PCAPNG_EPB);
	ps_le32(h + 4, (uint32_t)total);
	ps_le32(h + 8, ifid);
	ps_le32(h + 12, (uint32_t)(ts_usec >> 32));
	ps_le32(h + 16, (uint32_t)ts_usec);
	ps_le32(h + 20, (uint32_t)caplen);
	ps_le32(h + 24, (uint32_t)len);
	evbuffer_add(out, h, sizeof(h));
	evbuffer_add(out, data, caplen);
	evbuffer_add(out, pad, ((caplen + 3) & ~(size_t)3) - caplen);
	ps_le32(t, (uint32_t)total);
	evbuffer_add(out, t, 4);
	return total;
}

struct pcapstreams *
pcapstreams_new(struct core *core, size_t cap)
{
	struct pcapstreams *s = xcalloc(1, sizeof(*s));

	s->core = core;
	s->cap = cap;
	TAILQ_INIT(&s->streams);
	return s;
}

static void
ps_stream_free(struct ps_stream *st)
{
	struct pcapstreams *s = st->set;

	TAILQ_REMOVE(&s->streams, st, entry);
	free(st->uuid);
	free(st->desc);
	free(st);
	if (TAILQ_EMPTY(&s->streams) && s->subscribed) {
		s->subscribed = false;
		(void)core_packets(s->core, false);
	}
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

	if (!core_up(s->core))
		return -ENOTCONN;
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
	TAILQ_INSERT_TAIL(&s->streams, st, entry);
	http_call_on_gone(call, ps_gone_cb, st);
	http_stream_start(call, format_mime(FORMAT_PCAPNG));
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

static void
ps_deliver(struct ps_stream *st, const struct ps_source *src,
    const struct bridge_packet *p)
{
	char name[PCAPSTREAM_NAME_MAX + 1];
	struct evbuffer *b;
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
	    http_stream_pending(st->call) + need > st->set->cap ||
	    p->dlt > UINT16_MAX) {
		st->dropped++;
		return;
	}
	b = evbuffer_new();
	if (new_if) {
		if (src != NULL)
			snprintf(name, sizeof(name), "%s", src->name);
		else
			snprintf(name, sizeof(name), "source-%u", p->source);
		st->bytes += pcapstream_write_idb(b, (uint16_t)p->dlt, name);
		st->ifaces[i].source = p->source;
		st->ifaces[i].dlt = p->dlt;
		st->n_ifaces++;
	}
	st->bytes += pcapstream_write_epb(b, (uint32_t)i, p->ts_usec, p->data,
	    p->caplen, p->len);
	st->packets++;
	http_stream_chunk(st->call, b, NULL, NULL);
	evbuffer_free(b);
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
		    http_stream_pending(st->call));
		bridge_pack_kv_u64(pk, "kismet.stream.buffer_max",
		    st->set->cap);
	}
}
