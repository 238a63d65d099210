/* SPDX-License-Identifier: ISC */
/*
 * \summary: the simulated world of osprey_gen: access points and clients
 *
 * gen_world_init() lays out a site deterministically from a seed: access
 * points in groups the way they are deployed (enterprise controllers with
 * several BSSIDs per radio, home routers with a 2.4 and a 5 GHz radio,
 * hotspots, printers and gadgets), each with a vendor OUI, an SSID
 * (some cloaked), a channel and width, a security mode and a signal level
 * at the sensor; and clients with a vendor, a preferred network list (some
 * for networks that are not there), a home network and a traffic level.
 * The simulation (gen_sim.c) moves them; this module only describes them.
 */
#ifndef TOOLS_GEN_WORLD_H
#define TOOLS_GEN_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen_ie.h"

struct gen_rand;

#define GEN_MAX_APS		100000
#define GEN_MAX_CLIENTS		1000000
#define GEN_MAX_CHANNELS	64
#define GEN_PNL_MAX		3

enum gen_hidden {
	GEN_SSID_SHOWN,
	GEN_SSID_EMPTY,		/* zero-length SSID element */
	GEN_SSID_NULS,		/* the real length, every byte NUL */
};

struct gen_vendor {
	const char	*name;		/* as in the IEEE registry */
	uint8_t		 oui[3];
	const char	*model;		/* for WPS */
};

struct gen_ap {
	uint8_t		 bssid[6];
	uint8_t		 ssid[32];
	uint8_t		 ssid_len;
	enum gen_hidden	 hidden;
	uint8_t		 channel;
	uint16_t	 freq;
	uint16_t	 bw;		/* 20, 40, 80 */
	uint8_t		 sec_offset;	/* HT40: 1 above, 3 below */
	uint8_t		 center;	/* VHT80 centre channel */
	bool		 ht, vht;
	uint8_t		 nss;
	enum gen_sec	 sec;
	bool		 wps;
	struct gen_wps	 wps_info;
	char		 wps_serial[16];
	char		 wps_name[40];
	const struct gen_vendor *vendor;
	char		 country[3];
	int8_t		 signal;	/* dBm at the sensor */
	uint64_t	 tsf_base;	/* the AP's TSF at simulation start */
	uint32_t	 net;		/* IPv4 /24 of its LAN, host order */
	uint8_t		 gw[6];		/* its LAN's router, behind the AP */
	uint8_t		 mgmt_rate;	/* beacons: 500 kb/s units */
	/* State the simulation keeps. */
	uint16_t	 seq;
	uint16_t	 next_aid;
	uint8_t		 dtim;
	uint64_t	 pn;		/* group key PN / IV */
	uint32_t	 n_assoc;
	uint64_t	 beacons;	/* beacons written */
};

/* A preferred network: an AP's SSID (ap >= 0) or a made-up name. */
struct gen_pnl {
	int32_t		 ap;		/* -1: fake */
	uint16_t	 fake;		/* index into the fake SSID list */
};

enum gen_client_state {
	GEN_CL_IDLE,
	GEN_CL_SCANNING,
	GEN_CL_CONNECTED,
};

struct gen_client {
	uint8_t		 mac[6];
	const struct gen_vendor *vendor;	/* NULL when randomized */
	int8_t		 signal;
	uint8_t		 nss;
	bool		 vht;
	int32_t		 home;		/* AP it joins, -1 never joins */
	uint8_t		 n_pnl;
	struct gen_pnl	 pnl[GEN_PNL_MAX];
	enum gen_akm	 akm;
	uint32_t	 burst_us;	/* mean gap between traffic bursts */
	/* State the simulation keeps. */
	enum gen_client_state state;
	uint16_t	 seq;
	uint16_t	 aid;
	uint64_t	 replay;
	uint64_t	 pn;
	uint32_t	 ip;
	uint64_t	 session_end;	/* when it leaves, microseconds */
	uint16_t	 ba_ssn;	/* next sequence in the BA window */
	bool		 ps;		/* power save announced */
};

struct gen_world {
	struct gen_ap		*aps;
	size_t			 n_aps;
	struct gen_client	*clients;
	size_t			 n_clients;
	uint8_t			 channels[GEN_MAX_CHANNELS];
	size_t			 n_channels;
	/* APs by channel, for probe responses: by_chan[ch] lists indices. */
	uint32_t		*chan_aps[200];
	uint32_t		 chan_n[200];
	bool			 fake_probed[64];	/* written in a probe */
	bool			*ap_probed;		/* per AP, likewise */
};

/* The made-up SSIDs clients look for; index i < gen_world_n_fake(). */
const char *gen_world_fake(size_t i);
size_t	gen_world_n_fake(void);

/* Frequency in MHz of a 2.4 or 5 GHz channel number, 0 if unknown. */
uint16_t gen_world_freq(uint8_t channel);

/*
 * Parse a comma-separated channel list ("1,6,11,36") into w->channels.
 * Returns 0, or -EINVAL naming nothing (the caller reports the option).
 */
int	gen_world_channels(struct gen_world *w, const char *list);

/*
 * Build n_aps access points and n_clients clients from rnd, on the
 * channels already set in w (a default list when none).  Allocates what
 * gen_world_free() releases.  Returns 0 or -EINVAL for sizes out of range.
 */
int	gen_world_init(struct gen_world *w, struct gen_rand *rnd,
	    size_t n_aps, size_t n_clients);
void	gen_world_free(struct gen_world *w);

#endif
