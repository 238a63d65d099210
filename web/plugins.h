/* SPDX-License-Identifier: ISC */
/*
 * \summary: web-only plugins: manifest.conf, the plugin list, dynamic.js
 *
 * A plugin is a folder NAME/ in a plugin dir holding manifest.conf
 * (name=, version=, description=, author=, optional js=MODULE,PATH) and
 * httpd/, served at /plugin/NAME/ (doc/web.md).  Plugins with code
 * (Kismet's object=) are not supported and are skipped like any folder
 * whose manifest does not validate.
 */
#ifndef WEB_PLUGINS_H
#define WEB_PLUGINS_H

#include <stddef.h>

#include <msgpack.h>

struct evbuffer;

#define PLUGINS_MAX		64	/* plugins loaded at most */
#define PLUGINS_MAX_NAME	64
#define PLUGINS_MAX_MANIFEST	(64 * 1024)

struct plugin {
	char	*name;
	char	*version;
	char	*description;	/* "" when not given */
	char	*author;	/* "" when not given */
	char	*js_module;	/* NULL when the UI loads nothing */
	char	*js_path;	/* "/plugin/NAME/..." */
	char	*dir;		/* the plugin's folder */
	char	*httpd;		/* its httpd/ folder */
	int	 httpd_fd;	/* that folder, open; -1 until scanned */
};

struct plugins {
	struct plugin	*list;
	size_t		 n;
};

/*
 * Parse and validate a manifest's text for the plugin folder dir.
 * Returns 0 and fills *ret (free with plugins_clear_one), or -EINVAL with
 * the reason in err: a malformed line, no or a bad name (letters, digits,
 * "-" and "_" only), no version, object= present, a js= that is not
 * MODULE,/plugin/NAME/PATH.
 */
int	plugins_manifest_parse(const char *text, size_t len, const char *dir,
	    struct plugin *ret, char *err, size_t errlen);
void	plugins_clear_one(struct plugin *);

/*
 * Load every valid plugin from the n folders in dirs (missing folders are
 * fine).  Each plugin skipped is reported once through note (a line for
 * the log).  Returns the number loaded.
 */
size_t	plugins_scan(struct plugins *, const char *const *dirs, size_t n,
	    void (*note)(void *arg, const char *msg), void *arg);
void	plugins_clear(struct plugins *);

/* The plugin called name, or NULL. */
const struct plugin *plugins_find(const struct plugins *, const char *name,
	    size_t len);

/* Pack the list as /plugins/all_plugins.json answers it. */
void	plugins_pack(const struct plugins *, msgpack_packer *);

/* Write /dynamic.js: the modules the UI loads at start. */
void	plugins_dynamic_js(const struct plugins *, struct evbuffer *);

#endif
