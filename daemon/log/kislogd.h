/* SPDX-License-Identifier: ISC */
/*
 * \summary: the kismetdb writer, a process of its own
 *
 * The core runs one libevent loop under a seccomp filter that lets it
 * create files but never open one for reading, and it must never wait on
 * a disk.  So the kismetdb log is written by a small process the core
 * forks at start (after dropping its identity, before locking down), fed
 * over a socketpair (daemon/log/klmsg.h): it creates the file, inserts
 * rows in batched transactions, commits at least every commit interval,
 * ages out old rows, watches for the file being deleted, and answers
 * export requests from a second, read-only connection.  It locks itself
 * into its own seccomp role (SANDBOX_KISMETDB: files, no sockets, no
 * exec) before it reads a message.
 *
 * It ends when the core's end of the socket closes, however the core
 * ends (exit or SIGKILL): it commits what it holds, closes the file as a
 * single self-contained database, sends its last status and exits.
 * SIGINT, SIGTERM and SIGHUP are ignored (a terminal's ^C reaches the
 * whole process group; the core decides), SIGXFSZ too, so that a file
 * size limit is a write error, not death.
 */
#ifndef DAEMON_KISLOGD_H
#define DAEMON_KISLOGD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "kismetdb.h"

#define KISLOGD_RULES_MAX	64
#define KISLOGD_PATH_MAX	4096
/* pcapng an export hands out at a time (one bridge slice). */
#define KISLOGD_EXPORT_CHUNK	(256 * 1024)
/* Exports running at once; more are refused (503). */
#define KISLOGD_EXPORTS_MAX	4

/*
 * A MAC filter rule of kis_log_device_filter (phy,mac,pass|block) or
 * kis_log_packet_filter (phy,where,mac,pass|block).
 */
enum kislogd_where {
	KISLOGD_ANY = 0,	/* any address of the packet */
	KISLOGD_SOURCE,		/* the source address */
	KISLOGD_DEST,		/* the destination */
	KISLOGD_NETWORK,	/* the BSSID */
	KISLOGD_OTHER,		/* the transmitter */
};

struct kislogd_rule {
	char		 phy[24];	/* "IEEE802.11", "any" */
	uint8_t		 mac[6];
	uint8_t		 where;		/* enum kislogd_where (packets) */
	bool		 block;
};

struct kislogd_filter {
	bool		 block;		/* the default */
	size_t		 n;
	struct kislogd_rule rules[KISLOGD_RULES_MAX];
};

/* What the writer needs, filled by the core before the fork. */
struct kislogd_conf {
	/* Naming, as the pcapng log's (doc/core.md, "Packet log"). */
	char		 tmpl[KISLOGD_PATH_MAX];
	char		 prefix[KISLOGD_PATH_MAX];
	char		 title[256];
	char		 home[KISLOGD_PATH_MAX];
	time_t		 when;
	char		 creator[64];	/* KISMET.kismet_version */
	bool		 reopen;	/* on a write error, go on in a new
					   file (kis_log_reopen) */
	bool		 ephemeral;	/* kis_log_ephemeral_dangerous */
	uint32_t	 commit_ms;	/* longest a row waits uncommitted */
	int		 sync;		/* enum kismetdb_sync (kis_log_sync) */
	/* kis_log_*_timeout: seconds; 0 keeps rows for ever. */
	uint32_t	 timeout[KISMETDB_TABLES];
	struct kislogd_filter devices;	/* kis_log_device_filter */
};

/*
 * Fork the writer with conf.  In the parent, returns 0 with the child's
 * pid and the parent's end of the socketpair (non-blocking, close on
 * exec); the child never returns.  The child answers KLMSG_OPENED first.
 */
int	 kislogd_start(const struct kislogd_conf *conf, pid_t *ret_pid,
	    int *ret_fd);

/*
 * The writer's loop on fd, exported for tests that run it in a process
 * of their own without forking from a core: open the file, serve fd
 * until it closes, return the exit status.  sandbox says whether to lock
 * down.
 */
int	 kislogd_main(const struct kislogd_conf *conf, int fd, bool sandbox);

/*
 * What rule set f says of address mac, seen as where, of phy: 1 block,
 * 0 pass, -1 no rule names it (the caller applies f->block).  The first
 * rule naming that phy (or "any"), that MAC and that where (or any)
 * decides.
 */
int	 kislogd_filter_match(const struct kislogd_filter *f,
	    const char *phy, const uint8_t mac[6], enum kislogd_where where);

#endif
