/* SPDX-License-Identifier: ISC */
/*
 * \summary: a capture helper that reads as Kismet's do: one frame per recv
 *
 * Kismet's capture helpers read what one recv() returns into a buffer
 * and handle at most one frame of it; the rest waits for the next recv,
 * which comes only when more bytes arrive.  So a server that sends two
 * frames in one write (a PING with the open command) leaves a frame
 * behind, and every later command lags one frame (one ping interval,
 * 5 s).  This helper does exactly that, through osprey's own proto/, and
 * logs every recv so that a test can see what arrived together:
 *
 *   onerecv[PID] MS recv BYTES complete=K cmd=CMD seqno=N
 *   onerecv[PID] MS sent CMD seqno=N
 *
 * K is how many whole frames the buffer held after the recv, CMD the
 * one handled (or -); MS is CLOCK_MONOTONIC in milliseconds.
 *
 * It plays a radio with channels 1, 6 and 11: probe, open, configure
 * (lock or hop) and ping are answered, close and shutdown end it.
 * Local: --in-fd=N --out-fd=N (the core's launcher runs it under a
 * helper's name, passing it stderr); remote: --connect HOST:PORT
 * --source=DEF.  The log goes to stderr.
 */

#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "msg.h"
#include "srcdef.h"

#define BUF_SIZE	(FRAME_HDR_LEN + FRAME_CONTROL_PAYLOAD)

static int in_fd = -1, out_fd = -1;
static uint32_t seq;
static FILE *logfp;
static uint8_t buf[BUF_SIZE];
static size_t have;
static char channel[16] = "6";
static char uuid[SRCDEF_UUID_LEN] = "";

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One line of the log, prefixed with who and when. */
static void
logline(const char *fmt, ...)
{
	va_list ap;

	fprintf(logfp, "onerecv[%ld] %.3f ", (long)getpid(), now_ms());
	va_start(ap, fmt);
	vfprintf(logfp, fmt, ap);
	va_end(ap);
	fputc('\n', logfp);
	fflush(logfp);
}

static void
die(const char *why)
{
	logline("fatal %s", why);
	exit(2);
}

static void
send_msg(struct msg *m)
{
	static uint8_t out[BUF_SIZE];
	ssize_t n, off = 0, w;

	m->seqno = frame_next_seqno(&seq);
	if ((n = msg_encode(m, out, sizeof(out))) < 0)
		die(proto_strerror((int)n));
	while (off < n) {
		w = write(out_fd, out + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			exit(0);	/* the server has gone */
		off += w;
	}
	logline("sent %s seqno=%u", msgtype_command(m->type), m->seqno);
}

static const char *chans[] = { "1", "6", "11" };

static void
answer(const struct msg *m)
{
	struct msg r;
	struct srcdef d;
	char err[256];
	const char *v;

	memset(&r, 0, sizeof(r));
	switch (m->type) {
	case MSG_PING:
		r.type = MSG_PONG;
		r.u.pong_seqno = m->seqno;
		break;
	case MSG_PROBESOURCE:
		r.type = MSG_PROBESOURCEREPORT;
		r.u.probe_report.result.success = true;
		r.u.probe_report.result.seqno = m->seqno;
		r.u.probe_report.has_channels = true;
		r.u.probe_report.channels.list = chans;
		r.u.probe_report.channels.count = 3;
		r.u.probe_report.hardware = "onerecv";
		send_msg(&r);
		exit(0);	/* a local probe helper answers once */
	case MSG_OPENSOURCE:
		if (uuid[0] == '\0' && srcdef_parse(m->u.definition, &d, err,
		    sizeof(err)) == 0) {
			if ((v = srcdef_get(&d, "uuid")) != NULL)
				snprintf(uuid, sizeof(uuid), "%s", v);
			srcdef_free(&d);
		}
		r.type = MSG_OPENSOURCEREPORT;
		r.u.open_report.result.success = true;
		r.u.open_report.result.seqno = m->seqno;
		r.u.open_report.has_dlt = true;
		r.u.open_report.dlt = 127;
		r.u.open_report.has_channels = true;
		r.u.open_report.channels.list = chans;
		r.u.open_report.channels.count = 3;
		r.u.open_report.channel = channel;
		r.u.open_report.hardware = "onerecv";
		r.u.open_report.uuid = uuid[0] != '\0' ? uuid : NULL;
		break;
	case MSG_CONFIGURE:
		r.type = MSG_CONFIGUREREPORT;
		r.u.configure_report.result.success = true;
		r.u.configure_report.result.seqno = m->seqno;
		if (m->u.configure.channel != NULL) {
			snprintf(channel, sizeof(channel), "%s",
			    m->u.configure.channel);
			r.u.configure_report.channel = channel;
		} else if (m->u.configure.has_hop) {
			r.u.configure_report.has_hop = true;
			r.u.configure_report.hop = m->u.configure.hop;
		}
		break;
	case MSG_CLOSEDATASOURCE:
	case MSG_SHUTDOWN:
		logline("end %s", msgtype_command(m->type));
		exit(0);
	default:
		return;
	}
	send_msg(&r);
}

/* Count the whole frames held, without consuming them. */
static int
complete_frames(void)
{
	struct frame f;
	size_t off = 0, total;
	int n = 0, r;

	while ((r = frame_parse(buf + off, have - off, FRAME_CONTROL_PAYLOAD,
	    &f, &total)) == 1) {
		off += total;
		n++;
	}
	if (r < 0)
		die(proto_strerror(r));
	return n;
}

/* One recv, then at most one frame handled: Kismet's loop. */
static void
one_recv(void)
{
	static struct msg_arena arena;
	struct frame f;
	struct msg m;
	size_t total;
	ssize_t n;
	int k, r;

	if (arena.buf == NULL && msg_arena_init(&arena, BUF_SIZE) < 0)
		die("out of memory");
	if (have == sizeof(buf))
		die("buffer full");
	n = read(in_fd, buf + have, sizeof(buf) - have);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		logline("eof");
		exit(0);
	}
	have += (size_t)n;
	k = complete_frames();
	if (k == 0) {
		logline("recv %zd complete=0 cmd=- seqno=0", n);
		return;
	}
	r = frame_parse(buf, have, FRAME_CONTROL_PAYLOAD, &f, &total);
	if (r != 1 || msg_decode(&f, &arena, &m) < 0)
		die("undecodable frame");
	logline("recv %zd complete=%d cmd=%s seqno=%u", n, k,
	    msgtype_command(m.type), m.seqno);
	answer(&m);
	msg_clear(&m);
	memmove(buf, buf + total, have - total);
	have -= total;
}

static int
dial(const char *hostport)
{
	struct addrinfo hints, *res;
	char host[256];
	const char *colon = strrchr(hostport, ':');
	int fd;

	if (colon == NULL || (size_t)(colon - hostport) >= sizeof(host))
		die("--connect HOST:PORT");
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		die("cannot resolve");
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0)
		die("cannot connect");
	freeaddrinfo(res);
	return fd;
}

int
main(int argc, char **argv)
{
	const char *connect_to = NULL, *source = NULL;
	struct msg m;
	struct srcdef d;
	char err[256];
	int i;

	logfp = stderr;
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--in-fd=", 8) == 0)
			in_fd = atoi(argv[i] + 8);
		else if (strncmp(argv[i], "--out-fd=", 9) == 0)
			out_fd = atoi(argv[i] + 9);
		else if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc)
			connect_to = argv[++i];
		else if (strncmp(argv[i], "--source=", 9) == 0)
			source = argv[i] + 9;
	}
	logline("start");
	if (connect_to != NULL) {
		if (source == NULL || srcdef_parse(source, &d, err,
		    sizeof(err)) < 0 || srcdef_uuid(&d, "linuxwifi", uuid,
		    err, sizeof(err)) < 0)
			die("--source needs a definition with a uuid");
		srcdef_free(&d);
		in_fd = out_fd = dial(connect_to);
		memset(&m, 0, sizeof(m));
		m.type = MSG_NEWSOURCE;
		m.u.new_source.definition = source;
		m.u.new_source.sourcetype = "linuxwifi";
		m.u.new_source.uuid = uuid;
		send_msg(&m);
	}
	if (in_fd < 0 || out_fd < 0)
		die("usage: --in-fd=N --out-fd=N | --connect HOST:PORT "
		    "--source=DEF");
	for (;;)
		one_recv();
}
