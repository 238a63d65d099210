/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the IEEE OUI registry */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oui.h"

/* The shapes of the IEEE CSV: quoted names, a quoted multi-line address,
 * CRLF line ends, all three block sizes. */
static const char csv[] =
    "Registry,Assignment,Organization Name,Organization Address\r\n"
    "MA-L,002272,American Micro-Fuel Device Corp.,2181 Buchanan Loop\r\n"
    "MA-L,F4BD9E,\"Cisco Systems, Inc\",80 West Tasman Drive\r\n"
    "MA-L,70B3D5,IEEE Registration Authority,445 Hoes Lane\r\n"
    "MA-S,70B3D5F2F,TELEPLATFORMS,\"Polbina st., 3/1\r\nMoscow  RU\"\r\n"
    "MA-M,741AE09,Private,\r\n"
    "MA-L,741AE0,\"Quote \"\"Q\"\" Ltd\",\r\n"
    "MA-L,ZZ1234,Bad Hex,\r\n"
    "MA-L,00AB,Short,\r\n"
    "\r\n"
    "MA-L,001122,Private,\r\n";

static const char txt[] =
    "OUI/MA-L                          Organization\r\n"
    "company_id                        Organization\r\n"
    "\r\n"
    "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\r\n"
    "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp.\r\n"
    "\t\t\t\t2181 Buchanan Loop\r\n"
    "\r\n"
    "00D0EF     (base 16)\t\tIGT\r\n"
    "\t\t\t\tRENO  NV  89511\r\n";

static struct oui_db *
load(const char *buf)
{
	struct oui_db *db = oui_db_new();

	assert_true(oui_db_add_buffer(db, buf, strlen(buf)) > 0);
	oui_db_seal(db);
	return db;
}

static void
test_csv_longest_prefix(void **state)
{
	static const uint8_t cisco[6] = { 0xf4, 0xbd, 0x9e, 1, 2, 3 };
	static const uint8_t tele[6] = { 0x70, 0xb3, 0xd5, 0xf2, 0xf1, 2 };
	static const uint8_t ieee[6] = { 0x70, 0xb3, 0xd5, 0x01, 0, 0 };
	static const uint8_t priv[6] = { 0x74, 0x1a, 0xe0, 0x90, 0, 0 };
	static const uint8_t quote[6] = { 0x74, 0x1a, 0xe0, 0x80, 0, 0 };
	static const uint8_t none[6] = { 0x12, 0x34, 0x56, 0, 0, 0 };
	struct oui_db *db = load(csv);
	struct oui_stats st;

	assert_string_equal(oui_db_lookup(db, cisco), "Cisco Systems, Inc");
	/* A 36-bit block wins over the 24-bit block that holds it. */
	assert_string_equal(oui_db_lookup(db, tele), "TELEPLATFORMS");
	assert_string_equal(oui_db_lookup(db, ieee),
	    "IEEE Registration Authority");
	assert_string_equal(oui_db_lookup(db, priv), "Private");
	assert_string_equal(oui_db_lookup(db, quote), "Quote \"Q\" Ltd");
	assert_null(oui_db_lookup(db, none));
	oui_db_stats(db, &st);
	assert_int_equal(st.n_mal, 5);
	assert_int_equal(st.n_mam, 1);
	assert_int_equal(st.n_mas, 1);
	assert_int_equal(st.n_bad, 2);	/* bad hex, short assignment */
	/* "Private" appears twice and is stored once. */
	assert_int_equal(st.n_names, 6);
	oui_db_free(db);
}

static void
test_txt_format(void **state)
{
	static const uint8_t igt[6] = { 0x00, 0xd0, 0xef, 0, 0, 1 };
	static const uint8_t amfd[6] = { 0x00, 0x22, 0x72, 9, 9, 9 };
	struct oui_db *db = load(txt);
	struct oui_stats st;

	assert_string_equal(oui_db_lookup(db, igt), "IGT");
	assert_string_equal(oui_db_lookup(db, amfd),
	    "American Micro-Fuel Device Corp.");
	oui_db_stats(db, &st);
	assert_int_equal(st.n_mal, 2);
	oui_db_free(db);
}

static void
test_later_line_wins(void **state)
{
	static const char site[] =
	    "Registry,Assignment,Organization Name,Organization Address\n"
	    "MA-L,F4BD9E,Renamed Vendor,\n";
	static const uint8_t mac[6] = { 0xf4, 0xbd, 0x9e, 1, 2, 3 };
	struct oui_db *db = oui_db_new();

	assert_int_equal(oui_db_add_buffer(db, csv, strlen(csv)), 7);
	assert_int_equal(oui_db_add_buffer(db, site, strlen(site)), 1);
	oui_db_seal(db);
	assert_string_equal(oui_db_lookup(db, mac), "Renamed Vendor");
	/* Sealed: no more input. */
	assert_int_equal(oui_db_add_buffer(db, site, strlen(site)), -EPROTO);
	oui_db_free(db);
}

static void
test_garbage_is_an_error(void **state)
{
	static const char junk[] = "\x00\x01\x02 not a registry\n(base 16)\n";
	static const char head_only[] =
	    "Registry,Assignment,Organization Name,Organization Address\n";
	static const uint8_t mac[6] = { 0 };
	struct oui_db *db = oui_db_new();

	assert_int_equal(oui_db_add_buffer(db, junk, sizeof(junk) - 1),
	    -EBADMSG);
	assert_int_equal(oui_db_add_buffer(db, head_only,
	    sizeof(head_only) - 1), -EBADMSG);
	assert_int_equal(oui_db_add_buffer(db, "", 0), -EBADMSG);
	/* An unterminated quote swallows the rest and adds nothing. */
	assert_int_equal(oui_db_add_buffer(db, "Registry,x\nMA-L,\"00",
	    19), -EBADMSG);
	oui_db_seal(db);
	assert_null(oui_db_lookup(db, mac));
	oui_db_free(db);
	assert_int_equal(oui_db_open("/nonexistent/oui.csv", NULL, &db),
	    -ENOENT);
	assert_int_equal(oui_db_open(NULL, "/nonexistent", &db), -ENOENT);
}

static void
test_long_names_cut_on_utf8_boundary(void **state)
{
	char buf[512], *p;
	static const uint8_t mac[6] = { 0xaa, 0xbb, 0xcc, 0, 0, 0 };
	struct oui_db *db = oui_db_new();
	const char *name;
	size_t i;

	p = buf + snprintf(buf, sizeof(buf), "Registry,A,O,A\nMA-L,AABBCC,");
	/* 'a' then 2-byte characters so that byte 128 is mid-character. */
	*p++ = 'a';
	for (i = 0; i < 100; i++) {
		*p++ = (char)0xc3;
		*p++ = (char)0xa9;
	}
	strcpy(p, ",addr\n");
	assert_int_equal(oui_db_add_buffer(db, buf, strlen(buf)), 1);
	oui_db_seal(db);
	name = oui_db_lookup(db, mac);
	assert_non_null(name);
	assert_int_equal(strlen(name), OUI_NAME_MAX - 1);
	oui_db_free(db);
}

/* The real registry from Debian's ieee-data (scripts/install-deps). */
static void
test_debian_registry(void **state)
{
	static const uint8_t cisco[6] = { 0x00, 0x00, 0x0c, 0x12, 0x34, 0x56 };
	struct oui_db *db;
	struct oui_stats st;
	struct timespec a, b;
	struct stat sb;
	double ms;

	if (stat(OUI_DEFAULT_DIR "/oui.csv", &sb) != 0 &&
	    stat(OUI_DEFAULT_DIR "/oui.txt", &sb) != 0) {
		print_message("# ieee-data not installed, skipped\n");
		skip();
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(oui_db_open(NULL, NULL, &db), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	oui_db_stats(db, &st);
	print_message("# ieee-data: %zu MA-L, %zu MA-M, %zu MA-S/IAB, "
	    "%zu names, %zu bytes, loaded in %.1f ms\n", st.n_mal, st.n_mam,
	    st.n_mas, st.n_names, st.bytes, ms);
	assert_true(st.n_mal > 20000);
	assert_true(st.n_mam > 1000);
	assert_true(st.n_mas > 1000);
	assert_true(strstr(oui_db_lookup(db, cisco), "Cisco") != NULL);
	/* Compact: well under 4 MiB for ~45,000 prefixes. */
	assert_true(st.bytes < 4 * 1024 * 1024);
	oui_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_longest_prefix),
		cmocka_unit_test(test_txt_format),
		cmocka_unit_test(test_later_line_wins),
		cmocka_unit_test(test_garbage_is_an_error),
		cmocka_unit_test(test_long_names_cut_on_utf8_boundary),
		cmocka_unit_test(test_debian_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
