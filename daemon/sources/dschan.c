/* SPDX-License-Identifier: ISC */
/*
 * \summary: channel control of sources: lock, hop, split, report back
 *
 * The core keeps two views of each source's channel: what it wants
 * (want_*: from the definition and the config when the source opens, or
 * from an operator's set_channel/set_hop) and what the helper last
 * reported (channel, hopping, hop_*), which is what the source shows.
 * A want is sent once when it changes; the helper's report is the truth
 * even when it differs (a helper canonicalises "6" to "6HT20", or cannot
 * tune a channel).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chanplan.h"
#include "datasource.h"
#include "dsint.h"
#include "msg.h"
#include "peer.h"
#include "xmalloc.h"

static bool
ds_open_state(const struct datasource *ds)
{
	return (ds->state == DS_RUNNING || ds->state == DS_PAUSED) &&
	    ds->peer != NULL;
}

static void
ds_want_lock(struct datasource *ds, const char *ch)
{
	ds->want_mode = DS_CHAN_LOCK;
	snprintf(ds->want_channel, sizeof(ds->want_channel), "%s", ch);
	chanplan_list_free(&ds->want_hop);
	ds->want_sent = false;
}

void
ds_chan_plan(struct datasource *ds)
{
	const struct chanplan_list *base;
	struct chanplan_list l;
	const char *lock;
	char err[DS_REASON_MAX];

	if (ds->want_user) {
		/* An operator's choice outlives a reopen. */
		ds->want_sent = false;
		return;
	}
	ds->want_mode = DS_CHAN_AUTO;
	ds->want_sent = true;
	lock = srcdef_get(&ds->def, "channel");
	if (lock != NULL && chanplan_valid_channel(lock) &&
	    srcdef_get(&ds->def, "channel_hop") == NULL) {
		ds_want_lock(ds, lock);
		return;
	}
	base = ds->hop_channels.n > 0 ? &ds->hop_channels : &ds->channels;
	if (base->n == 0 && srcdef_get(&ds->def, "channels") == NULL)
		return;		/* a file, or a radio that said nothing */
	if (chanplan_build(base, srcdef_get(&ds->def, "channels"),
	    srcdef_get(&ds->def, "add_channels"),
	    srcdef_get(&ds->def, "block_channels"), &l, err,
	    sizeof(err)) < 0) {
		ds_report(ds, MSGBUS_ERROR, "%s; keeping the helper's channels",
		    err);
		return;
	}
	if (!ds->opts.hop || l.n < 2) {
		/* No hopping: stay where the radio is, or on the one left. */
		if (lock != NULL && chanplan_valid_channel(lock))
			ds_want_lock(ds, lock);
		else if (ds->hopping)
			ds_want_lock(ds, ds->channel[0] != '\0' ? ds->channel :
			    l.v[0]);
		else if (l.n == 1 && strcasecmp(ds->channel, l.v[0]) != 0)
			ds_want_lock(ds, l.v[0]);
		chanplan_list_free(&l);
		return;
	}
	ds->want_mode = DS_CHAN_HOP;
	chanplan_list_free(&ds->want_hop);
	ds->want_hop = l;
	ds->want_rate = ds->opts.rate;
	ds->want_shuffle = ds->mgr->policy.shuffle;
	ds->want_sent = false;
}

/* Send the want; 0 or a negative error (the source has then failed). */
static int
ds_chan_send(struct datasource *ds)
{
	struct msg m = { .type = MSG_CONFIGURE };
	struct msg_hop *h = &m.u.configure.hop;
	int64_t r;

	if (ds->want_mode == DS_CHAN_AUTO || !ds_open_state(ds))
		return 0;
	if (ds->want_mode == DS_CHAN_LOCK)
		m.u.configure.channel = ds->want_channel;
	else {
		m.u.configure.has_hop = true;
		h->channels.list = (const char **)ds->want_hop.v;
		h->channels.count = ds->want_hop.n;
		h->has_rate = h->has_shuffle = h->has_offset = true;
		h->rate = ds->want_rate;
		h->shuffle = ds->want_shuffle;
		h->offset = ds->want_offset;
		if (ds->want_shuffle) {
			h->has_shuffle_skip = true;
			h->shuffle_skip = chanplan_shuffle_skip(
			    ds->want_hop.n);
		}
	}
	if ((r = peer_send(ds->peer, &m)) < 0) {
		ds_fail(ds, "cannot send channel request: %s",
		    proto_strerror((int)r));
		return (int)r;
	}
	ds->cfg_seq = (uint32_t)r;
	ds->want_sent = true;
	return 0;
}

/* Spread the offsets of hopping sources; mark changed ones unsent. */
static void
ds_chan_split(struct datasource_mgr *m)
{
	struct chanplan_member *mem;
	struct datasource *ds;
	size_t n = 0, i;

	TAILQ_FOREACH(ds, &m->sources, entry)
		if (ds_open_state(ds) && ds->want_mode == DS_CHAN_HOP)
			n++;
	if (n == 0)
		return;
	mem = xcalloc(n, sizeof(*mem));
	i = 0;
	TAILQ_FOREACH(ds, &m->sources, entry)
		if (ds_open_state(ds) && ds->want_mode == DS_CHAN_HOP)
			mem[i++] = (struct chanplan_member){ ds->type,
			    &ds->want_hop, m->policy.split, 0 };
	chanplan_split(mem, n);
	i = 0;
	TAILQ_FOREACH(ds, &m->sources, entry)
		if (ds_open_state(ds) && ds->want_mode == DS_CHAN_HOP) {
			if (ds->want_offset != mem[i].offset) {
				ds->want_offset = mem[i].offset;
				ds->want_sent = false;
			}
			i++;
		}
	free(mem);
}

void
ds_chan_rebalance(struct datasource_mgr *m)
{
	struct datasource *ds;

	ds_chan_split(m);
	/*
	 * A failed send fails that source, which rebalances again; sources
	 * are never removed from the list while the manager lives.
	 */
	TAILQ_FOREACH(ds, &m->sources, entry)
		if (ds_open_state(ds) && !ds->want_sent)
			(void)ds_chan_send(ds);
}

void
ds_chan_cancel(struct datasource *ds, int err, const char *why)
{
	void (*cb)(struct datasource *, int, const char *, void *);

	ds->cfg_seq = 0;
	if ((cb = ds->cfg_cb) == NULL)
		return;
	ds->cfg_cb = NULL;
	cb(ds, err, why, ds->cfg_arg);
}

void
ds_chan_report(struct datasource *ds, const struct msg *m)
{
	const struct msg_configure_report *r = &m->u.configure_report;
	bool mine = ds->cfg_seq != 0 && r->result.seqno == ds->cfg_seq;
	const char *text;
	char why[DS_REASON_MAX];

	if (r->warning != NULL)
		ds_report(ds, MSGBUS_INFO, "helper warning: %s", r->warning);
	if (!r->result.success) {
		text = r->message.text != NULL ? r->message.text :
		    "(no reason given)";
		snprintf(why, sizeof(why), "channel change refused: %s", text);
		ds_report(ds, MSGBUS_ERROR, "%s", why);
		if (mine)
			ds_chan_cancel(ds, -EIO, why);
		return;
	}
	if (r->has_hop && r->hop.channels.count > 0) {
		ds->hopping = true;
		ds_take_list(&ds->hop_channels, &r->hop.channels);
		ds->hop_rate = r->hop.has_rate ? r->hop.rate : ds->want_rate;
		ds->hop_shuffle = r->hop.has_shuffle && r->hop.shuffle;
		ds->hop_offset = r->hop.has_offset ? r->hop.offset : 0;
	} else if (r->channel != NULL && chanplan_valid_channel(r->channel)) {
		ds->hopping = false;
		snprintf(ds->channel, sizeof(ds->channel), "%s", r->channel);
	} else if (mine && ds->want_mode == DS_CHAN_LOCK) {
		/* Success without detail: what was asked is what is. */
		ds->hopping = false;
		snprintf(ds->channel, sizeof(ds->channel), "%s",
		    ds->want_channel);
	} else if (mine && ds->want_mode == DS_CHAN_HOP) {
		ds->hopping = true;
		chanplan_list_free(&ds->hop_channels);
		chanplan_list_copy(&ds->hop_channels, &ds->want_hop);
		ds->hop_rate = ds->want_rate;
		ds->hop_shuffle = ds->want_shuffle;
		ds->hop_offset = ds->want_offset;
	}
	if (ds->hopping)
		ds_report(ds, MSGBUS_INFO, "hopping %zu channels at %g/sec "
		    "from offset %u%s", ds->hop_channels.n, ds->hop_rate,
		    ds->hop_offset, ds->hop_shuffle ? ", shuffled" : "");
	else
		ds_report(ds, MSGBUS_INFO, "locked to channel %s",
		    ds->channel);
	if (mine) {
		ds->cfg_seq = 0;
		ds_chan_cancel(ds, 0, "");
	}
}

/*
 * May an operator ask for channel ch?  Only what the source reported it
 * can tune: one of its channels, or one of their numbers with a width
 * the helpers understand ("6HT40+" on a radio that listed "6").  A
 * source that reported none (a capture file) takes nothing.  0, or
 * -EINVAL with the reason.
 */
static int
ds_chan_check(const struct datasource *ds, const char *ch, char *reason,
    size_t len)
{
	static const char *const widths[] = { "", "HT20", "HT40+", "HT40-",
	    "VHT80", "VHT160", "W5", "W10", "W6e" };
	size_t i, j, nd;

	if (ds->channels.n == 0) {
		snprintf(reason, len, "source '%s' has no channels to set "
		    "(its helper reported none)", ds->name);
		return -EINVAL;
	}
	if (ch == NULL || !chanplan_valid_channel(ch)) {
		snprintf(reason, len, "'%.32s' is not a channel",
		    ch != NULL ? ch : "");
		return -EINVAL;
	}
	if (chanplan_list_find(&ds->channels, ch) >= 0)
		return 0;
	nd = strspn(ch, "0123456789");
	for (j = 0; nd > 0 && j < sizeof(widths) / sizeof(widths[0]); j++)
		if (strcasecmp(ch + nd, widths[j]) == 0)
			break;
	if (nd > 0 && j < sizeof(widths) / sizeof(widths[0]))
		for (i = 0; i < ds->channels.n; i++)
			if (strspn(ds->channels.v[i], "0123456789") == nd &&
			    strncmp(ds->channels.v[i], ch, nd) == 0)
				return 0;
	snprintf(reason, len, "source '%s' cannot tune to '%.32s' (not one "
	    "of its %zu channels)", ds->name, ch, ds->channels.n);
	return -EINVAL;
}

/*
 * Operators change channels only on a running source: a paused one
 * keeps its helper but is meant to stay as it is.
 */
static int
ds_chan_state(const struct datasource *ds, char *reason, size_t len)
{
	if (ds->state == DS_RUNNING && ds->peer != NULL)
		return 0;
	snprintf(reason, len, "source '%s' is %s, not running", ds->name,
	    datasource_state_name(ds->state));
	return -EAGAIN;
}

/* An operator's request replaces one still in flight. */
static void
ds_chan_take_cb(struct datasource *ds,
    void (*done)(struct datasource *, int, const char *, void *),
    void *arg)
{
	ds_chan_cancel(ds, -ECANCELED, "replaced by a newer request");
	ds->cfg_cb = done;
	ds->cfg_arg = arg;
}

int
datasource_set_channel(struct datasource *ds, const char *channel,
    void (*done)(struct datasource *, int, const char *, void *), void *arg,
    char *reason, size_t len)
{
	int r;

	if ((r = ds_chan_state(ds, reason, len)) < 0 ||
	    (r = ds_chan_check(ds, channel, reason, len)) < 0)
		return r;
	ds_want_lock(ds, channel);
	ds->want_user = true;
	ds_chan_take_cb(ds, done, arg);
	if ((r = ds_chan_send(ds)) < 0) {
		snprintf(reason, len, "source '%s' failed: %s", ds->name,
		    ds->error_reason);
		return r;
	}
	/* It left its hop group: the others spread anew. */
	ds_chan_rebalance(ds->mgr);
	return 0;
}

int
datasource_set_hop(struct datasource *ds, const char *const *channels,
    size_t n, double rate, bool shuffle,
    void (*done)(struct datasource *, int, const char *, void *), void *arg,
    char *reason, size_t len)
{
	struct chanplan_list l = { NULL, 0 };
	const struct chanplan_list *keep;
	size_t i;
	int r;

	if ((r = ds_chan_state(ds, reason, len)) < 0)
		return r;
	if (!(rate <= CHANPLAN_RATE_MAX)) {
		snprintf(reason, len, "hop rate %g is over %g/sec", rate,
		    CHANPLAN_RATE_MAX);
		return -EINVAL;
	}
	for (i = 0; channels != NULL && i < n; i++)
		if ((r = ds_chan_check(ds, channels[i], reason, len)) < 0) {
			chanplan_list_free(&l);
			return r;
		} else if ((r = chanplan_list_add(&l, channels[i])) < 0) {
			if (r == -EMSGSIZE)
				snprintf(reason, len, "more than %d channels",
				    CHANPLAN_MAX_CHANNELS);
			else
				snprintf(reason, len, "'%.32s' is not a "
				    "channel", channels[i]);
			chanplan_list_free(&l);
			return -EINVAL;
		}
	if (l.n == 0) {
		/* Resume hopping over what it hopped before. */
		keep = ds->want_hop.n > 0 ? &ds->want_hop :
		    ds->hop_channels.n > 0 ? &ds->hop_channels : &ds->channels;
		chanplan_list_copy(&l, keep);
	}
	if (l.n == 0) {
		snprintf(reason, len, "source '%s' has no channels to hop",
		    ds->name);
		return -EINVAL;
	}
	ds->want_mode = DS_CHAN_HOP;
	chanplan_list_free(&ds->want_hop);
	ds->want_hop = l;
	ds->want_rate = rate > 0.0 ? rate : ds->want_rate > 0.0 ?
	    ds->want_rate : ds->opts.rate;
	ds->want_shuffle = shuffle;
	ds->want_user = true;
	ds->want_sent = false;
	ds_chan_take_cb(ds, done, arg);
	ds_chan_split(ds->mgr);
	ds->want_sent = false;
	if ((r = ds_chan_send(ds)) < 0) {
		snprintf(reason, len, "source '%s' failed: %s", ds->name,
		    ds->error_reason);
		return r;
	}
	ds_chan_rebalance(ds->mgr);
	return 0;
}
