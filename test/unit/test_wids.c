/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the 802.11 checks: the edges of their rules
 *
 * The end-to-end tests (test/alerts) show each alert fires on an attack;
 * these show where a rule must stay quiet: an access point that
 * restarted, a mesh station's probe response, a frame that ends in an
 * unannounced FCS, radios of one vendor sharing an SSID, OWE next to
 * open, a count one short of its threshold; and that the memory stays
 * fixed under a flood of made-up addresses.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <zlib.h>

#include "alerts.h"
#include "packet.h"
#include "wids.h"
#include "wids_int.h"

struct fixture {
	struct alerts	*a;
	struct wids	*w;
};

static int
setup(void **state)
{
	static struct fixture f;
	char err[256];

	f.a = alerts_new(NULL);
	f.w = wids_new(f.a, NULL, err, sizeof(err));
	assert_non_null(f.w);
	/* No limits in the way: every raise is counted. */
	assert_int_equal(alerts_set_limits(f.a, "DEAUTHFLOOD", "1000/sec",
	    "1000/sec"), 0);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	wids_free(f->w);
	alerts_free(f->a);
	return 0;
}

static void
mac(uint8_t m[6], uint8_t a, uint8_t b, uint8_t c, uint8_t last)
{
	m[0] = a;
	m[1] = b;
	m[2] = c;
	m[3] = 0;
	m[4] = 0;
	m[5] = last;
}

static void
mgmt(struct packet *p, uint8_t subtype, const uint8_t ta[6], double t)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(p, 0, sizeof(*p));
	p->ts_sec = (uint64_t)t;
	p->ts_usec = (uint64_t)((t - (double)(uint64_t)t) * 1e6);
	p->dot11.type = DOT11_TYPE_MGMT;
	p->dot11.subtype = subtype;
	p->dot11.has_ta = p->dot11.has_bssid = true;
	memcpy(p->dot11.ta, ta, 6);
	memcpy(p->dot11.bssid, ta, 6);
	memcpy(p->dot11.ra, bc, 6);
	p->dot11.n_addr = 3;
}

static void
beacon(struct fixture *f, const uint8_t ta[6], const char *ssid,
    uint32_t crypt, uint64_t tsf, double t)
{
	struct packet p;

	mgmt(&p, DOT11_MGMT_BEACON, ta, t);
	p.dot11.ies.has_ssid = p.dot11.ies.has_ssid_ie = true;
	p.dot11.ies.ssid = (const uint8_t *)ssid;
	p.dot11.ies.ssid_len = p.dot11.ies.ssid_ie_len =
	    (uint8_t)strlen(ssid);
	p.dot11.ies.ds_channel = 6;
	p.dot11.ies.crypt = crypt;
	p.dot11.beacon_interval = 100;
	p.dot11.timestamp = tsf;
	wids_packet(f->w, &p);
}

static void
test_bsstimestamp(void **state)
{
	struct fixture *f = *state;
	uint8_t ap[6];

	mac(ap, 0x00, 0x11, 0x22, 1);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 500000000ULL, 1000);
	/* Restarted, or a capture replayed in a loop: back once. */
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 2000000ULL, 1010);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 2102400ULL, 1010.1);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 12000000ULL, 1020);
	/* Jitter of half a second is not a copy. */
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 11500000ULL, 1020.1);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 12200000ULL, 1020.2);
	assert_int_equal(alerts_total(f->a, "BSSTIMESTAMP"), 0);
	/* A copy whose clock is 300 s behind, between the real beacons. */
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 5000000ULL, 1020.3);
	assert_int_equal(alerts_total(f->a, "BSSTIMESTAMP"), 0);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 12400000ULL, 1020.4);
	assert_int_equal(alerts_total(f->a, "BSSTIMESTAMP"), 1);
}

static void
test_nullproberesp(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint8_t sta[6];

	mac(sta, 0x00, 0x11, 0x22, 2);
	mgmt(&p, DOT11_MGMT_PROBE_RESP, sta, 100);
	p.dot11.ies.has_ssid_ie = true;
	p.dot11.ies.has_mesh_id = true;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "NULLPROBERESP"), 0);
	p.dot11.ies.has_mesh_id = false;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "NULLPROBERESP"), 1);
}

/* A beacon whose last 4 bytes are its FCS, or not. */
static void
test_malformed_fcs(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[64];
	struct packet p;
	uint32_t crc;
	uint8_t ta[6];

	memset(frame, 0x41, sizeof(frame));
	mac(ta, 0x00, 0x11, 0x22, 3);
	crc = (uint32_t)crc32(0L, frame, sizeof(frame) - 4);
	frame[60] = (uint8_t)crc;
	frame[61] = (uint8_t)(crc >> 8);
	frame[62] = (uint8_t)(crc >> 16);
	frame[63] = (uint8_t)(crc >> 24);
	mgmt(&p, DOT11_MGMT_BEACON, ta, 100);
	p.error = PACKET_ERR_DOT11;
	p.dot11.ies.truncated = true;
	p.frame = frame;
	p.frame_len = sizeof(frame);
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "MALFORMMGMT"), 0);
	/* Cut by the capture: not the sender's doing either. */
	frame[63] ^= 1;
	p.dot11.truncated = true;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "MALFORMMGMT"), 0);
	p.dot11.truncated = false;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "MALFORMMGMT"), 1);
}

static void
test_eviltwin(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], same_oui[6], other[6], owe[6];

	mac(a, 0x04, 0x92, 0x26, 1);
	mac(same_oui, 0x04, 0x92, 0x26, 2);
	mac(other, 0x02, 0x66, 0x66, 3);
	beacon(f, a, "ASUS_08", DOT11_CRYPT_WPA3 | DOT11_CRYPT_SAE, 1, 10);
	/* One vendor's router next door on its default SSID. */
	beacon(f, same_oui, "ASUS_08", DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK, 1,
	    11);
	assert_int_equal(alerts_total(f->a, "EVILTWIN"), 0);
	/* An open guest network beside an OWE one: no twin. */
	mac(owe, 0x00, 0x0b, 0x86, 4);
	beacon(f, owe, "Guest", DOT11_CRYPT_OWE, 1, 12);
	beacon(f, other, "Guest", 0, 1, 13);
	assert_int_equal(alerts_total(f->a, "EVILTWIN"), 0);
	/* WPA2 everywhere, then open from another vendor. */
	beacon(f, a, "Corp", DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK, 1, 14);
	beacon(f, other, "Corp", 0, 1, 15);
	assert_int_equal(alerts_total(f->a, "EVILTWIN"), 1);
	/* The same twin beaconing on is not new. */
	beacon(f, other, "Corp", 0, 1, 16);
	assert_int_equal(alerts_total(f->a, "EVILTWIN"), 1);
}

static void
beacon_iv(struct fixture *f, const uint8_t ta[6], const char *ssid,
    uint16_t interval, double t)
{
	struct packet p;

	mgmt(&p, DOT11_MGMT_BEACON, ta, t);
	p.dot11.ies.has_ssid = p.dot11.ies.has_ssid_ie = true;
	p.dot11.ies.ssid = (const uint8_t *)ssid;
	p.dot11.ies.ssid_len = p.dot11.ies.ssid_ie_len =
	    (uint8_t)strlen(ssid);
	p.dot11.ies.crypt = DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK;
	p.dot11.beacon_interval = interval;
	wids_packet(f->w, &p);
}

/* ROGUEAP needs an established, uniform deployment to stand out from. */
static void
test_rogueap(void **state)
{
	struct fixture *f = *state;
	uint8_t a1[6], a2[6], b1[6], r[6];

	mac(a1, 0x00, 0x0b, 0x86, 1);
	mac(a2, 0x00, 0x0b, 0x86, 2);
	mac(b1, 0x60, 0xd0, 0x2c, 3);
	mac(r, 0x02, 0x66, 0x66, 4);
	/* One access point is no deployment yet. */
	beacon_iv(f, a1, "one", 100, 10);
	beacon_iv(f, r, "one", 200, 11);
	assert_int_equal(alerts_total(f->a, "ROGUEAP"), 0);
	/* Two vendors already: mixed, so a third is nothing new. */
	beacon_iv(f, a1, "mixed", 100, 12);
	beacon_iv(f, b1, "mixed", 200, 13);
	beacon_iv(f, r, "mixed", 300, 14);
	assert_int_equal(alerts_total(f->a, "ROGUEAP"), 0);
	/* Another OUI at the same interval: a vendor swap, not enough. */
	mac(a1, 0x00, 0x0b, 0x86, 5);
	mac(a2, 0x00, 0x0b, 0x86, 6);
	beacon_iv(f, a1, "same", 100, 15);
	beacon_iv(f, a2, "same", 100, 16);
	beacon_iv(f, b1, "same", 100, 17);
	assert_int_equal(alerts_total(f->a, "ROGUEAP"), 0);
	/* Uniform, then another OUI and interval. */
	mac(a1, 0x00, 0x0b, 0x86, 7);
	mac(a2, 0x00, 0x0b, 0x86, 8);
	beacon_iv(f, a1, "corp", 100, 18);
	beacon_iv(f, a2, "corp", 100, 19);
	beacon_iv(f, r, "corp", 200, 20);
	assert_int_equal(alerts_total(f->a, "ROGUEAP"), 1);
}

static void
test_cryptodrop(void **state)
{
	struct fixture *f = *state;
	uint8_t ap[6];

	mac(ap, 0x00, 0x11, 0x22, 5);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK |
	    DOT11_CRYPT_CCMP, 1, 10);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK |
	    DOT11_CRYPT_CCMP | DOT11_CRYPT_WPS, 2, 11);
	assert_int_equal(alerts_total(f->a, "CRYPTODROP"), 0);
	assert_int_equal(alerts_total(f->a, "ADVCRYPTCHANGE"), 0);
	beacon(f, ap, "net", 0, 3, 12);
	assert_int_equal(alerts_total(f->a, "CRYPTODROP"), 1);
}

static void
test_deauthflood_threshold(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint8_t ap[6];
	int i;

	mac(ap, 0x00, 0x11, 0x22, 6);
	mgmt(&p, DOT11_MGMT_DEAUTH, ap, 0);
	p.dot11.reason = 7;
	p.dot11.ra[0] = 0x02;		/* to a client, not broadcast */
	/* Ten in a second, then ten in the next: never more than ten. */
	for (i = 0; i < 20; i++) {
		p.ts_sec = 500 + i / 10;
		wids_packet(f->w, &p);
	}
	assert_int_equal(alerts_total(f->a, "DEAUTHFLOOD"), 0);
	p.ts_sec = 501;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "DEAUTHFLOOD"), 1);
	/* Once per second of flood. */
	for (i = 0; i < 30; i++)
		wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "DEAUTHFLOOD"), 1);
	assert_int_equal(alerts_total(f->a, "BCASTDISCON"), 0);
	assert_int_equal(alerts_total(f->a, "DEAUTHCODEINVALID"), 0);
}

static void
test_karma_threshold(void **state)
{
	struct fixture *f = *state;
	static const char *const ssids[] = { "a", "b", "c", "d", "d", "e" };
	struct packet p;
	uint8_t ap[6];
	size_t i;

	mac(ap, 0x00, 0x11, 0x22, 7);
	for (i = 0; i < 5; i++) {
		mgmt(&p, DOT11_MGMT_PROBE_RESP, ap, 100 + i);
		p.dot11.ies.has_ssid = p.dot11.ies.has_ssid_ie = true;
		p.dot11.ies.ssid = (const uint8_t *)ssids[i];
		p.dot11.ies.ssid_len = p.dot11.ies.ssid_ie_len = 1;
		wids_packet(f->w, &p);
	}
	/* Four different SSIDs (one twice): not yet. */
	assert_int_equal(alerts_total(f->a, "KARMA"), 0);
	p.dot11.ies.ssid = (const uint8_t *)ssids[5];
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "KARMA"), 1);
}

/* Made-up addresses past the table's size: it starts again. */
static void
test_table_bounded(void **state)
{
	struct fixture *f = *state;
	uint8_t m[6];
	uint32_t i;

	for (i = 0; i < WIDS_STA_SLOTS; i++) {
		m[0] = 0x02;
		m[1] = 0xbe;
		m[2] = (uint8_t)(i >> 24);
		m[3] = (uint8_t)(i >> 16);
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		(void)wids_sta(f->w, m, true);
	}
	assert_true(f->w->resets >= 1);
	assert_true(f->w->n_sta < WIDS_STA_SLOTS / 4 * 3);
	/* What was forgotten is simply new again. */
	assert_non_null(wids_sta(f->w, m, false));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bsstimestamp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nullproberesp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_fcs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_eviltwin, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cryptodrop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rogueap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deauthflood_threshold,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_karma_threshold, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_table_bounded, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
