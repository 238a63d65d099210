/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for kismetdb files: schema, rows, reading back,
 * filters, older and foreign files
 *
 * The schema is checked column by column against Kismet's 2023-07 log
 * (db_version 9), through SQLite's own view of the file, so that a typo
 * in a column name or type fails here rather than in a user's tool.
 */

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "kismetdb.h"

static char	 dir[] = "/tmp/osprey-kdb.XXXXXX";

static int
setup(void **state)
{
	char tmpl[] = "/tmp/osprey-kdb.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	memcpy(dir, tmpl, sizeof(dir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* Run SQL on a file with SQLite directly (the foreign files). */
static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* "name type,name type,..." of a table, as SQLite reports it. */
static void
columns(const char *path, const char *table, char *out, size_t len)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[128];
	size_t n = 0;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, len - n, "%s%s %s",
		    n > 0 ? "," : "", sqlite3_column_text(st, 1),
		    sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_schema(void **state)
{
	struct kismetdb *k;
	char path[PATH_MAX], err[512], cols[2048];

	path_of(path, sizeof(path), "schema.kismet");
	assert_int_equal(kismetdb_create(path, "osprey test", &k, err,
	    sizeof(err)), 0);
	assert_int_equal(kismetdb_close(k), 0);
	columns(path, "KISMET", cols, sizeof(cols));
	assert_string_equal(cols, "kismet_version TEXT,db_version INT,"
	    "db_module TEXT");
	columns(path, "devices", cols, sizeof(cols));
	assert_string_equal(cols, "first_time INT,last_time INT,devkey TEXT,"
	    "phyname TEXT,devmac TEXT,strongest_signal INT,min_lat REAL,"
	    "min_lon REAL,max_lat REAL,max_lon REAL,avg_lat REAL,"
	    "avg_lon REAL,bytes_data INT,type TEXT,device BLOB");
	columns(path, "packets", cols, sizeof(cols));
	assert_string_equal(cols, "ts_sec INT,ts_usec INT,phyname TEXT,"
	    "sourcemac TEXT,destmac TEXT,transmac TEXT,frequency REAL,"
	    "devkey TEXT,lat REAL,lon REAL,alt REAL,speed REAL,heading REAL,"
	    "packet_len INT,signal INT,datasource TEXT,dlt INT,packet BLOB,"
	    "error INT,tags TEXT,datarate REAL,hash INT,packetid INT,"
	    "packet_full_len INT");
	columns(path, "data", cols, sizeof(cols));
	assert_string_equal(cols, "ts_sec INT,ts_usec INT,phyname TEXT,"
	    "devmac TEXT,lat REAL,lon REAL,alt REAL,speed REAL,heading REAL,"
	    "datasource TEXT,type TEXT,json BLOB");
	columns(path, "datasources", cols, sizeof(cols));
	assert_string_equal(cols, "uuid TEXT,typestring TEXT,definition TEXT,"
	    "name TEXT,interface TEXT,json BLOB");
	columns(path, "alerts", cols, sizeof(cols));
	assert_string_equal(cols, "ts_sec INT,ts_usec INT,phyname TEXT,"
	    "devmac TEXT,lat REAL,lon REAL,header TEXT,json BLOB");
	columns(path, "messages", cols, sizeof(cols));
	assert_string_equal(cols, "ts_sec INT,lat REAL,lon REAL,"
	    "msgtype TEXT,message TEXT");
	columns(path, "snapshots", cols, sizeof(cols));
	assert_string_equal(cols, "ts_sec INT,ts_usec INT,lat REAL,lon REAL,"
	    "snaptype TEXT,json BLOB");

	/* KISMET's one row, and the file is one file again. */
	assert_int_equal(kismetdb_open_read(path, &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_version(k), 9);
	assert_string_equal(kismetdb_creator(k), "osprey test");
	kismetdb_close(k);
	strcat(path, "-wal");
	assert_int_equal(access(path, F_OK), -1);
}

static void
test_never_overwrites(void **state)
{
	struct kismetdb *k;
	char path[PATH_MAX], err[512];
	FILE *fp;

	path_of(path, sizeof(path), "taken.kismet");
	assert_non_null(fp = fopen(path, "w"));
	fputs("an operator's file\n", fp);
	fclose(fp);
	assert_int_equal(kismetdb_create(path, "t", &k, err, sizeof(err)),
	    -EEXIST);
	assert_non_null(strstr(err, "taken.kismet"));
}

static const uint8_t frame1[] = { 0x80, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x11, 0x22,
    0x33, 0x44, 0x55, 0x10, 0x00, 0x00, 0x01, 0x02 };

static void
fill_packet(struct kismetdb_packet *p, unsigned i)
{
	memset(p, 0, sizeof(*p));
	p->ts_sec = 1700000000 + i;
	p->ts_usec = 250000 * (i % 4);
	p->phyname = KISMETDB_PHY_DOT11;
	p->sourcemac = i % 2 ? "00:11:22:33:44:55" : "66:77:88:99:AA:BB";
	p->destmac = "FF:FF:FF:FF:FF:FF";
	p->transmac = p->sourcemac;
	p->frequency = i % 2 ? 2437000 : 5180000;
	p->devkey = i % 2 ? "4202770D00000000_554433221100" : "0";
	p->signal = -40 - (int)i;
	p->datasource = i < 5 ? "11111111-2222-3333-4444-555555555555" :
	    "aaaaaaaa-2222-3333-4444-555555555555";
	p->dlt = i < 8 ? 105 : 127;
	p->packet = frame1;
	p->packet_len = sizeof(frame1) - (i % 3);
	p->packet_full_len = sizeof(frame1) + 4;
	p->tags = i == 3 ? "HANDSHAKE EAPOL" : "";
	p->datarate = 54.0;
	p->hash = 0xdeadbeef;
	p->packetid = 100 + i;
}

/* Count what an iteration with filter f gives. */
static unsigned
count_packets(struct kismetdb *k, const struct kismetdb_filter *f)
{
	struct kismetdb_iter *it;
	struct kismetdb_packet p;
	unsigned n = 0;
	int r;

	assert_int_equal(kismetdb_iter_packets(k, f, &it), 0);
	while ((r = kismetdb_next_packet(it, &p)) == 1)
		n++;
	assert_int_equal(r, 0);
	kismetdb_iter_free(it);
	return n;
}

static void
test_packets(void **state)
{
	struct kismetdb *k;
	struct kismetdb_iter *it;
	struct kismetdb_packet p, q;
	struct kismetdb_filter f;
	struct kismetdb_summary s;
	char path[PATH_MAX], err[512];
	unsigned i;

	path_of(path, sizeof(path), "packets.kismet");
	assert_int_equal(kismetdb_create(path, "t", &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_begin(k), 0);
	assert_true(kismetdb_in_transaction(k));
	for (i = 0; i < 10; i++) {
		fill_packet(&p, i);
		assert_int_equal(kismetdb_add_packet(k, &p), 0);
	}
	assert_int_equal(kismetdb_commit(k), 0);
	assert_int_equal(kismetdb_close(k), 0);

	assert_int_equal(kismetdb_open_read(path, &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_iter_packets(k, NULL, &it), 0);
	for (i = 0; i < 10; i++) {
		assert_int_equal(kismetdb_next_packet(it, &q), 1);
		fill_packet(&p, i);
		assert_int_equal(q.ts_sec, p.ts_sec);
		assert_int_equal(q.ts_usec, p.ts_usec);
		assert_string_equal(q.phyname, p.phyname);
		assert_string_equal(q.sourcemac, p.sourcemac);
		assert_string_equal(q.destmac, p.destmac);
		assert_true(q.frequency == p.frequency);
		assert_string_equal(q.devkey, p.devkey);
		assert_int_equal(q.signal, p.signal);
		assert_string_equal(q.datasource, p.datasource);
		assert_int_equal(q.dlt, p.dlt);
		assert_int_equal(q.packet_len, p.packet_len);
		assert_memory_equal(q.packet, p.packet, p.packet_len);
		assert_int_equal(q.packet_full_len, p.packet_full_len);
		assert_string_equal(q.tags, p.tags);
		assert_int_equal(q.hash, p.hash);
		assert_int_equal(q.packetid, p.packetid);
	}
	assert_int_equal(kismetdb_next_packet(it, &q), 0);
	kismetdb_iter_free(it);

	/* Kismet's export filters, each alone and together. */
	memset(&f, 0, sizeof(f));
	f.has_ts_start = true;
	f.ts_start = 1700000003.5;	/* the fourth is at .75 */
	assert_int_equal(count_packets(k, &f), 7);
	f.has_ts_end = true;
	f.ts_end = 1700000005.0;
	assert_int_equal(count_packets(k, &f), 2);
	memset(&f, 0, sizeof(f));
	f.datasource = "AAAAAAAA-2222-3333-4444-555555555555";
	assert_int_equal(count_packets(k, &f), 5);
	f.has_dlt = true;
	f.dlt = 127;
	assert_int_equal(count_packets(k, &f), 2);
	memset(&f, 0, sizeof(f));
	f.device_id = "4202770D00000000_554433221100";
	assert_int_equal(count_packets(k, &f), 5);
	memset(&f, 0, sizeof(f));
	f.address_source = "66:77:88:99:aa:bb";
	assert_int_equal(count_packets(k, &f), 5);
	memset(&f, 0, sizeof(f));
	f.has_signal_max = true;
	f.signal_max = -45;
	assert_int_equal(count_packets(k, &f), 5);
	memset(&f, 0, sizeof(f));
	f.has_size_min = true;
	f.size_min = sizeof(frame1);
	assert_int_equal(count_packets(k, &f), 4);
	memset(&f, 0, sizeof(f));
	f.has_freq = true;
	f.freq = 2437000;
	assert_int_equal(count_packets(k, &f), 5);
	memset(&f, 0, sizeof(f));
	f.tag = "EAPOL";
	assert_int_equal(count_packets(k, &f), 1);
	f.tag = NULL;
	f.limit = 3;
	assert_int_equal(count_packets(k, &f), 3);

	assert_int_equal(kismetdb_summary(k, &s), 0);
	assert_int_equal(s.db_version, 9);
	assert_int_equal(s.rows[KISMETDB_PACKETS], 10);
	assert_int_equal(s.rows[KISMETDB_DEVICES], 0);
	assert_int_equal(s.first_packet, 1700000000);
	assert_int_equal(s.last_packet, 1700000009);
	assert_int_equal(s.packets_with_location, 0);
	kismetdb_close(k);
}

/* 37 packets through kismetdb_add_packets(): two batches and five. */
static void
test_packets_batched(void **state)
{
	struct kismetdb *k;
	struct kismetdb_iter *it;
	struct kismetdb_packet v[37], q;
	char path[PATH_MAX], err[512];
	unsigned i;

	path_of(path, sizeof(path), "batched.kismet");
	assert_int_equal(kismetdb_create(path, "t", &k, err, sizeof(err)), 0);
	for (i = 0; i < 37; i++) {
		fill_packet(&v[i], i % 10);
		v[i].packetid = i;
	}
	assert_int_equal(kismetdb_begin(k), 0);
	assert_int_equal(kismetdb_add_packets(k, v, 37), 0);
	assert_int_equal(kismetdb_commit(k), 0);
	assert_int_equal(kismetdb_iter_packets(k, NULL, &it), 0);
	for (i = 0; i < 37; i++) {
		assert_int_equal(kismetdb_next_packet(it, &q), 1);
		assert_int_equal(q.packetid, i);
		assert_int_equal(q.ts_sec, v[i].ts_sec);
		assert_string_equal(q.sourcemac, v[i].sourcemac);
		assert_int_equal(q.packet_len, v[i].packet_len);
		assert_memory_equal(q.packet, v[i].packet, v[i].packet_len);
	}
	assert_int_equal(kismetdb_next_packet(it, &q), 0);
	kismetdb_iter_free(it);
	kismetdb_close(k);
}

/* Every column of every packet row, quoted with its type, one line each. */
static char *
dump_packets(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL, *prev;
	int i, n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM packets "
	    "ORDER BY rowid", -1, &st, NULL), SQLITE_OK);
	n = sqlite3_column_count(st);
	assert_int_equal(n, 24);
	out = strdup("");
	while (sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < n; i++) {
			prev = out;
			assert_true(asprintf(&out, "%s%d:%s%c", prev,
			    sqlite3_column_type(st, i), (const char *)
			    sqlite3_column_text(st, i) != NULL ? (const char *)
			    sqlite3_column_text(st, i) : "", i + 1 < n ? '|' :
			    '\n') > 0);
			free(prev);
		}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/*
 * Batches of one source's 802.11 rows without location, error or tags go
 * in with the lean statement (literals for the constant columns), the
 * others with the full one: every row must read back exactly as the
 * single-row INSERT writes it, types included.  88 rows: a lean batch, a
 * batch with one located row, one with an error row, one with a second
 * source, a lean one again, and eight single rows.
 */
static void
test_packets_lean(void **state)
{
	struct kismetdb *k;
	struct kismetdb_packet v[88];
	char path[2][PATH_MAX], err[512], *a, *b;
	unsigned i;
	int f;

	for (i = 0; i < 88; i++) {
		fill_packet(&v[i], 0);
		v[i].ts_sec += i;
		v[i].packetid = i;
		v[i].hash = 0x80000000U + i;
		v[i].sourcemac = i % 2 ? "00:11:22:33:44:55" :
		    "66:77:88:99:AA:BB";
	}
	v[16 + 5].loc.lat = 48.85;
	v[16 + 5].loc.lon = 2.29;
	v[32 + 1].phyname = "Unknown";
	v[32 + 1].error = 1;
	v[48 + 15].datasource = "aaaaaaaa-2222-3333-4444-555555555555";
	v[80].tags = "EAPOL";
	for (f = 0; f < 2; f++) {
		path_of(path[f], sizeof(path[f]), f ? "lean-b.kismet" :
		    "lean-a.kismet");
		assert_int_equal(kismetdb_create(path[f], "t", &k, err,
		    sizeof(err)), 0);
		assert_int_equal(kismetdb_begin(k), 0);
		if (f)
			assert_int_equal(kismetdb_add_packets(k, v, 88), 0);
		else
			for (i = 0; i < 88; i++)
				assert_int_equal(kismetdb_add_packet(k, &v[i]),
				    0);
		assert_int_equal(kismetdb_commit(k), 0);
		assert_int_equal(kismetdb_close(k), 0);
	}
	a = dump_packets(path[0]);
	b = dump_packets(path[1]);
	assert_true(strlen(a) > 88 * 24 * 3);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void
test_rows_replace(void **state)
{
	struct kismetdb *k;
	struct kismetdb_iter *it;
	struct kismetdb_device d, e;
	struct kismetdb_source s, t;
	struct kismetdb_record r;
	struct kismetdb_summary sum;
	char path[PATH_MAX], err[512];

	path_of(path, sizeof(path), "rows.kismet");
	assert_int_equal(kismetdb_create(path, "t", &k, err, sizeof(err)), 0);
	memset(&d, 0, sizeof(d));
	d.first_time = 10;
	d.last_time = 20;
	d.devkey = "4202770D00000000_554433221100";
	d.phyname = KISMETDB_PHY_DOT11;
	d.devmac = "00:11:22:33:44:55";
	d.strongest_signal = -30;
	d.type = "Wi-Fi AP";
	d.json = "{\"a\":1}";
	d.json_len = 7;
	assert_int_equal(kismetdb_add_device(k, &d), 0);
	/* The same device again: one row, the newer. */
	d.last_time = 30;
	d.json = "{\"a\":2}";
	assert_int_equal(kismetdb_add_device(k, &d), 0);
	memset(&s, 0, sizeof(s));
	s.uuid = "11111111-2222-3333-4444-555555555555";
	s.typestring = "pcapfile";
	s.definition = "/tmp/x.pcap";
	s.name = "x";
	s.interface = "/tmp/x.pcap";
	s.json = "{}";
	s.json_len = 2;
	assert_int_equal(kismetdb_add_source(k, &s), 0);
	s.name = "renamed";
	assert_int_equal(kismetdb_add_source(k, &s), 0);
	memset(&r, 0, sizeof(r));
	r.ts_sec = 100;
	r.header = "INFO";
	r.json = "hello";
	r.json_len = 5;
	assert_int_equal(kismetdb_add_record(k, KISMETDB_MESSAGES, &r), 0);
	r.ts_sec = 200;
	assert_int_equal(kismetdb_add_record(k, KISMETDB_MESSAGES, &r), 0);
	r.header = "SYSTEM";
	r.json = "{}";
	r.json_len = 2;
	assert_int_equal(kismetdb_add_record(k, KISMETDB_SNAPSHOTS, &r), 0);
	r.header = "DEAUTHFLOOD";
	r.devmac = "00:11:22:33:44:55";
	r.phyname = KISMETDB_PHY_DOT11;
	assert_int_equal(kismetdb_add_record(k, KISMETDB_ALERTS, &r), 0);
	r.header = "rtl433";
	assert_int_equal(kismetdb_add_record(k, KISMETDB_DATA, &r), 0);
	/* The tables a record cannot go to. */
	assert_int_equal(kismetdb_add_record(k, KISMETDB_PACKETS, &r),
	    -EPERM);
	/* Age out: messages before 150. */
	assert_int_equal(kismetdb_expire(k, KISMETDB_MESSAGES, 150), 1);
	assert_int_equal(kismetdb_expire(k, KISMETDB_DEVICES, 25), 0);
	kismetdb_close(k);

	assert_int_equal(kismetdb_open_read(path, &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_summary(k, &sum), 0);
	assert_int_equal(sum.rows[KISMETDB_DEVICES], 1);
	assert_int_equal(sum.rows[KISMETDB_DATASOURCES], 1);
	assert_int_equal(sum.rows[KISMETDB_MESSAGES], 1);
	assert_int_equal(sum.rows[KISMETDB_SNAPSHOTS], 1);
	assert_int_equal(sum.rows[KISMETDB_ALERTS], 1);
	assert_int_equal(sum.rows[KISMETDB_DATA], 1);
	assert_int_equal(sum.first_device, 10);
	assert_int_equal(sum.last_device, 30);
	assert_int_equal(kismetdb_iter_devices(k, &it), 0);
	assert_int_equal(kismetdb_next_device(it, &e), 1);
	assert_int_equal(e.last_time, 30);
	assert_int_equal(e.json_len, 7);
	assert_memory_equal(e.json, "{\"a\":2}", 7);
	assert_string_equal(e.type, "Wi-Fi AP");
	assert_int_equal(e.strongest_signal, -30);
	assert_int_equal(kismetdb_next_device(it, &e), 0);
	kismetdb_iter_free(it);
	assert_int_equal(kismetdb_iter_sources(k, &it), 0);
	assert_int_equal(kismetdb_next_source(it, &t), 1);
	assert_string_equal(t.name, "renamed");
	assert_string_equal(t.typestring, "pcapfile");
	kismetdb_iter_free(it);
	kismetdb_close(k);
}

static void
test_moved(void **state)
{
	struct kismetdb *k;
	char path[PATH_MAX], err[512];

	path_of(path, sizeof(path), "moved.kismet");
	assert_int_equal(kismetdb_create(path, "t", &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_moved(k), 0);
	assert_true(kismetdb_file_size(k) > 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(kismetdb_moved(k), 1);
	kismetdb_close(k);
}

/* What kismetdb_open_read() says of path, and its error text. */
static int
refused(const char *path, const char *why)
{
	struct kismetdb *k = NULL;
	char err[512];
	int r;

	r = kismetdb_open_read(path, &k, err, sizeof(err));
	if (r == 0) {
		kismetdb_close(k);
		return 0;
	}
	if (why != NULL && strstr(err, why) == NULL) {
		print_error("'%s' does not say '%s'\n", err, why);
		return 0;
	}
	return r;
}

static void
test_foreign_files(void **state)
{
	char path[PATH_MAX];
	FILE *fp;

	path_of(path, sizeof(path), "missing.kismet");
	assert_int_equal(refused(path, "No such file"), -ENOENT);
	path_of(path, sizeof(path), "text.kismet");
	assert_non_null(fp = fopen(path, "w"));
	fputs("SQLite format 3? no, a shopping list\n", fp);
	fclose(fp);
	assert_int_equal(refused(path, "not an SQLite database"), -EBADMSG);
	path_of(path, sizeof(path), "other.sqlite");
	raw_sql(path, "CREATE TABLE recipes (name TEXT)");
	assert_int_equal(refused(path, "without a KISMET table"), -EBADMSG);
	path_of(path, sizeof(path), "nopackets.kismet");
	raw_sql(path, "CREATE TABLE KISMET (kismet_version TEXT, "
	    "db_version INT, db_module TEXT); INSERT INTO KISMET VALUES "
	    "('x', 9, 'kismetlog'); CREATE TABLE devices (devkey TEXT)");
	assert_int_equal(refused(path, "no packets table"), -EBADMSG);
	path_of(path, sizeof(path), "module.kismet");
	raw_sql(path, "CREATE TABLE KISMET (kismet_version TEXT, "
	    "db_version INT, db_module TEXT); INSERT INTO KISMET VALUES "
	    "('x', 3, 'alertdb'); CREATE TABLE devices (devkey TEXT);"
	    "CREATE TABLE packets (ts_sec INT)");
	assert_int_equal(refused(path, "module 'alertdb'"), -EBADMSG);
	/* A view where a table should be could run anything. */
	path_of(path, sizeof(path), "view.kismet");
	raw_sql(path, "CREATE TABLE KISMET (kismet_version TEXT, "
	    "db_version INT, db_module TEXT); INSERT INTO KISMET VALUES "
	    "('x', 9, 'kismetlog'); CREATE TABLE devices (devkey TEXT);"
	    "CREATE VIEW packets AS SELECT 1 AS ts_sec");
	assert_int_equal(refused(path, "not a plain table"), -EBADMSG);
	path_of(path, sizeof(path), "noversion.kismet");
	raw_sql(path, "CREATE TABLE KISMET (kismet_version TEXT, "
	    "db_version INT, db_module TEXT); CREATE TABLE devices "
	    "(devkey TEXT); CREATE TABLE packets (ts_sec INT)");
	assert_int_equal(refused(path, "no db_version"), -EBADMSG);
}

/*
 * A db_version 8 file (no packet_full_len) and a version 4 one
 * (positions as integers times 100000, no tags) read with their
 * columns' defaults.
 */
static void
test_older_versions(void **state)
{
	struct kismetdb *k;
	struct kismetdb_iter *it;
	struct kismetdb_packet p;
	char path[PATH_MAX], err[512];

	path_of(path, sizeof(path), "v8.kismet");
	raw_sql(path, "CREATE TABLE KISMET (kismet_version TEXT, "
	    "db_version INT, db_module TEXT); INSERT INTO KISMET VALUES "
	    "('2021.10.1', 8, 'kismetlog');"
	    "CREATE TABLE devices (first_time INT, last_time INT, devkey TEXT,"
	    " phyname TEXT, devmac TEXT, strongest_signal INT, min_lat REAL,"
	    " min_lon REAL, max_lat REAL, max_lon REAL, avg_lat REAL,"
	    " avg_lon REAL, bytes_data INT, type TEXT, device BLOB);"
	    "CREATE TABLE packets (ts_sec INT, ts_usec INT, phyname TEXT,"
	    " sourcemac TEXT, destmac TEXT, transmac TEXT, frequency REAL,"
	    " devkey TEXT, lat REAL, lon REAL, alt REAL, speed REAL,"
	    " heading REAL, packet_len INT, signal INT, datasource TEXT,"
	    " dlt INT, packet BLOB, error INT, tags TEXT, datarate REAL,"
	    " hash INT, packetid INT);"
	    "INSERT INTO packets VALUES (5, 6, 'IEEE802.11', 'a', 'b', 'c', "
	    "2412000, 'k', 1.5, 2.5, 0, 0, 0, 3, -50, 'u', 105, x'010203', 0, "
	    "'', 1, 7, 8)");
	assert_int_equal(kismetdb_open_read(path, &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_version(k), 8);
	assert_int_equal(kismetdb_iter_packets(k, NULL, &it), 0);
	assert_int_equal(kismetdb_next_packet(it, &p), 1);
	assert_int_equal(p.packet_len, 3);
	assert_int_equal(p.packet_full_len, 3);
	assert_true(p.loc.lat == 1.5 && p.loc.lon == 2.5);
	kismetdb_iter_free(it);
	kismetdb_close(k);

	path_of(path, sizeof(path), "v4.kismet");
	raw_sql(path, "CREATE TABLE KISMET (kismet_version TEXT, "
	    "db_version INT, db_module TEXT); INSERT INTO KISMET VALUES "
	    "('2018.0.0', 4, 'kismetlog');"
	    "CREATE TABLE devices (first_time INT, last_time INT, devkey TEXT,"
	    " phyname TEXT, devmac TEXT, strongest_signal INT, type TEXT,"
	    " device BLOB);"
	    "CREATE TABLE packets (ts_sec INT, ts_usec INT, phyname TEXT,"
	    " sourcemac TEXT, destmac TEXT, transmac TEXT, frequency REAL,"
	    " devkey TEXT, lat INT, lon INT, packet_len INT, signal INT,"
	    " datasource TEXT, dlt INT, packet BLOB, error INT);"
	    "INSERT INTO packets VALUES (5, 6, 'IEEE802.11', 'a', 'b', 'c', "
	    "2412000, 'k', 4512345, -12200000, 2, -50, 'u', 105, x'0102', 0)");
	assert_int_equal(kismetdb_open_read(path, &k, err, sizeof(err)), 0);
	assert_int_equal(kismetdb_iter_packets(k, NULL, &it), 0);
	assert_int_equal(kismetdb_next_packet(it, &p), 1);
	assert_true(p.loc.lat > 45.1234 && p.loc.lat < 45.1235);
	assert_true(p.loc.lon < -121.9999 && p.loc.lon > -122.0001);
	assert_string_equal(p.tags, "");
	assert_int_equal(p.packet_full_len, 2);
	kismetdb_iter_free(it);
	kismetdb_close(k);
}

/* The same file read from memory: what the fuzz target does. */
static void
test_open_bytes(void **state)
{
	struct kismetdb *k;
	struct kismetdb_packet p;
	struct kismetdb_summary s;
	char path[PATH_MAX], err[512];
	uint8_t *buf;
	struct stat sb;
	FILE *fp;
	unsigned i;

	path_of(path, sizeof(path), "bytes.kismet");
	assert_int_equal(kismetdb_create(path, "t", &k, err, sizeof(err)), 0);
	for (i = 0; i < 3; i++) {
		fill_packet(&p, i);
		assert_int_equal(kismetdb_add_packet(k, &p), 0);
	}
	kismetdb_close(k);
	assert_int_equal(stat(path, &sb), 0);
	assert_non_null(buf = malloc((size_t)sb.st_size));
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(buf, 1, (size_t)sb.st_size, fp),
	    (size_t)sb.st_size);
	fclose(fp);
	assert_int_equal(kismetdb_open_bytes(buf, (size_t)sb.st_size, &k, err,
	    sizeof(err)), 0);
	assert_int_equal(kismetdb_summary(k, &s), 0);
	assert_int_equal(s.rows[KISMETDB_PACKETS], 3);
	kismetdb_close(k);
	/* Cut short, it is refused, not crashed on. */
	assert_true(kismetdb_open_bytes(buf, 100, &k, err, sizeof(err)) < 0);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_never_overwrites),
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_packets_batched),
		cmocka_unit_test(test_packets_lean),
		cmocka_unit_test(test_rows_replace),
		cmocka_unit_test(test_moved),
		cmocka_unit_test(test_foreign_files),
		cmocka_unit_test(test_older_versions),
		cmocka_unit_test(test_open_bytes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
