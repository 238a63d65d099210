/* SPDX-License-Identifier: ISC */
/*
 * \summary: channel-hop scheduler shared by the capture drivers
 *
 * Holds a channel list and the order to visit it in.  The framework owns
 * the timer: every hop_dwell_ms() it calls hop_next() and hands the channel
 * to the driver.  The order is a stride walk, position i visiting list
 * entry (i * skip) mod n: without shuffle skip is 1, with shuffle it
 * spreads neighbouring channels apart.  A stride visits every entry once
 * per cycle exactly when it is coprime with n, so the skip in use is the
 * first value at or after the requested one that is; whatever the list
 * length and the requested skip, each cycle covers the whole list.  The
 * offset starts the walk part-way round, so that one list split across
 * several radios (offsets 0, n/k, 2n/k, ...) keeps them on different
 * channels.  Everything lives in the struct: no allocation.
 */
#ifndef DATASOURCES_HOP_H
#define DATASOURCES_HOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOP_MAX_CHANNELS	256
#define HOP_CHAN_LEN		24	/* longest channel string, with NUL */
#define HOP_MIN_DWELL_MS	50	/* at most 20 hops per second */

struct hop {
	char		 chan[HOP_MAX_CHANNELS][HOP_CHAN_LEN];	/* as given */
	size_t		 n;
	uint16_t	 order[HOP_MAX_CHANNELS];	/* indexes into chan */
	size_t		 pos;		/* next index into order */
	double		 rate;		/* hops per second, as asked */
	uint32_t	 dwell_ms;
	bool		 shuffle;
	uint32_t	 skip_req;	/* shuffle skip as asked (0: default) */
	uint32_t	 skip;		/* stride in use, coprime with n */
	uint32_t	 offset;
};

/*
 * Set the list and the schedule.  Repeated channels are kept once.
 * Returns 0; -EINVAL when the list is empty, a channel is empty or longer
 * than HOP_CHAN_LEN - 1, or rate is not a positive number; -EMSGSIZE when
 * there are more than HOP_MAX_CHANNELS distinct channels.  On error *h is
 * unchanged.
 */
int		 hop_configure(struct hop *h, const char *const *channels,
		    size_t n, double rate, bool shuffle, uint32_t skip,
		    uint32_t offset);

/* Milliseconds to stay on each channel: 1000 / rate, at least 50. */
uint32_t	 hop_dwell_ms(const struct hop *h);

/*
 * The channel to tune now; advances the walk.  The string lives in *h
 * until the next hop_configure() or hop_remove().  NULL when the list is
 * empty.
 */
const char	*hop_next(struct hop *h);

/*
 * Drop a channel (one that failed to tune) and rebuild the order for the
 * shorter list, keeping the walk on the channel that was due next.
 * Returns 0, or -ENOENT when the channel is not in the list.
 */
int		 hop_remove(struct hop *h, const char *channel);

/*
 * Parse a hop rate, "N/sec" (or "N/s", or plain "N") in hops per second or
 * "N/min" per minute, into hops per second.  0, or -EINVAL.
 */
int		 hop_parse_rate(const char *s, double *ret);

#endif
