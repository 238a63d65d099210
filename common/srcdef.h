/* SPDX-License-Identifier: ISC */
/*
 * \summary: source definitions: "interface:opt=val,opt=\"a,b\",..."
 *
 * The same string arrives from -c, source=, a helper's --source and the
 * REST add_source command (doc/sources.md).  Keys are case-insensitive and
 * stored lower case; a value may be double-quoted to hold commas, with \"
 * and \\ escapes inside the quotes.  When a key repeats, the last wins.
 */
#ifndef COMMON_SRCDEF_H
#define COMMON_SRCDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRCDEF_MAX_LEN		4096	/* longest definition accepted */
#define SRCDEF_MAX_OPTS		64

struct srcdef_opt {
	char	*key;
	char	*value;		/* "" for a bare "key" or "key=" */
};

struct srcdef {
	char			*interface;
	struct srcdef_opt	*opts;
	size_t			 n_opts;
};

/*
 * Parse def into *ret.  Returns 0, or -EINVAL with a one-line reason in
 * err (naming the offending option) when the definition is malformed,
 * -EMSGSIZE when it is over SRCDEF_MAX_LEN or has too many options,
 * -ENOMEM.  On success the caller owns ret and frees it with
 * srcdef_free().
 */
int	 srcdef_parse(const char *def, struct srcdef *ret, char *err,
	    size_t errlen);
void	 srcdef_free(struct srcdef *);

/* The value of key (any case), or NULL when absent. */
const char *srcdef_get(const struct srcdef *, const char *key);

/*
 * Typed getters: 0 and *ret set (def when absent), or -EINVAL when the
 * value does not parse, with the reason in err.
 */
int	 srcdef_get_bool(const struct srcdef *, const char *key, bool def,
	    bool *ret, char *err, size_t errlen);
int	 srcdef_get_uint(const struct srcdef *, const char *key, uint64_t def,
	    uint64_t max, uint64_t *ret, char *err, size_t errlen);

/* Parse a boolean word: true/false, yes/no, on/off, 1/0. */
int	 srcdef_parse_bool(const char *value, bool *ret);

/*
 * Split a comma-separated list ("1,6,11") into at most max strings
 * written to out, which point into buf (a copy the caller provides,
 * buflen bytes).  Returns the count, or -EMSGSIZE.
 */
int	 srcdef_split_list(const char *value, char *buf, size_t buflen,
	    char **out, size_t max);

#define SRCDEF_UUID_LEN		37	/* 36 characters and a NUL */

/*
 * The source's UUID as text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in
 * lower case: the definition's uuid= option when given (any case,
 * checked and normalised), otherwise derived from the source type and the
 * interface (or file path), so that the same definition names the same
 * source across restarts and reconnects.  Derived UUIDs are RFC 9562
 * version 8 (custom).  Returns 0, or -EINVAL with the reason in err when
 * uuid= is not a UUID.
 */
int	 srcdef_uuid(const struct srcdef *, const char *type,
	    char ret[SRCDEF_UUID_LEN], char *err, size_t errlen);

#endif
