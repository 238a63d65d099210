/* SPDX-License-Identifier: ISC */
/* \summary: channel-hop scheduler shared by the capture drivers */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hop.h"

/* Twice the longest list, so that a free slot is never far. */
#define HOP_SEEN_SLOTS	(2 * HOP_MAX_CHANNELS)

/* FNV-1a of the lower-cased name, to a slot. */
static size_t
hop_hash(const char *s)
{
	uint32_t h = 2166136261U;

	for (; *s != '\0'; s++) {
		h ^= (uint8_t)tolower((unsigned char)*s);
		h *= 16777619U;
	}
	return h % HOP_SEEN_SLOTS;
}

static uint32_t
gcd(uint32_t a, uint32_t b)
{
	uint32_t t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * The stride for n channels.  Without shuffle it is 1, the list in order.
 * With shuffle the default is about n / 3, which for the 2.4 GHz band puts
 * the non-overlapping channels 1, 6, 11 one after another and never tunes
 * to a neighbour of the channel just left.  Either way the stride is moved
 * forward to the first value coprime with n, the condition for (i * skip)
 * mod n to visit all n entries before repeating.
 */
static uint32_t
hop_stride(size_t n, bool shuffle, uint32_t skip_req)
{
	uint32_t s;

	if (n <= 2 || !shuffle)
		return 1;
	s = skip_req != 0 ? skip_req : (uint32_t)(n / 3 + 1);
	s %= (uint32_t)n;
	if (s == 0)
		s = 1;
	while (gcd(s, (uint32_t)n) != 1)
		if (++s == n)
			s = 1;
	return s;
}

static void
hop_build(struct hop *h)
{
	size_t i;

	h->skip = hop_stride(h->n, h->shuffle, h->skip_req);
	for (i = 0; i < h->n; i++)
		h->order[i] = (uint16_t)((i * h->skip) % h->n);
}

int
hop_configure(struct hop *h, const char *const *channels, size_t n,
    double rate, bool shuffle, uint32_t skip, uint32_t offset)
{
	/* Built aside so that *h is untouched on error; 6 KiB, not hot. */
	struct hop t;
	uint16_t seen[HOP_SEEN_SLOTS];	/* index + 1 of each name kept */
	size_t i, len, k;

	if (n == 0 || !isfinite(rate) || rate <= 0)
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		len = channels[i] != NULL ? strlen(channels[i]) : 0;
		if (len == 0 || len >= HOP_CHAN_LEN)
			return -EINVAL;
		/* Repeats are dropped; a hash keeps long lists linear. */
		for (k = hop_hash(channels[i]); seen[k] != 0;
		    k = (k + 1) % HOP_SEEN_SLOTS)
			if (strcasecmp(t.chan[seen[k] - 1], channels[i]) == 0)
				break;
		if (seen[k] != 0)
			continue;
		if (t.n == HOP_MAX_CHANNELS)
			return -EMSGSIZE;
		memcpy(t.chan[t.n++], channels[i], len + 1);
		seen[k] = (uint16_t)t.n;
	}
	t.rate = rate;
	/*
	 * The floor keeps a radio on each channel long enough to hear.
	 * Rounded by hand: lround() would link libm, some 300 KiB of
	 * resident library in every helper for this one call.
	 */
	t.dwell_ms = rate >= 1000.0 / HOP_MIN_DWELL_MS ? HOP_MIN_DWELL_MS :
	    (uint32_t)(1000.0 / rate + 0.5);
	if (t.dwell_ms < HOP_MIN_DWELL_MS)
		t.dwell_ms = HOP_MIN_DWELL_MS;
	t.shuffle = shuffle;
	t.skip_req = skip;
	t.offset = offset;
	hop_build(&t);
	t.pos = offset % t.n;
	*h = t;
	return 0;
}

uint32_t
hop_dwell_ms(const struct hop *h)
{
	return h->dwell_ms;
}

const char *
hop_next(struct hop *h)
{
	const char *c;

	if (h->n == 0)
		return NULL;
	c = h->chan[h->order[h->pos]];
	h->pos = (h->pos + 1) % h->n;
	return c;
}

int
hop_remove(struct hop *h, const char *channel)
{
	size_t i, idx, next;

	for (idx = 0; idx < h->n; idx++)
		if (strcasecmp(h->chan[idx], channel) == 0)
			break;
	if (idx == h->n)
		return -ENOENT;

	/* The list entry due next, skipping the one that goes. */
	next = h->order[h->pos];
	if (next == idx && h->n > 1)
		next = h->order[(h->pos + 1) % h->n];
	memmove(h->chan[idx], h->chan[idx + 1],
	    (h->n - idx - 1) * sizeof(h->chan[0]));
	h->n--;
	h->pos = 0;
	if (h->n == 0)
		return 0;
	if (next > idx)
		next--;
	hop_build(h);
	for (i = 0; i < h->n; i++)
		if (h->order[i] == next) {
			h->pos = i;
			break;
		}
	return 0;
}

int
hop_parse_rate(const char *s, double *ret)
{
	const char *unit;
	double v;
	char *end;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v) || v <= 0)
		return -EINVAL;
	unit = end;
	if (*unit == '/')
		unit++;
	else if (*unit != '\0')
		return -EINVAL;
	if (*unit == '\0' || strcasecmp(unit, "sec") == 0 ||
	    strcasecmp(unit, "s") == 0 || strcasecmp(unit, "second") == 0)
		;
	else if (strcasecmp(unit, "min") == 0 ||
	    strcasecmp(unit, "minute") == 0)
		v /= 60.0;
	else
		return -EINVAL;
	if (end[0] == '/' && end[1] == '\0')
		return -EINVAL;		/* "5/" */
	*ret = v;
	return 0;
}
