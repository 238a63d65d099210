/* SPDX-License-Identifier: ISC */
/* \summary: the HTTP server: evhttp, caps, routes, login gate, replies */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
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
#include "http.h"
#include "log.h"
#include "route.h"
#include "xmalloc.h"

/* Grace for a client to read a refusal before the socket is torn down. */
#define HTTP_LINGER_MS		2000
/* Loop turns http_free gives libevent to finalize connections. */
#define HTTP_FREE_TURNS		8
/* Deepest JSON nesting a command may use. */
#define HTTP_JSON_DEPTH		64

enum http_conn_state {
	CONN_HEADERS,		/* reading a request's headers */
	CONN_BODY,		/* headers done, body arriving */
	CONN_BUSY,		/* dispatched: a handler owns the request */
	CONN_DEAD,		/* refused: input discarded until it closes */
};

struct http_conn;

struct http_call {
	TAILQ_ENTRY(http_call)	 entry;
	struct http		*http;
	struct http_conn	*conn;
	struct evhttp_request	*req;
	const struct http_route	*route;
	char			*path;		/* decoded */
	struct route_args	 ra;		/* arguments, format */
	bool			 authed;
	bool			 streaming;
	char			 peer[64];
	struct evkeyvalq	 query;
	bool			 query_parsed;
	yajl_val		 json;
	struct event		*wait;		/* login slow-down timer */
	void			(*on_gone)(struct http_call *, void *);
	void			*on_gone_arg;
	void			(*drained)(struct http_call *, void *);
	void			*drained_arg;
};

struct http_conn {
	TAILQ_ENTRY(http_conn)	 entry;
	struct http		*http;
	struct bufferevent	*bev;		/* the filter evhttp reads */
	struct bufferevent	*under;		/* the socket */
	struct evhttp_connection *evcon;	/* once a request came */
	TAILQ_HEAD(, http_call)	 calls;
	enum http_conn_state	 state;
	size_t			 header_bytes;
	int			 nl_run;	/* newlines seen in a row */
	bool			 over_cap;
	struct event		*deadline;
	struct event		*kick;		/* push output through */
	struct event		*wready;	/* the socket can take more */
	bool			 dead;		/* ended; in graves */
};

struct http {
	struct event_base	*base;
	struct evhttp		*evhttp;
	struct auth		*auth;
	struct http_limits	 lim;
	void			*ctx;
	const struct http_route	**routes;
	size_t			 nroutes;
	void			(*fallback)(struct http_call *);
	TAILQ_HEAD(, http_conn)	 conns;
	unsigned		 nconns;
	TAILQ_HEAD(, http_conn)	 graves;	/* ended, freed by sweep */
	struct event		*sweep;
	struct http_stats	 stats;
};

static void	http_call_free(struct http_call *);
static void	http_conn_wready_cb(evutil_socket_t, short, void *);
static bool	http_conn_alive(const struct http_conn *);
static void	http_dispatch(struct http_call *);

static uint64_t
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
static const char *
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

/* Connections and the filter */

/*
 * Refuse a connection at the socket: write a short answer straight to it
 * (it is small and the socket is fresh, so it fits), stop sending, and
 * tear the socket down after a grace period; evhttp then sees the end of
 * the stream and frees the connection as if the client had closed.
 */
static void
http_conn_refuse(struct http_conn *c, int code)
{
	char buf[256];
	struct timeval tv = { HTTP_LINGER_MS / 1000,
	    (HTTP_LINGER_MS % 1000) * 1000 };
	evutil_socket_t fd = bufferevent_getfd(c->under);
	int n;

	c->state = CONN_DEAD;
	if (fd < 0)
		return;
	if (code != 0) {
		n = snprintf(buf, sizeof(buf), "HTTP/1.1 %d %s\r\n"
		    "Content-Type: application/json\r\nConnection: close\r\n"
		    "Cache-Control: no-cache\r\nContent-Length: %zu\r\n\r\n"
		    "{\"status\": %d}", code, http_reason(code),
		    (size_t)(snprintf(NULL, 0, "{\"status\": %d}", code)),
		    code);
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) <
		    0) {
			/* The peer is gone already; the close follows. */
		}
	}
	shutdown(fd, SHUT_WR);
	event_add(c->deadline, &tv);
}

static void
http_conn_deadline_cb(evutil_socket_t unused, short what, void *arg)
{
	struct http_conn *c = arg;
	evutil_socket_t fd;

	if (!http_conn_alive(c))
		return;
	fd = bufferevent_getfd(c->under);

	if (c->state == CONN_HEADERS && c->header_bytes == 0) {
		/* An idle keep-alive connection: just close it. */
		c->state = CONN_DEAD;
		if (fd >= 0)
			shutdown(fd, SHUT_RDWR);
		return;
	}
	switch (c->state) {
	case CONN_DEAD:
		/* The grace period is over. */
		if (fd >= 0)
			shutdown(fd, SHUT_RDWR);
		break;
	case CONN_HEADERS:
	case CONN_BODY:
		c->http->stats.refused_slow++;
		http_conn_refuse(c, 408);
		break;
	case CONN_BUSY:
		break;
	}
}

static void
http_conn_arm(struct http_conn *c)
{
	struct timeval tv;

	tv.tv_sec = c->http->lim.request_timeout_ms / 1000;
	tv.tv_usec = (c->http->lim.request_timeout_ms % 1000) * 1000;
	c->state = CONN_HEADERS;
	c->header_bytes = 0;
	c->nl_run = 0;
	event_add(c->deadline, &tv);
}

static enum bufferevent_filter_result
http_conn_in_filter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *arg)
{
	struct http_conn *c = arg;
	size_t len = evbuffer_get_length(src), i;
	const char *p;

	if (len == 0)
		return BEV_NEED_MORE;
	if (c->over_cap && c->state != CONN_DEAD) {
		c->http->stats.refused_cap++;
		http_conn_refuse(c, 503);
	}
	if (c->state == CONN_DEAD) {
		evbuffer_drain(src, len);
		return BEV_NEED_MORE;
	}
	if (c->state == CONN_HEADERS) {
		/* Count header bytes up to the blank line that ends them. */
		p = (const char *)evbuffer_pullup(src, -1);
		for (i = 0; i < len; i++) {
			if (p[i] == '\n') {
				if (++c->nl_run == 2) {
					c->state = CONN_BODY;
					i++;
					break;
				}
			} else if (p[i] != '\r')
				c->nl_run = 0;
		}
		c->header_bytes += i;
		if (c->header_bytes > c->http->lim.max_header_bytes) {
			c->http->stats.refused_header++;
			http_conn_refuse(c, 431);
			evbuffer_drain(src, len);
			return BEV_NEED_MORE;
		}
	}
	if (limit >= 0 && (size_t)limit < len)
		len = (size_t)limit;
	evbuffer_remove_buffer(src, dst, len);
	return BEV_OK;
}

/*
 * Output goes from the filter straight into the socket, never into the
 * socket bufferevent's own buffer.  evhttp counts an answer as sent, and
 * may close the connection, as soon as the filter's buffer is empty; so
 * the filter's buffer empties only as the kernel takes the bytes, and
 * what waits for a slow client waits there, where it can be measured.
 */
static enum bufferevent_filter_result
http_conn_out_filter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *arg)
{
	struct http_conn *c = arg;
	evutil_socket_t fd = bufferevent_getfd(c->under);
	int n;

	if (evbuffer_get_length(src) == 0 || fd < 0)
		return BEV_NEED_MORE;
	if (c->wready == NULL)
		c->wready = event_new(bufferevent_get_base(c->bev), fd,
		    EV_WRITE, http_conn_wready_cb, c);
	n = evbuffer_write(src, fd);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		/*
		 * The client is gone.  Reporting BEV_ERROR here makes libevent
		 * 2.1 free the filter twice; instead drop what waits and end
		 * the socket, and evhttp sees the end as it sees a client that
		 * closes.
		 */
		evbuffer_drain(src, evbuffer_get_length(src));
		shutdown(fd, SHUT_RDWR);
		return BEV_NEED_MORE;
	}
	if (evbuffer_get_length(src) > 0)
		event_add(c->wready, NULL);
	return n > 0 ? BEV_OK : BEV_NEED_MORE;
}

static void
http_conn_gone(struct http_conn *c)
{
	struct http_call *call;

	while ((call = TAILQ_FIRST(&c->calls)) != NULL) {
		/*
		 * evhttp detaches a request it cannot finish and leaves it
		 * to us; one still attached it frees itself.
		 */
		if (call->req != NULL &&
		    evhttp_request_get_connection(call->req) == NULL) {
			if (call->streaming)
				evhttp_send_reply_end(call->req);
			else
				evhttp_request_free(call->req);
		}
		call->req = NULL;
		if (call->on_gone != NULL)
			call->on_gone(call, call->on_gone_arg);
		http_call_free(call);
	}
}

static void
http_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *c = arg;

	http_conn_gone(c);
	c->evcon = NULL;
}

/*
 * Whether evhttp still has this connection.  Once it frees the filter
 * (callbacks cleared), the memory stays until libevent finalizes it, and
 * our own events may still fire in between: touching the filter then
 * (a flush takes and drops a reference) would finalize it twice.
 */
static bool
http_conn_alive(const struct http_conn *c)
{
	bufferevent_data_cb r, w;
	bufferevent_event_cb e;
	void *arg;

	if (c->dead || c->http == NULL || c->bev == NULL)
		return false;
	bufferevent_getcb(c->bev, &r, &w, &e, &arg);
	return e != NULL;
}

/*
 * libevent 2.1's filter moves output to the socket only when output is
 * added while writing is enabled, but evhttp adds its answer first and
 * enables writing after: the answer would sit there.  So every addition
 * schedules a flush for the next turn of the loop, when writing is on.
 */
static void
http_conn_kick_cb(evutil_socket_t unused, short what, void *arg)
{
	struct http_conn *c = arg;

	if (http_conn_alive(c))
		bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
}

static void
http_conn_wready_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;

	if (http_conn_alive(c))
		bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
}

static void
http_conn_output_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct http_conn *c = arg;

	if (info->n_added > 0)
		event_active(c->kick, EV_TIMEOUT, 0);
}

/* The filter is being freed: the connection is over. */
/*
 * The filter is being freed: the connection is over.  libevent 2.1 can
 * call this twice for one filter (seen when a client drops a stream
 * mid-write), so the record is only marked dead here and freed by a
 * sweep a second later.
 */
static void
http_conn_free_cb(void *arg)
{
	struct http_conn *c = arg;
	struct timeval tv = { 1, 0 };

	/* Dead already, or outlived its server (http_free). */
	if (c->dead || c->http == NULL)
		return;
	c->dead = true;
	http_conn_gone(c);
	TAILQ_REMOVE(&c->http->conns, c, entry);
	c->http->nconns--;
	event_free(c->deadline);
	event_free(c->kick);
	if (c->wready != NULL)
		event_free(c->wready);
	c->deadline = c->kick = c->wready = NULL;
	c->bev = c->under = NULL;
	TAILQ_INSERT_TAIL(&c->http->graves, c, entry);
	if (!evtimer_pending(c->http->sweep, NULL))
		evtimer_add(c->http->sweep, &tv);
}

static void
http_sweep_cb(evutil_socket_t unused, short what, void *arg)
{
	struct http *h = arg;
	struct http_conn *c;

	while ((c = TAILQ_FIRST(&h->graves)) != NULL) {
		TAILQ_REMOVE(&h->graves, c, entry);
		free(c);
	}
}

static struct bufferevent *
http_conn_new_cb(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct http_conn *c = xcalloc(1, sizeof(*c));

	c->http = h;
	TAILQ_INIT(&c->calls);
	c->under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	/*
	 * Deferred callbacks: our filter may finish a write while evhttp is
	 * still setting up what to do when it is finished.
	 */
	c->bev = bufferevent_filter_new(c->under, http_conn_in_filter,
	    http_conn_out_filter, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS, http_conn_free_cb, c);
	if (c->under == NULL || c->bev == NULL)
		fatalx("out of memory");
	c->deadline = event_new(base, -1, 0, http_conn_deadline_cb, c);
	c->kick = event_new(base, -1, 0, http_conn_kick_cb, c);
	evbuffer_add_cb(bufferevent_get_output(c->bev), http_conn_output_cb,
	    c);
	/* Over the cap: answer its first bytes with 503. */
	c->over_cap = h->nconns >= h->lim.max_connections;
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->nconns++;
	http_conn_arm(c);
	return c->bev;
}

static struct http_conn *
http_conn_of(struct http *h, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	struct http_conn *c;

	if (evcon == NULL)
		return NULL;
	bev = evhttp_connection_get_bufferevent(evcon);
	TAILQ_FOREACH(c, &h->conns, entry)
		if (c->bev == bev) {
			if (c->evcon == NULL) {
				c->evcon = evcon;
				evhttp_connection_set_closecb(evcon,
				    http_conn_close_cb, c);
			}
			return c;
		}
	return NULL;
}

/* The answer is out: the connection may read the next request. */
static void
http_request_done_cb(struct evhttp_request *req, void *arg)
{
	struct http_conn *c = arg;

	if (c->state == CONN_BUSY)
		http_conn_arm(c);
}

/* Calls */

static void
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
	/* Lists in line formats still answer plain objects as JSON. */
	return call->ra.fmt == FORMAT_MSGPACK ? FORMAT_MSGPACK : FORMAT_JSON;
}

void
http_reply_object(struct http_call *call, int code, const msgpack_object *o)
{
	struct evbuffer *b = evbuffer_new();
	enum format fmt = http_reply_format(call);

	if (format_write(b, fmt, o) != 0) {
		evbuffer_free(b);
		http_reply_error(call, 500, "answer could not be encoded");
		return;
	}
	if (fmt != FORMAT_MSGPACK)
		evbuffer_add(b, "\n", 1);
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
}

void
http_stream_limit_socket(struct http_call *call, int bytes)
{
	evutil_socket_t fd;

	if (call->conn == NULL || !http_conn_alive(call->conn) ||
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
	if (call->req != NULL && call->streaming)
		evhttp_send_reply_end(call->req);
	else if (call->req != NULL) {
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

static int
http_gate(struct http_call *call)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(call->req);
	const char *cookie, *basic;
	char token[AUTH_TOKEN_LEN + 1], *set;
	struct timeval tv;
	uint64_t now = http_now_ms(), wait;

	cookie = evhttp_find_header(in, "Cookie");
	basic = evhttp_find_header(in, "Authorization");
	if (cookie != NULL && auth_check_cookie(call->http->auth, cookie,
	    now)) {
		call->authed = true;
		return 1;
	}
	if (basic == NULL)
		return 1;
	if ((wait = auth_wait_ms(call->http->auth, call->peer, now)) > 0) {
		if (call->wait == NULL)
			call->wait = event_new(call->http->base, -1, 0,
			    http_wait_cb, call);
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
	if (auth_session_new(call->http->auth, now, token) == 0) {
		xasprintf(&set, "%s=%s; Path=/; HttpOnly; SameSite=Strict",
		    AUTH_COOKIE, token);
		evhttp_add_header(evhttp_request_get_output_headers(
		    call->req), "Set-Cookie", set);
		free(set);
	}
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
	c = http_conn_of(h, req);
	call = xcalloc(1, sizeof(*call));
	call->http = h;
	call->req = req;
	if (c != NULL) {
		call->conn = c;
		TAILQ_INSERT_TAIL(&c->calls, call, entry);
		c->state = CONN_BUSY;
		event_del(c->deadline);
		evhttp_request_set_on_complete_cb(req, http_request_done_cb,
		    c);
	}
	evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr,
	    &port);
	snprintf(call->peer, sizeof(call->peer), "%s", addr != NULL ? addr :
	    "?");

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
		if ((m = route_match(h->routes[i]->pattern, raw, &call->ra)) != 0)
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

	h->base = base;
	h->auth = auth;
	h->lim = *lim;
	h->ctx = ctx;
	TAILQ_INIT(&h->conns);
	TAILQ_INIT(&h->graves);
	h->sweep = evtimer_new(base, http_sweep_cb, h);
	if ((h->evhttp = evhttp_new(base)) == NULL)
		fatalx("out of memory");
	evhttp_set_bevcb(h->evhttp, http_conn_new_cb, h);
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
	int i;

	if (h == NULL)
		return;
	evhttp_free(h->evhttp);
	/*
	 * evhttp_free() only starts freeing the connections: libevent
	 * finalizes each filter in a later turn of the loop, and our
	 * http_conn_free_cb then unlinks it from h.  Run those turns now,
	 * while h still exists; one left over after that forgets h.
	 */
	for (i = 0; i < HTTP_FREE_TURNS && !TAILQ_EMPTY(&h->conns); i++)
		event_base_loop(h->base, EVLOOP_NONBLOCK);
	while ((c = TAILQ_FIRST(&h->conns)) != NULL) {
		TAILQ_REMOVE(&h->conns, c, entry);
		c->http = NULL;
	}
	http_sweep_cb(-1, 0, h);
	event_free(h->sweep);
	free(h->routes);
	free(h);
}

int
http_listen(struct http *h, const char *addr, uint16_t port, int fd,
    char *err, size_t errlen)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (fd >= 0)
		bs = evhttp_accept_socket_with_handle(h->evhttp, fd);
	else
		bs = evhttp_bind_socket_with_handle(h->evhttp, addr, port);
	if (bs == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s",
		    fd >= 0 ? "fd" : addr, fd >= 0 ? (unsigned)fd : port,
		    strerror(errno));
		return errno != 0 ? -errno : -EADDRINUSE;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	    &sl) != 0)
		return port;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return port;
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
	ret->connections = h->nconns;
}
