/* SPDX-License-Identifier: ISC */
/*
 * \summary: request arguments: timestamps, MACs, UUIDs, counts, JSON scalars
 *
 * Everything a REST handler reads from a URL element, a query variable or
 * a JSON command goes through one of these before it is used or sent to
 * the core, so that each rule (what a timestamp may be, how big a count)
 * is written once and fuzzed (test/fuzz/fuzz-args.c).  None allocates.
 */
#ifndef WEB_ARGS_H
#define WEB_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

/*
 * Timestamps further from the epoch than this (about year 5138) are
 * refused: the core turns them into microseconds in 64 bits.
 */
#define ARGS_MAX_TS		1e11

#define ARGS_MAC_LEN		17	/* "AA:BB:CC:DD:EE:FF" */
#define ARGS_MAC_MASK_LEN	35	/* the same, "/" and a mask */
#define ARGS_MAX_UUID		64

/*
 * A Kismet timestamp: seconds since the epoch, maybe fractional
 * ("1700000000.25"); negative counts back from now (epoch seconds).
 * Returns 0 and the absolute time (never below 0) in *ret, or -EINVAL
 * for anything else: empty, trailing bytes, not finite, hex or
 * exponent forms, more than ARGS_MAX_TS away.
 */
int	args_ts(const char *s, double now, double *ret);

/*
 * A MAC "AA:BB:CC:DD:EE:FF", optionally with a mask "/FF:FF:FF:00:00:00"
 * or a prefix length in bits "/24" (0 to 48),
 * any case.  Writes it upper-cased to buf (at least ARGS_MAC_MASK_LEN + 1
 * bytes).  Returns 0, or -EINVAL (-ENOSPC when buf is too small).
 */
int	args_mac_text(const char *s, char *buf, size_t len);

/* A plain MAC (no mask) into 6 bytes.  Returns 0 or -EINVAL. */
int	args_mac_bytes(const char *s, uint8_t mac[6]);

/* A datasource UUID: 1 to ARGS_MAX_UUID hex digits and dashes. */
bool	args_uuid_ok(const char *s);

/*
 * A count in decimal digits only, at most max.  NULL (absent) leaves
 * *ret alone and returns 0; anything else that is not such a number
 * (a sign, spaces, an overflow, over max) is -EINVAL.
 */
int	args_uint(const char *s, uint64_t max, uint64_t *ret);

/*
 * The text of a JSON scalar as a query variable would hold it: a string
 * as is, a number as written in the JSON (so "start": 1e21, 2.5 or 2^70
 * reaches args_uint and is refused, rather than ignored or wrapped),
 * true/false.  null, lists and maps give "" (refused as a count, ignored
 * as a word).
 */
const char *args_json_text(yajl_val);

/*
 * How deeply JSON text nests lists and maps (strings skipped), counted
 * only up to just past max: checked before yajl parses a command, whose
 * tree parser recurses once per level.
 */
int	args_json_depth(const char *s, int max);

#endif
