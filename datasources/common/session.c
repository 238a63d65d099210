/* SPDX-License-Identifier: ISC */
/*
 * \summary: the helper side of the datasource protocol session
 *
 * Requests from the server are checked against the state they are
 * allowed in (one table), handled by calling the driver, and answered by
 * the matching report with the request's seqno (doc/protocol.md,
 * "Session"; doc/helpers.md, "Session states").
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "helper.h"
#include "log.h"

#define ST(s)		(1U << (s))
#define ST_LINKED	(ST(HS_IDLE) | ST(HS_OPEN))
#define ST_ANY		(ST_LINKED | ST(HS_CLOSING))

struct session_handler {
	enum msg_type	 type;
	unsigned int	 states;	/* ST() bits it is allowed in */
	void		(*fn)(struct helper *, const struct msg *);
};

static const char *
session_state_name(enum helper_state s)
{
	switch (s) {
	case HS_DOWN:
		return "down";
	case HS_IDLE:
		return "idle";
	case HS_OPEN:
		return "open";
	case HS_CLOSING:
		return "closing";
	}
	return "?";
}

/* A report of the kind that answers request type, saying it failed. */
static void
session_fail(struct helper *h, enum msg_type req, uint32_t seqno,
    const char *text)
{
	struct msg m;
	struct msg_result res = { .success = false, .seqno = seqno };
	struct msg_text msgtext = { .level = MSG_LEVEL_ERROR, .text = text };

	memset(&m, 0, sizeof(m));
	switch (req) {
	case MSG_PROBESOURCE:
		m.type = MSG_PROBESOURCEREPORT;
		m.u.probe_report.result = res;
		m.u.probe_report.message = msgtext;
		break;
	case MSG_OPENSOURCE:
		m.type = MSG_OPENSOURCEREPORT;
		m.u.open_report.result = res;
		m.u.open_report.message = msgtext;
		break;
	case MSG_LISTINTERFACES:
		m.type = MSG_INTERFACESREPORT;
		m.u.interfaces_report.result = res;
		m.u.interfaces_report.message = msgtext;
		break;
	case MSG_CONFIGURE:
		m.type = MSG_CONFIGUREREPORT;
		m.u.configure_report.result = res;
		m.u.configure_report.message = msgtext;
		break;
	default:
		m.type = MSG_ERRORREPORT;
		m.u.error_report.result = res;
		m.u.error_report.message = msgtext;
		break;
	}
	/* A probe refusal is an answer, not a failure: the server decides. */
	if (req == MSG_PROBESOURCE)
		log_debug("%s", text);
	else
		log_warnx("%s", text);
	(void)helper_reply(h, &m);
}

/* Parse a definition from the server and check it is ours. */
static int
session_parse_def(struct helper *h, const char *text, struct srcdef *ret,
    char *err, size_t errlen)
{
	struct srcdef d;
	const char *type;
	char why[256];

	if (srcdef_parse(text, &d, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: bad source definition '%.200s': %s",
		    h->ops->type, text, why);
		return -EINVAL;
	}
	type = srcdef_get(&d, "type");
	if (type != NULL && strcasecmp(type, h->ops->type) != 0) {
		snprintf(err, errlen, "%s: source type '%.64s' is not handled "
		    "by %s", h->ops->type, type, h->prog);
		srcdef_free(&d);
		return -EPROTONOSUPPORT;
	}
	*ret = d;
	return 0;
}

static void
session_ping(struct helper *h, const struct msg *m)
{
	struct msg pong = { .type = MSG_PONG, .u.pong_seqno = m->seqno };

	/* The server is alive: the 15 s rule counts from here. */
	h->last_ping = helper_now_ms();
	(void)helper_reply(h, &pong);
}

static void
session_ignore(struct helper *h, const struct msg *m)
{
}

static void
session_server_message(struct helper *h, const struct msg *m)
{
	/* A refusal comes as an ERROR message before the link closes. */
	if (m->u.message.level >= MSG_LEVEL_ERROR)
		log_warnx("server says: %s", m->u.message.text);
	else
		log_info("server says: %s", m->u.message.text);
}

static void
session_shutdown(struct helper *h, const struct msg *m)
{
	log_info("server asked to shut down: %s", m->u.shutdown_reason);
	helper_close_source(h);
	helper_closing(h, 0);
}

static void
session_close(struct helper *h, const struct msg *m)
{
	log_info("server closed the source");
	helper_close_source(h);
	helper_closing(h, 0);
}

static void
session_probe(struct helper *h, const struct msg *m)
{
	struct msg r;
	struct srcdef d;
	struct ds_probe p;
	char err[512];
	int e;

	memset(&p, 0, sizeof(p));
	e = session_parse_def(h, m->u.definition, &d, err, sizeof(err));
	if (e == 0) {
		err[0] = '\0';
		e = h->ops->probe != NULL ?
		    h->ops->probe(h, &d, &p, err, sizeof(err)) : 0;
		srcdef_free(&d);
	}
	if (e < 0) {
		session_fail(h, MSG_PROBESOURCE, m->seqno, err);
	} else {
		memset(&r, 0, sizeof(r));
		r.type = MSG_PROBESOURCEREPORT;
		r.u.probe_report.result.success = true;
		r.u.probe_report.result.seqno = m->seqno;
		r.u.probe_report.has_channels = p.n_channels > 0;
		r.u.probe_report.channels.list = (const char **)p.channels;
		r.u.probe_report.channels.count = p.n_channels;
		r.u.probe_report.channel = p.channel;
		r.u.probe_report.hardware = p.hardware[0] != '\0' ?
		    p.hardware : NULL;
		(void)helper_reply(h, &r);
	}
	/* A local probe helper answers once and goes (doc/protocol.md). */
	if (!h->cmd.remote)
		helper_closing(h, 0);
}

static void
session_list(struct helper *h, const struct msg *m)
{
	static struct ds_iface ifs[64];
	struct msg_iface out[64];
	struct msg r;
	char err[512];
	int n = 0, i;

	memset(&r, 0, sizeof(r));
	r.type = MSG_INTERFACESREPORT;
	r.u.interfaces_report.result.success = true;
	r.u.interfaces_report.result.seqno = m->seqno;
	if (h->ops->list == NULL) {
		r.u.interfaces_report.message.level = MSG_LEVEL_INFO;
		r.u.interfaces_report.message.text = h->ops->source_help;
	} else if ((n = h->ops->list(h, ifs, 64, err, sizeof(err))) < 0) {
		session_fail(h, MSG_LISTINTERFACES, m->seqno, err);
		n = -1;
	}
	for (i = 0; i < n; i++) {
		out[i].interface = ifs[i].interface;
		out[i].flags = ifs[i].flags;
		out[i].hardware = ifs[i].hardware[0] != '\0' ?
		    ifs[i].hardware : NULL;
		out[i].capinterface = NULL;
	}
	if (n >= 0) {
		r.u.interfaces_report.ifaces = out;
		r.u.interfaces_report.n_ifaces = (size_t)n;
		(void)helper_reply(h, &r);
	}
	if (!h->cmd.remote)
		helper_closing(h, 0);
}

static void
session_open_report(struct helper *h, uint32_t seqno)
{
	const char *list[HOP_MAX_CHANNELS];
	struct msg r;
	struct msg_open_report *o = &r.u.open_report;

	memset(&r, 0, sizeof(r));
	r.type = MSG_OPENSOURCEREPORT;
	o->result.success = true;
	o->result.seqno = seqno;
	o->has_dlt = true;
	o->dlt = h->info.dlt;
	o->capture_interface = h->info.capture_interface[0] != '\0' ?
	    h->info.capture_interface : h->def.interface;
	o->has_channels = h->info.n_channels > 0;
	o->channels.list = (const char **)h->info.channels;
	o->channels.count = h->info.n_channels;
	if (h->hopping) {
		o->has_hop = true;
		h->ops->chanctl->hop_msg(h, &o->hop, list);
	} else if (h->channel[0] != '\0')
		o->channel = h->channel;
	o->hardware = h->info.hardware[0] != '\0' ? h->info.hardware : NULL;
	o->uuid = h->uuid;
	o->warning = h->info.warning[0] != '\0' ? h->info.warning : NULL;
	(void)helper_reply(h, &r);
}

/* Options every source takes (the core reads most); info_* annotate. */
static const char *const session_common_options[] = {
	"name", "uuid", "type", "retry", "channel", "channels", "add_channels",
	"block_channels", "channel_hop", "channel_hoprate", "timestamp", NULL,
};

static bool
session_listed(const char *const *list, const char *key)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcasecmp(*list, key) == 0)
			return true;
	return false;
}

/*
 * A misspelt option (realtim=true) would be ignored without a word: warn,
 * naming it and the options this type of source takes.
 */
static void
session_check_options(struct helper *h, const struct srcdef *d)
{
	const char *const *o;
	char bad[256], takes[512];
	size_t i, nb = 0, nt = 0;
	unsigned n = 0;

	if (h->ops->options == NULL)
		return;
	bad[0] = takes[0] = '\0';
	for (i = 0; i < d->n_opts; i++) {
		if (strncasecmp(d->opts[i].key, "info_", 5) == 0 ||
		    session_listed(session_common_options, d->opts[i].key) ||
		    session_listed(h->ops->options, d->opts[i].key))
			continue;
		if (nb < sizeof(bad))
			nb += (size_t)snprintf(bad + nb, sizeof(bad) - nb,
			    "%s'%s'", n > 0 ? ", " : "", d->opts[i].key);
		n++;
	}
	if (n == 0)
		return;
	for (o = h->ops->options; *o != NULL && nt < sizeof(takes); o++)
		nt += (size_t)snprintf(takes + nt, sizeof(takes) - nt, "%s%s",
		    o == h->ops->options ? "" : ", ", *o);
	helper_warning(h, "%s: %s: unknown option%s %s ignored; a %s source "
	    "takes %s, and name, uuid, type, retry, channel, channels, "
	    "add_channels, block_channels, channel_hop, channel_hoprate, "
	    "timestamp, info_*", h->ops->type, d->interface, n > 1 ? "s" : "",
	    bad, h->ops->type, takes);
}

static void
session_open(struct helper *h, const struct msg *m)
{
	struct srcdef d;
	char err[512];
	int r;

	if (h->open) {
		/* A remote server opening again after a reconnect. */
		if (strcmp(h->definition, m->u.definition) != 0) {
			snprintf(err, sizeof(err), "%s: a source is open "
			    "already ('%.200s')", h->ops->type, h->definition);
			session_fail(h, MSG_OPENSOURCE, m->seqno, err);
			return;
		}
		session_open_report(h, m->seqno);
		h->state = HS_OPEN;
		h->last_ping = helper_now_ms();
		if (h->finished && h->end_text[0] != '\0')
			helper_message(h, MSG_LEVEL_INFO, "%s", h->end_text);
		return;
	}
	if (session_parse_def(h, m->u.definition, &d, err, sizeof(err)) < 0)
		goto fail;
	h->def = d;
	snprintf(h->definition, sizeof(h->definition), "%s",
	    m->u.definition);
	if (srcdef_uuid(&h->def, h->ops->type, h->uuid, err,
	    sizeof(err)) < 0)
		goto fail_def;
	session_check_options(h, &h->def);
	memset(&h->info, 0, sizeof(h->info));
	h->info.fd = -1;
	err[0] = '\0';
	if ((r = h->ops->open(h, &h->def, &h->info, err, sizeof(err))) < 0) {
		if (err[0] == '\0')
			snprintf(err, sizeof(err), "%s: %s: %s", h->ops->type,
			    h->def.interface, strerror(-r));
		goto fail_def;
	}
	h->open = true;
	if ((h->ops->chanctl != NULL &&
	    h->ops->chanctl->initial(h, err, sizeof(err)) < 0) ||
	    helper_lockdown(h, err, sizeof(err)) < 0 ||
	    (h->ops->start != NULL && h->ops->start(h, err, sizeof(err)) < 0))
		goto fail_open;
	session_open_report(h, m->seqno);
	h->state = HS_OPEN;
	/*
	 * The server pings from the open on (before, it sends nothing
	 * unasked): the 15 s rule counts from here, however long the open
	 * took.
	 */
	h->last_ping = helper_now_ms();
	log_info("opened %s source '%s' (uuid %s, link type %u)",
	    h->ops->type, h->def.interface, h->uuid, h->info.dlt);
	return;

fail_open:
	helper_close_source(h);
fail_def:
	srcdef_free(&h->def);
	h->definition[0] = '\0';
fail:
	session_fail(h, MSG_OPENSOURCE, m->seqno, err);
	helper_closing(h, 1);
}

/* Channels are the driver's channel control's (chanctl.c), if it has one. */
static void
session_configure(struct helper *h, const struct msg *m)
{
	char err[512];

	err[0] = '\0';
	if (h->ops->chanctl == NULL)
		snprintf(err, sizeof(err), "%s: %s sources have no channels "
		    "to tune", h->def.interface, h->ops->type);
	else if (h->ops->chanctl->configure(h, m, err, sizeof(err)) == 0)
		return;
	session_fail(h, MSG_CONFIGURE, m->seqno, err);
}

void
session_announce(struct helper *h)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_NEWSOURCE;
	m.u.new_source.definition = h->cmd.source;
	m.u.new_source.sourcetype = h->ops->type;
	m.u.new_source.uuid = h->uuid;
	(void)helper_reply(h, &m);
}

static const struct session_handler session_handlers[] = {
	{ MSG_PING,		ST_ANY,		session_ping },
	{ MSG_PONG,		ST_ANY,		session_ignore },
	{ MSG_MESSAGE,		ST_ANY,		session_server_message },
	{ MSG_SHUTDOWN,		ST_LINKED,	session_shutdown },
	{ MSG_PROBESOURCE,	ST(HS_IDLE),	session_probe },
	{ MSG_LISTINTERFACES,	ST(HS_IDLE),	session_list },
	{ MSG_OPENSOURCE,	ST(HS_IDLE),	session_open },
	{ MSG_CONFIGURE,	ST(HS_OPEN),	session_configure },
	{ MSG_CLOSEDATASOURCE,	ST_LINKED,	session_close },
};

void
session_dispatch(struct helper *h, const struct msg *m)
{
	const struct session_handler *sh = NULL;
	const char *cmd = msgtype_command(m->type);
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(session_handlers) /
	    sizeof(session_handlers[0]); i++)
		if (session_handlers[i].type == m->type) {
			sh = &session_handlers[i];
			break;
		}
	if (sh != NULL && (sh->states & ST(h->state)) != 0) {
		log_debug("server: %s seqno %u", cmd, m->seqno);
		sh->fn(h, m);
		return;
	}
	if (h->state == HS_CLOSING)
		return;		/* answered for good already */
	snprintf(err, sizeof(err), "%s: %s is not expected %s (source %s)",
	    h->prog, cmd, sh == NULL ? "from a server" : "now",
	    session_state_name(h->state));
	/* A request still gets its report, so the server is not left
	   waiting; anything else is only logged. */
	switch (m->type) {
	case MSG_PROBESOURCE:
	case MSG_OPENSOURCE:
	case MSG_LISTINTERFACES:
	case MSG_CONFIGURE:
		session_fail(h, m->type, m->seqno, err);
		break;
	default:
		log_warnx("%s; ignored", err);
		break;
	}
}
