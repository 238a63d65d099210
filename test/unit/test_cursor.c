/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the bounds-checked cursor */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cursor.h"

static void
test_getters_read_in_order(void **state)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
	    0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d };
	struct cursor c;
	uint8_t u8, mac[6];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_get_u8(&c, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(cur_get_le16(&c, &u16), 0);
	assert_int_equal(u16, 0x0302);
	assert_int_equal(cur_get_be16(&c, &u16), 0);
	assert_int_equal(u16, 0x0405);
	assert_int_equal(cur_get_le32(&c, &u32), 0);
	assert_int_equal(u32, 0x09080706);
	assert_int_equal(cur_get_be32(&c, &u32), 0);
	assert_int_equal(u32, 0x0a0b0c0d);
	assert_int_equal(cur_get_le64(&c, &u64), 0);
	assert_true(u64 == 0x1514131211100f0eULL);
	assert_int_equal(cur_get_mac(&c, mac), 0);
	assert_int_equal(mac[0], 0x16);
	assert_int_equal(mac[5], 0x1b);
	assert_int_equal(cur_left(&c), 2);
}

static void
test_short_reads_fail_and_leave_cursor(void **state)
{
	static const uint8_t b[] = { 0xaa, 0xbb, 0xcc };
	struct cursor c;
	uint32_t u32 = 0x12345678;
	uint64_t u64 = 7;
	const uint8_t *p = NULL;
	uint8_t mac[6] = { 0 };

	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_get_le32(&c, &u32), -1);
	assert_int_equal(u32, 0x12345678);	/* untouched on failure */
	assert_int_equal(cur_get_be64(&c, &u64), -1);
	assert_int_equal(u64, 7);
	assert_int_equal(cur_get_mac(&c, mac), -1);
	assert_int_equal(cur_get_bytes(&c, 4, &p), -1);
	assert_null(p);
	assert_int_equal(cur_left(&c), 3);
	assert_int_equal(cur_skip(&c, 3), 0);
	assert_int_equal(cur_skip(&c, 1), -1);
	assert_int_equal(cur_left(&c), 0);
}

static void
test_align_and_sub(void **state)
{
	static const uint8_t b[16] = { 0 };
	struct cursor c, s;
	uint8_t u8;

	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_get_u8(&c, &u8), 0);
	assert_int_equal(cur_align(&c, 4), 0);
	assert_int_equal(c.off, 4);
	assert_int_equal(cur_align(&c, 4), 0);
	assert_int_equal(c.off, 4);
	assert_int_equal(cur_align(&c, 8), 0);
	assert_int_equal(c.off, 8);
	assert_int_equal(cur_sub(&c, 6, &s), 0);
	assert_int_equal(s.len, 6);
	assert_int_equal(c.off, 14);
	assert_int_equal(cur_sub(&c, 3, &s), -1);
	assert_int_equal(cur_align(&c, 16), 0);
	assert_int_equal(c.off, 16);
	c.off = 15;
	assert_int_equal(cur_align(&c, 32), -1);	/* would pass the end */
	assert_int_equal(c.off, 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getters_read_in_order),
		cmocka_unit_test(test_short_reads_fail_and_leave_cursor),
		cmocka_unit_test(test_align_and_sub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
