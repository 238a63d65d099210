/* SPDX-License-Identifier: ISC */
/*
 * \summary: SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), session tokens
 *
 * The web worker signs its session cookies with a key the core keeps
 * (auth.h), so that a restarted worker still knows them.  The worker links
 * no crypto library (doc/architecture.md), and this is all it needs.
 */
#ifndef WEB_HMAC_H
#define WEB_HMAC_H

#include <stddef.h>
#include <stdint.h>

#define HMAC_SHA256_LEN		32

/* SHA-256 of len bytes at msg into out. */
void	hmac_sha256_digest(const void *msg, size_t len,
	    uint8_t out[HMAC_SHA256_LEN]);

/*
 * HMAC-SHA256 of the n parts (msgs[i], lens[i]), concatenated, under key
 * (any length), into out.
 */
void	hmac_sha256(const void *key, size_t keylen, const void *const *msgs,
	    const size_t *lens, size_t n, uint8_t out[HMAC_SHA256_LEN]);

#endif
