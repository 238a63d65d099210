/* SPDX-License-Identifier: ISC */
/*
 * \summary: kismetdb files: Kismet's SQLite log, written and read back
 *
 * The only module that speaks SQL.  A kismetdb file is an SQLite
 * database with Kismet's tables (doc/kismetdb.md lists every column):
 *
 *   KISMET       kismet_version, db_version (9), db_module ("kismetlog")
 *   devices      one row per (phyname, devmac), the device as JSON
 *   packets      one row per frame, raw bytes as captured
 *   data         non-packet records (none yet)
 *   datasources  one row per source uuid, the source as JSON
 *   alerts       alerts (none until the alert engine lands)
 *   messages     the message bus
 *   snapshots    GPS track points and periodic system status
 *
 * Writing: kismetdb_create() makes a new file (never an existing one),
 * in WAL mode; rows go in with prepared statements between
 * kismetdb_begin() and kismetdb_commit(), so a crash loses at most the
 * open transaction.  kismetdb_close() commits and turns the journal back
 * to a single file, as Kismet leaves its logs.
 *
 * Reading: kismetdb_open_read() opens any kismetdb file read-only,
 * Kismet's or osprey's, of any db_version: which columns a table has is
 * read from the file, and a column an older version lacks reads as its
 * default.  A file that is not SQLite, or SQLite without a KISMET table
 * and a packets table, is refused with the reason.
 *
 * Functions return 0 or a negative errno (-ENOSPC disk full, -EIO a
 * failed read or write, -EBADMSG a file that is not a kismetdb log,
 * -EEXIST a file that exists) and leave a one-line reason that
 * kismetdb_errmsg() returns.  Nothing here logs above debug.
 */
#ifndef DAEMON_KISMETDB_H
#define DAEMON_KISMETDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KISMETDB_VERSION	9	/* Kismet 2023-07's db_version */
#define KISMETDB_MODULE		"kismetlog"
#define KISMETDB_PHY_DOT11	"IEEE802.11"
#define KISMETDB_NO_MAC		"00:00:00:00:00:00"
#define KISMETDB_NO_UUID	"00000000-0000-0000-0000-000000000000"
#define KISMETDB_ERR_MAX	256

struct kismetdb;
struct kismetdb_iter;

/* A position: degrees, metres, km/h, degrees.  All 0 without a fix. */
struct kismetdb_loc {
	double		 lat, lon, alt, speed, heading;
};

/* One packets row.  Strings are NUL terminated and never NULL. */
struct kismetdb_packet {
	uint64_t	 ts_sec, ts_usec;
	const char	*phyname;
	const char	*sourcemac, *destmac, *transmac;
	double		 frequency;		/* kHz */
	const char	*devkey;
	struct kismetdb_loc loc;
	int64_t		 signal;		/* dBm */
	const char	*datasource;		/* uuid */
	uint32_t	 dlt;
	const uint8_t	*packet;		/* packet_len bytes */
	size_t		 packet_len;
	uint64_t	 packet_full_len;	/* on the air */
	int		 error;
	const char	*tags;			/* space separated */
	double		 datarate;		/* Mbit/s */
	uint32_t	 hash;			/* CRC-32 of the frame */
	uint64_t	 packetid;
};

/* One devices row; device is the record as JSON text. */
struct kismetdb_device {
	uint64_t	 first_time, last_time;
	const char	*devkey;
	const char	*phyname;
	const char	*devmac;
	int64_t		 strongest_signal;
	double		 min_lat, min_lon, max_lat, max_lon;
	double		 avg_lat, avg_lon;
	uint64_t	 bytes_data;
	const char	*type;
	const char	*json;
	size_t		 json_len;
};

/* One datasources row. */
struct kismetdb_source {
	const char	*uuid;
	const char	*typestring;
	const char	*definition;
	const char	*name;
	const char	*interface;
	const char	*json;
	size_t		 json_len;
};

/*
 * A row of alerts (header, devmac), snapshots (header is the snaptype),
 * data (header is the type, devmac, datasource) or messages (header is
 * the msgtype, json the message text).  Unused fields may be NULL.
 */
struct kismetdb_record {
	uint64_t	 ts_sec, ts_usec;
	const char	*phyname;
	const char	*devmac;
	const char	*datasource;
	struct kismetdb_loc loc;
	const char	*header;
	const char	*json;
	size_t		 json_len;
};

enum kismetdb_table {
	KISMETDB_PACKETS,
	KISMETDB_DEVICES,
	KISMETDB_DATA,
	KISMETDB_DATASOURCES,
	KISMETDB_ALERTS,
	KISMETDB_MESSAGES,
	KISMETDB_SNAPSHOTS,
	KISMETDB_TABLES
};

/*
 * Settings for a process whose one thread alone uses SQLite (the writer,
 * osprey_log): call first, before any other function here.  Returns 0,
 * or -EBUSY when SQLite is already in use (it then keeps its defaults).
 */
int	 kismetdb_init(void);

/* The table's name in the file ("packets"). */
const char	*kismetdb_table_name(enum kismetdb_table);

/*
 * Create path (it must not exist: -EEXIST) as an empty kismetdb log of
 * KISMETDB_VERSION with every table, KISMET's kismet_version set to
 * creator ("osprey 0.1.0"), and switch it to WAL.  Returns 0 and the
 * handle in *ret, or a negative errno with the reason in err.
 */
int	 kismetdb_create(const char *path, const char *creator,
	    struct kismetdb **ret, char *err, size_t errlen);

/*
 * How a writer's commits meet the disk (SQLite's synchronous): OFF hands
 * them to the operating system (safe against the death of any process,
 * not against a power cut), NORMAL also syncs at each WAL checkpoint (a
 * power cut loses at most the last commits), FULL at each commit too.
 * kismetdb_create() starts with NORMAL.
 */
enum kismetdb_sync {
	KISMETDB_SYNC_OFF = 0,
	KISMETDB_SYNC_NORMAL,
	KISMETDB_SYNC_FULL,
};

int	 kismetdb_set_sync(struct kismetdb *, enum kismetdb_sync);

/*
 * Open path read-only after checking that it is a kismetdb log.
 * Returns 0 and the handle, or -ENOENT/-EACCES/-EBADMSG with the reason
 * ("not an SQLite database", "no KISMET table: not a kismetdb log") in
 * err.
 */
int	 kismetdb_open_read(const char *path, struct kismetdb **ret,
	    char *err, size_t errlen);

/*
 * As kismetdb_open_read() over len bytes held in memory (fuzzing, tests);
 * the bytes are copied.
 */
int	 kismetdb_open_bytes(const void *data, size_t len,
	    struct kismetdb **ret, char *err, size_t errlen);

/*
 * Close: a writer commits what is open, checkpoints and leaves a single
 * file (journal_mode DELETE).  Returns 0, or the error of that last
 * commit (the handle is freed all the same).  NULL is a no-op.
 */
int	 kismetdb_close(struct kismetdb *);

/* The reason of the last failure. */
const char *kismetdb_errmsg(const struct kismetdb *);

/* What KISMET says: db_version, kismet_version, db_module. */
int	 kismetdb_version(const struct kismetdb *);
const char *kismetdb_creator(const struct kismetdb *);

/* Transactions: begin is a no-op inside one; commit outside one too. */
int	 kismetdb_begin(struct kismetdb *);
int	 kismetdb_commit(struct kismetdb *);
bool	 kismetdb_in_transaction(const struct kismetdb *);

/* Insert one row (in the open transaction, if any). */
int	 kismetdb_add_packet(struct kismetdb *, const struct kismetdb_packet *);
/*
 * Insert n packets in order, KISMETDB_BATCH to a statement (a cursor
 * opened once per statement instead of once per row).  On an error some
 * of them may be in: the caller fails the transaction.
 */
#define KISMETDB_BATCH	16
int	 kismetdb_add_packets(struct kismetdb *,
	    const struct kismetdb_packet *v, size_t n);
/* devices: one row per (phyname, devmac); a newer row replaces it. */
int	 kismetdb_add_device(struct kismetdb *, const struct kismetdb_device *);
/* datasources: one row per uuid; a newer row replaces it. */
int	 kismetdb_add_source(struct kismetdb *, const struct kismetdb_source *);
/* messages, alerts, snapshots or data, by table. */
int	 kismetdb_add_record(struct kismetdb *, enum kismetdb_table,
	    const struct kismetdb_record *);

/*
 * Delete the rows of a table older than before (epoch seconds: ts_sec,
 * or last_time for devices), for the kis_log_*_timeout keys.  Returns
 * the number deleted or a negative errno.
 */
int64_t	 kismetdb_expire(struct kismetdb *, enum kismetdb_table,
	    uint64_t before);

/*
 * 1 when the file the handle writes has been deleted, renamed or moved
 * since it was opened (rows would then go nowhere anyone can read), 0
 * when it is still there, or a negative errno.
 */
int	 kismetdb_moved(struct kismetdb *);

/* Bytes the file takes now (main file and its WAL), or -errno. */
int64_t	 kismetdb_file_size(struct kismetdb *);

/*
 * Which packets to read: Kismet's filter of /logging/kismetdb/pcap/.
 * Each has_* turns a condition on; all must match.
 */
struct kismetdb_filter {
	bool		 has_ts_start, has_ts_end;
	double		 ts_start, ts_end;	/* epoch seconds, inclusive */
	const char	*datasource;		/* uuid, or NULL */
	const char	*device_id;		/* devkey, or NULL */
	bool		 has_dlt;
	uint32_t	 dlt;
	bool		 has_freq, has_freq_min, has_freq_max;
	double		 freq, freq_min, freq_max;	/* kHz */
	bool		 has_signal_min, has_signal_max;
	int64_t		 signal_min, signal_max;
	const char	*address_source;	/* MAC, or NULL */
	const char	*address_dest;
	const char	*address_trans;
	bool		 has_lat_min, has_lat_max, has_lon_min, has_lon_max;
	double		 lat_min, lat_max, lon_min, lon_max;
	bool		 has_size_min, has_size_max;
	uint64_t	 size_min, size_max;	/* packet_len */
	const char	*tag;			/* a tag the packet has */
	uint64_t	 limit;			/* 0: no limit */
};

/*
 * Iterate over a table, in the order rows were written.  Packets take a
 * filter (NULL: every packet).  kismetdb_next_*() returns 1 with the row
 * (valid until the next call), 0 at the end, or a negative errno.
 * Strings of a row are never NULL.
 */
int	 kismetdb_iter_packets(struct kismetdb *,
	    const struct kismetdb_filter *, struct kismetdb_iter **ret);
int	 kismetdb_iter_devices(struct kismetdb *, struct kismetdb_iter **ret);
int	 kismetdb_iter_sources(struct kismetdb *, struct kismetdb_iter **ret);
int	 kismetdb_next_packet(struct kismetdb_iter *,
	    struct kismetdb_packet *ret);
int	 kismetdb_next_device(struct kismetdb_iter *,
	    struct kismetdb_device *ret);
int	 kismetdb_next_source(struct kismetdb_iter *,
	    struct kismetdb_source *ret);
void	 kismetdb_iter_free(struct kismetdb_iter *);

/*
 * The device row of (phyname, devmac), as kismetdb_next_device() gives
 * it, valid until the next call on k.  Returns 1 and the row, 0 when
 * there is none, or a negative errno.
 */
int	 kismetdb_find_device(struct kismetdb *, const char *phyname,
	    const char *devmac, struct kismetdb_device *ret);

/*
 * Call cb once per (datasource, link type) pair of the packets table
 * with its packet count, in uuid and link type order.  Returns 0 or a
 * negative errno.
 */
int	 kismetdb_packet_counts(struct kismetdb *,
	    void (*cb)(const char *uuid, uint32_t dlt, uint64_t n, void *),
	    void *arg);

/* What kismetdb_summary() counts. */
struct kismetdb_summary {
	int		 db_version;
	char		 creator[64];		/* kismet_version */
	uint64_t	 rows[KISMETDB_TABLES];
	uint64_t	 packets_with_location;
	uint64_t	 first_packet, last_packet;	/* ts_sec, 0 none */
	uint64_t	 first_device, last_device;	/* first/last_time */
};

int	 kismetdb_summary(struct kismetdb *, struct kismetdb_summary *ret);

#endif
