/* SPDX-License-Identifier: ISC */
/*
 * \summary: ui_capture: a capture whose SSIDs are HTML, for the UI's XSS test
 *
 * Writes a radiotap pcapng, built with the generator's frame builders
 * (tools/), of one WPA2 access point on channel 6 beaconing the SSID
 * UI_XSS_SSID and one client probing for UI_XSS_PROBE, ten beacons a
 * second for the given number of seconds.  SSIDs are whatever a radio
 * nearby chooses to send; the browser test replays this through the real
 * pcapfile helper and checks that the UI shows both as text and that no
 * element or script came out of them.
 *
 * Usage: ui_capture OUTPUT.pcapng [SECONDS]
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_frames.h"
#include "gen_ie.h"
#include "gen_out.h"

/* At most 32 bytes each: the SSID element's limit. */
#define UI_XSS_SSID	"<img src=x onerror=alert(1)>"
#define UI_XSS_PROBE	"<svg onload=alert(2)>"

#define UI_START_US	1700000000000000ULL	/* 2023-11-14 */
#define UI_BEACON_US	102400			/* 100 TU */

static const uint8_t ui_ap[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
static const uint8_t ui_sta[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 };
static const uint8_t ui_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* The radio header every frame gets: channel 6, OFDM 6 Mb/s. */
static size_t
ui_radio(struct gen_buf *b, uint64_t ts, int8_t signal)
{
	struct gen_radio r;

	memset(&r, 0, sizeof(r));
	r.tsft = ts;
	r.freq = 2437;
	r.phy = GEN_PHY_OFDM;
	r.rate = 12;
	r.bw = 20;
	r.signal = signal;
	r.noise = -95;
	return gen_radiotap(b, &r, true);
}

static void
ui_beacon(struct gen_buf *b, uint64_t ts, uint16_t seq)
{
	size_t start;

	b->len = 0;
	start = ui_radio(b, ts, -42);
	gen_hdr3(b, GEN_FC_BEACON, 0, ui_bcast, ui_ap, ui_ap, seq);
	gen_put_le64(b, ts);		/* timestamp (TSF) */
	gen_put_le16(b, 100);		/* beacon interval, TU */
	gen_put_le16(b, 0x0011);	/* ESS, privacy */
	gen_ie_ssid(b, (const uint8_t *)UI_XSS_SSID, strlen(UI_XSS_SSID));
	gen_ie_rates(b, true);
	gen_ie_ds(b, 6);
	gen_ie_rsn(b, GEN_SEC_WPA2_PSK, GEN_AKM_NONE);
	gen_fcs_append(b, start);
}

static void
ui_probe(struct gen_buf *b, uint64_t ts, uint16_t seq)
{
	size_t start;

	b->len = 0;
	start = ui_radio(b, ts, -60);
	gen_hdr3(b, GEN_FC_PROBE_REQ, 0, ui_bcast, ui_sta, ui_bcast, seq);
	gen_ie_ssid(b, (const uint8_t *)UI_XSS_PROBE, strlen(UI_XSS_PROBE));
	gen_ie_rates(b, true);
	gen_fcs_append(b, start);
}

int
main(int argc, char **argv)
{
	static struct gen_buf b;
	struct gen_out *out;
	uint64_t ts;
	long secs = 60, i, n;
	int rc = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: ui_capture OUTPUT.pcapng [SECONDS]\n");
		return 2;
	}
	if (argc == 3 && ((secs = strtol(argv[2], NULL, 10)) < 1 ||
	    secs > 3600)) {
		fprintf(stderr, "ui_capture: SECONDS: 1 to 3600\n");
		return 2;
	}
	if ((out = gen_out_open(argv[1], GEN_FMT_PCAPNG,
	    127 /* DLT_IEEE802_11_RADIO */)) == NULL) {
		fprintf(stderr, "ui_capture: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	n = secs * 1000000 / UI_BEACON_US;
	for (i = 0; i < n && rc == 0; i++) {
		ts = UI_START_US + (uint64_t)i * UI_BEACON_US;
		ui_beacon(&b, ts, (uint16_t)(i & 0xfff));
		rc = gen_out_write(out, ts, b.data, b.len, NULL);
		/* A probe every second, between two beacons. */
		if (rc == 0 && i % 10 == 5) {
			ui_probe(&b, ts + 1000, (uint16_t)(i & 0xfff));
			rc = gen_out_write(out, ts + 1000, b.data, b.len,
			    NULL);
		}
	}
	if (gen_out_close(out) != 0 || rc != 0) {
		fprintf(stderr, "ui_capture: %s: write failed\n", argv[1]);
		return 1;
	}
	return 0;
}
