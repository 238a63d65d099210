/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the pcapng blocks of live streams
 *
 * The blocks are written to a file and read back with libpcap, an
 * independent reader (the web worker itself never links libpcap).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <pcap/pcap.h>

#include "pcapstream.h"

static char *
to_file(struct evbuffer *b)
{
	static char path[64];
	size_t len = evbuffer_get_length(b);
	unsigned char *p = evbuffer_pullup(b, -1);
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/osprey-test-pcapng-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_int_equal(fwrite(p, 1, len, fp), len);
	fclose(fp);
	return path;
}

static void
test_blocks_read_back(void **state)
{
	static const uint8_t f1[] = { 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0xaa };			/* 9 bytes: padding */
	static const uint8_t f2[] = { 0x80, 0x00, 0x00, 0x00 };
	struct evbuffer *b = evbuffer_new();
	char errbuf[PCAP_ERRBUF_SIZE], *path;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	size_t n;

	n = pcapstream_write_shb(b);
	assert_int_equal(n % 4, 0);
	assert_int_equal(pcapstream_write_idb(b, 127, "wlan0mon") % 4, 0);
	assert_int_equal(pcapstream_write_epb(b, 0, 1700000000123456ULL, f1,
	    sizeof(f1), 100), 32 + 12);
	assert_int_equal(pcapstream_write_idb(b, 127, "second"), 44);
	pcapstream_write_epb(b, 1, 1700000001000000ULL, f2, sizeof(f2), 4);
	path = to_file(b);

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), 127);
	assert_int_equal(pcap_next_ex(p, &h, &data), 1);
	assert_int_equal(h->caplen, sizeof(f1));
	assert_int_equal(h->len, 100);
	assert_int_equal(h->ts.tv_sec, 1700000000);
	assert_int_equal(h->ts.tv_usec, 123456);
	assert_memory_equal(data, f1, sizeof(f1));
	assert_int_equal(pcap_next_ex(p, &h, &data), 1);
	assert_int_equal(h->caplen, 4);
	assert_int_equal(h->ts.tv_sec, 1700000001);
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);
	unlink(path);
	evbuffer_free(b);
}

static void
test_idb_layout(void **state)
{
	struct evbuffer *b = evbuffer_new();
	unsigned char *p;
	size_t n;

	/* A name longer than the cap is cut, the block stays well formed. */
	char name[400];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	n = pcapstream_write_idb(b, 105, name);
	p = evbuffer_pullup(b, -1);
	assert_int_equal(p[0], 1);			/* block type, LE */
	assert_int_equal(p[4] | p[5] << 8, n);		/* total length */
	assert_int_equal(p[n - 4] | p[n - 3] << 8, n);	/* and at the end */
	assert_int_equal(p[8] | p[9] << 8, 105);	/* link type */
	assert_int_equal(p[16] | p[17] << 8, 2);	/* if_name */
	assert_int_equal(p[18] | p[19] << 8, 256);
	evbuffer_free(b);
}

static void
test_no_core_no_stream(void **state)
{
	struct pcapstreams *s = pcapstreams_new(NULL, 1024, 4);

	assert_int_equal(pcapstreams_open(s, NULL, PCAPSTREAM_ALL, NULL, NULL,
	    "x"), -ENOTCONN);
	pcapstreams_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_read_back),
		cmocka_unit_test(test_idb_layout),
		cmocka_unit_test(test_no_core_no_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
