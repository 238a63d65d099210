/* SPDX-License-Identifier: ISC */
/* \summary: the per-run pcapng packet log */

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cursor.h"
#include "log.h"
#include "osprey_config.h"
#include "packet.h"
#include "pcaplog.h"
#include "pcapng.h"
#include "xmalloc.h"

#define PCAPLOG_MAX_INCREMENT	10000

/* One interface block: which source and link type it stands for. */
struct pcaplog_if {
	uint32_t	 source;
	uint32_t	 dlt;
};

struct pcaplog {
	int			 fd;
	char			*path;
	uint8_t			*buf;
	size_t			 used;
	struct pcaplog_if	*ifs;
	unsigned		 n_ifs;
	/*
	 * (source, dlt) to its interface: slot i holds index + 1, 0 empty.
	 * Remote sensors that come and go add interfaces for as long as the
	 * log runs, so a packet must not scan them all.
	 */
	uint32_t		*slots;
	size_t			 n_slots;	/* a power of two, or 0 */
	struct event		*ev_flush;
	bool			 flush_pending;
	bool			 failed;
	int			 error;		/* errno of the failed write */
	off_t			 size;		/* whole blocks in the file */
	uint64_t		 packets;	/* packets in the file */
	uint64_t		 buffered;	/* packets in buf */
};

static void	pcaplog_flush_cb(evutil_socket_t, short, void *);

int
pcaplog_expand(const char *tmpl, const struct pcaplog_names *nm, unsigned i,
    char *ret, size_t retlen, char *err, size_t errlen)
{
	char piece[64];
	const char *add;
	size_t n = 0, alen;
	struct tm tm;

	localtime_r(&nm->when, &tm);
	for (; *tmpl != '\0'; tmpl++) {
		if (*tmpl != '%') {
			piece[0] = *tmpl;
			piece[1] = '\0';
			add = piece;
		} else {
			switch (*++tmpl) {
			case 'p':
				add = nm->prefix;
				break;
			case 'n':
				add = nm->title;
				break;
			case 'l':
				add = nm->type;
				break;
			case 'h':
				add = nm->home;
				break;
			case 'D':
				strftime(piece, sizeof(piece), "%Y%m%d", &tm);
				add = piece;
				break;
			case 't':
				strftime(piece, sizeof(piece), "%H-%M-%S",
				    &tm);
				add = piece;
				break;
			case 'i':
				snprintf(piece, sizeof(piece), "%u", i);
				add = piece;
				break;
			case '%':
				add = "%";
				break;
			default:
				snprintf(err, errlen, "log_template: unknown "
				    "escape '%%%.1s'", tmpl);
				return -EINVAL;
			}
			if (add == NULL)
				add = "";
		}
		alen = strlen(add);
		if (n + alen >= retlen) {
			snprintf(err, errlen, "log_template: name too long");
			return -ENAMETOOLONG;
		}
		memcpy(ret + n, add, alen);
		n += alen;
	}
	ret[n] = '\0';
	return 0;
}

struct pcaplog *
pcaplog_open(struct event_base *base, const char *tmpl,
    const struct pcaplog_names *nm, char *ret_path, size_t pathlen,
    char *err, size_t errlen)
{
	struct pcaplog *l;
	unsigned i;
	ssize_t n;
	int fd = -1;

	for (i = 1; i <= PCAPLOG_MAX_INCREMENT; i++) {
		if (pcaplog_expand(tmpl, nm, i, ret_path, pathlen, err,
		    errlen) < 0)
			return NULL;
		fd = open(ret_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0640);
		if (fd >= 0 || errno != EEXIST)
			break;
		/* A template without %i names one file only. */
		if (strstr(tmpl, "%i") == NULL)
			break;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", ret_path, strerror(errno));
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->fd = fd;
	l->path = xstrdup(ret_path);
	l->buf = xmalloc(PCAPLOG_BUF_SIZE);
	if ((l->ev_flush = evtimer_new(base, pcaplog_flush_cb, l)) == NULL)
		fatalx("pcaplog: out of memory");
	/* The section header, written at once: a start-up error is one
	   line from the caller, not a log failure. */
	n = pcapng_write_shb(l->buf, PCAPLOG_BUF_SIZE,
	    "osprey " OSPREY_VERSION);
	errno = 0;
	if (n < 0 || write(fd, l->buf, (size_t)n) != n) {
		snprintf(err, errlen, "%s: %s", ret_path, n < 0 ||
		    errno == 0 ? "cannot write the section header" :
		    strerror(errno));
		l->failed = true;
		pcaplog_close(l);
		unlink(ret_path);
		return NULL;
	}
	l->size = n;
	return l;
}

/*
 * A write stopped after written bytes of the buffer (a full disk, a file
 * size limit): keep the blocks that went out whole, cut the partial one
 * so that the file stays readable to its end, count the packets it
 * really holds, and stop logging.  Said once, with the reason.
 */
static void
pcaplog_fail(struct pcaplog *l, size_t written, int err)
{
	struct cursor c;
	uint32_t type, len;
	size_t whole = 0;
	uint64_t n = 0;

	cur_init(&c, l->buf, l->used);
	while (cur_get_le32(&c, &type) == 0 && cur_get_le32(&c, &len) == 0 &&
	    len >= 12 && whole + len <= written && cur_skip(&c, len - 8) == 0) {
		whole += len;
		if (type == PCAPNG_BT_EPB)
			n++;
	}
	l->size += (off_t)whole;
	l->packets += n;
	if (written > whole && ftruncate(l->fd, l->size) < 0)
		log_debug("pcaplog: %s: ftruncate: %s", l->path,
		    strerror(errno));
	l->failed = true;
	l->error = err;
	l->used = 0;
	l->buffered = 0;
	log_warnx("packet log %s: %s; logging stopped after %llu packets "
	    "(the file ends with the last whole block)", l->path,
	    strerror(err), (unsigned long long)l->packets);
}

int
pcaplog_flush(struct pcaplog *l)
{
	size_t off = 0;
	ssize_t n;

	if (l->failed)
		return -EIO;
	while (off < l->used) {
		n = write(l->fd, l->buf + off, l->used - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pcaplog_fail(l, off, n < 0 ? errno : EIO);
			return -EIO;
		}
		off += (size_t)n;
	}
	l->size += (off_t)l->used;
	l->packets += l->buffered;
	l->buffered = 0;
	l->used = 0;
	return 0;
}

static void
pcaplog_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pcaplog *l = arg;

	l->flush_pending = false;
	(void)pcaplog_flush(l);
}

/* Make room for need bytes, flushing what is buffered. */
static int
pcaplog_room(struct pcaplog *l, size_t need)
{
	if (need > PCAPLOG_BUF_SIZE)
		return -EINVAL;
	if (PCAPLOG_BUF_SIZE - l->used < need && pcaplog_flush(l) < 0)
		return -EIO;
	return 0;
}

static size_t
pcaplog_slot(const struct pcaplog *l, uint32_t source, uint32_t dlt)
{
	uint64_t h = ((uint64_t)source << 32 | dlt) * 0x9E3779B97F4A7C15ULL;

	return (size_t)(h >> 32) & (l->n_slots - 1);
}

static void
pcaplog_slot_put(struct pcaplog *l, unsigned i)
{
	const struct pcaplog_if *f = &l->ifs[i];
	size_t k;

	for (k = pcaplog_slot(l, f->source, f->dlt); l->slots[k] != 0;
	    k = (k + 1) & (l->n_slots - 1))
		;
	l->slots[k] = i + 1;
}

/* Put interface i (the newest) in the table, growing it past half full. */
static void
pcaplog_slot_add(struct pcaplog *l, unsigned i)
{
	unsigned j;

	if (2 * ((size_t)i + 1) > l->n_slots) {
		free(l->slots);
		l->n_slots = l->n_slots == 0 ? 64 : 2 * l->n_slots;
		l->slots = xcalloc(l->n_slots, sizeof(*l->slots));
		for (j = 0; j < i; j++)
			pcaplog_slot_put(l, j);
	}
	pcaplog_slot_put(l, i);
}

/* The index of the interface block for (source, dlt), writing it if new. */
static int
pcaplog_ifid(struct pcaplog *l, uint32_t source, uint32_t dlt,
    const char *name, const char *uuid, uint32_t *ret)
{
	const struct pcaplog_if *f;
	ssize_t n;
	size_t k;
	int r;

	for (k = l->n_slots > 0 ? pcaplog_slot(l, source, dlt) : 0;
	    l->n_slots > 0 && l->slots[k] != 0;
	    k = (k + 1) & (l->n_slots - 1)) {
		f = &l->ifs[l->slots[k] - 1];
		if (f->source == source && f->dlt == dlt) {
			*ret = l->slots[k] - 1;
			return 0;
		}
	}
	if (dlt > UINT16_MAX)
		return -EINVAL;
	if ((r = pcaplog_room(l, PCAPNG_HDR_BLOCK_MAX)) < 0)
		return r;
	n = pcapng_write_idb(l->buf + l->used, PCAPLOG_BUF_SIZE - l->used,
	    (uint16_t)dlt, 0, name, uuid);
	if (n < 0)
		return (int)n;
	l->used += (size_t)n;
	l->ifs = xreallocarray(l->ifs, l->n_ifs + 1, sizeof(*l->ifs));
	l->ifs[l->n_ifs] = (struct pcaplog_if){ source, dlt };
	pcaplog_slot_add(l, l->n_ifs);
	*ret = l->n_ifs++;
	return 0;
}

int
pcaplog_write(struct pcaplog *l, const struct packet *p, const char *name,
    const char *uuid)
{
	uint32_t ifid = 0;
	ssize_t n;
	int r;

	if (l->failed)
		return -EIO;
	if (p->caplen > p->len || p->ts_usec >= 1000000 ||
	    p->ts_sec > UINT64_MAX / 1000000 - 1)
		return -EINVAL;
	if ((r = pcaplog_ifid(l, p->source, p->dlt, name, uuid, &ifid)) < 0)
		return r;
	if ((r = pcaplog_room(l, pcapng_epb_len(p->caplen))) < 0)
		return r;
	n = pcapng_write_epb(l->buf + l->used, PCAPLOG_BUF_SIZE - l->used,
	    ifid, p->ts_sec * 1000000 + p->ts_usec, p->data, p->caplen,
	    p->len);
	if (n < 0)
		return (int)n;
	l->used += (size_t)n;
	l->buffered++;
	if (!l->flush_pending) {
		/* After every callback of this loop pass: one batch. */
		struct timeval now = { 0, 0 };

		evtimer_add(l->ev_flush, &now);
		l->flush_pending = true;
	}
	return 0;
}

void
pcaplog_close(struct pcaplog *l)
{
	if (l == NULL)
		return;
	(void)pcaplog_flush(l);
	event_free(l->ev_flush);
	close(l->fd);
	free(l->ifs);
	free(l->slots);
	free(l->buf);
	free(l->path);
	free(l);
}

uint64_t
pcaplog_packets(const struct pcaplog *l)
{
	return l->packets + l->buffered;
}

unsigned
pcaplog_interfaces(const struct pcaplog *l)
{
	return l->n_ifs;
}

bool
pcaplog_failed(const struct pcaplog *l)
{
	return l->failed;
}

int
pcaplog_error(const struct pcaplog *l)
{
	return l->error;
}
