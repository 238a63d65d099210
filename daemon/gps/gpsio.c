/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_gps, the GPS helper: opens gpsd or a receiver for the core
 *
 * The core is locked down after start: it may not open a socket or a
 * device.  So each gpsd, NMEA-over-TCP or serial GPS gets this small
 * helper, started through the launcher with its end of a socketpair as
 * the IPC descriptor.  It reads one request line from the core,
 *
 *     gpsd<TAB>HOST<TAB>PORT        tcp<TAB>HOST<TAB>PORT
 *     serial<TAB>DEVICE<TAB>BAUD
 *
 * opens what it names (for gpsd it also asks for JSON reports with
 * ?WATCH), drops every capability, enters its sandbox (read, write and
 * poll on what it holds), answers "OK <what>" or "ERR <why>" on one line,
 * and then copies the bytes it reads to the core unchanged until either
 * side ends.  It parses nothing: the core does (daemon/gps/).  When the
 * receiver goes away it exits, and the core starts a new one later
 * (doc/gps.md): reopening needs no rights after the lock-down.
 *
 * Exit status: 0 the core went away, 1 could not open, 2 the other end
 * closed or failed.
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "osprey_config.h"
#include "sandbox.h"

#define GPSIO_REQ_MAX		4096
#define GPSIO_REQ_WAIT_MS	10000
#define GPSIO_CONNECT_MS	5000
#define GPSIO_BUF		8192

static const char gpsd_watch[] = "?WATCH={\"enable\":true,\"json\":true};\n";

static const struct {
	unsigned	 baud;
	speed_t		 speed;
} gpsio_bauds[] = {
	{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
	{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
	{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
	{ 921600, B921600 },
};

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
say(int ipc, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)write_all(ipc, line, (size_t)n);
}

/* One line from the core, at most GPSIO_REQ_MAX bytes, within a while. */
static int
read_request(int ipc, char *buf, size_t len)
{
	struct pollfd pfd = { .fd = ipc, .events = POLLIN };
	size_t off = 0;
	ssize_t n;

	while (off < len - 1) {
		if (poll(&pfd, 1, GPSIO_REQ_WAIT_MS) <= 0)
			return -ETIMEDOUT;
		if ((n = read(ipc, buf + off, 1)) <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		if (buf[off] == '\n') {
			buf[off] = '\0';
			return 0;
		}
		off++;
	}
	return -EMSGSIZE;
}

static int
connect_timeout(int fd, const struct sockaddr *sa, socklen_t salen)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t elen = sizeof(int);
	int err = 0;

	if (connect(fd, sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	if (poll(&pfd, 1, GPSIO_CONNECT_MS) <= 0)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		return -errno;
	return -err;
}

static int
open_tcp(const char *host, const char *port, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc = -ENOENT, g;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((g = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
		    gai_strerror(g));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			rc = -errno;
			continue;
		}
		if ((rc = connect_timeout(fd, ai->ai_addr,
		    ai->ai_addrlen)) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "cannot connect to %s port %s: %s",
		    host, port, strerror(-rc));
	return fd;
}

static int
open_serial(const char *dev, unsigned baud, char *err, size_t errlen)
{
	struct termios t;
	speed_t sp = 0;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(gpsio_bauds) / sizeof(gpsio_bauds[0]); i++)
		if (gpsio_bauds[i].baud == baud)
			sp = gpsio_bauds[i].speed;
	if (sp == 0) {
		snprintf(err, errlen, "baud %u is not a serial speed", baud);
		return -1;
	}
	/* Read only: a receiver is only listened to. */
	if ((fd = open(dev, O_RDONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", dev,
		    strerror(errno));
		return -1;
	}
	/* A tty gets raw mode at the speed asked; a file or a FIFO (tests,
	 * a recorded log) is read as it is. */
	if (isatty(fd)) {
		if (tcgetattr(fd, &t) < 0) {
			snprintf(err, errlen, "%s: %s", dev, strerror(errno));
			close(fd);
			return -1;
		}
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		(void)cfsetispeed(&t, sp);
		(void)cfsetospeed(&t, sp);
		if (tcsetattr(fd, TCSANOW, &t) < 0) {
			snprintf(err, errlen, "%s: cannot set %u baud: %s",
			    dev, baud, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Parse the request and open what it names; the descriptor or -1. */
static int
open_request(char *req, bool *is_gpsd, char *what, size_t whatlen,
    char *err, size_t errlen)
{
	char *type, *a, *b, *end;
	unsigned long n;
	int fd;

	type = strsep(&req, "\t");
	a = strsep(&req, "\t");
	b = strsep(&req, "\t");
	if (type == NULL || a == NULL || b == NULL || req != NULL ||
	    *a == '\0' || *b == '\0') {
		snprintf(err, errlen, "malformed request");
		return -1;
	}
	*is_gpsd = strcmp(type, "gpsd") == 0;
	if (*is_gpsd || strcmp(type, "tcp") == 0) {
		if ((fd = open_tcp(a, b, err, errlen)) < 0)
			return -1;
		snprintf(what, whatlen, "connected to %s port %s", a, b);
		if (*is_gpsd && write_all(fd, gpsd_watch,
		    sizeof(gpsd_watch) - 1) < 0) {
			snprintf(err, errlen, "%s port %s: cannot ask for "
			    "reports: %s", a, b, strerror(errno));
			close(fd);
			return -1;
		}
		return fd;
	}
	if (strcmp(type, "serial") == 0) {
		errno = 0;
		n = strtoul(b, &end, 10);
		if (errno != 0 || *end != '\0' || n > 4000000) {
			snprintf(err, errlen, "bad baud '%s'", b);
			return -1;
		}
		if ((fd = open_serial(a, (unsigned)n, err, errlen)) < 0)
			return -1;
		snprintf(what, whatlen, "opened %s at %lu baud", a, n);
		return fd;
	}
	snprintf(err, errlen, "unknown GPS type '%s'", type);
	return -1;
}

/* Copy src to ipc until one ends; the exit status. */
static int
pump(int src, int ipc)
{
	struct pollfd pfd[2];
	char buf[GPSIO_BUF];
	ssize_t n;

	pfd[0].fd = src;
	pfd[0].events = POLLIN;
	pfd[1].fd = ipc;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 2;
		}
		/* The core went away, or sent something it should not. */
		if (pfd[1].revents != 0)
			return 0;
		if (pfd[0].revents == 0)
			continue;
		n = read(src, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			log_info("source %s", n == 0 ? "closed" :
			    strerror(errno));
			return 2;
		}
		if (write_all(ipc, buf, (size_t)n) < 0)
			return 0;
	}
}

int
main(int argc, char **argv)
{
	char req[GPSIO_REQ_MAX], what[512], err[512];
	bool is_gpsd = false;
	int ipc = 3, i, fd, r;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--ipc-fd=", 9) == 0)
			ipc = atoi(argv[i] + 9);
		else if (strcmp(argv[i], "--version") == 0) {
			printf("osprey_gps %s\n", OSPREY_VERSION);
			return 0;
		} else {
			bool help = strcmp(argv[i], "--help") == 0;

			fprintf(help ? stdout : stderr,
			    "usage: osprey_gps --ipc-fd=N\n"
			    "  --ipc-fd=N    the socket to the core (osprey "
			    "runs this program)\n"
			    "  --version, --help\n");
			return help ? 0 : 1;
		}
	}
	log_init("osprey_gps", LOG_LEVEL_INFO);
	sandbox_announce();
	if (ipc < 0 || fcntl(ipc, F_GETFD) < 0)
		fatalx("--ipc-fd=%d is not open", ipc);
	if ((r = read_request(ipc, req, sizeof(req))) < 0)
		fatalx("no request from the core: %s", strerror(-r));
	if ((fd = open_request(req, &is_gpsd, what, sizeof(what), err,
	    sizeof(err))) < 0) {
		say(ipc, "ERR %s", err);
		return 1;
	}
	if ((r = caps_clear()) < 0 ||
	    (r = sandbox_enter(SANDBOX_HELPER_GPS, SANDBOX_AFTER_OPEN)) < 0) {
		say(ipc, "ERR cannot lock down: %s", strerror(-r));
		return 1;
	}
	say(ipc, "OK %s", what);
	return pump(fd, ipc);
}
