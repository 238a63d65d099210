/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for decode_packet: link types, FCS, errors */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"
#include "frames.h"
#include "packet.h"
#include "radiotap.h"

static const uint8_t ap[6] = { 0x02, 0xaa, 0xaa, 0xaa, 0xaa, 0x01 };
static const uint8_t sta[6] = { 0x02, 0x5a, 0x5a, 0x5a, 0x5a, 0x02 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A radiotap header: flags, channel, signal. */
static void
radiotap(struct fb *f, unsigned flags, unsigned freq, int sig)
{
	f->n = 0;
	fb_u8(f, 0);
	fb_u8(f, 0);
	fb_le16(f, 16);
	fb_le32(f, 1u << RADIOTAP_FLAGS | 1u << RADIOTAP_CHANNEL |
	    1u << RADIOTAP_DBM_ANTSIGNAL);
	fb_u8(f, flags);
	fb_u8(f, 0);
	fb_le16(f, freq);
	fb_le16(f, 0x00a0);
	fb_u8(f, (uint8_t)sig);
	fb_u8(f, 0);			/* to the 802.11 frame at 16 */
	f->b[3] = 0;
	f->b[2] = (uint8_t)f->n;
}

static void
beacon(struct fb *f)
{
	fb_hdr(f, DOT11_TYPE_MGMT, DOT11_MGMT_BEACON, 0, bcast, ap, ap, 9);
	fb_le64(f, 1);
	fb_le16(f, 100);
	fb_le16(f, 0x0001);
	fb_ie_str(f, 0, "cafe");
}

static void
packet(struct packet *p, uint32_t dlt, const struct fb *f, size_t caplen,
    size_t len)
{
	memset(p, 0, sizeof(*p));
	p->dlt = dlt;
	p->data = f->b;
	p->caplen = caplen;
	p->len = len;
}

static void
test_radiotap_beacon_with_fcs(void **state)
{
	struct packet p;
	struct fb f;
	size_t hdr, flen;

	radiotap(&f, RADIOTAP_F_FCS, 2462, -48);
	hdr = f.n;
	beacon(&f);
	flen = f.n - hdr;
	fb_le32(&f, 0x12345678);	/* FCS (not checked) */
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), 0);
	assert_int_equal(p.error, PACKET_OK);
	assert_ptr_equal(p.frame, f.b + hdr);
	assert_int_equal(p.frame_len, flen);
	assert_int_equal(p.radio.channel, 11);
	assert_true(p.radio.has & RADIO_HAS_CHANNEL);
	assert_int_equal(p.radio.signal_dbm, -48);
	assert_memory_equal(p.dot11.ies.ssid, "cafe", 4);
	assert_false(p.dot11.truncated);

	/* Snap length cut 2 bytes of the FCS: the other 2 are removed. */
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n - 2, f.n);
	assert_int_equal(decode_packet(&p), 0);
	assert_int_equal(p.frame_len, flen);
	assert_true(p.dot11.truncated);
	/* Cut inside the frame: no FCS left to remove. */
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n - 6, f.n + 100);
	assert_int_equal(decode_packet(&p), 0);
	assert_int_equal(p.frame_len, flen - 2);
	assert_true(p.dot11.truncated);
	/* The SSID element lost its end: not read, and not an error. */
	assert_false(p.dot11.ies.has_ssid);
	assert_true(p.dot11.ies.truncated);
}

static void
test_bad_fcs(void **state)
{
	struct packet p;
	struct fb f;
	size_t hdr;

	radiotap(&f, RADIOTAP_F_FCS | RADIOTAP_F_BADFCS, 2412, -70);
	hdr = f.n;
	beacon(&f);
	fb_le32(&f, 0);
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), -EBADMSG);
	assert_int_equal(p.error, PACKET_ERR_FCS);
	/* The radio part is kept; the 802.11 part is not to be trusted. */
	assert_int_equal(p.radio.channel, 1);
	assert_int_equal(p.frame_len, f.n - hdr - 4);
	assert_int_equal(p.dot11.n_addr, 0);
	assert_false(p.dot11.ies.has_ssid);
}

static void
test_link_types(void **state)
{
	struct packet p;
	struct fb f;

	/* Bare 802.11. */
	f.n = 0;
	beacon(&f);
	packet(&p, PACKET_DLT_IEEE802_11, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), 0);
	assert_ptr_equal(p.frame, f.b);
	assert_int_equal(p.frame_len, f.n);
	assert_int_equal(p.radio.has, 0);
	assert_true(p.dot11.ies.has_ssid);

	/* PPI: frequency from the common field, channel derived. */
	f.n = 0;
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_le16(&f, 32);
	fb_le32(&f, PACKET_DLT_IEEE802_11);
	fb_le16(&f, 2);
	fb_le16(&f, 20);
	fb_zero(&f, 12);
	fb_le16(&f, 5745);
	fb_zero(&f, 4);
	fb_u8(&f, (uint8_t)-60);
	fb_u8(&f, (uint8_t)-128);
	beacon(&f);
	packet(&p, PACKET_DLT_PPI, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), 0);
	assert_int_equal(p.radio.channel, 149);
	assert_int_equal(p.radio.signal_dbm, -60);
	assert_ptr_equal(p.frame, f.b + 32);

	/* Unknown link type (Ethernet). */
	packet(&p, 1, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), -EPROTONOSUPPORT);
	assert_int_equal(p.error, PACKET_ERR_DLT);
	assert_null(p.frame);
}

static void
test_error_stages(void **state)
{
	struct packet p;
	struct fb f;

	/* Radio header longer than the capture. */
	radiotap(&f, 0, 2412, -40);
	packet(&p, PACKET_DLT_RADIOTAP, &f, 10, 10);
	assert_int_equal(decode_packet(&p), -EBADMSG);
	assert_int_equal(p.error, PACKET_ERR_RADIO);

	/* 802.11 header cut short. */
	radiotap(&f, 0, 2412, -40);
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 1, ap, sta, ap, 1);
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n - 1, f.n - 1);
	assert_int_equal(decode_packet(&p), -EBADMSG);
	assert_int_equal(p.error, PACKET_ERR_SHORT);
	/* An FCS flag on a frame shorter than an FCS. */
	radiotap(&f, RADIOTAP_F_FCS, 2412, -40);
	fb_u8(&f, 0x80);
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), -EBADMSG);
	assert_int_equal(p.frame_len, 0);
	assert_int_equal(p.error, PACKET_ERR_SHORT);

	/* Body malformed: an element running past a whole frame. */
	radiotap(&f, 0, 2412, -40);
	beacon(&f);
	fb_u8(&f, 0);
	fb_u8(&f, 20);
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), -EBADMSG);
	assert_int_equal(p.error, PACKET_ERR_DOT11);
	/* What came before the fault is there. */
	assert_memory_equal(p.dot11.bssid, ap, 6);
	assert_true(p.dot11.ies.truncated);
}

/* A reused struct packet carries nothing over from the last frame. */
static void
test_reuse(void **state)
{
	struct packet p;
	struct fb f, g;

	radiotap(&f, 0, 2412, -40);
	beacon(&f);
	packet(&p, PACKET_DLT_RADIOTAP, &f, f.n, f.n);
	assert_int_equal(decode_packet(&p), 0);
	assert_true(p.dot11.ies.has_ssid);

	g.n = 0;
	fb_u8(&g, DOT11_TYPE_CTRL << 2 | 13 << 4);
	fb_u8(&g, 0);
	fb_le16(&g, 0);
	fb_bytes(&g, sta, 6);
	p.dlt = PACKET_DLT_IEEE802_11;
	p.data = g.b;
	p.caplen = p.len = g.n;
	p.error = PACKET_ERR_DOT11;
	assert_int_equal(decode_packet(&p), 0);
	assert_int_equal(p.error, PACKET_OK);
	assert_int_equal(p.radio.has, 0);
	assert_false(p.dot11.ies.has_ssid);
	assert_false(p.dot11.has_bssid);
	assert_int_equal(p.dot11.n_addr, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radiotap_beacon_with_fcs),
		cmocka_unit_test(test_bad_fcs),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_error_stages),
		cmocka_unit_test(test_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
