/* SPDX-License-Identifier: ISC */
/*
 * \summary: one tracked device: the compact record and its parts
 *
 * A device is one (phy, MAC) the core has heard or heard of.  The record
 * is sized for hundreds of thousands of devices: the fixed part holds
 * counters, signal and times; the history (rrd.h) and the variable parts (sources that saw it, SSIDs, associations, handshake frames) are
 * allocated when first needed and capped (DEVICE_MAX_*).  Nothing here is
 * formatted as text until a record is serialized (devrec.c).
 *
 * Times: first/last times are capture timestamps in whole seconds,
 * unsigned 32-bit (good until 2106), as Kismet reports them; mod_usec is
 * the tracker's own clock in microseconds (tracker.h).
 *
 * The tracker (tracker.c) owns every device; the functions here update
 * one record and never look at the table.
 */
#ifndef DAEMON_DEVICE_H
#define DAEMON_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrd.h"

struct devloc;
struct packet;

/*
 * The device key: 16 hex digits of phy identity, '_', 12 hex digits of
 * the MAC with its bytes reversed, as Kismet prints its keys (for 802.11
 * the phy part, 4202770D00000000, is the one Kismet gives its 802.11 phy
 * with a null server UUID).  Stable for a given phy and MAC.
 */
#define DEVICE_KEY_LEN		30	/* with the NUL */
#define DEVICE_MAC_STR_LEN	18	/* "AA:BB:CC:DD:EE:FF" and NUL */

/* A phy is a small id; only 802.11 exists so far. */
enum device_phy {
	DEVICE_PHY_DOT11 = 0,
	DEVICE_PHY_COUNT
};

/*
 * dot11.device.typeset bits, with Kismet's values so the REST field reads
 * the same.  "Bridged" in doc/devices.md is WDS (4-address frames); "wired" is
 * a station behind an AP (Kismet's "Wi-Fi Bridged" type string).
 */
enum device_type {
	DEVICE_TYPE_AP		= 1 << 0,	/* sent beacons */
	DEVICE_TYPE_ADHOC	= 1 << 1,	/* IBSS beacons or data */
	DEVICE_TYPE_CLIENT	= 1 << 2,	/* station of a BSS, prober */
	DEVICE_TYPE_WIRED	= 1 << 3,	/* behind an AP (FromDS SA) */
	DEVICE_TYPE_WDS		= 1 << 4,	/* end of a 4-address link */
	DEVICE_TYPE_PROBE_AP	= 1 << 8,	/* answered probe requests */
	/* Osprey's own, never serialized: the BSSID of infrastructure
	 * traffic (data, association) that has not beaconed (yet). */
	DEVICE_TYPE_BSS_AP	= 1 << 15,
};
#define DEVICE_TYPESET_KISMET	0x01ff	/* bits that go to typeset */
#define DEVICE_TYPE_ANY_AP	(DEVICE_TYPE_AP | DEVICE_TYPE_PROBE_AP | \
				    DEVICE_TYPE_BSS_AP)

/* Caps on the variable parts; past them new entries are dropped. */
#define DEVICE_MAX_SEENBY	16	/* sources per device */
#define DEVICE_MAX_ADV_SSIDS	16	/* SSIDs one AP advertises */
#define DEVICE_MAX_PROBED	32	/* SSIDs one client probes for */
#define DEVICE_MAX_CLIENTS	1024	/* clients per AP */
#define DEVICE_MAX_APS		16	/* APs per client */
#define DEVICE_EAPOL_MSGS	4	/* one frame per handshake message */
#define DEVICE_EAPOL_FRAME_MAX	512	/* bytes of a frame kept */
#define DEVICE_SSID_MAX		32

/* HT/VHT mode of an advertised network. */
enum device_ht_mode {
	DEVICE_HT_NONE = 0,
	DEVICE_HT_20,
	DEVICE_HT_40_PLUS,
	DEVICE_HT_40_MINUS,
	DEVICE_VHT_80,
	DEVICE_VHT_160,
	DEVICE_VHT_80_80,
};

/* Signal in dBm; min/max/last are valid once has is set. */
struct device_signal {
	int8_t		 last, min, max;
	int8_t		 noise;
	uint8_t		 has;		/* 1 signal seen, 2 noise seen too */
};

/* One source that heard the device (kismet.device.base.seenby). */
struct device_seenby {
	uint32_t	 source;	/* packet.source */
	uint32_t	 first_time, last_time;
	struct device_signal signal;
	uint64_t	 packets;
};

enum device_ssid_flags {
	DEVICE_SSID_CLOAKED	= 1 << 0,
	DEVICE_SSID_BEACON	= 1 << 1,
	DEVICE_SSID_PROBE_RESP	= 1 << 2,
	/* crypt came from a frame captured whole (not cut by a snap
	 * length), so a cut frame may not change it. */
	DEVICE_SSID_CRYPT_WHOLE	= 1 << 3,
};

/* An SSID an AP advertised (dot11.advertisedssid). */
struct device_ssid {
	uint8_t		 ssid[DEVICE_SSID_MAX];
	uint8_t		 len;
	uint8_t		 flags;		/* enum device_ssid_flags */
	uint8_t		 ht_mode;	/* enum device_ht_mode */
	uint16_t	 channel;
	uint16_t	 beacon_interval; /* TUs, 0 unknown */
	uint32_t	 crypt;		/* enum dot11_crypt bits of its last
					   whole frame (or merged cut ones) */
	uint32_t	 first_time, last_time;
};

/* An SSID a client probed for (dot11.probedssid). */
struct device_probed {
	uint8_t		 ssid[DEVICE_SSID_MAX];
	uint8_t		 len;
	uint32_t	 first_time, last_time;
};

/*
 * A client-to-AP association, linked into both devices: the client's
 * list gives its client_map (the BSSIDs it used), the AP's list its
 * associated_client_map.  Freed when either device goes.
 */
struct device_assoc {
	struct device		*client, *ap;
	struct device_assoc	*c_next, *c_prev;	/* client's list */
	struct device_assoc	*a_next, *a_prev;	/* AP's list */
	uint32_t		 first_time, last_time;
};

/* A copied EAPOL-Key frame of a WPA handshake. */
struct device_eapol {
	uint64_t	 ts_sec, ts_usec;
	uint64_t	 replay;
	uint32_t	 source;
	uint8_t		 msg;		/* 1 to 4 */
	uint8_t		 install;
	uint8_t		 from_ap;	/* 1 FromDS, 0 ToDS */
	uint16_t	 len;		/* bytes in frame[] */
	uint8_t		 frame[];	/* the 802.11 frame, cut at len */
};

/*
 * Laid out by use, in 64-byte lines: line 0 is what every packet reads and
 * writes (change index, times, type), line 1 the counters, line 2 signal, the busiest source and the association cache;
 * line 3 is read when a record is serialized or a rarer frame arrives;
 * the history's tiers, one line each, are written once a packet.
 */
struct device {
	/* The tracker's change index: a list ordered by mod_seq. */
	struct device	*mod_prev, *mod_next;
	uint64_t	 mod_seq;	/* change number when last moved */
	uint64_t	 pos_usec;	/* tracker clock when last moved */
	uint64_t	 mod_usec;	/* tracker clock at the last change */
	uint8_t		 mac[6];
	uint8_t		 phy;		/* enum device_phy */
	uint8_t		 n_seenby;
	uint16_t	 type_set;	/* enum device_type bits */
	uint16_t	 channel;	/* last channel heard on, 0 unknown */
	uint16_t	 freq_mhz;
	uint8_t		 last_beacon;	/* adv[] index + 1 of last beacon */
	uint8_t		 has_last_bssid;
	uint32_t	 first_time, last_time;

	uint64_t	 packets;
	uint64_t	 data_packets;
	uint64_t	 crypt_packets;
	uint64_t	 error_packets;
	uint64_t	 mgmt_packets;
	uint64_t	 ctrl_packets;
	uint64_t	 datasize;	/* data frame body bytes */

	struct device_signal signal;
	uint8_t		 last_bssid[6];
	uint32_t	 assoc_t;	/* second the front association was
					   last updated; 0 none */
	/* Seen-by: the busiest source inline, the others in seenby[]. */
	struct device_seenby sb0;
	uint64_t	 assoc_key;	/* (phy, MAC) of that one's AP */
	uint32_t	 crypt;		/* crypt bits its BSS's data frames
					   showed (protected, EAPOL-Key) */
	uint8_t		 n_aps;		/* length of the client-side list */
	uint8_t		 n_adv, n_probed;

	struct device_seenby *seenby;	/* n_seenby - 1 entries */
	const char	*manuf;		/* interned in the OUI db, or NULL */
	struct device_ssid *adv;	/* n_adv entries */
	struct device_probed *probed;	/* n_probed entries */
	struct device_assoc *clients;	/* AP side, most recent first */
	struct device_assoc *aps;	/* client side, most recent first */
	struct device_eapol **eapol;	/* DEVICE_EAPOL_MSGS slots, lazily */
	struct devloc	*loc;		/* where heard (devloc.h), lazily */
	uint16_t	 n_clients;	/* length of the AP-side assoc list */
	uint32_t	 num_alerts;	/* alerts raised about it */

	/* Packets, data bytes and signal by second, minute and hour. */
	struct rrd	 hist;
};

/* A fresh record for (phy, mac) at capture time t; never NULL. */
struct device	*device_new(uint8_t phy, const uint8_t mac[6], uint32_t t);

/* Free the record and its parts; it must have no associations left. */
void	 device_free(struct device *);

/* Heap bytes held by the record and its parts (for memory accounting). */
size_t	 device_bytes(const struct device *);

/* Write the device key; buf holds DEVICE_KEY_LEN bytes. */
void	 device_key_str(uint8_t phy, const uint8_t mac[6], char *buf);

/*
 * Parse a device key; 0 and *ret_phy, ret_mac set, or -EINVAL.  Accepts
 * the MAC part with leading zeros dropped, as Kismet prints it.
 */
int	 device_key_parse(const char *key, uint8_t *ret_phy,
	    uint8_t ret_mac[6]);

/* "AA:BB:CC:DD:EE:FF" into buf (DEVICE_MAC_STR_LEN bytes). */
void	 device_mac_str(const uint8_t mac[6], char *buf);

/* Parse "aa:bb:cc:dd:ee:ff" (or '-' separated); 0 or -EINVAL. */
int	 device_mac_parse(const char *s, uint8_t ret[6]);

/* Kismet's phy name ("IEEE802.11"). */
const char	*device_phy_name(uint8_t phy);

/* kismet.device.base.type: "Wi-Fi AP", "Wi-Fi Client", ... */
const char	*device_type_str(const struct device *);

/* kismet.device.base.basic_type_set bits from the typeset. */
uint32_t	 device_basic_type(const struct device *);

/* A printable crypt summary ("Open", "WEP", "WPA2-PSK", ...). */
const char	*device_crypt_str(uint32_t crypt);

/* The HT mode string of Kismet ("", "HT20", "HT40+", "VHT80", ...). */
const char	*device_ht_mode_str(uint8_t mode);

/* Kismet's beacons per second for a beacon interval in TUs. */
uint32_t	 device_beacon_rate(uint16_t interval);

/* The crypt bits to report for the device (its last beaconed SSID's). */
uint32_t	 device_crypt(const struct device *);

/* Seen-by entry i (0 to n_seenby - 1); entry 0 is the busiest. */
static inline struct device_seenby *
device_seenby(struct device *d, int i)
{
	return i == 0 ? &d->sb0 : &d->seenby[i - 1];
}

static inline const struct device_seenby *
device_seenby_c(const struct device *d, int i)
{
	return i == 0 ? &d->sb0 : &d->seenby[i - 1];
}

/* Fold a signal sample into s. */
void	 device_signal_add(struct device_signal *s, int8_t dbm,
	    bool has_noise, int8_t noise);

/*
 * Count a packet from source at time t in the seen-by list, with a signal
 * sample when sig is non-NULL.  Returns 0, or -ENOSPC when the device is
 * already seen by DEVICE_MAX_SEENBY other sources (nothing recorded).
 */
int	 device_seenby_add(struct device *, uint32_t source, uint32_t t,
	    const int8_t *sig, bool has_noise, int8_t noise);

/*
 * The advertised SSID entry for these bytes, created if new.  Returns
 * NULL when the device already has DEVICE_MAX_ADV_SSIDS others.
 */
struct device_ssid *device_adv_ssid(struct device *, const uint8_t *ssid,
	    uint8_t len, bool cloaked, uint32_t t);

/* Record a probed SSID at t; 0, or -ENOSPC past DEVICE_MAX_PROBED. */
int	 device_probed_add(struct device *, const uint8_t *ssid, uint8_t len,
	    uint32_t t);

/*
 * The association of client with ap, created if new and moved to the
 * front of the client's list.  Returns NULL when either side is at its
 * cap (DEVICE_MAX_APS, DEVICE_MAX_CLIENTS).
 */
struct device_assoc *device_assoc(struct device *client, struct device *ap,
	    uint32_t t);

/* Drop every association of d, on both sides. */
void	 device_assoc_clear(struct device *d);

/* Keep a copy of p's frame as handshake message p->dot11.eapol.msg. */
void	 device_eapol_store(struct device *, const struct packet *p);

#endif
