/* SPDX-License-Identifier: ISC */
/*
 * \summary: where generated frames go: pcapng, pcap, or one file per frame
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "osprey_config.h"
#include "gen_out.h"

#define SNAPLEN		262144

struct gen_out {
	enum gen_format	 fmt;
	FILE		*fp;		/* pcapng */
	pcap_t		*pcap;		/* pcap */
	pcap_dumper_t	*dumper;
	char		*dir;		/* directory */
	int		 error;		/* first write error, -errno */
};

/*
 * pcapng blocks, written little-endian whatever the host (the byte-order
 * magic says so), so that a seed gives the same file everywhere:
 *
 *   +---------------------------------------------------------------+
 *   |                      block type                               |
 *   +---------------------------------------------------------------+
 *   |                      block total length                       |
 *   +---------------------------------------------------------------+
 *   /                      body, padded to 32 bits                  /
 *   +---------------------------------------------------------------+
 *   |                      block total length                       |
 *   +---------------------------------------------------------------+
 */
#define PCAPNG_SHB	0x0a0d0d0aU
#define PCAPNG_IDB	0x00000001U
#define PCAPNG_EPB	0x00000006U
#define OPT_END		0
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME	2
#define OPT_IF_TSRESOL	9

struct blk {
	uint8_t		 b[512];
	size_t		 len;
};

static void
blk_u16(struct blk *k, uint16_t v)
{
	k->b[k->len++] = (uint8_t)v;
	k->b[k->len++] = (uint8_t)(v >> 8);
}

static void
blk_u32(struct blk *k, uint32_t v)
{
	blk_u16(k, (uint16_t)v);
	blk_u16(k, (uint16_t)(v >> 16));
}

static void
blk_opt(struct blk *k, uint16_t code, const void *v, size_t len)
{
	blk_u16(k, code);
	blk_u16(k, (uint16_t)len);
	memcpy(k->b + k->len, v, len);
	k->len += len;
	while (k->len & 3)
		k->b[k->len++] = 0;
}

/* Patch the two length fields and write the block out. */
static void
blk_write(struct gen_out *o, struct blk *k)
{
	uint32_t total = (uint32_t)k->len + 4;

	blk_u32(k, total);
	k->b[4] = (uint8_t)total;
	k->b[5] = (uint8_t)(total >> 8);
	k->b[6] = (uint8_t)(total >> 16);
	k->b[7] = (uint8_t)(total >> 24);
	if (fwrite(k->b, 1, k->len, o->fp) != k->len && o->error == 0)
		o->error = -errno;
}

static void
pcapng_header(struct gen_out *o, int dlt)
{
	static const char app[] = "osprey_gen " OSPREY_VERSION;
	static const char ifname[] = "osprey_gen";
	struct blk k = { .len = 0 };
	uint8_t res = 6;	/* microseconds */

	blk_u32(&k, PCAPNG_SHB);
	blk_u32(&k, 0);
	blk_u32(&k, 0x1a2b3c4dU);
	blk_u16(&k, 1);
	blk_u16(&k, 0);
	blk_u32(&k, 0xffffffffU);	/* section length: not given */
	blk_u32(&k, 0xffffffffU);
	blk_opt(&k, OPT_SHB_USERAPPL, app, strlen(app));
	blk_u32(&k, OPT_END);
	blk_write(o, &k);

	k.len = 0;
	blk_u32(&k, PCAPNG_IDB);
	blk_u32(&k, 0);
	blk_u16(&k, (uint16_t)dlt);
	blk_u16(&k, 0);
	blk_u32(&k, SNAPLEN);
	blk_opt(&k, OPT_IF_NAME, ifname, strlen(ifname));
	blk_opt(&k, OPT_IF_TSRESOL, &res, 1);
	blk_u32(&k, OPT_END);
	blk_write(o, &k);
}

static int
pcapng_write(struct gen_out *o, uint64_t ts, const uint8_t *p, size_t len)
{
	static const uint8_t zero[4];
	struct blk k = { .len = 0 };
	size_t pad = (4 - (len & 3)) & 3;
	uint32_t total = (uint32_t)(28 + len + pad + 4);

	blk_u32(&k, PCAPNG_EPB);
	blk_u32(&k, total);
	blk_u32(&k, 0);				/* interface 0 */
	blk_u32(&k, (uint32_t)(ts >> 32));
	blk_u32(&k, (uint32_t)ts);
	blk_u32(&k, (uint32_t)len);
	blk_u32(&k, (uint32_t)len);
	if (fwrite(k.b, 1, k.len, o->fp) != k.len ||
	    fwrite(p, 1, len, o->fp) != len ||
	    fwrite(zero, 1, pad, o->fp) != pad) {
		if (o->error == 0)
			o->error = -errno;
		return o->error;
	}
	k.len = 0;
	blk_u32(&k, total);
	if (fwrite(k.b, 1, k.len, o->fp) != k.len && o->error == 0)
		o->error = -errno;
	return o->error;
}

struct gen_out *
gen_out_open(const char *path, enum gen_format fmt, int dlt)
{
	struct gen_out *o;
	int saved;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->fmt = fmt;
	switch (fmt) {
	case GEN_FMT_PCAPNG:
		if ((o->fp = fopen(path, "wb")) == NULL)
			goto fail;
		/* Frames are small and many: write in large chunks. */
		setvbuf(o->fp, NULL, _IOFBF, 1 << 20);
		pcapng_header(o, dlt);
		break;
	case GEN_FMT_PCAP:
		o->pcap = pcap_open_dead_with_tstamp_precision(dlt, SNAPLEN,
		    PCAP_TSTAMP_PRECISION_MICRO);
		if (o->pcap == NULL) {
			errno = ENOMEM;
			goto fail;
		}
		if ((o->dumper = pcap_dump_open(o->pcap, path)) == NULL) {
			/* libpcap keeps the reason in its error buffer. */
			if (errno == 0)
				errno = EIO;
			goto fail;
		}
		break;
	case GEN_FMT_DIR:
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			goto fail;
		if ((o->dir = strdup(path)) == NULL)
			goto fail;
		break;
	}
	return o;
fail:
	saved = errno;
	if (o->fp != NULL)
		fclose(o->fp);
	if (o->pcap != NULL)
		pcap_close(o->pcap);
	free(o);
	errno = saved;
	return NULL;
}

static int
dir_write(struct gen_out *o, const uint8_t *p, size_t len, const char *name)
{
	char path[PATH_MAX];
	FILE *fp;
	int r = 0;

	if (snprintf(path, sizeof(path), "%s/%s", o->dir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((fp = fopen(path, "wb")) == NULL)
		return -errno;
	if (fwrite(p, 1, len, fp) != len)
		r = -errno;
	if (fclose(fp) != 0 && r == 0)
		r = -errno;
	return r;
}

int
gen_out_write(struct gen_out *o, uint64_t ts_us, const uint8_t *p, size_t len,
    const char *name)
{
	struct pcap_pkthdr h;

	switch (o->fmt) {
	case GEN_FMT_PCAPNG:
		return pcapng_write(o, ts_us, p, len);
	case GEN_FMT_PCAP:
		h.ts.tv_sec = (time_t)(ts_us / 1000000);
		h.ts.tv_usec = (suseconds_t)(ts_us % 1000000);
		h.caplen = (bpf_u_int32)len;
		h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)o->dumper, &h, p);
		return 0;
	case GEN_FMT_DIR:
		if (name == NULL)
			return 0;
		return dir_write(o, p, len, name);
	}
	return -EINVAL;
}

int
gen_out_close(struct gen_out *o)
{
	int r;

	if (o == NULL)
		return 0;
	r = o->error;
	if (o->fp != NULL && fclose(o->fp) != 0 && r == 0)
		r = -errno;
	if (o->dumper != NULL) {
		FILE *fp = pcap_dump_file(o->dumper);

		if ((fflush(fp) != 0 || ferror(fp)) && r == 0)
			r = -EIO;
		pcap_dump_close(o->dumper);
	}
	if (o->pcap != NULL)
		pcap_close(o->pcap);
	free(o->dir);
	free(o);
	return r;
}
