/* SPDX-License-Identifier: ISC */
/* \summary: the kismetdb writer, a process of its own */

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <msgpack.h>
#include <yajl/yajl_gen.h>

#include "device.h"
#include "kdbcrc.h"
#include "kdbpcap.h"
#include "kislogd.h"
#include "kismetdb.h"
#include "klmsg.h"
#include "log.h"
#include "mpjson.h"
#include "msgbus.h"
#include "pcaplog.h"
#include "sandbox.h"
#include "xmalloc.h"

/* A transaction this big is committed without waiting for the clock. */
#define KDW_TX_ROWS		100000
/* Socket reads go into this much at a time. */
#define KDW_READ		(4 * 1024 * 1024)
/* Ageing out, and the check that the file is still there. */
#define KDW_EXPIRE_MS		15000
#define KDW_CHECK_MS		1000
#define KDW_MAX_INCREMENT	10000

/* One pcapng export: its own read-only connection and iterator. */
struct kdw_export {
	uint32_t		 id;
	bool			 used;
	struct kismetdb		*db;
	struct kismetdb_iter	*it;
	struct kismetdb_filter	 f;
	char			*strs[KLMSG_EXPORT_ARGS];
	size_t			 n_strs;
	struct kdbpcap		*pc;
	uint64_t		 packets;
	uint8_t			*buf;
};

/* A packet row waiting to go in with the next KISMETDB_BATCH. */
struct kdw_row {
	struct kismetdb_packet	 p;
	char			 src[DEVICE_MAC_STR_LEN];
	char			 dst[DEVICE_MAC_STR_LEN];
	char			 ta[DEVICE_MAC_STR_LEN];
	char			 key[DEVICE_KEY_LEN];
	char			 uuid[37];
};

struct kdw {
	const struct kislogd_conf *conf;
	/* Rows point into the input buffer: written before it moves. */
	struct kdw_row		 rows_b[KISMETDB_BATCH];
	size_t			 n_rows;
	int			 fd;
	struct kismetdb		*db;
	char			 path[KISLOGD_PATH_MAX];
	unsigned		 next_i;
	bool			 stopped;
	char			 error[KISMETDB_ERR_MAX + KISLOGD_PATH_MAX];
	char			 event[KISMETDB_ERR_MAX +
				    2 * KISLOGD_PATH_MAX + 64];
	uint64_t		 rows[KISMETDB_TABLES];	/* committed */
	uint64_t		 pending[KISMETDB_TABLES];
	uint64_t		 tx_rows;
	uint64_t		 tx_start_ms;
	uint64_t		 lost;
	uint64_t		 commits;
	uint64_t		 last_check_ms, last_expire_ms;
	uint64_t		 expire_ms;	/* how often to age out */
	uint32_t		 sync_seq;
	bool			 status_due;
	uint8_t			*in;
	size_t			 in_len, in_cap;
	struct klbuf		 out;
	yajl_gen		 g;
	struct klbuf		 json;
	struct kdw_export	 ex[KISLOGD_EXPORTS_MAX];
};

static uint64_t
kdw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
kislogd_filter_match(const struct kislogd_filter *f, const char *phy,
    const uint8_t mac[6], enum kislogd_where where)
{
	const struct kislogd_rule *r;
	size_t i;

	for (i = 0; i < f->n; i++) {
		r = &f->rules[i];
		if (memcmp(r->mac, mac, 6) != 0)
			continue;
		if (strcasecmp(r->phy, "any") != 0 &&
		    strcasecmp(r->phy, phy) != 0)
			continue;
		if (r->where != KISLOGD_ANY && r->where != where)
			continue;
		return r->block;
	}
	return -1;
}

/* Output to the core (queued; written as the socket allows). */

static void
kdw_flush(struct kdw *w, bool wait)
{
	struct pollfd pfd;
	size_t off = 0;
	ssize_t n;

	while (off < w->out.len) {
		n = write(w->fd, w->out.p + off, w->out.len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && wait) {
			pfd.fd = w->fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, 5000) > 0)
				continue;
		}
		if (n < 0 && errno == EAGAIN)
			break;
		/* The core is gone: nothing to tell it any more. */
		off = w->out.len;
		break;
	}
	if (off > 0) {
		memmove(w->out.p, w->out.p + off, w->out.len - off);
		w->out.len -= off;
	}
}

static void
kdw_status(struct kdw *w)
{
	struct klmsg_status s;
	int64_t size;

	memset(&s, 0, sizeof(s));
	s.seq = w->sync_seq;
	s.state = w->stopped ? KLMSG_STOPPED : KLMSG_LOGGING;
	memcpy(s.rows, w->rows, sizeof(s.rows));
	s.lost = w->lost;
	size = w->db != NULL ? kismetdb_file_size(w->db) : 0;
	s.file_bytes = size > 0 ? (uint64_t)size : 0;
	s.commits = w->commits;
	s.path = w->path;
	s.event = w->event;
	s.error = w->error;
	klmsg_put_status(&w->out, &s);
	w->event[0] = '\0';
	w->sync_seq = 0;
	w->status_due = false;
}

/* The file */

/* Create the first file of the template that does not exist yet. */
static int
kdw_open(struct kdw *w, char *err, size_t errlen)
{
	const struct kislogd_conf *c = w->conf;
	struct pcaplog_names nm;
	char path[KISLOGD_PATH_MAX];
	int r = -EEXIST;

	memset(&nm, 0, sizeof(nm));
	nm.prefix = c->prefix;
	nm.title = c->title;
	nm.type = "kismet";
	nm.home = c->home;
	nm.when = c->when;
	for (; w->next_i <= KDW_MAX_INCREMENT; w->next_i++) {
		if ((r = pcaplog_expand(c->tmpl, &nm, w->next_i, path,
		    sizeof(path), err, errlen)) < 0)
			return r;
		r = kismetdb_create(path, c->creator, &w->db, err, errlen);
		if (r != -EEXIST)
			break;
		/* A template without %i names one file only. */
		if (strstr(c->tmpl, "%i") == NULL)
			break;
	}
	if (r < 0)
		return r;
	if ((r = kismetdb_set_sync(w->db, (enum kismetdb_sync)c->sync)) < 0) {
		snprintf(err, errlen, "%s: %s", path, kismetdb_errmsg(w->db));
		(void)kismetdb_close(w->db);
		w->db = NULL;
		return r;
	}
	w->next_i++;
	snprintf(w->path, sizeof(w->path), "%s", path);
	if (c->ephemeral)
		(void)unlink(path);
	w->last_check_ms = w->last_expire_ms = kdw_now_ms();
	return 0;
}

/*
 * The file failed: one line for the core to log, the rows of the open
 * transaction counted as lost, and either stop or go on in a new file.
 */
static void
kdw_fail(struct kdw *w, const char *reason)
{
	char err[KISMETDB_ERR_MAX + KISLOGD_PATH_MAX], old[KISLOGD_PATH_MAX];
	char why[KISMETDB_ERR_MAX];
	size_t i;

	/* reason may be the handle's own message, gone once it closes. */
	snprintf(why, sizeof(why), "%s", reason);

	for (i = 0; i < KISMETDB_TABLES; i++) {
		w->lost += w->pending[i];
		w->pending[i] = 0;
	}
	w->tx_rows = 0;
	snprintf(old, sizeof(old), "%s", w->path);
	snprintf(w->error, sizeof(w->error), "%s", why);
	(void)kismetdb_close(w->db);
	w->db = NULL;
	w->status_due = true;
	if (w->conf->reopen && kdw_open(w, err, sizeof(err)) == 0) {
		snprintf(w->event, sizeof(w->event), "kismetdb log %s: %s; "
		    "logging goes on in %s", old, why, w->path);
		w->error[0] = '\0';
		return;
	}
	w->stopped = true;
	snprintf(w->event, sizeof(w->event), "kismetdb log %s: %s; kismetdb "
	    "logging stopped", old, why);
}

static void
kdw_commit(struct kdw *w)
{
	size_t i;
	int r;

	if (w->db == NULL || !kismetdb_in_transaction(w->db))
		return;
	if ((r = kismetdb_commit(w->db)) < 0) {
		kdw_fail(w, kismetdb_errmsg(w->db));
		return;
	}
	for (i = 0; i < KISMETDB_TABLES; i++) {
		w->rows[i] += w->pending[i];
		w->pending[i] = 0;
	}
	w->tx_rows = 0;
	w->commits++;
	w->status_due = true;
}

/* Begin a transaction if none is open; false when nothing can be written. */
static bool
kdw_ready(struct kdw *w)
{
	if (w->stopped || w->db == NULL)
		return false;
	if (!kismetdb_in_transaction(w->db)) {
		if (kismetdb_begin(w->db) < 0) {
			kdw_fail(w, kismetdb_errmsg(w->db));
			return false;
		}
		w->tx_start_ms = kdw_now_ms();
	}
	return true;
}

/* After an insert: count it, or fail the file. */
static void
kdw_inserted(struct kdw *w, enum kismetdb_table t, int r)
{
	if (r < 0) {
		w->lost++;
		kdw_fail(w, kismetdb_errmsg(w->db));
		return;
	}
	w->pending[t]++;
	w->tx_rows++;
}

/* JSON rendering of msgpack records, into w->json. */

static void
kdw_json_cb(void *ctx, const char *s, size_t len)
{
	struct klbuf *b = ctx;

	if (b->cap - b->len < len) {
		while (b->cap - b->len < len)
			b->cap = b->cap == 0 ? 65536 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
}

static int
kdw_render(struct kdw *w, const msgpack_object *o)
{
	klbuf_reset(&w->json);
	yajl_gen_reset(w->g, NULL);
	yajl_gen_clear(w->g);
	return mpjson_gen(w->g, o, 0);
}

/* The value of key in map o, or NULL. */
static const msgpack_object *
mp_get(const msgpack_object *o, const char *key)
{
	const msgpack_object_kv *kv;
	size_t n = strlen(key);
	uint32_t i;

	if (o == NULL || o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < o->via.map.size; i++) {
		kv = &o->via.map.ptr[i];
		if (kv->key.type == MSGPACK_OBJECT_STR &&
		    kv->key.via.str.size == n &&
		    memcmp(kv->key.via.str.ptr, key, n) == 0)
			return &kv->val;
	}
	return NULL;
}

/* A string field, copied and NUL terminated into buf. */
static const char *
mp_str(const msgpack_object *o, const char *key, char *buf, size_t len)
{
	const msgpack_object *v = mp_get(o, key);
	size_t n;

	buf[0] = '\0';
	if (v != NULL && v->type == MSGPACK_OBJECT_STR) {
		n = v->via.str.size < len - 1 ? v->via.str.size : len - 1;
		memcpy(buf, v->via.str.ptr, n);
		buf[n] = '\0';
		/* Strings from records carry no NUL; cut at one anyway. */
		buf[strlen(buf)] = '\0';
	}
	return buf;
}

static int64_t
mp_int(const msgpack_object *o, const char *key)
{
	const msgpack_object *v = mp_get(o, key);

	if (v == NULL)
		return 0;
	if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		return v->via.u64 > INT64_MAX ? INT64_MAX : (int64_t)v->via.u64;
	if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return v->via.i64;
	if (v->type == MSGPACK_OBJECT_FLOAT32 ||
	    v->type == MSGPACK_OBJECT_FLOAT64)
		return isfinite(v->via.f64) ? (int64_t)v->via.f64 : 0;
	return 0;
}

/*
 * A location point's "kismet.common.location.geopoint" [lon, lat] into
 * lat and lon; left as they are (0) when o holds none.
 */
static void
mp_geopoint(const msgpack_object *o, double *lat, double *lon)
{
	const msgpack_object *v, *e;
	double d[2];
	uint32_t i;

	v = mp_get(o, "kismet.common.location.geopoint");
	if (v == NULL || v->type != MSGPACK_OBJECT_ARRAY ||
	    v->via.array.size != 2)
		return;
	for (i = 0; i < 2; i++) {
		e = &v->via.array.ptr[i];
		if (e->type == MSGPACK_OBJECT_FLOAT32 ||
		    e->type == MSGPACK_OBJECT_FLOAT64)
			d[i] = e->via.f64;
		else if (e->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
			d[i] = (double)e->via.u64;
		else if (e->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
			d[i] = (double)e->via.i64;
		else
			return;
	}
	if (!isfinite(d[0]) || !isfinite(d[1]))
		return;
	*lon = d[0];
	*lat = d[1];
}

/* Messages from the core */

/*
 * MAC addresses and device keys as device.c writes them, without
 * snprintf: three of each per packet, at packet rates.
 */
static void
kdw_hex(char *out, uint8_t b)
{
	static const char hex[] = "0123456789ABCDEF";

	out[0] = hex[b >> 4];
	out[1] = hex[b & 0xf];
}

static void
kdw_mac(const uint8_t mac[6], char out[DEVICE_MAC_STR_LEN])
{
	int i;

	for (i = 0; i < 6; i++) {
		kdw_hex(out + 3 * i, mac[i]);
		out[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

/* "<phy hash>00000000_" and the MAC's bytes last to first. */
static void
kdw_key(const uint8_t mac[6], char out[DEVICE_KEY_LEN])
{
	static char prefix[DEVICE_KEY_LEN];
	static const uint8_t zero[6];
	int i;

	if (prefix[0] == '\0')
		device_key_str(DEVICE_PHY_DOT11, zero, prefix);
	memcpy(out, prefix, 17);
	for (i = 0; i < 6; i++)
		kdw_hex(out + 17 + 2 * i, mac[5 - i]);
	out[29] = '\0';
}

/* Insert the rows gathered so far. */
static void
kdw_packets_flush(struct kdw *w)
{
	struct kismetdb_packet v[KISMETDB_BATCH];
	size_t i, n = w->n_rows;
	int r;

	if (n == 0)
		return;
	w->n_rows = 0;
	if (!kdw_ready(w)) {
		w->lost += n;
		return;
	}
	for (i = 0; i < n; i++)
		v[i] = w->rows_b[i].p;
	if ((r = kismetdb_add_packets(w->db, v, n)) < 0) {
		w->lost += n;
		kdw_fail(w, kismetdb_errmsg(w->db));
		return;
	}
	w->pending[KISMETDB_PACKETS] += n;
	w->tx_rows += n;
}

static void
kdw_packet(struct kdw *w, const uint8_t *buf, size_t len)
{
	struct klmsg_packet m;
	struct kdw_row *row;
	struct kismetdb_packet *p;
	const uint8_t *who;
	bool dot11;

	if (klmsg_get_packet(buf, len, &m) < 0) {
		log_debug("kismetdb: a malformed packet message, dropped");
		w->lost++;
		return;
	}
	if (w->stopped || w->db == NULL) {
		w->lost++;
		return;
	}
	row = &w->rows_b[w->n_rows];
	p = &row->p;
	dot11 = (m.flags & KLMSG_PKT_DOT11) != 0;
	memset(p, 0, sizeof(*p));
	p->ts_sec = m.ts_sec;
	p->ts_usec = m.ts_usec;
	p->phyname = dot11 ? KISMETDB_PHY_DOT11 : "Unknown";
	if (dot11 && (m.flags & KLMSG_PKT_SRC))
		kdw_mac(m.src, row->src);
	else
		memcpy(row->src, KISMETDB_NO_MAC, sizeof(row->src));
	if (dot11 && (m.flags & KLMSG_PKT_DST))
		kdw_mac(m.dst, row->dst);
	else
		memcpy(row->dst, KISMETDB_NO_MAC, sizeof(row->dst));
	if (dot11 && (m.flags & KLMSG_PKT_TA))
		kdw_mac(m.ta, row->ta);
	else
		memcpy(row->ta, KISMETDB_NO_MAC, sizeof(row->ta));
	p->sourcemac = row->src;
	p->destmac = row->dst;
	p->transmac = row->ta;
	/* The device the frame came from: its transmitter, else source. */
	who = (m.flags & KLMSG_PKT_TA) ? m.ta : (m.flags & KLMSG_PKT_SRC) ?
	    m.src : NULL;
	if (dot11 && who != NULL) {
		kdw_key(who, row->key);
		p->devkey = row->key;
	} else
		p->devkey = "0";
	p->frequency = (double)m.freq_khz;
	p->loc = m.loc;
	p->signal = (m.flags & KLMSG_PKT_SIGNAL) ? m.signal : 0;
	memcpy(row->uuid, m.uuid, sizeof(row->uuid));
	p->datasource = row->uuid[0] != '\0' ? row->uuid : KISMETDB_NO_UUID;
	p->dlt = m.dlt;
	p->packet = m.data;
	p->packet_len = m.caplen;
	p->packet_full_len = m.full_len > m.caplen ? m.full_len : m.caplen;
	p->error = (m.flags & KLMSG_PKT_ERROR) != 0;
	p->tags = "";
	p->datarate = m.rate_kbps / 1000.0;
	/* The pcapng packet hash: the frame without its radio header. */
	if (m.frame_len > 0)
		p->hash = kdbcrc32(0, m.data + m.frame_off, m.frame_len);
	else
		p->hash = kdbcrc32(0, m.data, m.caplen);
	p->packetid = m.packetid;
	if (++w->n_rows == KISMETDB_BATCH)
		kdw_packets_flush(w);
}

static void
kdw_device(struct kdw *w, const msgpack_object *o)
{
	struct kismetdb_device d;
	const msgpack_object *loc, *sig;
	char key[64], mac[32], phy[32], type[64];
	uint8_t bin[6];
	int m;

	memset(&d, 0, sizeof(d));
	d.devkey = mp_str(o, "kismet.device.base.key", key, sizeof(key));
	d.devmac = mp_str(o, "kismet.device.base.macaddr", mac, sizeof(mac));
	d.phyname = mp_str(o, "kismet.device.base.phyname", phy, sizeof(phy));
	d.type = mp_str(o, "kismet.device.base.type", type, sizeof(type));
	if (device_mac_parse(mac, bin) == 0) {
		m = kislogd_filter_match(&w->conf->devices, phy, bin,
		    KISLOGD_ANY);
		if (m > 0 || (m < 0 && w->conf->devices.block))
			return;
	}
	d.first_time = (uint64_t)mp_int(o, "kismet.device.base.first_time");
	d.last_time = (uint64_t)mp_int(o, "kismet.device.base.last_time");
	d.bytes_data = (uint64_t)mp_int(o, "kismet.device.base.datasize");
	sig = mp_get(o, "kismet.device.base.signal");
	d.strongest_signal = mp_int(sig, "kismet.common.signal.max_signal");
	/*
	 * Kismet's location record (devloc.h): the box and the average are
	 * points whose geopoint is [lon, lat], as in Kismet's own records.
	 */
	if ((loc = mp_get(o, "kismet.device.base.location")) != NULL) {
		mp_geopoint(mp_get(loc, "kismet.common.location.min_loc"),
		    &d.min_lat, &d.min_lon);
		mp_geopoint(mp_get(loc, "kismet.common.location.max_loc"),
		    &d.max_lat, &d.max_lon);
		mp_geopoint(mp_get(loc, "kismet.common.location.avg_loc"),
		    &d.avg_lat, &d.avg_lon);
	}
	if (kdw_render(w, o) < 0) {
		log_debug("kismetdb: device %s does not render as JSON", key);
		w->lost++;
		return;
	}
	d.json = (const char *)w->json.p;
	d.json_len = w->json.len;
	kdw_inserted(w, KISMETDB_DEVICES, kismetdb_add_device(w->db, &d));
}

static void
kdw_devices(struct kdw *w, const uint8_t *buf, size_t len)
{
	msgpack_unpacked u;
	size_t off = 0;

	msgpack_unpacked_init(&u);
	while (off < len && msgpack_unpack_next(&u, (const char *)buf, len,
	    &off) == MSGPACK_UNPACK_SUCCESS) {
		if (u.data.type != MSGPACK_OBJECT_MAP || !kdw_ready(w)) {
			w->lost++;
			continue;
		}
		kdw_device(w, &u.data);
	}
	msgpack_unpacked_destroy(&u);
}

static void
kdw_source(struct kdw *w, const uint8_t *buf, size_t len)
{
	struct kismetdb_source s;
	msgpack_unpacked u;
	char uuid[48], type[64], def[2048], name[256], intf[256];
	size_t off = 0;

	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, (const char *)buf, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || !kdw_ready(w) ||
	    kdw_render(w, &u.data) < 0) {
		msgpack_unpacked_destroy(&u);
		w->lost++;
		return;
	}
	memset(&s, 0, sizeof(s));
	s.uuid = mp_str(&u.data, "kismet.datasource.uuid", uuid, sizeof(uuid));
	s.typestring = mp_str(&u.data, "kismet.datasource.type", type,
	    sizeof(type));
	s.definition = mp_str(&u.data, "kismet.datasource.definition", def,
	    sizeof(def));
	s.name = mp_str(&u.data, "kismet.datasource.name", name, sizeof(name));
	s.interface = mp_str(&u.data, "kismet.datasource.interface", intf,
	    sizeof(intf));
	s.json = (const char *)w->json.p;
	s.json_len = w->json.len;
	kdw_inserted(w, KISMETDB_DATASOURCES, kismetdb_add_source(w->db, &s));
	msgpack_unpacked_destroy(&u);
}

static void
kdw_message(struct kdw *w, const uint8_t *buf, size_t len)
{
	struct klmsg_message m;
	struct kismetdb_record r;

	if (klmsg_get_message(buf, len, &m) < 0 || !kdw_ready(w)) {
		w->lost++;
		return;
	}
	memset(&r, 0, sizeof(r));
	r.ts_sec = m.ts_sec;
	r.loc = m.loc;
	r.header = msgbus_level_name((enum msgbus_level)m.level);
	r.json = m.text;
	r.json_len = strlen(m.text);
	kdw_inserted(w, KISMETDB_MESSAGES, kismetdb_add_record(w->db,
	    KISMETDB_MESSAGES, &r));
}

static void
kdw_record(struct kdw *w, const uint8_t *buf, size_t len)
{
	struct klmsg_record m;
	msgpack_unpacked u;
	size_t off = 0;

	if (klmsg_get_record(buf, len, &m) < 0 || !kdw_ready(w)) {
		w->lost++;
		return;
	}
	msgpack_unpacked_init(&u);
	if (m.is_msgpack) {
		if (msgpack_unpack_next(&u, m.r.json, m.r.json_len, &off) !=
		    MSGPACK_UNPACK_SUCCESS || kdw_render(w, &u.data) < 0) {
			msgpack_unpacked_destroy(&u);
			w->lost++;
			return;
		}
		m.r.json = (const char *)w->json.p;
		m.r.json_len = w->json.len;
	}
	kdw_inserted(w, m.table, kismetdb_add_record(w->db, m.table, &m.r));
	msgpack_unpacked_destroy(&u);
}

/* Exports */

static void
kdw_export_free(struct kdw_export *e)
{
	size_t i;

	kismetdb_iter_free(e->it);
	kdbpcap_free(e->pc);
	(void)kismetdb_close(e->db);
	for (i = 0; i < e->n_strs; i++)
		free(e->strs[i]);
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

static void
kdw_export_end(struct kdw *w, struct kdw_export *e, uint32_t id, int status,
    const char *reason)
{
	struct klmsg_export_end m;

	m.id = id;
	m.status = status;
	m.packets = e != NULL ? e->packets : 0;
	m.reason = reason;
	klmsg_put_export_end(&w->out, &m);
	if (e != NULL)
		kdw_export_free(e);
}

static int
kdw_num(const char *key, const char *v, double *ret, char *err,
    size_t errlen)
{
	char *end;

	errno = 0;
	*ret = strtod(v, &end);
	if (v[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(*ret)) {
		snprintf(err, errlen, "%s: '%.64s' is not a number", key, v);
		return -EINVAL;
	}
	return 0;
}

/* Kismet's filter keys of /logging/kismetdb/pcap/ into e->f. */
static int
kdw_export_filter(struct kdw_export *e, const struct klmsg_export *m,
    char *err, size_t errlen)
{
	struct kismetdb_filter *f = &e->f;
	const char *k, *v;
	double d;
	size_t i;

	for (i = 0; i < m->n; i++) {
		k = m->keys[i];
		v = e->strs[e->n_strs++] = xstrdup(m->values[i]);
		if (strcmp(k, "datasource") == 0)
			f->datasource = v;
		else if (strcmp(k, "device_id") == 0)
			f->device_id = v;
		else if (strcmp(k, "address_source") == 0)
			f->address_source = v;
		else if (strcmp(k, "address_dest") == 0)
			f->address_dest = v;
		else if (strcmp(k, "address_trans") == 0)
			f->address_trans = v;
		else if (strcmp(k, "tag") == 0)
			f->tag = v;
		else if (kdw_num(k, v, &d, err, errlen) < 0)
			return -EINVAL;
		else if (strcmp(k, "timestamp_start") == 0)
			f->has_ts_start = true, f->ts_start = d;
		else if (strcmp(k, "timestamp_end") == 0)
			f->has_ts_end = true, f->ts_end = d;
		else if (strcmp(k, "dlt") == 0)
			f->has_dlt = true, f->dlt = (uint32_t)d;
		else if (strcmp(k, "frequency") == 0)
			f->has_freq = true, f->freq = d;
		else if (strcmp(k, "frequency_min") == 0)
			f->has_freq_min = true, f->freq_min = d;
		else if (strcmp(k, "frequency_max") == 0)
			f->has_freq_max = true, f->freq_max = d;
		else if (strcmp(k, "signal_min") == 0)
			f->has_signal_min = true, f->signal_min = (int64_t)d;
		else if (strcmp(k, "signal_max") == 0)
			f->has_signal_max = true, f->signal_max = (int64_t)d;
		else if (strcmp(k, "location_lat_min") == 0)
			f->has_lat_min = true, f->lat_min = d;
		else if (strcmp(k, "location_lat_max") == 0)
			f->has_lat_max = true, f->lat_max = d;
		else if (strcmp(k, "location_lon_min") == 0)
			f->has_lon_min = true, f->lon_min = d;
		else if (strcmp(k, "location_lon_max") == 0)
			f->has_lon_max = true, f->lon_max = d;
		else if (strcmp(k, "size_min") == 0)
			f->has_size_min = true, f->size_min = d < 0 ? 0 :
			    (uint64_t)d;
		else if (strcmp(k, "size_max") == 0)
			f->has_size_max = true, f->size_max = d < 0 ? 0 :
			    (uint64_t)d;
		else if (strcmp(k, "limit") == 0)
			f->limit = d < 1 ? 1 : (uint64_t)d;
		/* Other keys (Kismet's own extras) are ignored. */
	}
	return 0;
}

/* The next chunk of e: a section header first, then packets. */
static void
kdw_export_chunk(struct kdw *w, struct kdw_export *e)
{
	struct kismetdb_packet p;
	size_t used = 0, cap = KISLOGD_EXPORT_CHUNK + KDBPCAP_BLOCK_MAX;
	ssize_t n;
	int r = 1;

	if (e->buf == NULL) {
		e->buf = xmalloc(cap);
		n = kdbpcap_header(e->pc, e->buf, cap);
		used = n > 0 ? (size_t)n : 0;
	}
	while (used < KISLOGD_EXPORT_CHUNK &&
	    (r = kismetdb_next_packet(e->it, &p)) == 1)
		if ((n = kdbpcap_packet(e->pc, &p, e->buf + used,
		    cap - used)) > 0)
			used += (size_t)n;
	e->packets = kdbpcap_written(e->pc);
	if (used > 0)
		klmsg_put_export_data(&w->out, e->id, e->buf, used);
	if (r < 0)
		kdw_export_end(w, e, e->id, r, kismetdb_errmsg(e->db));
	else if (r == 0)
		kdw_export_end(w, e, e->id, 0, "");
}

static struct kdw_export *
kdw_export_find(struct kdw *w, uint32_t id)
{
	size_t i;

	for (i = 0; i < KISLOGD_EXPORTS_MAX; i++)
		if (w->ex[i].used && w->ex[i].id == id)
			return &w->ex[i];
	return NULL;
}

static void
kdw_export(struct kdw *w, const uint8_t *buf, size_t len)
{
	struct klmsg_export m;
	struct kdw_export *e = NULL;
	char err[KISMETDB_ERR_MAX + KISLOGD_PATH_MAX];
	size_t i;
	int r;

	if (klmsg_get_export(buf, len, &m) < 0)
		return;
	for (i = 0; i < KISLOGD_EXPORTS_MAX && e == NULL; i++)
		if (!w->ex[i].used)
			e = &w->ex[i];
	if (e == NULL) {
		kdw_export_end(w, NULL, m.id, -EBUSY, "too many exports at "
		    "once");
		return;
	}
	if (w->db == NULL) {
		kdw_export_end(w, NULL, m.id, -ENOENT, w->error[0] != '\0' ?
		    w->error : "no kismetdb log open");
		return;
	}
	e->used = true;
	e->id = m.id;
	if ((r = kdw_export_filter(e, &m, err, sizeof(err))) < 0) {
		kdw_export_end(w, e, m.id, r, err);
		return;
	}
	/* The export reads what is committed: commit what is pending. */
	kdw_commit(w);
	if ((r = kismetdb_open_read(w->path, &e->db, err, sizeof(err))) < 0 ||
	    (r = kismetdb_iter_packets(e->db, &e->f, &e->it)) < 0) {
		kdw_export_end(w, e, m.id, r, e->db != NULL ?
		    kismetdb_errmsg(e->db) : err);
		return;
	}
	e->pc = kdbpcap_new(e->db, "osprey kismetdb export");
	kdw_export_chunk(w, e);
}

static void
kdw_dispatch(struct kdw *w, uint16_t type, const uint8_t *p, size_t len)
{
	struct kdw_export *e;
	uint32_t id;

	/* Rows stay in order, and commits and exports see them all. */
	if (type != KLMSG_PACKET)
		kdw_packets_flush(w);
	switch (type) {
	case KLMSG_PACKET:
		kdw_packet(w, p, len);
		break;
	case KLMSG_DEVICES:
		kdw_devices(w, p, len);
		break;
	case KLMSG_SOURCE:
		kdw_source(w, p, len);
		break;
	case KLMSG_MESSAGE:
		kdw_message(w, p, len);
		break;
	case KLMSG_RECORD:
		kdw_record(w, p, len);
		break;
	case KLMSG_EXPORT:
		kdw_export(w, p, len);
		break;
	case KLMSG_EXPORT_MORE:
		if (klmsg_get_id(p, len, &id) == 0 &&
		    (e = kdw_export_find(w, id)) != NULL)
			kdw_export_chunk(w, e);
		break;
	case KLMSG_EXPORT_CANCEL:
		if (klmsg_get_id(p, len, &id) == 0 &&
		    (e = kdw_export_find(w, id)) != NULL)
			kdw_export_free(e);
		break;
	case KLMSG_SYNC:
		if (klmsg_get_id(p, len, &id) == 0) {
			kdw_commit(w);
			w->sync_seq = id;
			w->status_due = true;
		}
		break;
	default:
		log_debug("kismetdb: message type %u from the core ignored",
		    type);
		break;
	}
}

/* Handle every whole message in the input; -1 when the stream broke. */
static int
kdw_input(struct kdw *w)
{
	uint16_t type;
	uint32_t plen;
	size_t off = 0;
	int r;

	while ((r = klmsg_header(w->in + off, w->in_len - off, &type,
	    &plen)) == 1) {
		kdw_dispatch(w, type, w->in + off + KLMSG_HDR, plen);
		off += KLMSG_HDR + plen;
	}
	/* The rows point into the buffer about to move. */
	kdw_packets_flush(w);
	if (off > 0) {
		memmove(w->in, w->in + off, w->in_len - off);
		w->in_len -= off;
	}
	if (r < 0) {
		log_warnx("kismetdb: the core sent a bad message (%s); "
		    "stopping", strerror(-r));
		return -1;
	}
	/* Make room for the rest of a large message. */
	if (w->in_len >= KLMSG_HDR && w->in_cap - w->in_len < KDW_READ / 4 &&
	    w->in_cap < KLMSG_MAX + KLMSG_HDR + KDW_READ) {
		w->in_cap *= 2;
		w->in = xreallocarray(w->in, w->in_cap, 1);
	}
	return 0;
}

/* Once a second: is the file still there; now and then: age out. */
static void
kdw_periodic(struct kdw *w, uint64_t now)
{
	const struct kislogd_conf *c = w->conf;
	uint64_t wall = (uint64_t)time(NULL);
	int64_t n;
	size_t t;

	if (w->db == NULL || w->stopped)
		return;
	if (now - w->last_check_ms >= KDW_CHECK_MS) {
		w->last_check_ms = now;
		if (!c->ephemeral && kismetdb_moved(w->db) == 1) {
			kdw_fail(w, "the file was deleted or moved");
			return;
		}
	}
	if (now - w->last_expire_ms < w->expire_ms)
		return;
	w->last_expire_ms = now;
	for (t = 0; t < KISMETDB_TABLES; t++) {
		if (c->timeout[t] == 0 || wall < c->timeout[t] ||
		    !kdw_ready(w))
			continue;
		if ((n = kismetdb_expire(w->db, t, wall - c->timeout[t])) < 0) {
			kdw_fail(w, kismetdb_errmsg(w->db));
			return;
		}
		if (n > 0)
			log_debug("kismetdb: %lld old %s removed", (long long)n,
			    kismetdb_table_name(t));
	}
}

/* One line at exit: what was written, and the writer's own CPU time. */
static void
kdw_totals(const struct kdw *w)
{
	struct timespec cpu;
	uint64_t n = 0;
	size_t t;

	for (t = 0; t < KISMETDB_TABLES; t++)
		n += w->rows[t];
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) != 0)
		memset(&cpu, 0, sizeof(cpu));
	log_info("%s: %llu rows (%llu packets) in %llu commits, %llu not "
	    "written; writer CPU %.3f s", w->path, (unsigned long long)n,
	    (unsigned long long)w->rows[KISMETDB_PACKETS],
	    (unsigned long long)w->commits, (unsigned long long)w->lost,
	    (double)cpu.tv_sec + cpu.tv_nsec / 1e9);
}

static void
kdw_signals(void)
{
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGTERM, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGXFSZ, SIG_IGN);
}

int
kislogd_main(const struct kislogd_conf *conf, int fd, bool sandbox)
{
	struct kdw w;
	struct klmsg_opened op;
	struct pollfd pfd;
	char err[KISMETDB_ERR_MAX + KISLOGD_PATH_MAX];
	uint64_t now;
	ssize_t n;
	int timeout, r, fl;
	bool eof = false;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.conf = conf;
	w.fd = fd;
	w.next_i = 1;
	/* Every 15 s, or twice per timeout when one is shorter. */
	w.expire_ms = KDW_EXPIRE_MS;
	for (i = 0; i < KISMETDB_TABLES; i++)
		if (conf->timeout[i] > 0 && conf->timeout[i] * 500ULL <
		    w.expire_ms)
			w.expire_ms = conf->timeout[i] * 500ULL;
	kdw_signals();
	(void)kismetdb_init();
	if ((fl = fcntl(fd, F_GETFL)) >= 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	r = kdw_open(&w, err, sizeof(err));
	op.status = r;
	op.text = r == 0 ? w.path : err;
	klmsg_put_opened(&w.out, &op);
	kdw_flush(&w, true);
	if (r < 0) {
		klbuf_free(&w.out);
		return 1;
	}
	if (sandbox && (r = sandbox_enter(SANDBOX_KISMETDB,
	    SANDBOX_FORKED)) < 0) {
		log_warnx("kismetdb: cannot enter the sandbox: %s",
		    strerror(-r));
		(void)kismetdb_close(w.db);
		klbuf_free(&w.out);
		return 1;
	}
	if ((w.g = yajl_gen_alloc(NULL)) == NULL)
		fatalx("kismetdb: out of memory");
	yajl_gen_config(w.g, yajl_gen_print_callback, kdw_json_cb, &w.json);
	w.in_cap = KDW_READ;
	w.in = xmalloc(w.in_cap);

	while (!eof) {
		now = kdw_now_ms();
		timeout = KDW_CHECK_MS;
		if (w.db != NULL && kismetdb_in_transaction(w.db))
			timeout = now - w.tx_start_ms >= conf->commit_ms ? 0 :
			    (int)(conf->commit_ms - (now - w.tx_start_ms));
		pfd.fd = fd;
		pfd.events = POLLIN | (w.out.len > 0 ? POLLOUT : 0);
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			break;
		if (pfd.revents & POLLOUT)
			kdw_flush(&w, false);
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, w.in + w.in_len, w.in_cap - w.in_len);
			if (n == 0 || (n < 0 && errno != EAGAIN &&
			    errno != EINTR))
				eof = true;
			else if (n > 0) {
				w.in_len += (size_t)n;
				if (kdw_input(&w) < 0)
					eof = true;
			}
		}
		now = kdw_now_ms();
		if (w.db != NULL && kismetdb_in_transaction(w.db) &&
		    (w.tx_rows >= KDW_TX_ROWS ||
		    now - w.tx_start_ms >= conf->commit_ms))
			kdw_commit(&w);
		kdw_periodic(&w, now);
		if (w.status_due)
			kdw_status(&w);
	}
	/* The core is done (or gone): keep what came, leave one file. */
	for (i = 0; i < KISLOGD_EXPORTS_MAX; i++)
		if (w.ex[i].used)
			kdw_export_free(&w.ex[i]);
	kdw_commit(&w);
	if (w.db != NULL && (r = kismetdb_close(w.db)) < 0) {
		w.db = NULL;
		kdw_fail(&w, "closing the file failed");
	}
	w.db = NULL;
	kdw_status(&w);
	kdw_flush(&w, true);
	kdw_totals(&w);
	(void)shutdown(fd, SHUT_WR);
	yajl_gen_free(w.g);
	klbuf_free(&w.json);
	klbuf_free(&w.out);
	free(w.in);
	return 0;
}

int
kislogd_start(const struct kislogd_conf *conf, pid_t *ret_pid, int *ret_fd)
{
	int sv[2], size = 4 * 1024 * 1024, r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -errno;
	/* Room for bursts: the core's queue drains into this. */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if ((pid = fork()) < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		/* Keep stdin, stdout, stderr and the socket, at 3. */
		if (sv[1] != 3) {
			if (dup3(sv[1], 3, O_CLOEXEC) < 0)
				_exit(1);
		}
		(void)close_range(4, ~0U, 0);
		log_init("kismetdb", log_get_level());
		_exit(kislogd_main(conf, 3, true));
	}
	close(sv[1]);
	if ((r = fcntl(sv[0], F_GETFL)) < 0 ||
	    fcntl(sv[0], F_SETFL, r | O_NONBLOCK) < 0) {
		r = -errno;
		close(sv[0]);
		return r;
	}
	*ret_pid = pid;
	*ret_fd = sv[0];
	return 0;
}
