/* SPDX-License-Identifier: ISC */
/* \summary: the CRC-32 of a frame, for the packets table's hash column */

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "kdbcrc.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define KDBCRC_CLMUL	1

/*
 * Folding with carry-less multiplication (Gopal et al., "Fast CRC
 * computation for generic polynomials using PCLMULQDQ", Intel, 2009), in
 * the bit-reflected domain of zlib's CRC.  Each constant is x to some
 * power modulo the polynomial P (0x104C11DB7), bit-reflected and shifted
 * one place: k1, k2 move a 128-bit lane 512 bits on (4 lanes in flight),
 * k3, k4 move it 128 bits on, k5 folds 64 bits into 32, and mu, p are
 * Barrett's reduction (mu = x^64 / P, p = P itself).
 */
#define K1	0x154442bd4ULL
#define K2	0x1c6e41596ULL
#define K3	0x1751997d0ULL
#define K4	0x0ccaa009eULL
#define K5	0x163cd6124ULL
#define KP	0x1db710641ULL
#define KMU	0x1f7011641ULL

/* a's 64-bit half ha times b's half hb, carry-less. */
#define CLMUL(a, b, ha, hb)	_mm_clmulepi64_si128((a), (b),	\
	    ((hb) << 4) | (ha))

/*
 * The CRC register (not inverted) after len bytes of buf, len a multiple
 * of 16 and at least 64.
 */
__attribute__((target("pclmul,sse2")))
static uint32_t
kdbcrc_fold(uint32_t crc, const uint8_t *buf, size_t len)
{
	__m128i x0, x1, x2, x3, k, t, mask;

	x0 = _mm_loadu_si128((const __m128i *)(const void *)buf);
	x1 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 16));
	x2 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 32));
	x3 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 48));
	x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)crc));
	buf += 64;
	len -= 64;

	/* Four lanes, 64 bytes a round. */
	k = _mm_set_epi64x((long long)K2, (long long)K1);
	while (len >= 64) {
#define FOLD(x, off) do {						\
		t = CLMUL(x, k, 1, 1);					\
		x = CLMUL(x, k, 0, 0);					\
		x = _mm_xor_si128(x, t);				\
		x = _mm_xor_si128(x, _mm_loadu_si128(			\
		    (const __m128i *)(const void *)(buf + (off))));	\
	} while (0)
		FOLD(x0, 0);
		FOLD(x1, 16);
		FOLD(x2, 32);
		FOLD(x3, 48);
#undef FOLD
		buf += 64;
		len -= 64;
	}

	/* The four lanes into one, then the remaining 16-byte blocks. */
	k = _mm_set_epi64x((long long)K4, (long long)K3);
#define FOLD1(x, y) do {						\
		t = CLMUL(x, k, 1, 1);					\
		x = CLMUL(x, k, 0, 0);					\
		x = _mm_xor_si128(_mm_xor_si128(x, t), (y));		\
	} while (0)
	FOLD1(x0, x1);
	FOLD1(x0, x2);
	FOLD1(x0, x3);
	while (len >= 16) {
		FOLD1(x0, _mm_loadu_si128((const __m128i *)(const void *)buf));
		buf += 16;
		len -= 16;
	}
#undef FOLD1

	/* 128 bits to 64: the low half times k4 onto the high half. */
	t = CLMUL(x0, k, 0, 1);
	x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), t);

	/* 64 to 32 with k5. */
	mask = _mm_set_epi32(0, 0, 0, -1);
	k = _mm_set_epi64x(0, (long long)K5);
	t = _mm_srli_si128(x0, 4);
	x0 = CLMUL(_mm_and_si128(x0, mask), k, 0, 0);
	x0 = _mm_xor_si128(x0, t);

	/* Barrett: the remainder of those 64 bits by P. */
	k = _mm_set_epi64x((long long)KMU, (long long)KP);
	t = x0;
	x0 = CLMUL(_mm_and_si128(x0, mask), k, 0, 1);
	x0 = CLMUL(_mm_and_si128(x0, mask), k, 0, 0);
	x0 = _mm_xor_si128(x0, t);
	return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x0, 4));
}
#endif

int
kdbcrc32_accelerated(void)
{
#ifdef KDBCRC_CLMUL
	static int have = -1;

	if (have < 0)
		have = __builtin_cpu_supports("pclmul") &&
		    __builtin_cpu_supports("sse2");
	return have;
#else
	return 0;
#endif
}

/*
 * Bytes one at a time through a 256-entry table: the frames' last 0 to
 * 15 bytes and the short frames.  zlib's crc32() does the same, but a
 * call into it for a few bytes cost more than the bytes (1.2 % of the
 * writer's CPU, most of it the call).
 */
static uint32_t
kdbcrc_bytes(uint32_t crc, const uint8_t *buf, size_t len)
{
	static uint32_t table[256];
	static int ready;
	uint32_t c;
	size_t i;
	int k;

	if (!ready) {
		/* The writer is one thread: set up on the first call. */
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t
kdbcrc32(uint32_t crc, const uint8_t *buf, size_t len)
{
#ifdef KDBCRC_CLMUL
	size_t n;

	if (len >= 64 && kdbcrc32_accelerated()) {
		/* zlib's CRC is the register inverted, in and out. */
		n = len & ~(size_t)15;
		crc = ~kdbcrc_fold(~crc, buf, n);
		buf += n;
		len -= n;
	}
#endif
	if (len < 64)
		return kdbcrc_bytes(crc, buf, len);
	return (uint32_t)crc32(crc, buf, (uInt)len);
}
