/* SPDX-License-Identifier: ISC */
/* \summary: packets of a kismetdb file as a pcapng stream */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kdbpcap.h"
#include "kismetdb.h"
#include "pcapng.h"
#include "xmalloc.h"

#define KDBPCAP_SOURCES_MAX	4096

struct kdbpcap_if {
	char		 uuid[40];
	uint32_t	 dlt;
};

struct kdbpcap {
	char		*appl;
	/* uuid -> name, from the datasources table. */
	char		(*src_uuid)[40];
	char		**src_name;
	size_t		 n_src;
	struct kdbpcap_if *ifs;
	size_t		 n_ifs;
	/* The last interface used: most packets share their neighbour's. */
	size_t		 last;
	uint64_t	 written, skipped;
};

struct kdbpcap *
kdbpcap_new(struct kismetdb *db, const char *appl)
{
	struct kdbpcap *k;
	struct kismetdb_iter *it;
	struct kismetdb_source s;

	k = xcalloc(1, sizeof(*k));
	k->appl = xstrdup(appl);
	if (kismetdb_iter_sources(db, &it) < 0)
		return k;
	while (kismetdb_next_source(it, &s) == 1 &&
	    k->n_src < KDBPCAP_SOURCES_MAX) {
		k->src_uuid = xreallocarray(k->src_uuid, k->n_src + 1,
		    sizeof(*k->src_uuid));
		k->src_name = xreallocarray(k->src_name, k->n_src + 1,
		    sizeof(*k->src_name));
		snprintf(k->src_uuid[k->n_src], sizeof(k->src_uuid[0]), "%s",
		    s.uuid);
		k->src_name[k->n_src++] = xstrdup(s.name[0] != '\0' ? s.name :
		    s.interface);
	}
	kismetdb_iter_free(it);
	return k;
}

void
kdbpcap_free(struct kdbpcap *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n_src; i++)
		free(k->src_name[i]);
	free(k->src_uuid);
	free(k->src_name);
	free(k->ifs);
	free(k->appl);
	free(k);
}

ssize_t
kdbpcap_header(struct kdbpcap *k, uint8_t *buf, size_t cap)
{
	return pcapng_write_shb(buf, cap, k->appl);
}

/* The source's name, or its uuid when it has none that fits. */
static const char *
kdbpcap_name(const struct kdbpcap *k, const char *uuid)
{
	size_t i;

	for (i = 0; i < k->n_src; i++)
		if (strcasecmp(k->src_uuid[i], uuid) == 0 &&
		    strlen(k->src_name[i]) <= PCAPNG_OPT_MAX)
			return k->src_name[i];
	return uuid;
}

ssize_t
kdbpcap_packet(struct kdbpcap *k, const struct kismetdb_packet *p,
    uint8_t *buf, size_t cap)
{
	const char *uuid = p->datasource;
	size_t i, used = 0;
	uint64_t full;
	ssize_t n;

	if (p->dlt > UINT16_MAX || p->ts_usec >= 1000000 ||
	    p->ts_sec > UINT64_MAX / 1000000 - 1 ||
	    p->packet_len > KDBPCAP_PACKET_MAX || strlen(uuid) >= 40) {
		k->skipped++;
		return 0;
	}
	i = k->last;
	if (i >= k->n_ifs || k->ifs[i].dlt != p->dlt ||
	    strcmp(k->ifs[i].uuid, uuid) != 0)
		for (i = 0; i < k->n_ifs; i++)
			if (k->ifs[i].dlt == p->dlt &&
			    strcmp(k->ifs[i].uuid, uuid) == 0)
				break;
	if (i == k->n_ifs) {
		n = pcapng_write_idb(buf, cap, (uint16_t)p->dlt, 0,
		    kdbpcap_name(k, uuid), uuid);
		if (n < 0)
			return -ENOSPC;
		used = (size_t)n;
	}
	full = p->packet_full_len > p->packet_len ? p->packet_full_len :
	    p->packet_len;
	if (full > UINT32_MAX)
		full = UINT32_MAX;
	n = pcapng_write_epb(buf + used, cap - used, (uint32_t)i,
	    p->ts_sec * 1000000 + p->ts_usec, p->packet, p->packet_len, full);
	if (n < 0)
		return -ENOSPC;
	if (i == k->n_ifs) {
		k->ifs = xreallocarray(k->ifs, k->n_ifs + 1, sizeof(*k->ifs));
		snprintf(k->ifs[i].uuid, sizeof(k->ifs[i].uuid), "%s", uuid);
		k->ifs[i].dlt = p->dlt;
		k->n_ifs++;
	}
	k->last = i;
	k->written++;
	return (ssize_t)(used + (size_t)n);
}

uint64_t
kdbpcap_written(const struct kdbpcap *k)
{
	return k->written;
}

uint64_t
kdbpcap_skipped(const struct kdbpcap *k)
{
	return k->skipped;
}
