/* SPDX-License-Identifier: ISC */
/*
 * \summary: what the families of 802.11 checks share (wids*.c only)
 *
 * The memory: one open-addressing table of stations and access points
 * keyed by MAC (struct wids_sta), one of SSIDs (struct wids_ssid).  Both
 * have a fixed size; when one fills up it is emptied and starts again,
 * so that a flood of made-up addresses costs a bounded amount of memory
 * and the checks only lose their history (doc/alerts.md).
 */
#ifndef DAEMON_WIDS_INT_H
#define DAEMON_WIDS_INT_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

/* Every alert wids raises; the order of the definitions in wids.c. */
enum wids_alert {
	WA_DEAUTHFLOOD,
	WA_BCASTDISCON,
	WA_DEAUTHCODEINVALID,
	WA_DISCONCODEINVALID,
	WA_DISASSOCTRAFFIC,
	WA_CHANCHANGE,
	WA_BEACONRATE,
	WA_BSSTIMESTAMP,
	WA_CRYPTODROP,
	WA_ADVCRYPTCHANGE,
	WA_NULLPROBERESP,
	WA_LONGSSID,
	WA_MALFORMMGMT,
	WA_APSPOOF,
	WA_SSIDCANARY,
	WA_KARMAOUI,
	WA_NONCEDEGRADE,
	WA_NONCEREUSE,
	WA_WPSBRUTE,
	WA_AIRJACKSSID,
	WA_NETSTUMBLER,
	WA_LUCENTTEST,
	WA_FORMATSTRING,
	WA_MSFBCOMSSID,
	WA_MSFDLINKRATE,
	WA_DOT11D,
	WA_WMMOVERFLOW,
	WA_RSNLOOP,
	WA_EVILTWIN,
	WA_PMKIDHARVEST,
	WA_ROGUEAP,
	WA_KARMA,
	WA_BEACONFLOOD,
	WA_PROBECHAN,
	WA_NOCLIENTMFP,
	WA_OVERPOWERED,
	WA_MSFNETGEARBEACON,
	WA_BCOM11KCHAN,
	WA_QCOMEXTENDED,
	WA_RTL8195VD1406,
	WA_RTLWIFIP2P,
	WA_HANDSHAKECAPTURE,
	WA_ADHOCCONFLICT,
	WA_WMMTSPEC,
	WA_BADFIXLENIE,
	WA_VDOO202027301,
	WA_VDOO202027302,
	WA_DEVICEFOUND,
	WA_DEVICELOST,
	WA_SOURCEERROR,
	WA_PACKETLOSS,
	WA_LOGLOSS,
	WA_COUNT
};

/* The first that is not about 802.11 frames. */
#define WA_FIRST_SYSTEM	WA_DEVICEFOUND

#define WIDS_STA_SLOTS		(1 << 15)	/* power of two */
#define WIDS_SSID_SLOTS		(1 << 14)
#define WIDS_KARMA_SSIDS	8
#define WIDS_WATCH_MAX		64
#define WIDS_RULES_MAX		64
#define WIDS_RULE_MACS		32

/* Thresholds (doc/alerts.md gives the reasons). */
#define WIDS_DEAUTH_FLOOD	10	/* disconnections a second */
#define WIDS_KARMA_SSID_MIN	5	/* SSIDs answered in a minute */
#define WIDS_BEACONFLOOD_MIN	100	/* new BSSIDs in a second */
#define WIDS_BEACONFLOOD_WARMUP	10.0	/* seconds of capture ignored */
#define WIDS_WPSBRUTE_MIN	6	/* WPS M4 in five minutes */
#define WIDS_DISASSOC_WINDOW	10.0	/* s, data after a disconnection */
#define WIDS_PMKID_MIN		3	/* APs' message 1 unanswered, a min */
#define WIDS_PMKID_APS		4
#define WIDS_MAX_SIGNAL		(-10)	/* dBm; dot11_max_signal= */
#define WIDS_CAPTURE_DEAUTHS	3	/* a burst, before the rejoin */
#define WIDS_CAPTURE_WINDOW	10.0	/* s from the burst to the rejoin */
#define WIDS_TWIN_LOUDER	20	/* dB over the SSID's loudest AP */
#define WIDS_TWIN_HEARD		(-70)	/* dBm, that AP heard well */
#define WIDS_WMMTSPEC_MAX	4	/* TSPECs in one association response */

/* One MAC: what the checks remember of it as an AP and as a station. */
struct wids_sta {
	/* As an access point (from its beacons). */
	uint32_t	 ssid_hash;
	uint16_t	 channel;	/* DS or HT primary channel, 0 none */
	uint16_t	 beacon_interval;
	uint32_t	 crypt;		/* last beacon's crypt bits */
	bool		 beaconed;
	bool		 ess;		/* beaconed as an infrastructure AP */
	bool		 tsf_ok;
	uint64_t	 tsf;		/* last beacon's timestamp */
	double		 tsf_at;	/* capture time of that beacon */
	uint64_t	 tsf_left;	/* the clock a backward jump left */
	double		 tsf_back;	/* when it jumped back; 0 none */
	/* Disconnections naming it as BSSID, in the current second. */
	uint64_t	 disc_sec;
	uint32_t	 disc_n;
	/* Probe responses: distinct SSIDs in the current minute. */
	double		 karma_start;
	uint32_t	 karma[WIDS_KARMA_SSIDS];
	uint8_t		 n_karma;
	/* WPS M4 messages to it in the current five minutes. */
	double		 wps_start;
	uint32_t	 wps_n;
	/* As a station: handshake state. */
	bool		 m4_seen;
	bool		 has_anonce;
	uint64_t	 anonce_replay;
	uint8_t		 anonce[32];
	/* Access points whose message 1 it has not answered, this minute. */
	double		 pmkid_start;
	uint32_t	 pmkid_ap[WIDS_PMKID_APS];
	uint8_t		 n_pmkid;
	bool		 pmkid_raised;
	/* As a station: its last (re)association request. */
	bool		 assoc_seen;
	bool		 assoc_mfp;	/* offered management frame protection */
	/* Disconnections of it (as a station) or of all (as an AP, to
	 * broadcast), in the current burst: HANDSHAKECAPTURE. */
	double		 kick_t;
	uint32_t	 kick_n;
	uint8_t		 kick_bssid[6];
	bool		 kick_raised;
	bool		 nomfp_raised;	/* NOCLIENTMFP, this flood */
};

/*
 * A station recently disconnected, for DISASSOCTRAFFIC: a small
 * direct-mapped cache, so that a data frame costs one look in a few
 * kilobytes rather than one in the station table (a newer disconnection
 * in the same slot wins).
 */
#define WIDS_DISC_SLOTS		256
struct wids_disc {
	uint64_t	 key;		/* MAC + 1; 0 empty */
	double		 t;
	uint8_t		 bssid[6];
};

/* One SSID: the weakest protection its access points offered. */
struct wids_ssid {
	uint32_t	 hash;		/* 0 is an empty slot */
	uint8_t		 level;		/* see wids_crypt_level() */
	uint8_t		 n_bss;		/* BSSIDs seen offering it, capped */
	uint8_t		 bssid[6];	/* the first */
	uint16_t	 channel;
	uint16_t	 interval;	/* the first one's beacon interval */
	uint16_t	 capab;		/* the first one's capabilities */
	bool		 mixed;		/* another OUI, interval or
					   capabilities seen */
	int8_t		 loudest;	/* dBm of its loudest AP's first
					   beacon; 0 unknown */
	uint8_t		 n_chan;
	uint16_t	 chans[4];	/* channels its APs used (the first
					   four) */
};

/* apspoof= and ssidcanary= rules. */
struct wids_rule {
	char		 name[64];
	uint8_t		 ssid[32];
	uint8_t		 ssid_len;
	bool		 has_re;	/* ssidregex=: re, not ssid */
	regex_t		 re;
	uint8_t		 macs[WIDS_RULE_MACS][6];
	uint8_t		 masks[WIDS_RULE_MACS][6];
	uint8_t		 n_macs;
};

/* A watched MAC: devicefound= or devicelost=. */
struct wids_watch {
	uint8_t		 mac[6];
	bool		 lost;		/* devicelost (else devicefound) */
	bool		 present;	/* heard within the timeout */
	double		 last;
};

struct alerts;

struct wids {
	struct alerts		*alerts;
	bool			 enabled;
	uint64_t		 frames, resets;
	/* Keys apart from the entries: a probe reads 8 bytes, not 3 lines. */
	uint64_t		*sta_key;	/* MAC + 1; 0: an empty slot */
	struct wids_sta		*sta;
	size_t			 n_sta;
	struct wids_disc	 disc[WIDS_DISC_SLOTS];
	struct wids_ssid	*ssid;
	size_t			 n_ssid;
	double			 first_ts;	/* first frame's time, 0 none */
	/* New BSSIDs in the current second (beacon flood). */
	uint64_t		 new_sec;
	uint32_t		 new_n;
	struct wids_rule	 spoof[WIDS_RULES_MAX];
	size_t			 n_spoof;
	struct wids_rule	 canary[WIDS_RULES_MAX];
	size_t			 n_canary;
	struct wids_watch	 watch[WIDS_WATCH_MAX];
	size_t			 n_watch;
	double			 lost_timeout;
	int			 max_signal;	/* OVERPOWERED above, dBm */
};

/* wids.c */
bool		 wids_rule_ssid(const struct wids_rule *, const uint8_t *ssid,
		    uint8_t len);
struct wids_disc *wids_disc(struct wids *, const uint8_t mac[6]);
struct wids_sta	*wids_sta(struct wids *, const uint8_t mac[6], bool create);
struct wids_ssid *wids_ssid(struct wids *, const uint8_t *ssid, uint8_t len,
		    bool create);
uint32_t	 wids_hash(const uint8_t *, size_t);
double		 wids_time(const struct packet *);
bool		 wids_signal(const struct packet *, int *dbm);
void		 wids_ssid_str(const uint8_t *ssid, uint8_t len, char *buf,
		    size_t buflen);
bool		 wids_mac_zero(const uint8_t mac[6]);
bool		 wids_mac_bcast(const uint8_t mac[6]);

/*
 * Raise alert id about frame p (NULL for system alerts).  bssid, src,
 * dst, other may be NULL; dev names the device whose alert count goes up
 * and whose key the alert carries (NULL: none).
 */
void	wids_raise(struct wids *, enum wids_alert id, const struct packet *p,
	    const uint8_t *bssid, const uint8_t *src, const uint8_t *dst,
	    const uint8_t *other, const uint8_t *dev, const char *fmt, ...)
	    __attribute__((format(printf, 9, 10)));

/* The families. */
void	wids_mgmt(struct wids *, const struct packet *, double now);
void	wids_mgmt_malformed(struct wids *, const struct packet *);
void	wids_data(struct wids *, const struct packet *, double now);
void	wids_crypto_beacon(struct wids *, const struct packet *,
	    const struct wids_sta *ap, uint32_t crypt);
void	wids_crypto_eapol(struct wids *, const struct packet *, double now);
uint8_t	wids_crypt_level(uint32_t crypt);
void	wids_sigs_mgmt(struct wids *, const struct packet *);
void	wids_sigs_data(struct wids *, const struct packet *);
void	wids_sigs_action(struct wids *, const struct packet *);
void	wids_sigs_signal(struct wids *, const struct packet *);
void	wids_eapol_keydata(struct wids *, const struct packet *);
/* HANDSHAKECAPTURE: client joins bssid (association, message 1 or 2). */
void	wids_capture_rejoin(struct wids *, const struct packet *, double now,
	    const uint8_t *bssid, const uint8_t *client);

#endif
