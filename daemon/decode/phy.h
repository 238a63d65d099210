/* SPDX-License-Identifier: ISC */
/*
 * \summary: PHY arithmetic: channel numbers from frequencies, data rates
 *
 * Small pure functions shared by the radio header decoders, the device
 * tracker and anyone else who needs to turn a frequency into a channel
 * number or an MCS into a bit rate.
 */
#ifndef DAEMON_PHY_H
#define DAEMON_PHY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The IEEE channel number of a centre frequency in MHz: 2.4 GHz (2412-2472
 * are 1-13, 2484 is 14), 4.9 GHz (4910-4995, channels 182-199), 5 GHz
 * (5000-5920), 6 GHz (5935 is channel 2, 5955 onwards 1, 5, 9, ...) and
 * 60 GHz DMG (58320-70200, channels 1-6).  Returns 0 for a frequency in
 * none of these bands.
 */
unsigned	phy_freq_to_channel(unsigned mhz);

/*
 * The centre frequency in MHz of a channel number reported without a band
 * (Prism and AVS headers, which predate 6 GHz): 1-13 and 14 are 2.4 GHz,
 * 182-199 are 4.9 GHz, 32-177 are 5 GHz.  Returns 0 for any other number.
 */
unsigned	phy_channel_to_freq(unsigned channel);

/*
 * Data rates in kb/s from MCS, spatial streams, channel width in MHz and
 * guard interval; 0 when the combination is outside the tables (an MCS
 * index too high, a width the PHY does not have, no streams).
 *
 * HT (802.11n) MCS 0-31 carries the stream count in the index itself.
 * VHT (802.11ac) takes MCS 0-9 and 1-8 streams; HE (802.11ax) MCS 0-11,
 * 1-8 streams and a guard interval of 800, 1600 or 3200 ns.
 */
uint32_t	phy_ht_rate_kbps(unsigned mcs, unsigned bw_mhz, bool short_gi);
uint32_t	phy_vht_rate_kbps(unsigned mcs, unsigned nss, unsigned bw_mhz,
		    bool short_gi);
uint32_t	phy_he_rate_kbps(unsigned mcs, unsigned nss, unsigned bw_mhz,
		    unsigned gi_ns);

#endif
