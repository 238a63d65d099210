/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the packet log: names, blocks, flushing
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "cursor.h"
#include "packet.h"
#include "pcaplog.h"
#include "pcapng.h"

static void
test_expand(void **state)
{
	struct pcaplog_names nm = { "/var/log/osprey", "Site", "pcapng",
	    "/home/o", 0 };
	struct tm tm = { .tm_year = 124, .tm_mon = 2, .tm_mday = 5,
	    .tm_hour = 7, .tm_min = 8, .tm_sec = 9, .tm_isdst = -1 };
	char out[256], err[128];

	nm.when = mktime(&tm);
	assert_int_equal(pcaplog_expand("%p/%n-%D-%t-%i.%l", &nm, 3, out,
	    sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out,
	    "/var/log/osprey/Site-20240305-07-08-09-3.pcapng");
	assert_int_equal(pcaplog_expand("%h/x%%y", &nm, 1, out, sizeof(out),
	    err, sizeof(err)), 0);
	assert_string_equal(out, "/home/o/x%y");
	assert_int_equal(pcaplog_expand("%p/%z", &nm, 1, out, sizeof(out),
	    err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'%z'"));
	assert_int_equal(pcaplog_expand("%p/%n", &nm, 1, out, 10, err,
	    sizeof(err)), -ENAMETOOLONG);
	/* A trailing lone % is an unknown escape, not a read past the end. */
	assert_int_equal(pcaplog_expand("a%", &nm, 1, out, sizeof(out), err,
	    sizeof(err)), -EINVAL);
}

/* Walk the file's blocks: count IDBs and EPBs, check each IDB's dlt. */
static void
walk(const char *path, unsigned *n_idb, unsigned *n_epb, uint16_t *dlts)
{
	static uint8_t buf[1 << 20];
	struct cursor c, b = { NULL, 0, 0 };
	uint32_t type = 0, len = 0;
	uint16_t dlt = 0;
	size_t n;
	FILE *fp;

	assert_non_null(fp = fopen(path, "rb"));
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	*n_idb = *n_epb = 0;
	cur_init(&c, buf, n);
	while (cur_left(&c) > 0) {
		assert_int_equal(cur_get_le32(&c, &type), 0);
		assert_int_equal(cur_get_le32(&c, &len), 0);
		assert_true(len >= 12 && len % 4 == 0);
		assert_int_equal(cur_sub(&c, len - 8, &b), 0);
		if (type == PCAPNG_BT_IDB) {
			assert_int_equal(cur_get_le16(&b, &dlt), 0);
			dlts[(*n_idb)++] = dlt;
		} else if (type == PCAPNG_BT_EPB)
			(*n_epb)++;
		else
			assert_int_equal(type, PCAPNG_BT_SHB);
	}
}

static void
test_one_idb_per_source_and_dlt(void **state)
{
	struct pcaplog_names nm = { "/tmp", "t", "pcapng", "/", 0 };
	char tmpl[64], path[256], path2[256], err[256];
	uint8_t frame[64] = { 0 };
	struct event_base *base = event_base_new();
	struct packet p = { .data = frame, .caplen = 40, .len = 50 };
	struct pcaplog *l, *l2;
	unsigned n_idb, n_epb, i;
	uint16_t dlts[8];
	struct stat st;
	char dir[] = "/tmp/test_pcaplog_XXXXXX";

	assert_non_null(mkdtemp(dir));
	snprintf(tmpl, sizeof(tmpl), "%s/%%n-%%i.%%l", dir);
	nm.when = time(NULL);
	l = pcaplog_open(base, tmpl, &nm, path, sizeof(path), err,
	    sizeof(err));
	assert_non_null(l);
	assert_non_null(strstr(path, "/t-1.pcapng"));
	/* A second log of the same run takes the next increment. */
	l2 = pcaplog_open(base, tmpl, &nm, path2, sizeof(path2), err,
	    sizeof(err));
	assert_non_null(l2);
	assert_non_null(strstr(path2, "/t-2.pcapng"));
	pcaplog_close(l2);

	for (i = 0; i < 6; i++) {
		p.source = 1 + i % 2;		/* sources 1 and 2 */
		p.dlt = i < 4 ? 127 : 105;	/* source 1 and 2 switch dlt */
		p.ts_sec = 1700000000;
		p.ts_usec = i;
		assert_int_equal(pcaplog_write(l, &p, "src", "uuid"), 0);
	}
	assert_int_equal(pcaplog_interfaces(l), 4);
	assert_int_equal(pcaplog_packets(l), 6);
	/* Nothing is written until the loop pass ends. */
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 200);
	event_base_loop(base, EVLOOP_NONBLOCK);
	walk(path, &n_idb, &n_epb, dlts);
	assert_int_equal(n_idb, 4);
	assert_int_equal(n_epb, 6);
	assert_int_equal(dlts[0], 127);
	assert_int_equal(dlts[3], 105);
	/* Refused: caplen over len, a dlt pcapng cannot hold. */
	p.caplen = 60;
	assert_int_equal(pcaplog_write(l, &p, "src", "uuid"), -EINVAL);
	p.caplen = 40;
	p.dlt = 70000;
	assert_int_equal(pcaplog_write(l, &p, "src", "uuid"), -EINVAL);
	pcaplog_close(l);
	unlink(path);
	unlink(path2);
	rmdir(dir);
	/* A folder that is not there: a reason, no log. */
	snprintf(tmpl, sizeof(tmpl), "%s/none/x.%%l", dir);
	assert_null(pcaplog_open(base, tmpl, &nm, path, sizeof(path), err,
	    sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	event_base_free(base);
}

/*
 * A full disk, as a file size limit makes it (EFBIG; SIGXFSZ ignored, as
 * the core does): the log stops with the reason, the file ends with the
 * last whole block and the count is what it holds.  Before, the file
 * ended mid-block (tshark: "cut short in the middle of a packet") and
 * the count included the packet cut in half.
 */
static void
test_file_size_limit(void **state)
{
	struct pcaplog_names nm = { "/tmp", "full", "pcapng", "/", 0 };
	char tmpl[64], path[256], err[256];
	uint8_t frame[1000] = { 0 };
	struct event_base *base = event_base_new();
	struct packet p = { .data = frame, .caplen = sizeof(frame),
	    .len = sizeof(frame), .source = 1, .dlt = 105 };
	struct rlimit old, lim;
	struct pcaplog *l;
	unsigned n_idb, n_epb, i, pass;
	uint16_t dlts[8];
	struct stat st;
	char dir[] = "/tmp/test_pcaplog_XXXXXX";

	assert_non_null(mkdtemp(dir));
	snprintf(tmpl, sizeof(tmpl), "%s/%%n.%%l", dir);
	nm.when = time(NULL);
	assert_non_null(l = pcaplog_open(base, tmpl, &nm, path, sizeof(path),
	    err, sizeof(err)));
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 50001;	/* inside the eighth pass's blocks */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (pass = 0; pass < 20 && !pcaplog_failed(l); pass++) {
		for (i = 0; i < 7; i++) {
			p.ts_sec = 1700000000 + pass;
			p.ts_usec = i;
			if (pcaplog_write(l, &p, "src", "uuid") < 0)
				break;
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_true(pcaplog_failed(l));
	assert_int_equal(pcaplog_error(l), EFBIG);
	assert_int_equal(pcaplog_write(l, &p, "src", "uuid"), -EIO);
	/* Whole blocks only, and the count says how many packets. */
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 50001);
	walk(path, &n_idb, &n_epb, dlts);
	assert_int_equal(n_idb, 1);
	assert_true(n_epb > 40);
	assert_int_equal(pcaplog_packets(l), n_epb);
	pcaplog_close(l);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 50001);
	unlink(path);
	rmdir(dir);
	event_base_free(base);
}

/*
 * Thousands of sources (remote sensors come and go): each (source, dlt)
 * has one interface block, found again for its next packet, and every
 * packet names the block of its source.
 */
static void
test_many_sources(void **state)
{
	static uint8_t buf[1 << 21];
	struct pcaplog_names nm = { "/tmp", "many", "pcapng", "/", 0 };
	char tmpl[64], path[256], err[256];
	uint8_t frame[16] = { 0 };
	struct event_base *base = event_base_new();
	struct packet p = { .data = frame, .caplen = 16, .len = 16 };
	struct cursor c, b = { NULL, 0, 0 };
	uint32_t type = 0, len = 0, ifid = 0, n_epb = 0;
	struct pcaplog *l;
	unsigned i, round;
	size_t n;
	FILE *fp;
	char dir[] = "/tmp/test_pcaplog_XXXXXX";

	assert_non_null(mkdtemp(dir));
	snprintf(tmpl, sizeof(tmpl), "%s/%%n.%%l", dir);
	assert_non_null(l = pcaplog_open(base, tmpl, &nm, path, sizeof(path),
	    err, sizeof(err)));
	for (round = 0; round < 2; round++)
		for (i = 0; i < 3000; i++) {
			/* The second round in reverse, and its packets carry
			   their interface's number to check below. */
			p.source = round == 0 ? i + 1 : 3000 - i;
			p.dlt = 127;
			p.ts_sec = 0;
			p.ts_usec = p.source;
			assert_int_equal(pcaplog_write(l, &p, "s", "u"), 0);
		}
	assert_int_equal(pcaplog_interfaces(l), 3000);
	p.dlt = 105;		/* another link type: another block */
	assert_int_equal(pcaplog_write(l, &p, "s", "u"), 0);
	assert_int_equal(pcaplog_interfaces(l), 3001);
	pcaplog_close(l);
	assert_non_null(fp = fopen(path, "rb"));
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	cur_init(&c, buf, n);
	while (cur_get_le32(&c, &type) == 0 && cur_get_le32(&c, &len) == 0 &&
	    cur_sub(&c, len - 8, &b) == 0) {
		if (type != PCAPNG_BT_EPB)
			continue;
		assert_int_equal(cur_get_le32(&b, &ifid), 0);
		if (n_epb++ == 6000) {
			assert_int_equal(ifid, 3000);
			continue;
		}
		/* Source s got block s - 1; its time is s microseconds. */
		assert_int_equal(cur_skip(&b, 4), 0);
		assert_int_equal(cur_get_le32(&b, &len), 0);
		assert_int_equal(ifid + 1, len);
	}
	assert_int_equal(n_epb, 6001);
	unlink(path);
	rmdir(dir);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_one_idb_per_source_and_dlt),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_many_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
