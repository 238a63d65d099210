/* SPDX-License-Identifier: ISC */
/*
 * \summary: device endpoints and packet streams
 *
 * A device query goes to the core as one DEVICES_REQ; the records come
 * back in slices, and the next slice is asked for only once the previous
 * one has drained towards the client, so a slow client holds back the
 * core's work for it and nobody else's (doc/bridge.md).  Each record is
 * filtered (regex), simplified (fields) and written in the format the
 * URL asks for.  JSON formats stream; msgpack, whose lists start with a
 * count, and the paged views, which sort, are gathered first.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "args.h"
#include "bridge.h"
#include "bytes.h"
#include "core.h"
#include "fields.h"
#include "format.h"
#include "http.h"
#include "log.h"
#include "pcapstream.h"
#include "web.h"
#include "xmalloc.h"

#define DQ_MAX_PAGE	100000		/* "length" of a view page */
#define DQ_AHEAD	(1024 * 1024)	/* bytes queued before waiting */

enum dq_mode {
	DQ_LIST,		/* [record, ...] */
	DQ_WRAPPED,		/* {"kismet.device.list": [...], timestamp} */
	DQ_SINGLE,		/* the first record, or one field of it */
	DQ_VIEW,		/* gathered, searched, sorted, paged */
	DQ_PAGE,		/* a page the core cut: gathered, wrapped */
	DQ_PCAP,		/* the MAC of a device, for its stream */
	DQ_OBJECT,		/* {key: record, ...} */
	DQ_HANDSHAKE,		/* its WPA handshake frames as pcap */
};

struct dq {
	struct http_call	*call;
	struct web		*web;
	uint32_t		 seq;
	enum format		 fmt;
	enum dq_mode		 mode;
	struct fields		*fields;
	struct fields_regex	*regex;
	char			*field_path;	/* DQ_SINGLE: one field */
	bool			 started;	/* the answer has begun */
	bool			 done;
	uint64_t		 count;
	msgpack_sbuffer		 gathered;	/* packed records */
	/* DQ_VIEW */
	uint64_t		 start, length;
	char			*sort, *search;
	bool			 desc, datatable;
	char			*draw;
	uint64_t		 total;
	uint64_t		 filtered;	/* DQ_PAGE: as the core says */
};

static void
dq_free(struct dq *q)
{
	fields_free(q->fields);
	fields_regex_free(q->regex);
	free(q->field_path);
	free(q->sort);
	free(q->search);
	free(q->draw);
	msgpack_sbuffer_destroy(&q->gathered);
	free(q);
}

static void
dq_gone_cb(struct http_call *call, void *arg)
{
	struct dq *q = arg;

	core_forget(q->web->core, q->seq);
	dq_free(q);
}

static struct dq *
dq_new(struct http_call *call, enum dq_mode mode)
{
	struct dq *q = xcalloc(1, sizeof(*q));

	q->call = call;
	q->web = http_call_ctx(call);
	q->mode = mode;
	q->fmt = http_call_format(call);
	msgpack_sbuffer_init(&q->gathered);
	return q;
}

/* Read fields and regex from the request's JSON; 0 or answered. */
static int
dq_read_fields(struct dq *q)
{
	char err[256] = "";
	yajl_val root;

	if (http_call_json(q->call, &root, err, sizeof(err)) != 0 ||
	    fields_parse_request(root, &q->fields, &q->regex, err,
	    sizeof(err)) != 0) {
		http_reply_error(q->call, 400, err);
		dq_free(q);
		return -EINVAL;
	}
	return 0;
}

static bool
dq_gathers(const struct dq *q)
{
	return q->fmt == FORMAT_MSGPACK || q->mode == DQ_VIEW ||
	    q->mode == DQ_PAGE ||
	    q->mode == DQ_SINGLE || q->mode == DQ_PCAP ||
	    q->mode == DQ_OBJECT || q->mode == DQ_HANDSHAKE;
}

/* The record as it goes out: simplified when fields were asked for. */
static int
dq_shape(struct dq *q, const msgpack_object *rec, msgpack_zone *z,
    msgpack_object *ret)
{
	if (q->fields == NULL) {
		*ret = *rec;
		return 0;
	}
	return fields_apply(q->fields, rec, z, ret);
}

static void
dq_write_json_record(struct dq *q, struct evbuffer *b,
    const msgpack_object *o)
{
	enum format f = q->fmt == FORMAT_EKJSON ||
	    q->fmt == FORMAT_PRETTYJSON ? q->fmt : FORMAT_JSON;

	if (!format_is_lines(q->fmt) && q->count > 0)
		evbuffer_add(b, ",\n", 2);
	if (format_write(b, f, o) != 0)
		evbuffer_add(b, "null", 4);
	if (format_is_lines(q->fmt))
		evbuffer_add(b, "\n", 1);
}

static void
dq_begin(struct dq *q, struct evbuffer *b)
{
	if (q->started)
		return;
	q->started = true;
	http_stream_start(q->call, format_mime(q->fmt));
	if (format_is_lines(q->fmt))
		return;
	if (q->mode == DQ_WRAPPED)
		evbuffer_add_printf(b, "{\"kismet.device.list\": [\n");
	else
		evbuffer_add(b, "[\n", 2);
}

static void
dq_more_cb(struct http_call *call, void *arg)
{
	struct dq *q = arg;

	if (!q->done && core_devices_more(q->web->core, q->seq) != 0)
		log_debug("devices query %u: could not ask for more", q->seq);
}

static void
dq_slice(struct dq *q, const struct bridge_records *r)
{
	msgpack_packer pk;
	msgpack_object o;
	msgpack_zone *z;
	struct evbuffer *b = NULL;
	size_t i;

	z = msgpack_zone_new(4096);
	if (z == NULL)
		fatalx("out of memory");
	if (!dq_gathers(q)) {
		b = evbuffer_new();
		dq_begin(q, b);
	}
	msgpack_packer_init(&pk, &q->gathered, msgpack_sbuffer_write);
	for (i = 0; i < r->count; i++) {
		q->total++;
		if (q->regex != NULL && !fields_regex_match(q->regex,
		    &r->records[i]))
			continue;
		if (q->mode == DQ_VIEW || q->mode == DQ_PAGE ||
		    q->mode == DQ_PCAP ||
		    q->mode == DQ_OBJECT || q->mode == DQ_HANDSHAKE) {
			/* Shaped after sorting, which may use any field. */
			msgpack_pack_object(&pk, r->records[i]);
			q->count++;
			continue;
		}
		if (q->mode == DQ_SINGLE && q->count > 0)
			break;
		if (dq_shape(q, &r->records[i], z, &o) != 0)
			fatalx("out of memory");
		if (b != NULL)
			dq_write_json_record(q, b, &o);
		else
			msgpack_pack_object(&pk, o);
		q->count++;
	}
	msgpack_zone_free(z);
	if (b == NULL) {
		dq_more_cb(q->call, q);
		return;
	}
	/*
	 * Ask for the next slice now while little waits for the client (so
	 * the core works while this one goes out), else once it has left:
	 * at most DQ_AHEAD bytes and a slice are ever held for a client.
	 */
	if (http_stream_pending(q->call) + evbuffer_get_length(b) < DQ_AHEAD) {
		http_stream_chunk(q->call, b, NULL, NULL);
		dq_more_cb(q->call, q);
	} else
		http_stream_chunk(q->call, b, dq_more_cb, q);
	evbuffer_free(b);
}

static int
dq_cmp_obj(const msgpack_object *a, const msgpack_object *b)
{
	double x, y;
	int c;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	if (a->type == MSGPACK_OBJECT_STR && b->type == MSGPACK_OBJECT_STR) {
		/* An empty string may have a NULL ptr: compare no bytes. */
		c = a->via.str.size == 0 || b->via.str.size == 0 ? 0 :
		    memcmp(a->via.str.ptr, b->via.str.ptr,
		    a->via.str.size < b->via.str.size ? a->via.str.size :
		    b->via.str.size);
		if (c != 0)
			return c;
		return (a->via.str.size > b->via.str.size) -
		    (a->via.str.size < b->via.str.size);
	}
	switch (a->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER: x = (double)a->via.u64; break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: x = (double)a->via.i64; break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: x = a->via.f64; break;
	default: x = -INFINITY; break;
	}
	switch (b->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER: y = (double)b->via.u64; break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: y = (double)b->via.i64; break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: y = b->via.f64; break;
	default: y = -INFINITY; break;
	}
	return (x > y) - (x < y);
}

struct dq_sort_item {
	const msgpack_object	*rec;
	const msgpack_object	*key;
};

/*
 * A stable merge sort of n items by key.  Not qsort: glibc's asks the
 * kernel for the machine's memory size (sysinfo), which the sandbox
 * forbids; and a stable order keeps pages consistent between requests.
 */
static void
dq_sort(struct dq_sort_item *v, size_t n, bool desc)
{
	struct dq_sort_item *tmp, *src = v, *dst, *t;
	size_t w, i, l, m, r, a, b;
	int c;

	if (n < 2)
		return;
	tmp = xcalloc(n, sizeof(*tmp));
	dst = tmp;
	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			l = i;
			m = i + w < n ? i + w : n;
			r = i + 2 * w < n ? i + 2 * w : n;
			for (a = l, b = m; l < r; l++) {
				if (a < m && b < r) {
					c = dq_cmp_obj(src[a].key, src[b].key);
					dst[l] = (desc ? c >= 0 : c <= 0) ?
					    src[a++] : src[b++];
				} else
					dst[l] = a < m ? src[a++] : src[b++];
			}
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

static bool
dq_str_has(const msgpack_object *o, const char *needle)
{
	size_t n = strlen(needle), i;

	if (o == NULL || o->type != MSGPACK_OBJECT_STR || n == 0 ||
	    o->via.str.size < n)
		return n == 0;
	for (i = 0; i + n <= o->via.str.size; i++)
		if (strncasecmp(o->via.str.ptr + i, needle, n) == 0)
			return true;
	return false;
}

/* The search box: any top-level string, or the SSID last beaconed. */
static bool
dq_search_match(const msgpack_object *rec, const char *needle)
{
	uint32_t i;

	for (i = 0; i < rec->via.map.size; i++)
		if (dq_str_has(&rec->via.map.ptr[i].val, needle))
			return true;
	return dq_str_has(fields_lookup(rec,
	    "dot11.device/dot11.device.last_beaconed_ssid"), needle);
}

/*
 * Unpack what was gathered: count objects into an array of items.  The
 * objects themselves are in *ret_objs; the caller frees both arrays.
 */
static struct dq_sort_item *
dq_unpack(struct dq *q, msgpack_zone *z, size_t *ret_n,
    msgpack_object **ret_objs)
{
	struct dq_sort_item *items;
	msgpack_object *objs;
	size_t off = 0, n = 0;

	items = xcalloc(q->count + 1, sizeof(*items));
	objs = xcalloc(q->count + 1, sizeof(*objs));
	while (n < q->count && msgpack_unpack(q->gathered.data,
	    q->gathered.size, &off, z, &objs[n]) > 0) {
		items[n].rec = &objs[n];
		n++;
	}
	*ret_n = n;
	*ret_objs = objs;
	return items;
}

static void
dq_finish_view(struct dq *q, struct evbuffer *b)
{
	struct dq_sort_item *items;
	msgpack_object o, *objs;
	msgpack_packer pk;
	msgpack_sbuffer sb;
	msgpack_zone *z;
	size_t n, i, kept = 0, first, last;

	z = msgpack_zone_new(65536);
	items = dq_unpack(q, z, &n, &objs);
	if (q->mode == DQ_PAGE) {
		/* The core searched, sorted and cut: these are the rows. */
		first = 0;
		last = n;
		kept = q->filtered;
		goto write;
	}
	for (i = 0; i < n; i++)
		if (q->search == NULL || dq_search_match(items[i].rec,
		    q->search))
			items[kept++] = items[i];
	if (q->sort != NULL) {
		for (i = 0; i < kept; i++)
			items[i].key = fields_lookup(items[i].rec, q->sort);
		dq_sort(items, kept, q->desc);
	}
	first = q->start < kept ? q->start : kept;
	last = q->length > 0 && q->length < kept - first ? first + q->length :
	    kept;
write:

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if (q->datatable) {
		msgpack_pack_map(&pk, 4);
		bridge_pack_kv_str(&pk, "draw", q->draw != NULL ? q->draw :
		    "0");
		bridge_pack_kv_u64(&pk, "recordsTotal", q->total);
		bridge_pack_kv_u64(&pk, "recordsFiltered", kept);
		bridge_pack_cstr(&pk, "data");
	}
	msgpack_pack_array(&pk, last - first);
	for (i = first; i < last; i++) {
		if (dq_shape(q, items[i].rec, z, &o) != 0)
			fatalx("out of memory");
		msgpack_pack_object(&pk, o);
	}
	if (format_is_lines(q->fmt) && !q->datatable) {
		/* One record a line: write them from the packed list. */
		for (i = first; i < last; i++) {
			if (dq_shape(q, items[i].rec, z, &o) != 0)
				fatalx("out of memory");
			format_write(b, q->fmt, &o);
			evbuffer_add(b, "\n", 1);
		}
	} else if (format_write_packed(b, q->fmt == FORMAT_MSGPACK ||
	    q->fmt == FORMAT_PRETTYJSON ? q->fmt : FORMAT_JSON, sb.data,
	    sb.size) == 0 && q->fmt != FORMAT_MSGPACK &&
	    q->fmt != FORMAT_PRETTYJSON)
		evbuffer_add(b, "\n", 1);
	msgpack_sbuffer_destroy(&sb);
	free(objs);
	free(items);
	msgpack_zone_free(z);
}

static void
dq_finish_pcap(struct dq *q)
{
	const msgpack_object *mac;
	struct dq_sort_item *items;
	msgpack_object *objs;
	msgpack_zone *z;
	uint8_t m[6];
	char s[18], desc[64];
	size_t n;
	int rc = -ENOENT;

	z = msgpack_zone_new(4096);
	items = dq_unpack(q, z, &n, &objs);
	if (n > 0 && (mac = fields_lookup(items[0].rec,
	    "kismet.device.base.macaddr")) != NULL &&
	    mac->type == MSGPACK_OBJECT_STR && mac->via.str.size == 17) {
		memcpy(s, mac->via.str.ptr, 17);
		s[17] = '\0';
		if (sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx", &m[0],
		    &m[1], &m[2], &m[3], &m[4], &m[5]) == 6) {
			snprintf(desc, sizeof(desc), "device %s", s);
			rc = pcapstreams_open(q->web->streams, q->call,
			    PCAPSTREAM_DEVICE, NULL, m, desc);
		}
	}
	free(objs);
	free(items);
	msgpack_zone_free(z);
	if (rc == -ENOENT)
		http_reply_error(q->call, 404, "no such device");
	else if (rc != 0)
		api_core_error(q->call, rc);
}

/* Each record under its device key, as Kismet's multikey/as-object. */
static void
dq_finish_object(struct dq *q)
{
	struct dq_sort_item *items;
	const msgpack_object *key;
	msgpack_object *objs, o;
	msgpack_packer pk;
	msgpack_sbuffer sb;
	msgpack_zone *z;
	size_t n, i;

	z = msgpack_zone_new(4096);
	items = dq_unpack(q, z, &n, &objs);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, n);
	for (i = 0; i < n; i++) {
		key = fields_lookup(items[i].rec, "kismet.device.base.key");
		if (key != NULL)
			msgpack_pack_object(&pk, *key);
		else
			msgpack_pack_nil(&pk);
		if (dq_shape(q, items[i].rec, z, &o) != 0)
			fatalx("out of memory");
		msgpack_pack_object(&pk, o);
	}
	http_reply_packed(q->call, 200, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	free(objs);
	free(items);
	msgpack_zone_free(z);
}

/*
 * The EAPOL frames of the device's handshake (dot11.device.
 * wpa_handshake_list: 802.11 frames without their radio header) as a
 * classic pcap file, link type 105, in the order the record lists them.
 * Kismet adds a beacon; the core keeps none, so there is none here.
 */
static void
dq_finish_handshake(struct dq *q)
{
	const msgpack_object *list, *sec, *usec, *pkt;
	struct dq_sort_item *items;
	msgpack_object *objs;
	struct evbuffer *b;
	msgpack_zone *z;
	uint8_t h[24];
	size_t n;
	uint32_t i;

	z = msgpack_zone_new(4096);
	items = dq_unpack(q, z, &n, &objs);
	if (n == 0) {
		http_reply_error(q->call, 404, "no such device");
		goto out;
	}
	b = evbuffer_new();
	put_le32(h, 0xa1b2c3d4);
	put_le16(h + 4, 2);
	put_le16(h + 6, 4);
	put_le32(h + 8, 0);
	put_le32(h + 12, 0);
	put_le32(h + 16, 65535);
	put_le32(h + 20, 105);		/* LINKTYPE_IEEE802_11 */
	evbuffer_add(b, h, sizeof(h));
	list = fields_lookup(items[0].rec,
	    "dot11.device/dot11.device.wpa_handshake_list");
	for (i = 0; list != NULL && list->type == MSGPACK_OBJECT_ARRAY &&
	    i < list->via.array.size; i++) {
		/* {"dot11.eapol.packet": {kismet.packet.ts_sec, ...}} */
		sec = fields_lookup(&list->via.array.ptr[i],
		    "dot11.eapol.packet/kismet.packet.ts_sec");
		usec = fields_lookup(&list->via.array.ptr[i],
		    "dot11.eapol.packet/kismet.packet.ts_usec");
		pkt = fields_lookup(&list->via.array.ptr[i],
		    "dot11.eapol.packet/kismet.packet.data");
		if (pkt == NULL || pkt->type != MSGPACK_OBJECT_BIN ||
		    pkt->via.bin.size > 65535)
			continue;
		put_le32(h, sec != NULL && sec->type ==
		    MSGPACK_OBJECT_POSITIVE_INTEGER ? (uint32_t)sec->via.u64 :
		    0);
		put_le32(h + 4, usec != NULL && usec->type ==
		    MSGPACK_OBJECT_POSITIVE_INTEGER && usec->via.u64 < 1000000 ?
		    (uint32_t)usec->via.u64 : 0);
		put_le32(h + 8, pkt->via.bin.size);
		put_le32(h + 12, pkt->via.bin.size);
		evbuffer_add(b, h, 16);
		if (pkt->via.bin.size > 0)
			evbuffer_add(b, pkt->via.bin.ptr, pkt->via.bin.size);
	}
	http_reply(q->call, 200, format_mime(FORMAT_PCAP), b);
	evbuffer_free(b);
out:
	free(objs);
	free(items);
	msgpack_zone_free(z);
}

static void
dq_end(struct dq *q, double timestamp)
{
	struct http_call *call = q->call;
	struct evbuffer *b = evbuffer_new();
	msgpack_object o, *objs;
	const msgpack_object *v;
	struct dq_sort_item *items;
	msgpack_zone *z;
	size_t n;

	q->done = true;
	http_call_on_gone(call, NULL, NULL);
	switch (q->mode) {
	case DQ_PCAP:
		dq_finish_pcap(q);
		break;
	case DQ_OBJECT:
		dq_finish_object(q);
		break;
	case DQ_HANDSHAKE:
		dq_finish_handshake(q);
		break;
	case DQ_VIEW:
	case DQ_PAGE:
		dq_finish_view(q, b);
		http_reply(call, 200, format_mime(q->fmt == FORMAT_MSGPACK ?
		    FORMAT_MSGPACK : FORMAT_JSON), b);
		break;
	case DQ_SINGLE:
		if (q->count == 0) {
			http_reply_error(call, 404, "no such device");
			break;
		}
		z = msgpack_zone_new(4096);
		items = dq_unpack(q, z, &n, &objs);
		v = q->field_path != NULL ? fields_lookup(items[0].rec,
		    q->field_path) : items[0].rec;
		if (v == NULL)
			http_reply_error(call, 404, "no such field");
		else {
			o = *v;
			http_reply_object(call, 200, &o);
		}
		free(objs);
		free(items);
		msgpack_zone_free(z);
		break;
	case DQ_LIST:
	case DQ_WRAPPED:
		if (q->fmt == FORMAT_MSGPACK) {
			msgpack_sbuffer sb;
			msgpack_packer pk;

			/* The count is known now: header, then records. */
			msgpack_sbuffer_init(&sb);
			msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
			if (q->mode == DQ_WRAPPED) {
				msgpack_pack_map(&pk, 2);
				bridge_pack_kv_double(&pk,
				    "kismet.devicelist.timestamp", timestamp);
				bridge_pack_cstr(&pk, "kismet.device.list");
			}
			msgpack_pack_array(&pk, q->count);
			evbuffer_add(b, sb.data, sb.size);
			evbuffer_add(b, q->gathered.data, q->gathered.size);
			msgpack_sbuffer_destroy(&sb);
			http_reply(call, 200, format_mime(FORMAT_MSGPACK), b);
			break;
		}
		dq_begin(q, b);
		if (!format_is_lines(q->fmt)) {
			evbuffer_add(b, "\n]", 2);
			if (q->mode == DQ_WRAPPED) {
				evbuffer_add_printf(b, ",\n"
				    "\"kismet.devicelist.timestamp\": ");
				format_json_double(b, timestamp);
				evbuffer_add(b, "}", 1);
			}
			evbuffer_add(b, "\n", 1);
		}
		http_stream_chunk(call, b, NULL, NULL);
		http_stream_end(call);
		break;
	}
	evbuffer_free(b);
	dq_free(q);
}

static void
dq_reply_cb(const struct bridge_msg *m, void *arg)
{
	struct dq *q = arg;

	switch (m->hdr.type) {
	case BRIDGE_DEVICES_SLICE:
		dq_slice(q, &m->u.records);
		break;
	case BRIDGE_DEVICES_END:
		dq_end(q, m->u.devices_end.timestamp);
		break;
	case BRIDGE_PAGE_END:
		q->total = m->u.page_end.total;
		q->filtered = m->u.page_end.filtered;
		dq_end(q, m->u.page_end.timestamp);
		break;
	case BRIDGE_ERROR:
		q->done = true;
		http_call_on_gone(q->call, NULL, NULL);
		if (q->started) {
			/* Too late for a status: the answer just stops. */
			log_debug("devices query %u failed mid-answer: %s",
			    q->seq, m->u.error.reason);
			http_stream_end(q->call);
		} else
			http_reply_error(q->call, (int)m->u.error.status,
			    m->u.error.reason);
		dq_free(q);
		break;
	}
}

static void
dq_send(struct dq *q, const struct bridge_devices_req *r)
{
	int rc;

	if ((rc = core_devices(q->web->core, r, dq_reply_cb, q, &q->seq)) !=
	    0) {
		api_core_error(q->call, rc);
		dq_free(q);
		return;
	}
	http_call_on_gone(q->call, dq_gone_cb, q);
}

/*
 * A page of a view the core searches, sorts and cuts (doc/bridge.md,
 * DEVICES_PAGE): the web receives start+length records, not the view.
 * A regex filter still gathers the view here (PCRE2 is the web's).
 */
static void
dq_send_page(struct dq *q, const struct bridge_devices_req *r)
{
	struct bridge_devices_page p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.view = r->view;
	p.phyname = r->phyname;
	p.seenby = r->seenby;
	p.start = (uint32_t)q->start;
	p.length = (uint32_t)q->length;
	p.sort = q->sort;
	p.desc = q->desc;
	p.search = q->search;
	q->mode = DQ_PAGE;
	if ((rc = core_devices_page(q->web->core, &p, dq_reply_cb, q,
	    &q->seq)) != 0) {
		api_core_error(q->call, rc);
		dq_free(q);
		return;
	}
	http_call_on_gone(q->call, dq_gone_cb, q);
}

/* "AA:BB:CC:DD:EE:FF" (any case, optional /mask) upper-cased into buf. */
static int
api_mac_text(const char *s, char *buf, size_t len)
{
	return args_mac_text(s, buf, len);
}

static int
api_mac_bytes(const char *s, uint8_t m[6])
{
	return args_mac_bytes(s, m);
}

/* Handlers */

static void
api_all_devices(struct http_call *call)
{
	struct bridge_devices_req r;
	struct dq *q = dq_new(call, DQ_LIST);

	if (dq_read_fields(q) != 0)
		return;
	memset(&r, 0, sizeof(r));
	dq_send(q, &r);
}

void
api_devices_list(struct http_call *call, const struct bridge_devices_req *r,
    int wrapped)
{
	struct dq *q = dq_new(call, wrapped && !format_is_lines(
	    http_call_format(call)) ? DQ_WRAPPED : DQ_LIST);

	if (dq_read_fields(q) != 0)
		return;
	dq_send(q, r);
}

void
api_devices_object(struct http_call *call,
    const struct bridge_devices_req *r)
{
	struct dq *q = dq_new(call, DQ_OBJECT);

	if (dq_read_fields(q) != 0)
		return;
	dq_send(q, r);
}

static void
api_summary(struct http_call *call)
{
	struct bridge_devices_req r;
	struct dq *q = dq_new(call, DQ_LIST);

	if (dq_read_fields(q) != 0)
		return;
	memset(&r, 0, sizeof(r));
	dq_send(q, &r);
}

static void
api_last_time_common(struct http_call *call, uint32_t view)
{
	struct bridge_devices_req r;
	struct dq *q;

	memset(&r, 0, sizeof(r));
	r.view = view;
	if (api_parse_ts(http_call_arg(call, 0), &r.since) != 0) {
		http_reply_error(call, 400, "bad timestamp");
		return;
	}
	r.has_since = true;
	q = dq_new(call, format_is_lines(http_call_format(call)) ? DQ_LIST :
	    DQ_WRAPPED);
	if (dq_read_fields(q) != 0)
		return;
	dq_send(q, &r);
}

static void
api_last_time(struct http_call *call)
{
	api_last_time_common(call, BRIDGE_VIEW_ALL);
}

static void
api_by_key(struct http_call *call)
{
	struct bridge_devices_req r;
	const char *key = http_call_arg(call, 0);
	struct dq *q = dq_new(call, DQ_SINGLE);
	char *path;
	size_t n = 0;

	if (dq_read_fields(q) != 0)
		return;
	if (http_call_nargs(call) > 1) {
		/* /device.json/FIELD/PATH: one field of the device. */
		path = evhttp_uridecode(http_call_arg(call, 1), 0, &n);
		if (path == NULL || strlen(path) != n) {
			free(path);
			http_reply_error(call, 400, "malformed field path");
			dq_free(q);
			return;
		}
		q->field_path = path;
	}
	memset(&r, 0, sizeof(r));
	r.keys = &key;
	r.n_keys = 1;
	dq_send(q, &r);
}

static void
api_by_mac(struct http_call *call)
{
	struct bridge_devices_req r;
	char mac[64];
	const char *macs[1] = { mac };
	struct dq *q;

	if (api_mac_text(http_call_arg(call, 0), mac, sizeof(mac)) != 0) {
		http_reply_error(call, 400, "bad MAC address");
		return;
	}
	q = dq_new(call, DQ_LIST);
	if (dq_read_fields(q) != 0)
		return;
	memset(&r, 0, sizeof(r));
	r.macs = macs;
	r.n_macs = 1;
	dq_send(q, &r);
}

static void
api_multimac(struct http_call *call)
{
	static const char *pdev[] = { "devices", NULL };
	struct bridge_devices_req r;
	const char **macs;
	char (*store)[64], err[256] = "";
	yajl_val root, v;
	struct dq *q;
	size_t i;

	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	v = root != NULL ? yajl_tree_get(root, pdev, yajl_t_array) : NULL;
	if (v == NULL || v->u.array.len == 0 ||
	    v->u.array.len > BRIDGE_MAX_LIST) {
		http_reply_error(call, 400, "expected {\"devices\": [MAC, "
		    "...]}");
		return;
	}
	macs = xcalloc(v->u.array.len, sizeof(*macs));
	store = xcalloc(v->u.array.len, sizeof(*store));
	for (i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i]) ||
		    api_mac_text(v->u.array.values[i]->u.string, store[i],
		    sizeof(store[i])) != 0) {
			http_reply_error(call, 400, "bad MAC address");
			free(macs);
			free(store);
			return;
		}
		macs[i] = store[i];
	}
	q = dq_new(call, DQ_LIST);
	if (dq_read_fields(q) == 0) {
		memset(&r, 0, sizeof(r));
		r.macs = macs;
		r.n_macs = v->u.array.len;
		dq_send(q, &r);
	}
	free(macs);
	free(store);
}

static void
api_clients_of(struct http_call *call)
{
	struct bridge_devices_req r;
	struct dq *q = dq_new(call, DQ_LIST);

	if (dq_read_fields(q) != 0)
		return;
	memset(&r, 0, sizeof(r));
	r.clients_of = http_call_arg(call, 0);
	dq_send(q, &r);
}

/* A paging parameter from the JSON command, else the query string. */
static const char *
api_view_param(struct http_call *call, yajl_val root, const char *name,
    char *buf, size_t len)
{
	const char *path[] = { name, NULL };
	yajl_val v;

	if (root != NULL && (v = yajl_tree_get(root, path, yajl_t_any)) !=
	    NULL)
		return args_json_text(v);
	return http_call_query(call, name);
}

static int
api_view_uint(const char *s, uint64_t max, uint64_t *ret)
{
	return args_uint(s, max, ret);
}

void
api_devices_view(struct http_call *call, const struct bridge_devices_req *r)
{
	char err[256] = "", b1[32], b2[32];
	const char *s;
	yajl_val root;
	struct dq *q;

	q = dq_new(call, DQ_VIEW);
	if (dq_read_fields(q) != 0)
		return;
	(void)http_call_json(call, &root, err, sizeof(err));
	if (api_view_uint(api_view_param(call, root, "start", b1,
	    sizeof(b1)), UINT32_MAX, &q->start) != 0 ||
	    api_view_uint(api_view_param(call, root, "length", b2,
	    sizeof(b2)), DQ_MAX_PAGE, &q->length) != 0) {
		http_reply_error(call, 400, "start and length must be "
		    "non-negative integers");
		dq_free(q);
		return;
	}
	if ((s = api_view_param(call, root, "sort", b1, sizeof(b1))) != NULL &&
	    *s != '\0')
		q->sort = xstrdup(s);
	if ((s = api_view_param(call, root, "sort_dir", b1, sizeof(b1))) !=
	    NULL)
		q->desc = strcasecmp(s, "desc") == 0;
	if ((s = api_view_param(call, root, "search", b1, sizeof(b1))) !=
	    NULL && *s != '\0')
		q->search = xstrndup(s, 256);
	if ((s = api_view_param(call, root, "datatable", b1, sizeof(b1))) !=
	    NULL)
		q->datatable = strcasecmp(s, "true") == 0 || strcmp(s,
		    "1") == 0;
	if ((s = api_view_param(call, root, "draw", b1, sizeof(b1))) != NULL)
		q->draw = xstrndup(s, 32);
	/*
	 * Nothing to sort, search or cut: the whole view, which streams as
	 * a list does instead of being gathered (20,000 access points took
	 * 7.5 s gathered).
	 */
	if (q->sort == NULL && q->search == NULL && q->start == 0 &&
	    q->length == 0 && !q->datatable)
		q->mode = DQ_LIST;
	else if (q->regex == NULL && r->n_keys == 0 && r->n_macs == 0 &&
	    r->clients_of == NULL && r->related_to == NULL &&
	    !r->has_since) {
		/* The core cuts the page; only its rows come here. */
		dq_send_page(q, r);
		return;
	}
	dq_send(q, r);
}

/* Packet streams */

static void
api_pcap_open(struct http_call *call, enum pcapstream_kind kind,
    const char *uuid, const uint8_t *mac, const char *desc)
{
	struct web *w = http_call_ctx(call);
	int rc;

	if ((rc = pcapstreams_open(w->streams, call, kind, uuid, mac,
	    desc)) != 0)
		api_core_error(call, rc);
}

static void
api_pcap_all(struct http_call *call)
{
	api_pcap_open(call, PCAPSTREAM_ALL, NULL, NULL, "all packets");
}

static void
api_pcap_source(struct http_call *call)
{
	char desc[96];

	snprintf(desc, sizeof(desc), "datasource %s", http_call_arg(call, 0));
	api_pcap_open(call, PCAPSTREAM_SOURCE, http_call_arg(call, 0), NULL,
	    desc);
}

static void
api_pcap_bssid(struct http_call *call)
{
	uint8_t mac[6];
	char desc[64];

	if (api_mac_bytes(http_call_arg(call, 0), mac) != 0) {
		http_reply_error(call, 400, "bad BSSID");
		return;
	}
	snprintf(desc, sizeof(desc), "bssid %s", http_call_arg(call, 0));
	api_pcap_open(call, PCAPSTREAM_BSSID, NULL, mac, desc);
}

static void
api_handshake(struct http_call *call)
{
	struct bridge_devices_req r;
	const char *key = http_call_arg(call, 0);
	struct dq *q = dq_new(call, DQ_HANDSHAKE);

	memset(&r, 0, sizeof(r));
	r.keys = &key;
	r.n_keys = 1;
	dq_send(q, &r);
}

static void
api_pcap_device(struct http_call *call)
{
	struct bridge_devices_req r;
	const char *key = http_call_arg(call, 0);
	struct dq *q = dq_new(call, DQ_PCAP);

	/* The device's MAC first; the stream matches on it. */
	memset(&r, 0, sizeof(r));
	r.keys = &key;
	r.n_keys = 1;
	dq_send(q, &r);
}

#define API_POST	(HTTP_M_GET | HTTP_M_POST)
#define API_PCAP	HTTP_F(FORMAT_PCAPNG)

const struct http_route api_devices_routes[] = {
	{ "/devices/all_devices.@", API_POST, HTTP_F_LISTS, false,
	    api_all_devices },
	{ "/devices/summary/devices.@", API_POST, HTTP_F_LISTS, false,
	    api_summary },
	{ "/devices/last-time/*/devices.@", API_POST, HTTP_F_LISTS, false,
	    api_last_time },
	{ "/devices/by-key/*/device.@", API_POST, HTTP_F_DATA, false,
	    api_by_key },
	{ "/devices/by-key/*/device.@/**", API_POST, HTTP_F_DATA, false,
	    api_by_key },
	{ "/devices/by-mac/*/devices.@", API_POST, HTTP_F_LISTS, false,
	    api_by_mac },
	{ "/devices/multimac/devices.@", HTTP_M_POST, HTTP_F_LISTS, false,
	    api_multimac },
	{ "/phy/phy80211/clients-of/*/clients.@", API_POST, HTTP_F_LISTS,
	    false, api_clients_of },
	{ "/pcap/all_packets.@", HTTP_M_GET, API_PCAP, false, api_pcap_all },
	{ "/datasource/pcap/all_sources.@", HTTP_M_GET, API_PCAP, false,
	    api_pcap_all },
	{ "/data/all_packets.@", HTTP_M_GET, API_PCAP, false, api_pcap_all },
	{ "/datasource/pcap/by-uuid/*/packets.@", HTTP_M_GET, API_PCAP, false,
	    api_pcap_source },
	{ "/devices/pcap/by-key/*/packets.@", HTTP_M_GET, API_PCAP, false,
	    api_pcap_device },
	{ "/phy/phy80211/pcap/by-bssid/*/packets.@", HTTP_M_GET, API_PCAP,
	    false, api_pcap_bssid },
	{ "/phy/phy80211/by-key/*/pcap/handshake.@", HTTP_M_GET,
	    HTTP_F(FORMAT_PCAP), false, api_handshake },
};

const size_t api_devices_nroutes = sizeof(api_devices_routes) /
    sizeof(api_devices_routes[0]);
