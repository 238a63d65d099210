/* SPDX-License-Identifier: ISC */
/* \summary: pcapng block writer (SHB, IDB, EPB) into a caller's buffer */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "pcapng.h"

/* Option codes (pcapng draft, sections 4.1 to 4.3). */
#define OPT_ENDOFOPT		0
#define OPT_SHB_USERAPPL	4
#define OPT_IF_NAME		2
#define OPT_IF_DESCRIPTION	3
#define OPT_IF_TSRESOL		9

#define PAD4(n)			(((n) + 3) & ~(size_t)3)

/* Bytes one option takes: code, length, value padded to 32 bits. */
static size_t
opt_len(size_t vlen)
{
	return 4 + PAD4(vlen);
}

/* Write an option at p, zero padding included; returns bytes written. */
static size_t
put_opt(uint8_t *p, uint16_t code, const void *v, size_t vlen)
{
	put_le16(p, code);
	put_le16(p + 2, (uint16_t)vlen);
	if (vlen > 0)
		memcpy(p + 4, v, vlen);
	memset(p + 4 + vlen, 0, PAD4(vlen) - vlen);
	return opt_len(vlen);
}

/* Block type and total length at the start; total length at the end. */
static void
put_frame(uint8_t *buf, uint32_t type, size_t total)
{
	put_le32(buf, type);
	put_le32(buf + 4, (uint32_t)total);
	put_le32(buf + total - 4, (uint32_t)total);
}

static int
check_str(const char *s, size_t *ret_len)
{
	size_t n = 0;

	if (s != NULL && (n = strnlen(s, PCAPNG_OPT_MAX + 1)) >
	    PCAPNG_OPT_MAX)
		return -EINVAL;
	*ret_len = n;
	return 0;
}

ssize_t
pcapng_write_shb(uint8_t *buf, size_t cap, const char *userappl)
{
	size_t ulen, total, off;

	if (check_str(userappl, &ulen) < 0)
		return -EINVAL;
	/* type, length, magic, version, section length, ..., length */
	total = 4 + 4 + 4 + 4 + 8 + 4;
	if (ulen > 0)
		total += opt_len(ulen) + opt_len(0);
	if (cap < total)
		return -ENOSPC;
	put_le32(buf + 8, PCAPNG_BYTE_ORDER_MAGIC);
	put_le16(buf + 12, 1);
	put_le16(buf + 14, 0);
	/* Section length unknown: -1, as a writer that streams must say. */
	memset(buf + 16, 0xff, 8);
	off = 24;
	if (ulen > 0) {
		off += put_opt(buf + off, OPT_SHB_USERAPPL, userappl, ulen);
		off += put_opt(buf + off, OPT_ENDOFOPT, NULL, 0);
	}
	put_frame(buf, PCAPNG_BT_SHB, total);
	return (ssize_t)total;
}

ssize_t
pcapng_write_idb(uint8_t *buf, size_t cap, uint16_t linktype,
    uint32_t snaplen, const char *name, const char *description)
{
	static const uint8_t tsresol = 6;	/* 10^-6 s */
	size_t nlen, dlen, total, off;

	if (check_str(name, &nlen) < 0 || check_str(description, &dlen) < 0)
		return -EINVAL;
	total = 4 + 4 + 2 + 2 + 4 + 4;
	total += opt_len(sizeof(tsresol)) + opt_len(0);
	if (nlen > 0)
		total += opt_len(nlen);
	if (dlen > 0)
		total += opt_len(dlen);
	if (cap < total)
		return -ENOSPC;
	put_le16(buf + 8, linktype);
	put_le16(buf + 10, 0);
	put_le32(buf + 12, snaplen);
	off = 16;
	if (nlen > 0)
		off += put_opt(buf + off, OPT_IF_NAME, name, nlen);
	if (dlen > 0)
		off += put_opt(buf + off, OPT_IF_DESCRIPTION, description,
		    dlen);
	off += put_opt(buf + off, OPT_IF_TSRESOL, &tsresol, sizeof(tsresol));
	off += put_opt(buf + off, OPT_ENDOFOPT, NULL, 0);
	put_frame(buf, PCAPNG_BT_IDB, total);
	return (ssize_t)total;
}

size_t
pcapng_epb_len(size_t caplen)
{
	return PCAPNG_EPB_OVERHEAD + PAD4(caplen);
}

ssize_t
pcapng_write_epb(uint8_t *buf, size_t cap, uint32_t ifid, uint64_t ts_usec,
    const void *data, size_t caplen, size_t len)
{
	size_t total;

	if (caplen > len || len > UINT32_MAX ||
	    caplen > UINT32_MAX - PCAPNG_EPB_OVERHEAD - 3)
		return -EINVAL;
	total = pcapng_epb_len(caplen);
	if (cap < total)
		return -ENOSPC;
	put_le32(buf + 8, ifid);
	put_le32(buf + 12, (uint32_t)(ts_usec >> 32));
	put_le32(buf + 16, (uint32_t)ts_usec);
	put_le32(buf + 20, (uint32_t)caplen);
	put_le32(buf + 24, (uint32_t)len);
	if (caplen > 0)
		memcpy(buf + 28, data, caplen);
	memset(buf + 28 + caplen, 0, PAD4(caplen) - caplen);
	put_frame(buf, PCAPNG_BT_EPB, total);
	return (ssize_t)total;
}
