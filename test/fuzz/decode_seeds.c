/* SPDX-License-Identifier: ISC */
/*
 * \summary: write the seed corpora of the decoder fuzz targets
 *
 * Usage: decode_seeds DIR, where DIR holds fuzz-radiotap/, fuzz-ppi/,
 * fuzz-prism/ and fuzz-dot11/ (test/fuzz/corpus in the source tree).
 * Every seed is built here field by field (test/unit/frames.h); none
 * comes from a capture.  Run it again after changing a seed; the files
 * it writes are committed.
 */

#include <stdio.h>
#include <stdlib.h>

#include "../unit/frames.h"

#define BIT(n)	(1u << (n))

static const char *dir;

static const uint8_t ap[6] = { 0x02, 0xaa, 0xaa, 0xaa, 0xaa, 0x01 };
static const uint8_t sta[6] = { 0x02, 0x5a, 0x5a, 0x5a, 0x5a, 0x02 };
static const uint8_t host[6] = { 0x02, 0x77, 0x77, 0x77, 0x77, 0x03 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void
seed(const char *target, const char *name, const struct fb *f)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(f->b, 1, f->n, fp) != f->n || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

/* Radiotap: flags, rate, channel, signal, noise, antenna. */
static void
rt_basic(struct fb *f, unsigned flags, unsigned freq)
{
	f->n = 0;
	fb_le16(f, 0);
	fb_le16(f, 18);
	fb_le32(f, BIT(1) | BIT(2) | BIT(3) | BIT(5) | BIT(6) | BIT(11));
	fb_u8(f, flags);
	fb_u8(f, 2);
	fb_le16(f, freq);
	fb_le16(f, 0x00a0);
	fb_u8(f, (uint8_t)-45);
	fb_u8(f, (uint8_t)-95);
	fb_u8(f, 0);
	fb_u8(f, 0);		/* pad to 18 */
}

static void
rt_done(struct fb *f)
{
	fb_put_le16(f, 2, (unsigned)f->n);
}

static void
radiotap_seeds(void)
{
	struct fb f;

	f.n = 0;
	fb_le16(&f, 0);
	fb_le16(&f, 8);
	fb_le32(&f, 0);
	seed("fuzz-radiotap", "minimal", &f);

	rt_basic(&f, 0x10, 2437);
	seed("fuzz-radiotap", "basic-fcs", &f);

	/* Linux per-chain layout: three words, TSFT, two antennas. */
	f.n = 0;
	fb_le16(&f, 0);
	fb_le16(&f, 0);
	fb_le32(&f, BIT(0) | BIT(1) | BIT(3) | BIT(5) | BIT(14) | BIT(29) |
	    BIT(31));
	fb_le32(&f, BIT(5) | BIT(11) | BIT(29) | BIT(31));
	fb_le32(&f, BIT(5) | BIT(11));
	fb_le64(&f, 123456789);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_le16(&f, 5180);
	fb_le16(&f, 0x0140);
	fb_u8(&f, (uint8_t)-50);
	fb_u8(&f, 0);
	fb_le16(&f, 0);
	fb_u8(&f, (uint8_t)-52);
	fb_u8(&f, 0);
	fb_u8(&f, (uint8_t)-54);
	fb_u8(&f, 1);
	rt_done(&f);
	seed("fuzz-radiotap", "ext-chains", &f);

	/* Vendor namespace with skip_length, then back to radiotap. */
	f.n = 0;
	fb_le16(&f, 0);
	fb_le16(&f, 0);
	fb_le32(&f, BIT(1) | BIT(30) | BIT(31));
	fb_le32(&f, BIT(0) | BIT(29) | BIT(31));
	fb_le32(&f, BIT(5));
	fb_u8(&f, 0x02);
	fb_u8(&f, 0);
	fb_bytes(&f, "\x00\x11\x22\x01", 4);
	fb_le16(&f, 4);
	fb_le32(&f, 0xdeadbeef);
	fb_u8(&f, (uint8_t)-61);
	rt_done(&f);
	seed("fuzz-radiotap", "vendor-ns", &f);

	/* MCS, A-MPDU status, VHT, timestamp, HE, HE-MU, L-SIG. */
	f.n = 0;
	fb_le16(&f, 0);
	fb_le16(&f, 0);
	fb_le32(&f, BIT(19) | BIT(20) | BIT(21) | BIT(22) | BIT(23) |
	    BIT(24) | BIT(25) | BIT(26) | BIT(27));
	fb_u8(&f, 0x07);
	fb_u8(&f, 0x05);
	fb_u8(&f, 15);
	fb_u8(&f, 0);
	fb_le32(&f, 7);
	fb_le16(&f, 0x0004);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_le16(&f, 0x0044);
	fb_u8(&f, 0x04);
	fb_u8(&f, 4);
	fb_bytes(&f, "\x92\x00\x00\x00", 4);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_le16(&f, 0);
	fb_le64(&f, 1);
	fb_le16(&f, 0);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_le16(&f, 0x4020);
	fb_le16(&f, 0x0002);
	fb_le16(&f, 11 << 8);
	fb_le16(&f, 0);
	fb_le16(&f, 0);
	fb_le16(&f, 1);
	fb_zero(&f, 12);
	fb_zero(&f, 6);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_le32(&f, 0);
	rt_done(&f);
	seed("fuzz-radiotap", "mcs-vht-he", &f);

	/* XChannel, then TLVs. */
	f.n = 0;
	fb_le16(&f, 0);
	fb_le16(&f, 0);
	fb_le32(&f, BIT(18) | BIT(28));
	fb_le32(&f, 0x140);
	fb_le16(&f, 5745);
	fb_u8(&f, 149);
	fb_u8(&f, 20);
	fb_le16(&f, 32);
	fb_le16(&f, 4);
	fb_le32(&f, 0);
	rt_done(&f);
	seed("fuzz-radiotap", "xchannel-tlv", &f);
}

static void
ppi_seeds(void)
{
	struct fb f;

	f.n = 0;
	fb_u8(&f, 0);
	fb_u8(&f, 1);
	fb_le16(&f, 0);
	fb_le32(&f, 105);
	fb_le16(&f, 2);
	fb_le16(&f, 20);
	fb_le64(&f, 99);
	fb_le16(&f, 1);
	fb_le16(&f, 108);
	fb_le16(&f, 2437);
	fb_le16(&f, 0xc0);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_u8(&f, (uint8_t)-56);
	fb_u8(&f, (uint8_t)-96);
	fb_le16(&f, 30002);
	fb_le16(&f, 3);
	fb_zero(&f, 3);
	fb_align(&f, 0, 4);
	fb_le16(&f, 4);
	fb_le16(&f, 48);
	fb_le32(&f, 6);
	fb_le32(&f, 2);
	fb_u8(&f, 0);
	fb_u8(&f, 15);
	fb_u8(&f, 2);
	fb_zero(&f, 37);
	fb_le16(&f, 3);
	fb_le16(&f, 12);
	fb_le32(&f, 2);
	fb_zero(&f, 8);
	fb_put_le16(&f, 2, (unsigned)f.n);
	seed("fuzz-ppi", "common-n", &f);
}

static void
prism_seeds(void)
{
	static const unsigned kinds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint32_t vals[] = { 1, 2, 6, (uint32_t)-60, 30, 57,
	    (uint32_t)-95, 22, 0, 100 };
	struct fb f;
	size_t i;
	int be;

	for (be = 0; be < 2; be++) {
		f.n = 0;
		(be ? fb_be32 : fb_le32)(&f, be ? 0x41 : 0x44);
		(be ? fb_be32 : fb_le32)(&f, 144);
		fb_bytes(&f, "wlan0\0\0\0\0\0\0\0\0\0\0\0", 16);
		for (i = 0; i < 10; i++) {
			(be ? fb_be32 : fb_le32)(&f, be ?
			    kinds[i] << 12 | 0x41 : kinds[i] << 16 | 0x44);
			(be ? fb_be16 : fb_le16)(&f, 0);
			(be ? fb_be16 : fb_le16)(&f, 4);
			(be ? fb_be32 : fb_le32)(&f, vals[i]);
		}
		seed("fuzz-prism", be ? "prism-be" : "prism-le", &f);
	}
	f.n = 0;
	fb_be32(&f, 0x80211001);
	fb_be32(&f, 64);
	fb_be64(&f, 5);
	fb_be64(&f, 6);
	fb_be32(&f, 8);
	fb_be32(&f, 36);
	fb_be32(&f, 540);
	fb_be32(&f, 0);
	fb_be32(&f, 0);
	fb_be32(&f, 2);
	fb_be32(&f, (uint32_t)-40);
	fb_be32(&f, (uint32_t)-92);
	fb_be32(&f, 0);
	fb_be32(&f, 3);
	seed("fuzz-prism", "avs", &f);
}

/* The 802.11 seeds: each in a radiotap header with an FCS flag off. */
static void
dot11_start(struct fb *f)
{
	rt_basic(f, 0, 2412);
}

static void
rsn_ie(struct fb *f)
{
	fb_ie(f, 48, "\x01\x00\x00\x0f\xac\x04\x01\x00\x00\x0f\xac\x04"
	    "\x02\x00\x00\x0f\xac\x02\x00\x0f\xac\x08\x80\x00", 24);
}

static void
dot11_mgmt_seeds(void)
{
	struct fb f;

	dot11_start(&f);
	fb_hdr(&f, 0, 8, 0, bcast, ap, ap, 1);
	fb_le64(&f, 1);
	fb_le16(&f, 100);
	fb_le16(&f, 0x0431);
	fb_ie_str(&f, 0, "osprey");
	fb_ie(&f, 1, "\x82\x84\x8b\x96\x0c\x12\x18\x24", 8);
	fb_ie(&f, 3, "\x01", 1);
	fb_ie(&f, 5, "\x00\x01\x00\x00", 4);
	fb_ie(&f, 7, "US\x20\x01\x0b\x1e", 6);
	rsn_ie(&f);
	fb_ie(&f, 45, "\xef\x09\x1b\xff\xff\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 26);
	fb_ie(&f, 61, "\x01\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 22);
	fb_ie(&f, 191, "\x32\x00\x80\x03\xfa\xff\x00\x00\xfa\xff\x00\x00",
	    12);
	fb_ie(&f, 192, "\x01\x2a\x00\xfc\xff", 5);
	fb_ie(&f, 255, "\x23\x00\x00\x00", 4);
	fb_ie(&f, 255, "\x24\x00\x00\x00", 4);
	fb_ie(&f, 50, "\x30\x48\x60\x6c", 4);
	fb_ie(&f, 221, "\x00\x50\xf2\x01\x01\x00\x00\x50\xf2\x02\x01\x00"
	    "\x00\x50\xf2\x02\x01\x00\x00\x50\xf2\x02", 22);
	fb_ie(&f, 221, "\x00\x50\xf2\x02\x01\x01\x00\x00\x03\xa4\x00\x00",
	    12);
	fb_ie(&f, 221, "\x00\x50\xf2\x04\x10\x4a\x00\x01\x10\x10\x44\x00"
	    "\x01\x02", 14);
	fb_ie_str(&f, 114, "mesh");
	seed("fuzz-dot11", "beacon-all-elements", &f);

	dot11_start(&f);
	fb_hdr(&f, 0, 4, 0, bcast, sta, bcast, 2);
	fb_ie(&f, 0, "", 0);
	fb_ie(&f, 1, "\x02\x04\x0b\x16", 4);
	seed("fuzz-dot11", "probe-req", &f);

	dot11_start(&f);
	fb_hdr(&f, 0, 0, 0, ap, sta, ap, 3);
	fb_le16(&f, 0x0431);
	fb_le16(&f, 10);
	fb_ie_str(&f, 0, "osprey");
	rsn_ie(&f);
	seed("fuzz-dot11", "assoc-req", &f);

	dot11_start(&f);
	fb_hdr(&f, 0, 3, 0, sta, ap, ap, 4);
	fb_le16(&f, 0x0431);
	fb_le16(&f, 0);
	fb_le16(&f, 0xc001);
	fb_ie(&f, 1, "\x82\x84", 2);
	seed("fuzz-dot11", "reassoc-resp", &f);

	dot11_start(&f);
	fb_hdr(&f, 0, 11, 0, ap, sta, ap, 5);
	fb_le16(&f, 3);
	fb_le16(&f, 1);
	fb_le16(&f, 0);
	fb_le16(&f, 19);
	fb_zero(&f, 96);
	seed("fuzz-dot11", "auth-sae", &f);

	dot11_start(&f);
	fb_hdr(&f, 0, 12, 0, sta, ap, ap, 6);
	fb_le16(&f, 7);
	seed("fuzz-dot11", "deauth", &f);

	dot11_start(&f);
	fb_hdr(&f, 0, 13, 0x40, sta, ap, ap, 7);
	fb_zero(&f, 24);
	seed("fuzz-dot11", "action-protected", &f);
}

static void
dot11_data_seeds(void)
{
	static const unsigned info[4] = { 0x008a, 0x010a, 0x13ca, 0x030a };
	static const unsigned datalen[4] = { 22, 22, 56, 0 };
	char name[32];
	struct fb f;
	int i;

	for (i = 0; i < 4; i++) {
		dot11_start(&f);
		fb_hdr(&f, 2, 8, i % 2 ? 0x01 : 0x02, i % 2 ? ap : sta,
		    i % 2 ? sta : ap, ap, 10 + i);
		fb_le16(&f, 0x0007);
		fb_snap(&f, 0x888e);
		fb_eapol_key(&f, 2, info[i], 1 + i / 2, i == 3 ? 0 : 0x11,
		    i ? 0x22 : 0, datalen[i]);
		snprintf(name, sizeof(name), "eapol-m%d", i + 1);
		seed("fuzz-dot11", name, &f);
	}

	/* WDS with A-MSDU and +HTC, radiotap data padding. */
	rt_basic(&f, 0x20, 5180);
	fb_hdr(&f, 2, 8, 0x83, ap, sta, host, 20);
	fb_bytes(&f, bcast, 6);
	fb_le16(&f, 0x0080);
	fb_le32(&f, 0);
	fb_zero(&f, 0);
	fb_bytes(&f, host, 6);
	fb_bytes(&f, sta, 6);
	fb_be16(&f, 12);
	fb_snap(&f, 0x0800);
	fb_zero(&f, 4);
	seed("fuzz-dot11", "wds-amsdu-htc-pad", &f);

	dot11_start(&f);
	fb_hdr(&f, 2, 0, 0x41, ap, sta, host, 21);
	fb_bytes(&f, "\x01\x02\x03\x20", 4);
	fb_zero(&f, 20);
	seed("fuzz-dot11", "data-protected", &f);

	dot11_start(&f);
	fb_hdr(&f, 2, 12, 0x11, ap, sta, ap, 22);
	fb_le16(&f, 0);
	seed("fuzz-dot11", "qos-null", &f);
}

static void
dot11_ctrl_seeds(void)
{
	static const struct { unsigned sub, naddr; const char *name; } c[] = {
		{ 13, 1, "ack" }, { 12, 1, "cts" }, { 11, 2, "rts" },
		{ 10, 2, "pspoll" }, { 14, 2, "cfend" }, { 9, 2, "ba" },
		{ 8, 2, "bar" }, { 7, 1, "wrapper" }, { 5, 2, "ndpa" },
	};
	struct fb f;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rt_basic(&f, 0x10, 2462);
		fb_u8(&f, 1 << 2 | c[i].sub << 4);
		fb_u8(&f, 0);
		fb_le16(&f, 44);
		fb_bytes(&f, sta, 6);
		if (c[i].naddr > 1)
			fb_bytes(&f, ap, 6);
		if (c[i].sub == 8 || c[i].sub == 9)
			fb_zero(&f, 4);
		fb_le32(&f, 0x11223344);	/* FCS */
		seed("fuzz-dot11", c[i].name, &f);
	}

	/* DMG beacon at 60 GHz. */
	rt_basic(&f, 0, 60480);
	fb_u8(&f, 3 << 2);
	fb_u8(&f, 0);
	fb_le16(&f, 651);
	fb_bytes(&f, ap, 6);
	fb_le64(&f, 1);
	fb_zero(&f, 3);
	fb_le16(&f, 100);
	fb_zero(&f, 7);
	seed("fuzz-dot11", "dmg-beacon", &f);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	radiotap_seeds();
	ppi_seeds();
	prism_seeds();
	dot11_mgmt_seeds();
	dot11_data_seeds();
	dot11_ctrl_seeds();
	return 0;
}
