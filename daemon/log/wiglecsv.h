/* SPDX-License-Identifier: ISC */
/*
 * \summary: the WiGLE CSV log: access points and where they were heard
 *
 * log_types=wiglecsv writes WiGLE's upload format, version 1.4: a
 * pre-header line naming the app, the column line, then one line per
 * sighting of an access point:
 *
 *   WigleWifi-1.4,appRelease=0.1.0,model=osprey,release=0.1.0,...
 *   MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,
 *       CurrentLongitude,AltitudeMeters,AccuracyMeters,Type
 *   00:11:22:33:44:55,Home,[WPA2-PSK-CCMP][ESS],2023-11-14 22:13:20,6,
 *       -61,48.8584000,2.2945000,35.0,4.0,WIFI
 *
 * A sighting is a beacon or probe response heard while the sensor had a
 * fix; each access point gets at most one line per rate-limit period of
 * capture time (as Kismet's converter's --rate-limit), so the file stays
 * small on a long drive.  FirstSeen is UTC.  Fields holding a comma or
 * a quote are quoted as RFC 4180 says; SSIDs are printable UTF-8 (other
 * bytes as \xHH, as everywhere in osprey).
 */
#ifndef DAEMON_WIGLECSV_H
#define DAEMON_WIGLECSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct packet;
struct pcaplog_names;
struct tracker;
struct wiglecsv;

#define WIGLECSV_RATE_DEFAULT	10	/* seconds between lines per AP */
#define WIGLECSV_BUF_SIZE	(64 * 1024)

/*
 * Create the log named by the template (as the packet log, with %l
 * "wiglecsv"; the first increment whose file does not exist), write its
 * two header lines, and return it, with the name chosen in ret_path.
 * rate_s is the per-AP period (0: every sighting).  NULL with a reason
 * in err when the file cannot be made.
 */
struct wiglecsv	*wiglecsv_open(struct event_base *, const char *tmpl,
		    const struct pcaplog_names *, unsigned rate_s,
		    char *ret_path, size_t pathlen, char *err, size_t errlen);

/*
 * Consider a packet after the tracker saw it (tr gives its device).
 * Returns 1 when a line was written, 0 when the packet is no sighting or
 * was rate-limited, -EIO once the log has failed.
 */
int		 wiglecsv_packet(struct wiglecsv *, const struct tracker *tr,
		    const struct packet *p);

/* Format one line (for tests): the same as the log writes, no newline. */
int		 wiglecsv_line(const struct tracker *tr, const struct packet *p,
		    char *buf, size_t len);

/* Write what is buffered: 0 or -EIO. */
int		 wiglecsv_flush(struct wiglecsv *);

/* Flush, close, free; NULL is a no-op. */
void		 wiglecsv_close(struct wiglecsv *);

uint64_t	 wiglecsv_lines(const struct wiglecsv *);
bool		 wiglecsv_failed(const struct wiglecsv *);
const char	*wiglecsv_path(const struct wiglecsv *);

#endif
