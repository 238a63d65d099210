/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for channel strings and hop list building */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "channels.h"
#include "srcdef.h"

struct parse_case {
	const char	*in;
	uint32_t	 freq, center1;
	enum chan_width	 width;
	const char	*canonical;
};

static const struct parse_case parse_cases[] = {
	{ "6", 2437, 2437, CHAN_WIDTH_20_NOHT, "6" },
	{ "2437", 2437, 2437, CHAN_WIDTH_20_NOHT, "6" },
	{ "1", 2412, 2412, CHAN_WIDTH_20_NOHT, "1" },
	{ "14", 2484, 2484, CHAN_WIDTH_20_NOHT, "14" },
	{ "6HT20", 2437, 2437, CHAN_WIDTH_20, "6HT20" },
	{ "2437ht20", 2437, 2437, CHAN_WIDTH_20, "6HT20" },
	{ "6HT40+", 2437, 2447, CHAN_WIDTH_40, "6HT40+" },
	{ "6ht40-", 2437, 2427, CHAN_WIDTH_40, "6HT40-" },
	{ "11HT40-", 2462, 2452, CHAN_WIDTH_40, "11HT40-" },
	{ "1HT40+", 2412, 2422, CHAN_WIDTH_40, "1HT40+" },
	{ "13HT40-", 2472, 2462, CHAN_WIDTH_40, "13HT40-" },
	{ "36", 5180, 5180, CHAN_WIDTH_20_NOHT, "36" },
	{ "5180", 5180, 5180, CHAN_WIDTH_20_NOHT, "36" },
	{ "36HT40+", 5180, 5190, CHAN_WIDTH_40, "36HT40+" },
	{ "40HT40-", 5200, 5190, CHAN_WIDTH_40, "40HT40-" },
	{ "149HT40+", 5745, 5755, CHAN_WIDTH_40, "149HT40+" },
	{ "36VHT80", 5180, 5210, CHAN_WIDTH_80, "36VHT80" },
	{ "48VHT80", 5240, 5210, CHAN_WIDTH_80, "48VHT80" },
	{ "52vht80", 5260, 5290, CHAN_WIDTH_80, "52VHT80" },
	{ "100VHT80", 5500, 5530, CHAN_WIDTH_80, "100VHT80" },
	{ "149VHT80", 5745, 5775, CHAN_WIDTH_80, "149VHT80" },
	{ "165VHT80", 5825, 5855, CHAN_WIDTH_80, "165VHT80" },
	{ "36VHT160", 5180, 5250, CHAN_WIDTH_160, "36VHT160" },
	{ "64VHT160", 5320, 5250, CHAN_WIDTH_160, "64VHT160" },
	{ "100VHT160", 5500, 5570, CHAN_WIDTH_160, "100VHT160" },
	{ "5745VHT160", 5745, 5815, CHAN_WIDTH_160, "149VHT160" },
	{ "184", 4920, 4920, CHAN_WIDTH_20_NOHT, "184" },
	{ "1W6e", 5955, 5955, CHAN_WIDTH_20_NOHT, "1W6e" },
	{ "2w6E", 5935, 5935, CHAN_WIDTH_20_NOHT, "2W6e" },
	{ "5955", 5955, 5955, CHAN_WIDTH_20_NOHT, "1W6e" },
	{ "233W6e", 7115, 7115, CHAN_WIDTH_20_NOHT, "233W6e" },
	{ "6W10", 2437, 2437, CHAN_WIDTH_10, "6W10" },
	{ "36w5", 5180, 5180, CHAN_WIDTH_5, "36W5" },
};

static void
test_parse_and_canonical(void **state)
{
	char buf[CHAN_STR_MAX];
	struct chan c, again;
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *pc = &parse_cases[i];

		memset(&c, 0xa5, sizeof(c));
		if (chan_parse(pc->in, &c) != 0)
			fail_msg("'%s' did not parse", pc->in);
		if (c.freq != pc->freq || c.center1 != pc->center1 ||
		    c.width != pc->width)
			fail_msg("'%s': freq %u centre %u width %d", pc->in,
			    c.freq, c.center1, c.width);
		assert_int_equal(chan_format(&c, buf, sizeof(buf)),
		    (int)strlen(pc->canonical));
		assert_string_equal(buf, pc->canonical);
		/* The canonical string means the same channel. */
		assert_int_equal(chan_parse(buf, &again), 0);
		assert_true(chan_equal(&c, &again));
	}
}

static void
test_parse_rejects(void **state)
{
	static const char *bad[] = {
		"", "0", "abc", "HT20", "6HT40", "6HT40+x", "6 ", " 6", "-6",
		"+6", "123456", "999999999999", "6HT80", "6VHT",
		"14HT40+", "14HT40-", "10HT40+", "1HT40-", "2HT40-",
		"13HT40+", "11VHT80", "6VHT160", "40HT40+", "36HT40-",
		"44HT40-", "2000", "5960", "15", "20", "181", "251",
		"36W6e", "5180W6e", "5955HT20", "1W6eHT20", "5955VHT80",
		"132VHT160", "140VHT160", "9999", "6W6", "6W20",
	};
	struct chan c = { 1, 2, CHAN_WIDTH_40 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (chan_parse(bad[i], &c) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		/* ret is written only on success */
		assert_int_equal(c.freq, 1);
		assert_int_equal(c.center1, 2);
	}
}

static void
test_format_rejects(void **state)
{
	char buf[CHAN_STR_MAX];
	struct chan c;

	/* a centre that does not belong to the width */
	c = (struct chan){ 2437, 2437, CHAN_WIDTH_40 };
	assert_int_equal(chan_format(&c, buf, sizeof(buf)), -EINVAL);
	c = (struct chan){ 5180, 5250, CHAN_WIDTH_80 };
	assert_int_equal(chan_format(&c, buf, sizeof(buf)), -EINVAL);
	c = (struct chan){ 5200, 5210, CHAN_WIDTH_40 };	/* 40+44 pair */
	assert_int_equal(chan_format(&c, buf, sizeof(buf)), -EINVAL);
	c = (struct chan){ 900, 900, CHAN_WIDTH_20_NOHT };
	assert_int_equal(chan_format(&c, buf, sizeof(buf)), -EINVAL);
	c = (struct chan){ 2437, 2437, (enum chan_width)42 };
	assert_int_equal(chan_format(&c, buf, sizeof(buf)), -EINVAL);
	/* too small a buffer */
	c = (struct chan){ 5180, 5250, CHAN_WIDTH_160 };
	assert_int_equal(chan_format(&c, buf, 5), -ENOSPC);
	assert_int_equal(chan_format(&c, buf, 8), -ENOSPC);
	assert_int_equal(chan_format(&c, buf, 9), 8);
	assert_string_equal(buf, "36VHT160");
}

static void
test_freq_num(void **state)
{
	assert_int_equal(chan_freq_to_num(2412), 1);
	assert_int_equal(chan_freq_to_num(2472), 13);
	assert_int_equal(chan_freq_to_num(2484), 14);
	assert_int_equal(chan_freq_to_num(2477), 0);
	assert_int_equal(chan_freq_to_num(2413), 0);
	assert_int_equal(chan_freq_to_num(5180), 36);
	assert_int_equal(chan_freq_to_num(5885), 177);
	assert_int_equal(chan_freq_to_num(4920), 184);
	assert_int_equal(chan_freq_to_num(5955), 1);
	assert_int_equal(chan_freq_to_num(5935), 2);
	assert_int_equal(chan_freq_to_num(5975), 5);
	assert_int_equal(chan_freq_to_num(5960), 0);
	assert_int_equal(chan_freq_to_num(60480), 0);
	assert_int_equal(chan_num_to_freq(1, CHAN_BAND_2GHZ), 2412);
	assert_int_equal(chan_num_to_freq(14, CHAN_BAND_2GHZ), 2484);
	assert_int_equal(chan_num_to_freq(15, CHAN_BAND_2GHZ), 0);
	assert_int_equal(chan_num_to_freq(0, CHAN_BAND_2GHZ), 0);
	assert_int_equal(chan_num_to_freq(165, CHAN_BAND_5GHZ), 5825);
	assert_int_equal(chan_num_to_freq(196, CHAN_BAND_5GHZ), 4980);
	assert_int_equal(chan_num_to_freq(7, CHAN_BAND_5GHZ), 0);
	assert_int_equal(chan_num_to_freq(37, CHAN_BAND_6GHZ), 6135);
	assert_int_equal(chan_num_to_freq(3, CHAN_BAND_6GHZ), 0);
	assert_int_equal(chan_band_of(2437), CHAN_BAND_2GHZ);
	assert_int_equal(chan_band_of(5500), CHAN_BAND_5GHZ);
	assert_int_equal(chan_band_of(6415), CHAN_BAND_6GHZ);
	assert_int_equal(chan_band_of(868), 0);
}

/*
 * A phy shaped like mac80211_hwsim's under the world regulatory domain:
 * 2.4 GHz 1-14 with HT40, 5 GHz 36-64, 100-144, 149-177 with HT40, VHT
 * and 160 MHz, 6 GHz 1-233.  The kernel marks HT40 directions whose
 * secondary channel is missing; so does this helper.
 */
static size_t
fake_phy(struct chan_caps *caps, size_t max)
{
	static const uint32_t f5[] = { 5180, 5200, 5220, 5240, 5260, 5280,
	    5300, 5320, 5500, 5520, 5540, 5560, 5580, 5600, 5620, 5640, 5660,
	    5680, 5700, 5720, 5745, 5765, 5785, 5805, 5825, 5845, 5865, 5885 };
	uint32_t b24 = CHAN_F_BAND_HT | CHAN_F_BAND_HT40;
	uint32_t b5 = b24 | CHAN_F_BAND_VHT | CHAN_F_BAND_VHT160;
	size_t n = 0, i, j;
	bool lo, hi;

	for (i = 1; i <= 14; i++)
		caps[n++] = (struct chan_caps){ chan_num_to_freq(i,
		    CHAN_BAND_2GHZ), b24 | (i >= 12 ? CHAN_F_NO_IR : 0) };
	for (i = 0; i < sizeof(f5) / sizeof(f5[0]); i++)
		caps[n++] = (struct chan_caps){ f5[i], b5 };
	for (i = 1; i <= 233; i += 4)
		caps[n++] = (struct chan_caps){ chan_num_to_freq(i,
		    CHAN_BAND_6GHZ), 0 };
	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		lo = hi = false;
		for (j = 0; j < n; j++) {
			if (caps[j].freq == caps[i].freq - 20)
				lo = true;
			if (caps[j].freq == caps[i].freq + 20)
				hi = true;
		}
		if (caps[i].freq == 2484 || caps[i].freq == 2472)
			hi = false;
		if (caps[i].freq == 2484)
			lo = false;
		if (!lo)
			caps[i].flags |= CHAN_F_NO_HT40_MINUS;
		if (!hi)
			caps[i].flags |= CHAN_F_NO_HT40_PLUS;
	}
	return n;
}

static bool
list_has(const struct chan *list, int n, const char *s)
{
	char buf[CHAN_STR_MAX];
	int i;

	for (i = 0; i < n; i++) {
		assert_true(chan_format(&list[i], buf, sizeof(buf)) > 0);
		if (strcmp(buf, s) == 0)
			return true;
	}
	return false;
}

static int
count_width(const struct chan *list, int n, enum chan_width w)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (list[i].width == w)
			k++;
	return k;
}

static void
test_list_default(void **state)
{
	struct chan_caps caps[160];
	struct chan list[CHAN_LIST_MAX], again;
	struct chan_opts o;
	char buf[CHAN_STR_MAX];
	size_t n = fake_phy(caps, 160);
	int k, i;

	chan_opts_default(&o);
	k = chan_list_build(caps, n, &o, list, CHAN_LIST_MAX);
	/*
	 * 2.4 GHz: 14 + HT40+ on 1-9 + HT40- on 5-13 = 32.  5 GHz: 28
	 * channels, each in exactly one HT40 pair, one VHT80 block, and
	 * 24 of them in a VHT160 block = 28 * 3 + 24 = 108.  6 GHz: 59.
	 */
	assert_int_equal(k, 32 + 108 + 59);
	assert_int_equal(count_width(list, k, CHAN_WIDTH_40), 18 + 28);
	assert_int_equal(count_width(list, k, CHAN_WIDTH_80), 28);
	assert_int_equal(count_width(list, k, CHAN_WIDTH_160), 24);
	assert_int_equal(count_width(list, k, CHAN_WIDTH_20), 0);
	assert_true(list_has(list, k, "6"));
	assert_true(list_has(list, k, "6HT40+"));
	assert_true(list_has(list, k, "6HT40-"));
	assert_true(list_has(list, k, "1HT40+"));
	assert_false(list_has(list, k, "1HT40-"));
	assert_false(list_has(list, k, "10HT40+"));
	assert_true(list_has(list, k, "14"));
	assert_false(list_has(list, k, "14HT40-"));
	assert_true(list_has(list, k, "36VHT80"));
	assert_true(list_has(list, k, "44VHT80"));
	assert_true(list_has(list, k, "36VHT160"));
	assert_true(list_has(list, k, "165VHT80"));
	assert_true(list_has(list, k, "165VHT160"));
	assert_false(list_has(list, k, "132VHT160"));
	assert_true(list_has(list, k, "1W6e"));
	assert_true(list_has(list, k, "233W6e"));
	/* the first entries come in frequency order, base channel first */
	assert_int_equal(chan_format(&list[0], buf, sizeof(buf)), 1);
	assert_string_equal(buf, "1");
	assert_int_equal(chan_format(&list[1], buf, sizeof(buf)), 6);
	assert_string_equal(buf, "1HT40+");
	/* everything listed names itself and is supported */
	for (i = 0; i < k; i++) {
		assert_true(chan_format(&list[i], buf, sizeof(buf)) > 0);
		assert_int_equal(chan_parse(buf, &again), 0);
		assert_true(chan_equal(&list[i], &again));
		assert_true(chan_supported(caps, n, &list[i]));
	}
}

static void
test_list_options(void **state)
{
	struct chan_caps caps[160];
	struct chan list[CHAN_LIST_MAX];
	struct chan_opts o;
	size_t n = fake_phy(caps, 160);
	int k;

	chan_opts_default(&o);
	o.ht_channels = false;
	o.vht_channels = false;
	k = chan_list_build(caps, n, &o, list, CHAN_LIST_MAX);
	assert_int_equal(k, 14 + 28 + 59);
	assert_int_equal(count_width(list, k, CHAN_WIDTH_20_NOHT), k);

	chan_opts_default(&o);
	o.default_ht20 = true;
	o.expand_ht20 = true;	/* ignored under default_ht20 */
	o.bands = CHAN_BAND_2GHZ;
	k = chan_list_build(caps, n, &o, list, CHAN_LIST_MAX);
	assert_int_equal(k, 32);
	assert_true(list_has(list, k, "6HT20"));
	assert_false(list_has(list, k, "6"));
	assert_false(list_has(list, k, "36"));

	chan_opts_default(&o);
	o.expand_ht20 = true;
	o.bands = CHAN_BAND_5GHZ | CHAN_BAND_6GHZ;
	k = chan_list_build(caps, n, &o, list, CHAN_LIST_MAX);
	assert_int_equal(k, 108 + 28 + 59);
	assert_true(list_has(list, k, "36"));
	assert_true(list_has(list, k, "36HT20"));
	assert_false(list_has(list, k, "6"));
	/* 6 GHz has no HT20 form */
	assert_true(list_has(list, k, "1W6e"));

	/* too small an output */
	chan_opts_default(&o);
	assert_int_equal(chan_list_build(caps, n, &o, list, 10), -EMSGSIZE);
	assert_int_equal(chan_list_build(caps, 0, &o, list, 10), 0);
}

static void
test_list_regulatory(void **state)
{
	struct chan_caps caps[160];
	struct chan list[CHAN_LIST_MAX], c;
	struct chan_opts o;
	size_t n = fake_phy(caps, 160), i;
	int k;

	for (i = 0; i < n; i++) {
		if (caps[i].freq == 2437)	/* channel 6 off */
			caps[i].flags |= CHAN_F_DISABLED;
		if (caps[i].freq == 5300)	/* 60: no 80 MHz */
			caps[i].flags |= CHAN_F_NO_80MHZ;
		if (caps[i].freq == 5520)	/* 104: no 160 MHz */
			caps[i].flags |= CHAN_F_NO_160MHZ;
		if (caps[i].freq >= 5935)	/* a phy without 6 GHz */
			caps[i].flags |= CHAN_F_DISABLED;
	}
	chan_opts_default(&o);
	k = chan_list_build(caps, n, &o, list, CHAN_LIST_MAX);
	assert_false(list_has(list, k, "6"));
	/* HT40 pairs that would use channel 6 are gone too */
	assert_false(list_has(list, k, "2HT40+"));
	assert_false(list_has(list, k, "10HT40-"));
	assert_true(list_has(list, k, "3HT40+"));
	assert_false(list_has(list, k, "52VHT80"));
	assert_false(list_has(list, k, "64VHT80"));
	assert_true(list_has(list, k, "64HT40-"));
	assert_true(list_has(list, k, "36VHT80"));
	/* as the kernel has it, NO_80MHZ does not forbid 160 MHz */
	assert_true(list_has(list, k, "36VHT160"));
	assert_false(list_has(list, k, "100VHT160"));
	assert_true(list_has(list, k, "100VHT80"));
	assert_true(list_has(list, k, "149VHT160"));
	assert_false(list_has(list, k, "1W6e"));

	/* chan_supported on its own */
	assert_int_equal(chan_parse("6", &c), 0);
	assert_false(chan_supported(caps, n, &c));
	assert_int_equal(chan_parse("1HT20", &c), 0);
	assert_true(chan_supported(caps, n, &c));
	caps[0].flags &= ~CHAN_F_BAND_HT;
	assert_false(chan_supported(caps, n, &c));
	assert_int_equal(chan_parse("1", &c), 0);
	assert_true(chan_supported(caps, n, &c));
	assert_int_equal(chan_parse("1W10", &c), 0);
	assert_true(chan_supported(caps, n, &c));
	assert_int_equal(chan_parse("2HT40+", &c), 0);
	assert_false(chan_supported(caps, n, &c));
	assert_int_equal(chan_parse("40", &c), 0);
	assert_false(chan_supported(caps, 14, &c));	/* 2.4 GHz only */
}

static void
test_opts_from_srcdef(void **state)
{
	static const struct {
		const char	*def;
		int		 ret;
		unsigned int	 bands;
		bool		 ht, vht, ht20, expand;
	} cases[] = {
		{ "wlan0", 0, CHAN_BAND_ALL, true, true, false, false },
		{ "wlan0:band5ghz=true", 0, CHAN_BAND_5GHZ, true, true,
		    false, false },
		{ "wlan0:band24ghz=false", 0,
		    CHAN_BAND_5GHZ | CHAN_BAND_6GHZ, true, true, false, false },
		{ "wlan0:band24ghz=true,band5ghz,band6ghz=no", 0,
		    CHAN_BAND_2GHZ | CHAN_BAND_5GHZ, true, true, false, false },
		{ "wlan0:ht_channels=false,VHT_CHANNELS=off,default_ht20=1,"
		    "expand_ht20=yes", 0, CHAN_BAND_ALL, false, false, true,
		    true },
		{ "wlan0:band24ghz=false,band5ghz=false,band6ghz=false",
		    -EINVAL, 0, false, false, false, false },
		{ "wlan0:ht_channels=maybe", -EINVAL, 0, false, false, false,
		    false },
		{ "wlan0:band6ghz=2", -EINVAL, 0, false, false, false,
		    false },
	};
	struct srcdef def;
	struct chan_opts o;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(srcdef_parse(cases[i].def, &def, err,
		    sizeof(err)), 0);
		memset(&o, 0x5a, sizeof(o));
		err[0] = '\0';
		assert_int_equal(chan_opts_from_srcdef(&def, &o, err,
		    sizeof(err)), cases[i].ret);
		if (cases[i].ret == 0) {
			assert_int_equal(o.bands, cases[i].bands);
			assert_int_equal(o.ht_channels, cases[i].ht);
			assert_int_equal(o.vht_channels, cases[i].vht);
			assert_int_equal(o.default_ht20, cases[i].ht20);
			assert_int_equal(o.expand_ht20, cases[i].expand);
		} else {
			assert_true(strlen(err) > 0);
		}
		srcdef_free(&def);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_canonical),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_format_rejects),
		cmocka_unit_test(test_freq_num),
		cmocka_unit_test(test_list_default),
		cmocka_unit_test(test_list_options),
		cmocka_unit_test(test_list_regulatory),
		cmocka_unit_test(test_opts_from_srcdef),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
