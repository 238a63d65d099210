/* SPDX-License-Identifier: ISC */
/*
 * \summary: typed messages of the datasource protocol, encode and decode
 *
 * The only module that touches protobuf-c.  Senders fill a struct msg and
 * call msg_encode(); receivers call msg_decode() on a frame and read the
 * typed union.  Field names follow doc/protocol.md.  Optional scalars
 * carry a has_ flag; optional strings are NULL when absent; optional
 * sub-messages carry a has_ flag.
 *
 * Decoded strings and bytes point into memory owned by the decoder's
 * arena (or the heap when none is given) and stay valid until
 * msg_clear(): the packet path decodes without a malloc per frame.
 */
#ifndef PROTO_MSG_H
#define PROTO_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frame.h"
#include "msgtype.h"

/* MsgbusMessage.msgtype */
enum msg_level {
	MSG_LEVEL_DEBUG = 1,
	MSG_LEVEL_INFO = 2,
	MSG_LEVEL_ERROR = 4,
	MSG_LEVEL_ALERT = 8,
	MSG_LEVEL_FATAL = 16,
};

/* MsgbusMessage: text is NULL when the optional message is absent. */
struct msg_text {
	enum msg_level	 level;
	const char	*text;
};

/* SubChannels */
struct msg_channels {
	const char	**list;
	size_t		  count;
};

/* SubChanhop */
struct msg_hop {
	struct msg_channels channels;
	bool		 has_rate, has_shuffle, has_shuffle_skip, has_offset;
	double		 rate;		/* hops per second */
	bool		 shuffle;
	uint32_t	 shuffle_skip;
	uint32_t	 offset;
};

/* SubGps: all fields but high_prec_time are required on the wire. */
struct msg_gps {
	double		 lat, lon, alt, speed, heading, precision;
	uint32_t	 fix;
	uint64_t	 time_sec, time_usec;
	const char	*type, *name;
	bool		 has_high_prec_time;
	double		 high_prec_time;
};

/* SubInterface */
struct msg_iface {
	const char	*interface;	/* required */
	const char	*flags;		/* required, "" when none */
	const char	*hardware;
	const char	*capinterface;
};

/* SubPacket */
struct msg_packet {
	uint64_t	 ts_sec, ts_usec;
	uint32_t	 dlt;
	uint64_t	 size;		/* original length */
	const uint8_t	*data;
	size_t		 caplen;	/* bytes at data */
	bool		 has_cap_size;
	uint64_t	 cap_size;
};

/* SubSignal */
struct msg_signal {
	bool		 has_signal_dbm, has_noise_dbm, has_signal_rssi,
			 has_noise_rssi, has_freq_khz, has_datarate;
	double		 signal_dbm, noise_dbm, signal_rssi, noise_rssi;
	double		 freq_khz, datarate;
	const char	*channel;
};

/* SubJson */
struct msg_json {
	uint64_t	 time_sec, time_usec;
	const char	*type, *json;
};

/*
 * The answer part every report carries (SubSuccess): success, and the
 * header seqno of the request it answers.
 */
struct msg_result {
	bool		 success;
	uint32_t	 seqno;
};

struct msg_probe_report {
	struct msg_result	 result;
	struct msg_text		 message;
	bool			 has_channels;
	struct msg_channels	 channels;
	const char		*channel;
	const char		*hardware;
};

struct msg_open_report {
	struct msg_result	 result;
	bool			 has_dlt;
	uint32_t		 dlt;
	const char		*capture_interface;
	bool			 has_channels;
	struct msg_channels	 channels;
	const char		*channel;
	bool			 has_hop;
	struct msg_hop		 hop;
	const char		*hardware;
	struct msg_text		 message;
	const char		*uuid;
	const char		*warning;
};

struct msg_interfaces_report {
	struct msg_result	 result;
	struct msg_text		 message;
	const struct msg_iface	*ifaces;
	size_t			 n_ifaces;
};

struct msg_configure {
	const char		*channel;	/* lock to this channel */
	bool			 has_hop;
	struct msg_hop		 hop;
};

struct msg_configure_report {
	struct msg_result	 result;
	const char		*channel;
	bool			 has_hop;
	struct msg_hop		 hop;
	struct msg_text		 message;
	const char		*warning;
};

struct msg_data_report {
	bool			 has_gps;
	struct msg_gps		 gps;
	struct msg_text		 message;
	bool			 has_packet;
	struct msg_packet	 packet;
	bool			 has_signal;
	struct msg_signal	 signal;
	const char		*warning;
	bool			 has_json;
	struct msg_json		 json;
};

struct msg_error_report {
	struct msg_result	 result;
	struct msg_text		 message;
};

struct msg_new_source {
	const char		*definition, *sourcetype, *uuid;
};

/* One message of any type; u holds the member named by type. */
struct msg {
	enum msg_type		 type;
	uint32_t		 seqno;		/* the frame header's */
	union {
		struct msg_text			 message;	/* MESSAGE */
		uint32_t			 pong_seqno;	/* PONG */
		const char			*shutdown_reason;
		const char			*subsystem;	/* SYSTEMREGISTER */
		const char			*definition;	/* PROBE/OPENSOURCE */
		struct msg_probe_report		 probe_report;
		struct msg_open_report		 open_report;
		struct msg_interfaces_report	 interfaces_report;
		struct msg_configure		 configure;
		struct msg_configure_report	 configure_report;
		struct msg_data_report		 data_report;
		struct msg_error_report		 error_report;
		struct msg_new_source		 new_source;
		const char			*warning;	/* WARNINGREPORT */
	} u;
	void			*priv;		/* decoded storage, see msg_clear */
};

/*
 * A bump allocator for decoding: one block reused for every message, so
 * the packet path makes no malloc call per frame.  Allocations that do
 * not fit fall back to the heap.  Only one decoded message may use an
 * arena at a time; msg_clear() empties it.
 */
struct msg_arena {
	uint8_t		*buf;
	size_t		 size;
	size_t		 used;
};

/* Allocate an arena of size bytes; 0 or -ENOMEM. */
int	msg_arena_init(struct msg_arena *, size_t size);
void	msg_arena_free(struct msg_arena *);

/*
 * Encode m as one frame (header and payload) into buf.  Returns the
 * frame's length, or -PROTO_ERR_NOSPACE when it needs more than cap
 * bytes, -PROTO_ERR_TOOBIG when its payload exceeds FRAME_MAX_PAYLOAD,
 * -PROTO_ERR_INVALID when a required field is NULL.
 */
ssize_t	msg_encode(const struct msg *m, uint8_t *buf, size_t cap);

/*
 * The same in the framing of version (1 or 2; -PROTO_ERR_VERSION for
 * another): a capture helper answers a v1 server in v1.  msg_decode()
 * takes frames of either version.
 */
ssize_t	msg_encode_version(const struct msg *m, unsigned version,
	    uint8_t *buf, size_t cap);

/*
 * Decode a frame into *ret (ret->type and seqno from the frame), using
 * arena for storage when not NULL.  Returns 0, -PROTO_ERR_DECODE when the
 * payload is not valid protobuf for the type, or -PROTO_ERR_REQUIRED when
 * it is valid but lacks a required field.  On success the caller must
 * msg_clear(ret) before reusing the arena.
 */
int	msg_decode(const struct frame *f, struct msg_arena *arena,
	    struct msg *ret);

/* Release what msg_decode() allocated; a no-op on an encoded-only msg. */
void	msg_clear(struct msg *);

/* The report result of a reply type, or NULL for requests. */
const struct msg_result *msg_result(const struct msg *);

#endif
