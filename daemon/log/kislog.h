/* SPDX-License-Identifier: ISC */
/*
 * \summary: the kismetdb log as the core runs it: what goes in, and when
 *
 * log_types=kismet turns it on (doc/kismetdb.md).  The core forks a
 * writer process (kislogd.h) and feeds it over a socket: every packet
 * from the pipeline's tap as it passes, device records every
 * kis_log_device_rate seconds (only those changed since the last pass,
 * a slice per loop pass so packets never wait long) and at exit,
 * datasource records when a source first delivers and every
 * kis_log_datasources_rate seconds, message bus lines, system snapshots.
 *
 * The socket is fed from a bounded queue, never written synchronously
 * from the packet path: a slow disk delays the log, never capture.  When
 * the queue passes an eighth of kis_log_queue_mb the core stops reading
 * capture files (a file can wait; a radio cannot), and past all of it it
 * drops packets from the log and counts them.  What was not logged, and
 * why, shows in /system/status.json.
 *
 * Every packet row carries the location the packet got in the pipeline
 * (the GPS layer's best fix, or a remote sensor's own); with the GPS
 * layer attached (kislog_set_gps()) the other rows carry its best fix,
 * and the GPS track is written.  kislog_alert() is the alert engine's.
 */
#ifndef DAEMON_KISLOG_H
#define DAEMON_KISLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <msgpack.h>

#include "kislogd.h"
#include "kismetdb.h"

/*
 * Queue bounds (bytes waiting for the writer): packets are dropped past
 * kis_log_queue_mb (default 64 MiB), file sources are held past an
 * eighth of it and read again below a thirty-second.
 */
#define KISLOG_QUEUE_MB		64
/* A file source is never held longer than this at once. */
#define KISLOG_HOLD_MAX_MS	5000
/* Device records written per loop pass during a device pass. */
#define KISLOG_DEVICE_SLICE	256
/*
 * At exit the last device pass is packed a slice at a time while fewer
 * bytes than this wait for the socket (which holds some MiB more), so
 * that the writer stores one slice while the core packs the next.
 */
#define KISLOG_EXIT_QUEUE	(2 * 1024 * 1024)

struct config;
struct datasource_mgr;
struct event_base;
struct gps;
struct kislog;
struct klmsg_packet;
struct msgbus;
struct packet;
struct packet_ctx;
struct tracker;

/* The kis_log_* keys (doc/kismetdb.md, "Configuration"). */
struct kislog_conf {
	struct kislogd_conf	 writer;
	bool			 packets;	/* kis_log_packets */
	bool			 data_packets;	/* kis_log_data_packets */
	bool			 duplicates;	/* kis_log_duplicate_packets */
	bool			 devices;	/* kis_log_devices */
	uint32_t		 device_rate;	/* kis_log_device_rate, s */
	bool			 sources;	/* kis_log_datasources */
	uint32_t		 source_rate;	/* kis_log_datasources_rate */
	bool			 messages;	/* kis_log_messages */
	bool			 alerts;	/* kis_log_alerts */
	bool			 gps_track;	/* kis_log_gps_track */
	bool			 system;	/* kis_log_system_status */
	uint32_t		 system_rate;	/* ..._rate */
	uint32_t		 queue_mb;	/* kis_log_queue_mb */
	struct kislogd_filter	 packet_filter;	/* kis_log_packet_filter */
};

/*
 * Read the kis_log_* keys of cfg (defaults as Kismet's) into ret.
 * Returns 0, or -EINVAL with "file:line: key: reason" in err.
 */
int	 kislog_config(const struct config *cfg, struct kislog_conf *ret,
	    char *err, size_t errlen);

/* What the core gives the log to read from. */
struct kislog_deps {
	struct event_base	*base;
	struct datasource_mgr	*sources;
	struct tracker		*tracker;
	struct packet_ctx	*packets;
	struct msgbus		*bus;
};

/*
 * Fork the writer, wait (up to 10 s) for it to create the file, and hook
 * the packet pipeline.  Returns the log, or NULL with the reason in err
 * (a start-up failure).  The path chosen is kislog_path().
 */
struct kislog	*kislog_start(const struct kislog_conf *,
		    const struct kislog_deps *, char *err, size_t errlen);

/*
 * Last device, datasource and message passes, then hand the writer
 * everything queued, close its socket and wait (up to 30 s) for it to
 * close the file.  Call while the tracker and the sources still exist.
 * NULL is a no-op.
 */
void		 kislog_close(struct kislog *);

const char	*kislog_path(const struct kislog *);
pid_t		 kislog_pid(const struct kislog *);

/*
 * Attach the GPS layer (not owned; NULL detaches it): messages, alerts
 * and snapshots are stamped with its best fix when they are written (0
 * without one, as Kismet writes), and with kis_log_gps_track every
 * receiver is logged once a second as a "GPS" snapshot, as Kismet's
 * track is.  Packets need nothing: they carry their own location.
 */
void		 kislog_set_gps(struct kislog *, const struct gps *);

/*
 * An alert, as the alerts table holds it: the alert record (a msgpack
 * map, as /alerts/... serves it) is rendered as its json column.
 */
void		 kislog_alert(struct kislog *, uint64_t ts_sec,
		    uint64_t ts_usec, const char *phyname, const char *devmac,
		    const char *header, const void *record, size_t len);

/* Counters for /system/status.json and the exit line. */
struct kislog_stats {
	bool		 running;	/* the writer is there and logging */
	uint64_t	 packets_queued;	/* handed to the writer */
	uint64_t	 packets_dropped;	/* queue full: not logged */
	uint64_t	 packets_filtered;	/* by the kis_log_* keys */
	uint64_t	 rows[KISMETDB_TABLES];	/* committed */
	uint64_t	 lost;		/* the writer could not write */
	uint64_t	 not_logged;	/* dropped + lost + while stopped */
	uint64_t	 queue_bytes;
	uint64_t	 file_bytes;
	uint64_t	 holds;		/* times file sources were paused */
	const char	*path;
	const char	*error;		/* "" while all is well */
};

void		 kislog_stats(const struct kislog *, struct kislog_stats *);

/*
 * The status fields ("osprey.kismetdb.*") for /system/status.json:
 * kislog_status_fields() says how many kislog_pack_status() packs (as
 * map entries, key then value); the log may be NULL (logging off).
 */
size_t		 kislog_status_fields(void);
void		 kislog_pack_status(const struct kislog *, msgpack_packer *);

/*
 * Fill m with what the writer's packets table takes from p: times,
 * lengths, link type, addresses, signal, frequency, rate, where the
 * 802.11 frame starts and the packet's location.  The caller sets
 * packetid and uuid.  Exported for bench_kislogd, so that the benchmark
 * feeds the writer the very messages the core's tap sends.
 */
void		 kislog_packet_msg(struct klmsg_packet *m,
		    const struct packet *p);

/*
 * A pcapng export of the packets table (GET /logging/kismetdb/pcap/),
 * filtered by Kismet's keys (n pairs, copied).  The writer answers in
 * chunks: cb(arg, data, len, 0, NULL) for each, one chunk per
 * kislog_export_more(), then cb(arg, NULL, packets, 1, "") at the end
 * or cb(arg, NULL, 0, -errno, why) (a bad filter is -EINVAL, no log
 * -ENOENT, too many exports -EBUSY).  Returns 0 and the export's id, or
 * -ENOENT when there is no writer.  After cb's end no other call comes.
 */
int		 kislog_export(struct kislog *, const char *const *keys,
		    const char *const *values, size_t n,
		    void (*cb)(void *, const void *, size_t, int,
		    const char *), void *arg, uint32_t *ret_id);
void		 kislog_export_more(struct kislog *, uint32_t id);
/* The reader left: cb is not called again for id. */
void		 kislog_export_cancel(struct kislog *, uint32_t id);

#endif
