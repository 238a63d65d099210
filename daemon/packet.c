/* SPDX-License-Identifier: ISC */
/*
 * \summary: the pipeline for one packet: fill, decode, track, log, taps
 *
 * Stages run in the order of doc/architecture.md, "How a packet
 * travels": decode_packet() (daemon/decode/decode.h) fills the radio and 802.11
 * parts; the device tracker (daemon/track/tracker.h) takes every frame that
 * decoded; the log keeps every frame as it came, decoded or not; taps see
 * it last.
 */

#include <sys/time.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "datasource.h"
#include "decode.h"
#include "gps.h"
#include "log.h"
#include "msg.h"
#include "packet.h"
#include "pcaplog.h"
#include "tracker.h"
#include "wiglecsv.h"
#include "wids.h"
#include "xmalloc.h"

#define PACKET_MAX_TAPS		32

struct packet_tap {
	int	 id;
	void	(*cb)(const struct packet *, const struct datasource *,
		    void *);
	void	*arg;
};

struct packet_ctx {
	struct pcaplog		*log;
	struct tracker		*tracker;
	struct gps		*gps;		/* locations, or NULL */
	struct wiglecsv		*wigle;		/* the WiGLE log, or NULL */
	struct wids		*wids;		/* the 802.11 checks, or NULL */
	struct event_base	*base;		/* its clock, when set */
	uint64_t		 clock_usec;	/* last given to the tracker */
	struct packet_tap	 taps[PACKET_MAX_TAPS];
	size_t			 n_taps;
	int			 next_tap;
	uint64_t		 packets, errors;
};

int
packet_fill(struct packet *p, uint32_t source, const struct msg_packet *pkt,
    const struct msg_signal *sig)
{
	memset(p, 0, sizeof(*p));
	if (pkt->caplen == 0 || pkt->data == NULL || pkt->caplen > pkt->size)
		return -EBADMSG;
	p->source = source;
	/*
	 * Capture files hold microsecond fields of a million or more; carry
	 * the excess into seconds, as libpcap's and wiretap's readers do,
	 * so that the time stays what the file meant.
	 */
	if (pkt->ts_usec >= 1000000 && pkt->ts_sec > UINT64_MAX / 2)
		return -EBADMSG;
	p->ts_sec = pkt->ts_sec + pkt->ts_usec / 1000000;
	p->ts_usec = pkt->ts_usec % 1000000;
	p->dlt = pkt->dlt;
	p->data = pkt->data;
	p->caplen = pkt->caplen;
	p->len = (size_t)pkt->size;
	if (sig != NULL) {
		if (sig->has_signal_dbm && sig->signal_dbm > -200.0 &&
		    sig->signal_dbm < 100.0) {
			p->has_helper_signal = true;
			p->helper_signal_dbm = (int16_t)sig->signal_dbm;
		}
		if (sig->has_freq_khz && sig->freq_khz > 0.0 &&
		    sig->freq_khz < 100e6)
			p->helper_freq_mhz = (uint16_t)(sig->freq_khz / 1000.0);
	}
	return 0;
}

void
packet_fill_gps(struct packet *p, const struct msg_gps *g)
{
	memset(&p->loc, 0, sizeof(p->loc));
	if (g->fix < 2 || !isfinite(g->lat) || !isfinite(g->lon) ||
	    fabs(g->lat) > 90 || fabs(g->lon) > 180 ||
	    (g->lat == 0 && g->lon == 0))
		return;
	p->loc.lat = g->lat;
	p->loc.lon = g->lon;
	p->loc.fix = g->fix >= 3 ? 3 : 2;
	if (p->loc.fix == 3 && isfinite(g->alt) && fabs(g->alt) < 1e6)
		p->loc.alt = (float)g->alt;
	if (isfinite(g->speed) && g->speed >= 0 && g->speed < 1e5)
		p->loc.speed = (float)g->speed;
	if (isfinite(g->heading) && g->heading >= 0 && g->heading <= 360)
		p->loc.heading = (float)g->heading;
	if (isfinite(g->precision) && g->precision > 0 && g->precision < 1e6)
		p->loc.precision = (float)g->precision;
	if (g->time_usec < 1000000 && g->time_sec < UINT64_MAX / 2000000)
		p->loc.time_usec = g->time_sec * 1000000 + g->time_usec;
	p->loc.from_source = true;
}

struct packet_ctx *
packet_ctx_new(struct pcaplog *log)
{
	struct packet_ctx *c;

	c = xcalloc(1, sizeof(*c));
	c->log = log;
	return c;
}

void
packet_ctx_free(struct packet_ctx *c)
{
	free(c);
}

void
packet_ctx_set_tracker(struct packet_ctx *c, struct tracker *tr,
    struct event_base *base)
{
	c->tracker = tr;
	c->base = base;
	c->clock_usec = 0;
}

void
packet_ctx_set_gps(struct packet_ctx *c, struct gps *gps)
{
	c->gps = gps;
}

void
packet_ctx_set_wiglecsv(struct packet_ctx *c, struct wiglecsv *w)
{
	c->wigle = w;
}

void
packet_ctx_set_wids(struct packet_ctx *c, struct wids *w)
{
	c->wids = w;
}

/*
 * The tracker's clock is the loop's cached time, which changes once per
 * pass: comparing it costs a few nanoseconds, setting it walks the
 * timeout list, so it is set once per batch of reads, not per frame.
 */
static void
packet_tracker_clock(struct packet_ctx *c)
{
	struct timeval tv;
	uint64_t now;

	if (c->base == NULL || event_base_gettimeofday_cached(c->base,
	    &tv) != 0)
		return;
	now = (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
	if (now == c->clock_usec)
		return;
	c->clock_usec = now;
	tracker_set_clock(c->tracker, now);
}

int
packet_process(struct packet_ctx *c, struct packet *p,
    const struct datasource *ds)
{
	uint64_t dups;
	bool dup = false;
	size_t i;
	int r;

	c->packets++;
	/*
	 * Where it was heard: the sensor's own position (a remote sensor's
	 * receiver is also listed as a GPS), else the core's best fix.
	 */
	if (c->gps != NULL) {
		if (p->loc.from_source)
			gps_remote_seen(c->gps, ds->uuid, ds->name, &p->loc);
		else
			gps_locate(c->gps, &p->loc);
	}
	/*
	 * A frame that does not decode is counted (the caller counts it
	 * against its source too) and still logged, but touches no device.
	 */
	if (decode_packet(p) < 0)
		c->errors++;
	else if (c->tracker != NULL) {
		packet_tracker_clock(c);
		dups = tracker_dups(c->tracker);
		tracker_update(c->tracker, p);
		dup = tracker_dups(c->tracker) != dups;
		if (c->wigle != NULL && p->loc.fix >= 2)
			(void)wiglecsv_packet(c->wigle, c->tracker, p);
	}
	/*
	 * Malformed frames too: some are the attack (MALFORMMGMT).  A frame
	 * another source already delivered (the tracker's deduplication) is
	 * one transmission and was checked: a flood is not counted twice.
	 */
	if (c->wids != NULL && !dup)
		wids_packet(c->wids, p);
	if (c->log != NULL &&
	    (r = pcaplog_write(c->log, p, ds->name, ds->uuid)) < 0 &&
	    r != -EIO)
		log_debug("packet: not logged (%d bytes, dlt %u): %s",
		    (int)p->caplen, p->dlt, strerror(-r));
	for (i = 0; i < c->n_taps; i++)
		c->taps[i].cb(p, ds, c->taps[i].arg);
	return p->error;
}

int
packet_tap_add(struct packet_ctx *c,
    void (*cb)(const struct packet *, const struct datasource *, void *),
    void *arg)
{
	if (c->n_taps == PACKET_MAX_TAPS)
		return -ENOSPC;
	if (++c->next_tap <= 0)
		c->next_tap = 1;
	c->taps[c->n_taps++] = (struct packet_tap){ c->next_tap, cb, arg };
	return c->next_tap;
}

void
packet_tap_remove(struct packet_ctx *c, int id)
{
	size_t i;

	for (i = 0; i < c->n_taps; i++)
		if (c->taps[i].id == id) {
			memmove(&c->taps[i], &c->taps[i + 1],
			    (c->n_taps - i - 1) * sizeof(c->taps[0]));
			c->n_taps--;
			return;
		}
}

uint64_t
packet_count(const struct packet_ctx *c)
{
	return c->packets;
}

uint64_t
packet_error_count(const struct packet_ctx *c)
{
	return c->errors;
}
