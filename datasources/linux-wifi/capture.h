/* SPDX-License-Identifier: ISC */
/*
 * \summary: libpcap capture on a monitor interface, radiotap link type
 *
 * The helper reads frames as the kernel gives them and forwards them raw:
 * it never looks inside (doc/style.md, "Privilege").  The ring buffer is
 * sized once at open and never grows; when the helper falls behind the
 * kernel drops, and pcap_stats() counts it.  Immediate mode delivers each
 * frame as it arrives, so channel hops and captured frames stay in step.
 */
#ifndef LINUX_WIFI_CAPTURE_H
#define LINUX_WIFI_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;

#define CAPTURE_ERR_MAX		320
/*
 * libpcap's TPACKET_V2 ring slots are the snapshot length plus about 70
 * bytes of headers, rounded to 16; 4000 keeps a slot inside 4 KiB, so the
 * 512 KiB ring holds 128 frames: 60 ms of a busy channel's 2000 frames a
 * second while the helper is busy elsewhere.  The ring is mapped into the
 * helper and counts fully in its resident memory (under 5 MiB in all,
 * doc/linux-wifi.md).  Longer frames (A-MSDUs) arrive cut to this length,
 * with their full length reported.
 */
#define CAPTURE_SNAPLEN		4000
#define CAPTURE_BUFFER		(512 * 1024)

/* One captured frame: valid only during the callback. */
struct capture_frame {
	uint64_t	 ts_sec, ts_usec;
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 len;		/* length on the air */
	uint32_t	 dlt;
	const uint8_t	*data;
};

typedef void (*capture_frame_fn)(const struct capture_frame *, void *arg);

struct capture_stats {
	uint64_t	 received;	/* frames the kernel passed to us */
	uint64_t	 dropped;	/* frames the kernel dropped: ring full */
	uint64_t	 if_dropped;	/* frames the interface dropped */
};

/*
 * Open interface ifname: snapshot snaplen, a ring of bufsize bytes,
 * immediate mode, non-blocking, link type radiotap (127).  Returns 0 and
 * a capture the caller frees with capture_close(), or -errno with a
 * one-line reason in err: -EPROTONOSUPPORT when the interface does not
 * offer radiotap (not in monitor mode), -ENODEV, -EPERM (no CAP_NET_RAW).
 */
int	capture_open(const char *ifname, int snaplen, int bufsize,
	    struct capture **ret, char *err, size_t errlen);
void	capture_close(struct capture *);

/*
 * Keep only frames matching a pcap filter expression, checked in the
 * kernel (filter_mgmt= uses CAPTURE_FILTER_MGMT).  Call after open and
 * before the sandbox.  0, or -EINVAL with the reason in err.
 */
int	capture_set_filter(struct capture *, const char *expr, char *err,
	    size_t errlen);

/* Management frames only: beacons, probes, (re)associations, actions. */
#define CAPTURE_FILTER_MGMT	"type mgt"

/* The descriptor to poll for POLLIN. */
int	capture_fd(const struct capture *);

/* The link type frames arrive with (127). */
uint32_t capture_dlt(const struct capture *);

/*
 * Hand at most max waiting frames to fn, without blocking.  Returns the
 * number handed (0 when none waited), or -ENETDOWN when the interface
 * went down or away, -EIO on another error, with the reason in
 * capture_error().
 */
int	capture_read(struct capture *, int max, capture_frame_fn fn,
	    void *arg);

/*
 * The next waiting frame, without blocking, for a framework that pulls
 * one frame at a time.  Returns 1 with *ret set (its data valid until the
 * next call or capture_close), 0 when none waits, or -ENETDOWN/-EIO as
 * capture_read().
 */
int	capture_next(struct capture *, struct capture_frame *ret);

/*
 * Kernel counters since open, widened to 64 bits (pcap's wrap at 2^32):
 * call at least once per 2^32 frames.  0 or -EIO.
 */
int	capture_stats(struct capture *, struct capture_stats *ret);

/* Why the last call failed. */
const char *capture_error(const struct capture *);

#endif
