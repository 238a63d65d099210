/* SPDX-License-Identifier: ISC */
/*
 * \summary: request paths: percent-decoding and matching route patterns
 *
 * A route pattern's elements are literals, "*" (any one non-empty
 * element, captured decoded), "NAME.@" (NAME. and a format extension)
 * and a final "**" (the rest of the path, captured still encoded: one or
 * more elements, or "" when the path ends in "/" there).  Paths are
 * matched still encoded, element by element, so that "%2F" inside an
 * element never splits it.  Everything here reads bytes a client sent;
 * test/fuzz/fuzz-route.c feeds it.
 */
#ifndef WEB_ROUTE_H
#define WEB_ROUTE_H

#include <stddef.h>

#include "format.h"

#define ROUTE_MAX_ARGS		4

/* What a match captured; owned by the caller, freed by route_args_clear. */
struct route_args {
	char		*args[ROUTE_MAX_ARGS];
	size_t		 nargs;
	enum format	 fmt;		/* FORMAT_NONE without "NAME.@" */
};

/*
 * A percent-decoded copy of the len bytes at s ("+" stays "+"), or NULL
 * when it decodes to a NUL byte.  The caller frees it.
 */
char	*route_decode(const char *s, size_t len);

/*
 * Match the raw (still encoded) path against pattern, capturing into a
 * (cleared first).  Returns 1 on a match, 0 on none, -1 when an element
 * of the path decodes to a NUL.
 */
int	 route_match(const char *pattern, const char *raw,
	    struct route_args *a);

/* Free the captures and reset a. */
void	 route_args_clear(struct route_args *a);

#endif
