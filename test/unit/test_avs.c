/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the AVS capture header decoder */

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

static void
avs_build(struct fb *f, uint32_t version, uint32_t hlen, uint32_t channel,
    uint32_t rate, uint32_t ssi_type, int32_t sig, int32_t noise)
{
	f->n = 0;
	fb_be32(f, version);
	fb_be32(f, hlen);
	fb_be64(f, 0x0102030405060708ULL);	/* MAC time */
	fb_be64(f, 99);				/* host time */
	fb_be32(f, 8);				/* OFDM 11a */
	fb_be32(f, channel);
	fb_be32(f, rate);
	fb_be32(f, 1);				/* antenna */
	fb_be32(f, 0);
	fb_be32(f, ssi_type);
	fb_be32(f, (uint32_t)sig);
	fb_be32(f, (uint32_t)noise);
	fb_be32(f, 0);
	fb_be32(f, 3);
	while (f->n < hlen)
		fb_u8(f, 0);
}

static void
test_v1_and_v2(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	avs_build(&f, 0x80211001, 64, 36, 540, 2, -40, -92);
	fb_u8(&f, 0x80);
	assert_int_equal(avs_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, 64);
	assert_true(r.tsft == 0x0102030405060708ULL);
	assert_int_equal(r.channel, 36);
	assert_int_equal(r.freq_mhz, 5180);
	assert_int_equal(r.rate_kbps, 54000);
	assert_int_equal(r.signal_dbm, -40);
	assert_int_equal(r.noise_dbm, -92);
	assert_int_equal(r.antenna, 1);
	/* wlan-ng frames always end in the FCS. */
	assert_true(r.fcs_present);

	/* Version 2 is longer: the frame starts after its length. */
	avs_build(&f, 0x80211002, 80, 1, 10, 2, -70, -99);
	assert_int_equal(avs_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, 80);
	assert_int_equal(r.freq_mhz, 2412);
	assert_int_equal(r.rate_kbps, 1000);
}

static void
test_signal_only_in_dbm(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	/* Normalised RSSI (type 1) is not dBm. */
	avs_build(&f, 0x80211001, 64, 6, 0, 1, 700, 10);
	assert_int_equal(avs_decode(f.b, f.n, &r, &len), 0);
	assert_false(r.has & (RADIO_HAS_SIGNAL | RADIO_HAS_NOISE |
	    RADIO_HAS_RATE));
	/* A "dBm" value outside -127..0 is not believed. */
	avs_build(&f, 0x80211001, 64, 6, 0, 2, 40, -200);
	assert_int_equal(avs_decode(f.b, f.n, &r, &len), 0);
	assert_false(r.has & (RADIO_HAS_SIGNAL | RADIO_HAS_NOISE));
}

static void
test_malformed(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	avs_build(&f, 0x80211001, 64, 6, 0, 0, 0, 0);
	assert_false(avs_is_avs(f.b, 3));
	assert_int_equal(avs_decode(f.b, 63, &r, &len), -EBADMSG);
	avs_build(&f, 0x80221001, 64, 6, 0, 0, 0, 0);
	assert_false(avs_is_avs(f.b, f.n));
	assert_int_equal(avs_decode(f.b, f.n, &r, &len), -EBADMSG);
	avs_build(&f, 0x80211001, 60, 6, 0, 0, 0, 0);
	assert_int_equal(avs_decode(f.b, f.n, &r, &len), -EBADMSG);
	avs_build(&f, 0x80211001, 64, 6, 0, 0, 0, 0);
	f.b[7] = 100;			/* length 100, 64 bytes captured */
	assert_int_equal(avs_decode(f.b, f.n, &r, &len), -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_and_v2),
		cmocka_unit_test(test_signal_only_in_dbm),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
