/* SPDX-License-Identifier: ISC */
/*
 * \summary: PHY arithmetic: channel numbers from frequencies, data rates
 *
 * Channel numbering follows IEEE 802.11-2020 Annex E (and 802.11ax for
 * 6 GHz); the rate formula is the one every OFDM PHY clause uses:
 *
 *	rate = data subcarriers * bits per subcarrier * coding rate
 *	       * spatial streams / symbol duration
 *
 * with the per-width subcarrier counts of 802.11-2020 Tables 19-6 (HT),
 * 21-5 (VHT) and 802.11ax Table 27-12 (HE).
 */

#include "phy.h"

unsigned
phy_freq_to_channel(unsigned mhz)
{
	if (mhz == 2484)
		return 14;
	if (mhz >= 2412 && mhz <= 2472)
		return (mhz - 2407) / 5;
	if (mhz >= 4910 && mhz <= 4995)
		return (mhz - 4000) / 5;
	if (mhz > 5000 && mhz < 5925)
		return (mhz - 5000) / 5;
	/* 6 GHz: channel 2 sits below the 5950 MHz start of the others. */
	if (mhz == 5935)
		return 2;
	if (mhz > 5950 && mhz <= 7115)
		return (mhz - 5950) / 5;
	if (mhz >= 58320 && mhz <= 70200)
		return (mhz - 56160) / 2160;
	return 0;
}

unsigned
phy_channel_to_freq(unsigned channel)
{
	if (channel >= 1 && channel <= 13)
		return 2407 + 5 * channel;
	if (channel == 14)
		return 2484;
	if (channel >= 182 && channel <= 199)
		return 4000 + 5 * channel;
	if (channel >= 32 && channel <= 177)
		return 5000 + 5 * channel;
	return 0;
}

/* Bits per subcarrier and coding rate of MCS 0-11 (HT repeats 0-7). */
static const struct {
	unsigned char	 bits, num, den;
} phy_mod[12] = {
	{ 1, 1, 2 }, { 2, 1, 2 }, { 2, 3, 4 }, { 4, 1, 2 },
	{ 4, 3, 4 }, { 6, 2, 3 }, { 6, 3, 4 }, { 6, 5, 6 },
	{ 8, 3, 4 }, { 8, 5, 6 }, { 10, 3, 4 }, { 10, 5, 6 },
};

static uint32_t
phy_rate(unsigned mcs, unsigned nss, unsigned nsd, unsigned symbol_ns)
{
	uint64_t bits;

	bits = (uint64_t)nsd * phy_mod[mcs].bits * phy_mod[mcs].num * nss;
	/* bits per symbol / symbol time in ns, scaled to kb/s. */
	return (uint32_t)(bits * 1000000 / ((uint64_t)phy_mod[mcs].den *
	    symbol_ns));
}

uint32_t
phy_ht_rate_kbps(unsigned mcs, unsigned bw_mhz, bool short_gi)
{
	unsigned nsd;

	if (mcs > 31)
		return 0;
	if (bw_mhz == 20)
		nsd = 52;
	else if (bw_mhz == 40)
		nsd = 108;
	else
		return 0;
	return phy_rate(mcs % 8, mcs / 8 + 1, nsd, short_gi ? 3600 : 4000);
}

uint32_t
phy_vht_rate_kbps(unsigned mcs, unsigned nss, unsigned bw_mhz, bool short_gi)
{
	unsigned nsd;

	if (mcs > 9 || nss < 1 || nss > 8)
		return 0;
	switch (bw_mhz) {
	case 20:
		nsd = 52;
		break;
	case 40:
		nsd = 108;
		break;
	case 80:
		nsd = 234;
		break;
	case 160:
		nsd = 468;
		break;
	default:
		return 0;
	}
	return phy_rate(mcs, nss, nsd, short_gi ? 3600 : 4000);
}

uint32_t
phy_he_rate_kbps(unsigned mcs, unsigned nss, unsigned bw_mhz, unsigned gi_ns)
{
	unsigned nsd;

	if (mcs > 11 || nss < 1 || nss > 8)
		return 0;
	if (gi_ns != 800 && gi_ns != 1600 && gi_ns != 3200)
		return 0;
	switch (bw_mhz) {
	case 20:
		nsd = 234;
		break;
	case 40:
		nsd = 468;
		break;
	case 80:
		nsd = 980;
		break;
	case 160:
		nsd = 1960;
		break;
	default:
		return 0;
	}
	/* An HE symbol is 12.8 us plus the guard interval. */
	return phy_rate(mcs, nss, nsd, 12800 + gi_ns);
}
