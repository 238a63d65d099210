/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core-to-web bridge: frame header, message types, codec
 *
 * The core (osprey) and the web worker (osprey_web) talk over one Unix
 * socketpair with the project's own framing (doc/bridge.md).  Every frame
 * is a 16-byte big-endian header and a payload:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                   magic 0x4F535742 ("OSWB")                   |
 *   +-------------------------------+-------------------------------+
 *   |          version 1            |      type (enum bridge_type)  |
 *   +-------------------------------+-------------------------------+
 *   |                payload length (bytes after header)            |
 *   +---------------------------------------------------------------+
 *   |        seq: a request's own, or the request a reply answers   |
 *   +---------------------------------------------------------------+
 *
 * Payloads are msgpack (one map, or for slices a run of maps), except
 * BRIDGE_PACKET whose fixed header is laid out below.  This module never
 * touches protobuf-c, so the web worker can link it alone; it does no
 * I/O and no logging above debug (it reads frames from a libevent
 * evbuffer the caller fills, but never a socket).
 */
#ifndef PROTO_BRIDGE_H
#define PROTO_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

struct evbuffer;

#define BRIDGE_MAGIC		0x4F535742U	/* "OSWB" */
#define BRIDGE_VERSION		1
#define BRIDGE_HDR_LEN		16

/*
 * Caps on the payload a receiver accepts, checked before anything is
 * allocated.  The web sends only small requests; the core's answers
 * carry slices of device records, which it keeps near BRIDGE_SLICE_TARGET
 * bytes each (one record bigger than BRIDGE_MAX_PAYLOAD is never sent).
 */
#define BRIDGE_MAX_REQUEST	(64U * 1024)
#define BRIDGE_MAX_PAYLOAD	(8U * 1024 * 1024)
#define BRIDGE_SLICE_TARGET	(256U * 1024)

/*
 * Nesting deeper than this is refused: device records are about 6 deep,
 * and msgpack-c's own unpacker stops at 32.
 */
#define BRIDGE_MAX_DEPTH	24
/* Longest list (keys, macs, channels) a request may carry. */
#define BRIDGE_MAX_LIST		4096

/*
 * Message types, in blocks of 0x100 by subject.  A number is never
 * reused: a retired type keeps its slot, commented out.
 */
enum bridge_type {
	BRIDGE_UNKNOWN = 0,

	/* 0x01xx session */
	BRIDGE_CONFIG = 0x0101,		/* core -> web: web settings */
	BRIDGE_HELLO = 0x0102,		/* web -> core: listening */
	BRIDGE_ERROR = 0x0103,		/* core -> web: a request failed */
	BRIDGE_PING = 0x0104,		/* core -> web: are you alive? */
	BRIDGE_PONG = 0x0105,		/* web -> core: yes (the ping's seq) */
	BRIDGE_FATAL = 0x0106,		/* web -> core: why it is exiting */

	/* 0x02xx devices */
	BRIDGE_DEVICES_REQ = 0x0201,	/* web -> core: start a query */
	BRIDGE_DEVICES_MORE = 0x0202,	/* web -> core: next slice */
	BRIDGE_DEVICES_CANCEL = 0x0203,	/* web -> core: client gone */
	BRIDGE_DEVICES_SLICE = 0x0204,	/* core -> web: some records */
	BRIDGE_DEVICES_END = 0x0205,	/* core -> web: query done */

	/* 0x03xx datasources */
	BRIDGE_SOURCES_REQ = 0x0301,	/* web -> core: list */
	BRIDGE_SOURCES_REPLY = 0x0302,	/* core -> web: records */
	BRIDGE_SOURCE_CMD = 0x0303,	/* web -> core: a command */
	BRIDGE_SOURCE_CMD_REPLY = 0x0304, /* core -> web: the source after */

	/* 0x04xx packet streams */
	BRIDGE_PACKETS_SUB = 0x0401,	/* web -> core: want packets or not */
	BRIDGE_PACKET_SOURCE = 0x0402,	/* core -> web: source number info */
	BRIDGE_PACKET = 0x0403,		/* core -> web: one frame */

	/* 0x05xx system */
	BRIDGE_SYSTEM_REQ = 0x0501,	/* web -> core: status, messages.. */
	BRIDGE_SYSTEM_REPLY = 0x0502,	/* core -> web: one object */

	/* 0x06xx commands on the core's state: names, tags, alerts */
	BRIDGE_CMD = 0x0601,		/* web -> core: a command */
	BRIDGE_CMD_REPLY = 0x0602,	/* core -> web: one object */
	/* 0x07xx the kismetdb log's pcapng export */
	BRIDGE_KISMETDB_REQ = 0x0701,	/* web -> core: start, a filter */
	BRIDGE_KISMETDB_MORE = 0x0702,	/* web -> core: next chunk */
	BRIDGE_KISMETDB_CANCEL = 0x0703, /* web -> core: client gone */
	BRIDGE_KISMETDB_DATA = 0x0704,	/* core -> web: pcapng bytes */
	BRIDGE_KISMETDB_END = 0x0705,	/* core -> web: export done */

	/* 0x08xx paged views, cut and ordered by the core */
	BRIDGE_DEVICES_PAGE = 0x0801,	/* web -> core: a page of a view */
	BRIDGE_PAGE_END = 0x0802,	/* core -> web: the page is done */
};

/* Which process sends a type. */
enum bridge_sender {
	BRIDGE_FROM_NONE = 0,
	BRIDGE_FROM_CORE,
	BRIDGE_FROM_WEB,
};

struct bridge_hdr {
	uint16_t	 version;
	uint16_t	 type;		/* enum bridge_type */
	uint32_t	 len;		/* payload bytes */
	uint32_t	 seq;
};

/* The name of a type ("DEVICES_REQ"), or NULL when it is not one. */
const char	*bridge_type_name(uint16_t type);

/* Who may send a type; BRIDGE_FROM_NONE for unknown types. */
enum bridge_sender bridge_type_sender(uint16_t type);

/*
 * Parse the header at the start of buf (len bytes available), refusing
 * payloads over max_payload.  Returns 1 and fills *ret once the header
 * and its whole payload are there, 0 when more bytes are needed and none
 * so far are wrong, -EBADMSG for a wrong magic, -EPROTO for another
 * version or a type that is not in the enum, -EMSGSIZE for a length over
 * the cap.  Checks the length before the caller allocates anything.
 */
int	bridge_parse_header(const uint8_t *buf, size_t len, size_t max_payload,
	    struct bridge_hdr *ret);

/*
 * As bridge_parse_header, but returns 1 as soon as the header itself is
 * there and valid, whether or not its payload has arrived.
 */
int	bridge_peek_header(const uint8_t *buf, size_t len, size_t max_payload,
	    struct bridge_hdr *ret);

/* Write a header into hdr[BRIDGE_HDR_LEN]. */
void	bridge_write_header(uint8_t *hdr, uint16_t type, uint32_t seq,
	    uint32_t len);

/* The next sequence number after *ctr: 1, 2, ..., wrapping past 0. */
uint32_t bridge_next_seq(uint32_t *ctr);

/*
 * Check that the len bytes at p are a run of well-formed msgpack objects,
 * nested at most BRIDGE_MAX_DEPTH deep, every container's count within
 * the bytes that remain (so that unpacking allocates at most a small
 * multiple of len).  Returns the number of top-level objects, or
 * -EBADMSG.  Reads only through a bounds-checked cursor.
 */
int	bridge_mp_check(const uint8_t *p, size_t len);

/*
 * Writing a message: bridge_out_begin() resets sbuf and reserves the
 * header, the caller packs the payload with the packer (or with the
 * bridge_pack_* helpers), bridge_out_end() fills in the length.  Returns
 * 0, or -EMSGSIZE when the payload exceeds max_payload (sbuf then holds
 * nothing worth sending).
 */
void	bridge_out_begin(msgpack_sbuffer *sbuf, uint16_t type, uint32_t seq);
int	bridge_out_end(msgpack_sbuffer *sbuf, size_t max_payload);

/* Pack a NUL-terminated string (msgpack str). */
void	bridge_pack_cstr(msgpack_packer *, const char *);

/* Pack "key": value pairs; keys are C strings. */
void	bridge_pack_kv_str(msgpack_packer *, const char *key, const char *v);
void	bridge_pack_kv_u64(msgpack_packer *, const char *key, uint64_t v);
void	bridge_pack_kv_i64(msgpack_packer *, const char *key, int64_t v);
void	bridge_pack_kv_double(msgpack_packer *, const char *key, double v);
void	bridge_pack_kv_bool(msgpack_packer *, const char *key, bool v);

/*
 * Typed payloads.  Strings are NUL terminated and live as long as the
 * struct bridge_msg they were decoded into; NULL when absent.
 */

/* CONFIG: web settings as key=value strings (doc/web.md). */
struct bridge_config {
	const char	**keys;
	const char	**values;
	size_t		  count;
};

/* HELLO */
struct bridge_hello {
	uint32_t	 version;	/* BRIDGE_VERSION */
	uint32_t	 pid;
	uint32_t	 port;		/* the HTTP port bound */
};

/* ERROR: an HTTP status the web should answer with, and why. */
struct bridge_error {
	uint32_t	 status;	/* 400..599 */
	const char	*reason;
};

/*
 * FATAL: the web worker cannot go on (it could not listen, read its
 * login...) and exits after sending this, so that the core can say why.
 */
struct bridge_fatal {
	uint32_t	 err;		/* a positive errno, or 0 */
	const char	*reason;	/* one line */
};

/* Which devices a DEVICES_REQ selects (all filters must match). */
enum bridge_view {
	BRIDGE_VIEW_ALL = 0,
	BRIDGE_VIEW_ACCESSPOINTS,	/* phydot11_accesspoints */
};

struct bridge_devices_req {
	bool		 has_since;
	double		 since;		/* changed after, epoch seconds */
	uint32_t	 view;		/* enum bridge_view */
	const char	**keys;		/* device keys, or none */
	size_t		  n_keys;
	const char	**macs;		/* "AA:BB:..", or none */
	size_t		  n_macs;
	const char	*clients_of;	/* key of an access point, or NULL */
	const char	*related_to;	/* key of an access point, or NULL */
	const char	*phyname;	/* only this phy ("IEEE802.11") */
	const char	*seenby;	/* only what this source uuid heard */
};

/* DEVICES_SLICE and SOURCES_REPLY: records, each a msgpack map. */
struct bridge_records {
	const msgpack_object	*records;
	size_t			 count;
};

/* DEVICES_END */
struct bridge_devices_end {
	double		 timestamp;	/* pass as the next "since" */
	uint64_t	 count;		/* records sent in all */
};

/*
 * DEVICES_PAGE: one page of a view (view, phyname, seenby as in
 * DEVICES_REQ), searched, ordered and cut by the core, so that the web
 * never gathers a whole view to show fifty rows of it.  Answered by
 * DEVICES_SLICE..., in page order, then PAGE_END; DEVICES_MORE and
 * DEVICES_CANCEL work on it as on a DEVICES_REQ.
 */
struct bridge_devices_page {
	uint32_t	 view;		/* enum bridge_view */
	const char	*phyname;	/* or NULL */
	const char	*seenby;	/* or NULL */
	uint32_t	 start;		/* first row, 0-based */
	uint32_t	 length;	/* rows; 0 to the end */
	const char	*sort;		/* field path; NULL table order */
	bool		 desc;
	const char	*search;	/* a substring, or NULL */
};

/* PAGE_END */
struct bridge_page_end {
	double		 timestamp;	/* as DEVICES_END's */
	uint64_t	 count;		/* records sent */
	uint64_t	 total;		/* devices in the view */
	uint64_t	 filtered;	/* of those, matching the search */
};

/* SOURCES_REQ */
struct bridge_sources_req {
	const char	*uuid;		/* NULL for all */
};

enum bridge_src_cmd {
	BRIDGE_SRC_ADD = 1,		/* definition */
	BRIDGE_SRC_SET_CHANNEL,		/* channel, or channels+rate+shuffle */
	BRIDGE_SRC_SET_HOP,		/* resume hopping */
	BRIDGE_SRC_OPEN,
	BRIDGE_SRC_CLOSE,
	BRIDGE_SRC_PAUSE,
	BRIDGE_SRC_RESUME,
	BRIDGE_SRC_MAX
};

struct bridge_source_cmd {
	uint32_t	 cmd;		/* enum bridge_src_cmd */
	const char	*uuid;		/* all but ADD */
	const char	*definition;	/* ADD */
	const char	*channel;	/* SET_CHANNEL: lock */
	const char	**channels;	/* SET_CHANNEL/SET_HOP: hop list */
	size_t		  n_channels;
	bool		 has_rate;
	double		 rate;		/* hops per second */
	bool		 has_shuffle;
	bool		 shuffle;
};

/* SOURCE_CMD_REPLY, SYSTEM_REPLY and CMD_REPLY: one object. */
struct bridge_object {
	const msgpack_object	*obj;
};

/* PACKETS_SUB */
struct bridge_packets_sub {
	bool		 on;
};

/* PACKET_SOURCE: what a source number in BRIDGE_PACKET stands for. */
struct bridge_packet_source {
	uint32_t	 number;
	const char	*uuid;
	const char	*name;
};

/*
 * PACKET payload, big-endian:
 *
 *    0               4               8                              16
 *   +---------------+---------------+-------------------------------+
 *   | source number | DLT           | timestamp, microseconds       |
 *   +---------------+-------+-------+-------------------------------+
 *   | original len  |n_addr | flags | reserved (0) |
 *   +---------------+-------+-------+--------------+
 *   | addr1..addr4, 6 bytes each (24 bytes, unused ones zero)       |
 *   +-----------------------------------------------+---------------+
 *   | bssid (6 bytes)                               | reserved (2)  |
 *   +-----------------------------------------------+---------------+
 *   | packet data as captured (payload length - 56 bytes)           |
 *
 * flags bit 0: bssid is valid.  The addresses are those of the 802.11
 * header as decoded by the core; they let the web pick the frames of a
 * device or a BSSID without parsing 802.11 itself.
 */
#define BRIDGE_PACKET_HDR	56
#define BRIDGE_PKT_HAS_BSSID	0x01

struct bridge_packet {
	uint32_t	 source;
	uint32_t	 dlt;
	uint64_t	 ts_usec;
	uint32_t	 len;		/* original length */
	uint8_t		 n_addr;	/* 0..4 */
	uint8_t		 flags;
	uint8_t		 addr[4][6];
	uint8_t		 bssid[6];
	const uint8_t	*data;
	size_t		 caplen;
};

/* SYSTEM_REQ: what to fetch. */
enum bridge_system_what {
	BRIDGE_SYS_STATUS = 1,		/* /system/status.json */
	BRIDGE_SYS_MESSAGES,		/* messagebus, since */
	BRIDGE_SYS_ALERTS,		/* alerts, since */
	BRIDGE_SYS_CHANNELS,		/* /channels/channels.json */
	BRIDGE_SYS_GPS,			/* /gps/location.json */
	BRIDGE_SYS_PACKET_STATS,	/* /packetchain/packet_stats.json */
	BRIDGE_SYS_ALERT_DEFS,		/* /alerts/definitions.json */
	BRIDGE_SYS_GPS_ALL,		/* /gps/all_gps.json */
	BRIDGE_SYS_GPS_DRIVERS,		/* /gps/drivers.json */
	BRIDGE_SYS_VIEWS,		/* /devices/views/all_views.json */
	BRIDGE_SYS_PHYS,		/* /phy/all_phys.json */
	BRIDGE_SYS_INTERFACES,		/* /datasource/list_interfaces.json */
	BRIDGE_SYS_SOURCE_TYPES,	/* /datasource/types.json */
	BRIDGE_SYS_SOURCE_DEFAULTS,	/* /datasource/defaults.json */
	BRIDGE_SYS_LOG_DRIVERS,		/* /logging/drivers.json */
	BRIDGE_SYS_LOG_ACTIVE,		/* /logging/active.json */
	BRIDGE_SYS_GPS_TRACK,		/* /gps/track.json */
	BRIDGE_SYS_ALERT_BY_ID,		/* one alert; since holds its id */
	BRIDGE_SYS_MAX
};

struct bridge_system_req {
	uint32_t	 what;		/* enum bridge_system_what */
	bool		 has_since;
	double		 since;
};

/* CMD: what to change. */
enum bridge_cmd_kind {
	BRIDGE_CMD_SET_NAME = 1,	/* key, name ("" clears it) */
	BRIDGE_CMD_SET_TAG,		/* key, name, value ("" removes) */
	BRIDGE_CMD_DEFINE_ALERT,	/* name, value (description),
					   phyname?, throttle?, burst? */
	BRIDGE_CMD_RAISE_ALERT,		/* name, value (text), bssid?,
					   source?, dest?, other?, channel? */
	BRIDGE_CMD_ADD_GPS,		/* value (definition) */
	BRIDGE_CMD_REMOVE_GPS,		/* key (uuid) */
	BRIDGE_CMD_WEB_GPS,		/* value "LAT,LON[,ALT[,SPEED]]",
					   name? (which web GPS) */
	BRIDGE_CMD_MAX
};

struct bridge_cmd {
	uint32_t	 cmd;		/* enum bridge_cmd_kind */
	const char	*key;		/* a device key */
	const char	*name;		/* user name, tag or alert name */
	const char	*value;		/* tag value, description or text */
	const char	*phyname;
	const char	*throttle;	/* "10/min" */
	const char	*burst;		/* "1/sec" */
	const char	*bssid, *source, *dest, *other;	/* MACs */
	const char	*channel;
};

/*
 * KISMETDB_REQ: Kismet's filter of /logging/kismetdb/pcap/ as key=value
 * strings ({"filter": {"timestamp_start": "1700000000", ...}}).
 */
struct bridge_kismetdb_req {
	const char	**keys;
	const char	**values;
	size_t		  count;
};

/* KISMETDB_DATA: raw pcapng bytes (the payload, not msgpack). */
struct bridge_bytes {
	const uint8_t	*data;
	size_t		 len;
};

/* KISMETDB_END */
struct bridge_kismetdb_end {
	uint64_t	 packets;	/* written in all */
};

/* One decoded message: hdr says which member of u is set. */
struct bridge_msg {
	struct bridge_hdr	 hdr;
	union {
		struct bridge_config		 config;
		struct bridge_hello		 hello;
		struct bridge_error		 error;
		struct bridge_fatal		 fatal;
		struct bridge_devices_req	 devices_req;
		struct bridge_records		 records;
		struct bridge_devices_end	 devices_end;
		struct bridge_sources_req	 sources_req;
		struct bridge_source_cmd	 source_cmd;
		struct bridge_object		 object;
		struct bridge_packets_sub	 packets_sub;
		struct bridge_packet_source	 packet_source;
		struct bridge_packet		 packet;
		struct bridge_system_req	 system_req;
		struct bridge_cmd		 cmd;
		struct bridge_kismetdb_req	 kismetdb_req;
		struct bridge_bytes		 bytes;
		struct bridge_kismetdb_end	 kismetdb_end;
		struct bridge_devices_page	 devices_page;
		struct bridge_page_end		 page_end;
	} u;
	msgpack_zone		*zone;		/* decoded storage */
};

/*
 * Decode the payload of a frame whose header is *hdr (already checked by
 * bridge_parse_header) into *ret.  Payload bytes are copied, except a
 * PACKET's data, which points into payload (no copy per frame) and lives
 * only as long as it.  Returns 0, -EBADMSG when the payload is not what
 * the type requires (malformed msgpack, a required field missing or of
 * the wrong kind, a string with a NUL in it, a list over BRIDGE_MAX_LIST),
 * -EPROTO for an unknown type.  On success the caller releases *ret with
 * bridge_msg_clear(); on failure nothing is held.
 */
int	bridge_decode(const struct bridge_hdr *hdr, const uint8_t *payload,
	    struct bridge_msg *ret);

/* Release what bridge_decode() allocated; safe on a zeroed msg. */
void	bridge_msg_clear(struct bridge_msg *);

/*
 * The read loop both ends of the bridge share: check and decode the
 * frame at the head of in, a receive buffer, as a process that takes
 * frames only from `from` (the other end) with at most max_payload
 * bytes.  Returns 1 with *h and *m filled: a PACKET's data points into
 * in, so the caller handles m, calls bridge_msg_clear() and only then
 * drains BRIDGE_HDR_LEN + h->len bytes.  Returns 0 while the frame is
 * not all there (nothing is taken), or bridge_peek_header's or
 * bridge_decode's error, or -EPROTO for a type the other end does not
 * send, with why (why_len bytes) saying what was wrong: the stream is
 * then out of step and the peer should be dropped.
 */
int	bridge_read_frame(struct evbuffer *in, size_t max_payload,
	    enum bridge_sender from, struct bridge_hdr *h,
	    struct bridge_msg *m, char *why, size_t why_len);

/*
 * Encoders for the typed requests and small replies: each writes one
 * whole frame into sbuf (reset first).  Returns 0, or -EMSGSIZE when the
 * payload would exceed the cap the receiver applies.
 */
int	bridge_encode_config(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_config *);
int	bridge_encode_hello(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_hello *);
int	bridge_encode_error(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_error *);
int	bridge_encode_devices_req(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_devices_req *);
int	bridge_encode_devices_page(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_devices_page *);
int	bridge_encode_page_end(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_page_end *);
int	bridge_encode_fatal(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_fatal *);
/*
 * DEVICES_MORE and DEVICES_CANCEL carry only the query's seq; PING only
 * its own, which PONG echoes.
 */
int	bridge_encode_empty(msgpack_sbuffer *, uint16_t type, uint32_t seq);
int	bridge_encode_devices_end(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_devices_end *);
int	bridge_encode_sources_req(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_sources_req *);
int	bridge_encode_source_cmd(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_source_cmd *);
int	bridge_encode_packets_sub(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_packets_sub *);
int	bridge_encode_packet_source(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_packet_source *);
int	bridge_encode_packet(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_packet *);
/* KISMETDB_MORE and KISMETDB_CANCEL go as bridge_encode_empty(). */
int	bridge_encode_kismetdb_req(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_kismetdb_req *);
int	bridge_encode_kismetdb_data(msgpack_sbuffer *, uint32_t seq,
	    const void *data, size_t len);
int	bridge_encode_kismetdb_end(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_kismetdb_end *);
int	bridge_encode_system_req(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_system_req *);
int	bridge_encode_cmd(msgpack_sbuffer *, uint32_t seq,
	    const struct bridge_cmd *);

/* Names of the enums as they appear on the wire ("set_channel"). */
const char	*bridge_source_cmd_name(uint32_t cmd);
uint32_t	 bridge_source_cmd_from_name(const char *name);

#endif
