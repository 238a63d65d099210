/* SPDX-License-Identifier: ISC */
/*
 * \summary: the driver interface every capture helper fills in
 *
 * A capture helper is the framework (datasources/common: command line,
 * protocol session, fixed queue, hop timer, remote link) plus one driver:
 * a `const struct ds_ops` of callbacks holding only device-specific code.
 * The framework decides when each is called (doc/helpers.md):
 *
 *   probe        KDSPROBESOURCE: could this driver open the definition?
 *   list         KDSLISTINTERFACES and --list: the interfaces it could open
 *   open         KDSOPENSOURCE: acquire the device; fill struct ds_open
 *   (lockdown)   the framework drops privilege here (helper_lockdown)
 *   start        optional: begin capturing, after the lockdown
 *   set_channel  KDSCONFIGURE and every hop of the hop timer
 *   next         one captured frame, when the framework wants one
 *   close        release the device; the process ends soon after
 *
 * Callbacks that answer a request return 0 or a negative errno and, on
 * failure, write a one-line reason into err (the framework sends it to
 * the server as the report's message, so name the interface or file).
 * A driver keeps its state in file-static storage: one source per
 * process.  It never parses 802.11 and never allocates per packet.
 */
#ifndef DATASOURCES_DS_OPS_H
#define DATASOURCES_DS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox.h"

struct ds_chanctl;
struct helper;
struct srcdef;

#define DS_NAME_LEN		64

/*
 * One captured frame, as next() hands it over.  data stays valid until the
 * next call to next() or close(): the framework may hold the frame while
 * it paces a file source or waits for queue room.
 */
struct ds_packet {
	uint64_t	 ts_sec;
	uint64_t	 ts_usec;
	uint32_t	 dlt;		/* pcap link type */
	uint32_t	 len;		/* original length on the air */
	uint32_t	 caplen;	/* bytes at data */
	const uint8_t	*data;
};

/*
 * How the framework feeds a source that has no descriptor to poll (a
 * file): as fast as the peer reads, at the pace of the capture's own
 * timestamps, or at a fixed rate.
 */
enum ds_pace {
	DS_PACE_NONE = 0,
	DS_PACE_REALTIME,
	DS_PACE_PPS,
};

/* What probe() learns about a definition it accepts. */
struct ds_probe {
	char		 hardware[DS_NAME_LEN];
	const char	*const *channels;	/* driver-owned, or NULL */
	size_t		 n_channels;
	const char	*channel;		/* current, or NULL */
};

/* What open() tells the framework about the source it opened. */
struct ds_open {
	uint32_t	 dlt;			/* link type of every frame */
	char		 capture_interface[DS_NAME_LEN];
	char		 hardware[DS_NAME_LEN];
	const char	*const *channels;	/* driver-owned, or NULL */
	size_t		 n_channels;
	const char	*channel;		/* current, or NULL */
	/*
	 * A live source gives a descriptor: next() is called while it is
	 * readable, and frames that find the queue full are dropped and
	 * counted.  A file source leaves fd at -1: next() is called when
	 * the pace allows and the queue has room, so nothing is dropped.
	 */
	int		 fd;
	enum ds_pace	 pace;
	double		 pps;			/* DS_PACE_PPS: frames per s */
	char		 warning[128];		/* "" or a note for the user */
};

/* One entry of list(). */
struct ds_iface {
	char		 interface[DS_NAME_LEN];
	char		 flags[DS_NAME_LEN];	/* definition options, or "" */
	char		 hardware[DS_NAME_LEN];
};

/* What next() returns. */
enum ds_next {
	DS_NEXT_PACKET = 1,	/* *ret holds a frame */
	DS_NEXT_NONE = 0,	/* nothing now (live: wait for the fd) */
	DS_NEXT_STOP = -1,	/* finished: helper_end() or helper_error()
				   was called with the reason */
};

struct ds_ops {
	const char	*type;		/* sourcetype: "pcapfile" */
	/* One line for --help and --list: what a source definition is. */
	const char	*source_help;
	/*
	 * The definition options the driver reads, NULL-ended.  An option
	 * that is neither one of these nor one every source takes is
	 * ignored with a warning that lists these.  NULL: not checked.
	 */
	const char *const *options;

	/* 0 when the driver can open def; the definition's type is checked
	   by the framework already. */
	int		(*probe)(struct helper *, const struct srcdef *def,
			    struct ds_probe *ret, char *err, size_t errlen);
	/* Fill up to max entries; returns the count or -errno.  NULL when
	   the driver has nothing to list (source_help says why). */
	int		(*list)(struct helper *, struct ds_iface *ret,
			    size_t max, char *err, size_t errlen);
	int		(*open)(struct helper *, const struct srcdef *def,
			    struct ds_open *ret, char *err, size_t errlen);
	/* Optional: called once after the lockdown, before next(). */
	int		(*start)(struct helper *, char *err, size_t errlen);
	/* Tune to channel; write its canonical form ("6HT40+") to canon.
	   NULL for a source without channels. */
	int		(*set_channel)(struct helper *, const char *channel,
			    char *canon, size_t canonlen, char *err,
			    size_t errlen);
	/* &helper_chanctl with set_channel, else NULL (helper.h). */
	const struct ds_chanctl *chanctl;
	enum ds_next	(*next)(struct helper *, struct ds_packet *ret);
	void		(*close)(struct helper *);

	/*
	 * Privilege (doc/privsep.md).  open_caps: the capabilities (CAP_*
	 * numbers) the driver needs to open its source; a setuid-root
	 * helper keeps only these when it switches to the invoking user at
	 * start.  keep_caps: what it still needs once open (channel
	 * changes); everything else is dropped before the first packet.
	 * sandbox_role: the seccomp allowlist the helper then enters.
	 */
	const int	*open_caps;
	size_t		 n_open_caps;
	const int	*keep_caps;
	size_t		 n_keep_caps;
	enum sandbox_role sandbox_role;
};

#endif
