/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_gen, the project's 802.11 capture generator
 *
 * Simulates a busy site (access points, clients, their traffic) and
 * writes what a monitor-mode sensor would have captured, as pcapng or
 * pcap with radiotap or bare 802.11 headers.  The same options and seed
 * give the same bytes.  --summary writes, as JSON, what was written: the
 * frame counts by kind and the networks, so that tests can check a
 * decoder against it.  --frames-dir writes the first frame of each kind
 * to its own file, as fuzzing seeds.
 *
 * The summary is one JSON object: generator, seed, format, dlt, aps,
 * clients, frames, bytes, first_us/last_us (capture timestamps),
 * "counts" (mgmt, ctrl, data, each subtype by name such as beacon,
 * probe_req, qos_data, ack, block_ack; protected, retries, eap,
 * eapol_key and eapol_m1..eapol_m4), "probe_ssids_hex" (every SSID a
 * written probe request asked for by name), and "access_points" (bssid,
 * ssid, ssid_hex, beacon_ssid_hex as the beacons carry it, hidden: no,
 * empty or nuls, channel, freq, width, security, wps, vendor, beacons
 * written).  Counts are of frames written, after the sensor's losses.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osprey_config.h"
#include "gen_attack.h"
#include "gen_ie.h"
#include "gen_out.h"
#include "gen_rand.h"
#include "gen_sim.h"
#include "gen_world.h"

#define DLT_IEEE802_11		105
#define DLT_RADIOTAP		127
/* 2023-11-14 22:13:20 UTC: a fixed start, so that output is repeatable. */
#define DEFAULT_EPOCH		1700000000ULL

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: osprey_gen [--aps N] [--clients N] [--frames N | --seconds S]\n"
"                  [--seed N] [--format pcapng|pcap] [--dlt radiotap|80211]\n"
"                  [--channels 1,6,11,36,...] [--hop MS] [--start EPOCH]\n"
"                  [--hello MS [--passers-by N]]\n"
"                  [--summary FILE] [-v] (-o FILE | --frames-dir DIR)\n"
"       osprey_gen --attack NAME [--seconds S] [--seed N] [--start EPOCH]\n"
"                  [--format pcapng|pcap] -o FILE   (--attack list: names)\n"
"Simulates access points and clients and writes the 802.11 frames a\n"
"sensor would capture.  Defaults: 30 APs, 60 clients, 60 seconds, seed 1,\n"
"pcapng, radiotap, and a sensor that hears every channel at once; --hop\n"
"makes it one radio that hops over the channels, MS milliseconds on each.\n"
"--hello makes every client send a probe request in the first MS\n"
"milliseconds, which the sensor hears: every client is a device;\n"
"--passers-by makes the last N clients send that probe and nothing else.\n"
"--attack writes a small site under that attack instead (doc/alerts.md).\n");
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

static void
json_str(FILE *fp, const uint8_t *p, size_t n)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(fp, "\\%c", p[i]);
		else if (p[i] < 0x20)
			fprintf(fp, "\\u%04x", p[i]);
		else
			fputc(p[i], fp);
	}
	fputc('"', fp);
}

static void
json_hex(FILE *fp, const uint8_t *p, size_t n)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "%02x", p[i]);
	fputc('"', fp);
}

static void
json_mac(FILE *fp, const uint8_t *m)
{
	fprintf(fp, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

struct count_name {
	const char	*name;
	int		 type, subtype;
};

static const struct count_name counts[] = {
	{ "assoc_req", 0, 0 }, { "assoc_resp", 0, 1 }, { "probe_req", 0, 4 },
	{ "probe_resp", 0, 5 }, { "beacon", 0, 8 }, { "disassoc", 0, 10 },
	{ "auth", 0, 11 }, { "deauth", 0, 12 }, { "action", 0, 13 },
	{ "block_ack_req", 1, 8 }, { "block_ack", 1, 9 }, { "rts", 1, 11 },
	{ "cts", 1, 12 }, { "ack", 1, 13 }, { "data_plain", 2, 0 },
	{ "null", 2, 4 }, { "qos_data", 2, 8 }, { "qos_null", 2, 12 },
};

/* The SSID bytes a beacon of ap carries, as the summary reports them. */
static void
beacon_ssid(const struct gen_ap *ap, uint8_t *buf, size_t *len)
{
	if (ap->hidden == GEN_SSID_EMPTY)
		*len = 0;
	else if (ap->hidden == GEN_SSID_NULS) {
		memset(buf, 0, ap->ssid_len);
		*len = ap->ssid_len;
	} else {
		memcpy(buf, ap->ssid, ap->ssid_len);
		*len = ap->ssid_len;
	}
}

static int
write_summary(const char *path, const struct gen_world *w,
    const struct gen_stats *st, uint64_t seed, const char *format, int dlt)
{
	FILE *fp;
	uint64_t type_tot[4] = { 0 };
	uint8_t ssid[32];
	size_t i, n, k;
	int t, sub;
	const char *sep = "";

	if ((fp = fopen(path, "w")) == NULL)
		return -errno;
	for (t = 0; t < 4; t++)
		for (sub = 0; sub < 16; sub++)
			type_tot[t] += st->by_type[t][sub];
	fprintf(fp, "{\n\"generator\": \"osprey_gen %s\",\n", OSPREY_VERSION);
	fprintf(fp, "\"seed\": %llu,\n\"format\": \"%s\",\n\"dlt\": %d,\n",
	    (unsigned long long)seed, format, dlt);
	fprintf(fp, "\"aps\": %zu,\n\"clients\": %zu,\n", w->n_aps,
	    w->n_clients);
	fprintf(fp, "\"frames\": %llu,\n\"bytes\": %llu,\n",
	    (unsigned long long)st->frames, (unsigned long long)st->bytes);
	fprintf(fp, "\"first_us\": %llu,\n\"last_us\": %llu,\n",
	    (unsigned long long)st->first_us,
	    (unsigned long long)st->last_us);
	fprintf(fp, "\"counts\": {\n");
	fprintf(fp, "  \"mgmt\": %llu, \"ctrl\": %llu, \"data\": %llu,\n",
	    (unsigned long long)type_tot[0], (unsigned long long)type_tot[1],
	    (unsigned long long)type_tot[2]);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		fprintf(fp, "  \"%s\": %llu,\n", counts[i].name,
		    (unsigned long long)st->by_type[counts[i].type]
		    [counts[i].subtype]);
	fprintf(fp, "  \"protected\": %llu, \"retries\": %llu, "
	    "\"eap\": %llu,\n", (unsigned long long)st->protected_,
	    (unsigned long long)st->retries, (unsigned long long)st->eap);
	fprintf(fp, "  \"eapol_key\": %llu, \"eapol_m1\": %llu, "
	    "\"eapol_m2\": %llu, \"eapol_m3\": %llu, \"eapol_m4\": %llu\n},\n",
	    (unsigned long long)(st->eapol_key[1] + st->eapol_key[2] +
	    st->eapol_key[3] + st->eapol_key[4]),
	    (unsigned long long)st->eapol_key[1],
	    (unsigned long long)st->eapol_key[2],
	    (unsigned long long)st->eapol_key[3],
	    (unsigned long long)st->eapol_key[4]);

	/* Directed probes: the SSIDs clients asked for by name. */
	fprintf(fp, "\"probe_ssids_hex\": [");
	for (i = 0; i < gen_world_n_fake(); i++) {
		const char *f = gen_world_fake(i);

		if (!w->fake_probed[i])
			continue;
		fputs(sep, fp);
		json_hex(fp, (const uint8_t *)f, strlen(f));
		sep = ", ";
	}
	for (i = 0; i < w->n_aps; i++) {
		/* One entry per distinct SSID. */
		if (!w->ap_probed[i])
			continue;
		for (k = 0; k < i; k++)
			if (w->ap_probed[k] &&
			    w->aps[k].ssid_len == w->aps[i].ssid_len &&
			    memcmp(w->aps[k].ssid, w->aps[i].ssid,
			    w->aps[i].ssid_len) == 0)
				break;
		if (k < i)
			continue;
		fputs(sep, fp);
		json_hex(fp, w->aps[i].ssid, w->aps[i].ssid_len);
		sep = ", ";
	}
	fprintf(fp, "],\n\"access_points\": [\n");
	for (i = 0; i < w->n_aps; i++) {
		const struct gen_ap *ap = &w->aps[i];

		fprintf(fp, "  {\"bssid\": ");
		json_mac(fp, ap->bssid);
		fprintf(fp, ", \"ssid\": ");
		json_str(fp, ap->ssid, ap->ssid_len);
		fprintf(fp, ", \"ssid_hex\": ");
		json_hex(fp, ap->ssid, ap->ssid_len);
		beacon_ssid(ap, ssid, &n);
		fprintf(fp, ", \"beacon_ssid_hex\": ");
		json_hex(fp, ssid, n);
		fprintf(fp, ", \"hidden\": \"%s\", \"channel\": %u, "
		    "\"freq\": %u, \"width\": %u, \"security\": \"%s\", "
		    "\"wps\": %s, \"vendor\": ", ap->hidden == GEN_SSID_SHOWN ?
		    "no" : ap->hidden == GEN_SSID_EMPTY ? "empty" : "nuls",
		    ap->channel, ap->freq, ap->bw, gen_sec_name(ap->sec),
		    ap->wps ? "true" : "false");
		json_str(fp, (const uint8_t *)ap->vendor->name,
		    strlen(ap->vendor->name));
		fprintf(fp, ", \"beacons\": %llu}%s\n",
		    (unsigned long long)ap->beacons,
		    i + 1 < w->n_aps ? "," : "");
	}
	fprintf(fp, "]\n}\n");
	if (fclose(fp) != 0)
		return -errno;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "aps", required_argument, NULL, 'a' },
		{ "clients", required_argument, NULL, 'c' },
		{ "frames", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'f' },
		{ "dlt", required_argument, NULL, 'd' },
		{ "channels", required_argument, NULL, 'C' },
		{ "start", required_argument, NULL, 'T' },
		{ "hop", required_argument, NULL, 'H' },
		{ "hello", required_argument, NULL, 'P' },
		{ "passers-by", required_argument, NULL, 'p' },
		{ "summary", required_argument, NULL, 'j' },
		{ "frames-dir", required_argument, NULL, 'D' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "attack", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen_world w;
	struct gen_rand rnd;
	struct gen_sim_opts so;
	struct gen_stats st;
	struct gen_out *out;
	uint64_t aps = 30, clients = 60, frames = 0, seconds = 0, seed = 1;
	uint64_t epoch = DEFAULT_EPOCH, hop = 0, hello = 0, passers = 0;
	const char *path = NULL, *dir = NULL, *summary = NULL, *attack = NULL;
	const char *format = "pcapng";
	enum gen_format fmt = GEN_FMT_PCAPNG;
	int dlt = DLT_RADIOTAP, ch, r, verbose = 0;

	memset(&w, 0, sizeof(w));
	while ((ch = getopt_long(argc, argv, "o:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			r = parse_u64(optarg, GEN_MAX_APS, &aps);
			if (r != 0 || aps == 0)
				goto bad;
			break;
		case 'c':
			if (parse_u64(optarg, GEN_MAX_CLIENTS, &clients) != 0)
				goto bad;
			break;
		case 'n':
			if (parse_u64(optarg, UINT32_MAX * 16ULL, &frames) !=
			    0 || frames == 0)
				goto bad;
			break;
		case 's':
			if (parse_u64(optarg, 86400 * 30, &seconds) != 0 ||
			    seconds == 0)
				goto bad;
			break;
		case 'S':
			if (parse_u64(optarg, UINT64_MAX, &seed) != 0)
				goto bad;
			break;
		case 'T':
			if (parse_u64(optarg, 4000000000ULL, &epoch) != 0)
				goto bad;
			break;
		case 'H':
			if (parse_u64(optarg, 60000, &hop) != 0 || hop == 0)
				goto bad;
			break;
		case 'P':
			if (parse_u64(optarg, 3600000, &hello) != 0 ||
			    hello == 0)
				goto bad;
			break;
		case 'p':
			if (parse_u64(optarg, GEN_MAX_CLIENTS, &passers) != 0)
				goto bad;
			break;
		case 'f':
			format = optarg;
			if (strcmp(optarg, "pcapng") == 0)
				fmt = GEN_FMT_PCAPNG;
			else if (strcmp(optarg, "pcap") == 0)
				fmt = GEN_FMT_PCAP;
			else
				goto bad;
			break;
		case 'd':
			if (strcmp(optarg, "radiotap") == 0)
				dlt = DLT_RADIOTAP;
			else if (strcmp(optarg, "80211") == 0)
				dlt = DLT_IEEE802_11;
			else
				goto bad;
			break;
		case 'C':
			if (gen_world_channels(&w, optarg) != 0)
				goto bad;
			break;
		case 'j':
			summary = optarg;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'o':
			path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'A':
			attack = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("osprey_gen %s\n", OSPREY_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (attack != NULL && strcmp(attack, "list") == 0) {
		gen_attack_list(stdout);
		return 0;
	}
	if (optind != argc || (path == NULL) == (dir == NULL) ||
	    (frames && seconds) || passers > clients ||
	    (passers > 0 && hello == 0)) {
		usage(stderr);
		return 2;
	}
	if (frames == 0 && seconds == 0)
		seconds = 60;
	if (attack != NULL) {
		long n;

		if (path == NULL || frames != 0 || dlt != DLT_RADIOTAP) {
			usage(stderr);
			return 2;
		}
		if ((out = gen_out_open(path, fmt, dlt)) == NULL) {
			fprintf(stderr, "osprey_gen: %s: %s\n", path,
			    strerror(errno));
			return 1;
		}
		n = gen_attack(out, attack, seconds, epoch * 1000000, seed);
		r = gen_out_close(out);
		if (n == -ENOENT) {
			fprintf(stderr, "osprey_gen: no attack '%s' (--attack "
			    "list names them)\n", attack);
			return 2;
		}
		if (n < 0 || r != 0) {
			fprintf(stderr, "osprey_gen: %s: %s\n", path,
			    strerror(n < 0 ? (int)-n : -r));
			return 1;
		}
		if (verbose)
			fprintf(stderr, "osprey_gen: %s: %ld frames\n", attack,
			    n);
		return 0;
	}

	gen_rand_seed(&rnd, seed);
	if ((r = gen_world_init(&w, &rnd, (size_t)aps, (size_t)clients)) != 0) {
		fprintf(stderr, "osprey_gen: world: %s\n", strerror(-r));
		return 1;
	}
	if (dir != NULL)
		fmt = GEN_FMT_DIR;
	if ((out = gen_out_open(dir ? dir : path, fmt, dlt)) == NULL) {
		fprintf(stderr, "osprey_gen: %s: %s\n", dir ? dir : path,
		    strerror(errno));
		gen_world_free(&w);
		return 1;
	}
	memset(&so, 0, sizeof(so));
	so.max_frames = frames;
	so.duration_us = seconds * 1000000;
	so.epoch_us = epoch * 1000000;
	so.hop_us = hop * 1000;
	so.hello_us = hello * 1000;
	so.passers = passers;
	so.radiotap = dlt == DLT_RADIOTAP;
	so.frames_dir = dir != NULL;
	r = gen_sim_run(&w, &rnd, &so, out, &st);
	if (r == 0)
		r = gen_out_close(out);
	else
		(void)gen_out_close(out);
	if (r != 0) {
		fprintf(stderr, "osprey_gen: %s: %s\n", dir ? dir : path,
		    strerror(-r));
		gen_world_free(&w);
		return 1;
	}
	if (summary != NULL &&
	    (r = write_summary(summary, &w, &st, seed, dir ? "dir" : format,
	    dlt)) != 0) {
		fprintf(stderr, "osprey_gen: %s: %s\n", summary, strerror(-r));
		gen_world_free(&w);
		return 1;
	}
	if (verbose)
		fprintf(stderr, "osprey_gen: %llu frames, %llu bytes, "
		    "%.1f s of traffic\n", (unsigned long long)st.frames,
		    (unsigned long long)st.bytes,
		    (double)(st.last_us - st.first_us) / 1e6);
	gen_world_free(&w);
	return 0;
bad:
	for (r = 0; longopts[r].name != NULL && longopts[r].val != ch; r++)
		;
	fprintf(stderr, "osprey_gen: bad value for --%s: %s\n",
	    longopts[r].name != NULL ? longopts[r].name : "?", optarg);
	usage(stderr);
	gen_world_free(&w);
	return 2;
}
