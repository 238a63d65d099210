/* SPDX-License-Identifier: ISC */
/*
 * \summary: static files under a root folder, with no way out of it
 *
 * Serves the UI (httpd_home) and plugin httpd/ folders.  Each root is a
 * directory descriptor opened at start, before the sandbox closes the
 * file system: a request path is walked from it one element at a time
 * with openat(O_NOFOLLOW), so it can never name a file outside the root
 * and no symbolic link is ever followed.  A path holding a NUL (after
 * percent-decoding) or a "." or ".." element is refused outright; the
 * file must be a regular one.
 */
#ifndef WEB_FILES_H
#define WEB_FILES_H

#include <sys/stat.h>

#include <stddef.h>

#define FILES_MAX_PATH		1024	/* longest request path accepted */
#define FILES_MAX_DEPTH		32	/* elements in one request path */

/* Open a root folder: its descriptor, or a negative errno. */
int		 files_root_open(const char *path);

/*
 * Open rel (decoded, relative to the root rootfd; "" or a folder means
 * its index.html) read-only.  Returns 0 with *ret_fd (the caller closes
 * it) and *ret_st, -ENOENT when there is no such file, -EACCES when the
 * path tries to leave the root, goes through a symbolic link or is not a
 * regular file, -ENAMETOOLONG.
 */
int		 files_open(int rootfd, const char *rel, size_t rel_len,
		    int *ret_fd, struct stat *ret_st);

/* The MIME type for a file name, by its extension. */
const char	*files_mime(const char *name);

#endif
