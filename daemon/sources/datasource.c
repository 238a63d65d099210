/* SPDX-License-Identifier: ISC */
/*
 * \summary: the datasource manager: one state machine per capture source
 *
 * Life cycle, helpers and failure handling live here; what each helper
 * message does in each state is the dispatch table of dsproto.c, and
 * channel control is dschan.c.
 */

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "datasource.h"
#include "dsint.h"
#include "log.h"
#include "msg.h"
#include "msgbus.h"
#include "peer.h"
#include "proc.h"
#include "xmalloc.h"

/* A SIGTERMed helper gets this long before SIGKILL. */
#define DS_KILL_GRACE_MS	1000
/* After a local helper's socket closes, wait this long for its status. */
#define DS_LINGER_MS		250

/* Helper types: the wire name and the binary osprey_cap_<binary>. */
const struct ds_type ds_types[] = {
	{ "linuxwifi", "linux_wifi", true },
	{ "pcapfile", "pcapfile", false },
};
const size_t ds_n_types = sizeof(ds_types) / sizeof(ds_types[0]);

/* A helper on its way out: SIGTERMed, SIGKILLed if it lingers. */
struct ds_dying {
	TAILQ_ENTRY(ds_dying)	 entry;
	struct datasource_mgr	*mgr;
	pid_t			 pid;
	struct event		*ev;
	uint32_t		 source;	/* its source's id */
	bool			 tell;		/* report its end (tell_exit) */
};

static void	ds_retry_cb(evutil_socket_t, short, void *);
static void	ds_ping_cb(evutil_socket_t, short, void *);
static void	ds_pong_cb(evutil_socket_t, short, void *);
static void	ds_req_cb(evutil_socket_t, short, void *);
static void	ds_linger_cb(evutil_socket_t, short, void *);
static void	ds_exit_cb(pid_t, const char *, void *);
static void	ds_start(struct datasource *);

uint64_t
ds_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct timeval
ms_tv(uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	return tv;
}

const char *
datasource_state_name(enum ds_state s)
{
	static const char *const names[DS_STATE_COUNT] = {
		[DS_CLOSED] = "closed",
		[DS_PROBING] = "probing",
		[DS_OPENING] = "opening",
		[DS_RUNNING] = "running",
		[DS_PAUSED] = "paused",
		[DS_ERROR] = "error",
		[DS_RETRYING] = "retrying",
	};

	return (unsigned)s < DS_STATE_COUNT ? names[s] : "unknown";
}

bool
datasource_running(const struct datasource *ds)
{
	return ds->state == DS_RUNNING || ds->state == DS_PAUSED;
}

bool
datasource_paused(const struct datasource *ds)
{
	return ds->state == DS_PAUSED;
}

bool
datasource_error(const struct datasource *ds)
{
	return ds->state == DS_ERROR || ds->state == DS_RETRYING;
}

static void	ds_apply_hold(struct datasource *);

void
ds_set_state(struct datasource *ds, enum ds_state st)
{
	if (ds->state == st)
		return;
	log_debug("source '%s': %s -> %s", ds->name,
	    datasource_state_name(ds->state), datasource_state_name(st));
	ds->state = st;
	ds_apply_hold(ds);
	if (ds->mgr->state_cb != NULL)
		ds->mgr->state_cb(ds, ds->mgr->cb_arg);
}

/*
 * A running capture file's helper is held (not read) while the manager
 * holds files (datasource_mgr_hold_files); anything else never is.
 */
static void
ds_apply_hold(struct datasource *ds)
{
	bool want;

	if (ds->peer == NULL) {
		ds->held = false;
		return;
	}
	want = ds->mgr->hold_files && ds->state == DS_RUNNING &&
	    !ds->remote && strcmp(ds->type, "pcapfile") == 0;
	if (want != ds->held) {
		ds->held = want;
		peer_hold(ds->peer, want);
	}
}

/* One line to the log and the same to the message bus. */
void
ds_report(struct datasource *ds, enum msgbus_level level, const char *fmt,
    ...)
{
	char text[MSGBUS_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (level >= MSGBUS_ERROR)
		log_warnx("source '%s': %s", ds->name, text);
	else
		log_info("source '%s': %s", ds->name, text);
	msgbus_post(ds->mgr->bus, level, "source '%s': %s", ds->name, text);
}

const struct ds_type *
ds_type_find(const char *name)
{
	size_t i;

	for (i = 0; i < ds_n_types; i++)
		if (strcasecmp(name, ds_types[i].wire) == 0 ||
		    strcasecmp(name, ds_types[i].binary) == 0)
			return &ds_types[i];
	return NULL;
}

int
ds_helper_path(struct datasource_mgr *m, const struct ds_type *t, char *ret,
    size_t len)
{
	size_t i = (size_t)(t - ds_types);

	/* Locked down, the core cannot look: use what it saw before. */
	if (m->locked) {
		if (!m->installed[i])
			return -ENOENT;
		snprintf(ret, len, "osprey_cap_%s", t->binary);
		return 0;
	}
	return proc_find_helper(t->binary, m->policy.helper_search,
	    m->policy.helper_binary_path, ret, len);
}

void
datasource_mgr_lockdown(struct datasource_mgr *m)
{
	char path[PROC_PATH_MAX];
	size_t i;

	for (i = 0; i < ds_n_types; i++)
		m->installed[i] = proc_find_helper(ds_types[i].binary,
		    m->policy.helper_search, m->policy.helper_binary_path,
		    path, sizeof(path)) == 0;
	m->locked = true;
}

/*
 * Helpers on their way out.
 */

static void
ds_dying_free(struct ds_dying *d)
{
	TAILQ_REMOVE(&d->mgr->dying, d, entry);
	event_free(d->ev);
	free(d);
}

/*
 * The end of a helper whose source failed before it was known: its
 * socket closed and the launcher's report came later than the linger
 * wait (a loaded machine).  How it ended is the reason worth having
 * ("killed by SIGSYS: sandbox violation, system call ..."): log it, and
 * put it in the error reason unless the source has moved on.
 */
static void
ds_late_exit(struct datasource *ds, pid_t pid, const char *how)
{
	ds_report(ds, MSGBUS_ERROR, "helper (pid %ld) %s", (long)pid, how);
	if (datasource_error(ds) &&
	    strcmp(ds->error_reason, ds->linger_reason) == 0)
		snprintf(ds->error_reason, sizeof(ds->error_reason),
		    "helper %s", how);
}

static void
ds_dying_exit_cb(pid_t pid, const char *how, void *arg)
{
	struct ds_dying *d = arg;
	struct datasource *ds;

	log_debug("helper %ld %s", (long)pid, how);
	if (d->tell && (ds = datasource_find_id(d->mgr, d->source)) != NULL)
		ds_late_exit(ds, pid, how);
	ds_dying_free(d);
}

static void
ds_dying_kill_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ds_dying *d = arg;

	log_debug("helper %ld ignored SIGTERM, killing", (long)d->pid);
	proc_kill(d->mgr->proc, d->pid, SIGKILL);
}

/* Hand a helper that is not done yet to the dying list. */
static void
ds_bury(struct datasource *ds)
{
	struct datasource_mgr *m = ds->mgr;
	struct timeval tv = ms_tv(DS_KILL_GRACE_MS);
	struct ds_dying *d;

	if (ds->pid <= 0)
		return;
	proc_unwatch(m->proc, ds->pid);
	d = xcalloc(1, sizeof(*d));
	d->mgr = m;
	d->pid = ds->pid;
	d->source = ds->id;
	d->tell = ds->tell_exit;
	ds->tell_exit = false;
	d->ev = evtimer_new(m->base, ds_dying_kill_cb, d);
	TAILQ_INSERT_TAIL(&m->dying, d, entry);
	proc_watch(m->proc, d->pid, ds_dying_exit_cb, d);
	proc_kill(m->proc, d->pid, SIGTERM);
	evtimer_add(d->ev, &tv);
	ds->pid = 0;
}

/*
 * Drop the connection: stop the timers, free the peer, retire the
 * helper, and tell whoever waits on a configure request.
 */
void
ds_disconnect(struct datasource *ds)
{
	evtimer_del(ds->ev_ping);
	evtimer_del(ds->ev_pong);
	evtimer_del(ds->ev_req);
	evtimer_del(ds->ev_kill);
	ds->req_seq = 0;
	if (ds->spawn_req != 0) {
		proc_cancel(ds->mgr->proc, ds->spawn_req);
		ds->spawn_req = 0;
	}
	ds_chan_cancel(ds, -ECONNRESET, "source stopped");
	peer_free(ds->peer);
	ds->peer = NULL;
	ds->held = false;
	ds_bury(ds);
	/* A remote record counts from here towards its removal. */
	if (ds->remote && ds->gone_ms == 0)
		ds->gone_ms = ds_mono_ms();
}

static uint64_t
ds_backoff_ms(const struct datasource *ds)
{
	const struct datasource_policy *p = &ds->mgr->policy;
	unsigned shift = ds->retry_attempts > 0 ? ds->retry_attempts - 1 : 0;
	uint64_t ms;

	if (shift > 16)
		shift = 16;
	ms = p->retry_min_ms << shift;
	return ms > p->retry_max_ms ? p->retry_max_ms : ms;
}

void
ds_fail(struct datasource *ds, const char *fmt, ...)
{
	struct timeval tv;
	va_list ap;
	uint64_t ms;
	bool was_live = ds_live(ds);

	ds_disconnect(ds);
	if (!was_live)
		return;
	if (ds->finished) {
		/* Done with its input: the end of the helper is no error. */
		ds_report(ds, MSGBUS_INFO, "finished");
		ds_set_state(ds, DS_CLOSED);
		ds_chan_rebalance(ds->mgr);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(ds->error_reason, sizeof(ds->error_reason), fmt, ap);
	va_end(ap);
	if (ds->retry && !ds->remote && !ds->mgr->policy.no_retry) {
		/* A source that ran a good while starts its backoff over. */
		if (ds->opened_ms != 0 &&
		    ds_mono_ms() - ds->opened_ms >= ds->mgr->policy.retry_max_ms)
			ds->retry_attempts = 0;
		ds->opened_ms = 0;
		ds->retry_attempts++;
		ds->total_retries++;
		ms = ds_backoff_ms(ds);
		ds_report(ds, MSGBUS_ERROR, "%s; retry %u in %llu ms",
		    ds->error_reason, ds->retry_attempts,
		    (unsigned long long)ms);
		tv = ms_tv(ms);
		evtimer_add(ds->ev_retry, &tv);
		ds_set_state(ds, DS_RETRYING);
	} else {
		ds_report(ds, MSGBUS_ERROR, "%s", ds->error_reason);
		ds_set_state(ds, DS_ERROR);
	}
	ds_chan_rebalance(ds->mgr);
}

void
ds_finish(struct datasource *ds)
{
	/*
	 * Its helper has nothing more to give: let it go (it frees a
	 * launcher slot; a batch may replay more files than the launcher
	 * holds children).  The record keeps its counters.
	 */
	ds_disconnect(ds);
	ds_report(ds, MSGBUS_INFO, "finished");
	ds_set_state(ds, DS_CLOSED);
	ds_chan_rebalance(ds->mgr);
}

bool
ds_live(const struct datasource *ds)
{
	return ds->state == DS_PROBING || ds->state == DS_OPENING ||
	    ds->state == DS_RUNNING || ds->state == DS_PAUSED;
}

static void
ds_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct datasource *ds = arg;

	if (ds->state == DS_RETRYING)
		ds_start(ds);
}

/*
 * Timers of a connected source.
 */

static void
ds_ping_cb(evutil_socket_t fd, short what, void *arg)
{
	struct datasource *ds = arg;
	struct timeval tv = ms_tv(ds->mgr->policy.ping_ms);
	struct msg m = { .type = MSG_PING };
	int64_t r;

	if (ds->peer == NULL)
		return;
	if ((r = peer_send(ds->peer, &m)) < 0) {
		ds_fail(ds, "cannot ping helper: %s", proto_strerror((int)r));
		return;
	}
	evtimer_add(ds->ev_ping, &tv);
}

static void
ds_pong_cb(evutil_socket_t fd, short what, void *arg)
{
	struct datasource *ds = arg;

	ds_fail(ds, "helper stopped answering (no pong for %llu ms)",
	    (unsigned long long)ds->mgr->policy.pong_timeout_ms);
}

static void
ds_req_cb(evutil_socket_t fd, short what, void *arg)
{
	struct datasource *ds = arg;

	if (ds->state == DS_PROBING)
		ds_probe_failed(ds, "no probe report in time");
	else
		ds_fail(ds, "no open report for %llu ms",
		    (unsigned long long)ds->mgr->policy.pong_timeout_ms);
}

void
ds_pong_reset(struct datasource *ds)
{
	struct timeval tv = ms_tv(ds->mgr->policy.pong_timeout_ms);

	evtimer_add(ds->ev_pong, &tv);
}

/*
 * The source opened: ping from now on, the first one a ping interval
 * from now.  Until the open report the helper hears nothing it did not
 * ask for but the one request: Kismet's helpers handle one frame per
 * read, so a PING sent before or with the request would hold the
 * request back until the next frame came (doc/protocol.md, "Session").
 * Meanwhile the request's own timer watches the helper.
 */
void
ds_keepalive_start(struct datasource *ds)
{
	struct timeval tv = ms_tv(ds->mgr->policy.ping_ms);

	ds_pong_reset(ds);
	evtimer_add(ds->ev_ping, &tv);
}

/* Send a probe or open request and wait for its report. */
static int
ds_request(struct datasource *ds, enum msg_type type)
{
	struct timeval tv = ms_tv(ds->mgr->policy.pong_timeout_ms);
	struct msg m = { .type = type };
	int64_t r;

	m.u.definition = ds->wire_def != NULL ? ds->wire_def : ds->definition;
	if ((r = peer_send(ds->peer, &m)) < 0)
		return (int)r;
	ds->req_seq = (uint32_t)r;
	evtimer_add(ds->ev_req, &tv);
	return 0;
}

/*
 * Helper exit and lingering.  A local helper's end shows up twice: its
 * socket closes and the launcher reports its exit, in either order.  Bytes it sent
 * before dying are still read first; the failure is reported when the
 * socket closes, naming the exit status when it is known by then.
 */

static void
ds_exit_cb(pid_t pid, const char *how, void *arg)
{
	struct datasource *ds = arg;

	if (pid != ds->pid)
		return;
	ds->pid = 0;
	ds->exited = true;
	snprintf(ds->exit_how, sizeof(ds->exit_how), "%s", how);
	if (ds->lingering) {
		ds->lingering = false;
		evtimer_del(ds->ev_kill);
		ds_fail(ds, "helper %s", ds->exit_how);
	}
}

static void
ds_linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct datasource *ds = arg;

	if (!ds->lingering)
		return;
	ds->lingering = false;
	ds->tell_exit = !ds->finished;
	ds_fail(ds, "%s", ds->linger_reason);
}

void
ds_peer_gone(struct datasource *ds, int err)
{
	struct timeval tv = ms_tv(DS_LINGER_MS);

	evtimer_del(ds->ev_ping);
	evtimer_del(ds->ev_pong);
	evtimer_del(ds->ev_req);
	peer_free(ds->peer);
	ds->peer = NULL;
	ds->held = false;
	/* A local helper that died with input unread resets the socket. */
	if (err == -ECONNRESET && !ds->remote)
		err = 0;
	if (err != 0) {
		if (ds->state == DS_PROBING)
			ds_probe_failed(ds, proto_strerror(err));
		else
			ds_fail(ds, "bad data from helper: %s",
			    proto_strerror(err));
		return;
	}
	if (ds->remote) {
		ds_fail(ds, "sensor closed the connection");
		return;
	}
	if (ds->exited) {
		if (ds->state == DS_PROBING)
			ds_probe_failed(ds, ds->exit_how);
		else
			ds_fail(ds, "helper %s", ds->exit_how);
		return;
	}
	if (ds->state == DS_PROBING) {
		/* A probe helper leaves after answering: nothing to wait. */
		ds_probe_failed(ds, "helper closed the connection");
		return;
	}
	snprintf(ds->linger_reason, sizeof(ds->linger_reason),
	    "helper closed the connection");
	ds->lingering = true;
	evtimer_add(ds->ev_kill, &tv);
}

/*
 * Starting: probe each installed helper type until one accepts, or go
 * straight to opening when the type is known.
 */

/* The launcher started the helper (or could not). */
static void
ds_spawned_cb(int err, pid_t pid, int fd, void *arg)
{
	struct datasource *ds = arg;
	struct datasource_mgr *m = ds->mgr;
	const struct ds_type *t = ds->spawn_type;
	char why[DS_REASON_MAX], name[PEER_NAME_MAX];
	int r;

	ds->spawn_req = 0;
	if (err < 0) {
		snprintf(why, sizeof(why), "cannot run osprey_cap_%s: %s",
		    t->binary, strerror(-err));
		goto fail;
	}
	snprintf(name, sizeof(name), "source '%s' (%s %ld)", ds->name,
	    t->binary, (long)pid);
	if ((ds->peer = peer_new(m->base, fd, FRAME_MAX_PAYLOAD, name,
	    ds_dispatch_helper, ds)) == NULL) {
		snprintf(why, sizeof(why), "helper socket: %s",
		    strerror(errno));
		close(fd);
		proc_kill(m->proc, pid, SIGKILL);
		goto fail;
	}
	ds->pid = pid;
	ds->exited = false;
	ds->exit_how[0] = '\0';
	proc_watch(m->proc, pid, ds_exit_cb, ds);
	if ((r = ds_request(ds, ds->state == DS_PROBING ? MSG_PROBESOURCE :
	    MSG_OPENSOURCE)) == 0)
		return;
	snprintf(why, sizeof(why), "cannot send request: %s",
	    proto_strerror(r));
fail:
	if (ds->state == DS_PROBING)
		ds_probe_failed(ds, why);
	else
		ds_fail(ds, "%s", why);
}

/*
 * Ask the launcher for a helper of type t; the request to it goes out
 * when it has started (ds_spawned_cb).  A helper that is not installed
 * fails here, at once.
 */
static int
ds_spawn(struct datasource *ds, const struct ds_type *t, char *err,
    size_t errlen)
{
	struct datasource_mgr *m = ds->mgr;
	char path[PROC_PATH_MAX];
	int r;

	if (ds_helper_path(m, t, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "no helper osprey_cap_%s installed",
		    t->binary);
		return -ENOENT;
	}
	ds->spawn_type = t;
	if ((r = proc_spawn(m->proc, t->binary, ds_spawned_cb, ds,
	    &ds->spawn_req)) < 0) {
		snprintf(err, errlen, "cannot ask for osprey_cap_%s: %s",
		    t->binary, strerror(-r));
		return r;
	}
	/*
	 * No timer yet: a request may wait for a free launcher slot as long
	 * as other helpers run.  The report timeout starts with the request.
	 */
	return 0;
}

static void
ds_open_local(struct datasource *ds)
{
	char err[DS_REASON_MAX];

	ds_set_state(ds, DS_OPENING);
	if (ds_spawn(ds, ds_type_find(ds->type), err, sizeof(err)) < 0)
		ds_fail(ds, "%s", err);
}

/*
 * What an interface name can be.  Linux interface names hold no '/' and
 * are at most 15 bytes, so anything else is a file; so is a name the
 * file system knows (looked at only before the lock-down, as the
 * sources of the config are added).  A name with a capture file's
 * extension is likely a file; any other, likely an interface.
 */
enum ds_guess {
	DS_GUESS_IFACE,		/* linuxwifi first, then pcapfile */
	DS_GUESS_LIKELY_FILE,	/* pcapfile first, then linuxwifi */
	DS_GUESS_FILE,		/* pcapfile only */
};

static enum ds_guess
ds_guess(const struct datasource_mgr *m, const char *interface)
{
	static const char *const ext[] = { ".pcap", ".pcapng", ".cap",
	    ".dump", ".gz", NULL };
	const char *dot = strrchr(interface, '.');
	struct stat st;
	size_t i;

	if (strchr(interface, '/') != NULL || strlen(interface) > 15 ||
	    (!m->locked && stat(interface, &st) == 0 && !S_ISDIR(st.st_mode)))
		return DS_GUESS_FILE;
	for (i = 0; dot != NULL && ext[i] != NULL; i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return DS_GUESS_LIKELY_FILE;
	return DS_GUESS_IFACE;
}

/*
 * The helper types to probe, likeliest first: a capture file is never
 * shown to the Wi-Fi helper (which would only say it has no such
 * interface, or no nl80211), and the first refusal, from the helper the
 * name was meant for, is the one reported.
 */
static void
ds_probe_plan(struct datasource *ds)
{
	const struct ds_type *wifi = ds_type_find("linuxwifi");
	const struct ds_type *file = ds_type_find("pcapfile");

	ds->probe_n = 0;
	switch (ds_guess(ds->mgr, ds->interface)) {
	case DS_GUESS_FILE:
		ds->probe_order[ds->probe_n++] = file;
		break;
	case DS_GUESS_LIKELY_FILE:
		ds->probe_order[ds->probe_n++] = file;
		ds->probe_order[ds->probe_n++] = wifi;
		break;
	case DS_GUESS_IFACE:
		ds->probe_order[ds->probe_n++] = wifi;
		ds->probe_order[ds->probe_n++] = file;
		break;
	}
}

/* Try the next installed helper type, or give up. */
static void
ds_probe_next(struct datasource *ds)
{
	const struct ds_type *t;
	char err[DS_REASON_MAX];

	ds_set_state(ds, DS_PROBING);
	while (ds->probe_next < ds->probe_n) {
		t = ds->probe_order[ds->probe_next++];
		if (ds_spawn(ds, t, err, sizeof(err)) < 0) {
			log_debug("source '%s': probe %s: %s", ds->name,
			    t->wire, err);
			continue;
		}
		ds->probing = t;
		return;
	}
	ds->probing = NULL;
	ds_fail(ds, "no helper accepted '%s'%s%s", ds->interface,
	    ds->probe_why[0] != '\0' ? ": " : "", ds->probe_why);
}

void
ds_probe_failed(struct datasource *ds, const char *why)
{
	const char *wire = ds->probing != NULL ? ds->probing->wire : "?";
	size_t n = strlen(wire);

	/* The first refusal is the likeliest helper's: keep that one. */
	if (why != NULL && why[0] != '\0' && ds->probe_why[0] == '\0')
		snprintf(ds->probe_why, sizeof(ds->probe_why), "%s%s%s",
		    strncmp(why, wire, n) == 0 && why[n] == ':' ? "" : wire,
		    strncmp(why, wire, n) == 0 && why[n] == ':' ? "" : ": ",
		    why);
	else if (why != NULL)
		log_debug("source '%s': %s refused: %s", ds->name, wire, why);
	ds_disconnect(ds);
	ds_probe_next(ds);
}

void
ds_probe_accepted(struct datasource *ds, const struct ds_type *t)
{
	ds_disconnect(ds);
	free(ds->type);
	ds->type = xstrdup(t->wire);
	ds->probing = NULL;
	if (srcdef_get(&ds->def, "retry") == NULL)
		ds->retry = ds_retry_default(ds->mgr, t, ds->interface);
	ds_report(ds, MSGBUS_INFO, "probed as %s", t->wire);
	ds_open_local(ds);
}

static void
ds_start(struct datasource *ds)
{
	evtimer_del(ds->ev_retry);
	ds->finished = false;
	ds->exited = false;
	ds->lingering = false;
	ds->probe_why[0] = '\0';
	if (ds->remote) {
		/* Nothing to start: the sensor dials in. */
		ds_set_state(ds, DS_ERROR);
		return;
	}
	if (ds->type[0] != '\0' && ds_type_find(ds->type) != NULL) {
		ds_open_local(ds);
		return;
	}
	ds->probe_next = 0;
	ds_probe_plan(ds);
	ds_probe_next(ds);
}

/*
 * Records.
 */

static bool
valid_uuid(const char *s)
{
	size_t i;

	for (i = 0; i < DS_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[i] == '\0';
}

static void
random_uuid(char *out)
{
	uint8_t b[16];
	size_t i;

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		fatal("getrandom");
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	for (i = 0; i < 16; i++)
		out += sprintf(out, "%s%02x",
		    (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", b[i]);
}

/*
 * A local source's uuid, fixed when it is added, so that the log shows
 * one uuid from its first line: derived from the type and the interface
 * as the helpers derive it (srcdef_uuid), so the same definition names
 * the same source across restarts; the type is the one given, else the
 * likeliest.  A second source of the same name gets a random one.
 */
static void
ds_derive_uuid(struct datasource_mgr *m, struct datasource *ds,
    const struct srcdef *def, const struct ds_opts *o)
{
	const char *type = o->type != NULL ? o->type->wire :
	    ds_guess(m, def->interface) == DS_GUESS_IFACE ? "linuxwifi" :
	    "pcapfile";
	char u[SRCDEF_UUID_LEN], err[128];

	if (srcdef_uuid(def, type, u, err, sizeof(err)) == 0 &&
	    datasource_find_uuid(m, u) == NULL)
		snprintf(ds->uuid, sizeof(ds->uuid), "%s", u);
	else
		random_uuid(ds->uuid);
}

/*
 * What the helper is sent: the definition with the source's uuid added
 * when it has none, so that the helper reports (and logs) the same one.
 */
static void
ds_wire_definition(struct datasource *ds, const struct srcdef *def)
{
	size_t n = strlen(ds->definition);

	if (ds->user_uuid)
		ds->wire_def = xstrdup(ds->definition);
	else if (def->n_opts > 0)
		xasprintf(&ds->wire_def, "%s,uuid=%s", ds->definition,
		    ds->uuid);
	else
		xasprintf(&ds->wire_def, "%s%suuid=%s", ds->definition,
		    n > 0 && ds->definition[n - 1] == ':' ? "" : ":",
		    ds->uuid);
}

bool
ds_uuid_valid(const char *s)
{
	return s != NULL && valid_uuid(s);
}

/*
 * Parse and check a definition's options into *o.  Every option the core
 * reads is checked here, so that a bad value fails when the source is
 * added, naming the option.
 */
int
ds_parse_def(struct datasource_mgr *m, const char *definition, bool local,
    struct srcdef *def, struct ds_opts *o, char *reason, size_t len)
{
	const char *v;
	char err[DS_REASON_MAX], path[PROC_PATH_MAX];
	struct chanplan_list l;
	size_t i;
	int r;

	memset(o, 0, sizeof(*o));
	if ((r = srcdef_parse(definition, def, err, sizeof(err))) < 0) {
		snprintf(reason, len, "source '%s': %s", definition, err);
		return r;
	}
	if ((v = srcdef_get(def, "type")) != NULL && v[0] != '\0') {
		if ((o->type = ds_type_find(v)) == NULL) {
			snprintf(reason, len, "source '%s': option 'type': "
			    "unknown type '%s'", def->interface, v);
			goto bad;
		}
	}
	if ((v = srcdef_get(def, "uuid")) != NULL && !valid_uuid(v)) {
		snprintf(reason, len, "source '%s': option 'uuid': '%s' is "
		    "not a UUID", def->interface, v);
		goto bad;
	}
	if (srcdef_get_bool(def, "retry", ds_retry_default(m, o->type,
	    def->interface), &o->retry, err, sizeof(err)) < 0 ||
	    srcdef_get_bool(def, "channel_hop", m->policy.channel_hop,
	    &o->hop, err, sizeof(err)) < 0 ||
	    srcdef_get_bool(def, "timestamp", m->policy.override_remote_ts,
	    &o->server_ts, err, sizeof(err)) < 0) {
		snprintf(reason, len, "source '%s': %s", def->interface, err);
		goto bad;
	}
	o->rate = m->policy.hop_rate;
	if ((v = srcdef_get(def, "channel_hoprate")) != NULL &&
	    chanplan_parse_rate(v, &o->rate, err, sizeof(err)) < 0) {
		snprintf(reason, len, "source '%s': option 'channel_hoprate': "
		    "%s", def->interface, err);
		goto bad;
	}
	if ((v = srcdef_get(def, "channel")) != NULL &&
	    !chanplan_valid_channel(v)) {
		snprintf(reason, len, "source '%s': option 'channel': '%s' is "
		    "not a channel", def->interface, v);
		goto bad;
	}
	if (chanplan_build(NULL, srcdef_get(def, "channels"),
	    srcdef_get(def, "add_channels"), srcdef_get(def, "block_channels"),
	    &l, err, sizeof(err)) < 0) {
		snprintf(reason, len, "source '%s': %s", def->interface, err);
		goto bad;
	}
	chanplan_list_free(&l);
	if (!local)
		return 0;
	if (o->type != NULL) {
		if (ds_helper_path(m, o->type, path, sizeof(path)) < 0) {
			snprintf(reason, len, "source '%s': no helper "
			    "osprey_cap_%s in OSPREY_HELPER_PATH or "
			    "helper_binary_path", def->interface,
			    o->type->binary);
			srcdef_free(def);
			return -ENOENT;
		}
	} else {
		for (i = 0; i < ds_n_types; i++)
			if (ds_helper_path(m, &ds_types[i], path,
			    sizeof(path)) == 0)
				break;
		if (i == ds_n_types) {
			snprintf(reason, len, "source '%s': no capture helper "
			    "installed", def->interface);
			srcdef_free(def);
			return -ENOENT;
		}
	}
	return 0;
bad:
	srcdef_free(def);
	return -EINVAL;
}

/*
 * Whether a source retries when its definition does not say: as the
 * config says for radios, never for capture files (a file that failed
 * will fail again, and a batch run must end).  Before probing, an
 * interface that names a regular file is taken for a file (as long as
 * the core may still look at files: sources of the config are added
 * before the lock-down).
 */
bool
ds_retry_default(struct datasource_mgr *m, const struct ds_type *t,
    const char *interface)
{
	if (t != NULL)
		return t->retry_default && m->policy.retry;
	if (ds_guess(m, interface) != DS_GUESS_IFACE)
		return false;
	return m->policy.retry;
}

int
datasource_check(struct datasource_mgr *m, const char *definition,
    char *reason, size_t len)
{
	struct srcdef def;
	struct ds_opts o;
	int r;

	if ((r = ds_parse_def(m, definition, true, &def, &o, reason, len)) < 0)
		return r;
	srcdef_free(&def);
	return 0;
}

static struct datasource *
ds_new(struct datasource_mgr *m, const char *definition, struct srcdef *def,
    const struct ds_opts *o)
{
	struct datasource *ds;
	const char *v;

	ds = xcalloc(1, sizeof(*ds));
	ds->mgr = m;
	ds->id = ++m->next_id;
	ds->def = *def;
	ds->definition = xstrdup(definition);
	ds->interface = xstrdup(def->interface);
	v = srcdef_get(def, "name");
	ds->name = xstrdup(v != NULL && v[0] != '\0' ? v : def->interface);
	if ((v = srcdef_get(def, "uuid")) != NULL) {
		snprintf(ds->uuid, sizeof(ds->uuid), "%s", v);
		ds->user_uuid = true;
	} else
		ds_derive_uuid(m, ds, def, o);
	ds_wire_definition(ds, def);
	ds->type = xstrdup(o->type != NULL ? o->type->wire : "");
	ds->capture_interface = xstrdup("");
	ds->hardware = xstrdup("");
	ds->retry = o->retry;
	ds->opts = *o;
	ds->ev_ping = evtimer_new(m->base, ds_ping_cb, ds);
	ds->ev_pong = evtimer_new(m->base, ds_pong_cb, ds);
	ds->ev_req = evtimer_new(m->base, ds_req_cb, ds);
	ds->ev_retry = evtimer_new(m->base, ds_retry_cb, ds);
	ds->ev_kill = evtimer_new(m->base, ds_linger_cb, ds);
	if (ds->ev_ping == NULL || ds->ev_pong == NULL || ds->ev_req == NULL ||
	    ds->ev_retry == NULL || ds->ev_kill == NULL)
		fatalx("datasource: out of memory");
	TAILQ_INSERT_TAIL(&m->sources, ds, entry);
	return ds;
}

static void
ds_free(struct datasource *ds)
{
	ds_disconnect(ds);
	event_free(ds->ev_ping);
	event_free(ds->ev_pong);
	event_free(ds->ev_req);
	event_free(ds->ev_retry);
	event_free(ds->ev_kill);
	srcdef_free(&ds->def);
	chanplan_list_free(&ds->channels);
	chanplan_list_free(&ds->hop_channels);
	chanplan_list_free(&ds->want_hop);
	free(ds->definition);
	free(ds->wire_def);
	free(ds->interface);
	free(ds->name);
	free(ds->type);
	free(ds->capture_interface);
	free(ds->hardware);
	free(ds);
}

int
datasource_add(struct datasource_mgr *m, const char *definition,
    struct datasource **ret, char *reason, size_t len)
{
	struct datasource *ds;
	struct srcdef def;
	struct ds_opts o;
	const char *u;
	int r;

	if ((r = ds_parse_def(m, definition, true, &def, &o, reason, len)) < 0)
		return r;
	if ((u = srcdef_get(&def, "uuid")) != NULL &&
	    datasource_find_uuid(m, u) != NULL) {
		snprintf(reason, len, "source '%s': uuid %s is in use",
		    def.interface, u);
		srcdef_free(&def);
		return -EEXIST;
	}
	ds = ds_new(m, definition, &def, &o);
	log_info("source '%s': added (%s, uuid %s)", ds->name, definition,
	    ds->uuid);
	ds_start(ds);
	if (ret != NULL)
		*ret = ds;
	return 0;
}

/*
 * Remote records.  Each sensor that ever connected has one, so a peer
 * that dials with a new UUID every time would grow the core without end:
 * records of sensors gone for remote_timeout_ms are removed, and at
 * remote_max records the one gone longest makes room.
 */

static void
ds_remove(struct datasource *ds)
{
	struct datasource_mgr *m = ds->mgr;

	log_debug("source '%s': remote record removed (uuid %s, gone %llu "
	    "ms)", ds->name, ds->uuid, (unsigned long long)(ds_mono_ms() -
	    ds->gone_ms));
	TAILQ_REMOVE(&m->sources, ds, entry);
	m->n_remote--;
	ds_free(ds);
}

/* Make room for a new remote record; false when every one is connected. */
static bool
ds_remote_evict(struct datasource_mgr *m)
{
	struct datasource *ds, *oldest = NULL;

	TAILQ_FOREACH(ds, &m->sources, entry)
		if (ds->remote && ds->peer == NULL && ds->gone_ms != 0 &&
		    (oldest == NULL || ds->gone_ms < oldest->gone_ms))
			oldest = ds;
	if (oldest == NULL)
		return false;
	ds_remove(oldest);
	return true;
}

static void
ds_reclaim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct datasource_mgr *m = arg;
	struct datasource *ds, *next;
	uint64_t now = ds_mono_ms(), n = 0;

	for (ds = TAILQ_FIRST(&m->sources); ds != NULL; ds = next) {
		next = TAILQ_NEXT(ds, entry);
		if (ds->remote && ds->peer == NULL && ds->gone_ms != 0 &&
		    now - ds->gone_ms >= m->policy.remote_timeout_ms) {
			ds_remove(ds);
			n++;
		}
	}
	/* One line per pass, however many went. */
	if (n > 0)
		log_info("removed %llu remote source records whose sensors "
		    "were gone for %llu s (remote_capture_source_timeout)",
		    (unsigned long long)n, (unsigned long long)
		    (m->policy.remote_timeout_ms / 1000));
}

int
datasource_attach_remote(struct datasource_mgr *m, struct peer *peer,
    const char *definition, const char *sourcetype, const char *uuid,
    char *reason, size_t len)
{
	struct datasource *ds;
	struct srcdef def;
	struct ds_opts o;
	size_t i;
	int r;

	if (!valid_uuid(uuid)) {
		snprintf(reason, len, "'%s' is not a UUID", uuid);
		return -EINVAL;
	}
	for (i = 0; sourcetype[i] != '\0'; i++)
		if (i == 32 || !(isalnum((unsigned char)sourcetype[i]) ||
		    sourcetype[i] == '_'))
			break;
	if (i == 0 || sourcetype[i] != '\0') {
		snprintf(reason, len, "bad source type '%.40s'", sourcetype);
		return -EINVAL;
	}
	if (strlen(definition) > DS_REMOTE_DEF_MAX) {
		snprintf(reason, len, "definition of %zu bytes, over %d",
		    strlen(definition), DS_REMOTE_DEF_MAX);
		return -EMSGSIZE;
	}
	if ((r = ds_parse_def(m, definition, false, &def, &o, reason,
	    len)) < 0)
		return r;
	if ((ds = datasource_find_uuid(m, uuid)) == NULL &&
	    m->n_remote >= m->policy.remote_max && !ds_remote_evict(m)) {
		snprintf(reason, len, "remote source limit reached: %u remote "
		    "sources are connected (remote_capture_max_sources)",
		    m->policy.remote_max);
		srcdef_free(&def);
		return -EUSERS;
	}
	if (ds != NULL) {
		if (!ds->remote || ds->peer != NULL) {
			snprintf(reason, len, "uuid %s is already %s", uuid,
			    ds->remote ? "connected" : "a local source");
			srcdef_free(&def);
			return -EBUSY;
		}
		/* Resume the record; the sensor may have new options. */
		srcdef_free(&ds->def);
		ds->def = def;
		free(ds->definition);
		ds->definition = xstrdup(definition);
		ds->opts = o;
		ds_report(ds, MSGBUS_INFO, "sensor %s reconnected, resuming",
		    peer_name(peer));
	} else {
		ds = ds_new(m, definition, &def, &o);
		snprintf(ds->uuid, sizeof(ds->uuid), "%s", uuid);
		ds->user_uuid = true;
		ds->remote = true;
		/* The sensor's definition goes back to it as it came. */
		free(ds->wire_def);
		ds->wire_def = NULL;
		ds->retry = false;
		m->n_remote++;
		ds_report(ds, MSGBUS_INFO, "remote sensor %s connected (%s)",
		    peer_name(peer), definition);
	}
	free(ds->type);
	ds->type = xstrdup(sourcetype);
	ds->finished = false;
	ds->error_reason[0] = '\0';
	ds->gone_ms = 0;
	evtimer_del(ds->ev_retry);
	ds->peer = peer;
	peer_set_dispatch(peer, ds_dispatch_helper, ds);
	ds_set_state(ds, DS_OPENING);
	if ((r = ds_request(ds, MSG_OPENSOURCE)) < 0)
		ds_fail(ds, "cannot send open request: %s",
		    proto_strerror(r));
	return 0;
}

/*
 * The manager.
 */

struct datasource_mgr *
datasource_mgr_new(struct event_base *base, struct proc *proc,
    struct msgbus *bus, const struct datasource_policy *policy,
    int (*packet_cb)(struct packet *, struct datasource *, void *),
    void (*state_cb)(struct datasource *, void *), void *arg)
{
	struct datasource_mgr *m;
	struct timeval tv;
	uint64_t ms;

	m = xcalloc(1, sizeof(*m));
	m->base = base;
	m->proc = proc;
	m->bus = bus;
	m->policy = *policy;
	m->policy.helper_search = policy->helper_search != NULL ?
	    xstrdup(policy->helper_search) : NULL;
	m->policy.helper_binary_path = policy->helper_binary_path != NULL ?
	    xstrdup(policy->helper_binary_path) : NULL;
	m->packet_cb = packet_cb;
	m->state_cb = state_cb;
	m->cb_arg = arg;
	TAILQ_INIT(&m->sources);
	TAILQ_INIT(&m->dying);
	if (m->policy.remote_max == 0)
		m->policy.remote_max = DS_REMOTE_MAX;
	if (m->policy.remote_timeout_ms == 0)
		m->policy.remote_timeout_ms = DS_REMOTE_TIMEOUT_MS;
	/* Look a few times per timeout, at most once a minute. */
	ms = m->policy.remote_timeout_ms / 4;
	tv = ms_tv(ms < 100 ? 100 : ms > 60000 ? 60000 : ms);
	if ((m->ev_reclaim = event_new(base, -1, EV_PERSIST, ds_reclaim_cb,
	    m)) == NULL)
		fatalx("datasource: out of memory");
	event_add(m->ev_reclaim, &tv);
	return m;
}

void
datasource_mgr_free(struct datasource_mgr *m)
{
	struct datasource *ds;
	struct ds_dying *d;

	if (m == NULL)
		return;
	m->state_cb = NULL;
	event_free(m->ev_reclaim);
	while ((ds = TAILQ_FIRST(&m->sources)) != NULL) {
		TAILQ_REMOVE(&m->sources, ds, entry);
		if (ds->peer != NULL) {
			struct msg c = { .type = MSG_CLOSEDATASOURCE };

			(void)peer_send(ds->peer, &c);
		}
		ds_free(ds);
	}
	/*
	 * Every helper has had SIGTERM.  Give them a moment to go, then
	 * SIGKILL what is left, so that none outlives the core.
	 */
	if (proc_drain(m->proc, 1000) > 0) {
		TAILQ_FOREACH(d, &m->dying, entry) {
			log_debug("helper %ld still running, killing",
			    (long)d->pid);
			proc_kill(m->proc, d->pid, SIGKILL);
		}
		(void)proc_drain(m->proc, 1000);
	}
	while ((d = TAILQ_FIRST(&m->dying)) != NULL) {
		proc_unwatch(m->proc, d->pid);
		ds_dying_free(d);
	}
	free((char *)m->policy.helper_search);
	free((char *)m->policy.helper_binary_path);
	free(m);
}

const struct datasource_list *
datasource_mgr_sources(const struct datasource_mgr *m)
{
	return &m->sources;
}

size_t
datasource_mgr_count(const struct datasource_mgr *m)
{
	const struct datasource *ds;
	size_t n = 0;

	TAILQ_FOREACH(ds, &m->sources, entry)
		n++;
	return n;
}

void
datasource_mgr_new_drops(struct datasource_mgr *m,
    void (*cb)(const struct datasource *, uint64_t, void *), void *arg)
{
	struct datasource *ds;
	uint64_t n;

	TAILQ_FOREACH(ds, &m->sources, entry) {
		if (ds->num_drops <= ds->drops_told)
			continue;
		n = ds->num_drops - ds->drops_told;
		ds->drops_told = ds->num_drops;
		cb(ds, n, arg);
	}
}

struct datasource *
datasource_find_uuid(struct datasource_mgr *m, const char *uuid)
{
	struct datasource *ds;

	TAILQ_FOREACH(ds, &m->sources, entry)
		if (strcasecmp(ds->uuid, uuid) == 0)
			return ds;
	return NULL;
}

struct datasource *
datasource_find_id(struct datasource_mgr *m, uint32_t id)
{
	struct datasource *ds;

	TAILQ_FOREACH(ds, &m->sources, entry)
		if (ds->id == id)
			return ds;
	return NULL;
}

const char *
datasource_uuid_by_id(uint32_t id, void *mgr)
{
	struct datasource *ds = datasource_find_id(mgr, id);

	return ds != NULL ? ds->uuid : NULL;
}

void
datasource_mgr_hold_files(struct datasource_mgr *m, bool hold)
{
	struct datasource *ds;

	m->hold_files = hold;
	TAILQ_FOREACH(ds, &m->sources, entry)
		ds_apply_hold(ds);
}

bool
datasource_mgr_all_done(const struct datasource_mgr *m)
{
	const struct datasource *ds;

	TAILQ_FOREACH(ds, &m->sources, entry) {
		if (ds->finished || ds->state == DS_CLOSED ||
		    ds->state == DS_ERROR)
			continue;
		return false;
	}
	return true;
}

/*
 * Operator commands.
 */

int
datasource_open(struct datasource *ds, char *reason, size_t len)
{
	if (ds_live(ds)) {
		snprintf(reason, len, "source '%s' is already %s", ds->name,
		    datasource_state_name(ds->state));
		return -EALREADY;
	}
	if (ds->remote) {
		snprintf(reason, len, "source '%s' is remote: the sensor "
		    "reconnects by itself", ds->name);
		return -EOPNOTSUPP;
	}
	ds->error_reason[0] = '\0';
	ds->retry_attempts = 0;
	ds->opened_ms = 0;
	ds_report(ds, MSGBUS_INFO, "opening on request");
	ds_start(ds);
	return 0;
}

int
datasource_close(struct datasource *ds, char *reason, size_t len)
{
	struct msg m = { .type = MSG_CLOSEDATASOURCE };

	if (ds->state == DS_CLOSED) {
		snprintf(reason, len, "source '%s' is already closed",
		    ds->name);
		return -EALREADY;
	}
	if (ds->peer != NULL)
		(void)peer_send(ds->peer, &m);
	evtimer_del(ds->ev_retry);
	ds->lingering = false;
	ds_disconnect(ds);
	ds->error_reason[0] = '\0';
	ds_report(ds, MSGBUS_INFO, "closed on request");
	ds_set_state(ds, DS_CLOSED);
	ds_chan_rebalance(ds->mgr);
	return 0;
}

int
datasource_pause(struct datasource *ds, char *reason, size_t len)
{
	if (ds->state != DS_RUNNING) {
		snprintf(reason, len, "source '%s' is %s, not running",
		    ds->name, datasource_state_name(ds->state));
		return -EPROTO;
	}
	ds_report(ds, MSGBUS_INFO, "paused");
	ds_set_state(ds, DS_PAUSED);
	return 0;
}

int
datasource_resume(struct datasource *ds, char *reason, size_t len)
{
	if (ds->state != DS_PAUSED) {
		snprintf(reason, len, "source '%s' is %s, not paused",
		    ds->name, datasource_state_name(ds->state));
		return -EPROTO;
	}
	ds_report(ds, MSGBUS_INFO, "resumed");
	ds_set_state(ds, DS_RUNNING);
	return 0;
}
