/* SPDX-License-Identifier: ISC */
/*
 * \summary: the WiGLE CSV log: access points and where they were heard
 *
 * Lines are appended to a buffer written out after each event loop pass
 * (as the packet log does) or when it fills.  The per-AP rate limit
 * keeps the capture second of each AP's last line in a small table of
 * its own, keyed by MAC: the device records stay as they are.
 */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "device.h"
#include "devrec.h"
#include "log.h"
#include "osprey_config.h"
#include "packet.h"
#include "pcaplog.h"
#include "tracker.h"
#include "wiglecsv.h"
#include "xmalloc.h"

#define WIGLECSV_MAX_INCREMENT	1000
#define WIGLECSV_LINE_MAX	512
#define CAP_PRIVACY		0x0010	/* capability: WEP or better */
#define CAP_IBSS		0x0002

struct wiglecsv_seen {
	uint64_t	 key;		/* MAC + 1, 0 for an empty slot */
	uint32_t	 t;
};

struct wiglecsv {
	int			 fd;
	char			*path;
	char			*buf;
	size_t			 used;
	struct event		*ev_flush;
	bool			 flush_pending;
	bool			 failed;
	unsigned		 rate_s;
	uint64_t		 lines;
	struct wiglecsv_seen	*seen;		/* open addressing */
	size_t			 seen_cap, seen_n;
};

static void	wiglecsv_flush_cb(evutil_socket_t, short, void *);

/*
 * WiGLE's pre-header: the format, then appRelease (the writing program's
 * version) and the device's model, release, device, display, board and
 * brand, in that order; osprey_log writes the same line.
 */
static const char wiglecsv_header[] =
    "WigleWifi-1.4,appRelease=" OSPREY_VERSION ",model=osprey,"
    "release=" OSPREY_VERSION ",device=osprey,display=osprey,board=osprey,"
    "brand=osprey\n"
    "MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,"
    "CurrentLongitude,AltitudeMeters,AccuracyMeters,Type\n";

struct wiglecsv *
wiglecsv_open(struct event_base *base, const char *tmpl,
    const struct pcaplog_names *nm, unsigned rate_s, char *ret_path,
    size_t pathlen, char *err, size_t errlen)
{
	struct wiglecsv *w;
	unsigned i;
	int fd = -1;

	for (i = 1; i <= WIGLECSV_MAX_INCREMENT; i++) {
		if (pcaplog_expand(tmpl, nm, i, ret_path, pathlen, err,
		    errlen) < 0)
			return NULL;
		fd = open(ret_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0640);
		if (fd >= 0 || errno != EEXIST || strstr(tmpl, "%i") == NULL)
			break;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", ret_path, strerror(errno));
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->path = xstrdup(ret_path);
	w->rate_s = rate_s;
	w->buf = xmalloc(WIGLECSV_BUF_SIZE);
	memcpy(w->buf, wiglecsv_header, sizeof(wiglecsv_header) - 1);
	w->used = sizeof(wiglecsv_header) - 1;
	if (base != NULL &&
	    (w->ev_flush = evtimer_new(base, wiglecsv_flush_cb, w)) == NULL)
		fatalx("wiglecsv: out of memory");
	if (wiglecsv_flush(w) < 0) {
		snprintf(err, errlen, "%s: %s", ret_path, strerror(errno));
		wiglecsv_close(w);
		return NULL;
	}
	return w;
}

int
wiglecsv_flush(struct wiglecsv *w)
{
	size_t off = 0;
	ssize_t n;

	if (w->failed)
		return -EIO;
	while (off < w->used) {
		if ((n = write(w->fd, w->buf + off, w->used - off)) < 0) {
			if (errno == EINTR)
				continue;
			w->failed = true;
			return -EIO;
		}
		off += (size_t)n;
	}
	w->used = 0;
	return 0;
}

static void
wiglecsv_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct wiglecsv *w = arg;

	w->flush_pending = false;
	if (wiglecsv_flush(w) < 0)
		log_warnx("wiglecsv log %s: write failed, logging stopped",
		    w->path);
}

void
wiglecsv_close(struct wiglecsv *w)
{
	if (w == NULL)
		return;
	if (wiglecsv_flush(w) < 0 && w->lines > 0)
		log_warnx("wiglecsv log %s: final write failed", w->path);
	if (w->ev_flush != NULL)
		event_free(w->ev_flush);
	close(w->fd);
	free(w->seen);
	free(w->buf);
	free(w->path);
	free(w);
}

/* --- the rate limit: MAC -> capture second of its last line ---------- */

static uint64_t
wiglecsv_key(const uint8_t mac[6])
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k + 1;
}

static size_t
wiglecsv_slot(const struct wiglecsv *w, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 20) & (w->seen_cap - 1);
}

static struct wiglecsv_seen *
wiglecsv_seen(struct wiglecsv *w, const uint8_t mac[6])
{
	struct wiglecsv_seen *old;
	uint64_t key = wiglecsv_key(mac);
	size_t i, cap;

	if (w->seen_n * 2 >= w->seen_cap) {
		old = w->seen;
		cap = w->seen_cap;
		w->seen_cap = cap == 0 ? 256 : cap * 2;
		w->seen = xcalloc(w->seen_cap, sizeof(*w->seen));
		for (i = 0; i < cap; i++) {
			size_t s;

			if (old[i].key == 0)
				continue;
			s = wiglecsv_slot(w, old[i].key);
			while (w->seen[s].key != 0)
				s = (s + 1) & (w->seen_cap - 1);
			w->seen[s] = old[i];
		}
		free(old);
	}
	for (i = wiglecsv_slot(w, key); w->seen[i].key != 0;
	    i = (i + 1) & (w->seen_cap - 1))
		if (w->seen[i].key == key)
			return &w->seen[i];
	w->seen[i].key = key;
	w->seen_n++;
	return &w->seen[i];
}

/* --- one line ---------------------------------------------------------- */

static size_t
wiglecsv_cipher(uint32_t c, char *buf, size_t len)
{
	const char *s;

	if ((c & DOT11_CRYPT_CCMP) && (c & DOT11_CRYPT_TKIP))
		s = "CCMP+TKIP";
	else if (c & DOT11_CRYPT_CCMP)
		s = "CCMP";
	else if (c & DOT11_CRYPT_GCMP)
		s = "GCMP";
	else if (c & DOT11_CRYPT_TKIP)
		s = "TKIP";
	else
		s = "";
	return (size_t)snprintf(buf, len, "%s", s);
}

/*
 * WiGLE's AuthMode, as Android names capabilities: [WPA2-PSK-CCMP],
 * [WPA3-SAE-CCMP], [WPA-PSK-TKIP], [WEP], [WPS], then [ESS] for an
 * infrastructure network or [IBSS] for an ad-hoc one.  Open is "[ESS]".
 */
static void
wiglecsv_auth(uint32_t c, uint16_t capability, char *buf, size_t len)
{
	char cipher[16];
	const char *akm;
	size_t n = 0;

	buf[0] = '\0';
	(void)wiglecsv_cipher(c, cipher, sizeof(cipher));
	akm = (c & DOT11_CRYPT_8021X) ? "EAP" : "PSK";
	if (c & DOT11_CRYPT_WPA)
		n += (size_t)snprintf(buf + n, len - n, "[WPA-%s%s%s]", akm,
		    *cipher ? "-" : "", cipher);
	if ((c & DOT11_CRYPT_WPA2) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "[WPA2-%s%s%s]", akm,
		    *cipher ? "-" : "", cipher);
	if ((c & DOT11_CRYPT_WPA3) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "[WPA3-%s%s%s]",
		    (c & DOT11_CRYPT_SAE) ? "SAE" : "EAP", *cipher ? "-" : "",
		    cipher);
	if ((c & DOT11_CRYPT_OWE) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "[OWE]");
	if (n == 0 && ((c & DOT11_CRYPT_WEP) || (capability & CAP_PRIVACY)))
		n += (size_t)snprintf(buf + n, len - n, "[WEP]");
	if ((c & DOT11_CRYPT_WPS) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "[WPS]");
	if (n < len)
		(void)snprintf(buf + n, len - n, "%s",
		    (capability & CAP_IBSS) ? "[IBSS]" : "[ESS]");
}

/* An RFC 4180 field: quoted when it holds a comma, quote or newline. */
static size_t
wiglecsv_field(const char *s, char *out, size_t len)
{
	size_t n = 0, i;

	if (strpbrk(s, ",\"\r\n") == NULL)
		return (size_t)snprintf(out, len, "%s", s);
	if (len < 3)
		return 0;
	out[n++] = '"';
	for (i = 0; s[i] != '\0' && n + 3 < len; i++) {
		if (s[i] == '"')
			out[n++] = '"';
		out[n++] = s[i];
	}
	out[n++] = '"';
	out[n] = '\0';
	return n;
}

static bool
wiglecsv_sighting(const struct packet *p)
{
	const struct packet_dot11 *h = &p->dot11;

	return p->error == PACKET_OK && p->loc.fix >= 2 &&
	    h->type == DOT11_TYPE_MGMT && (h->subtype == DOT11_MGMT_BEACON ||
	    h->subtype == DOT11_MGMT_PROBE_RESP) && h->has_ta;
}

int
wiglecsv_line(const struct tracker *tr, const struct packet *p, char *buf,
    size_t len)
{
	const struct packet_dot11 *h = &p->dot11;
	const struct device *d;
	char mac[DEVICE_MAC_STR_LEN], ssid[4 * DEVICE_SSID_MAX + 1];
	char qssid[2 * sizeof(ssid) + 3], auth[128], first[32];
	uint32_t ssid_len;
	int signal = 0, chan;
	struct tm tm;
	time_t t;

	if (!wiglecsv_sighting(p) ||
	    (d = tracker_find(tr, DEVICE_PHY_DOT11, h->ta)) == NULL)
		return -ENOENT;
	/*
	 * A frame cut by the snap length before its RSN or WPA element
	 * cannot tell WEP from WPA (the decoder marks its Privacy bit
	 * unknown): it makes no sighting rather than upload a wrong
	 * AuthMode.  The network's next whole frame does.
	 */
	if ((h->ies.crypt & DOT11_CRYPT_UNKNOWN) && !(h->ies.crypt &
	    (DOT11_CRYPT_WPA | DOT11_CRYPT_WPA2 | DOT11_CRYPT_WPA3 |
	    DOT11_CRYPT_OWE)))
		return -ENOENT;
	device_mac_str(h->ta, mac);
	ssid_len = h->ies.has_ssid && !h->ies.ssid_cloaked ?
	    h->ies.ssid_len : 0;
	if (ssid_len > DEVICE_SSID_MAX)
		ssid_len = DEVICE_SSID_MAX;
	(void)devrec_ssid_str(h->ies.ssid, ssid_len, ssid);
	(void)wiglecsv_field(ssid, qssid, sizeof(qssid));
	wiglecsv_auth(h->ies.crypt, h->capability, auth, sizeof(auth));
	t = (time_t)d->first_time;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	strftime(first, sizeof(first), "%Y-%m-%d %H:%M:%S", &tm);
	if (p->radio.has & RADIO_HAS_SIGNAL)
		signal = p->radio.signal_dbm;
	else if (p->has_helper_signal)
		signal = p->helper_signal_dbm;
	chan = (p->radio.has & RADIO_HAS_CHANNEL) ? p->radio.channel :
	    h->ies.ds_channel != 0 ? h->ies.ds_channel : d->channel;
	return snprintf(buf, len, "%s,%s,%s,%s,%d,%d,%.7f,%.7f,%.1f,%.1f,WIFI",
	    mac, qssid, auth, first, chan, signal, p->loc.lat, p->loc.lon,
	    p->loc.fix >= 3 ? (double)p->loc.alt : 0.0,
	    (double)p->loc.precision);
}

int
wiglecsv_packet(struct wiglecsv *w, const struct tracker *tr,
    const struct packet *p)
{
	struct wiglecsv_seen *s;
	char line[WIGLECSV_LINE_MAX];
	uint32_t t;
	int n;

	if (w->failed)
		return -EIO;
	if (!wiglecsv_sighting(p))
		return 0;
	t = p->ts_sec > UINT32_MAX ? UINT32_MAX : (uint32_t)p->ts_sec;
	s = wiglecsv_seen(w, p->dot11.ta);
	if (s->t != 0 && t >= s->t && t - s->t < w->rate_s)
		return 0;
	if ((n = wiglecsv_line(tr, p, line, sizeof(line) - 1)) < 0)
		return 0;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (w->used + (size_t)n > WIGLECSV_BUF_SIZE && wiglecsv_flush(w) < 0)
		return -EIO;
	memcpy(w->buf + w->used, line, (size_t)n);
	w->used += (size_t)n;
	s->t = t == 0 ? 1 : t;
	w->lines++;
	if (!w->flush_pending && w->ev_flush != NULL) {
		struct timeval now = { 0, 0 };

		evtimer_add(w->ev_flush, &now);
		w->flush_pending = true;
	}
	return 1;
}

uint64_t
wiglecsv_lines(const struct wiglecsv *w)
{
	return w->lines;
}

bool
wiglecsv_failed(const struct wiglecsv *w)
{
	return w->failed;
}

const char *
wiglecsv_path(const struct wiglecsv *w)
{
	return w->path;
}
