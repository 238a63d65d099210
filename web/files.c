/* SPDX-License-Identifier: ISC */
/* \summary: static files under a root folder, with no way out of it */

#include <errno.h>
#include <fcntl.h>
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

int
files_root_open(const char *path)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -errno;
	return fd;
}

/* What an openat failure means for the client. */
static int
files_errno(int e)
{
	switch (e) {
	case ENOENT:
		return -ENOENT;
	case ENAMETOOLONG:
		return -ENAMETOOLONG;
	default:
		/* ELOOP (a symlink), ENOTDIR, EACCES... */
		return -EACCES;
	}
}

int
files_open(int rootfd, const char *rel, size_t rel_len, int *ret_fd,
    struct stat *ret_st)
{
	char elem[FILES_MAX_PATH + 1];
	const char *p = rel, *end = rel + rel_len, *e;
	struct stat st;
	size_t n, depth = 0;
	int dir = rootfd, fd, rc;

	if (rel_len > FILES_MAX_PATH)
		return -ENAMETOOLONG;
	if (memchr(rel, '\0', rel_len) != NULL)
		return -EACCES;
	/* dir is the root (ours to keep) or a folder we opened below it. */
	for (;;) {
		while (p < end && *p == '/')
			p++;
		if (p == end) {
			/* The path named a folder: its index.html. */
			p = "index.html";
			end = p + strlen(p);
		}
		if ((e = memchr(p, '/', (size_t)(end - p))) == NULL)
			e = end;
		n = (size_t)(e - p);
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.') ||
		    ++depth > FILES_MAX_DEPTH) {
			if (dir != rootfd)
				close(dir);
			return -EACCES;
		}
		memcpy(elem, p, n);
		elem[n] = '\0';
		p = e;
		/* Never through a symlink, whatever it points at. */
		fd = openat(dir, elem, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK);
		rc = fd == -1 ? files_errno(errno) : 0;
		if (dir != rootfd)
			close(dir);
		if (rc != 0)
			return rc;
		if (fstat(fd, &st) != 0) {
			close(fd);
			return -EACCES;
		}
		if (S_ISREG(st.st_mode) && p == end) {
			*ret_fd = fd;
			*ret_st = st;
			return 0;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			return S_ISREG(st.st_mode) ? -ENOENT : -EACCES;
		}
		dir = fd;
	}
}
