/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_web's process context and the route tables of its APIs
 *
 * One struct web per process, made in main() and reached by handlers
 * through http_call_ctx().  Module headers never include this file.
 */
#ifndef WEB_WEB_H
#define WEB_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "plugins.h"

struct event_base;
struct conf;
struct auth;
struct http;
struct http_call;
struct http_route;
struct core;
struct fields;
struct pcapstreams;

struct web {
	struct event_base	*base;
	struct conf		*conf;
	struct auth		*auth;
	struct http		*http;
	struct plugins		 plugins;
	struct core		*core;		/* NULL when run alone */
	struct pcapstreams	*streams;
	int			 home_fd;	/* httpd_home, or -1 */
	int			 user_home_fd;	/* httpd_user_home, or -1 */
	char			*user_name;	/* who we run as (looked up
						   before the sandbox) */
	int			 port;
	int			 bridge_fd;	/* the core's, or -1: a
						   start-up failure is told
						   there (BRIDGE_FATAL) */
	uint64_t		 started;	/* epoch seconds */
};

/* api_system.c: timestamp, login checks, plugins, status, messages... */
extern const struct http_route	api_system_routes[];
extern const size_t		api_system_nroutes;
/* The static UI from httpd_user_home, then httpd_home. */
void	api_system_static(struct http_call *);

/* api_sources.c: datasources and their commands. */
extern const struct http_route	api_sources_routes[];
extern const size_t		api_sources_nroutes;

/* api_devices.c: devices, views, pcap streams. */
extern const struct http_route	api_devices_routes[];
extern const size_t		api_devices_nroutes;

/* api_kismetdb.c: the kismetdb log's pcapng export. */
extern const struct http_route	api_kismetdb_routes[];
extern const size_t		api_kismetdb_nroutes;

/*
 * Device queries for the other device endpoints (api_views.c): r as a
 * list (wrapped in Kismet's last-time object when wrapped is set and
 * the format is not a line format), as Kismet's paged view (start,
 * length, sort, search, datatable), or as an object keyed by device key.
 */
struct bridge_devices_req;
void	api_devices_list(struct http_call *, const struct bridge_devices_req *,
	    int wrapped);
void	api_devices_view(struct http_call *, const struct bridge_devices_req *);
void	api_devices_object(struct http_call *,
	    const struct bridge_devices_req *);

/* api_views.c: views, phys, multikey, names and tags, related devices. */
extern const struct http_route	api_views_routes[];
extern const size_t		api_views_nroutes;

/* api_alerts.c, api_gps.c, api_packetchain.c */
extern const struct http_route	api_alerts_routes[];
extern const size_t		api_alerts_nroutes;
extern const struct http_route	api_gps_routes[];
extern const size_t		api_gps_nroutes;
extern const struct http_route	api_packetchain_routes[];
extern const size_t		api_packetchain_nroutes;

/*
 * Parse a Kismet timestamp ("1700000000", "1700000000.5", "-60"):
 * negative is relative to now.  Returns 0 and the absolute epoch seconds,
 * or -EINVAL.
 */
int	api_parse_ts(const char *s, double *ret);

/* Answer a request the core could not take (-ENOTCONN, -EMSGSIZE). */
void	api_core_error(struct http_call *, int rc);

/*
 * A request forwarded to the core whose reply is answered as it is: one
 * object (SYSTEM_REPLY, SOURCE_CMD_REPLY, CMD_REPLY), the records as a
 * list (SOURCES_REPLY), or the first record alone when single is set
 * (404 when there is none); ERROR answers its status and reason.  With
 * unwrap, only the member of that name of the reply's map is answered
 * (Kismet's all_alerts is last-time's list); with unwrap_lines, only in
 * the line formats (ekjson, itjson give the list, a record a line).
 * With fields (POST {"fields": [...]}) each object, or each element of
 * a list, is simplified as device records are.
 */
struct api_fwd {
	struct http_call	*call;
	struct web		*web;
	uint32_t		 seq;
	int			 single;
	const char		*unwrap;
	const char		*unwrap_lines;
	struct fields		*fields;
};

/* Start tracking call; the core_* request then takes api_fwd_cb. */
struct api_fwd *api_fwd_new(struct http_call *, int single);
/*
 * Read {"fields": [...]} from the request into f; 0, or answered 400
 * and freed f (-EINVAL).
 */
int	api_fwd_fields(struct api_fwd *);
/* Forward a SYSTEM_REQ as f (since: a timestamp argument or NULL). */
void	api_fwd_system(struct api_fwd *, uint32_t what, const char *since);
void	api_fwd_cb(const struct bridge_msg *, void *arg);
/* Once f->seq is set: forget the request if the client goes first. */
void	api_fwd_watch(struct api_fwd *);
/* The request could not be sent: answer and free. */
void	api_fwd_fail(struct api_fwd *, int rc);

#endif
