/* SPDX-License-Identifier: ISC */
/*
 * \summary: the generator's deterministic random numbers (xoshiro256**)
 *
 * osprey_gen must write the same bytes for the same seed on every machine
 * and libc, so it never calls rand() or random(): this is xoshiro256**
 * (Blackman and Vigna), seeded through splitmix64.  Inline because every
 * generated frame draws from it many times.
 */
#ifndef TOOLS_GEN_RAND_H
#define TOOLS_GEN_RAND_H

#include <stddef.h>
#include <stdint.h>

struct gen_rand {
	uint64_t	 s[4];
};

static inline uint64_t
gen_rand_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Seed the state; any seed, including 0, gives a usable generator. */
static inline void
gen_rand_seed(struct gen_rand *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t z;

		seed += 0x9e3779b97f4a7c15ULL;
		z = seed;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		r->s[i] = z ^ (z >> 31);
	}
}

static inline uint64_t
gen_rand_u64(struct gen_rand *r)
{
	uint64_t *s = r->s;
	uint64_t res = gen_rand_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = gen_rand_rotl(s[3], 45);
	return res;
}

/* A uniform integer in [0, n); n must be at least 1. */
static inline uint32_t
gen_rand_below(struct gen_rand *r, uint32_t n)
{
	/* Lemire's multiply-shift: no division, bias below 2^-32. */
	return (uint32_t)(((gen_rand_u64(r) >> 32) * (uint64_t)n) >> 32);
}

/* A uniform integer in [lo, hi]. */
static inline int
gen_rand_range(struct gen_rand *r, int lo, int hi)
{
	return lo + (int)gen_rand_below(r, (uint32_t)(hi - lo + 1));
}

/* A uniform double in [0, 1). */
static inline double
gen_rand_unit(struct gen_rand *r)
{
	return (double)(gen_rand_u64(r) >> 11) * 0x1.0p-53;
}

/* True with probability p. */
static inline int
gen_rand_chance(struct gen_rand *r, double p)
{
	return gen_rand_unit(r) < p;
}

/* Fill n bytes (ciphertext, nonces, MICs). */
static inline void
gen_rand_bytes(struct gen_rand *r, uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t v = gen_rand_u64(r);

		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
		p[4] = (uint8_t)(v >> 32);
		p[5] = (uint8_t)(v >> 40);
		p[6] = (uint8_t)(v >> 48);
		p[7] = (uint8_t)(v >> 56);
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t v = gen_rand_u64(r);

		while (n-- > 0) {
			*p++ = (uint8_t)v;
			v >>= 8;
		}
	}
}

#endif
