/* SPDX-License-Identifier: ISC */
/*
 * \summary: capture helper command line (osprey_cap_pcapfile(1))
 *
 *   osprey_cap_X --in-fd=N --out-fd=M            launched by the core
 *   osprey_cap_X --connect HOST:PORT --source=DEF  remote sensor
 *   plus --disable-retry, --daemonize, --list, --fixed-gps LAT,LON[,ALT],
 *   --tcp (accepted: TCP is the only transport), --version, --help.
 */
#ifndef DATASOURCES_CMDLINE_H
#define DATASOURCES_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CMDLINE_DEFAULT_PORT	"3501"

enum cmdline_action {
	CMDLINE_RUN = 0,
	CMDLINE_LIST,
	CMDLINE_VERSION,
	CMDLINE_HELP,
};

struct cmdline {
	enum cmdline_action	 action;
	int			 in_fd, out_fd;		/* -1 when remote */
	bool			 remote;
	char			 host[256];
	char			 port[8];
	const char		*source;		/* points into argv */
	bool			 disable_retry;
	bool			 daemonize;
	bool			 has_gps;
	double			 gps_lat, gps_lon, gps_alt;
	bool			 gps_has_alt;
	int			 verbose;		/* --debug count */
};

/*
 * Parse argv into *ret.  Returns 0, or -EINVAL with a one-line reason in
 * err for an unknown option, a missing or malformed value, or options
 * that do not go together (--connect without --source, neither
 * --connect nor --in-fd/--out-fd, ...).  Uses getopt_long, so it is not
 * reentrant; it resets optind first.
 */
int	cmdline_parse(int argc, char **argv, struct cmdline *ret, char *err,
	    size_t errlen);

/* Print the usage text for prog, with the driver's one-line help. */
void	cmdline_usage(FILE *fp, const char *prog, const char *source_help);

#endif
