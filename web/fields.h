/* SPDX-License-Identifier: ISC */
/*
 * \summary: Kismet field simplification and regex filters over msgpack records
 *
 * A request may ask for some fields only ({"fields": [...]}): each entry
 * is a field name, a path "a/b/c" into nested maps (the answer keys it by
 * its last element; a number steps into a list), or [path, alias] (keyed
 * by alias).  A field the
 * record lacks answers 0, as Kismet does.  {"regex": [[path, pattern],
 * ...]} keeps the records where any pattern (POSIX extended) matches the
 * string at its path.
 */
#ifndef WEB_FIELDS_H
#define WEB_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include <msgpack.h>
#include <yajl/yajl_tree.h>

#define FIELDS_MAX		256	/* entries in one "fields" list */
#define FIELDS_MAX_PATH		1024	/* bytes in one path */
#define FIELDS_MAX_DEPTH	16	/* elements in one path */
#define FIELDS_MAX_REGEX	32	/* entries in one "regex" list */
#define FIELDS_MAX_PATTERN	256	/* bytes in one pattern */
#define FIELDS_MAX_QUANT	32	/* quantifiers in one pattern */
#define FIELDS_MAX_GROUPS	8	/* nesting of ( ) */
#define FIELDS_MAX_REPEAT	64	/* largest bound in {n,m} */

struct fields;
struct fields_regex;

/*
 * Parse a "fields" list (a yajl array).  Returns 0 and a new spec in
 * *ret, or -EINVAL (wrong shape, an empty path or element) / -EMSGSIZE
 * (over a cap) with the reason in err.
 */
int	fields_parse(const yajl_val list, struct fields **ret, char *err,
	    size_t errlen);
void	fields_free(struct fields *);

/* The number of entries in a spec. */
size_t	fields_count(const struct fields *);

/*
 * Build the simplified view of rec (a map) in *ret: a map with one entry
 * per field, in the spec's order, a later entry with the same key
 * dropped.  Keys point into the spec and values into rec, so ret lives
 * as long as both and the zone (where the map's entries are allocated).
 * Returns 0, or -ENOMEM.
 */
int	fields_apply(const struct fields *, const msgpack_object *rec,
	    msgpack_zone *zone, msgpack_object *ret);

/*
 * The value at path ("a/b/c", elements looked up as map keys; integer
 * keys match their decimal form; in a list, an element is an index) in
 * rec, or NULL.  Kismet's older
 * spellings (kismet.common.signal.last_signal_dbm and friends) answer for
 * the current ones.
 */
const msgpack_object *fields_lookup(const msgpack_object *rec,
	    const char *path);

/*
 * Parse a "regex" list: [[path, pattern], ...].  Returns 0 and *ret, or
 * -EINVAL (wrong shape, a pattern that does not compile or that could
 * make regcomp or regexec blow up) / -EMSGSIZE with the reason in err.
 * glibc compiles "a+" as "aa*", copying the tree, so stacked quantifiers
 * grow it exponentially: a pattern may not put a quantifier right after
 * another, nest groups more than FIELDS_MAX_GROUPS deep, use more than
 * FIELDS_MAX_QUANT quantifiers or a {n,m} bound over FIELDS_MAX_REPEAT,
 * or use back-references.
 */
int	fields_regex_parse(const yajl_val list, struct fields_regex **ret,
	    char *err, size_t errlen);
void	fields_regex_free(struct fields_regex *);

/* True when any pattern matches the string at its path in rec. */
bool	fields_regex_match(const struct fields_regex *,
	    const msgpack_object *rec);

/*
 * Read "fields" and "regex" from a request's JSON object (either may be
 * absent: *ret_* is then NULL).  Returns 0 or the parsers' errors.
 */
int	fields_parse_request(const yajl_val root, struct fields **ret_fields,
	    struct fields_regex **ret_regex, char *err, size_t errlen);

#endif
