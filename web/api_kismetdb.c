/* SPDX-License-Identifier: ISC */
/*
 * \summary: /logging/kismetdb/pcap/TITLE.pcapng: the kismetdb log's
 * packets as pcapng, filtered as Kismet filters them
 *
 * The web worker cannot open a file; the core's kismetdb writer reads
 * its own log and the core relays the pcapng a chunk at a time
 * (doc/kismetdb.md, "Export").  The next chunk is asked for while less
 * than KX_AHEAD bytes wait for the client, else once they have gone, so
 * a slow client holds back only its own export, and at most KX_AHEAD
 * and a chunk are ever held for it.  The filter comes as query
 * variables (GET) or as a JSON command (POST), at its top level or
 * under "filter", Kismet's keys either way.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "bridge.h"
#include "core.h"
#include "format.h"
#include "http.h"
#include "log.h"
#include "web.h"
#include "xmalloc.h"

#define KX_AHEAD	(1024 * 1024)
#define KX_SUFFIX	".pcapng"

/* Kismet's filter keys; others are ignored. */
static const char *const kx_keys[] = {
	"timestamp_start", "timestamp_end", "datasource", "device_id", "dlt",
	"frequency", "frequency_min", "frequency_max", "signal_min",
	"signal_max", "address_source", "address_dest", "address_trans",
	"location_lat_min", "location_lat_max", "location_lon_min",
	"location_lon_max", "size_min", "size_max", "tag", "limit", NULL,
};

struct kx {
	struct http_call	*call;
	struct web		*web;
	uint32_t		 seq;
	bool			 started;
};

static void
kx_gone_cb(struct http_call *call, void *arg)
{
	struct kx *x = arg;

	core_forget(x->web->core, x->seq);
	free(x);
}

static void
kx_more_cb(struct http_call *call, void *arg)
{
	struct kx *x = arg;

	if (core_kismetdb_more(x->web->core, x->seq) != 0)
		log_debug("kismetdb export %u: could not ask for more",
		    x->seq);
}

static void
kx_cb(const struct bridge_msg *m, void *arg)
{
	struct kx *x = arg;
	struct evbuffer *b;

	switch (m->hdr.type) {
	case BRIDGE_KISMETDB_DATA:
		if (!x->started) {
			http_stream_start(x->call, format_mime(FORMAT_PCAPNG));
			x->started = true;
		}
		if ((b = evbuffer_new()) == NULL)
			fatalx("out of memory");
		evbuffer_add(b, m->u.bytes.data, m->u.bytes.len);
		if (http_stream_pending(x->call) + m->u.bytes.len < KX_AHEAD) {
			http_stream_chunk(x->call, b, NULL, NULL);
			kx_more_cb(x->call, x);
		} else
			http_stream_chunk(x->call, b, kx_more_cb, x);
		evbuffer_free(b);
		return;
	case BRIDGE_KISMETDB_END:
		http_call_on_gone(x->call, NULL, NULL);
		http_stream_end(x->call);
		break;
	default:
		/* An error: its status while nothing went out, else the
		 * stream stops short. */
		http_call_on_gone(x->call, NULL, NULL);
		if (x->started)
			http_stream_end(x->call);
		else
			http_reply_error(x->call, (int)m->u.error.status,
			    m->u.error.reason != NULL ? m->u.error.reason :
			    "export failed");
		break;
	}
	free(x);
}

/* A JSON value as the text the filter takes; NULL if neither kind. */
static char *
kx_json_value(yajl_val v)
{
	if (YAJL_IS_STRING(v))
		return xstrdup(YAJL_GET_STRING(v));
	if (YAJL_IS_NUMBER(v) && YAJL_GET_NUMBER(v) != NULL)
		return xstrdup(YAJL_GET_NUMBER(v));
	return NULL;
}

static void
api_kismetdb_pcap(struct http_call *call)
{
	const char *title = http_call_arg(call, 0), *q;
	const char *path[] = { NULL, NULL }, *fpath[] = { "filter", NULL,
	    NULL };
	const char *keys[sizeof(kx_keys) / sizeof(kx_keys[0])];
	char *values[sizeof(kx_keys) / sizeof(kx_keys[0])], err[256] = "";
	struct bridge_kismetdb_req r;
	yajl_val root = NULL, v;
	struct kx *x;
	size_t i, n = 0, tl, sl = strlen(KX_SUFFIX);
	int rc;

	tl = title != NULL ? strlen(title) : 0;
	if (tl <= sl || strcmp(title + tl - sl, KX_SUFFIX) != 0) {
		http_reply_error(call, 404, "no such format here");
		return;
	}
	if (http_call_is_post(call) &&
	    http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	for (i = 0; kx_keys[i] != NULL; i++) {
		values[n] = NULL;
		path[0] = fpath[1] = kx_keys[i];
		if (root != NULL && ((v = yajl_tree_get(root, fpath,
		    yajl_t_any)) != NULL || (v = yajl_tree_get(root, path,
		    yajl_t_any)) != NULL))
			values[n] = kx_json_value(v);
		else if ((q = http_call_query(call, kx_keys[i])) != NULL)
			values[n] = xstrdup(q);
		if (values[n] != NULL)
			keys[n++] = kx_keys[i];
	}
	memset(&r, 0, sizeof(r));
	r.keys = keys;
	r.values = (const char **)values;
	r.count = n;
	x = xcalloc(1, sizeof(*x));
	x->call = call;
	x->web = http_call_ctx(call);
	rc = core_kismetdb(x->web->core, &r, kx_cb, x, &x->seq);
	for (i = 0; i < n; i++)
		free(values[i]);
	if (rc != 0) {
		free(x);
		api_core_error(call, rc);
		return;
	}
	http_call_on_gone(call, kx_gone_cb, x);
}

const struct http_route api_kismetdb_routes[] = {
	{ "/logging/kismetdb/pcap/*", HTTP_M_GET | HTTP_M_POST, 0, false,
	    api_kismetdb_pcap },
};

const size_t api_kismetdb_nroutes = sizeof(api_kismetdb_routes) /
    sizeof(api_kismetdb_routes[0]);
