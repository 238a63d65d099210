/* SPDX-License-Identifier: ISC */
/*
 * \summary: the 802.11 checks: definitions, memory, watch lists, dispatch
 *
 * Each frame goes to the family that reads its kind (wids_mgmt.c,
 * wids_crypto.c, wids_sigs.c) with the capture time as the clock: rate
 * windows and limits then mean the same for a replayed file as on the
 * air.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts.h"
#include "config.h"
#include "device.h"
#include "log.h"
#include "srcdef.h"
#include "wids.h"
#include "wids_int.h"
#include "xmalloc.h"

static const struct {
	const char	*name;
	const char	*aclass;
	unsigned	 severity;
	const char	*throttle, *burst;
	const char	*description;
} wids_defs[WA_COUNT] = {
	[WA_DEAUTHFLOOD] = { "DEAUTHFLOOD", "DENIAL", ALERTS_HIGH,
	    "5/min", "2/sec", "A flood of deauthentication or "
	    "disassociation frames naming one network: a denial of service "
	    "or a push of its clients to another access point" },
	[WA_BCASTDISCON] = { "BCASTDISCON", "DENIAL", ALERTS_MEDIUM,
	    "5/min", "2/sec", "A deauthentication or disassociation sent to "
	    "every client of a network at once: legitimate when an access "
	    "point shuts down, else a denial of service" },
	[WA_DEAUTHCODEINVALID] = { "DEAUTHCODEINVALID", "EXPLOIT",
	    ALERTS_MEDIUM, "5/min", "1/sec", "A deauthentication with a "
	    "reason code the standard does not assign, known to crash some "
	    "drivers" },
	[WA_DISCONCODEINVALID] = { "DISCONCODEINVALID", "EXPLOIT",
	    ALERTS_MEDIUM, "5/min", "1/sec", "A disassociation with a reason "
	    "code the standard does not assign, known to crash some drivers" },
	[WA_DISASSOCTRAFFIC] = { "DISASSOCTRAFFIC", "SPOOF", ALERTS_MEDIUM,
	    "10/min", "1/sec", "A client kept sending data right after it "
	    "was disconnected, without joining again: the disconnection was "
	    "likely forged" },
	[WA_CHANCHANGE] = { "CHANCHANGE", "SPOOF", ALERTS_HIGH, "5/min",
	    "1/sec", "An access point moved to another channel: a spoofed "
	    "copy of it may be on the new one" },
	[WA_BEACONRATE] = { "BEACONRATE", "SPOOF", ALERTS_MEDIUM, "5/min",
	    "1/sec", "An access point changed its beacon interval: a spoofed "
	    "copy of it may be beaconing" },
	[WA_BSSTIMESTAMP] = { "BSSTIMESTAMP", "SPOOF", ALERTS_MEDIUM,
	    "5/min", "1/sec", "The timestamps of an access point's beacons "
	    "went backwards: another device may be beaconing as it" },
	[WA_CRYPTODROP] = { "CRYPTODROP", "SPOOF", ALERTS_HIGH, "5/min",
	    "1/sec", "An access point that offered encryption now beacons "
	    "with weaker or none: a spoofed copy, or a changed setting" },
	[WA_ADVCRYPTCHANGE] = { "ADVCRYPTCHANGE", "SPOOF", ALERTS_MEDIUM,
	    "5/min", "1/sec", "An access point changed the ciphers or key "
	    "management it offers, at the same protection level" },
	[WA_NULLPROBERESP] = { "NULLPROBERESP", "EXPLOIT", ALERTS_HIGH,
	    "5/min", "1/sec", "A probe response with an empty SSID element, "
	    "which crashes some client drivers" },
	[WA_LONGSSID] = { "LONGSSID", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "An SSID element longer than the 32 bytes the standard "
	    "allows: an attempt at a driver overflow" },
	[WA_MALFORMMGMT] = { "MALFORMMGMT", "EXPLOIT", ALERTS_MEDIUM,
	    "5/min", "1/sec", "A management frame whose elements run past "
	    "its end, which crashes some drivers" },
	[WA_APSPOOF] = { "APSPOOF", "SPOOF", ALERTS_HIGH, "10/min", "1/sec",
	    "A watched SSID (apspoof=) advertised by an address that is not "
	    "on its list" },
	[WA_SSIDCANARY] = { "SSIDCANARY", "PROBE", ALERTS_HIGH, "5/min",
	    "1/sec", "A device probed for or advertised a canary SSID "
	    "(ssidcanary=), one that nobody should know" },
	[WA_KARMAOUI] = { "KARMAOUI", "SPOOF", ALERTS_HIGH, "5/min", "1/sec",
	    "An access point with the OUI 00:13:37 that the Karma attack "
	    "tools (the WiFi Pineapple) use" },
	[WA_NONCEDEGRADE] = { "NONCEDEGRADE", "EXPLOIT", ALERTS_HIGH,
	    "5/min", "1/sec", "An access point's handshake message with an "
	    "all-zero nonce: a key weakening attack" },
	[WA_NONCEREUSE] = { "NONCEREUSE", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "A handshake message 3 replayed with the same nonce "
	    "after the client finished: a key reinstallation attack "
	    "(KRACK)" },
	[WA_WPSBRUTE] = { "WPSBRUTE", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "Many WPS PIN attempts against one access point: a WPS "
	    "brute force (reaver, bully)" },
	[WA_AIRJACKSSID] = { "AIRJACKSSID", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "The SSID 'AirJack', which the AirJack tool beacons" },
	[WA_NETSTUMBLER] = { "NETSTUMBLER", "PROBE", ALERTS_LOW, "5/min",
	    "1/sec", "The probe NetStumbler sends (its LLC payload)" },
	[WA_LUCENTTEST] = { "LUCENTTEST", "PROBE", ALERTS_LOW, "5/min",
	    "1/sec", "A Lucent link test frame, sent by site survey tools" },
	[WA_FORMATSTRING] = { "FORMATSTRING", "EXPLOIT", ALERTS_HIGH,
	    "5/min", "1/sec", "An SSID holding printf conversions (%n), an "
	    "attack on software that prints SSIDs" },
	[WA_MSFBCOMSSID] = { "MSFBCOMSSID", "EXPLOIT", ALERTS_CRITICAL,
	    "5/min", "1/sec", "A probe response with an SSID element over 32 "
	    "bytes, as Metasploit's Broadcom driver exploit sends" },
	[WA_MSFDLINKRATE] = { "MSFDLINKRATE", "EXPLOIT", ALERTS_CRITICAL,
	    "5/min", "1/sec", "A Supported Rates element over the 8 rates it "
	    "may hold, as Metasploit's D-Link driver exploit sends" },
	[WA_DOT11D] = { "DOT11D", "EXPLOIT", ALERTS_HIGH, "5/min", "1/sec",
	    "A Country (802.11d) element whose length is not a whole number "
	    "of channel triplets, known to crash some drivers" },
	[WA_WMMOVERFLOW] = { "WMMOVERFLOW", "EXPLOIT", ALERTS_CRITICAL,
	    "5/min", "1/sec", "A WMM element longer than the 24 bytes of the "
	    "largest WMM element, an attempt at a driver overflow" },
	[WA_RSNLOOP] = { "RSNLOOP", "EXPLOIT", ALERTS_HIGH, "5/min", "1/sec",
	    "An RSN element with more pairwise ciphers than exist, an "
	    "attempt to make a driver loop or overflow" },
	[WA_EVILTWIN] = { "EVILTWIN", "SPOOF", ALERTS_HIGH, "5/min", "1/sec",
	    "A known SSID offered by another access point with weaker "
	    "protection than every other access point of it (osprey)" },
	[WA_PMKIDHARVEST] = { "PMKIDHARVEST", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "A station took handshake message 1 from several access "
	    "points and answered none: PMKID harvesting (hcxdumptool) "
	    "(osprey)" },
	[WA_ROGUEAP] = { "ROGUEAP", "SPOOF", ALERTS_HIGH, "5/min", "1/sec",
	    "A protected SSID whose access points all share one OUI and "
	    "beacon interval is offered by another OUI with another "
	    "interval: a rogue access point (osprey)" },
	[WA_KARMA] = { "KARMA", "SPOOF", ALERTS_HIGH, "5/min", "1/sec",
	    "One access point answered probe requests for many different "
	    "SSIDs: a Karma or MANA attack (osprey)" },
	[WA_BEACONFLOOD] = { "BEACONFLOOD", "DENIAL", ALERTS_MEDIUM, "5/min",
	    "1/sec", "Hundreds of new access points in a second: a beacon "
	    "flood (mdk) (osprey)" },
	[WA_PROBECHAN] = { "PROBECHAN", "SPOOF", ALERTS_MEDIUM, "5/min",
	    "1/sec", "A probe response names another channel than the one "
	    "its access point beacons: a spoofed copy answering on another "
	    "channel, or a confused repeater" },
	[WA_NOCLIENTMFP] = { "NOCLIENTMFP", "SPOOF", ALERTS_LOW, "5/min",
	    "1/sec", "A client under a deauthentication flood joined without "
	    "management frame protection: the forged frames work on it" },
	[WA_OVERPOWERED] = { "OVERPOWERED", "OTHER", ALERTS_HIGH, "5/min",
	    "1/sec", "A signal far stronger than a receiver should hear: an "
	    "amplifier set too high, a transmitter at the antenna, or a "
	    "jammer" },
	[WA_MSFNETGEARBEACON] = { "MSFNETGEARBEACON", "EXPLOIT",
	    ALERTS_MEDIUM, "5/min", "1/sec", "An over-sized beacon carrying "
	    "the code of Metasploit's Netgear WG111 driver exploit" },
	[WA_BCOM11KCHAN] = { "BCOM11KCHAN", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "An 802.11k neighbor report naming a channel no band "
	    "has, which overflows some Broadcom firmware (Project Zero "
	    "1289)" },
	[WA_QCOMEXTENDED] = { "QCOMEXTENDED", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "An Extended Capabilities element far longer than the "
	    "standard defines, which overflows some Qualcomm firmware "
	    "(CVE-2019-10539)" },
	[WA_RTL8195VD1406] = { "RTL8195VD1406", "EXPLOIT", ALERTS_HIGH,
	    "5/min", "1/sec", "An EAPOL-Key frame whose key data length runs "
	    "past the frame, which overflows Realtek RTL8195 firmware "
	    "(CVE-2020-9395, VD-1406, VD-1407)" },
	[WA_RTLWIFIP2P] = { "RTLWIFIP2P", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "A Wi-Fi Direct Notice of Absence attribute with more "
	    "descriptors than the Linux rtlwifi driver holds "
	    "(CVE-2019-17666)" },
	[WA_HANDSHAKECAPTURE] = { "HANDSHAKECAPTURE", "EXPLOIT", ALERTS_HIGH,
	    "5/min", "1/sec", "A burst of deauthentications followed by the "
	    "client's new handshake: an attempt to capture it for cracking "
	    "(aireplay-ng, wifite) (osprey)" },
	[WA_ADHOCCONFLICT] = { "ADHOCCONFLICT", "SPOOF", ALERTS_HIGH,
	    "5/min", "1/sec", "A BSSID heard as an access point now beacons "
	    "as an ad-hoc (IBSS) network: someone impersonating it" },
	[WA_WMMTSPEC] = { "WMMTSPEC", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "An association response with more WMM TSPEC elements "
	    "than there are access categories, which overflows some "
	    "Atheros drivers (CVE-2017-11013)" },
	[WA_BADFIXLENIE] = { "BADFIXLENIE", "EXPLOIT", ALERTS_HIGH, "5/min",
	    "1/sec", "An element whose length the standard fixes sent with "
	    "another length: a malformed frame, or an overflow attempt on "
	    "a driver not yet named" },
	[WA_VDOO202027301] = { "VDOO202027301", "EXPLOIT", ALERTS_HIGH,
	    "5/min", "1/sec", "An EAPOL-Key frame whose AES-wrapped key data "
	    "is not a whole wrapped key, which overflows the key unwrapping "
	    "of Realtek RTL8710C modules (CVE-2020-27301)" },
	[WA_VDOO202027302] = { "VDOO202027302", "EXPLOIT", ALERTS_HIGH,
	    "5/min", "1/sec", "A WPA group key message whose key data is "
	    "longer than any group key, which overflows Realtek RTL8710C "
	    "modules (CVE-2020-27302)" },
	[WA_DEVICEFOUND] = { "DEVICEFOUND", "SYSTEM", ALERTS_MEDIUM,
	    "1000/min", "100/sec", "A watched device (devicefound=) was "
	    "heard" },
	[WA_DEVICELOST] = { "DEVICELOST", "SYSTEM", ALERTS_MEDIUM,
	    "1000/min", "100/sec", "A watched device (devicelost=) has not "
	    "been heard for its timeout" },
	[WA_SOURCEERROR] = { "SOURCEERROR", "SYSTEM", ALERTS_MEDIUM,
	    "10/min", "5/sec", "A datasource failed" },
	[WA_PACKETLOSS] = { "PACKETLOSS", "SYSTEM", ALERTS_MEDIUM,
	    "10/min", "1/sec", "A capture helper's queue was full: frames "
	    "were lost before the core saw them (the core or the link did "
	    "not keep up) (osprey)" },
	[WA_LOGLOSS] = { "LOGLOSS", "SYSTEM", ALERTS_MEDIUM, "10/min",
	    "1/sec", "The kismetdb writer's queue was full or it could not "
	    "write: packets were not logged (osprey)" },
};

uint32_t
wids_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619U;
	return h != 0 ? h : 1;
}

/* The frame's signal: the radio header's, else the helper's. */
bool
wids_signal(const struct packet *p, int *dbm)
{
	if (p->radio.has & RADIO_HAS_SIGNAL) {
		*dbm = p->radio.signal_dbm;
		return true;
	}
	if (p->has_helper_signal) {
		*dbm = p->helper_signal_dbm;
		return true;
	}
	return false;
}

double
wids_time(const struct packet *p)
{
	return (double)p->ts_sec + (double)p->ts_usec / 1e6;
}

bool
wids_mac_zero(const uint8_t mac[6])
{
	static const uint8_t z[6];

	return memcmp(mac, z, 6) == 0;
}

bool
wids_mac_bcast(const uint8_t mac[6])
{
	static const uint8_t b[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return memcmp(mac, b, 6) == 0;
}

/* Printable SSID: bytes outside ASCII printing characters as \xNN. */
void
wids_ssid_str(const uint8_t *ssid, uint8_t len, char *buf, size_t buflen)
{
	size_t o = 0, i;

	buf[0] = '\0';
	for (i = 0; i < len && o + 5 < buflen; i++) {
		if (ssid[i] >= 0x20 && ssid[i] < 0x7f && ssid[i] != '\\')
			buf[o++] = (char)ssid[i];
		else
			o += (size_t)snprintf(buf + o, buflen - o, "\\x%02x",
			    ssid[i]);
	}
	buf[o] = '\0';
}

static uint64_t
wids_mac_key(const uint8_t m[6])
{
	return ((uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 |
	    (uint64_t)m[2] << 24 | (uint64_t)m[3] << 16 |
	    (uint64_t)m[4] << 8 | m[5]) + 1;
}

static size_t
wids_slot(uint64_t key, size_t slots)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (slots - 1);
}

/* The recent-disconnection slot of mac (its key may be another's). */
struct wids_disc *
wids_disc(struct wids *w, const uint8_t mac[6])
{
	return &w->disc[wids_slot(wids_mac_key(mac), WIDS_DISC_SLOTS)];
}

/*
 * The entry for mac, or NULL when absent and not created.  A table that
 * reaches three quarters full is emptied: the checks forget, the memory
 * stays fixed.
 */
struct wids_sta *
wids_sta(struct wids *w, const uint8_t mac[6], bool create)
{
	uint64_t key = wids_mac_key(mac);
	size_t i = wids_slot(key, WIDS_STA_SLOTS);

	for (;;) {
		if (w->sta_key[i] == key)
			return &w->sta[i];
		if (w->sta_key[i] == 0)
			break;
		i = (i + 1) & (WIDS_STA_SLOTS - 1);
	}
	if (!create)
		return NULL;
	if (w->n_sta >= WIDS_STA_SLOTS / 4 * 3) {
		memset(w->sta_key, 0, WIDS_STA_SLOTS * sizeof(*w->sta_key));
		w->n_sta = 0;
		w->resets++;
		i = wids_slot(key, WIDS_STA_SLOTS);
	}
	w->n_sta++;
	w->sta_key[i] = key;
	memset(&w->sta[i], 0, sizeof(w->sta[i]));
	return &w->sta[i];
}

struct wids_ssid *
wids_ssid(struct wids *w, const uint8_t *ssid, uint8_t len, bool create)
{
	uint32_t h = wids_hash(ssid, len);
	size_t i = wids_slot(h, WIDS_SSID_SLOTS);

	for (;;) {
		if (w->ssid[i].hash == h)
			return &w->ssid[i];
		if (w->ssid[i].hash == 0)
			break;
		i = (i + 1) & (WIDS_SSID_SLOTS - 1);
	}
	if (!create)
		return NULL;
	if (w->n_ssid >= WIDS_SSID_SLOTS / 4 * 3) {
		memset(w->ssid, 0, WIDS_SSID_SLOTS * sizeof(*w->ssid));
		w->n_ssid = 0;
		w->resets++;
		i = wids_slot(h, WIDS_SSID_SLOTS);
	}
	w->n_ssid++;
	w->ssid[i].hash = h;
	return &w->ssid[i];
}

/* "MAC" or "MAC/MASK" into mac and mask; 0 or -EINVAL. */
static int
wids_parse_macmask(const char *s, uint8_t mac[6], uint8_t mask[6])
{
	char buf[40];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	memset(mask, 0xff, 6);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (device_mac_parse(slash, mask) != 0)
			return -EINVAL;
	}
	return device_mac_parse(buf, mac);
}

/*
 * ssidregex=: a POSIX extended expression, searched for in the SSID as
 * Kismet's PCRE one is.  Kismet's examples start with "(?i)" or wrap the
 * whole in "(?i:...)" for a case-blind match; POSIX has no inline flags,
 * so those two forms become REG_ICASE.
 */
static int
wids_parse_regex(const char *text, regex_t *re, char *why, size_t whylen)
{
	char buf[512];
	size_t len = strlen(text);
	int flags = REG_EXTENDED | REG_NOSUB, rc;

	if (len >= sizeof(buf)) {
		snprintf(why, whylen, "ssidregex is longer than %zu bytes",
		    sizeof(buf) - 1);
		return -EINVAL;
	}
	if (strncmp(text, "(?i)", 4) == 0) {
		snprintf(buf, sizeof(buf), "%s", text + 4);
		flags |= REG_ICASE;
	} else if (strncmp(text, "(?i:", 4) == 0 && len > 5 &&
	    text[len - 1] == ')') {
		snprintf(buf, sizeof(buf), "%.*s", (int)(len - 5), text + 4);
		flags |= REG_ICASE;
	} else
		snprintf(buf, sizeof(buf), "%s", text);
	if ((rc = regcomp(re, buf, flags)) != 0) {
		regerror(rc, re, buf, sizeof(buf));
		snprintf(why, whylen, "ssidregex: %.200s", buf);
		return -EINVAL;
	}
	return 0;
}

/* Does the rule's SSID (or expression) match this one? */
bool
wids_rule_ssid(const struct wids_rule *r, const uint8_t *ssid, uint8_t len)
{
	char s[33];

	if (!r->has_re)
		return r->ssid_len == len && memcmp(r->ssid, ssid, len) == 0;
	if (len > 32)
		len = 32;
	memcpy(s, ssid, len);
	s[len] = '\0';
	return regexec(&r->re, s, 0, NULL, 0) == 0;
}

/*
 * NAME:ssid="SSID"[,validmacs="MAC[/MASK],..."] (apspoof=, ssidcanary=),
 * or ssidregex="EXPRESSION" for ssid= as Kismet allows.
 */
static int
wids_parse_rule(const struct config_entry *e, bool macs, struct wids_rule *r,
    char *err, size_t errlen)
{
	struct srcdef sd;
	char why[256], *list[WIDS_RULE_MACS + 1], *buf;
	const char *ssid, *regex, *valid;
	size_t len = 0;
	int i, n;

	memset(r, 0, sizeof(*r));
	if (srcdef_parse(e->value, &sd, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s:%u: %s: %s", e->file, e->line, e->key,
		    why);
		return -EINVAL;
	}
	snprintf(r->name, sizeof(r->name), "%s", sd.interface);
	ssid = srcdef_get(&sd, "ssid");
	regex = srcdef_get(&sd, "ssidregex");
	valid = srcdef_get(&sd, "validmacs");
	if ((ssid == NULL) == (regex == NULL) || (ssid != NULL &&
	    ((len = strlen(ssid)) == 0 || len > 32)) || (regex != NULL &&
	    *regex == '\0') || (macs && valid == NULL)) {
		snprintf(err, errlen, "%s:%u: %s: expected NAME:ssid=\"SSID\"%s"
		    " (an SSID of 1 to 32 bytes, or ssidregex=\"EXPRESSION\")",
		    e->file, e->line, e->key,
		    macs ? ",validmacs=\"MAC,MAC/MASK,...\"" : "");
		srcdef_free(&sd);
		return -EINVAL;
	}
	if (regex != NULL) {
		if (wids_parse_regex(regex, &r->re, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%u: %s: %s", e->file,
			    e->line, e->key, why);
			srcdef_free(&sd);
			return -EINVAL;
		}
		r->has_re = true;
	} else {
		memcpy(r->ssid, ssid, len);
		r->ssid_len = (uint8_t)len;
	}
	if (macs) {
		buf = xstrdup(valid);
		n = srcdef_split_list(valid, buf, strlen(buf) + 1, list,
		    WIDS_RULE_MACS + 1);
		for (i = 0; i < n && n <= WIDS_RULE_MACS; i++)
			if (wids_parse_macmask(list[i], r->macs[i],
			    r->masks[i]) != 0)
				break;
		free(buf);
		if (n <= 0 || n > WIDS_RULE_MACS || i < n) {
			snprintf(err, errlen, "%s:%u: %s: validmacs is 1 to %d "
			    "MACs, each optionally /MASK", e->file, e->line,
			    e->key, WIDS_RULE_MACS);
			srcdef_free(&sd);
			if (r->has_re)
				regfree(&r->re);
			r->has_re = false;
			return -EINVAL;
		}
		r->n_macs = (uint8_t)n;
	}
	srcdef_free(&sd);
	return 0;
}

static int
wids_config(struct wids *w, const struct config *cfg, char *err,
    size_t errlen)
{
	const struct config_entry *e;
	uint64_t v;
	bool lost;

	if (config_get_bool(cfg, "alert_detection", true, &w->enabled, err,
	    errlen) != 0)
		return -EINVAL;
	if (config_get_uint(cfg, "devicelost_timeout", 60, 86400 * 7, &v,
	    err, errlen) != 0)
		return -EINVAL;
	w->lost_timeout = v > 0 ? (double)v : 60;
	for (e = NULL; (e = config_next(cfg, "apspoof", e)) != NULL; ) {
		if (w->n_spoof == WIDS_RULES_MAX) {
			snprintf(err, errlen, "%s:%u: more than %d apspoof "
			    "rules", e->file, e->line, WIDS_RULES_MAX);
			return -EINVAL;
		}
		if (wids_parse_rule(e, true, &w->spoof[w->n_spoof], err,
		    errlen) != 0)
			return -EINVAL;
		w->n_spoof++;
	}
	for (e = NULL; (e = config_next(cfg, "ssidcanary", e)) != NULL; ) {
		if (w->n_canary == WIDS_RULES_MAX) {
			snprintf(err, errlen, "%s:%u: more than %d ssidcanary "
			    "rules", e->file, e->line, WIDS_RULES_MAX);
			return -EINVAL;
		}
		if (wids_parse_rule(e, false, &w->canary[w->n_canary], err,
		    errlen) != 0)
			return -EINVAL;
		w->n_canary++;
	}
	for (lost = false; ; lost = true) {
		const char *key = lost ? "devicelost" : "devicefound";

		for (e = NULL; (e = config_next(cfg, key, e)) != NULL; ) {
			struct wids_watch *wt = &w->watch[w->n_watch];

			if (w->n_watch == WIDS_WATCH_MAX ||
			    device_mac_parse(e->value, wt->mac) != 0) {
				snprintf(err, errlen, "%s:%u: %s: a MAC "
				    "address (at most %d watched)", e->file,
				    e->line, key, WIDS_WATCH_MAX);
				return -EINVAL;
			}
			wt->lost = lost;
			w->n_watch++;
		}
		if (lost)
			break;
	}
	return 0;
}

struct wids *
wids_new(struct alerts *a, const struct config *cfg, char *err,
    size_t errlen)
{
	struct alerts_def d;
	struct wids *w;
	size_t i;

	w = xcalloc(1, sizeof(*w));
	w->alerts = a;
	w->enabled = true;
	w->lost_timeout = 60;
	w->max_signal = WIDS_MAX_SIGNAL;
	for (i = 0; i < WA_COUNT; i++) {
		memset(&d, 0, sizeof(d));
		d.name = wids_defs[i].name;
		d.description = wids_defs[i].description;
		d.phyname = i < WA_FIRST_SYSTEM ? "IEEE802.11" : NULL;
		d.throttle = wids_defs[i].throttle;
		d.burst = wids_defs[i].burst;
		d.aclass = wids_defs[i].aclass;
		d.severity = wids_defs[i].severity;
		if (alerts_define(a, &d, err, errlen) != 0) {
			wids_free(w);
			return NULL;
		}
	}
	if (cfg != NULL && wids_config(w, cfg, err, errlen) != 0) {
		wids_free(w);
		return NULL;
	}
	w->sta_key = xcalloc(WIDS_STA_SLOTS, sizeof(*w->sta_key));
	w->sta = xcalloc(WIDS_STA_SLOTS, sizeof(*w->sta));
	w->ssid = xcalloc(WIDS_SSID_SLOTS, sizeof(*w->ssid));
	return w;
}

void
wids_free(struct wids *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n_spoof; i++)
		if (w->spoof[i].has_re)
			regfree(&w->spoof[i].re);
	for (i = 0; i < w->n_canary; i++)
		if (w->canary[i].has_re)
			regfree(&w->canary[i].re);
	free(w->sta_key);
	free(w->sta);
	free(w->ssid);
	free(w);
}

bool
wids_enabled(const struct wids *w)
{
	return w->enabled;
}

uint64_t
wids_frames(const struct wids *w)
{
	return w->frames;
}

void
wids_raise(struct wids *w, enum wids_alert id, const struct packet *p,
    const uint8_t *bssid, const uint8_t *src, const uint8_t *dst,
    const uint8_t *other, const uint8_t *dev, const char *fmt, ...)
{
	char text[ALERTS_TEXT_MAX + 1], err[256], chan[8];
	char mb[DEVICE_MAC_STR_LEN], ms[DEVICE_MAC_STR_LEN];
	char md[DEVICE_MAC_STR_LEN], mo[DEVICE_MAC_STR_LEN];
	char key[DEVICE_KEY_LEN];
	struct alerts_raise r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memset(&r, 0, sizeof(r));
	r.name = wids_defs[id].name;
	r.text = text;
	if (bssid != NULL) {
		device_mac_str(bssid, mb);
		r.bssid = mb;
	}
	if (src != NULL) {
		device_mac_str(src, ms);
		r.source = ms;
	}
	if (dst != NULL) {
		device_mac_str(dst, md);
		r.dest = md;
	}
	if (other != NULL) {
		device_mac_str(other, mo);
		r.other = mo;
	}
	if (dev != NULL) {
		device_key_str(DEVICE_PHY_DOT11, dev, key);
		r.device_key = key;
	}
	if (p != NULL) {
		r.now = wids_time(p);
		if (p->radio.has & RADIO_HAS_CHANNEL) {
			snprintf(chan, sizeof(chan), "%u", p->radio.channel);
			r.channel = chan;
		} else if (p->dot11.ies.ds_channel != 0) {
			snprintf(chan, sizeof(chan), "%u",
			    p->dot11.ies.ds_channel);
			r.channel = chan;
		}
		if (p->radio.has & RADIO_HAS_FREQ)
			r.frequency = p->radio.freq_mhz * 1000.0;
		if (p->loc.fix >= 2) {
			r.has_loc = true;
			r.lat = p->loc.lat;
			r.lon = p->loc.lon;
			r.alt = p->loc.alt;
		}
		r.packet = p->data;
		r.packet_len = p->caplen;
		r.dlt = p->dlt;
	} else
		r.now = w->first_ts;
	(void)alerts_raise(w->alerts, &r, err, sizeof(err));
}

/* devicefound= and devicelost=: a watched MAC in any address field. */
static void
wids_watch_packet(struct wids *w, const struct packet *p, double now)
{
	const struct packet_dot11 *h = &p->dot11;
	struct wids_watch *wt;
	size_t i, j;

	for (i = 0; i < w->n_watch; i++) {
		wt = &w->watch[i];
		for (j = 0; j < h->n_addr && j < 4; j++)
			if (memcmp(h->addr[j], wt->mac, 6) == 0)
				break;
		if (j == h->n_addr || j == 4)
			continue;
		if (!wt->present && !wt->lost)
			wids_raise(w, WA_DEVICEFOUND, p, NULL, wt->mac, NULL,
			    NULL, wt->mac, "Watched device %02X:%02X:%02X:"
			    "%02X:%02X:%02X was heard", wt->mac[0], wt->mac[1],
			    wt->mac[2], wt->mac[3], wt->mac[4], wt->mac[5]);
		wt->present = true;
		wt->last = now;
	}
}

void
wids_tick(struct wids *w, double now)
{
	struct wids_watch *wt;
	struct alerts_raise r;
	char text[160], mac[DEVICE_MAC_STR_LEN], key[DEVICE_KEY_LEN];
	char err[256];
	size_t i;

	for (i = 0; i < w->n_watch; i++) {
		wt = &w->watch[i];
		if (!wt->present || now - wt->last < w->lost_timeout)
			continue;
		/* A devicefound entry may be heard, and found, again. */
		wt->present = false;
		if (!wt->lost)
			continue;
		device_mac_str(wt->mac, mac);
		device_key_str(DEVICE_PHY_DOT11, wt->mac, key);
		snprintf(text, sizeof(text), "Watched device %s has not been "
		    "heard for %.0f seconds", mac, now - wt->last);
		memset(&r, 0, sizeof(r));
		r.name = wids_defs[WA_DEVICELOST].name;
		r.text = text;
		r.source = mac;
		r.device_key = key;
		r.now = now;
		(void)alerts_raise(w->alerts, &r, err, sizeof(err));
	}
}

void
wids_source_error(struct wids *w, const char *name, const char *uuid,
    const char *reason, double now)
{
	struct alerts_raise r;
	char text[ALERTS_TEXT_MAX + 1], err[256];

	snprintf(text, sizeof(text), "Datasource %.128s (%.40s) failed: "
	    "%.512s", name, uuid, reason != NULL && *reason != '\0' ? reason :
	    "no reason given");
	memset(&r, 0, sizeof(r));
	r.name = wids_defs[WA_SOURCEERROR].name;
	r.text = text;
	r.now = now;
	(void)alerts_raise(w->alerts, &r, err, sizeof(err));
}

/*
 * Queue loss, raised from the core's one-second tick with what was lost
 * since the last one: the helper's count (PACKETLOSS, per source) or the
 * kismetdb log's (LOGLOSS), so a long backlog is a few alerts, not one a
 * packet.
 */
void
wids_packet_loss(struct wids *w, const char *name, const char *uuid,
    uint64_t lost, uint64_t total, double now)
{
	struct alerts_raise r;
	char text[ALERTS_TEXT_MAX + 1], err[256];

	snprintf(text, sizeof(text), "Datasource %.128s (%.40s) lost %llu "
	    "frames in its capture helper's queue (%llu since it started): "
	    "the core or the link is not keeping up", name, uuid,
	    (unsigned long long)lost, (unsigned long long)total);
	memset(&r, 0, sizeof(r));
	r.name = wids_defs[WA_PACKETLOSS].name;
	r.text = text;
	r.now = now;
	(void)alerts_raise(w->alerts, &r, err, sizeof(err));
}

void
wids_log_loss(struct wids *w, uint64_t lost, uint64_t total, double now)
{
	struct alerts_raise r;
	char text[ALERTS_TEXT_MAX + 1], err[256];

	snprintf(text, sizeof(text), "The kismetdb log did not log %llu "
	    "packets (%llu since it started): its writer's queue was full or "
	    "it could not write", (unsigned long long)lost,
	    (unsigned long long)total);
	memset(&r, 0, sizeof(r));
	r.name = wids_defs[WA_LOGLOSS].name;
	r.text = text;
	r.now = now;
	(void)alerts_raise(w->alerts, &r, err, sizeof(err));
}

void
wids_packet(struct wids *w, const struct packet *p)
{
	double now = wids_time(p);

	if (p->error == PACKET_ERR_DOT11) {
		if (w->enabled)
			wids_mgmt_malformed(w, p);
		return;
	}
	if (p->error != PACKET_OK)
		return;
	w->frames++;
	if (w->first_ts == 0)
		w->first_ts = now;
	if (w->n_watch > 0)
		wids_watch_packet(w, p, now);
	if (!w->enabled)
		return;
	wids_sigs_signal(w, p);
	switch (p->dot11.type) {
	case DOT11_TYPE_MGMT:
		wids_mgmt(w, p, now);
		if (p->dot11.subtype == DOT11_MGMT_ACTION ||
		    p->dot11.subtype == DOT11_MGMT_ACTION_NOACK)
			wids_sigs_action(w, p);
		else
			wids_sigs_mgmt(w, p);
		break;
	case DOT11_TYPE_DATA:
		wids_data(w, p, now);
		if (p->dot11.ethertype == 0x888e) {
			wids_crypto_eapol(w, p, now);
			if (p->dot11.eapol.desc != 0)
				wids_eapol_keydata(w, p);
		}
		wids_sigs_data(w, p);
		break;
	default:
		break;
	}
}
