/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for osprey_gen's frame, element and radiotap builders */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cursor.h"
#include "gen_frames.h"
#include "gen_ie.h"
#include "gen_rand.h"

static struct gen_buf b;

static void
test_crc32_check_value(void **state)
{
	/* The CRC-32 check value of "123456789" (IEEE 802.3). */
	assert_true(gen_crc32((const uint8_t *)"123456789", 9) ==
	    0xcbf43926U);
	assert_true(gen_crc32(NULL, 0) == 0);
}

static void
test_fcs_covers_frame(void **state)
{
	static const uint8_t a1[6] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t a2[6] = { 7, 8, 9, 10, 11, 12 };
	struct cursor c;
	uint16_t fc, dur, sc;
	uint32_t fcs;

	b.len = 0;
	gen_put_u8(&b, 0xee);		/* a byte before the frame */
	gen_hdr3(&b, GEN_FC_QOS_DATA | GEN_FC_TODS, 44, a1, a2, a1, 0x123);
	gen_fcs_append(&b, 1);
	assert_int_equal(b.len, 1 + 24 + 4);
	cur_init(&c, b.data + 1, b.len - 1);
	assert_int_equal(cur_get_le16(&c, &fc), 0);
	assert_int_equal(fc, 0x0188);
	assert_int_equal(cur_get_le16(&c, &dur), 0);
	assert_int_equal(dur, 44);
	assert_int_equal(cur_skip(&c, 18), 0);
	assert_int_equal(cur_get_le16(&c, &sc), 0);
	assert_int_equal(sc, 0x1230);	/* sequence number above fragment */
	assert_int_equal(cur_get_le32(&c, &fcs), 0);
	assert_true(fcs == gen_crc32(b.data + 1, 24));
}

/* Walk a radiotap header and return the offset of field bit, or -1. */
static int
rt_offset(const uint8_t *p, size_t len, int bit)
{
	static const uint8_t align[22] = { 8, 1, 1, 2, 2, 1, 1, 2, 2, 2, 1,
	    1, 1, 1, 2, 2, 1, 1, 4, 1, 4, 2 };
	static const uint8_t size[22] = { 8, 1, 1, 4, 2, 1, 1, 2, 2, 2, 1,
	    1, 1, 1, 2, 2, 1, 1, 8, 3, 8, 12 };
	uint32_t present = (uint32_t)(p[4] | p[5] << 8 | p[6] << 16 |
	    (uint32_t)p[7] << 24);
	size_t off = 8;
	int i;

	for (i = 0; i < 22; i++) {
		if (!(present & 1U << i))
			continue;
		off = (off + align[i] - 1) & ~(size_t)(align[i] - 1);
		if (i == bit)
			return (int)off;
		off += size[i];
	}
	assert_int_equal(off, len);
	return -1;
}

static void
test_radiotap_layout(void **state)
{
	struct gen_radio r;
	size_t n;
	int off;

	memset(&r, 0, sizeof(r));
	r.tsft = 0x0102030405060708ULL;
	r.freq = 5180;
	r.phy = GEN_PHY_VHT;
	r.mcs = 7;
	r.nss = 2;
	r.bw = 80;
	r.signal = -61;
	r.noise = -95;
	r.antenna = 1;
	b.len = 0;
	n = gen_radiotap(&b, &r, true);
	assert_int_equal(n, b.len);
	assert_int_equal(b.data[0], 0);
	assert_int_equal(b.data[2] | b.data[3] << 8, n);
	assert_int_equal(rt_offset(b.data, n, 2), -1);	/* no legacy rate */
	off = rt_offset(b.data, n, 0);
	assert_int_equal(off, 8);
	assert_int_equal(b.data[off], 0x08);
	off = rt_offset(b.data, n, 1);
	assert_int_equal(b.data[off] & 0x10, 0x10);	/* FCS at end */
	off = rt_offset(b.data, n, 3);
	assert_int_equal(off % 2, 0);
	assert_int_equal(b.data[off] | b.data[off + 1] << 8, 5180);
	assert_int_equal(b.data[off + 3] & 0x01, 0x01);	/* 5 GHz */
	off = rt_offset(b.data, n, 5);
	assert_int_equal((int8_t)b.data[off], -61);
	off = rt_offset(b.data, n, 21);
	assert_int_equal(off % 2, 0);
	assert_int_equal(b.data[off + 3], 4);		/* 80 MHz */
	assert_int_equal(b.data[off + 4], 7 << 4 | 2);	/* MCS 7, 2 SS */
	(void)rt_offset(b.data, n, 99);		/* asserts the total length */

	r.phy = GEN_PHY_CCK;
	r.freq = 2412;
	r.rate = 2;
	b.len = 0;
	n = gen_radiotap(&b, &r, false);
	off = rt_offset(b.data, n, 2);
	assert_int_equal(b.data[off], 2);
	off = rt_offset(b.data, n, 3);
	assert_int_equal((b.data[off + 2] | b.data[off + 3] << 8), 0x00a0);
	(void)rt_offset(b.data, n, 99);
	assert_int_equal(gen_rate_kbps(&r), 1000);
	/* 100 bytes at 1 Mb/s: the long preamble and 800 us. */
	assert_int_equal(gen_airtime(&r, 100), 192 + 800);
}

/* Walk elements: they must tile the body exactly. */
static int
walk_ies(const uint8_t *p, size_t len, int want, const uint8_t **ret)
{
	struct cursor c;
	uint8_t id = 0, n = 0;
	const uint8_t *v = NULL;
	int found = -1;

	cur_init(&c, p, len);
	while (cur_left(&c) > 0) {
		assert_int_equal(cur_get_u8(&c, &id), 0);
		assert_int_equal(cur_get_u8(&c, &n), 0);
		assert_int_equal(cur_get_bytes(&c, n, &v), 0);
		if (id == want && found < 0) {
			found = n;
			*ret = v;
		}
	}
	return found;
}

static void
test_elements(void **state)
{
	const uint8_t *v = NULL;
	struct gen_rand rnd;
	struct gen_wps w;
	int n;

	gen_rand_seed(&rnd, 3);
	memset(&w, 0, sizeof(w));
	w.manufacturer = "m";
	w.model = "x";
	w.model_number = "1";
	w.serial = "s";
	w.device_name = "d";
	b.len = 0;
	gen_ie_ssid(&b, (const uint8_t *)"net", 3);
	gen_ie_rates(&b, true);
	gen_ie_country(&b, "US", false);
	gen_ie_rsn(&b, GEN_SEC_WPA3_SAE, GEN_AKM_NONE);
	gen_ie_ht_cap(&b, 2, true);
	gen_ie_ht_op(&b, 36, 1);
	gen_ie_vht_cap(&b, 2);
	gen_ie_vht_op(&b, 42);
	gen_ie_wmm_param(&b);
	gen_ie_wps(&b, &w, true);
	gen_ie_owe_dh(&b, &rnd);

	n = walk_ies(b.data, b.len, 7, &v);
	assert_int_equal(n % 2, 0);		/* country: even length */
	assert_memory_equal(v, "US ", 3);
	n = walk_ies(b.data, b.len, 48, &v);
	/* version, group, 1 pairwise, 1 AKM, caps, PMKID count, BIP */
	assert_int_equal(n, 2 + 4 + 2 + 4 + 2 + 4 + 2 + 2 + 4);
	assert_int_equal(v[17], 8);		/* AKM: SAE */
	assert_int_equal(v[18] & 0xc0, 0xc0);	/* MFPR and MFPC */
	assert_int_equal(walk_ies(b.data, b.len, 45, &v), 26);
	assert_int_equal(v[3], 0xff);		/* two streams */
	assert_int_equal(v[4], 0xff);
	assert_int_equal(v[5], 0);
	assert_int_equal(walk_ies(b.data, b.len, 61, &v), 22);
	assert_int_equal(v[1], 0x05);		/* secondary above, 40 MHz */
	assert_int_equal(walk_ies(b.data, b.len, 191, &v), 12);
	assert_int_equal(v[4] | v[5] << 8, 0xfffa);	/* MCS 0-9, 2 SS */
	assert_int_equal(walk_ies(b.data, b.len, 192, &v), 5);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], 42);
	assert_int_equal(walk_ies(b.data, b.len, 255, &v), 35);
	assert_int_equal(v[0], 32);		/* OWE DH parameter */
}

static void
test_eapol_key(void **state)
{
	static const uint8_t kd[22] = { 0xdd, 20 };
	struct gen_eapol_key k;
	struct gen_rand rnd;
	struct cursor c;
	uint8_t u8;
	uint16_t len, info, dlen;
	uint32_t hi = 1, lo = 0;

	gen_rand_seed(&rnd, 1);
	memset(&k, 0, sizeof(k));
	k.desc = 2;
	k.info = 0x008a;
	k.key_len = 16;
	k.replay = 5;
	k.data = kd;
	k.data_len = sizeof(kd);
	b.len = 0;
	gen_eapol_key(&b, &rnd, &k);
	assert_int_equal(b.len, 4 + 95 + sizeof(kd));
	cur_init(&c, b.data, b.len);
	assert_int_equal(cur_get_u8(&c, &u8), 0);
	assert_int_equal(u8, 2);
	assert_int_equal(cur_get_u8(&c, &u8), 0);
	assert_int_equal(u8, 3);
	assert_int_equal(cur_get_be16(&c, &len), 0);
	assert_int_equal(len, b.len - 4);
	assert_int_equal(cur_get_u8(&c, &u8), 0);
	assert_int_equal(u8, 2);
	assert_int_equal(cur_get_be16(&c, &info), 0);
	assert_int_equal(info, 0x008a);
	assert_int_equal(cur_skip(&c, 2), 0);
	/* The replay counter, big-endian. */
	assert_int_equal(cur_get_be32(&c, &hi), 0);
	assert_int_equal(cur_get_be32(&c, &lo), 0);
	assert_int_equal(hi, 0);
	assert_int_equal(lo, 5);
	assert_int_equal(cur_skip(&c, 32 + 16 + 8 + 8 + 16), 0);
	assert_int_equal(cur_get_be16(&c, &dlen), 0);
	assert_int_equal(dlen, sizeof(kd));
	assert_int_equal(cur_left(&c), sizeof(kd));
}

/* Ones' complement sum of n bytes plus a start value. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static void
test_ip_checksums(void **state)
{
	uint32_t src = 0xc0a8010a, dst = 0x08080808, ps;
	size_t udplen;

	b.len = 0;
	gen_icmp_echo(&b, 8, src, dst, 1, 2, 56, 77);
	assert_int_equal(b.len, 20 + 8 + 56);
	assert_int_equal(sum16(b.data, 20, 0), 0xffff);
	assert_int_equal(sum16(b.data + 20, 64, 0), 0xffff);

	b.len = 0;
	gen_dns(&b, src, dst, 50000, 0x1234, "www.example.com", 0x01020304,
	    9);
	assert_int_equal(sum16(b.data, 20, 0), 0xffff);
	udplen = b.len - 20;
	assert_int_equal(b.data[24] << 8 | b.data[25], udplen);
	/* A response: from the server's port 53 to the client. */
	assert_int_equal(b.data[20] << 8 | b.data[21], 53);
	ps = (dst >> 16) + (dst & 0xffff) + (src >> 16) + (src & 0xffff) +
	    17 + (uint32_t)udplen;
	assert_int_equal(sum16(b.data + 20, udplen, ps), 0xffff);
}

static void
test_rand_deterministic(void **state)
{
	struct gen_rand a, c;
	uint64_t x;
	int i, differ = 0;

	gen_rand_seed(&a, 42);
	gen_rand_seed(&c, 42);
	for (i = 0; i < 1000; i++) {
		x = gen_rand_u64(&a);
		assert_true(x == gen_rand_u64(&c));
	}
	gen_rand_seed(&c, 43);
	for (i = 0; i < 10; i++)
		differ += gen_rand_u64(&a) != gen_rand_u64(&c);
	assert_true(differ > 0);
	for (i = 0; i < 10000; i++) {
		assert_true(gen_rand_below(&a, 7) < 7);
		x = (uint64_t)gen_rand_range(&a, -3, 3) + 3;
		assert_true(x <= 6);
		assert_true(gen_rand_unit(&a) < 1.0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_check_value),
		cmocka_unit_test(test_fcs_covers_frame),
		cmocka_unit_test(test_radiotap_layout),
		cmocka_unit_test(test_elements),
		cmocka_unit_test(test_eapol_key),
		cmocka_unit_test(test_ip_checksums),
		cmocka_unit_test(test_rand_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
