/* SPDX-License-Identifier: ISC */
/*
 * \summary: alert endpoints: the backlog, definitions, custom alerts
 *
 * The core keeps the definitions and the backlog (daemon/alerts/alerts.h); the
 * alert engine raises its alerts there, and so do external tools through
 * raise_alerts.cmd once they have defined theirs with define_alert.cmd.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "core.h"
#include "http.h"
#include "web.h"

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
	{ "/alerts/definitions.@", API_GP, HTTP_F_DATA, false,
	    api_alerts_definitions },
	{ "/alerts/definitions/define_alert.@", HTTP_M_POST, API_CMD, false,
	    api_define_alert },
	{ "/alerts/raise_alerts.@", HTTP_M_POST, API_CMD, false,
	    api_raise_alert },
};

const size_t api_alerts_nroutes = sizeof(api_alerts_routes) /
    sizeof(api_alerts_routes[0]);
