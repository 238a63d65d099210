/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core process's context: options, config, event loop
 *
 * One struct osprey exists, in main(); it is the only global state of
 * the core.  Modules never include this header: they get what they need
 * passed in.
 */
#ifndef DAEMON_OSPREY_H
#define DAEMON_OSPREY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct alerts;
struct wids;
struct control;
struct datasource_mgr;
struct devnames;
struct devtrack;
struct event;
struct event_base;
struct kislog;
struct gps;
struct msgbus;
struct packet_ctx;
struct pcaplog;
struct pktstats;
struct proc;
struct remote;
struct wiglecsv;

/* What the command line says (osprey(1)). */
struct osprey_opts {
	const char	 *config_file;
	const char	 *homedir;
	const char	 *title;
	const char	 *prefix;
	const char	 *flavor;
	const char	 *devices_json;
	const char	 *user;
	const char	**sources;
	size_t		  n_sources;
	bool		  no_logging;
	bool		  no_web;
	bool		  exit_when_done;
	bool		  daemonize;
	bool		  allow_root;
	bool		  debug;
};

struct osprey {
	struct osprey_opts	 opts;
	struct config		 cfg;
	char			*home;		/* --homedir or ~/.osprey */
	char			*user_home;	/* of the user it runs as */
	struct event_base	*base;
	struct msgbus		*bus;
	struct proc		*proc;
	struct pcaplog		*log;
	char			*log_path;
	bool			 kismetdb;	/* log_types has kismet */
	struct kislog		*kislog;	/* the kismetdb log, or NULL */
	uint64_t		 log_loss_alerted; /* its losses at the last LOGLOSS */
	struct packet_ctx	*packets;
	struct devtrack		*devtrack;	/* the device tracker */
	int			 devices_fd;	/* --devices-json, or -1 */
	struct datasource_mgr	*sources;
	struct remote		*remote;
	struct control		*web;		/* NULL with --no-web */
	struct alerts		*alerts;	/* definitions, the backlog */
	struct wids		*wids;		/* the 802.11 checks */
	struct event		*ev_wids;	/* the watch lists' clock */
	struct devnames		*names;		/* users' device names, tags */
	struct pktstats		*stats;		/* packet histories */
	struct gps		*gps;		/* receivers, the best fix */
	struct wiglecsv		*wigle;		/* log_types=wiglecsv, or NULL */
	char			*wigle_path;
	struct event		*ev_int, *ev_term, *ev_hup, *ev_done;
	bool			 done_scheduled;
	int			 exit_status;
};

#endif
