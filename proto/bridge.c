/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core-to-web bridge: frame header, message types, codec
 *
 * Receivers check in the order doc/style.md asks: the header's length
 * against the cap (bridge_parse_header), the msgpack structure against
 * the bytes that hold it (bridge_mp_check) before msgpack-c allocates,
 * then per type the fields the message requires (bridge_decode).  Which
 * types a receiver accepts in which state is the receiver's table.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "bridge.h"
#include "cursor.h"

struct bridge_type_info {
	uint16_t		 type;
	const char		*name;
	enum bridge_sender	 sender;
};

static const struct bridge_type_info bridge_types[] = {
	{ BRIDGE_CONFIG, "CONFIG", BRIDGE_FROM_CORE },
	{ BRIDGE_HELLO, "HELLO", BRIDGE_FROM_WEB },
	{ BRIDGE_ERROR, "ERROR", BRIDGE_FROM_CORE },
	{ BRIDGE_PING, "PING", BRIDGE_FROM_CORE },
	{ BRIDGE_PONG, "PONG", BRIDGE_FROM_WEB },
	{ BRIDGE_FATAL, "FATAL", BRIDGE_FROM_WEB },
	{ BRIDGE_DEVICES_REQ, "DEVICES_REQ", BRIDGE_FROM_WEB },
	{ BRIDGE_DEVICES_MORE, "DEVICES_MORE", BRIDGE_FROM_WEB },
	{ BRIDGE_DEVICES_CANCEL, "DEVICES_CANCEL", BRIDGE_FROM_WEB },
	{ BRIDGE_DEVICES_SLICE, "DEVICES_SLICE", BRIDGE_FROM_CORE },
	{ BRIDGE_DEVICES_END, "DEVICES_END", BRIDGE_FROM_CORE },
	{ BRIDGE_SOURCES_REQ, "SOURCES_REQ", BRIDGE_FROM_WEB },
	{ BRIDGE_SOURCES_REPLY, "SOURCES_REPLY", BRIDGE_FROM_CORE },
	{ BRIDGE_SOURCE_CMD, "SOURCE_CMD", BRIDGE_FROM_WEB },
	{ BRIDGE_SOURCE_CMD_REPLY, "SOURCE_CMD_REPLY", BRIDGE_FROM_CORE },
	{ BRIDGE_PACKETS_SUB, "PACKETS_SUB", BRIDGE_FROM_WEB },
	{ BRIDGE_PACKET_SOURCE, "PACKET_SOURCE", BRIDGE_FROM_CORE },
	{ BRIDGE_PACKET, "PACKET", BRIDGE_FROM_CORE },
	{ BRIDGE_SYSTEM_REQ, "SYSTEM_REQ", BRIDGE_FROM_WEB },
	{ BRIDGE_SYSTEM_REPLY, "SYSTEM_REPLY", BRIDGE_FROM_CORE },
	{ BRIDGE_CMD, "CMD", BRIDGE_FROM_WEB },
	{ BRIDGE_CMD_REPLY, "CMD_REPLY", BRIDGE_FROM_CORE },
	{ BRIDGE_KISMETDB_REQ, "KISMETDB_REQ", BRIDGE_FROM_WEB },
	{ BRIDGE_KISMETDB_MORE, "KISMETDB_MORE", BRIDGE_FROM_WEB },
	{ BRIDGE_KISMETDB_CANCEL, "KISMETDB_CANCEL", BRIDGE_FROM_WEB },
	{ BRIDGE_KISMETDB_DATA, "KISMETDB_DATA", BRIDGE_FROM_CORE },
	{ BRIDGE_KISMETDB_END, "KISMETDB_END", BRIDGE_FROM_CORE },
	{ BRIDGE_DEVICES_PAGE, "DEVICES_PAGE", BRIDGE_FROM_WEB },
	{ BRIDGE_PAGE_END, "PAGE_END", BRIDGE_FROM_CORE },
};

static const char *bridge_cmd_names[BRIDGE_SRC_MAX] = {
	[BRIDGE_SRC_ADD] = "add_source",
	[BRIDGE_SRC_SET_CHANNEL] = "set_channel",
	[BRIDGE_SRC_SET_HOP] = "set_hop",
	[BRIDGE_SRC_OPEN] = "open_source",
	[BRIDGE_SRC_CLOSE] = "close_source",
	[BRIDGE_SRC_PAUSE] = "pause_source",
	[BRIDGE_SRC_RESUME] = "resume_source",
};

static const struct bridge_type_info *
bridge_type_find(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(bridge_types) / sizeof(bridge_types[0]); i++)
		if (bridge_types[i].type == type)
			return &bridge_types[i];
	return NULL;
}

const char *
bridge_type_name(uint16_t type)
{
	const struct bridge_type_info *t = bridge_type_find(type);

	return t != NULL ? t->name : NULL;
}

enum bridge_sender
bridge_type_sender(uint16_t type)
{
	const struct bridge_type_info *t = bridge_type_find(type);

	return t != NULL ? t->sender : BRIDGE_FROM_NONE;
}

const char *
bridge_source_cmd_name(uint32_t cmd)
{
	if (cmd == 0 || cmd >= BRIDGE_SRC_MAX)
		return NULL;
	return bridge_cmd_names[cmd];
}

uint32_t
bridge_source_cmd_from_name(const char *name)
{
	uint32_t i;

	for (i = 1; i < BRIDGE_SRC_MAX; i++)
		if (strcmp(bridge_cmd_names[i], name) == 0)
			return i;
	return 0;
}

int
bridge_parse_header(const uint8_t *buf, size_t len, size_t max_payload,
    struct bridge_hdr *ret)
{
	struct bridge_hdr h;
	int rc;

	if ((rc = bridge_peek_header(buf, len, max_payload, &h)) != 1)
		return rc;
	if (len - BRIDGE_HDR_LEN < h.len)
		return 0;
	*ret = h;
	return 1;
}

int
bridge_peek_header(const uint8_t *buf, size_t len, size_t max_payload,
    struct bridge_hdr *ret)
{
	struct cursor c;
	struct bridge_hdr h;
	uint32_t magic;

	cur_init(&c, buf, len);
	/* Judge each field as soon as its bytes are there. */
	if (cur_get_be32(&c, &magic) != 0)
		return 0;
	if (magic != BRIDGE_MAGIC)
		return -EBADMSG;
	if (cur_get_be16(&c, &h.version) != 0)
		return 0;
	if (h.version != BRIDGE_VERSION)
		return -EPROTO;
	if (cur_get_be16(&c, &h.type) != 0)
		return 0;
	if (bridge_type_find(h.type) == NULL)
		return -EPROTO;
	if (cur_get_be32(&c, &h.len) != 0)
		return 0;
	if (h.len > max_payload)
		return -EMSGSIZE;
	if (cur_get_be32(&c, &h.seq) != 0)
		return 0;
	*ret = h;
	return 1;
}

static void
bridge_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
bridge_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

void
bridge_write_header(uint8_t *hdr, uint16_t type, uint32_t seq, uint32_t len)
{
	bridge_put_be32(hdr, BRIDGE_MAGIC);
	bridge_put_be16(hdr + 4, BRIDGE_VERSION);
	bridge_put_be16(hdr + 6, type);
	bridge_put_be32(hdr + 8, len);
	bridge_put_be32(hdr + 12, seq);
}

uint32_t
bridge_next_seq(uint32_t *ctr)
{
	if (++*ctr == 0)
		*ctr = 1;
	return *ctr;
}

/*
 * The bytes a msgpack head at c announces: *ret_skip bytes of payload
 * (strings, bin, ext, numbers) and *ret_children objects that follow
 * (arrays: n, maps: 2n).  -1 on a short read or the unused byte 0xc1.
 */
static int
bridge_mp_head(struct cursor *c, uint32_t *ret_skip, uint64_t *ret_children)
{
	uint8_t b, u8;
	uint16_t u16;
	uint32_t u32, skip = 0;
	uint64_t children = 0;

	if (cur_get_u8(c, &b) != 0)
		return -1;
	if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
		;
	else if (b >= 0x80 && b <= 0x8f)
		children = 2ULL * (b & 0x0f);
	else if (b >= 0x90 && b <= 0x9f)
		children = b & 0x0f;
	else if (b >= 0xa0 && b <= 0xbf)
		skip = b & 0x1f;
	else {
		switch (b) {
		case 0xc4: case 0xd9:		/* bin8, str8 */
			if (cur_get_u8(c, &u8) != 0)
				return -1;
			skip = u8;
			break;
		case 0xc5: case 0xda:		/* bin16, str16 */
			if (cur_get_be16(c, &u16) != 0)
				return -1;
			skip = u16;
			break;
		case 0xc6: case 0xdb:		/* bin32, str32 */
			if (cur_get_be32(c, &u32) != 0)
				return -1;
			skip = u32;
			break;
		case 0xc7:			/* ext8: len, type */
			if (cur_get_u8(c, &u8) != 0)
				return -1;
			skip = (uint32_t)u8 + 1;
			break;
		case 0xc8:
			if (cur_get_be16(c, &u16) != 0)
				return -1;
			skip = (uint32_t)u16 + 1;
			break;
		case 0xc9:
			if (cur_get_be32(c, &u32) != 0 || u32 == UINT32_MAX)
				return -1;
			skip = u32 + 1;
			break;
		case 0xca: case 0xce: case 0xd2: skip = 4; break;
		case 0xcb: case 0xcf: case 0xd3: skip = 8; break;
		case 0xcc: case 0xd0: skip = 1; break;
		case 0xcd: case 0xd1: skip = 2; break;
		case 0xd4: skip = 2; break;	/* fixext: type + data */
		case 0xd5: skip = 3; break;
		case 0xd6: skip = 5; break;
		case 0xd7: skip = 9; break;
		case 0xd8: skip = 17; break;
		case 0xdc:			/* array16 */
			if (cur_get_be16(c, &u16) != 0)
				return -1;
			children = u16;
			break;
		case 0xdd:
			if (cur_get_be32(c, &u32) != 0)
				return -1;
			children = u32;
			break;
		case 0xde:			/* map16 */
			if (cur_get_be16(c, &u16) != 0)
				return -1;
			children = 2ULL * u16;
			break;
		case 0xdf:
			if (cur_get_be32(c, &u32) != 0)
				return -1;
			children = 2ULL * u32;
			break;
		default:			/* 0xc1, never used */
			return -1;
		}
	}
	*ret_skip = skip;
	*ret_children = children;
	return 0;
}

int
bridge_mp_check(const uint8_t *p, size_t len)
{
	/* Objects still to read at each open level. */
	uint64_t pending[BRIDGE_MAX_DEPTH + 1];
	struct cursor c;
	uint64_t children;
	uint32_t skip;
	int depth, count = 0;

	cur_init(&c, p, len);
	while (cur_left(&c) > 0) {
		depth = 0;
		pending[0] = 1;
		while (depth >= 0) {
			if (pending[depth] == 0) {
				depth--;
				continue;
			}
			pending[depth]--;
			if (bridge_mp_head(&c, &skip, &children) != 0 ||
			    cur_skip(&c, skip) != 0)
				return -EBADMSG;
			if (children == 0)
				continue;
			/* Every child takes at least one byte. */
			if (children > cur_left(&c) ||
			    depth + 1 > BRIDGE_MAX_DEPTH)
				return -EBADMSG;
			pending[++depth] = children;
		}
		if (count == INT32_MAX)
			return -EBADMSG;
		count++;
	}
	return count;
}

void
bridge_out_begin(msgpack_sbuffer *sbuf, uint16_t type, uint32_t seq)
{
	uint8_t hdr[BRIDGE_HDR_LEN];

	msgpack_sbuffer_clear(sbuf);
	bridge_write_header(hdr, type, seq, 0);
	msgpack_sbuffer_write(sbuf, (const char *)hdr, sizeof(hdr));
}

int
bridge_out_end(msgpack_sbuffer *sbuf, size_t max_payload)
{
	size_t len = sbuf->size - BRIDGE_HDR_LEN;

	if (sbuf->size < BRIDGE_HDR_LEN)
		return -EINVAL;
	if (len > max_payload) {
		msgpack_sbuffer_clear(sbuf);
		return -EMSGSIZE;
	}
	bridge_put_be32((uint8_t *)sbuf->data + 8, (uint32_t)len);
	return 0;
}

void
bridge_pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

void
bridge_pack_kv_str(msgpack_packer *pk, const char *key, const char *v)
{
	bridge_pack_cstr(pk, key);
	bridge_pack_cstr(pk, v);
}

void
bridge_pack_kv_u64(msgpack_packer *pk, const char *key, uint64_t v)
{
	bridge_pack_cstr(pk, key);
	msgpack_pack_uint64(pk, v);
}

void
bridge_pack_kv_i64(msgpack_packer *pk, const char *key, int64_t v)
{
	bridge_pack_cstr(pk, key);
	msgpack_pack_int64(pk, v);
}

void
bridge_pack_kv_double(msgpack_packer *pk, const char *key, double v)
{
	bridge_pack_cstr(pk, key);
	msgpack_pack_double(pk, v);
}

void
bridge_pack_kv_bool(msgpack_packer *pk, const char *key, bool v)
{
	bridge_pack_cstr(pk, key);
	if (v)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
}

static void
bridge_pack_str_list(msgpack_packer *pk, const char *key,
    const char *const *list, size_t n)
{
	size_t i;

	bridge_pack_cstr(pk, key);
	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++)
		bridge_pack_cstr(pk, list[i]);
}

int
bridge_encode_empty(msgpack_sbuffer *sbuf, uint16_t type, uint32_t seq)
{
	bridge_out_begin(sbuf, type, seq);
	return bridge_out_end(sbuf, 0);
}

int
bridge_encode_config(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_config *m)
{
	msgpack_packer pk;
	size_t i;

	if (m->count > BRIDGE_MAX_LIST)
		return -EMSGSIZE;
	bridge_out_begin(sbuf, BRIDGE_CONFIG, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, m->count);
	for (i = 0; i < m->count; i++)
		bridge_pack_kv_str(&pk, m->keys[i], m->values[i]);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_hello(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_hello *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_HELLO, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	bridge_pack_kv_u64(&pk, "version", m->version);
	bridge_pack_kv_u64(&pk, "pid", m->pid);
	bridge_pack_kv_u64(&pk, "port", m->port);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_error(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_error *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_ERROR, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_u64(&pk, "status", m->status);
	bridge_pack_kv_str(&pk, "reason", m->reason != NULL ? m->reason : "");
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_fatal(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_fatal *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_FATAL, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_u64(&pk, "err", m->err);
	bridge_pack_kv_str(&pk, "reason", m->reason != NULL ? m->reason : "");
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_devices_req(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_devices_req *m)
{
	msgpack_packer pk;
	size_t n = 1;

	if (m->n_keys > BRIDGE_MAX_LIST || m->n_macs > BRIDGE_MAX_LIST)
		return -EMSGSIZE;
	n += m->has_since + (m->n_keys > 0) + (m->n_macs > 0) +
	    (m->clients_of != NULL) + (m->related_to != NULL) +
	    (m->phyname != NULL) + (m->seenby != NULL);
	bridge_out_begin(sbuf, BRIDGE_DEVICES_REQ, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, n);
	bridge_pack_kv_u64(&pk, "view", m->view);
	if (m->has_since)
		bridge_pack_kv_double(&pk, "since", m->since);
	if (m->n_keys > 0)
		bridge_pack_str_list(&pk, "keys", m->keys, m->n_keys);
	if (m->n_macs > 0)
		bridge_pack_str_list(&pk, "macs", m->macs, m->n_macs);
	if (m->clients_of != NULL)
		bridge_pack_kv_str(&pk, "clients_of", m->clients_of);
	if (m->related_to != NULL)
		bridge_pack_kv_str(&pk, "related_to", m->related_to);
	if (m->phyname != NULL)
		bridge_pack_kv_str(&pk, "phyname", m->phyname);
	if (m->seenby != NULL)
		bridge_pack_kv_str(&pk, "seenby", m->seenby);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_devices_end(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_devices_end *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_DEVICES_END, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_double(&pk, "timestamp", m->timestamp);
	bridge_pack_kv_u64(&pk, "count", m->count);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_devices_page(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_devices_page *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_DEVICES_PAGE, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 4 + (m->phyname != NULL) +
	    (m->seenby != NULL) + (m->sort != NULL) + (m->search != NULL));
	bridge_pack_kv_u64(&pk, "view", m->view);
	bridge_pack_kv_u64(&pk, "start", m->start);
	bridge_pack_kv_u64(&pk, "length", m->length);
	bridge_pack_cstr(&pk, "desc");
	if (m->desc)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
	if (m->phyname != NULL)
		bridge_pack_kv_str(&pk, "phyname", m->phyname);
	if (m->seenby != NULL)
		bridge_pack_kv_str(&pk, "seenby", m->seenby);
	if (m->sort != NULL)
		bridge_pack_kv_str(&pk, "sort", m->sort);
	if (m->search != NULL)
		bridge_pack_kv_str(&pk, "search", m->search);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_page_end(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_page_end *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_PAGE_END, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 4);
	bridge_pack_kv_double(&pk, "timestamp", m->timestamp);
	bridge_pack_kv_u64(&pk, "count", m->count);
	bridge_pack_kv_u64(&pk, "total", m->total);
	bridge_pack_kv_u64(&pk, "filtered", m->filtered);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_sources_req(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_sources_req *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_SOURCES_REQ, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, m->uuid != NULL);
	if (m->uuid != NULL)
		bridge_pack_kv_str(&pk, "uuid", m->uuid);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_source_cmd(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_source_cmd *m)
{
	msgpack_packer pk;
	const char *name;
	size_t n = 1;

	if ((name = bridge_source_cmd_name(m->cmd)) == NULL)
		return -EINVAL;
	if (m->n_channels > BRIDGE_MAX_LIST)
		return -EMSGSIZE;
	n += (m->uuid != NULL) + (m->definition != NULL) +
	    (m->channel != NULL) + (m->n_channels > 0) + m->has_rate +
	    m->has_shuffle;
	bridge_out_begin(sbuf, BRIDGE_SOURCE_CMD, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, n);
	bridge_pack_kv_str(&pk, "cmd", name);
	if (m->uuid != NULL)
		bridge_pack_kv_str(&pk, "uuid", m->uuid);
	if (m->definition != NULL)
		bridge_pack_kv_str(&pk, "definition", m->definition);
	if (m->channel != NULL)
		bridge_pack_kv_str(&pk, "channel", m->channel);
	if (m->n_channels > 0)
		bridge_pack_str_list(&pk, "channels", m->channels,
		    m->n_channels);
	if (m->has_rate)
		bridge_pack_kv_double(&pk, "rate", m->rate);
	if (m->has_shuffle)
		bridge_pack_kv_bool(&pk, "shuffle", m->shuffle);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_packets_sub(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_packets_sub *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_PACKETS_SUB, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_bool(&pk, "on", m->on);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_packet_source(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_packet_source *m)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_PACKET_SOURCE, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	bridge_pack_kv_u64(&pk, "number", m->number);
	bridge_pack_kv_str(&pk, "uuid", m->uuid != NULL ? m->uuid : "");
	bridge_pack_kv_str(&pk, "name", m->name != NULL ? m->name : "");
	return bridge_out_end(sbuf, BRIDGE_MAX_PAYLOAD);
}

int
bridge_encode_packet(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_packet *m)
{
	uint8_t h[BRIDGE_PACKET_HDR];

	if (m->n_addr > 4 || m->caplen > BRIDGE_MAX_PAYLOAD -
	    BRIDGE_PACKET_HDR)
		return -EMSGSIZE;
	memset(h, 0, sizeof(h));
	bridge_put_be32(h, m->source);
	bridge_put_be32(h + 4, m->dlt);
	bridge_put_be32(h + 8, (uint32_t)(m->ts_usec >> 32));
	bridge_put_be32(h + 12, (uint32_t)m->ts_usec);
	bridge_put_be32(h + 16, m->len);
	h[20] = m->n_addr;
	h[21] = m->flags;
	memcpy(h + 24, m->addr, sizeof(m->addr));
	memcpy(h + 48, m->bssid, sizeof(m->bssid));
	bridge_out_begin(sbuf, BRIDGE_PACKET, seq);
	msgpack_sbuffer_write(sbuf, (const char *)h, sizeof(h));
	if (m->caplen > 0)
		msgpack_sbuffer_write(sbuf, (const char *)m->data, m->caplen);
	return bridge_out_end(sbuf, BRIDGE_MAX_PAYLOAD);
}

static const char *bridge_sys_names[BRIDGE_SYS_MAX] = {
	[BRIDGE_SYS_STATUS] = "status",
	[BRIDGE_SYS_MESSAGES] = "messages",
	[BRIDGE_SYS_ALERTS] = "alerts",
	[BRIDGE_SYS_CHANNELS] = "channels",
	[BRIDGE_SYS_GPS] = "gps",
	[BRIDGE_SYS_PACKET_STATS] = "packet_stats",
	[BRIDGE_SYS_ALERT_DEFS] = "alert_definitions",
	[BRIDGE_SYS_GPS_ALL] = "gps_all",
	[BRIDGE_SYS_GPS_DRIVERS] = "gps_drivers",
	[BRIDGE_SYS_VIEWS] = "views",
	[BRIDGE_SYS_PHYS] = "phys",
	[BRIDGE_SYS_INTERFACES] = "interfaces",
	[BRIDGE_SYS_SOURCE_TYPES] = "source_types",
	[BRIDGE_SYS_SOURCE_DEFAULTS] = "source_defaults",
	[BRIDGE_SYS_LOG_DRIVERS] = "log_drivers",
	[BRIDGE_SYS_LOG_ACTIVE] = "log_active",
	[BRIDGE_SYS_GPS_TRACK] = "gps_track",
	[BRIDGE_SYS_ALERT_BY_ID] = "alert_by_id",
};

static const char *bridge_cmd_kinds[BRIDGE_CMD_MAX] = {
	[BRIDGE_CMD_SET_NAME] = "set_name",
	[BRIDGE_CMD_SET_TAG] = "set_tag",
	[BRIDGE_CMD_DEFINE_ALERT] = "define_alert",
	[BRIDGE_CMD_RAISE_ALERT] = "raise_alert",
	[BRIDGE_CMD_ADD_GPS] = "add_gps",
	[BRIDGE_CMD_REMOVE_GPS] = "remove_gps",
	[BRIDGE_CMD_WEB_GPS] = "web_gps",
};

/* The strings of a CMD: wire key and where the struct keeps it. */
static const struct {
	const char	*key;
	size_t		 off;
} bridge_cmd_strs[] = {
	{ "key", offsetof(struct bridge_cmd, key) },
	{ "name", offsetof(struct bridge_cmd, name) },
	{ "value", offsetof(struct bridge_cmd, value) },
	{ "phyname", offsetof(struct bridge_cmd, phyname) },
	{ "throttle", offsetof(struct bridge_cmd, throttle) },
	{ "burst", offsetof(struct bridge_cmd, burst) },
	{ "bssid", offsetof(struct bridge_cmd, bssid) },
	{ "source", offsetof(struct bridge_cmd, source) },
	{ "dest", offsetof(struct bridge_cmd, dest) },
	{ "other", offsetof(struct bridge_cmd, other) },
	{ "channel", offsetof(struct bridge_cmd, channel) },
};
#define BRIDGE_CMD_NSTR	(sizeof(bridge_cmd_strs) / sizeof(bridge_cmd_strs[0]))
#define BRIDGE_CMD_STR(m, i) \
	(*(const char *const *)((const char *)(m) + bridge_cmd_strs[i].off))

int
bridge_encode_cmd(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_cmd *m)
{
	msgpack_packer pk;
	size_t i, n = 1;

	if (m->cmd == 0 || m->cmd >= BRIDGE_CMD_MAX)
		return -EINVAL;
	for (i = 0; i < BRIDGE_CMD_NSTR; i++)
		n += BRIDGE_CMD_STR(m, i) != NULL;
	bridge_out_begin(sbuf, BRIDGE_CMD, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, n);
	bridge_pack_kv_str(&pk, "cmd", bridge_cmd_kinds[m->cmd]);
	for (i = 0; i < BRIDGE_CMD_NSTR; i++)
		if (BRIDGE_CMD_STR(m, i) != NULL)
			bridge_pack_kv_str(&pk, bridge_cmd_strs[i].key,
			    BRIDGE_CMD_STR(m, i));
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_kismetdb_req(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_kismetdb_req *r)
{
	msgpack_packer pk;
	size_t i;

	bridge_out_begin(sbuf, BRIDGE_KISMETDB_REQ, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	bridge_pack_cstr(&pk, "filter");
	msgpack_pack_map(&pk, r->count);
	for (i = 0; i < r->count; i++)
		bridge_pack_kv_str(&pk, r->keys[i], r->values[i]);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

int
bridge_encode_kismetdb_data(msgpack_sbuffer *sbuf, uint32_t seq,
    const void *data, size_t len)
{
	bridge_out_begin(sbuf, BRIDGE_KISMETDB_DATA, seq);
	msgpack_sbuffer_write(sbuf, data, len);
	return bridge_out_end(sbuf, BRIDGE_MAX_PAYLOAD);
}

int
bridge_encode_kismetdb_end(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_kismetdb_end *e)
{
	msgpack_packer pk;

	bridge_out_begin(sbuf, BRIDGE_KISMETDB_END, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_u64(&pk, "packets", e->packets);
	return bridge_out_end(sbuf, BRIDGE_MAX_PAYLOAD);
}

int
bridge_encode_system_req(msgpack_sbuffer *sbuf, uint32_t seq,
    const struct bridge_system_req *m)
{
	msgpack_packer pk;

	if (m->what == 0 || m->what >= BRIDGE_SYS_MAX)
		return -EINVAL;
	bridge_out_begin(sbuf, BRIDGE_SYSTEM_REQ, seq);
	msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1 + m->has_since);
	bridge_pack_kv_str(&pk, "what", bridge_sys_names[m->what]);
	if (m->has_since)
		bridge_pack_kv_double(&pk, "since", m->since);
	return bridge_out_end(sbuf, BRIDGE_MAX_REQUEST);
}

/* Decoding */

static const msgpack_object *
bridge_get(const msgpack_object *map, const char *key)
{
	size_t klen = strlen(key);
	uint32_t i;

	for (i = 0; i < map->via.map.size; i++) {
		const msgpack_object *k = &map->via.map.ptr[i].key;

		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
		    memcmp(k->via.str.ptr, key, klen) == 0)
			return &map->via.map.ptr[i].val;
	}
	return NULL;
}

/* A str object as a NUL-terminated copy in the zone; NULL if not one. */
static const char *
bridge_cstr(msgpack_zone *z, const msgpack_object *o)
{
	char *s;

	/* msgpack-c leaves ptr NULL for an empty string: no mem*() then. */
	if (o == NULL || o->type != MSGPACK_OBJECT_STR || (o->via.str.size > 0 &&
	    memchr(o->via.str.ptr, '\0', o->via.str.size) != NULL))
		return NULL;
	if ((s = msgpack_zone_malloc(z, o->via.str.size + 1)) == NULL)
		return NULL;
	if (o->via.str.size > 0)
		memcpy(s, o->via.str.ptr, o->via.str.size);
	s[o->via.str.size] = '\0';
	return s;
}

/* -1 absent, 0 set, -EBADMSG present but not a string. */
static int
bridge_opt_str(msgpack_zone *z, const msgpack_object *map, const char *key,
    const char **ret)
{
	const msgpack_object *o = bridge_get(map, key);
	const char *s;

	if (o == NULL)
		return -1;
	if ((s = bridge_cstr(z, o)) == NULL)
		return -EBADMSG;
	*ret = s;
	return 0;
}

static int
bridge_opt_u32(const msgpack_object *map, const char *key, uint32_t *ret)
{
	const msgpack_object *o = bridge_get(map, key);

	if (o == NULL)
		return -1;
	if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    o->via.u64 > UINT32_MAX)
		return -EBADMSG;
	*ret = (uint32_t)o->via.u64;
	return 0;
}

static int
bridge_opt_double(const msgpack_object *map, const char *key, double *ret)
{
	const msgpack_object *o = bridge_get(map, key);

	if (o == NULL)
		return -1;
	switch (o->type) {
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		*ret = o->via.f64;
		return 0;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		*ret = (double)o->via.u64;
		return 0;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*ret = (double)o->via.i64;
		return 0;
	default:
		return -EBADMSG;
	}
}

static int
bridge_opt_bool(const msgpack_object *map, const char *key, bool *ret)
{
	const msgpack_object *o = bridge_get(map, key);

	if (o == NULL)
		return -1;
	if (o->type != MSGPACK_OBJECT_BOOLEAN)
		return -EBADMSG;
	*ret = o->via.boolean;
	return 0;
}

static int
bridge_opt_str_list(msgpack_zone *z, const msgpack_object *map,
    const char *key, const char ***ret, size_t *ret_n)
{
	const msgpack_object *o = bridge_get(map, key);
	const char **list;
	uint32_t i;

	if (o == NULL)
		return -1;
	if (o->type != MSGPACK_OBJECT_ARRAY ||
	    o->via.array.size > BRIDGE_MAX_LIST)
		return -EBADMSG;
	list = msgpack_zone_malloc(z, (o->via.array.size + 1) *
	    sizeof(*list));
	if (list == NULL)
		return -EBADMSG;
	for (i = 0; i < o->via.array.size; i++)
		if ((list[i] = bridge_cstr(z, &o->via.array.ptr[i])) == NULL)
			return -EBADMSG;
	list[i] = NULL;
	*ret = list;
	*ret_n = o->via.array.size;
	return 0;
}

/* A required field's getter result: only 0 will do. */
#define BRIDGE_REQUIRE(x)	do { if ((x) != 0) return -EBADMSG; } while (0)
/* An optional field's: absent (-1) is fine, malformed is not. */
#define BRIDGE_OPTIONAL(x)	do { if ((x) < -1) return -EBADMSG; } while (0)

static int
bridge_decode_config(msgpack_zone *z, const msgpack_object *o,
    struct bridge_config *m)
{
	uint32_t i, n = o->via.map.size;

	if (n > BRIDGE_MAX_LIST)
		return -EBADMSG;
	m->keys = msgpack_zone_malloc(z, (n + 1) * sizeof(*m->keys));
	m->values = msgpack_zone_malloc(z, (n + 1) * sizeof(*m->values));
	if (m->keys == NULL || m->values == NULL)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		m->keys[i] = bridge_cstr(z, &o->via.map.ptr[i].key);
		m->values[i] = bridge_cstr(z, &o->via.map.ptr[i].val);
		if (m->keys[i] == NULL || m->values[i] == NULL)
			return -EBADMSG;
	}
	m->count = n;
	return 0;
}

static int
bridge_decode_map(const struct bridge_hdr *hdr, msgpack_zone *z,
    const msgpack_object *o, struct bridge_msg *m)
{
	const char *s = NULL;
	uint32_t i;

	if (o->type != MSGPACK_OBJECT_MAP)
		return -EBADMSG;
	switch (hdr->type) {
	case BRIDGE_CONFIG:
		return bridge_decode_config(z, o, &m->u.config);
	case BRIDGE_HELLO:
		BRIDGE_REQUIRE(bridge_opt_u32(o, "version",
		    &m->u.hello.version));
		BRIDGE_REQUIRE(bridge_opt_u32(o, "pid", &m->u.hello.pid));
		BRIDGE_REQUIRE(bridge_opt_u32(o, "port", &m->u.hello.port));
		return 0;
	case BRIDGE_ERROR:
		BRIDGE_REQUIRE(bridge_opt_u32(o, "status",
		    &m->u.error.status));
		BRIDGE_REQUIRE(bridge_opt_str(z, o, "reason",
		    &m->u.error.reason));
		if (m->u.error.status < 400 || m->u.error.status > 599)
			return -EBADMSG;
		return 0;
	case BRIDGE_FATAL:
		BRIDGE_REQUIRE(bridge_opt_u32(o, "err", &m->u.fatal.err));
		BRIDGE_REQUIRE(bridge_opt_str(z, o, "reason",
		    &m->u.fatal.reason));
		return 0;
	case BRIDGE_DEVICES_REQ: {
		struct bridge_devices_req *r = &m->u.devices_req;
		int rc;

		BRIDGE_REQUIRE(bridge_opt_u32(o, "view", &r->view));
		if (r->view > BRIDGE_VIEW_ACCESSPOINTS)
			return -EBADMSG;
		rc = bridge_opt_double(o, "since", &r->since);
		BRIDGE_OPTIONAL(rc);
		r->has_since = rc == 0;
		BRIDGE_OPTIONAL(bridge_opt_str_list(z, o, "keys", &r->keys,
		    &r->n_keys));
		BRIDGE_OPTIONAL(bridge_opt_str_list(z, o, "macs", &r->macs,
		    &r->n_macs));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "clients_of",
		    &r->clients_of));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "related_to",
		    &r->related_to));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "phyname",
		    &r->phyname));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "seenby", &r->seenby));
		return 0;
	}
	case BRIDGE_DEVICES_END:
		BRIDGE_REQUIRE(bridge_opt_double(o, "timestamp",
		    &m->u.devices_end.timestamp));
		if (bridge_get(o, "count") == NULL ||
		    bridge_get(o, "count")->type !=
		    MSGPACK_OBJECT_POSITIVE_INTEGER)
			return -EBADMSG;
		m->u.devices_end.count = bridge_get(o, "count")->via.u64;
		return 0;
	case BRIDGE_DEVICES_PAGE: {
		struct bridge_devices_page *p = &m->u.devices_page;

		BRIDGE_REQUIRE(bridge_opt_u32(o, "view", &p->view));
		if (p->view > BRIDGE_VIEW_ACCESSPOINTS)
			return -EBADMSG;
		BRIDGE_REQUIRE(bridge_opt_u32(o, "start", &p->start));
		BRIDGE_REQUIRE(bridge_opt_u32(o, "length", &p->length));
		BRIDGE_REQUIRE(bridge_opt_bool(o, "desc", &p->desc));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "phyname",
		    &p->phyname));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "seenby", &p->seenby));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "sort", &p->sort));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "search", &p->search));
		return 0;
	}
	case BRIDGE_PAGE_END: {
		struct bridge_page_end *e = &m->u.page_end;
		const char *k[3] = { "count", "total", "filtered" };
		uint64_t *v[3] = { &e->count, &e->total, &e->filtered };
		const msgpack_object *n;
		int j;

		BRIDGE_REQUIRE(bridge_opt_double(o, "timestamp",
		    &e->timestamp));
		for (j = 0; j < 3; j++) {
			if ((n = bridge_get(o, k[j])) == NULL ||
			    n->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
				return -EBADMSG;
			*v[j] = n->via.u64;
		}
		return 0;
	}
	case BRIDGE_SOURCES_REQ:
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "uuid",
		    &m->u.sources_req.uuid));
		return 0;
	case BRIDGE_SOURCE_CMD: {
		struct bridge_source_cmd *c = &m->u.source_cmd;
		int rc;

		BRIDGE_REQUIRE(bridge_opt_str(z, o, "cmd", &s));
		if ((c->cmd = bridge_source_cmd_from_name(s)) == 0)
			return -EBADMSG;
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "uuid", &c->uuid));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "definition",
		    &c->definition));
		BRIDGE_OPTIONAL(bridge_opt_str(z, o, "channel",
		    &c->channel));
		BRIDGE_OPTIONAL(bridge_opt_str_list(z, o, "channels",
		    &c->channels, &c->n_channels));
		rc = bridge_opt_double(o, "rate", &c->rate);
		BRIDGE_OPTIONAL(rc);
		c->has_rate = rc == 0;
		rc = bridge_opt_bool(o, "shuffle", &c->shuffle);
		BRIDGE_OPTIONAL(rc);
		c->has_shuffle = rc == 0;
		/* What each command needs to mean anything. */
		if (c->cmd == BRIDGE_SRC_ADD ? c->definition == NULL :
		    c->uuid == NULL)
			return -EBADMSG;
		return 0;
	}
	case BRIDGE_PACKETS_SUB:
		BRIDGE_REQUIRE(bridge_opt_bool(o, "on", &m->u.packets_sub.on));
		return 0;
	case BRIDGE_PACKET_SOURCE:
		BRIDGE_REQUIRE(bridge_opt_u32(o, "number",
		    &m->u.packet_source.number));
		BRIDGE_REQUIRE(bridge_opt_str(z, o, "uuid",
		    &m->u.packet_source.uuid));
		BRIDGE_REQUIRE(bridge_opt_str(z, o, "name",
		    &m->u.packet_source.name));
		return 0;
	case BRIDGE_KISMETDB_REQ: {
		const msgpack_object *f = bridge_get(o, "filter");
		struct bridge_config kv;

		if (f == NULL || f->type != MSGPACK_OBJECT_MAP ||
		    bridge_decode_config(z, f, &kv) != 0)
			return -EBADMSG;
		m->u.kismetdb_req.keys = kv.keys;
		m->u.kismetdb_req.values = kv.values;
		m->u.kismetdb_req.count = kv.count;
		return 0;
	}
	case BRIDGE_KISMETDB_END: {
		const msgpack_object *v = bridge_get(o, "packets");

		if (v == NULL || v->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
			return -EBADMSG;
		m->u.kismetdb_end.packets = v->via.u64;
		return 0;
	}
	case BRIDGE_SYSTEM_REQ: {
		struct bridge_system_req *r = &m->u.system_req;
		int rc;

		BRIDGE_REQUIRE(bridge_opt_str(z, o, "what", &s));
		for (i = 1; i < BRIDGE_SYS_MAX; i++)
			if (strcmp(bridge_sys_names[i], s) == 0)
				r->what = i;
		if (r->what == 0)
			return -EBADMSG;
		rc = bridge_opt_double(o, "since", &r->since);
		BRIDGE_OPTIONAL(rc);
		r->has_since = rc == 0;
		return 0;
	}
	case BRIDGE_CMD: {
		struct bridge_cmd *c = &m->u.cmd;

		BRIDGE_REQUIRE(bridge_opt_str(z, o, "cmd", &s));
		for (i = 1; i < BRIDGE_CMD_MAX; i++)
			if (strcmp(bridge_cmd_kinds[i], s) == 0)
				c->cmd = i;
		if (c->cmd == 0)
			return -EBADMSG;
		for (i = 0; i < BRIDGE_CMD_NSTR; i++)
			BRIDGE_OPTIONAL(bridge_opt_str(z, o,
			    bridge_cmd_strs[i].key, (const char **)((char *)c +
			    bridge_cmd_strs[i].off)));
		/* What each command needs to mean anything. */
		if (c->cmd == BRIDGE_CMD_REMOVE_GPS)
			return c->key != NULL ? 0 : -EBADMSG;
		if (c->cmd == BRIDGE_CMD_ADD_GPS ||
		    c->cmd == BRIDGE_CMD_WEB_GPS)
			return c->value != NULL ? 0 : -EBADMSG;
		if (c->name == NULL || ((c->cmd == BRIDGE_CMD_SET_NAME ||
		    c->cmd == BRIDGE_CMD_SET_TAG) && c->key == NULL) ||
		    (c->cmd != BRIDGE_CMD_SET_NAME && c->value == NULL))
			return -EBADMSG;
		return 0;
	}
	default:
		return -EPROTO;
	}
}

static int
bridge_decode_packet(const uint8_t *payload, size_t len,
    struct bridge_packet *p)
{
	struct cursor c;
	uint32_t hi, lo;
	uint16_t reserved;

	cur_init(&c, payload, len);
	if (cur_get_be32(&c, &p->source) != 0 ||
	    cur_get_be32(&c, &p->dlt) != 0 ||
	    cur_get_be32(&c, &hi) != 0 || cur_get_be32(&c, &lo) != 0 ||
	    cur_get_be32(&c, &p->len) != 0 ||
	    cur_get_u8(&c, &p->n_addr) != 0 ||
	    cur_get_u8(&c, &p->flags) != 0 ||
	    cur_get_be16(&c, &reserved) != 0 ||
	    cur_copy(&c, p->addr, sizeof(p->addr)) != 0 ||
	    cur_copy(&c, p->bssid, sizeof(p->bssid)) != 0 ||
	    cur_get_be16(&c, &reserved) != 0)
		return -EBADMSG;
	if (p->n_addr > 4)
		return -EBADMSG;
	p->ts_usec = (uint64_t)hi << 32 | lo;
	p->caplen = cur_left(&c);
	if (p->caplen > p->len)
		return -EBADMSG;
	return 0;
}

/* Types whose payload is a run of records rather than one map. */
static bool
bridge_is_records(uint16_t type)
{
	return type == BRIDGE_DEVICES_SLICE || type == BRIDGE_SOURCES_REPLY;
}

int
bridge_decode(const struct bridge_hdr *hdr, const uint8_t *payload,
    struct bridge_msg *ret)
{
	struct bridge_msg m;
	msgpack_object *objs;
	msgpack_zone *z;
	char *copy;
	size_t off = 0;
	int n, i, rc;

	memset(&m, 0, sizeof(m));
	m.hdr = *hdr;
	if (bridge_type_find(hdr->type) == NULL)
		return -EPROTO;
	if (hdr->type == BRIDGE_DEVICES_MORE ||
	    hdr->type == BRIDGE_DEVICES_CANCEL || hdr->type == BRIDGE_PING ||
	    hdr->type == BRIDGE_PONG || hdr->type == BRIDGE_KISMETDB_MORE ||
	    hdr->type == BRIDGE_KISMETDB_CANCEL) {
		if (hdr->len != 0)
			return -EBADMSG;
		*ret = m;
		return 0;
	}
	if (hdr->type == BRIDGE_KISMETDB_DATA) {
		/* pcapng bytes, left where they are, as a PACKET's. */
		m.u.bytes.data = payload;
		m.u.bytes.len = hdr->len;
		*ret = m;
		return 0;
	}
	if (hdr->type == BRIDGE_PACKET) {
		if ((rc = bridge_decode_packet(payload, hdr->len,
		    &m.u.packet)) != 0)
			return rc;
		/* The data stays in the caller's buffer: no copy per frame. */
		m.u.packet.data = payload + BRIDGE_PACKET_HDR;
		*ret = m;
		return 0;
	}
	if ((n = bridge_mp_check(payload, hdr->len)) < 0)
		return n;
	if (!bridge_is_records(hdr->type) && n != 1)
		return -EBADMSG;

	/* Objects point into their bytes: keep a copy with them. */
	if ((z = msgpack_zone_new(hdr->len + 1024)) == NULL)
		return -ENOMEM;
	copy = msgpack_zone_malloc(z, hdr->len + 1);
	objs = msgpack_zone_malloc(z, (size_t)(n + 1) * sizeof(*objs));
	if (copy == NULL || objs == NULL) {
		msgpack_zone_free(z);
		return -ENOMEM;
	}
	memcpy(copy, payload, hdr->len);
	for (i = 0; i < n; i++) {
		rc = msgpack_unpack(copy, hdr->len, &off, z, &objs[i]);
		if (rc != MSGPACK_UNPACK_SUCCESS &&
		    rc != MSGPACK_UNPACK_EXTRA_BYTES) {
			msgpack_zone_free(z);
			return -EBADMSG;
		}
	}
	m.zone = z;
	rc = 0;
	if (bridge_is_records(hdr->type)) {
		for (i = 0; i < n; i++)
			if (objs[i].type != MSGPACK_OBJECT_MAP)
				rc = -EBADMSG;
		m.u.records.records = objs;
		m.u.records.count = (size_t)n;
	} else if (hdr->type == BRIDGE_SOURCE_CMD_REPLY ||
	    hdr->type == BRIDGE_SYSTEM_REPLY || hdr->type == BRIDGE_CMD_REPLY)
		m.u.object.obj = &objs[0];
	else
		rc = bridge_decode_map(hdr, z, &objs[0], &m);
	if (rc != 0) {
		msgpack_zone_free(z);
		return rc;
	}
	*ret = m;
	return 0;
}

void
bridge_msg_clear(struct bridge_msg *m)
{
	if (m->zone != NULL)
		msgpack_zone_free(m->zone);
	memset(m, 0, sizeof(*m));
}

int
bridge_read_frame(struct evbuffer *in, size_t max_payload,
    enum bridge_sender from, struct bridge_hdr *h, struct bridge_msg *m,
    char *why, size_t why_len)
{
	size_t len = evbuffer_get_length(in);
	uint8_t *p;
	int rc;

	if (len < BRIDGE_HDR_LEN)
		return 0;
	/* Only the header made contiguous until the whole frame is in. */
	p = evbuffer_pullup(in, BRIDGE_HDR_LEN);
	if ((rc = bridge_peek_header(p, BRIDGE_HDR_LEN, max_payload, h)) < 0) {
		snprintf(why, why_len, "bad frame header: %s", strerror(-rc));
		return rc;
	}
	if (len < BRIDGE_HDR_LEN + (size_t)h->len)
		return 0;
	if (bridge_type_sender(h->type) != from) {
		snprintf(why, why_len, "%s is not for the %s",
		    bridge_type_name(h->type),
		    from == BRIDGE_FROM_CORE ? "web worker" : "core");
		return -EPROTO;
	}
	p = evbuffer_pullup(in, BRIDGE_HDR_LEN + (ssize_t)h->len);
	if ((rc = bridge_decode(h, p + BRIDGE_HDR_LEN, m)) != 0) {
		snprintf(why, why_len, "bad %s: %s", bridge_type_name(h->type),
		    strerror(-rc));
		return rc;
	}
	return 1;
}
