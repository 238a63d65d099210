/* SPDX-License-Identifier: ISC */
/* \summary: the TCP link of a remote capture helper (--connect) */

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "remote.h"

int
remote_resolve(struct remote *r, const char *host, const char *port,
    char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int e;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), strchr(host, ':') != NULL ?
	    "[%s]:%s" : "%s:%s", host, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", r->name, gai_strerror(e));
		return -EHOSTUNREACH;
	}
	for (ai = res; ai != NULL && r->n < REMOTE_MAX_ADDRS;
	    ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(r->addr[0]))
			continue;
		memcpy(&r->addr[r->n], ai->ai_addr, ai->ai_addrlen);
		r->addrlen[r->n] = ai->ai_addrlen;
		r->n++;
	}
	freeaddrinfo(res);
	if (r->n == 0) {
		snprintf(err, errlen, "%s: no usable address", r->name);
		return -EHOSTUNREACH;
	}
	return 0;
}

/* Connect one address without blocking longer than timeout_ms. */
static int
remote_connect_one(const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	struct pollfd pfd;
	socklen_t elen = sizeof(int);
	int fd, e = 0, one = 1, sndbuf = REMOTE_SNDBUF;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_TCP);
	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS) {
			e = -errno;
			close(fd);
			return e;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			e = poll(&pfd, 1, timeout_ms);
		while (e < 0 && errno == EINTR);
		if (e == 0) {
			close(fd);
			return -ETIMEDOUT;
		}
		if (e < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
		    &elen) < 0) {
			e = -errno;
			close(fd);
			return e;
		}
		if (e != 0) {
			close(fd);
			return -e;
		}
	}
	/* Frames are written whole; do not hold small replies back. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/*
	 * Frames in the helper's queue survive a broken link, frames in
	 * the kernel's send buffer do not: keep the kernel's share to what
	 * the link needs (256 KiB in flight is 1.3 MB/s at a 200 ms round
	 * trip) rather than let it grow to megabytes.
	 */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
}

int
remote_connect(const struct remote *r, int timeout_ms, char *err,
    size_t errlen)
{
	size_t i;
	int fd = -ECONNREFUSED;

	for (i = 0; i < r->n; i++) {
		fd = remote_connect_one((const struct sockaddr *)&r->addr[i],
		    r->addrlen[i], timeout_ms);
		if (fd >= 0)
			return fd;
	}
	snprintf(err, errlen, "%s: %s", r->name, strerror(-fd));
	return fd;
}
