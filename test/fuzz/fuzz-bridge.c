/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the bridge header parser and message decoder
 *
 * The input is read as a stream of bridge frames, as the core or the web
 * worker would receive it.  Every request that decodes is encoded again
 * and must decode to the same fields: the encoder has to accept anything
 * the decoder hands out.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
reencode(const struct bridge_msg *m)
{
	struct bridge_msg m2;
	struct bridge_hdr h;
	msgpack_sbuffer sb;
	int rc = -1;

	msgpack_sbuffer_init(&sb);
	switch (m->hdr.type) {
	case BRIDGE_DEVICES_REQ:
		rc = bridge_encode_devices_req(&sb, m->hdr.seq,
		    &m->u.devices_req);
		break;
	case BRIDGE_SOURCE_CMD:
		rc = bridge_encode_source_cmd(&sb, m->hdr.seq,
		    &m->u.source_cmd);
		break;
	case BRIDGE_SYSTEM_REQ:
		rc = bridge_encode_system_req(&sb, m->hdr.seq,
		    &m->u.system_req);
		break;
	case BRIDGE_PACKET:
		rc = bridge_encode_packet(&sb, m->hdr.seq, &m->u.packet);
		break;
	case BRIDGE_CMD:
		rc = bridge_encode_cmd(&sb, m->hdr.seq, &m->u.cmd);
		break;
	case BRIDGE_FATAL:
		rc = bridge_encode_fatal(&sb, m->hdr.seq, &m->u.fatal);
		break;
	case BRIDGE_PING:
	case BRIDGE_PONG:
		rc = bridge_encode_empty(&sb, m->hdr.type, m->hdr.seq);
		break;
	case BRIDGE_KISMETDB_REQ:
		rc = bridge_encode_kismetdb_req(&sb, m->hdr.seq,
		    &m->u.kismetdb_req);
		break;
	default:
		msgpack_sbuffer_destroy(&sb);
		return;
	}
	assert(rc == 0);
	assert(bridge_parse_header((const uint8_t *)sb.data, sb.size,
	    BRIDGE_MAX_PAYLOAD, &h) == 1);
	assert(h.type == m->hdr.type && h.seq == m->hdr.seq);
	assert(bridge_decode(&h, (const uint8_t *)sb.data + BRIDGE_HDR_LEN,
	    &m2) == 0);
	switch (m->hdr.type) {
	case BRIDGE_DEVICES_REQ:
		assert(m2.u.devices_req.n_keys == m->u.devices_req.n_keys);
		assert(m2.u.devices_req.n_macs == m->u.devices_req.n_macs);
		break;
	case BRIDGE_SOURCE_CMD:
		assert(m2.u.source_cmd.cmd == m->u.source_cmd.cmd);
		break;
	case BRIDGE_PACKET:
		assert(m2.u.packet.caplen == m->u.packet.caplen);
		break;
	case BRIDGE_CMD:
		assert(m2.u.cmd.cmd == m->u.cmd.cmd);
		assert(strcmp(m2.u.cmd.name, m->u.cmd.name) == 0);
		break;
	case BRIDGE_FATAL:
		assert(m2.u.fatal.err == m->u.fatal.err);
		assert(strcmp(m2.u.fatal.reason, m->u.fatal.reason) == 0);
		break;
	case BRIDGE_KISMETDB_REQ:
		assert(m2.u.kismetdb_req.count == m->u.kismetdb_req.count);
		break;
	}
	bridge_msg_clear(&m2);
	msgpack_sbuffer_destroy(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_msg m;
	struct bridge_hdr h;
	size_t off = 0;
	uint32_t i;

	while (off < size) {
		/* A small cap keeps the fuzzer near the edges. */
		if (bridge_parse_header(data + off, size - off, 65536,
		    &h) != 1)
			break;
		if (bridge_decode(&h, data + off + BRIDGE_HDR_LEN, &m) == 0) {
			if (h.type == BRIDGE_DEVICES_SLICE)
				for (i = 0; i < m.u.records.count; i++)
					assert(m.u.records.records[i].type ==
					    MSGPACK_OBJECT_MAP);
			reencode(&m);
			bridge_msg_clear(&m);
		}
		off += BRIDGE_HDR_LEN + h.len;
	}
	return 0;
}
