/* SPDX-License-Identifier: ISC */
/*
 * \summary: drive the linux-wifi modules step by step, for the hwsim VM test
 *
 * A test tool, not a helper: it links the same nl80211, wiphy, channels,
 * monitor and capture code as osprey_cap_linux_wifi and runs one step per
 * argument, printing one line per result, so that test/hwsim/wifi-vm.sh
 * can check them against iw, tcpdump and sysfs inside the VM.
 *
 *	hwsim-wifi list
 *	hwsim-wifi run SOURCE STEP...
 *
 * SOURCE is a source definition ("wlan0:vif=foo,ignoreprimary=true").
 * Steps:
 *	info			vif, whether it was created, parent state
 *	tune:CHAN		set a channel, read it back, print both
 *	cap:MS:FILE		capture for MS ms into a pcap file
 *	hop:RATE:MS:C1,C2,...	hop at RATE/s for MS ms, print each visit
 *	gone:MS			capture until the vif vanishes (within MS)
 *	reopen			close and open again (a retry)
 *	stats			kernel receive and drop counters
 * Exit status: 0 when every step did what it says, 1 otherwise, 2 on
 * usage errors.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/nl80211.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "channels.h"
#include "log.h"
#include "monitor.h"
#include "nl80211.h"
#include "srcdef.h"
#include "wiphy.h"

#define MAX_IFACES	32

struct tool {
	struct nl80211		*nl;
	struct srcdef		 def;
	struct monitor_opts	 mopts;
	struct wiphy_iface	 iface;
	struct wiphy		*phy;
	struct monitor		 mon;
	struct capture		*cap;
	pcap_dumper_t		*dump;
	uint64_t		 dump_from;	/* first timestamp, usec */
	uint64_t		 frames;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
cmd_list(struct nl80211 *nl)
{
	struct wiphy_iface ifs[MAX_IFACES];
	struct chan list[CHAN_LIST_MAX];
	struct chan_opts o;
	struct wiphy *w;
	char buf[CHAN_STR_MAX];
	int n, i, k, j;

	if ((w = malloc(sizeof(*w))) == NULL)
		return 1;
	if ((n = wiphy_ifaces(nl, ifs, MAX_IFACES)) < 0) {
		printf("error: interface dump: %s\n", strerror(-n));
		free(w);
		return 1;
	}
	chan_opts_default(&o);
	for (i = 0; i < n; i++) {
		if ((k = wiphy_get(nl, ifs[i].phy, w)) < 0) {
			printf("error: phy %u: %s\n", ifs[i].phy,
			    strerror(-k));
			continue;
		}
		printf("iface %s phy %s driver %s type %s monitor %s "
		    "freqs %zu\n", ifs[i].name, w->name,
		    w->driver[0] != '\0' ? w->driver : "-",
		    wiphy_iftype_name(ifs[i].type), w->monitor ? "yes" : "no",
		    w->n_freqs);
		k = chan_list_build(w->freqs, w->n_freqs, &o, list,
		    CHAN_LIST_MAX);
		printf("channels %s %d:", ifs[i].name, k);
		for (j = 0; j < k; j++)
			if (chan_format(&list[j], buf, sizeof(buf)) > 0)
				printf(" %s", buf);
		printf("\n");
	}
	free(w);
	return 0;
}

static int
tool_open(struct tool *t)
{
	char err[CAPTURE_ERR_MAX];
	int r;

	if ((r = wiphy_iface_by_name(t->nl, t->def.interface,
	    &t->iface)) < 0) {
		printf("error: %s: %s\n", t->def.interface,
		    r == -ENODEV ? "no such interface" :
		    r == -EOPNOTSUPP ? "not a Wi-Fi interface" :
		    strerror(-r));
		return r;
	}
	if ((r = wiphy_get(t->nl, t->iface.phy, t->phy)) < 0) {
		printf("error: phy %u: %s\n", t->iface.phy, strerror(-r));
		return r;
	}
	if ((r = monitor_open(&t->mon, &t->iface, t->phy, &t->mopts)) < 0) {
		printf("error: open: %s\n", t->mon.error);
		return r;
	}
	if (t->mon.warning[0] != '\0')
		printf("warning: %s\n", t->mon.warning);
	if ((r = capture_open(t->mon.vif, CAPTURE_SNAPLEN, CAPTURE_BUFFER,
	    &t->cap, err, sizeof(err))) < 0) {
		printf("error: capture: %s\n", err);
		monitor_close(&t->mon);
		return r;
	}
	printf("open %s vif %s created %s dlt %u\n", t->iface.name,
	    t->mon.vif, t->mon.vif_created ? "yes" : "no",
	    capture_dlt(t->cap));
	return 0;
}

static void
tool_close(struct tool *t)
{
	capture_close(t->cap);
	t->cap = NULL;
	monitor_close(&t->mon);
}

static void
tool_frame(const struct capture_frame *f, void *arg)
{
	struct tool *t = arg;
	struct pcap_pkthdr h;

	/*
	 * Frames that waited in the ring from before the step (an earlier
	 * channel) are not the step's: a kernel timestamp tells them apart.
	 */
	if (t->dump == NULL || f->ts_sec * 1000000 + f->ts_usec < t->dump_from)
		return;
	t->frames++;
	h.ts.tv_sec = (time_t)f->ts_sec;
	h.ts.tv_usec = (suseconds_t)f->ts_usec;
	h.caplen = f->caplen;
	h.len = f->len;
	pcap_dump((u_char *)t->dump, &h, f->data);
}

/*
 * Read frames for ms milliseconds, or until the vif goes.  Returns 0,
 * -ENODEV (vif deleted, event) or -ENETDOWN (capture failed).
 */
static int
tool_capture(struct tool *t, unsigned int ms)
{
	uint64_t end = now_ms() + ms, left;
	struct pollfd pfd[2];
	int r;

	pfd[0].fd = capture_fd(t->cap);
	pfd[0].events = POLLIN;
	pfd[1].fd = monitor_event_fd(&t->mon);
	pfd[1].events = POLLIN;
	while ((left = end > now_ms() ? end - now_ms() : 0) > 0) {
		if (poll(pfd, 2, (int)left) < 0)
			return -errno;
		if (pfd[1].revents & POLLIN &&
		    (r = monitor_events(&t->mon)) < 0) {
			printf("error: %s\n", t->mon.error);
			return r;
		}
		if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP) &&
		    (r = capture_read(t->cap, 64, tool_frame, t)) < 0) {
			printf("error: capture on %s: %s\n", t->mon.vif,
			    capture_error(t->cap));
			return r;
		}
	}
	return 0;
}

static int
tool_tune(struct tool *t, const char *s, bool hop)
{
	char want[CHAN_STR_MAX], got[CHAN_STR_MAX];
	struct chan c, back;
	int r;

	if (chan_parse(s, &c) < 0) {
		printf("error: '%s' is not a channel\n", s);
		return -EINVAL;
	}
	(void)chan_format(&c, want, sizeof(want));
	if (!chan_supported(t->phy->freqs, t->phy->n_freqs, &c))
		printf("note: %s is not in what %s supports\n", want,
		    t->phy->name);
	if ((r = monitor_set_channel(&t->mon, &c)) < 0) {
		printf("tune %s failed: %s\n", want, t->mon.error);
		return r;
	}
	if ((r = monitor_get_channel(&t->mon, &back)) < 0)
		snprintf(got, sizeof(got), "unknown");
	else if (chan_format(&back, got, sizeof(got)) < 0)
		snprintf(got, sizeof(got), "%u/%u/%d", back.freq,
		    back.center1, back.width);
	printf("%s %s readback %s\n", hop ? "visit" : "tuned", want, got);
	return r == 0 && chan_equal(&c, &back) ? 0 : -EIO;
}

static int
step_cap(struct tool *t, const char *arg)
{
	struct timespec ts;
	char file[256];
	unsigned int ms;
	pcap_t *dead;
	int r;

	if (sscanf(arg, "%u:%255s", &ms, file) != 2)
		return -EINVAL;
	if ((dead = pcap_open_dead(DLT_IEEE802_11_RADIO, 65535)) == NULL ||
	    (t->dump = pcap_dump_open(dead, file)) == NULL) {
		printf("error: cannot write %s\n", file);
		if (dead != NULL)
			pcap_close(dead);
		return -EIO;
	}
	t->frames = 0;
	/*
	 * Frames in flight at the tune (mac80211_hwsim checks the channel
	 * when it sends; the receiver's tasklet and the packet socket's
	 * timestamp come later) are not the step's: skip the first 100 ms.
	 */
	clock_gettime(CLOCK_REALTIME, &ts);
	t->dump_from = (uint64_t)ts.tv_sec * 1000000 +
	    (uint64_t)ts.tv_nsec / 1000 + 100000;
	r = tool_capture(t, ms);
	pcap_dump_close(t->dump);
	pcap_close(dead);
	t->dump = NULL;
	printf("captured %llu frames in %u ms to %s\n",
	    (unsigned long long)t->frames, ms, file);
	return r;
}

static int
step_hop(struct tool *t, const char *arg)
{
	char list[512], *p, *save = NULL, *chans[64];
	unsigned int rate, ms, n = 0, i = 0, failed = 0;
	uint64_t end;

	if (sscanf(arg, "%u:%u:%511s", &rate, &ms, list) != 3 || rate == 0)
		return -EINVAL;
	for (p = strtok_r(list, ",", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, ",", &save))
		chans[n++] = p;
	if (n == 0)
		return -EINVAL;
	end = now_ms() + ms;
	while (now_ms() < end) {
		if (tool_tune(t, chans[i++ % n], true) < 0)
			failed++;
		if (tool_capture(t, 1000 / rate) < 0)
			return -EIO;
	}
	printf("hopped %u times over %u channels, %u failed\n", i, n, failed);
	return failed == 0 ? 0 : -EIO;
}

static int
step_gone(struct tool *t, const char *arg)
{
	unsigned int ms = (unsigned int)strtoul(arg, NULL, 10);
	int r = tool_capture(t, ms);

	if (r == -ENODEV || r == -ENETDOWN) {
		printf("gone %s\n", t->mon.vif);
		/* the vif is gone: closing must not fail on it */
		tool_close(t);
		return 0;
	}
	printf("error: %s did not go within %u ms\n", t->mon.vif, ms);
	return -EIO;
}

static int
step_info(struct tool *t)
{
	unsigned int flags = 0;
	int r;

	r = nl80211_link_flags(t->nl, t->iface.ifindex, &flags);
	printf("info vif %s created %s parent %s %s\n", t->mon.vif,
	    t->mon.vif_created ? "yes" : "no", t->iface.name,
	    r < 0 ? "unknown" : (flags & 1) ? "up" : "down");
	return 0;
}

static int
step_stats(struct tool *t)
{
	struct capture_stats st;

	if (capture_stats(t->cap, &st) < 0) {
		printf("error: stats: %s\n", capture_error(t->cap));
		return -EIO;
	}
	printf("stats received %llu dropped %llu ifdropped %llu\n",
	    (unsigned long long)st.received, (unsigned long long)st.dropped,
	    (unsigned long long)st.if_dropped);
	return 0;
}

static int
run_step(struct tool *t, const char *s)
{
	if (strcmp(s, "info") == 0)
		return step_info(t);
	if (strcmp(s, "stats") == 0)
		return step_stats(t);
	if (strcmp(s, "reopen") == 0) {
		tool_close(t);
		return tool_open(t);
	}
	if (t->cap == NULL) {
		printf("error: %s: the source is not open\n", s);
		return -EBADF;
	}
	if (strncmp(s, "tune:", 5) == 0)
		return tool_tune(t, s + 5, false);
	if (strncmp(s, "cap:", 4) == 0)
		return step_cap(t, s + 4);
	if (strncmp(s, "hop:", 4) == 0)
		return step_hop(t, s + 4);
	if (strncmp(s, "gone:", 5) == 0)
		return step_gone(t, s + 5);
	printf("error: unknown step %s\n", s);
	return -EINVAL;
}

static int
cmd_run(struct nl80211 *nl, int argc, char **argv)
{
	struct tool t;
	char err[256];
	int i, status = 0;

	memset(&t, 0, sizeof(t));
	t.nl = nl;
	if (srcdef_parse(argv[0], &t.def, err, sizeof(err)) < 0) {
		printf("error: %s\n", err);
		return 2;
	}
	t.mopts.vif = srcdef_get(&t.def, "vif");
	if (srcdef_get_bool(&t.def, "ignoreprimary", false,
	    &t.mopts.ignoreprimary, err, sizeof(err)) < 0 ||
	    srcdef_get_bool(&t.def, "fcsfail", false, &t.mopts.fcsfail, err,
	    sizeof(err)) < 0 ||
	    srcdef_get_bool(&t.def, "plcpfail", false, &t.mopts.plcpfail, err,
	    sizeof(err)) < 0) {
		printf("error: %s\n", err);
		srcdef_free(&t.def);
		return 2;
	}
	if ((t.phy = malloc(sizeof(*t.phy))) == NULL)
		return 1;
	monitor_init(&t.mon, nl);
	if (tool_open(&t) < 0)
		status = 1;
	for (i = 1; i < argc && status == 0; i++)
		if (run_step(&t, argv[i]) < 0)
			status = 1;
	tool_close(&t);
	printf("closed %s\n", t.mon.vif);
	free(t.phy);
	srcdef_free(&t.def);
	return status;
}

int
main(int argc, char **argv)
{
	struct nl80211 *nl;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init("hwsim-wifi", getenv("HWSIM_WIFI_DEBUG") != NULL ?
	    LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	if (argc < 2 || (strcmp(argv[1], "run") == 0 && argc < 3)) {
		fprintf(stderr, "usage: hwsim-wifi list | run SOURCE STEP...\n");
		return 2;
	}
	if ((r = nl80211_open(&nl)) < 0) {
		printf("error: nl80211: %s\n", r == -ENOENT ?
		    "the kernel has no nl80211 (no cfg80211)" : strerror(-r));
		return 1;
	}
	if (strcmp(argv[1], "list") == 0)
		r = cmd_list(nl);
	else if (strcmp(argv[1], "run") == 0)
		r = cmd_run(nl, argc - 2, argv + 2);
	else
		r = 2;
	nl80211_close(nl);
	return r;
}
