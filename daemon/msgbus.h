/* SPDX-License-Identifier: ISC */
/*
 * \summary: the message bus: a bounded ring of timestamped messages
 *
 * What the operator should see (a source opened, failed, retried, reached
 * the end of its file) is posted here with a time and a level, and the
 * web worker serves it as /messagebus/last-time/TS/messages.json.  The
 * ring holds a fixed number of messages: the oldest are overwritten, so
 * memory never grows with uptime.  Each message gets a sequence number
 * that only grows, so a reader can tell what it has already seen even
 * when several messages share a timestamp.
 */
#ifndef DAEMON_MSGBUS_H
#define DAEMON_MSGBUS_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

#define MSGBUS_TEXT_MAX		512	/* longer text is cut */
#define MSGBUS_DEFAULT_SIZE	500

/* Kismet's message flags, as the REST API reports them. */
enum msgbus_level {
	MSGBUS_DEBUG = 1,
	MSGBUS_INFO = 2,
	MSGBUS_ERROR = 4,
	MSGBUS_ALERT = 8,
	MSGBUS_FATAL = 16,
};

struct msgbus_msg {
	uint64_t		 seq;		/* from 1, never reused */
	uint64_t		 ts_sec, ts_usec;
	enum msgbus_level	 level;
	char			 text[MSGBUS_TEXT_MAX];
};

struct msgbus;

/* A ring of capacity messages (at least 1); free with msgbus_free(). */
struct msgbus	*msgbus_new(size_t capacity);
void		 msgbus_free(struct msgbus *);

/* Post at the current wall-clock time; returns the message's seq. */
uint64_t	 msgbus_post(struct msgbus *, enum msgbus_level,
		    const char *fmt, ...) OSPREY_PRINTF(3, 4);

/* Post with an explicit time (tests, replayed sources). */
uint64_t	 msgbus_post_at(struct msgbus *, uint64_t ts_sec,
		    uint64_t ts_usec, enum msgbus_level, const char *text);

/*
 * Call cb, oldest first, for every message still held whose time is
 * strictly after ts_sec.ts_usec; stops early when cb returns non-zero.
 * The message is valid only during the call.  Returns how many were
 * passed to cb.
 */
size_t		 msgbus_since(const struct msgbus *, uint64_t ts_sec,
		    uint64_t ts_usec,
		    int (*cb)(const struct msgbus_msg *, void *), void *arg);

/* Messages held now, and the seq of the newest (0 when empty). */
size_t		 msgbus_count(const struct msgbus *);
uint64_t	 msgbus_last_seq(const struct msgbus *);

/* "INFO", "ERROR", ... for a level. */
const char	*msgbus_level_name(enum msgbus_level);

#endif
