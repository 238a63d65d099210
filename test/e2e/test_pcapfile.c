/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_cap_pcapfile end to end, against libpcap's own reading
 *
 * The real helper binary replays every shared capture to a harness that
 * plays the core; each frame is compared with what libpcap reads from the
 * same file directly.  Error cases use files made here at test time.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_harness.h"
#include "srcdef.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif


static const char *
write_text(const char *name, const void *bytes, size_t len)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", harness_tmpdir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	return path;
}

static bool
dlt_ok(int dlt)
{
	return dlt == 105 || dlt == 119 || dlt == 127 || dlt == 163 ||
	    dlt == 192;
}

static void
assert_uuid(const char *u)
{
	size_t i;

	assert_non_null(u);
	assert_int_equal(strlen(u), 36);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(u[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", u[i]));
	}
}

static void
assert_contains(const char *haystack, const char *needle)
{
	if (haystack == NULL || strstr(haystack, needle) == NULL)
		fail_msg("'%s' does not contain '%s'",
		    haystack != NULL ? haystack : "(null)", needle);
}

/* Spawn, ping, open def; returns the open report (not yet checked). */
static const struct msg *
open_source(struct harness *t, const char *def, uint32_t *ret_seq)
{
	const struct msg *m;
	uint32_t ping;

	harness_spawn(t, true, NULL);
	ping = harness_send_empty(t, MSG_PING);
	m = harness_expect(t, MSG_PONG);
	assert_int_equal(m->u.pong_seqno, ping);
	*ret_seq = harness_send_definition(t, MSG_OPENSOURCE, def);
	m = harness_expect(t, MSG_OPENSOURCEREPORT);
	assert_int_equal(m->u.open_report.result.seqno, *ret_seq);
	return m;
}

/* How often a long replay pings the helper (it lets go after 15 s). */
#define REPLAY_PING_MS	5000

/* The next frame must be libpcap's frame hdr/data. */
static void
expect_frame(struct harness *t, int dlt, const struct pcap_pkthdr *hdr,
    const u_char *data)
{
	const struct msg *m = harness_expect(t, MSG_DATAREPORT);
	const struct msg_packet *p = &m->u.data_report.packet;

	assert_true(m->u.data_report.has_packet);
	assert_int_equal(p->ts_sec, (uint64_t)hdr->ts.tv_sec);
	assert_int_equal(p->ts_usec, (uint64_t)hdr->ts.tv_usec);
	assert_int_equal(p->dlt, dlt);
	assert_int_equal(p->size, hdr->len);
	assert_int_equal(p->caplen, hdr->caplen);
	assert_true(p->has_cap_size);
	assert_int_equal(p->cap_size, hdr->caplen);
	assert_memory_equal(p->data, data, hdr->caplen);
}

enum outcome { REPLAYED, DAMAGED, REFUSED };

/*
 * Replay path through the helper and check it against libpcap: every
 * frame, then the end-of-file message (and a clean close), or the error
 * naming the damaged record (and exit status 1), or the refusal.
 */
static enum outcome
replay_and_compare(const char *path, uint64_t *ret_frames)
{
	char perr[PCAP_ERRBUF_SIZE], want[64];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	const struct msg *m;
	struct harness t;
	uint64_t n = 0, last_ping;
	uint32_t seq;
	pcap_t *p;
	int r, dlt;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	m = open_source(&t, path, &seq);
	if (p == NULL || !dlt_ok(pcap_datalink(p))) {
		assert_false(m->u.open_report.result.success);
		assert_contains(m->u.open_report.message.text, path);
		harness_expect_eof(&t);
		assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 1);
		harness_free(&t);
		if (p != NULL)
			pcap_close(p);
		*ret_frames = 0;
		return REFUSED;
	}
	dlt = pcap_datalink(p);
	if (!m->u.open_report.result.success)
		fail_msg("%s: open failed: %s", path,
		    m->u.open_report.message.text);
	assert_true(m->u.open_report.has_dlt);
	assert_int_equal(m->u.open_report.dlt, dlt);
	assert_uuid(m->u.open_report.uuid);

	last_ping = harness_now_ms();
	while ((r = pcap_next_ex(p, &hdr, &data)) == 1) {
		/*
		 * Ping as the core does: a helper that hears nothing from
		 * its server for 15 s lets go, and a large capture can take
		 * that long to compare frame by frame on a loaded machine.
		 * harness_expect() passes over the PONGs.
		 */
		if (harness_now_ms() - last_ping >= REPLAY_PING_MS) {
			(void)harness_send_empty(&t, MSG_PING);
			last_ping = harness_now_ms();
		}
		expect_frame(&t, dlt, hdr, data);
		n++;
	}
	*ret_frames = n;
	if (r == PCAP_ERROR_BREAK) {
		m = harness_expect(&t, MSG_MESSAGE);
		assert_int_equal(m->u.message.level, MSG_LEVEL_INFO);
		assert_contains(m->u.message.text, path);
		snprintf(want, sizeof(want), "end of file after %llu packets",
		    (unsigned long long)n);
		assert_contains(m->u.message.text, want);
		harness_send_empty(&t, MSG_CLOSEDATASOURCE);
		harness_expect_eof(&t);
		assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	} else {
		m = harness_expect(&t, MSG_ERRORREPORT);
		assert_false(m->u.error_report.result.success);
		assert_contains(m->u.error_report.message.text, path);
		snprintf(want, sizeof(want), "record %llu:",
		    (unsigned long long)n + 1);
		assert_contains(m->u.error_report.message.text, want);
		harness_expect_eof(&t);
		assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 1);
	}
	pcap_close(p);
	harness_free(&t);
	return r == PCAP_ERROR_BREAK ? REPLAYED : DAMAGED;
}

/* Every capture file in the shared folder (not its README or MANIFEST). */
static int
is_capture(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && d->d_type != DT_DIR &&
	    !(n > 3 && strcmp(d->d_name + n - 3, ".md") == 0) &&
	    !(n > 4 && strcmp(d->d_name + n - 4, ".tsv") == 0);
}

static void
test_replay_every_shared_capture(void **state)
{
	const char *dir = harness_captures();
	char path[4096];
	unsigned int count[3] = { 0, 0, 0 };
	uint64_t frames, total = 0;
	uint64_t t0 = harness_now_ms();
	struct dirent **names;
	int i, n;

	n = scandir(dir, &names, is_capture, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		count[replay_and_compare(path, &frames)]++;
		total += frames;
		free(names[i]);
	}
	free(names);
	harness_note("%d captures, %llu frames in %llu ms: %u replayed to the "
	    "end, %u stopped at a damaged record, %u refused", n,
	    (unsigned long long)total,
	    (unsigned long long)(harness_now_ms() - t0), count[REPLAYED],
	    count[DAMAGED], count[REFUSED]);
	/* The shared set has whole files, cut files and a gzip file. */
	assert_true(count[REPLAYED] > 0);
	assert_true(count[DAMAGED] > 0);
	assert_true(count[REFUSED] > 0);
}

static void
test_truncated_last_record(void **state)
{
	static const long ts[] = { 0, 10, 20 };
	const char *path = harness_write_capture("cut.pcap", 127, 3, ts);
	struct stat st;
	uint64_t frames;

	/* Cut into the last frame's bytes: its header says more. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 5), 0);
	assert_int_equal(replay_and_compare(path, &frames), DAMAGED);
	assert_int_equal(frames, 2);
}

static void
test_corrupt_record(void **state)
{
	static const long ts[] = { 0, 10 };
	static const uint8_t bad[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
	    0xf0, 0xff, 0xff, 0x7f, 0xf0, 0xff, 0xff, 0x7f };
	const char *path = harness_write_capture("corrupt.pcap", 105, 2, ts);
	uint64_t frames;
	int fd;

	/* A third record header claiming a 2 GiB frame. */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bad, sizeof(bad)), (ssize_t)sizeof(bad));
	close(fd);
	assert_int_equal(replay_and_compare(path, &frames), DAMAGED);
	assert_int_equal(frames, 2);
}

/* Open def and expect a refusal whose message holds each of want[]. */
static void
expect_open_refused(const char *def, const char *const *want)
{
	const struct msg *m;
	struct harness t;
	uint32_t seq;

	m = open_source(&t, def, &seq);
	assert_false(m->u.open_report.result.success);
	for (; *want != NULL; want++)
		assert_contains(m->u.open_report.message.text, *want);
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 1);
	harness_free(&t);
}

static void
test_open_errors(void **state)
{
	static const long ts[] = { 0 };
	static const uint8_t gz[] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0 };
	char missing[256], def[512];
	const char *p;

	snprintf(missing, sizeof(missing), "%s/no-such.pcap",
	    harness_tmpdir());
	expect_open_refused(missing, (const char *[]){ missing,
	    "No such file", NULL });
	expect_open_refused(harness_tmpdir(), (const char *[]){
	    harness_tmpdir(), "not a regular file", NULL });
	p = write_text("notes.txt", "hello, not a capture", 21);
	expect_open_refused(p, (const char *[]){ p,
	    "not a pcap or pcapng capture", NULL });
	p = write_text("x.pcap.gz", gz, sizeof(gz));
	expect_open_refused(p, (const char *[]){ p, "gzip", NULL });
	p = harness_write_capture("ether.pcap", DLT_EN10MB, 1, ts);
	expect_open_refused(p, (const char *[]){ p, "link type 1 ",
	    "not 802.11", NULL });
	p = harness_write_capture("ok.pcap", 127, 1, ts);
	snprintf(def, sizeof(def), "%s:realtime=maybe", p);
	expect_open_refused(def, (const char *[]){ p, "realtime", NULL });
	snprintf(def, sizeof(def), "%s:realtime=true,pps=10", p);
	expect_open_refused(def, (const char *[]){ "exclude", NULL });
	snprintf(def, sizeof(def), "%s:pps=0", p);
	expect_open_refused(def, (const char *[]){ "pps", NULL });
	snprintf(def, sizeof(def), "%s:uuid=nope", p);
	expect_open_refused(def, (const char *[]){ "uuid", NULL });
	snprintf(def, sizeof(def), "%s:type=linuxwifi", p);
	expect_open_refused(def, (const char *[]){ "linuxwifi",
	    "not handled", NULL });
	expect_open_refused("bad:\"x", (const char *[]){ "definition",
	    NULL });
}

static void
test_probe(void **state)
{
	static const long ts[] = { 0 };
	const char *ok = harness_write_capture("probe.pcap", 105, 1, ts);
	char missing[256];
	const struct msg *m;
	struct harness t;
	uint32_t seq;

	harness_spawn(&t, false, NULL);
	seq = harness_send_definition(&t, MSG_PROBESOURCE, ok);
	m = harness_expect(&t, MSG_PROBESOURCEREPORT);
	assert_true(m->u.probe_report.result.success);
	assert_int_equal(m->u.probe_report.result.seqno, seq);
	/* A probe helper answers and goes. */
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);

	snprintf(missing, sizeof(missing), "%s/absent.pcapng",
	    harness_tmpdir());
	harness_spawn(&t, false, NULL);
	seq = harness_send_definition(&t, MSG_PROBESOURCE, missing);
	m = harness_expect(&t, MSG_PROBESOURCEREPORT);
	assert_false(m->u.probe_report.result.success);
	assert_int_equal(m->u.probe_report.result.seqno, seq);
	assert_contains(m->u.probe_report.message.text, missing);
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);
}

static void
test_list_and_configure(void **state)
{
	static const long ts[] = { 0, 1 };
	const char *path = harness_write_capture("conf.pcap", 127, 2, ts);
	const struct msg *m;
	struct msg c;
	struct harness t;
	uint32_t seq;

	harness_spawn(&t, false, NULL);
	seq = harness_send_empty(&t, MSG_LISTINTERFACES);
	m = harness_expect(&t, MSG_INTERFACESREPORT);
	assert_true(m->u.interfaces_report.result.success);
	assert_int_equal(m->u.interfaces_report.result.seqno, seq);
	assert_int_equal(m->u.interfaces_report.n_ifaces, 0);
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);

	/* Configure before open, and on a source without channels. */
	harness_spawn(&t, false, NULL);
	memset(&c, 0, sizeof(c));
	c.type = MSG_CONFIGURE;
	c.u.configure.channel = "6";
	seq = harness_send(&t, &c);
	m = harness_expect(&t, MSG_CONFIGUREREPORT);
	assert_false(m->u.configure_report.result.success);
	assert_int_equal(m->u.configure_report.result.seqno, seq);
	seq = harness_send_definition(&t, MSG_OPENSOURCE, path);
	m = harness_expect(&t, MSG_OPENSOURCEREPORT);
	assert_true(m->u.open_report.result.success);
	seq = harness_send(&t, &c);
	/* The frames may come first; the report must follow them. */
	while ((m = harness_recv(&t, HARNESS_TIMEOUT_MS)) != NULL &&
	    m->type != MSG_CONFIGUREREPORT)
		assert_true(m->type == MSG_DATAREPORT ||
		    m->type == MSG_MESSAGE);
	assert_non_null(m);
	assert_false(m->u.configure_report.result.success);
	assert_int_equal(m->u.configure_report.result.seqno, seq);
	assert_contains(m->u.configure_report.message.text, "no channels");
	/* SHUTDOWN ends it cleanly. */
	c.type = MSG_SHUTDOWN;
	c.u.shutdown_reason = "test over";
	harness_send(&t, &c);
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);
}

/* Receive n frames; returns the ms between the first and the last. */
static uint64_t
time_frames(struct harness *t, size_t n)
{
	uint64_t first = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		harness_expect(t, MSG_DATAREPORT);
		if (i == 0)
			first = harness_now_ms();
	}
	return harness_now_ms() - first;
}

static void
test_pacing(void **state)
{
	/* 300 ms of capture, with a step back that must not stall. */
	static const long ts[] = { 0, 100, 200, 150, 250, 300 };
	static const long flat[] = { 0, 0, 0, 0, 0, 0 };
	const char *path;
	char def[512];
	struct harness t;
	uint64_t ms;
	uint32_t seq;

	path = harness_write_capture("paced.pcap", 127, 6, ts);
	snprintf(def, sizeof(def), "%s:realtime=true", path);
	assert_true(open_source(&t, def, &seq)->u.open_report.result.success);
	ms = time_frames(&t, 6);
	harness_note("realtime: 6 frames over 300 ms of capture time "
	    "took %llu ms", (unsigned long long)ms);
	/* 0 to 200 ms, back to 150 (a new anchor), then 150 ms more. */
	assert_true(ms >= 330 && ms < 2000);
	harness_expect(&t, MSG_MESSAGE);
	harness_free(&t);

	path = harness_write_capture("flat.pcap", 105, 6, flat);
	snprintf(def, sizeof(def), "%s:pps=20", path);
	assert_true(open_source(&t, def, &seq)->u.open_report.result.success);
	ms = time_frames(&t, 6);
	harness_note("pps=20: 6 frames took %llu ms",
	    (unsigned long long)ms);
	assert_true(ms >= 240 && ms < 2000);
	harness_free(&t);
}

static void
test_loop(void **state)
{
	static const long ts[] = { 0, 5, 10 };
	const char *path = harness_write_capture("loop.pcap", 127, 3, ts);
	char def[512], perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	struct harness t;
	uint32_t seq;
	pcap_t *p;
	int pass;

	snprintf(def, sizeof(def), "%s:loop=true", path);
	assert_true(open_source(&t, def, &seq)->u.open_report.result.success);
	for (pass = 0; pass < 3; pass++) {
		p = pcap_open_offline_with_tstamp_precision(path,
		    PCAP_TSTAMP_PRECISION_MICRO, perr);
		assert_non_null(p);
		while (pcap_next_ex(p, &hdr, &data) == 1)
			expect_frame(&t, 127, hdr, data);
		pcap_close(p);
	}
	harness_send_empty(&t, MSG_CLOSEDATASOURCE);
	while (harness_recv(&t, HARNESS_TIMEOUT_MS) != NULL)
		;
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);
}

#ifndef UNDER_ASAN
/* A "Name: N kB" line of /proc/pid/status, or -1. */
static long
status_kib(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t n = strlen(name);
	long kib = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			kib = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(fp);
	return kib;
}

/*
 * Issue 17: busy or idle, a helper stays under 4 MiB of RSS.  Replay a
 * capture eleven times the size of the outbound queue at full speed
 * while the server reads nothing, so that the queue fills to the brim
 * (the helper's RSS stops growing: a file source then waits), then read
 * every frame, and hold the helper's peak (VmHWM) to 4096 KiB.
 */
#define PEAK_FRAMES	8000
#define PEAK_FRAME_LEN	1400

static void
test_peak_memory_full_speed(void **state)
{
	static uint8_t frame[PEAK_FRAME_LEN];
	char path[512], want[64];
	struct pcap_pkthdr hdr;
	const struct msg *m;
	struct harness t;
	pcap_dumper_t *d;
	pcap_t *p;
	uint64_t t0;
	long rss, prev = -1, hwm, anon, file;
	uint32_t seq;
	int i, still = 0;

	snprintf(path, sizeof(path), "%s/peak.pcap", harness_tmpdir());
	assert_non_null(p = pcap_open_dead(DLT_IEEE802_11_RADIO, 65535));
	assert_non_null(d = pcap_dump_open(p, path));
	for (i = 0; i < PEAK_FRAMES; i++) {
		memset(frame, i & 0xff, sizeof(frame));
		hdr.ts.tv_sec = 1700000000 + i / 1000;
		hdr.ts.tv_usec = (i % 1000) * 1000;
		hdr.caplen = hdr.len = sizeof(frame);
		pcap_dump((u_char *)d, &hdr, frame);
	}
	pcap_dump_close(d);
	pcap_close(p);

	/* As in test_idle_memory: measure the helper as it runs for real. */
	setenv("MALLOC_PERTURB_", "0", 1);
	m = open_source(&t, path, &seq);
	assert_true(m->u.open_report.result.success);
	/* Wait (bounded) for the queue to be full: RSS still for 200 ms. */
	t0 = harness_now_ms();
	while (still < 10 && harness_now_ms() - t0 < 20000) {
		usleep(20 * 1000);
		rss = harness_rss_kib(t.pid);
		still = rss == prev ? still + 1 : 0;
		prev = rss;
	}
	for (i = 0; i < PEAK_FRAMES; i++)
		assert_int_equal(harness_expect(&t, MSG_DATAREPORT)->
		    u.data_report.packet.caplen, PEAK_FRAME_LEN);
	m = harness_expect(&t, MSG_MESSAGE);
	snprintf(want, sizeof(want), "end of file after %d packets",
	    PEAK_FRAMES);
	assert_contains(m->u.message.text, want);
	hwm = status_kib(t.pid, "VmHWM");
	anon = status_kib(t.pid, "RssAnon");
	file = status_kib(t.pid, "RssFile");
	harness_note("osprey_cap_pcapfile replaying %d frames (%d MB) at full "
	    "speed, queue full: VmRSS %ld KiB while full, VmHWM %ld KiB "
	    "(now RssAnon %ld, RssFile %ld)", PEAK_FRAMES,
	    PEAK_FRAMES * PEAK_FRAME_LEN / 1000000, prev, hwm, anon, file);
	assert_true(hwm > 0 && hwm < 4096);
	harness_send_empty(&t, MSG_CLOSEDATASOURCE);
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);
}
#endif

#ifndef UNDER_ASAN
static void
test_idle_memory(void **state)
{
	const char *dir = harness_captures();
	char path[4096];
	const struct msg *m;
	struct harness t;
	uint32_t seq;
	long kib;

	/*
	 * meson test sets MALLOC_PERTURB_, and glibc then fills every block
	 * it hands out, touching pages the helper reserves but never uses:
	 * measure the helper as it runs outside the test.
	 */
	setenv("MALLOC_PERTURB_", "0", 1);
	/* The largest shared capture: 4 MB through the queue. */
	snprintf(path, sizeof(path), "%s/aircrack-ng__wep_64_ptw.cap", dir);
	m = open_source(&t, path, &seq);
	assert_true(m->u.open_report.result.success);
	while ((m = harness_recv(&t, HARNESS_TIMEOUT_MS)) != NULL &&
	    m->type == MSG_DATAREPORT)
		;
	assert_non_null(m);
	assert_int_equal(m->type, MSG_MESSAGE);
	/* Idle for longer than the trim delay; keep it pinged. */
	usleep(1300 * 1000);
	seq = harness_send_empty(&t, MSG_PING);
	assert_int_equal(harness_expect(&t, MSG_PONG)->u.pong_seqno, seq);
	kib = harness_rss_kib(t.pid);
	harness_note("idle osprey_cap_pcapfile after replaying %s: "
	    "VmRSS %ld KiB", path, kib);
	assert_true(kib > 0 && kib < 4608);
	harness_free(&t);
}
#endif

/*
 * Run the helper with args only; check its exit status, that stderr is
 * one line holding err (or empty when err is NULL), and that stdout holds
 * out (when not NULL).
 */
static void
expect_cmdline(const char *const *args, int status, const char *err,
    const char *out)
{
	struct harness t;
	const char *e, *nl;

	harness_spawn_args(&t, args);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), status);
	e = harness_stderr(&t);
	if (err != NULL) {
		assert_contains(e, err);
		nl = strchr(e, '\n');
		assert_non_null(nl);
		assert_int_equal(nl[1], '\0');	/* one line */
	} else
		assert_string_equal(e, "");
	if (out != NULL)
		assert_contains(harness_stdout(&t), out);
	harness_free(&t);
}

static void
test_command_line(void **state)
{
	expect_cmdline((const char *[]){ "--version", NULL }, 0, NULL,
	    "osprey_cap_pcapfile ");
	expect_cmdline((const char *[]){ "--help", NULL }, 0, NULL,
	    "--connect HOST:PORT");
	expect_cmdline((const char *[]){ "--list", NULL }, 0, NULL,
	    "no interfaces to list");
	expect_cmdline((const char *[]){ "--tcp", "--version", NULL }, 0,
	    NULL, "osprey_cap_pcapfile ");
	expect_cmdline((const char *[]){ NULL }, 2, "nothing to do", NULL);
	expect_cmdline((const char *[]){ "--frobnicate", NULL }, 2,
	    "unknown option '--frobnicate'", NULL);
	expect_cmdline((const char *[]){ "--in-fd", NULL }, 2,
	    "needs a value", NULL);
	expect_cmdline((const char *[]){ "--in-fd=x", "--out-fd=3", NULL },
	    2, "not a file descriptor", NULL);
	expect_cmdline((const char *[]){ "--in-fd=3", NULL }, 2,
	    "go together", NULL);
	expect_cmdline((const char *[]){ "--in-fd=57", "--out-fd=57", NULL },
	    2, "--in-fd=57", NULL);
	expect_cmdline((const char *[]){ "--connect", "localhost:1", NULL },
	    2, "needs --source", NULL);
	expect_cmdline((const char *[]){ "--connect", "h:99999",
	    "--source=x", NULL }, 2, "not HOST:PORT", NULL);
	expect_cmdline((const char *[]){ "--connect", "h:1", "--source=x",
	    "--in-fd=3", "--out-fd=3", NULL }, 2, "exclude", NULL);
	expect_cmdline((const char *[]){ "--in-fd=0", "--out-fd=1",
	    "--daemonize", NULL }, 2, "needs --connect", NULL);
	expect_cmdline((const char *[]){ "--fixed-gps", "91,0", NULL }, 2,
	    "LAT,LON", NULL);
	expect_cmdline((const char *[]){ "--connect", "h:1",
	    "--source=a:uuid=bad", NULL }, 2, "uuid", NULL);
	expect_cmdline((const char *[]){ "--version", "extra", NULL }, 2,
	    "unexpected argument 'extra'", NULL);
}

static void
test_fixed_gps(void **state)
{
	static const long ts[] = { 0 };
	const char *path = harness_write_capture("gps.pcap", 127, 1, ts);
	const struct msg *m;
	struct harness t;

	harness_spawn(&t, false, (const char *[]){ "--fixed-gps",
	    "51.5,-0.125,20", NULL });
	harness_send_definition(&t, MSG_OPENSOURCE, path);
	assert_true(harness_expect(&t, MSG_OPENSOURCEREPORT)->
	    u.open_report.result.success);
	m = harness_expect(&t, MSG_DATAREPORT);
	assert_true(m->u.data_report.has_gps);
	assert_true(m->u.data_report.gps.lat == 51.5);
	assert_true(m->u.data_report.gps.lon == -0.125);
	assert_true(m->u.data_report.gps.alt == 20);
	assert_int_equal(m->u.data_report.gps.fix, 3);
	harness_free(&t);
}

/* The definition's UUID is stable and is what the open report says. */
static void
test_uuid(void **state)
{
	static const long ts[] = { 0 };
	const char *path = harness_write_capture("uuid.pcap", 127, 1, ts);
	char def[512], first[40];
	const struct msg *m;
	struct harness t;
	uint32_t seq;

	m = open_source(&t, path, &seq);
	assert_uuid(m->u.open_report.uuid);
	snprintf(first, sizeof(first), "%s", m->u.open_report.uuid);
	harness_free(&t);
	snprintf(def, sizeof(def), "%s:realtime=false", path);
	m = open_source(&t, def, &seq);
	assert_string_equal(m->u.open_report.uuid, first);
	harness_free(&t);
	snprintf(def, sizeof(def),
	    "%s:uuid=0A1B2C3D-0000-4000-8000-00000000ABCD", path);
	m = open_source(&t, def, &seq);
	assert_string_equal(m->u.open_report.uuid,
	    "0a1b2c3d-0000-4000-8000-00000000abcd");
	harness_free(&t);
}

/* --in-fd and --out-fd may be two descriptors (here two pipes). */
static void
test_two_descriptors(void **state)
{
	static const long ts[] = { 0, 1, 2 };
	const char *path = harness_write_capture("pipes.pcap", 105, 3, ts);
	const struct msg *m;
	struct harness t;
	uint32_t seq;
	int i;

	harness_spawn_pipes(&t);
	seq = harness_send_definition(&t, MSG_OPENSOURCE, path);
	m = harness_expect(&t, MSG_OPENSOURCEREPORT);
	assert_true(m->u.open_report.result.success);
	assert_int_equal(m->u.open_report.result.seqno, seq);
	for (i = 0; i < 3; i++)
		harness_expect(&t, MSG_DATAREPORT);
	harness_expect(&t, MSG_MESSAGE);
	harness_send_empty(&t, MSG_CLOSEDATASOURCE);
	harness_expect_eof(&t);
	assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 0);
	harness_free(&t);
}

/* Garbage from the server: one line saying why, exit 1. */
static void
test_garbage_from_server(void **state)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		const char	*why;
	} cases[] = {
		{ "GET / HTTP/1.1\r\n\r\n", 18, "signature" },
		{ "\xde\xca\xfb\xad\xa9\xa9\x00\x03", 8, "v3" },
		{ "\xde\xca\xfb\xad\xab\xcd\x00\x02\xff\xff\xff\xff", 12,
		    "over the cap" },
	};
	struct harness t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		harness_spawn(&t, true, NULL);
		harness_write_raw(&t, cases[i].bytes, cases[i].len);
		assert_int_equal(harness_wait(&t, HARNESS_TIMEOUT_MS), 1);
		assert_contains(harness_stderr(&t),
		    "bad frame from the server");
		assert_contains(harness_stderr(&t), cases[i].why);
		harness_free(&t);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest local[] = {
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_list_and_configure),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_truncated_last_record),
		cmocka_unit_test(test_corrupt_record),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_fixed_gps),
		cmocka_unit_test(test_pacing),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_two_descriptors),
		cmocka_unit_test(test_garbage_from_server),
#ifndef UNDER_ASAN
		/* The sanitizers' shadow memory is not the helper's. */
		cmocka_unit_test(test_peak_memory_full_speed),
#endif
	};
	const struct CMUnitTest captures[] = {
		cmocka_unit_test(test_replay_every_shared_capture),
#ifndef UNDER_ASAN
		/* The sanitizers' shadow memory is not the helper's. */
		cmocka_unit_test(test_idle_memory),
#endif
	};

	if (argc != 3 || (strcmp(argv[2], "local") != 0 &&
	    strcmp(argv[2], "captures") != 0)) {
		fprintf(stderr, "usage: %s PATH-TO-osprey_cap_pcapfile "
		    "local|captures\n", argv[0]);
		return 2;
	}
	harness_set_helper_path(argv[1]);
	/* TAP for meson, which also passes the captures' location. */
	setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
	if (strcmp(argv[2], "local") == 0)
		return cmocka_run_group_tests(local, harness_tmpdir_create,
		    harness_tmpdir_remove);
	if (harness_captures() == NULL) {
		/* TAP's way of saying "skipped" (exit 77 is not, under TAP). */
		printf("1..0 # SKIP OSPREY_CAPTURES does not name the shared "
		    "captures folder\n");
		return 0;
	}
	return cmocka_run_group_tests(captures, NULL, NULL);
}
