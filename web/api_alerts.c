/* SPDX-License-Identifier: ISC */
/*
 * \summary: alert endpoints: the backlog, definitions, custom alerts
 *
 * The core keeps the definitions and the backlog (daemon/alerts/alerts.h); the
 * alert engine raises its alerts there, and so do external tools through
 * raise_alerts.cmd once they have defined theirs with define_alert.cmd.
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
#include "pcapng.h"
#include "web.h"
#include "xmalloc.h"

static void
api_alerts_since(struct http_call *call, const char *ts, bool all)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	/* Kismet's all_alerts is the list; last-time wraps it with a time. */
	if (all)
		f->unwrap = "kismet.alert.list";
	else
		f->unwrap_lines = "kismet.alert.list";
	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, BRIDGE_SYS_ALERTS, ts);
}

static void
api_alerts_last_time(struct http_call *call)
{
	api_alerts_since(call, http_call_arg(call, 0), false);
}

static void
api_alerts_all(struct http_call *call)
{
	api_alerts_since(call, "0", true);
}

static void
api_alerts_by_id(struct http_call *call)
{
	const char *id = http_call_arg(call, 0);
	struct api_fwd *f;

	if (id == NULL || *id == '\0' || strlen(id) > 15 ||
	    strspn(id, "0123456789") != strlen(id) || id[0] == '0') {
		http_reply_error(call, 404, "no such alert");
		return;
	}
	f = api_fwd_new(call, 0);
	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, BRIDGE_SYS_ALERT_BY_ID, id);
}

/* /alerts/by-id/ID/packets.pcapng: the frame that raised the alert. */
struct api_alert_pcap {
	struct http_call	*call;
	struct web		*web;
	uint32_t		 seq;
};

static const msgpack_object *
api_alerts_member(const msgpack_object *o, const char *key)
{
	size_t n = strlen(key);
	uint32_t i;

	if (o == NULL || o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < o->via.map.size; i++)
		if (o->via.map.ptr[i].key.type == MSGPACK_OBJECT_STR &&
		    o->via.map.ptr[i].key.via.str.size == n &&
		    memcmp(o->via.map.ptr[i].key.via.str.ptr, key, n) == 0)
			return &o->via.map.ptr[i].val;
	return NULL;
}

static int
api_alerts_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A pcapng of one frame: section, one interface of the frame's link
 * type, the frame at the alert's time.  Returns the length or -errno.
 */
static ssize_t
api_alerts_pcapng(const msgpack_object *alert, uint8_t **ret)
{
	const msgpack_object *pkt, *dlt, *hex, *ts;
	uint8_t *frame, *buf;
	size_t n, i, cap;
	ssize_t a, b, c;
	double t;
	int hi, lo;

	pkt = api_alerts_member(alert, "osprey.alert.packet");
	dlt = api_alerts_member(pkt, "osprey.alert.packet.dlt");
	hex = api_alerts_member(pkt, "osprey.alert.packet.data");
	ts = api_alerts_member(alert, "kismet.alert.timestamp");
	if (dlt == NULL || dlt->type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    dlt->via.u64 > UINT16_MAX || hex == NULL ||
	    hex->type != MSGPACK_OBJECT_STR || hex->via.str.size % 2 != 0 ||
	    hex->via.str.size == 0)
		return -ENOENT;
	n = hex->via.str.size / 2;
	frame = xmalloc(n);
	for (i = 0; i < n; i++) {
		hi = api_alerts_hexval(hex->via.str.ptr[2 * i]);
		lo = api_alerts_hexval(hex->via.str.ptr[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(frame);
			return -EBADMSG;
		}
		frame[i] = (uint8_t)(hi << 4 | lo);
	}
	t = ts != NULL && ts->type == MSGPACK_OBJECT_FLOAT64 &&
	    ts->via.f64 > 0 ? ts->via.f64 : 0;
	cap = 256 + pcapng_epb_len(n);
	buf = xmalloc(cap);
	if ((a = pcapng_write_shb(buf, cap, "osprey")) < 0 ||
	    (b = pcapng_write_idb(buf + a, cap - (size_t)a,
	    (uint16_t)dlt->via.u64, 65535, "alert", NULL)) < 0 ||
	    (c = pcapng_write_epb(buf + a + b, cap - (size_t)(a + b), 0,
	    (uint64_t)(t * 1e6), frame, n, n)) < 0) {
		free(frame);
		free(buf);
		return -EINVAL;
	}
	free(frame);
	*ret = buf;
	return a + b + c;
}

static void
api_alerts_pcap_gone(struct http_call *call, void *arg)
{
	struct api_alert_pcap *x = arg;

	core_forget(x->web->core, x->seq);
	free(x);
}

static void
api_alerts_pcap_cb(const struct bridge_msg *m, void *arg)
{
	struct api_alert_pcap *x = arg;
	struct evbuffer *body;
	uint8_t *buf = NULL;
	ssize_t n;

	http_call_on_gone(x->call, NULL, NULL);
	if (m->hdr.type == BRIDGE_ERROR)
		http_reply_error(x->call, (int)m->u.error.status,
		    m->u.error.reason);
	else if (m->hdr.type == BRIDGE_SOURCES_REPLY ||
	    (n = api_alerts_pcapng(m->u.object.obj, &buf)) < 0)
		http_reply_error(x->call, 404, "the alert kept no frame");
	else if ((body = evbuffer_new()) == NULL ||
	    evbuffer_add(body, buf, (size_t)n) != 0) {
		if (body != NULL)
			evbuffer_free(body);
		http_reply_error(x->call, 500, "out of memory");
	} else {
		http_reply(x->call, 200, format_mime(FORMAT_PCAPNG), body);
		evbuffer_free(body);
	}
	free(buf);
	free(x);
}

static void
api_alerts_packets(struct http_call *call)
{
	struct bridge_system_req r = { BRIDGE_SYS_ALERT_BY_ID, true, 0 };
	const char *id = http_call_arg(call, 0);
	struct api_alert_pcap *x;
	uint32_t seq;
	int rc;

	if (id == NULL || *id == '\0' || strlen(id) > 15 ||
	    strspn(id, "0123456789") != strlen(id) || id[0] == '0') {
		http_reply_error(call, 404, "no such alert");
		return;
	}
	r.since = strtod(id, NULL);
	x = xcalloc(1, sizeof(*x));
	x->call = call;
	x->web = http_call_ctx(call);
	if ((rc = core_system(x->web->core, &r, api_alerts_pcap_cb, x,
	    &seq)) != 0) {
		http_reply_error(call, rc == -ENOTCONN ? 503 : 500,
		    "could not ask the core");
		free(x);
		return;
	}
	x->seq = seq;
	http_call_on_gone(call, api_alerts_pcap_gone, x);
}

static void
api_alerts_definitions(struct http_call *call)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, BRIDGE_SYS_ALERT_DEFS, NULL);
}

/*
 * A string member of the command, or NULL; a member that is there and
 * not a string (or a number, for channels) is an error.
 */
static int
api_alerts_str(yajl_val root, const char *name, char *buf, size_t len,
    const char **ret)
{
	const char *path[] = { name, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);

	*ret = NULL;
	if (v == NULL)
		return 0;
	if (YAJL_IS_STRING(v)) {
		*ret = v->u.string;
		return 0;
	}
	if (YAJL_IS_INTEGER(v)) {
		snprintf(buf, len, "%lld", YAJL_GET_INTEGER(v));
		*ret = buf;
		return 0;
	}
	return -1;
}

static void
api_alerts_send(struct http_call *call, const struct bridge_cmd *c)
{
	struct web *w = http_call_ctx(call);
	struct api_fwd *f = api_fwd_new(call, 0);
	uint32_t seq;
	int rc;

	if ((rc = core_cmd(w->core, c, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

/* Read the command's members into c; 0 or answered 400. */
static int
api_alerts_read(struct http_call *call, struct bridge_cmd *c,
    const char *const *names, const char **const *dst, size_t n,
    char (*bufs)[32])
{
	char err[256] = "";
	yajl_val root;
	size_t i;

	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return -1;
	}
	if (root == NULL || !YAJL_IS_OBJECT(root)) {
		http_reply_error(call, 400, "the command must be a JSON "
		    "object");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (api_alerts_str(root, names[i], bufs[i], sizeof(bufs[i]),
		    dst[i]) != 0) {
			snprintf(err, sizeof(err), "\"%s\" must be a string",
			    names[i]);
			http_reply_error(call, 400, err);
			return -1;
		}
	return 0;
}

static void
api_define_alert(struct http_call *call)
{
	static const char *const names[] = { "name", "description",
	    "phyname", "throttle", "burst" };
	struct bridge_cmd c;
	const char **dst[5] = { &c.name, &c.value, &c.phyname, &c.throttle,
	    &c.burst };
	char bufs[5][32];

	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_CMD_DEFINE_ALERT;
	if (api_alerts_read(call, &c, names, dst, 5, bufs) != 0)
		return;
	if (c.name == NULL || c.value == NULL) {
		http_reply_error(call, 400, "expected {\"name\": NAME, "
		    "\"description\": TEXT}, and optionally \"phyname\", "
		    "\"throttle\" and \"burst\" (\"10/min\")");
		return;
	}
	api_alerts_send(call, &c);
}

static void
api_raise_alert(struct http_call *call)
{
	static const char *const names[] = { "name", "text", "bssid",
	    "source", "dest", "other", "channel" };
	struct bridge_cmd c;
	const char **dst[7] = { &c.name, &c.value, &c.bssid, &c.source,
	    &c.dest, &c.other, &c.channel };
	char bufs[7][32];

	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_CMD_RAISE_ALERT;
	if (api_alerts_read(call, &c, names, dst, 7, bufs) != 0)
		return;
	if (c.name == NULL || c.value == NULL) {
		http_reply_error(call, 400, "expected {\"name\": NAME, "
		    "\"text\": TEXT}, and optionally \"bssid\", \"source\", "
		    "\"dest\", \"other\" (MACs) and \"channel\"");
		return;
	}
	api_alerts_send(call, &c);
}

#define API_GP		(HTTP_M_GET | HTTP_M_POST)
#define API_CMD		(HTTP_F(FORMAT_CMD) | HTTP_F_DATA)

const struct http_route api_alerts_routes[] = {
	{ "/alerts/all_alerts.@", API_GP, HTTP_F_DATA, false,
	    api_alerts_all },
	{ "/alerts/last-time/*/alerts.@", API_GP, HTTP_F_DATA, false,
	    api_alerts_last_time },
	{ "/alerts/wrapped/last-time/*/alerts.@", API_GP, HTTP_F_DATA, false,
	    api_alerts_last_time },
	{ "/alerts/by-id/*/alert.@", API_GP, HTTP_F_DATA, false,
	    api_alerts_by_id },
	{ "/alerts/by-id/*/packets.@", HTTP_M_GET, HTTP_F(FORMAT_PCAPNG),
	    false, api_alerts_packets },
	{ "/alerts/definitions.@", API_GP, HTTP_F_DATA, false,
	    api_alerts_definitions },
	{ "/alerts/definitions/define_alert.@", HTTP_M_POST, API_CMD, false,
	    api_define_alert },
	{ "/alerts/raise_alerts.@", HTTP_M_POST, API_CMD, false,
	    api_raise_alert },
};

const size_t api_alerts_nroutes = sizeof(api_alerts_routes) /
    sizeof(api_alerts_routes[0]);
