/* SPDX-License-Identifier: ISC */
/*
 * \summary: the TCP link of a remote capture helper (--connect)
 *
 * The server's address is resolved once and kept, so that reconnecting
 * after a lost link needs only socket() and connect(): no resolver files
 * to open once the helper has dropped privilege.
 */
#ifndef DATASOURCES_REMOTE_H
#define DATASOURCES_REMOTE_H

#include <sys/socket.h>

#include <stddef.h>

#define REMOTE_MAX_ADDRS	8
#define REMOTE_SNDBUF		(256 * 1024)	/* the kernel's share */

struct remote {
	struct sockaddr_storage	 addr[REMOTE_MAX_ADDRS];
	socklen_t		 addrlen[REMOTE_MAX_ADDRS];
	size_t			 n;
	char			 name[300];	/* "host:port" for messages */
};

/*
 * Resolve host and port (numeric or names) into *r.  0, or -EHOSTUNREACH
 * with the resolver's reason in err.
 */
int	remote_resolve(struct remote *r, const char *host, const char *port,
	    char *err, size_t errlen);

/*
 * Connect to the first address that answers within timeout_ms each.
 * Returns a non-blocking, close-on-exec TCP socket, or -errno with the
 * reason in err.
 */
int	remote_connect(const struct remote *r, int timeout_ms, char *err,
	    size_t errlen);

#endif
