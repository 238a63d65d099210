/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for the kismetdb log's keys and its writer
 * process, driven over its socket as the core drives it
 *
 * The writer is the real one (kislogd_start forks it and it locks itself
 * into its seccomp role), so these cases also show that the role allows
 * what SQLite needs: creating the file, WAL, an export's second
 * connection, noticing the file was deleted, opening the next one.
 */

#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <msgpack.h>

#include "config.h"
#include "cursor.h"
#include "device.h"
#include "devloc.h"
#include "kislog.h"
#include "kislogd.h"
#include "kismetdb.h"
#include "klmsg.h"
#include "packet.h"
#include "pcapng.h"

static char	 dir[PATH_MAX];

static int
setup(void **state)
{
	char tmpl[] = "/tmp/osprey-kislog.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	snprintf(dir, sizeof(dir), "%s", tmpl);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
conf_of(const char *text, struct kislog_conf *kc, char *err, size_t len)
{
	struct config cfg;
	int r;

	config_init(&cfg);
	assert_int_equal(config_load_buffer(&cfg, "test.conf", text,
	    strlen(text), false, err, len), 0);
	r = kislog_config(&cfg, kc, err, len);
	config_free(&cfg);
	return r;
}

static void
test_config(void **state)
{
	struct kislog_conf kc;
	char err[512];
	const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const uint8_t other[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x56 };

	/* Kismet's defaults. */
	assert_int_equal(conf_of("", &kc, err, sizeof(err)), 0);
	assert_true(kc.packets && kc.devices && kc.data_packets &&
	    kc.duplicates && kc.messages && kc.alerts && kc.sources);
	assert_int_equal(kc.device_rate, 30);
	assert_int_equal(kc.writer.timeout[KISMETDB_PACKETS], 0);
	assert_false(kc.writer.reopen);
	assert_int_equal(kc.writer.sync, KISMETDB_SYNC_OFF);
	assert_int_equal(conf_of("kis_log_sync=normal\n", &kc, err,
	    sizeof(err)), 0);
	assert_int_equal(kc.writer.sync, KISMETDB_SYNC_NORMAL);
	assert_int_equal(conf_of("kis_log_sync=sometimes\n", &kc, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "test.conf:1: kis_log_sync"));

	assert_int_equal(conf_of("kis_log_packets=false\n"
	    "kis_log_device_rate=5\n"
	    "kis_log_packet_timeout=3600\n"
	    "kis_log_device_timeout=86400\n"
	    "kis_log_reopen=true\n"
	    "kis_log_device_filter_default=block\n"
	    "kis_log_device_filter=IEEE802.11,00:11:22:33:44:55,pass\n"
	    "kis_log_packet_filter=IEEE802.11,network,00:11:22:33:44:55,"
	    "block\n", &kc, err, sizeof(err)), 0);
	assert_false(kc.packets);
	assert_int_equal(kc.device_rate, 5);
	assert_int_equal(kc.writer.timeout[KISMETDB_PACKETS], 3600);
	assert_int_equal(kc.writer.timeout[KISMETDB_DATA], 3600);
	assert_int_equal(kc.writer.timeout[KISMETDB_DEVICES], 86400);
	assert_true(kc.writer.reopen);
	assert_true(kc.writer.devices.block);
	assert_int_equal(kc.writer.devices.n, 1);
	assert_int_equal(kislogd_filter_match(&kc.writer.devices,
	    "IEEE802.11", mac, KISLOGD_ANY), 0);
	assert_int_equal(kislogd_filter_match(&kc.writer.devices,
	    "IEEE802.11", other, KISLOGD_ANY), -1);
	assert_int_equal(kislogd_filter_match(&kc.packet_filter,
	    "IEEE802.11", mac, KISLOGD_NETWORK), 1);
	/* The rule is about the BSSID, not the source. */
	assert_int_equal(kislogd_filter_match(&kc.packet_filter,
	    "IEEE802.11", mac, KISLOGD_SOURCE), -1);

	/* Bad values name the file, the line and the key. */
	assert_int_equal(conf_of("\nkis_log_devices=maybe\n", &kc, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "test.conf:2: kis_log_devices"));
	assert_int_equal(conf_of("kis_log_device_filter=IEEE802.11,nomac,"
	    "pass\n", &kc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "test.conf:1: kis_log_device_filter"));
	assert_int_equal(conf_of("kis_log_packet_filter=IEEE802.11,"
	    "everywhere,00:11:22:33:44:55,block\n", &kc, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(conf_of("kis_log_packet_filter_default=perhaps\n",
	    &kc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not pass or block"));
}

/* The writer, as the core sees it. */
struct wr {
	pid_t		 pid;
	int		 fd;
	uint8_t		 in[1 << 20];
	size_t		 in_len;
	struct klbuf	 out;
	char		 path[PATH_MAX];
	/* What came back. */
	struct {
		uint32_t	 seq, state;
		uint64_t	 rows[KISMETDB_TABLES], lost;
		char		 event[1024], path[PATH_MAX];
	}		 st;
	uint64_t	 export_bytes, export_epbs;
	int		 export_end;	/* 0 running, 1 done, <0 error */
	char		 export_reason[256];
};

static void
wr_send(struct wr *w)
{
	size_t off = 0;
	ssize_t n;
	struct pollfd pfd = { w->fd, POLLOUT, 0 };

	while (off < w->out.len) {
		n = write(w->fd, w->out.p + off, w->out.len - off);
		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno == EAGAIN)
			assert_true(poll(&pfd, 1, 10000) > 0);
		else
			fail_msg("write to the writer: %s", strerror(errno));
	}
	klbuf_reset(&w->out);
}

/* Count the EPBs of one export chunk (whole blocks, as the writer cuts). */
static void
wr_export_data(struct wr *w, const uint8_t *p, size_t len)
{
	struct cursor c;
	uint32_t type, blen;

	w->export_bytes += len;
	cur_init(&c, p, len);
	while (cur_get_le32(&c, &type) == 0 && cur_get_le32(&c, &blen) == 0) {
		assert_true(blen >= 12);
		if (type == PCAPNG_BT_EPB)
			w->export_epbs++;
		assert_int_equal(cur_skip(&c, blen - 8), 0);
	}
}

/* Read and handle what the writer sent; false on EOF. */
static bool
wr_read(struct wr *w, int wait_ms)
{
	struct pollfd pfd = { w->fd, POLLIN, 0 };
	struct klmsg_status s;
	struct klmsg_export_data d;
	struct klmsg_export_end e;
	uint16_t type;
	uint32_t plen;
	size_t off = 0;
	ssize_t n;

	if (poll(&pfd, 1, wait_ms) <= 0)
		return true;
	n = read(w->fd, w->in + w->in_len, sizeof(w->in) - w->in_len);
	if (n <= 0)
		return n < 0 && errno == EAGAIN;
	w->in_len += (size_t)n;
	while (klmsg_header(w->in + off, w->in_len - off, &type, &plen) == 1) {
		const uint8_t *p = w->in + off + KLMSG_HDR;

		if (type == KLMSG_STATUS) {
			assert_int_equal(klmsg_get_status(p, plen, &s), 0);
			w->st.seq = s.seq;
			w->st.state = s.state;
			memcpy(w->st.rows, s.rows, sizeof(s.rows));
			w->st.lost = s.lost;
			snprintf(w->st.path, sizeof(w->st.path), "%s", s.path);
			if (s.event[0] != '\0')
				snprintf(w->st.event, sizeof(w->st.event),
				    "%s", s.event);
		} else if (type == KLMSG_EXPORT_DATA) {
			assert_int_equal(klmsg_get_export_data(p, plen, &d),
			    0);
			wr_export_data(w, d.data, d.len);
		} else if (type == KLMSG_EXPORT_END) {
			assert_int_equal(klmsg_get_export_end(p, plen, &e), 0);
			w->export_end = e.status == 0 ? 1 : e.status;
			snprintf(w->export_reason, sizeof(w->export_reason),
			    "%s", e.reason);
		} else
			fail_msg("unexpected message %u", type);
		off += KLMSG_HDR + plen;
	}
	memmove(w->in, w->in + off, w->in_len - off);
	w->in_len -= off;
	return true;
}

static void
wr_start_with(struct wr *w, bool reopen, uint32_t packet_timeout)
{
	struct kislogd_conf *c;
	struct pollfd pfd;
	struct klmsg_opened o;
	uint16_t type;
	uint32_t plen;
	ssize_t n;

	memset(w, 0, sizeof(*w));
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	snprintf(c->tmpl, sizeof(c->tmpl), "%%p/%%n-%%i.%%l");
	snprintf(c->prefix, sizeof(c->prefix), "%s", dir);
	snprintf(c->title, sizeof(c->title), "%s", reopen ? "roll" : "t");
	snprintf(c->creator, sizeof(c->creator), "osprey test");
	c->commit_ms = 50;
	c->reopen = reopen;
	c->timeout[KISMETDB_PACKETS] = packet_timeout;
	assert_int_equal(kislogd_start(c, &w->pid, &w->fd), 0);
	free(c);
	pfd.fd = w->fd;
	pfd.events = POLLIN;
	while (klmsg_header(w->in, w->in_len, &type, &plen) != 1) {
		assert_true(poll(&pfd, 1, 10000) > 0);
		n = read(w->fd, w->in + w->in_len, sizeof(w->in) - w->in_len);
		assert_true(n > 0);
		w->in_len += (size_t)n;
	}
	assert_int_equal(type, KLMSG_OPENED);
	assert_int_equal(klmsg_get_opened(w->in + KLMSG_HDR, plen, &o), 0);
	assert_int_equal(o.status, 0);
	snprintf(w->path, sizeof(w->path), "%s", o.text);
	w->in_len = 0;
}

static void
wr_start(struct wr *w, bool reopen)
{
	wr_start_with(w, reopen, 0);
}

/* SYNC and wait for its STATUS. */
static void
wr_sync(struct wr *w, uint32_t seq)
{
	time_t end = time(NULL) + 20;

	klmsg_put_id(&w->out, KLMSG_SYNC, seq);
	wr_send(w);
	while (w->st.seq != seq && time(NULL) < end)
		assert_true(wr_read(w, 200));
	assert_int_equal(w->st.seq, seq);
}

static void
wr_packets(struct wr *w, unsigned n)
{
	static const uint8_t frame[] = { 0x80, 0, 0, 0, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x11, 0x22,
	    0x33, 0x44, 0x55, 0, 0 };
	uint8_t head[KLMSG_HDR + KLMSG_PACKET_FIXED + sizeof(frame)];
	struct klmsg_packet p;
	unsigned i;

	for (i = 0; i < n; i++) {
		memset(&p, 0, sizeof(p));
		p.ts_sec = 1700000000 + i;
		p.dlt = 105;
		p.full_len = sizeof(frame) + 4;
		p.flags = KLMSG_PKT_DOT11 | KLMSG_PKT_SRC | KLMSG_PKT_TA;
		memcpy(p.src, frame + 10, 6);
		memcpy(p.ta, frame + 10, 6);
		p.frame_len = sizeof(frame);
		p.packetid = i + 1;
		strcpy(p.uuid, "11111111-2222-3333-4444-555555555555");
		p.caplen = sizeof(frame);
		klmsg_packet_head(head, &p);
		memcpy(head + KLMSG_HDR + KLMSG_PACKET_FIXED, frame,
		    sizeof(frame));
		klmsg_put_raw(&w->out, KLMSG_PACKET, head + KLMSG_HDR,
		    sizeof(head) - KLMSG_HDR);
		if (w->out.len > 65536)
			wr_send(w);
	}
	wr_send(w);
}

static void
wr_source_and_device(struct wr *w)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	msgpack_pack_str_with_body(&pk, "kismet.datasource.uuid", 22);
	msgpack_pack_str_with_body(&pk,
	    "11111111-2222-3333-4444-555555555555", 36);
	msgpack_pack_str_with_body(&pk, "kismet.datasource.name", 22);
	msgpack_pack_str_with_body(&pk, "radio", 5);
	msgpack_pack_str_with_body(&pk, "kismet.datasource.type", 22);
	msgpack_pack_str_with_body(&pk, "pcapfile", 8);
	klmsg_put_raw(&w->out, KLMSG_SOURCE, sb.data, sb.size);
	msgpack_sbuffer_clear(&sb);
	msgpack_pack_map(&pk, 3);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.key", 22);
	msgpack_pack_str_with_body(&pk, "4202770D00000000_554433221100", 29);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.macaddr", 26);
	msgpack_pack_str_with_body(&pk, "00:11:22:33:44:55", 17);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.phyname", 26);
	msgpack_pack_str_with_body(&pk, "IEEE802.11", 10);
	klmsg_put_raw(&w->out, KLMSG_DEVICES, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	wr_send(w);
}

static int
wr_end(struct wr *w)
{
	int status;

	close(w->fd);
	assert_int_equal(waitpid(w->pid, &status, 0), w->pid);
	klbuf_free(&w->out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    WTERMSIG(status);
}

static void
test_writer(void **state)
{
	struct wr *w = calloc(1, sizeof(*w));
	struct kismetdb *k;
	struct kismetdb_summary s;
	struct klmsg_export e;
	char err[512];
	time_t end;

	assert_non_null(w);
	wr_start(w, false);
	wr_source_and_device(w);
	wr_packets(w, 1000);
	wr_sync(w, 1);
	assert_int_equal(w->st.rows[KISMETDB_PACKETS], 1000);
	assert_int_equal(w->st.rows[KISMETDB_DEVICES], 1);
	assert_int_equal(w->st.rows[KISMETDB_DATASOURCES], 1);
	assert_int_equal(w->st.state, KLMSG_LOGGING);

	/* A live reader sees every committed row while the writer runs. */
	assert_int_equal(kismetdb_open_read(w->path, &k, err, sizeof(err)),
	    0);
	assert_int_equal(kismetdb_summary(k, &s), 0);
	assert_int_equal(s.rows[KISMETDB_PACKETS], 1000);
	kismetdb_close(k);

	/* An export, a chunk at a time, filtered by time. */
	memset(&e, 0, sizeof(e));
	e.id = 5;
	e.n = 1;
	e.keys[0] = "timestamp_start";
	e.values[0] = "1700000500";
	klmsg_put_export(&w->out, &e);
	wr_send(w);
	for (end = time(NULL) + 20; w->export_end == 0 && time(NULL) < end;) {
		assert_true(wr_read(w, 200));
		if (w->export_end == 0 && w->export_bytes > 0) {
			klmsg_put_id(&w->out, KLMSG_EXPORT_MORE, 5);
			wr_send(w);
		}
	}
	assert_int_equal(w->export_end, 1);
	assert_int_equal(w->export_epbs, 500);
	/* A bad filter is refused with its reason. */
	e.id = 6;
	e.values[0] = "yesterday";
	w->export_end = 0;
	klmsg_put_export(&w->out, &e);
	wr_send(w);
	for (end = time(NULL) + 20; w->export_end == 0 && time(NULL) < end;)
		assert_true(wr_read(w, 200));
	assert_int_equal(w->export_end, -EINVAL);
	assert_non_null(strstr(w->export_reason, "timestamp_start"));

	/* The file deleted under it: one event, then nothing is written. */
	assert_int_equal(unlink(w->path), 0);
	for (end = time(NULL) + 20; w->st.state != KLMSG_STOPPED &&
	    time(NULL) < end;)
		assert_true(wr_read(w, 200));
	assert_int_equal(w->st.state, KLMSG_STOPPED);
	assert_non_null(strstr(w->st.event, "deleted or moved"));
	assert_non_null(strstr(w->st.event, "logging stopped"));
	wr_packets(w, 10);
	wr_sync(w, 2);
	assert_int_equal(w->st.lost, 10);
	assert_int_equal(wr_end(w), 0);
	free(w);
}

static void
test_writer_reopen(void **state)
{
	struct wr *w = calloc(1, sizeof(*w));
	struct kismetdb *k;
	struct kismetdb_summary s;
	char err[512], first[PATH_MAX];
	time_t end;

	assert_non_null(w);
	wr_start(w, true);
	snprintf(first, sizeof(first), "%s", w->path);
	wr_packets(w, 10);
	wr_sync(w, 1);
	assert_int_equal(unlink(first), 0);
	for (end = time(NULL) + 20; strcmp(w->st.path, first) == 0 &&
	    time(NULL) < end;)
		assert_true(wr_read(w, 200));
	assert_string_not_equal(w->st.path, first);
	assert_non_null(strstr(w->st.event, "logging goes on in"));
	assert_int_equal(w->st.state, KLMSG_LOGGING);
	wr_packets(w, 7);
	wr_sync(w, 2);
	snprintf(first, sizeof(first), "%s", w->st.path);
	/* EOF: the writer closes the file and exits 0. */
	assert_int_equal(wr_end(w), 0);
	assert_int_equal(kismetdb_open_read(first, &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_summary(k, &s), 0);
	assert_int_equal(s.rows[KISMETDB_PACKETS], 7);
	kismetdb_close(k);
	free(w);
}

/* kis_log_packet_timeout: packets older than it go as the log runs. */
static void
test_writer_ageout(void **state)
{
	struct wr *w = calloc(1, sizeof(*w));
	struct kismetdb *k;
	struct kismetdb_summary s;
	char err[512];
	time_t end;

	assert_non_null(w);
	wr_start_with(w, false, 2);
	/* Packets of 2023: far older than 2 s. */
	wr_packets(w, 20);
	wr_sync(w, 1);
	assert_int_equal(w->st.rows[KISMETDB_PACKETS], 20);
	for (end = time(NULL) + 20; time(NULL) < end;) {
		assert_true(wr_read(w, 200));
		assert_int_equal(kismetdb_open_read(w->path, &k, err,
		    sizeof(err)), 0);
		assert_int_equal(kismetdb_summary(k, &s), 0);
		kismetdb_close(k);
		if (s.rows[KISMETDB_PACKETS] == 0)
			break;
	}
	assert_int_equal(s.rows[KISMETDB_PACKETS], 0);
	assert_int_equal(wr_end(w), 0);
	free(w);
}

/*
 * A device heard with a fix: the devices row's min/max/avg columns are
 * its location record's box and average, read from the geopoints
 * ([lon, lat]) that devloc_pack() writes, as Kismet's records hold them.
 */
static void
test_writer_device_location(void **state)
{
	struct wr *w = calloc(1, sizeof(*w));
	struct packet_loc l;
	struct devloc_point avg;
	struct device d;
	struct kismetdb *k;
	struct kismetdb_device row;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char err[512];

	assert_non_null(w);
	memset(&d, 0, sizeof(d));
	memset(&l, 0, sizeof(l));
	l.fix = 3;
	l.alt = 35;
	l.lat = 48.85;
	l.lon = -2.29;
	devloc_add(&d, &l, NULL);
	l.lat = 48.86;
	l.lon = -2.27;
	devloc_add(&d, &l, NULL);
	assert_non_null(d.loc);
	devloc_avg(d.loc, &avg);

	wr_start(w, false);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 4);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.key", 22);
	msgpack_pack_str_with_body(&pk, "4202770D00000000_554433221100", 29);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.macaddr", 26);
	msgpack_pack_str_with_body(&pk, "00:11:22:33:44:55", 17);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.phyname", 26);
	msgpack_pack_str_with_body(&pk, "IEEE802.11", 10);
	msgpack_pack_str_with_body(&pk, "kismet.device.base.location", 27);
	devloc_pack(&pk, d.loc);
	klmsg_put_raw(&w->out, KLMSG_DEVICES, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	wr_send(w);
	wr_sync(w, 1);
	assert_int_equal(w->st.rows[KISMETDB_DEVICES], 1);

	assert_int_equal(kismetdb_open_read(w->path, &k, err, sizeof(err)),
	    0);
	assert_int_equal(kismetdb_find_device(k, "IEEE802.11",
	    "00:11:22:33:44:55", &row), 1);
	assert_true(row.min_lat == 48.85 && row.min_lon == -2.29);
	assert_true(row.max_lat == 48.86 && row.max_lon == -2.27);
	assert_true(row.avg_lat == avg.lat && row.avg_lon == avg.lon);
	assert_true(row.avg_lat > 48.85 && row.avg_lat < 48.86);
	assert_true(row.avg_lon > -2.29 && row.avg_lon < -2.27);
	kismetdb_close(k);
	assert_int_equal(wr_end(w), 0);
	free(d.loc);
	free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_writer_reopen),
		cmocka_unit_test(test_writer_ageout),
		cmocka_unit_test(test_writer_device_location),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
