/* SPDX-License-Identifier: ISC */
/* \summary: static files under a root folder, with no way out of it */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "files.h"

static const struct {
	const char	*ext;
	const char	*mime;
} files_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "js", "application/javascript" },
	{ "mjs", "application/javascript" },
	{ "css", "text/css" },
	{ "json", "application/json" },
	{ "map", "application/json" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/plain; charset=utf-8" },
	{ "xml", "application/xml" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "ico", "image/x-icon" },
	{ "webp", "image/webp" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },
	{ "otf", "font/otf" },
	{ "eot", "application/vnd.ms-fontobject" },
	{ "wasm", "application/wasm" },
	{ "pdf", "application/pdf" },
};

const char *
files_mime(const char *name)
{
	const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
	size_t i;

	if (dot == NULL || (slash != NULL && dot < slash))
		return "application/octet-stream";
	for (i = 0; i < sizeof(files_types) / sizeof(files_types[0]); i++)
		if (strcasecmp(dot + 1, files_types[i].ext) == 0)
			return files_types[i].mime;
	return "application/octet-stream";
}

/* True when some "/"-separated element of rel is "." or "..". */
static bool
files_has_dot_element(const char *rel, size_t len)
{
	const char *p = rel, *end = rel + len, *e;
	size_t n;

	while (p < end) {
		if ((e = memchr(p, '/', (size_t)(end - p))) == NULL)
			e = end;
		n = (size_t)(e - p);
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p = e + 1;
	}
	return false;
}

int
files_open(const char *root, const char *rel, size_t rel_len, int *ret_fd,
    struct stat *ret_st)
{
	char path[PATH_MAX], rroot[PATH_MAX], rpath[PATH_MAX];
	struct stat st;
	size_t rl;
	int fd, n;

	if (rel_len > FILES_MAX_PATH)
		return -ENAMETOOLONG;
	if (memchr(rel, '\0', rel_len) != NULL ||
	    files_has_dot_element(rel, rel_len))
		return -EACCES;
	while (rel_len > 0 && rel[0] == '/') {
		rel++;
		rel_len--;
	}
	n = snprintf(path, sizeof(path), "%s/%.*s", root, (int)rel_len, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (realpath(root, rroot) == NULL)
		return -ENOENT;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		n = snprintf(path, sizeof(path), "%s/%.*s/index.html", root,
		    (int)rel_len, rel);
		if (n < 0 || (size_t)n >= sizeof(path))
			return -ENAMETOOLONG;
	}
	if (realpath(path, rpath) == NULL)
		return errno == ENAMETOOLONG ? -ENAMETOOLONG : -ENOENT;
	/* Symlinks may point anywhere inside root, never outside it. */
	rl = strlen(rroot);
	if (strncmp(rpath, rroot, rl) != 0 ||
	    (rpath[rl] != '/' && rroot[rl - 1] != '/'))
		return -EACCES;
	if ((fd = open(rpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1)
		return errno == ENOENT ? -ENOENT : -EACCES;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EACCES;
	}
	*ret_fd = fd;
	*ret_st = st;
	return 0;
}
