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
#include <math.h>
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
#include "files.h"
#include "http.h"
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
api_fwd_gone_cb(struct http_call *call, void *arg)
{
	struct api_fwd *f = arg;

	core_forget(f->web->core, f->seq);
	free(f);
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
	free(f);
}

void
api_fwd_cb(const struct bridge_msg *m, void *arg)
{
	struct api_fwd *f = arg;
	struct http_call *call = f->call;
	msgpack_object list;
	int single = f->single;

	free(f);
	http_call_on_gone(call, NULL, NULL);
	if (m->hdr.type == BRIDGE_ERROR) {
		http_reply_error(call, (int)m->u.error.status,
		    m->u.error.reason);
		return;
	}
	if (m->hdr.type != BRIDGE_SOURCES_REPLY) {
		http_reply_object(call, 200, m->u.object.obj);
		return;
	}
	if (single) {
		if (m->u.records.count == 0)
			http_reply_error(call, 404, "no such datasource");
		else
			http_reply_object(call, 200, &m->u.records.records[0]);
		return;
	}
	list.type = MSGPACK_OBJECT_ARRAY;
	list.via.array.size = (uint32_t)m->u.records.count;
	list.via.array.ptr = (msgpack_object *)m->u.records.records;
	http_reply_object(call, 200, &list);
}

void
api_fwd_watch(struct api_fwd *f)
{
	http_call_on_gone(f->call, api_fwd_gone_cb, f);
}

static void
api_system_forward(struct http_call *call, uint32_t what, const char *ts)
{
	struct web *w = http_call_ctx(call);
	struct bridge_system_req r = { what, false, 0 };
	struct api_fwd *f;
	uint32_t seq;
	int rc;

	if (ts != NULL) {
		if (api_parse_ts(ts, &r.since) != 0) {
			http_reply_error(call, 400, "bad timestamp");
			return;
		}
		r.has_since = true;
	}
	f = api_fwd_new(call, 0);
	if ((rc = core_system(w->core, &r, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

static void
api_status(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_STATUS, NULL);
}

static void
api_messages(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_MESSAGES, http_call_arg(call, 0));
}

static void
api_alerts(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_ALERTS, http_call_arg(call, 0));
}

static void
api_channels(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_CHANNELS, NULL);
}

static void
api_gps(struct http_call *call)
{
	api_system_forward(call, BRIDGE_SYS_GPS, NULL);
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
	{ "/system/status.@", HTTP_M_GET, HTTP_F_DATA, false, api_status },
	{ "/system/user_status.@", HTTP_M_GET, HTTP_F_DATA, true,
	    api_user_status },
	{ "/session/check_login", HTTP_M_GET | HTTP_M_POST, 0, true,
	    api_check_login },
	{ "/dynamic.@", HTTP_M_GET, HTTP_F(FORMAT_JS), true, api_dynamic_js },
	{ "/plugins/all_plugins.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_all_plugins },
	{ "/plugin/*/**", HTTP_M_GET, 0, true, api_plugin_file },
	{ "/messagebus/last-time/*/messages.@", HTTP_M_GET, HTTP_F_DATA,
	    false, api_messages },
	{ "/alerts/last-time/*/alerts.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_alerts },
	{ "/channels/channels.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_channels },
	{ "/gps/location.@", HTTP_M_GET, HTTP_F_DATA, false, api_gps },
	{ "/streams/all_streams.@", HTTP_M_GET, HTTP_F_DATA, false,
	    api_all_streams },
};

const size_t api_system_nroutes = sizeof(api_system_routes) /
    sizeof(api_system_routes[0]);
