/* SPDX-License-Identifier: ISC */
/* \summary: kismetdb files: Kismet's SQLite log, written and read back */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "kismetdb.h"
#include "xmalloc.h"

/*
 * Kismet's tables, column for column, as its 2023-07 release creates
 * them (db_version 9).  Types and names are the contract with every tool
 * built for Kismet's logs; doc/kismetdb.md says what each column holds.
 */
static const char *const kdb_schema[] = {
	"CREATE TABLE KISMET (kismet_version TEXT, db_version INT, "
	"db_module TEXT)",
	"CREATE TABLE devices (first_time INT, last_time INT, devkey TEXT, "
	"phyname TEXT, devmac TEXT, strongest_signal INT, min_lat REAL, "
	"min_lon REAL, max_lat REAL, max_lon REAL, avg_lat REAL, "
	"avg_lon REAL, bytes_data INT, type TEXT, device BLOB, "
	"UNIQUE(phyname, devmac) ON CONFLICT REPLACE)",
	"CREATE TABLE packets (ts_sec INT, ts_usec INT, phyname TEXT, "
	"sourcemac TEXT, destmac TEXT, transmac TEXT, frequency REAL, "
	"devkey TEXT, lat REAL, lon REAL, alt REAL, speed REAL, "
	"heading REAL, packet_len INT, signal INT, datasource TEXT, "
	"dlt INT, packet BLOB, error INT, tags TEXT, datarate REAL, "
	"hash INT, packetid INT, packet_full_len INT)",
	"CREATE TABLE data (ts_sec INT, ts_usec INT, phyname TEXT, "
	"devmac TEXT, lat REAL, lon REAL, alt REAL, speed REAL, "
	"heading REAL, datasource TEXT, type TEXT, json BLOB)",
	"CREATE TABLE datasources (uuid TEXT, typestring TEXT, "
	"definition TEXT, name TEXT, interface TEXT, json BLOB, "
	"UNIQUE(uuid) ON CONFLICT REPLACE)",
	"CREATE TABLE alerts (ts_sec INT, ts_usec INT, phyname TEXT, "
	"devmac TEXT, lat REAL, lon REAL, header TEXT, json BLOB)",
	"CREATE TABLE messages (ts_sec INT, lat REAL, lon REAL, "
	"msgtype TEXT, message TEXT)",
	"CREATE TABLE snapshots (ts_sec INT, ts_usec INT, lat REAL, "
	"lon REAL, snaptype TEXT, json BLOB)",
};

static const char *const kdb_insert[KISMETDB_TABLES] = {
	[KISMETDB_PACKETS] = "INSERT INTO packets (ts_sec, ts_usec, phyname, "
	    "sourcemac, destmac, transmac, frequency, devkey, lat, lon, alt, "
	    "speed, heading, packet_len, signal, datasource, dlt, packet, "
	    "error, tags, datarate, hash, packetid, packet_full_len) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[KISMETDB_DEVICES] = "INSERT INTO devices (first_time, last_time, "
	    "devkey, phyname, devmac, strongest_signal, min_lat, min_lon, "
	    "max_lat, max_lon, avg_lat, avg_lon, bytes_data, type, device) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[KISMETDB_DATA] = "INSERT INTO data (ts_sec, ts_usec, phyname, "
	    "devmac, lat, lon, alt, speed, heading, datasource, type, json) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
	[KISMETDB_DATASOURCES] = "INSERT INTO datasources (uuid, typestring, "
	    "definition, name, interface, json) VALUES (?,?,?,?,?,?)",
	[KISMETDB_ALERTS] = "INSERT INTO alerts (ts_sec, ts_usec, phyname, "
	    "devmac, lat, lon, header, json) VALUES (?,?,?,?,?,?,?,?)",
	[KISMETDB_MESSAGES] = "INSERT INTO messages (ts_sec, lat, lon, "
	    "msgtype, message) VALUES (?,?,?,?,?)",
	[KISMETDB_SNAPSHOTS] = "INSERT INTO snapshots (ts_sec, ts_usec, lat, "
	    "lon, snaptype, json) VALUES (?,?,?,?,?,?)",
};

static const char *const kdb_table_names[KISMETDB_TABLES] = {
	[KISMETDB_PACKETS] = "packets",
	[KISMETDB_DEVICES] = "devices",
	[KISMETDB_DATA] = "data",
	[KISMETDB_DATASOURCES] = "datasources",
	[KISMETDB_ALERTS] = "alerts",
	[KISMETDB_MESSAGES] = "messages",
	[KISMETDB_SNAPSHOTS] = "snapshots",
};

/*
 * The columns a reader asks for, and what stands in for one an older
 * file lacks.  The order is the order of the kismetdb_* structs' fields
 * as kismetdb_next_*() reads them.
 */
struct kdb_col {
	const char	*name;
	const char	*absent;	/* SQL for a missing column */
};

static const struct kdb_col kdb_packet_cols[] = {
	{ "ts_sec", "0" }, { "ts_usec", "0" }, { "phyname", "''" },
	{ "sourcemac", "'" KISMETDB_NO_MAC "'" },
	{ "destmac", "'" KISMETDB_NO_MAC "'" },
	{ "transmac", "'" KISMETDB_NO_MAC "'" },
	{ "frequency", "0" }, { "devkey", "''" }, { "lat", "0" },
	{ "lon", "0" }, { "alt", "0" }, { "speed", "0" }, { "heading", "0" },
	{ "signal", "0" }, { "datasource", "''" }, { "dlt", "0" },
	{ "packet", "x''" }, { "error", "0" }, { "tags", "''" },
	{ "datarate", "0" }, { "hash", "0" }, { "packetid", "0" },
	/* Before db_version 9 the row had only the captured length. */
	{ "packet_full_len", "length(packet)" },
	{ NULL, NULL },
};

static const struct kdb_col kdb_device_cols[] = {
	{ "first_time", "0" }, { "last_time", "0" }, { "devkey", "''" },
	{ "phyname", "''" }, { "devmac", "''" }, { "strongest_signal", "0" },
	{ "min_lat", "0" }, { "min_lon", "0" }, { "max_lat", "0" },
	{ "max_lon", "0" }, { "avg_lat", "0" }, { "avg_lon", "0" },
	{ "bytes_data", "0" }, { "type", "''" }, { "device", "x''" },
	{ NULL, NULL },
};

static const struct kdb_col kdb_source_cols[] = {
	{ "uuid", "''" }, { "typestring", "''" }, { "definition", "''" },
	{ "name", "''" }, { "interface", "''" }, { "json", "x''" },
	{ NULL, NULL },
};

struct kismetdb {
	sqlite3		*db;
	sqlite3_stmt	*find;		/* kismetdb_find_device() */
	sqlite3_stmt	*batch;		/* KISMETDB_BATCH packets at once */
	sqlite3_stmt	*lean;		/* the same, common values inline */
	char		*path;		/* NULL for one in memory */
	bool		 writer;
	bool		 in_tx;
	int		 version;
	char		 creator[64];
	bool		 has_table[KISMETDB_TABLES];
	sqlite3_stmt	*ins[KISMETDB_TABLES];
	char		 err[KISMETDB_ERR_MAX];
};

struct kismetdb_iter {
	struct kismetdb	*kdb;
	sqlite3_stmt	*st;
	enum kismetdb_table table;
};

/* An SQLite result as a negative errno. */
static int
kdb_errno(sqlite3 *db, int rc)
{
	int e;

	switch (rc & 0xff) {
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
	case SQLITE_SCHEMA:
	case SQLITE_ERROR:
		return -EBADMSG;
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_CANTOPEN:
		e = db != NULL ? sqlite3_system_errno(db) : 0;
		return e > 0 ? -e : -ENOENT;
	default:
		return -EIO;
	}
}

/* Record why rc happened, doing what; returns rc as a negative errno. */
static int
kdb_fail(struct kismetdb *k, int rc, const char *what)
{
	int e = k->db != NULL ? sqlite3_system_errno(k->db) : 0;

	/* SQLite's "disk I/O error" says more with the system's reason. */
	if (e > 0 && ((rc & 0xff) == SQLITE_IOERR ||
	    (rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_CANTOPEN))
		snprintf(k->err, sizeof(k->err), "%s: %s (%s)", what,
		    sqlite3_errmsg(k->db), strerror(e));
	else
		snprintf(k->err, sizeof(k->err), "%s: %s", what,
		    k->db != NULL ? sqlite3_errmsg(k->db) : sqlite3_errstr(rc));
	return kdb_errno(k->db, rc);
}

int
kismetdb_init(void)
{
	/*
	 * Before SQLite starts: one thread uses it, so no mutexes, and no
	 * memory statistics, which take a lock on every allocation.
	 */
	if (sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		return -EBUSY;
	return 0;
}

const char *
kismetdb_errmsg(const struct kismetdb *k)
{
	return k->err;
}

const char *
kismetdb_table_name(enum kismetdb_table t)
{
	return t < KISMETDB_TABLES ? kdb_table_names[t] : "?";
}

int
kismetdb_version(const struct kismetdb *k)
{
	return k->version;
}

const char *
kismetdb_creator(const struct kismetdb *k)
{
	return k->creator;
}

static void
kdb_free(struct kismetdb *k)
{
	size_t i;

	for (i = 0; i < KISMETDB_TABLES; i++)
		sqlite3_finalize(k->ins[i]);
	sqlite3_finalize(k->find);
	sqlite3_finalize(k->batch);
	sqlite3_finalize(k->lean);
	sqlite3_close(k->db);
	free(k->path);
	free(k);
}

static int
kdb_exec(struct kismetdb *k, const char *sql)
{
	int rc;

	if ((rc = sqlite3_exec(k->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return kdb_fail(k, rc, sql);
	return 0;
}

/*
 * Make the file: created here with O_EXCL, so that two runs (or a run and
 * an operator's file) never share one, and then handed to SQLite, for
 * which an empty file is an empty database.
 */
int
kismetdb_create(const char *path, const char *creator,
    struct kismetdb **ret, char *err, size_t errlen)
{
	struct kismetdb *k;
	sqlite3_stmt *st = NULL;
	size_t i;
	int fd, rc, r;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640)) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	close(fd);
	k = xcalloc(1, sizeof(*k));
	k->path = xstrdup(path);
	k->writer = true;
	k->version = KISMETDB_VERSION;
	snprintf(k->creator, sizeof(k->creator), "%s", creator);
	rc = sqlite3_open_v2(path, &k->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = kdb_fail(k, rc, "open");
		goto fail;
	}
	sqlite3_extended_result_codes(k->db, 1);
	/*
	 * WAL: a commit appends to the log, and readers (an export,
	 * osprey_log, an operator's sqlite3) read committed rows while the
	 * writer goes on, neither waiting for the other.  synchronous=NORMAL
	 * until the writer says otherwise (kismetdb_set_sync()).  64 KiB
	 * pages halve the writer's CPU per
	 * packet against 4 KiB ones (fewer WAL frames, checksums and system
	 * calls for the same bytes) and make the file 12 % smaller; 1024 of
	 * them (64 MiB) between checkpoints keeps fsyncs rare
	 * (doc/performance.md).  The page size must come before any table.
	 */
	if ((r = kdb_exec(k, "PRAGMA page_size=65536")) < 0 ||
	    (r = kdb_exec(k, "PRAGMA journal_mode=WAL")) < 0 ||
	    (r = kdb_exec(k, "PRAGMA synchronous=NORMAL")) < 0 ||
	    (r = kdb_exec(k, "PRAGMA wal_autocheckpoint=1024")) < 0)
		goto fail;
	if ((r = kdb_exec(k, "BEGIN")) < 0)
		goto fail;
	for (i = 0; i < sizeof(kdb_schema) / sizeof(kdb_schema[0]); i++)
		if ((r = kdb_exec(k, kdb_schema[i])) < 0)
			goto fail;
	rc = sqlite3_prepare_v2(k->db, "INSERT INTO KISMET (kismet_version, "
	    "db_version, db_module) VALUES (?, ?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, k->creator, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, KISMETDB_VERSION);
		sqlite3_bind_text(st, 3, KISMETDB_MODULE, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		r = kdb_fail(k, rc, "KISMET table");
		goto fail;
	}
	if ((r = kdb_exec(k, "COMMIT")) < 0)
		goto fail;
	for (i = 0; i < KISMETDB_TABLES; i++) {
		k->has_table[i] = true;
		rc = sqlite3_prepare_v3(k->db, kdb_insert[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &k->ins[i], NULL);
		if (rc != SQLITE_OK) {
			r = kdb_fail(k, rc, "prepare");
			goto fail;
		}
	}
	*ret = k;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, k->err);
	kdb_free(k);
	(void)unlink(path);
	return r;
}

int
kismetdb_set_sync(struct kismetdb *k, enum kismetdb_sync sync)
{
	static const char *const sql[] = {
		[KISMETDB_SYNC_OFF] = "PRAGMA synchronous=OFF",
		[KISMETDB_SYNC_NORMAL] = "PRAGMA synchronous=NORMAL",
		[KISMETDB_SYNC_FULL] = "PRAGMA synchronous=FULL",
	};

	if ((unsigned)sync > KISMETDB_SYNC_FULL)
		return -EINVAL;
	return kdb_exec(k, sql[sync]);
}

/*
 * Is the file a kismetdb log?  Every table read by name must be a plain
 * table (not a view or a virtual table, which a hostile file could make
 * run anything), and KISMET must say which version it is.
 */
static int
kdb_check(struct kismetdb *k)
{
	sqlite3_stmt *st;
	const char *name, *sql;
	size_t i;
	int rc, r = 0;
	bool kismet = false;

	rc = sqlite3_prepare_v2(k->db, "SELECT name, type, sql FROM "
	    "sqlite_master", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(k->err, sizeof(k->err), "not an SQLite database "
		    "(%s)", sqlite3_errmsg(k->db));
		return -EBADMSG;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		sql = (const char *)sqlite3_column_text(st, 2);
		if (name == NULL)
			continue;
		for (i = 0; i < KISMETDB_TABLES; i++)
			if (strcmp(name, kdb_table_names[i]) == 0)
				break;
		if (i == KISMETDB_TABLES && strcmp(name, "KISMET") != 0)
			continue;
		if (sql == NULL || strncasecmp(sql, "CREATE TABLE", 12) != 0) {
			snprintf(k->err, sizeof(k->err), "'%s' is not a plain "
			    "table: not a kismetdb log", name);
			r = -EBADMSG;
			break;
		}
		if (i == KISMETDB_TABLES)
			kismet = true;
		else
			k->has_table[i] = true;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	if (rc != SQLITE_DONE) {
		snprintf(k->err, sizeof(k->err), "not an SQLite database (%s)",
		    sqlite3_errmsg(k->db));
		return -EBADMSG;
	}
	if (!kismet) {
		snprintf(k->err, sizeof(k->err), "an SQLite database without "
		    "a KISMET table: not a kismetdb log");
		return -EBADMSG;
	}
	if (!k->has_table[KISMETDB_PACKETS] ||
	    !k->has_table[KISMETDB_DEVICES]) {
		snprintf(k->err, sizeof(k->err), "no %s table: not a kismetdb "
		    "log", k->has_table[KISMETDB_PACKETS] ? "devices" :
		    "packets");
		return -EBADMSG;
	}
	rc = sqlite3_prepare_v2(k->db, "SELECT db_version, kismet_version, "
	    "db_module FROM KISMET LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(k->err, sizeof(k->err), "KISMET table without "
		    "db_version: not a kismetdb log");
		return -EBADMSG;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		k->version = sqlite3_column_int(st, 0);
		snprintf(k->creator, sizeof(k->creator), "%s",
		    sqlite3_column_text(st, 1) != NULL ?
		    (const char *)sqlite3_column_text(st, 1) : "");
		sql = (const char *)sqlite3_column_text(st, 2);
		if (sql != NULL && strcmp(sql, KISMETDB_MODULE) != 0) {
			snprintf(k->err, sizeof(k->err), "a Kismet database "
			    "of module '%.64s', not a log", sql);
			r = -EBADMSG;
		}
	}
	sqlite3_finalize(st);
	if (r == 0 && k->version <= 0) {
		snprintf(k->err, sizeof(k->err), "KISMET table holds no "
		    "db_version: not a kismetdb log");
		r = -EBADMSG;
	}
	return r;
}

/* Settings for reading files that may come from anyone. */
static void
kdb_defensive(sqlite3 *db)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_extended_result_codes(db, 1);
}

static int
kdb_open_done(struct kismetdb *k, struct kismetdb **ret, char *err,
    size_t errlen, const char *name)
{
	int r;

	if ((r = kdb_check(k)) < 0) {
		snprintf(err, errlen, "%s: %s", name, k->err);
		kdb_free(k);
		return r;
	}
	*ret = k;
	return 0;
}

int
kismetdb_open_read(const char *path, struct kismetdb **ret, char *err,
    size_t errlen)
{
	struct kismetdb *k;
	struct stat sb;
	int rc, r;

	/* SQLite would take a missing file for an empty database. */
	if (stat(path, &sb) != 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EBADMSG;
	}
	k = xcalloc(1, sizeof(*k));
	k->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &k->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = kdb_fail(k, rc, "open");
		snprintf(err, errlen, "%s: %s", path, k->err);
		kdb_free(k);
		return r;
	}
	kdb_defensive(k->db);
	return kdb_open_done(k, ret, err, errlen, path);
}

int
kismetdb_open_bytes(const void *data, size_t len, struct kismetdb **ret,
    char *err, size_t errlen)
{
	struct kismetdb *k;
	unsigned char *copy;
	int rc;

	k = xcalloc(1, sizeof(*k));
	if ((rc = sqlite3_open_v2(":memory:", &k->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL)) != SQLITE_OK ||
	    (copy = sqlite3_malloc64(len > 0 ? len : 1)) == NULL) {
		snprintf(err, errlen, "memory: out of memory");
		kdb_free(k);
		return -ENOMEM;
	}
	memcpy(copy, data, len);
	/* A WAL file's header says so; in memory there is no WAL. */
	if (len > 19 && copy[18] == 2 && copy[19] == 2)
		copy[18] = copy[19] = 1;
	kdb_defensive(k->db);
	rc = sqlite3_deserialize(k->db, "main", copy, (sqlite3_int64)len,
	    (sqlite3_int64)len, SQLITE_DESERIALIZE_FREEONCLOSE |
	    SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "memory: %s", sqlite3_errstr(rc));
		kdb_free(k);
		return -EBADMSG;
	}
	return kdb_open_done(k, ret, err, errlen, "memory");
}

int
kismetdb_close(struct kismetdb *k)
{
	int r = 0, r2;

	if (k == NULL)
		return 0;
	if (k->writer) {
		r = kismetdb_commit(k);
		/*
		 * Checkpoint and drop the WAL: the file that stays is one
		 * self-contained database, as Kismet leaves its logs.
		 */
		if ((r2 = kdb_exec(k, "PRAGMA journal_mode=DELETE")) < 0 &&
		    r == 0)
			r = r2;
	}
	kdb_free(k);
	return r;
}

int
kismetdb_begin(struct kismetdb *k)
{
	int r;

	if (k->in_tx)
		return 0;
	if ((r = kdb_exec(k, "BEGIN")) == 0)
		k->in_tx = true;
	return r;
}

int
kismetdb_commit(struct kismetdb *k)
{
	int r;

	if (!k->in_tx)
		return 0;
	r = kdb_exec(k, "COMMIT");
	/* A failed COMMIT may leave the transaction open; end it. */
	if (r < 0 && !sqlite3_get_autocommit(k->db))
		(void)sqlite3_exec(k->db, "ROLLBACK", NULL, NULL, NULL);
	k->in_tx = false;
	return r;
}

bool
kismetdb_in_transaction(const struct kismetdb *k)
{
	return k->in_tx;
}

/* Step an insert statement whose values are bound, and reset it. */
static int
kdb_step(struct kismetdb *k, sqlite3_stmt *st, const char *what)
{
	int rc;

	/* Every value is bound again for the next row: no clearing. */
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return kdb_fail(k, rc, what);
	return 0;
}

static void
kdb_bind_str(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s != NULL ? s : "", -1, SQLITE_STATIC);
}

/* JSON as Kismet stores it: a blob for records, text for the rest. */
static void
kdb_bind_json(sqlite3_stmt *st, int i, const char *s, size_t len,
    bool blob)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	if (blob)
		sqlite3_bind_blob64(st, i, s, len, SQLITE_STATIC);
	else
		sqlite3_bind_text64(st, i, s, len, SQLITE_STATIC,
		    SQLITE_UTF8);
}

/* Bind packet p's 24 values from parameter i + 1 on. */
static void
kdb_bind_packet(sqlite3_stmt *st, int i, const struct kismetdb_packet *p)
{
	sqlite3_bind_int64(st, i + 1, (sqlite3_int64)p->ts_sec);
	sqlite3_bind_int64(st, i + 2, (sqlite3_int64)p->ts_usec);
	kdb_bind_str(st, i + 3, p->phyname);
	kdb_bind_str(st, i + 4, p->sourcemac);
	kdb_bind_str(st, i + 5, p->destmac);
	kdb_bind_str(st, i + 6, p->transmac);
	sqlite3_bind_double(st, i + 7, p->frequency);
	kdb_bind_str(st, i + 8, p->devkey);
	sqlite3_bind_double(st, i + 9, p->loc.lat);
	sqlite3_bind_double(st, i + 10, p->loc.lon);
	sqlite3_bind_double(st, i + 11, p->loc.alt);
	sqlite3_bind_double(st, i + 12, p->loc.speed);
	sqlite3_bind_double(st, i + 13, p->loc.heading);
	sqlite3_bind_int64(st, i + 14, (sqlite3_int64)p->packet_len);
	sqlite3_bind_int64(st, i + 15, p->signal);
	kdb_bind_str(st, i + 16, p->datasource);
	sqlite3_bind_int64(st, i + 17, p->dlt);
	sqlite3_bind_blob64(st, i + 18, p->packet != NULL ?
	    (const void *)p->packet : (const void *)"", p->packet_len,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, i + 19, p->error != 0);
	kdb_bind_str(st, i + 20, p->tags);
	sqlite3_bind_double(st, i + 21, p->datarate);
	/* An INT column: the CRC's bits as Kismet stores them. */
	sqlite3_bind_int(st, i + 22, (int)p->hash);
	sqlite3_bind_int64(st, i + 23, (sqlite3_int64)p->packetid);
	sqlite3_bind_int64(st, i + 24, (sqlite3_int64)p->packet_full_len);
}

int
kismetdb_add_packet(struct kismetdb *k, const struct kismetdb_packet *p)
{
	sqlite3_stmt *st = k->ins[KISMETDB_PACKETS];

	if (st == NULL)
		return -EPERM;
	kdb_bind_packet(st, 0, p);
	return kdb_step(k, st, "insert packet");
}

/*
 * The lean batch: KISMETDB_BATCH rows of 802.11 frames without a
 * location, error or tags, of one datasource and link type, the common
 * case by far.  Those columns are SQL literals of the very types the
 * binds give them (REAL 0.0, INT 0, TEXT) and the source and link type
 * are bound once for the batch, so each row takes 14 binds instead of
 * 24: binding is a quarter of the writer's instructions
 * (doc/performance.md).  The rows in the file are the same.
 */
#define KDB_LEAN_ROW	14
#define KDB_LEAN_UUID	(KDB_LEAN_ROW * KISMETDB_BATCH + 1)
#define KDB_LEAN_DLT	(KDB_LEAN_ROW * KISMETDB_BATCH + 2)

static int
kdb_lean_prepare(struct kismetdb *k)
{
	char *sql, *prev;
	int b, j, rc;

	/* The column list of the single-row INSERT, new VALUES. */
	sql = xstrdup(kdb_insert[KISMETDB_PACKETS]);
	*strstr(sql, " VALUES ") = '\0';
	for (j = 0; j < KISMETDB_BATCH; j++) {
		b = j * KDB_LEAN_ROW;
		prev = sql;
		xasprintf(&sql, "%s%s(?%d,?%d,'" KISMETDB_PHY_DOT11 "',?%d,"
		    "?%d,?%d,?%d,?%d,0.0,0.0,0.0,0.0,0.0,?%d,?%d,?%d,?%d,?%d,"
		    "0,'',?%d,?%d,?%d,?%d)", prev, j == 0 ? " VALUES " : ",",
		    b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8,
		    b + 9, KDB_LEAN_UUID, KDB_LEAN_DLT, b + 10, b + 11,
		    b + 12, b + 13, b + 14);
		free(prev);
	}
	rc = sqlite3_prepare_v3(k->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &k->lean, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return kdb_fail(k, rc, "prepare");
	return 0;
}

/* Can v[0..KISMETDB_BATCH) go in with the lean statement? */
static bool
kdb_lean(const struct kismetdb_packet *v)
{
	const struct kismetdb_packet *p;
	const char *uuid = v[0].datasource != NULL ? v[0].datasource : "";
	size_t j;

	for (j = 0; j < KISMETDB_BATCH; j++) {
		p = &v[j];
		if (p->phyname == NULL ||
		    strcmp(p->phyname, KISMETDB_PHY_DOT11) != 0 ||
		    p->error != 0 || (p->tags != NULL && p->tags[0] != '\0') ||
		    p->loc.lat != 0 || p->loc.lon != 0 || p->loc.alt != 0 ||
		    p->loc.speed != 0 || p->loc.heading != 0 ||
		    p->dlt != v[0].dlt || (p->datasource != uuid &&
		    strcmp(p->datasource != NULL ? p->datasource : "",
		    uuid) != 0))
			return false;
	}
	return true;
}

static void
kdb_bind_lean(sqlite3_stmt *st, int i, const struct kismetdb_packet *p)
{
	sqlite3_bind_int64(st, i + 1, (sqlite3_int64)p->ts_sec);
	sqlite3_bind_int64(st, i + 2, (sqlite3_int64)p->ts_usec);
	kdb_bind_str(st, i + 3, p->sourcemac);
	kdb_bind_str(st, i + 4, p->destmac);
	kdb_bind_str(st, i + 5, p->transmac);
	sqlite3_bind_double(st, i + 6, p->frequency);
	kdb_bind_str(st, i + 7, p->devkey);
	sqlite3_bind_int64(st, i + 8, (sqlite3_int64)p->packet_len);
	sqlite3_bind_int64(st, i + 9, p->signal);
	sqlite3_bind_blob64(st, i + 10, p->packet != NULL ?
	    (const void *)p->packet : (const void *)"", p->packet_len,
	    SQLITE_STATIC);
	sqlite3_bind_double(st, i + 11, p->datarate);
	sqlite3_bind_int(st, i + 12, (int)p->hash);
	sqlite3_bind_int64(st, i + 13, (sqlite3_int64)p->packetid);
	sqlite3_bind_int64(st, i + 14, (sqlite3_int64)p->packet_full_len);
}

int
kismetdb_add_packets(struct kismetdb *k, const struct kismetdb_packet *v,
    size_t n)
{
	const char *one;
	char *sql, *prev;
	size_t i, j;
	int rc, r;

	if (k->ins[KISMETDB_PACKETS] == NULL)
		return -EPERM;
	if (k->batch == NULL) {
		/* The single-row INSERT with its VALUES list repeated. */
		one = strstr(kdb_insert[KISMETDB_PACKETS], " VALUES ") + 8;
		sql = xstrdup(kdb_insert[KISMETDB_PACKETS]);
		for (i = 1; i < KISMETDB_BATCH; i++) {
			prev = sql;
			xasprintf(&sql, "%s,%s", prev, one);
			free(prev);
		}
		rc = sqlite3_prepare_v3(k->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &k->batch, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return kdb_fail(k, rc, "prepare");
	}
	if (k->lean == NULL && (r = kdb_lean_prepare(k)) < 0)
		return r;
	for (i = 0; i + KISMETDB_BATCH <= n; i += KISMETDB_BATCH) {
		if (kdb_lean(&v[i])) {
			kdb_bind_str(k->lean, KDB_LEAN_UUID, v[i].datasource);
			sqlite3_bind_int64(k->lean, KDB_LEAN_DLT, v[i].dlt);
			for (j = 0; j < KISMETDB_BATCH; j++)
				kdb_bind_lean(k->lean,
				    KDB_LEAN_ROW * (int)j, &v[i + j]);
			if ((r = kdb_step(k, k->lean, "insert packets")) < 0)
				return r;
			continue;
		}
		for (j = 0; j < KISMETDB_BATCH; j++)
			kdb_bind_packet(k->batch, 24 * (int)j, &v[i + j]);
		if ((r = kdb_step(k, k->batch, "insert packets")) < 0)
			return r;
	}
	for (; i < n; i++)
		if ((r = kismetdb_add_packet(k, &v[i])) < 0)
			return r;
	return 0;
}

int
kismetdb_add_device(struct kismetdb *k, const struct kismetdb_device *d)
{
	sqlite3_stmt *st = k->ins[KISMETDB_DEVICES];

	if (st == NULL)
		return -EPERM;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)d->first_time);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)d->last_time);
	kdb_bind_str(st, 3, d->devkey);
	kdb_bind_str(st, 4, d->phyname);
	kdb_bind_str(st, 5, d->devmac);
	sqlite3_bind_int64(st, 6, d->strongest_signal);
	sqlite3_bind_double(st, 7, d->min_lat);
	sqlite3_bind_double(st, 8, d->min_lon);
	sqlite3_bind_double(st, 9, d->max_lat);
	sqlite3_bind_double(st, 10, d->max_lon);
	sqlite3_bind_double(st, 11, d->avg_lat);
	sqlite3_bind_double(st, 12, d->avg_lon);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)d->bytes_data);
	kdb_bind_str(st, 14, d->type);
	kdb_bind_json(st, 15, d->json, d->json_len, true);
	return kdb_step(k, st, "insert device");
}

int
kismetdb_add_source(struct kismetdb *k, const struct kismetdb_source *s)
{
	sqlite3_stmt *st = k->ins[KISMETDB_DATASOURCES];

	if (st == NULL)
		return -EPERM;
	kdb_bind_str(st, 1, s->uuid);
	kdb_bind_str(st, 2, s->typestring);
	kdb_bind_str(st, 3, s->definition);
	kdb_bind_str(st, 4, s->name);
	kdb_bind_str(st, 5, s->interface);
	kdb_bind_json(st, 6, s->json, s->json_len, true);
	return kdb_step(k, st, "insert datasource");
}

int
kismetdb_add_record(struct kismetdb *k, enum kismetdb_table t,
    const struct kismetdb_record *r)
{
	sqlite3_stmt *st;
	int i = 1;

	if (t >= KISMETDB_TABLES || (st = k->ins[t]) == NULL ||
	    t == KISMETDB_PACKETS || t == KISMETDB_DEVICES ||
	    t == KISMETDB_DATASOURCES)
		return -EPERM;
	sqlite3_bind_int64(st, i++, (sqlite3_int64)r->ts_sec);
	if (t != KISMETDB_MESSAGES)
		sqlite3_bind_int64(st, i++, (sqlite3_int64)r->ts_usec);
	if (t == KISMETDB_DATA || t == KISMETDB_ALERTS) {
		kdb_bind_str(st, i++, r->phyname);
		kdb_bind_str(st, i++, r->devmac != NULL ? r->devmac :
		    KISMETDB_NO_MAC);
	}
	sqlite3_bind_double(st, i++, r->loc.lat);
	sqlite3_bind_double(st, i++, r->loc.lon);
	if (t == KISMETDB_DATA) {
		sqlite3_bind_double(st, i++, r->loc.alt);
		sqlite3_bind_double(st, i++, r->loc.speed);
		sqlite3_bind_double(st, i++, r->loc.heading);
		kdb_bind_str(st, i++, r->datasource != NULL ? r->datasource :
		    KISMETDB_NO_UUID);
	}
	kdb_bind_str(st, i++, r->header);
	/* Kismet binds alert JSON as a blob, the others as text. */
	kdb_bind_json(st, i, r->json, r->json_len, t == KISMETDB_ALERTS);
	return kdb_step(k, st, "insert record");
}

int64_t
kismetdb_expire(struct kismetdb *k, enum kismetdb_table t, uint64_t before)
{
	sqlite3_stmt *st;
	char sql[96];
	int rc;

	if (t >= KISMETDB_TABLES || t == KISMETDB_DATASOURCES)
		return -EINVAL;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s < ?",
	    kdb_table_names[t], t == KISMETDB_DEVICES ? "last_time" :
	    "ts_sec");
	if ((rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return kdb_fail(k, rc, "expire");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)before);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kdb_fail(k, rc, "expire");
	return sqlite3_changes64(k->db);
}

int
kismetdb_moved(struct kismetdb *k)
{
	int moved = 0, rc;

	rc = sqlite3_file_control(k->db, "main", SQLITE_FCNTL_HAS_MOVED,
	    &moved);
	if (rc != SQLITE_OK)
		return kdb_fail(k, rc, "file check");
	return moved != 0;
}

int64_t
kismetdb_file_size(struct kismetdb *k)
{
	struct stat sb;
	char wal[4096];
	int64_t n;

	if (k->path == NULL)
		return -EINVAL;
	if (stat(k->path, &sb) != 0)
		return -errno;
	n = sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", k->path);
	if (stat(wal, &sb) == 0)
		n += sb.st_size;
	return n;
}

/* Reading */

/* Does table t of the file have column name? */
static bool
kdb_has_column(struct kismetdb *k, enum kismetdb_table t, const char *name)
{
	sqlite3_stmt *st;
	char sql[64];
	bool found = false;
	const char *c;

	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)",
	    kdb_table_names[t]);
	if (sqlite3_prepare_v2(k->db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	while (!found && sqlite3_step(st) == SQLITE_ROW)
		found = (c = (const char *)sqlite3_column_text(st, 1)) !=
		    NULL && strcasecmp(c, name) == 0;
	sqlite3_finalize(st);
	return found;
}

/* "SELECT a, b, 0, ... FROM table": the columns the file has. */
static char *
kdb_select(struct kismetdb *k, enum kismetdb_table t,
    const struct kdb_col *cols)
{
	char *sql = NULL, *prev;
	const char *expr;
	bool oldloc;

	/* Before db_version 5 positions were degrees times 100000. */
	oldloc = k->version < 5;
	for (; cols->name != NULL; cols++) {
		expr = cols->absent;
		if (kdb_has_column(k, t, cols->name))
			expr = cols->name;
		else if (strcmp(cols->name, "packet_full_len") == 0 &&
		    kdb_has_column(k, t, "packet_len"))
			expr = "packet_len";
		prev = sql;
		if (oldloc && expr == cols->name &&
		    (strcmp(expr, "lat") == 0 || strcmp(expr, "lon") == 0))
			xasprintf(&sql, "%s%s%s / 100000.0", prev != NULL ?
			    prev : "SELECT ", prev != NULL ? ", " : "", expr);
		else
			xasprintf(&sql, "%s%s%s", prev != NULL ? prev :
			    "SELECT ", prev != NULL ? ", " : "", expr);
		free(prev);
	}
	prev = sql;
	xasprintf(&sql, "%s FROM %s", prev, kdb_table_names[t]);
	free(prev);
	return sql;
}

/* A WHERE clause under construction and the values it binds. */
struct kdb_where {
	char		*sql;
	int		 n;
	struct {
		int		 kind;	/* 0 text, 1 double, 2 int */
		const char	*s;
		double		 d;
		int64_t		 i;
	}		 v[32];
};

static void
kdb_where_add(struct kdb_where *w, const char *cond, int kind,
    const char *s, double d, int64_t i)
{
	char *prev = w->sql;

	if (w->n == (int)(sizeof(w->v) / sizeof(w->v[0])))
		return;
	xasprintf(&w->sql, "%s%s%s", prev != NULL ? prev : " WHERE ",
	    prev != NULL ? " AND " : "", cond);
	free(prev);
	w->v[w->n].kind = kind;
	w->v[w->n].s = s;
	w->v[w->n].d = d;
	w->v[w->n].i = i;
	w->n++;
}

static void
kdb_filter_where(struct kismetdb *k, const struct kismetdb_filter *f,
    struct kdb_where *w, char *tagbuf, size_t taglen)
{
	if (f->has_ts_start)
		kdb_where_add(w, "ts_sec + ts_usec / 1000000.0 >= ?", 1, NULL,
		    f->ts_start, 0);
	if (f->has_ts_end)
		kdb_where_add(w, "ts_sec + ts_usec / 1000000.0 <= ?", 1, NULL,
		    f->ts_end, 0);
	if (f->datasource != NULL)
		kdb_where_add(w, "datasource LIKE ?", 0, f->datasource, 0, 0);
	if (f->device_id != NULL)
		kdb_where_add(w, "devkey LIKE ?", 0, f->device_id, 0, 0);
	if (f->has_dlt)
		kdb_where_add(w, "dlt = ?", 2, NULL, 0, f->dlt);
	if (f->has_freq)
		kdb_where_add(w, "frequency = ?", 1, NULL, f->freq, 0);
	if (f->has_freq_min)
		kdb_where_add(w, "frequency >= ?", 1, NULL, f->freq_min, 0);
	if (f->has_freq_max)
		kdb_where_add(w, "frequency <= ?", 1, NULL, f->freq_max, 0);
	if (f->has_signal_min)
		kdb_where_add(w, "signal >= ?", 2, NULL, 0, f->signal_min);
	if (f->has_signal_max)
		kdb_where_add(w, "signal <= ?", 2, NULL, 0, f->signal_max);
	if (f->address_source != NULL)
		kdb_where_add(w, "sourcemac LIKE ?", 0, f->address_source, 0,
		    0);
	if (f->address_dest != NULL)
		kdb_where_add(w, "destmac LIKE ?", 0, f->address_dest, 0, 0);
	if (f->address_trans != NULL)
		kdb_where_add(w, "transmac LIKE ?", 0, f->address_trans, 0, 0);
	if (f->has_lat_min)
		kdb_where_add(w, "lat >= ?", 1, NULL, f->lat_min, 0);
	if (f->has_lat_max)
		kdb_where_add(w, "lat <= ?", 1, NULL, f->lat_max, 0);
	if (f->has_lon_min)
		kdb_where_add(w, "lon >= ?", 1, NULL, f->lon_min, 0);
	if (f->has_lon_max)
		kdb_where_add(w, "lon <= ?", 1, NULL, f->lon_max, 0);
	if (f->has_size_min)
		kdb_where_add(w, "packet_len >= ?", 2, NULL, 0,
		    (int64_t)f->size_min);
	if (f->has_size_max)
		kdb_where_add(w, "packet_len <= ?", 2, NULL, 0,
		    (int64_t)f->size_max);
	if (f->tag != NULL && kdb_has_column(k, KISMETDB_PACKETS, "tags")) {
		snprintf(tagbuf, taglen, "%%%s%%", f->tag);
		kdb_where_add(w, "tags LIKE ?", 0, tagbuf, 0, 0);
	}
}

static int
kdb_iter_new(struct kismetdb *k, enum kismetdb_table t, const char *sql,
    const struct kdb_where *w, struct kismetdb_iter **ret)
{
	struct kismetdb_iter *it;
	sqlite3_stmt *st;
	int i, rc;

	if ((rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return kdb_fail(k, rc, "query");
	for (i = 0; w != NULL && i < w->n; i++)
		if (w->v[i].kind == 0)
			sqlite3_bind_text(st, i + 1, w->v[i].s, -1,
			    SQLITE_TRANSIENT);
		else if (w->v[i].kind == 1)
			sqlite3_bind_double(st, i + 1, w->v[i].d);
		else
			sqlite3_bind_int64(st, i + 1, w->v[i].i);
	it = xcalloc(1, sizeof(*it));
	it->kdb = k;
	it->st = st;
	it->table = t;
	*ret = it;
	return 0;
}

int
kismetdb_iter_packets(struct kismetdb *k, const struct kismetdb_filter *f,
    struct kismetdb_iter **ret)
{
	struct kdb_where w;
	char *base, *sql, tag[512];
	int r;

	memset(&w, 0, sizeof(w));
	base = kdb_select(k, KISMETDB_PACKETS, kdb_packet_cols);
	if (f != NULL)
		kdb_filter_where(k, f, &w, tag, sizeof(tag));
	if (f != NULL && f->limit > 0)
		xasprintf(&sql, "%s%s ORDER BY rowid LIMIT %llu", base,
		    w.sql != NULL ? w.sql : "", (unsigned long long)f->limit);
	else
		xasprintf(&sql, "%s%s ORDER BY rowid", base,
		    w.sql != NULL ? w.sql : "");
	r = kdb_iter_new(k, KISMETDB_PACKETS, sql, &w, ret);
	free(w.sql);
	free(base);
	free(sql);
	return r;
}

int
kismetdb_iter_devices(struct kismetdb *k, struct kismetdb_iter **ret)
{
	char *sql, *base;
	int r;

	base = kdb_select(k, KISMETDB_DEVICES, kdb_device_cols);
	xasprintf(&sql, "%s ORDER BY rowid", base);
	r = kdb_iter_new(k, KISMETDB_DEVICES, sql, NULL, ret);
	free(base);
	free(sql);
	return r;
}

int
kismetdb_iter_sources(struct kismetdb *k, struct kismetdb_iter **ret)
{
	char *sql;
	int r;

	if (!k->has_table[KISMETDB_DATASOURCES]) {
		snprintf(k->err, sizeof(k->err), "no datasources table");
		return -ENOENT;
	}
	sql = kdb_select(k, KISMETDB_DATASOURCES, kdb_source_cols);
	r = kdb_iter_new(k, KISMETDB_DATASOURCES, sql, NULL, ret);
	free(sql);
	return r;
}

void
kismetdb_iter_free(struct kismetdb_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->st);
	free(it);
}

/* Step the iterator: 1 a row, 0 the end, or a negative errno. */
static int
kdb_iter_step(struct kismetdb_iter *it, enum kismetdb_table t)
{
	int rc;

	if (it->table != t)
		return -EINVAL;
	rc = sqlite3_step(it->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return kdb_fail(it->kdb, rc, "read");
}

static const char *
kdb_col_str(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s != NULL ? s : "";
}

static const void *
kdb_col_blob(sqlite3_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st, i);

	*len = (size_t)sqlite3_column_bytes(st, i);
	return p != NULL ? p : "";
}

int
kismetdb_next_packet(struct kismetdb_iter *it, struct kismetdb_packet *p)
{
	sqlite3_stmt *st = it->st;
	int r;

	if ((r = kdb_iter_step(it, KISMETDB_PACKETS)) <= 0)
		return r;
	memset(p, 0, sizeof(*p));
	p->ts_sec = (uint64_t)sqlite3_column_int64(st, 0);
	p->ts_usec = (uint64_t)sqlite3_column_int64(st, 1);
	p->phyname = kdb_col_str(st, 2);
	p->sourcemac = kdb_col_str(st, 3);
	p->destmac = kdb_col_str(st, 4);
	p->transmac = kdb_col_str(st, 5);
	p->frequency = sqlite3_column_double(st, 6);
	p->devkey = kdb_col_str(st, 7);
	p->loc.lat = sqlite3_column_double(st, 8);
	p->loc.lon = sqlite3_column_double(st, 9);
	p->loc.alt = sqlite3_column_double(st, 10);
	p->loc.speed = sqlite3_column_double(st, 11);
	p->loc.heading = sqlite3_column_double(st, 12);
	p->signal = sqlite3_column_int64(st, 13);
	p->datasource = kdb_col_str(st, 14);
	p->dlt = (uint32_t)sqlite3_column_int64(st, 15);
	p->packet = kdb_col_blob(st, 16, &p->packet_len);
	p->error = sqlite3_column_int(st, 17);
	p->tags = kdb_col_str(st, 18);
	p->datarate = sqlite3_column_double(st, 19);
	p->hash = (uint32_t)sqlite3_column_int64(st, 20);
	p->packetid = (uint64_t)sqlite3_column_int64(st, 21);
	p->packet_full_len = (uint64_t)sqlite3_column_int64(st, 22);
	return 1;
}

int
kismetdb_next_device(struct kismetdb_iter *it, struct kismetdb_device *d)
{
	sqlite3_stmt *st = it->st;
	int r;

	if ((r = kdb_iter_step(it, KISMETDB_DEVICES)) <= 0)
		return r;
	memset(d, 0, sizeof(*d));
	d->first_time = (uint64_t)sqlite3_column_int64(st, 0);
	d->last_time = (uint64_t)sqlite3_column_int64(st, 1);
	d->devkey = kdb_col_str(st, 2);
	d->phyname = kdb_col_str(st, 3);
	d->devmac = kdb_col_str(st, 4);
	d->strongest_signal = sqlite3_column_int64(st, 5);
	d->min_lat = sqlite3_column_double(st, 6);
	d->min_lon = sqlite3_column_double(st, 7);
	d->max_lat = sqlite3_column_double(st, 8);
	d->max_lon = sqlite3_column_double(st, 9);
	d->avg_lat = sqlite3_column_double(st, 10);
	d->avg_lon = sqlite3_column_double(st, 11);
	d->bytes_data = (uint64_t)sqlite3_column_int64(st, 12);
	d->type = kdb_col_str(st, 13);
	d->json = kdb_col_blob(st, 14, &d->json_len);
	return 1;
}

int
kismetdb_next_source(struct kismetdb_iter *it, struct kismetdb_source *s)
{
	sqlite3_stmt *st = it->st;
	int r;

	if ((r = kdb_iter_step(it, KISMETDB_DATASOURCES)) <= 0)
		return r;
	memset(s, 0, sizeof(*s));
	s->uuid = kdb_col_str(st, 0);
	s->typestring = kdb_col_str(st, 1);
	s->definition = kdb_col_str(st, 2);
	s->name = kdb_col_str(st, 3);
	s->interface = kdb_col_str(st, 4);
	s->json = kdb_col_blob(st, 5, &s->json_len);
	return 1;
}

int
kismetdb_find_device(struct kismetdb *k, const char *phyname,
    const char *devmac, struct kismetdb_device *ret)
{
	struct kismetdb_iter it;
	char *base, *sql;
	int rc;

	if (k->find == NULL) {
		base = kdb_select(k, KISMETDB_DEVICES, kdb_device_cols);
		xasprintf(&sql, "%s WHERE devmac = ? AND phyname = ? "
		    "ORDER BY rowid DESC LIMIT 1", base);
		rc = sqlite3_prepare_v2(k->db, sql, -1, &k->find, NULL);
		free(base);
		free(sql);
		if (rc != SQLITE_OK)
			return kdb_fail(k, rc, "query");
	}
	sqlite3_reset(k->find);
	sqlite3_bind_text(k->find, 1, devmac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(k->find, 2, phyname, -1, SQLITE_TRANSIENT);
	it.kdb = k;
	it.st = k->find;
	it.table = KISMETDB_DEVICES;
	return kismetdb_next_device(&it, ret);
}

int
kismetdb_packet_counts(struct kismetdb *k,
    void (*cb)(const char *, uint32_t, uint64_t, void *), void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(k->db, "SELECT datasource, dlt, "
	    "count(*) FROM packets GROUP BY datasource, dlt ORDER BY "
	    "datasource, dlt", -1, &st, NULL)) != SQLITE_OK)
		return kdb_fail(k, rc, "query");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(kdb_col_str(st, 0), (uint32_t)sqlite3_column_int64(st, 1),
		    (uint64_t)sqlite3_column_int64(st, 2), arg);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kdb_fail(k, rc, "query");
	return 0;
}

/* One row of integers from sql; 0, or a negative errno. */
static int
kdb_query_u64(struct kismetdb *k, const char *sql, uint64_t *v, int n)
{
	sqlite3_stmt *st;
	int rc, i;

	if ((rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return kdb_fail(k, rc, "summary");
	rc = sqlite3_step(st);
	for (i = 0; rc == SQLITE_ROW && i < n; i++)
		v[i] = (uint64_t)sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return kdb_fail(k, rc, "summary");
	return 0;
}

int
kismetdb_summary(struct kismetdb *k, struct kismetdb_summary *s)
{
	uint64_t v[2];
	char sql[128];
	size_t i;
	int r;

	memset(s, 0, sizeof(*s));
	s->db_version = k->version;
	snprintf(s->creator, sizeof(s->creator), "%s", k->creator);
	for (i = 0; i < KISMETDB_TABLES; i++) {
		if (!k->has_table[i])
			continue;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
		    kdb_table_names[i]);
		if ((r = kdb_query_u64(k, sql, &s->rows[i], 1)) < 0)
			return r;
	}
	if (kdb_has_column(k, KISMETDB_PACKETS, "lat") &&
	    kdb_has_column(k, KISMETDB_PACKETS, "lon") &&
	    (r = kdb_query_u64(k, "SELECT count(*) FROM packets WHERE "
	    "lat != 0 AND lon != 0", &s->packets_with_location, 1)) < 0)
		return r;
	memset(v, 0, sizeof(v));
	if ((r = kdb_query_u64(k, "SELECT min(ts_sec), max(ts_sec) FROM "
	    "packets WHERE ts_sec != 0", v, 2)) < 0)
		return r;
	s->first_packet = v[0];
	s->last_packet = v[1];
	memset(v, 0, sizeof(v));
	if ((r = kdb_query_u64(k, "SELECT min(first_time), max(last_time) "
	    "FROM devices", v, 2)) < 0)
		return r;
	s->first_device = v[0];
	s->last_device = v[1];
	return 0;
}
