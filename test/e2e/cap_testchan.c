/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_cap_testchan: a test driver for the framework's live path
 *
 * A capture helper built on datasources/common whose "radio" is a pipe:
 * every channel it tunes to comes back as one frame holding the channel's
 * name, so a test sees the hop scheduler's walk and timing in the data
 * stream.  Channel "13" refuses to tune.  With flood=true it produces
 * 2000-byte frames as fast as it is asked, to fill the queue and make the
 * framework drop and count.  It exercises the framework only; the real
 * radio driver is osprey_cap_linux_wifi.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ds_ops.h"
#include "helper.h"

static const char *const testchan_channels[] = {
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
	"14", "36", "40",
};

static struct {
	int		 pipe[2];
	bool		 flood;
	uint8_t		 frame[2000];
	char		 tuned[32];
} tc = { .pipe = { -1, -1 } };

static int
testchan_probe(struct helper *h, const struct srcdef *def,
    struct ds_probe *ret, char *err, size_t errlen)
{
	if (strncmp(def->interface, "chan", 4) != 0) {
		snprintf(err, errlen, "testchan: %s: not a test radio",
		    def->interface);
		return -ENODEV;
	}
	ret->channels = testchan_channels;
	ret->n_channels = sizeof(testchan_channels) /
	    sizeof(testchan_channels[0]);
	snprintf(ret->hardware, sizeof(ret->hardware), "testchan");
	return 0;
}

static int
testchan_list(struct helper *h, struct ds_iface *ret, size_t max, char *err,
    size_t errlen)
{
	if (max < 1)
		return 0;
	snprintf(ret[0].interface, sizeof(ret[0].interface), "chan0");
	snprintf(ret[0].hardware, sizeof(ret[0].hardware), "testchan");
	return 1;
}

static int
testchan_open(struct helper *h, const struct srcdef *def,
    struct ds_open *ret, char *err, size_t errlen)
{
	struct ds_probe p;
	int r;

	memset(&p, 0, sizeof(p));
	if ((r = testchan_probe(h, def, &p, err, errlen)) < 0)
		return r;
	if (srcdef_get_bool(def, "flood", false, &tc.flood, err, errlen) < 0)
		return -EINVAL;
	if (pipe2(tc.pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	if (tc.flood && write(tc.pipe[1], "x", 1) != 1)
		return -EIO;
	ret->dlt = 127;
	ret->channels = testchan_channels;
	ret->n_channels = p.n_channels;
	ret->fd = tc.pipe[0];
	snprintf(ret->hardware, sizeof(ret->hardware), "testchan");
	return 0;
}

static int
testchan_set_channel(struct helper *h, const char *channel, char *canon,
    size_t canonlen, char *err, size_t errlen)
{
	long v = strtol(channel, NULL, 10);

	if (strcmp(channel, "13") == 0) {
		snprintf(err, errlen, "channel 13 is not allowed here");
		return -EINVAL;
	}
	/* Frequencies in MHz come back as 2.4 GHz channel numbers. */
	if (v > 250)
		snprintf(canon, canonlen, "%ld", (v - 2407) / 5);
	else
		snprintf(canon, canonlen, "%s", channel);
	snprintf(tc.tuned, sizeof(tc.tuned), "%s", canon);
	if (!tc.flood && write(tc.pipe[1], "x", 1) != 1)
		return -EIO;
	return 0;
}

static enum ds_next
testchan_next(struct helper *h, struct ds_packet *ret)
{
	struct timespec ts;
	char c;

	if (!tc.flood && read(tc.pipe[0], &c, 1) != 1)
		return DS_NEXT_NONE;
	clock_gettime(CLOCK_REALTIME, &ts);
	memset(ret, 0, sizeof(*ret));
	ret->ts_sec = (uint64_t)ts.tv_sec;
	ret->ts_usec = (uint64_t)ts.tv_nsec / 1000;
	ret->dlt = 127;
	if (tc.flood) {
		ret->caplen = ret->len = sizeof(tc.frame);
		ret->data = tc.frame;
	} else {
		ret->caplen = ret->len = (uint32_t)strlen(tc.tuned);
		ret->data = (const uint8_t *)tc.tuned;
	}
	return DS_NEXT_PACKET;
}

static void
testchan_close(struct helper *h)
{
	close(tc.pipe[0]);
	close(tc.pipe[1]);
	tc.pipe[0] = tc.pipe[1] = -1;
}

static const struct ds_ops testchan_ops = {
	.type = "testchan",
	.source_help = "chanN, a test radio whose frames name the channel "
	    "it was tuned to",
	.probe = testchan_probe,
	.list = testchan_list,
	.open = testchan_open,
	.set_channel = testchan_set_channel,
	.chanctl = &helper_chanctl,
	.next = testchan_next,
	.close = testchan_close,
	/* A pipe for a radio: the file helper's allowlist fits it. */
	.sandbox_role = SANDBOX_HELPER_PCAPFILE,
};

int
main(int argc, char **argv)
{
	return helper_main(argc, argv, &testchan_ops);
}
