/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the 802.11 frame decoder */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dot11.h"
#include "frames.h"
#include "packet.h"

static const uint8_t ap[6] = { 0x02, 0xaa, 0xaa, 0xaa, 0xaa, 0x01 };
static const uint8_t sta[6] = { 0x02, 0x5a, 0x5a, 0x5a, 0x5a, 0x02 };
static const uint8_t host[6] = { 0x02, 0x77, 0x77, 0x77, 0x77, 0x03 };
static const uint8_t peer[6] = { 0x02, 0x33, 0x33, 0x33, 0x33, 0x04 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void
beacon(struct fb *f, unsigned cap, size_t body_cut)
{
	f->n = 0;
	fb_hdr(f, DOT11_TYPE_MGMT, DOT11_MGMT_BEACON, 0, bcast, ap, ap, 1234);
	fb_le64(f, 0x1122334455667788ULL);
	fb_le16(f, 100);
	fb_le16(f, cap);
	fb_ie_str(f, 0, "osprey");
	fb_ie(f, 1, "\x82\x84\x8b\x96", 4);
	fb_ie(f, 3, "\x06", 1);
	if (body_cut)
		f->n = 24 + body_cut;
}

static void
test_beacon(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	beacon(&f, 0x0011, 0);		/* ESS, privacy */
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.type, DOT11_TYPE_MGMT);
	assert_int_equal(d.subtype, DOT11_MGMT_BEACON);
	assert_int_equal(d.n_addr, 3);
	assert_memory_equal(d.ra, bcast, 6);
	assert_memory_equal(d.dst, bcast, 6);
	assert_memory_equal(d.src, ap, 6);
	assert_memory_equal(d.ta, ap, 6);
	assert_memory_equal(d.bssid, ap, 6);
	assert_true(d.has_bssid && d.has_src && d.has_dst && d.has_ta);
	assert_int_equal(d.seq, 1234);
	assert_int_equal(d.frag, 0);
	assert_true(d.timestamp == 0x1122334455667788ULL);
	assert_int_equal(d.beacon_interval, 100);
	assert_int_equal(d.capability, 0x0011);
	assert_true(d.ies.has_ssid);
	assert_memory_equal(d.ies.ssid, "osprey", 6);
	assert_int_equal(d.ies.ds_channel, 6);
	assert_int_equal(d.ies.n_rates, 4);
	/* Privacy and no RSN or WPA element: WEP. */
	assert_int_equal(d.ies.crypt, DOT11_CRYPT_WEP);
	assert_int_equal(d.body_len, f.n - 24);
	assert_ptr_equal(d.body, f.b + 24);

	/* The same frame cut by the capture (an RSN element may have
	 * followed): encrypted, generation unknown. */
	assert_int_equal(dot11_decode(f.b, f.n, DOT11_F_CUT, &d), 0);
	assert_int_equal(d.ies.crypt, DOT11_CRYPT_UNKNOWN);

	beacon(&f, 0x0001, 0);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.ies.crypt, 0);
	assert_int_equal(dot11_decode(f.b, f.n, DOT11_F_CUT, &d), 0);
	assert_int_equal(d.ies.crypt, 0);
}

static void
test_mgmt_fixed_fields_cut(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	/* A beacon body too short for its fixed fields is malformed... */
	beacon(&f, 0, 10);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), -DOT11_ERR_BODY);
	assert_memory_equal(d.bssid, ap, 6);
	/* ...unless the capture is what cut it. */
	assert_int_equal(dot11_decode(f.b, f.n, DOT11_F_CUT, &d), 0);
	assert_true(d.truncated);
	assert_false(d.ies.has_ssid);
	/* An element list cut by the capture keeps what came before. */
	beacon(&f, 0, 12 + 8 + 3);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), -DOT11_ERR_BODY);
	assert_int_equal(dot11_decode(f.b, f.n, DOT11_F_CUT, &d), 0);
	assert_true(d.ies.has_ssid);
	assert_true(d.ies.truncated);
}

static void
test_other_mgmt(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	/* Deauthentication, reason 7. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_MGMT, DOT11_MGMT_DEAUTH, 0, sta, ap, ap, 1);
	fb_le16(&f, 7);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.reason, 7);
	f.n--;
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), -DOT11_ERR_BODY);

	/* Open system authentication, then SAE whose body is no element
	 * list (the bytes would read as a broken element). */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_MGMT, DOT11_MGMT_AUTH, 0, ap, sta, ap, 2);
	fb_le16(&f, 0);
	fb_le16(&f, 1);
	fb_le16(&f, 0);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.auth_seq, 1);
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_MGMT, DOT11_MGMT_AUTH, 0, ap, sta, ap, 2);
	fb_le16(&f, 3);
	fb_le16(&f, 1);
	fb_le16(&f, 0);
	fb_le16(&f, 19);		/* group */
	fb_bytes(&f, "\x01\xff\x02", 3);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.auth_alg, 3);

	/* Association response: status, then elements. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_MGMT, DOT11_MGMT_ASSOC_RESP, 0, sta, ap, ap, 3);
	fb_le16(&f, 0x0401);
	fb_le16(&f, 17);
	fb_le16(&f, 0xc001);
	fb_ie(&f, 1, "\x82", 1);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.status, 17);
	assert_int_equal(d.capability, 0x0401);
	assert_int_equal(d.ies.n_rates, 1);

	/* Reassociation request names the current AP before elements. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_MGMT, DOT11_MGMT_REASSOC_REQ, 0, ap, sta, ap,
	    4);
	fb_le16(&f, 0x0431);
	fb_le16(&f, 10);
	fb_bytes(&f, peer, 6);
	fb_ie_str(&f, 0, "net");
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.ies.ssid_len, 3);

	/* Action: the category only. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_MGMT, DOT11_MGMT_ACTION, 0, ap, sta, ap, 5);
	fb_u8(&f, 3);
	fb_u8(&f, 0);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.action_category, 3);
}

/* Data frame addresses for each ToDS/FromDS combination (Table 9-30). */
static void
test_data_addresses(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x01, ap, sta, host, 10);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_true(d.tods && !d.fromds);
	assert_memory_equal(d.bssid, ap, 6);
	assert_memory_equal(d.src, sta, 6);
	assert_memory_equal(d.dst, host, 6);

	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x02, sta, ap, host, 10);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_memory_equal(d.dst, sta, 6);
	assert_memory_equal(d.bssid, ap, 6);
	assert_memory_equal(d.src, host, 6);
	assert_memory_equal(d.ta, ap, 6);

	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x00, sta, host, ap, 10);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_memory_equal(d.dst, sta, 6);
	assert_memory_equal(d.src, host, 6);
	assert_memory_equal(d.bssid, ap, 6);

	/* WDS: four addresses and no BSSID. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x03, ap, peer, host, 10);
	fb_bytes(&f, sta, 6);
	fb_snap(&f, 0x0800);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.n_addr, 4);
	assert_false(d.has_bssid);
	assert_memory_equal(d.ra, ap, 6);
	assert_memory_equal(d.ta, peer, 6);
	assert_memory_equal(d.dst, host, 6);
	assert_memory_equal(d.src, sta, 6);
	assert_int_equal(d.ethertype, 0x0800);
	/* Cut inside addr4. */
	assert_int_equal(dot11_decode(f.b, 27, 0, &d), -DOT11_ERR_SHORT);
}

static void
test_qos_eapol(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 8, 0x02, sta, ap, ap, 20);
	fb_le16(&f, 0x0006);			/* TID 6 */
	fb_snap(&f, 0x888e);
	fb_eapol_key(&f, 2, 0x008a, 1, 0x11, 0, 0);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_true(d.qos);
	assert_int_equal(d.tid, 6);
	assert_int_equal(d.ethertype, 0x888e);
	assert_int_equal(d.eapol.msg, 1);
	assert_int_equal(d.eapol.key_info, 0x008a);

	/* +HTC: QoS data with Order set carries 4 more header bytes. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 8, 0x80 | 0x01, ap, sta, ap, 21);
	fb_le16(&f, 0x0000);
	fb_le32(&f, 0xfffffffc);
	fb_snap(&f, 0x888e);
	fb_eapol_key(&f, 2, 0x010a, 1, 0x22, 0x33, 22);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_true(d.order);
	assert_int_equal(d.eapol.msg, 2);

	/* Radiotap data padding: the 26-byte QoS header padded to 28. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 8, 0x01, ap, sta, ap, 22);
	fb_le16(&f, 0x0000);
	fb_le16(&f, 0xeeee);
	fb_snap(&f, 0x0806);
	assert_int_equal(dot11_decode(f.b, f.n, DOT11_F_DATAPAD, &d), 0);
	assert_int_equal(d.ethertype, 0x0806);
	assert_int_equal(d.body_len, 8);

	/* A-MSDU: the first subframe header comes before the LLC. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 8, 0x01, ap, sta, ap, 23);
	fb_le16(&f, 0x0080);
	fb_bytes(&f, host, 6);
	fb_bytes(&f, sta, 6);
	fb_be16(&f, 8 + 4);
	fb_snap(&f, 0x86dd);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_true(d.amsdu);
	assert_int_equal(d.ethertype, 0x86dd);

	/* A broken EAPOL-Key frame is a malformed body. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x01, ap, sta, ap, 24);
	fb_snap(&f, 0x888e);
	fb_eapol_key(&f, 2, 0x010a, 1, 0x22, 0x33, 0);
	assert_int_equal(dot11_decode(f.b, f.n - 40, 0, &d),
	    -DOT11_ERR_BODY);
	assert_int_equal(dot11_decode(f.b, f.n - 40, DOT11_F_CUT, &d), 0);
	assert_int_equal(d.eapol.key_info, 0x010a);
}

static void
test_protected(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	/* Encrypted: the body is not read, so no ethertype. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x41, ap, sta, ap, 30);
	fb_snap(&f, 0x888e);
	fb_zero(&f, 8);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_true(d.protected_);
	assert_int_equal(d.ethertype, 0);
	/* Shorter than a WEP IV and ICV: malformed, unless cut. */
	assert_int_equal(dot11_decode(f.b, 24 + 7, 0, &d), -DOT11_ERR_BODY);
	assert_int_equal(dot11_decode(f.b, 24 + 7, DOT11_F_CUT, &d), 0);
	/* A protected null frame has no body to check. */
	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 4, 0x41, ap, sta, ap, 31);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
}

static void
test_control_frames(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	/* ACK and CTS: RA only. */
	f.n = 0;
	fb_u8(&f, DOT11_TYPE_CTRL << 2 | DOT11_CTRL_ACK << 4);
	fb_u8(&f, 0);
	fb_le16(&f, 0);
	fb_bytes(&f, sta, 6);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.n_addr, 1);
	assert_memory_equal(d.ra, sta, 6);
	assert_false(d.has_ta || d.has_bssid || d.has_src);
	assert_int_equal(dot11_decode(f.b, f.n - 1, 0, &d),
	    -DOT11_ERR_SHORT);

	/* RTS: RA and TA. */
	f.b[0] = DOT11_TYPE_CTRL << 2 | 11 << 4;
	fb_bytes(&f, ap, 6);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_int_equal(d.n_addr, 2);
	assert_true(d.has_ta);
	assert_memory_equal(d.ta, ap, 6);
	assert_int_equal(dot11_decode(f.b, f.n - 1, 0, &d),
	    -DOT11_ERR_SHORT);

	/* PS-Poll goes to the AP: RA is the BSSID. */
	f.b[0] = DOT11_TYPE_CTRL << 2 | DOT11_CTRL_PSPOLL << 4;
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_memory_equal(d.bssid, sta, 6);
	assert_memory_equal(d.ta, ap, 6);

	/* CF-End comes from the AP: addr2 is the BSSID. */
	f.b[0] = DOT11_TYPE_CTRL << 2 | DOT11_CTRL_CFEND << 4;
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_memory_equal(d.bssid, ap, 6);
	assert_false(d.has_ta);
}

static void
test_header_faults(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	f.n = 0;
	fb_hdr(&f, DOT11_TYPE_DATA, 0, 0x01, ap, sta, ap, 1);
	assert_int_equal(dot11_decode(f.b, 0, 0, &d), -DOT11_ERR_SHORT);
	assert_int_equal(dot11_decode(f.b, 3, 0, &d), -DOT11_ERR_SHORT);
	assert_int_equal(dot11_decode(f.b, 23, 0, &d), -DOT11_ERR_SHORT);
	/* What was read before the fault stays. */
	assert_int_equal(d.n_addr, 3);
	assert_memory_equal(d.ra, ap, 6);
	/* QoS subtype without room for QoS control. */
	f.b[0] = DOT11_TYPE_DATA << 2 | 8 << 4;
	assert_int_equal(dot11_decode(f.b, 24, 0, &d), -DOT11_ERR_SHORT);
	/* Protocol version 1 is not decoded. */
	f.b[0] = DOT11_TYPE_DATA << 2 | 1;
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), -DOT11_ERR_BODY);
}

static void
test_dmg_beacon(void **state)
{
	struct packet_dot11 d;
	struct fb f;

	f.n = 0;
	fb_u8(&f, DOT11_TYPE_EXT << 2);
	fb_u8(&f, 0);
	fb_le16(&f, 651);
	fb_bytes(&f, ap, 6);
	fb_le64(&f, 42);
	fb_zero(&f, 3);
	fb_le16(&f, 100);
	assert_int_equal(dot11_decode(f.b, f.n, 0, &d), 0);
	assert_memory_equal(d.bssid, ap, 6);
	assert_memory_equal(d.ta, ap, 6);
	assert_int_equal(d.beacon_interval, 100);
	assert_true(d.timestamp == 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_beacon),
		cmocka_unit_test(test_mgmt_fixed_fields_cut),
		cmocka_unit_test(test_other_mgmt),
		cmocka_unit_test(test_data_addresses),
		cmocka_unit_test(test_qos_eapol),
		cmocka_unit_test(test_protected),
		cmocka_unit_test(test_control_frames),
		cmocka_unit_test(test_header_faults),
		cmocka_unit_test(test_dmg_beacon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
