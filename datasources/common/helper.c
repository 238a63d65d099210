/* SPDX-License-Identifier: ISC */
/*
 * \summary: capture helper main loop: link, fixed queue, pacing, timers
 *
 * One poll() loop over at most three descriptors: the link from the
 * server (one or two descriptors, or a TCP socket), and a live driver's
 * capture descriptor.  Everything it uses is allocated before the loop
 * starts; the packet path encodes into the fixed queue and allocates
 * nothing (doc/helpers.md, "Memory").
 */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "osprey_config.h"
#include "helper.h"
#include "log.h"
#include "privdrop.h"
#include "sandbox.h"

#define FEED_BUDGET	256	/* frames per loop turn, then poll again */
#define LIVE_BUDGET	64

static volatile sig_atomic_t helper_signalled;

static void
helper_signal_cb(int sig)
{
	helper_signalled = sig;
}

uint64_t
helper_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
helper_now_ms(void)
{
	return helper_now_us() / 1000;
}

static bool
helper_linked(const struct helper *h)
{
	return h->state != HS_DOWN;
}

static int
helper_queue(struct helper *h, struct outq *q, struct msg *m)
{
	uint32_t saved = h->seqno;
	ssize_t r;

	if (!helper_linked(h))
		return -ENOTCONN;
	m->seqno = frame_next_seqno(&h->seqno);
	if ((r = outq_put(q, m, 0)) < 0) {
		h->seqno = saved;
		log_warnx("cannot queue %s for the server: %s",
		    msgtype_command(m->type), proto_strerror((int)r));
		return (int)r;
	}
	h->last_put = helper_now_ms();
	return 0;
}

int
helper_send(struct helper *h, struct msg *m)
{
	return helper_queue(h, &h->q, m);
}

int
helper_reply(struct helper *h, struct msg *m)
{
	return helper_queue(h, &h->cq, m);
}

/*
 * Queue one frame as a KDSDATAREPORT, leaving the reserve free for
 * texts.  0, or -PROTO_ERR_NOSPACE when the queue has no room now.
 */
static int
helper_send_packet(struct helper *h, const struct ds_packet *p)
{
	struct msg m;
	struct msg_data_report *d = &m.u.data_report;
	uint32_t saved = h->seqno;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	m.type = MSG_DATAREPORT;
	d->has_packet = true;
	d->packet.ts_sec = p->ts_sec;
	d->packet.ts_usec = p->ts_usec;
	d->packet.dlt = p->dlt;
	d->packet.size = p->len;
	d->packet.data = p->data;
	d->packet.caplen = p->caplen;
	d->packet.has_cap_size = true;
	d->packet.cap_size = p->caplen;
	if (h->cmd.has_gps) {
		d->has_gps = true;
		d->gps.lat = h->cmd.gps_lat;
		d->gps.lon = h->cmd.gps_lon;
		d->gps.alt = h->cmd.gps_alt;
		d->gps.fix = h->cmd.gps_has_alt ? 3 : 2;
		d->gps.time_sec = p->ts_sec;
		d->gps.time_usec = p->ts_usec;
		d->gps.type = "fixed";
		d->gps.name = "fixed";
	}
	m.seqno = frame_next_seqno(&h->seqno);
	if ((r = outq_put(&h->q, &m, HELPER_QUEUE_RESERVE)) < 0) {
		h->seqno = saved;
		return (int)r;
	}
	h->stats.packets++;
	h->stats.bytes += p->caplen;
	h->last_put = helper_now_ms();
	return 0;
}

/*
 * Queue text to the server as a message of type, and log it.  A local
 * helper's server logs what it is sent, naming the source, to the same
 * terminal or journal (the helper inherits its stderr): the helper's own
 * copy of the line is then only debug, so that every warning is not
 * printed twice.  A remote sensor logs it as well (its server's log is
 * elsewhere), and so does a helper whose text could not be queued.
 */
static void
helper_send_text(struct helper *h, enum msg_type type, enum msg_level level,
    const char *text)
{
	struct msg m;
	bool queued;

	memset(&m, 0, sizeof(m));
	m.type = type;
	switch (type) {
	case MSG_WARNINGREPORT:
		m.u.warning = text;
		break;
	case MSG_ERRORREPORT:
		m.u.error_report.result.success = false;
		m.u.error_report.message.level = level;
		m.u.error_report.message.text = text;
		break;
	default:
		m.u.message.level = level;
		m.u.message.text = text;
		break;
	}
	queued = helper_send(h, &m) == 0;
	if (queued && !h->cmd.remote)
		log_debug("%s", text);
	else if (level >= MSG_LEVEL_ERROR || type != MSG_MESSAGE)
		log_warnx("%s", text);
	else
		log_info("%s", text);
}

void
helper_say(struct helper *h, enum helper_say say, enum msg_level level,
    const char *fmt, ...)
{
	static const enum msg_type types[] = {
		[HELPER_SAY_MESSAGE] = MSG_MESSAGE,
		[HELPER_SAY_WARNING] = MSG_WARNINGREPORT,
		[HELPER_SAY_ERROR] = MSG_ERRORREPORT,
		[HELPER_SAY_END] = MSG_MESSAGE,
	};
	char text[1024], *buf = text;
	size_t len = sizeof(text);
	va_list ap;

	/* An end's text is repeated on reconnect. */
	if (say == HELPER_SAY_END) {
		buf = h->end_text;
		len = sizeof(h->end_text);
	}
	va_start(ap, fmt);
	if (vsnprintf(buf, len, fmt, ap) < 0)
		snprintf(buf, len, "(unprintable message)");
	va_end(ap);
	if (say == HELPER_SAY_END || say == HELPER_SAY_ERROR)
		h->finished = true;
	helper_send_text(h, types[say], level, buf);
	/* The driver is inside next(); it is closed on the way out. */
	if (say == HELPER_SAY_ERROR)
		helper_closing(h, 1);
}

const struct helper_stats *
helper_stats(const struct helper *h)
{
	return &h->stats;
}

void
helper_closing(struct helper *h, int status)
{
	if (h->state == HS_CLOSING)
		return;
	h->exit_status = status;
	h->state = HS_CLOSING;
}

void
helper_close_source(struct helper *h)
{
	if (!h->open)
		return;
	h->ops->close(h);
	h->open = false;
	h->have_pend = false;
	h->hopping = false;
	srcdef_free(&h->def);
}

int
helper_lockdown(struct helper *h, char *err, size_t errlen)
{
	const struct ds_ops *ops = h->ops;
	int r;

	/*
	 * The source is open: keep only what the driver still needs (a
	 * hopping radio CAP_NET_ADMIN, a file nothing), then enter the
	 * role's seccomp allowlist (doc/privsep.md).  A
	 * remote helper's list also allows the socket and connect calls
	 * its reconnects make.
	 */
	r = ops->n_keep_caps > 0 ? caps_keep(ops->keep_caps, ops->n_keep_caps) :
	    caps_clear();
	if (r < 0) {
		snprintf(err, errlen, "dropping capabilities: %s", strerror(-r));
		return r;
	}
	r = sandbox_enter(ops->sandbox_role, h->cmd.remote ?
	    SANDBOX_AFTER_OPEN_REMOTE : SANDBOX_AFTER_OPEN);
	if (r < 0) {
		snprintf(err, errlen, "entering the %s sandbox: %s",
		    sandbox_role_name(ops->sandbox_role), strerror(-r));
		return r;
	}
	log_debug("lockdown: %zu capabilities kept, %s sandbox entered",
	    ops->n_keep_caps, sandbox_kind());
	return 0;
}

/*
 * The link.
 */

static void
helper_link_up(struct helper *h, int fd)
{
	h->in_fd = h->out_fd = fd;
	/*
	 * A new link: announce in v2, then speak what the server answers.
	 * Replies belonged to the old link.  Frames still queued are kept
	 * for the server to have once it opens the source again, the one
	 * the link broke in the middle of from its first byte.
	 */
	frame_decoder_reset(&h->dec);
	outq_reset(&h->cq);
	(void)outq_set_version(&h->cq, FRAME_VERSION);
	outq_rewind(&h->q);
	h->state = HS_IDLE;
	h->last_ping = helper_now_ms();
	log_info("connected to %s", h->remote.name);
	session_announce(h);
}

/* 0 to carry on, or 1 when the process should end with h->exit_status. */
static int
helper_link_lost(struct helper *h, bool clean, const char *why)
{
	if (!h->cmd.remote) {
		if (h->state != HS_CLOSING) {
			if (clean)
				log_info("server closed the link; exiting");
			else
				log_warnx("link to the server: %s; exiting",
				    why);
			h->exit_status = clean ? 0 : 1;
		}
		return 1;
	}
	close(h->in_fd);
	h->in_fd = h->out_fd = -1;
	if (h->state == HS_CLOSING)
		return 1;
	log_warnx("lost the link to %s: %s; %zu bytes of frames kept for the "
	    "next link", h->remote.name, why, outq_pending(&h->q));
	if (h->cmd.disable_retry) {
		log_warnx("not reconnecting (--disable-retry)");
		h->exit_status = 1;
		return 1;
	}
	h->state = HS_DOWN;
	h->retry_at = helper_now_ms() + HELPER_RETRY_MS;
	return 0;
}

/* Remote and down: resolve (until it once works), then connect. */
static int
helper_reconnect(struct helper *h)
{
	char err[512];
	int fd;

	h->retry_at = helper_now_ms() + HELPER_RETRY_MS;
	if (h->remote.n == 0 && remote_resolve(&h->remote, h->cmd.host,
	    h->cmd.port, err, sizeof(err)) < 0)
		fd = -1;
	else if ((fd = remote_connect(&h->remote, HELPER_CONNECT_MS, err,
	    sizeof(err))) >= 0) {
		helper_link_up(h, fd);
		return 0;
	}
	if (h->cmd.disable_retry) {
		log_warnx("cannot connect: %s (--disable-retry)", err);
		h->exit_status = 1;
		return 1;
	}
	log_warnx("cannot connect: %s; retrying in %d s", err,
	    HELPER_RETRY_MS / 1000);
	return 0;
}

/* Read what the server sent and handle every whole frame. */
static int
helper_read_link(struct helper *h)
{
	struct frame f;
	struct msg m;
	uint8_t *space;
	size_t len, dropped;
	ssize_t n;
	char why[160];
	int r;

	space = frame_decoder_space(&h->dec, &len);
	n = read(h->in_fd, space, len);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return helper_link_lost(h, false, strerror(errno));
	}
	if (n == 0)
		return helper_link_lost(h, true, "closed by the server");
	frame_decoder_commit(&h->dec, (size_t)n);
	while ((r = frame_decoder_next(&h->dec, &f)) == 1) {
		if ((r = msg_decode(&f, &h->arena, &m)) < 0) {
			snprintf(why, sizeof(why), "bad %s from the server: %s",
			    msgtype_command(f.type), proto_strerror(r));
			return helper_link_lost(h, false, why);
		}
		if (f.version != h->cq.version) {
			/* A Kismet server answers in v1: so do we. */
			log_info("%s speaks datasource protocol v%u; answering "
			    "in v%u", h->cmd.remote ? h->remote.name :
			    "the server", f.version, f.version);
			(void)outq_set_version(&h->cq, f.version);
		}
		if ((dropped = outq_set_version(&h->q, f.version)) > 0)
			log_warnx("%zu bytes of frames queued for a server "
			    "that spoke another protocol version dropped",
			    dropped);
		session_dispatch(h, &m);
		msg_clear(&m);
	}
	if (r < 0) {
		snprintf(why, sizeof(why), "bad frame from the server: %s",
		    proto_strerror(r));
		return helper_link_lost(h, false, why);
	}
	return 0;
}

/* Frames and texts go out once the source is open on this link. */
static bool
helper_q_flows(const struct helper *h)
{
	return h->state == HS_OPEN || h->state == HS_CLOSING;
}

static bool
helper_want_write(const struct helper *h)
{
	return outq_pending(&h->cq) > 0 || outq_mid_frame(&h->q) ||
	    (outq_pending(&h->q) > 0 && helper_q_flows(h));
}

/* helper_feed(): the queue is full (not "no more to feed"). */
#define FEED_FULL	(-2)

/*
 * Write what the link takes: a frame begun is finished first, then the
 * replies, then the frames (up to a frame's end while replies wait, so
 * that they can go next).
 */
static int
helper_write_link(struct helper *h)
{
	ssize_t n;

	for (;;) {
		if (outq_mid_frame(&h->q))
			n = outq_flush_frame(&h->q, h->out_fd);
		else if (outq_pending(&h->cq) > 0)
			n = outq_flush_frame(&h->cq, h->out_fd);
		else if (outq_pending(&h->q) > 0 && helper_q_flows(h))
			n = outq_flush(&h->q, h->out_fd);
		else
			return 0;
		if (n < 0)
			return helper_link_lost(h, n == -EPIPE ||
			    n == -ECONNRESET, strerror((int)-n));
		if (n == 0)
			return 0;
	}
}

/*
 * Feeding the source.
 */

/* When a file source's frame is due, in microseconds. */
static uint64_t
helper_pace(struct helper *h, const struct ds_packet *p, uint64_t now)
{
	uint64_t ts = p->ts_sec * 1000000 + p->ts_usec, due;

	switch (h->info.pace) {
	case DS_PACE_PPS:
		if (h->pace_count == 0)
			h->pace_wall = now;
		due = h->pace_wall +
		    (uint64_t)((double)h->pace_count * 1e6 / h->info.pps);
		h->pace_count++;
		break;
	case DS_PACE_REALTIME:
		/* Timestamps that run backwards start a new anchor. */
		if (h->pace_count++ == 0 || ts < h->pace_last_ts) {
			h->pace_wall = now;
			h->pace_ts = ts;
		}
		h->pace_last_ts = ts;
		due = h->pace_wall + (ts - h->pace_ts);
		break;
	default:
		return now;
	}
	/* After a stall (a lost link) resume the pace, not a burst. */
	if (due + 1000000 < now) {
		h->pace_wall = now;
		h->pace_ts = ts;
		h->pace_count = 1;
		due = now;
	}
	return due;
}

static void
helper_driver_stopped(struct helper *h)
{
	if (!h->finished)
		helper_error(h, "%s: %s: capture stopped without a reason",
		    h->ops->type, h->def.interface);
}

/*
 * A file source: hand frames to the queue while their time has come and
 * the queue has room.  Returns the poll timeout it needs, in ms.
 */
static int
helper_feed(struct helper *h)
{
	uint64_t now = helper_now_us();
	int budget = FEED_BUDGET, r;

	while (budget-- > 0) {
		if (h->state != HS_OPEN || h->finished)
			return -1;
		if (!h->have_pend) {
			r = h->ops->next(h, &h->pend);
			if (r == DS_NEXT_STOP) {
				helper_driver_stopped(h);
				return -1;
			}
			if (r == DS_NEXT_NONE)
				return 10;
			h->have_pend = true;
			h->pend_due = helper_pace(h, &h->pend, now);
		}
		if (h->pend_due > now)
			return (int)((h->pend_due - now + 999) / 1000);
		r = helper_send_packet(h, &h->pend);
		if (r == -PROTO_ERR_NOSPACE)
			return FEED_FULL;
		if (r < 0) {
			log_warnx("%s: frame of %u bytes not sent: %s",
			    h->def.interface, h->pend.caplen,
			    proto_strerror(r));
			h->stats.dropped++;
		}
		h->have_pend = false;
	}
	return 0;
}

/* A live source: take what is ready; what finds no room is dropped. */
static void
helper_read_source(struct helper *h)
{
	struct ds_packet p;
	int i;

	for (i = 0; i < LIVE_BUDGET && h->state == HS_OPEN && !h->finished;
	    i++) {
		switch (h->ops->next(h, &p)) {
		case DS_NEXT_NONE:
			return;
		case DS_NEXT_STOP:
			helper_driver_stopped(h);
			return;
		case DS_NEXT_PACKET:
			if (helper_send_packet(h, &p) < 0)
				h->stats.dropped++;
			break;
		}
	}
}

static int
min_timeout(int a, int64_t b)
{
	if (b < 0)
		b = 0;
	if (b > 60000)
		b = 60000;
	return a < 0 || b < a ? (int)b : a;
}

/* Timers: ping watchdog, hops, drop warnings, the idle trim. */
static int
helper_timers(struct helper *h, int *timeout)
{
	uint64_t now = helper_now_ms();
	long pg = sysconf(_SC_PAGESIZE);
	struct pollfd in = { h->in_fd, POLLIN, 0 };

	/*
	 * Read what has arrived before judging: a helper that was busy (a
	 * slow open on a loaded machine) may have its pings waiting.
	 */
	if (now - h->last_ping >= HELPER_PING_TIMEOUT_MS &&
	    poll(&in, 1, 0) > 0 && (in.revents & POLLIN) != 0) {
		*timeout = 0;
		return 0;
	}
	if (now - h->last_ping >= HELPER_PING_TIMEOUT_MS)
		return helper_link_lost(h, false, "no ping from the server "
		    "for 15 s");
	*timeout = min_timeout(*timeout,
	    (int64_t)(h->last_ping + HELPER_PING_TIMEOUT_MS - now));
	if (h->state == HS_OPEN && h->hopping) {
		if (now >= h->hop_at)
			h->ops->chanctl->hop(h);
		if (h->hopping)
			*timeout = min_timeout(*timeout,
			    (int64_t)(h->hop_at - now));
	}
	if (h->stats.dropped > h->stats.dropped_told && h->state == HS_OPEN) {
		if (now >= h->drop_told_at) {
			helper_warning(h, "%s: %llu frames dropped since the "
			    "start: the server is not reading fast enough",
			    h->def.interface,
			    (unsigned long long)h->stats.dropped);
			h->stats.dropped_told = h->stats.dropped;
			h->drop_told_at = now + HELPER_DROP_REPORT_MS;
		} else
			*timeout = min_timeout(*timeout,
			    (int64_t)(h->drop_told_at - now));
	}
	if (outq_pending(&h->q) == 0 && h->q.touched > (size_t)pg) {
		if (now - h->last_put >= HELPER_TRIM_MS)
			outq_trim(&h->q);
		else
			*timeout = min_timeout(*timeout,
			    (int64_t)(h->last_put + HELPER_TRIM_MS - now));
	}
	return 0;
}

static int
helper_run(struct helper *h)
{
	struct pollfd pfd[3];
	int nfd, timeout, t, link_w, src;

	for (;;) {
		if (helper_signalled != 0) {
			/*
			 * Stopping a source that captures is news; a probe
			 * helper, or one whose file has ended, being let go
			 * is not.
			 */
			if (h->open && !h->finished)
				log_info("signal %d: shutting down",
				    (int)helper_signalled);
			else
				log_debug("signal %d: shutting down",
				    (int)helper_signalled);
			return 0;
		}
		if (h->state == HS_CLOSING && outq_pending(&h->q) == 0 &&
		    outq_pending(&h->cq) == 0)
			return h->exit_status;
		timeout = -1;
		if (h->state == HS_DOWN) {
			if (helper_now_ms() >= h->retry_at &&
			    helper_reconnect(h) != 0)
				return h->exit_status;
			if (h->state == HS_DOWN) {
				timeout = min_timeout(-1, (int64_t)(h->retry_at
				    - helper_now_ms()));
				if (poll(NULL, 0, timeout) < 0 &&
				    errno != EINTR)
					fatal("poll");
				continue;
			}
		}
		if (helper_timers(h, &timeout) != 0)
			return h->exit_status;
		if (h->state == HS_DOWN)
			continue;
		t = -1;
		if (h->state == HS_OPEN && h->info.fd < 0 && !h->finished &&
		    (t = helper_feed(h)) >= 0)
			timeout = min_timeout(timeout, t);
		/* Write what is queued now rather than after a poll. */
		if (helper_write_link(h) != 0)
			return h->exit_status;
		/*
		 * A full queue that this write emptied leaves nothing to
		 * wait for POLLOUT on: feed again at once, or the file would
		 * wait for the next timer (up to the ping watchdog's 15 s).
		 */
		if (t == FEED_FULL && !helper_want_write(h))
			timeout = 0;
		if (h->state == HS_DOWN || (h->state == HS_CLOSING &&
		    outq_pending(&h->q) == 0 && outq_pending(&h->cq) == 0))
			continue;

		nfd = 0;
		pfd[nfd].fd = h->in_fd;
		pfd[nfd++].events = POLLIN;
		link_w = 0;
		if (helper_want_write(h)) {
			if (h->out_fd == h->in_fd)
				pfd[0].events |= POLLOUT;
			else {
				link_w = nfd;
				pfd[nfd].fd = h->out_fd;
				pfd[nfd++].events = POLLOUT;
			}
		}
		src = -1;
		if (h->state == HS_OPEN && h->info.fd >= 0 && !h->finished) {
			src = nfd;
			pfd[nfd].fd = h->info.fd;
			pfd[nfd++].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)nfd, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
		    helper_read_link(h) != 0)
			return h->exit_status;
		if (h->state == HS_DOWN)
			continue;
		if (((pfd[0].revents & POLLOUT) != 0 || (link_w > 0 &&
		    (pfd[link_w].revents & (POLLOUT | POLLERR)) != 0)) &&
		    helper_write_link(h) != 0)
			return h->exit_status;
		if (src >= 0 && (pfd[src].revents & (POLLIN | POLLERR)) != 0)
			helper_read_source(h);
	}
}

/*
 * Start-up.
 */

static int
helper_list(struct helper *h)
{
	static struct ds_iface ifs[64];
	char err[512];
	int n, i;

	/* fprintf(stdout), not printf: one imported function fewer
	   (doc/helpers.md, "Size"). */
	if (h->ops->list == NULL) {
		fprintf(stdout, "%s: no interfaces to list: %s\n", h->prog,
		    h->ops->source_help);
		return 0;
	}
	if ((n = h->ops->list(h, ifs, 64, err, sizeof(err))) < 0) {
		fprintf(stderr, "%s: %s\n", h->prog, err);
		return 1;
	}
	if (n == 0)
		fprintf(stdout, "%s: no interfaces found\n", h->prog);
	for (i = 0; i < n; i++)
		fprintf(stdout, "%s\t%s\t%s\n", ifs[i].interface,
		    ifs[i].flags, ifs[i].hardware);
	return 0;
}

/* Remote: the definition to announce must parse and give a UUID. */
static int
helper_remote_setup(struct helper *h, char *err, size_t errlen)
{
	struct srcdef d;
	char why[256];
	int r;

	if (srcdef_parse(h->cmd.source, &d, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "--source: %s", why);
		return -EINVAL;
	}
	r = srcdef_uuid(&d, h->ops->type, h->uuid, why, sizeof(why));
	srcdef_free(&d);
	if (r < 0) {
		snprintf(err, errlen, "--source: %s", why);
		return r;
	}
	h->state = HS_DOWN;
	h->in_fd = h->out_fd = -1;
	h->retry_at = 0;
	return 0;
}

static int
helper_local_setup(struct helper *h, char *err, size_t errlen)
{
	int fds[2] = { h->cmd.in_fd, h->cmd.out_fd }, i, fl;

	for (i = 0; i < 2; i++) {
		if ((fl = fcntl(fds[i], F_GETFL)) < 0 ||
		    fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) < 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0) {
			snprintf(err, errlen, "%s=%d: %s", i == 0 ? "--in-fd" :
			    "--out-fd", fds[i], strerror(errno));
			return -EBADF;
		}
	}
	h->in_fd = h->cmd.in_fd;
	h->out_fd = h->cmd.out_fd;
	h->state = HS_IDLE;
	h->last_ping = helper_now_ms();
	return 0;
}

int
helper_main(int argc, char **argv, const struct ds_ops *ops)
{
	static struct helper h;	/* about 10 KiB: not on the stack */
	struct sigaction sa;
	char err[512];
	int r;

	memset(&h, 0, sizeof(h));
	h.ops = ops;
	h.prog = argc > 0 ? basename(argv[0]) : "osprey_cap";
	log_init(h.prog, LOG_LEVEL_INFO);
	if ((ops->set_channel == NULL) != (ops->chanctl == NULL))
		fatalx("driver %s: set_channel and chanctl go together",
		    ops->type);
	/*
	 * Installed setuid root: become the invoking user before reading a
	 * single option, keeping only what opening the source needs.
	 */
	if ((r = privdrop_setuid_helper(ops->open_caps, ops->n_open_caps)) < 0)
		fatalx("cannot drop setuid privileges: %s", strerror(-r));
	if (cmdline_parse(argc, argv, &h.cmd, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s (see --help)\n", h.prog, err);
		return 2;
	}
	switch (h.cmd.action) {
	case CMDLINE_VERSION:
		fprintf(stdout, "%s %s\n", h.prog, OSPREY_VERSION);
		return 0;
	case CMDLINE_HELP:
		cmdline_usage(stdout, h.prog, ops->source_help);
		return 0;
	case CMDLINE_LIST:
		return helper_list(&h);
	case CMDLINE_RUN:
		break;
	}
	if (h.cmd.verbose > 0)
		log_set_level(LOG_LEVEL_DEBUG);
	sandbox_announce();
	r = h.cmd.remote ? helper_remote_setup(&h, err, sizeof(err)) :
	    helper_local_setup(&h, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", h.prog, err);
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = helper_signal_cb;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	/* Keep the working directory: a file source may be relative. */
	if (h.cmd.daemonize && daemon(1, 0) < 0)
		fatal("daemon");
	/* Every buffer the process will use, once. */
	if (frame_decoder_init(&h.dec, FRAME_CONTROL_PAYLOAD) < 0 ||
	    msg_arena_init(&h.arena, HELPER_ARENA_SIZE) < 0 ||
	    outq_init(&h.q, HELPER_QUEUE_SIZE) < 0 ||
	    outq_init(&h.cq, HELPER_CTL_QUEUE_SIZE) < 0)
		fatalx("out of memory allocating the helper's buffers");
	frame_decoder_allow_v1(&h.dec);

	r = helper_run(&h);

	helper_close_source(&h);
	if (h.cmd.remote && h.in_fd >= 0)
		close(h.in_fd);
	outq_free(&h.q);
	outq_free(&h.cq);
	msg_arena_free(&h.arena);
	frame_decoder_free(&h.dec);
	return r;
}
