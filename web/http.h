/* SPDX-License-Identifier: ISC */
/*
 * \summary: the HTTP server: evhttp, caps, routes, login gate, replies
 *
 * Connections are admitted, bounded, timed and evicted by web/conn.c
 * (see conn.h): over-long headers get 431, slow senders (slow-loris)
 * 408, and a newcomer over a bound takes the place of the connection
 * that deserves it least (anonymous and idle first), 503 only when none
 * can go; libevent itself answers 413 for a body over the cap.
 * Requests are matched against a
 * route table; routes not marked open need a login (auth.h).  Every
 * answer goes through http_reply*() or the stream calls, which add the
 * no-cache headers.
 *
 * A handler may answer at once or later (after asking the core): it
 * keeps its struct http_call until it answers, and registers an on_gone
 * callback for the case where the client goes away first; the call is
 * freed right after that callback.
 */
#ifndef WEB_HTTP_H
#define WEB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>
#include <yajl/yajl_tree.h>

#include "format.h"

struct event_base;
struct evbuffer;
struct auth;
struct http;
struct http_call;

#define HTTP_M_GET		0x01	/* and HEAD */
#define HTTP_M_POST		0x02

#define HTTP_F(f)		(1U << (f))
/*
 * Kismet answers every object and list in each of its serializers; so
 * does osprey (a line format gives a lone object one line).
 */
#define HTTP_F_DATA		(HTTP_F(FORMAT_JSON) | \
				    HTTP_F(FORMAT_MSGPACK) | \
				    HTTP_F(FORMAT_EKJSON) | \
				    HTTP_F(FORMAT_ITJSON) | \
				    HTTP_F(FORMAT_PRETTYJSON))
#define HTTP_F_LISTS		HTTP_F_DATA

#define HTTP_MAX_ARGS		4	/* ROUTE_MAX_ARGS */

/*
 * A route: the pattern is matched by route_match() (route.h: literals,
 * "*", "NAME.@" whose extension picks the format and must be in formats,
 * a final "**"); its captures are the call's arguments.
 */
struct http_route {
	const char	*pattern;
	unsigned	 methods;	/* HTTP_M_* */
	unsigned	 formats;	/* HTTP_F(...) of allowed extensions */
	bool		 open;		/* answered without a login */
	void		(*handler)(struct http_call *);
};

struct http_limits {
	unsigned	 max_connections;	/* live at most (conn.h) */
	unsigned	 max_per_address;	/* ... from one address */
	size_t		 max_header_bytes;	/* more get 431 */
	size_t		 max_body_bytes;	/* more get 413 */
	unsigned	 header_timeout_ms;	/* headers not in by then: 408 */
	unsigned	 request_timeout_ms;	/* headers and body: 408 */
	unsigned	 io_timeout_s;		/* no progress on a socket */
};

/* Defaults for struct http_limits. */
#define HTTP_DEF_CONNECTIONS	64
#define HTTP_DEF_PER_ADDRESS	32
#define HTTP_DEF_HEADER_BYTES	(16 * 1024)
#define HTTP_DEF_BODY_BYTES	(256 * 1024)
#define HTTP_DEF_HEADER_MS	5000
#define HTTP_DEF_REQUEST_MS	10000
#define HTTP_DEF_IO_S		60

/*
 * A server on base that checks logins with auth (borrowed) and passes ctx
 * to handlers through http_call_ctx().  Never NULL.
 */
struct http	*http_new(struct event_base *, struct auth *,
		    const struct http_limits *, void *ctx);

/* Close every connection and free the server; NULL is a no-op. */
void		 http_free(struct http *);

/*
 * Serve on fd, a bound and listening socket (web.c makes it: the reason
 * a bind fails is reported there).  Returns the port it listens on, or a
 * negative errno with the reason in err.
 */
int		 http_listen(struct http *, int fd, char *err, size_t errlen);

/* Add n routes (kept by pointer: static tables). */
void		 http_add_routes(struct http *, const struct http_route *,
		    size_t n);

/*
 * Where GET requests that match no route go (static files); open.  The
 * handler reads the path with http_call_path().
 */
void		 http_set_fallback(struct http *,
		    void (*handler)(struct http_call *));

/* Counters for /system/status.json and tests. */
struct http_stats {
	uint64_t	 requests;
	uint64_t	 refused_cap;		/* 503: full, nothing to evict */
	uint64_t	 refused_addr;		/* 503: the address is full */
	uint64_t	 evicted;		/* made room for a newcomer */
	uint64_t	 refused_header;	/* 431 */
	uint64_t	 refused_slow;		/* 408 */
	uint64_t	 auth_failures;
	unsigned	 connections;		/* open now */
};
void		 http_get_stats(const struct http *, struct http_stats *);

/* Call accessors. */
void		*http_call_ctx(const struct http_call *);
enum format	 http_call_format(const struct http_call *);
const char	*http_call_path(const struct http_call *);	/* decoded */
const char	*http_call_arg(const struct http_call *, size_t i);
size_t		 http_call_nargs(const struct http_call *);
bool		 http_call_is_post(const struct http_call *);
bool		 http_call_is_head(const struct http_call *);
/* True when the request carried a valid login (for open routes). */
bool		 http_call_authed(const struct http_call *);
/* The peer's address, as text. */
const char	*http_call_peer(const struct http_call *);

/* A query-string variable, or NULL. */
const char	*http_call_query(struct http_call *, const char *name);

/*
 * The request's JSON command: the raw body when it is application/json,
 * else the form variable "json" (x-www-form-urlencoded body or query).
 * Returns 0 with *ret (NULL when there is none; owned by the call), or
 * -EINVAL with the reason in err.
 */
int		 http_call_json(struct http_call *, yajl_val *ret, char *err,
		    size_t errlen);

/*
 * Register cb(call, arg) for when the client goes away before the call is
 * answered; the call is freed right after.  NULL unregisters.
 */
void		 http_call_on_gone(struct http_call *,
		    void (*cb)(struct http_call *, void *), void *arg);

/*
 * Answer and free the call.  body (may be NULL) is drained.
 */
void		 http_reply(struct http_call *, int code, const char *mime,
		    struct evbuffer *body);

/* Answer {"status": code, "error": reason} as JSON. */
void		 http_reply_error(struct http_call *, int code,
		    const char *reason);

/* Answer the msgpack object at data in the call's format. */
void		 http_reply_packed(struct http_call *, int code,
		    const char *data, size_t len);

/* Answer the object in the call's format. */
void		 http_reply_object(struct http_call *, int code,
		    const msgpack_object *);

/*
 * Streaming: start a 200 answer of type mime, send chunks, end it.
 * Bytes on their way to a client sit in a bounded socket buffer and,
 * past it, in the connection's output; http_stream_pending() counts them
 * all, so a producer can hold back or drop.  drained(call, arg), when not
 * NULL, runs once every byte sent so far has reached the socket buffer.
 * http_stream_end() frees the call.
 */
void		 http_stream_start(struct http_call *, const char *mime);
void		 http_stream_chunk(struct http_call *, struct evbuffer *,
		    void (*drained)(struct http_call *, void *), void *arg);
size_t		 http_stream_pending(const struct http_call *);

/*
 * Bound what the kernel holds for this client to about bytes (its socket
 * send buffer), so that a stream's own cap is what decides when a slow
 * reader starts losing data.
 */
void		 http_stream_limit_socket(struct http_call *, int bytes);
void		 http_stream_end(struct http_call *);

#endif
