/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the frame CRC of the packets table: the same
 * value as zlib's crc32() for every length, alignment and start value
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <zlib.h>

#include "kdbcrc.h"

/* Lengths 0 to 2100 (short, one lane, four lanes, a remainder), 16 offsets. */
static void
test_matches_zlib(void **state)
{
	static uint8_t buf[2200];
	uint32_t seed = 12345, a, b;
	size_t len, off, i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (uint8_t)(seed >> 16);
	}
	for (off = 0; off < 16; off++)
		for (len = 0; len + off <= 2100; len++) {
			a = (uint32_t)crc32(0L, buf + off, (uInt)len);
			b = kdbcrc32(0, buf + off, len);
			if (a != b)
				fail_msg("length %zu at offset %zu: %08x, zlib "
				    "%08x", len, off, b, a);
			/* Carried on from a CRC, as zlib continues one. */
			a = (uint32_t)crc32(a, buf + off, (uInt)(len / 3));
			b = kdbcrc32(b, buf + off, len / 3);
			if (a != b)
				fail_msg("continued, length %zu: %08x, zlib "
				    "%08x", len / 3, b, a);
		}
}

/* Known answers: the check value of CRC-32 and all-ones frames. */
static void
test_known(void **state)
{
	static const char check[] = "123456789";
	uint8_t ones[256];

	(void)state;
	assert_int_equal(kdbcrc32(0, (const uint8_t *)check, 9), 0xCBF43926);
	memset(ones, 0xff, sizeof(ones));
	assert_int_equal(kdbcrc32(0, ones, sizeof(ones)),
	    (uint32_t)crc32(0L, ones, sizeof(ones)));
	assert_int_equal(kdbcrc32(0, NULL, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_zlib),
		cmocka_unit_test(test_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
