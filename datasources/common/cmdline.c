/* SPDX-License-Identifier: ISC */
/* \summary: capture helper command line (osprey_cap_pcapfile(1)) */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

enum {
	OPT_IN_FD = 256,
	OPT_OUT_FD,
	OPT_CONNECT,
	OPT_SOURCE,
	OPT_DISABLE_RETRY,
	OPT_DAEMONIZE,
	OPT_LIST,
	OPT_FIXED_GPS,
	OPT_TCP,
	OPT_VERSION,
	OPT_HELP,
	OPT_DEBUG,
};

static const struct option cmdline_options[] = {
	{ "in-fd",		required_argument,	NULL, OPT_IN_FD },
	{ "out-fd",		required_argument,	NULL, OPT_OUT_FD },
	{ "connect",		required_argument,	NULL, OPT_CONNECT },
	{ "source",		required_argument,	NULL, OPT_SOURCE },
	{ "disable-retry",	no_argument,		NULL,
	    OPT_DISABLE_RETRY },
	{ "daemonize",		no_argument,		NULL, OPT_DAEMONIZE },
	{ "list",		no_argument,		NULL, OPT_LIST },
	{ "fixed-gps",		required_argument,	NULL, OPT_FIXED_GPS },
	{ "tcp",		no_argument,		NULL, OPT_TCP },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "help",		no_argument,		NULL, OPT_HELP },
	{ "debug",		no_argument,		NULL, OPT_DEBUG },
	{ NULL, 0, NULL, 0 }
};

void
cmdline_usage(FILE *fp, const char *prog, const char *source_help)
{
	fprintf(fp,
	    "usage: %s --in-fd=N --out-fd=M\n"
	    "       %s --connect HOST:PORT --source=DEFINITION "
	    "[--disable-retry] [--daemonize]\n"
	    "       %s --list | --version | --help\n"
	    "\n"
	    "  --in-fd=N, --out-fd=M   descriptors from the osprey core "
	    "(may be the same)\n"
	    "  --connect HOST:PORT     feed a remote osprey server "
	    "(port %s if omitted)\n"
	    "  --source=DEFINITION     the source to announce with --connect\n"
	    "  --disable-retry         exit when the connection is lost "
	    "instead of\n"
	    "                          reconnecting every few seconds\n"
	    "  --daemonize             detach (with --connect)\n"
	    "  --list                  print the interfaces this helper "
	    "can open\n"
	    "  --fixed-gps LAT,LON[,ALT]  tag every packet with this "
	    "location\n"
	    "  --tcp                   accepted; TCP is the only transport\n"
	    "  --debug                 log at debug level\n"
	    "\n"
	    "Sources: %s\n",
	    prog, prog, prog, CMDLINE_DEFAULT_PORT, source_help);
}

static int
parse_fd(const char *s, int *ret)
{
	long v;
	char *end;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > INT_MAX)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

/* "host:port", "host", "[v6addr]:port" or "[v6addr]". */
static int
parse_connect(const char *s, struct cmdline *c)
{
	const char *host = s, *port = NULL, *close;
	size_t hlen;
	long v;
	char *end;

	if (*s == '[') {
		if ((close = strchr(s, ']')) == NULL)
			return -EINVAL;
		host = s + 1;
		hlen = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return -EINVAL;
	} else {
		port = strrchr(s, ':');
		if (port != NULL && strchr(s, ':') != port)
			return -EINVAL;	/* bare IPv6 needs brackets */
		hlen = port != NULL ? (size_t)(port - s) : strlen(s);
		if (port != NULL)
			port++;
	}
	if (hlen == 0 || hlen >= sizeof(c->host))
		return -EINVAL;
	memcpy(c->host, host, hlen);
	c->host[hlen] = '\0';
	if (port == NULL) {
		memcpy(c->port, CMDLINE_DEFAULT_PORT,
		    sizeof(CMDLINE_DEFAULT_PORT));
		return 0;
	}
	errno = 0;
	v = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || errno != 0 || v < 1 ||
	    v > 65535)
		return -EINVAL;
	snprintf(c->port, sizeof(c->port), "%ld", v);
	return 0;
}

static int
parse_double(const char *s, const char **ret_end, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v))
		return -EINVAL;
	*ret_end = end;
	*ret = v;
	return 0;
}

static int
parse_gps(const char *s, struct cmdline *c)
{
	const char *p;

	if (parse_double(s, &p, &c->gps_lat) < 0 || *p != ',' ||
	    parse_double(p + 1, &p, &c->gps_lon) < 0)
		return -EINVAL;
	if (*p == ',') {
		if (parse_double(p + 1, &p, &c->gps_alt) < 0)
			return -EINVAL;
		c->gps_has_alt = true;
	}
	if (*p != '\0' || c->gps_lat < -90 || c->gps_lat > 90 ||
	    c->gps_lon < -180 || c->gps_lon > 180)
		return -EINVAL;
	c->has_gps = true;
	return 0;
}

/* The options given, checked against each other. */
static int
cmdline_check(struct cmdline *c, bool any_fd, char *err, size_t errlen)
{
	if (c->action != CMDLINE_RUN)
		return 0;
	if (c->remote && any_fd) {
		snprintf(err, errlen,
		    "--connect and --in-fd/--out-fd exclude each other");
		return -EINVAL;
	}
	if (c->remote && c->source == NULL) {
		snprintf(err, errlen, "--connect needs --source=DEFINITION");
		return -EINVAL;
	}
	if (!c->remote && c->source != NULL) {
		snprintf(err, errlen, "--source needs --connect HOST:PORT");
		return -EINVAL;
	}
	if (!c->remote && c->daemonize) {
		snprintf(err, errlen, "--daemonize needs --connect HOST:PORT");
		return -EINVAL;
	}
	if (!c->remote && (c->in_fd < 0 || c->out_fd < 0)) {
		snprintf(err, errlen, any_fd ?
		    "--in-fd and --out-fd go together" :
		    "nothing to do: give --in-fd/--out-fd (from the osprey "
		    "core) or --connect HOST:PORT --source=DEFINITION");
		return -EINVAL;
	}
	return 0;
}

int
cmdline_parse(int argc, char **argv, struct cmdline *ret, char *err,
    size_t errlen)
{
	struct cmdline c;
	bool any_fd = false;
	int ch, last;

	memset(&c, 0, sizeof(c));
	c.in_fd = c.out_fd = -1;
	optind = 1;
	opterr = 0;	/* one line of our own instead of getopt's */
	for (;;) {
		last = optind;
		if ((ch = getopt_long(argc, argv, "+", cmdline_options,
		    NULL)) == -1)
			break;
		switch (ch) {
		case OPT_IN_FD:
		case OPT_OUT_FD:
			any_fd = true;
			if (parse_fd(optarg, ch == OPT_IN_FD ? &c.in_fd :
			    &c.out_fd) < 0) {
				snprintf(err, errlen, "%s: '%s' is not a file "
				    "descriptor number", ch == OPT_IN_FD ?
				    "--in-fd" : "--out-fd", optarg);
				return -EINVAL;
			}
			break;
		case OPT_CONNECT:
			if (parse_connect(optarg, &c) < 0) {
				snprintf(err, errlen, "--connect: '%s' is not "
				    "HOST:PORT", optarg);
				return -EINVAL;
			}
			c.remote = true;
			break;
		case OPT_SOURCE:
			c.source = optarg;
			break;
		case OPT_DISABLE_RETRY:
			c.disable_retry = true;
			break;
		case OPT_DAEMONIZE:
			c.daemonize = true;
			break;
		case OPT_LIST:
			c.action = CMDLINE_LIST;
			break;
		case OPT_FIXED_GPS:
			if (parse_gps(optarg, &c) < 0) {
				snprintf(err, errlen, "--fixed-gps: '%s' is "
				    "not LAT,LON[,ALT] in degrees and metres",
				    optarg);
				return -EINVAL;
			}
			break;
		case OPT_TCP:
			break;
		case OPT_VERSION:
			if (c.action == CMDLINE_RUN)
				c.action = CMDLINE_VERSION;
			break;
		case OPT_HELP:
			c.action = CMDLINE_HELP;
			break;
		case OPT_DEBUG:
			c.verbose++;
			break;
		default:
			/* getopt leaves the offending word at argv[last]. */
			if (last < argc && optopt != 0 && optopt >= OPT_IN_FD)
				snprintf(err, errlen, "option '%s' needs a "
				    "value", argv[last]);
			else
				snprintf(err, errlen, "unknown option '%s'",
				    last < argc ? argv[last] : "?");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (cmdline_check(&c, any_fd, err, errlen) < 0)
		return -EINVAL;
	*ret = c;
	return 0;
}
