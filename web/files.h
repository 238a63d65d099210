/* SPDX-License-Identifier: ISC */
/*
 * \summary: static files under a root folder, with no way out of it
 *
 * Serves the UI (httpd_home) and plugin httpd/ folders.  A request path
 * is refused when, after percent-decoding, it holds a NUL, a "." or ".."
 * element, or resolves (through symlinks) outside the root; the file is
 * opened O_NOFOLLOW and must be a regular file.
 */
#ifndef WEB_FILES_H
#define WEB_FILES_H

#include <sys/stat.h>

#include <stddef.h>

#define FILES_MAX_PATH		1024	/* longest request path accepted */

/*
 * Open rel (decoded, relative to root, "" or a folder meaning its
 * index.html) read-only.  Returns 0 with *ret_fd (the caller closes it)
 * and *ret_st, -ENOENT when there is no such file, -EACCES when the path
 * tries to leave root or is not a regular file, -ENAMETOOLONG.
 */
int		 files_open(const char *root, const char *rel, size_t rel_len,
		    int *ret_fd, struct stat *ret_st);

/* The MIME type for a file name, by its extension. */
const char	*files_mime(const char *name);

#endif
