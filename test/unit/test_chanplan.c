/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for hop lists, rates and channel splitting */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chanplan.h"

static void
assert_list(const struct chanplan_list *l, const char *const *want,
    size_t n)
{
	size_t i;

	assert_int_equal(l->n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(l->v[i], want[i]);
}

static void
test_parse_list(void **state)
{
	static const char *const want[] = { "1", "6HT40+", "11" };
	struct chanplan_list l;
	char err[128];

	assert_int_equal(chanplan_parse_list("1, 6HT40+ ,11,1", &l, err,
	    sizeof(err)), 0);
	assert_list(&l, want, 3);		/* the repeat of 1 is dropped */
	chanplan_list_free(&l);
	assert_int_equal(chanplan_parse_list("1,6;7", &l, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "'6;7'"));
	assert_int_equal(chanplan_parse_list("1,0123456789abcdef", &l, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(chanplan_valid_channel(""), 0);
	assert_int_equal(chanplan_valid_channel("36VHT160"), 1);
}

static void
test_parse_rate(void **state)
{
	char err[128];
	double d;

	assert_int_equal(chanplan_parse_rate("5/sec", &d, err, sizeof(err)),
	    0);
	assert_true(d == 5.0);
	assert_int_equal(chanplan_parse_rate("30/min", &d, err, sizeof(err)),
	    0);
	assert_true(d == 0.5);
	assert_int_equal(chanplan_parse_rate("2.5", &d, err, sizeof(err)), 0);
	assert_true(d == 2.5);
	assert_int_equal(chanplan_parse_rate("0/sec", &d, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "above zero"));
	assert_int_equal(chanplan_parse_rate("100/sec", &d, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(chanplan_parse_rate("5/hour", &d, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(chanplan_parse_rate("fast", &d, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(chanplan_parse_rate("nan", &d, err, sizeof(err)),
	    -EINVAL);
}

static void
test_build(void **state)
{
	static const char *const w1[] = { "1", "6HT40+", "11", "36" };
	static const char *const w2[] = { "1", "11", "36", "14" };
	static const char *const w3[] = { "3", "4" };
	struct chanplan_list base, l;
	char err[128];

	assert_int_equal(chanplan_parse_list("1,6HT40+,11,36", &base, err,
	    sizeof(err)), 0);
	assert_int_equal(chanplan_build(&base, NULL, NULL, NULL, &l, err,
	    sizeof(err)), 0);
	assert_list(&l, w1, 4);
	chanplan_list_free(&l);
	/* "6" blocks every width of channel 6, but not 36. */
	assert_int_equal(chanplan_build(&base, NULL, "14,1", "6", &l, err,
	    sizeof(err)), 0);
	assert_list(&l, w2, 4);
	chanplan_list_free(&l);
	assert_int_equal(chanplan_build(&base, "3,4,5", NULL, "5", &l, err,
	    sizeof(err)), 0);
	assert_list(&l, w3, 2);
	chanplan_list_free(&l);
	assert_int_equal(chanplan_build(&base, NULL, "x y", NULL, &l, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "add_channels"));
	assert_int_equal(chanplan_build(NULL, "!", NULL, NULL, &l, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'channels'"));
	chanplan_list_free(&base);
}

static void
test_shuffle_skip_covers_every_channel(void **state)
{
	size_t n, i, pos;
	uint32_t s;
	char seen[64];

	for (n = 1; n <= 64; n++) {
		s = chanplan_shuffle_skip(n);
		memset(seen, 0, sizeof(seen));
		for (i = 0, pos = 0; i < n; i++, pos = (pos + s) % n)
			seen[pos] = 1;
		for (i = 0; i < n; i++)
			assert_int_equal(seen[i], 1);
		if (n > 4)
			assert_true(s > 1);
	}
}

static void
test_split(void **state)
{
	struct chanplan_list a, b;
	struct chanplan_member m[5];
	char err[128];

	assert_int_equal(chanplan_parse_list("1,2,3,4,5,6,7,8,9,10,11", &a,
	    err, sizeof(err)), 0);
	assert_int_equal(chanplan_parse_list("36,40", &b, err, sizeof(err)),
	    0);
	memset(m, 0, sizeof(m));
	m[0] = (struct chanplan_member){ "linuxwifi", &a, true, 99 };
	m[1] = (struct chanplan_member){ "linuxwifi", &b, true, 99 };
	m[2] = (struct chanplan_member){ "linuxwifi", &a, true, 99 };
	m[3] = (struct chanplan_member){ "linuxwifi", &a, false, 99 };
	m[4] = (struct chanplan_member){ "linuxwifi", &a, true, 99 };
	chanplan_split(m, 5);
	assert_int_equal(m[0].offset, 0);
	assert_int_equal(m[1].offset, 0);	/* alone on its list */
	assert_int_equal(m[2].offset, 3);	/* 11 / 3 */
	assert_int_equal(m[3].offset, 0);	/* does not split */
	assert_int_equal(m[4].offset, 7);	/* 2 * 11 / 3 */
	chanplan_list_free(&a);
	chanplan_list_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_shuffle_skip_covers_every_channel),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
