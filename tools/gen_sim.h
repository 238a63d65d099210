/* SPDX-License-Identifier: ISC */
/*
 * \summary: the event engine of osprey_gen: time, the medium, frame output
 *
 * Devices act in events (a beacon is due, a client wakes up), kept in a
 * time-ordered heap.  An event's frames may lie a little in the future
 * (an exchange takes a few hundred microseconds), and events on other
 * channels may fall in between, so built frames wait in a second heap and
 * are written in timestamp order once no earlier event can precede them.
 * Each channel's medium is busy until the last exchange on it ends; a new
 * exchange waits for it (DIFS and a random backoff), as CSMA/CA would.
 *
 * What devices say is in gen_traffic.c; this module owns time and output.
 */
#ifndef TOOLS_GEN_SIM_H
#define TOOLS_GEN_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen_frames.h"

struct gen_out;
struct gen_rand;
struct gen_world;

struct gen_sim_opts {
	uint64_t	 max_frames;	/* stop after this many; 0: no limit */
	uint64_t	 duration_us;	/* stop at this time; 0: no limit */
	uint64_t	 epoch_us;	/* epoch time of simulated time 0 */
	uint64_t	 hop_us;	/* sensor dwell per channel; 0: all */
	uint64_t	 hello_us;	/* every client probes before; 0: no */
	uint64_t	 passers;	/* the last clients do nothing else */
	bool		 radiotap;	/* DLT 127 with FCS, else DLT 105 */
	bool		 frames_dir;	/* name the first frame of each kind */
};

/* What was written, for the summary osprey_gen prints. */
struct gen_stats {
	uint64_t	 frames;
	uint64_t	 bytes;		/* captured bytes of all frames */
	uint64_t	 first_us, last_us;
	uint64_t	 by_type[4][16];	/* [type][subtype] */
	uint64_t	 protected_;
	uint64_t	 retries;
	uint64_t	 eapol_key[5];	/* [1..4]: 4-way message number */
	uint64_t	 eap;		/* EAPOL frames carrying EAP */
	uint64_t	 handshakes;	/* complete M1-M4 exchanges written */
	uint64_t	 kinds;		/* distinct kinds (frames-dir mode) */
};

/* What a frame is, for counting; filled by gen_traffic.c. */
struct gen_meta {
	uint8_t		 type, subtype;
	bool		 prot, retry;
	uint8_t		 eapol;		/* 1-4, 0 if not EAPOL-Key */
	bool		 eap;
	int32_t		 beacon_ap;	/* AP index for beacons, else -1 */
	int32_t		 probe_ap;	/* directed probe for this AP's SSID */
	int32_t		 probe_fake;	/* or for this made-up SSID */
	const char	*label;		/* kind name for frames-dir mode */
};

/* How a transmitter sends one frame. */
struct gen_tx {
	uint8_t		 ch;
	int8_t		 signal;	/* dBm at the sensor, before jitter */
	enum gen_phy	 phy;
	uint8_t		 rate;		/* CCK/OFDM, 500 kb/s */
	uint8_t		 mcs, nss;
	uint16_t	 bw;
	bool		 sgi;
};

#define GEN_SIM_MAX_HOP	64
#define GEN_SIM_MAX_KINDS	128

struct gen_heap {
	struct gen_hent	*v;
	size_t		 n, cap;
};

struct gen_sim {
	struct gen_world		*w;
	struct gen_rand			*rnd;
	const struct gen_sim_opts	*opt;
	struct gen_out			*out;
	struct gen_stats		*st;
	struct gen_heap			 events;
	struct gen_heap			 frames;
	struct gen_pend			*pool;	/* frames waiting */
	uint32_t			*free;
	size_t				 npool, nfree;
	uint32_t			 seq;	/* heap tie-breaker */
	uint64_t			 now;
	uint64_t			 busy[200];	/* medium by channel */
	int8_t				 noise[200];
	bool				 stop;
	bool				 sure;	/* the sensor hears it */
	int				 error;	/* first write error */
	/* The frame under construction. */
	struct gen_buf			 buf;
	size_t				 start;	/* 802.11 header offset */
	uint64_t			 t;	/* its start time */
	struct gen_radio		 radio;
	uint16_t			 hop_freq[GEN_SIM_MAX_HOP];
	size_t				 n_hop;
	char				 kinds[GEN_SIM_MAX_KINDS][48];
	size_t				 n_kinds;
	char				 name[64];
};

/* Event kinds; an event names a device by index. */
enum gen_ev {
	GEN_EV_BEACON,		/* AP index */
	GEN_EV_CLIENT,		/* client index */
	GEN_EV_HELLO,		/* client index: its --hello probe */
};

/* Schedule event kind for device idx at time t (microseconds). */
void	gen_sim_at(struct gen_sim *, uint64_t t, enum gen_ev kind,
	    uint32_t idx);

/*
 * When an exchange on ch wanting to start at t may begin: after the
 * medium is free, DIFS and a random backoff.  A medium booked far ahead
 * (an overloaded channel) is not waited for: those frames overlap, as
 * they would from stations that cannot hear each other.
 */
uint64_t gen_sim_medium(struct gen_sim *, uint8_t ch, uint64_t t);

/* Book ch until t. */
void	gen_sim_release(struct gen_sim *, uint8_t ch, uint64_t t);

/* SIFS on the band of ch. */
uint32_t gen_sim_sifs(uint8_t ch);

/*
 * Start a frame sent at t as tx says: the radiotap header is written and
 * the caller appends the 802.11 frame to s->buf.
 */
void	gen_sim_begin(struct gen_sim *, uint64_t t, const struct gen_tx *tx);

/*
 * Finish the frame: FCS, then queue it unless the sensor missed it (weak
 * signals are lost more often).  Returns when it ends on the air.
 */
uint64_t gen_sim_end(struct gen_sim *, const struct gen_meta *);

/*
 * Run the world until the options say stop, writing to out and counting
 * into st.  Returns 0, -ENOMEM, or the first write error (-errno).
 */
int	gen_sim_run(struct gen_world *, struct gen_rand *,
	    const struct gen_sim_opts *, struct gen_out *, struct gen_stats *);

#endif
