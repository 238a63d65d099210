/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for osprey_gen's writers, read back with libpcap */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "gen_out.h"

static char dir[64];

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/gen_out.XXXXXX", t ? t : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *files[] = { "a.pcapng", "a.pcap", "seeds/f",
	    "seeds" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		(void)remove(path);
	}
	return rmdir(dir);
}

/* Frames of 1, 5 (pcapng padding) and 300 bytes. */
static const size_t lens[3] = { 1, 5, 300 };

static void
write_three(const char *path, enum gen_format fmt, int dlt)
{
	struct gen_out *o;
	uint8_t frame[300];
	size_t i, k;

	o = gen_out_open(path, fmt, dlt);
	assert_non_null(o);
	for (i = 0; i < 3; i++) {
		for (k = 0; k < lens[i]; k++)
			frame[k] = (uint8_t)(i * 16 + k);
		assert_int_equal(gen_out_write(o,
		    1700000000000000ULL + i * 1500001, frame, lens[i], "f"),
		    0);
	}
	assert_int_equal(gen_out_close(o), 0);
}

static void
read_back(const char *path, int dlt)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	size_t i, k;

	p = pcap_open_offline(path, err);
	if (p == NULL)
		fail_msg("%s: %s", path, err);
	assert_int_equal(pcap_datalink(p), dlt);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pcap_next_ex(p, &h, &data), 1);
		assert_int_equal(h->caplen, lens[i]);
		assert_int_equal(h->len, lens[i]);
		assert_int_equal(h->ts.tv_sec, 1700000000 + (i * 1500001) /
		    1000000);
		assert_int_equal(h->ts.tv_usec, (i * 1500001) % 1000000);
		for (k = 0; k < lens[i]; k++)
			assert_int_equal(data[k], (uint8_t)(i * 16 + k));
	}
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);
}

static void
test_pcapng_reads_back(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/a.pcapng", dir);
	write_three(path, GEN_FMT_PCAPNG, 127);
	read_back(path, 127);
}

static void
test_pcap_reads_back(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/a.pcap", dir);
	write_three(path, GEN_FMT_PCAP, 105);
	read_back(path, 105);
}

static void
test_dir_writes_files(void **state)
{
	char path[128], file[160];
	struct stat st;

	snprintf(path, sizeof(path), "%s/seeds", dir);
	write_three(path, GEN_FMT_DIR, 127);
	/* Every write used the name "f": the last one stays. */
	snprintf(file, sizeof(file), "%s/f", path);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 300);
}

static void
test_open_fails_cleanly(void **state)
{
	assert_null(gen_out_open("/nonexistent/dir/x.pcapng", GEN_FMT_PCAPNG,
	    127));
	assert_null(gen_out_open("/nonexistent/dir/x.pcap", GEN_FMT_PCAP,
	    127));
	assert_int_equal(gen_out_close(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcapng_reads_back),
		cmocka_unit_test(test_pcap_reads_back),
		cmocka_unit_test(test_dir_writes_files),
		cmocka_unit_test(test_open_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
