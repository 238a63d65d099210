/* SPDX-License-Identifier: ISC */
/*
 * \summary: hand-encoded frames of every command, for the protocol tests
 *
 * Each payload was written by hand from the message tables of
 * doc/protocol.md (protobuf wire format: a tag byte (field << 3 | wire
 * type), then a varint, 8 or 4 little-endian bytes, or a length and
 * bytes), not produced by the code under test.  Fields appear in field
 * number order, as protobuf-c packs them.
 */
#ifndef TEST_GOLDEN_H
#define TEST_GOLDEN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct golden {
	const char	*command;
	uint32_t	 seqno;
	const uint8_t	*payload;
	size_t		 len;
};

#define G(cmd, seq, ...) { cmd, seq, (const uint8_t[]){ __VA_ARGS__ }, \
	sizeof((const uint8_t[]){ __VA_ARGS__ }) }
#define G0(cmd, seq) { cmd, seq, NULL, 0 }

static const struct golden goldens[] = {
	/* MsgbusMessage{msgtype=INFO(2), msgtext="hi"} */
	G("MESSAGE", 1, 0x08, 0x02, 0x12, 0x02, 'h', 'i'),
	/* Ping{} */
	G0("PING", 2),
	/* Pong{ping_seqno=300}: 300 = 0xac 0x02 as a varint */
	G("PONG", 3, 0x08, 0xac, 0x02),
	/* ExternalShutdown{reason="bye"} */
	G("SHUTDOWN", 4, 0x0a, 0x03, 'b', 'y', 'e'),
	/* SystemRegister{subsystem="ds"} */
	G("SYSTEMREGISTER", 5, 0x0a, 0x02, 'd', 's'),
	/* ProbeSource{definition="a.pcap"} */
	G("KDSPROBESOURCE", 6, 0x0a, 0x06, 'a', '.', 'p', 'c', 'a', 'p'),
	/*
	 * ProbeSourceReport{success{true, 7}, channels{"1","6"},
	 * channel{"6"}, hardware="hw"}
	 */
	G("KDSPROBESOURCEREPORT", 7,
	    0x0a, 0x04, 0x08, 0x01, 0x10, 0x07,
	    0x1a, 0x06, 0x0a, 0x01, '1', 0x0a, 0x01, '6',
	    0x22, 0x03, 0x0a, 0x01, '6',
	    0x32, 0x02, 'h', 'w'),
	/* OpenSource{definition="x"} */
	G("KDSOPENSOURCE", 8, 0x0a, 0x01, 'x'),
	/*
	 * OpenSourceReport{success{true, 3}, dlt=127, capture_interface="c",
	 * channels{"1"}, channel{"1"}, hop_config{channels "1","6",
	 * rate=5.0 (0x4014000000000000), shuffle=true, shuffle_skip=3,
	 * offset=1}, hardware="h", message{INFO, "ok"}, uuid="u",
	 * warning="w"}; field 10 tag is 0x52, field 11 is 0x5a.
	 */
	G("KDSOPENSOURCEREPORT", 9,
	    0x0a, 0x04, 0x08, 0x01, 0x10, 0x03,
	    0x10, 0x7f,
	    0x1a, 0x01, 'c',
	    0x22, 0x03, 0x0a, 0x01, '1',
	    0x2a, 0x03, 0x0a, 0x01, '1',
	    0x32, 0x15, 0x0a, 0x01, '1', 0x0a, 0x01, '6',
		0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x40,
		0x18, 0x01, 0x20, 0x03, 0x28, 0x01,
	    0x3a, 0x01, 'h',
	    0x42, 0x06, 0x08, 0x02, 0x12, 0x02, 'o', 'k',
	    0x52, 0x01, 'u',
	    0x5a, 0x01, 'w'),
	/* ListInterfaces{} */
	G0("KDSLISTINTERFACES", 10),
	/*
	 * InterfacesReport{success{true, 9}, interfaces[{interface="wlan0",
	 * flags="", hardware="hw"}]}
	 */
	G("KDSINTERFACESREPORT", 11,
	    0x0a, 0x04, 0x08, 0x01, 0x10, 0x09,
	    0x1a, 0x0d, 0x0a, 0x05, 'w', 'l', 'a', 'n', '0', 0x12, 0x00,
		0x1a, 0x02, 'h', 'w'),
	/* Configure{channel{"11"}} */
	G("KDSCONFIGURE", 12, 0x0a, 0x04, 0x0a, 0x02, '1', '1'),
	/* ConfigureReport{success{true, 4}, channel{"11"}} */
	G("KDSCONFIGUREREPORT", 13,
	    0x0a, 0x04, 0x08, 0x01, 0x10, 0x04,
	    0x12, 0x04, 0x0a, 0x02, '1', '1'),
	/*
	 * DataReport{packet{time_sec=1, time_usec=2, dlt=105, size=4,
	 * data=de ad be ef}, signal{signal_dbm=-40.0 (0xc044000000000000)}}
	 */
	G("KDSDATAREPORT", 14,
	    0x1a, 0x0e, 0x08, 0x01, 0x10, 0x02, 0x18, 0x69, 0x20, 0x04,
		0x2a, 0x04, 0xde, 0xad, 0xbe, 0xef,
	    0x22, 0x09, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x44, 0xc0),
	/* ErrorReport{success{false, 2}, message{ERROR(4), "bad"}} */
	G("KDSERRORREPORT", 15,
	    0x0a, 0x04, 0x08, 0x00, 0x10, 0x02,
	    0x12, 0x07, 0x08, 0x04, 0x12, 0x03, 'b', 'a', 'd'),
	/* NewSource{definition="d", sourcetype="pcapfile", uuid="u"} */
	G("KDSNEWSOURCE", 16,
	    0x0a, 0x01, 'd',
	    0x12, 0x08, 'p', 'c', 'a', 'p', 'f', 'i', 'l', 'e',
	    0x1a, 0x01, 'u'),
	/* CloseDatasource{} */
	G0("KDSCLOSEDATASOURCE", 17),
	/* WarningReport{warning="w"} */
	G("KDSWARNINGREPORT", 18, 0x0a, 0x01, 'w'),
	/* Configure{hopping{channels "1", rate=10.0 (0x4024000000000000)}} */
	G("KDSCONFIGURE", 19,
	    0x12, 0x0c, 0x0a, 0x01, '1',
		0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x40),
};

#define N_GOLDENS (sizeof(goldens) / sizeof(goldens[0]))

/*
 * Lay out a frame with the header written byte by byte from the framing
 * table, independently of frame_write_header().
 */
static inline size_t
golden_frame(const struct golden *g, uint8_t *out)
{
	size_t n = strlen(g->command);

	out[0] = 0xde; out[1] = 0xca; out[2] = 0xfb; out[3] = 0xad;
	out[4] = 0xab; out[5] = 0xcd;
	out[6] = 0x00; out[7] = 0x02;
	out[8] = (uint8_t)(g->len >> 24); out[9] = (uint8_t)(g->len >> 16);
	out[10] = (uint8_t)(g->len >> 8); out[11] = (uint8_t)g->len;
	memset(out + 12, 0, 32);
	memcpy(out + 12, g->command, n);
	out[44] = (uint8_t)(g->seqno >> 24); out[45] = (uint8_t)(g->seqno >> 16);
	out[46] = (uint8_t)(g->seqno >> 8); out[47] = (uint8_t)g->seqno;
	if (g->len > 0)
		memcpy(out + 48, g->payload, g->len);
	return 48 + g->len;
}

#endif
