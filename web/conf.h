/* SPDX-License-Identifier: ISC */
/*
 * \summary: key=value settings: the line parser and the web's settings store
 *
 * One format serves the config files (osprey.conf(5)), the per-user auth
 * file and plugin manifests: "key=value" lines, "#" comments, blank lines
 * ignored, spaces around key and value trimmed.  The store keeps the last
 * value set for a key; the web worker fills it from its command line,
 * its -f files or the core's BRIDGE_CONFIG message (doc/web.md).
 */
#ifndef WEB_CONF_H
#define WEB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_MAX_TEXT	(1024 * 1024)	/* a file larger than this is refused */
#define CONF_MAX_LINE	4096
#define CONF_MAX_KEYS	512

/*
 * Called for each key=value line with NUL-terminated, trimmed strings
 * valid for the call only; line counts from 1.  A non-zero return stops
 * the parse and is returned by conf_parse.
 */
typedef int (*conf_line_cb)(void *arg, const char *key, const char *value,
    unsigned line);

/*
 * Parse len bytes of text (need not be NUL terminated).  Returns 0, the
 * callback's non-zero return, -EMSGSIZE for text or a line over the caps,
 * or -EBADMSG for a line without "=", an empty key, or a NUL byte; err
 * then says which line and why.
 */
int	conf_parse(const char *text, size_t len, conf_line_cb cb, void *arg,
	    char *err, size_t errlen);

struct conf;

/* An empty store; never NULL (allocation failure is fatal). */
struct conf	*conf_new(void);
void		 conf_free(struct conf *);

/* Set key to a copy of value; the last set wins.  0 or -EMSGSIZE. */
int		 conf_set(struct conf *, const char *key, const char *value);

/*
 * Set from a "key=value" argument (the -o option).  0, or -EINVAL when
 * there is no "=" or the key is empty.
 */
int		 conf_set_arg(struct conf *, const char *arg);

/*
 * Read a file into the store.  0, -errno when it cannot be read, or
 * conf_parse's errors; err names file and line.
 */
int		 conf_load_file(struct conf *, const char *path, char *err,
		    size_t errlen);

/*
 * Set every key of src in dst (src's values win).  Returns 0 or the
 * first conf_set error.
 */
int		 conf_merge(struct conf *dst, const struct conf *src);

/* The value of key, or def when it is not set. */
const char	*conf_get(const struct conf *, const char *key,
		    const char *def);

/*
 * Typed getters: 0 with *ret set (def when absent), or -EINVAL when the
 * value is not a number in [min, max] / not a boolean word.
 */
int		 conf_get_uint(const struct conf *, const char *key,
		    uint64_t def, uint64_t min, uint64_t max, uint64_t *ret);
int		 conf_get_bool(const struct conf *, const char *key, bool def,
		    bool *ret);

#endif
