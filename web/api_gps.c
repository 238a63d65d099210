/* SPDX-License-Identifier: ISC */
/*
 * \summary: GPS endpoints: location, receivers, drivers, commands, maps
 *
 * The core answers them (daemon/gps/gps.h through daemon/ctlsys.c):
 * /gps/location, /gps/all_gps, /gps/drivers and osprey's /gps/track are
 * forwarded as they are; add_gps, remove_gps and Kismet's web GPS
 * (/gps/web/update.cmd, a logged-in browser's position) are commands.
 * /devices/location/devices.geojson turns the device records that have a
 * location into a GeoJSON FeatureCollection for map tools, streamed
 * slice by slice as the core sends them.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <yajl/yajl_tree.h>

#include "bridge.h"
#include "conf.h"
#include "core.h"
#include "format.h"
#include "http.h"
#include "log.h"
#include "web.h"
#include "xmalloc.h"

static void
api_gps_forward(struct http_call *call, uint32_t what)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, what, NULL);
}

static void
api_gps_location(struct http_call *call)
{
	api_gps_forward(call, BRIDGE_SYS_GPS);
}

static void
api_gps_all(struct http_call *call)
{
	api_gps_forward(call, BRIDGE_SYS_GPS_ALL);
}

static void
api_gps_drivers(struct http_call *call)
{
	api_gps_forward(call, BRIDGE_SYS_GPS_DRIVERS);
}

static void
api_gps_track(struct http_call *call)
{
	api_gps_forward(call, BRIDGE_SYS_GPS_TRACK);
}

/*
 * Kismet's /gps/all_locations (every receiver's location by uuid) and
 * /gps/by-uuid/UUID/location: taken from the receivers' records.
 */
struct gps_locq {
	struct http_call	*call;
	struct web		*web;
	uint32_t		 seq;
	char			*uuid;		/* one receiver, or NULL */
};

static const msgpack_object *geo_get(const msgpack_object *,
		    const char *);

static void
api_gps_locq_free(struct gps_locq *q)
{
	free(q->uuid);
	free(q);
}

static void
api_gps_locq_gone(struct http_call *call, void *arg)
{
	struct gps_locq *q = arg;

	core_forget(q->web->core, q->seq);
	api_gps_locq_free(q);
}

static bool
api_gps_is(const msgpack_object *o, const char *s)
{
	return o != NULL && o->type == MSGPACK_OBJECT_STR &&
	    o->via.str.size == strlen(s) &&
	    strncasecmp(o->via.str.ptr, s, o->via.str.size) == 0;
}

static void
api_gps_locq_cb(const struct bridge_msg *m, void *arg)
{
	struct gps_locq *q = arg;
	const msgpack_object *all, *g, *uuid, *loc;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	uint32_t i, n = 0;

	http_call_on_gone(q->call, NULL, NULL);
	if (m->hdr.type == BRIDGE_ERROR) {
		http_reply_error(q->call, (int)m->u.error.status,
		    m->u.error.reason);
		api_gps_locq_free(q);
		return;
	}
	all = m->u.object.obj;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if (all->type == MSGPACK_OBJECT_ARRAY && q->uuid == NULL) {
		for (i = 0; i < all->via.array.size; i++)
			n += geo_get(&all->via.array.ptr[i],
			    "kismet.gps.uuid") != NULL;
		msgpack_pack_map(&pk, n);
	}
	for (i = 0; all->type == MSGPACK_OBJECT_ARRAY &&
	    i < all->via.array.size; i++) {
		g = &all->via.array.ptr[i];
		uuid = geo_get(g, "kismet.gps.uuid");
		loc = geo_get(g, "kismet.gps.location");
		if (uuid == NULL)
			continue;
		if (q->uuid == NULL) {
			msgpack_pack_object(&pk, *uuid);
			if (loc != NULL)
				msgpack_pack_object(&pk, *loc);
			else
				msgpack_pack_map(&pk, 0);
		} else if (api_gps_is(uuid, q->uuid) && loc != NULL) {
			msgpack_pack_object(&pk, *loc);
			n = 1;
			break;
		}
	}
	if (q->uuid != NULL && n == 0)
		http_reply_error(q->call, 404, "no GPS with that uuid");
	else
		http_reply_packed(q->call, 200, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	api_gps_locq_free(q);
}

static void
api_gps_locations(struct http_call *call, const char *uuid)
{
	struct bridge_system_req r = { BRIDGE_SYS_GPS_ALL, false, 0 };
	struct gps_locq *q = xcalloc(1, sizeof(*q));
	int rc;

	q->call = call;
	q->web = http_call_ctx(call);
	q->uuid = uuid != NULL ? xstrdup(uuid) : NULL;
	if ((rc = core_system(q->web->core, &r, api_gps_locq_cb, q,
	    &q->seq)) != 0) {
		api_core_error(call, rc);
		api_gps_locq_free(q);
		return;
	}
	http_call_on_gone(call, api_gps_locq_gone, q);
}

static void
api_gps_all_locations(struct http_call *call)
{
	api_gps_locations(call, NULL);
}

static void
api_gps_uuid_location(struct http_call *call)
{
	api_gps_locations(call, http_call_arg(call, 0));
}

static void
api_gps_send(struct http_call *call, const struct bridge_cmd *c)
{
	struct web *w = http_call_ctx(call);
	struct api_fwd *f;
	uint32_t seq;
	int rc;

	f = api_fwd_new(call, 0);
	if ((rc = core_cmd(w->core, c, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

static const char *
api_gps_str(yajl_val root, const char *name)
{
	const char *path[] = { name, NULL };
	yajl_val v;

	if (root == NULL || (v = yajl_tree_get(root, path, yajl_t_string)) ==
	    NULL)
		return NULL;
	return YAJL_GET_STRING(v);
}

/* A number, or a string holding one (form posts send strings). */
static int
api_gps_num(yajl_val root, const char *name, double *ret)
{
	const char *path[] = { name, NULL };
	const char *s;
	yajl_val v;
	char *end;

	if (root == NULL || (v = yajl_tree_get(root, path, yajl_t_any)) ==
	    NULL)
		return -ENOENT;
	s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
	if (YAJL_IS_NUMBER(v))
		*ret = YAJL_IS_INTEGER(v) ? (double)YAJL_GET_INTEGER(v) :
		    YAJL_GET_DOUBLE(v);
	else if (s != NULL && *s != '\0') {
		*ret = strtod(s, &end);
		if (*end != '\0')
			return -EINVAL;
	} else
		return -EINVAL;
	return isfinite(*ret) ? 0 : -EINVAL;
}

static void
api_gps_add(struct http_call *call)
{
	struct bridge_cmd c;
	char err[256] = "";
	yajl_val root;

	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_CMD_ADD_GPS;
	if ((c.value = api_gps_str(root, "definition")) == NULL) {
		http_reply_error(call, 400, "expected {\"definition\": "
		    "\"TYPE:opt=val,...\"}");
		return;
	}
	api_gps_send(call, &c);
}

static void
api_gps_remove(struct http_call *call)
{
	struct bridge_cmd c;

	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_CMD_REMOVE_GPS;
	c.key = http_call_arg(call, 0);
	api_gps_send(call, &c);
}

/*
 * Kismet's web GPS: {"lat": .., "lon": .., "alt": .., "spd": ..} (alt in
 * metres, spd in km/h, both optional), plus osprey's "name" to pick one
 * of several web receivers.
 */
static void
api_gps_web_update(struct http_call *call)
{
	struct bridge_cmd c;
	char err[256] = "", value[160], alt[40] = "", spd[40] = "";
	double lat, lon, v;
	yajl_val root;
	int rc;

	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	if (api_gps_num(root, "lat", &lat) != 0 ||
	    api_gps_num(root, "lon", &lon) != 0) {
		http_reply_error(call, 400, "expected {\"lat\": LAT, \"lon\": "
		    "LON} (alt, spd optional)");
		return;
	}
	if ((rc = api_gps_num(root, "alt", &v)) == 0)
		snprintf(alt, sizeof(alt), "%.17g", v);
	else if (rc != -ENOENT) {
		http_reply_error(call, 400, "alt: not a number");
		return;
	}
	if ((rc = api_gps_num(root, "spd", &v)) == 0)
		snprintf(spd, sizeof(spd), "%.17g", v);
	else if (rc != -ENOENT) {
		http_reply_error(call, 400, "spd: not a number");
		return;
	}
	snprintf(value, sizeof(value), "%.17g,%.17g,%s,%s", lat, lon, alt,
	    spd);
	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_CMD_WEB_GPS;
	c.value = value;
	c.name = api_gps_str(root, "name");
	api_gps_send(call, &c);
}

/*
 * /gps/map.json (osprey): what the UI's map needs from the config.
 * httpd_map_tiles is a tile URL template on this server ("/tiles/{z}/
 * {x}/{y}.png": the UI's Content-Security-Policy allows images from
 * this origin only); anything else is refused with the reason, and the
 * map draws without tiles.
 */
static void
api_gps_map(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	const char *t = conf_get(w->conf, "httpd_map_tiles", "");
	const char *why = "";
	msgpack_sbuffer sb;
	msgpack_packer pk;

	if (*t != '\0' && (t[0] != '/' || t[1] == '/' ||
	    strstr(t, "{z}") == NULL || strstr(t, "{x}") == NULL ||
	    strstr(t, "{y}") == NULL || strpbrk(t, "\"'<> \\") != NULL)) {
		why = "httpd_map_tiles must be a path on this server with "
		    "{z}, {x} and {y}";
		t = "";
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_str(&pk, "osprey.map.tiles", t);
	bridge_pack_kv_str(&pk, "osprey.map.tiles_error", why);
	http_reply_packed(call, 200, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

/* --- GeoJSON ---------------------------------------------------------- */

struct geo_q {
	struct http_call	*call;
	struct web		*web;
	uint32_t		 seq;
	uint64_t		 features;
	bool			 started;
};

/* The member key of map o, or NULL. */
static const msgpack_object *
geo_get(const msgpack_object *o, const char *key)
{
	size_t n = strlen(key);
	uint32_t i;

	if (o == NULL || o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < o->via.map.size; i++) {
		const msgpack_object *k = &o->via.map.ptr[i].key;

		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
		    memcmp(k->via.str.ptr, key, n) == 0)
			return &o->via.map.ptr[i].val;
	}
	return NULL;
}

static bool
geo_num(const msgpack_object *o, double *ret)
{
	if (o == NULL)
		return false;
	switch (o->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		*ret = (double)o->via.u64;
		return true;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*ret = (double)o->via.i64;
		return true;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		*ret = o->via.f64;
		return isfinite(*ret);
	default:
		return false;
	}
}

/* [lon, lat] of a location map's geopoint. */
static bool
geo_point(const msgpack_object *loc, double *lon, double *lat)
{
	const msgpack_object *p = geo_get(loc,
	    "kismet.common.location.geopoint");

	return p != NULL && p->type == MSGPACK_OBJECT_ARRAY &&
	    p->via.array.size == 2 && geo_num(&p->via.array.ptr[0], lon) &&
	    geo_num(&p->via.array.ptr[1], lat);
}

static void
geo_prop(struct evbuffer *b, const char *name, const msgpack_object *v,
    bool *first)
{
	if (v == NULL)
		return;
	evbuffer_add_printf(b, "%s\"%s\": ", *first ? "" : ", ", name);
	*first = false;
	if (format_write(b, FORMAT_JSON, v) != 0)
		evbuffer_add(b, "null", 4);
}

/* One device as a Feature: a Point at its average location. */
static void
geo_feature(struct geo_q *q, struct evbuffer *b, const msgpack_object *rec)
{
	static const struct {
		const char	*prop, *key;
	} props[] = {
		{ "key", "kismet.device.base.key" },
		{ "mac", "kismet.device.base.macaddr" },
		{ "name", "kismet.device.base.commonname" },
		{ "type", "kismet.device.base.type" },
		{ "crypt", "kismet.device.base.crypt" },
		{ "channel", "kismet.device.base.channel" },
		{ "manuf", "kismet.device.base.manuf" },
		{ "first_time", "kismet.device.base.first_time" },
		{ "last_time", "kismet.device.base.last_time" },
		{ "packets", "kismet.device.base.packets.total" },
	};
	const msgpack_object *loc, *avg, *sig;
	double lon, lat, x0, y0, x1, y1, plon, plat;
	bool first = true;
	size_t i;

	loc = geo_get(rec, "kismet.device.base.location");
	avg = geo_get(loc, "kismet.common.location.avg_loc");
	if (!geo_point(avg, &lon, &lat))
		return;
	evbuffer_add_printf(b, "%s{\"type\": \"Feature\", \"geometry\": "
	    "{\"type\": \"Point\", \"coordinates\": [", q->features > 0 ?
	    ",\n" : "");
	format_json_double(b, lon);
	evbuffer_add(b, ", ", 2);
	format_json_double(b, lat);
	evbuffer_add(b, "]}", 2);
	if (geo_point(geo_get(loc, "kismet.common.location.min_loc"), &x0,
	    &y0) && geo_point(geo_get(loc, "kismet.common.location.max_loc"),
	    &x1, &y1)) {
		evbuffer_add(b, ", \"bbox\": [", 11);
		format_json_double(b, x0);
		evbuffer_add(b, ", ", 2);
		format_json_double(b, y0);
		evbuffer_add(b, ", ", 2);
		format_json_double(b, x1);
		evbuffer_add(b, ", ", 2);
		format_json_double(b, y1);
		evbuffer_add(b, "]", 1);
	}
	evbuffer_add(b, ", \"properties\": {", 17);
	for (i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		geo_prop(b, props[i].prop, geo_get(rec, props[i].key), &first);
	sig = geo_get(rec, "kismet.device.base.signal");
	geo_prop(b, "last_signal", geo_get(sig,
	    "kismet.common.signal.last_signal"), &first);
	geo_prop(b, "max_signal", geo_get(sig,
	    "kismet.common.signal.max_signal"), &first);
	geo_prop(b, "loc_fix", geo_get(loc,
	    "kismet.common.location.loc_fix"), &first);
	if (geo_point(geo_get(sig, "kismet.common.signal.peak_loc"), &plon,
	    &plat)) {
		evbuffer_add_printf(b, "%s\"peak\": [", first ? "" : ", ");
		format_json_double(b, plon);
		evbuffer_add(b, ", ", 2);
		format_json_double(b, plat);
		evbuffer_add(b, "]", 1);
	}
	evbuffer_add(b, "}}", 2);
	q->features++;
}

static void
geo_begin(struct geo_q *q, struct evbuffer *b)
{
	if (q->started)
		return;
	q->started = true;
	http_stream_start(q->call, "application/geo+json");
	evbuffer_add_printf(b, "{\"type\": \"FeatureCollection\", "
	    "\"features\": [\n");
}

static void
geo_more_cb(struct http_call *call, void *arg)
{
	struct geo_q *q = arg;

	if (core_devices_more(q->web->core, q->seq) != 0)
		log_debug("geojson %u: could not ask for more", q->seq);
}

static void
geo_gone_cb(struct http_call *call, void *arg)
{
	struct geo_q *q = arg;

	core_forget(q->web->core, q->seq);
	free(q);
}

static void
geo_reply_cb(const struct bridge_msg *m, void *arg)
{
	struct geo_q *q = arg;
	struct evbuffer *b;
	size_t i;

	if ((b = evbuffer_new()) == NULL)
		fatalx("out of memory");
	switch (m->hdr.type) {
	case BRIDGE_DEVICES_SLICE:
		geo_begin(q, b);
		for (i = 0; i < m->u.records.count; i++)
			geo_feature(q, b, &m->u.records.records[i]);
		/* The next slice once this one has left: bounded memory. */
		http_stream_chunk(q->call, b, geo_more_cb, q);
		break;
	case BRIDGE_DEVICES_END:
		geo_begin(q, b);
		evbuffer_add_printf(b, "\n]}\n");
		http_call_on_gone(q->call, NULL, NULL);
		http_stream_chunk(q->call, b, NULL, NULL);
		http_stream_end(q->call);
		free(q);
		break;
	case BRIDGE_ERROR:
		http_call_on_gone(q->call, NULL, NULL);
		if (q->started)
			http_stream_end(q->call);
		else
			http_reply_error(q->call, (int)m->u.error.status,
			    m->u.error.reason);
		free(q);
		break;
	}
	evbuffer_free(b);
}

static void
api_gps_geojson(struct http_call *call)
{
	struct bridge_devices_req r;
	struct geo_q *q = xcalloc(1, sizeof(*q));
	int rc;

	q->call = call;
	q->web = http_call_ctx(call);
	memset(&r, 0, sizeof(r));
	r.view = BRIDGE_VIEW_ALL;
	if ((rc = core_devices(q->web->core, &r, geo_reply_cb, q,
	    &q->seq)) != 0) {
		api_core_error(call, rc);
		free(q);
		return;
	}
	http_call_on_gone(call, geo_gone_cb, q);
}

#define API_GP		(HTTP_M_GET | HTTP_M_POST)
#define API_CMD		(HTTP_F(FORMAT_CMD) | HTTP_F_DATA)

const struct http_route api_gps_routes[] = {
	{ "/gps/location.@", API_GP, HTTP_F_DATA, false, api_gps_location },
	{ "/gps/all_gps.@", API_GP, HTTP_F_DATA, false, api_gps_all },
	{ "/gps/drivers.@", API_GP, HTTP_F_DATA, false, api_gps_drivers },
	{ "/gps/track.@", API_GP, HTTP_F_DATA, false, api_gps_track },
	{ "/gps/map.@", API_GP, HTTP_F_DATA, false, api_gps_map },
	{ "/gps/all_locations.@", API_GP, HTTP_F_DATA, false,
	    api_gps_all_locations },
	{ "/gps/by-uuid/*/location.@", API_GP, HTTP_F_DATA, false,
	    api_gps_uuid_location },
	{ "/gps/add_gps.@", HTTP_M_POST, API_CMD, false, api_gps_add },
	{ "/gps/by-uuid/*/remove_gps.@", API_GP, API_CMD, false,
	    api_gps_remove },
	{ "/gps/web/update.@", HTTP_M_POST, API_CMD, false,
	    api_gps_web_update },
	{ "/devices/location/devices.geojson", API_GP, 0, false,
	    api_gps_geojson },
};

const size_t api_gps_nroutes = sizeof(api_gps_routes) /
    sizeof(api_gps_routes[0]);
