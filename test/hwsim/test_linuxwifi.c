/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_cap_linux_wifi on mac80211_hwsim, driven over the protocol
 *
 * Runs INSIDE the hwsim VM (test/hwsim/wifi-e2e.sh sets the scene: five
 * radios, APs "osprey-3", "osprey-6" and "osprey-11" on channels 3, 6 and
 * 11, the capture radio $OSPREY_WIFI_IF and a radio renamed to a name too
 * long for "<if>mon", $OSPREY_WIFI_LONGIF).  No AP sits on channel 1,
 * where every session ends (close_source() says why).  The harness plays
 * the core: it spawns the real helper with a socketpair and speaks the
 * protocol through proto/.  Frames the helper forwards are written to pcap files
 * and counted by tcpdump, an independent decoder: the helper itself never
 * looks inside a frame, and neither does this test.
 */

#include <sys/stat.h>

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
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_harness.h"

/* The helper of a sanitizer build carries the sanitizers' shadow memory. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/*
 * Frames the simulated air carried before a tune can reach the monitor
 * just after it (mac80211_hwsim checks the channel when it sends, the
 * receiving radio's tasklet runs later, and the packet socket stamps the
 * frame then).  Each recording starts this long after the tune was
 * acknowledged.
 */
#define SETTLE_US	150000

static const char *wif, *longif;

struct session {
	struct harness	 h;
	pcap_t		*dead;
	pcap_dumper_t	*dump;
	char		 path[128];
	uint64_t	 since_us;	/* frames before this are not counted */
	int		 frames;
	char		 last_text[512];	/* the last MESSAGE */
	bool		 active;
};

/* The session of the running test, ended by the teardown if it fails. */
static struct session cur;

static uint64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static bool
net_exists(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return stat(path, &st) == 0;
}

static unsigned long
net_flags(const char *name)
{
	char path[128];
	unsigned long f = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/sys/class/net/%s/flags", name);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(fp, "%lx", &f) != 1)
		f = 0;
	fclose(fp);
	return f;
}

static void	finish(struct session *);

/* A field of /proc/PID/status, as text (static). */
static const char *
proc_status(pid_t pid, const char *field)
{
	static char value[64];
	char path[64], line[256];
	size_t n = strlen(field);
	FILE *fp;

	value[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	assert_non_null(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			sscanf(line + n + 1, "%63s", value);
			break;
		}
	fclose(fp);
	return value;
}

/* Print the mappings of pid holding at least min_kib resident, for the log. */
static void
print_big_mappings(pid_t pid, long min_kib)
{
	char path[64], line[512], name[256] = "";
	long kib;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strchr(line, '-') != NULL && strchr(line, ':') != NULL &&
		    line[0] != ' ' && strncmp(line, "Rss:", 4) != 0 &&
		    strchr(line, ' ') != NULL && line[strcspn(line, " ")] == ' ' &&
		    strchr(line, '-') < strchr(line, ' ')) {
			char *p = line;
			int field;

			for (field = 0; field < 5 && p != NULL; field++)
				p = strchr(p + 1, ' ');
			while (p != NULL && *p == ' ')
				p++;
			snprintf(name, sizeof(name), "%s", p != NULL &&
			    *p != '\n' ? p : "[anon]\n");
			name[strcspn(name, "\n")] = '\0';
		} else if (sscanf(line, "Rss: %ld kB", &kib) == 1 &&
		    kib >= min_kib)
			print_message("#   %6ld KiB %s\n", kib, name);
	}
	fclose(fp);
}

/* Start writing the frames that arrive from now on to name.pcap. */
static void
record(struct session *s, const char *name)
{
	if (s->dump != NULL)
		pcap_dump_close(s->dump);
	if (s->dead == NULL)
		assert_non_null(s->dead = pcap_open_dead(DLT_IEEE802_11_RADIO,
		    65535));
	snprintf(s->path, sizeof(s->path), "/tmp/e2e-%s.pcap", name);
	assert_non_null(s->dump = pcap_dump_open(s->dead, s->path));
	s->since_us = wall_us() + SETTLE_US;
	s->frames = 0;
}

static void
on_data(struct session *s, const struct msg *m)
{
	const struct msg_packet *p = &m->u.data_report.packet;
	struct pcap_pkthdr h;

	if (!m->u.data_report.has_packet)
		return;
	assert_int_equal(p->dlt, 127);
	assert_true(p->caplen <= p->size);
	if (s->dump == NULL || p->ts_sec * 1000000 + p->ts_usec < s->since_us)
		return;
	h.ts.tv_sec = (time_t)p->ts_sec;
	h.ts.tv_usec = (suseconds_t)p->ts_usec;
	h.caplen = (uint32_t)p->caplen;
	h.len = (uint32_t)p->size;
	pcap_dump((u_char *)s->dump, &h, p->data);
	s->frames++;
}

/*
 * The next message of type want, recording frames and messages on the
 * way; an ERRORREPORT is returned whatever was wanted.
 */
static const struct msg *
wait_for(struct session *s, enum msg_type want)
{
	const struct msg *m;

	for (;;) {
		m = harness_recv(&s->h, HARNESS_TIMEOUT_MS);
		if (m == NULL) {
			print_message("# the helper exited with status %d\n",
			    harness_wait(&s->h, HARNESS_TIMEOUT_MS));
			finish(s);
			fail_msg("the helper closed the link waiting for %s",
			    msgtype_command(want));
		}
		if (m->type == want || m->type == MSG_ERRORREPORT)
			return m;
		if (m->type == MSG_DATAREPORT)
			on_data(s, m);
		else if (m->type == MSG_MESSAGE && m->u.message.text != NULL) {
			snprintf(s->last_text, sizeof(s->last_text), "%s",
			    m->u.message.text);
			print_message("# helper: %s\n", m->u.message.text);
		}
	}
}

/* Take frames for ms milliseconds; a PING each round keeps replies coming. */
static void
collect(struct session *s, int ms)
{
	uint64_t end = harness_now_ms() + (uint64_t)ms;

	while (harness_now_ms() < end) {
		harness_send_empty(&s->h, MSG_PING);
		assert_int_equal(wait_for(s, MSG_PONG)->type, MSG_PONG);
		usleep(50000);
	}
	pcap_dump_flush(s->dump);
}

/*
 * Beacons of ssid in the last recording, at freq MHz if not 0, as tcpdump
 * decodes them.  tcpdump runs once a recording: starting a program in the
 * VM's software emulation costs about a second.
 */
static int
beacons(struct session *s, const char *ssid, int freq)
{
	static char text[256 * 1024], decoded[sizeof(((struct session *)0)->path)];
	char cmd[256], want[64], mhz[32], *line, *end;
	size_t len = 0, n;
	FILE *fp;
	int count = 0;

	pcap_dump_flush(s->dump);
	if (strcmp(decoded, s->path) != 0) {
		snprintf(cmd, sizeof(cmd), "tcpdump -r %s -n 2>/dev/null",
		    s->path);
		assert_non_null(fp = popen(cmd, "r"));
		while (len < sizeof(text) - 1 && (n = fread(text + len, 1,
		    sizeof(text) - 1 - len, fp)) > 0)
			len += n;
		pclose(fp);
		text[len] = '\0';
		snprintf(decoded, sizeof(decoded), "%s", s->path);
	}
	snprintf(want, sizeof(want), "Beacon (%s)", ssid);
	snprintf(mhz, sizeof(mhz), " %d MHz ", freq);
	for (line = text; *line != '\0'; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line) - 1;
		*end = '\0';
		if (strstr(line, want) != NULL &&
		    (freq == 0 || strstr(line, mhz) != NULL))
			count++;
		*end = '\n';
	}
	return count;
}

static void
start(struct session *s)
{
	memset(s, 0, sizeof(*s));
	harness_spawn(&s->h, true, NULL);
	s->active = true;
}

/* End a session: the helper's log goes into the TAP output as comments. */
static void
finish(struct session *s)
{
	const char *e, *nl;

	if (!s->active)
		return;
	s->active = false;
	if (s->dump != NULL)
		pcap_dump_close(s->dump);
	if (s->dead != NULL)
		pcap_close(s->dead);
	/* After a failure: stop the helper, then show what it said. */
	if (s->h.pid > 0) {
		kill(s->h.pid, SIGTERM);
		print_message("# the helper ended with status %d\n",
		    harness_wait(&s->h, HARNESS_TIMEOUT_MS));
	}
	for (e = harness_stderr(&s->h); e != NULL && *e != '\0';
	    e = nl + 1) {
		if ((nl = strchr(e, '\n')) == NULL)
			nl = e + strlen(e) - 1;
		print_message("# helper: %.*s\n", (int)(nl - e), e);
	}
	harness_free(&s->h);
}

static int
teardown(void **state)
{
	finish(&cur);
	return 0;
}

static const struct msg_open_report *
open_source(struct session *s, const char *def)
{
	const struct msg *m;

	harness_send_definition(&s->h, MSG_OPENSOURCE, def);
	m = wait_for(s, MSG_OPENSOURCEREPORT);
	if (m->type != MSG_OPENSOURCEREPORT ||
	    !m->u.open_report.result.success)
		fail_msg("open %s failed: %s", def,
		    m->type == MSG_ERRORREPORT ?
		    m->u.error_report.message.text :
		    m->u.open_report.message.text);
	return &m->u.open_report;
}

/* Lock to channel; returns the report (the canonical channel in it). */
static const struct msg_configure_report *
lock(struct session *s, const char *channel)
{
	struct msg m;
	const struct msg *r;
	uint32_t seq;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CONFIGURE;
	m.u.configure.channel = channel;
	seq = harness_send(&s->h, &m);
	r = wait_for(s, MSG_CONFIGUREREPORT);
	assert_int_equal(r->type, MSG_CONFIGUREREPORT);
	assert_int_equal(r->u.configure_report.result.seqno, seq);
	return &r->u.configure_report;
}

/*
 * Close the source the way the core does, after parking the radio on
 * channel 1.  mac80211_hwsim hands a monitor radio, besides the frames of
 * its channel, those of the channel it was on when its monitor interface
 * came up (that is, where the previous session left it; channel 1 on a
 * fresh radio), as if a virtual interface stayed there: ending every
 * session on channel 1, where no AP sends, keeps "beacons stop" honest.
 * Real radios hear the channel they are tuned to.
 */
static void
close_source(struct session *s)
{
	const struct msg_configure_report *c = lock(s, "1");

	assert_true(c->result.success);
	harness_send_empty(&s->h, MSG_CLOSEDATASOURCE);
	assert_int_equal(harness_wait(&s->h, HARNESS_TIMEOUT_MS), 0);
}

static bool
has_channel(const struct msg_channels *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (strcmp(c->list[i], name) == 0)
			return true;
	return false;
}

static void
test_list(void **state)
{
	struct session *sp = &cur;
	const struct msg *m;
	size_t i, hwsim = 0;
	bool found = false;

	start(sp);
	harness_send_empty(&sp->h, MSG_LISTINTERFACES);
	m = wait_for(sp, MSG_INTERFACESREPORT);
	assert_int_equal(m->type, MSG_INTERFACESREPORT);
	assert_true(m->u.interfaces_report.result.success);
	for (i = 0; i < m->u.interfaces_report.n_ifaces; i++) {
		const struct msg_iface *f = &m->u.interfaces_report.ifaces[i];

		print_message("# list: %s %s\n", f->interface,
		    f->hardware != NULL ? f->hardware : "-");
		if (f->hardware != NULL &&
		    strcmp(f->hardware, "mac80211_hwsim") == 0)
			hwsim++;
		if (strcmp(f->interface, wif) == 0)
			found = true;
	}
	assert_int_equal(m->u.interfaces_report.n_ifaces, 5);
	assert_int_equal(hwsim, 5);
	assert_true(found);
	harness_wait(&sp->h, HARNESS_TIMEOUT_MS);
	finish(sp);
}

static void
test_probe(void **state)
{
	struct session *sp = &cur;
	const struct msg *m;

	start(sp);
	harness_send_definition(&sp->h, MSG_PROBESOURCE, wif);
	m = wait_for(sp, MSG_PROBESOURCEREPORT);
	assert_int_equal(m->type, MSG_PROBESOURCEREPORT);
	assert_true(m->u.probe_report.result.success);
	assert_string_equal(m->u.probe_report.hardware, "mac80211_hwsim");
	assert_true(m->u.probe_report.has_channels);
	print_message("# probe %s: %zu channels\n", wif,
	    m->u.probe_report.channels.count);
	assert_true(has_channel(&m->u.probe_report.channels, "6"));
	assert_true(has_channel(&m->u.probe_report.channels, "6HT40+"));
	assert_true(has_channel(&m->u.probe_report.channels, "11HT40-"));
	assert_true(has_channel(&m->u.probe_report.channels, "36VHT80"));
	assert_true(has_channel(&m->u.probe_report.channels, "36VHT160"));
	assert_false(has_channel(&m->u.probe_report.channels, "14HT40-"));
	finish(sp);

	start(sp);
	harness_send_definition(&sp->h, MSG_PROBESOURCE, "lo");
	m = wait_for(sp, MSG_PROBESOURCEREPORT);
	assert_int_equal(m->type, MSG_PROBESOURCEREPORT);
	assert_false(m->u.probe_report.result.success);
	print_message("# probe lo: %s\n", m->u.probe_report.message.text);
	assert_non_null(strstr(m->u.probe_report.message.text,
	    "not a Wi-Fi interface"));
	finish(sp);
}

static void
test_capture_lock(void **state)
{
	const struct msg_open_report *o;
	struct session *sp = &cur;
	char vif[32], def[64], anon[32], file[32];
	long rss;
	int b;

	snprintf(vif, sizeof(vif), "%smon", wif);
	snprintf(def, sizeof(def), "%s:channel=6", wif);
	start(sp);
	o = open_source(sp, def);
	assert_int_equal(o->dlt, 127);
	assert_string_equal(o->capture_interface, vif);
	assert_string_equal(o->hardware, "mac80211_hwsim");
	assert_true(o->has_channels);
	assert_true(has_channel(&o->channels, "36VHT80"));
	assert_true(net_exists(vif));
	assert_false(net_flags(wif) & 1);	/* parent down */

	/* locked to 6 by the definition */
	record(sp, "ch6");
	collect(sp, 1200);
	b = beacons(sp, "osprey-6", 2437);
	print_message("# channel 6: %d frames, %d beacons of osprey-6\n",
	    sp->frames, b);
	assert_true(b >= 6);
	assert_int_equal(beacons(sp, "osprey-6", 0), b);
	assert_int_equal(beacons(sp, "osprey-3", 0), 0);
	assert_int_equal(beacons(sp, "osprey-11", 0), 0);
	rss = harness_rss_kib(sp->h.pid);
	snprintf(anon, sizeof(anon), "%s", proc_status(sp->h.pid, "RssAnon"));
	snprintf(file, sizeof(file), "%s", proc_status(sp->h.pid, "RssFile"));
	print_message("# helper RSS while capturing: %ld KiB (anon %s, "
	    "file %s, shmem %s KiB)\n", rss, anon, file,
	    proc_status(sp->h.pid, "RssShmem"));
	print_big_mappings(sp->h.pid, 64);
#ifndef UNDER_ASAN
	assert_true(rss > 0 && rss < 5 * 1024);
#endif
	/* locked down: CAP_NET_ADMIN (bit 12) alone, seccomp filter mode */
	assert_string_equal(proc_status(sp->h.pid, "CapEff"),
	    "0000000000001000");
	assert_string_equal(proc_status(sp->h.pid, "CapPrm"),
	    "0000000000001000");
	assert_string_equal(proc_status(sp->h.pid, "Seccomp"), "2");

	close_source(sp);
	finish(sp);
}

/*
 * Locking moves the radio: the channel-3 AP appears and the channel-6 AP
 * stops.  A fresh session: the radio's monitor interface comes up where
 * the previous one left it (close_source() says why that matters).
 */
static void
test_lock_moves(void **state)
{
	const struct msg_configure_report *c;
	struct session *sp = &cur;
	char def[64];
	int b;

	snprintf(def, sizeof(def), "%s:channel=6", wif);
	start(sp);
	(void)open_source(sp, def);

	/* lock to 3: osprey-3 appears, osprey-6 stops */
	c = lock(sp, "3");
	assert_true(c->result.success);
	assert_string_equal(c->channel, "3");
	record(sp, "ch3");
	collect(sp, 1000);
	b = beacons(sp, "osprey-3", 2422);
	print_message("# channel 3: %d beacons of osprey-3, %d of osprey-6\n",
	    b, beacons(sp, "osprey-6", 0));
	assert_true(b >= 5);
	assert_int_equal(beacons(sp, "osprey-6", 0), 0);

	close_source(sp);
	finish(sp);
}

/* Wider channels and refusals, and what close leaves behind. */
static void
test_wide_channels_close(void **state)
{
	const struct msg_configure_report *c;
	struct session *sp = &cur;
	unsigned long before = net_flags(wif);
	char vif[32], def[64];
	int b;

	snprintf(vif, sizeof(vif), "%smon", wif);
	snprintf(def, sizeof(def), "%s:channel=6", wif);
	start(sp);
	(void)open_source(sp, def);

	/* HT40+ on 6, named canonically whatever the spelling */
	c = lock(sp, "2437ht40+");
	assert_true(c->result.success);
	assert_string_equal(c->channel, "6HT40+");
	record(sp, "ht40");
	collect(sp, 800);
	b = beacons(sp, "osprey-6", 2437);
	print_message("# 6HT40+: %d beacons of osprey-6\n", b);
	assert_true(b >= 4);

	c = lock(sp, "36VHT80");
	assert_true(c->result.success);
	assert_string_equal(c->channel, "36VHT80");
	record(sp, "vht80");
	collect(sp, 300);
	assert_int_equal(beacons(sp, "osprey-6", 0), 0);

	/* a channel the phy lacks: refused with the kernel's reason */
	c = lock(sp, "144");
	assert_false(c->result.success);
	print_message("# 144: %s\n", c->message.text);
	assert_non_null(strstr(c->message.text, "cannot tune"));
	c = lock(sp, "14HT40+");
	assert_false(c->result.success);
	assert_non_null(strstr(c->message.text, "not a channel"));

	/* close: the vif goes, the parent comes back as it was */
	close_source(sp);
	assert_false(net_exists(vif));
	assert_int_equal(net_flags(wif) & 1, before & 1);
	finish(sp);
}

static void
test_hop(void **state)
{
	static const char *chans[] = { "3", "6", "11", "144" };
	const struct msg *r;
	struct session *sp = &cur;
	struct msg m;
	char def[64];
	int b1, b6, b11;
	uint32_t seq;

	snprintf(def, sizeof(def), "%s:channel_hop=false", wif);
	start(sp);
	(void)open_source(sp, def);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CONFIGURE;
	m.u.configure.has_hop = true;
	m.u.configure.hop.channels.list = chans;
	m.u.configure.hop.channels.count = 4;
	m.u.configure.hop.has_rate = true;
	m.u.configure.hop.rate = 20;		/* 50 ms dwell: the floor */
	seq = harness_send(&sp->h, &m);
	r = wait_for(sp, MSG_CONFIGUREREPORT);
	assert_int_equal(r->type, MSG_CONFIGUREREPORT);
	assert_int_equal(r->u.configure_report.result.seqno, seq);
	assert_true(r->u.configure_report.result.success);
	/* 144 fails to tune and leaves the list: an unsolicited report */
	r = wait_for(sp, MSG_CONFIGUREREPORT);
	assert_int_equal(r->u.configure_report.result.seqno, 0);
	assert_true(r->u.configure_report.has_hop);
	assert_int_equal(r->u.configure_report.hop.channels.count, 3);
	assert_false(has_channel(&r->u.configure_report.hop.channels, "144"));
	print_message("# %s\n", sp->last_text);
	assert_non_null(strstr(sp->last_text, "144"));
	record(sp, "hop");
	collect(sp, 3000);
	b1 = beacons(sp, "osprey-3", 2422);
	b6 = beacons(sp, "osprey-6", 2437);
	b11 = beacons(sp, "osprey-11", 2462);
	print_message("# hop 3,6,11 at 20/s for 3 s: %d, %d, %d beacons\n",
	    b1, b6, b11);
	/* every channel visited: each AP heard, each on its own channel */
	assert_true(b1 > 0 && b6 > 0 && b11 > 0);
	assert_int_equal(beacons(sp, "osprey-3", 0), b1);
	assert_int_equal(beacons(sp, "osprey-6", 0), b6);
	close_source(sp);
	finish(sp);
}

static void
test_long_name(void **state)
{
	const struct msg_open_report *o;
	struct session *sp = &cur;
	char def[64];

	snprintf(def, sizeof(def), "%s:channel=6", longif);
	start(sp);
	o = open_source(sp, def);
	print_message("# %s (%zu characters): %s\n", longif, strlen(longif),
	    o->capture_interface);
	assert_string_equal(o->capture_interface, "osmon0");
	record(sp, "long");
	collect(sp, 800);
	assert_true(beacons(sp, "osprey-6", 2437) >= 4);
	close_source(sp);
	assert_false(net_exists("osmon0"));
	finish(sp);
}

static void
test_vif_vanishes(void **state)
{
	const struct msg *m;
	struct session *sp = &cur;
	char vif[32], def[64], cmd[64];

	snprintf(vif, sizeof(vif), "%smon", wif);
	snprintf(def, sizeof(def), "%s:channel=6", wif);
	start(sp);
	(void)open_source(sp, def);
	record(sp, "gone");
	collect(sp, 500);
	assert_true(sp->frames > 0);
	snprintf(cmd, sizeof(cmd), "iw dev %s del", vif);
	assert_int_equal(system(cmd), 0);
	m = wait_for(sp, MSG_ERRORREPORT);
	assert_int_equal(m->type, MSG_ERRORREPORT);
	print_message("# error: %s\n", m->u.error_report.message.text);
	assert_non_null(strstr(m->u.error_report.message.text, vif));
	assert_true(strstr(m->u.error_report.message.text,
	    "was deleted by another program") != NULL ||
	    strstr(m->u.error_report.message.text,
	    "went down or was removed") != NULL);
	assert_int_equal(harness_wait(&sp->h, HARNESS_TIMEOUT_MS), 1);
	finish(sp);

	/* the core's retry: a new helper opens the same source again */
	start(sp);
	(void)open_source(sp, def);
	assert_true(net_exists(vif));
	record(sp, "retry");
	collect(sp, 800);
	assert_true(beacons(sp, "osprey-6", 2437) >= 4);
	close_source(sp);
	assert_false(net_exists(vif));
	finish(sp);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_list, teardown),
		cmocka_unit_test_teardown(test_probe, teardown),
		cmocka_unit_test_teardown(test_capture_lock, teardown),
		cmocka_unit_test_teardown(test_lock_moves, teardown),
		cmocka_unit_test_teardown(test_wide_channels_close, teardown),
		cmocka_unit_test_teardown(test_hop, teardown),
		cmocka_unit_test_teardown(test_long_name, teardown),
		cmocka_unit_test_teardown(test_vif_vanishes, teardown),
	};

	/* A helper that died must fail a test, not kill this program. */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1)
		harness_set_helper_path(argv[1]);
	wif = getenv("OSPREY_WIFI_IF");
	longif = getenv("OSPREY_WIFI_LONGIF");
	if (wif == NULL || longif == NULL) {
		printf("1..0 # SKIP runs inside the hwsim VM "
		    "(test/hwsim/wifi-e2e.sh)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
