/* SPDX-License-Identifier: ISC */
/*
 * \summary: device views, phys, multikey, related devices, names and tags
 *
 * Kismet's views are named subsets of the devices: "all",
 * "phydot11_accesspoints", "phy-PHYNAME" for each phy and "seenby-UUID"
 * for each datasource.  /devices/views/all_views.json lists them with
 * their sizes (the core counts); any of them answers the view calls.
 * The device calls here build a DEVICES_REQ and hand it to
 * api_devices.c, which runs every device query.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "core.h"
#include "http.h"
#include "web.h"
#include "xmalloc.h"

/*
 * The request a view id stands for; its strings point into id.  0, or
 * -ENOENT for no such view.
 */
static int
api_view_req(const char *id, struct bridge_devices_req *r)
{
	memset(r, 0, sizeof(*r));
	if (strcmp(id, "all") == 0)
		return 0;
	if (strcmp(id, "phydot11_accesspoints") == 0) {
		r->view = BRIDGE_VIEW_ACCESSPOINTS;
		return 0;
	}
	if (strncmp(id, "phy-", 4) == 0 && id[4] != '\0') {
		r->phyname = id + 4;
		return 0;
	}
	if (strncmp(id, "seenby-", 7) == 0 && id[7] != '\0') {
		r->seenby = id + 7;
		return 0;
	}
	return -ENOENT;
}

static void
api_all_views(struct http_call *call)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, BRIDGE_SYS_VIEWS, NULL);
}

/* /devices/views/ID/devices.json: the paged view. */
static void
api_view_devices(struct http_call *call)
{
	struct bridge_devices_req r;

	if (api_view_req(http_call_arg(call, 0), &r) != 0) {
		http_reply_error(call, 404, "no such view");
		return;
	}
	api_devices_view(call, &r);
}

/* /devices/views/ID/last-time/TS/devices.json: what changed after TS. */
static void
api_view_last_time(struct http_call *call)
{
	struct bridge_devices_req r;

	if (api_view_req(http_call_arg(call, 0), &r) != 0) {
		http_reply_error(call, 404, "no such view");
		return;
	}
	if (api_parse_ts(http_call_arg(call, 1), &r.since) != 0) {
		http_reply_error(call, 400, "bad timestamp");
		return;
	}
	r.has_since = true;
	api_devices_list(call, &r, 0);
}

static void
api_by_phy(struct http_call *call)
{
	struct bridge_devices_req r;

	memset(&r, 0, sizeof(r));
	r.phyname = http_call_arg(call, 0);
	api_devices_list(call, &r, 0);
}

static void
api_related_to(struct http_call *call)
{
	struct bridge_devices_req r;

	memset(&r, 0, sizeof(r));
	r.related_to = http_call_arg(call, 0);
	api_devices_list(call, &r, 0);
}

/* {"devices": [KEY, ...]}: as a list, or as an object by key. */
static void
api_multikey_common(struct http_call *call, int as_object)
{
	static const char *pdev[] = { "devices", NULL };
	struct bridge_devices_req r;
	char err[256] = "";
	const char **keys;
	yajl_val root, v;
	size_t i;

	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	v = root != NULL ? yajl_tree_get(root, pdev, yajl_t_array) : NULL;
	if (v == NULL || v->u.array.len == 0 ||
	    v->u.array.len > BRIDGE_MAX_LIST) {
		http_reply_error(call, 400, "expected {\"devices\": [KEY, "
		    "...]}");
		return;
	}
	keys = xcalloc(v->u.array.len, sizeof(*keys));
	for (i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i])) {
			http_reply_error(call, 400, "a device key is a "
			    "string");
			free(keys);
			return;
		}
		keys[i] = v->u.array.values[i]->u.string;
	}
	memset(&r, 0, sizeof(r));
	r.keys = keys;
	r.n_keys = v->u.array.len;
	if (as_object)
		api_devices_object(call, &r);
	else
		api_devices_list(call, &r, 0);
	free(keys);
}

static void
api_multikey(struct http_call *call)
{
	api_multikey_common(call, 0);
}

static void
api_multikey_object(struct http_call *call)
{
	api_multikey_common(call, 1);
}

static void
api_all_phys(struct http_call *call)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, BRIDGE_SYS_PHYS, NULL);
}

/* A string member of the command (a number is taken as its text). */
static const char *
api_views_str(yajl_val root, const char *name, char *buf, size_t len)
{
	const char *path[] = { name, NULL };
	yajl_val v;

	if (root == NULL || (v = yajl_tree_get(root, path, yajl_t_any)) ==
	    NULL)
		return NULL;
	if (YAJL_IS_STRING(v))
		return v->u.string;
	if (YAJL_IS_NUMBER(v)) {
		if (YAJL_IS_INTEGER(v))
			snprintf(buf, len, "%lld", YAJL_GET_INTEGER(v));
		else
			snprintf(buf, len, "%g", YAJL_GET_DOUBLE(v));
		return buf;
	}
	return NULL;
}

static void
api_user_cmd(struct http_call *call, uint32_t cmd)
{
	struct web *w = http_call_ctx(call);
	struct bridge_cmd c;
	struct api_fwd *f;
	char err[256] = "", b1[32], b2[32];
	yajl_val root;
	uint32_t seq;
	int rc;

	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.key = http_call_arg(call, 0);
	if (cmd == BRIDGE_CMD_SET_NAME) {
		c.name = api_views_str(root, "username", b1, sizeof(b1));
		if (c.name == NULL) {
			http_reply_error(call, 400, "expected {\"username\": "
			    "NAME} (\"\" clears it)");
			return;
		}
	} else {
		c.name = api_views_str(root, "tagname", b1, sizeof(b1));
		c.value = api_views_str(root, "tagvalue", b2, sizeof(b2));
		if (c.name == NULL || c.value == NULL || *c.name == '\0') {
			http_reply_error(call, 400, "expected {\"tagname\": "
			    "TAG, \"tagvalue\": VALUE} (\"\" removes it)");
			return;
		}
	}
	f = api_fwd_new(call, 0);
	if ((rc = core_cmd(w->core, &c, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

static void
api_set_name(struct http_call *call)
{
	api_user_cmd(call, BRIDGE_CMD_SET_NAME);
}

static void
api_set_tag(struct http_call *call)
{
	api_user_cmd(call, BRIDGE_CMD_SET_TAG);
}

#define API_GP		(HTTP_M_GET | HTTP_M_POST)
#define API_CMD		(HTTP_F(FORMAT_CMD) | HTTP_F_DATA)

/* Every view, "all" and "phydot11_accesspoints" included. */
const struct http_route api_views_routes[] = {
	{ "/devices/views/all_views.@", API_GP, HTTP_F_DATA, false,
	    api_all_views },
	{ "/devices/views/*/devices.@", API_GP, HTTP_F_LISTS, false,
	    api_view_devices },
	{ "/devices/views/*/last-time/*/devices.@", API_GP, HTTP_F_LISTS,
	    false, api_view_last_time },
	{ "/devices/by-phy/*/devices.@", API_GP, HTTP_F_LISTS, false,
	    api_by_phy },
	{ "/devices/multikey/devices.@", HTTP_M_POST, HTTP_F_LISTS, false,
	    api_multikey },
	{ "/devices/multikey/as-object/devices.@", HTTP_M_POST, HTTP_F_DATA,
	    false, api_multikey_object },
	{ "/devices/by-key/*/set_name.@", HTTP_M_POST, API_CMD, false,
	    api_set_name },
	{ "/devices/by-key/*/set_tag.@", HTTP_M_POST, API_CMD, false,
	    api_set_tag },
	{ "/phy/all_phys.@", API_GP, HTTP_F_LISTS, false, api_all_phys },
	{ "/phy/phy80211/related-to/*/devices.@", API_GP, HTTP_F_LISTS,
	    false, api_related_to },
};

const size_t api_views_nroutes = sizeof(api_views_routes) /
    sizeof(api_views_routes[0]);
