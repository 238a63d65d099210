/* SPDX-License-Identifier: ISC */
/*
 * \summary: the per-run pcapng packet log
 *
 * One file per run, named from log_template (doc/core.md).  The file
 * starts with a section header; each (source, link type) pair gets its
 * own interface block the first time it logs a packet, named after the
 * source, so the original link type and radio header of every frame are
 * kept.  Packets are appended to a buffer that is written out once per
 * event loop pass (a batch) or when it fills, so that a reader such as
 * tshark sees the file grow and a crash loses at most the last pass.
 * A write error (a full disk, a file size limit) is reported once with
 * its errno and stops the log; the file is cut back to its last whole
 * block, so it stays readable, and the packet count is what it holds.
 * Capture goes on.
 */
#ifndef DAEMON_PCAPLOG_H
#define DAEMON_PCAPLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PCAPLOG_BUF_SIZE	(1024 * 1024)

struct event_base;
struct packet;
struct pcaplog;

/* What the template's % escapes stand for. */
struct pcaplog_names {
	const char	*prefix;	/* %p log_prefix */
	const char	*title;		/* %n log_title */
	const char	*type;		/* %l log type, "pcapng" */
	const char	*home;		/* %h the home directory */
	time_t		 when;		/* %D date and %t time, local */
};

/*
 * Expand template into ret (retlen bytes): %p prefix, %n title, %D date
 * YYYYMMDD, %t time HH-MM-SS, %i the increment i, %l log type, %h home,
 * %% a percent sign.  Returns 0, or -EINVAL with the reason in err for an
 * unknown escape, -ENAMETOOLONG when the name does not fit.
 */
int	pcaplog_expand(const char *tmpl, const struct pcaplog_names *,
	    unsigned i, char *ret, size_t retlen, char *err, size_t errlen);

/*
 * Create the log: the first name from the template, for increments 1,
 * 2, ..., that does not exist yet (created with O_EXCL, mode 0640), with
 * its section header written.  Writes the name chosen into ret_path.
 * Returns the log, or NULL with a reason in err.
 */
struct pcaplog	*pcaplog_open(struct event_base *, const char *tmpl,
		    const struct pcaplog_names *, char *ret_path,
		    size_t pathlen, char *err, size_t errlen);

/*
 * Append p under the interface block of (source id, p->dlt), writing the
 * block first when new (if_name name, if_description uuid).  Returns 0,
 * -EINVAL for a packet the format cannot hold, or -EIO once the log has
 * failed.
 */
int		 pcaplog_write(struct pcaplog *, const struct packet *p,
		    const char *name, const char *uuid);

/* Write out what is buffered now; 0 or -EIO. */
int		 pcaplog_flush(struct pcaplog *);

/* Flush, close and free; NULL is a no-op. */
void		 pcaplog_close(struct pcaplog *);

/*
 * Packets logged (in the file, and buffered for the next flush; after a
 * failure exactly those in the file), interface blocks written, whether
 * the log failed and the errno that stopped it (0 while it works).
 */
uint64_t	 pcaplog_packets(const struct pcaplog *);
unsigned	 pcaplog_interfaces(const struct pcaplog *);
bool		 pcaplog_failed(const struct pcaplog *);
int		 pcaplog_error(const struct pcaplog *);

#endif
