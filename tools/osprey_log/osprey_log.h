/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_log, the kismetdb reader: its context and commands
 *
 * osprey_log turns a kismetdb file (osprey's or Kismet's) into pcapng,
 * WiGLE CSV or device JSON, or summarises it (doc/kismetdb.md).  The
 * file is opened read-only through daemon/log/kismetdb.h, which refuses
 * a file of another program with its reason.  Each command writes to one
 * output (a file it creates, or standard output for "-") and returns
 * 0, or 1 after saying why on standard error.
 */
#ifndef TOOLS_OSPREY_LOG_H
#define TOOLS_OSPREY_LOG_H

#include <stdbool.h>
#include <stdio.h>

struct kismetdb;

/* Where a command writes. */
struct olog_out {
	FILE		*fp;
	const char	*name;		/* for messages */
};

/* An error line on standard error, "osprey_log: ...". */
void	olog_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write len bytes; false (after an error line) when the write failed. */
bool	olog_write(struct olog_out *, const void *p, size_t len);

#endif
