/* SPDX-License-Identifier: ISC */
/* \summary: request paths: percent-decoding and matching route patterns */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "route.h"
#include "xmalloc.h"

char *
route_decode(const char *s, size_t len)
{
	char *raw = xstrndup(s, len), *d;
	size_t n = 0;

	d = evhttp_uridecode(raw, 0, &n);
	free(raw);
	if (d == NULL)
		return NULL;
	if (strlen(d) != n) {
		free(d);
		return NULL;
	}
	return d;
}

void
route_args_clear(struct route_args *a)
{
	size_t i;

	for (i = 0; i < a->nargs; i++)
		free(a->args[i]);
	a->nargs = 0;
	a->fmt = FORMAT_NONE;
}

int
route_match(const char *pattern, const char *raw, struct route_args *a)
{
	const char *pp = pattern, *rp = raw, *pe, *re, *at;
	size_t plen, rlen, lit;
	char *seg;
	enum format fmt;
	bool slash;

	route_args_clear(a);
	for (;;) {
		slash = *rp == '/';
		if (*pp == '/')
			pp++;
		if (*rp == '/')
			rp++;
		if (*pp == '\0')
			return *rp == '\0' ? 1 : 0;
		pe = pp + strcspn(pp, "/");
		re = rp + strcspn(rp, "/");
		plen = (size_t)(pe - pp);
		rlen = (size_t)(re - rp);
		if (plen == 2 && memcmp(pp, "**", 2) == 0) {
			/* "a/" gives "" (a folder), "a" gives no match. */
			if ((*rp == '\0' && !slash) ||
			    a->nargs == ROUTE_MAX_ARGS)
				return 0;
			a->args[a->nargs++] = xstrdup(rp);
			return 1;
		}
		if (*rp == '\0' && rlen == 0)
			return 0;
		if ((seg = route_decode(rp, rlen)) == NULL)
			return -1;
		if (plen == 1 && *pp == '*') {
			if (a->nargs == ROUTE_MAX_ARGS || *seg == '\0') {
				free(seg);
				return 0;
			}
			a->args[a->nargs++] = seg;
		} else if ((at = memchr(pp, '@', plen)) != NULL) {
			/* "name.@": the literal up to "@", then the format. */
			lit = (size_t)(at - pp);
			if (strlen(seg) <= lit || strncmp(seg, pp, lit) != 0 ||
			    (fmt = format_from_ext(seg + lit)) ==
			    FORMAT_NONE) {
				free(seg);
				return 0;
			}
			a->fmt = fmt;
			free(seg);
		} else {
			if (strlen(seg) != plen || memcmp(seg, pp, plen) != 0) {
				free(seg);
				return 0;
			}
			free(seg);
		}
		pp = pe;
		rp = re;
	}
}
