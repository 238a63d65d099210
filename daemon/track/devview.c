/* SPDX-License-Identifier: ISC */
/* \summary: one page of a device view, searched, ordered and cut here */

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "bridge.h"
#include "ctldev.h"
#include "device.h"
#include "devrec.h"
#include "devview.h"
#include "log.h"
#include "oui.h"
#include "tracker.h"
#include "xmalloc.h"

/* Room for any string read from a device (a manufacturer escaped). */
#define DV_STRMAX	(4 * OUI_NAME_MAX + 1)
#define DV_PATHMAX	8

/* What a sort key is read from; DV_RECORD packs the device's record. */
enum dv_field {
	DV_RECORD = 0,
	DV_KEY, DV_MAC, DV_PHYNAME, DV_NAME, DV_COMMONNAME, DV_TYPE,
	DV_CRYPT, DV_CHANNEL, DV_MANUF, DV_SSID,
	DV_FIRST, DV_LAST, DV_MOD, DV_FREQ, DV_PKTS, DV_PKTS_DATA,
	DV_PKTS_CRYPT, DV_PKTS_ERROR, DV_PKTS_LLC, DV_DATASIZE,
	DV_BASIC_TYPE, DV_SIG_LAST, DV_SIG_MIN, DV_SIG_MAX, DV_NOISE,
	DV_NCLIENTS, DV_NPROBED, DV_NADV, DV_TYPESET,
};

/*
 * The columns read straight from the device, with the value the record
 * gives them (devrec.c): the table's and the UI's sort columns.
 */
static const struct {
	const char	*path;
	enum dv_field	 field;
} dv_fields[] = {
#define B	"kismet.device.base."
#define S	"kismet.device.base.signal/kismet.common.signal."
#define D	"dot11.device/dot11.device."
	{ B "key", DV_KEY },
	{ B "macaddr", DV_MAC },
	{ B "phyname", DV_PHYNAME },
	{ B "name", DV_NAME },
	{ B "commonname", DV_COMMONNAME },
	{ B "type", DV_TYPE },
	{ B "crypt", DV_CRYPT },
	{ B "channel", DV_CHANNEL },
	{ B "manuf", DV_MANUF },
	{ B "first_time", DV_FIRST },
	{ B "last_time", DV_LAST },
	{ B "mod_time", DV_MOD },
	{ B "frequency", DV_FREQ },
	{ B "packets.total", DV_PKTS },
	{ B "packets.data", DV_PKTS_DATA },
	{ B "packets.crypt", DV_PKTS_CRYPT },
	{ B "packets.error", DV_PKTS_ERROR },
	{ B "packets.llc", DV_PKTS_LLC },
	{ B "datasize", DV_DATASIZE },
	{ B "basic_type_set", DV_BASIC_TYPE },
	{ S "last_signal", DV_SIG_LAST },
	{ S "last_signal_dbm", DV_SIG_LAST },
	{ S "min_signal", DV_SIG_MIN },
	{ S "min_signal_dbm", DV_SIG_MIN },
	{ S "max_signal", DV_SIG_MAX },
	{ S "max_signal_dbm", DV_SIG_MAX },
	{ S "last_noise", DV_NOISE },
	{ S "last_noise_dbm", DV_NOISE },
	{ D "last_beaconed_ssid", DV_SSID },
	{ D "num_associated_clients", DV_NCLIENTS },
	{ D "num_probed_ssids", DV_NPROBED },
	{ D "num_advertised_ssids", DV_NADV },
	{ D "typeset", DV_TYPESET },
	{ D "datasize", DV_DATASIZE },
#undef B
#undef S
#undef D
};

/* The top-level strings of a record, and the SSID: what search reads. */
static const enum dv_field dv_search_fields[] = {
	DV_KEY, DV_MAC, DV_PHYNAME, DV_NAME, DV_COMMONNAME, DV_TYPE,
	DV_CRYPT, DV_CHANNEL, DV_MANUF, DV_SSID,
};

enum dv_kind {
	DV_MISSING = 0,
	DV_STR,
	DV_NUM,
};

struct dv_val {
	enum dv_kind	 kind;
	double		 num;
	const char	*str;
	size_t		 len;
};

struct dv_item {
	const struct device	*d;
	uint64_t		 ord;	/* place in table order */
	struct dv_val		 v;
	char			*own;	/* v.str's copy */
};

struct dv_ctx {
	const struct tracker		*tr;
	const struct devrec_opts	*opts;
	enum dv_field			 field;
	char				*path[DV_PATHMAX];
	size_t				 npath;
	msgpack_sbuffer			 sb;
	msgpack_zone			*zone;
	bool				 desc;
	bool				 reverse; /* keep the last rows */
	bool				 none;	/* a path too deep */
	struct dv_item			*heap;
	size_t				 n, cap, k;
};

static const char dv_hex[] = "0123456789ABCDEF";

/*
 * The MAC and the key as device_mac_str() and device_key_str() write
 * them, without snprintf: a search writes both for every device, and
 * formatting was most of its time.  The key's phy part is device_key_str's
 * own, written once per phy.
 */
static void
dv_mac_str(const uint8_t mac[6], char *buf)
{
	int i;

	for (i = 0; i < 6; i++) {
		buf[3 * i] = dv_hex[mac[i] >> 4];
		buf[3 * i + 1] = dv_hex[mac[i] & 0xf];
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

static void
dv_key_str(const struct device *d, char *buf)
{
	static char prefix[DEVICE_PHY_COUNT][DEVICE_KEY_LEN];
	static const uint8_t zero[6];
	char *p;
	int i;

	if (d->phy >= DEVICE_PHY_COUNT) {
		device_key_str(d->phy, d->mac, buf);
		return;
	}
	if (prefix[d->phy][0] == '\0')
		device_key_str(d->phy, zero, prefix[d->phy]);
	memcpy(buf, prefix[d->phy], DEVICE_KEY_LEN);
	p = strchr(buf, '_') + 1;
	for (i = 5; i >= 0; i--) {
		*p++ = dv_hex[d->mac[i] >> 4];
		*p++ = dv_hex[d->mac[i] & 0xf];
	}
}

/* "%u" of a channel, also without snprintf. */
static char *
dv_uint_str(unsigned v, char *buf)
{
	char tmp[12];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

static const struct device_ssid *
dv_last_ssid(const struct device *d)
{
	if (d->last_beacon > 0 && d->last_beacon <= d->n_adv)
		return &d->adv[d->last_beacon - 1];
	return NULL;
}

/* An AP is named by its SSID, anything else by its MAC (as devrec). */
static const char *
dv_name(const struct device *d, char *buf)
{
	const struct device_ssid *last = dv_last_ssid(d);

	if (last != NULL && last->len > 0)
		(void)devrec_ssid_str(last->ssid, last->len > DEVICE_SSID_MAX ?
		    DEVICE_SSID_MAX : last->len, buf);
	else
		dv_mac_str(d->mac, buf);
	return buf;
}

/* A string column of d, written into buf (DV_STRMAX) if need be. */
static const char *
dv_str(const struct dv_ctx *c, const struct device *d, enum dv_field f,
    char *buf)
{
	const struct device_ssid *last;
	char key[DEVICE_KEY_LEN];
	const char *u;

	switch (f) {
	case DV_KEY:
		dv_key_str(d, buf);
		return buf;
	case DV_MAC:
		dv_mac_str(d->mac, buf);
		return buf;
	case DV_PHYNAME:
		return device_phy_name(d->phy);
	case DV_NAME:
		return dv_name(d, buf);
	case DV_COMMONNAME:
		if (c->opts != NULL && c->opts->user_name != NULL) {
			dv_key_str(d, key);
			if ((u = c->opts->user_name(key, c->opts->arg)) !=
			    NULL)
				return u;
		}
		return dv_name(d, buf);
	case DV_TYPE:
		return device_type_str(d);
	case DV_CRYPT:
		/* Only networks have an encryption to name. */
		return (d->type_set & DEVICE_TYPE_ANY_AP) != 0 ||
		    d->n_adv > 0 ? device_crypt_str(device_crypt(d)) : "";
	case DV_CHANNEL:
		if (d->channel == 0)
			return "";
		return dv_uint_str(d->channel, buf);
	case DV_MANUF:
		if (d->manuf == NULL)
			return "Unknown";
		(void)devrec_ssid_str((const uint8_t *)d->manuf,
		    strnlen(d->manuf, OUI_NAME_MAX), buf);
		return buf;
	case DV_SSID:
		if ((last = dv_last_ssid(d)) == NULL)
			return "";
		(void)devrec_ssid_str(last->ssid, last->len > DEVICE_SSID_MAX ?
		    DEVICE_SSID_MAX : last->len, buf);
		return buf;
	default:
		return NULL;
	}
}

/* A number column of d; false if f is not one. */
static bool
dv_num(const struct device *d, enum dv_field f, double *ret)
{
	switch (f) {
	case DV_FIRST: *ret = d->first_time; break;
	case DV_LAST: *ret = d->last_time; break;
	case DV_MOD: *ret = (double)(d->mod_usec / 1000000); break;
	case DV_FREQ: *ret = (double)d->freq_mhz * 1000.0; break;
	case DV_PKTS: *ret = (double)d->packets; break;
	case DV_PKTS_DATA: *ret = (double)d->data_packets; break;
	case DV_PKTS_CRYPT: *ret = (double)d->crypt_packets; break;
	case DV_PKTS_ERROR: *ret = (double)d->error_packets; break;
	case DV_PKTS_LLC:
		*ret = (double)(d->mgmt_packets + d->ctrl_packets);
		break;
	case DV_DATASIZE: *ret = (double)d->datasize; break;
	case DV_BASIC_TYPE: *ret = device_basic_type(d); break;
	case DV_SIG_LAST: *ret = d->signal.last; break;
	case DV_SIG_MIN: *ret = d->signal.min; break;
	case DV_SIG_MAX: *ret = d->signal.max; break;
	case DV_NOISE: *ret = d->signal.noise; break;
	case DV_NCLIENTS: *ret = d->n_clients; break;
	case DV_NPROBED: *ret = d->n_probed; break;
	case DV_NADV: *ret = d->n_adv; break;
	case DV_TYPESET: *ret = d->type_set & DEVICE_TYPESET_KISMET; break;
	default: return false;
	}
	return true;
}

/* The member of map o named name, or NULL. */
static const msgpack_object *
dv_map_get(const msgpack_object *o, const char *name)
{
	size_t n = strlen(name);
	uint32_t i;

	if (o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < o->via.map.size; i++)
		if (o->via.map.ptr[i].key.type == MSGPACK_OBJECT_STR &&
		    o->via.map.ptr[i].key.via.str.size == n &&
		    memcmp(o->via.map.ptr[i].key.via.str.ptr, name, n) == 0)
			return &o->via.map.ptr[i].val;
	return NULL;
}

/*
 * Any other field: pack the record and walk the path, as the web reads
 * it.  Slower (a record per device), but every field sorts.  The string
 * points into c->sb until the next call.
 */
static void
dv_record_val(struct dv_ctx *c, const struct device *d, struct dv_val *v)
{
	const msgpack_object *o;
	msgpack_object root;
	msgpack_packer pk;
	size_t off = 0, i;

	v->kind = DV_MISSING;
	if (c->none)
		return;
	c->sb.size = 0;
	msgpack_packer_init(&pk, &c->sb, msgpack_sbuffer_write);
	(void)devrec_pack(&pk, c->tr, d, c->opts);
	msgpack_zone_clear(c->zone);
	if (msgpack_unpack(c->sb.data, c->sb.size, &off, c->zone, &root) <= 0)
		return;
	o = &root;
	for (i = 0; i < c->npath && o != NULL; i++)
		o = dv_map_get(o, c->path[i]);
	if (o == NULL)
		return;
	v->kind = DV_NUM;
	switch (o->type) {
	case MSGPACK_OBJECT_STR:
		v->kind = DV_STR;
		v->str = o->via.str.ptr;
		v->len = o->via.str.size;
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		v->num = (double)o->via.u64;
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		v->num = (double)o->via.i64;
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		v->num = o->via.f64;
		break;
	default:
		v->num = -INFINITY;
		break;
	}
}

static void
dv_val(struct dv_ctx *c, const struct device *d, char *buf,
    struct dv_val *v)
{
	if (c->field == DV_RECORD) {
		dv_record_val(c, d, v);
		return;
	}
	if (dv_num(d, c->field, &v->num)) {
		v->kind = DV_NUM;
		return;
	}
	v->kind = DV_STR;
	v->str = dv_str(c, d, c->field, buf);
	v->len = strlen(v->str);
}

/*
 * The web's comparison: a missing field first, strings by their bytes,
 * anything else as a number (a string among numbers, or a map, as minus
 * infinity).
 */
static int
dv_cmp_val(const struct dv_val *a, const struct dv_val *b)
{
	double x, y;
	int c;

	if (a->kind == DV_MISSING || b->kind == DV_MISSING)
		return (a->kind != DV_MISSING) - (b->kind != DV_MISSING);
	if (a->kind == DV_STR && b->kind == DV_STR) {
		c = a->len == 0 || b->len == 0 ? 0 : memcmp(a->str, b->str,
		    a->len < b->len ? a->len : b->len);
		if (c != 0)
			return c;
		return (a->len > b->len) - (a->len < b->len);
	}
	x = a->kind == DV_NUM ? a->num : -INFINITY;
	y = b->kind == DV_NUM ? b->num : -INFINITY;
	return (x > y) - (x < y);
}

/* Does a come before b on the page?  Ties keep table order. */
static bool
dv_before(const struct dv_ctx *c, const struct dv_item *a,
    const struct dv_item *b)
{
	int r = dv_cmp_val(&a->v, &b->v);

	if (c->reverse) {
		const struct dv_item *t = a;

		a = b;
		b = t;
		r = -r;
	}
	if (c->desc)
		r = -r;
	if (r != 0)
		return r < 0;
	return a->ord < b->ord;
}

/* The heap's root is the item that comes last of those kept. */
static void
dv_sift_down(struct dv_ctx *c, size_t i, size_t n)
{
	struct dv_item t;
	size_t l, worst;

	for (;;) {
		l = 2 * i + 1;
		worst = i;
		if (l < n && dv_before(c, &c->heap[worst], &c->heap[l]))
			worst = l;
		if (l + 1 < n && dv_before(c, &c->heap[worst], &c->heap[l + 1]))
			worst = l + 1;
		if (worst == i)
			return;
		t = c->heap[i];
		c->heap[i] = c->heap[worst];
		c->heap[worst] = t;
		i = worst;
	}
}

static void
dv_sift_up(struct dv_ctx *c, size_t i)
{
	struct dv_item t;
	size_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!dv_before(c, &c->heap[p], &c->heap[i]))
			return;
		t = c->heap[i];
		c->heap[i] = c->heap[p];
		c->heap[p] = t;
		i = p;
	}
}

static void
dv_own(struct dv_item *it)
{
	it->own = NULL;
	if (it->v.kind != DV_STR)
		return;
	it->own = xmalloc(it->v.len + 1);
	memcpy(it->own, it->v.str, it->v.len);
	it->own[it->v.len] = '\0';
	it->v.str = it->own;
}

/* Keep x if it is among the first k so far. */
static void
dv_offer(struct dv_ctx *c, struct dv_item *x)
{
	if (c->k == 0)
		return;
	if (c->n < c->k) {
		if (c->n == c->cap) {
			c->cap = c->cap == 0 ? 256 : c->cap * 2;
			c->heap = xreallocarray(c->heap, c->cap,
			    sizeof(*c->heap));
		}
		dv_own(x);
		c->heap[c->n] = *x;
		dv_sift_up(c, c->n++);
		return;
	}
	if (!dv_before(c, x, &c->heap[0]))
		return;
	free(c->heap[0].own);
	dv_own(x);
	c->heap[0] = *x;
	dv_sift_down(c, 0, c->n);
}

static unsigned char
dv_lower(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

/*
 * ASCII case-insensitive substring, as the web's search box was
 * (strncasecmp in the C locale); needle is already lower case.
 */
static bool
dv_has(const char *hay, const char *needle, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	const unsigned char *q = (const unsigned char *)needle;
	size_t i, j;

	for (i = 0; h[i] != '\0'; i++) {
		if (dv_lower(h[i]) != q[0])
			continue;
		for (j = 1; j < n && h[i + j] != '\0' &&
		    dv_lower(h[i + j]) == q[j]; j++)
			;
		if (j == n)
			return true;
		if (h[i + j] == '\0')
			return false;
	}
	return false;
}

static bool
dv_search(const struct dv_ctx *c, const struct device *d,
    const char *needle, size_t n)
{
	char buf[DV_STRMAX];
	size_t i;

	for (i = 0; i < sizeof(dv_search_fields) /
	    sizeof(dv_search_fields[0]); i++)
		if (dv_has(dv_str(c, d, dv_search_fields[i], buf), needle, n))
			return true;
	return false;
}

static bool
dv_pass(const struct bridge_devices_page *p, int phy, int64_t seenby,
    const struct device *d)
{
	int i;

	if (p->view == BRIDGE_VIEW_ACCESSPOINTS &&
	    (d->type_set & DEVICE_TYPE_ANY_AP) == 0)
		return false;
	if (phy != -1 && d->phy != phy)
		return false;
	if (seenby == CTLDEV_ANY_SOURCE)
		return true;
	for (i = 0; i < d->n_seenby; i++)
		if (device_seenby_c(d, i)->source == seenby)
			return true;
	return false;
}

/* The field a sort path names, splitting an unknown one for records. */
static void
dv_sort_field(struct dv_ctx *c, const char *path)
{
	const char *s, *e;
	size_t i;

	for (i = 0; i < sizeof(dv_fields) / sizeof(dv_fields[0]); i++)
		if (strcmp(dv_fields[i].path, path) == 0) {
			c->field = dv_fields[i].field;
			return;
		}
	c->field = DV_RECORD;
	for (s = path; c->npath < DV_PATHMAX; s = e + 1) {
		if ((e = strchr(s, '/')) == NULL)
			e = s + strlen(s);
		c->path[c->npath++] = xstrndup(s, (size_t)(e - s));
		if (*e == '\0')
			return;
	}
	/* Deeper than any record goes: it names nothing. */
	c->none = true;
}

void
devview_select(const struct tracker *tr, const struct bridge_devices_page *p,
    int64_t seenby, const struct devrec_opts *opts, struct devview_page *ret)
{
	struct dv_ctx c;
	struct dv_item x, t;
	const struct device *d;
	char buf[DV_STRMAX];
	uint64_t ord = 0, end;
	size_t nlen = p->search != NULL ? strlen(p->search) : 0, i;
	struct tracker_stats st;
	char *needle = NULL;
	bool all;
	int phy = -1;

	memset(ret, 0, sizeof(*ret));
	if (p->phyname != NULL) {
		for (phy = 0; phy < DEVICE_PHY_COUNT; phy++)
			if (strcmp(device_phy_name((uint8_t)phy),
			    p->phyname) == 0)
				break;
		if (phy == DEVICE_PHY_COUNT)
			return;
	}
	if (seenby == CTLDEV_NO_SOURCE)
		return;
	memset(&c, 0, sizeof(c));
	c.tr = tr;
	c.opts = opts;
	c.desc = p->desc;
	end = p->length == 0 ? UINT64_MAX : (uint64_t)p->start + p->length;
	c.k = end > SIZE_MAX ? SIZE_MAX : (size_t)end;
	/*
	 * Every device is in the view and nothing is searched: the count is
	 * the tracker's, so a page in the back half keeps the rows from it
	 * to the end, in the reverse order (a heap of 6,000 rather than
	 * 40,050 for the page at 40,000 of 46,000).
	 */
	tracker_stats(tr, &st);
	all = p->view == BRIDGE_VIEW_ALL && phy == -1 &&
	    seenby == CTLDEV_ANY_SOURCE && nlen == 0;
	if (all && p->sort != NULL && p->start < st.devices &&
	    end > st.devices / 2) {
		c.reverse = true;
		c.k = st.devices - p->start;
	}
	if (nlen > 0) {
		needle = xstrdup(p->search);
		for (i = 0; i < nlen; i++)
			needle[i] = (char)dv_lower((unsigned char)needle[i]);
	}
	if (p->sort != NULL)
		dv_sort_field(&c, p->sort);
	if (c.field == DV_RECORD && p->sort != NULL) {
		msgpack_sbuffer_init(&c.sb);
		if ((c.zone = msgpack_zone_new(8192)) == NULL)
			fatalx("out of memory");
	}
	for (d = tracker_first(tr); d != NULL; d = tracker_next(d), ord++) {
		if (!dv_pass(p, phy, seenby, d))
			continue;
		ret->total++;
		if (nlen > 0 && !dv_search(&c, d, needle, nlen))
			continue;
		ret->filtered++;
		if (p->sort == NULL) {
			/* Table order: the page is a run of matches. */
			if (ret->filtered > end && all)
				break;
			if (ret->filtered > p->start && ret->filtered <= end) {
				if (c.n == c.cap) {
					c.cap = c.cap == 0 ? 256 : c.cap * 2;
					c.heap = xreallocarray(c.heap, c.cap,
					    sizeof(*c.heap));
				}
				c.heap[c.n].d = d;
				c.heap[c.n++].own = NULL;
			}
			continue;
		}
		x.d = d;
		x.ord = ord;
		dv_val(&c, d, buf, &x.v);
		dv_offer(&c, &x);
	}
	if (p->sort != NULL) {
		/* Heapsort: the last of those kept goes to the end. */
		for (i = c.n; i > 1; i--) {
			t = c.heap[0];
			c.heap[0] = c.heap[i - 1];
			c.heap[i - 1] = t;
			dv_sift_down(&c, 0, i - 1);
		}
	}
	if (all && d != NULL) {
		/* Stopped at the page's end: the rest are all in the view. */
		ret->total = ret->filtered = st.devices;
	}
	ret->devs = xcalloc(c.n + 1, sizeof(*ret->devs));
	for (i = 0; i < c.n; i++) {
		if (c.reverse) {
			/* The last rows backwards: the page is their tail. */
			if (p->length == 0 || i < p->length)
				ret->devs[ret->n++] = c.heap[c.n - 1 - i].d;
		} else if (p->sort == NULL || i >= p->start)
			ret->devs[ret->n++] = c.heap[i].d;
	}
	for (i = 0; i < c.n; i++)
		free(c.heap[i].own);
	free(c.heap);
	free(needle);
	for (i = 0; i < c.npath; i++)
		free(c.path[i]);
	if (c.zone != NULL) {
		msgpack_zone_free(c.zone);
		msgpack_sbuffer_destroy(&c.sb);
	}
}

void
devview_page_free(struct devview_page *pg)
{
	free(pg->devs);
	memset(pg, 0, sizeof(*pg));
}
