/* SPDX-License-Identifier: ISC */
/*
 * \summary: the capture helper process: its context and the driver's calls
 *
 * Every capture helper's main() is one line:
 *
 *	return helper_main(argc, argv, &mydriver_ops);
 *
 * helper_main() parses the command line, sets up the link (descriptors
 * from the core, or a TCP connection with --connect), allocates every
 * buffer once, and runs a poll() loop: frames in from the server go to
 * the session (session.c), whose handlers call the driver's ds_ops;
 * frames out go through the fixed queue.  doc/helpers.md describes the
 * session states, the memory model and remote mode.
 *
 * Drivers use only the helper_* calls below; the struct is the process's
 * context, not an interface.
 */
#ifndef DATASOURCES_HELPER_H
#define DATASOURCES_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "ds_ops.h"
#include "frame.h"
#include "hop.h"
#include "log.h"
#include "msg.h"
#include "outq.h"
#include "remote.h"
#include "srcdef.h"

/*
 * Outbound frames.  512 KiB keeps a helper under 4 MiB of RSS with the
 * queue full, libpcap's libraries (about 2.8 MiB of file-backed pages)
 * included (doc/helpers.md, "Memory"); the kernel's socket buffers hold
 * the next few hundred KiB, outside the helper's memory.
 */
#define HELPER_QUEUE_SIZE	(512U * 1024)
#define HELPER_QUEUE_RESERVE	(64U * 1024)	/* kept free for texts */
#define HELPER_CTL_QUEUE_SIZE	(64U * 1024)	/* replies, the announce */
#define HELPER_ARENA_SIZE	(128U * 1024)	/* decoded requests */
#define HELPER_PING_TIMEOUT_MS	15000
#define HELPER_RETRY_MS		3000	/* between reconnect attempts */
#define HELPER_CONNECT_MS	5000	/* connect() timeout */
#define HELPER_TRIM_MS		1000	/* idle time before giving pages back */
#define HELPER_DROP_REPORT_MS	1000	/* at most one drop warning per s */

enum helper_state {
	HS_DOWN = 0,	/* remote: no link, reconnecting */
	HS_IDLE,	/* link up, no source opened on it yet */
	HS_OPEN,	/* source open on this link: frames flow */
	HS_CLOSING,	/* answered for good: exit once the queue is out */
};

struct helper_stats {
	uint64_t	 packets;	/* frames queued to the server */
	uint64_t	 bytes;		/* captured bytes of those frames */
	uint64_t	 dropped;	/* live frames that found no room */
	uint64_t	 dropped_told;	/* dropped, as last reported */
};

struct helper {
	const struct ds_ops	*ops;
	const char		*prog;
	struct cmdline		 cmd;

	/* The link: one or two descriptors, or a TCP socket when remote. */
	enum helper_state	 state;
	int			 in_fd, out_fd;
	struct remote		 remote;
	uint64_t		 retry_at;	/* ms, when HS_DOWN */
	uint64_t		 last_ping;	/* ms */
	int			 exit_status;	/* once HS_CLOSING */
	struct frame_decoder	 dec;
	struct msg_arena	 arena;
	struct outq		 q;		/* frames and texts, in order */
	struct outq		 cq;		/* replies: first, per link */
	uint64_t		 last_put;	/* ms, for the idle trim */
	uint32_t		 seqno;

	/* The source.  It outlives a lost remote link. */
	bool			 open;		/* the driver holds it */
	bool			 finished;	/* end of data or error */
	struct srcdef		 def;
	char			 definition[SRCDEF_MAX_LEN + 1];
	char			 uuid[SRCDEF_UUID_LEN];
	struct ds_open		 info;
	char			 end_text[512];	/* repeated on reconnect */

	/* File sources: the frame held until its time and room come. */
	bool			 have_pend;
	struct ds_packet	 pend;
	uint64_t		 pend_due;	/* us */
	uint64_t		 pace_wall;	/* us, anchor */
	uint64_t		 pace_ts;	/* us, capture time at anchor */
	uint64_t		 pace_last_ts;
	uint64_t		 pace_count;

	/* Channels. */
	bool			 hopping;
	struct hop		 hop;
	uint64_t		 hop_at;	/* ms */
	char			 channel[HOP_CHAN_LEN];

	struct helper_stats	 stats;
	uint64_t		 drop_told_at;	/* ms */
};

/*
 * Run a capture helper with driver ops: the whole process.  Returns the
 * exit status (0 after a clean close or shutdown, 1 after an error, 2 for
 * a bad command line).
 */
int	helper_main(int argc, char **argv, const struct ds_ops *ops);

/*
 * Calls a driver makes.  Texts go to the server and to the helper's own
 * log; name the interface or file in them.
 */

/*
 * The four texts below are one variadic function, helper_say(), behind
 * macros: each variadic function costs a helper some 150 bytes of code
 * (doc/helpers.md, "Size").
 */
enum helper_say {
	HELPER_SAY_MESSAGE,
	HELPER_SAY_WARNING,
	HELPER_SAY_ERROR,
	HELPER_SAY_END,
};

void	helper_say(struct helper *, enum helper_say, enum msg_level level,
	    const char *fmt, ...) OSPREY_PRINTF(4, 5);

/* A MESSAGE for the server's message bus at level (MSG_LEVEL_*). */
#define helper_message(h, level, ...) \
	helper_say((h), HELPER_SAY_MESSAGE, (level), __VA_ARGS__)

/* A KDSWARNINGREPORT: a standing warning shown with the source. */
#define helper_warning(h, ...) \
	helper_say((h), HELPER_SAY_WARNING, MSG_LEVEL_ERROR, __VA_ARGS__)

/*
 * The source failed for good: a KDSERRORREPORT carries the text, frames
 * queued before it still reach the server, then the helper exits with
 * status 1.  The caller's next() returns DS_NEXT_STOP.
 */
#define helper_error(h, ...) \
	helper_say((h), HELPER_SAY_ERROR, MSG_LEVEL_ERROR, __VA_ARGS__)

/*
 * The source has no more data (end of a file): an INFO MESSAGE carries
 * the text after the last frame, and the helper stays connected and idle
 * (answering pings) until the server closes the source, so its counters
 * stay visible.  The caller's next() returns DS_NEXT_STOP.
 */
#define helper_end(h, ...) \
	helper_say((h), HELPER_SAY_END, MSG_LEVEL_INFO, __VA_ARGS__)

/*
 * A channel failed to tune: it leaves the hop list (the server hears of
 * it in a MESSAGE and an unsolicited KDSCONFIGUREREPORT with seqno 0
 * carrying the remaining list).
 */
void	helper_channel_failed(struct helper *, const char *channel,
	    const char *reason);

/* Counters of the running source. */
const struct helper_stats *helper_stats(const struct helper *);

/*
 * Internal to the framework (helper.c and session.c).
 */

/* Monotonic clock in milliseconds and microseconds. */
uint64_t helper_now_ms(void);
uint64_t helper_now_us(void);

/*
 * Queue m (its seqno is assigned here) behind the frames queued before
 * it: texts, warnings, errors.  They may use the whole queue.  0, or a
 * negative error (logged).
 */
int	helper_send(struct helper *, struct msg *m);

/*
 * Queue a reply to the server (a report, a PONG) or the announce: these
 * belong to the link they answer on and go out before queued frames
 * (at a frame boundary), so a full queue never delays them.
 */
int	helper_reply(struct helper *, struct msg *m);

/* Answer for good and exit with status once the queue is out. */
void	helper_closing(struct helper *, int status);

/*
 * The privilege seam: called once the driver has opened the source and
 * before its first frame is read.  This is where privsep/ drops what the
 * driver no longer needs (capabilities, then no_new_privs, then the
 * seccomp filter: doc/privsep.md).  0, or -errno with the reason in err.
 */
int	helper_lockdown(struct helper *, char *err, size_t errlen);

/* Close the driver's source if it is open. */
void	helper_close_source(struct helper *);

/*
 * The session (session.c): requests from the server and the reports
 * that answer them.
 */

/* Handle one decoded message from the server. */
void	session_dispatch(struct helper *, const struct msg *m);

/* Remote: announce the source on a new link (KDSNEWSOURCE). */
void	session_announce(struct helper *);

/*
 * Channel control (chanctl.c): what the session does with channels, for
 * a driver with set_channel, which points ds_ops.chanctl at
 * helper_chanctl.  Reached only through that pointer, so that a helper
 * without channels links none of it.
 */
struct ds_chanctl {
	/* At open: channel=, or the hop list of the definition. */
	int	(*initial)(struct helper *, char *err, size_t errlen);
	/* KDSCONFIGURE: sends the report, or -errno with the reason. */
	int	(*configure)(struct helper *, const struct msg *m, char *err,
		    size_t errlen);
	/* The hop timer fired. */
	void	(*hop)(struct helper *);
	/* Point mh at the hop list (list: HOP_MAX_CHANNELS entries). */
	void	(*hop_msg)(struct helper *, struct msg_hop *mh,
		    const char **list);
};

extern const struct ds_chanctl helper_chanctl;

#endif
