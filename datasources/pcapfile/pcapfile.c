/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_cap_pcapfile: replay a pcap or pcapng file as a source
 *
 * The source definition is the file's path, with realtime=true (pace by
 * the capture's timestamps), pps=N (N frames a second) or loop=true
 * (start over at the end).  libpcap reads the file; frames of the
 * 802.11 link types go to the core untouched, with their link type,
 * lengths and timestamps.
 *
 * A replay that loops at the capture's pace is a stand-in for a live
 * site (the demo): its frames carry the time they are replayed, not the
 * capture's, or every device would look years old and each pass would
 * turn the clock back.  The restamping is done here, where the replay is
 * paced, rather than in the core, which cannot tell a replay from a
 * radio; timestamp=false keeps the capture's times, timestamp=true
 * restamps any replay.  At the end of the file the helper says so and
 * stays idle until the core closes the source; a damaged record ends the
 * source with an error naming the file and the record, after every frame
 * before it has been delivered.
 *
 * The file is opened once, at open, and each pass (loop=true) reads a
 * duplicate of that descriptor: nothing is opened after the lockdown.
 */

#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ds_ops.h"
#include "helper.h"

#define PPS_MAX		1000000

/* The one source this process replays. */
static struct {
	int		 fd;		/* the file, for the source's life */
	pcap_t		*pcap;		/* the current pass */
	const char	*path;		/* the definition's interface */
	bool		 loop;
	uint32_t	 dlt;
	uint64_t	 record;	/* records read in this pass */
	uint64_t	 total;		/* frames handed over in all */
	uint64_t	 passes;
	/* Restamping: capture time anchor_ts is wall time anchor_wall. */
	bool		 restamp;
	uint64_t	 anchor_wall, anchor_ts, prev_ts, last_out;	/* us */
} pf = { .fd = -1 };

static bool
pcapfile_dlt_ok(int dlt)
{
	switch (dlt) {
	case DLT_IEEE802_11:			/* 105 */
	case DLT_PRISM_HEADER:			/* 119 */
	case DLT_IEEE802_11_RADIO:		/* 127 */
	case DLT_IEEE802_11_RADIO_AVS:		/* 163 */
	case DLT_PPI:				/* 192 */
		return true;
	}
	return false;
}

/*
 * Open path for reading: the descriptor, or -errno with the reason (and
 * the path) in err.
 */
static int
pcapfile_open_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		e = errno;
		snprintf(err, errlen, "pcapfile: %s: cannot open: %s", path,
		    strerror(e));
		return -e;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		snprintf(err, errlen, "pcapfile: %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		snprintf(err, errlen, "pcapfile: %s: not a regular file%s",
		    path, e == EISDIR ? " (a directory)" : "");
		close(fd);
		return -e;
	}
	return fd;
}

/*
 * Start a pass over the file behind fd: a pcap_t reading from its first
 * byte, with microsecond timestamps (the protocol's resolution).
 */
static int
pcapfile_start_pass(int fd, const char *path, pcap_t **ret, char *err,
    size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	uint8_t magic[2];
	pcap_t *p;
	FILE *fp;
	int d, dlt;

	if ((d = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0 ||
	    lseek(d, 0, SEEK_SET) < 0 || (fp = fdopen(d, "rb")) == NULL) {
		snprintf(err, errlen, "pcapfile: %s: %s", path,
		    strerror(errno));
		if (d >= 0)
			close(d);
		return -EIO;
	}
	perr[0] = '\0';
	p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (p == NULL) {
		fclose(fp);
		/* Say what it is when it is a common mistake. */
		if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f &&
		    magic[1] == 0x8b)
			snprintf(err, errlen, "pcapfile: %s: not a capture "
			    "file: it is gzip-compressed; decompress it "
			    "first", path);
		else
			snprintf(err, errlen, "pcapfile: %s: not a pcap or "
			    "pcapng capture file (%s)", path, perr);
		return -EINVAL;
	}
	dlt = pcap_datalink(p);
	if (!pcapfile_dlt_ok(dlt)) {
		snprintf(err, errlen, "pcapfile: %s: link type %d (%s) is not "
		    "802.11; osprey reads 802.11 (105), Prism (119), radiotap "
		    "(127), AVS (163) and PPI (192)", path, dlt,
		    pcap_datalink_val_to_description_or_dlt(dlt));
		pcap_close(p);
		return -EPROTONOSUPPORT;
	}
	*ret = p;
	return 0;
}

static int
pcapfile_probe(struct helper *h, const struct srcdef *def,
    struct ds_probe *ret, char *err, size_t errlen)
{
	pcap_t *p;
	int fd, r;

	if ((fd = pcapfile_open_file(def->interface, err, errlen)) < 0)
		return fd;
	r = pcapfile_start_pass(fd, def->interface, &p, err, errlen);
	if (r == 0)
		pcap_close(p);
	close(fd);
	if (r == 0)
		snprintf(ret->hardware, sizeof(ret->hardware), "pcapfile");
	return r;
}

static int
pcapfile_options(const struct srcdef *def, struct ds_open *ret, char *err,
    size_t errlen)
{
	bool realtime;
	uint64_t pps;

	if (srcdef_get_bool(def, "realtime", false, &realtime, err,
	    errlen) < 0 ||
	    srcdef_get_bool(def, "loop", false, &pf.loop, err, errlen) < 0 ||
	    srcdef_get_uint(def, "pps", 0, PPS_MAX, &pps, err, errlen) < 0 ||
	    srcdef_get_bool(def, "timestamp", pf.loop && realtime,
	    &pf.restamp, err, errlen) < 0)
		return -EINVAL;
	if (srcdef_get(def, "pps") != NULL && pps == 0) {
		snprintf(err, errlen, "option 'pps': must be at least 1");
		return -EINVAL;
	}
	if (realtime && pps > 0) {
		snprintf(err, errlen, "options 'realtime' and 'pps' exclude "
		    "each other");
		return -EINVAL;
	}
	ret->pace = realtime ? DS_PACE_REALTIME : pps > 0 ? DS_PACE_PPS :
	    DS_PACE_NONE;
	ret->pps = (double)pps;
	return 0;
}

static int
pcapfile_open(struct helper *h, const struct srcdef *def,
    struct ds_open *ret, char *err, size_t errlen)
{
	char why[256];
	int r;

	if (pcapfile_options(def, ret, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "pcapfile: %s: %s", def->interface, why);
		return -EINVAL;
	}
	if ((pf.fd = pcapfile_open_file(def->interface, err, errlen)) < 0)
		return pf.fd;
	if ((r = pcapfile_start_pass(pf.fd, def->interface, &pf.pcap, err,
	    errlen)) < 0) {
		close(pf.fd);
		pf.fd = -1;
		return r;
	}
	pf.path = def->interface;
	pf.dlt = (uint32_t)pcap_datalink(pf.pcap);
	pf.record = pf.total = pf.passes = 0;
	pf.anchor_wall = pf.anchor_ts = pf.prev_ts = pf.last_out = 0;
	ret->dlt = pf.dlt;
	ret->fd = -1;	/* a file: the framework paces it */
	snprintf(ret->hardware, sizeof(ret->hardware), "pcapfile");
	return 0;
}

static uint64_t
pcapfile_wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/*
 * The time a frame of capture time ts is replayed: the framework sends
 * it when as much time has passed since the pass began as the capture
 * says, so the wall clock at the first frame of a pass plus the capture
 * time since is its send time.  A new pass, timestamps that run back, or
 * a stall (the link was slow) start a new anchor; the result never runs
 * back.
 */
static uint64_t
pcapfile_restamp(uint64_t ts)
{
	uint64_t now = pcapfile_wall_us(), out;

	if (pf.record == 1 || ts < pf.prev_ts) {
		pf.anchor_wall = now;
		pf.anchor_ts = ts;
	}
	pf.prev_ts = ts;
	out = pf.anchor_wall + (ts - pf.anchor_ts);
	if (out + 1000000 < now) {
		pf.anchor_wall = out = now;
		pf.anchor_ts = ts;
	}
	if (out < pf.last_out)
		out = pf.last_out;
	pf.last_out = out;
	return out;
}

static enum ds_next
pcapfile_next(struct helper *h, struct ds_packet *ret)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	char err[512];
	uint64_t ts;
	int r;

	for (;;) {
		r = pcap_next_ex(pf.pcap, &hdr, &data);
		if (r == 1)
			break;
		if (r == PCAP_ERROR_BREAK) {
			/* An empty file would loop for ever: end it. */
			if (!pf.loop || pf.record == 0) {
				helper_end(h, "pcapfile: %s: end of file after "
				    "%llu packets", pf.path,
				    (unsigned long long)pf.total);
				return DS_NEXT_STOP;
			}
			pcap_close(pf.pcap);
			pf.pcap = NULL;
			if (pcapfile_start_pass(pf.fd, pf.path, &pf.pcap, err,
			    sizeof(err)) < 0) {
				helper_error(h, "%s", err);
				return DS_NEXT_STOP;
			}
			pf.record = 0;
			pf.passes++;
			continue;
		}
		helper_error(h, "pcapfile: %s: record %llu: %s", pf.path,
		    (unsigned long long)pf.record + 1, pcap_geterr(pf.pcap));
		return DS_NEXT_STOP;
	}
	pf.record++;
	pf.total++;
	ret->ts_sec = (uint64_t)hdr->ts.tv_sec;
	ret->ts_usec = (uint64_t)hdr->ts.tv_usec;
	if (pf.restamp) {
		ts = pcapfile_restamp(ret->ts_sec * 1000000 + ret->ts_usec);
		ret->ts_sec = ts / 1000000;
		ret->ts_usec = ts % 1000000;
	}
	ret->dlt = pf.dlt;
	ret->len = hdr->len;
	ret->caplen = hdr->caplen;
	ret->data = data;
	return DS_NEXT_PACKET;
}

static void
pcapfile_close(struct helper *h)
{
	if (pf.pcap != NULL)
		pcap_close(pf.pcap);
	pf.pcap = NULL;
	if (pf.fd >= 0)
		close(pf.fd);
	pf.fd = -1;
}

static const char *const pcapfile_options_list[] = {
	"realtime", "pps", "loop", NULL,
};

static const struct ds_ops pcapfile_ops = {
	.type = "pcapfile",
	.source_help = "the path of a pcap or pcapng file of 802.11 frames, "
	    "with options realtime=true, pps=N, loop=true, timestamp=BOOL",
	.options = pcapfile_options_list,
	.probe = pcapfile_probe,
	.list = NULL,
	.open = pcapfile_open,
	.start = NULL,
	.set_channel = NULL,
	.chanctl = NULL,
	.next = pcapfile_next,
	.close = pcapfile_close,
	/* A file needs no capability, before or after it is open. */
	.sandbox_role = SANDBOX_HELPER_PCAPFILE,
};

int
main(int argc, char **argv)
{
	return helper_main(argc, argv, &pcapfile_ops);
}
