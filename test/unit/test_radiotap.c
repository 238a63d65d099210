/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the radiotap iterator and decoder */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "frames.h"
#include "packet.h"
#include "radiotap.h"

#define BIT(n)	(1u << (n))

/* Set it_len (bytes 2-3) once the header is complete. */
static void
rt_done(struct fb *f)
{
	fb_put_le16(f, 2, (unsigned)f->n);
}

static void
rt_start(struct fb *f, uint32_t present)
{
	f->n = 0;
	fb_u8(f, 0);		/* version */
	fb_u8(f, 0);		/* pad */
	fb_le16(f, 0);		/* it_len, set by rt_done */
	fb_le32(f, present);
}

static void
test_minimal_header(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	rt_start(&f, 0);
	rt_done(&f);
	fb_u8(&f, 0xaa);	/* first byte of the 802.11 frame */
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, 8);
	assert_int_equal(r.has, 0);
}

static void
test_common_fields(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	rt_start(&f, BIT(RADIOTAP_TSFT) | BIT(RADIOTAP_FLAGS) |
	    BIT(RADIOTAP_RATE) | BIT(RADIOTAP_CHANNEL) |
	    BIT(RADIOTAP_DBM_ANTSIGNAL) | BIT(RADIOTAP_DBM_ANTNOISE) |
	    BIT(RADIOTAP_ANTENNA));
	fb_le64(&f, 0x0102030405060708ULL);	/* at 8: aligned */
	fb_u8(&f, RADIOTAP_F_FCS);
	fb_u8(&f, 11);				/* 5.5 Mb/s */
	fb_le16(&f, 2437);			/* at 18: aligned to 2 */
	fb_le16(&f, 0x00a0);
	fb_u8(&f, (uint8_t)-42);
	fb_u8(&f, (uint8_t)-95);
	fb_u8(&f, 1);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, 25);
	assert_true(r.tsft == 0x0102030405060708ULL);
	assert_true(r.fcs_present);
	assert_false(r.fcs_bad);
	assert_int_equal(r.rate_kbps, 5500);
	assert_int_equal(r.freq_mhz, 2437);
	assert_int_equal(r.chan_flags, 0x00a0);
	assert_int_equal(r.signal_dbm, -42);
	assert_int_equal(r.noise_dbm, -95);
	assert_int_equal(r.antenna, 1);
	assert_int_equal(r.has, RADIO_HAS_TSFT | RADIO_HAS_FLAGS |
	    RADIO_HAS_RATE | RADIO_HAS_FREQ | RADIO_HAS_SIGNAL |
	    RADIO_HAS_NOISE | RADIO_HAS_ANTENNA);
}

/*
 * Linux's layout: a combined signal in the first namespace, then one
 * namespace per chain.  Two presence words put the data at 12, so the
 * TSFT needs 4 bytes of padding; the first signal is the one kept.
 */
static void
test_extended_bitmaps_and_padding(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	rt_start(&f, BIT(RADIOTAP_TSFT) | BIT(RADIOTAP_FLAGS) |
	    BIT(RADIOTAP_CHANNEL) | BIT(RADIOTAP_DBM_ANTSIGNAL) |
	    BIT(RADIOTAP_NS_RADIOTAP) | BIT(RADIOTAP_EXT));
	fb_le32(&f, BIT(RADIOTAP_DBM_ANTSIGNAL) | BIT(RADIOTAP_ANTENNA) |
	    BIT(RADIOTAP_NS_RADIOTAP) | BIT(RADIOTAP_EXT));
	fb_le32(&f, BIT(RADIOTAP_DBM_ANTSIGNAL) | BIT(RADIOTAP_ANTENNA));
	fb_align(&f, 0, 8);			/* 16: no padding needed */
	fb_le64(&f, 77);
	fb_u8(&f, 0);				/* flags */
	fb_align(&f, 0, 2);
	fb_le16(&f, 5180);
	fb_le16(&f, 0x0140);
	fb_u8(&f, (uint8_t)-50);		/* combined */
	fb_u8(&f, (uint8_t)-53);		/* chain 0 */
	fb_u8(&f, 0);
	fb_u8(&f, (uint8_t)-55);		/* chain 1 */
	fb_u8(&f, 1);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(len, f.n);
	assert_true(r.tsft == 77);
	assert_int_equal(r.freq_mhz, 5180);
	assert_int_equal(r.signal_dbm, -50);
	assert_int_equal(r.antenna, 0);

	/* Two words: data starts at 12 and the TSFT at 16 after padding. */
	rt_start(&f, BIT(RADIOTAP_TSFT) | BIT(RADIOTAP_EXT));
	fb_le32(&f, 0);
	fb_u8(&f, 0xee);			/* padding, never read */
	fb_u8(&f, 0xee);
	fb_u8(&f, 0xee);
	fb_u8(&f, 0xee);
	fb_le64(&f, 0x1122334455667788ULL);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.tsft == 0x1122334455667788ULL);
}

static void
test_vendor_namespace_skipped(void **state)
{
	static const uint8_t oui[3] = { 0x00, 0x11, 0x22 };
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	rt_start(&f, BIT(RADIOTAP_FLAGS) | BIT(RADIOTAP_NS_VENDOR) |
	    BIT(RADIOTAP_EXT));
	/* The vendor word's bits mean nothing to us: all skipped. */
	fb_le32(&f, BIT(0) | BIT(3) | BIT(RADIOTAP_NS_RADIOTAP) |
	    BIT(RADIOTAP_EXT));
	fb_le32(&f, BIT(RADIOTAP_DBM_ANTSIGNAL));
	fb_u8(&f, RADIOTAP_F_SHORTPRE);		/* flags at 16 */
	fb_align(&f, 0, 2);
	fb_bytes(&f, oui, 3);
	fb_u8(&f, 7);				/* sub-namespace */
	fb_le16(&f, 5);				/* skip_length */
	fb_bytes(&f, "\x80\x80\x80\x80\x80", 5);	/* vendor data */
	fb_u8(&f, (uint8_t)-61);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(r.flags, RADIOTAP_F_SHORTPRE);
	assert_int_equal(r.signal_dbm, -61);

	/* A skip_length past it_len is an error. */
	fb_put_le16(&f, 22, 50);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), -EBADMSG);
}

static void
test_unknown_field_ends_walk(void **state)
{
	struct radiotap_iter it;
	struct radiotap_field fld;
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	/* TLVs (bit 28) after the flags: the flags still count. */
	rt_start(&f, BIT(RADIOTAP_FLAGS) | BIT(RADIOTAP_DBM_ANTSIGNAL) |
	    BIT(RADIOTAP_TLV));
	fb_u8(&f, RADIOTAP_F_FCS);
	fb_u8(&f, (uint8_t)-70);
	fb_zero(&f, 2);
	fb_le16(&f, 99);			/* some TLV */
	fb_le16(&f, 0);
	rt_done(&f);
	assert_int_equal(radiotap_iter_init(&it, f.b, f.n, &len), 0);
	assert_int_equal(radiotap_iter_next(&it, &fld), 1);
	assert_int_equal(fld.bit, RADIOTAP_FLAGS);
	assert_int_equal(radiotap_iter_next(&it, &fld), 1);
	assert_int_equal(fld.bit, RADIOTAP_DBM_ANTSIGNAL);
	assert_int_equal(radiotap_iter_next(&it, &fld), 0);
	assert_true(it.stopped);
	assert_int_equal(radiotap_iter_next(&it, &fld), 0);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.fcs_present);
	assert_int_equal(r.signal_dbm, -70);

	/* Bit 5 of a second radiotap word is field 37: unknown, stop. */
	rt_start(&f, BIT(RADIOTAP_RATE) | BIT(RADIOTAP_EXT));
	fb_le32(&f, BIT(5));
	fb_u8(&f, 2);
	fb_u8(&f, 0x55);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(r.rate_kbps, 1000);
}

static void
test_malformed_headers(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	/* Version 1. */
	rt_start(&f, 0);
	rt_done(&f);
	f.b[0] = 1;
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* it_len beyond the capture, and below the fixed part. */
	rt_start(&f, 0);
	fb_put_le16(&f, 2, 9);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), -EBADMSG);
	fb_put_le16(&f, 2, 7);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* Fewer than 8 bytes at all. */
	assert_int_equal(radiotap_decode(f.b, 5, &r, &len), -EBADMSG);
	/* Another presence word promised but it_len ends first. */
	rt_start(&f, BIT(RADIOTAP_EXT));
	rt_done(&f);
	fb_zero(&f, 8);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* A TSFT that does not fit in it_len. */
	rt_start(&f, BIT(RADIOTAP_TSFT));
	fb_le32(&f, 0);
	rt_done(&f);
	fb_zero(&f, 8);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), -EBADMSG);
	/* The channel, 2-aligned at 10 after the flags, runs past it_len. */
	rt_start(&f, BIT(RADIOTAP_FLAGS) | BIT(RADIOTAP_CHANNEL));
	fb_u8(&f, 0);
	fb_u8(&f, 0);				/* padding */
	fb_le16(&f, 2412);
	rt_done(&f);				/* no room for its flags */
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), -EBADMSG);
}

static void
test_fcs_flags(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	rt_start(&f, BIT(RADIOTAP_FLAGS));
	fb_u8(&f, RADIOTAP_F_FCS | RADIOTAP_F_BADFCS);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.fcs_present);
	assert_true(r.fcs_bad);
}

static void
test_mcs_vht_he(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	/* HT: bandwidth, MCS and GI known; 40 MHz, short GI, MCS 15. */
	rt_start(&f, BIT(RADIOTAP_MCS));
	fb_u8(&f, 0x07);
	fb_u8(&f, 0x01 | 0x04);
	fb_u8(&f, 15);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.has & RADIO_HAS_MCS);
	assert_int_equal(r.mcs, 15);
	assert_int_equal(r.nss, 2);
	assert_int_equal(r.bw_mhz, 40);
	assert_int_equal(r.rate_kbps, 300000);

	/* No GI bit in the MCS field: the Flags field's short GI counts. */
	rt_start(&f, BIT(RADIOTAP_FLAGS) | BIT(RADIOTAP_MCS));
	fb_u8(&f, RADIOTAP_F_SHORTGI);
	fb_u8(&f, 0x03);
	fb_u8(&f, 0x00);
	fb_u8(&f, 7);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(r.rate_kbps, 72222);

	/* A legacy Rate wins over the computed one. */
	rt_start(&f, BIT(RADIOTAP_RATE) | BIT(RADIOTAP_MCS));
	fb_u8(&f, 12);
	fb_u8(&f, 0x02);
	fb_u8(&f, 0);
	fb_u8(&f, 7);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_int_equal(r.rate_kbps, 6000);

	/* VHT: 80 MHz (code 4), short GI, user 0 MCS 9 with 2 streams. */
	rt_start(&f, BIT(RADIOTAP_VHT));
	fb_le16(&f, 0x0044);
	fb_u8(&f, 0x04);
	fb_u8(&f, 4);
	fb_u8(&f, 0x92);
	fb_zero(&f, 3);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_le16(&f, 0);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.has & RADIO_HAS_VHT);
	assert_int_equal(r.mcs, 9);
	assert_int_equal(r.nss, 2);
	assert_int_equal(r.bw_mhz, 80);
	assert_int_equal(r.rate_kbps, 866666);

	/* HE SU: MCS 11, 1 stream, 20 MHz, 0.8 us GI. */
	rt_start(&f, BIT(RADIOTAP_HE));
	fb_le16(&f, 0x0020 | 0x4000);		/* MCS, bandwidth known */
	fb_le16(&f, 0x0002);			/* GI known */
	fb_le16(&f, 11 << 8);
	fb_le16(&f, 0);
	fb_le16(&f, 0x0000);			/* 20 MHz, GI 0.8 */
	fb_le16(&f, 1);				/* NSTS */
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.has & RADIO_HAS_HE);
	assert_int_equal(r.mcs, 11);
	assert_int_equal(r.bw_mhz, 20);
	assert_int_equal(r.rate_kbps, 143382);
}

/*
 * Found by fuzz-radiotap (corpus file crash-mcs-then-he): an MCS field
 * then an HE field with no streams left "HT MCS with 0 streams".  The
 * first PHY field now describes the frame alone.
 */
static void
test_first_phy_field_wins(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	rt_start(&f, BIT(RADIOTAP_MCS) | BIT(RADIOTAP_HE));
	fb_u8(&f, 0x03);
	fb_u8(&f, 0x01);
	fb_u8(&f, 9);
	fb_u8(&f, 0);				/* HE is 2-aligned */
	fb_le16(&f, 0x4020);
	fb_le16(&f, 0x0002);
	fb_le16(&f, 5 << 8);
	fb_le16(&f, 0);
	fb_le16(&f, 0x0002);			/* 80 MHz */
	fb_le16(&f, 0);				/* no streams */
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.has & RADIO_HAS_MCS);
	assert_false(r.has & RADIO_HAS_HE);
	assert_int_equal(r.mcs, 9);
	assert_int_equal(r.nss, 2);
	assert_int_equal(r.bw_mhz, 40);
}

static void
test_xchannel(void **state)
{
	struct packet_radio r;
	struct fb f;
	size_t len = 0;

	rt_start(&f, BIT(RADIOTAP_XCHANNEL));
	fb_le32(&f, 0x00010140);
	fb_le16(&f, 5745);
	fb_u8(&f, 149);
	fb_u8(&f, 20);
	rt_done(&f);
	assert_int_equal(radiotap_decode(f.b, f.n, &r, &len), 0);
	assert_true(r.has & RADIO_HAS_FREQ);
	assert_int_equal(r.freq_mhz, 5745);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_header),
		cmocka_unit_test(test_common_fields),
		cmocka_unit_test(test_extended_bitmaps_and_padding),
		cmocka_unit_test(test_vendor_namespace_skipped),
		cmocka_unit_test(test_unknown_field_ends_walk),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_fcs_flags),
		cmocka_unit_test(test_mcs_vht_he),
		cmocka_unit_test(test_first_phy_field_wins),
		cmocka_unit_test(test_xchannel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
