/* SPDX-License-Identifier: ISC */
/*
 * \summary: system endpoints: time, login checks, status, messages, plugins
 *
 * What the web worker knows itself (the clock, the login, plugins, its
 * streams, static files) it answers at once; the rest (status, messages,
 * alerts, channels, GPS) it asks the core for over the bridge.
 */

#include <sys/time.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "args.h"
#include "bridge.h"
#include "core.h"
#include "fields.h"
#include "files.h"
#include "http.h"
#include "log.h"
#include "pcapstream.h"
#include "plugins.h"
#include "web.h"
#include "xmalloc.h"

int
api_parse_ts(const char *s, double *ret)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return args_ts(s, (double)tv.tv_sec + tv.tv_usec / 1e6, ret);
}

void
api_core_error(struct http_call *call, int rc)
{
	if (rc == -ENOTCONN)
		http_reply_error(call, 503, "the core is not connected");
	else if (rc == -EMSGSIZE)
		http_reply_error(call, 413, "request too large for the core");
	else
		http_reply_error(call, 500, "could not ask the core");
}

static void
api_fwd_free(struct api_fwd *f)
{
	fields_free(f->fields);
	free(f);
}

static void
api_fwd_gone_cb(struct http_call *call, void *arg)
{
	struct api_fwd *f = arg;

	core_forget(f->web->core, f->seq);
	api_fwd_free(f);
}

struct api_fwd *
api_fwd_new(struct http_call *call, int single)
{
	struct api_fwd *f = xcalloc(1, sizeof(*f));

	f->call = call;
	f->web = http_call_ctx(call);
	f->single = single;
	return f;
}

void
api_fwd_fail(struct api_fwd *f, int rc)
{
	api_core_error(f->call, rc);
	api_fwd_free(f);
}

int
api_fwd_fields(struct api_fwd *f)
{
	struct fields_regex *rx = NULL;
	char err[256] = "";
	yajl_val root;

	if (http_call_json(f->call, &root, err, sizeof(err)) != 0 ||
	    fields_parse_request(root, &f->fields, &rx, err,
	    sizeof(err)) != 0) {
		http_reply_error(f->call, 400, err);
		api_fwd_free(f);
		return -EINVAL;
	}
	fields_regex_free(rx);
	return 0;
}

/* The member key of map o, or NULL. */
static const msgpack_object *
api_fwd_member(const msgpack_object *o, const char *key)
{
	size_t n = strlen(key);
	uint32_t i;

	if (o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < o->via.map.size; i++)
		if (o->via.map.ptr[i].key.type == MSGPACK_OBJECT_STR &&
		    o->via.map.ptr[i].key.via.str.size == n &&
		    memcmp(o->via.map.ptr[i].key.via.str.ptr, key, n) == 0)
			return &o->via.map.ptr[i].val;
	return NULL;
}

/*
 * o simplified by f's fields into out (memory from z): a map as a
 * record, a list record by record, and Kismet's wrapper (a map holding
 * the list f->unwrap_lines names) by simplifying the records in it.
 */
static void
api_fwd_simplify(const struct api_fwd *f, const msgpack_object *o,
    msgpack_zone *z, msgpack_object *out)
{
	const msgpack_object *inner;
	msgpack_object_kv *kv;
	msgpack_object *v;
	uint32_t i;

	*out = *o;
	if (o->type == MSGPACK_OBJECT_ARRAY) {
		v = msgpack_zone_malloc(z, (o->via.array.size + 1) *
		    sizeof(*v));
		if (v == NULL)
			fatalx("out of memory");
		for (i = 0; i < o->via.array.size; i++)
			if (o->via.array.ptr[i].type != MSGPACK_OBJECT_MAP)
				v[i] = o->via.array.ptr[i];
			else if (fields_apply(f->fields, &o->via.array.ptr[i],
			    z, &v[i]) != 0)
				fatalx("out of memory");
		out->via.array.ptr = v;
		return;
	}
	if (o->type != MSGPACK_OBJECT_MAP)
		return;
	if (f->unwrap_lines == NULL || (inner = api_fwd_member(o,
	    f->unwrap_lines)) == NULL || inner->type != MSGPACK_OBJECT_ARRAY) {
		if (fields_apply(f->fields, o, z, out) != 0)
			fatalx("out of memory");
		return;
	}
	kv = msgpack_zone_malloc(z, (o->via.map.size + 1) * sizeof(*kv));
	if (kv == NULL)
		fatalx("out of memory");
	for (i = 0; i < o->via.map.size; i++) {
		kv[i] = o->via.map.ptr[i];
		if (&o->via.map.ptr[i].val == inner)
			api_fwd_simplify(f, inner, z, &kv[i].val);
	}
	out->via.map.ptr = kv;
}

/* Answer o, simplified by f's fields when there are any. */
static void
api_fwd_answer(struct api_fwd *f, const msgpack_object *o)
{
	msgpack_object out;
	msgpack_zone *z;

	if (f->fields == NULL) {
		http_reply_object(f->call, 200, o);
		return;
	}
	if ((z = msgpack_zone_new(4096)) == NULL)
		fatalx("out of memory");
	api_fwd_simplify(f, o, z, &out);
	http_reply_object(f->call, 200, &out);
	msgpack_zone_free(z);
}

void
api_fwd_cb(const struct bridge_msg *m, void *arg)
{
	struct api_fwd *f = arg;
	struct http_call *call = f->call;
	const msgpack_object *o, *inner;
	msgpack_object list;

	http_call_on_gone(call, NULL, NULL);
	if (m->hdr.type == BRIDGE_ERROR) {
		http_reply_error(call, (int)m->u.error.status,
		    m->u.error.reason);
		api_fwd_free(f);
		return;
	}
	if (m->hdr.type != BRIDGE_SOURCES_REPLY) {
		o = m->u.object.obj;
		if (f->unwrap != NULL)
			inner = api_fwd_member(o, f->unwrap);
		else if (f->unwrap_lines != NULL &&
		    format_is_lines(http_call_format(call)))
			inner = api_fwd_member(o, f->unwrap_lines);
		else
			inner = o;
		api_fwd_answer(f, inner != NULL ? inner : o);
		api_fwd_free(f);
		return;
	}
	if (f->single) {
		if (m->u.records.count == 0)
			http_reply_error(call, 404, "no such datasource");
		else
			api_fwd_answer(f, &m->u.records.records[0]);
		api_fwd_free(f);
		return;
	}
	list.type = MSGPACK_OBJECT_ARRAY;
	list.via.array.size = (uint32_t)m->u.records.count;
	list.via.array.ptr = (msgpack_object *)m->u.records.records;
	api_fwd_answer(f, &list);
	api_fwd_free(f);
}

void
api_fwd_watch(struct api_fwd *f)
{
	http_call_on_gone(f->call, api_fwd_gone_cb, f);
}

void
api_fwd_system(struct api_fwd *f, uint32_t what, const char *ts)
{
	struct bridge_system_req r = { what, false, 0 };
	uint32_t seq;
	int rc;

	if (ts != NULL) {
		if (api_parse_ts(ts, &r.since) != 0) {
			http_reply_error(f->call, 400, "bad timestamp");
			api_fwd_free(f);
			return;
		}
		r.has_since = true;
	}
	if ((rc = core_system(f->web->core, &r, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

/* A GET or POST of an object: POST may carry {"fields": [...]}. */
static void
api_system_forward(struct http_call *call, uint32_t what, const char *ts)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, what, ts);
}

static void
api_status(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_STATUS, NULL);
}

static void
api_messages_common(struct http_call *call, const char *ts, bool all)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	/* all_messages is last-time's list; line formats unwrap it too. */
	if (all)
		f->unwrap = "kismet.messagebus.list";
	else
		f->unwrap_lines = "kismet.messagebus.list";
	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, BRIDGE_SYS_MESSAGES, ts);
}

static void
api_messages(struct http_call *call)
{
	api_messages_common(call, http_call_arg(call, 0), false);
}

static void
api_all_messages(struct http_call *call)
{
	api_messages_common(call, "0", true);
}

static void
api_log_drivers(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_LOG_DRIVERS, NULL);
}

static void
api_log_active(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_LOG_ACTIVE, NULL);
}

static void
api_channels(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_CHANNELS, NULL);
}

/* Answer what a packer wrote into sb, in the call's format. */
static void
api_reply_sbuf(struct http_call *call, msgpack_sbuffer *sb)
{
	http_reply_packed(call, 200, sb->data, sb->size);
	msgpack_sbuffer_destroy(sb);
}

static void
api_timestamp(struct http_call *call)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_u64(&pk, "kismet.system.timestamp.sec",
	    (uint64_t)tv.tv_sec);
	bridge_pack_kv_u64(&pk, "kismet.system.timestamp.usec",
	    (uint64_t)tv.tv_usec);
	api_reply_sbuf(call, &sb);
}

/*
 * check_login and check_session differ in Kismet only in whether a
 * session cookie counts; here a valid cookie or Basic login answers 200
 * for both.
 */
static void
api_check_login(struct http_call *call)
{
	struct evbuffer *b;

	if (!http_call_authed(call)) {
		http_reply_error(call, 401, "login not valid");
		return;
	}
	b = evbuffer_new();
	evbuffer_add_printf(b, "{\"status\": 200, \"message\": "
	    "\"login valid\"}\n");
	http_reply(call, 200, "application/json", b);
	evbuffer_free(b);
}

/*
 * Kismet's first-run check: a login must be set before anything works.
 * osprey always has one (configured, or generated at the first start).
 */
static void
api_setup_ok(struct http_call *call)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add_printf(b, "{\"status\": 200, \"message\": "
	    "\"a login is set\"}\n");
	http_reply(call, 200, "application/json", b);
	evbuffer_free(b);
}

static void
api_user_status(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	/* Who the server runs as is for logged-in users only. */
	if (!http_call_authed(call)) {
		msgpack_pack_map(&pk, 1);
		bridge_pack_kv_bool(&pk, "osprey.session.logged_in", false);
		api_reply_sbuf(call, &sb);
		return;
	}
	msgpack_pack_map(&pk, 4);
	bridge_pack_kv_str(&pk, "kismet.system.user", w->user_name);
	bridge_pack_kv_u64(&pk, "kismet.system.uid", getuid());
	bridge_pack_kv_u64(&pk, "kismet.system.gid", getgid());
	bridge_pack_kv_bool(&pk, "osprey.session.logged_in", true);
	api_reply_sbuf(call, &sb);
}

static void
api_all_plugins(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	plugins_pack(&w->plugins, &pk);
	api_reply_sbuf(call, &sb);
}

static void
api_all_streams(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	pcapstreams_pack(w->streams, &pk);
	api_reply_sbuf(call, &sb);
}

/* A stream id from the path, or -1. */
static int64_t
api_stream_id(struct http_call *call)
{
	const char *s = http_call_arg(call, 0);
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 ||
	    v > INT64_MAX)
		return -1;
	return (int64_t)v;
}

/* One stream of all_streams, found by its kismet.stream.id. */
static void
api_stream_info(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	const msgpack_object *id;
	int64_t want = api_stream_id(call);
	uint32_t i;
	size_t off = 0;
	bool found = false;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	pcapstreams_pack(w->streams, &pk);
	msgpack_unpacked_init(&u);
	if (want >= 0 && msgpack_unpack_next(&u, sb.data, sb.size, &off) ==
	    MSGPACK_UNPACK_SUCCESS && u.data.type == MSGPACK_OBJECT_ARRAY)
		for (i = 0; i < u.data.via.array.size && !found; i++) {
			id = fields_lookup(&u.data.via.array.ptr[i],
			    "kismet.stream.id");
			if (id != NULL &&
			    id->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
			    id->via.u64 == (uint64_t)want) {
				http_reply_object(call, 200,
				    &u.data.via.array.ptr[i]);
				found = true;
			}
		}
	if (!found)
		http_reply_error(call, 404, "no such stream");
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
}

static void
api_stream_close(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	struct evbuffer *b;
	int64_t id = api_stream_id(call);

	if (id < 0 || pcapstreams_close(w->streams, (uint64_t)id) != 0) {
		http_reply_error(call, 404, "no such stream");
		return;
	}
	b = evbuffer_new();
	evbuffer_add_printf(b, "{\"status\": 200, \"message\": "
	    "\"stream closed\"}\n");
	http_reply(call, 200, "application/json", b);
	evbuffer_free(b);
}

static void
api_dynamic_js(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	struct evbuffer *b = evbuffer_new();

	plugins_dynamic_js(&w->plugins, b);
	http_reply(call, 200, format_mime(FORMAT_JS), b);
	evbuffer_free(b);
}

/* Send the file rel under rootfd; 0, or files_open's error (not sent). */
static int
api_send_file(struct http_call *call, int rootfd, const char *rel)
{
	struct evbuffer *b;
	struct stat st;
	int fd, rc;

	if (rootfd < 0)
		return -ENOENT;
	if ((rc = files_open(rootfd, rel, strlen(rel), &fd, &st)) != 0)
		return rc;
	b = evbuffer_new();
	/* evbuffer_add_file takes the descriptor. */
	if (evbuffer_add_file(b, fd, 0, st.st_size) != 0) {
		close(fd);
		evbuffer_free(b);
		return -EIO;
	}
	http_reply(call, 200, files_mime(rel[0] != '\0' &&
	    rel[strlen(rel) - 1] != '/' ? rel : "index.html"), b);
	evbuffer_free(b);
	return 0;
}

static void
api_file_error(struct http_call *call, int rc)
{
	if (rc == -EACCES)
		http_reply_error(call, 403, "forbidden");
	else if (rc == -ENAMETOOLONG)
		http_reply_error(call, 414, "path too long");
	else
		http_reply_error(call, 404, "no such file");
}

static void
api_plugin_file(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	const char *name = http_call_arg(call, 0);
	const struct plugin *p;
	char *rel;
	size_t n = 0;
	int rc;

	p = plugins_find(&w->plugins, name, strlen(name));
	if (p == NULL) {
		http_reply_error(call, 404, "no such plugin");
		return;
	}
	/* The rest of the path is still encoded: "%2e%2e" decodes here. */
	rel = evhttp_uridecode(http_call_arg(call, 1), 0, &n);
	if (rel == NULL || strlen(rel) != n) {
		free(rel);
		http_reply_error(call, 400, "malformed path");
		return;
	}
	rc = api_send_file(call, p->httpd_fd, rel);
	free(rel);
	if (rc != 0)
		api_file_error(call, rc);
}

void
api_system_static(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	const char *rel = http_call_path(call);
	int rc;

	while (*rel == '/')
		rel++;
	rc = api_send_file(call, w->user_home_fd, rel);
	if (rc == -ENOENT)
		rc = api_send_file(call, w->home_fd, rel);
	if (rc != 0)
		api_file_error(call, rc);
}

const struct http_route api_system_routes[] = {
	{ "/system/timestamp.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_timestamp },
	{ "/system/status.@", HTTP_M_GET | HTTP_M_POST, HTTP_F_DATA, false,
	    api_status },
	{ "/system/user_status.@", HTTP_M_GET, HTTP_F_DATA, true,
	    api_user_status },
	{ "/session/check_login", HTTP_M_GET | HTTP_M_POST, 0, true,
	    api_check_login },
	{ "/session/check_session", HTTP_M_GET | HTTP_M_POST, 0, true,
	    api_check_login },
	{ "/session/check_setup_ok", HTTP_M_GET, 0, true, api_setup_ok },
	{ "/dynamic.@", HTTP_M_GET, HTTP_F(FORMAT_JS), true, api_dynamic_js },
	{ "/plugins/all_plugins.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_all_plugins },
	{ "/plugin/*/**", HTTP_M_GET, 0, true, api_plugin_file },
	{ "/messagebus/last-time/*/messages.@", HTTP_M_GET | HTTP_M_POST,
	    HTTP_F_DATA, false, api_messages },
	{ "/messagebus/all_messages.@", HTTP_M_GET | HTTP_M_POST, HTTP_F_DATA,
	    false, api_all_messages },
	{ "/channels/channels.@", HTTP_M_GET | HTTP_M_POST, HTTP_F_DATA,
	    false, api_channels },
	{ "/logging/drivers.@", HTTP_M_GET | HTTP_M_POST, HTTP_F_DATA, false,
	    api_log_drivers },
	{ "/logging/active.@", HTTP_M_GET | HTTP_M_POST, HTTP_F_DATA, false,
	    api_log_active },
	{ "/streams/all_streams.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_all_streams },
	{ "/streams/by-id/*/stream_info.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_stream_info },
	{ "/streams/by-id/*/close_stream.@", HTTP_M_GET | HTTP_M_POST,
	    HTTP_F(FORMAT_CMD) | HTTP_F_DATA, false, api_stream_close },
};

const size_t api_system_nroutes = sizeof(api_system_routes) /
    sizeof(api_system_routes[0]);
