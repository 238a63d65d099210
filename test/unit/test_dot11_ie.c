/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the information element walk */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dot11_ie.h"
#include "frames.h"
#include "packet.h"

#define C(x)	DOT11_CRYPT_##x

static int
parse(const struct fb *f, bool cut, struct dot11_ies *ies)
{
	memset(ies, 0, sizeof(*ies));
	return dot11_ie_parse(f->b, f->n, cut, ies);
}

/* An RSN element body: group cipher, pairwise and AKM suite types (all
 * 00-0F-AC), then capabilities unless caps < 0. */
static void
rsn(struct fb *f, unsigned group, const uint8_t *pw, size_t npw,
    const uint8_t *akm, size_t nakm, int caps)
{
	static const uint8_t oui[3] = { 0x00, 0x0f, 0xac };
	size_t i, start;

	fb_u8(f, DOT11_IE_RSN);
	fb_u8(f, 0);
	start = f->n;
	fb_le16(f, 1);
	fb_bytes(f, oui, 3);
	fb_u8(f, group);
	fb_le16(f, (unsigned)npw);
	for (i = 0; i < npw; i++) {
		fb_bytes(f, oui, 3);
		fb_u8(f, pw[i]);
	}
	fb_le16(f, (unsigned)nakm);
	for (i = 0; i < nakm; i++) {
		fb_bytes(f, oui, 3);
		fb_u8(f, akm[i]);
	}
	if (caps >= 0)
		fb_le16(f, (unsigned)caps);
	f->b[start - 1] = (uint8_t)(f->n - start);
}

static uint32_t
rsn_crypt(unsigned group, const uint8_t *pw, size_t npw,
    const uint8_t *akm, size_t nakm, int caps)
{
	struct dot11_ies ies;
	struct fb f = { .n = 0 };

	rsn(&f, group, pw, npw, akm, nakm, caps);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_false(ies.invalid);
	return ies.crypt;
}

static void
test_ssid(void **state)
{
	struct dot11_ies ies;
	struct fb f = { .n = 0 };

	fb_ie_str(&f, 0, "home");
	fb_ie_str(&f, 0, "second");	/* repeated: the first counts */
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_true(ies.has_ssid);
	assert_int_equal(ies.ssid_len, 4);
	assert_memory_equal(ies.ssid, "home", 4);
	assert_false(ies.ssid_cloaked);

	f.n = 0;
	fb_ie(&f, 0, "", 0);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_true(ies.has_ssid && ies.ssid_cloaked);
	f.n = 0;
	fb_ie(&f, 0, "\0\0\0\0\0", 5);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_true(ies.ssid_cloaked);
	assert_int_equal(ies.ssid_len, 5);

	/* 33 bytes is no SSID: ignored, marked invalid, walk goes on. */
	f.n = 0;
	fb_ie_str(&f, 0, "123456789012345678901234567890123");
	fb_ie(&f, 3, "\x0b", 1);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_false(ies.has_ssid);
	assert_true(ies.invalid);
	assert_int_equal(ies.ds_channel, 11);
}

static void
test_rates_ds_tim_country(void **state)
{
	struct dot11_ies ies;
	struct fb f = { .n = 0 };

	fb_ie(&f, 1, "\x82\x84\x8b\x96\x0c\x12\x18\x24", 8);
	fb_ie(&f, 3, "\x01", 1);
	fb_ie(&f, 5, "\x00\x01\x00\x00", 4);
	fb_ie(&f, 7, "DE\x20\x01\x0d\x14", 6);
	fb_ie(&f, 50, "\x30\x48\x60\x6c\x01\x02\x03\x04\x05\x06", 10);
	assert_int_equal(parse(&f, false, &ies), 0);
	/* 18 rates offered, 16 kept, in order. */
	assert_int_equal(ies.n_rates, PACKET_RATES_MAX);
	assert_int_equal(ies.rates[0], 0x82);
	assert_int_equal(ies.rates[8], 0x30);
	assert_int_equal(ies.rates[15], 0x04);
	assert_int_equal(ies.ds_channel, 1);
	assert_true(ies.has_tim);
	assert_string_equal(ies.country, "DE");
	assert_false(ies.invalid);

	/* Short TIM, empty DS, unprintable country: each ignored. */
	f.n = 0;
	fb_ie(&f, 5, "\x00\x01\x00", 3);
	fb_ie(&f, 3, "", 0);
	fb_ie(&f, 7, "\x01\x02\x20", 3);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_false(ies.has_tim);
	assert_int_equal(ies.ds_channel, 0);
	assert_string_equal(ies.country, "");
	assert_true(ies.invalid);
}

static void
test_rsn_variants(void **state)
{
	static const uint8_t ccmp[] = { 4 }, tkip_ccmp[] = { 2, 4 };
	static const uint8_t gcmp256[] = { 9 };
	static const uint8_t psk[] = { 2 }, sae[] = { 8 };
	static const uint8_t trans[] = { 2, 8 }, owe[] = { 18 };
	static const uint8_t eap_ft[] = { 1, 3 }, suiteb[] = { 12 };
	static const uint8_t sae_ext[] = { 24, 25 };

	/* WPA2-Personal. */
	assert_int_equal(rsn_crypt(4, ccmp, 1, psk, 1, 0x000c),
	    C(WPA2) | C(CCMP) | C(PSK));
	/* WPA3-Personal: SAE, management frame protection required. */
	assert_int_equal(rsn_crypt(4, ccmp, 1, sae, 1, 0x00cc),
	    C(WPA3) | C(CCMP) | C(SAE) | C(PMF));
	/* WPA2/WPA3 transition: both, PMF capable. */
	assert_int_equal(rsn_crypt(4, ccmp, 1, trans, 2, 0x0080),
	    C(WPA2) | C(WPA3) | C(CCMP) | C(PSK) | C(SAE) | C(PMF));
	/* OWE. */
	assert_int_equal(rsn_crypt(4, ccmp, 1, owe, 1, 0x00c0),
	    C(OWE) | C(CCMP) | C(PMF));
	/* WPA2-Enterprise with FT; TKIP group, mixed pairwise. */
	assert_int_equal(rsn_crypt(2, tkip_ccmp, 2, eap_ft, 2, -1),
	    C(WPA2) | C(TKIP) | C(CCMP) | C(8021X) | C(FT));
	/* WPA3-Enterprise 192-bit. */
	assert_int_equal(rsn_crypt(9, gcmp256, 1, suiteb, 1, 0x00c0),
	    C(WPA3) | C(GCMP) | C(8021X) | C(PMF));
	/* SAE with group-dependent hash, and its FT form. */
	assert_int_equal(rsn_crypt(4, ccmp, 1, sae_ext, 2, 0x00c0),
	    C(WPA3) | C(CCMP) | C(SAE) | C(FT) | C(PMF));
	/* WEP-40 group cipher of a transitional network. */
	assert_int_equal(rsn_crypt(1, ccmp, 1, psk, 1, -1),
	    C(WPA2) | C(WEP40) | C(CCMP) | C(PSK));
}

static void
test_rsn_defaults_and_faults(void **state)
{
	struct dot11_ies ies;
	uint32_t crypt;
	struct fb f = { .n = 0 };

	/* Version alone: CCMP and 802.1X by default. */
	crypt = 0;
	assert_int_equal(dot11_ie_rsn((const uint8_t *)"\x01\x00", 2,
	    &crypt), 0);
	assert_int_equal(crypt, C(WPA2) | C(CCMP) | C(8021X));
	/* Version 2 is not RSN. */
	crypt = 0;
	assert_int_equal(dot11_ie_rsn((const uint8_t *)"\x02\x00", 2,
	    &crypt), -EBADMSG);
	assert_int_equal(crypt, 0);
	/* Two pairwise suites promised, one present: the group cipher
	 * read before the fault stays; the element is marked invalid. */
	fb_ie(&f, DOT11_IE_RSN, "\x01\x00\x00\x0f\xac\x02\x02\x00"
	    "\x00\x0f\xac\x04", 12);
	fb_ie(&f, 3, "\x06", 1);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_true(ies.invalid);
	assert_int_equal(ies.crypt, C(TKIP));
	assert_int_equal(ies.ds_channel, 6);
	/* A vendor's own AKM maps to nothing. */
	crypt = 0;
	assert_int_equal(dot11_ie_rsn((const uint8_t *)"\x01\x00"
	    "\x00\x0f\xac\x04\x01\x00\x00\x0f\xac\x04\x01\x00\x00\x40\x96\x00",
	    18, &crypt), 0);
	assert_int_equal(crypt, C(CCMP));
}

static void
test_vendor_elements(void **state)
{
	struct dot11_ies ies;
	struct fb f = { .n = 0 };

	/* WPA: TKIP multicast and unicast, PSK. */
	fb_ie(&f, DOT11_IE_VENDOR, "\x00\x50\xf2\x01\x01\x00\x00\x50\xf2\x02"
	    "\x01\x00\x00\x50\xf2\x02\x01\x00\x00\x50\xf2\x02", 22);
	/* WMM parameter element. */
	fb_ie(&f, DOT11_IE_VENDOR, "\x00\x50\xf2\x02\x01\x01\x00", 7);
	/* WPS: version, then state 2 (configured). */
	fb_ie(&f, DOT11_IE_VENDOR, "\x00\x50\xf2\x04\x10\x4a\x00\x01\x10"
	    "\x10\x44\x00\x01\x02", 14);
	/* Another vendor, and one with a bare OUI (allowed). */
	fb_ie(&f, DOT11_IE_VENDOR, "\x00\x10\x18\x02\x00", 5);
	fb_ie(&f, DOT11_IE_VENDOR, "\x00\x10\x18", 3);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_false(ies.invalid);
	assert_int_equal(ies.crypt, C(WPA) | C(TKIP) | C(PSK) | C(WPS));
	assert_true(ies.has_wmm);
	assert_true(ies.has_wps);
	assert_int_equal(ies.wps_state, 2);

	/* A WPS attribute running past its element. */
	f.n = 0;
	fb_ie(&f, DOT11_IE_VENDOR, "\x00\x50\xf2\x04\x10\x44\x00\x05\x02", 9);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_true(ies.has_wps);
	assert_true(ies.invalid);
	assert_int_equal(ies.wps_state, 0);
}

static void
test_ht_vht_he_mesh(void **state)
{
	struct dot11_ies ies;
	struct fb f = { .n = 0 };

	fb_ie(&f, DOT11_IE_HT_CAP, "\xef\x09\x1b\xff\xff", 5);
	fb_ie(&f, DOT11_IE_HT_OP, "\x24\x05\x00\x00\x00", 5);
	fb_ie(&f, DOT11_IE_VHT_OP, "\x01\x2a\x00\x00\x00", 5);
	fb_ie(&f, DOT11_IE_EXT, "\x24\x00\x00", 3);	/* HE operation */
	fb_ie_str(&f, DOT11_IE_MESH_ID, "backhaul");
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_true(ies.has_ht && ies.has_vht && ies.has_he);
	assert_int_equal(ies.ht_primary, 36);
	assert_int_equal(ies.ht_secondary, 1);
	assert_int_equal(ies.vht_width, 1);
	assert_int_equal(ies.vht_center1, 42);
	assert_true(ies.has_mesh_id);
	assert_int_equal(ies.mesh_id_len, 8);
	assert_memory_equal(ies.mesh_id, "backhaul", 8);

	/* Other extension IDs are not HE. */
	f.n = 0;
	fb_ie(&f, DOT11_IE_EXT, "\x6a\x00", 2);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_false(ies.has_he);
	/* Too short to be what they say. */
	f.n = 0;
	fb_ie(&f, DOT11_IE_HT_OP, "\x24", 1);
	fb_ie(&f, DOT11_IE_VHT_OP, "\x01\x2a", 2);
	fb_ie(&f, DOT11_IE_EXT, "", 0);
	assert_int_equal(parse(&f, false, &ies), 0);
	assert_true(ies.invalid);
	assert_int_equal(ies.ht_primary, 0);
	assert_false(ies.has_vht || ies.has_he);
}

static void
test_overrun(void **state)
{
	struct dot11_ies ies;
	struct fb f = { .n = 0 };

	fb_ie_str(&f, 0, "net");
	fb_u8(&f, 1);
	fb_u8(&f, 8);
	fb_u8(&f, 0x82);		/* 1 of the 8 promised bytes */
	assert_int_equal(parse(&f, false, &ies), -EBADMSG);
	assert_true(ies.truncated);
	assert_true(ies.has_ssid);
	assert_int_equal(ies.n_rates, 0);
	assert_int_equal(parse(&f, true, &ies), 0);
	assert_true(ies.truncated);
	/* A lone ID byte at the end. */
	f.n = 5;
	fb_u8(&f, 3);
	assert_int_equal(parse(&f, false, &ies), -EBADMSG);
	/* Nothing at all is fine. */
	assert_int_equal(dot11_ie_parse(f.b, 0, false, &ies), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssid),
		cmocka_unit_test(test_rates_ds_tim_country),
		cmocka_unit_test(test_rsn_variants),
		cmocka_unit_test(test_rsn_defaults_and_faults),
		cmocka_unit_test(test_vendor_elements),
		cmocka_unit_test(test_ht_vht_he_mesh),
		cmocka_unit_test(test_overrun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
