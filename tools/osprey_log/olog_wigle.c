/* SPDX-License-Identifier: ISC */
/* \summary: osprey_log wiglecsv: located Wi-Fi access points as WiGLE CSV */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kismetdb.h"
#include "olog_json.h"
#include "olog_wigle.h"
#include "osprey_config.h"
#include "osprey_log.h"
#include "xmalloc.h"

/* Kismet's crypt_set bits (the REST API's dot11.advertisedssid). */
#define KC_WEP		(1ULL << 1)
#define KC_TKIP		(1ULL << 5)
#define KC_WPA		(1ULL << 6)
#define KC_PSK		(1ULL << 7)
#define KC_CCMP		(1ULL << 9)
#define KC_EAP		(1ULL << 11)
#define KC_SAE		(1ULL << 16)
#define KC_OWE		(1ULL << 17)
#define KC_WPS		(1ULL << 26)
#define KC_V_WPA	(1ULL << 27)
#define KC_V_WPA2	(1ULL << 28)
#define KC_V_WPA3	(1ULL << 29)

/* What a source MAC's device row says, looked up once. */
struct olog_ap {
	char		 mac[18];	/* "" : a free slot */
	bool		 skip;		/* not an access point, or no row */
	char		*ssid;
	char		 auth[64];
	char		 first[24];	/* FirstSeen, UTC */
	uint64_t	 last_row;	/* ts_sec of its last row */
};

struct olog_aps {
	struct olog_ap	*v;
	size_t		 n, cap;	/* cap a power of two */
};

int
olog_wigle_channel(double khz)
{
	double mhz = khz / 1000;

	if (khz == 0)
		return 0;
	if (mhz == 2484)
		return 14;
	if (mhz < 2484)
		return (int)((mhz - 2407) / 5);
	if (mhz >= 4910 && mhz <= 4980)
		return (int)((mhz - 4000) / 5);
	if (mhz <= 45000)
		return (int)((mhz - 5000) / 5);
	if (mhz >= 58320 && mhz <= 64800)
		return (int)((mhz - 56160) / 2160);
	return (int)mhz;
}

void
olog_wigle_auth(uint64_t c, char *buf, size_t len)
{
	const char *ciph, *akm, *ver;
	size_t n = 0;

	buf[0] = '\0';
	if (c & KC_WPS)
		n += (size_t)snprintf(buf + n, len - n, "[WPS]");
	if ((c & KC_WEP) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "[WEP]");
	if ((c & (KC_WPA | KC_V_WPA | KC_V_WPA2 | KC_V_WPA3)) && n < len) {
		ciph = (c & KC_TKIP) && (c & KC_CCMP) ? "CCMP+TKIP" :
		    (c & KC_TKIP) ? "TKIP" : (c & KC_CCMP) ? "CCMP" : "";
		akm = (c & KC_PSK) ? "PSK" : (c & KC_EAP) ? "EAP" :
		    (c & KC_SAE) ? "SAE" : (c & KC_OWE) ? "OWE" : "UNKNOWN";
		ver = (c & KC_V_WPA3) || (c & KC_OWE) ? "WPA3" :
		    (c & KC_V_WPA2) ? "WPA2" : "WPA";
		if ((c & KC_V_WPA2) && (c & KC_V_WPA))
			n += (size_t)snprintf(buf + n, len - n, "[WPA-%s-%s]",
			    akm, ciph);
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "[%s-%s-%s]",
			    ver, akm, ciph);
	}
	if (n < len)
		snprintf(buf + n, len - n, "[ESS]");
}

/* Kismet's CSV escape: printable but ',' and '"' kept, others \ooo. */
static char *
olog_munge(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out = xmalloc(4 * n + 1);
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 32 && c <= 126 && c != ',' && c != '"')
			out[o++] = (char)c;
		else {
			out[o++] = '\\';
			out[o++] = (char)('0' + ((c >> 6) & 3));
			out[o++] = (char)('0' + ((c >> 3) & 7));
			out[o++] = (char)('0' + (c & 7));
		}
	}
	out[o] = '\0';
	return out;
}

static uint32_t
olog_hash(const char *s)
{
	uint32_t h = 2166136261U;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619U;
	return h;
}

static struct olog_ap *
olog_ap_slot(struct olog_aps *a, const char *mac)
{
	struct olog_ap *old = a->v;
	size_t i, oldcap = a->cap;

	if (a->n * 2 >= a->cap) {
		a->cap = a->cap == 0 ? 1024 : a->cap * 2;
		a->v = xcalloc(a->cap, sizeof(*a->v));
		a->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].mac[0] != '\0') {
				*olog_ap_slot(a, old[i].mac) = old[i];
				a->n++;
			}
		free(old);
	}
	for (i = olog_hash(mac) & (a->cap - 1); a->v[i].mac[0] != '\0' &&
	    strcmp(a->v[i].mac, mac) != 0; i = (i + 1) & (a->cap - 1))
		;
	return &a->v[i];
}

/* Look a source MAC up in the devices table, once. */
static struct olog_ap *
olog_ap(struct kismetdb *db, struct olog_aps *a, const char *mac,
    const char *phy)
{
	static const char *const p_type[] = { "kismet.device.base.type",
	    NULL };
	static const char *const p_first[] = {
	    "kismet.device.base.first_time", NULL };
	static const char *const p_ssid[] = { "dot11.device",
	    "dot11.device.last_beaconed_ssid_record",
	    "dot11.advertisedssid.ssid", NULL };
	static const char *const p_last[] = { "dot11.device",
	    "dot11.device.last_beaconed_ssid", NULL };
	static const char *const p_crypt[] = { "dot11.device",
	    "dot11.device.last_beaconed_ssid_record",
	    "dot11.advertisedssid.crypt_set", NULL };
	struct kismetdb_device d;
	struct olog_ap *ap = olog_ap_slot(a, mac);
	const char *type, *ssid;
	yajl_val t = NULL;
	time_t first;
	struct tm tm;

	if (ap->mac[0] != '\0')
		return ap;
	snprintf(ap->mac, sizeof(ap->mac), "%s", mac);
	a->n++;
	ap->skip = true;
	if (kismetdb_find_device(db, phy, mac, &d) != 1 ||
	    (t = olog_json_tree(d.json, d.json_len)) == NULL)
		return ap;
	type = olog_json_str(t, p_type);
	if (strcmp(phy, KISMETDB_PHY_DOT11) != 0 || type == NULL ||
	    strcmp(type, "Wi-Fi AP") != 0) {
		yajl_tree_free(t);
		return ap;
	}
	if ((ssid = olog_json_str(t, p_ssid)) == NULL &&
	    (ssid = olog_json_str(t, p_last)) == NULL)
		ssid = "";
	ap->ssid = olog_munge(ssid);
	olog_wigle_auth((uint64_t)olog_json_num(t, p_crypt, 0), ap->auth,
	    sizeof(ap->auth));
	first = (time_t)olog_json_num(t, p_first, (double)d.first_time);
	gmtime_r(&first, &tm);
	strftime(ap->first, sizeof(ap->first), "%Y-%m-%d %H:%M:%S", &tm);
	ap->skip = false;
	yajl_tree_free(t);
	return ap;
}

int
olog_wigle(struct kismetdb *db, unsigned rate_limit, struct olog_out *out,
    uint64_t *ret_rows)
{
	struct kismetdb_iter *it;
	struct kismetdb_packet p;
	struct olog_aps a = { NULL, 0, 0 };
	struct olog_ap *ap;
	char line[1024];
	uint64_t rows = 0;
	size_t i;
	int r, n, ret = -1;

	/* The same pre-header as the core's own log (wiglecsv.c). */
	n = snprintf(line, sizeof(line), "WigleWifi-1.4,appRelease=%s,"
	    "model=osprey,release=%s,device=osprey,display=osprey,"
	    "board=osprey,brand=osprey\nMAC,SSID,AuthMode,FirstSeen,Channel,"
	    "RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,"
	    "AccuracyMeters,Type\n", OSPREY_VERSION, OSPREY_VERSION);
	if (!olog_write(out, line, (size_t)n))
		return -1;
	if (kismetdb_iter_packets(db, NULL, &it) < 0) {
		olog_err("reading packets: %s", kismetdb_errmsg(db));
		return -1;
	}
	while ((r = kismetdb_next_packet(it, &p)) == 1) {
		if (p.loc.lat == 0 || p.loc.lon == 0 ||
		    strcmp(p.sourcemac, KISMETDB_NO_MAC) == 0 ||
		    strlen(p.sourcemac) != 17)
			continue;
		ap = olog_ap(db, &a, p.sourcemac, p.phyname);
		if (ap->skip)
			continue;
		/* At most one row per device per rate_limit seconds. */
		if (rate_limit > 0 && ap->last_row != 0 &&
		    p.ts_sec < ap->last_row + rate_limit)
			continue;
		ap->last_row = p.ts_sec;
		n = snprintf(line, sizeof(line), "%s,%s,%s,%s,%d,%lld,%3.10f,"
		    "%3.10f,%f,0,WIFI\n", p.sourcemac, ap->ssid, ap->auth,
		    ap->first, olog_wigle_channel(p.frequency),
		    (long long)p.signal, p.loc.lat, p.loc.lon, p.loc.alt);
		if (n >= (int)sizeof(line))
			continue;
		if (!olog_write(out, line, (size_t)n))
			goto out;
		rows++;
	}
	if (r < 0) {
		olog_err("reading packets: %s", kismetdb_errmsg(db));
		goto out;
	}
	*ret_rows = rows;
	ret = 0;
out:
	kismetdb_iter_free(it);
	for (i = 0; i < a.cap; i++)
		free(a.v[i].ssid);
	free(a.v);
	return ret;
}
