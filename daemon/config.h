/* SPDX-License-Identifier: ISC */
/*
 * \summary: config files: key=value lines, #, include=, repeatable keys
 *
 * The set of osprey.conf(5): osprey.conf (which includes the httpd,
 * logging and memory files), then osprey_site.conf, then osprey_FLAVOR.conf
 * for --override FLAVOR.  A key set in the site or flavor file replaces
 * every value the earlier files gave it (repeats inside that file add up,
 * so a site file can hold its own list of source= lines).  Keys are
 * case-insensitive and stored lower case; the last value of a key wins
 * for config_get(), while repeatable keys (source=) are walked with
 * config_next().  Every entry remembers its file and line so that a
 * value that later fails to parse can be reported where it was written.
 *
 * Malformed lines (no '=', an empty or odd key, a line too long, a NUL
 * byte), missing include= files and include loops are errors naming the
 * file and line.  opt_include= names a file that may be absent.
 */
#ifndef DAEMON_CONFIG_H
#define DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_LINE_MAX		8192
#define CONFIG_FILE_MAX		(1024 * 1024)
#define CONFIG_INCLUDE_DEPTH	8
#define CONFIG_KEY_MAX		64

struct config_entry {
	char		*key;		/* lower case */
	char		*value;		/* trimmed; may be "" */
	const char	*file;		/* owned by the config */
	unsigned	 line;		/* 0 for values set in code */
	unsigned	 gen;		/* which top-level load added it */
	bool		 dead;		/* replaced by an override file */
};

struct config {
	struct config_entry	*v;
	size_t			 n, cap;
	char			**files;	/* every file name seen */
	size_t			 n_files;
	unsigned		 gen;
};

void	config_init(struct config *);
void	config_free(struct config *);

/*
 * Load one file and what it includes.  With override set, each key the
 * file sets replaces the values earlier loads gave it.  Returns 0, or a
 * negative errno with "file:line: reason" (or "file: reason") in err.
 */
int	config_load_file(struct config *, const char *path, bool override,
	    char *err, size_t errlen);

/*
 * As config_load_file() over len bytes at buf, named name in messages;
 * includes are resolved relative to name's folder.
 */
int	config_load_buffer(struct config *, const char *name, const char *buf,
	    size_t len, bool override, char *err, size_t errlen);

/*
 * The standard set: main (osprey.conf, required), then osprey_site.conf
 * beside it when present, then osprey_FLAVOR.conf beside it when flavor is
 * not NULL (required then).  Returns 0 or a negative errno with err set.
 */
int	config_load_set(struct config *, const char *main, const char *flavor,
	    char *err, size_t errlen);

/*
 * The rest of the set, for a main file loaded some other way (the
 * built-in defaults): osprey_site.conf and osprey_FLAVOR.conf beside
 * where main would be.  Returns 0 or a negative errno with err set.
 */
int	config_load_extras(struct config *, const char *main,
	    const char *flavor, char *err, size_t errlen);

/*
 * Set key to value from code (the command line), replacing earlier
 * values; origin names it in messages ("command line").
 */
void	config_set(struct config *, const char *key, const char *value,
	    const char *origin);

/* Add one more value of a repeatable key, as from origin. */
void	config_add(struct config *, const char *key, const char *value,
	    const char *origin);

/* Drop every value of key. */
void	config_unset(struct config *, const char *key);

/* The last live entry for key, or NULL. */
const struct config_entry *config_entry(const struct config *,
	    const char *key);

/* The last value of key, or NULL. */
const char *config_get(const struct config *, const char *key);

/* Walk the values of a repeatable key: prev NULL starts, NULL ends. */
const struct config_entry *config_next(const struct config *,
	    const char *key, const struct config_entry *prev);

/*
 * Typed getters: 0 and *ret (def when the key is absent), or -EINVAL with
 * "file:line: key: reason" in err when the value does not parse.
 */
int	config_get_bool(const struct config *, const char *key, bool def,
	    bool *ret, char *err, size_t errlen);
int	config_get_uint(const struct config *, const char *key, uint64_t def,
	    uint64_t max, uint64_t *ret, char *err, size_t errlen);
/* A decimal number of seconds ("15", "0.2") as milliseconds. */
int	config_get_msec(const struct config *, const char *key, uint64_t def,
	    uint64_t *ret, char *err, size_t errlen);

/*
 * Call cb for each live entry whose key is not in known (a NULL-ended
 * list; an entry ending in '*' matches a prefix); cb may be NULL.
 * Returns the count.
 */
size_t	config_check_known(const struct config *, const char *const *known,
	    void (*cb)(const struct config_entry *, void *), void *arg);

#endif
