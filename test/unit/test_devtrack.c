/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the core's device tracking: config, JSON dump */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <yajl/yajl_tree.h>

#include "config.h"
#include "decode.h"
#include "devrec.h"
#include "devtrack.h"
#include "packet.h"
#include "tracker.h"

static char tmpdir[64];

static int
setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_devtrack.XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A devtrack from config text; returns devtrack_new()'s result. */
static int
make(const char *text, struct devtrack **ret, struct devtrack_info *info,
    char *err, size_t errlen)
{
	struct config cfg;
	char e[256];
	int r;

	config_init(&cfg);
	assert_int_equal(config_load_buffer(&cfg, "/etc/osprey/test.conf",
	    text, strlen(text), false, e, sizeof(e)), 0);
	r = devtrack_new(NULL, &cfg, ret, info, err, errlen);
	config_free(&cfg);
	return r;
}

static void
test_config_keys(void **state)
{
	struct devtrack_info in;
	struct devtrack *dt;
	const struct tracker_config *tc;
	char err[512];

	assert_int_equal(make("tracker_max_devices=1000\n"
	    "tracker_device_timeout=600\n", &dt, &in, err, sizeof(err)), 0);
	tc = tracker_config(devtrack_tracker(dt));
	assert_int_equal(tc->max_devices, 1000);
	assert_int_equal(tc->device_timeout, 600);
	assert_int_equal(in.max_devices, 1000);
	assert_int_equal(in.device_timeout, 600);
	devtrack_free(dt);

	/* "key=" with nothing is the default, as osprey_memory.conf says. */
	assert_int_equal(make("tracker_max_devices=\n"
	    "tracker_device_timeout=\n", &dt, &in, err, sizeof(err)), 0);
	tc = tracker_config(devtrack_tracker(dt));
	assert_int_equal(tc->max_devices, 0);
	assert_int_equal(tc->device_timeout, 0);
	devtrack_free(dt);

	/* A bad value names the file, the line and the key. */
	assert_int_equal(make("# memory\ntracker_max_devices=lots\n", &dt,
	    &in, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/etc/osprey/test.conf:2"));
	assert_non_null(strstr(err, "tracker_max_devices"));
	assert_int_equal(make("tracker_device_timeout=-5\n", &dt, &in, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tracker_device_timeout"));
}

static void
test_ouifile(void **state)
{
	static const char csv[] =
	    "Registry,Assignment,Organization Name,Organization Address\n"
	    "MA-L,021122,Osprey Test Devices,Nowhere\n"
	    "MA-L,F4BD9E,\"Cisco Systems, Inc\",80 West Tasman Drive\n";
	struct devtrack_info in;
	struct devtrack *dt;
	char path[128], text[256], err[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/oui.csv", tmpdir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(csv, fp);
	fclose(fp);
	snprintf(text, sizeof(text), "ouifile=%s\n", path);
	assert_int_equal(make(text, &dt, &in, err, sizeof(err)), 0);
	assert_int_equal(in.oui_prefixes, 2);
	assert_string_equal(in.oui_source, path);
	assert_non_null(tracker_config(devtrack_tracker(dt))->oui);
	devtrack_free(dt);

	/* An ouifile= that cannot be read fails the start, saying where. */
	snprintf(text, sizeof(text), "ouifile=%s/missing.csv\n", tmpdir);
	assert_int_equal(make(text, &dt, &in, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "test.conf:1: ouifile"));
	assert_non_null(strstr(err, "missing.csv"));
}

/* A beacon of 02:11:22:33:44:55 for "osprey", and a probe request. */
static const uint8_t beacon[] = {
	0x80, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x10, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0x64, 0x00, 0x11, 0x00,
	0x00, 0x06, 'o', 's', 'p', 'r', 'e', 'y',
};
static const uint8_t probe[] = {
	0x40, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x20, 0x00, 0x00, 0x03, 'x', '\xff', 'y',
};

static void
feed(struct tracker *tr, uint32_t source, const uint8_t *f, size_t len)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.source = source;
	p.ts_sec = 1700000000;
	p.dlt = PACKET_DLT_IEEE802_11;
	p.data = f;
	p.caplen = p.len = len;
	assert_int_equal(decode_packet(&p), 0);
	tracker_update(tr, &p);
}

static const char *
uuid_cb(uint32_t source, void *arg)
{
	return source == 7 ? "5e1f0000-0000-4000-8000-000000000007" : NULL;
}

static char *
slurp(const char *path)
{
	char *buf;
	FILE *fp;
	long n;

	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
test_write_json(void **state)
{
	const char *p_mac[] = { "kismet.device.base.macaddr", NULL };
	const char *p_sb[] = { "kismet.device.base.seenby", NULL };
	const char *p_uuid[] = { "kismet.common.seenby.uuid", NULL };
	const char *p_d11[] = { "dot11.device", "dot11.device.probed_ssid_map",
	    NULL };
	struct devrec_opts opts = { uuid_cb, NULL, 0, NULL, NULL };
	struct devtrack_info in;
	struct devtrack *dt;
	struct tracker *tr;
	yajl_val v, d, x;
	char path[128], err[512], *text;
	int fd;

	assert_int_equal(make("", &dt, &in, err, sizeof(err)), 0);
	tr = devtrack_tracker(dt);
	snprintf(path, sizeof(path), "%s/devices.json", tmpdir);

	/* No device: an empty array. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(devtrack_write_json(tr, fd, &opts), 0);
	text = slurp(path);
	v = yajl_tree_parse(text, err, sizeof(err));
	assert_non_null(v);
	assert_true(YAJL_IS_ARRAY(v));
	assert_int_equal(YAJL_GET_ARRAY(v)->len, 0);
	yajl_tree_free(v);
	free(text);

	feed(tr, 7, beacon, sizeof(beacon));
	feed(tr, 3, probe, sizeof(probe));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(devtrack_write_json(tr, fd, &opts), 2);
	text = slurp(path);
	/* One record a line, between the brackets. */
	assert_true(text[0] == '[' && text[1] == '\n');
	assert_non_null(strstr(text, "},\n{"));
	v = yajl_tree_parse(text, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(YAJL_GET_ARRAY(v)->len, 2);
	/* Oldest change first: the AP, seen by source 7's uuid. */
	d = YAJL_GET_ARRAY(v)->values[0];
	x = yajl_tree_get(d, p_mac, yajl_t_string);
	assert_string_equal(YAJL_GET_STRING(x), "02:11:22:33:44:55");
	x = yajl_tree_get(d, p_sb, yajl_t_array);
	assert_int_equal(YAJL_GET_ARRAY(x)->len, 1);
	x = yajl_tree_get(YAJL_GET_ARRAY(x)->values[0], p_uuid,
	    yajl_t_string);
	assert_string_equal(YAJL_GET_STRING(x),
	    "5e1f0000-0000-4000-8000-000000000007");
	/* The client: an unknown source has an empty uuid, and its SSID's
	 * byte 0xff is written as devrec.c escapes it. */
	d = YAJL_GET_ARRAY(v)->values[1];
	x = yajl_tree_get(d, p_mac, yajl_t_string);
	assert_string_equal(YAJL_GET_STRING(x), "02:AA:BB:CC:DD:EE");
	assert_non_null(strstr(text, "\"kismet.common.seenby.uuid\":\"\""));
	assert_non_null(yajl_tree_get(d, p_d11, yajl_t_array));
	assert_non_null(strstr(text, "\"x\\\\xFFy\""));
	yajl_tree_free(v);
	free(text);

	/* A write that fails is an error, not a short file said to be
	 * whole. */
	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0)
		assert_int_equal(devtrack_write_json(tr, fd, &opts),
		    -ENOSPC);
	devtrack_free(dt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_ouifile),
		cmocka_unit_test(test_write_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
