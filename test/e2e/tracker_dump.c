/* SPDX-License-Identifier: ISC */
/*
 * \summary: decode and track capture files, print the devices as JSON
 *
 *   tracker_dump [-o OUIFILE] [-m MAX] CAPTURE...
 *
 * Reads each capture with libpcap (one datasource per file, source id =
 * its position), runs every frame through decode_packet() and
 * tracker_update(), then writes every tracked device to stdout as a JSON
 * array, as /devices/all_devices.json gives it: the msgpack records of
 * devrec.c rendered with yajl (byte strings in base64).  A summary goes
 * to stderr.  The tracker runs on capture time (packet_clock) with no
 * device cap unless -m.
 *
 * tracker_compare.py uses it to hold the tracker against tshark; the
 * core's --devices-json output is meant to be comparable the same way.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msgpack.h>
#include <pcap/pcap.h>
#include <yajl/yajl_gen.h>

#include "decode.h"
#include "device.h"
#include "devrec.h"
#include "oui.h"
#include "packet.h"
#include "tracker.h"

static void
gen_base64(yajl_gen g, const uint8_t *p, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out, *o;
	uint32_t v;
	size_t i;

	o = out = malloc(4 * ((n + 2) / 3) + 1);
	if (out == NULL)
		abort();
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	if (i < n) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	yajl_gen_string(g, (const unsigned char *)out, (size_t)(o - out));
	free(out);
}

/* One msgpack object as JSON. */
static void
gen_object(yajl_gen g, const msgpack_object *o)
{
	char num[32];
	uint32_t i;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		yajl_gen_null(g);
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		yajl_gen_bool(g, o->via.boolean);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		/* Through text: yajl's integers are signed. */
		snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)o->via.u64);
		yajl_gen_number(g, num, strlen(num));
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		yajl_gen_integer(g, o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		yajl_gen_double(g, o->via.f64);
		break;
	case MSGPACK_OBJECT_STR:
		yajl_gen_string(g, (const unsigned char *)o->via.str.ptr,
		    o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		gen_base64(g, (const uint8_t *)o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		yajl_gen_array_open(g);
		for (i = 0; i < o->via.array.size; i++)
			gen_object(g, &o->via.array.ptr[i]);
		yajl_gen_array_close(g);
		break;
	case MSGPACK_OBJECT_MAP:
		yajl_gen_map_open(g);
		for (i = 0; i < o->via.map.size; i++) {
			gen_object(g, &o->via.map.ptr[i].key);
			gen_object(g, &o->via.map.ptr[i].val);
		}
		yajl_gen_map_close(g);
		break;
	default:
		yajl_gen_null(g);
		break;
	}
}

static void
print_json(FILE *fp, const unsigned char *buf, size_t len)
{
	fwrite(buf, 1, len, fp);
}

static int
track_file(struct tracker *tr, const char *path, uint32_t source,
    unsigned long *frames, unsigned long *errors)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct packet p;
	pcap_t *pc;
	int r, dlt;

	if ((pc = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "tracker_dump: %s: %s\n", path, err);
		return -1;
	}
	dlt = pcap_datalink(pc);
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		memset(&p, 0, sizeof(p));
		p.source = source;
		p.ts_sec = (uint64_t)h->ts.tv_sec;
		p.ts_usec = (uint64_t)h->ts.tv_usec;
		p.dlt = (uint32_t)dlt;
		p.data = data;
		p.caplen = h->caplen;
		p.len = h->len;
		(*frames)++;
		if (decode_packet(&p) != 0)
			(*errors)++;
		tracker_update(tr, &p);
	}
	/* A cut-short last record is an error libpcap reports; what was
	 * read before it stands. */
	if (r == -1)
		fprintf(stderr, "tracker_dump: %s: %s (after %lu frames)\n",
		    path, pcap_geterr(pc), *frames);
	pcap_close(pc);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tracker_config cfg;
	struct tracker_stats st;
	struct tracker *tr;
	struct oui_db *oui = NULL;
	const struct device *d;
	const char *ouifile = NULL;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	yajl_gen g;
	unsigned long frames = 0, errors = 0;
	size_t off;
	int ch, i, r;

	tracker_config_default(&cfg);
	cfg.packet_clock = true;
	while ((ch = getopt(argc, argv, "m:o:")) != -1) {
		switch (ch) {
		case 'm':
			cfg.max_devices = strtoul(optarg, NULL, 10);
			break;
		case 'o':
			ouifile = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		goto usage;
	if ((r = oui_db_open(ouifile, NULL, &oui)) != 0)
		fprintf(stderr, "tracker_dump: OUI registry: %s\n",
		    strerror(-r));
	cfg.oui = oui;
	tr = tracker_new(&cfg);
	for (i = 0; i < argc; i++)
		if (track_file(tr, argv[i], (uint32_t)i, &frames, &errors) != 0)
			return 1;

	g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	yajl_gen_config(g, yajl_gen_print_callback, print_json, stdout);
	yajl_gen_array_open(g);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_unpacked_init(&up);
	for (d = tracker_first(tr); d != NULL; d = tracker_next(d)) {
		msgpack_sbuffer_clear(&sb);
		devrec_pack(&pk, tr, d, NULL);
		off = 0;
		if (msgpack_unpack_next(&up, sb.data, sb.size, &off) !=
		    MSGPACK_UNPACK_SUCCESS || off != sb.size) {
			fprintf(stderr, "tracker_dump: bad record\n");
			return 1;
		}
		gen_object(g, &up.data);
	}
	yajl_gen_array_close(g);
	fputc('\n', stdout);
	yajl_gen_free(g);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
	tracker_stats(tr, &st);
	fprintf(stderr, "tracker_dump: %lu frames, %lu not decoded, "
	    "%zu devices\n", frames, errors, st.devices);
	tracker_free(tr);
	oui_db_free(oui);
	return 0;
usage:
	fprintf(stderr, "usage: tracker_dump [-o ouifile] [-m max_devices] "
	    "capture...\n");
	return 2;
}
