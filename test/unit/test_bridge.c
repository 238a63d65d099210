/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the core-to-web bridge codec */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <event2/buffer.h>

#include "bridge.h"

/* Parse the frame in sbuf and decode it; returns bridge_decode's code. */
static int
roundtrip(msgpack_sbuffer *sb, size_t cap, struct bridge_msg *m)
{
	struct bridge_hdr h;

	assert_int_equal(bridge_parse_header((const uint8_t *)sb->data,
	    sb->size, cap, &h), 1);
	assert_int_equal(h.len + BRIDGE_HDR_LEN, sb->size);
	return bridge_decode(&h, (const uint8_t *)sb->data + BRIDGE_HDR_LEN,
	    m);
}

static void
test_header_fields_and_partial(void **state)
{
	uint8_t buf[BRIDGE_HDR_LEN + 3] = { 0 };
	struct bridge_hdr h;
	size_t i;

	bridge_write_header(buf, BRIDGE_DEVICES_REQ, 0x01020304, 3);
	assert_int_equal(buf[0], 'O');
	assert_int_equal(buf[3], 'B');
	assert_int_equal(buf[6], 0x02);
	assert_int_equal(buf[7], 0x01);
	/* Any prefix is "need more", never an error or a frame. */
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(bridge_parse_header(buf, i, 100, &h), 0);
	assert_int_equal(bridge_parse_header(buf, sizeof(buf), 100, &h), 1);
	/* peek answers as soon as the 16 header bytes are there. */
	memset(&h, 0, sizeof(h));
	assert_int_equal(bridge_peek_header(buf, BRIDGE_HDR_LEN - 1, 100,
	    &h), 0);
	assert_int_equal(bridge_peek_header(buf, BRIDGE_HDR_LEN, 100, &h), 1);
	assert_int_equal(h.len, 3);
	assert_int_equal(h.type, BRIDGE_DEVICES_REQ);
	assert_int_equal(h.seq, 0x01020304);
	assert_int_equal(h.len, 3);
	assert_int_equal(h.version, BRIDGE_VERSION);
}

static void
test_header_refusals(void **state)
{
	uint8_t buf[BRIDGE_HDR_LEN];
	struct bridge_hdr h;

	bridge_write_header(buf, BRIDGE_HELLO, 1, 101);
	/* The cap is judged from the length field alone. */
	assert_int_equal(bridge_parse_header(buf, 12, 100, &h), -EMSGSIZE);
	assert_int_equal(bridge_parse_header(buf, 12, 101, &h), 0);

	buf[0] ^= 0xff;
	assert_int_equal(bridge_parse_header(buf, 4, 100, &h), -EBADMSG);
	buf[0] ^= 0xff;

	buf[5] = 9;
	assert_int_equal(bridge_parse_header(buf, 6, 100, &h), -EPROTO);
	buf[5] = BRIDGE_VERSION;

	bridge_write_header(buf, 0x0299, 1, 0);
	assert_int_equal(bridge_parse_header(buf, 8, 100, &h), -EPROTO);
	bridge_write_header(buf, 0, 1, 0);
	assert_int_equal(bridge_parse_header(buf, 8, 100, &h), -EPROTO);
}

static void
test_type_table(void **state)
{
	assert_string_equal(bridge_type_name(BRIDGE_DEVICES_SLICE),
	    "DEVICES_SLICE");
	assert_null(bridge_type_name(0x9999));
	assert_int_equal(bridge_type_sender(BRIDGE_DEVICES_REQ),
	    BRIDGE_FROM_WEB);
	assert_int_equal(bridge_type_sender(BRIDGE_PACKET), BRIDGE_FROM_CORE);
	assert_int_equal(bridge_type_sender(0x9999), BRIDGE_FROM_NONE);
	/* The liveness pair and the worker's last words. */
	assert_int_equal(bridge_type_sender(BRIDGE_PING), BRIDGE_FROM_CORE);
	assert_int_equal(bridge_type_sender(BRIDGE_PONG), BRIDGE_FROM_WEB);
	assert_int_equal(bridge_type_sender(BRIDGE_FATAL), BRIDGE_FROM_WEB);
	assert_string_equal(bridge_type_name(BRIDGE_FATAL), "FATAL");
	assert_int_equal(bridge_source_cmd_from_name("set_channel"),
	    BRIDGE_SRC_SET_CHANNEL);
	assert_int_equal(bridge_source_cmd_from_name("nope"), 0);
	assert_string_equal(bridge_source_cmd_name(BRIDGE_SRC_PAUSE),
	    "pause_source");
	assert_null(bridge_source_cmd_name(BRIDGE_SRC_MAX));
}

static void
test_seq_skips_zero(void **state)
{
	uint32_t ctr = UINT32_MAX - 1;

	assert_int_equal(bridge_next_seq(&ctr), UINT32_MAX);
	assert_int_equal(bridge_next_seq(&ctr), 1);
}

static void
test_devices_req_roundtrip(void **state)
{
	const char *keys[] = { "4202770D00000000_AABBCCDDEEFF" };
	const char *macs[] = { "AA:BB:CC:DD:EE:FF", "00:11:22:33:44:55" };
	struct bridge_devices_req r = {
		.has_since = true, .since = 1700000000.25,
		.view = BRIDGE_VIEW_ACCESSPOINTS,
		.keys = keys, .n_keys = 1, .macs = macs, .n_macs = 2,
		.clients_of = "KEY",
	};
	msgpack_sbuffer sb;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_devices_req(&sb, 7, &r), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.hdr.seq, 7);
	assert_true(m.u.devices_req.has_since);
	assert_true(m.u.devices_req.since == 1700000000.25);
	assert_int_equal(m.u.devices_req.view, BRIDGE_VIEW_ACCESSPOINTS);
	assert_int_equal(m.u.devices_req.n_keys, 1);
	assert_string_equal(m.u.devices_req.keys[0], keys[0]);
	assert_int_equal(m.u.devices_req.n_macs, 2);
	assert_string_equal(m.u.devices_req.macs[1], macs[1]);
	assert_string_equal(m.u.devices_req.clients_of, "KEY");
	bridge_msg_clear(&m);

	/* The minimal request: every device. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(bridge_encode_devices_req(&sb, 8, &r), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_false(m.u.devices_req.has_since);
	assert_int_equal(m.u.devices_req.n_keys, 0);
	assert_null(m.u.devices_req.keys);
	assert_null(m.u.devices_req.clients_of);
	bridge_msg_clear(&m);
	msgpack_sbuffer_destroy(&sb);
}

/* DEVICES_PAGE and PAGE_END: both ways, and what a page must carry. */
static void
test_devices_page(void **state)
{
	struct bridge_devices_page p = {
		.view = BRIDGE_VIEW_ACCESSPOINTS, .phyname = "IEEE802.11",
		.seenby = "UUID-1", .start = 40000, .length = 50,
		.sort = "kismet.device.base.signal/"
		    "kismet.common.signal.last_signal",
		.desc = true, .search = "a1:",
	};
	struct bridge_page_end e = { 1700000002.5, 50, 46496, 400 };
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_devices_page(&sb, 9, &p), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.hdr.type, BRIDGE_DEVICES_PAGE);
	assert_int_equal(m.u.devices_page.view, BRIDGE_VIEW_ACCESSPOINTS);
	assert_string_equal(m.u.devices_page.phyname, "IEEE802.11");
	assert_string_equal(m.u.devices_page.seenby, "UUID-1");
	assert_int_equal(m.u.devices_page.start, 40000);
	assert_int_equal(m.u.devices_page.length, 50);
	assert_string_equal(m.u.devices_page.sort, p.sort);
	assert_true(m.u.devices_page.desc);
	assert_string_equal(m.u.devices_page.search, "a1:");
	bridge_msg_clear(&m);

	/* The least: table order, no search. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(bridge_encode_devices_page(&sb, 10, &p), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_null(m.u.devices_page.sort);
	assert_null(m.u.devices_page.search);
	assert_false(m.u.devices_page.desc);
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_page_end(&sb, 9, &e), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), 0);
	assert_int_equal(m.hdr.type, BRIDGE_PAGE_END);
	assert_true(m.u.page_end.timestamp == 1700000002.5);
	assert_int_equal(m.u.page_end.count, 50);
	assert_int_equal(m.u.page_end.total, 46496);
	assert_int_equal(m.u.page_end.filtered, 400);
	bridge_msg_clear(&m);
	assert_int_equal(bridge_type_sender(BRIDGE_DEVICES_PAGE),
	    BRIDGE_FROM_WEB);
	assert_int_equal(bridge_type_sender(BRIDGE_PAGE_END),
	    BRIDGE_FROM_CORE);

	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	/* A page without its start. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_PAGE, 1);
	msgpack_pack_map(&pk, 3);
	bridge_pack_kv_u64(&pk, "view", 0);
	bridge_pack_kv_u64(&pk, "length", 50);
	bridge_pack_cstr(&pk, "desc");
	msgpack_pack_false(&pk);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* A view that does not exist; a start over 32 bits. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_PAGE, 1);
	msgpack_pack_map(&pk, 4);
	bridge_pack_kv_u64(&pk, "view", 7);
	bridge_pack_kv_u64(&pk, "start", 0);
	bridge_pack_kv_u64(&pk, "length", 50);
	bridge_pack_cstr(&pk, "desc");
	msgpack_pack_false(&pk);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	bridge_out_begin(&sb, BRIDGE_DEVICES_PAGE, 1);
	msgpack_pack_map(&pk, 4);
	bridge_pack_kv_u64(&pk, "view", 0);
	bridge_pack_kv_u64(&pk, "start", (uint64_t)UINT32_MAX + 1);
	bridge_pack_kv_u64(&pk, "length", 50);
	bridge_pack_cstr(&pk, "desc");
	msgpack_pack_false(&pk);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* A sort that is not a string; a PAGE_END without its counts. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_PAGE, 1);
	msgpack_pack_map(&pk, 5);
	bridge_pack_kv_u64(&pk, "view", 0);
	bridge_pack_kv_u64(&pk, "start", 0);
	bridge_pack_kv_u64(&pk, "length", 50);
	bridge_pack_cstr(&pk, "desc");
	msgpack_pack_true(&pk);
	bridge_pack_kv_u64(&pk, "sort", 3);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	bridge_out_begin(&sb, BRIDGE_PAGE_END, 1);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_double(&pk, "timestamp", 1.5);
	bridge_pack_kv_u64(&pk, "count", 1);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_PAYLOAD), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), -EBADMSG);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_small_messages_roundtrip(void **state)
{
	const char *ck[] = { "httpd_port", "httpd_home" };
	const char *cv[] = { "2501", "/usr/share/osprey/httpd" };
	struct bridge_config cfg = { ck, cv, 2 };
	struct bridge_hello hello = { BRIDGE_VERSION, 1234, 2501 };
	struct bridge_error err = { 404, "no such device" };
	struct bridge_fatal fatal = { EADDRINUSE,
	    "cannot listen on 0.0.0.0:2501: Address already in use" };
	struct bridge_devices_end end = { 1700000001.5, 42 };
	struct bridge_packets_sub sub = { true };
	struct bridge_packet_source ps = { 3, "UUID-3", "wlan0" };
	struct bridge_system_req sys = { BRIDGE_SYS_MESSAGES, true, -30 };
	struct bridge_sources_req sreq = { "UUID-9" };
	msgpack_sbuffer sb;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_config(&sb, 1, &cfg), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.config.count, 2);
	assert_string_equal(m.u.config.keys[1], "httpd_home");
	assert_string_equal(m.u.config.values[0], "2501");
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_hello(&sb, 2, &hello), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.hello.pid, 1234);
	assert_int_equal(m.u.hello.port, 2501);
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_error(&sb, 3, &err), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.error.status, 404);
	assert_string_equal(m.u.error.reason, "no such device");
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_devices_end(&sb, 4, &end), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_true(m.u.devices_end.timestamp == 1700000001.5);
	assert_int_equal(m.u.devices_end.count, 42);
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_packets_sub(&sb, 5, &sub), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_true(m.u.packets_sub.on);
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_packet_source(&sb, 6, &ps), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.packet_source.number, 3);
	assert_string_equal(m.u.packet_source.uuid, "UUID-3");
	assert_string_equal(m.u.packet_source.name, "wlan0");
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_system_req(&sb, 7, &sys), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.system_req.what, BRIDGE_SYS_MESSAGES);
	assert_true(m.u.system_req.has_since);
	assert_true(m.u.system_req.since == -30);
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_sources_req(&sb, 8, &sreq), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_string_equal(m.u.sources_req.uuid, "UUID-9");
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_empty(&sb, BRIDGE_DEVICES_MORE, 9), 0);
	assert_int_equal(sb.size, BRIDGE_HDR_LEN);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.hdr.type, BRIDGE_DEVICES_MORE);
	bridge_msg_clear(&m);

	/* PING and PONG carry nothing but the seq the PONG echoes. */
	assert_int_equal(bridge_encode_empty(&sb, BRIDGE_PING, 10), 0);
	assert_int_equal(sb.size, BRIDGE_HDR_LEN);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.hdr.type, BRIDGE_PING);
	assert_int_equal(m.hdr.seq, 10);
	bridge_msg_clear(&m);
	assert_int_equal(bridge_encode_empty(&sb, BRIDGE_PONG, 10), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.hdr.type, BRIDGE_PONG);
	bridge_msg_clear(&m);

	assert_int_equal(bridge_encode_fatal(&sb, 11, &fatal), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.fatal.err, EADDRINUSE);
	assert_string_equal(m.u.fatal.reason,
	    "cannot listen on 0.0.0.0:2501: Address already in use");
	bridge_msg_clear(&m);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_source_cmd_roundtrip_and_requirements(void **state)
{
	const char *chans[] = { "1", "6", "11" };
	struct bridge_source_cmd c = {
		.cmd = BRIDGE_SRC_SET_CHANNEL, .uuid = "U",
		.channels = chans, .n_channels = 3, .has_rate = true,
		.rate = 5, .has_shuffle = true, .shuffle = true,
	};
	msgpack_sbuffer sb;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_source_cmd(&sb, 1, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.source_cmd.cmd, BRIDGE_SRC_SET_CHANNEL);
	assert_string_equal(m.u.source_cmd.uuid, "U");
	assert_int_equal(m.u.source_cmd.n_channels, 3);
	assert_string_equal(m.u.source_cmd.channels[2], "11");
	assert_true(m.u.source_cmd.has_rate && m.u.source_cmd.rate == 5);
	assert_true(m.u.source_cmd.has_shuffle && m.u.source_cmd.shuffle);
	assert_null(m.u.source_cmd.definition);
	bridge_msg_clear(&m);

	/* A command on a source needs its uuid; add needs a definition. */
	c.uuid = NULL;
	assert_int_equal(bridge_encode_source_cmd(&sb, 2, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_SRC_ADD;
	assert_int_equal(bridge_encode_source_cmd(&sb, 3, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	c.definition = "/tmp/x.pcap:name=x";
	assert_int_equal(bridge_encode_source_cmd(&sb, 4, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_string_equal(m.u.source_cmd.definition, c.definition);
	bridge_msg_clear(&m);
	c.cmd = 0;
	assert_int_equal(bridge_encode_source_cmd(&sb, 5, &c), -EINVAL);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_cmd_roundtrip_and_requirements(void **state)
{
	struct bridge_cmd c = {
		.cmd = BRIDGE_CMD_RAISE_ALERT, .name = "DOORCAM",
		.value = "motion", .source = "00:11:22:33:44:55",
		.channel = "6",
	};
	struct bridge_system_req sr = { BRIDGE_SYS_INTERFACES, false, 0 };
	struct bridge_devices_req dr = { .related_to = "K", .phyname = "P",
	    .seenby = "U" };
	msgpack_sbuffer sb;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_cmd(&sb, 1, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.hdr.type, BRIDGE_CMD);
	assert_int_equal(m.u.cmd.cmd, BRIDGE_CMD_RAISE_ALERT);
	assert_string_equal(m.u.cmd.name, "DOORCAM");
	assert_string_equal(m.u.cmd.value, "motion");
	assert_string_equal(m.u.cmd.source, "00:11:22:33:44:55");
	assert_string_equal(m.u.cmd.channel, "6");
	assert_null(m.u.cmd.key);
	assert_null(m.u.cmd.bssid);
	bridge_msg_clear(&m);

	/* A name or tag needs its device; alerts need their text. */
	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_CMD_SET_NAME;
	c.name = "";
	assert_int_equal(bridge_encode_cmd(&sb, 2, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	c.key = "K";
	assert_int_equal(bridge_encode_cmd(&sb, 3, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_string_equal(m.u.cmd.name, "");
	bridge_msg_clear(&m);
	c.cmd = BRIDGE_CMD_SET_TAG;
	assert_int_equal(bridge_encode_cmd(&sb, 4, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	c.cmd = BRIDGE_CMD_DEFINE_ALERT;
	c.value = "why";
	assert_int_equal(bridge_encode_cmd(&sb, 5, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	bridge_msg_clear(&m);
	c.cmd = BRIDGE_CMD_MAX;
	assert_int_equal(bridge_encode_cmd(&sb, 6, &c), -EINVAL);

	/* GPS: a definition or a position needs its value, a removal its
	 * uuid; none needs a name. */
	memset(&c, 0, sizeof(c));
	c.cmd = BRIDGE_CMD_ADD_GPS;
	assert_int_equal(bridge_encode_cmd(&sb, 9, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	c.value = "virtual:lat=1,lon=2";
	assert_int_equal(bridge_encode_cmd(&sb, 10, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.cmd.cmd, BRIDGE_CMD_ADD_GPS);
	assert_string_equal(m.u.cmd.value, "virtual:lat=1,lon=2");
	bridge_msg_clear(&m);
	c.cmd = BRIDGE_CMD_WEB_GPS;
	c.value = "1,2,,";
	assert_int_equal(bridge_encode_cmd(&sb, 11, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	bridge_msg_clear(&m);
	c.cmd = BRIDGE_CMD_REMOVE_GPS;
	assert_int_equal(bridge_encode_cmd(&sb, 12, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	c.key = "00000000-0000-0000-0000-000000000001";
	assert_int_equal(bridge_encode_cmd(&sb, 13, &c), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_string_equal(m.u.cmd.key, c.key);
	bridge_msg_clear(&m);

	/* The new system subjects and device filters travel too. */
	assert_int_equal(bridge_encode_system_req(&sb, 7, &sr), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.system_req.what, BRIDGE_SYS_INTERFACES);
	bridge_msg_clear(&m);
	assert_int_equal(bridge_encode_devices_req(&sb, 8, &dr), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_string_equal(m.u.devices_req.related_to, "K");
	assert_string_equal(m.u.devices_req.phyname, "P");
	assert_string_equal(m.u.devices_req.seenby, "U");
	bridge_msg_clear(&m);
	assert_int_equal(bridge_type_sender(BRIDGE_CMD), BRIDGE_FROM_WEB);
	assert_int_equal(bridge_type_sender(BRIDGE_CMD_REPLY),
	    BRIDGE_FROM_CORE);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_records_slice(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct bridge_msg m;
	int i;

	msgpack_sbuffer_init(&sb);
	bridge_out_begin(&sb, BRIDGE_DEVICES_SLICE, 11);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	for (i = 0; i < 3; i++) {
		msgpack_pack_map(&pk, 1);
		bridge_pack_kv_u64(&pk, "kismet.device.base.packets.total",
		    (uint64_t)i * 10);
	}
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_PAYLOAD), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), 0);
	assert_int_equal(m.hdr.seq, 11);
	assert_int_equal(m.u.records.count, 3);
	assert_int_equal(m.u.records.records[2].type, MSGPACK_OBJECT_MAP);
	assert_int_equal(m.u.records.records[2].via.map.ptr[0].val.via.u64,
	    20);
	bridge_msg_clear(&m);

	/* An empty slice is allowed; a record that is not a map is not. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_SLICE, 12);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_PAYLOAD), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), 0);
	assert_int_equal(m.u.records.count, 0);
	bridge_msg_clear(&m);
	bridge_out_begin(&sb, BRIDGE_DEVICES_SLICE, 13);
	msgpack_pack_array(&pk, 0);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_PAYLOAD), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), -EBADMSG);

	/* Over the sender's cap: nothing to send. */
	bridge_out_begin(&sb, BRIDGE_SYSTEM_REPLY, 14);
	bridge_pack_cstr(&pk, "0123456789");
	assert_int_equal(bridge_out_end(&sb, 4), -EMSGSIZE);
	assert_int_equal(sb.size, 0);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_object_reply(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	bridge_out_begin(&sb, BRIDGE_SYSTEM_REPLY, 3);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_int(&pk, -5);
	msgpack_pack_nil(&pk);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_PAYLOAD), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), 0);
	assert_int_equal(m.u.object.obj->type, MSGPACK_OBJECT_ARRAY);
	assert_int_equal(m.u.object.obj->via.array.ptr[0].via.i64, -5);
	bridge_msg_clear(&m);

	/* Two objects where one is expected. */
	msgpack_pack_nil(&pk);
	bridge_write_header((uint8_t *)sb.data, BRIDGE_SYSTEM_REPLY, 3,
	    (uint32_t)(sb.size - BRIDGE_HDR_LEN));
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), -EBADMSG);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_packet_roundtrip(void **state)
{
	static const uint8_t frame[] = { 0x80, 0x00, 0x00, 0x00, 0xff, 0xff };
	struct bridge_packet p = {
		.source = 2, .dlt = 127, .ts_usec = 1700000000123456ULL,
		.len = 100, .n_addr = 3, .flags = BRIDGE_PKT_HAS_BSSID,
		.addr = { { 1, 2, 3, 4, 5, 6 }, { 7, 8, 9, 10, 11, 12 } },
		.bssid = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff },
		.data = frame, .caplen = sizeof(frame),
	};
	msgpack_sbuffer sb;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_packet(&sb, 1, &p), 0);
	assert_int_equal(sb.size, BRIDGE_HDR_LEN + BRIDGE_PACKET_HDR +
	    sizeof(frame));
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), 0);
	assert_int_equal(m.u.packet.source, 2);
	assert_int_equal(m.u.packet.dlt, 127);
	assert_true(m.u.packet.ts_usec == 1700000000123456ULL);
	assert_int_equal(m.u.packet.len, 100);
	assert_int_equal(m.u.packet.n_addr, 3);
	assert_memory_equal(m.u.packet.addr[1], p.addr[1], 6);
	assert_memory_equal(m.u.packet.bssid, p.bssid, 6);
	assert_int_equal(m.u.packet.caplen, sizeof(frame));
	assert_memory_equal(m.u.packet.data, frame, sizeof(frame));
	bridge_msg_clear(&m);

	/* More captured than the original length is a lie. */
	p.len = 2;
	assert_int_equal(bridge_encode_packet(&sb, 2, &p), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), -EBADMSG);
	/* Too short for the fixed header. */
	bridge_out_begin(&sb, BRIDGE_PACKET, 3);
	msgpack_sbuffer_write(&sb, "\0\0\0\0", 4);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_PAYLOAD), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), -EBADMSG);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_kismetdb_export(void **state)
{
	const char *keys[] = { "timestamp_start", "datasource" };
	const char *values[] = { "1700000000.5", "aa-bb" };
	struct bridge_kismetdb_req r = { keys, values, 2 };
	struct bridge_kismetdb_end e = { 12345 };
	static const uint8_t pcapng[] = { 0x0a, 0x0d, 0x0d, 0x0a, 0, 1 };
	msgpack_sbuffer sb;
	struct bridge_msg m;

	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_kismetdb_req(&sb, 4, &r), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(m.u.kismetdb_req.count, 2);
	assert_string_equal(m.u.kismetdb_req.keys[1], "datasource");
	assert_string_equal(m.u.kismetdb_req.values[0], "1700000000.5");
	bridge_msg_clear(&m);
	/* The data is raw bytes, left in the frame. */
	assert_int_equal(bridge_encode_kismetdb_data(&sb, 4, pcapng,
	    sizeof(pcapng)), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), 0);
	assert_int_equal(m.u.bytes.len, sizeof(pcapng));
	assert_memory_equal(m.u.bytes.data, pcapng, sizeof(pcapng));
	bridge_msg_clear(&m);
	assert_int_equal(bridge_encode_kismetdb_end(&sb, 4, &e), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_PAYLOAD, &m), 0);
	assert_int_equal(m.u.kismetdb_end.packets, 12345);
	bridge_msg_clear(&m);
	assert_int_equal(bridge_encode_empty(&sb, BRIDGE_KISMETDB_MORE, 4), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), 0);
	assert_int_equal(bridge_type_sender(BRIDGE_KISMETDB_DATA),
	    BRIDGE_FROM_CORE);
	assert_int_equal(bridge_type_sender(BRIDGE_KISMETDB_CANCEL),
	    BRIDGE_FROM_WEB);
	/* A request without its filter map, a filter value not a string. */
	bridge_out_begin(&sb, BRIDGE_KISMETDB_REQ, 5);
	msgpack_sbuffer_write(&sb, "\x80", 1);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	bridge_out_begin(&sb, BRIDGE_KISMETDB_REQ, 6);
	msgpack_sbuffer_write(&sb, "\x81\xa6" "filter" "\x81\xa3" "dlt"
	    "\x7f", 13);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	msgpack_sbuffer_destroy(&sb);
}

static void
test_mp_check(void **state)
{
	/* {"a": [1, "x"]}, then nil: two objects. */
	static const uint8_t ok[] = { 0x81, 0xa1, 'a', 0x92, 0x01, 0xa1, 'x',
	    0xc0 };
	/* array32 claiming 2^32-1 elements in 5 bytes. */
	static const uint8_t huge[] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0x00 };
	/* str8 of 200 bytes with 2 present. */
	static const uint8_t shortstr[] = { 0xd9, 200, 'a', 'b' };
	static const uint8_t unused[] = { 0xc1 };
	static const uint8_t ext[] = { 0xd6, 0x01, 0, 0, 0, 0,
	    0xc7, 0x02, 0x05, 1, 2 };
	uint8_t deep[BRIDGE_MAX_DEPTH + 2];

	assert_int_equal(bridge_mp_check(ok, sizeof(ok)), 2);
	assert_int_equal(bridge_mp_check(ok, sizeof(ok) - 1), 1);
	assert_int_equal(bridge_mp_check(ok, 3), -EBADMSG);
	assert_int_equal(bridge_mp_check(huge, sizeof(huge)), -EBADMSG);
	assert_int_equal(bridge_mp_check(shortstr, sizeof(shortstr)),
	    -EBADMSG);
	assert_int_equal(bridge_mp_check(unused, sizeof(unused)), -EBADMSG);
	assert_int_equal(bridge_mp_check(ext, sizeof(ext)), 2);
	assert_int_equal(bridge_mp_check(ok, 0), 0);

	/* [[[...[nil]...]]]: BRIDGE_MAX_DEPTH levels pass, one more not. */
	memset(deep, 0x91, sizeof(deep));
	deep[BRIDGE_MAX_DEPTH] = 0xc0;
	assert_int_equal(bridge_mp_check(deep, BRIDGE_MAX_DEPTH + 1), 1);
	deep[BRIDGE_MAX_DEPTH] = 0x91;
	deep[BRIDGE_MAX_DEPTH + 1] = 0xc0;
	assert_int_equal(bridge_mp_check(deep, sizeof(deep)), -EBADMSG);
}

static void
test_decode_refusals(void **state)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct bridge_msg m;
	int i;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);

	/* HELLO without its port. */
	bridge_out_begin(&sb, BRIDGE_HELLO, 1);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_u64(&pk, "version", 1);
	bridge_pack_kv_u64(&pk, "pid", 1);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* A string with a NUL inside. */
	bridge_out_begin(&sb, BRIDGE_SOURCES_REQ, 1);
	msgpack_pack_map(&pk, 1);
	bridge_pack_cstr(&pk, "uuid");
	msgpack_pack_str(&pk, 3);
	msgpack_pack_str_body(&pk, "a\0b", 3);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* since of the wrong kind. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_REQ, 1);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_u64(&pk, "view", 0);
	bridge_pack_kv_str(&pk, "since", "yesterday");
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* A view that does not exist. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_REQ, 1);
	msgpack_pack_map(&pk, 1);
	bridge_pack_kv_u64(&pk, "view", 99);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* A key list over BRIDGE_MAX_LIST. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_REQ, 1);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_u64(&pk, "view", 0);
	bridge_pack_cstr(&pk, "keys");
	msgpack_pack_array(&pk, BRIDGE_MAX_LIST + 1);
	for (i = 0; i <= BRIDGE_MAX_LIST; i++)
		bridge_pack_cstr(&pk, "k");
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* An error status outside 4xx/5xx. */
	bridge_out_begin(&sb, BRIDGE_ERROR, 1);
	msgpack_pack_map(&pk, 2);
	bridge_pack_kv_u64(&pk, "status", 200);
	bridge_pack_kv_str(&pk, "reason", "fine");
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* MORE carries nothing. */
	bridge_out_begin(&sb, BRIDGE_DEVICES_MORE, 1);
	msgpack_pack_nil(&pk);
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);

	/* Truncated msgpack. */
	bridge_out_begin(&sb, BRIDGE_PACKETS_SUB, 1);
	msgpack_pack_map(&pk, 1);
	bridge_pack_cstr(&pk, "on");
	assert_int_equal(bridge_out_end(&sb, BRIDGE_MAX_REQUEST), 0);
	assert_int_equal(roundtrip(&sb, BRIDGE_MAX_REQUEST, &m), -EBADMSG);
	msgpack_sbuffer_destroy(&sb);
}

/*
 * The shared read loop on a real evbuffer: frames fed a byte at a time
 * wait until whole, two frames in one buffer come out in turn, and each
 * refusal says why.
 */
static void
test_read_frame(void **state)
{
	struct bridge_hello hello = { BRIDGE_VERSION, 1234, 2501 };
	const char *ck[] = { "httpd_port" }, *cv[] = { "2501" };
	struct bridge_config cfg = { ck, cv, 1 };
	struct evbuffer *in = evbuffer_new();
	uint8_t hdr[BRIDGE_HDR_LEN];
	msgpack_sbuffer sb;
	struct bridge_hdr h;
	struct bridge_msg m;
	char why[128];
	size_t i;

	assert_non_null(in);
	msgpack_sbuffer_init(&sb);
	assert_int_equal(bridge_encode_hello(&sb, 7, &hello), 0);
	for (i = 0; i < sb.size; i++) {
		assert_int_equal(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
		    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why)), 0);
		assert_int_equal(evbuffer_get_length(in), i);
		evbuffer_add(in, sb.data + i, 1);
	}
	/* A second frame behind the first. */
	assert_int_equal(bridge_encode_empty(&sb, BRIDGE_DEVICES_MORE, 8), 0);
	evbuffer_add(in, sb.data, sb.size);
	assert_int_equal(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
	    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why)), 1);
	assert_int_equal(h.type, BRIDGE_HELLO);
	assert_int_equal(h.seq, 7);
	assert_int_equal(m.u.hello.pid, 1234);
	assert_int_equal(m.u.hello.port, 2501);
	bridge_msg_clear(&m);
	/* Nothing is taken: the caller drains once done with m. */
	assert_int_equal(evbuffer_get_length(in),
	    BRIDGE_HDR_LEN + h.len + sb.size);
	evbuffer_drain(in, BRIDGE_HDR_LEN + (size_t)h.len);
	assert_int_equal(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
	    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why)), 1);
	assert_int_equal(h.type, BRIDGE_DEVICES_MORE);
	assert_int_equal(h.seq, 8);
	bridge_msg_clear(&m);
	evbuffer_drain(in, BRIDGE_HDR_LEN + (size_t)h.len);

	/* A type only the core sends, at the core. */
	assert_int_equal(bridge_encode_config(&sb, 1, &cfg), 0);
	evbuffer_add(in, sb.data, sb.size);
	assert_int_equal(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
	    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why)), -EPROTO);
	assert_string_equal(why, "CONFIG is not for the core");
	/* ...which the web takes. */
	assert_int_equal(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
	    BRIDGE_FROM_CORE, &h, &m, why, sizeof(why)), 1);
	assert_string_equal(m.u.config.values[0], "2501");
	bridge_msg_clear(&m);
	evbuffer_drain(in, evbuffer_get_length(in));

	/* Over the cap: refused from the header alone. */
	bridge_write_header(hdr, BRIDGE_HELLO, 1, BRIDGE_MAX_REQUEST + 1);
	evbuffer_add(in, hdr, sizeof(hdr));
	assert_int_equal(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
	    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why)), -EMSGSIZE);
	assert_non_null(strstr(why, "bad frame header: "));
	evbuffer_drain(in, evbuffer_get_length(in));

	/* A whole frame whose payload is not a HELLO. */
	bridge_write_header(hdr, BRIDGE_HELLO, 1, 1);
	evbuffer_add(in, hdr, sizeof(hdr));
	evbuffer_add(in, "\xc1", 1);	/* never used in msgpack */
	assert_int_equal(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
	    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "bad HELLO: "));
	evbuffer_drain(in, evbuffer_get_length(in));

	/* Garbage. */
	evbuffer_add(in, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_true(bridge_read_frame(in, BRIDGE_MAX_REQUEST,
	    BRIDGE_FROM_WEB, &h, &m, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "bad frame header: "));

	msgpack_sbuffer_destroy(&sb);
	evbuffer_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields_and_partial),
		cmocka_unit_test(test_header_refusals),
		cmocka_unit_test(test_type_table),
		cmocka_unit_test(test_seq_skips_zero),
		cmocka_unit_test(test_devices_req_roundtrip),
		cmocka_unit_test(test_devices_page),
		cmocka_unit_test(test_small_messages_roundtrip),
		cmocka_unit_test(test_source_cmd_roundtrip_and_requirements),
		cmocka_unit_test(test_cmd_roundtrip_and_requirements),
		cmocka_unit_test(test_records_slice),
		cmocka_unit_test(test_object_reply),
		cmocka_unit_test(test_packet_roundtrip),
		cmocka_unit_test(test_kismetdb_export),
		cmocka_unit_test(test_mp_check),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_read_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
