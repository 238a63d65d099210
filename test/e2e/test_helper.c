/* SPDX-License-Identifier: ISC */
/*
 * \summary: a capture helper for tests that misbehaves on command
 *
 * A real process that speaks the datasource protocol through libproto,
 * as osprey_cap_* do, installed under a helper's name (a symlink called
 * osprey_cap_pcapfile or osprey_cap_linux_wifi: argv[0] says which type
 * it plays).  It makes its own frames, so tests need no capture file.
 * The source definition steers it:
 *
 *   fake...:           the interface must start with "fake"
 *   accept=TYPE        probe: accept only as TYPE (default pcapfile)
 *   packets=N          frames to send, then an INFO "end of file" (0:
 *                      endless)
 *   interval_ms=M      pause between frames (default none)
 *   mode=MODE          after=K frames: die (SIGKILL itself), hang (stop
 *                      reading and answering), garbage (write junk),
 *                      exit (exit 0 silently), error (KDSERRORREPORT),
 *                      sandbox (enter the file helper's real seccomp
 *                      filter, then make a call it forbids: socket(2);
 *                      exit 3 in a build without seccomp)
 *   dlt=N              link type (127 radiotap by default, or 105)
 *   supported=a,b,c    channels it claims, hopping over them at open
 *   refuse=CH          refuse to tune CH
 *   fail_open=TEXT     refuse to open with TEXT
 *   drops=N            warn "N frames dropped", as the framework does
 *
 * It refuses to open if it inherited any descriptor besides 0, 1, 2, its
 * socket and the launcher's sandbox report pipe (4), so the descriptor
 * hygiene of the core and its launcher is tested too.  Remote mode:
 * --connect HOST:PORT --source=DEF, announcing DEF with uuid= from DEF.
 */

#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "msg.h"
#include "sandbox.h"
#include "srcdef.h"

static int fd = -1;
static uint32_t seq;
static const char *mytype = "pcapfile";
static struct frame_decoder dec;
static struct msg_arena arena;

static void
die(const char *why)
{
	fprintf(stderr, "test_helper[%ld]: %s\n", (long)getpid(), why);
	exit(2);
}

static void
send_msg(struct msg *m)
{
	static uint8_t buf[FRAME_HDR_LEN + FRAME_CONTROL_PAYLOAD];
	ssize_t n, off = 0, w;

	m->seqno = frame_next_seqno(&seq);
	if ((n = msg_encode(m, buf, sizeof(buf))) < 0)
		die(proto_strerror((int)n));
	while (off < n) {
		w = write(fd, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			exit(0);	/* the core has gone */
		off += w;
	}
}

static void
send_text(enum msg_level level, const char *text)
{
	struct msg m = { .type = MSG_MESSAGE };

	m.u.message.level = level;
	m.u.message.text = text;
	send_msg(&m);
}

/* Any descriptor open besides 0, 1, 2, ours and the report pipe leaks. */
static int
leaked_fd(void)
{
	struct dirent *e;
	DIR *d;
	int n, found = -1;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n = atoi(e->d_name);
		if (n > 2 && n != fd && n != 4 && n != dirfd(d))
			found = n;
	}
	closedir(d);
	return found;
}

struct plan {
	struct srcdef	 def;
	unsigned long	 packets, after, interval_ms, sent;
	const char	*mode;
	uint32_t	 dlt;
	bool		 running, hung;
};

static unsigned long
opt_ul(const struct srcdef *d, const char *k, unsigned long dflt)
{
	const char *v = srcdef_get(d, k);

	return v != NULL ? strtoul(v, NULL, 10) : dflt;
}

static void
on_open(struct plan *p, const struct msg *in)
{
	struct msg m = { .type = MSG_OPENSOURCEREPORT };
	struct msg_open_report *r = &m.u.open_report;
	char err[256], buf[1024], *list[64], leak[64];
	const char *v;
	int n = 0, l;

	if (srcdef_parse(in->u.definition, &p->def, err, sizeof(err)) < 0)
		die(err);
	r->result.seqno = in->seqno;
	r->result.success = true;
	if ((l = leaked_fd()) >= 0) {
		snprintf(leak, sizeof(leak), "leaked fd %d", l);
		r->result.success = false;
		r->message = (struct msg_text){ MSG_LEVEL_ERROR, leak };
	} else if ((v = srcdef_get(&p->def, "fail_open")) != NULL) {
		r->result.success = false;
		r->message = (struct msg_text){ MSG_LEVEL_ERROR, v };
	}
	p->packets = opt_ul(&p->def, "packets", 0);
	p->after = opt_ul(&p->def, "after", 0);
	p->interval_ms = opt_ul(&p->def, "interval_ms", 0);
	p->mode = srcdef_get(&p->def, "mode");
	p->dlt = (uint32_t)opt_ul(&p->def, "dlt", 127);
	r->has_dlt = true;
	r->dlt = p->dlt;
	r->capture_interface = "fake0mon";
	r->hardware = "osprey-test";
	if ((v = srcdef_get(&p->def, "supported")) != NULL &&
	    (n = srcdef_split_list(v, buf, sizeof(buf), list, 64)) > 0) {
		r->has_channels = true;
		r->channels.list = (const char **)list;
		r->channels.count = (size_t)n;
		r->channel = list[0];
		r->has_hop = true;
		r->hop.channels = r->channels;
		r->hop.has_rate = true;
		r->hop.rate = 5.0;
	}
	send_msg(&m);
	if (!r->result.success)
		exit(0);
	p->running = true;
	if ((v = srcdef_get(&p->def, "drops")) != NULL) {
		struct msg w = { .type = MSG_WARNINGREPORT };

		snprintf(buf, sizeof(buf), "fake: %s frames dropped since the "
		    "start: the server is not reading fast enough", v);
		w.u.warning = buf;
		send_msg(&w);
	}
}

static void
on_configure(struct plan *p, const struct msg *in)
{
	struct msg m = { .type = MSG_CONFIGUREREPORT };
	struct msg_configure_report *r = &m.u.configure_report;
	const char *refuse = srcdef_get(&p->def, "refuse");
	char canon[32];

	r->result.seqno = in->seqno;
	r->result.success = true;
	if (in->u.configure.channel != NULL) {
		if (refuse != NULL &&
		    strcasecmp(refuse, in->u.configure.channel) == 0) {
			r->result.success = false;
			r->message = (struct msg_text){ MSG_LEVEL_ERROR,
			    "cannot tune that channel" };
		} else {
			/* Report the canonical form, as a real helper does. */
			snprintf(canon, sizeof(canon), "%s%s",
			    in->u.configure.channel,
			    strspn(in->u.configure.channel, "0123456789") ==
			    strlen(in->u.configure.channel) ? "HT20" : "");
			r->channel = canon;
		}
	} else if (in->u.configure.has_hop) {
		r->has_hop = true;
		r->hop = in->u.configure.hop;
	}
	send_msg(&m);
}

/* Frame i: radiotap (8 bytes, no fields) when dlt 127, then 802.11. */
static void
send_packet(struct plan *p)
{
	struct msg m = { .type = MSG_DATAREPORT };
	struct msg_packet *k = &m.u.data_report.packet;
	uint8_t frame[8 + 24 + 256];
	size_t len = 0, body, i;
	unsigned long n = p->sent;

	if (p->dlt == 127) {
		memcpy(frame, "\0\0\x08\0\0\0\0\0", 8);
		len = 8;
	}
	/* A beacon from 02:00:00:00:00:xx with sequence number n. */
	memcpy(frame + len, "\x80\0\0\0\xff\xff\xff\xff\xff\xff"
	    "\x02\0\0\0\0\0\x02\0\0\0\0\0", 22);
	frame[len + 15] = frame[len + 21] = (uint8_t)(n & 0xff);
	frame[len + 22] = (uint8_t)(n << 4);
	frame[len + 23] = (uint8_t)(n >> 4);
	len += 24;
	body = n % 200;
	for (i = 0; i < body; i++)
		frame[len + i] = (uint8_t)(n + i);
	len += body;
	m.u.data_report.has_packet = true;
	k->ts_sec = 1700000000 + n / 1000;
	k->ts_usec = (n % 1000) * 1000 + 7;
	k->dlt = p->dlt;
	k->size = len;
	k->data = frame;
	k->caplen = len;
	send_msg(&m);
	p->sent++;
}

static void
misbehave(struct plan *p)
{
	static const uint8_t junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

	if (strcmp(p->mode, "die") == 0)
		kill(getpid(), SIGKILL);
	else if (strcmp(p->mode, "hang") == 0)
		p->hung = true;
	else if (strcmp(p->mode, "garbage") == 0) {
		if (write(fd, junk, sizeof(junk)) < 0)
			exit(0);
		p->mode = "done";
	} else if (strcmp(p->mode, "exit") == 0)
		exit(0);
	else if (strcmp(p->mode, "sandbox") == 0) {
		if (strcmp(sandbox_kind(), "seccomp") != 0 ||
		    sandbox_enter(SANDBOX_HELPER_PCAPFILE,
		    SANDBOX_AFTER_OPEN) < 0)
			exit(3);
		/* Killed by SIGSYS here; the report pipe (4) names it. */
		(void)socket(AF_INET, SOCK_DGRAM, 0);
		exit(4);
	}
	else if (strcmp(p->mode, "error") == 0) {
		struct msg m = { .type = MSG_ERRORREPORT };

		m.u.error_report.message = (struct msg_text){ MSG_LEVEL_ERROR,
		    "radio vanished" };
		send_msg(&m);
		p->mode = "done";
	}
}

static void
on_probe(const struct msg *in)
{
	struct msg m = { .type = MSG_PROBESOURCEREPORT };
	struct srcdef d;
	const char *want;
	char err[256];

	m.u.probe_report.result.seqno = in->seqno;
	if (srcdef_parse(in->u.definition, &d, err, sizeof(err)) == 0) {
		want = srcdef_get(&d, "accept");
		m.u.probe_report.result.success =
		    strncmp(d.interface, "fake", 4) == 0 &&
		    strcmp(want != NULL ? want : "pcapfile", mytype) == 0;
		srcdef_free(&d);
	}
	send_msg(&m);
	exit(0);	/* probe helpers leave after answering */
}

static void
handle(struct plan *p, const struct msg *m)
{
	struct msg r = { .type = MSG_PONG };

	switch (m->type) {
	case MSG_PING:
		r.u.pong_seqno = m->seqno;
		send_msg(&r);
		break;
	case MSG_PROBESOURCE:
		on_probe(m);
		break;
	case MSG_OPENSOURCE:
		on_open(p, m);
		break;
	case MSG_CONFIGURE:
		on_configure(p, m);
		break;
	case MSG_CLOSEDATASOURCE:
	case MSG_SHUTDOWN:
		exit(0);
	default:
		break;
	}
}

static void
read_input(struct plan *p)
{
	struct frame f;
	struct msg m;
	uint8_t *space;
	size_t len;
	ssize_t n;
	int r;

	space = frame_decoder_space(&dec, &len);
	if ((n = read(fd, space, len)) <= 0)
		exit(0);
	frame_decoder_commit(&dec, (size_t)n);
	while ((r = frame_decoder_next(&dec, &f)) == 1) {
		if (msg_decode(&f, &arena, &m) < 0)
			die("undecodable message from the core");
		handle(p, &m);
		msg_clear(&m);
	}
	if (r < 0)
		die(proto_strerror(r));
}

static void
dial(const char *hostport, const char *def)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	struct msg m = { .type = MSG_NEWSOURCE };
	struct srcdef d;
	char host[256], err[256], *colon;
	const char *uuid;

	snprintf(host, sizeof(host), "%s", hostport);
	if ((colon = strrchr(host, ':')) == NULL)
		die("--connect HOST:PORT");
	*colon = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		die("cannot resolve");
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) < 0)
		die("cannot connect");
	freeaddrinfo(res);
	if (srcdef_parse(def, &d, err, sizeof(err)) < 0)
		die(err);
	uuid = srcdef_get(&d, "uuid");
	m.u.new_source.definition = def;
	m.u.new_source.sourcetype = mytype;
	m.u.new_source.uuid = uuid != NULL ? uuid :
	    "5e1f0000-0000-4000-8000-000000000001";
	send_msg(&m);
	srcdef_free(&d);
}

int
main(int argc, char **argv)
{
	struct plan p = { .mode = "none" };
	struct pollfd pfd;
	const char *base, *connect_to = NULL, *source = NULL;
	struct timespec nap;
	int i, timeout, hung_secs = 0;

	base = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	if (strcmp(base, "osprey_cap_linux_wifi") == 0)
		mytype = "linuxwifi";
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--in-fd=", 8) == 0)
			fd = atoi(argv[i] + 8);
		else if (strncmp(argv[i], "--connect=", 10) == 0)
			connect_to = argv[i] + 10;
		else if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc)
			connect_to = argv[++i];
		else if (strncmp(argv[i], "--source=", 9) == 0)
			source = argv[i] + 9;
	}
	if (frame_decoder_init(&dec, FRAME_CONTROL_PAYLOAD) < 0 ||
	    msg_arena_init(&arena, FRAME_CONTROL_PAYLOAD) < 0)
		die("out of memory");
	if (connect_to != NULL) {
		if (source == NULL)
			die("--connect needs --source");
		dial(connect_to, source);
	}
	if (fd < 0)
		die("usage: --in-fd=N --out-fd=N | --connect H:P --source=D");
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		if (p.hung) {
			/*
			 * Alive, but deaf and mute: a signal ends it, or 30 s,
			 * so that a test gone wrong leaves nothing behind.
			 */
			nap.tv_sec = 1;
			nap.tv_nsec = 0;
			nanosleep(&nap, NULL);
			if (++hung_secs >= 30)
				exit(0);
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		timeout = -1;
		if (p.running && (p.packets == 0 || p.sent < p.packets))
			timeout = (int)p.interval_ms;
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			die("poll");
		if (pfd.revents != 0)
			read_input(&p);
		if (!p.running || p.hung)
			continue;
		if (p.packets != 0 && p.sent >= p.packets)
			continue;
		send_packet(&p);
		if (p.after != 0 && p.sent == p.after)
			misbehave(&p);
		if (p.packets != 0 && p.sent == p.packets)
			send_text(MSG_LEVEL_INFO, "fake: end of file reached");
	}
}
