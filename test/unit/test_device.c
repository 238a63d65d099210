/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the device record and its parts */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "device.h"
#include "packet.h"

static const uint8_t MAC[6] = { 0x68, 0xb9, 0xd3, 0x13, 0xc4, 0x4d };

static void
test_key_and_mac_strings(void **state)
{
	char key[DEVICE_KEY_LEN], mac[DEVICE_MAC_STR_LEN];
	uint8_t phy = 9, back[6];

	/* The key Kismet gives this 802.11 device. */
	device_key_str(DEVICE_PHY_DOT11, MAC, key);
	assert_string_equal(key, "4202770D00000000_4DC413D3B968");
	assert_int_equal(device_key_parse(key, &phy, back), 0);
	assert_int_equal(phy, DEVICE_PHY_DOT11);
	assert_memory_equal(back, MAC, 6);
	/* Lower case, and Kismet's dropped leading zeros, parse too. */
	assert_int_equal(device_key_parse("4202770d00000000_eeddccbbaa",
	    &phy, back), 0);
	assert_memory_equal(back, "\xaa\xbb\xcc\xdd\xee\x00", 6);
	assert_int_equal(device_key_parse("4202770D00000000_", &phy, back),
	    -EINVAL);
	assert_int_equal(device_key_parse("1111111100000000_AABB", &phy,
	    back), -EINVAL);
	assert_int_equal(device_key_parse("4202770D00000000_1234567890ABC",
	    &phy, back), -EINVAL);
	assert_int_equal(device_key_parse("4202770D00000000_12345G", &phy,
	    back), -EINVAL);
	assert_int_equal(device_key_parse("no underscore", &phy, back),
	    -EINVAL);

	device_mac_str(MAC, mac);
	assert_string_equal(mac, "68:B9:D3:13:C4:4D");
	assert_int_equal(device_mac_parse("68:b9:d3:13:c4:4d", back), 0);
	assert_memory_equal(back, MAC, 6);
	assert_int_equal(device_mac_parse("68-B9-D3-13-C4-4D", back), 0);
	assert_int_equal(device_mac_parse("68:B9:D3:13:C4", back), -EINVAL);
	assert_int_equal(device_mac_parse("68:B9:D3:13:C4:4D:", back),
	    -EINVAL);
	assert_int_equal(device_mac_parse("6:B9:D3:13:C4:4D", back), -EINVAL);
	assert_string_equal(device_phy_name(DEVICE_PHY_DOT11), "IEEE802.11");
}

static void
test_type_strings(void **state)
{
	struct device *d = device_new(DEVICE_PHY_DOT11, MAC, 1);

	assert_string_equal(device_type_str(d), "Wi-Fi Device");
	assert_int_equal(device_basic_type(d), 0);
	d->type_set = DEVICE_TYPE_WIRED;
	assert_string_equal(device_type_str(d), "Wi-Fi Bridged");
	d->type_set |= DEVICE_TYPE_CLIENT;
	assert_string_equal(device_type_str(d), "Wi-Fi Client");
	assert_int_equal(device_basic_type(d), 2 | 4);
	d->type_set |= DEVICE_TYPE_WDS;
	assert_string_equal(device_type_str(d), "Wi-Fi WDS Device");
	d->type_set |= DEVICE_TYPE_ADHOC;
	assert_string_equal(device_type_str(d), "Wi-Fi Ad-Hoc");
	d->type_set |= DEVICE_TYPE_BSS_AP;
	assert_string_equal(device_type_str(d), "Wi-Fi AP");
	assert_int_equal(device_basic_type(d), 1 | 2 | 4 | 8);
	device_free(d);
}

static void
test_crypt_and_modes(void **state)
{
	assert_string_equal(device_crypt_str(0), "Open");
	assert_string_equal(device_crypt_str(DOT11_CRYPT_WEP), "WEP");
	assert_string_equal(device_crypt_str(DOT11_CRYPT_WPA |
	    DOT11_CRYPT_PSK | DOT11_CRYPT_TKIP), "WPA-PSK");
	assert_string_equal(device_crypt_str(DOT11_CRYPT_WPA2 |
	    DOT11_CRYPT_8021X), "WPA2-EAP");
	assert_string_equal(device_crypt_str(DOT11_CRYPT_WPA2 |
	    DOT11_CRYPT_WPA3 | DOT11_CRYPT_PSK | DOT11_CRYPT_SAE),
	    "WPA3-TRANSITION");
	assert_string_equal(device_crypt_str(DOT11_CRYPT_OWE), "OWE");
	assert_string_equal(device_ht_mode_str(DEVICE_HT_40_PLUS), "HT40+");
	assert_string_equal(device_ht_mode_str(DEVICE_VHT_80_80),
	    "VHT80+80");
	assert_string_equal(device_ht_mode_str(200), "");
	assert_int_equal(device_beacon_rate(100), 10);
	assert_int_equal(device_beacon_rate(1000), 1);
	assert_int_equal(device_beacon_rate(0), 0);
}

static void
test_seenby_cap(void **state)
{
	struct device *d = device_new(DEVICE_PHY_DOT11, MAC, 1);
	int8_t sig = -50;
	uint32_t s;

	for (s = 0; s < DEVICE_MAX_SEENBY; s++)
		assert_int_equal(device_seenby_add(d, s, 1, &sig, false, 0),
		    0);
	assert_int_equal(device_seenby_add(d, 999, 1, NULL, false, 0),
	    -ENOSPC);
	/* Known sources still count. */
	assert_int_equal(device_seenby_add(d, 3, 2, NULL, false, 0), 0);
	assert_int_equal(d->n_seenby, DEVICE_MAX_SEENBY);
	assert_int_equal(d->sb0.source, 3);
	assert_int_equal(d->sb0.packets, 2);
	assert_int_equal(d->sb0.last_time, 2);
	assert_int_equal(device_seenby(d, 3)->source, 0);
	assert_true(device_bytes(d) > sizeof(*d));
	device_free(d);
}

static void
test_ssid_caps(void **state)
{
	struct device *d = device_new(DEVICE_PHY_DOT11, MAC, 1);
	uint8_t ssid[40];
	int i;

	memset(ssid, 'a', sizeof(ssid));
	for (i = 0; i < DEVICE_MAX_ADV_SSIDS; i++) {
		ssid[0] = (uint8_t)('A' + i);
		assert_non_null(device_adv_ssid(d, ssid, 8, false, 1));
	}
	ssid[0] = '#';
	assert_null(device_adv_ssid(d, ssid, 8, false, 1));
	ssid[0] = 'A';
	assert_non_null(device_adv_ssid(d, ssid, 8, false, 1));
	/* SSIDs longer than 32 bytes are cut. */
	for (i = 0; i < DEVICE_MAX_PROBED; i++) {
		ssid[1] = (uint8_t)i;
		assert_int_equal(device_probed_add(d, ssid, 40, 1), 0);
	}
	assert_int_equal(d->probed[0].len, DEVICE_SSID_MAX);
	ssid[1] = 0xff;
	assert_int_equal(device_probed_add(d, ssid, 5, 1), -ENOSPC);
	assert_int_equal(device_probed_add(d, ssid, 0, 1), -ENOSPC);
	device_free(d);
}

static void
test_assoc_lists(void **state)
{
	uint8_t mac[6] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x00 };
	struct device *ap[DEVICE_MAX_APS + 1], *c1, *c2;
	struct device_assoc *a;
	int i;

	c1 = device_new(DEVICE_PHY_DOT11, MAC, 1);
	c2 = device_new(DEVICE_PHY_DOT11, MAC, 1);
	for (i = 0; i <= DEVICE_MAX_APS; i++) {
		mac[5] = (uint8_t)i;
		ap[i] = device_new(DEVICE_PHY_DOT11, mac, 1);
	}
	for (i = 0; i < DEVICE_MAX_APS; i++)
		assert_non_null(device_assoc(c1, ap[i], (uint32_t)i));
	assert_null(device_assoc(c1, ap[DEVICE_MAX_APS], 99));
	assert_int_equal(c1->n_aps, DEVICE_MAX_APS);
	/* The most recently used comes first. */
	assert_ptr_equal(c1->aps->ap, ap[DEVICE_MAX_APS - 1]);
	a = device_assoc(c1, ap[3], 100);
	assert_ptr_equal(c1->aps, a);
	assert_int_equal(a->first_time, 3);
	assert_int_equal(a->last_time, 100);
	assert_non_null(device_assoc(c2, ap[3], 5));
	assert_int_equal(ap[3]->n_clients, 2);
	/* Clearing the client removes it from every AP's list. */
	device_assoc_clear(c1);
	assert_int_equal(c1->n_aps, 0);
	assert_null(c1->aps);
	assert_int_equal(ap[3]->n_clients, 1);
	assert_ptr_equal(ap[3]->clients->client, c2);
	for (i = 0; i <= DEVICE_MAX_APS; i++) {
		device_assoc_clear(ap[i]);
		device_free(ap[i]);
	}
	assert_int_equal(c2->n_aps, 0);
	device_free(c1);
	device_free(c2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_and_mac_strings),
		cmocka_unit_test(test_type_strings),
		cmocka_unit_test(test_crypt_and_modes),
		cmocka_unit_test(test_seenby_cap),
		cmocka_unit_test(test_ssid_caps),
		cmocka_unit_test(test_assoc_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
