/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's status, message, channel and datasource answers
 * to the web, as msgpack maps
 *
 * control.c receives the bridge messages and sends the replies; this
 * module only packs what they say.  It is apart from ctlsys.c because
 * what it packs is not only the bridge's: the datasource record is also
 * the kismetdb log's datasources table (kislog.c), and the status carries
 * figures only control.c keeps about its worker, handed in as a struct.
 */
#ifndef DAEMON_CTLSTAT_H
#define DAEMON_CTLSTAT_H

#include <stdint.h>

#include <msgpack.h>

struct control_deps;
struct datasource;
struct datasource_mgr;
struct msgbus;
struct pktstats;

/* What the bridge knows of its web worker, for /system/status. */
struct ctlstat_web {
	uint64_t	 packets_dropped; /* over CONTROL_PACKET_BACKLOG */
	uint64_t	 restarts;
	const char	*last_error;		/* why it last stopped, or "" */
	uint64_t	 last_error_sec;
};

/*
 * One datasource as the REST API shows it (doc/rest.md, Datasources), as
 * a msgpack map; with ps, its packet rate history too (the kismetdb log
 * has none, and passes NULL).
 */
void	ctlstat_pack_source(msgpack_packer *, const struct datasource *,
	    const struct pktstats *ps);

/* /system/status.json: the core's figures, its loop's and the log's. */
void	ctlstat_pack_status(const struct control_deps *,
	    const struct ctlstat_web *, msgpack_packer *);

/*
 * The message bus since (sec, usec), oldest first, with the time of the
 * answer (/messagebus/last-time/N/messages.json).
 */
void	ctlstat_pack_messages(const struct msgbus *, uint64_t sec,
	    uint64_t usec, msgpack_packer *);

/* Each source's channel, hopping and channel lists (the channels view). */
void	ctlstat_pack_channels(const struct datasource_mgr *, msgpack_packer *);

#endif
