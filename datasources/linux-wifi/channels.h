/* SPDX-License-Identifier: ISC */
/*
 * \summary: Wi-Fi channel strings, their nl80211 meaning and hop lists
 *
 * A channel is what nl80211 tunes: a control frequency, a width and the
 * centre frequency of the whole block (IEEE 802.11-2020 §21.3.14 for the
 * VHT 80/160 MHz blocks, §19.3.15 for HT40).  The strings are Kismet's:
 *
 *	6  2437        20 MHz, non-HT (a number above 250 is MHz)
 *	6HT20          20 MHz HT
 *	6HT40+ 11HT40- 40 MHz, secondary channel above / below
 *	36VHT80        80 MHz, the block that holds channel 36
 *	36VHT160       160 MHz
 *	1W6e           6 GHz channel 1 (6 GHz numbers repeat 2.4 GHz ones)
 *	6W10 6W5       10 and 5 MHz OFDM channels
 *
 * chan_format() writes the canonical form that helpers report back.
 * Building a hop list from what a phy supports (chan_list_build) follows
 * Kismet's linuxwifi options: ht_channels, vht_channels, default_ht20,
 * expand_ht20 and the band filters (doc/linux-wifi.md).
 *
 * Pure logic: no I/O, no allocation.
 */
#ifndef LINUX_WIFI_CHANNELS_H
#define LINUX_WIFI_CHANNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct srcdef;

#define CHAN_STR_MAX	16	/* "177VHT160" and its NUL fit easily */
#define CHAN_LIST_MAX	512	/* longest hop list a phy can give */

enum chan_band {
	CHAN_BAND_2GHZ = 1 << 0,
	CHAN_BAND_5GHZ = 1 << 1,
	CHAN_BAND_6GHZ = 1 << 2,
	CHAN_BAND_ALL = CHAN_BAND_2GHZ | CHAN_BAND_5GHZ | CHAN_BAND_6GHZ,
};

enum chan_width {
	CHAN_WIDTH_20_NOHT = 0,
	CHAN_WIDTH_20,
	CHAN_WIDTH_40,
	CHAN_WIDTH_80,
	CHAN_WIDTH_160,
	CHAN_WIDTH_5,
	CHAN_WIDTH_10,
};

/* One tunable channel. */
struct chan {
	uint32_t	 freq;		/* control channel, MHz */
	uint32_t	 center1;	/* centre of the whole block, MHz */
	enum chan_width	 width;
};

/*
 * What a phy says about one of its frequencies (from nl80211): the
 * per-frequency regulatory flags and the capabilities of its band.
 */
enum chan_caps_flag {
	CHAN_F_DISABLED		= 1 << 0,
	CHAN_F_NO_HT40_MINUS	= 1 << 1,
	CHAN_F_NO_HT40_PLUS	= 1 << 2,
	CHAN_F_NO_80MHZ		= 1 << 3,
	CHAN_F_NO_160MHZ	= 1 << 4,
	CHAN_F_NO_IR		= 1 << 5,	/* informational: monitor ok */
	CHAN_F_RADAR		= 1 << 6,	/* informational */
	CHAN_F_BAND_HT		= 1 << 8,	/* band has HT capabilities */
	CHAN_F_BAND_HT40	= 1 << 9,	/* HT capab: 20/40 supported */
	CHAN_F_BAND_VHT		= 1 << 10,	/* band has VHT capabilities */
	CHAN_F_BAND_VHT160	= 1 << 11,	/* VHT capab: 160 supported */
};

struct chan_caps {
	uint32_t	 freq;		/* MHz */
	uint32_t	 flags;		/* enum chan_caps_flag bits */
};

/* The linuxwifi source options that shape the hop list. */
struct chan_opts {
	bool		 ht_channels;	/* add HT40+/- (default true) */
	bool		 vht_channels;	/* add VHT80/160 (default true) */
	bool		 default_ht20;	/* tune 20 MHz channels as HT20 */
	bool		 expand_ht20;	/* list both 6 and 6HT20 */
	unsigned int	 bands;		/* enum chan_band bits to keep */
};

/* The band of a frequency, or 0 when it is in none osprey tunes. */
enum chan_band chan_band_of(uint32_t freq);

/*
 * The IEEE channel number of a frequency in its band, or 0 when the
 * frequency is not a channel centre.
 */
unsigned int chan_freq_to_num(uint32_t freq);

/* The frequency of a channel number in a band, or 0 when there is none. */
uint32_t chan_num_to_freq(unsigned int num, enum chan_band band);

/*
 * Parse a channel string (any case) into *ret.  Returns 0, or -EINVAL
 * when the string is not a channel or names a block that does not exist
 * (14HT40+, 11VHT80).
 */
int	chan_parse(const char *s, struct chan *ret);

/*
 * Write the canonical string of c into buf (CHAN_STR_MAX bytes suffice).
 * Returns its length, or -EINVAL when c is not a channel chan_parse()
 * could have produced, -ENOSPC when buf is too small.
 */
int	chan_format(const struct chan *c, char *buf, size_t len);

/* The same channel: same control frequency, width and centre. */
bool	chan_equal(const struct chan *, const struct chan *);

/* Defaults: HT and VHT channels on, HT20 off, every band. */
void	chan_opts_default(struct chan_opts *);

/*
 * Read ht_channels, vht_channels, default_ht20, expand_ht20, band24ghz,
 * band5ghz and band6ghz from a source definition into *ret (starting
 * from the defaults).  When any band option is true only the bands set
 * true are kept; a band set false is dropped.  Returns 0, or -EINVAL
 * with a one-line reason in err.
 */
int	chan_opts_from_srcdef(const struct srcdef *, struct chan_opts *ret,
	    char *err, size_t errlen);

/*
 * Whether a phy whose frequencies are caps[0..n) can tune c: every 20 MHz
 * part enabled, and the band and regulatory flags allowing the width.
 */
bool	chan_supported(const struct chan_caps *caps, size_t n,
	    const struct chan *c);

/*
 * Build the hop list of a phy into out[0..max): per enabled frequency in
 * the kept bands, in frequency order, the 20 MHz channel (HT20 when
 * default_ht20; both with expand_ht20), then HT40+, HT40-, VHT80 and
 * VHT160 where the phy supports them and the options ask for them.
 * Returns the count, or -EMSGSIZE when more than max would be needed.
 */
int	chan_list_build(const struct chan_caps *caps, size_t n,
	    const struct chan_opts *opts, struct chan *out, size_t max);

#endif
