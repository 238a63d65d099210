/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the Prism monitor header decoder */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "avs.h"
#include "frames.h"
#include "packet.h"
#include "prism.h"

struct prism_item {
	unsigned	 kind;		/* N of the DID */
	unsigned	 status;	/* 0 supplied */
	uint32_t	 value;
};

/*
 * A Prism header in either byte order with msgcode 0x44 (DIDs
 * 0x000N0044) or 0x41 (DIDs 0x0000N041).
 */
static void
prism_build(struct fb *f, bool be, unsigned code,
    const struct prism_item *items, size_t n)
{
	void (*u32)(struct fb *, uint32_t) = be ? fb_be32 : fb_le32;
	void (*u16)(struct fb *, unsigned) = be ? fb_be16 : fb_le16;
	size_t i;

	f->n = 0;
	u32(f, code);
	u32(f, (uint32_t)(24 + 12 * n));
	fb_bytes(f, "wlan0\0\0\0\0\0\0\0\0\0\0\0", 16);
	for (i = 0; i < n; i++) {
		u32(f, code == 0x44 ? items[i].kind << 16 | 0x44 :
		    items[i].kind << 12 | 0x41);
		u16(f, items[i].status);
		u16(f, 4);
		u32(f, items[i].value);
	}
}

static const struct prism_item items[] = {
	{ 1, 0, 1000 },			/* host time */
	{ 2, 0, 0xdeadbeef },		/* MAC time */
	{ 3, 0, 6 },			/* channel */
	{ 4, 0, (uint32_t)-60 },	/* RSSI in dBm */
	{ 7, 1, (uint32_t)-95 },	/* noise, not supplied */
	{ 8, 0, 22 },			/* 11 Mb/s */
	{ 10, 0, 100 },			/* frame length */
};

static void
test_little_and_big_endian(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;
	int be;

	for (be = 0; be < 2; be++) {
		prism_build(&f, be, 0x44, items, 7);
		fb_u8(&f, 0x80);
		assert_int_equal(prism_decode(f.b, f.n, &r, &len), 0);
		assert_int_equal(len, 24 + 12 * 7);
		assert_true(r.has & RADIO_HAS_CHANNEL);
		assert_int_equal(r.channel, 6);
		assert_int_equal(r.freq_mhz, 2437);
		assert_int_equal(r.signal_dbm, -60);
		assert_false(r.has & RADIO_HAS_NOISE);
		assert_int_equal(r.rate_kbps, 11000);
		assert_true(r.tsft == 0xdeadbeef);
		assert_false(r.fcs_present);
	}
	/* The other DID numbering. */
	prism_build(&f, false, 0x41, items, 7);
	assert_int_equal(prism_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(r.channel, 6);
	assert_int_equal(r.signal_dbm, -60);
}

static void
test_relative_signal_ignored(void **state)
{
	static const struct prism_item rel[] = {
		{ 3, 0, 40 },		/* 5 GHz channel */
		{ 4, 0, 57 },		/* MadWifi: dB over noise, not dBm */
		{ 3, 0, 999 },		/* nonsense channel: ignored */
	};
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	prism_build(&f, false, 0x44, rel, 3);
	assert_int_equal(prism_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(r.channel, 40);
	assert_int_equal(r.freq_mhz, 5200);
	assert_false(r.has & RADIO_HAS_SIGNAL);
}

static void
test_malformed(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	prism_build(&f, false, 0x44, items, 2);
	assert_int_equal(prism_decode(f.b, 3, &r, &len), -EBADMSG);
	assert_int_equal(prism_decode(f.b, 6, &r, &len), -EBADMSG);
	/* msglen past the capture, and shorter than the fixed part. */
	assert_int_equal(prism_decode(f.b, f.n - 1, &r, &len), -EBADMSG);
	fb_put_le16(&f, 4, 20);
	assert_int_equal(prism_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* An unknown message code. */
	prism_build(&f, false, 0x99, items, 2);
	assert_int_equal(prism_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* A tail shorter than an item is ignored. */
	prism_build(&f, false, 0x44, items, 3);
	fb_put_le16(&f, 4, 24 + 12 * 2 + 5);
	assert_int_equal(prism_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, 24 + 12 * 2 + 5);
	assert_false(r.has & RADIO_HAS_CHANNEL);
}

static void
test_avs_under_prism(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	f.n = 0;
	fb_be32(&f, 0x80211001);
	fb_be32(&f, AVS_HDR_LEN);
	fb_be64(&f, 5);
	fb_be64(&f, 6);
	fb_be32(&f, 4);
	fb_be32(&f, 11);		/* channel */
	fb_be32(&f, 20);		/* 2 Mb/s */
	fb_zero(&f, 8);
	fb_be32(&f, 2);			/* dBm */
	fb_be32(&f, (uint32_t)-44);
	fb_be32(&f, (uint32_t)-90);
	fb_zero(&f, 8);
	assert_true(avs_is_avs(f.b, f.n));
	assert_int_equal(prism_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, AVS_HDR_LEN);
	assert_int_equal(r.channel, 11);
	assert_int_equal(r.signal_dbm, -44);
	assert_true(r.fcs_present);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_little_and_big_endian),
		cmocka_unit_test(test_relative_signal_ignored),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_avs_under_prism),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
