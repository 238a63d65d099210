/* SPDX-License-Identifier: ISC */
/*
 * \summary: the capture path on a TUN device switched to radiotap (root)
 *
 * No Wi-Fi stack needed: a TUN interface whose link type is set to
 * ARPHRD_IEEE80211_RADIOTAP before it goes up makes libpcap report DLT 127,
 * and frames written to the tun descriptor arrive on its receive path
 * byte for byte, larger than the MTU included (the testbed's
 * tun-radiotap.c shows the technique).  The test runs in a network
 * namespace of its own and needs root for /dev/net/tun; without it, it
 * says so and skips.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"

#define ARPHRD_RADIOTAP		803
#define MAX_FRAME		6000
#define NFRAMES			12

struct tun {
	int		 fd;
	char		 name[IFNAMSIZ];
};

/* What the capture callback collected. */
struct got {
	int		 n;
	uint32_t	 caplen[NFRAMES], len[NFRAMES], dlt;
	uint64_t	 ts_us[NFRAMES];
	int		 same[NFRAMES];
	const uint8_t	(*sent)[MAX_FRAME];
	const size_t	*sentlen;
};

static uint8_t frames[NFRAMES][MAX_FRAME];
static size_t framelen[NFRAMES];

static int
if_up(const char *name, int up)
{
	struct ifreq ifr;
	int s, r;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (r == 0) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	r = r < 0 ? -errno : 0;
	close(s);
	return r;
}

/* A TUN device with tun_pi, link type linktype (0: leave it), up. */
static int
tun_open(struct tun *t, unsigned long linktype)
{
	struct ifreq ifr;

	if ((t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	/*
	 * tun_pi kept: without it the kernel guesses IPv4/IPv6 from the
	 * first nibble and refuses radiotap (version 0) with EINVAL.
	 */
	ifr.ifr_flags = IFF_TUN;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "osprtap%%d");
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0 ||
	    (linktype != 0 && ioctl(t->fd, TUNSETLINK, linktype) < 0)) {
		close(t->fd);
		return -errno;
	}
	snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
	return if_up(t->name, 1);
}

/*
 * A radiotap header (TSFT, flags, rate, channel, antenna signal,
 * antenna; radiotap.org field ids 0, 1, 2, 3, 5, 11) and a beacon body,
 * padded to total bytes.  Hand-made: the test owns every byte.
 */
static size_t
make_frame(uint8_t *p, size_t total, unsigned int seq)
{
	static const uint8_t hdr[] = {
		0x00, 0x00, 0x18, 0x00,		/* version, pad, length 24 */
		0x2f, 0x08, 0x00, 0x00,		/* present bits */
		1, 2, 3, 4, 5, 6, 7, 8,		/* TSFT */
		0x00, 0x02,			/* flags, rate 1 Mb/s */
		0x85, 0x09, 0xa0, 0x00,		/* 2437 MHz, 2 GHz CCK */
		0xd8, 0x00,			/* -40 dBm, antenna 0 */
	};
	static const uint8_t beacon[] = {
		0x80, 0x00, 0x00, 0x00,		/* beacon, duration */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x00, 0x00,			/* sequence, patched */
		0, 0, 0, 0, 0, 0, 0, 0,		/* timestamp */
		0x64, 0x00, 0x01, 0x04,		/* interval, capabilities */
		0x00, 0x06, 'o', 's', 'p', 'r', 'e', 'y',
		0x03, 0x01, 0x06,		/* DS parameter set: 6 */
	};
	size_t i, n = sizeof(hdr) + sizeof(beacon);

	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), beacon, sizeof(beacon));
	p[sizeof(hdr) + 22] = (uint8_t)(seq << 4);
	for (i = n; i < total; i++)
		p[i] = (uint8_t)(i * 7 + seq);
	return total > n ? total : n;
}

static int
tun_write(struct tun *t, const uint8_t *frame, size_t len)
{
	uint8_t buf[4 + MAX_FRAME];
	struct tun_pi pi = { 0, htons(ETH_P_802_2) };
	ssize_t w;

	memcpy(buf, &pi, sizeof(pi));
	memcpy(buf + sizeof(pi), frame, len);
	w = write(t->fd, buf, sizeof(pi) + len);
	return w == (ssize_t)(sizeof(pi) + len) ? 0 : -1;
}

static void
collect(const struct capture_frame *f, void *arg)
{
	struct got *g = arg;
	int i = g->n;

	if (i >= NFRAMES)
		return;
	g->caplen[i] = f->caplen;
	g->len[i] = f->len;
	g->dlt = f->dlt;
	g->ts_us[i] = f->ts_sec * 1000000 + f->ts_usec;
	g->same[i] = f->caplen <= g->sentlen[i] &&
	    memcmp(f->data, g->sent[i], f->caplen) == 0;
	g->n++;
}

/* Read until want frames came or a second passed. */
static int
read_frames(struct capture *c, struct got *g, int want)
{
	struct pollfd pfd = { capture_fd(c), POLLIN, 0 };
	int tries, r;

	for (tries = 0; g->n < want && tries < 20; tries++) {
		if (poll(&pfd, 1, 50) < 0)
			return -errno;
		if ((r = capture_read(c, 64, collect, g)) < 0)
			return r;
	}
	return g->n;
}

static uint64_t
now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

static void
test_frames_arrive_intact(void **state)
{
	/* small, MTU-sized, over the MTU, over the snapshot length */
	static const size_t sizes[NFRAMES] = { 60, 100, 200, 400, 800, 1000,
	    1400, 1500, 1600, 2048, 3900, 5000 };
	struct capture *c = NULL;
	struct capture_stats st;
	struct tun t;
	struct got g;
	uint64_t before, after;
	char err[CAPTURE_ERR_MAX];
	int i;

	assert_int_equal(tun_open(&t, ARPHRD_RADIOTAP), 0);
	err[0] = '\0';
	if (capture_open(t.name, CAPTURE_SNAPLEN, CAPTURE_BUFFER, &c, err,
	    sizeof(err)) != 0)
		fail_msg("capture_open %s: %s", t.name, err);
	assert_int_equal(capture_dlt(c), 127);
	assert_true(capture_fd(c) >= 0);

	memset(&g, 0, sizeof(g));
	g.sent = (const uint8_t (*)[MAX_FRAME])frames;
	g.sentlen = framelen;
	/* nothing waits yet, and reading does not block */
	assert_int_equal(capture_read(c, 64, collect, &g), 0);
	before = now_us();
	for (i = 0; i < NFRAMES; i++) {
		framelen[i] = make_frame(frames[i], sizes[i], (unsigned)i);
		assert_int_equal(tun_write(&t, frames[i], framelen[i]), 0);
	}
	assert_int_equal(read_frames(c, &g, NFRAMES), NFRAMES);
	after = now_us();
	assert_int_equal(g.dlt, 127);
	for (i = 0; i < NFRAMES; i++) {
		if (!g.same[i])
			fail_msg("frame %d (%zu bytes) differs", i, framelen[i]);
		assert_int_equal(g.len[i], framelen[i]);
		/*
		 * Past the snapshot length a frame is cut, its length kept.
		 * The kernel's ring slot is a few bytes short of libpcap's
		 * estimate, hence the margin.
		 */
		if (framelen[i] > CAPTURE_SNAPLEN)
			assert_in_range(g.caplen[i], CAPTURE_SNAPLEN - 16,
			    CAPTURE_SNAPLEN);
		else
			assert_int_equal(g.caplen[i], framelen[i]);
		assert_true(g.ts_us[i] + 1000 >= before);
		assert_true(g.ts_us[i] <= after + 1000);
	}
	assert_int_equal(capture_stats(c, &st), 0);
	assert_true(st.received >= NFRAMES);
	assert_int_equal(st.dropped, 0);
	capture_close(c);
	close(t.fd);
}

static void
test_full_ring_drops_and_counts(void **state)
{
	struct capture *c = NULL;
	struct capture_stats st;
	struct tun t;
	struct got g;
	char err[CAPTURE_ERR_MAX];
	int i, sent = 600, got = 0, r;

	assert_int_equal(tun_open(&t, ARPHRD_RADIOTAP), 0);
	/* a 64 KiB ring: 16 slots of 4 KiB */
	assert_int_equal(capture_open(t.name, CAPTURE_SNAPLEN, 65536, &c,
	    err, sizeof(err)), 0);
	framelen[0] = make_frame(frames[0], 300, 0);
	for (i = 0; i < sent; i++)
		assert_int_equal(tun_write(&t, frames[0], framelen[0]), 0);
	memset(&g, 0, sizeof(g));
	g.sent = (const uint8_t (*)[MAX_FRAME])frames;
	g.sentlen = framelen;
	for (;;) {
		g.n = 0;
		if ((r = capture_read(c, 1000, collect, &g)) <= 0)
			break;
		got += r;
	}
	assert_int_equal(r, 0);
	assert_int_equal(capture_stats(c, &st), 0);
	print_message("# sent %d, read %d, kernel dropped %llu\n", sent, got,
	    (unsigned long long)st.dropped);
	assert_true(got > 0 && got < sent);
	assert_int_equal(got + (int)st.dropped, sent);
	capture_close(c);
	close(t.fd);
}

static void
test_refusals(void **state)
{
	struct capture *c = NULL;
	struct tun t;
	char err[CAPTURE_ERR_MAX];

	/* a TUN left at its raw IP link type is not a monitor interface */
	assert_int_equal(tun_open(&t, 0), 0);
	err[0] = '\0';
	assert_int_equal(capture_open(t.name, CAPTURE_SNAPLEN, CAPTURE_BUFFER,
	    &c, err, sizeof(err)), -EPROTONOSUPPORT);
	assert_null(c);
	print_message("# %s\n", err);
	assert_non_null(strstr(err, "not radiotap (127)"));
	assert_non_null(strstr(err, t.name));
	close(t.fd);

	err[0] = '\0';
	assert_int_equal(capture_open("osprnone0", CAPTURE_SNAPLEN,
	    CAPTURE_BUFFER, &c, err, sizeof(err)), -ENODEV);
	assert_null(c);
	assert_non_null(strstr(err, "osprnone0"));
}

static void
test_interface_vanishes(void **state)
{
	struct capture_frame f;
	struct capture *c = NULL;
	struct tun t;
	struct got g;
	char err[CAPTURE_ERR_MAX];
	int r, i;

	assert_int_equal(tun_open(&t, ARPHRD_RADIOTAP), 0);
	assert_int_equal(capture_open(t.name, CAPTURE_SNAPLEN, CAPTURE_BUFFER,
	    &c, err, sizeof(err)), 0);
	memset(&g, 0, sizeof(g));
	g.sent = (const uint8_t (*)[MAX_FRAME])frames;
	g.sentlen = framelen;
	framelen[0] = make_frame(frames[0], 100, 0);
	assert_int_equal(tun_write(&t, frames[0], framelen[0]), 0);
	assert_int_equal(read_frames(c, &g, 1), 1);
	/* the pull API sees the same frames */
	framelen[1] = make_frame(frames[1], 2000, 1);
	assert_int_equal(tun_write(&t, frames[1], framelen[1]), 0);
	for (i = 0, r = 0; i < 20 && r == 0; i++) {
		usleep(20000);
		r = capture_next(c, &f);
	}
	assert_int_equal(r, 1);
	assert_int_equal(f.caplen, 2000);
	assert_int_equal(f.len, 2000);
	assert_int_equal(f.dlt, 127);
	assert_memory_equal(f.data, frames[1], 2000);
	assert_int_equal(capture_next(c, &f), 0);
	/* closing a non-persistent TUN deletes the interface */
	close(t.fd);
	for (i = 0, r = 0; i < 20 && r >= 0; i++) {
		usleep(20000);
		r = capture_next(c, &f);
	}
	print_message("# %s\n", capture_error(c));
	assert_int_equal(r, -ENETDOWN);
	assert_true(strlen(capture_error(c)) > 0);
	capture_close(c);
}

static void
test_filter_mgmt(void **state)
{
	struct capture_frame f;
	struct capture *c = NULL;
	struct tun t;
	char err[CAPTURE_ERR_MAX];
	int r, i, got = 0, beacons = 0;

	assert_int_equal(tun_open(&t, ARPHRD_RADIOTAP), 0);
	assert_int_equal(capture_open(t.name, CAPTURE_SNAPLEN, CAPTURE_BUFFER,
	    &c, err, sizeof(err)), 0);
	assert_int_equal(capture_set_filter(c, CAPTURE_FILTER_MGMT, err,
	    sizeof(err)), 0);
	err[0] = '\0';
	assert_int_equal(capture_set_filter(c, "type nonsense", err,
	    sizeof(err)), -EINVAL);
	print_message("# %s\n", err);
	assert_non_null(strstr(err, "type nonsense"));
	/* a beacon, then the same frame made a data frame (type 2) */
	framelen[0] = make_frame(frames[0], 200, 0);
	memcpy(frames[1], frames[0], framelen[0]);
	framelen[1] = framelen[0];
	frames[1][24] = 0x08;
	for (i = 0; i < 6; i++)
		assert_int_equal(tun_write(&t, frames[i % 2], framelen[i % 2]),
		    0);
	for (i = 0; i < 20; i++) {
		usleep(10000);
		while ((r = capture_next(c, &f)) == 1) {
			got++;
			if (f.caplen == framelen[0] &&
			    memcmp(f.data, frames[0], framelen[0]) == 0)
				beacons++;
		}
		assert_int_equal(r, 0);
	}
	assert_int_equal(got, 3);
	assert_int_equal(beacons, 3);
	capture_close(c);
	close(t.fd);
}

static void
test_interface_goes_down(void **state)
{
	struct capture_frame f;
	struct capture *c = NULL;
	struct tun t;
	char err[CAPTURE_ERR_MAX];
	int r, i;

	assert_int_equal(tun_open(&t, ARPHRD_RADIOTAP), 0);
	assert_int_equal(capture_open(t.name, CAPTURE_SNAPLEN, CAPTURE_BUFFER,
	    &c, err, sizeof(err)), 0);
	assert_int_equal(capture_next(c, &f), 0);
	assert_int_equal(if_up(t.name, 0), 0);
	for (i = 0, r = 0; i < 20 && r == 0; i++) {
		usleep(20000);
		r = capture_next(c, &f);
	}
	print_message("# %s\n", capture_error(c));
	assert_int_equal(r, -ENETDOWN);
	assert_string_equal(capture_error(c),
	    "The interface went down or was removed");
	capture_close(c);
	close(t.fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_arrive_intact),
		cmocka_unit_test(test_full_ring_drops_and_counts),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_interface_vanishes),
		cmocka_unit_test(test_interface_goes_down),
		cmocka_unit_test(test_filter_mgmt),
	};
	int fd;

	/*
	 * Root for /dev/net/tun (mode 0600) and a network namespace of our
	 * own, so that the test's interfaces never touch the host's.
	 */
	errno = EPERM;
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0 ||
	    (fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
		printf("1..0 # SKIP needs root, a network namespace and "
		    "/dev/net/tun (%s)\n", strerror(errno));
		return 0;
	}
	close(fd);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
