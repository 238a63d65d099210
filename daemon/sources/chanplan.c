/* SPDX-License-Identifier: ISC */
/* \summary: channel plans: hop lists, hop rates, splitting across sources */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chanplan.h"
#include "srcdef.h"
#include "xmalloc.h"

void
chanplan_list_free(struct chanplan_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
chanplan_list_copy(struct chanplan_list *dst, const struct chanplan_list *src)
{
	size_t i;

	dst->v = NULL;
	dst->n = 0;
	if (src->n == 0)
		return;
	dst->v = xcalloc(src->n, sizeof(*dst->v));
	for (i = 0; i < src->n; i++)
		dst->v[i] = xstrdup(src->v[i]);
	dst->n = src->n;
}

int
chanplan_valid_channel(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i == CHANPLAN_CHAN_MAX || (!isalnum((unsigned char)s[i]) &&
		    s[i] != '+' && s[i] != '-'))
			return 0;
	return i > 0;
}

int
chanplan_list_find(const struct chanplan_list *l, const char *ch)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], ch) == 0)
			return (int)i;
	return -1;
}

int
chanplan_list_add(struct chanplan_list *l, const char *ch)
{
	if (!chanplan_valid_channel(ch))
		return -EINVAL;
	if (chanplan_list_find(l, ch) >= 0)
		return 0;
	if (l->n == CHANPLAN_MAX_CHANNELS)
		return -EMSGSIZE;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(ch);
	return 0;
}

bool
chanplan_list_equal(const struct chanplan_list *a,
    const struct chanplan_list *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcasecmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

int
chanplan_parse_list(const char *csv, struct chanplan_list *ret, char *err,
    size_t errlen)
{
	struct chanplan_list l = { NULL, 0 };
	size_t len = strlen(csv);
	char *buf, **items;
	int n, i, r = 0;

	buf = xmalloc(len + 1);
	items = xcalloc(CHANPLAN_MAX_CHANNELS, sizeof(*items));
	n = srcdef_split_list(csv, buf, len + 1, items, CHANPLAN_MAX_CHANNELS);
	if (n < 0) {
		snprintf(err, errlen, "more than %d channels",
		    CHANPLAN_MAX_CHANNELS);
		r = -EMSGSIZE;
	}
	for (i = 0; r == 0 && i < n; i++) {
		/* Trailing spaces too: "1, 6 ,11" is a fine list. */
		char *e = items[i] + strlen(items[i]);

		while (e > items[i] && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if ((r = chanplan_list_add(&l, items[i])) < 0)
			snprintf(err, errlen, "'%.32s' is not a channel",
			    items[i]);
	}
	free(items);
	free(buf);
	if (r < 0) {
		chanplan_list_free(&l);
		return r;
	}
	*ret = l;
	return 0;
}

int
chanplan_parse_rate(const char *s, double *ret, char *err, size_t errlen)
{
	double d, per = 1.0;
	char *end;

	errno = 0;
	d = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(d))
		goto bad;
	if (*end == '/') {
		end++;
		if (strcasecmp(end, "sec") == 0 || strcasecmp(end, "s") == 0)
			per = 1.0;
		else if (strcasecmp(end, "min") == 0 ||
		    strcasecmp(end, "m") == 0)
			per = 60.0;
		else
			goto bad;
	} else if (*end != '\0')
		goto bad;
	d /= per;
	if (!(d > 0.0)) {
		snprintf(err, errlen, "hop rate '%s' is not above zero", s);
		return -EINVAL;
	}
	if (d > CHANPLAN_RATE_MAX) {
		snprintf(err, errlen, "hop rate '%s' is over %g/sec", s,
		    CHANPLAN_RATE_MAX);
		return -EINVAL;
	}
	*ret = d;
	return 0;
bad:
	snprintf(err, errlen, "hop rate '%s' is not N/sec or N/min", s);
	return -EINVAL;
}

/* "6" blocks "6", "6HT20", "6HT40+": the number then a non-digit. */
static bool
blocked_by(const char *ch, const char *block)
{
	size_t n;

	if (strcasecmp(ch, block) == 0)
		return true;
	n = strspn(block, "0123456789");
	return n > 0 && block[n] == '\0' && strncmp(ch, block, n) == 0 &&
	    !isdigit((unsigned char)ch[n]);
}

int
chanplan_build(const struct chanplan_list *base, const char *channels,
    const char *add, const char *block, struct chanplan_list *ret,
    char *err, size_t errlen)
{
	struct chanplan_list l = { NULL, 0 }, extra = { NULL, 0 };
	const char *opt = "channels";
	char e[128];
	size_t i, j, k;
	int r = 0;

	if (channels != NULL) {
		if ((r = chanplan_parse_list(channels, &l, e, sizeof(e))) < 0)
			goto fail;
	} else if (base != NULL)
		chanplan_list_copy(&l, base);
	if (add != NULL) {
		opt = "add_channels";
		if ((r = chanplan_parse_list(add, &extra, e, sizeof(e))) < 0)
			goto fail;
		for (i = 0; i < extra.n && r == 0; i++)
			if ((r = chanplan_list_add(&l, extra.v[i])) < 0)
				snprintf(e, sizeof(e), "more than %d channels",
				    CHANPLAN_MAX_CHANNELS);
		chanplan_list_free(&extra);
		if (r < 0)
			goto fail;
	}
	if (block != NULL) {
		opt = "block_channels";
		if ((r = chanplan_parse_list(block, &extra, e, sizeof(e))) < 0)
			goto fail;
		for (i = 0, k = 0; i < l.n; i++) {
			for (j = 0; j < extra.n; j++)
				if (blocked_by(l.v[i], extra.v[j]))
					break;
			if (j < extra.n)
				free(l.v[i]);
			else
				l.v[k++] = l.v[i];
		}
		l.n = k;
		chanplan_list_free(&extra);
	}
	*ret = l;
	return 0;
fail:
	snprintf(err, errlen, "option '%s': %s", opt, e);
	chanplan_list_free(&l);
	return r;
}

static size_t
gcd(size_t a, size_t b)
{
	size_t t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

uint32_t
chanplan_shuffle_skip(size_t n)
{
	size_t s;

	if (n <= 2)
		return 1;
	/*
	 * Near n / golden ratio, then up to the next value coprime with n:
	 * consecutive hops land far apart, and the walk covers the list.
	 */
	s = (size_t)((double)n * 0.618 + 0.5);
	if (s < 2)
		s = 2;
	while (gcd(s, n) != 1)
		s++;
	return (uint32_t)(s % n == 0 ? 1 : s);
}

void
chanplan_split(struct chanplan_member *m, size_t n)
{
	size_t i, j, count, idx;
	bool *done;

	if (n == 0)
		return;
	done = xcalloc(n, sizeof(*done));
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		m[i].offset = 0;
		done[i] = true;
		if (!m[i].split || m[i].hop == NULL || m[i].hop->n == 0)
			continue;
		/* Count the group, then hand out evenly spaced offsets. */
		count = 1;
		for (j = i + 1; j < n; j++)
			if (!done[j] && m[j].split && m[j].hop != NULL &&
			    strcmp(m[j].type, m[i].type) == 0 &&
			    chanplan_list_equal(m[j].hop, m[i].hop))
				count++;
		idx = 1;
		for (j = i + 1; j < n; j++)
			if (!done[j] && m[j].split && m[j].hop != NULL &&
			    strcmp(m[j].type, m[i].type) == 0 &&
			    chanplan_list_equal(m[j].hop, m[i].hop)) {
				m[j].offset = (uint32_t)(idx * m[i].hop->n /
				    count);
				done[j] = true;
				idx++;
			}
	}
	free(done);
}
