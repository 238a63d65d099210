/* SPDX-License-Identifier: ISC */
/*
 * \summary: pcap and pcapng file reader of osprey_cap_pcapfile
 *
 * Formats: pcap-savefile(5) (tcpdump.org) and the pcapng draft
 * (draft-ietf-opsawg-pcapng: SHB, IDB, EPB, SPB and the obsolete PB; other
 * blocks are stepped over).  What libpcap 1.10 refuses is refused here too,
 * at the same record, so that a damaged file ends at the same frame with
 * either reader; the messages are our own.
 *
 * Every read goes through one buffer of CAPFILE_BUF bytes, filled 64 KiB
 * at a time: a capture of ordinary frames touches its first pages only.
 * Reads are pread() at the reader's own offset, so a new pass over the
 * file (loop=true) needs no seek and no new descriptor.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"
#include "cursor.h"

#define CAPFILE_CHUNK		(64 * 1024)	/* what one read asks for */

/* pcap: magic numbers as the file's own byte order reads them. */
#define PCAP_MAGIC_USEC		0xa1b2c3d4U
#define PCAP_MAGIC_NSEC		0xa1b23c4dU
#define PCAP_MAGIC_PATCHED	0xa1b2cd34U	/* Kuznetzov's: 24-byte records */
#define PCAP_FILE_HDR		24
#define PCAP_LINKTYPE_MASK	0x03ffffffU	/* the rest: FCS length bits */

/* pcapng */
#define NG_SHB			0x0a0d0d0aU
#define NG_IDB			1
#define NG_PB			2		/* Packet Block (obsolete) */
#define NG_SPB			3
#define NG_EPB			6
#define NG_BOM			0x1a2b3c4dU	/* byte-order magic */
#define NG_SHB_MIN		28		/* header, fixed part, trailer */
#define NG_SHB_MAX		(1024 * 1024)	/* libpcap's bound at open */
#define NG_BLOCK_MAX		(16 * 1024 * 1024)	/* libpcap's bound */
#define NG_OPT_END		0
#define NG_OPT_TSRESOL		9
#define NG_OPT_TSOFFSET		14
#define NG_USEC			1000000ULL	/* the resolution handed out */

/*
 * A pcapng block: after the 8-byte header (type, total length), the body,
 * then the total length again.  body covers what lies between, or its
 * head for a block larger than the buffer.
 */
struct capfile_block {
	uint32_t	 type;
	struct cursor	 body;
};

static int
capfile_get16(const struct capfile *cf, struct cursor *c, uint16_t *ret)
{
	return cf->be ? cur_get_be16(c, ret) : cur_get_le16(c, ret);
}

static int
capfile_get32(const struct capfile *cf, struct cursor *c, uint32_t *ret)
{
	return cf->be ? cur_get_be32(c, ret) : cur_get_le32(c, ret);
}

static int
capfile_get64(const struct capfile *cf, struct cursor *c, uint64_t *ret)
{
	return cf->be ? cur_get_be64(c, ret) : cur_get_le64(c, ret);
}

/* The file offset of buf[pos]. */
static off_t
capfile_tell(const struct capfile *cf)
{
	return cf->off - (off_t)(cf->len - cf->pos);
}

/*
 * Make n bytes (at most CAPFILE_BUF) readable at buf + pos, moving what
 * is left to the front first.  1; 0 when the file ends before any of
 * them and at_start says that is a clean end (between records); -1 with
 * the reason in err.  Pointers into buf from before are stale after.
 */
static int
capfile_fill(struct capfile *cf, size_t n, bool at_start, char *err,
    size_t errlen)
{
	size_t want;
	ssize_t r;

	if (cf->len - cf->pos >= n)
		return 1;
	if (n > sizeof(cf->buf)) {
		snprintf(err, errlen, "a record of %zu bytes: larger than "
		    "%zu", n, sizeof(cf->buf));
		return -1;
	}
	if (cf->pos > 0) {
		memmove(cf->buf, cf->buf + cf->pos, cf->len - cf->pos);
		cf->len -= cf->pos;
		cf->pos = 0;
	}
	while (cf->len < n) {
		want = n - cf->len;
		if (want < CAPFILE_CHUNK)
			want = CAPFILE_CHUNK;
		if (want > sizeof(cf->buf) - cf->len)
			want = sizeof(cf->buf) - cf->len;
		r = pread(cf->fd, cf->buf + cf->len, want, cf->off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "read error: %s",
			    strerror(errno));
			return -1;
		}
		if (r == 0) {
			if (at_start && cf->len == 0)
				return 0;
			snprintf(err, errlen, "truncated: the file ends %zu "
			    "bytes into a %zu-byte read", cf->len, n);
			return -1;
		}
		cf->len += (size_t)r;
		cf->off += r;
	}
	return 1;
}

/*
 * Step over n bytes, which must all be in the file (a reader going
 * through them would find the end otherwise), without reading them:
 * pointers into buf stay valid until the next fill.
 */
static int
capfile_skip(struct capfile *cf, uint64_t n, char *err, size_t errlen)
{
	off_t end;
	ssize_t r;
	uint8_t b;

	if (n <= cf->len - cf->pos) {
		cf->pos += (size_t)n;
		return 0;
	}
	end = capfile_tell(cf) + (off_t)n;
	do
		r = pread(cf->fd, &b, 1, end - 1);
	while (r < 0 && errno == EINTR);
	if (r != 1) {
		snprintf(err, errlen, "truncated: the file ends inside a "
		    "record%s%s", r < 0 ? ": " : "", r < 0 ?
		    strerror(errno) : "");
		return -1;
	}
	cf->pos = cf->len = 0;
	cf->off = end;
	return 0;
}

/* libpcap's rule: no snapshot length, or an absurd one, is the largest. */
static uint32_t
capfile_snap(uint32_t snaplen)
{
	return snaplen == 0 || snaplen > CAPFILE_SNAPLEN ? CAPFILE_SNAPLEN :
	    snaplen;
}

/*
 * pcap file header (24 bytes), after the magic:
 *
 *   magic(4) version_major(2) version_minor(2) thiszone(4) sigfigs(4)
 *   snaplen(4) linktype(4)
 */
static int
capfile_open_pcap(struct capfile *cf, uint32_t magic, char *err,
    size_t errlen)
{
	struct cursor c;
	uint16_t major, minor;
	uint32_t snaplen, linktype;

	if (capfile_fill(cf, PCAP_FILE_HDR, false, err, errlen) < 0)
		return -1;
	cur_init(&c, cf->buf + cf->pos + 4, PCAP_FILE_HDR - 4);
	if (capfile_get16(cf, &c, &major) < 0 ||
	    capfile_get16(cf, &c, &minor) < 0 || cur_skip(&c, 8) < 0 ||
	    capfile_get32(cf, &c, &snaplen) < 0 ||
	    capfile_get32(cf, &c, &linktype) < 0)
		return -1;	/* not reached: 20 bytes are there */
	cf->pos += PCAP_FILE_HDR;
	/* 2.0 to 2.4, and DG/UX tcpdump's 543.0. */
	if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0))) {
		snprintf(err, errlen, "pcap format version %u.%u is not "
		    "one libpcap reads", major, minor);
		return -1;
	}
	cf->dlt = linktype & PCAP_LINKTYPE_MASK;
	cf->snap = capfile_snap(snaplen);
	cf->nsec = magic == PCAP_MAGIC_NSEC;
	cf->hdrsize = magic == PCAP_MAGIC_PATCHED ? 24 : 16;
	/*
	 * Versions before 2.3 (and 543.0) wrote the length before the
	 * captured length; some 2.3 writers did, some did not.
	 */
	if (major == 543 || minor < 3)
		cf->lenswap = 1;
	else
		cf->lenswap = minor == 3 ? 2 : 0;
	return 0;
}

/*
 * pcap record: ts_sec(4) ts_frac(4) caplen(4) len(4), then 8 more bytes
 * in the patched format, then caplen bytes.  A frame longer than the
 * snapshot length is cut to it, as libpcap does.
 */
static int
capfile_next_pcap(struct capfile *cf, struct capfile_rec *rec, char *err,
    size_t errlen)
{
	struct cursor c;
	uint32_t sec, frac, caplen, len, keep, t;
	int64_t usec;
	int r;

	if ((r = capfile_fill(cf, cf->hdrsize, true, err, errlen)) <= 0)
		return r;
	cur_init(&c, cf->buf + cf->pos, cf->hdrsize);
	if (capfile_get32(cf, &c, &sec) < 0 ||
	    capfile_get32(cf, &c, &frac) < 0 ||
	    capfile_get32(cf, &c, &caplen) < 0 ||
	    capfile_get32(cf, &c, &len) < 0)
		return -1;	/* not reached: hdrsize bytes are there */
	cf->pos += cf->hdrsize;
	if (cf->lenswap == 1 || (cf->lenswap == 2 && caplen > len)) {
		t = caplen;
		caplen = len;
		len = t;
	}
	if (caplen > CAPFILE_SNAPLEN) {
		snprintf(err, errlen, "a frame of %u bytes: longer than %u",
		    caplen, CAPFILE_SNAPLEN);
		return -1;
	}
	keep = caplen < cf->snap ? caplen : cf->snap;
	if (capfile_fill(cf, keep, false, err, errlen) < 0)
		return -1;
	rec->data = cf->buf + cf->pos;
	cf->pos += keep;
	if (capfile_skip(cf, caplen - keep, err, errlen) < 0)
		return -1;
	rec->caplen = keep;
	rec->len = len;
	/* The file's fields are signed, as libpcap reads them. */
	rec->ts_sec = (uint64_t)(int64_t)(int32_t)sec;
	usec = (int32_t)frac;
	if (cf->nsec)
		usec /= 1000;
	rec->ts_usec = (uint64_t)usec;
	return 1;
}

/*
 * The next pcapng block: 1, 0 at the end of the file, -1 with the reason.
 * body is valid until the next fill.
 */
static int
capfile_block(struct capfile *cf, struct capfile_block *b, char *err,
    size_t errlen)
{
	struct cursor c;
	uint32_t type, total, trailer;
	uint8_t t[4];
	size_t have;
	off_t start;
	ssize_t r;

	if ((r = capfile_fill(cf, 8, true, err, errlen)) <= 0)
		return (int)r;
	cur_init(&c, cf->buf + cf->pos, 8);
	if (capfile_get32(cf, &c, &type) < 0 ||
	    capfile_get32(cf, &c, &total) < 0)
		return -1;	/* not reached */
	if (total < 12 || total % 4 != 0 || total > NG_BLOCK_MAX) {
		snprintf(err, errlen, "a block of type %u claims %u bytes",
		    type, total);
		return -1;
	}
	start = capfile_tell(cf);
	have = total < sizeof(cf->buf) ? total : sizeof(cf->buf);
	if (capfile_fill(cf, have, false, err, errlen) < 0)
		return -1;
	if (have == total) {
		cur_init(&c, cf->buf + cf->pos + total - 4, 4);
		cur_init(&b->body, cf->buf + cf->pos + 8, total - 12);
		cf->pos += total;
	} else {
		/* Larger than the buffer (options, or a block we skip). */
		do
			r = pread(cf->fd, t, 4, start + total - 4);
		while (r < 0 && errno == EINTR);
		if (r != 4) {
			snprintf(err, errlen, "truncated: the file ends "
			    "inside a block of %u bytes", total);
			return -1;
		}
		cur_init(&c, t, 4);
		cur_init(&b->body, cf->buf + cf->pos + 8, have - 8);
		cf->pos = cf->len = 0;
		cf->off = start + total;
	}
	if (capfile_get32(cf, &c, &trailer) < 0)
		return -1;	/* not reached */
	if (trailer != total) {
		snprintf(err, errlen, "a block of %u bytes ends with the "
		    "length %u", total, trailer);
		return -1;
	}
	b->type = type;
	return 1;
}

/* if_tsresol: a negative power of 10, or of 2 with the top bit set. */
static int
capfile_tsresol(struct capfile_if *ifp, uint8_t v, char *err, size_t errlen)
{
	unsigned int i;

	if (v & 0x80) {
		if ((v & 0x7f) > 63) {
			snprintf(err, errlen, "if_tsresol 2^-%u is too fine",
			    v & 0x7f);
			return -1;
		}
		ifp->binary = true;
		ifp->tsresol = 1ULL << (v & 0x7f);
		return 0;
	}
	if (v > 19) {
		snprintf(err, errlen, "if_tsresol 10^-%u is too fine", v);
		return -1;
	}
	ifp->binary = false;
	ifp->tsresol = 1;
	for (i = 0; i < v; i++)
		ifp->tsresol *= 10;
	return 0;
}

/*
 * Interface Description Block: linktype(2) reserved(2) snaplen(4), then
 * options (code(2) length(2) value padded to 4).  The first of the file
 * sets the link type and snapshot length; any later one must repeat
 * them, as libpcap requires.
 */
static int
capfile_idb(struct capfile *cf, struct cursor *body, bool first, char *err,
    size_t errlen)
{
	struct capfile_if *ifp;
	struct cursor v;
	const uint8_t *p;
	uint16_t linktype, reserved, code, olen;
	uint32_t snaplen, snap;
	uint64_t off;
	bool saw_res = false, saw_off = false;

	if (capfile_get16(cf, body, &linktype) < 0 ||
	    capfile_get16(cf, body, &reserved) < 0 ||
	    capfile_get32(cf, body, &snaplen) < 0) {
		snprintf(err, errlen, "an interface block is too short");
		return -1;
	}
	snap = capfile_snap(snaplen);
	if (first) {
		cf->dlt = linktype;
		cf->snap = snap;
	} else if (linktype != cf->dlt || snap != cf->snap) {
		snprintf(err, errlen, "an interface of link type %u and "
		    "snapshot length %u after one of %u and %u", linktype,
		    snaplen, cf->dlt, cf->snap);
		return -1;
	}
	if (cf->nif == CAPFILE_MAX_IF) {
		snprintf(err, errlen, "more than %d interfaces in a section",
		    CAPFILE_MAX_IF);
		return -1;
	}
	ifp = &cf->ifs[cf->nif];
	ifp->tsresol = NG_USEC;
	ifp->tsoffset = 0;
	ifp->binary = false;
	while (cur_left(body) > 0) {
		if (capfile_get16(cf, body, &code) < 0 ||
		    capfile_get16(cf, body, &olen) < 0 ||
		    cur_get_bytes(body, ((size_t)olen + 3) & ~(size_t)3,
		    &p) < 0) {
			snprintf(err, errlen, "an interface block's option "
			    "is cut short");
			return -1;
		}
		if (code == NG_OPT_END) {
			if (olen != 0) {
				snprintf(err, errlen, "opt_endofopt of %u "
				    "bytes", olen);
				return -1;
			}
			break;
		}
		if ((code == NG_OPT_TSRESOL && (olen != 1 || saw_res)) ||
		    (code == NG_OPT_TSOFFSET && (olen != 8 || saw_off))) {
			snprintf(err, errlen, "option %u: %u bytes, or given "
			    "twice", code, olen);
			return -1;
		}
		if (code == NG_OPT_TSRESOL) {
			saw_res = true;
			if (capfile_tsresol(ifp, p[0], err, errlen) < 0)
				return -1;
		} else if (code == NG_OPT_TSOFFSET) {
			saw_off = true;
			cur_init(&v, p, 8);
			if (capfile_get64(cf, &v, &off) < 0)
				return -1;	/* not reached */
			ifp->tsoffset = (int64_t)off;
		}
	}
	cf->nif++;
	return 0;
}

/*
 * pcapng: the Section Header Block, whose byte-order magic says how to
 * read the rest, then blocks up to the first interface.
 *
 *   SHB: type(4) total(4) byte_order_magic(4) major(2) minor(2)
 *        section_length(8) options... total(4)
 */
static int
capfile_open_ng(struct capfile *cf, char *err, size_t errlen)
{
	struct capfile_block b;
	struct cursor c;
	uint32_t bom, total;
	uint16_t major, minor;
	int r;

	if (capfile_fill(cf, 12, false, err, errlen) < 0)
		return -1;
	cur_init(&c, cf->buf + cf->pos + 8, 4);
	if (cur_get_le32(&c, &bom) < 0)
		return -1;	/* not reached */
	if (bom != NG_BOM && bom != __builtin_bswap32(NG_BOM)) {
		snprintf(err, errlen, "no pcapng byte-order magic");
		return -1;
	}
	cf->be = bom != NG_BOM;
	cur_init(&c, cf->buf + cf->pos + 4, 4);
	if (capfile_get32(cf, &c, &total) < 0)
		return -1;	/* not reached */
	if (total < NG_SHB_MIN || total > NG_SHB_MAX ||
	    total > sizeof(cf->buf)) {
		snprintf(err, errlen, "a section header of %u bytes", total);
		return -1;
	}
	/* libpcap checks neither this block's trailer nor its alignment. */
	if (capfile_fill(cf, total, false, err, errlen) < 0)
		return -1;
	cur_init(&c, cf->buf + cf->pos + 12, 4);
	if (capfile_get16(cf, &c, &major) < 0 ||
	    capfile_get16(cf, &c, &minor) < 0)
		return -1;	/* not reached */
	cf->pos += total;
	if (!(major == 1 && (minor == 0 || minor == 2))) {
		snprintf(err, errlen, "pcapng version %u.%u is not one "
		    "libpcap reads", major, minor);
		return -1;
	}
	for (;;) {
		if ((r = capfile_block(cf, &b, err, errlen)) < 0)
			return -1;
		if (r == 0) {
			snprintf(err, errlen, "no interface description block");
			return -1;
		}
		if (b.type == NG_IDB)
			return capfile_idb(cf, &b.body, true, err, errlen);
		if (b.type == NG_EPB || b.type == NG_SPB || b.type == NG_PB) {
			snprintf(err, errlen, "a packet block before any "
			    "interface description block");
			return -1;
		}
	}
}

/* A later Section Header Block: same byte order, version 1.x. */
static int
capfile_shb(struct capfile *cf, struct cursor *body, char *err,
    size_t errlen)
{
	uint32_t bom;
	uint16_t major;

	if (cur_left(body) < 16 || capfile_get32(cf, body, &bom) < 0 ||
	    capfile_get16(cf, body, &major) < 0) {
		snprintf(err, errlen, "a section header block is too short");
		return -1;
	}
	if (bom != NG_BOM) {
		snprintf(err, errlen, "a section in another byte order, or "
		    "with no byte-order magic");
		return -1;
	}
	if (major != 1) {
		snprintf(err, errlen, "a section of pcapng version %u", major);
		return -1;
	}
	cf->nif = 0;
	return 0;
}

/*
 * The packet blocks:
 *
 *   EPB: interface_id(4) ts_high(4) ts_low(4) caplen(4) len(4) data
 *   SPB: len(4) data (caplen: len up to the snapshot length; no time)
 *   PB:  interface_id(2) drops(2) ts_high(4) ts_low(4) caplen(4) len(4)
 */
static int
capfile_next_ng(struct capfile *cf, struct capfile_rec *rec, char *err,
    size_t errlen)
{
	struct capfile_block b;
	struct capfile_if *ifp;
	uint64_t t = 0, sec, frac;
	uint32_t ifid = 0, hi = 0, lo = 0, caplen = 0, len = 0;
	uint16_t id16, drops;
	int r, bad;

	for (;;) {
		if ((r = capfile_block(cf, &b, err, errlen)) <= 0)
			return r;
		bad = 0;
		if (b.type == NG_EPB) {
			bad = capfile_get32(cf, &b.body, &ifid) < 0 ||
			    capfile_get32(cf, &b.body, &hi) < 0 ||
			    capfile_get32(cf, &b.body, &lo) < 0 ||
			    capfile_get32(cf, &b.body, &caplen) < 0 ||
			    capfile_get32(cf, &b.body, &len) < 0;
		} else if (b.type == NG_PB) {
			bad = capfile_get16(cf, &b.body, &id16) < 0 ||
			    capfile_get16(cf, &b.body, &drops) < 0 ||
			    capfile_get32(cf, &b.body, &hi) < 0 ||
			    capfile_get32(cf, &b.body, &lo) < 0 ||
			    capfile_get32(cf, &b.body, &caplen) < 0 ||
			    capfile_get32(cf, &b.body, &len) < 0;
			ifid = bad ? 0 : id16;
		} else if (b.type == NG_SPB) {
			bad = capfile_get32(cf, &b.body, &len) < 0;
			caplen = len < cf->snap ? len : cf->snap;
		} else if (b.type == NG_IDB) {
			if (capfile_idb(cf, &b.body, false, err, errlen) < 0)
				return -1;
			continue;
		} else if (b.type == NG_SHB) {
			if (capfile_shb(cf, &b.body, err, errlen) < 0)
				return -1;
			continue;
		} else
			continue;
		if (bad) {
			snprintf(err, errlen, "a packet block is too short");
			return -1;
		}
		break;
	}
	t = (uint64_t)hi << 32 | lo;
	if (ifid >= cf->nif) {
		snprintf(err, errlen, "a packet on interface %u, which no "
		    "interface block of its section describes", ifid);
		return -1;
	}
	if (caplen > cf->snap) {
		snprintf(err, errlen, "a frame of %u bytes: longer than the "
		    "snapshot length %u", caplen, cf->snap);
		return -1;
	}
	if (cur_get_bytes(&b.body, caplen, &rec->data) < 0) {
		snprintf(err, errlen, "a frame of %u bytes in a shorter "
		    "block", caplen);
		return -1;
	}
	ifp = &cf->ifs[ifid];
	sec = t / ifp->tsresol + (uint64_t)ifp->tsoffset;
	frac = t % ifp->tsresol;
	/* libpcap's integer scaling, overflow and all. */
	if (ifp->binary)
		frac = frac * NG_USEC / ifp->tsresol;
	else if (ifp->tsresol > NG_USEC)
		frac /= ifp->tsresol / NG_USEC;
	else if (ifp->tsresol < NG_USEC)
		frac *= NG_USEC / ifp->tsresol;
	rec->ts_sec = sec;
	rec->ts_usec = (uint64_t)(int64_t)(int32_t)(uint32_t)frac;
	rec->caplen = caplen;
	rec->len = len;
	return 1;
}

int
capfile_open(struct capfile *cf, int fd, char *err, size_t errlen)
{
	struct cursor c;
	uint32_t le, be;

	cf->fd = fd;
	cf->off = 0;
	cf->pos = cf->len = 0;
	cf->ng = cf->be = false;
	cf->nif = 0;
	if (capfile_fill(cf, 4, false, err, errlen) < 0)
		return -1;
	cur_init(&c, cf->buf, 4);
	if (cur_get_le32(&c, &le) < 0)
		return -1;	/* not reached */
	be = __builtin_bswap32(le);
	if (le == NG_SHB) {
		cf->ng = true;
		return capfile_open_ng(cf, err, errlen);
	}
	if (le == PCAP_MAGIC_USEC || le == PCAP_MAGIC_NSEC ||
	    le == PCAP_MAGIC_PATCHED)
		return capfile_open_pcap(cf, le, err, errlen);
	if (be == PCAP_MAGIC_USEC || be == PCAP_MAGIC_NSEC ||
	    be == PCAP_MAGIC_PATCHED) {
		cf->be = true;
		return capfile_open_pcap(cf, be, err, errlen);
	}
	snprintf(err, errlen, "unknown file format");
	return -1;
}

int
capfile_next(struct capfile *cf, struct capfile_rec *rec, char *err,
    size_t errlen)
{
	if (cf->ng)
		return capfile_next_ng(cf, rec, err, errlen);
	return capfile_next_pcap(cf, rec, err, errlen);
}
