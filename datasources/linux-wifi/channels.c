/* SPDX-License-Identifier: ISC */
/* \summary: Wi-Fi channel strings, their nl80211 meaning and hop lists */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "channels.h"
#include "srcdef.h"

/*
 * The 5 GHz blocks of IEEE 802.11-2020 Annex E (Table E-4), by the
 * frequency of their lowest 20 MHz channel: 80 MHz blocks centred on
 * channels 42, 58, 106, 122, 138, 155 and 171; 160 MHz blocks centred on
 * 50, 114 and 163.  The UNII-3 blocks start at 5745 (channel 149), off
 * the 5180 grid by 5 MHz, so a table is simpler than arithmetic.
 */
static const uint32_t chan_blocks80[] = {
	5180, 5260, 5500, 5580, 5660, 5745, 5825,
};
static const uint32_t chan_blocks160[] = {
	5180, 5500, 5745,
};

struct chan_suffix {
	const char	*text;
	enum chan_width	 width;
	int		 sign;		/* HT40: +1 above, -1 below */
	bool		 band6;		/* the 6 GHz "W6e" form */
};

/* Longest first is not needed: each suffix is matched whole. */
static const struct chan_suffix chan_suffixes[] = {
	{ "",		CHAN_WIDTH_20_NOHT,	0,  false },
	{ "HT20",	CHAN_WIDTH_20,		0,  false },
	{ "HT40+",	CHAN_WIDTH_40,		1,  false },
	{ "HT40-",	CHAN_WIDTH_40,		-1, false },
	{ "VHT80",	CHAN_WIDTH_80,		0,  false },
	{ "VHT160",	CHAN_WIDTH_160,		0,  false },
	{ "W5",		CHAN_WIDTH_5,		0,  false },
	{ "W10",	CHAN_WIDTH_10,		0,  false },
	{ "W6e",	CHAN_WIDTH_20_NOHT,	0,  true },
};

enum chan_band
chan_band_of(uint32_t freq)
{
	if (freq >= 2412 && freq <= 2484)
		return CHAN_BAND_2GHZ;
	/*
	 * 4.9 GHz public safety channels (182-196) are numbered in the 5 GHz
	 * band.  Below channel 32 the 5 GHz numbers would collide with the
	 * 2.4 GHz ones in a bare number, so they are left out.
	 */
	if ((freq >= 4910 && freq <= 4980) || (freq >= 5160 && freq <= 5895))
		return CHAN_BAND_5GHZ;
	if (freq >= 5935 && freq <= 7115)
		return CHAN_BAND_6GHZ;
	return 0;
}

unsigned int
chan_freq_to_num(uint32_t freq)
{
	switch (chan_band_of(freq)) {
	case CHAN_BAND_2GHZ:
		if (freq == 2484)
			return 14;
		if (freq > 2472 || (freq - 2407) % 5 != 0)
			return 0;
		return (freq - 2407) / 5;
	case CHAN_BAND_5GHZ:
		if (freq % 5 != 0)
			return 0;
		if (freq <= 4980)
			return (freq - 4000) / 5;
		return (freq - 5000) / 5;
	case CHAN_BAND_6GHZ:
		/* IEEE 802.11ax-2021 §27.3.23.2: channel 2 sits below 1. */
		if (freq == 5935)
			return 2;
		if (freq < 5955 || (freq - 5955) % 20 != 0)
			return 0;
		return (freq - 5950) / 5;
	default:
		return 0;
	}
}

uint32_t
chan_num_to_freq(unsigned int num, enum chan_band band)
{
	uint32_t f;

	switch (band) {
	case CHAN_BAND_2GHZ:
		if (num == 14)
			return 2484;
		if (num < 1 || num > 13)
			return 0;
		return 2407 + 5 * num;
	case CHAN_BAND_5GHZ:
		if (num >= 182 && num <= 196)
			f = 4000 + 5 * num;
		else
			f = 5000 + 5 * num;
		break;
	case CHAN_BAND_6GHZ:
		if (num == 2)
			return 5935;
		f = 5950 + 5 * num;
		if (num == 0 || (num - 1) % 4 != 0)
			return 0;
		break;
	default:
		return 0;
	}
	return chan_band_of(f) == band ? f : 0;
}

/* The lowest frequency of the block of blocks[] that holds freq, or 0. */
static uint32_t
chan_block_low(uint32_t freq, const uint32_t *blocks, size_t n, uint32_t mhz)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (freq >= blocks[i] && freq < blocks[i] + mhz)
			return blocks[i];
	return 0;
}

/*
 * The centre of the HT40 channel with control freq and its secondary
 * above (sign 1) or below (-1), or 0 when there is none.  In 5 GHz the
 * pair must be one of the 40 MHz halves of an 80 MHz block (36+40, not
 * 40+44), as IEEE 802.11-2020 Annex E lists them.
 */
static uint32_t
chan_ht40_center(uint32_t freq, int sign)
{
	enum chan_band band = chan_band_of(freq);
	uint32_t sec = sign > 0 ? freq + 20 : freq - 20, low;

	if (band == 0 || chan_band_of(sec) != band ||
	    chan_freq_to_num(sec) == 0)
		return 0;
	switch (band) {
	case CHAN_BAND_2GHZ:
		/* Channel 14 is DSSS only (Japan). */
		if (freq == 2484 || sec == 2484)
			return 0;
		break;
	case CHAN_BAND_5GHZ:
		low = chan_block_low(freq, chan_blocks80,
		    sizeof(chan_blocks80) / sizeof(chan_blocks80[0]), 80);
		if (low != 0 &&
		    (freq - low) % 40 != (sign > 0 ? 0u : 20u))
			return 0;
		break;
	default:
		return 0;
	}
	return sign > 0 ? freq + 10 : freq - 10;
}

/* Fill *ret for freq and a width; -EINVAL when no such channel exists. */
static int
chan_make(uint32_t freq, enum chan_width width, int sign, struct chan *ret)
{
	enum chan_band band = chan_band_of(freq);
	uint32_t center, low;

	if (band == 0 || chan_freq_to_num(freq) == 0)
		return -EINVAL;
	/* 6 GHz is HE only: no HT, VHT or narrow channels to name. */
	if (band == CHAN_BAND_6GHZ && width != CHAN_WIDTH_20_NOHT)
		return -EINVAL;
	switch (width) {
	case CHAN_WIDTH_20_NOHT:
	case CHAN_WIDTH_20:
	case CHAN_WIDTH_5:
	case CHAN_WIDTH_10:
		center = freq;
		break;
	case CHAN_WIDTH_40:
		if ((center = chan_ht40_center(freq, sign)) == 0)
			return -EINVAL;
		break;
	case CHAN_WIDTH_80:
		low = chan_block_low(freq, chan_blocks80,
		    sizeof(chan_blocks80) / sizeof(chan_blocks80[0]), 80);
		if (low == 0)
			return -EINVAL;
		center = low + 30;
		break;
	case CHAN_WIDTH_160:
		low = chan_block_low(freq, chan_blocks160,
		    sizeof(chan_blocks160) / sizeof(chan_blocks160[0]), 160);
		if (low == 0)
			return -EINVAL;
		center = low + 70;
		break;
	default:
		return -EINVAL;
	}
	ret->freq = freq;
	ret->center1 = center;
	ret->width = width;
	return 0;
}

int
chan_parse(const char *s, struct chan *ret)
{
	const struct chan_suffix *sfx = NULL;
	unsigned long num = 0;
	const char *p;
	enum chan_band band;
	uint32_t freq;
	size_t i, ndig;

	for (p = s, ndig = 0; isdigit((unsigned char)*p); p++, ndig++) {
		if (ndig >= 5)
			return -EINVAL;
		num = num * 10 + (unsigned long)(*p - '0');
	}
	if (ndig == 0 || num == 0)
		return -EINVAL;
	for (i = 0; i < sizeof(chan_suffixes) / sizeof(chan_suffixes[0]); i++)
		if (strcasecmp(p, chan_suffixes[i].text) == 0) {
			sfx = &chan_suffixes[i];
			break;
		}
	if (sfx == NULL)
		return -EINVAL;

	if (num > 250) {
		/* Frequencies name their band themselves. */
		freq = (uint32_t)num;
		band = chan_band_of(freq);
		if (band == 0 || chan_freq_to_num(freq) == 0)
			return -EINVAL;
		if (sfx->band6 && band != CHAN_BAND_6GHZ)
			return -EINVAL;
	} else {
		if (sfx->band6)
			band = CHAN_BAND_6GHZ;
		else if (num <= 14)
			band = CHAN_BAND_2GHZ;
		else
			band = CHAN_BAND_5GHZ;
		if ((freq = chan_num_to_freq((unsigned int)num, band)) == 0)
			return -EINVAL;
	}
	return chan_make(freq, sfx->width, sfx->sign, ret);
}

int
chan_format(const struct chan *c, char *buf, size_t len)
{
	struct chan check;
	enum chan_band band = chan_band_of(c->freq);
	unsigned int num = chan_freq_to_num(c->freq);
	const char *sfx;
	int sign = 0, n;

	if (band == 0 || num == 0)
		return -EINVAL;
	switch (c->width) {
	case CHAN_WIDTH_20_NOHT:
		sfx = band == CHAN_BAND_6GHZ ? "W6e" : "";
		break;
	case CHAN_WIDTH_20:
		sfx = "HT20";
		break;
	case CHAN_WIDTH_40:
		sign = c->center1 > c->freq ? 1 : -1;
		sfx = sign > 0 ? "HT40+" : "HT40-";
		break;
	case CHAN_WIDTH_80:
		sfx = "VHT80";
		break;
	case CHAN_WIDTH_160:
		sfx = "VHT160";
		break;
	case CHAN_WIDTH_5:
		sfx = "W5";
		break;
	case CHAN_WIDTH_10:
		sfx = "W10";
		break;
	default:
		return -EINVAL;
	}
	/* Only what chan_parse() could have produced has a name. */
	if (chan_make(c->freq, c->width, sign, &check) < 0 ||
	    check.center1 != c->center1)
		return -EINVAL;
	n = snprintf(buf, len, "%u%s", num, sfx);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

bool
chan_equal(const struct chan *a, const struct chan *b)
{
	return a->freq == b->freq && a->width == b->width &&
	    a->center1 == b->center1;
}

void
chan_opts_default(struct chan_opts *o)
{
	o->ht_channels = true;
	o->vht_channels = true;
	o->default_ht20 = false;
	o->expand_ht20 = false;
	o->bands = CHAN_BAND_ALL;
}

int
chan_opts_from_srcdef(const struct srcdef *def, struct chan_opts *ret,
    char *err, size_t errlen)
{
	static const struct {
		const char	*key;
		unsigned int	 band;
	} bandopts[] = {
		{ "band24ghz", CHAN_BAND_2GHZ },
		{ "band5ghz", CHAN_BAND_5GHZ },
		{ "band6ghz", CHAN_BAND_6GHZ },
	};
	struct chan_opts o;
	unsigned int on = 0, off = 0;
	bool v;
	size_t i;

	chan_opts_default(&o);
	if (srcdef_get_bool(def, "ht_channels", true, &o.ht_channels, err,
	    errlen) < 0 ||
	    srcdef_get_bool(def, "vht_channels", true, &o.vht_channels, err,
	    errlen) < 0 ||
	    srcdef_get_bool(def, "default_ht20", false, &o.default_ht20, err,
	    errlen) < 0 ||
	    srcdef_get_bool(def, "expand_ht20", false, &o.expand_ht20, err,
	    errlen) < 0)
		return -EINVAL;
	for (i = 0; i < sizeof(bandopts) / sizeof(bandopts[0]); i++) {
		if (srcdef_get(def, bandopts[i].key) == NULL)
			continue;
		if (srcdef_get_bool(def, bandopts[i].key, true, &v, err,
		    errlen) < 0)
			return -EINVAL;
		if (v)
			on |= bandopts[i].band;
		else
			off |= bandopts[i].band;
	}
	/* "band5ghz=true" alone means 5 GHz only, as Kismet reads it. */
	o.bands = (on != 0 ? on : CHAN_BAND_ALL) & ~off;
	if (o.bands == 0) {
		snprintf(err, errlen, "band options leave no band to capture");
		return -EINVAL;
	}
	*ret = o;
	return 0;
}

static const struct chan_caps *
chan_caps_find(const struct chan_caps *caps, size_t n, uint32_t freq)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (caps[i].freq == freq)
			return &caps[i];
	return NULL;
}

/* Every 20 MHz part of [lo, hi] enabled and without the flags in bad. */
static bool
chan_parts_ok(const struct chan_caps *caps, size_t n, uint32_t lo,
    uint32_t hi, uint32_t bad)
{
	const struct chan_caps *f;
	uint32_t freq;

	for (freq = lo; freq <= hi; freq += 20) {
		f = chan_caps_find(caps, n, freq);
		if (f == NULL || (f->flags & (CHAN_F_DISABLED | bad)) != 0)
			return false;
	}
	return true;
}

bool
chan_supported(const struct chan_caps *caps, size_t n, const struct chan *c)
{
	const struct chan_caps *f = chan_caps_find(caps, n, c->freq);
	uint32_t fl, need;

	if (f == NULL || (f->flags & CHAN_F_DISABLED) != 0)
		return false;
	fl = f->flags;
	switch (c->width) {
	case CHAN_WIDTH_20_NOHT:
		return true;
	case CHAN_WIDTH_5:
	case CHAN_WIDTH_10:
		/* Whether the radio can is only known by trying. */
		return chan_band_of(c->freq) != CHAN_BAND_6GHZ;
	case CHAN_WIDTH_20:
		return (fl & CHAN_F_BAND_HT) != 0;
	case CHAN_WIDTH_40:
		need = CHAN_F_BAND_HT | CHAN_F_BAND_HT40;
		if ((fl & need) != need)
			return false;
		if (c->center1 > c->freq)
			return (fl & CHAN_F_NO_HT40_PLUS) == 0 &&
			    chan_parts_ok(caps, n, c->freq + 20, c->freq + 20,
			    0);
		return (fl & CHAN_F_NO_HT40_MINUS) == 0 &&
		    chan_parts_ok(caps, n, c->freq - 20, c->freq - 20, 0);
	case CHAN_WIDTH_80:
		if ((fl & CHAN_F_BAND_VHT) == 0)
			return false;
		return chan_parts_ok(caps, n, c->center1 - 30, c->center1 + 30,
		    CHAN_F_NO_80MHZ);
	case CHAN_WIDTH_160:
		need = CHAN_F_BAND_VHT | CHAN_F_BAND_VHT160;
		if ((fl & need) != need)
			return false;
		return chan_parts_ok(caps, n, c->center1 - 70, c->center1 + 70,
		    CHAN_F_NO_160MHZ);
	}
	return false;
}

/* Append c to out when it is a channel the phy supports. */
static int
chan_list_add(const struct chan_caps *caps, size_t n, uint32_t freq,
    enum chan_width width, int sign, struct chan *out, size_t max,
    size_t *count)
{
	struct chan c;

	if (chan_make(freq, width, sign, &c) < 0 ||
	    !chan_supported(caps, n, &c))
		return 0;
	if (*count >= max)
		return -EMSGSIZE;
	out[(*count)++] = c;
	return 0;
}

int
chan_list_build(const struct chan_caps *caps, size_t n,
    const struct chan_opts *opts, struct chan *out, size_t max)
{
	size_t i, count = 0;
	uint32_t freq, fl;
	bool ht;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		freq = caps[i].freq;
		fl = caps[i].flags;
		if ((fl & CHAN_F_DISABLED) != 0 ||
		    (chan_band_of(freq) & opts->bands) == 0)
			continue;
		ht = (fl & CHAN_F_BAND_HT) != 0;
		if (!ht || !opts->default_ht20)
			r = chan_list_add(caps, n, freq, CHAN_WIDTH_20_NOHT, 0,
			    out, max, &count);
		if (r == 0 && ht && (opts->default_ht20 || opts->expand_ht20))
			r = chan_list_add(caps, n, freq, CHAN_WIDTH_20, 0,
			    out, max, &count);
		if (r == 0 && opts->ht_channels) {
			r = chan_list_add(caps, n, freq, CHAN_WIDTH_40, 1,
			    out, max, &count);
			if (r == 0)
				r = chan_list_add(caps, n, freq, CHAN_WIDTH_40,
				    -1, out, max, &count);
		}
		if (r == 0 && opts->vht_channels) {
			r = chan_list_add(caps, n, freq, CHAN_WIDTH_80, 0,
			    out, max, &count);
			if (r == 0)
				r = chan_list_add(caps, n, freq,
				    CHAN_WIDTH_160, 0, out, max, &count);
		}
	}
	return r < 0 ? r : (int)count;
}
