/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the pcapng block writer
 *
 * Blocks are checked field by field, then a whole file is read back
 * through libpcap, an independent pcapng reader.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "cursor.h"
#include "pcapng.h"

static uint32_t
le32_at(const uint8_t *p)
{
	struct cursor c;
	uint32_t v = 0;

	cur_init(&c, p, 4);
	(void)cur_get_le32(&c, &v);
	return v;
}

static void
test_shb_layout(void **state)
{
	uint8_t buf[256];
	ssize_t n;

	n = pcapng_write_shb(buf, sizeof(buf), "osprey test");
	/* 28 fixed + option (4 + 12) + end of options (4) */
	assert_int_equal(n, 48);
	assert_int_equal(le32_at(buf), PCAPNG_BT_SHB);
	assert_int_equal(le32_at(buf + 4), 48);
	assert_int_equal(le32_at(buf + 8), PCAPNG_BYTE_ORDER_MAGIC);
	assert_int_equal(le32_at(buf + 44), 48);
	assert_memory_equal(buf + 28, "osprey test\0", 12);
	/* Without an option: only the fixed part. */
	assert_int_equal(pcapng_write_shb(buf, sizeof(buf), NULL), 28);
	assert_int_equal(pcapng_write_shb(buf, 27, NULL), -ENOSPC);
}

static void
test_idb_layout(void **state)
{
	uint8_t buf[256];
	ssize_t n;

	n = pcapng_write_idb(buf, sizeof(buf), 127, 65535, "wlan0", NULL);
	/* 20 fixed + if_name (4 + 8) + tsresol (4 + 4) + end (4) */
	assert_int_equal(n, 44);
	assert_int_equal(le32_at(buf), PCAPNG_BT_IDB);
	assert_int_equal(buf[8], 127);
	assert_int_equal(le32_at(buf + 12), 65535);
	assert_int_equal(buf[16], 2);		/* if_name */
	assert_int_equal(buf[18], 5);
	assert_memory_equal(buf + 20, "wlan0\0\0\0", 8);
	assert_int_equal(buf[28], 9);		/* if_tsresol */
	assert_int_equal(buf[32], 6);
	assert_int_equal(le32_at(buf + 40), 44);
	assert_int_equal(pcapng_write_idb(buf, 43, 127, 0, "wlan0", NULL),
	    -ENOSPC);
}

static void
test_epb_layout_and_limits(void **state)
{
	static const uint8_t pkt[5] = { 1, 2, 3, 4, 5 };
	uint8_t buf[64];
	ssize_t n;

	assert_int_equal(pcapng_epb_len(5), 40);
	n = pcapng_write_epb(buf, sizeof(buf), 3, 0x0000000100000002ULL, pkt,
	    5, 9);
	assert_int_equal(n, 40);
	assert_int_equal(le32_at(buf), PCAPNG_BT_EPB);
	assert_int_equal(le32_at(buf + 8), 3);
	assert_int_equal(le32_at(buf + 12), 1);		/* ts high */
	assert_int_equal(le32_at(buf + 16), 2);		/* ts low */
	assert_int_equal(le32_at(buf + 20), 5);
	assert_int_equal(le32_at(buf + 24), 9);
	assert_memory_equal(buf + 28, pkt, 5);
	assert_int_equal(buf[33], 0);			/* padding */
	assert_int_equal(le32_at(buf + 36), 40);
	assert_int_equal(pcapng_write_epb(buf, 39, 0, 0, pkt, 5, 5), -ENOSPC);
	assert_int_equal(pcapng_write_epb(buf, 64, 0, 0, pkt, 5, 4), -EINVAL);
	assert_int_equal(pcapng_write_epb(buf, 64, 0, 0, NULL, 0, 0), 32);
}

static void
test_long_strings_refused(void **state)
{
	static uint8_t buf[4 * PCAPNG_OPT_MAX];
	char *s;

	s = malloc(PCAPNG_OPT_MAX + 2);
	memset(s, 'x', PCAPNG_OPT_MAX + 1);
	s[PCAPNG_OPT_MAX + 1] = '\0';
	assert_int_equal(pcapng_write_shb(buf, sizeof(buf), s), -EINVAL);
	assert_int_equal(pcapng_write_idb(buf, sizeof(buf), 1, 0, s, NULL),
	    -EINVAL);
	s[PCAPNG_OPT_MAX] = '\0';
	assert_true(pcapng_write_idb(buf, sizeof(buf), 1, 0, s, s) <=
	    PCAPNG_HDR_BLOCK_MAX);
	free(s);
}

/* A file of SHB, two IDBs of one link type and packets on both. */
static void
test_libpcap_reads_it_back(void **state)
{
	static uint8_t buf[8192];
	uint8_t pkt[300];
	char path[] = "/tmp/test_pcapng_XXXXXX";
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t off = 0, i;
	pcap_t *p;
	FILE *fp;
	int fd, r;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	off += pcapng_write_shb(buf + off, sizeof(buf) - off, "osprey");
	off += pcapng_write_idb(buf + off, sizeof(buf) - off, 105, 0, "a",
	    NULL);
	off += pcapng_write_idb(buf + off, sizeof(buf) - off, 105, 0, "b",
	    "second");
	for (i = 0; i < 6; i++)
		off += pcapng_write_epb(buf + off, sizeof(buf) - off,
		    (uint32_t)(i & 1), 1700000000ULL * 1000000 + i * 1001,
		    pkt, 10 + i * 50, 10 + i * 50 + (i == 3 ? 7 : 0));
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, buf, off), (ssize_t)off);
	close(fd);

	fp = fopen(path, "rb");
	assert_non_null(fp);
	p = pcap_fopen_offline(fp, errbuf);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), 105);
	for (i = 0; i < 6; i++) {
		r = pcap_next_ex(p, &h, &data);
		assert_int_equal(r, 1);
		assert_int_equal(h->caplen, 10 + i * 50);
		assert_int_equal(h->len, 10 + i * 50 + (i == 3 ? 7 : 0));
		assert_int_equal(h->ts.tv_sec, 1700000000);
		assert_int_equal(h->ts.tv_usec, i * 1001);
		assert_memory_equal(data, pkt, h->caplen);
	}
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shb_layout),
		cmocka_unit_test(test_idb_layout),
		cmocka_unit_test(test_epb_layout_and_limits),
		cmocka_unit_test(test_long_strings_refused),
		cmocka_unit_test(test_libpcap_reads_it_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
