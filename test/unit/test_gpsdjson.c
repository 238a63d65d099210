/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the gpsd JSON report parser */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpsdjson.h"

static int
parse(const char *line, struct gps_report *r, enum gpsdjson_class *cls,
    char *text, size_t len)
{
	memset(r, 0, sizeof(*r));
	*cls = (enum gpsdjson_class)-1;
	return gpsdjson_parse(line, strlen(line), r, cls, text, len);
}

/* A TPV as gpsd 3.22 sends it. */
static void
test_tpv_3d(void **state)
{
	static const char tpv[] = "{\"class\":\"TPV\","
	    "\"device\":\"/dev/pts/3\",\"mode\":3,"
	    "\"time\":\"2023-11-14T22:13:20.250Z\",\"ept\":0.005,"
	    "\"lat\":48.858400000,\"lon\":2.294500000,\"altHAE\":82.0,"
	    "\"altMSL\":35.000,\"alt\":35.000,\"epx\":3.1,\"epy\":4.0,"
	    "\"epv\":9.2,\"track\":90.0,\"speed\":12.500,\"climb\":0.0,"
	    "\"eps\":1.2,\"eph\":5.5}\r\n";
	enum gpsdjson_class cls;
	struct gps_report r;
	char text[64];

	assert_int_equal(parse(tpv, &r, &cls, text, sizeof(text)), 0);
	assert_int_equal(cls, GPSDJSON_TPV);
	assert_int_equal(r.fix, 3);
	assert_true(fabs(r.lat - 48.8584) < 1e-9);
	assert_true(fabs(r.lon - 2.2945) < 1e-9);
	assert_true((r.has & GPS_HAS_ALT) && fabs(r.alt - 35.0) < 1e-9);
	assert_true((r.has & GPS_HAS_SPEED) && fabs(r.speed - 45.0) < 1e-9);
	assert_true((r.has & GPS_HAS_HEADING) && fabs(r.heading - 90) < 1e-9);
	assert_true((r.has & GPS_HAS_PREC) && fabs(r.precision - 5.5) < 1e-9);
	assert_true((r.has & GPS_HAS_PREC_V) &&
	    fabs(r.precision_v - 9.2) < 1e-9);
	assert_true(r.has & GPS_HAS_TIME);
	assert_true(r.time_usec == 1700000000ULL * 1000000 + 250000);
}

static void
test_tpv_modes(void **state)
{
	enum gpsdjson_class cls;
	struct gps_report r;

	/* 2D: no altitude taken even when present; epx/epy when no eph. */
	assert_int_equal(parse("{\"class\":\"TPV\",\"mode\":2,\"lat\":-33.9,"
	    "\"lon\":151.2,\"alt\":12,\"epx\":3,\"epy\":7}", &r, &cls, NULL,
	    0), 0);
	assert_int_equal(r.fix, 2);
	assert_false(r.has & GPS_HAS_ALT);
	assert_true(fabs(r.precision - 7) < 1e-9);
	/* No fix: nothing but that. */
	assert_int_equal(parse("{\"class\":\"TPV\",\"mode\":1,\"time\":"
	    "\"2023-11-14T22:13:20Z\"}", &r, &cls, NULL, 0), 0);
	assert_int_equal(r.fix, 1);
	assert_false(r.has & GPS_HAS_POS);
	/* Mode 0 (not seen yet) says nothing at all. */
	assert_int_equal(parse("{\"class\":\"TPV\",\"mode\":0}", &r, &cls,
	    NULL, 0), 0);
	assert_int_equal(r.has, 0);
	/* A bad time is left out, the fix kept. */
	assert_int_equal(parse("{\"class\":\"TPV\",\"mode\":2,\"lat\":1,"
	    "\"lon\":2,\"time\":\" 2023-11-14T22:13:20Z\"}", &r, &cls, NULL,
	    0), 0);
	assert_false(r.has & GPS_HAS_TIME);
}

static void
test_sky_and_others(void **state)
{
	enum gpsdjson_class cls;
	struct gps_report r;
	char text[16];

	assert_int_equal(parse("{\"class\":\"SKY\",\"hdop\":0.9,\"vdop\":1.5,"
	    "\"satellites\":[{\"PRN\":5,\"used\":true},{\"PRN\":7,\"used\":"
	    "false},{\"PRN\":9,\"used\":true}]}", &r, &cls, NULL, 0), 0);
	assert_int_equal(cls, GPSDJSON_SKY);
	assert_int_equal(r.sats_visible, 3);
	assert_int_equal(r.sats_used, 2);
	assert_true(fabs(r.hdop - 0.9) < 1e-9);
	assert_int_equal(parse("{\"class\":\"VERSION\",\"release\":"
	    "\"3.22.1 with a long tail\",\"proto_major\":3}", &r, &cls, text,
	    sizeof(text)), 0);
	assert_int_equal(cls, GPSDJSON_VERSION);
	assert_string_equal(text, "3.22.1 with a l");
	assert_int_equal(parse("{\"class\":\"ERROR\",\"message\":\"bad\"}",
	    &r, &cls, text, sizeof(text)), 0);
	assert_int_equal(cls, GPSDJSON_ERROR);
	assert_string_equal(text, "bad");
	assert_int_equal(parse("{\"class\":\"PPS\",\"device\":\"x\"}", &r,
	    &cls, NULL, 0), 0);
	assert_int_equal(cls, GPSDJSON_OTHER);
	assert_int_equal(parse("{\"class\":\"WATCH\",\"enable\":true}", &r,
	    &cls, NULL, 0), 0);
	assert_int_equal(cls, GPSDJSON_WATCH);
}

static void
test_bad(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "[1,2,3]", "{\"class\":3}", "{\"mode\":3}",
		"{\"class\":\"TPV\"}", "{\"class\":\"TPV\",\"mode\":4}",
		"{\"class\":\"TPV\",\"mode\":2.5}",
		"{\"class\":\"TPV\",\"mode\":3,\"lat\":91,\"lon\":0}",
		"{\"class\":\"TPV\",\"mode\":3,\"lat\":1}",
		"{\"class\":\"TPV\",\"mode\":2,\"lat\":\"1\",\"lon\":2}",
		"{\"class\":\"TPV\"", "}{", "{\"class\":\"TPV\",\"mode\":2]]",
		"{\"a\":[[[[[[[[[[1]]]]]]]]]],\"class\":\"TPV\"}",
	};
	enum gpsdjson_class cls;
	struct gps_report r;
	char *big, nul[] = "{\"class\":\"TPV\",\"mode\":1}";
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("# %s\n", bad[i]);
		assert_int_equal(parse(bad[i], &r, &cls, NULL, 0), -EBADMSG);
	}
	/* A NUL inside the line. */
	nul[5] = '\0';
	assert_int_equal(gpsdjson_parse(nul, sizeof(nul) - 1, &r, &cls, NULL,
	    0), -EBADMSG);
	big = malloc(GPSDJSON_LINE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', GPSDJSON_LINE_MAX + 1);
	assert_int_equal(gpsdjson_parse(big, GPSDJSON_LINE_MAX + 1, &r, &cls,
	    NULL, 0), -EMSGSIZE);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tpv_3d),
		cmocka_unit_test(test_tpv_modes),
		cmocka_unit_test(test_sky_and_others),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
