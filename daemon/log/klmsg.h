/* SPDX-License-Identifier: ISC */
/*
 * \summary: messages between the core and its kismetdb writer process
 *
 * The core hands what the kismetdb log should hold to a writer process
 * over one socketpair (doc/kismetdb.md, "The writer"): packets as they
 * arrive, device and datasource records on a schedule, messages,
 * alerts and snapshots, export requests.  The writer answers with its
 * state after each commit and with export data.  Every message is an
 * 8-byte little-endian header and a payload:
 *
 *    0               2               4                               8
 *   +---------------+---------------+-------------------------------+
 *   | type          | reserved (0)  | payload length                |
 *   +---------------+---------------+-------------------------------+
 *
 * Integers are little-endian, doubles their IEEE 754 bits as a 64-bit
 * integer, strings a 32-bit length that counts a final NUL, the bytes
 * and that NUL (a decoder refuses a string without it or with another
 * inside).  Records are msgpack maps, as the web bridge carries them.
 *
 * Both ends are one program, but the decoders still read through the
 * bounds-checked cursor: a writer that misreads the core drops the
 * message, never memory.  Encoders append to a growable buffer.
 */
#ifndef DAEMON_KLMSG_H
#define DAEMON_KLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kismetdb.h"

#define KLMSG_HDR		8
/* A device record is at most the bridge's 8 MiB; room to spare. */
#define KLMSG_MAX		(16U * 1024 * 1024)
/* Key=value pairs an export request may carry. */
#define KLMSG_EXPORT_ARGS	32

enum klmsg_type {
	/* core -> writer */
	KLMSG_PACKET = 1,	/* one frame */
	KLMSG_DEVICES,		/* a run of device records (msgpack maps) */
	KLMSG_SOURCE,		/* one datasource record (msgpack map) */
	KLMSG_MESSAGE,		/* a message bus line */
	KLMSG_RECORD,		/* an alert, snapshot or data row */
	KLMSG_EXPORT,		/* start a pcapng export */
	KLMSG_EXPORT_MORE,	/* the next chunk of it */
	KLMSG_EXPORT_CANCEL,	/* its reader left */
	KLMSG_SYNC,		/* commit now, then send STATUS */
	/* writer -> core */
	KLMSG_OPENED = 32,	/* the file is open, or why not */
	KLMSG_STATUS,		/* counters after a commit */
	KLMSG_EXPORT_DATA,	/* pcapng bytes */
	KLMSG_EXPORT_END,	/* the export is over */
	KLMSG_TYPE_MAX
};

/* KLMSG_PACKET flags. */
#define KLMSG_PKT_ERROR		0x01	/* did not decode */
#define KLMSG_PKT_DOT11		0x02	/* the 802.11 header decoded */
#define KLMSG_PKT_SRC		0x04	/* src is valid */
#define KLMSG_PKT_DST		0x08
#define KLMSG_PKT_TA		0x10
#define KLMSG_PKT_BSSID		0x20
#define KLMSG_PKT_DATA		0x40	/* an 802.11 data frame */
#define KLMSG_PKT_SIGNAL	0x80	/* signal is valid */

/*
 * KLMSG_PACKET payload, then the frame as captured:
 *
 *    0 ts_sec (8)       8 ts_usec (4)     12 dlt (4)      16 full_len (4)
 *   20 flags (4)       24 signal (4, signed dBm)          28 freq_khz (4)
 *   32 rate_kbps (4)   36 frame_off (4)  40 frame_len (4) 44 packetid (8)
 *   52 source uuid (36 ASCII)            88 src, dst, ta, bssid (6 each)
 *  112 lat, lon, alt, speed, heading (8 each)            152 data
 */
#define KLMSG_PACKET_FIXED	152

struct klmsg_packet {
	uint64_t	 ts_sec;
	uint32_t	 ts_usec;
	uint32_t	 dlt;
	uint32_t	 full_len;
	uint32_t	 flags;
	int32_t		 signal;
	uint32_t	 freq_khz;
	uint32_t	 rate_kbps;
	uint32_t	 frame_off, frame_len;	/* the 802.11 frame in data */
	uint64_t	 packetid;
	char		 uuid[37];
	uint8_t		 src[6], dst[6], ta[6], bssid[6];
	struct kismetdb_loc loc;
	const uint8_t	*data;
	size_t		 caplen;
};

/* KLMSG_MESSAGE */
struct klmsg_message {
	uint64_t	 ts_sec;
	uint32_t	 level;		/* enum msgbus_level */
	struct kismetdb_loc loc;
	const char	*text;
};

/*
 * KLMSG_RECORD: a row of table (alerts, snapshots, data); json is JSON
 * text, or a msgpack object when is_msgpack (the writer renders it).
 */
struct klmsg_record {
	uint32_t	 table;		/* enum kismetdb_table */
	bool		 is_msgpack;
	struct kismetdb_record r;
};

/* KLMSG_EXPORT: Kismet's filter as the web received it. */
struct klmsg_export {
	uint32_t	 id;
	size_t		 n;
	const char	*keys[KLMSG_EXPORT_ARGS];
	const char	*values[KLMSG_EXPORT_ARGS];
};

/* KLMSG_OPENED */
struct klmsg_opened {
	int32_t		 status;	/* 0, or -errno */
	const char	*text;		/* the path, or why it failed */
};

/* Writer states in KLMSG_STATUS. */
enum klmsg_state {
	KLMSG_LOGGING = 0,
	KLMSG_STOPPED,			/* after an error; nothing is written */
};

/* KLMSG_STATUS: what the writer has committed. */
struct klmsg_status {
	uint32_t	 seq;		/* a SYNC's, or 0 */
	uint32_t	 state;		/* enum klmsg_state */
	uint64_t	 rows[KISMETDB_TABLES];	/* committed, per table */
	uint64_t	 lost;		/* rows that could not be written */
	uint64_t	 file_bytes;
	uint64_t	 commits;
	const char	*path;
	const char	*event;		/* a line to log once, or "" */
	const char	*error;		/* why it stopped, or "" */
};

/* KLMSG_EXPORT_DATA / KLMSG_EXPORT_END */
struct klmsg_export_data {
	uint32_t	 id;
	const uint8_t	*data;
	size_t		 len;
};

struct klmsg_export_end {
	uint32_t	 id;
	int32_t		 status;	/* 0, or -errno */
	uint64_t	 packets;
	const char	*reason;
};

/* A growable output buffer. */
struct klbuf {
	uint8_t		*p;
	size_t		 len, cap;
};

void	 klbuf_free(struct klbuf *);
void	 klbuf_reset(struct klbuf *);

/*
 * Parse the header at buf (len bytes).  Returns 1 and *type, *plen when
 * the whole message is there, 0 when more is needed, -EMSGSIZE for a
 * payload over KLMSG_MAX or -EBADMSG for an unknown type.
 */
int	 klmsg_header(const uint8_t *buf, size_t len, uint16_t *type,
	    uint32_t *plen);

/* The header and fixed part of a packet message whose data follows. */
void	 klmsg_packet_head(uint8_t buf[KLMSG_HDR + KLMSG_PACKET_FIXED],
	    const struct klmsg_packet *);

/* Encoders: append one whole message to b. */
void	 klmsg_put_raw(struct klbuf *b, uint16_t type, const void *p,
	    size_t len);
void	 klmsg_put_id(struct klbuf *b, uint16_t type, uint32_t id);
void	 klmsg_put_message(struct klbuf *, const struct klmsg_message *);
void	 klmsg_put_record(struct klbuf *, const struct klmsg_record *);
void	 klmsg_put_export(struct klbuf *, const struct klmsg_export *);
void	 klmsg_put_opened(struct klbuf *, const struct klmsg_opened *);
void	 klmsg_put_status(struct klbuf *, const struct klmsg_status *);
void	 klmsg_put_export_data(struct klbuf *, uint32_t id, const void *p,
	    size_t len);
void	 klmsg_put_export_end(struct klbuf *,
	    const struct klmsg_export_end *);

/*
 * Decoders over one payload: 0, or -EBADMSG when it is short, a string
 * lacks its NUL, or a field is out of range.  Pointers point into the
 * payload.
 */
int	 klmsg_get_packet(const uint8_t *, size_t, struct klmsg_packet *);
int	 klmsg_get_id(const uint8_t *, size_t, uint32_t *);
int	 klmsg_get_message(const uint8_t *, size_t, struct klmsg_message *);
int	 klmsg_get_record(const uint8_t *, size_t, struct klmsg_record *);
int	 klmsg_get_export(const uint8_t *, size_t, struct klmsg_export *);
int	 klmsg_get_opened(const uint8_t *, size_t, struct klmsg_opened *);
int	 klmsg_get_status(const uint8_t *, size_t, struct klmsg_status *);
int	 klmsg_get_export_data(const uint8_t *, size_t,
	    struct klmsg_export_data *);
int	 klmsg_get_export_end(const uint8_t *, size_t,
	    struct klmsg_export_end *);

#endif
