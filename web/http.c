/* SPDX-License-Identifier: ISC */
/* \summary: the HTTP server: evhttp, caps, routes, login gate, replies */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include "args.h"
#include "auth.h"
#include "conn.h"
#include "http.h"
#include "log.h"
#include "route.h"
#include "xmalloc.h"

/* Loop turns http_free gives libevent to finalize connections. */
#define HTTP_FREE_TURNS		8
/* Deepest JSON nesting a command may use. */
#define HTTP_JSON_DEPTH		64

static void	http_dispatch(struct http_call *);

uint64_t
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The reason phrase of every status the worker sends (RFC 9110 section
 * 15); the core may relay any 4xx or 5xx, which gets its class's name.
 */
const char *
http_reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: break;
	}
	if (code >= 400 && code < 500)
		return "Client Error";
	if (code >= 500 && code < 600)
		return "Server Error";
	return "OK";
}

/* Calls */

void
http_call_free(struct http_call *call)
{
	if (call->conn != NULL)
		TAILQ_REMOVE(&call->conn->calls, call, entry);
	route_args_clear(&call->ra);
	free(call->path);
	if (call->query_parsed)
		evhttp_clear_headers(&call->query);
	if (call->json != NULL)
		yajl_tree_free(call->json);
	if (call->wait != NULL)
		event_free(call->wait);
	free(call);
}

void *
http_call_ctx(const struct http_call *call)
{
	return call->http->ctx;
}

enum format
http_call_format(const struct http_call *call)
{
	return call->ra.fmt;
}

const char *
http_call_path(const struct http_call *call)
{
	return call->path;
}

const char *
http_call_arg(const struct http_call *call, size_t i)
{
	return i < call->ra.nargs ? call->ra.args[i] : NULL;
}

size_t
http_call_nargs(const struct http_call *call)
{
	return call->ra.nargs;
}

bool
http_call_is_post(const struct http_call *call)
{
	return call->req != NULL &&
	    evhttp_request_get_command(call->req) == EVHTTP_REQ_POST;
}

bool
http_call_is_head(const struct http_call *call)
{
	return call->req != NULL &&
	    evhttp_request_get_command(call->req) == EVHTTP_REQ_HEAD;
}

bool
http_call_authed(const struct http_call *call)
{
	return call->authed;
}

const char *
http_call_peer(const struct http_call *call)
{
	return call->peer;
}

void
http_call_on_gone(struct http_call *call,
    void (*cb)(struct http_call *, void *), void *arg)
{
	call->on_gone = cb;
	call->on_gone_arg = arg;
}

const char *
http_call_query(struct http_call *call, const char *name)
{
	const char *q;

	if (!call->query_parsed) {
		TAILQ_INIT(&call->query);
		q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(
		    call->req));
		if (q != NULL && evhttp_parse_query_str(q, &call->query) != 0)
			evhttp_clear_headers(&call->query);
		call->query_parsed = true;
	}
	return evhttp_find_header(&call->query, name);
}

int
http_call_json(struct http_call *call, yajl_val *ret, char *err,
    size_t errlen)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(call->req);
	struct evkeyvalq form;
	const char *ctype, *v;
	char *body, *text = NULL;
	size_t len = evbuffer_get_length(in);

	if (call->json != NULL) {
		*ret = call->json;
		return 0;
	}
	ctype = evhttp_find_header(evhttp_request_get_input_headers(
	    call->req), "Content-Type");
	body = xmalloc(len + 1);
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	if (memchr(body, '\0', len) != NULL) {
		snprintf(err, errlen, "the request body holds a NUL byte");
		free(body);
		return -EINVAL;
	}
	if (len > 0 && (ctype == NULL || strncasecmp(ctype,
	    "application/x-www-form-urlencoded", 33) != 0)) {
		text = body;
		body = NULL;
	} else {
		TAILQ_INIT(&form);
		if (len > 0 && evhttp_parse_query_str(body, &form) == 0 &&
		    (v = evhttp_find_header(&form, "json")) != NULL)
			text = xstrdup(v);
		evhttp_clear_headers(&form);
		if (text == NULL && (v = http_call_query(call, "json")) !=
		    NULL)
			text = xstrdup(v);
	}
	free(body);
	if (text == NULL) {
		*ret = NULL;
		return 0;
	}
	if (args_json_depth(text, HTTP_JSON_DEPTH) > HTTP_JSON_DEPTH) {
		snprintf(err, errlen, "JSON nested deeper than %d",
		    HTTP_JSON_DEPTH);
		free(text);
		return -EINVAL;
	}
	call->json = yajl_tree_parse(text, err, errlen);
	free(text);
	if (call->json == NULL) {
		if (err[0] == '\0')
			snprintf(err, errlen, "malformed JSON");
		/* yajl's message spans lines; keep the first. */
		err[strcspn(err, "\n")] = '\0';
		return -EINVAL;
	}
	*ret = call->json;
	return 0;
}

/* Replies */

static void
http_add_common_headers(struct evhttp_request *req, const char *mime)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Cache-Control",
	    "no-cache, no-store, must-revalidate");
	evhttp_add_header(h, "Pragma", "no-cache");
	evhttp_add_header(h, "Expires", "0");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (mime != NULL)
		evhttp_add_header(h, "Content-Type", mime);
}

void
http_reply(struct http_call *call, int code, const char *mime,
    struct evbuffer *body)
{
	struct evbuffer *tmp = NULL;

	if (call->req != NULL) {
		if (body == NULL)
			body = tmp = evbuffer_new();
		http_add_common_headers(call->req, mime);
		evhttp_send_reply(call->req, code, http_reason(code), body);
		conn_guard_write(call->conn);
		if (tmp != NULL)
			evbuffer_free(tmp);
	}
	http_call_free(call);
}

void
http_reply_error(struct http_call *call, int code, const char *reason)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add_printf(b, "{\"status\": %d, \"error\": ", code);
	format_json_string(b, reason, strlen(reason));
	evbuffer_add_printf(b, "}\n");
	http_reply(call, code, "application/json", b);
	evbuffer_free(b);
}

static enum format
http_reply_format(const struct http_call *call)
{
	/* Commands and extension-less routes answer JSON. */
	switch (call->ra.fmt) {
	case FORMAT_MSGPACK:
	case FORMAT_EKJSON:
	case FORMAT_ITJSON:
	case FORMAT_PRETTYJSON:
		return call->ra.fmt;
	default:
		return FORMAT_JSON;
	}
}

void
http_reply_object(struct http_call *call, int code, const msgpack_object *o)
{
	struct evbuffer *b = evbuffer_new();
	enum format fmt = http_reply_format(call);

	if (format_write_answer(b, fmt, o) != 0) {
		evbuffer_free(b);
		http_reply_error(call, 500, "answer could not be encoded");
		return;
	}
	http_reply(call, code, format_mime(fmt), b);
	evbuffer_free(b);
}

void
http_reply_packed(struct http_call *call, int code, const char *data,
    size_t len)
{
	msgpack_unpacked u;
	size_t off = 0;

	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, data, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS) {
		msgpack_unpacked_destroy(&u);
		http_reply_error(call, 500, "answer could not be encoded");
		return;
	}
	http_reply_object(call, code, &u.data);
	msgpack_unpacked_destroy(&u);
}

void
http_stream_start(struct http_call *call, const char *mime)
{
	if (call->req == NULL || call->streaming)
		return;
	http_add_common_headers(call->req, mime);
	call->streaming = true;
	evhttp_send_reply_start(call->req, 200, "OK");
	conn_guard_write(call->conn);
}

void
http_stream_limit_socket(struct http_call *call, int bytes)
{
	evutil_socket_t fd;

	if (call->conn == NULL || !conn_alive(call->conn) ||
	    (fd = bufferevent_getfd(call->conn->under)) < 0)
		return;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
}

static void
http_stream_drained_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_call *call = arg;
	void (*cb)(struct http_call *, void *) = call->drained;

	call->drained = NULL;
	if (cb != NULL)
		cb(call, call->drained_arg);
}

void
http_stream_chunk(struct http_call *call, struct evbuffer *buf,
    void (*drained)(struct http_call *, void *), void *arg)
{
	if (call->req == NULL)
		return;
	call->drained = drained;
	call->drained_arg = arg;
	/* evhttp sends nothing, and so calls nothing, for an empty chunk. */
	if (evbuffer_get_length(buf) == 0)
		evbuffer_add(buf, "", 0);
	evhttp_send_reply_chunk_with_cb(call->req, buf,
	    drained != NULL ? http_stream_drained_cb : NULL, call);
	conn_guard_write(call->conn);
}

size_t
http_stream_pending(const struct http_call *call)
{
	if (call->conn == NULL || call->req == NULL)
		return 0;
	return evbuffer_get_length(bufferevent_get_output(call->conn->bev));
}

void
http_stream_end(struct http_call *call)
{
	if (call->req != NULL && call->streaming) {
		evhttp_send_reply_end(call->req);
		conn_guard_write(call->conn);
	} else if (call->req != NULL) {
		http_reply(call, 200, NULL, NULL);
		return;
	}
	http_call_free(call);
}

/* Routing */

/*
 * The login gate: a live session cookie, or Basic credentials checked
 * after this address's wait.  Returns 1 when the call may go on now, 0
 * when it was parked (it comes back through http_dispatch).
 */
static void
http_wait_cb(evutil_socket_t unused, short what, void *arg)
{
	http_dispatch(arg);
}

/* Hand the client a fresh session token. */
static void
http_set_session(struct http_call *call, uint64_t now)
{
	char token[AUTH_TOKEN_LEN + 1], *set;

	if (auth_session_new(call->http->auth, now, token) != 0)
		return;
	xasprintf(&set, "%s=%s; Path=/; HttpOnly; SameSite=Strict",
	    AUTH_COOKIE, token);
	evhttp_add_header(evhttp_request_get_output_headers(call->req),
	    "Set-Cookie", set);
	free(set);
}

static int
http_gate(struct http_call *call)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(call->req);
	const char *cookie, *basic;
	struct timeval tv;
	uint64_t now = http_now_ms(), wait;
	bool renew = false;

	cookie = evhttp_find_header(in, "Cookie");
	basic = evhttp_find_header(in, "Authorization");
	if (cookie != NULL && auth_check_cookie(call->http->auth, cookie,
	    now, &renew)) {
		call->authed = true;
		if (renew)
			http_set_session(call, now);
		if (call->conn != NULL)
			conn_mark_authed(call->conn);
		return 1;
	}
	if (basic == NULL)
		return 1;
	/* Waited once already (parked below): check it now. */
	if (!call->waited && (wait = auth_wait_ms(call->http->auth,
	    call->peer, now)) > 0) {
		if (call->wait == NULL)
			call->wait = event_new(call->http->base, -1, 0,
			    http_wait_cb, call);
		call->waited = true;
		tv.tv_sec = (time_t)(wait / 1000);
		tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
		event_add(call->wait, &tv);
		return 0;
	}
	if (!auth_check_basic(call->http->auth, basic)) {
		auth_note_failure(call->http->auth, call->peer, now);
		call->http->stats.auth_failures++;
		return 1;
	}
	auth_note_success(call->http->auth, call->peer);
	call->authed = true;
	if (call->conn != NULL)
		conn_mark_authed(call->conn);
	http_set_session(call, now);
	return 1;
}

static void
http_dispatch(struct http_call *call)
{
	if (call->req == NULL)
		return;
	if (http_gate(call) == 0)
		return;
	if (!call->route->open && !call->authed) {
		evhttp_add_header(evhttp_request_get_output_headers(
		    call->req), "WWW-Authenticate",
		    "Basic realm=\"osprey\"");
		http_reply_error(call, 401, "login required");
		return;
	}
	call->route->handler(call);
}

static const struct http_route http_fallback_route = {
	"", HTTP_M_GET, 0, true, NULL,
};

static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	struct http_call *call;
	struct http_conn *c;
	const struct http_route *r = NULL;
	const char *raw;
	char *addr = NULL;
	ev_uint16_t port = 0;
	unsigned method;
	size_t i;
	int m = 0;

	h->stats.requests++;
	c = conn_of(h, req);
	call = xcalloc(1, sizeof(*call));
	call->http = h;
	call->req = req;
	if (c != NULL) {
		call->conn = c;
		TAILQ_INSERT_TAIL(&c->calls, call, entry);
		conn_busy(c);
		evhttp_request_set_on_complete_cb(req, conn_request_done_cb,
		    c);
	}
	/* The address the connection is counted under (an IPv6 /64). */
	if (c != NULL && conn_addr(c) != NULL)
		snprintf(call->peer, sizeof(call->peer), "%s", conn_addr(c));
	else {
		evhttp_connection_get_peer(evhttp_request_get_connection(req),
		    &addr, &port);
		snprintf(call->peer, sizeof(call->peer), "%s", addr != NULL ?
		    addr : "?");
	}

	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
	case EVHTTP_REQ_HEAD:
		method = HTTP_M_GET;
		break;
	case EVHTTP_REQ_POST:
		method = HTTP_M_POST;
		break;
	default:
		http_reply_error(call, 405, "method not allowed");
		return;
	}
	raw = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (raw == NULL || *raw != '/' || (call->path = route_decode(raw,
	    strlen(raw))) == NULL) {
		http_reply_error(call, 400, "malformed path");
		return;
	}
	for (i = 0; i < h->nroutes; i++) {
		if ((m = route_match(h->routes[i]->pattern, raw,
		    &call->ra)) != 0)
			break;
	}
	if (m < 0) {
		http_reply_error(call, 400, "malformed path");
		return;
	}
	if (m == 1) {
		r = h->routes[i];
		if ((r->methods & method) == 0) {
			http_reply_error(call, 405, "method not allowed");
			return;
		}
		if (call->ra.fmt != FORMAT_NONE &&
		    (r->formats & HTTP_F(call->ra.fmt)) == 0) {
			http_reply_error(call, 404, "no such format here");
			return;
		}
	} else if (method == HTTP_M_GET && h->fallback != NULL) {
		route_args_clear(&call->ra);
		r = &http_fallback_route;
	} else {
		http_reply_error(call, 404, "no such endpoint");
		return;
	}
	call->route = r;
	if (r == &http_fallback_route) {
		/* Static files are open: no login is looked at. */
		h->fallback(call);
		return;
	}
	http_dispatch(call);
}

/* The server */

struct http *
http_new(struct event_base *base, struct auth *auth,
    const struct http_limits *lim, void *ctx)
{
	struct http *h = xcalloc(1, sizeof(*h));

	/*
	 * A dump streams slices of a few hundred KiB through the bridge,
	 * msgpack and JSON buffers, allocated and freed by the thousand:
	 * with glibc's defaults each came from a fresh mmap or a heap top
	 * grown again after a trim, and page faults were a sixth of the
	 * worker's time in all_devices.json (perf).  Keep them in the heap
	 * and keep up to 8 MiB of its free top: a bounded cost in RSS.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 2 * 1024 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	h->base = base;
	h->auth = auth;
	h->lim = *lim;
	h->ctx = ctx;
	TAILQ_INIT(&h->conns);
	TAILQ_INIT(&h->graves);
	LIST_INIT(&h->addrs);
	h->sweep = evtimer_new(base, conn_sweep_cb, h);
	if ((h->evhttp = evhttp_new(base)) == NULL)
		fatalx("out of memory");
	evhttp_set_bevcb(h->evhttp, conn_new_cb, h);
	evhttp_set_gencb(h->evhttp, http_request_cb, h);
	/*
	 * Our filter answers 431 first; libevent's own cap is a backstop,
	 * as is its I/O timeout for sockets that stop moving.
	 */
	evhttp_set_max_headers_size(h->evhttp,
	    (ev_ssize_t)lim->max_header_bytes * 2 + 1024);
	evhttp_set_max_body_size(h->evhttp, (ev_ssize_t)lim->max_body_bytes);
	evhttp_set_timeout(h->evhttp, (int)lim->io_timeout_s);
	evhttp_set_allowed_methods(h->evhttp, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	return h;
}

void
http_free(struct http *h)
{
	struct http_conn *c;
	struct http_addr *a;
	int i;

	if (h == NULL)
		return;
	evhttp_free(h->evhttp);
	/*
	 * evhttp_free() only starts freeing the connections: libevent
	 * finalizes each filter in a later turn of the loop, and our
	 * conn_free_cb then unlinks it from h.  Run those turns now,
	 * while h still exists; one left over after that forgets h.
	 */
	for (i = 0; i < HTTP_FREE_TURNS && !TAILQ_EMPTY(&h->conns); i++)
		event_base_loop(h->base, EVLOOP_NONBLOCK);
	while ((c = TAILQ_FIRST(&h->conns)) != NULL) {
		TAILQ_REMOVE(&h->conns, c, entry);
		conn_orphan(c);
	}
	while ((a = LIST_FIRST(&h->addrs)) != NULL) {
		LIST_REMOVE(a, entry);
		free(a);
	}
	conn_sweep_cb(-1, 0, h);
	event_free(h->sweep);
	free(h->routes);
	free(h);
}

int
http_listen(struct http *h, int fd, char *err, size_t errlen)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if ((bs = evhttp_accept_socket_with_handle(h->evhttp, fd)) == NULL) {
		snprintf(err, errlen, "cannot serve on descriptor %d: %s", fd,
		    strerror(errno));
		return errno != 0 ? -errno : -EBADF;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	    &sl) != 0)
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -EAFNOSUPPORT;
}

void
http_add_routes(struct http *h, const struct http_route *r, size_t n)
{
	size_t i;

	h->routes = xreallocarray(h->routes, h->nroutes + n,
	    sizeof(*h->routes));
	for (i = 0; i < n; i++)
		h->routes[h->nroutes++] = &r[i];
}

void
http_set_fallback(struct http *h, void (*handler)(struct http_call *))
{
	h->fallback = handler;
}

void
http_get_stats(const struct http *h, struct http_stats *ret)
{
	*ret = h->stats;
	ret->connections = h->nlive;
}
