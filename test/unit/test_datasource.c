/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the datasource manager, with real helpers
 *
 * Every source here is a real process (test/e2e/test_helper, installed
 * under the helpers' names in a scratch folder) speaking the protocol
 * over a real socketpair or TCP connection; timeouts are shortened so
 * that the whole file runs in a few seconds.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "datasource.h"
#include "msgbus.h"
#include "packet.h"
#include "launcher.h"
#include "proc.h"
#include "remote.h"

#define MAX_SRC		8

struct fix {
	char			 dir[64];
	struct event_base	*base;
	struct proc		*proc;
	struct msgbus		*bus;
	struct datasource_mgr	*mgr;
	struct datasource_policy policy;
	/* What packet_cb saw, per source id. */
	uint64_t		 seen[MAX_SRC + 1];
	unsigned		 last_seq[MAX_SRC + 1];
	uint64_t		 out_of_order;
	uint64_t		 last_ts[MAX_SRC + 1];
};

static int
packet_cb(struct packet *p, struct datasource *ds, void *arg)
{
	struct fix *f = arg;
	unsigned seq;
	size_t off = p->dlt == 127 ? 8 : 0;

	assert_true(ds->id <= MAX_SRC);
	assert_true(p->caplen >= off + 24);
	/* The helper numbers its frames; a restart begins at 0 again. */
	seq = (unsigned)(p->data[off + 22] >> 4 | p->data[off + 23] << 4);
	if (f->seen[ds->id] > 0 && seq != 0 && seq != f->last_seq[ds->id] + 1)
		f->out_of_order++;
	f->last_seq[ds->id] = seq;
	f->seen[ds->id]++;
	f->last_ts[ds->id] = p->ts_sec;
	return 0;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	const char *helper = getenv("TEST_HELPER");
	char path[128];

	if (helper == NULL)
		return -1;
	/* As osprey does: a peer that went away is an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ds_XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/osprey_cap_pcapfile", f->dir);
	if (symlink(helper, path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/osprey_cap_linux_wifi", f->dir);
	if (symlink(helper, path) < 0)
		return -1;
	f->base = event_base_new();
	f->proc = proc_new(f->base);
	{
		const char *dirs[1] = { f->dir };
		struct launcher *l;

		if (launcher_start(dirs, 1, &l) < 0)
			return -1;
		proc_attach_launcher(f->proc, l);
	}
	f->bus = msgbus_new(200);
	f->policy = (struct datasource_policy){
		.helper_search = f->dir,
		.helper_binary_path = "/nonexistent",
		.ping_ms = 200,
		/* Long enough for a loaded machine under ASan. */
		.pong_timeout_ms = 1500,
		.retry_min_ms = 100,
		.retry_max_ms = 400,
		.retry = true,
		.channel_hop = true,
		.hop_rate = 5.0,
		.split = true,
		.shuffle = false,
		.override_remote_ts = true,
	};
	f->mgr = datasource_mgr_new(f->base, f->proc, f->bus, &f->policy,
	    packet_cb, NULL, f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	datasource_mgr_free(f->mgr);
	proc_free(f->proc);
	msgbus_free(f->bus);
	event_base_free(f->base);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

/* Run the loop until cond(arg) holds or ms pass; returns cond's value. */
static bool
run_loop(struct fix *f, bool (*cond)(void *), void *arg, unsigned ms)
{
	struct timeval tv = { 0, 10000 };
	struct event *tick = event_new(f->base, -1, EV_PERSIST, tick_cb, NULL);
	struct timespec t0, t;
	bool ok;

	event_add(tick, &tv);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if ((ok = cond(arg)))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > (long)ms)
			break;
		event_base_loop(f->base, EVLOOP_ONCE);
	}
	event_free(tick);
	return ok;
}

/*
 * Wait for a state: ms is about what it takes on an idle machine; the
 * deadline, ten times that (at least 10 s), is only a safety net for a
 * loaded one (an ASan build beside other builds missed 3 s).
 */
static bool
run_until(struct fix *f, bool (*cond)(void *), void *arg, unsigned ms)
{
	return run_loop(f, cond, arg, ms * 10 < 10000 ? 10000 : ms * 10);
}

static bool
never(void *arg)
{
	return false;
}

/* Run the loop for ms. */
static void
run_for(struct fix *f, unsigned ms)
{
	(void)run_loop(f, never, NULL, ms);
}

static struct datasource *
add(struct fix *f, const char *def)
{
	struct datasource *ds = NULL;
	char reason[512];
	int r;

	r = datasource_add(f->mgr, def, &ds, reason, sizeof(reason));
	if (r != 0)
		fail_msg("add %s: %s", def, reason);
	return ds;
}

static bool
is_finished(void *arg)
{
	return ((struct datasource *)arg)->finished;
}

static bool
is_running(void *arg)
{
	return ((struct datasource *)arg)->state == DS_RUNNING;
}

static bool
is_failed(void *arg)
{
	return datasource_error(arg);
}

static bool
has_packets(void *arg)
{
	return ((struct datasource *)arg)->num_packets >= 20;
}

static bool
retried_and_running(void *arg)
{
	struct datasource *ds = arg;

	return ds->total_retries >= 1 && ds->state == DS_RUNNING &&
	    ds->num_packets > 0;
}

static void
test_good_source_runs_to_end(void **state)
{
	struct fix *f = *state;
	struct datasource *ds;
	int stray;

	/* A descriptor the helper must not inherit (it checks). */
	stray = open("/dev/null", O_RDONLY);
	ds = add(f, "fake1:packets=300,name=one,drops=17");
	assert_true(run_until(f, is_finished, ds, 3000));
	close(stray);
	/* Finished: its helper is let go, the record stays. */
	assert_int_equal(ds->state, DS_CLOSED);
	assert_int_equal(ds->pid, 0);
	assert_string_equal(ds->name, "one");
	assert_string_equal(ds->type, "pcapfile");
	assert_string_equal(ds->capture_interface, "fake0mon");
	assert_string_equal(ds->hardware, "osprey-test");
	assert_int_equal(ds->dlt, 127);
	assert_int_equal(ds->num_packets, 300);
	assert_int_equal(ds->num_drops, 17);
	assert_int_equal(f->seen[ds->id], 300);
	assert_int_equal(f->out_of_order, 0);
	assert_int_equal(strlen(ds->uuid), DS_UUID_LEN);
	assert_true(ds->last_packet_sec > 0);
	assert_true(datasource_mgr_all_done(f->mgr));
	assert_ptr_equal(datasource_find_uuid(f->mgr, ds->uuid), ds);
	assert_ptr_equal(datasource_find_id(f->mgr, ds->id), ds);
}

static void
test_probe_picks_the_type_that_accepts(void **state)
{
	struct fix *f = *state;
	struct datasource *a, *b;

	a = add(f, "fake2:accept=linuxwifi,packets=5");
	b = add(f, "other:packets=5,retry=false");
	assert_true(run_until(f, is_finished, a, 3000));
	assert_string_equal(a->type, "linuxwifi");
	assert_true(run_until(f, is_failed, b, 3000));
	assert_int_equal(b->state, DS_ERROR);
	assert_non_null(strstr(b->error_reason, "no helper accepted 'other'"));
	assert_true(datasource_mgr_all_done(f->mgr));
}

/* The resilience cases: one source misbehaves, a second keeps flowing. */
static void
check_isolated(struct fix *f, const char *bad_def, const char *reason)
{
	struct datasource *bad, *good;
	uint64_t before;

	good = add(f, "fakeGood:interval_ms=2");
	bad = add(f, bad_def);
	assert_true(run_until(f, has_packets, good, 3000));
	if (strstr(bad_def, "mode=") == NULL) {
		/* The test kills it. */
		assert_true(run_until(f, has_packets, bad, 3000));
		assert_true(bad->pid > 0);
		assert_int_equal(kill(bad->pid, SIGKILL), 0);
	}
	assert_true(run_until(f, is_failed, bad, 3000));
	if (strstr(bad->error_reason, reason) == NULL)
		fail_msg("reason '%s' lacks '%s'", bad->error_reason, reason);
	assert_int_equal(bad->state, DS_RETRYING);
	assert_int_equal(good->state, DS_RUNNING);
	before = good->num_packets;
	/* Retried: it opens again and delivers. */
	assert_true(run_until(f, retried_and_running, bad, 3000));
	run_for(f, 100);
	assert_true(good->num_packets > before);
	assert_int_equal(good->total_retries, 0);
	assert_int_equal(good->state, DS_RUNNING);
	assert_int_equal(f->out_of_order, 0);
}

static void
test_sigkill_mid_stream(void **state)
{
	check_isolated(*state, "fakeK:interval_ms=1,retry=true",
	    "killed by signal 9");
}

static void
test_helper_that_stops_answering(void **state)
{
	check_isolated(*state, "fakeH:mode=hang,after=30,retry=true",
	    "no pong");
}

static void
test_helper_that_writes_garbage(void **state)
{
	check_isolated(*state, "fakeG:mode=garbage,after=30,retry=true",
	    "bad frame signature");
}

static void
test_helper_error_report(void **state)
{
	check_isolated(*state, "fakeE:mode=error,after=30,retry=true",
	    "radio vanished");
}

static void
test_open_failure_without_retry(void **state)
{
	struct fix *f = *state;
	struct datasource *ds;
	char reason[256];

	ds = add(f, "fakeF:fail_open=no such radio,retry=false");
	assert_true(run_until(f, is_failed, ds, 3000));
	assert_int_equal(ds->state, DS_ERROR);
	assert_string_equal(ds->error_reason, "open failed: no such radio");
	assert_true(datasource_mgr_all_done(f->mgr));
	/* Opened again on request, it fails the same way. */
	assert_int_equal(datasource_open(ds, reason, sizeof(reason)), 0);
	assert_true(ds->state == DS_PROBING || ds->state == DS_OPENING);
	assert_true(run_until(f, is_failed, ds, 3000));
}

static bool
is_closed(void *arg)
{
	return ((struct datasource *)arg)->state == DS_CLOSED;
}

static void
test_pause_resume_close_open(void **state)
{
	struct fix *f = *state;
	struct datasource *ds;
	char reason[256];
	uint64_t n;
	pid_t pid;

	ds = add(f, "fakeP:interval_ms=1");
	assert_true(run_until(f, has_packets, ds, 3000));
	assert_int_equal(datasource_pause(ds, reason, sizeof(reason)), 0);
	assert_true(datasource_paused(ds) && datasource_running(ds));
	assert_int_equal(datasource_pause(ds, reason, sizeof(reason)),
	    -EPROTO);
	n = ds->num_packets;
	run_for(f, 100);
	assert_int_equal(ds->num_packets, n);	/* dropped while paused */
	assert_int_equal(datasource_resume(ds, reason, sizeof(reason)), 0);
	run_for(f, 100);
	assert_true(ds->num_packets > n);
	pid = ds->pid;
	assert_int_equal(datasource_close(ds, reason, sizeof(reason)), 0);
	assert_true(run_until(f, is_closed, ds, 100));
	assert_int_equal(ds->pid, 0);
	run_for(f, 200);
	assert_int_equal(kill(pid, 0), -1);	/* the helper is gone */
	assert_int_equal(datasource_close(ds, reason, sizeof(reason)),
	    -EALREADY);
	assert_int_equal(datasource_open(ds, reason, sizeof(reason)), 0);
	assert_true(run_until(f, is_running, ds, 3000));
	assert_int_equal(datasource_open(ds, reason, sizeof(reason)),
	    -EALREADY);
}

static void
test_bad_definitions_are_refused(void **state)
{
	struct fix *f = *state;
	char reason[512];

	assert_int_equal(datasource_check(f->mgr, "fake:channel_hoprate=fast",
	    reason, sizeof(reason)), -EINVAL);
	assert_non_null(strstr(reason, "channel_hoprate"));
	assert_int_equal(datasource_check(f->mgr, "fake:type=bluetooth",
	    reason, sizeof(reason)), -EINVAL);
	assert_non_null(strstr(reason, "'type'"));
	assert_int_equal(datasource_check(f->mgr, "fake:uuid=nope", reason,
	    sizeof(reason)), -EINVAL);
	assert_int_equal(datasource_check(f->mgr, "fake:retry=perhaps",
	    reason, sizeof(reason)), -EINVAL);
	assert_non_null(strstr(reason, "retry"));
	assert_int_equal(datasource_check(f->mgr, "fake:channels=\"1,6",
	    reason, sizeof(reason)), -EINVAL);
	assert_int_equal(datasource_check(f->mgr, "fake:block_channels=#",
	    reason, sizeof(reason)), -EINVAL);
	assert_non_null(strstr(reason, "block_channels"));
	assert_int_equal(datasource_check(f->mgr, "fake:type=pcapfile",
	    reason, sizeof(reason)), 0);
	assert_int_equal(datasource_check(f->mgr,
	    "fake:uuid=5e1f0000-0000-4000-8000-0000000000aa", reason,
	    sizeof(reason)), 0);
}

struct chans {
	struct datasource	*ds[3];
	uint32_t		 want[3];
};

static bool
offsets_are(void *arg)
{
	struct chans *c = arg;
	int i;

	for (i = 0; i < 3; i++)
		if (c->ds[i] != NULL && (!c->ds[i]->hopping ||
		    c->ds[i]->hop_offset != c->want[i]))
			return false;
	return true;
}

static bool
locked(void *arg)
{
	struct datasource *ds = arg;

	return ds->state == DS_RUNNING && !ds->hopping &&
	    strstr(ds->channel, "HT20") != NULL;
}

struct done {
	int	calls, err;
	char	why[128];
};

static void
done_cb(struct datasource *ds, int err, const char *why, void *arg)
{
	struct done *d = arg;

	d->calls++;
	d->err = err;
	snprintf(d->why, sizeof(d->why), "%s", why);
}

static bool
called(void *arg)
{
	return ((struct done *)arg)->calls > 0;
}

static void
test_channels_split_lock_hop(void **state)
{
	static const char *const three[] = { "1", "6", "11" };
	static const char sup[] = "supported=\"1,2,3,4,5,6,7,8,9,10,11,12\"";
	struct fix *f = *state;
	struct chans c = { .want = { 0, 4, 8 } };
	struct datasource *lock, *nohop;
	struct done d = { 0 };
	char def[256], reason[256];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(def, sizeof(def), "fakeC%d:interval_ms=50,%s%s", i, sup,
		    i == 1 ? ",refuse=3" : "");
		c.ds[i] = add(f, def);
	}
	lock = add(f, "fakeL:interval_ms=50,supported=\"1,6,11\",channel=11");
	nohop = add(f, "fakeN:interval_ms=50,supported=\"1,6,11\","
	    "channel_hop=false");
	/* Three sources of one type on one list: offsets 0, 4, 8. */
	assert_true(run_until(f, offsets_are, &c, 3000));
	assert_true(run_until(f, locked, lock, 2000));
	assert_true(run_until(f, locked, nohop, 2000));
	for (i = 0; i < 3; i++) {
		assert_int_equal(c.ds[i]->hop_channels.n, 12);
		assert_true(c.ds[i]->hop_rate == 5.0);
	}
	/* channel= locks; the helper's canonical name is what shows. */
	assert_false(lock->hopping);
	assert_string_equal(lock->channel, "11HT20");
	assert_false(nohop->hopping);
	assert_string_equal(nohop->channel, "1HT20");

	/* Lock the first: the other two split the list in half. */
	assert_int_equal(datasource_set_channel(c.ds[0], "6", done_cb, &d,
	    reason, sizeof(reason)), 0);
	assert_true(run_until(f, called, &d, 2000));
	assert_int_equal(d.err, 0);
	assert_false(c.ds[0]->hopping);
	assert_string_equal(c.ds[0]->channel, "6HT20");
	c.ds[0] = NULL;
	c.want[1] = 0;
	c.want[2] = 6;
	assert_true(run_until(f, offsets_are, &c, 2000));
	c.ds[0] = datasource_find_id(f->mgr, 1);

	/* A helper that refuses: the error comes back, the truth stays. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(datasource_set_channel(c.ds[1], "3", done_cb, &d,
	    reason, sizeof(reason)), 0);
	assert_true(run_until(f, called, &d, 2000));
	assert_int_equal(d.err, -EIO);
	assert_non_null(strstr(d.why, "cannot tune"));
	assert_true(c.ds[1]->hopping);

	/* Hop a list of three, shuffled, at 2/sec. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(datasource_set_hop(c.ds[0], three, 3, 2.0, true,
	    done_cb, &d, reason, sizeof(reason)), 0);
	assert_true(run_until(f, called, &d, 2000));
	assert_int_equal(d.err, 0);
	assert_true(c.ds[0]->hopping);
	assert_int_equal(c.ds[0]->hop_channels.n, 3);
	assert_string_equal(c.ds[0]->hop_channels.v[2], "11");
	assert_true(c.ds[0]->hop_rate == 2.0);
	assert_true(c.ds[0]->hop_shuffle);

	/* Refused before anything is sent. */
	assert_int_equal(datasource_set_channel(c.ds[0], "6;rm", NULL, NULL,
	    reason, sizeof(reason)), -EINVAL);
	assert_int_equal(datasource_set_hop(c.ds[0], three, 3, 99.0, false,
	    NULL, NULL, reason, sizeof(reason)), -EINVAL);
	assert_int_equal(datasource_close(c.ds[2], reason, sizeof(reason)), 0);
	assert_int_equal(datasource_set_channel(c.ds[2], "6", NULL, NULL,
	    reason, sizeof(reason)), -EAGAIN);
}

/* Start test_helper as a remote sensor dialling port. */
static pid_t
sensor(uint16_t port, const char *def)
{
	char conn[64], src[512];
	pid_t pid;

	snprintf(conn, sizeof(conn), "127.0.0.1:%u", port);
	snprintf(src, sizeof(src), "--source=%s", def);
	if ((pid = fork()) == 0) {
		execl(getenv("TEST_HELPER"), "test_helper", "--connect", conn,
		    src, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static uint64_t want_packets;

static bool
found_finished(void *arg)
{
	struct fix *f = ((void **)arg)[0];
	struct datasource *ds;

	ds = datasource_find_uuid(f->mgr, ((void **)arg)[1]);
	return ds != NULL && ds->finished && ds->num_packets >= want_packets;
}

static bool
none_pending(void *arg)
{
	return remote_pending(arg) == 0;
}

static void
test_remote_sensor_and_resume(void **state)
{
	static const char uuid[] = "5e1f0000-0000-4000-8000-0000000000bb";
	struct fix *f = *state;
	struct datasource *ds;
	struct remote *r;
	void *args[2] = { f, (void *)uuid };
	char err[256], def[256];
	uint32_t id;
	pid_t a, b, c;
	int fd, st, i;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct remote_policy rp;

	remote_policy_default(&rp);
	rp.hello_ms = 600;
	r = remote_new(f->base, f->mgr, "127.0.0.1", 0, &rp, err, sizeof(err));
	assert_non_null(r);
	assert_true(remote_port(r) > 0);
	snprintf(def, sizeof(def), "fakeR:packets=50,uuid=%s", uuid);
	a = sensor(remote_port(r), def);
	want_packets = 50;
	assert_true(run_until(f, found_finished, args, 3000));
	ds = datasource_find_uuid(f->mgr, uuid);
	id = ds->id;
	assert_true(ds->remote);
	assert_int_equal(ds->num_packets, 50);
	/* Server time replaced the sensor's 2023 timestamps. */
	assert_true(f->last_ts[id] > 1700000000 + 30000000);

	/* It goes away; its record stays, finished and closed. */
	kill(a, SIGTERM);
	waitpid(a, &st, 0);
	assert_true(run_until(f, is_closed, ds, 2000));

	/* It comes back with the same uuid, keeping its own time. */
	snprintf(def, sizeof(def), "fakeR:packets=30,timestamp=false,"
	    "interval_ms=5,uuid=%s", uuid);
	b = sensor(remote_port(r), def);
	want_packets = 80;
	assert_true(run_until(f, found_finished, args, 3000));
	assert_ptr_equal(datasource_find_uuid(f->mgr, uuid), ds);
	assert_int_equal(ds->id, id);
	assert_int_equal(ds->num_packets, 80);
	assert_int_equal(f->last_ts[id], 1700000000);

	/* A second sensor claiming the same uuid is refused. */
	c = sensor(remote_port(r), def);
	/* Dropped: it exits (30 s is a safety net for a loaded machine). */
	for (i = 0; i < 600 && waitpid(c, &st, WNOHANG) == 0; i++)
		run_for(f, 50);
	assert_true(i < 600);
	assert_int_equal(ds->num_packets, 80);
	assert_int_equal(ds->state, DS_RUNNING);

	/* Garbage on the port: dropped, nothing else changes. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = htons(remote_port(r));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_true(write(fd, "GET / HTTP/1.0\r\n\r\n", 18) == 18);
	run_for(f, 50);
	assert_true(run_until(f, none_pending, r, 2000));
	close(fd);
	assert_int_equal(ds->state, DS_RUNNING);
	kill(b, SIGTERM);
	waitpid(b, &st, 0);
	remote_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_source_runs_to_end,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_picks_the_type_that_accepts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_mid_stream,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_helper_that_stops_answering, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_helper_that_writes_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_helper_error_report,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_open_failure_without_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_resume_close_open,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bad_definitions_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channels_split_lock_hop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_remote_sensor_and_resume, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
