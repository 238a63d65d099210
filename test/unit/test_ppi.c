/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the PPI header decoder */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"
#include "packet.h"
#include "ppi.h"

static void
ppi_start(struct fb *f, unsigned flags, uint32_t dlt)
{
	f->n = 0;
	fb_u8(f, 0);
	fb_u8(f, flags);
	fb_le16(f, 0);			/* pph_len, set by ppi_done */
	fb_le32(f, dlt);
}

static void
ppi_done(struct fb *f)
{
	fb_put_le16(f, 2, (unsigned)f->n);
}

static void
ppi_common(struct fb *f, unsigned flags, unsigned rate, unsigned freq,
    int sig, int noise)
{
	fb_le16(f, PPI_FIELD_80211_COMMON);
	fb_le16(f, PPI_COMMON_LEN);
	fb_le64(f, 123456);
	fb_le16(f, flags);
	fb_le16(f, rate);
	fb_le16(f, freq);
	fb_le16(f, 0x00a0);
	fb_u8(f, 0);
	fb_u8(f, 0);
	fb_u8(f, (uint8_t)sig);
	fb_u8(f, (uint8_t)noise);
}

static void
ppi_mac_phy(struct fb *f, uint32_t flags, unsigned mcs, unsigned nss)
{
	fb_le16(f, PPI_FIELD_80211N_MAC_PHY);
	fb_le16(f, PPI_N_MAC_PHY_LEN);
	fb_le32(f, flags);
	fb_le32(f, 7);			/* A-MPDU id */
	fb_u8(f, 0);			/* delimiters */
	fb_u8(f, mcs);
	fb_u8(f, nss);
	fb_zero(f, PPI_N_MAC_PHY_LEN - 11);
}

static void
test_common_field(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	ppi_start(&f, 0, PACKET_DLT_IEEE802_11);
	ppi_common(&f, 0x0001, 2, 2437, -50, -95);
	ppi_done(&f);
	fb_u8(&f, 0x80);		/* start of the 802.11 frame */
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, 8 + 4 + PPI_COMMON_LEN);
	assert_true(r.fcs_present);
	assert_false(r.fcs_bad);
	assert_int_equal(r.rate_kbps, 1000);
	assert_int_equal(r.freq_mhz, 2437);
	assert_int_equal(r.signal_dbm, -50);
	assert_int_equal(r.noise_dbm, -95);
	assert_true(r.tsft == 123456);
	assert_true(r.has & RADIO_HAS_SIGNAL);

	/* -128 is "not known"; flag 0x4 is a bad FCS. */
	ppi_start(&f, 0, PACKET_DLT_IEEE802_11);
	ppi_common(&f, 0x0005, 0, 5180, -128, -128);
	ppi_done(&f);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.fcs_bad);
	assert_false(r.has & (RADIO_HAS_SIGNAL | RADIO_HAS_NOISE |
	    RADIO_HAS_RATE));
}

static void
test_80211n_fields(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	/* Aligned fields: the 20-byte common field needs no padding, the
	 * 5-byte unknown one needs 3 bytes before the MAC+PHY field. */
	ppi_start(&f, 0x01, PACKET_DLT_IEEE802_11);
	ppi_common(&f, 0, 0, 2422, -56, -96);
	fb_le16(&f, 30002);		/* GPS: not read */
	fb_le16(&f, 5);
	fb_zero(&f, 5);
	fb_align(&f, 0, 4);
	ppi_mac_phy(&f, 0x0006, 15, 2);	/* HT40, short GI */
	ppi_done(&f);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, f.n);
	assert_true(r.has & RADIO_HAS_MCS);
	assert_int_equal(r.mcs, 15);
	assert_int_equal(r.nss, 2);
	assert_int_equal(r.bw_mhz, 40);
	assert_int_equal(r.rate_kbps, 300000);
	assert_int_equal(r.signal_dbm, -56);

	/* MCS 255 is "not known". */
	ppi_start(&f, 0, PACKET_DLT_IEEE802_11);
	ppi_mac_phy(&f, 0, 255, 0);
	ppi_done(&f);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), 0);
	assert_false(r.has & RADIO_HAS_MCS);
}

static void
test_malformed(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	/* Not 802.11 inside. */
	ppi_start(&f, 0, 1);
	ppi_done(&f);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), -EPROTONOSUPPORT);
	/* Version 1, short header, pph_len past the capture. */
	ppi_start(&f, 0, PACKET_DLT_IEEE802_11);
	ppi_done(&f);
	f.b[0] = 1;
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), -EBADMSG);
	f.b[0] = 0;
	assert_int_equal(ppi_decode(f.b, 7, &r, &len), -EBADMSG);
	fb_put_le16(&f, 2, 9);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* A field longer than the header, and a short common field. */
	ppi_start(&f, 0, PACKET_DLT_IEEE802_11);
	fb_le16(&f, PPI_FIELD_80211_COMMON);
	fb_le16(&f, 40);
	fb_zero(&f, 20);
	ppi_done(&f);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), -EBADMSG);
	ppi_start(&f, 0, PACKET_DLT_IEEE802_11);
	fb_le16(&f, PPI_FIELD_80211_COMMON);
	fb_le16(&f, 19);
	fb_zero(&f, 19);
	ppi_done(&f);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* A field header cut in half. */
	ppi_start(&f, 0, PACKET_DLT_IEEE802_11);
	fb_le16(&f, PPI_FIELD_80211_COMMON);
	ppi_done(&f);
	assert_int_equal(ppi_decode(f.b, f.n, &r, &len), -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_field),
		cmocka_unit_test(test_80211n_fields),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
