/* SPDX-License-Identifier: ISC */
/*
 * \summary: datasource endpoints: list, by-uuid, add, channel and state
 *
 * The web checks the shape of each command and forwards it to the core
 * as a SOURCE_CMD; the core runs it against the helper and answers with
 * the source as it is afterwards, or an ERROR with the status and reason
 * the client gets (doc/bridge.md).
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bridge.h"
#include "core.h"
#include "http.h"
#include "web.h"
#include "xmalloc.h"

#define API_MAX_CHANNEL		32	/* "149VHT160" and friends */
#define API_MAX_DEFINITION	4096

static bool
api_uuid_ok(const char *s)
{
	return args_uuid_ok(s);
}

static void
api_sources_all(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	struct api_fwd *f = api_fwd_new(call, 0);
	uint32_t seq;
	int rc;

	if (api_fwd_fields(f) != 0)
		return;
	if ((rc = core_sources(w->core, NULL, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

static void
api_sources_one(struct http_call *call)
{
	struct web *w = http_call_ctx(call);
	const char *uuid = http_call_arg(call, 0);
	struct api_fwd *f;
	uint32_t seq;
	int rc;

	if (!api_uuid_ok(uuid)) {
		http_reply_error(call, 404, "no such datasource");
		return;
	}
	f = api_fwd_new(call, 1);
	if (api_fwd_fields(f) != 0)
		return;
	if ((rc = core_sources(w->core, uuid, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

/* A channel given as a string or a number, copied into buf. */
static int
api_channel_text(yajl_val v, char *buf, size_t len)
{
	int n;

	if (YAJL_IS_STRING(v)) {
		n = snprintf(buf, len, "%s", v->u.string);
	} else if (YAJL_IS_INTEGER(v)) {
		n = snprintf(buf, len, "%lld", YAJL_GET_INTEGER(v));
	} else
		return -EINVAL;
	if (n <= 0 || (size_t)n >= len)
		return -EINVAL;
	return 0;
}

/*
 * Read the hop part of a command: "channels" (list), "rate" (hops a
 * second, a number), "shuffle" (bool).  Lists are put in the caller's
 * storage.  0 or -EINVAL with a reason.
 */
static int
api_hop_args(yajl_val root, struct bridge_source_cmd *c, char *store,
    const char **list, size_t max, char *err, size_t errlen)
{
	static const char *pchan[] = { "channels", NULL };
	static const char *prate[] = { "rate", NULL };
	static const char *phop[] = { "hoprate", NULL };
	static const char *pshuf[] = { "shuffle", NULL };
	yajl_val v;
	size_t i;

	if ((v = yajl_tree_get(root, pchan, yajl_t_any)) != NULL) {
		if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0 ||
		    v->u.array.len > max) {
			snprintf(err, errlen, "\"channels\" must be a list of "
			    "1 to %zu channels", max);
			return -EINVAL;
		}
		for (i = 0; i < v->u.array.len; i++) {
			if (api_channel_text(v->u.array.values[i],
			    store + i * API_MAX_CHANNEL, API_MAX_CHANNEL) !=
			    0) {
				snprintf(err, errlen, "channel %zu is not a "
				    "channel", i);
				return -EINVAL;
			}
			list[i] = store + i * API_MAX_CHANNEL;
		}
		c->channels = list;
		c->n_channels = v->u.array.len;
	}
	/* Kismet's documentation says "hoprate"; doc/rest.md and the UI "rate". */
	if ((v = yajl_tree_get(root, prate, yajl_t_any)) != NULL ||
	    (v = yajl_tree_get(root, phop, yajl_t_any)) != NULL) {
		if (!YAJL_IS_NUMBER(v) || !isfinite(YAJL_GET_DOUBLE(v)) ||
		    YAJL_GET_DOUBLE(v) <= 0 || YAJL_GET_DOUBLE(v) > 1000) {
			snprintf(err, errlen, "\"rate\" must be a number of "
			    "hops a second, above 0 and at most 1000");
			return -EINVAL;
		}
		c->has_rate = true;
		c->rate = YAJL_GET_DOUBLE(v);
	}
	/* A boolean, or Kismet's documented integer 0 or 1. */
	if ((v = yajl_tree_get(root, pshuf, yajl_t_any)) != NULL) {
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v) &&
		    !(YAJL_IS_INTEGER(v) && (YAJL_GET_INTEGER(v) == 0 ||
		    YAJL_GET_INTEGER(v) == 1))) {
			snprintf(err, errlen, "\"shuffle\" must be true or "
			    "false (or 1 or 0)");
			return -EINVAL;
		}
		c->has_shuffle = true;
		c->shuffle = YAJL_IS_TRUE(v) || (YAJL_IS_INTEGER(v) &&
		    YAJL_GET_INTEGER(v) == 1);
	}
	return 0;
}

static void
api_source_send(struct http_call *call, const struct bridge_source_cmd *c)
{
	struct web *w = http_call_ctx(call);
	struct api_fwd *f = api_fwd_new(call, 0);
	uint32_t seq;
	int rc;

	if ((rc = core_source_cmd(w->core, c, api_fwd_cb, f, &seq)) != 0) {
		api_fwd_fail(f, rc);
		return;
	}
	f->seq = seq;
	api_fwd_watch(f);
}

static void
api_add_source(struct http_call *call)
{
	static const char *pdef[] = { "definition", NULL };
	struct bridge_source_cmd c;
	char err[256] = "";
	yajl_val root, v;

	memset(&c, 0, sizeof(c));
	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	v = root != NULL ? yajl_tree_get(root, pdef, yajl_t_string) : NULL;
	if (v == NULL || v->u.string[0] == '\0' ||
	    strlen(v->u.string) > API_MAX_DEFINITION) {
		http_reply_error(call, 400, "expected {\"definition\": "
		    "\"SOURCE\"}");
		return;
	}
	c.cmd = BRIDGE_SRC_ADD;
	c.definition = v->u.string;
	api_source_send(call, &c);
}

static void
api_set_channel_common(struct http_call *call, uint32_t cmd)
{
	static const char *pchan[] = { "channel", NULL };
	char store[256 * API_MAX_CHANNEL];
	char chan[API_MAX_CHANNEL], err[256] = "";
	const char *list[256];
	struct bridge_source_cmd c;
	yajl_val root, v;
	const char *uuid = http_call_arg(call, 0);

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.uuid = uuid;
	if (!api_uuid_ok(uuid)) {
		http_reply_error(call, 404, "no such datasource");
		return;
	}
	if (http_call_json(call, &root, err, sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	if (root != NULL && !YAJL_IS_OBJECT(root)) {
		http_reply_error(call, 400, "the command must be a JSON "
		    "object");
		return;
	}
	if (root != NULL && api_hop_args(root, &c, store, list, 256, err,
	    sizeof(err)) != 0) {
		http_reply_error(call, 400, err);
		return;
	}
	v = root != NULL ? yajl_tree_get(root, pchan, yajl_t_any) : NULL;
	if (cmd == BRIDGE_SRC_SET_CHANNEL) {
		if (v != NULL) {
			if (api_channel_text(v, chan, sizeof(chan)) != 0) {
				http_reply_error(call, 400, "\"channel\" is "
				    "not a channel");
				return;
			}
			c.channel = chan;
		}
		/*
		 * Lock to one channel, or hop a list, or (a rate alone)
		 * change the hop rate over the channels it has.
		 */
		if ((c.channel != NULL && c.n_channels > 0) ||
		    (c.channel == NULL && c.n_channels == 0 && !c.has_rate)) {
			http_reply_error(call, 400, "give \"channel\" to lock, "
			    "\"channels\" (and \"rate\") to hop, or \"rate\" "
			    "alone to change the hop rate");
			return;
		}
	}
	api_source_send(call, &c);
}

static void
api_set_channel(struct http_call *call)
{
	api_set_channel_common(call, BRIDGE_SRC_SET_CHANNEL);
}

static void
api_set_hop(struct http_call *call)
{
	api_set_channel_common(call, BRIDGE_SRC_SET_HOP);
}

static void
api_source_state(struct http_call *call, uint32_t cmd)
{
	struct bridge_source_cmd c;
	const char *uuid = http_call_arg(call, 0);

	if (!api_uuid_ok(uuid)) {
		http_reply_error(call, 404, "no such datasource");
		return;
	}
	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.uuid = uuid;
	api_source_send(call, &c);
}

static void
api_open_source(struct http_call *call)
{
	api_source_state(call, BRIDGE_SRC_OPEN);
}

static void
api_close_source(struct http_call *call)
{
	api_source_state(call, BRIDGE_SRC_CLOSE);
}

static void
api_pause_source(struct http_call *call)
{
	api_source_state(call, BRIDGE_SRC_PAUSE);
}

static void
api_resume_source(struct http_call *call)
{
	api_source_state(call, BRIDGE_SRC_RESUME);
}

/* Answered by the core from what it runs: types, defaults. */
static void
api_sources_system(struct http_call *call, uint32_t what)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, what, NULL);
}

static void
api_source_types(struct http_call *call)
{
	api_sources_system(call, BRIDGE_SYS_SOURCE_TYPES);
}

static void
api_source_defaults(struct http_call *call)
{
	api_sources_system(call, BRIDGE_SYS_SOURCE_DEFAULTS);
}

/* Each installed helper is asked; the answer takes up to a few seconds. */
static void
api_list_interfaces(struct http_call *call)
{
	api_sources_system(call, BRIDGE_SYS_INTERFACES);
}

#define API_CMD	(HTTP_F(FORMAT_CMD) | HTTP_F_DATA)
#define API_GP	(HTTP_M_GET | HTTP_M_POST)

const struct http_route api_sources_routes[] = {
	{ "/datasource/all_sources.@", API_GP, HTTP_F_LISTS, false,
	    api_sources_all },
	{ "/datasource/by-uuid/*/source.@", API_GP, HTTP_F_DATA, false,
	    api_sources_one },
	{ "/datasource/types.@", API_GP, HTTP_F_LISTS, false,
	    api_source_types },
	{ "/datasource/defaults.@", API_GP, HTTP_F_DATA, false,
	    api_source_defaults },
	{ "/datasource/list_interfaces.@", API_GP, HTTP_F_LISTS, false,
	    api_list_interfaces },
	{ "/datasource/add_source.@", HTTP_M_POST, API_CMD, false,
	    api_add_source },
	{ "/datasource/by-uuid/*/set_channel.@", HTTP_M_POST, API_CMD, false,
	    api_set_channel },
	{ "/datasource/by-uuid/*/set_hop.@", HTTP_M_GET | HTTP_M_POST,
	    API_CMD, false, api_set_hop },
	{ "/datasource/by-uuid/*/open_source.@", HTTP_M_GET | HTTP_M_POST,
	    API_CMD, false, api_open_source },
	{ "/datasource/by-uuid/*/close_source.@", HTTP_M_GET | HTTP_M_POST,
	    API_CMD, false, api_close_source },
	{ "/datasource/by-uuid/*/disable_source.@", HTTP_M_GET | HTTP_M_POST,
	    API_CMD, false, api_close_source },
	{ "/datasource/by-uuid/*/enable_source.@", HTTP_M_GET | HTTP_M_POST,
	    API_CMD, false, api_open_source },
	{ "/datasource/by-uuid/*/pause_source.@", HTTP_M_GET | HTTP_M_POST,
	    API_CMD, false, api_pause_source },
	{ "/datasource/by-uuid/*/resume_source.@", HTTP_M_GET | HTTP_M_POST,
	    API_CMD, false, api_resume_source },
};

const size_t api_sources_nroutes = sizeof(api_sources_routes) /
    sizeof(api_sources_routes[0]);
