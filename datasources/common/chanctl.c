/* SPDX-License-Identifier: ISC */
/*
 * \summary: channel control for drivers that tune: hop list, KDSCONFIGURE
 *
 * The session reaches this module only through ds_ops.chanctl, which a
 * driver with set_channel points at helper_chanctl.  A helper whose
 * source has no channels (a file) leaves it NULL and so links none of it,
 * nor the hop scheduler under it (doc/helpers.md, "Size").
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "helper.h"

#define DEFAULT_HOP_RATE 5.0		/* hops per second */

/* Point a msg_hop at the hop list (strings stay in h->hop). */
static void
chanctl_hop_msg(struct helper *h, struct msg_hop *mh, const char **list)
{
	size_t i;

	for (i = 0; i < h->hop.n; i++)
		list[i] = h->hop.chan[i];
	memset(mh, 0, sizeof(*mh));
	mh->channels.list = list;
	mh->channels.count = h->hop.n;
	mh->has_rate = true;
	mh->rate = h->hop.rate;
	mh->has_shuffle = true;
	mh->shuffle = h->hop.shuffle;
	mh->has_shuffle_skip = true;
	mh->shuffle_skip = h->hop.skip;
	mh->has_offset = true;
	mh->offset = h->hop.offset;
}

/*
 * Lock to a channel; 0, or -errno with the driver's reason in err.  The
 * canonical name the driver reports becomes the current channel.
 */
static int
chanctl_tune(struct helper *h, const char *channel, char *err,
    size_t errlen)
{
	char canon[HOP_CHAN_LEN];
	int r;

	canon[0] = '\0';
	if ((r = h->ops->set_channel(h, channel, canon, sizeof(canon), err,
	    errlen)) < 0)
		return r;
	snprintf(h->channel, sizeof(h->channel), "%s",
	    canon[0] != '\0' ? canon : channel);
	return 0;
}

/*
 * The channel set-up a definition asks for at open: channel= locks;
 * otherwise, unless channel_hop=false, hop over channels= (or the
 * driver's list) plus add_channels= less block_channels= at
 * channel_hoprate= (5/sec).  The server may change it with KDSCONFIGURE.
 */
static int
chanctl_initial(struct helper *h, char *err, size_t errlen)
{
	static char buf[SRCDEF_MAX_LEN + 1], addbuf[SRCDEF_MAX_LEN + 1],
	    blockbuf[SRCDEF_MAX_LEN + 1];
	char *given[HOP_MAX_CHANNELS], *add[HOP_MAX_CHANNELS],
	    *block[HOP_MAX_CHANNELS];
	const char *list[2 * HOP_MAX_CHANNELS], *v;
	int ng = 0, na = 0, nb = 0, i, j, n = 0, r;
	double rate = DEFAULT_HOP_RATE;
	bool hop;

	if ((v = srcdef_get(&h->def, "channel")) != NULL && *v != '\0')
		return chanctl_tune(h, v, err, errlen);
	if ((r = srcdef_get_bool(&h->def, "channel_hop", true, &hop, err,
	    errlen)) < 0 || !hop)
		return r;
	if ((v = srcdef_get(&h->def, "channel_hoprate")) != NULL &&
	    hop_parse_rate(v, &rate) < 0) {
		snprintf(err, errlen, "option 'channel_hoprate': '%s' is not "
		    "N/sec or N/min", v);
		return -EINVAL;
	}
	if ((v = srcdef_get(&h->def, "channels")) != NULL &&
	    (ng = srcdef_split_list(v, buf, sizeof(buf), given,
	    HOP_MAX_CHANNELS)) < 0)
		goto toomany;
	if ((v = srcdef_get(&h->def, "add_channels")) != NULL &&
	    (na = srcdef_split_list(v, addbuf, sizeof(addbuf), add,
	    HOP_MAX_CHANNELS)) < 0)
		goto toomany;
	if ((v = srcdef_get(&h->def, "block_channels")) != NULL &&
	    (nb = srcdef_split_list(v, blockbuf, sizeof(blockbuf), block,
	    HOP_MAX_CHANNELS)) < 0)
		goto toomany;
	if (ng > 0)
		for (i = 0; i < ng; i++)
			list[n++] = given[i];
	else
		for (i = 0; i < (int)h->info.n_channels &&
		    n < HOP_MAX_CHANNELS; i++)
			list[n++] = h->info.channels[i];
	for (i = 0; i < na; i++)
		list[n++] = add[i];
	for (i = 0; i < n; i++)
		for (j = 0; j < nb; j++)
			if (strcasecmp(list[i], block[j]) == 0) {
				list[i--] = list[--n];
				break;
			}
	if (n == 0)
		return 0;
	if (n == 1)
		return chanctl_tune(h, list[0], err, errlen);
	if ((r = hop_configure(&h->hop, list, (size_t)n, rate, false, 0, 0))
	    < 0) {
		snprintf(err, errlen, "hop list: %s", r == -EMSGSIZE ?
		    "too many channels" :
		    "a channel name is empty or too long");
		return r;
	}
	h->hopping = true;
	h->hop_at = 0;
	return 0;
toomany:
	snprintf(err, errlen, "more than %d channels", HOP_MAX_CHANNELS);
	return -EMSGSIZE;
}

/*
 * KDSCONFIGURE: lock to a channel or hop over a list.  Sends the report,
 * or returns -errno with the reason in err for the session's failure
 * report.
 */
static int
chanctl_configure(struct helper *h, const struct msg *m, char *err,
    size_t errlen)
{
	const struct msg_configure *c = &m->u.configure;
	const char *list[HOP_MAX_CHANNELS];
	const char *const *chans;
	struct msg r;
	size_t n;
	double rate;
	int e;

	memset(&r, 0, sizeof(r));
	r.type = MSG_CONFIGUREREPORT;
	r.u.configure_report.result.success = true;
	r.u.configure_report.result.seqno = m->seqno;
	if (c->channel != NULL) {
		if ((e = chanctl_tune(h, c->channel, err, errlen)) < 0)
			return e;
		h->hopping = false;
		r.u.configure_report.channel = h->channel;
	} else if (c->has_hop) {
		/* An empty list keeps the current one, or the driver's. */
		if (c->hop.channels.count > 0) {
			chans = c->hop.channels.list;
			n = c->hop.channels.count;
		} else if (h->hopping) {
			for (n = 0; n < h->hop.n; n++)
				list[n] = h->hop.chan[n];
			chans = list;
		} else {
			chans = h->info.channels;
			n = h->info.n_channels;
		}
		rate = c->hop.has_rate ? c->hop.rate :
		    h->hopping ? h->hop.rate : DEFAULT_HOP_RATE;
		if ((e = hop_configure(&h->hop, chans, n, rate,
		    c->hop.has_shuffle && c->hop.shuffle,
		    c->hop.has_shuffle_skip ? c->hop.shuffle_skip : 0,
		    c->hop.has_offset ? c->hop.offset : 0)) < 0) {
			snprintf(err, errlen, "%s: hop list refused: %s",
			    h->def.interface, e == -EMSGSIZE ?
			    "too many channels" : "empty list, bad channel "
			    "name or rate");
			return e;
		}
		h->hopping = true;
		h->hop_at = 0;	/* the first hop comes after this report */
		r.u.configure_report.has_hop = true;
		chanctl_hop_msg(h, &r.u.configure_report.hop, list);
	} else {
		snprintf(err, errlen, "%s: KDSCONFIGURE names neither a "
		    "channel nor a hop list", h->def.interface);
		return -EINVAL;
	}
	(void)helper_reply(h, &r);
	return 0;
}

/* The hop timer fired: tune to the next channel of the list. */
static void
chanctl_hop(struct helper *h)
{
	char chan[HOP_CHAN_LEN], err[256];
	const char *c;

	if ((c = hop_next(&h->hop)) == NULL) {
		h->hopping = false;
		return;
	}
	/* A failure edits the list c points into. */
	snprintf(chan, sizeof(chan), "%s", c);
	err[0] = '\0';
	if (chanctl_tune(h, chan, err, sizeof(err)) < 0)
		helper_channel_failed(h, chan, err[0] != '\0' ? err :
		    "the driver could not tune it");
	h->hop_at = helper_now_ms() + hop_dwell_ms(&h->hop);
}

void
helper_channel_failed(struct helper *h, const char *channel,
    const char *reason)
{
	const char *list[HOP_MAX_CHANNELS];
	struct msg r;

	if (!h->hopping || hop_remove(&h->hop, channel) < 0) {
		helper_message(h, MSG_LEVEL_ERROR, "%s: channel %s: %s",
		    h->def.interface, channel, reason);
		return;
	}
	helper_message(h, MSG_LEVEL_ERROR, "%s: channel %s failed to tune "
	    "(%s); removed from the hop list, %zu left", h->def.interface,
	    channel, reason, h->hop.n);
	if (h->hop.n == 0)
		h->hopping = false;
	memset(&r, 0, sizeof(r));
	r.type = MSG_CONFIGUREREPORT;
	r.u.configure_report.result.success = true;
	r.u.configure_report.result.seqno = 0;	/* unsolicited */
	r.u.configure_report.has_hop = true;
	chanctl_hop_msg(h, &r.u.configure_report.hop, list);
	(void)helper_send(h, &r);
}

const struct ds_chanctl helper_chanctl = {
	.initial = chanctl_initial,
	.configure = chanctl_configure,
	.hop = chanctl_hop,
	.hop_msg = chanctl_hop_msg,
};
