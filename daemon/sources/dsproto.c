/* SPDX-License-Identifier: ISC */
/*
 * \summary: what each helper message does to a source, state by state
 *
 * Receivers check in order (doc/style.md): the peer capped the frame's
 * length and decoded it; here the type is checked against the table of
 * the states that may receive it, then the reply's seqno against the
 * request it answers.  Anything else drops the helper with one reason.
 */

#include <sys/time.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "datasource.h"
#include "dsint.h"
#include "msg.h"
#include "packet.h"
#include "peer.h"
#include "xmalloc.h"

#define ST(s)		(1U << (s))
#define ST_LIVE		(ST(DS_PROBING) | ST(DS_OPENING) | ST(DS_RUNNING) | \
			    ST(DS_PAUSED))
#define ST_OPEN		(ST(DS_RUNNING) | ST(DS_PAUSED))

/* A bad message: a probing source tries the next type, others fail. */
static void
ds_bad(struct datasource *ds, const char *why)
{
	if (ds->state == DS_PROBING)
		ds_probe_failed(ds, why);
	else
		ds_fail(ds, "%s", why);
}

static const char *
text_or(const struct msg_text *t, const char *dflt)
{
	return t->text != NULL && t->text[0] != '\0' ? t->text : dflt;
}

/*
 * The pcapfile helper says it has read its whole file in an INFO message
 * and then idles (as Kismet's does: "... closed: end of pcapfile
 * reached").  The source is then finished: --exit-when-done counts it
 * as done, and the helper's later exit is no error.
 */
static bool
says_end_of_input(const char *text)
{
	return strcasestr(text, "end of file") != NULL ||
	    strcasestr(text, "end of pcap") != NULL;
}

/*
 * The protocol has no drop counter: the helper framework reports drops
 * in a warning, "...: N frames dropped since the start: ...".  Take N
 * from it so that the source's num_drops shows what the helper lost.
 */
static void
ds_note_drops(struct datasource *ds, const char *text)
{
	const char *p = strstr(text, " frames dropped"), *q;
	unsigned long long n = 0;

	if (p == NULL)
		return;
	for (q = p; q > text && q[-1] >= '0' && q[-1] <= '9'; q--)
		;
	if (q == p || p - q > 19)
		return;
	for (; q < p; q++)
		n = n * 10 + (unsigned long long)(*q - '0');
	if (n > ds->num_drops)
		ds->num_drops = n;
}

static void
ds_warning(struct datasource *ds, const char *text)
{
	/* A warning in the log, information on the bus (as Kismet has it). */
	log_warnx("source '%s': helper warning: %s", ds->name, text);
	msgbus_post(ds->mgr->bus, MSGBUS_INFO, "source '%s': helper warning: "
	    "%s", ds->name, text);
	ds_note_drops(ds, text);
}

static void
ds_text(struct datasource *ds, const struct msg_text *t)
{
	enum msgbus_level level;

	if (t->text == NULL)
		return;
	switch (t->level) {
	case MSG_LEVEL_DEBUG:
		log_debug("source '%s': helper: %s", ds->name, t->text);
		return;
	case MSG_LEVEL_ERROR:
	case MSG_LEVEL_FATAL:
		level = MSGBUS_ERROR;
		break;
	case MSG_LEVEL_ALERT:
		level = MSGBUS_ALERT;
		break;
	default:
		level = MSGBUS_INFO;
		break;
	}
	ds_report(ds, level, "helper: %s", t->text);
	if (level == MSGBUS_INFO && !ds->finished &&
	    says_end_of_input(t->text) && ds->state != DS_PROBING) {
		ds->finished = true;
		if (!ds->remote)
			ds_finish(ds);
		else if (ds->mgr->state_cb != NULL)
			ds->mgr->state_cb(ds, ds->mgr->cb_arg);
	}
}

static void
ds_on_ping(struct datasource *ds, const struct msg *m)
{
	struct msg r = { .type = MSG_PONG };
	int64_t n;

	r.u.pong_seqno = m->seqno;
	if ((n = peer_send(ds->peer, &r)) < 0)
		ds_fail(ds, "cannot answer ping: %s", proto_strerror((int)n));
}

static void
ds_on_pong(struct datasource *ds, const struct msg *m)
{
	ds_pong_reset(ds);
}

static void
ds_on_message(struct datasource *ds, const struct msg *m)
{
	ds_text(ds, &m->u.message);
}

static void
ds_on_warning(struct datasource *ds, const struct msg *m)
{
	if (m->u.warning != NULL)
		ds_warning(ds, m->u.warning);
}

static void
ds_on_error_report(struct datasource *ds, const struct msg *m)
{
	char why[DS_REASON_MAX];

	snprintf(why, sizeof(why), "helper error: %s",
	    text_or(&m->u.error_report.message, "(no reason given)"));
	ds_bad(ds, why);
}

static void
ds_on_shutdown(struct datasource *ds, const struct msg *m)
{
	char why[DS_REASON_MAX];

	snprintf(why, sizeof(why), "helper shut down: %s",
	    m->u.shutdown_reason != NULL ? m->u.shutdown_reason : "");
	ds_bad(ds, why);
}

/* A report must answer the request in flight. */
static bool
ds_check_seq(struct datasource *ds, const struct msg *m)
{
	const struct msg_result *res = msg_result(m);
	char why[128];

	if (res != NULL && res->seqno == ds->req_seq && ds->req_seq != 0)
		return true;
	snprintf(why, sizeof(why), "%s answers request %u, expected %u",
	    msgtype_command(m->type), res != NULL ? res->seqno : 0,
	    ds->req_seq);
	ds_bad(ds, why);
	return false;
}

static void
ds_on_probe_report(struct datasource *ds, const struct msg *m)
{
	const struct msg_probe_report *r = &m->u.probe_report;

	if (!ds_check_seq(ds, m))
		return;
	ds->req_seq = 0;
	if (!r->result.success) {
		ds_probe_failed(ds, text_or(&r->message, "declined"));
		return;
	}
	ds_probe_accepted(ds, ds->probing);
}

/* A name the helper reports, cut to DS_FIELD_MAX bytes: it is shown,
   and a sensor must not make its record as big as a frame. */
static void
set_str(char **dst, const char *v)
{
	if (v == NULL)
		return;
	free(*dst);
	*dst = xstrndup(v, DS_FIELD_MAX);
}

void
ds_take_list(struct chanplan_list *l, const struct msg_channels *c)
{
	size_t i;

	chanplan_list_free(l);
	for (i = 0; i < c->count; i++)
		if (c->list[i] != NULL)
			(void)chanplan_list_add(l, c->list[i]);
}

static void
ds_on_open_report(struct datasource *ds, const struct msg *m)
{
	const struct msg_open_report *r = &m->u.open_report;

	if (!ds_check_seq(ds, m))
		return;
	ds->req_seq = 0;
	evtimer_del(ds->ev_req);
	if (!r->result.success) {
		ds_fail(ds, "open failed: %s", text_or(&r->message,
		    "(no reason given)"));
		return;
	}
	if (r->has_dlt)
		ds->dlt = r->dlt;
	set_str(&ds->capture_interface, r->capture_interface);
	set_str(&ds->hardware, r->hardware);
	if (r->has_channels)
		ds_take_list(&ds->channels, &r->channels);
	if (r->channel != NULL && chanplan_valid_channel(r->channel))
		snprintf(ds->channel, sizeof(ds->channel), "%s", r->channel);
	ds->hopping = false;
	if (r->has_hop && r->hop.channels.count > 1) {
		ds->hopping = true;
		ds_take_list(&ds->hop_channels, &r->hop.channels);
		ds->hop_rate = r->hop.has_rate ? r->hop.rate : 0.0;
		ds->hop_shuffle = r->hop.has_shuffle && r->hop.shuffle;
		ds->hop_offset = r->hop.has_offset ? r->hop.offset : 0;
	}
	/*
	 * The uuid stays the one the source was added with (it went to
	 * the helper as uuid=): one uuid in the log and the REST API.
	 */
	if (r->uuid != NULL && strcasecmp(r->uuid, ds->uuid) != 0)
		log_debug("source '%s': helper reports uuid %s; keeping %s",
		    ds->name, r->uuid, ds->uuid);
	if (r->warning != NULL)
		ds_warning(ds, r->warning);
	ds_text(ds, &r->message);
	ds->error_reason[0] = '\0';
	ds->opened_ms = ds_mono_ms();
	/* The uuid too: the helper's report may have replaced it. */
	if (ds->remote)
		ds_report(ds, MSGBUS_INFO, "opened (%s%s%s, link type %u, "
		    "uuid %s, remote)", ds->type,
		    ds->capture_interface[0] != '\0' ? " on " : "",
		    ds->capture_interface, ds->dlt, ds->uuid);
	else
		ds_report(ds, MSGBUS_INFO, "opened (%s%s%s, link type %u, "
		    "uuid %s, helper pid %ld)", ds->type,
		    ds->capture_interface[0] != '\0' ? " on " : "",
		    ds->capture_interface, ds->dlt, ds->uuid, (long)ds->pid);
	ds_set_state(ds, DS_RUNNING);
	ds_keepalive_start(ds);
	ds_chan_plan(ds);
	ds_chan_rebalance(ds->mgr);
}

static void
ds_on_configure_report(struct datasource *ds, const struct msg *m)
{
	ds_chan_report(ds, m);
}

static void	ds_packet(struct datasource *, const struct msg_data_report *);

static void
ds_on_data(struct datasource *ds, const struct msg *m)
{
	const struct msg_data_report *d = &m->u.data_report;

	/* The packet first: text after it may end the source. */
	if (d->has_packet && ds->state != DS_PAUSED)
		ds_packet(ds, d);
	if (d->warning != NULL)
		ds_warning(ds, d->warning);
	ds_text(ds, &d->message);
}

static void
ds_packet(struct datasource *ds, const struct msg_data_report *d)
{
	struct packet p;
	struct timeval now;

	if (packet_fill(&p, ds->id, &d->packet,
	    d->has_signal ? &d->signal : NULL) < 0) {
		ds->num_error_packets++;
		log_debug("source '%s': inconsistent packet report (%zu of "
		    "%llu bytes)", ds->name, d->packet.caplen,
		    (unsigned long long)d->packet.size);
		return;
	}
	if (d->has_gps)
		packet_fill_gps(&p, &d->gps);
	event_base_gettimeofday_cached(ds->mgr->base, &now);
	if (ds->remote && ds->opts.server_ts) {
		p.ts_sec = (uint64_t)now.tv_sec;
		p.ts_usec = (uint64_t)now.tv_usec;
	}
	ds->num_packets++;
	ds->last_packet_sec = (uint64_t)now.tv_sec;
	ds->last_packet_usec = (uint64_t)now.tv_usec;
	if (ds->mgr->packet_cb != NULL &&
	    ds->mgr->packet_cb(&p, ds, ds->mgr->cb_arg) != 0)
		ds->num_error_packets++;
}

/*
 * Which message each state accepts.  A helper may ping, send text,
 * warnings, errors or shut down at any time it is connected; reports
 * come only in the state that asked for them.
 */
static const struct ds_handler {
	enum msg_type	 type;
	unsigned	 states;
	void		(*fn)(struct datasource *, const struct msg *);
} ds_handlers[] = {
	{ MSG_PING,		 ST_LIVE,	  ds_on_ping },
	{ MSG_PONG,		 ST_LIVE,	  ds_on_pong },
	{ MSG_MESSAGE,		 ST_LIVE,	  ds_on_message },
	{ MSG_WARNINGREPORT,	 ST_LIVE,	  ds_on_warning },
	{ MSG_ERRORREPORT,	 ST_LIVE,	  ds_on_error_report },
	{ MSG_SHUTDOWN,		 ST_LIVE,	  ds_on_shutdown },
	{ MSG_PROBESOURCEREPORT, ST(DS_PROBING), ds_on_probe_report },
	{ MSG_OPENSOURCEREPORT,	 ST(DS_OPENING), ds_on_open_report },
	{ MSG_DATAREPORT,	 ST_OPEN,	  ds_on_data },
	{ MSG_CONFIGUREREPORT,	 ST_OPEN,	  ds_on_configure_report },
};

void
ds_dispatch_helper(struct peer *peer, const struct msg *m, int err,
    void *arg)
{
	struct datasource *ds = arg;
	char why[128];
	size_t i;

	if (m == NULL) {
		ds_peer_gone(ds, err);
		return;
	}
	for (i = 0; i < sizeof(ds_handlers) / sizeof(ds_handlers[0]); i++)
		if (ds_handlers[i].type == m->type)
			break;
	if (i == sizeof(ds_handlers) / sizeof(ds_handlers[0]) ||
	    (ds_handlers[i].states & ST(ds->state)) == 0) {
		snprintf(why, sizeof(why), "unexpected %s while %s",
		    msgtype_command(m->type) != NULL ?
		    msgtype_command(m->type) : "message",
		    datasource_state_name(ds->state));
		ds_bad(ds, why);
		return;
	}
	ds_handlers[i].fn(ds, m);
}
