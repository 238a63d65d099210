/* SPDX-License-Identifier: ISC */
/*
 * \summary: remote capture: a real helper dialling a test listener
 *
 * osprey_cap_pcapfile --connect 127.0.0.1:PORT announces its source,
 * is opened, sends frames; the listener goes away and comes back, and
 * the helper reconnects, announces the same UUID and carries on where
 * it was.  Also --disable-retry, --daemonize and the 15 s ping rule.
 */

#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_harness.h"
#include "srcdef.h"

#define NFRAMES		400


/* libpcap's own reading of a file, to compare the helper's frames. */
struct frames {
	size_t			 n;
	struct pcap_pkthdr	 hdr[NFRAMES];
	uint8_t			 data[NFRAMES][64];
};

static struct frames want;

static void
read_frames(const char *path, struct frames *f)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *p;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	assert_non_null(p);
	f->n = 0;
	while (f->n < NFRAMES && pcap_next_ex(p, &hdr, &data) == 1) {
		assert_true(hdr->caplen <= sizeof(f->data[0]));
		f->hdr[f->n] = *hdr;
		memcpy(f->data[f->n], data, hdr->caplen);
		f->n++;
	}
	pcap_close(p);
}

static bool
frame_is(const struct msg *m, size_t i)
{
	const struct msg_packet *p = &m->u.data_report.packet;

	return m->type == MSG_DATAREPORT && i < want.n &&
	    p->ts_sec == (uint64_t)want.hdr[i].ts.tv_sec &&
	    p->ts_usec == (uint64_t)want.hdr[i].ts.tv_usec &&
	    p->size == want.hdr[i].len && p->caplen == want.hdr[i].caplen &&
	    memcmp(p->data, want.data[i], p->caplen) == 0;
}

/* Accept the helper's connection; check its announcement. */
static void
accept_announce(struct harness *t, int lfd, const char *def,
    const char *uuid)
{
	const struct msg *m;

	harness_accept(t, lfd);
	m = harness_expect(t, MSG_NEWSOURCE);
	assert_string_equal(m->u.new_source.definition, def);
	assert_string_equal(m->u.new_source.sourcetype, "pcapfile");
	assert_string_equal(m->u.new_source.uuid, uuid);
}

/* Open on this link, as the server answers an announcement. */
static void
open_remote(struct harness *t, const char *def, const char *uuid)
{
	const struct msg *m;
	uint32_t seq;

	seq = harness_send_empty(t, MSG_PING);
	assert_int_equal(harness_expect(t, MSG_PONG)->u.pong_seqno, seq);
	seq = harness_send_definition(t, MSG_OPENSOURCE, def);
	m = harness_expect(t, MSG_OPENSOURCEREPORT);
	assert_true(m->u.open_report.result.success);
	assert_int_equal(m->u.open_report.result.seqno, seq);
	assert_string_equal(m->u.open_report.uuid, uuid);
	assert_int_equal(m->u.open_report.dlt, 127);
}

static void
def_uuid(const char *def, char *uuid)
{
	struct srcdef d;
	char err[256];

	assert_int_equal(srcdef_parse(def, &d, err, sizeof(err)), 0);
	assert_int_equal(srcdef_uuid(&d, "pcapfile", uuid, err,
	    sizeof(err)), 0);
	srcdef_free(&d);
}

static void
test_announce_reconnect_continue(void **state)
{
	const char *path = harness_write_capture("remote.pcap", 127,
	    NFRAMES, NULL);
	char def[512], connect[64], uuid[SRCDEF_UUID_LEN], text[96];
	const struct msg *m;
	struct harness t;
	uint16_t port;
	uint64_t t0;
	size_t i, k;
	int lfd;

	read_frames(path, &want);
	assert_int_equal(want.n, NFRAMES);
	/* Paced, so that the file is not over before the link drops. */
	snprintf(def, sizeof(def), "%s:pps=500", path);
	def_uuid(def, uuid);
	lfd = harness_listen(0, &port);
	snprintf(connect, sizeof(connect), "127.0.0.1:%u", port);
	harness_spawn_args(&t, (const char *[]){ "--connect", connect,
	    "--source", def, NULL });

	accept_announce(&t, lfd, def, uuid);
	open_remote(&t, def, uuid);
	for (i = 0; i < 50; i++) {
		m = harness_expect(&t, MSG_DATAREPORT);
		assert_true(frame_is(m, i));
	}

	/* The server goes away, then comes back on the same port. */
	harness_drop_link(&t);
	close(lfd);
	t0 = harness_now_ms();
	usleep(200 * 1000);
	lfd = harness_listen(port, &port);
	accept_announce(&t, lfd, def, uuid);
	harness_note("reconnected %llu ms after the listener went away",
	    (unsigned long long)(harness_now_ms() - t0));
	open_remote(&t, def, uuid);

	/* The frames carry on in order from where the link broke. */
	m = harness_expect(&t, MSG_DATAREPORT);
	for (k = 50; k < want.n && !frame_is(m, k); k++)
		;
	assert_true(k < want.n);
	harness_note("%zu frames were in flight when the link broke", k - 50);
	for (i = k + 1; i < want.n; i++) {
		m = harness_expect(&t, MSG_DATAREPORT);
		assert_true(frame_is(m, i));
	}
	m = harness_expect(&t, MSG_MESSAGE);
	snprintf(text, sizeof(text), "end of file after %d packets", NFRAMES);
	assert_non_null(strstr(m->u.message.text, text));

	harness_send_empty(&t, MSG_CLOSEDATASOURCE);
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);
	close(lfd);
}

static void
test_disable_retry(void **state)
{
	const char *path = harness_write_capture("once.pcap", 127, 3,
	    NULL);
	char connect[64], uuid[SRCDEF_UUID_LEN];
	struct harness t;
	uint16_t port;
	int lfd;

	def_uuid(path, uuid);
	lfd = harness_listen(0, &port);
	snprintf(connect, sizeof(connect), "127.0.0.1:%u", port);
	harness_spawn_args(&t, (const char *[]){ "--connect", connect,
	    "--source", path, "--disable-retry", NULL });
	accept_announce(&t, lfd, path, uuid);
	harness_drop_link(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 1);
	assert_non_null(strstr(harness_stderr(&t), "--disable-retry"));
	harness_free(&t);

	/* Nobody listening at all. */
	close(lfd);
	harness_spawn_args(&t, (const char *[]){ "--connect", connect,
	    "--source", path, "--disable-retry", NULL });
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 1);
	assert_non_null(strstr(harness_stderr(&t), "cannot connect"));
	assert_non_null(strstr(harness_stderr(&t), connect));
	harness_free(&t);
}

static void
test_daemonize(void **state)
{
	const char *path = harness_write_capture("daemon.pcap", 127,
	    3, NULL);
	char connect[64], def[512], uuid[SRCDEF_UUID_LEN];
	struct harness t;
	struct msg bye;
	uint16_t port;
	int lfd;

	/* A given uuid= is what gets announced, in lower case. */
	snprintf(def, sizeof(def), "%s:uuid=00000000-0000-4000-8000-"
	    "0000DEADBEEF", path);
	lfd = harness_listen(0, &port);
	snprintf(connect, sizeof(connect), "127.0.0.1:%u", port);
	harness_spawn_args(&t, (const char *[]){ "--connect", connect,
	    "--source", def, "--daemonize", "--disable-retry", NULL });
	/* The process we started returns at once; its child dials in. */
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-0000deadbeef");
	accept_announce(&t, lfd, def, uuid);
	open_remote(&t, def, uuid);
	memset(&bye, 0, sizeof(bye));
	bye.type = MSG_SHUTDOWN;
	bye.u.shutdown_reason = "test over";
	harness_send(&t, &bye);
	/* Its frames may still be on the way; then the link closes. */
	while (harness_recv(&t, HARNESS_TIMEOUT_MS) != NULL)
		;
	harness_free(&t);
	close(lfd);
}

/*
 * Nobody pings: after 15 s a local helper exits and a remote one drops
 * the link and dials again.  Meanwhile a third helper, pinged every 2 s,
 * must outlive them both: the rule counts from the last ping, not from
 * the start.  All three run at once to pay the 15 s once.
 */
static void
test_ping_timeout(void **state)
{
	const char *path = harness_write_capture("quiet.pcap", 127, 1,
	    NULL);
	char connect[64], uuid[SRCDEF_UUID_LEN];
	struct harness local, remote, pinged;
	const struct msg *pong;
	uint64_t t0, next_ping;
	uint32_t seq;
	uint16_t port;
	siginfo_t si;
	int lfd;
	bool exited = false;

	def_uuid(path, uuid);
	lfd = harness_listen(0, &port);
	snprintf(connect, sizeof(connect), "127.0.0.1:%u", port);
	t0 = harness_now_ms();
	harness_spawn(&local, true, NULL);
	harness_spawn(&pinged, false, NULL);
	harness_spawn_args(&remote, (const char *[]){ "--connect", connect,
	    "--source", path, NULL });
	accept_announce(&remote, lfd, path, uuid);

	/* Ping one helper every 2 s until the unpinged one gives up. */
	for (next_ping = t0; !exited; usleep(20000)) {
		if (harness_now_ms() >= next_ping) {
			seq = harness_send_empty(&pinged, MSG_PING);
			pong = harness_expect(&pinged, MSG_PONG);
			assert_int_equal(pong->u.pong_seqno, seq);
			next_ping = harness_now_ms() + 2000;
		}
		/* Has it exited?  WNOWAIT leaves it for harness_wait. */
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)local.pid, &si,
		    WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == local.pid)
			exited = true;
		assert_true(harness_now_ms() - t0 < 30000);
	}
	assert_int_equal(harness_wait(&local, 1000), 1);
	assert_non_null(strstr(harness_stderr(&local), "no ping"));
	harness_note("unpinged local helper exited after %llu ms",
	    (unsigned long long)(harness_now_ms() - t0));
	assert_true(harness_now_ms() - t0 >= 14500);
	harness_free(&local);
	/* Past its own 15 s, the pinged helper still answers. */
	seq = harness_send_empty(&pinged, MSG_PING);
	assert_int_equal(harness_expect(&pinged, MSG_PONG)->u.pong_seqno, seq);
	harness_note("pinged helper still answering after %llu ms",
	    (unsigned long long)(harness_now_ms() - t0));
	harness_free(&pinged);

	harness_expect_eof(&remote);
	harness_drop_link(&remote);
	accept_announce(&remote, lfd, path, uuid);
	harness_note("unpinged remote helper dialled again after %llu ms",
	    (unsigned long long)(harness_now_ms() - t0));
	harness_free(&remote);
	close(lfd);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest remote[] = {
		cmocka_unit_test(test_announce_reconnect_continue),
		cmocka_unit_test(test_disable_retry),
		cmocka_unit_test(test_daemonize),
	};
	const struct CMUnitTest slow[] = {
		cmocka_unit_test(test_ping_timeout),
	};

	if (argc != 3 || (strcmp(argv[2], "remote") != 0 &&
	    strcmp(argv[2], "ping") != 0)) {
		fprintf(stderr, "usage: %s PATH-TO-osprey_cap_pcapfile "
		    "remote|ping\n", argv[0]);
		return 2;
	}
	harness_set_helper_path(argv[1]);
	/* A helper that died must fail an assertion, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
	if (strcmp(argv[2], "remote") == 0)
		return cmocka_run_group_tests(remote, harness_tmpdir_create,
		    harness_tmpdir_remove);
	return cmocka_run_group_tests(slow, harness_tmpdir_create,
		    harness_tmpdir_remove);
}
