/* SPDX-License-Identifier: ISC */
/*
 * \summary: the HTTP server's connections: admission, eviction, deadlines
 *
 * Private to web/http.c, which shares its structs here so that the
 * connection table (this module) and the requests (http.c) can each
 * stay a file of their own.
 *
 * Every connection evhttp accepts is a pass-through bufferevent filter
 * over its socket.  On the way in the filter counts each request's header
 * bytes (431 past the cap) and a deadline times the headers and then the
 * body (408); on the way out it writes straight to the socket, so that
 * what waits for a slow client waits in one measurable buffer.
 *
 * The table is bounded (max_connections live, max_per_address from one
 * address), and a connection over a bound does not simply lose: the
 * newcomer takes the place of the connection that deserves it least,
 * ranked by, in order: anonymous (never carried a valid login) before
 * logged-in; idle (no byte of a request, none unread in the kernel)
 * before headers arriving (slow-loris) before a request in (body, or
 * being answered); from the address holding the most connections;
 * waiting longest.  A logged-in connection that is not idle is never
 * evicted.  So anonymous sockets, however many and
 * however slow, cannot keep a logged-in client out: that is the reserve.
 * Only when nothing can be evicted is the newcomer refused with 503.
 */
#ifndef WEB_CONN_H
#define WEB_CONN_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <yajl/yajl_tree.h>

#include "http.h"
#include "route.h"

/* Grace for a client to read a refusal before the socket is torn down. */
#define CONN_LINGER_MS		2000

enum conn_state {
	CONN_HEADERS,		/* reading a request's headers */
	CONN_BODY,		/* headers done, body arriving */
	CONN_BUSY,		/* dispatched: a handler owns the request */
	CONN_DEAD,		/* refused or evicted: closing */
};

struct http_conn;
struct http_addr;

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
	bool			 waited;	/* ... and it has run */
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
	enum conn_state		 state;
	uint64_t		 state_ms;	/* when it entered state */
	size_t			 header_bytes;
	int			 nl_run;	/* newlines seen in a row */
	bool			 live;		/* counted in nlive */
	bool			 authed;	/* a request was logged in */
	bool			 unread;	/* seen holding unread bytes */
	struct http_addr	*addr;		/* NULL until admitted */
	struct event		*admit;		/* first turn: admission */
	struct event		*deadline;
	struct event		*kick;		/* push output through */
	struct event		*wready;	/* the socket can take more */
	bool			 dead;		/* ended; in graves */
	/* evhttp's own callbacks, behind conn_guard_write's. */
	bufferevent_data_cb	 ev_read, ev_write;
	bufferevent_event_cb	 ev_event;
	void			*ev_arg;
};

/* The connections from one address. */
struct http_addr {
	LIST_ENTRY(http_addr)	 entry;
	char			 text[64];
	unsigned		 refs;		/* connections naming it */
	unsigned		 live;		/* ... of them live */
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
	unsigned		 nconns;	/* in conns */
	unsigned		 nlive;		/* ... not closing */
	LIST_HEAD(, http_addr)	 addrs;
	TAILQ_HEAD(, http_conn)	 graves;	/* ended, freed by sweep */
	struct event		*sweep;
	struct http_stats	 stats;
};

/* evhttp's bufferevent callback: a new connection. */
struct bufferevent *conn_new_cb(struct event_base *, void *http);

/* The connection a request came on (registered on first use), or NULL. */
struct http_conn *conn_of(struct http *, struct evhttp_request *);

/* A request was dispatched on c / its answer is out. */
void	conn_busy(struct http_conn *);
void	conn_request_done_cb(struct evhttp_request *, void *conn);

/*
 * Call after handing evhttp output: its "all sent" callback then runs
 * only when the filter's buffer is empty (see conn.c).
 */
void	conn_guard_write(struct http_conn *);

/* c carried a valid login: rank it with the logged-in. */
void	conn_mark_authed(struct http_conn *);

/* The address c is counted under, or NULL before admission. */
const char *conn_addr(const struct http_conn *);

/* Whether evhttp still has c (its events may outlive it). */
bool	conn_alive(const struct http_conn *);

/* Free what ended (the sweep timer; http_free). */
void	conn_sweep_cb(evutil_socket_t, short, void *http);

/* Forget the server: c outlived http_free. */
void	conn_orphan(struct http_conn *);

/* http.c: free a call that is done with. */
void	http_call_free(struct http_call *);

/* http.c: the monotonic clock in ms. */
uint64_t http_now_ms(void);

/* http.c: the reason phrase of a status. */
const char *http_reason(int code);

#endif
