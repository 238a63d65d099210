/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_log wiglecsv: located Wi-Fi access points as WiGLE CSV
 *
 * As Kismet's kismetdb_to_wiglecsv does: WiGLE's CSV 1.4 (two header
 * lines, then MAC, SSID, AuthMode, FirstSeen, Channel, RSSI,
 * CurrentLatitude, CurrentLongitude, AltitudeMeters, AccuracyMeters,
 * Type), one row per packet that has a position and a source address
 * whose device is a Wi-Fi access point, at most one row per device per
 * rate limit seconds.  A log written without a GPS has no position: it
 * gives no rows, and the command says so.
 */
#ifndef TOOLS_OLOG_WIGLE_H
#define TOOLS_OLOG_WIGLE_H

#include <stdint.h>

struct kismetdb;
struct olog_out;

/*
 * Returns 0 and the rows written, or -1 after an error line (a file
 * without located packets is not an error: 0 rows).
 */
int	olog_wigle(struct kismetdb *db, unsigned rate_limit,
	    struct olog_out *out, uint64_t *ret_rows);

/* A frequency in kHz as a Wi-Fi channel number, as Kismet computes it. */
int	olog_wigle_channel(double khz);

/*
 * WiGLE's AuthMode for Kismet's crypt_set bits ("[WPA2-PSK-CCMP][ESS]")
 * into buf (len bytes).
 */
void	olog_wigle_auth(uint64_t crypt, char *buf, size_t len);

#endif
