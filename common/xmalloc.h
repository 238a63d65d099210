/* SPDX-License-Identifier: ISC */
/*
 * \summary: allocators that end the process on exhaustion
 *
 * For the core and the web worker, where running out of memory is not a
 * state worth recovering from.  Capture helpers allocate once at start.
 * Lengths taken from input must be checked against a cap before they
 * reach these functions.
 */
#ifndef COMMON_XMALLOC_H
#define COMMON_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
