/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz a source's helper link: any bytes a helper may send
 *
 * A source is attached to one end of a socketpair as a remote sensor
 * (no process needed); the input is written to the other end and the
 * event loop runs until the core has read it all.  The first byte picks
 * a mode: bit 0 sends a valid open report first, so the rest lands on a
 * running source (data, configure reports, text); bit 1 makes that
 * report announce channels, so channel control runs too; bit 2 keeps
 * the link open at the end instead of closing it.  Whatever comes, the
 * core must not crash, leak or read out of bounds, and the source must
 * end up in a state that makes sense.
 */

#include <sys/socket.h>

#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "datasource.h"
#include "msg.h"
#include "msgbus.h"
#include "packet.h"
#include "peer.h"
#include "proc.h"

#define UUID	"5e1f0000-0000-4000-8000-00000000f022"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static volatile uint8_t fuzz_sum;

static int
packet_cb(struct packet *p, struct datasource *ds, void *arg)
{
	/* Touch every byte, so ASan sees any bad length. */
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < p->caplen; i++)
		sum ^= p->data[i];
	fuzz_sum ^= sum;
	assert(p->caplen <= p->len);
	return 0;
}

static void
unused_dispatch(struct peer *p, const struct msg *m, int err, void *arg)
{
}

/* The open report for request seqno 2 (the core's ping was 1). */
static size_t
open_report(uint8_t *buf, size_t cap, bool channels)
{
	static const char *chans[] = { "1", "6", "11", "36" };
	struct msg m = { .type = MSG_OPENSOURCEREPORT, .seqno = 1 };
	struct msg_open_report *r = &m.u.open_report;
	ssize_t n;

	r->result.success = true;
	r->result.seqno = 2;
	r->has_dlt = true;
	r->dlt = 127;
	if (channels) {
		r->has_channels = true;
		r->channels.list = chans;
		r->channels.count = 4;
		r->channel = "1";
	}
	n = msg_encode(&m, buf, cap);
	assert(n > 0);
	return (size_t)n;
}

static void
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n <= 0)
			return;	/* the core hung up: fine */
		p += n;
		len -= (size_t)n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct datasource_policy pol = {
		.ping_ms = 5000, .pong_timeout_ms = 15000,
		.retry_min_ms = 1000, .retry_max_ms = 30000,
		.channel_hop = true, .hop_rate = 5.0, .split = true,
		.shuffle = true, .override_remote_ts = true,
	};
	struct event_base *base;
	struct proc *proc;
	struct datasource_mgr *mgr;
	struct datasource *ds;
	struct msgbus *bus;
	struct peer *peer;
	uint8_t first[512], mode;
	char reason[256];
	int sv[2], i;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	proc = proc_new(base);	/* no launcher: nothing is spawned */
	bus = msgbus_new(16);
	mgr = datasource_mgr_new(base, proc, bus, &pol, packet_cb, NULL,
	    NULL);
	assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	peer = peer_new(base, sv[0], FRAME_MAX_PAYLOAD, "fuzz",
	    unused_dispatch, NULL);
	assert(peer != NULL);
	assert(datasource_attach_remote(mgr, peer, "fuzz:name=f",
	    "pcapfile", UUID, reason, sizeof(reason)) == 0);
	ds = datasource_find_uuid(mgr, UUID);
	if (mode & 1)
		write_all(sv[1], first, open_report(first, sizeof(first),
		    (mode & 2) != 0));
	/*
	 * The socket buffer holds more than a fuzz input (64 KiB), so the
	 * whole input is written before the core reads.
	 */
	write_all(sv[1], data, size);
	if ((mode & 4) == 0)
		shutdown(sv[1], SHUT_WR);
	for (i = 0; i < 64 && ds->peer != NULL; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert(ds->state != DS_PROBING && ds->state != DS_RETRYING);
	if ((mode & 4) == 0)
		assert(ds->peer == NULL);
	if (ds->state == DS_ERROR)
		assert(ds->error_reason[0] != '\0');
	close(sv[1]);
	datasource_mgr_free(mgr);
	msgbus_free(bus);
	proc_free(proc);
	event_base_free(base);
	return 0;
}
