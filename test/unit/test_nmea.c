/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the NMEA sentence parser */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nmea.h"

/* The textbook GGA and RMC, with their published checksums. */
static const char GGA[] =
    "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";
static const char RMC[] =
    "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";

/* "$" body "*hh" with the right checksum, into buf. */
static const char *
sentence(char *buf, size_t len, const char *body)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; body[i] != '\0'; i++)
		sum ^= (unsigned char)body[i];
	snprintf(buf, len, "$%s*%02X\r\n", body, sum);
	return buf;
}

static int
parse(struct nmea *st, const char *line, struct gps_report *r)
{
	memset(r, 0, sizeof(*r));
	return nmea_parse(st, line, strlen(line), r);
}

static void
test_gga(void **state)
{
	struct gps_report r;
	struct nmea st;

	nmea_init(&st);
	assert_int_equal(parse(&st, GGA, &r), 1);
	assert_true(r.has & GPS_HAS_POS);
	assert_true(fabs(r.lat - (48 + 7.038 / 60)) < 1e-9);
	assert_true(fabs(r.lon - (11 + 31.0 / 60)) < 1e-9);
	assert_true(r.has & GPS_HAS_ALT);
	assert_true(fabs(r.alt - 545.4) < 1e-9);
	/* No GSA yet: an altitude makes it 3D. */
	assert_int_equal(r.fix, 3);
	assert_int_equal(r.sats_used, 8);
	assert_true(fabs(r.hdop - 0.9) < 1e-9);
	assert_true((r.has & GPS_HAS_PREC) && fabs(r.precision - 3.6) < 1e-9);
	/* No date seen yet: no absolute time. */
	assert_false(r.has & GPS_HAS_TIME);
	assert_int_equal(st.sentences, 1);
}

static void
test_rmc_then_gga_time(void **state)
{
	struct gps_report r;
	struct nmea st;
	/* 1994-03-23 12:35:19 UTC */
	const uint64_t when = 764426119ULL * 1000000;

	nmea_init(&st);
	assert_int_equal(parse(&st, RMC, &r), 1);
	assert_int_equal(r.fix, 2);
	assert_true(fabs(r.speed - 22.4 * 1.852) < 1e-9);
	assert_true(fabs(r.heading - 84.4) < 1e-9);
	assert_true(r.has & GPS_HAS_TIME);
	assert_true(r.time_usec == when);
	/* GGA has the time of day only; the date is RMC's. */
	assert_int_equal(parse(&st, GGA, &r), 1);
	assert_true((r.has & GPS_HAS_TIME) && r.time_usec == when);
	/* RMC right after a 3D GGA stays 3D (no 3/2/3 flapping). */
	assert_int_equal(parse(&st, RMC, &r), 1);
	assert_int_equal(r.fix, 3);
}

static void
test_gsa_decides(void **state)
{
	struct gps_report r;
	struct nmea st;
	char buf[128];

	nmea_init(&st);
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GNGSA,A,2,05,07,13,,,,,,,,,,2.1,1.2,1.7"), &r), 1);
	assert_int_equal(r.fix, 2);
	assert_int_equal(r.sats_used, 3);
	assert_true(fabs(r.vdop - 1.7) < 1e-9);
	/* A GGA with an altitude, but GSA said 2D. */
	assert_int_equal(parse(&st, GGA, &r), 1);
	assert_int_equal(r.fix, 2);
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GPGSA,A,1,,,,,,,,,,,,,,,"), &r), 1);
	assert_int_equal(r.fix, 1);
	assert_false(r.has & GPS_HAS_POS);
}

static void
test_no_fix(void **state)
{
	struct gps_report r;
	struct nmea st;
	char buf[128];

	nmea_init(&st);
	/* Quality 0 with a stale position: no fix, and no position. */
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GPGGA,010203,4807.038,N,01131.000,E,0,00,,,M,,M,,"), &r), 1);
	assert_int_equal(r.fix, 1);
	assert_false(r.has & (GPS_HAS_POS | GPS_HAS_ALT));
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GPRMC,010203,V,,,,,,,010124,,"), &r), 1);
	assert_int_equal(r.fix, 1);
	assert_false(r.has & GPS_HAS_POS);
	/* Southern and western hemispheres. */
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GPRMC,010203,A,3351.500,S,15112.000,W,0.0,,010124,,"), &r), 1);
	assert_true(fabs(r.lat + (33 + 51.5 / 60)) < 1e-9);
	assert_true(fabs(r.lon + (151 + 12.0 / 60)) < 1e-9);
	assert_false(r.has & GPS_HAS_HEADING);
}

static void
test_vtg_gsv_other(void **state)
{
	struct gps_report r;
	struct nmea st;
	char buf[128];

	nmea_init(&st);
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GPVTG,054.7,T,034.4,M,005.5,N,010.2,K"), &r), 1);
	assert_true(fabs(r.speed - 10.2) < 1e-9);
	assert_true(fabs(r.heading - 54.7) < 1e-9);
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,"
	    "00"), &r), 1);
	assert_int_equal(r.sats_visible, 11);
	/* Valid, but nothing osprey reads. */
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "GPZDA,201530.00,04,07,2002,00,00"), &r), 0);
	assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
	    "PGRME,15.0,M,45.0,M,25.0,M"), &r), 0);
}

static void
test_bad_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",
		/* A flipped bit: the checksum does not match. */
		"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.5,M,46.9,"
		"M,,*47",
		"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,"
		"M,,*4",
		"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,"
		"M,,*ZZ",
		"$$GPGGA*00",
	};
	static const char *const bad_fields[] = {
		/* Minutes of 60 or more, a latitude over 90, a wrong
		 * hemisphere letter, a number that is not one, no fields. */
		"GPGGA,123519,4860.000,N,01131.000,E,1,08,0.9,545.4,M,,M,,",
		"GPGGA,123519,9107.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,",
		"GPGGA,123519,4807.038,E,01131.000,E,1,08,0.9,545.4,M,,M,,",
		"GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,inf,M,,M,,",
		"GPGGA,123519,4807.038,N,01131.000,E,1,08,0x1,545.4,M,,M,,",
		"GPGGA,123519,4807.038,N,01131.000,E,1,08,1e3,545.4,M,,M,,",
		"GPGGA,12351,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,",
		"GPGGA,256519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,,M,,",
		"GPGGA",
		"GPRMC,123519,X,4807.038,N,01131.000,E,022.4,084.4,230394,,",
		"GPRMC,123519,A,,,,,022.4,084.4,230394,,",
		"GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,320394,,",
		"GPGSA,A,4,,,,,,,,,,,,,,,",
		"GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,\x01,M,,",
	};
	struct gps_report r;
	struct nmea st;
	char buf[160], big[NMEA_LINE_MAX + 16];
	size_t i;

	nmea_init(&st);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(&st, bad[i], &r), -EBADMSG);
	for (i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		print_message("# %s\n", bad_fields[i]);
		assert_int_equal(parse(&st, sentence(buf, sizeof(buf),
		    bad_fields[i]), &r), -EBADMSG);
	}
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(&st, big, &r), -EMSGSIZE);
	assert_int_equal(st.sentences, 0);
	/* The state still works after all that. */
	assert_int_equal(parse(&st, GGA, &r), 1);
}

/* A line is read by length only: no NUL needed, nothing past it read. */
static void
test_no_nul(void **state)
{
	struct gps_report r;
	struct nmea st;
	char *copy;
	size_t n = strlen(GGA);

	nmea_init(&st);
	copy = test_malloc(n);
	memcpy(copy, GGA, n);
	assert_int_equal(nmea_parse(&st, copy, n, &r), 1);
	assert_int_equal(nmea_parse(&st, copy, n - 1, &r), -EBADMSG);
	test_free(copy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gga),
		cmocka_unit_test(test_rmc_then_gga_time),
		cmocka_unit_test(test_gsa_decides),
		cmocka_unit_test(test_no_fix),
		cmocka_unit_test(test_vtg_gsv_other),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_no_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
