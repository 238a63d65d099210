/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the device tracker */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "device.h"
#include "dot11_ie.h"
#include "eapol.h"
#include "frames.h"
#include "oui.h"
#include "tracker.h"
#include "trackpkt.h"

static const uint8_t AP1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };
static const uint8_t AP2[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x02 };
static const uint8_t STA1[6] = { 0x00, 0x1b, 0x63, 0x00, 0x00, 0x01 };
static const uint8_t STA2[6] = { 0x00, 0x1b, 0x63, 0x00, 0x00, 0x02 };
static const uint8_t HOST[6] = { 0x00, 0x50, 0x56, 0xaa, 0xbb, 0xcc };
static const uint8_t MCAST[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

static struct tracker *
new_tracker(size_t max, uint32_t timeout, uint32_t dedup)
{
	struct tracker_config c;

	tracker_config_default(&c);
	c.max_devices = max;
	c.device_timeout = timeout;
	c.dedup_window_usec = dedup;
	c.packet_clock = true;
	return tracker_new(&c);
}

static const struct device *
find(struct tracker *tr, const uint8_t mac[6])
{
	return tracker_find(tr, DEVICE_PHY_DOT11, mac);
}

/* The change list is ordered by change number, both ways. */
static void
check_index(struct tracker *tr)
{
	const struct device *d, *prev = NULL;
	size_t n = 0;

	for (d = tracker_first(tr); d != NULL; d = tracker_next(d)) {
		if (prev != NULL) {
			assert_true(prev->mod_seq < d->mod_seq);
			assert_true(prev->pos_usec <= d->pos_usec);
			assert_ptr_equal(tracker_prev(d), prev);
		}
		assert_ptr_equal(find(tr, d->mac), d);
		prev = d;
		n++;
	}
	assert_ptr_equal(prev, tracker_last(tr));
	assert_int_equal(n, tracker_count(tr));
}

static void
test_beacon_makes_ap(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct tpkt t;

	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "home",
	    DOT11_CRYPT_WPA2 | DOT11_CRYPT_PSK | DOT11_CRYPT_CCMP, 6, 1000,
	    1, -40);
	t.p.dot11.ies.has_ht = true;
	t.p.dot11.ies.ht_primary = 6;
	t.p.dot11.ies.ht_secondary = 3;
	tracker_update(tr, &t.p);
	assert_int_equal(tracker_count(tr), 1);
	d = find(tr, AP1);
	assert_non_null(d);
	assert_int_equal(d->type_set, DEVICE_TYPE_AP);
	assert_string_equal(device_type_str(d), "Wi-Fi AP");
	assert_int_equal(d->n_adv, 1);
	assert_memory_equal(d->adv[0].ssid, "home", 4);
	assert_int_equal(d->adv[0].channel, 6);
	assert_int_equal(d->adv[0].ht_mode, DEVICE_HT_40_MINUS);
	assert_int_equal(d->adv[0].beacon_interval, 100);
	assert_true(d->adv[0].flags & DEVICE_SSID_BEACON);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2-PSK");
	assert_int_equal(d->channel, 6);
	assert_int_equal(d->freq_mhz, 2437);
	assert_int_equal(d->packets, 1);
	assert_int_equal(d->mgmt_packets, 1);
	assert_int_equal(d->first_time, 1000);
	assert_memory_equal(d->last_bssid, AP1, 6);

	/* A probe response adds the probe-AP bit; a second SSID appears. */
	tpkt_beacon(&t, DOT11_MGMT_PROBE_RESP, AP1, "guest", 0, 6, 1001, 1,
	    -42);
	tracker_update(tr, &t.p);
	assert_int_equal(d->type_set, DEVICE_TYPE_AP | DEVICE_TYPE_PROBE_AP);
	assert_int_equal(d->n_adv, 2);
	assert_true(d->adv[1].flags & DEVICE_SSID_PROBE_RESP);
	assert_string_equal(device_crypt_str(d->adv[1].crypt), "Open");
	/* The device's crypt stays that of its beaconed network. */
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2-PSK");
	tracker_free(tr);
}

static void
test_ssid_variants(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct tpkt t;

	/* Privacy bit and no RSN/WPA element: WEP (the decoder's bit). */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "old", DOT11_CRYPT_WEP, 11,
	    10, 1, -50);
	tracker_update(tr, &t.p);
	d = find(tr, AP1);
	assert_string_equal(device_crypt_str(d->adv[0].crypt), "WEP");
	/* A cloaked beacon (empty SSID) is its own entry. */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "", DOT11_CRYPT_WPA3 |
	    DOT11_CRYPT_SAE, 36, 10, 1, -50);
	tracker_update(tr, &t.p);
	/* Another all-NUL form is the same cloaked entry. */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP2, "\0\0\0", DOT11_CRYPT_WPA3 |
	    DOT11_CRYPT_SAE, 36, 11, 1, -50);
	t.p.dot11.ies.ssid_len = 3;
	t.p.dot11.ies.ssid_cloaked = true;
	tracker_update(tr, &t.p);
	d = find(tr, AP2);
	assert_int_equal(d->n_adv, 1);
	assert_true(d->adv[0].flags & DEVICE_SSID_CLOAKED);
	assert_int_equal(d->adv[0].len, 0);
	assert_int_equal(d->adv[0].last_time, 11);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA3-SAE");
	/* The probe response that decloaks it adds the real name. */
	tpkt_beacon(&t, DOT11_MGMT_PROBE_RESP, AP2, "hidden",
	    DOT11_CRYPT_WPA3 | DOT11_CRYPT_SAE, 36, 12, 1, -50);
	tracker_update(tr, &t.p);
	assert_int_equal(d->n_adv, 2);
	/* An IBSS beacon is ad-hoc, not an AP. */
	tpkt_beacon(&t, DOT11_MGMT_BEACON, STA1, "adhocnet", 0, 1, 13, 1,
	    -60);
	t.p.dot11.capability = 0x0002;
	tracker_update(tr, &t.p);
	d = find(tr, STA1);
	assert_int_equal(d->type_set, DEVICE_TYPE_ADHOC);
	assert_string_equal(device_type_str(d), "Wi-Fi Ad-Hoc");
	tracker_free(tr);
}

static void
test_probe_request_client(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct tpkt t;

	tpkt_probe_req(&t, STA1, "cafe", 100, 1, -70);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "", 101, 1, -71);	/* wildcard */
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "cafe", 102, 1, -72);
	tracker_update(tr, &t.p);
	d = find(tr, STA1);
	assert_int_equal(tracker_count(tr), 1);	/* not the broadcast */
	assert_int_equal(d->type_set, DEVICE_TYPE_CLIENT);
	assert_string_equal(device_type_str(d), "Wi-Fi Client");
	assert_int_equal(d->n_probed, 1);
	assert_int_equal(d->probed[0].first_time, 100);
	assert_int_equal(d->probed[0].last_time, 102);
	assert_int_equal(d->packets, 3);
	tracker_free(tr);
}

static void
test_data_association(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *ap, *sta, *host;
	struct tpkt t;

	/* STA1 -> AP1 (ToDS): addr1 BSSID, addr2 SA, addr3 DA. */
	tpkt_data(&t, true, false, AP1, STA1, HOST, NULL, 100, 50, 1, -55);
	tracker_update(tr, &t.p);
	ap = find(tr, AP1);
	sta = find(tr, STA1);
	assert_non_null(ap);
	assert_non_null(sta);
	/* The DA behind the AP is not heard: no device for it. */
	assert_null(find(tr, HOST));
	assert_int_equal(sta->type_set, DEVICE_TYPE_CLIENT);
	assert_true(ap->type_set & DEVICE_TYPE_BSS_AP);
	assert_string_equal(device_type_str(ap), "Wi-Fi AP");
	assert_int_equal(ap->n_clients, 1);
	assert_int_equal(sta->n_aps, 1);
	assert_ptr_equal(ap->clients->client, sta);
	assert_int_equal(sta->aps->last_time, 50);
	assert_memory_equal(sta->last_bssid, AP1, 6);
	/* Signal belongs to the transmitter only. */
	assert_int_equal(sta->signal.last, -55);
	assert_int_equal(ap->signal.has, 0);
	assert_int_equal(ap->n_seenby, 0);
	assert_int_equal(sta->data_packets, 1);
	assert_int_equal(ap->data_packets, 1);
	assert_int_equal(sta->datasize, 100);

	/* AP1 -> STA2 (FromDS) with SA HOST: STA2 a client, HOST wired. */
	tpkt_data(&t, false, true, STA2, AP1, HOST, NULL, 60, 51, 1, -45);
	tracker_update(tr, &t.p);
	host = find(tr, HOST);
	assert_non_null(host);
	assert_int_equal(host->type_set, DEVICE_TYPE_WIRED);
	assert_string_equal(device_type_str(host), "Wi-Fi Bridged");
	assert_int_equal(find(tr, STA2)->type_set, DEVICE_TYPE_CLIENT);
	assert_int_equal(ap->n_clients, 2);
	assert_int_equal(ap->signal.last, -45);
	/* Multicast destinations never become devices. */
	tpkt_data(&t, false, true, MCAST, AP1, HOST, NULL, 60, 52, 1, -45);
	tracker_update(tr, &t.p);
	assert_null(find(tr, MCAST));
	assert_int_equal(tracker_count(tr), 4);

	/* WDS: both ends of the link are "bridged". */
	tpkt_data(&t, true, true, AP2, AP1, HOST, STA2, 10, 53, 1, -45);
	tracker_update(tr, &t.p);
	assert_true(find(tr, AP2)->type_set & DEVICE_TYPE_WDS);
	assert_true(ap->type_set & DEVICE_TYPE_WDS);
	assert_string_equal(device_type_str(find(tr, AP2)),
	    "Wi-Fi WDS Device");
	/* A client that also shows up as a bridged SA stays a client. */
	tpkt_data(&t, false, true, STA2, AP1, STA1, NULL, 60, 54, 1, -45);
	tracker_update(tr, &t.p);
	assert_string_equal(device_type_str(sta), "Wi-Fi Client");
	check_index(tr);
	tracker_free(tr);
}

static void
test_adhoc_and_mgmt(void **state)
{
	static const uint8_t IBSS[6] = { 0x02, 0x99, 0x88, 0x77, 0x66, 0x55 };
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct tpkt t;

	tpkt_data(&t, false, false, STA2, STA1, IBSS, NULL, 10, 1, 1, -60);
	tracker_update(tr, &t.p);
	d = find(tr, STA1);
	assert_int_equal(d->type_set, DEVICE_TYPE_ADHOC);
	assert_null(find(tr, IBSS));	/* an IBSS id is not a station */
	assert_null(find(tr, STA2));	/* not heard */

	/* An association request and a successful response. */
	tpkt_init(&t, DOT11_TYPE_MGMT, DOT11_MGMT_ASSOC_REQ, 20, 1, -50, 1);
	tpkt_mgmt_addrs(&t, AP1, STA2, AP1);
	tpkt_frame(&t);
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, STA2)->n_aps, 1);
	assert_true(find(tr, AP1)->type_set & DEVICE_TYPE_BSS_AP);
	tpkt_init(&t, DOT11_TYPE_MGMT, DOT11_MGMT_ASSOC_RESP, 21, 1, -40, 1);
	tpkt_mgmt_addrs(&t, STA1, AP1, AP1);
	tpkt_frame(&t);
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, AP1)->n_clients, 2);
	/* A deauthentication with made-up addresses creates nothing. */
	tpkt_init(&t, DOT11_TYPE_MGMT, DOT11_MGMT_DEAUTH, 22, 1, -40, 1);
	tpkt_mgmt_addrs(&t, STA1, HOST, AP2);
	tpkt_frame(&t);
	tracker_update(tr, &t.p);
	assert_null(find(tr, AP2));
	/* Control frames count for known transmitters only. */
	tpkt_init(&t, DOT11_TYPE_CTRL, 11, 23, 1, -40, 1);	/* RTS */
	memcpy(t.p.dot11.ta, AP2, 6);
	t.p.dot11.has_ta = true;
	tpkt_frame(&t);
	tracker_update(tr, &t.p);
	assert_null(find(tr, AP2));
	memcpy(t.p.dot11.ta, STA2, 6);
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, STA2)->ctrl_packets, 1);
	check_index(tr);
	tracker_free(tr);
}

static void
test_signal_and_seenby(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct tpkt t;

	tpkt_probe_req(&t, STA1, "x", 1, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "x", 2, 1, -30);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "x", 3, 2, -80);
	t.p.radio.has |= RADIO_HAS_NOISE;
	t.p.radio.noise_dbm = -95;
	tracker_update(tr, &t.p);
	/* 0 dBm is "not measured" and leaves the signal alone. */
	tpkt_probe_req(&t, STA1, "x", 4, 2, 0);
	t.p.radio.has |= RADIO_HAS_SIGNAL;
	tracker_update(tr, &t.p);
	/* A helper-reported signal when the radio header has none. */
	tpkt_probe_req(&t, STA1, "x", 5, 3, 0);
	t.p.has_helper_signal = true;
	t.p.helper_signal_dbm = -66;
	tracker_update(tr, &t.p);
	d = find(tr, STA1);
	assert_int_equal(d->signal.last, -66);
	assert_int_equal(d->signal.min, -80);
	assert_int_equal(d->signal.max, -30);
	assert_int_equal(d->signal.noise, -95);
	assert_int_equal(d->n_seenby, 3);
	/* The busiest source first. */
	assert_int_equal(d->sb0.packets, 2);
	assert_int_equal(d->sb0.signal.max, -30);
	assert_int_equal(device_seenby_c(d, 1)->source +
	    device_seenby_c(d, 2)->source, 5);
	assert_int_equal(d->packets, 5);
	assert_int_equal(d->last_time, 5);
	tracker_free(tr);
}

static void
test_dedup_window(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 100000);
	const struct device *d;
	struct tracker_stats st;
	struct tpkt t;

	/*
	 * Deduplication runs while two sources are active: source 2 has
	 * just delivered something else.
	 */
	tpkt_probe_req(&t, STA2, "x", 100, 2, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "x", 100, 1, -60);
	tracker_update(tr, &t.p);
	/* Same bytes, another source, 20 ms later: one transmission. */
	t.p.source = 2;
	t.p.ts_usec = 20000;
	t.p.radio.signal_dbm = -70;
	tracker_update(tr, &t.p);
	d = find(tr, STA1);
	assert_int_equal(d->packets, 1);
	assert_int_equal(d->n_seenby, 2);	/* source 2 still counts it */
	assert_int_equal(d->signal.last, -60);
	/* Same bytes from the same source again: a new transmission. */
	t.p.source = 1;
	t.p.ts_usec = 30000;
	tracker_update(tr, &t.p);
	assert_int_equal(d->packets, 2);
	/* Same bytes from source 2, past the window: counted. */
	t.p.source = 2;
	t.p.ts_usec = 200000;
	tracker_update(tr, &t.p);
	assert_int_equal(d->packets, 3);
	tracker_stats(tr, &st);
	assert_int_equal(st.dups, 1);
	tracker_free(tr);

	/* One source alone: no deduplication at all, not even of the
	 * first copies a second source sends. */
	tr = new_tracker(0, 0, 100000);
	tpkt_probe_req(&t, STA1, "x", 100, 1, -60);
	tracker_update(tr, &t.p);
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, STA1)->packets, 2);
	t.p.source = 2;
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, STA1)->packets, 3);
	tracker_free(tr);

	/* With the window at 0 every copy counts. */
	tr = new_tracker(0, 0, 0);
	tpkt_probe_req(&t, STA1, "x", 100, 1, -60);
	tracker_update(tr, &t.p);
	t.p.source = 2;
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, STA1)->packets, 2);
	tracker_free(tr);
}

static void
test_errors_ignored(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	struct tracker_stats st;
	struct tpkt t;

	tpkt_probe_req(&t, STA1, "x", 1, 1, -60);
	t.p.error = PACKET_ERR_DOT11;
	tracker_update(tr, &t.p);
	assert_int_equal(tracker_count(tr), 0);
	/* A truncated element list counts as an error for the sender. */
	tpkt_probe_req(&t, STA1, "x", 1, 1, -60);
	t.p.dot11.ies.truncated = true;
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, STA1)->error_packets, 1);
	tracker_stats(tr, &st);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.packets, 2);
	tracker_free(tr);
}

static void
test_eviction(void **state)
{
	struct tracker *tr = new_tracker(4, 0, 0);
	struct tracker_stats st;
	uint8_t mac[6] = { 0x00, 0x10, 0x20, 0x30, 0x40, 0x00 };
	struct tpkt t;
	int i;

	for (i = 1; i <= 4; i++) {
		mac[5] = (uint8_t)i;
		tpkt_probe_req(&t, mac, "x", (uint64_t)i, 1, -60);
		tracker_update(tr, &t.p);
	}
	/* Device 1 heard again: now device 2 is the oldest. */
	mac[5] = 1;
	tpkt_probe_req(&t, mac, "x", 5, 1, -60);
	tracker_update(tr, &t.p);
	mac[5] = 5;
	tpkt_probe_req(&t, mac, "x", 6, 1, -60);
	tracker_update(tr, &t.p);
	assert_int_equal(tracker_count(tr), 4);
	mac[5] = 2;
	assert_null(find(tr, mac));
	mac[5] = 1;
	assert_non_null(find(tr, mac));
	tracker_stats(tr, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(tracker_removals(tr), 1);
	check_index(tr);

	/* A packet touching three new devices at the cap keeps all three. */
	tpkt_data(&t, false, true, STA1, AP1, HOST, NULL, 10, 7, 1, -50);
	tracker_update(tr, &t.p);
	assert_non_null(find(tr, AP1));
	assert_non_null(find(tr, STA1));
	assert_non_null(find(tr, HOST));
	assert_int_equal(find(tr, AP1)->n_clients, 1);
	check_index(tr);
	tracker_free(tr);

	/*
	 * The same with the clock standing still (devices changed at the
	 * current clock value are not moved): the device the packet holds
	 * is still not the one evicted.
	 */
	tr = new_tracker(4, 0, 0);
	tracker_set_clock(tr, 5000000);
	for (i = 1; i <= 4; i++) {
		mac[5] = (uint8_t)i;
		tpkt_probe_req(&t, mac, "x", 1, 1, -60);
		tracker_update(tr, &t.p);
	}
	mac[5] = 1;		/* the head, and the transmitter */
	tpkt_data(&t, false, true, STA1, mac, HOST, NULL, 10, 1, 1, -50);
	tracker_update(tr, &t.p);
	assert_non_null(find(tr, mac));
	assert_non_null(find(tr, STA1));
	assert_non_null(find(tr, HOST));
	assert_int_equal(find(tr, mac)->n_clients, 1);
	assert_int_equal(tracker_count(tr), 4);
	check_index(tr);
	tracker_free(tr);
}

static void
test_timeout_and_assoc_cleanup(void **state)
{
	struct tracker *tr = new_tracker(0, 60, 0);
	struct tracker_stats st;
	struct tpkt t;

	tpkt_data(&t, true, false, AP1, STA1, HOST, NULL, 10, 1000, 1, -50);
	tracker_update(tr, &t.p);
	tpkt_data(&t, true, false, AP1, STA2, HOST, NULL, 10, 1030, 1, -50);
	tracker_update(tr, &t.p);
	assert_int_equal(find(tr, AP1)->n_clients, 2);
	/* 61 s after STA1's last change it goes; its association too. */
	tracker_set_clock(tr, 1061 * 1000000ULL + 1);
	assert_null(find(tr, STA1));
	assert_non_null(find(tr, STA2));
	assert_int_equal(find(tr, AP1)->n_clients, 1);
	assert_ptr_equal(find(tr, AP1)->clients->client, find(tr, STA2));
	/* The clock never goes back. */
	tracker_set_clock(tr, 5);
	assert_int_equal(tracker_clock(tr), 1061 * 1000000ULL + 1);
	/* Packets move the clock too, with packet_clock. */
	tpkt_probe_req(&t, HOST, "x", 2000, 1, -60);
	tracker_update(tr, &t.p);
	assert_int_equal(tracker_count(tr), 1);
	tracker_stats(tr, &st);
	assert_int_equal(st.expired, 3);
	check_index(tr);
	tracker_free(tr);
}

static volatile unsigned sink;

static double
elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 +
	    (double)(b->tv_nsec - a->tv_nsec);
}

static void
test_change_index(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	uint8_t mac[6] = { 0x00, 0x10, 0x20, 0, 0, 0 };
	struct timespec a, b, c;
	struct tpkt t;
	uint64_t since;
	double q, w;
	size_t n;
	int i;

	/* 100,000 devices, one per ms of clock. */
	for (i = 0; i < 100000; i++) {
		mac[3] = (uint8_t)(i >> 16);
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		tracker_set_clock(tr, 1000000000ULL + (uint64_t)i * 1000);
		tpkt_probe_req(&t, mac, "x", 1000, 1, -60);
		tracker_update(tr, &t.p);
	}
	/* Ten seconds later, ten of the oldest change again, in order. */
	tracker_set_clock(tr, tracker_clock(tr) + 10000000);
	since = tracker_clock(tr);
	for (i = 9; i >= 0; i--) {
		mac[3] = 0;
		mac[4] = 0;
		mac[5] = (uint8_t)(i * 7);
		tracker_set_clock(tr, since + 1000 + (uint64_t)(9 - i));
		tpkt_probe_req(&t, mac, "y", 2000, 1, -60);
		tracker_update(tr, &t.p);
	}
	for (n = 0, i = 9, d = tracker_changed_since(tr, since); d != NULL;
	    d = tracker_next_changed(d, since), n++, i--)
		assert_int_equal(d->mac[5], i * 7);
	assert_int_equal(n, 10);
	/* Nothing after the newest change. */
	assert_null(tracker_changed_since(tr, tracker_clock(tr)));
	assert_null(tracker_changed_after_seq(tr, tracker_seq(tr)));
	d = tracker_changed_after_seq(tr, tracker_seq(tr) - 3);
	assert_int_equal(d->mac[5], 2 * 7);
	/*
	 * The query against a full walk, each the best of a few runs (the
	 * machine is shared: one preemption must not decide the test).
	 */
	q = w = 1e18;
	for (i = 0; i < 5; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (d = tracker_changed_since(tr, since); d != NULL;
		    d = tracker_next_changed(d, since))
			sink += d->mac[5];
		clock_gettime(CLOCK_MONOTONIC, &b);
		for (d = tracker_first(tr); d != NULL; d = tracker_next(d))
			sink += d->mac[5];
		clock_gettime(CLOCK_MONOTONIC, &c);
		if (elapsed_ns(&a, &b) < q)
			q = elapsed_ns(&a, &b);
		if (elapsed_ns(&b, &c) < w)
			w = elapsed_ns(&b, &c);
	}
	print_message("# changed-since (10 of 100000): %.0f ns, "
	    "full walk %.0f ns\n", q, w);
	assert_true(q * 20 < w);
	check_index(tr);
	tracker_free(tr);
}

static void
test_change_granule(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *a, *b, *c;
	struct tpkt t;

	tracker_set_clock(tr, 10000000);
	tpkt_probe_req(&t, STA1, "x", 1, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA2, "x", 1, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, HOST, "x", 1, 1, -60);
	tracker_update(tr, &t.p);
	a = find(tr, STA1);
	b = find(tr, STA2);
	c = find(tr, HOST);
	/* Half a second later STA1 changes: stamped, not moved. */
	tracker_set_clock(tr, 10500000);
	tpkt_probe_req(&t, STA1, "y", 2, 1, -60);
	tracker_update(tr, &t.p);
	assert_ptr_equal(tracker_first(tr), a);
	assert_int_equal(a->mod_usec, 10500000);
	assert_int_equal(a->pos_usec, 10000000);
	assert_ptr_equal(tracker_changed_since(tr, 10200000), a);
	assert_null(tracker_next_changed(a, 10200000));
	assert_ptr_equal(tracker_changed_since(tr, 9999999), a);
	assert_ptr_equal(tracker_next_changed(a, 9999999), b);
	assert_null(tracker_changed_since(tr, 10500000));
	/* A second after its last move it moves again. */
	tracker_set_clock(tr, 11200000);
	tpkt_probe_req(&t, STA1, "z", 3, 1, -60);
	tracker_update(tr, &t.p);
	assert_ptr_equal(tracker_first(tr), b);
	assert_ptr_equal(tracker_next(b), c);
	assert_ptr_equal(tracker_last(tr), a);
	check_index(tr);
	tracker_free(tr);
}

static void
test_eapol_capture(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *ap, *sta;
	uint8_t big[1000];
	struct tpkt t;

	memset(big, 0xab, sizeof(big));
	tpkt_data(&t, false, true, STA1, AP1, AP1, NULL, 95, 10, 1, -40);
	t.p.dot11.eapol.msg = 1;
	t.p.dot11.eapol.replay = 7;
	tracker_update(tr, &t.p);
	tpkt_data(&t, true, false, AP1, STA1, AP1, NULL, 117, 10, 1, -50);
	t.p.dot11.eapol.msg = 2;
	t.p.dot11.eapol.replay = 7;
	t.p.frame = big;
	t.p.frame_len = sizeof(big);
	tracker_update(tr, &t.p);
	ap = find(tr, AP1);
	sta = find(tr, STA1);
	assert_non_null(ap->eapol);
	assert_null(sta->eapol);	/* kept once, on the AP */
	assert_int_equal(ap->eapol[0]->msg, 1);
	assert_int_equal(ap->eapol[0]->from_ap, 1);
	assert_int_equal(ap->eapol[0]->len, 32);
	assert_int_equal(ap->eapol[1]->msg, 2);
	assert_int_equal(ap->eapol[1]->from_ap, 0);
	assert_int_equal(ap->eapol[1]->replay, 7);
	assert_int_equal(ap->eapol[1]->len, DEVICE_EAPOL_FRAME_MAX);
	assert_memory_equal(ap->eapol[1]->frame, big, DEVICE_EAPOL_FRAME_MAX);
	/* A new message 1 starts over. */
	tpkt_data(&t, false, true, STA1, AP1, AP1, NULL, 95, 11, 1, -40);
	t.p.dot11.eapol.msg = 1;
	tracker_update(tr, &t.p);
	assert_non_null(ap->eapol[0]);
	assert_null(ap->eapol[1]);
	tracker_free(tr);
}

/*
 * Frames built byte by byte (frames.h) go through the real decoders
 * (decode_packet()) before the tracker, as they do in the core: the
 * tests below are about what the decoders leave for the tracker to
 * judge (a frame cut by the snap length, EAPOL descriptors).
 */

/* A radiotap header with only a Channel field (freq MHz). */
static void
fb_radiotap_chan(struct fb *f, unsigned freq)
{
	fb_u8(f, 0);			/* version */
	fb_u8(f, 0);			/* pad */
	fb_le16(f, 12);			/* length */
	fb_le32(f, 1u << 3);		/* present: Channel */
	fb_le16(f, freq);
	fb_le16(f, 0x00a0);		/* 2 GHz, CCK */
}

/* Decode f (of which the capture kept caplen bytes) and track it. */
static void
track_bytes(struct tracker *tr, const struct fb *f, uint32_t dlt,
    size_t caplen, uint64_t ts)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.source = 1;
	p.ts_sec = ts;
	p.dlt = dlt;
	p.data = f->b;
	p.len = f->n;
	p.caplen = caplen;
	assert_int_equal(decode_packet(&p), 0);
	tracker_update(tr, &p);
}

static const uint8_t RSN_WPA2_PSK[] = {
	0x01, 0x00,				/* version 1 */
	0x00, 0x0f, 0xac, 0x04,			/* group: CCMP */
	0x01, 0x00, 0x00, 0x0f, 0xac, 0x04,	/* pairwise: CCMP */
	0x01, 0x00, 0x00, 0x0f, 0xac, 0x02,	/* AKM: PSK */
	0x00, 0x00,				/* capabilities */
};

/*
 * A beacon or probe response from bssid: fixed fields, SSID, rates, DS
 * Parameter Set ds (0: none), HT Operation with primary channel ht (0:
 * none), then an RSN element when rsn.  *ret_rsn is where the RSN
 * element starts, to cut the frame before it.
 */
static void
fb_bss(struct fb *f, unsigned subtype, const uint8_t bssid[6],
    const char *ssid, bool privacy, unsigned ds, unsigned ht, bool rsn,
    size_t *ret_rsn)
{
	static const uint8_t rates[] = { 0x82, 0x84, 0x8b, 0x96 };
	uint8_t htop[22];

	fb_hdr(f, DOT11_TYPE_MGMT, subtype, 0, tpkt_bcast, bssid, bssid, 1);
	fb_le64(f, 0x1234);			/* TSF */
	fb_le16(f, 100);			/* beacon interval */
	fb_le16(f, 0x0001 | (privacy ? 0x0010 : 0));
	fb_ie_str(f, DOT11_IE_SSID, ssid);
	fb_ie(f, DOT11_IE_RATES, rates, sizeof(rates));
	if (ds != 0) {
		uint8_t b = (uint8_t)ds;

		fb_ie(f, DOT11_IE_DS, &b, 1);
	}
	if (ht != 0) {
		memset(htop, 0, sizeof(htop));
		htop[0] = (uint8_t)ht;
		fb_ie(f, DOT11_IE_HT_OP, htop, sizeof(htop));
	}
	if (ret_rsn != NULL)
		*ret_rsn = f->n;
	if (rsn)
		fb_ie(f, DOT11_IE_RSN, RSN_WPA2_PSK, sizeof(RSN_WPA2_PSK));
}

/*
 * An AP heard only through probe responses takes its channel from their
 * HT Operation / DS Parameter Set elements, not from the radio channel
 * its frames were heard on, and its later data frames heard on an
 * overlapping channel do not move it.
 */
static void
test_probe_response_channel(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct fb f;

	/* Heard on channel 10; it says channel 11 (DS and HT). */
	memset(&f, 0, sizeof(f));
	fb_radiotap_chan(&f, 2457);
	fb_bss(&f, DOT11_MGMT_PROBE_RESP, AP1, "net", false, 11, 11, false,
	    NULL);
	track_bytes(tr, &f, PACKET_DLT_RADIOTAP, f.n, 10);
	d = find(tr, AP1);
	assert_non_null(d);
	assert_int_equal(d->last_beacon, 0);
	assert_int_equal(d->adv[0].channel, 11);
	assert_int_equal(d->channel, 11);

	/* Its data frame to a station, heard on channel 12. */
	memset(&f, 0, sizeof(f));
	fb_radiotap_chan(&f, 2467);
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x02, STA1, AP1, HOST, 2);
	fb_snap(&f, 0x0800);
	fb_zero(&f, 20);
	track_bytes(tr, &f, PACKET_DLT_RADIOTAP, f.n, 11);
	assert_int_equal(d->channel, 11);

	/* DS Parameter Set alone (no HT). */
	memset(&f, 0, sizeof(f));
	fb_radiotap_chan(&f, 2412);
	fb_bss(&f, DOT11_MGMT_PROBE_RESP, AP2, "net2", false, 6, 0, false,
	    NULL);
	track_bytes(tr, &f, PACKET_DLT_RADIOTAP, f.n, 12);
	assert_int_equal(find(tr, AP2)->channel, 6);

	/* A station still takes the radio's channel. */
	memset(&f, 0, sizeof(f));
	fb_radiotap_chan(&f, 2437);
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x01, AP2, STA2, HOST, 3);
	fb_snap(&f, 0x0800);
	fb_zero(&f, 20);
	track_bytes(tr, &f, PACKET_DLT_RADIOTAP, f.n, 13);
	assert_int_equal(find(tr, STA2)->channel, 6);
	assert_int_equal(find(tr, AP2)->channel, 6);
	check_index(tr);
	tracker_free(tr);
}

/*
 * Beacons cut by a snap length before their RSN element: the Privacy bit
 * alone then means "encrypted, unknown", and a cut frame never replaces
 * what a whole one showed.
 */
static void
test_truncated_beacon_crypt(void **state)
{
	static const uint8_t AP3[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x03 };
	static const uint8_t AP4[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x04 };
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	size_t rsn;
	struct fb f;

	/* A whole WPA2 beacon, then the same beacon cut before RSN. */
	memset(&f, 0, sizeof(f));
	fb_bss(&f, DOT11_MGMT_BEACON, AP1, "wpa2", true, 6, 0, true, &rsn);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 10);
	d = find(tr, AP1);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2-PSK");
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, rsn, 11);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2-PSK");
	/* Cut in the middle of the RSN element: the same. */
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, rsn + 5, 12);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2-PSK");
	assert_int_equal(d->error_packets, 1);

	/* An AP only ever heard cut: encrypted, not WEP. */
	memset(&f, 0, sizeof(f));
	fb_bss(&f, DOT11_MGMT_BEACON, AP2, "cut", true, 6, 0, true, &rsn);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, rsn, 13);
	d = find(tr, AP2);
	assert_int_equal(device_crypt(d), DOT11_CRYPT_UNKNOWN);
	assert_string_equal(device_crypt_str(device_crypt(d)),
	    "Encrypted (unknown)");
	/* A later cut probe response that kept its RSN element says more. */
	memset(&f, 0, sizeof(f));
	fb_bss(&f, DOT11_MGMT_PROBE_RESP, AP2, "cut", true, 6, 0, true, &rsn);
	fb_zero(&f, 40);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n - 30, 14);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2-PSK");

	/* Privacy in a whole beacon without RSN or WPA is still WEP. */
	memset(&f, 0, sizeof(f));
	fb_bss(&f, DOT11_MGMT_BEACON, AP3, "wep", true, 6, 0, false, NULL);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 15);
	assert_string_equal(device_crypt_str(device_crypt(find(tr, AP3))),
	    "WEP");
	/* No Privacy bit, cut or not, is open. */
	memset(&f, 0, sizeof(f));
	fb_bss(&f, DOT11_MGMT_BEACON, AP4, "open", false, 6, 0, false, NULL);
	fb_zero(&f, 10);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n - 8, 16);
	assert_string_equal(device_crypt_str(device_crypt(find(tr, AP4))),
	    "Open");
	tracker_free(tr);
}

/* An EAPOL-Key frame of AP to STA (FromDS) with descriptor desc. */
static void
fb_eapol_m1(struct fb *f, const uint8_t ap[6], const uint8_t sta[6],
    unsigned desc, unsigned version)
{
	fb_hdr(f, DOT11_TYPE_DATA, 0, 0x02, sta, ap, ap, 5);
	fb_snap(f, 0x888e);
	fb_eapol_key(f, desc, EAPOL_KI_PAIRWISE | EAPOL_KI_ACK | version, 1,
	    0x11, 0, 0);
}

/*
 * A BSSID heard only in data frames: protected frames say "encrypted"
 * (WEP when their IV has no Extended IV bit), EAPOL-Key descriptors
 * name WPA2 (RSN) or WPA, never "Open".
 */
static void
test_data_only_crypt(void **state)
{
	static const uint8_t AP3[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x03 };
	static const uint8_t AP4[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x04 };
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct fb f;

	/* A protected data frame, station to AP: a CCMP header (its
	 * Extended IV bit set). */
	memset(&f, 0, sizeof(f));
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x41, AP1, STA1, HOST, 1);
	fb_u8(&f, 1);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_u8(&f, 0x20);			/* Key ID octet: ExtIV */
	fb_zero(&f, 4 + 40 + 8);		/* PN, data, MIC */
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 10);
	d = find(tr, AP1);
	assert_non_null(d);
	assert_string_equal(device_type_str(d), "Wi-Fi AP");
	assert_int_equal(d->crypt_packets, 1);
	assert_string_equal(device_crypt_str(device_crypt(d)),
	    "Encrypted (unknown)");
	/* Message 1 of an RSN handshake (version 2: AES, CCMP). */
	memset(&f, 0, sizeof(f));
	fb_eapol_m1(&f, AP1, STA1, DOT11_EAPOL_DESC_RSN, 2);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 11);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2");
	assert_true(device_crypt(d) & DOT11_CRYPT_CCMP);
	assert_non_null(d->eapol);
	/* An unprotected frame afterwards takes nothing away. */
	memset(&f, 0, sizeof(f));
	fb_hdr(&f, DOT11_TYPE_DATA, 4, 0x01, AP1, STA1, AP1, 2);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 12);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA2");

	/* WPA's own descriptor (version 1: TKIP), the only frame. */
	memset(&f, 0, sizeof(f));
	fb_eapol_m1(&f, AP2, STA2, DOT11_EAPOL_DESC_WPA, 1);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 13);
	d = find(tr, AP2);
	assert_string_equal(device_crypt_str(device_crypt(d)), "WPA");
	assert_true(device_crypt(d) & DOT11_CRYPT_TKIP);

	/* Protected frames whose IV has no Extended IV bit: WEP. */
	memset(&f, 0, sizeof(f));
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x41, AP4, STA1, HOST, 1);
	fb_zero(&f, 4 + 40 + 4);		/* IV, data, ICV */
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 13);
	assert_string_equal(device_crypt_str(device_crypt(find(tr, AP4))),
	    "WEP");

	/* Plain data only: nothing says otherwise, it is open. */
	memset(&f, 0, sizeof(f));
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x02, STA2, AP3, HOST, 1);
	fb_snap(&f, 0x0800);
	fb_zero(&f, 20);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 14);
	assert_string_equal(device_crypt_str(device_crypt(find(tr, AP3))),
	    "Open");
	/* A beaconed network's crypt is still its beacon's. */
	memset(&f, 0, sizeof(f));
	fb_bss(&f, DOT11_MGMT_BEACON, AP3, "open", false, 6, 0, false, NULL);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 15);
	memset(&f, 0, sizeof(f));
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x42, STA2, AP3, HOST, 2);
	fb_zero(&f, 8 + 40 + 8);
	track_bytes(tr, &f, PACKET_DLT_IEEE802_11, f.n, 16);
	assert_string_equal(device_crypt_str(device_crypt(find(tr, AP3))),
	    "Open");
	tracker_free(tr);
}

/* Packets per minute of a device, unit m at slot m % 60 (rrd.h). */
static int64_t
minute_packets(const struct tracker *tr, const struct device *d, int slot)
{
	int64_t v[60];

	rrd_vec(&d->hist, RRD_MINUTES, RRD_PACKETS, tracker_capture_time(tr),
	    v);
	return v[slot];
}

static void
test_rrd_minutes(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct tpkt t;
	uint64_t base = 3600000;	/* a whole hour: slot 0 */
	int64_t v[60];

	tpkt_probe_req(&t, STA1, "x", base + 1, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "x", base + 59, 1, -50);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA1, "x", base + 60, 1, -70);
	tracker_update(tr, &t.p);
	d = find(tr, STA1);
	assert_int_equal(minute_packets(tr, d, 0), 2);
	assert_int_equal(minute_packets(tr, d, 1), 1);
	/* The strongest signal of each second and minute. */
	rrd_vec(&d->hist, RRD_MINUTES, RRD_SIGNAL, tracker_capture_time(tr),
	    v);
	assert_int_equal(v[0], -50);
	assert_int_equal(v[1], -70);
	rrd_vec(&d->hist, RRD_SECONDS, RRD_SIGNAL, tracker_capture_time(tr),
	    v);
	assert_int_equal(v[59], -50);
	assert_int_equal(v[0], -70);
	assert_int_equal(v[1], -60);	/* 59 s old: still in */
	assert_int_equal(v[2], 0);
	/* 59 minutes later slot 0 is reused: cleared first. */
	tpkt_probe_req(&t, STA1, "x", base + 60 * 60, 1, -60);
	tracker_update(tr, &t.p);
	assert_int_equal(minute_packets(tr, d, 0), 1);
	assert_int_equal(minute_packets(tr, d, 1), 1);
	/* Older than the hour kept: not counted by minute, but by hour. */
	tpkt_probe_req(&t, STA1, "x", base - 600, 1, -60);
	tracker_update(tr, &t.p);
	assert_int_equal(minute_packets(tr, d, 50), 0);
	assert_int_equal(rrd_sum(&d->hist, RRD_HOURS, RRD_PACKETS,
	    tracker_capture_time(tr)), 5);
	assert_int_equal(d->first_time, base - 600);
	tracker_free(tr);
}

/*
 * Each device's history is read by the clock of the sources that heard
 * it: an old capture replayed beside a live radio still shows its last
 * minute, and a device the live radio hears reads as of its clock.
 */
static void
test_rrd_source_clocks(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d1, *d2;
	struct tpkt t;
	uint64_t old = 1700000000, live = 1800000000;

	tpkt_probe_req(&t, STA1, "x", old, 1, -60);
	tracker_update(tr, &t.p);
	tpkt_probe_req(&t, STA2, "x", live, 2, -60);
	tracker_update(tr, &t.p);
	d1 = find(tr, STA1);
	d2 = find(tr, STA2);
	assert_int_equal(tracker_capture_time(tr), live);
	assert_int_equal(tracker_device_now(tr, d1), old);
	assert_int_equal(tracker_device_now(tr, d2), live);
	assert_int_equal(rrd_sum(&d1->hist, RRD_SECONDS, RRD_PACKETS,
	    tracker_device_now(tr, d1)), 1);
	/* The sweep frees by the device's own clock: nothing goes. */
	for (uint64_t s = 1; s <= 120; s++) {
		tpkt_probe_req(&t, STA2, "x", live + s, 2, -60);
		tracker_update(tr, &t.p);
	}
	assert_non_null(d1->hist.tier[RRD_SECONDS]);
	/* Heard by the live radio too: read by the newer clock. */
	tpkt_probe_req(&t, STA1, "x", live + 120, 2, -60);
	tracker_update(tr, &t.p);
	assert_int_equal(tracker_device_now(tr, d1), live + 120);
	assert_int_equal(rrd_sum(&d1->hist, RRD_SECONDS, RRD_PACKETS,
	    tracker_device_now(tr, d1)), 1);
	tracker_free(tr);
}

static void
test_lookups_and_manuf(void **state)
{
	static const char csv[] = "Registry,Assignment,Organization Name,"
	    "Organization Address\nMA-L,001122,Test Vendor,\n";
	struct tracker_config c;
	struct tracker *tr;
	struct oui_db *db;
	const struct device *d, *list[4];
	char key[DEVICE_KEY_LEN];
	struct tpkt t;

	db = oui_db_new();
	assert_int_equal(oui_db_add_buffer(db, csv, sizeof(csv) - 1), 1);
	oui_db_seal(db);
	tracker_config_default(&c);
	c.oui = db;
	tr = tracker_new(&c);
	tpkt_beacon(&t, DOT11_MGMT_BEACON, AP1, "n", 0, 1, 1, 1, -40);
	tracker_update(tr, &t.p);
	d = find(tr, AP1);
	assert_string_equal(d->manuf, "Test Vendor");
	device_key_str(d->phy, d->mac, key);
	assert_string_equal(key, "4202770D00000000_014433221100");
	assert_ptr_equal(tracker_find_key(tr, key), d);
	assert_null(tracker_find_key(tr, "garbage"));
	assert_int_equal(tracker_find_mac(tr, AP1, list, 4), 1);
	assert_ptr_equal(list[0], d);
	assert_int_equal(tracker_find_mac(tr, STA1, list, 4), 0);
	tracker_free(tr);
	oui_db_free(db);
}

static void
test_memory_per_device(void **state)
{
	struct tracker *tr = new_tracker(0, 0, 0);
	const struct device *d;
	struct tracker_stats st;
	struct tpkt t;

	tpkt_probe_req(&t, STA1, "x", 1, 1, -60);
	tracker_update(tr, &t.p);
	d = find(tr, STA1);
	print_message("# struct device %zu bytes, probing client %zu bytes\n",
	    sizeof(struct device), device_bytes(d));
	assert_true(device_bytes(d) < 1024);
	tracker_stats(tr, &st);
	assert_true(st.table_bytes > 0);
	tracker_free(tr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_beacon_makes_ap),
		cmocka_unit_test(test_ssid_variants),
		cmocka_unit_test(test_probe_request_client),
		cmocka_unit_test(test_data_association),
		cmocka_unit_test(test_adhoc_and_mgmt),
		cmocka_unit_test(test_signal_and_seenby),
		cmocka_unit_test(test_dedup_window),
		cmocka_unit_test(test_errors_ignored),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_timeout_and_assoc_cleanup),
		cmocka_unit_test(test_change_index),
		cmocka_unit_test(test_change_granule),
		cmocka_unit_test(test_eapol_capture),
		cmocka_unit_test(test_probe_response_channel),
		cmocka_unit_test(test_truncated_beacon_crypt),
		cmocka_unit_test(test_data_only_crypt),
		cmocka_unit_test(test_rrd_minutes),
		cmocka_unit_test(test_rrd_source_clocks),
		cmocka_unit_test(test_lookups_and_manuf),
		cmocka_unit_test(test_memory_per_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
