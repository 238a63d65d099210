/* SPDX-License-Identifier: ISC */
/*
 * \summary: channel plans: hop lists, hop rates, splitting across sources
 *
 * A source hops over a list of channel strings ("1", "6HT40+", "36VHT80")
 * at a rate in hops per second, from an offset into the list.  The core
 * builds the list from what the helper says the radio supports and the
 * source's channels=, add_channels= and block_channels= options, and when
 * several sources of one type hop the same list it gives each a different
 * offset so that together they cover more of the band at any moment
 * (split_source_hopping, as Kismet does).  With randomized_hopping the
 * helper walks the list in a shuffled order: the core sends a shuffle
 * step coprime with the list length, the same for every source of the
 * group, so that split offsets stay disjoint and every channel is still
 * visited once per cycle.
 *
 * Channel strings are the helper's business: the core checks only that
 * they look like one (letters, digits, '+', '-', at most 15 bytes) and
 * keeps what the helper reports back.
 */
#ifndef DAEMON_CHANPLAN_H
#define DAEMON_CHANPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHANPLAN_MAX_CHANNELS	512
#define CHANPLAN_CHAN_MAX	15	/* bytes in one channel string */
#define CHANPLAN_RATE_MAX	20.0	/* hops/s: a 50 ms dwell */

/* An ordered list of distinct channel strings; owns them. */
struct chanplan_list {
	char		**v;
	size_t		  n;
};

void	chanplan_list_free(struct chanplan_list *);
void	chanplan_list_copy(struct chanplan_list *dst,
	    const struct chanplan_list *src);
/* Append ch unless already present; 0, -EINVAL, or -EMSGSIZE when full. */
int	chanplan_list_add(struct chanplan_list *, const char *ch);
bool	chanplan_list_equal(const struct chanplan_list *,
	    const struct chanplan_list *);
/* Index of ch in the list (case-insensitive), or -1. */
int	chanplan_list_find(const struct chanplan_list *, const char *ch);

/* 1 when s looks like a channel string, else 0. */
int	chanplan_valid_channel(const char *s);

/*
 * Parse a comma-separated channel list into *ret (which the caller frees
 * with chanplan_list_free).  Returns 0, or -EINVAL / -EMSGSIZE with the
 * offending entry named in err.
 */
int	chanplan_parse_list(const char *csv, struct chanplan_list *ret,
	    char *err, size_t errlen);

/*
 * Parse a hop rate: "5/sec", "5/s", "30/min", "2.5" (per second) into
 * hops per second.  Returns 0, or -EINVAL with a reason in err when it
 * does not parse, is not above zero, or exceeds CHANPLAN_RATE_MAX.
 */
int	chanplan_parse_rate(const char *s, double *ret, char *err,
	    size_t errlen);

/*
 * The hop list of a source: channels (the channels= option) when not
 * NULL, else base (what the helper reported); plus add (add_channels=);
 * minus block (block_channels=), where a bare number blocks every width
 * of that channel ("6" blocks "6HT40+").  Any option may be NULL.
 * Returns 0 with *ret filled (caller frees), or a negative errno with the
 * option and entry named in err.
 */
int	chanplan_build(const struct chanplan_list *base, const char *channels,
	    const char *add, const char *block, struct chanplan_list *ret,
	    char *err, size_t errlen);

/*
 * A shuffle step for a list of n channels: coprime with n, so that
 * stepping by it visits every channel once per cycle, and far from 1 so
 * that consecutive hops land far apart.  1 for n <= 2.
 */
uint32_t chanplan_shuffle_skip(size_t n);

/* One source as the splitter sees it. */
struct chanplan_member {
	const char			*type;		/* "linuxwifi" */
	const struct chanplan_list	*hop;		/* its hop list */
	bool				 split;		/* takes part */
	uint32_t			 offset;	/* out */
};

/*
 * Assign offsets: members that split, grouped by type and equal hop
 * list, get offsets spread evenly over the list in the order given
 * (i * len / count); other members get 0.
 */
void	chanplan_split(struct chanplan_member *, size_t n);

#endif
