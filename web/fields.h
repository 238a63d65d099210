/* SPDX-License-Identifier: ISC */
/*
 * \summary: Kismet field simplification and regex filters over msgpack records
 *
 * A request may ask for some fields only ({"fields": [...]}): each entry
 * is a field name, a path "a/b/c" into nested maps (the answer keys it by
 * its last element; a number steps into a list), or [path, alias] (keyed
 * by alias).  A field the
 * record lacks answers 0, as Kismet does.  {"regex": [[path, pattern],
 * ...]} keeps the records where any pattern (PCRE2, as Kismet's) matches
 * the string at its path.  Patterns come from clients, so both their
 * compilation and their matching are bounded (fields_regex_parse).
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
#define FIELDS_MAX_GROUPS	16	/* nesting of ( ) */
#define FIELDS_MAX_COMPILED	(32 * 1024)	/* compiled bytes */
#define FIELDS_MATCH_LIMIT	10000	/* PCRE2 steps per match */
#define FIELDS_DEPTH_LIMIT	250	/* backtracking depth */
#define FIELDS_HEAP_LIMIT_KIB	256	/* backtracking memory */
#define FIELDS_REGEX_BUDGET_MS	500	/* matching, per request */

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
 * -EINVAL (wrong shape, a pattern that does not compile, groups nested
 * over FIELDS_MAX_GROUPS) / -EMSGSIZE (over a cap: FIELDS_MAX_REGEX
 * patterns, FIELDS_MAX_PATTERN bytes, FIELDS_MAX_COMPILED compiled, which
 * is where nested repetition such as ((a{0,64}){0,64}){0,64} ends) with
 * the reason in err.  Patterns are PCRE2 on bytes, interpreted (the
 * sandbox allows no JIT); a match is cut at FIELDS_MATCH_LIMIT steps,
 * FIELDS_DEPTH_LIMIT deep, FIELDS_HEAP_LIMIT_KIB of memory, and counts
 * as no match then.
 */
int	fields_regex_parse(const yajl_val list, struct fields_regex **ret,
	    char *err, size_t errlen);
void	fields_regex_free(struct fields_regex *);

/*
 * True when any pattern matches the string at its path in rec.  Once
 * the matches of one spec (one request) have taken FIELDS_REGEX_BUDGET_MS
 * in all, nothing matches any more: the answer is cut short rather than
 * the worker held up.
 */
bool	fields_regex_match(struct fields_regex *, const msgpack_object *rec);

/* True once the budget is spent (the answer was cut short). */
bool	fields_regex_exhausted(const struct fields_regex *);

/*
 * Read "fields" and "regex" from a request's JSON object (either may be
 * absent: *ret_* is then NULL).  Returns 0 or the parsers' errors.
 */
int	fields_parse_request(const yajl_val root, struct fields **ret_fields,
	    struct fields_regex **ret_regex, char *err, size_t errlen);

#endif
