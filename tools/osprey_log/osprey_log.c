/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_log: kismetdb files to pcapng, WiGLE CSV and device
 * JSON, and their summary
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kismetdb.h"
#include "olog_json.h"
#include "olog_pcap.h"
#include "olog_wigle.h"
#include "osprey_config.h"
#include "osprey_log.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: osprey_log summary FILE\n"
	    "       osprey_log pcapng [-f] [--datasource UUID] [--dlt N]\n"
	    "                  [--from TIME] [--to TIME] [--device KEY]\n"
	    "                  [--limit N] FILE OUT\n"
	    "       osprey_log wiglecsv [-f] [--rate-limit SECONDS] FILE OUT\n"
	    "       osprey_log devices [-f] [--ekjson] FILE OUT\n"
	    "       osprey_log --version | --help\n"
	    "FILE is a kismetdb log (osprey's or Kismet's); OUT is created "
	    "(-f: replaced),\nor '-' for standard output.  TIME is epoch "
	    "seconds.\n");
}

void
olog_err(const char *fmt, ...)
{
	va_list ap;

	fputs("osprey_log: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool
olog_write(struct olog_out *out, const void *p, size_t len)
{
	if (len > 0 && fwrite(p, 1, len, out->fp) != len) {
		olog_err("%s: %s", out->name, strerror(errno));
		return false;
	}
	return true;
}

/* The output: created new (or replaced with force), or stdout. */
static int
open_out(const char *path, bool force, struct olog_out *out)
{
	int fd;

	out->name = path;
	if (strcmp(path, "-") == 0) {
		out->fp = stdout;
		out->name = "standard output";
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
	    (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		olog_err("%s: %s%s", path, strerror(errno), errno == EEXIST ?
		    " (-f replaces it)" : "");
		return -1;
	}
	if ((out->fp = fdopen(fd, "w")) == NULL) {
		olog_err("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

static int
close_out(struct olog_out *out)
{
	if (fflush(out->fp) != 0 || ferror(out->fp)) {
		olog_err("%s: %s", out->name, strerror(errno));
		if (out->fp != stdout)
			fclose(out->fp);
		return -1;
	}
	if (out->fp != stdout && fclose(out->fp) != 0) {
		olog_err("%s: %s", out->name, strerror(errno));
		return -1;
	}
	return 0;
}

static struct kismetdb *
open_in(const char *path)
{
	struct kismetdb *db;
	char err[KISMETDB_ERR_MAX + 4096];

	if (kismetdb_open_read(path, &db, err, sizeof(err)) < 0) {
		olog_err("%s", err);
		return NULL;
	}
	return db;
}

static const char *
utc(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

struct summary_ctx {
	struct kismetdb	*db;
	char		 last[64];
};

static void
summary_count_cb(const char *uuid, uint32_t dlt, uint64_t n, void *arg)
{
	struct summary_ctx *c = arg;

	if (strcmp(c->last, uuid) != 0) {
		printf("  %s\n", uuid);
		snprintf(c->last, sizeof(c->last), "%s", uuid);
	}
	printf("      link type %u: %llu packets\n", dlt,
	    (unsigned long long)n);
}

static int
cmd_summary(int argc, char **argv)
{
	struct kismetdb *db;
	struct kismetdb_summary s;
	struct kismetdb_iter *it;
	struct kismetdb_source src;
	struct summary_ctx c;
	char a[64], b[64];

	if (argc != 2) {
		usage(stderr);
		return 1;
	}
	if ((db = open_in(argv[1])) == NULL)
		return 1;
	if (kismetdb_summary(db, &s) < 0) {
		olog_err("%s: %s", argv[1], kismetdb_errmsg(db));
		kismetdb_close(db);
		return 1;
	}
	printf("file:         %s\n", argv[1]);
	printf("written by:   %s\n", s.creator);
	printf("db_version:   %d\n", s.db_version);
	printf("packets:      %llu (%llu with a location), %s to %s\n",
	    (unsigned long long)s.rows[KISMETDB_PACKETS],
	    (unsigned long long)s.packets_with_location,
	    utc(s.first_packet, a, sizeof(a)), utc(s.last_packet, b,
	    sizeof(b)));
	printf("devices:      %llu, seen %s to %s\n",
	    (unsigned long long)s.rows[KISMETDB_DEVICES],
	    utc(s.first_device, a, sizeof(a)), utc(s.last_device, b,
	    sizeof(b)));
	printf("datasources:  %llu\n",
	    (unsigned long long)s.rows[KISMETDB_DATASOURCES]);
	if (kismetdb_iter_sources(db, &it) == 0) {
		while (kismetdb_next_source(it, &src) == 1)
			printf("  %s  %s (%s) %s\n", src.uuid, src.name,
			    src.typestring, src.interface);
		kismetdb_iter_free(it);
	}
	printf("packets by datasource and link type:\n");
	memset(&c, 0, sizeof(c));
	c.db = db;
	(void)kismetdb_packet_counts(db, summary_count_cb, &c);
	printf("data:         %llu\n",
	    (unsigned long long)s.rows[KISMETDB_DATA]);
	printf("alerts:       %llu\n",
	    (unsigned long long)s.rows[KISMETDB_ALERTS]);
	printf("messages:     %llu\n",
	    (unsigned long long)s.rows[KISMETDB_MESSAGES]);
	printf("snapshots:    %llu\n",
	    (unsigned long long)s.rows[KISMETDB_SNAPSHOTS]);
	kismetdb_close(db);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
number(const char *opt, const char *s, double *ret)
{
	char *end;

	errno = 0;
	*ret = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(*ret)) {
		olog_err("%s: '%s' is not a number", opt, s);
		return -1;
	}
	return 0;
}

enum {
	OPT_DATASOURCE = 256, OPT_DLT, OPT_FROM, OPT_TO, OPT_DEVICE, OPT_LIMIT,
	OPT_RATE, OPT_EKJSON,
};

static const struct option cmd_opts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "datasource", required_argument, NULL, OPT_DATASOURCE },
	{ "dlt", required_argument, NULL, OPT_DLT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "rate-limit", required_argument, NULL, OPT_RATE },
	{ "ekjson", no_argument, NULL, OPT_EKJSON },
	{ NULL, 0, NULL, 0 },
};

/* pcapng, wiglecsv and devices: options, FILE, OUT. */
static int
cmd_convert(const char *cmd, int argc, char **argv)
{
	struct kismetdb_filter f;
	struct kismetdb *db;
	struct olog_out out;
	uint64_t n = 0, m = 0;
	double d, rate = 1;
	bool force = false, ekjson = false, pcap, wigle;
	int ch, r;

	pcap = strcmp(cmd, "pcapng") == 0;
	wigle = strcmp(cmd, "wiglecsv") == 0;
	memset(&f, 0, sizeof(f));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f", cmd_opts, NULL)) != -1) {
		if ((ch >= OPT_DATASOURCE && ch <= OPT_LIMIT && !pcap) ||
		    (ch == OPT_RATE && !wigle) ||
		    (ch == OPT_EKJSON && (pcap || wigle))) {
			olog_err("%s: option %s does not apply", cmd,
			    argv[optind - 1]);
			return 1;
		}
		switch (ch) {
		case 'f':
			force = true;
			break;
		case OPT_DATASOURCE:
			f.datasource = optarg;
			break;
		case OPT_DEVICE:
			f.device_id = optarg;
			break;
		case OPT_DLT:
			if (number("--dlt", optarg, &d) < 0)
				return 1;
			f.has_dlt = true;
			f.dlt = (uint32_t)d;
			break;
		case OPT_FROM:
			if (number("--from", optarg, &f.ts_start) < 0)
				return 1;
			f.has_ts_start = true;
			break;
		case OPT_TO:
			if (number("--to", optarg, &f.ts_end) < 0)
				return 1;
			f.has_ts_end = true;
			break;
		case OPT_LIMIT:
			if (number("--limit", optarg, &d) < 0)
				return 1;
			f.limit = d < 1 ? 1 : (uint64_t)d;
			break;
		case OPT_RATE:
			if (number("--rate-limit", optarg, &rate) < 0)
				return 1;
			break;
		case OPT_EKJSON:
			ekjson = true;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 1;
	}
	if ((db = open_in(argv[optind])) == NULL)
		return 1;
	if (open_out(argv[optind + 1], force, &out) < 0) {
		kismetdb_close(db);
		return 1;
	}
	if (pcap)
		r = olog_pcap(db, &f, &out, &n, &m);
	else if (wigle)
		r = olog_wigle(db, rate < 0 ? 0 : (unsigned)rate, &out, &n);
	else
		r = olog_devices(db, ekjson, &out, &n, &m);
	if (close_out(&out) < 0)
		r = -1;
	kismetdb_close(db);
	if (r < 0) {
		if (out.fp != stdout)
			(void)unlink(argv[optind + 1]);
		return 1;
	}
	if (pcap)
		fprintf(stderr, "osprey_log: %llu packets written%s\n",
		    (unsigned long long)n, m > 0 ? " (some skipped: pcapng "
		    "cannot hold them)" : "");
	else if (wigle)
		fprintf(stderr, "osprey_log: %llu rows written%s\n",
		    (unsigned long long)n, n == 0 ? "; the log has no located "
		    "packets of access points (was a GPS connected?)" : "");
	else
		fprintf(stderr, "osprey_log: %llu devices written\n",
		    (unsigned long long)n);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("osprey_log %s\n", OSPREY_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	(void)kismetdb_init();
	if (strcmp(argv[1], "summary") == 0)
		return cmd_summary(argc - 1, argv + 1);
	if (strcmp(argv[1], "pcapng") == 0 ||
	    strcmp(argv[1], "wiglecsv") == 0 ||
	    strcmp(argv[1], "devices") == 0)
		return cmd_convert(argv[1], argc - 1, argv + 1);
	olog_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return 1;
}
