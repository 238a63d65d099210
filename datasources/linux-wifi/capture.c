/* SPDX-License-Identifier: ISC */
/* \summary: libpcap capture on a monitor interface, radiotap link type */

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "log.h"

struct capture {
	pcap_t			*pcap;
	uint32_t		 dlt;
	capture_frame_fn	 fn;
	void			*arg;
	/* pcap_stats() counters are 32 bits: keep the last raw values. */
	uint32_t		 raw_recv, raw_drop, raw_ifdrop;
	struct capture_stats	 stats;
	char			 error[CAPTURE_ERR_MAX];
};

static int
capture_errno(int pcaperr)
{
	switch (pcaperr) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return -ENODEV;
	case PCAP_ERROR_PERM_DENIED:
		return -EPERM;
	case PCAP_ERROR_IFACE_NOT_UP:
		return -ENETDOWN;
	default:
		return -EIO;
	}
}

/* Radiotap, or a clear refusal: a non-monitor interface gives Ethernet. */
static int
capture_want_radiotap(struct capture *c, const char *ifname, char *err,
    size_t errlen)
{
	int *dlts = NULL, n, i, dlt = pcap_datalink(c->pcap);

	if (dlt == DLT_IEEE802_11_RADIO)
		return 0;
	if ((n = pcap_list_datalinks(c->pcap, &dlts)) > 0)
		for (i = 0; i < n; i++)
			if (dlts[i] == DLT_IEEE802_11_RADIO &&
			    pcap_set_datalink(c->pcap, DLT_IEEE802_11_RADIO) ==
			    0) {
				pcap_free_datalinks(dlts);
				return 0;
			}
	if (dlts != NULL)
		pcap_free_datalinks(dlts);
	snprintf(err, errlen, "%s gives link type %d (%s), not radiotap "
	    "(127): it is not in monitor mode", ifname, dlt,
	    pcap_datalink_val_to_name(dlt) != NULL ?
	    pcap_datalink_val_to_name(dlt) : "unknown");
	return -EPROTONOSUPPORT;
}

int
capture_open(const char *ifname, int snaplen, int bufsize,
    struct capture **ret, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	int r;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	ebuf[0] = '\0';
	if ((c->pcap = pcap_create(ifname, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", ifname, ebuf);
		free(c);
		return -EIO;
	}
	/*
	 * Monitor mode itself is the vif's type, set through nl80211:
	 * pcap_set_rfmon would need libpcap to do it with its own rules.
	 */
	if (pcap_set_snaplen(c->pcap, snaplen) != 0 ||
	    pcap_set_promisc(c->pcap, 0) != 0 ||
	    pcap_set_timeout(c->pcap, 100) != 0 ||
	    pcap_set_immediate_mode(c->pcap, 1) != 0 ||
	    pcap_set_buffer_size(c->pcap, bufsize) != 0) {
		snprintf(err, errlen, "%s: cannot set capture options",
		    ifname);
		r = -EIO;
		goto fail;
	}
	if ((r = pcap_activate(c->pcap)) < 0) {
		snprintf(err, errlen, "%s: %s", ifname,
		    r == PCAP_ERROR ? pcap_geterr(c->pcap) :
		    pcap_statustostr(r));
		r = capture_errno(r);
		goto fail;
	}
	if (r > 0)
		log_debug("capture: %s: %s", ifname, pcap_statustostr(r));
	if ((r = capture_want_radiotap(c, ifname, err, errlen)) < 0)
		goto fail;
	c->dlt = (uint32_t)pcap_datalink(c->pcap);
	if (pcap_setnonblock(c->pcap, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, ebuf);
		r = -EIO;
		goto fail;
	}
	*ret = c;
	return 0;
fail:
	pcap_close(c->pcap);
	free(c);
	return r;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->pcap);
	free(c);
}

int
capture_set_filter(struct capture *c, const char *expr, char *err,
    size_t errlen)
{
	struct bpf_program prog;

	/*
	 * libpcap compiles 802.11 primitives for the radiotap link type by
	 * stepping over the radiotap header: the helper still never reads
	 * a frame itself.
	 */
	if (pcap_compile(c->pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "filter '%s': %s", expr,
		    pcap_geterr(c->pcap));
		return -EINVAL;
	}
	if (pcap_setfilter(c->pcap, &prog) < 0) {
		snprintf(err, errlen, "filter '%s': %s", expr,
		    pcap_geterr(c->pcap));
		pcap_freecode(&prog);
		return -EINVAL;
	}
	pcap_freecode(&prog);
	return 0;
}

int
capture_fd(const struct capture *c)
{
	return pcap_get_selectable_fd(c->pcap);
}

uint32_t
capture_dlt(const struct capture *c)
{
	return c->dlt;
}

static void
capture_pcap_cb(u_char *user, const struct pcap_pkthdr *h,
    const u_char *data)
{
	struct capture *c = (struct capture *)user;
	struct capture_frame f;

	f.ts_sec = (uint64_t)h->ts.tv_sec;
	f.ts_usec = (uint64_t)h->ts.tv_usec;
	f.caplen = h->caplen;
	f.len = h->len;
	f.dlt = c->dlt;
	f.data = data;
	c->fn(&f, c->arg);
}

/* Keep libpcap's message and tell a vanished interface from the rest. */
static int
capture_failed(struct capture *c)
{
	snprintf(c->error, sizeof(c->error), "%s", pcap_geterr(c->pcap));
	/*
	 * libpcap reports ENETDOWN ("The interface went down") and ENODEV
	 * ("The interface disappeared") as PCAP_ERROR with a message only.
	 */
	if (strstr(c->error, "went down") != NULL ||
	    strstr(c->error, "disappeared") != NULL ||
	    strstr(c->error, "No such device") != NULL)
		return -ENETDOWN;
	return -EIO;
}

/*
 * An interface that goes down or away leaves ENETDOWN on the packet
 * socket.  libpcap in non-blocking mode would note it, check whether the
 * interface still exists with getsockname() (outside the sandbox's list:
 * the process would die of SIGSYS) and otherwise ask the caller's loop
 * for a timeout to be called again (pcap_get_required_select_timeout),
 * which a loop polling for POLLIN alone never gives.  So the error is
 * taken first, here: a poll() without waiting, and SO_ERROR when it
 * shows POLLERR.  Down or deleted, nothing more will arrive; the caller
 * can tell which from nl80211.
 */
static int
capture_sockerr(struct capture *c)
{
	struct pollfd pfd = { pcap_get_selectable_fd(c->pcap), 0, 0 };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&pfd, 1, 0) <= 0 || (pfd.revents & POLLERR) == 0)
		return 0;
	if (getsockopt(pfd.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == ENETDOWN) {
		snprintf(c->error, sizeof(c->error),
		    "The interface went down or was removed");
		return -ENETDOWN;
	}
	snprintf(c->error, sizeof(c->error), "packet socket: %s",
	    strerror(err));
	return -EIO;
}

/* libpcap noted ENETDOWN itself: a race with capture_sockerr(). */
static int
capture_netdown(struct capture *c)
{
	if (pcap_get_required_select_timeout(c->pcap) == NULL)
		return 0;
	snprintf(c->error, sizeof(c->error),
	    "The interface went down or was removed");
	return -ENETDOWN;
}

int
capture_read(struct capture *c, int max, capture_frame_fn fn, void *arg)
{
	int n;

	c->fn = fn;
	c->arg = arg;
	if ((n = capture_sockerr(c)) < 0)
		return n;
	n = pcap_dispatch(c->pcap, max, capture_pcap_cb, (u_char *)c);
	if (n == 0)
		return capture_netdown(c);
	return n >= 0 ? n : capture_failed(c);
}

int
capture_next(struct capture *c, struct capture_frame *ret)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	if ((r = capture_sockerr(c)) < 0)
		return r;
	r = pcap_next_ex(c->pcap, &h, &data);
	if (r == 0)
		return capture_netdown(c);
	if (r < 0)
		return capture_failed(c);
	ret->ts_sec = (uint64_t)h->ts.tv_sec;
	ret->ts_usec = (uint64_t)h->ts.tv_usec;
	ret->caplen = h->caplen;
	ret->len = h->len;
	ret->dlt = c->dlt;
	ret->data = data;
	return 1;
}

int
capture_stats(struct capture *c, struct capture_stats *ret)
{
	struct pcap_stat ps;

	if (pcap_stats(c->pcap, &ps) < 0) {
		snprintf(c->error, sizeof(c->error), "%s",
		    pcap_geterr(c->pcap));
		return -EIO;
	}
	c->stats.received += (uint32_t)(ps.ps_recv - c->raw_recv);
	c->stats.dropped += (uint32_t)(ps.ps_drop - c->raw_drop);
	c->stats.if_dropped += (uint32_t)(ps.ps_ifdrop - c->raw_ifdrop);
	c->raw_recv = ps.ps_recv;
	c->raw_drop = ps.ps_drop;
	c->raw_ifdrop = ps.ps_ifdrop;
	*ret = c->stats;
	return 0;
}

const char *
capture_error(const struct capture *c)
{
	return c->error;
}
