/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for channel numbering and PHY rates */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "phy.h"

static void
test_freq_to_channel_bands(void **state)
{
	/* 2.4 GHz, including 14 at 2484 which breaks the 5 MHz pattern. */
	assert_int_equal(phy_freq_to_channel(2412), 1);
	assert_int_equal(phy_freq_to_channel(2437), 6);
	assert_int_equal(phy_freq_to_channel(2472), 13);
	assert_int_equal(phy_freq_to_channel(2484), 14);
	/* 4.9 GHz (Japan) and 5 GHz. */
	assert_int_equal(phy_freq_to_channel(4920), 184);
	assert_int_equal(phy_freq_to_channel(4980), 196);
	assert_int_equal(phy_freq_to_channel(5180), 36);
	assert_int_equal(phy_freq_to_channel(5700), 140);
	assert_int_equal(phy_freq_to_channel(5825), 165);
	assert_int_equal(phy_freq_to_channel(5885), 177);
	/* 6 GHz: 5935 is channel 2, then 1, 5, 9, ... from 5955. */
	assert_int_equal(phy_freq_to_channel(5935), 2);
	assert_int_equal(phy_freq_to_channel(5955), 1);
	assert_int_equal(phy_freq_to_channel(6415), 93);
	assert_int_equal(phy_freq_to_channel(7115), 233);
	/* 60 GHz DMG, 2160 MHz apart. */
	assert_int_equal(phy_freq_to_channel(58320), 1);
	assert_int_equal(phy_freq_to_channel(60480), 2);
	assert_int_equal(phy_freq_to_channel(70200), 6);
}

static void
test_freq_to_channel_outside(void **state)
{
	assert_int_equal(phy_freq_to_channel(0), 0);
	assert_int_equal(phy_freq_to_channel(2407), 0);
	assert_int_equal(phy_freq_to_channel(2480), 0);
	assert_int_equal(phy_freq_to_channel(3600), 0);
	assert_int_equal(phy_freq_to_channel(5000), 0);
	assert_int_equal(phy_freq_to_channel(7200), 0);
	assert_int_equal(phy_freq_to_channel(45000), 0);
	assert_int_equal(phy_freq_to_channel(72360), 0);
	assert_int_equal(phy_freq_to_channel(58319), 0);
}

static void
test_channel_to_freq(void **state)
{
	assert_int_equal(phy_channel_to_freq(1), 2412);
	assert_int_equal(phy_channel_to_freq(13), 2472);
	assert_int_equal(phy_channel_to_freq(14), 2484);
	assert_int_equal(phy_channel_to_freq(36), 5180);
	assert_int_equal(phy_channel_to_freq(165), 5825);
	assert_int_equal(phy_channel_to_freq(184), 4920);
	assert_int_equal(phy_channel_to_freq(0), 0);
	assert_int_equal(phy_channel_to_freq(20), 0);
	assert_int_equal(phy_channel_to_freq(200), 0);
}

static void
test_ht_rates(void **state)
{
	/* IEEE 802.11-2020 Table 19-27 and 19-28 values. */
	assert_int_equal(phy_ht_rate_kbps(0, 20, false), 6500);
	assert_int_equal(phy_ht_rate_kbps(7, 20, false), 65000);
	assert_int_equal(phy_ht_rate_kbps(7, 20, true), 72222);
	assert_int_equal(phy_ht_rate_kbps(15, 40, true), 300000);
	assert_int_equal(phy_ht_rate_kbps(31, 40, true), 600000);
	assert_int_equal(phy_ht_rate_kbps(32, 40, false), 0);
	assert_int_equal(phy_ht_rate_kbps(7, 80, false), 0);
}

static void
test_vht_he_rates(void **state)
{
	assert_int_equal(phy_vht_rate_kbps(0, 1, 20, false), 6500);
	assert_int_equal(phy_vht_rate_kbps(9, 2, 80, true), 866666);
	assert_int_equal(phy_vht_rate_kbps(9, 8, 160, true), 6933333);
	assert_int_equal(phy_vht_rate_kbps(10, 1, 80, false), 0);
	assert_int_equal(phy_vht_rate_kbps(5, 0, 80, false), 0);
	assert_int_equal(phy_vht_rate_kbps(5, 1, 30, false), 0);
	/* 802.11ax Table 27-64: MCS 11, 1 stream, 20 MHz, 0.8 us: 143.4. */
	assert_int_equal(phy_he_rate_kbps(11, 1, 20, 800), 143382);
	assert_int_equal(phy_he_rate_kbps(11, 2, 80, 800), 1200980);
	assert_int_equal(phy_he_rate_kbps(0, 1, 20, 3200), 7312);
	assert_int_equal(phy_he_rate_kbps(12, 1, 20, 800), 0);
	assert_int_equal(phy_he_rate_kbps(5, 1, 20, 400), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freq_to_channel_bands),
		cmocka_unit_test(test_freq_to_channel_outside),
		cmocka_unit_test(test_channel_to_freq),
		cmocka_unit_test(test_ht_rates),
		cmocka_unit_test(test_vht_he_rates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
