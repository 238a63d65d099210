/* SPDX-License-Identifier: ISC */
/*
 * \summary: one captured frame as it travels through the core
 *
 * The core fills the capture part from a helper's KDSDATAREPORT; the radio
 * decoders (radiotap, PPI, prism, AVS) fill .radio and locate the 802.11
 * frame; the 802.11 decoder fills .dot11; the device tracker, the pcapng
 * log and the web taps read it.  Pointers point into .data, which lives as
 * long as the packet is being handled: whoever keeps anything copies it.
 *
 * Stages may add fields; they never repurpose one.
 */
#ifndef DAEMON_PACKET_H
#define DAEMON_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACKET_MAC_LEN		6
#define PACKET_SSID_MAX		32
#define PACKET_RATES_MAX	16

/* pcap link types osprey decodes. */
#define PACKET_DLT_IEEE802_11		105
#define PACKET_DLT_PRISM		119
#define PACKET_DLT_RADIOTAP		127
#define PACKET_DLT_AVS			163
#define PACKET_DLT_PPI			192

/* Why a frame could not be decoded (packet.error); 0 when it was. */
enum packet_error {
	PACKET_OK = 0,
	PACKET_ERR_DLT,		/* link type not decoded */
	PACKET_ERR_RADIO,	/* radio header malformed or truncated */
	PACKET_ERR_FCS,		/* radio header says the FCS is bad */
	PACKET_ERR_SHORT,	/* 802.11 header truncated */
	PACKET_ERR_DOT11,	/* 802.11 body malformed */
};

/* What the radio header said; each field is valid when its bit is set. */
enum packet_radio_has {
	RADIO_HAS_TSFT		= 1 << 0,
	RADIO_HAS_FLAGS		= 1 << 1,
	RADIO_HAS_RATE		= 1 << 2,	/* rate_kbps */
	RADIO_HAS_FREQ		= 1 << 3,	/* freq_mhz */
	RADIO_HAS_SIGNAL	= 1 << 4,	/* signal_dbm */
	RADIO_HAS_NOISE		= 1 << 5,	/* noise_dbm */
	RADIO_HAS_ANTENNA	= 1 << 6,
	RADIO_HAS_MCS		= 1 << 7,	/* HT: mcs, bw */
	RADIO_HAS_VHT		= 1 << 8,	/* VHT: mcs, nss, bw */
	RADIO_HAS_HE		= 1 << 9,
	RADIO_HAS_CHANNEL	= 1 << 10,	/* channel, derived from freq */
};

struct packet_radio {
	uint32_t	 has;		/* enum packet_radio_has bits */
	uint64_t	 tsft;
	uint8_t		 flags;		/* radiotap Flags field */
	bool		 fcs_present;	/* the 802.11 frame ends in 4 FCS bytes */
	bool		 fcs_bad;
	uint32_t	 rate_kbps;
	uint16_t	 freq_mhz;
	uint16_t	 channel;	/* IEEE channel number from freq_mhz */
	uint16_t	 chan_flags;
	int16_t		 signal_dbm;
	int16_t		 noise_dbm;
	uint8_t		 antenna;
	uint8_t		 mcs;
	uint8_t		 nss;
	uint16_t	 bw_mhz;	/* 20, 40, 80, 160 */
};

/* 802.11 frame types (frame control bits 2-3). */
enum dot11_type {
	DOT11_TYPE_MGMT = 0,
	DOT11_TYPE_CTRL = 1,
	DOT11_TYPE_DATA = 2,
	DOT11_TYPE_EXT = 3,
};

/* Management subtypes (IEEE 802.11-2020 Table 9-1). */
enum dot11_mgmt_subtype {
	DOT11_MGMT_ASSOC_REQ = 0,
	DOT11_MGMT_ASSOC_RESP = 1,
	DOT11_MGMT_REASSOC_REQ = 2,
	DOT11_MGMT_REASSOC_RESP = 3,
	DOT11_MGMT_PROBE_REQ = 4,
	DOT11_MGMT_PROBE_RESP = 5,
	DOT11_MGMT_TIMING_ADV = 6,
	DOT11_MGMT_BEACON = 8,
	DOT11_MGMT_ATIM = 9,
	DOT11_MGMT_DISASSOC = 10,
	DOT11_MGMT_AUTH = 11,
	DOT11_MGMT_DEAUTH = 12,
	DOT11_MGMT_ACTION = 13,
	DOT11_MGMT_ACTION_NOACK = 14,
};

/*
 * Encryption and authentication seen for a network, as a set (the
 * crypt_set of the REST API).  The first group names the security
 * generation; the rest say which ciphers and key managements appeared.
 */
enum dot11_crypt {
	DOT11_CRYPT_NONE	= 0,
	DOT11_CRYPT_WEP		= 1 << 0,
	DOT11_CRYPT_WPA		= 1 << 1,	/* vendor WPA IE (WPA1) */
	DOT11_CRYPT_WPA2	= 1 << 2,	/* RSN with PSK/802.1X */
	DOT11_CRYPT_WPA3	= 1 << 3,	/* RSN with SAE or Suite B */
	DOT11_CRYPT_OWE		= 1 << 4,	/* RSN with OWE */
	/* Encrypted, generation unknown: the Privacy bit of a frame cut
	 * before its elements, or protected data frames alone. */
	DOT11_CRYPT_UNKNOWN	= 1 << 5,
	DOT11_CRYPT_TKIP	= 1 << 8,
	DOT11_CRYPT_CCMP	= 1 << 9,
	DOT11_CRYPT_GCMP	= 1 << 10,
	DOT11_CRYPT_WEP40	= 1 << 11,
	DOT11_CRYPT_WEP104	= 1 << 12,
	DOT11_CRYPT_PSK		= 1 << 16,
	DOT11_CRYPT_8021X	= 1 << 17,
	DOT11_CRYPT_SAE		= 1 << 18,
	DOT11_CRYPT_FT		= 1 << 19,
	DOT11_CRYPT_PMF		= 1 << 20,	/* management frame protection */
	DOT11_CRYPT_WPS		= 1 << 24,	/* WPS element present */
};

/* Information elements of a management frame body (IEEE 802.11 §9.4.2). */
struct dot11_ies {
	bool		 has_ssid;
	uint8_t		 ssid_len;
	const uint8_t	*ssid;		/* not NUL terminated; may hold NULs */
	bool		 ssid_cloaked;	/* empty or all-NUL SSID */
	uint8_t		 n_rates;
	uint8_t		 rates[PACKET_RATES_MAX]; /* 500 kb/s units, basic bit */
	uint8_t		 ds_channel;	/* DS Parameter Set, 0 if absent */
	bool		 has_tim;
	char		 country[3];	/* NUL terminated, "" if absent */
	uint32_t	 crypt;		/* enum dot11_crypt bits from RSN/WPA/WPS */
	bool		 has_ht;
	uint8_t		 ht_primary;	/* HT Operation primary channel */
	uint8_t		 ht_secondary;	/* 0 none, 1 above (+), 3 below (-) */
	bool		 has_vht;
	uint8_t		 vht_width;	/* VHT Operation channel width */
	uint8_t		 vht_center1, vht_center2;
	bool		 has_he;
	bool		 has_wmm;
	bool		 has_wps;
	uint8_t		 wps_state;	/* 1 unconfigured, 2 configured */
	bool		 has_mesh_id;
	bool		 truncated;	/* the element list ended mid-element */
	/* Added by the decoder. */
	uint8_t		 mesh_id_len;
	const uint8_t	*mesh_id;	/* Mesh ID element, like ssid */
	bool		 invalid;	/* an element's body was wrong for its
					   ID and was ignored */
	bool		 has_ssid_ie;	/* an SSID element, whatever its
					   length (the alert checks) */
	uint8_t		 ssid_ie_len;	/* its length as sent, may be > 32 */
	/* Lengths and counts as sent, for the exploit checks (0 absent). */
	uint8_t		 rates_ie_len;	/* longest Supported Rates element */
	uint8_t		 country_ie_len;
	uint8_t		 wmm_ie_len;	/* the WMM vendor element */
	uint16_t	 rsn_pairwise;	/* RSN pairwise suite count field */
	uint8_t		 extcap_ie_len;	/* longest Extended Capabilities */
	uint16_t	 p2p_noa_len;	/* longest Wi-Fi Direct Notice of
					   Absence attribute */
	uint8_t		 wmm_tspec_n;	/* WMM TSPEC elements (capped) */
	bool		 has_badfix;	/* a fixed-length element sent with
					   another length: the first one */
	uint8_t		 badfix_id, badfix_len;
};

/* EAPOL-Key descriptor types (IEEE 802.11-2020 §12.7.2; WPA's own). */
#define DOT11_EAPOL_DESC_RSN	2
#define DOT11_EAPOL_DESC_WPA	254

/* The EAPOL-Key message of a WPA 4-way handshake (1 to 4), if any. */
struct dot11_eapol {
	uint8_t		 msg;		/* 0 when not a handshake frame */
	uint64_t	 replay;	/* replay counter */
	bool		 has_nonce;
	bool		 has_mic;
	bool		 install;
	/* Added by the decoder. */
	uint16_t	 key_info;	/* Key Information field, host order */
	uint8_t		 desc;		/* DOT11_EAPOL_DESC_*, 0 when not an
					   RSN or WPA EAPOL-Key frame */
	const uint8_t	*nonce;		/* the 32-byte nonce field, zero or
					   not; NULL when cut off */
};

struct packet_dot11 {
	uint16_t	 fc;		/* frame control, host order */
	uint8_t		 type;		/* enum dot11_type */
	uint8_t		 subtype;
	bool		 tods, fromds, retry, protected_, more_data;
	uint16_t	 duration;
	uint16_t	 seq;		/* sequence number (12 bits) */
	uint8_t		 frag;
	/* Addresses as the DS bits assign them; has_* says which exist. */
	uint8_t		 n_addr;	/* 1 to 4 address fields present */
	uint8_t		 addr[4][PACKET_MAC_LEN];
	bool		 has_bssid, has_src, has_dst, has_ta;
	uint8_t		 bssid[PACKET_MAC_LEN];
	uint8_t		 src[PACKET_MAC_LEN];	/* source address (SA) */
	uint8_t		 dst[PACKET_MAC_LEN];	/* destination address (DA) */
	uint8_t		 ta[PACKET_MAC_LEN];	/* transmitter address */
	uint8_t		 ra[PACKET_MAC_LEN];	/* receiver address (addr1) */
	/* Management fields. */
	uint64_t	 timestamp;	/* beacon/probe response TSF */
	uint16_t	 beacon_interval; /* TUs */
	uint16_t	 capability;
	uint16_t	 reason;	/* deauth/disassoc */
	uint16_t	 status;	/* assoc/auth response */
	uint16_t	 auth_alg, auth_seq;
	uint8_t		 action_category;
	struct dot11_ies ies;
	/* Data fields. */
	bool		 qos;
	uint8_t		 tid;
	size_t		 body_len;	/* bytes after the 802.11 header */
	uint16_t	 ethertype;	/* from LLC/SNAP, 0 if none */
	struct dot11_eapol eapol;
	/* Added by the decoder. */
	bool		 more_frag, pwr_mgt, order;
	bool		 amsdu;		/* QoS data carrying an A-MSDU */
	bool		 truncated;	/* capture ends before the frame does */
	const uint8_t	*body;		/* body_len bytes after the header */
};

/*
 * Where the sensor was when the frame was heard: the helper's own GPS
 * (the report's SubGps) or the core's best fix (daemon/gps/gps.h) at the
 * time the packet was handled.  fix 0 means no location.
 */
struct packet_loc {
	double		 lat, lon;	/* degrees, WGS84 */
	float		 alt;		/* metres; meaningful with fix 3 */
	float		 speed;		/* km/h */
	float		 heading;	/* degrees from true north */
	float		 precision;	/* horizontal error, metres; 0 unknown */
	uint64_t	 time_usec;	/* when the fix was taken, epoch */
	uint8_t		 fix;		/* 0 none, 2 2D, 3 3D */
	bool		 from_source;	/* the helper's GPS, not the core's */
};

struct packet {
	/* Filled by the core from the datasource's report. */
	uint32_t	 source;	/* datasource id, see datasource.h */
	uint64_t	 ts_sec, ts_usec;
	uint32_t	 dlt;
	const uint8_t	*data;		/* caplen bytes as captured */
	size_t		 caplen;
	size_t		 len;		/* original length on the air */
	bool		 has_helper_signal;	/* a SubSignal came with it */
	int16_t		 helper_signal_dbm;
	uint16_t	 helper_freq_mhz;
	struct packet_loc loc;		/* see packet_fill_gps(), gps.h */

	/* Filled by the radio header decoder. */
	struct packet_radio radio;
	const uint8_t	*frame;		/* the 802.11 frame, FCS removed */
	size_t		 frame_len;

	/* Filled by the 802.11 decoder. */
	struct packet_dot11 dot11;

	enum packet_error error;	/* first stage that failed */
};

/*
 * The pipeline for one packet (packet.c): fill the capture part from a
 * data report, then decode, track, log and hand to taps.
 */
struct datasource;
struct msg_gps;
struct msg_packet;
struct msg_signal;
struct event_base;
struct packet_ctx;
struct gps;
struct pcaplog;
struct tracker;
struct wiglecsv;
struct wids;

/*
 * Fill the capture part of p from a report's packet (and signal, may be
 * NULL) for datasource id source; everything else is zeroed.  p->data
 * points into pkt, valid while the report is.  Returns 0, or -EBADMSG
 * when the report is inconsistent (captured bytes beyond the original
 * length, no bytes at all).
 */
int	packet_fill(struct packet *p, uint32_t source,
	    const struct msg_packet *pkt, const struct msg_signal *sig);

/*
 * Take the location of a report's SubGps (a sensor with its own
 * receiver, or --fixed-gps) for p.  A fix below 2 or coordinates out of
 * range leave p without one.
 */
void	packet_fill_gps(struct packet *p, const struct msg_gps *gps);

/* A pipeline; log may be NULL (no packet log). */
struct packet_ctx *packet_ctx_new(struct pcaplog *log);
void	packet_ctx_free(struct packet_ctx *);

/*
 * Give the pipeline its tracker stage: every packet that decodes goes to
 * tracker_update(tr) (tr is not owned; NULL turns the stage off).  With
 * base, the tracker's clock is set from the loop's cached time whenever
 * it changed since the last packet (once per loop pass); without, the
 * caller keeps it.
 */
void	packet_ctx_set_tracker(struct packet_ctx *, struct tracker *tr,
	    struct event_base *base);

/*
 * Give the pipeline its location stage (gps, not owned; NULL turns it
 * off): a packet that came without its own location gets the GPS
 * layer's best fix of the moment, before it is tracked and logged.
 */
void	packet_ctx_set_gps(struct packet_ctx *, struct gps *gps);

/*
 * Add the WiGLE CSV log (not owned; NULL turns it off): it sees every
 * packet after the tracker, with the tracker's devices.
 */
void	packet_ctx_set_wiglecsv(struct packet_ctx *, struct wiglecsv *w);

/*
 * Add the 802.11 checks (daemon/alerts/wids.h; not owned, NULL turns
 * them off): they see every packet after the tracker, so that the
 * device an alert is about exists to count it.
 */
void	packet_ctx_set_wids(struct packet_ctx *, struct wids *w);

/*
 * Run p through the pipeline on behalf of ds: decode, track (only a
 * frame that decoded), log, taps.  p->source must be ds's id (packet_fill
 * sets it): the tracker's seen-by and cross-source deduplication use it.
 * Returns p->error (0 when the frame decoded).
 */
int	packet_process(struct packet_ctx *, struct packet *p,
	    const struct datasource *ds);

/*
 * Register cb to receive every packet after decoding (the web worker's
 * live streams, for one).  The packet and source are valid only during
 * the call.  Returns a tap id (above 0) for packet_tap_remove().
 */
int	packet_tap_add(struct packet_ctx *,
	    void (*cb)(const struct packet *, const struct datasource *,
	    void *), void *arg);
void	packet_tap_remove(struct packet_ctx *, int id);

/* Packets through the pipeline, and how many failed to decode. */
uint64_t packet_count(const struct packet_ctx *);
uint64_t packet_error_count(const struct packet_ctx *);

#endif
