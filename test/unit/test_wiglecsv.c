/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the WiGLE CSV log */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osprey_config.h"
#include "pcaplog.h"
#include "tracker.h"
#include "trackpkt.h"
#include "wiglecsv.h"

static const uint8_t AP1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };
static const uint8_t AP2[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x02 };

static struct tracker *
new_tracker(void)
{
	struct tracker_config c;

	tracker_config_default(&c);
	c.packet_clock = true;
	c.dedup_window_usec = 0;
	return tracker_new(&c);
}

static void
fix(struct tpkt *t)
{
	t->p.loc.lat = 48.8584;
	t->p.loc.lon = -2.2945;
	t->p.loc.alt = 35;
	t->p.loc.fix = 3;
	t->p.loc.precision = 4;
}

static void
line(struct tracker *tr, struct tpkt *t, char *buf, size_t len)
{
	tracker_update(tr, &t->p);
	assert_true(wiglecsv_line(tr, &t->p, buf, len) > 0);
}

static void
test_lines(void **state)
{
	struct tracker *tr = new_tracker();
	struct tpkt t;
	char buf[512];

	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "Home, \"sweet\"",
	    DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK | DOT11_CRYPT_CCMP, 6,
	    1700000000, 1, -61);
	fix(&t);
	line(tr, &t, buf, sizeof(buf));
	assert_string_equal(buf, "00:11:22:33:44:01,\"Home, \"\"sweet\"\"\","
	    "[WPA2-PSK-CCMP][ESS],2023-11-14 22:13:20,6,-61,48.8584000,"
	    "-2.2945000,35.0,4.0,WIFI");
	/* Open; a hidden SSID is empty; a 2D fix has no altitude. */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "", 0, 11, 1700000001, 1,
	    -80);
	fix(&t);
	t.p.loc.fix = 2;
	line(tr, &t, buf, sizeof(buf));
	assert_string_equal(buf, "00:11:22:33:44:02,,[ESS],2023-11-14 "
	    "22:13:21,11,-80,48.8584000,-2.2945000,0.0,4.0,WIFI");
	/* WEP by the privacy bit alone; WPA+WPA2 mixed; WPA3 with WPS. */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "x", 0, 11, 1700000002, 1,
	    -80);
	t.p.dot11.capability |= 0x0010;
	fix(&t);
	line(tr, &t, buf, sizeof(buf));
	assert_non_null(strstr(buf, ",[WEP][ESS],"));
	/* The same bit in a frame cut before its RSN element: no line,
	 * not a WEP one. */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "x", DOT11_CRYPT_UNKNOWN, 11,
	    1700000002, 1, -80);
	t.p.dot11.capability |= 0x0010;
	fix(&t);
	tracker_update(tr, &t.p);
	assert_int_equal(wiglecsv_line(tr, &t.p, buf, sizeof(buf)), -ENOENT);
	tpkt_beacon(&t, DOT11_MGMT_PROBE_RESP, AP2, "x", DOT11_CRYPT_WPA |
	    DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK | DOT11_CRYPT_CCMP |
	    DOT11_CRYPT_TKIP, 11, 1700000003, 1, -80);
	fix(&t);
	line(tr, &t, buf, sizeof(buf));
	assert_non_null(strstr(buf, ",[WPA-PSK-CCMP+TKIP][WPA2-PSK-CCMP+TKIP]"
	    "[ESS],"));
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "x", DOT11_CRYPT_WPA3 |
	    DOT11_CRYPT_SAE | DOT11_CRYPT_CCMP | DOT11_CRYPT_WPS, 11,
	    1700000004, 1, -80);
	fix(&t);
	line(tr, &t, buf, sizeof(buf));
	assert_non_null(strstr(buf, ",[WPA3-SAE-CCMP][WPS][ESS],"));
	/* No location, or not a beacon: no line. */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "x", 0, 11, 1700000005, 1,
	    -80);
	tracker_update(tr, &t.p);
	assert_int_equal(wiglecsv_line(tr, &t.p, buf, sizeof(buf)), -ENOENT);
	tpkt_probe_req(&t, AP1, "x", 1700000006, 1, -50);
	fix(&t);
	tracker_update(tr, &t.p);
	assert_int_equal(wiglecsv_line(tr, &t.p, buf, sizeof(buf)), -ENOENT);
	tracker_free(tr);
}

/* The file: two header lines, then one line per AP per 10 s at most. */
static void
test_file(void **state)
{
	static const char pre[] = "WigleWifi-1.4,appRelease="
	    OSPREY_VERSION ",model=osprey,release=" OSPREY_VERSION
	    ",device=osprey,display=osprey,board=osprey,brand=osprey\n";
	char dir[] = "/tmp/osprey-wiglecsv-XXXXXX", path[256], text[4096];
	struct pcaplog_names nm;
	struct tracker *tr = new_tracker();
	struct wiglecsv *w;
	struct tpkt t;
	char err[256];
	FILE *fp;
	size_t n;
	int i, lines = 0;

	assert_non_null(mkdtemp(dir));
	memset(&nm, 0, sizeof(nm));
	nm.prefix = dir;
	nm.title = "T";
	nm.type = "wiglecsv";
	nm.when = 1700000000;
	w = wiglecsv_open(NULL, "%p/%n-%i.%l", &nm, 10, path, sizeof(path),
	    err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < 25; i++) {
		tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "a", 0, 1,
		    1700000000 + (uint64_t)i, 1, -50);
		fix(&t);
		tracker_update(tr, &t.p);
		lines += wiglecsv_packet(w, tr, &t.p);
		tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "b", 0, 1,
		    1700000000 + (uint64_t)i, 1, -50);
		fix(&t);
		tracker_update(tr, &t.p);
		lines += wiglecsv_packet(w, tr, &t.p);
	}
	/* Seconds 0, 10, 20 for each. */
	assert_int_equal(lines, 6);
	assert_int_equal(wiglecsv_lines(w), 6);
	wiglecsv_close(w);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	/* WiGLE 1.4's pre-header: its keys, in its order. */
	assert_true(strncmp(text, pre, strlen(pre)) == 0);
	assert_non_null(strstr(text, "\nMAC,SSID,AuthMode,FirstSeen,Channel,"
	    "RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,"
	    "AccuracyMeters,Type\n"));
	for (i = 0, n = 0; text[n] != '\0'; n++)
		i += text[n] == '\n';
	assert_int_equal(i, 8);
	/* The next name is the next increment. */
	w = wiglecsv_open(NULL, "%p/%n-%i.%l", &nm, 10, path, sizeof(path),
	    err, sizeof(err));
	assert_non_null(w);
	assert_non_null(strstr(path, "T-2.wiglecsv"));
	wiglecsv_close(w);
	unlink(path);
	path[strlen(path) - strlen("2.wiglecsv")] = '1';
	unlink(path);
	rmdir(dir);
	tracker_free(tr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
