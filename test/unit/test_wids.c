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

#include <event2/event.h>

#include "alerts.h"
#include "datasource.h"
#include "dot11_ie.h"
#include "packet.h"
#include "tracker.h"
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

/* No limits in the way of the alert under test. */
static void
unlimited(struct fixture *f, const char *name)
{
	assert_int_equal(alerts_set_limits(f->a, name, "1000/sec",
	    "1000/sec"), 0);
}

/* A probe response names its channel; the beacons said 6. */
static void
test_probechan(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint8_t ap[6], other[6];

	unlimited(f, "PROBECHAN");
	mac(ap, 0x00, 0x11, 0x22, 0x20);
	mac(other, 0x00, 0x11, 0x22, 0x21);
	beacon(f, ap, "net", DOT11_CRYPT_WPA2, 1, 10);
	mgmt(&p, DOT11_MGMT_PROBE_RESP, ap, 11);
	p.dot11.ies.ds_channel = 6;
	wids_packet(f->w, &p);
	/* An access point never heard beaconing: nothing to compare. */
	mgmt(&p, DOT11_MGMT_PROBE_RESP, other, 12);
	p.dot11.ies.ds_channel = 11;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "PROBECHAN"), 0);
	mgmt(&p, DOT11_MGMT_PROBE_RESP, ap, 13);
	p.dot11.ies.ds_channel = 11;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "PROBECHAN"), 1);
}

/* Above -10 dBm, and below 0 (which drivers send for "no signal"). */
static void
test_overpowered(void **state)
{
	struct fixture *f = *state;
	static const int16_t quiet[] = { -90, -10, 0, 12 };
	struct packet p;
	uint8_t ta[6];
	size_t i;

	unlimited(f, "OVERPOWERED");
	mac(ta, 0x00, 0x11, 0x22, 0x22);
	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		mgmt(&p, DOT11_MGMT_PROBE_REQ, ta, 10 + (double)i);
		p.radio.has = RADIO_HAS_SIGNAL;
		p.radio.signal_dbm = quiet[i];
		wids_packet(f->w, &p);
	}
	assert_int_equal(alerts_total(f->a, "OVERPOWERED"), 0);
	mgmt(&p, DOT11_MGMT_PROBE_REQ, ta, 20);
	p.has_helper_signal = true;
	p.helper_signal_dbm = -9;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "OVERPOWERED"), 1);
}

static void
disc(struct fixture *f, const uint8_t ap[6], const uint8_t cl[6], double t,
    bool retry)
{
	struct packet p;

	mgmt(&p, DOT11_MGMT_DEAUTH, ap, t);
	memcpy(p.dot11.ra, cl, 6);
	p.dot11.reason = 7;
	p.dot11.retry = retry;
	wids_packet(f->w, &p);
}

static void
assoc(struct fixture *f, const uint8_t ap[6], const uint8_t cl[6], double t,
    uint32_t crypt)
{
	struct packet p;

	mgmt(&p, DOT11_MGMT_ASSOC_REQ, cl, t);
	memcpy(p.dot11.bssid, ap, 6);
	memcpy(p.dot11.ra, ap, 6);
	p.dot11.ies.crypt = crypt;
	wids_packet(f->w, &p);
}

/* Three disconnections (retries are not more) and a rejoin in 10 s. */
static void
test_handshakecapture(void **state)
{
	struct fixture *f = *state;
	uint8_t ap[6], cl[6];

	unlimited(f, "HANDSHAKECAPTURE");
	mac(ap, 0x00, 0x11, 0x22, 0x23);
	mac(cl, 0x00, 0x11, 0x33, 0x24);
	disc(f, ap, cl, 100, false);
	disc(f, ap, cl, 100.1, true);
	disc(f, ap, cl, 100.2, false);
	assoc(f, ap, cl, 101, DOT11_CRYPT_WPA2);
	assert_int_equal(alerts_total(f->a, "HANDSHAKECAPTURE"), 0);
	/* Two bursts over a second apart are not one. */
	disc(f, ap, cl, 200, false);
	disc(f, ap, cl, 200.5, false);
	disc(f, ap, cl, 202, false);
	assoc(f, ap, cl, 203, DOT11_CRYPT_WPA2);
	assert_int_equal(alerts_total(f->a, "HANDSHAKECAPTURE"), 0);
	/* A burst, and the client back only after the window. */
	disc(f, ap, cl, 300, false);
	disc(f, ap, cl, 300.1, false);
	disc(f, ap, cl, 300.2, false);
	assoc(f, ap, cl, 311, DOT11_CRYPT_WPA2);
	assert_int_equal(alerts_total(f->a, "HANDSHAKECAPTURE"), 0);
	/* A burst, then the rejoin: once, however often it rejoins. */
	disc(f, ap, cl, 400, false);
	disc(f, ap, cl, 400.1, false);
	disc(f, ap, cl, 400.2, false);
	assoc(f, ap, cl, 403, DOT11_CRYPT_WPA2);
	assoc(f, ap, cl, 404, DOT11_CRYPT_WPA2);
	assert_int_equal(alerts_total(f->a, "HANDSHAKECAPTURE"), 1);
}

/* The client a flood names, if it joined without MFP. */
static void
test_noclientmfp(void **state)
{
	struct fixture *f = *state;
	uint8_t ap[6], cl[6];
	int i;

	unlimited(f, "NOCLIENTMFP");
	mac(ap, 0x00, 0x11, 0x22, 0x25);
	mac(cl, 0x00, 0x11, 0x33, 0x26);
	assoc(f, ap, cl, 99, DOT11_CRYPT_WPA2 | DOT11_CRYPT_PMF);
	for (i = 0; i < 12; i++)
		disc(f, ap, cl, 100 + i * 0.01, false);
	assert_int_equal(alerts_total(f->a, "DEAUTHFLOOD"), 1);
	assert_int_equal(alerts_total(f->a, "NOCLIENTMFP"), 0);
	assoc(f, ap, cl, 199, DOT11_CRYPT_WPA2);
	for (i = 0; i < 12; i++)
		disc(f, ap, cl, 200 + i * 0.01, false);
	assert_int_equal(alerts_total(f->a, "NOCLIENTMFP"), 1);
	/* Once per association. */
	for (i = 0; i < 12; i++)
		disc(f, ap, cl, 201 + i * 0.01, false);
	assert_int_equal(alerts_total(f->a, "DEAUTHFLOOD"), 3);
	assert_int_equal(alerts_total(f->a, "NOCLIENTMFP"), 1);
}

static void
beacon_at(struct fixture *f, const uint8_t ta[6], const char *ssid,
    uint8_t chan, int16_t dbm, uint16_t capab, double t)
{
	struct packet p;

	mgmt(&p, DOT11_MGMT_BEACON, ta, t);
	p.dot11.ies.has_ssid = p.dot11.ies.has_ssid_ie = true;
	p.dot11.ies.ssid = (const uint8_t *)ssid;
	p.dot11.ies.ssid_len = p.dot11.ies.ssid_ie_len =
	    (uint8_t)strlen(ssid);
	p.dot11.ies.ds_channel = chan;
	p.dot11.ies.crypt = DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK;
	p.dot11.beacon_interval = 100;
	p.dot11.capability = capab;
	p.radio.has = RADIO_HAS_SIGNAL;
	p.radio.signal_dbm = dbm;
	wids_packet(f->w, &p);
}

/* Another channel, 20 dB louder than an access point heard well. */
static void
test_eviltwin_loud(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6], t1[6], t2[6], t3[6];

	unlimited(f, "EVILTWIN");
	mac(a, 0x00, 0x0b, 0x86, 0x30);
	mac(b, 0x00, 0x0b, 0x86, 0x31);
	mac(t1, 0x02, 0x66, 0x66, 0x32);
	mac(t2, 0x02, 0x66, 0x66, 0x33);
	mac(t3, 0x02, 0x66, 0x66, 0x34);
	/* At the edge of a network, the next (other vendor's) AP. */
	beacon_at(f, a, "edge", 1, -85, 0x0411, 10);
	beacon_at(f, t1, "edge", 11, -50, 0x0411, 11);
	/* Heard well: 19 dB louder, louder on the same channel, its own
	 * vendor's 30 dB louder: none. */
	beacon_at(f, a, "corp", 1, -60, 0x0411, 12);
	beacon_at(f, t2, "corp", 6, -41, 0x0411, 13);
	beacon_at(f, t1, "corp", 1, -30, 0x0411, 14);
	beacon_at(f, b, "corp", 11, -30, 0x0411, 15);
	assert_int_equal(alerts_total(f->a, "EVILTWIN"), 0);
	/* Louder than the first, not than the loudest. */
	beacon_at(f, t3, "corp", 36, -35, 0x0411, 16);
	assert_int_equal(alerts_total(f->a, "EVILTWIN"), 0);
	beacon_at(f, a, "corp2", 1, -60, 0x0411, 17);
	beacon_at(f, t3, "corp2", 6, -40, 0x0411, 18);
	assert_int_equal(alerts_total(f->a, "EVILTWIN"), 1);
}

/* ROGUEAP by capabilities: not short preamble or slot time. */
static void
test_rogueap_caps(void **state)
{
	struct fixture *f = *state;
	uint8_t a1[6], a2[6], r[6];

	unlimited(f, "ROGUEAP");
	mac(a1, 0x00, 0x0b, 0x86, 0x40);
	mac(a2, 0x00, 0x0b, 0x86, 0x41);
	mac(r, 0x02, 0x66, 0x66, 0x42);
	beacon_at(f, a1, "caps", 6, -50, 0x0411, 10);
	beacon_at(f, a2, "caps", 11, -50, 0x0411, 11);
	beacon_at(f, r, "caps", 1, -50, 0x0031, 12);
	assert_int_equal(alerts_total(f->a, "ROGUEAP"), 0);
	beacon_at(f, a1, "caps2", 6, -50, 0x0411, 13);
	beacon_at(f, a2, "caps2", 11, -50, 0x0411, 14);
	beacon_at(f, r, "caps2", 1, -50, 0x1511, 15);
	assert_int_equal(alerts_total(f->a, "ROGUEAP"), 1);
}

/* Element lengths the decoder keeps, at the edges of the rules. */
static void
test_element_sigs(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint8_t ta[6];

	unlimited(f, "QCOMEXTENDED");
	unlimited(f, "RTLWIFIP2P");
	mac(ta, 0x02, 0x66, 0x66, 0x50);
	mgmt(&p, DOT11_MGMT_BEACON, ta, 10);
	p.dot11.ies.extcap_ie_len = 16;
	p.dot11.ies.p2p_noa_len = 2 + 2 * 13;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "QCOMEXTENDED"), 0);
	assert_int_equal(alerts_total(f->a, "RTLWIFIP2P"), 0);
	p.dot11.ies.extcap_ie_len = 17;
	p.dot11.ies.p2p_noa_len = 2 + 13 + 1;	/* not whole descriptors */
	wids_packet(f->w, &p);
	p.dot11.ies.p2p_noa_len = 2 + 3 * 13;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "QCOMEXTENDED"), 2);
	assert_int_equal(alerts_total(f->a, "RTLWIFIP2P"), 2);
}

/* The Netgear exploit's bytes must sit at 1180 of a beacon. */
static void
test_msfnetgear(void **state)
{
	struct fixture *f = *state;
	static uint8_t frame[1200];
	struct packet p;
	uint8_t ta[6];

	unlimited(f, "MSFNETGEARBEACON");
	mac(ta, 0x02, 0x66, 0x66, 0x51);
	memset(frame, 0x90, sizeof(frame));
	memcpy(frame + 1179, "\x6a\x39\x58\x01", 4);
	mgmt(&p, DOT11_MGMT_BEACON, ta, 10);
	p.frame = frame;
	p.frame_len = sizeof(frame);
	wids_packet(f->w, &p);
	/* Cut before its end. */
	memcpy(frame + 1179, "\x90\x6a\x39\x58\x01", 5);
	p.frame_len = 1183;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "MSFNETGEARBEACON"), 0);
	p.frame_len = 1184;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "MSFNETGEARBEACON"), 1);
}

/* Neighbor Report Response: channel 233 exists, 234 does not. */
static void
test_bcom11kchan(void **state)
{
	struct fixture *f = *state;
	/* Category, action, token; one report: BSSID, information,
	 * operating class, channel (at 16), PHY type. */
	uint8_t body[18] = { 5, 5, 1, 52, 13, 0x02, 0, 0, 0, 0, 1, 0, 0, 0,
	    0, 131, 233, 4 };
	struct packet p;
	uint8_t ta[6];

	unlimited(f, "BCOM11KCHAN");
	mac(ta, 0x02, 0x66, 0x66, 0x52);
	mgmt(&p, DOT11_MGMT_ACTION, ta, 10);
	p.dot11.body = body;
	p.dot11.body_len = sizeof(body);
	wids_packet(f->w, &p);
	/* A report cut by the frame's end is not read. */
	body[16] = 234;
	p.dot11.body_len = sizeof(body) - 1;
	wids_packet(f->w, &p);
	/* Another action (a request) is not a report. */
	p.dot11.body_len = sizeof(body);
	body[1] = 4;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "BCOM11KCHAN"), 0);
	body[1] = 5;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "BCOM11KCHAN"), 1);
}

/* EAPOL-Key: a key data length that fits a 16- or 24-byte MIC is fine. */
static void
test_rtl8195(void **state)
{
	struct fixture *f = *state;
	uint8_t body[8 + 4 + 77 + 16 + 2 + 22];
	const size_t len_at = 8 + 4 + 77 + 16;
	struct packet p;
	uint8_t ta[6];

	unlimited(f, "RTL8195VD1406");
	mac(ta, 0x02, 0x66, 0x66, 0x53);
	memset(body, 0, sizeof(body));
	memcpy(body, "\xaa\xaa\x03\x00\x00\x00\x88\x8e", 8);
	memset(&p, 0, sizeof(p));
	p.ts_sec = 10;
	p.dot11.type = DOT11_TYPE_DATA;
	p.dot11.fromds = true;
	p.dot11.has_ta = p.dot11.has_bssid = true;
	memcpy(p.dot11.ta, ta, 6);
	memcpy(p.dot11.bssid, ta, 6);
	p.dot11.ethertype = 0x888e;
	p.dot11.eapol.desc = DOT11_EAPOL_DESC_RSN;
	p.dot11.body = body;
	p.dot11.body_len = sizeof(body);
	body[len_at + 1] = 22;
	wids_packet(f->w, &p);
	/* Read with a 24-byte MIC, 14 bytes of key data. */
	body[len_at + 1] = 0x30;
	body[len_at + 8] = 0;
	body[len_at + 9] = 14;
	wids_packet(f->w, &p);
	/* Cut by the capture: not the sender's doing. */
	body[len_at + 9] = 0xff;
	p.dot11.truncated = true;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "RTL8195VD1406"), 0);
	p.dot11.truncated = false;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "RTL8195VD1406"), 1);
}

/* ADHOCCONFLICT: only an IBSS beacon naming an access point's address. */
static void
test_adhocconflict(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint8_t ap[6], st[6], ibss[6];

	unlimited(f, "ADHOCCONFLICT");
	mac(ap, 0x00, 0x11, 0x22, 0x60);
	mac(st, 0x02, 0x66, 0x66, 0x61);
	mac(ibss, 0x06, 0x77, 0x77, 0x62);
	/* An IBSS before the AP was heard: nothing to conflict with. */
	mgmt(&p, DOT11_MGMT_BEACON, st, 10);
	memcpy(p.dot11.bssid, ap, 6);
	p.dot11.capability = 0x0002;
	wids_packet(f->w, &p);
	mgmt(&p, DOT11_MGMT_BEACON, ap, 11);
	p.dot11.capability = 0x0011;
	wids_packet(f->w, &p);
	/* Its own random BSSID; and a mesh beacon (neither bit) as the AP. */
	mgmt(&p, DOT11_MGMT_BEACON, st, 12);
	memcpy(p.dot11.bssid, ibss, 6);
	p.dot11.capability = 0x0002;
	wids_packet(f->w, &p);
	mgmt(&p, DOT11_MGMT_BEACON, ap, 12.5);
	p.dot11.capability = 0x0000;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "ADHOCCONFLICT"), 0);
	/* The AP's BSSID in an IBSS beacon, from another transmitter. */
	mgmt(&p, DOT11_MGMT_BEACON, st, 13);
	memcpy(p.dot11.bssid, ap, 6);
	p.dot11.capability = 0x0012;
	wids_packet(f->w, &p);
	/* The AP itself beaconing as an IBSS. */
	mgmt(&p, DOT11_MGMT_BEACON, ap, 14);
	memcpy(p.dot11.bssid, ibss, 6);
	p.dot11.capability = 0x0002;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "ADHOCCONFLICT"), 2);
}

/* WMMTSPEC: more than 4 TSPECs, in an association response only. */
static void
test_wmmtspec(void **state)
{
	struct fixture *f = *state;
	struct packet p;
	uint8_t ta[6];

	unlimited(f, "WMMTSPEC");
	mac(ta, 0x02, 0x66, 0x66, 0x63);
	mgmt(&p, DOT11_MGMT_ASSOC_RESP, ta, 10);
	p.dot11.ies.wmm_tspec_n = 4;
	wids_packet(f->w, &p);
	mgmt(&p, DOT11_MGMT_PROBE_RESP, ta, 11);
	p.dot11.ies.wmm_tspec_n = 5;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "WMMTSPEC"), 0);
	mgmt(&p, DOT11_MGMT_REASSOC_RESP, ta, 12);
	p.dot11.ies.wmm_tspec_n = 5;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "WMMTSPEC"), 1);
}

/*
 * The decoder's side of BADFIXLENIE and WMMTSPEC: fixed lengths as the
 * standard gives them pass, the first wrong one is kept; a TSPEC is
 * counted and is not the WMM element WMMOVERFLOW measures.
 */
static void
test_badfixlenie(void **state)
{
	struct fixture *f = *state;
	uint8_t el[2 + 1 + 2 + 26 + 2 + 22 + 2 + 12 + 2 + 5 + 2 + 61 + 2 + 27 +
	    2 + 0];
	struct dot11_ies ies;
	struct packet p;
	size_t n = 0;
	uint8_t ta[6];

	unlimited(f, "BADFIXLENIE");
	memset(el, 0, sizeof(el));
	el[n] = 3, el[n + 1] = 1, n += 2 + 1;
	el[n] = 45, el[n + 1] = 26, n += 2 + 26;
	el[n] = 61, el[n + 1] = 22, n += 2 + 22;
	el[n] = 191, el[n + 1] = 12, n += 2 + 12;
	el[n] = 192, el[n + 1] = 5, n += 2 + 5;
	el[n] = 221, el[n + 1] = 61;
	memcpy(el + n + 2, "\x00\x50\xf2\x02\x02\x01", 6);
	n += 2 + 61;
	memset(&ies, 0, sizeof(ies));
	assert_int_equal(dot11_ie_parse(el, n, false, &ies), 0);
	assert_false(ies.has_badfix);
	assert_int_equal(ies.wmm_tspec_n, 1);
	assert_int_equal(ies.wmm_ie_len, 0);
	/* HT Capabilities of 27, then a DS Parameter Set of 0. */
	el[n] = 45, el[n + 1] = 27, n += 2 + 27;
	el[n] = 3, el[n + 1] = 0, n += 2;
	memset(&ies, 0, sizeof(ies));
	assert_int_equal(dot11_ie_parse(el, n, false, &ies), 0);
	assert_true(ies.has_badfix);
	assert_int_equal(ies.badfix_id, 45);
	assert_int_equal(ies.badfix_len, 27);

	mac(ta, 0x02, 0x66, 0x66, 0x64);
	mgmt(&p, DOT11_MGMT_BEACON, ta, 10);
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "BADFIXLENIE"), 0);
	p.dot11.ies = ies;
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "BADFIXLENIE"), 1);
}

/* An EAPOL-Key frame from ta with key information ki and kd key data. */
static void
eapol_key(struct packet *p, uint8_t *body, size_t kd, const uint8_t ta[6],
    uint8_t desc, uint16_t ki)
{
	const size_t len_at = 8 + 4 + 77 + 16;

	memset(body, 0, len_at + 2 + kd);
	memcpy(body, "\xaa\xaa\x03\x00\x00\x00\x88\x8e", 8);
	body[8 + 4] = desc;
	body[8 + 4 + 1] = (uint8_t)(ki >> 8);
	body[8 + 4 + 2] = (uint8_t)ki;
	body[len_at] = (uint8_t)(kd >> 8);
	body[len_at + 1] = (uint8_t)kd;
	memset(p, 0, sizeof(*p));
	p->ts_sec = 10;
	p->dot11.type = DOT11_TYPE_DATA;
	p->dot11.fromds = true;
	p->dot11.has_ta = p->dot11.has_bssid = true;
	memcpy(p->dot11.ta, ta, 6);
	memcpy(p->dot11.bssid, ta, 6);
	p->dot11.ethertype = 0x888e;
	p->dot11.eapol.desc = desc;
	p->dot11.eapol.key_info = ki;
	p->dot11.body = body;
	p->dot11.body_len = len_at + 2 + kd;
}

/*
 * VDOO202027301: AES-wrapped key data under 24 bytes or not in 8-byte
 * blocks.  VDOO202027302: a WPA group key message over 32 bytes.
 */
static void
test_vdoo(void **state)
{
	struct fixture *f = *state;
	uint8_t body[8 + 4 + 77 + 16 + 2 + 256];
	struct packet p;
	uint8_t ta[6];

	unlimited(f, "VDOO202027301");
	unlimited(f, "VDOO202027302");
	mac(ta, 0x02, 0x66, 0x66, 0x65);
	/* Message 3 (AES, encrypted): 24 and 72 bytes are whole keys. */
	eapol_key(&p, body, 24, ta, DOT11_EAPOL_DESC_RSN, 0x13ca);
	wids_packet(f->w, &p);
	eapol_key(&p, body, 72, ta, DOT11_EAPOL_DESC_RSN, 0x13ca);
	wids_packet(f->w, &p);
	/* Message 1 carries a PMKID in the clear: any length. */
	eapol_key(&p, body, 22, ta, DOT11_EAPOL_DESC_RSN, 0x008a);
	wids_packet(f->w, &p);
	/* A WPA group message of a TKIP key, 32 bytes; a WPA message 3. */
	eapol_key(&p, body, 32, ta, DOT11_EAPOL_DESC_WPA, 0x0381);
	wids_packet(f->w, &p);
	eapol_key(&p, body, 64, ta, DOT11_EAPOL_DESC_WPA, 0x01c9);
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "VDOO202027301"), 0);
	assert_int_equal(alerts_total(f->a, "VDOO202027302"), 0);
	eapol_key(&p, body, 16, ta, DOT11_EAPOL_DESC_RSN, 0x13ca);
	wids_packet(f->w, &p);
	eapol_key(&p, body, 73, ta, DOT11_EAPOL_DESC_RSN, 0x1382);
	wids_packet(f->w, &p);
	eapol_key(&p, body, 33, ta, DOT11_EAPOL_DESC_WPA, 0x0381);
	wids_packet(f->w, &p);
	assert_int_equal(alerts_total(f->a, "VDOO202027301"), 2);
	assert_int_equal(alerts_total(f->a, "VDOO202027302"), 1);
	assert_int_equal(alerts_total(f->a, "RTL8195VD1406"), 0);
}

static void
dup_deauth(struct packet_ctx *c, struct datasource *ds, uint16_t seq)
{
	uint8_t f[26] = { 0xc0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0x01,
	    0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x11, 0x22, 0x33, 0x44,
	    0x55, 0, 0, 7, 0 };
	struct packet p;

	f[22] = (uint8_t)(seq << 4);
	f[23] = (uint8_t)(seq >> 4);
	memset(&p, 0, sizeof(p));
	p.source = ds->id;
	p.ts_sec = 1700000000;
	p.ts_usec = seq * 1000;
	p.data = f;
	p.caplen = p.len = sizeof(f);
	p.dlt = PACKET_DLT_IEEE802_11;
	assert_int_equal(packet_process(c, &p, ds), PACKET_OK);
}

/*
 * Two radios hear one flood of 8 deauthentications: the checks see 8,
 * not the 16 over DEAUTHFLOOD's 10 a second; one radio that hears 16
 * distinct ones raises it.
 */
static void
test_dedup_shared(void **state)
{
	struct fixture *f = *state;
	struct tracker_config cfg;
	struct datasource a, b;
	struct event_base *base;
	struct packet_ctx *c;
	struct tracker *tr;
	uint16_t i;

	base = event_base_new();
	assert_non_null(base);
	tracker_config_default(&cfg);
	cfg.packet_clock = true;
	tr = tracker_new(&cfg);
	c = packet_ctx_new(NULL);
	packet_ctx_set_tracker(c, tr, base);
	packet_ctx_set_wids(c, f->w);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.name = b.name = "src";
	a.id = 1;
	b.id = 2;
	for (i = 0; i < 8; i++) {
		dup_deauth(c, &a, i);
		dup_deauth(c, &b, i);
	}
	assert_true(tracker_dups(tr) >= 7);
	assert_int_equal(alerts_total(f->a, "DEAUTHFLOOD"), 0);
	for (i = 8; i < 16; i++)
		dup_deauth(c, &a, i);
	assert_int_equal(alerts_total(f->a, "DEAUTHFLOOD"), 1);
	packet_ctx_free(c);
	tracker_free(tr);
	event_base_free(base);
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
		cmocka_unit_test_setup_teardown(test_probechan, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overpowered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_handshakecapture, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_noclientmfp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_eviltwin_loud, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rogueap_caps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_element_sigs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_msfnetgear, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bcom11kchan, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rtl8195, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_adhocconflict, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wmmtspec, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_badfixlenie, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vdoo, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dedup_shared, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_table_bounded, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
