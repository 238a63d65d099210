/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey, the core: options, config, start-up, event loop
 *
 * Start-up follows doc/privsep.md: read the command line and the config
 * set, open the packet log, bind the remote capture port; drop identity
 * (--user) or refuse root; fork the launcher, the one process that will
 * execute helpers; drop every capability and enter the core's seccomp
 * sandbox; only then check and start the sources.  Any start-up failure
 * is one line and exit status 1.
 * After that nothing a helper, sensor or file does ends the process:
 * SIGINT/SIGTERM do (status 0), or the last source finishing under
 * --exit-when-done.
 */

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "alerts.h"
#include "caps.h"
#include "chanplan.h"
#include "config.h"
#include "control.h"
#include "datasource.h"
#include "defaults.h"
#include "device.h"
#include "devnames.h"
#include "devrec.h"
#include "devtrack.h"
#include "gps.h"
#include "kislog.h"
#include "launcher.h"
#include "log.h"
#include "msgbus.h"
#include "oui.h"
#include "osprey.h"
#include "osprey_config.h"
#include "packet.h"
#include "pcaplog.h"
#include "pktstats.h"
#include "privdrop.h"
#include "proc.h"
#include "remote.h"
#include "sandbox.h"
#include "tracker.h"
#include "wiglecsv.h"
#include "wids.h"
#include "xmalloc.h"

#define DEFAULT_REMOTE_LISTEN	"127.0.0.1"
#define DEFAULT_REMOTE_PORT	3501
#define DEFAULT_TEMPLATE	"%p/%n-%D-%t-%i.%l"

/* Config keys osprey knows (osprey.conf(5) and doc/core.md). */
static const char *const known_keys[] = {
	"source", "helper_binary_path", "channel_hop", "channel_hop_speed",
	"split_source_hopping", "randomized_hopping",
	"retry_on_source_error", "override_remote_timestamp",
	"remote_capture_enabled", "remote_capture_listen",
	"remote_capture_port", "remote_capture_hello_timeout",
	"remote_capture_max_pending", "remote_capture_max_pending_per_host",
	"remote_capture_max_sources", "remote_capture_source_timeout",
	"source_ping_interval", "source_pong_timeout",
	"source_retry_delay", "source_retry_max", "web_ping_interval",
	"web_pong_timeout",
	"httpd_*", "allowplugins", "enable_logging", "log_prefix",
	"log_title", "log_types", "log_template", "tracker_device_timeout",
	"tracker_max_devices", "packet_backlog_limit", "gps", "ouifile",
	"server_*", "kis_log_*", "wiglecsv_rate_limit", "alert",
	"alertbacklog", "alert_detection", "apspoof", "ssidcanary",
	"devicefound", "devicelost", "devicelost_timeout", NULL,
};

static struct osprey	osprey;		/* the core's only global */

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: osprey [options]\n"
	    "  -c, --capture-source SOURCE  add a datasource (repeatable)\n"
	    "  -f, --config-file FILE       main config file\n"
	    "      --homedir DIR            per-user state (~/.osprey)\n"
	    "  -n, --no-logging             no log files\n"
	    "  -t TITLE, -p PREFIX          log title and directory\n"
	    "      --override FLAVOR        also load osprey_FLAVOR.conf\n"
	    "      --no-web                 do not start the web worker\n"
	    "      --exit-when-done         exit once every source is done\n"
	    "      --devices-json FILE      write tracked devices at exit\n"
	    "      --daemonize              detach\n"
	    "      --user NAME              drop to NAME when started as root\n"
	    "      --allow-root             keep running as root\n"
	    "      --debug                  log debug lines\n"
	    "      --version, --help\n");
}

enum {
	OPT_HOMEDIR = 256, OPT_OVERRIDE, OPT_NO_WEB, OPT_EXIT_WHEN_DONE,
	OPT_DEVICES_JSON, OPT_DAEMONIZE, OPT_USER, OPT_ALLOW_ROOT, OPT_DEBUG,
	OPT_VERSION, OPT_HELP,
};

static void
parse_args(struct osprey_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "capture-source", required_argument, NULL, 'c' },
		{ "config-file", required_argument, NULL, 'f' },
		{ "homedir", required_argument, NULL, OPT_HOMEDIR },
		{ "no-logging", no_argument, NULL, 'n' },
		{ "override", required_argument, NULL, OPT_OVERRIDE },
		{ "no-web", no_argument, NULL, OPT_NO_WEB },
		{ "exit-when-done", no_argument, NULL, OPT_EXIT_WHEN_DONE },
		{ "devices-json", required_argument, NULL, OPT_DEVICES_JSON },
		{ "daemonize", no_argument, NULL, OPT_DAEMONIZE },
		{ "user", required_argument, NULL, OPT_USER },
		{ "allow-root", no_argument, NULL, OPT_ALLOW_ROOT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:f:nt:p:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->sources = xreallocarray(o->sources,
			    o->n_sources + 1, sizeof(*o->sources));
			o->sources[o->n_sources++] = optarg;
			break;
		case 'f':
			o->config_file = optarg;
			break;
		case 'n':
			o->no_logging = true;
			break;
		case 't':
			o->title = optarg;
			break;
		case 'p':
			o->prefix = optarg;
			break;
		case OPT_HOMEDIR:
			o->homedir = optarg;
			break;
		case OPT_OVERRIDE:
			o->flavor = optarg;
			break;
		case OPT_NO_WEB:
			o->no_web = true;
			break;
		case OPT_EXIT_WHEN_DONE:
			o->exit_when_done = true;
			break;
		case OPT_DEVICES_JSON:
			o->devices_json = optarg;
			break;
		case OPT_DAEMONIZE:
			o->daemonize = true;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_ALLOW_ROOT:
			o->allow_root = true;
			break;
		case OPT_DEBUG:
			o->debug = true;
			break;
		case OPT_VERSION:
			printf("osprey %s\n", OSPREY_VERSION);
			exit(0);
		case OPT_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(1);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "osprey: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		exit(1);
	}
}

static void
warn_unknown_key(const struct config_entry *e, void *arg)
{
	if (e->line > 0)
		log_warnx("%s:%u: unknown key '%s' ignored", e->file, e->line,
		    e->key);
	else
		log_warnx("%s: unknown key '%s' ignored", e->file, e->key);
}

/* The config set, then what the command line overrides. */
static void
load_config(struct osprey *o)
{
	const char *main = o->opts.config_file;
	char err[PATH_MAX + 256];
	size_t i;

	config_init(&o->cfg);
	if (main == NULL && access(OSPREY_SYSCONFDIR "/osprey.conf",
	    F_OK) != 0 && errno == ENOENT) {
		/*
		 * Not installed (a build tree): the values osprey ships,
		 * compiled in.  A file named with -f must exist.
		 */
		main = OSPREY_SYSCONFDIR "/osprey.conf";
		log_info("config: %s not found; running on the built-in "
		    "defaults (the etc/ files osprey installs)", main);
		if (config_load_buffer(&o->cfg, "built-in defaults",
		    osprey_defaults, osprey_defaults_len, false, err,
		    sizeof(err)) < 0 || config_load_extras(&o->cfg, main,
		    o->opts.flavor, err, sizeof(err)) < 0)
			fatalx("config: %s", err);
	} else {
		if (main == NULL)
			main = OSPREY_SYSCONFDIR "/osprey.conf";
		if (config_load_set(&o->cfg, main, o->opts.flavor, err,
		    sizeof(err)) < 0)
			fatalx("config: %s", err);
	}
	if (o->opts.title != NULL)
		config_set(&o->cfg, "log_title", o->opts.title, "-t");
	if (o->opts.prefix != NULL)
		config_set(&o->cfg, "log_prefix", o->opts.prefix, "-p");
	if (o->opts.no_logging)
		config_set(&o->cfg, "enable_logging", "false", "-n");
	/* Sources on the command line replace those of the config files. */
	if (o->opts.n_sources > 0) {
		config_unset(&o->cfg, "source");
		for (i = 0; i < o->opts.n_sources; i++)
			config_add(&o->cfg, "source", o->opts.sources[i], "-c");
	}
	(void)config_check_known(&o->cfg, known_keys, warn_unknown_key, NULL);
}

/* A config value that failed to parse ends start-up, naming file:line. */
static void
cfg_bool(struct osprey *o, const char *key, bool def, bool *ret)
{
	char err[PATH_MAX + 256];

	if (config_get_bool(&o->cfg, key, def, ret, err, sizeof(err)) < 0)
		fatalx("config: %s", err);
}

static void
cfg_msec(struct osprey *o, const char *key, uint64_t def, uint64_t *ret)
{
	char err[PATH_MAX + 256];

	if (config_get_msec(&o->cfg, key, def, ret, err, sizeof(err)) < 0)
		fatalx("config: %s", err);
	if (*ret == 0)
		fatalx("config: %s must be above zero", key);
}

static void
cfg_uint(struct osprey *o, const char *key, uint64_t def, uint64_t max,
    uint64_t *ret)
{
	char err[PATH_MAX + 256];

	if (config_get_uint(&o->cfg, key, def, max, ret, err,
	    sizeof(err)) < 0)
		fatalx("config: %s", err);
}

static void
read_policy(struct osprey *o, struct datasource_policy *p)
{
	const struct config_entry *e;
	char err[256];
	uint64_t n;

	memset(p, 0, sizeof(*p));
	p->helper_search = getenv("OSPREY_HELPER_PATH");
	p->helper_binary_path = config_get(&o->cfg, "helper_binary_path");
	/*
	 * Capture helpers install to bindir (as Kismet's do, so that a
	 * sensor can run them by hand); the web worker, which only the core
	 * runs, to libexecdir.  The launcher searches both.
	 */
	if (p->helper_binary_path == NULL)
		p->helper_binary_path = OSPREY_BINDIR ":" OSPREY_LIBEXECDIR;
	cfg_msec(o, "source_ping_interval", 5000, &p->ping_ms);
	cfg_msec(o, "source_pong_timeout", 15000, &p->pong_timeout_ms);
	cfg_msec(o, "source_retry_delay", 1000, &p->retry_min_ms);
	cfg_msec(o, "source_retry_max", 30000, &p->retry_max_ms);
	if (p->retry_max_ms < p->retry_min_ms)
		p->retry_max_ms = p->retry_min_ms;
	cfg_bool(o, "retry_on_source_error", true, &p->retry);
	cfg_bool(o, "channel_hop", true, &p->channel_hop);
	cfg_bool(o, "split_source_hopping", true, &p->split);
	cfg_bool(o, "randomized_hopping", true, &p->shuffle);
	cfg_bool(o, "override_remote_timestamp", true,
	    &p->override_remote_ts);
	/* A batch run must end: a source that failed is done, for good. */
	p->no_retry = o->opts.exit_when_done;
	cfg_uint(o, "remote_capture_max_sources", DS_REMOTE_MAX, DS_REMOTE_MAX,
	    &n);
	p->remote_max = (unsigned)n;
	cfg_msec(o, "remote_capture_source_timeout", DS_REMOTE_TIMEOUT_MS,
	    &p->remote_timeout_ms);
	p->hop_rate = 5.0;
	if ((e = config_entry(&o->cfg, "channel_hop_speed")) != NULL &&
	    chanplan_parse_rate(e->value, &p->hop_rate, err,
	    sizeof(err)) < 0)
		fatalx("config: %s:%u: channel_hop_speed: %s", e->file,
		    e->line, err);
}

/* Is type one of the comma-separated log_types? */
static bool
log_type_on(const char *types, const char *type)
{
	size_t n = strlen(type);
	const char *p;

	for (p = types; (p = strcasestr(p, type)) != NULL; p += n)
		if ((p == types || p[-1] == ',' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
	return false;
}

/*
 * The WiGLE CSV log (log_types=wiglecsv): named like the packet log,
 * created now, before the lock-down, so that a path that cannot be
 * written fails the start.
 */
static void
open_wiglecsv(struct osprey *o, const char *tmpl, struct pcaplog_names *nm)
{
	char path[PATH_MAX], err[PATH_MAX + 128];
	uint64_t rate;

	if (config_get_uint(&o->cfg, "wiglecsv_rate_limit",
	    WIGLECSV_RATE_DEFAULT, 86400, &rate, err, sizeof(err)) < 0)
		fatalx("config: %s", err);
	nm->type = "wiglecsv";
	if ((o->wigle = wiglecsv_open(o->base, tmpl, nm, (unsigned)rate,
	    path, sizeof(path), err, sizeof(err))) == NULL)
		fatalx("wiglecsv log: %s", err);
	o->wigle_path = xstrdup(path);
	log_info("logging access points for WiGLE to %s (one line per AP "
	    "every %llu s at most)", path, (unsigned long long)rate);
}

static void
open_log(struct osprey *o)
{
	struct pcaplog_names nm;
	const char *types, *tmpl;
	char path[PATH_MAX], err[PATH_MAX + 128], prefix[PATH_MAX];
	size_t n;
	bool on, wigle, pcapng;

	cfg_bool(o, "enable_logging", true, &on);
	if (!on)
		return;
	types = config_get(&o->cfg, "log_types");
	if (types == NULL)
		types = "pcapng";
	o->kismetdb = log_type_on(types, "kismet");
	wigle = log_type_on(types, "wiglecsv");
	pcapng = log_type_on(types, "pcapng");
	if (!pcapng && !wigle) {
		if (!o->kismetdb)
			log_warnx("log_types=%s: no type osprey writes "
			    "(kismet, pcapng, wiglecsv); no log", types);
		return;
	}
	tmpl = config_get(&o->cfg, "log_template");
	if (tmpl == NULL)
		tmpl = DEFAULT_TEMPLATE;
	memset(&nm, 0, sizeof(nm));
	nm.prefix = config_get(&o->cfg, "log_prefix");
	if (nm.prefix == NULL)
		nm.prefix = "./";
	/* "./" and "%p/%n" would make ".//Osprey-..." */
	snprintf(prefix, sizeof(prefix), "%s", nm.prefix);
	for (n = strlen(prefix); n > 1 && prefix[n - 1] == '/'; n--)
		prefix[n - 1] = '\0';
	nm.prefix = prefix;
	nm.title = config_get(&o->cfg, "log_title");
	if (nm.title == NULL)
		nm.title = "Osprey";
	nm.type = "pcapng";
	nm.home = o->home;
	nm.when = time(NULL);
	if (wigle)
		open_wiglecsv(o, tmpl, &nm);
	if (!pcapng)
		return;
	nm.type = "pcapng";
	if ((o->log = pcaplog_open(o->base, tmpl, &nm, path, sizeof(path),
	    err, sizeof(err))) == NULL)
		fatalx("packet log: %s", err);
	o->log_path = xstrdup(path);
	log_info("logging packets to %s", path);
}

/*
 * log_types=kismet: fork the kismetdb writer (doc/kismetdb.md).  After
 * the identity drop, so the file and the writer belong to the user the
 * core runs as; before the lock-down, which forbids fork.
 */
static void
start_kismetdb(struct osprey *o)
{
	struct kislog_conf kc;
	struct kislog_deps deps;
	const char *v;
	char err[PATH_MAX + 256];

	if (!o->kismetdb)
		return;
	if (kislog_config(&o->cfg, &kc, err, sizeof(err)) < 0)
		fatalx("config: %s", err);
	v = config_get(&o->cfg, "log_template");
	snprintf(kc.writer.tmpl, sizeof(kc.writer.tmpl), "%s",
	    v != NULL ? v : DEFAULT_TEMPLATE);
	v = config_get(&o->cfg, "log_prefix");
	snprintf(kc.writer.prefix, sizeof(kc.writer.prefix), "%s",
	    v != NULL ? v : "./");
	v = config_get(&o->cfg, "log_title");
	snprintf(kc.writer.title, sizeof(kc.writer.title), "%s",
	    v != NULL ? v : "Osprey");
	snprintf(kc.writer.home, sizeof(kc.writer.home), "%s", o->home);
	snprintf(kc.writer.creator, sizeof(kc.writer.creator), "osprey %s",
	    OSPREY_VERSION);
	kc.writer.when = time(NULL);
	memset(&deps, 0, sizeof(deps));
	deps.base = o->base;
	deps.sources = o->sources;
	deps.tracker = devtrack_tracker(o->devtrack);
	deps.packets = o->packets;
	deps.bus = o->bus;
	if ((o->kislog = kislog_start(&kc, &deps, err, sizeof(err))) == NULL)
		fatalx("kismetdb log: %s", err);
	log_info("logging to kismetdb %s (writer pid %ld)",
	    kislog_path(o->kislog), (long)kislog_pid(o->kislog));
}

static void
open_remote(struct osprey *o, const struct datasource_policy *p)
{
	struct remote_policy rp;
	const char *addr;
	char err[256];
	uint64_t port, n;
	bool on;

	cfg_bool(o, "remote_capture_enabled", true, &on);
	if (!on)
		return;
	addr = config_get(&o->cfg, "remote_capture_listen");
	if (addr == NULL)
		addr = DEFAULT_REMOTE_LISTEN;
	if (config_get_uint(&o->cfg, "remote_capture_port",
	    DEFAULT_REMOTE_PORT, 65535, &port, err, sizeof(err)) < 0)
		fatalx("config: %s", err);
	remote_policy_default(&rp);
	cfg_msec(o, "remote_capture_hello_timeout", REMOTE_HELLO_MS,
	    &rp.hello_ms);
	cfg_uint(o, "remote_capture_max_pending", REMOTE_MAX_PENDING, 65536,
	    &n);
	rp.max_pending = (unsigned)n;
	cfg_uint(o, "remote_capture_max_pending_per_host",
	    REMOTE_MAX_PER_HOST, 65536, &n);
	rp.max_per_host = (unsigned)n;
	if (rp.max_pending == 0 || rp.max_per_host == 0)
		fatalx("config: remote_capture_max_pending and "
		    "remote_capture_max_pending_per_host must be above zero");
	if ((o->remote = remote_new(o->base, o->sources, addr,
	    (uint16_t)port, &rp, err, sizeof(err))) == NULL)
		fatalx("remote capture: %s", err);
	log_info("remote capture listening on %s:%u", addr,
	    remote_port(o->remote));
}

/*
 * Identity (osprey(1)): --user NAME drops to NAME for good when
 * started as root; otherwise root is refused unless --allow-root.
 */
static void
drop_identity(struct osprey *o)
{
	int r;

	if (o->opts.user != NULL && geteuid() == 0) {
		if ((r = privdrop_user(o->opts.user)) < 0)
			fatalx("--user %s: %s", o->opts.user, r == -ENOENT ?
			    "no such user" : strerror(-r));
		log_info("running as user %s", o->opts.user);
		return;
	}
	if (privdrop_check_root(o->opts.allow_root) < 0)
		fatalx("refusing to run as root (use --user or --allow-root)");
	if (geteuid() == 0)
		log_warnx("running as root (--allow-root)");
}

/* Fork the launcher with the helper folders, in search order. */
static void
start_launcher(struct osprey *o, const struct datasource_policy *p)
{
	struct launcher *l;
	const char *dirs[LAUNCHER_MAX_DIRS];
	char buf[PROC_PATH_MAX * 2];
	size_t n;
	int r;

	n = proc_helper_dirs(p->helper_search, p->helper_binary_path, buf,
	    sizeof(buf), dirs, LAUNCHER_MAX_DIRS);
	if ((r = launcher_start(dirs, n, &l)) < 0)
		fatalx("cannot start the launcher: %s", strerror(-r));
	proc_attach_launcher(o->proc, l);
}

/*
 * Lose every capability and the ability to fork, exec or open files for
 * reading (doc/privsep.md, "Core").
 */
static void
lock_down(struct osprey *o)
{
	int r;

	datasource_mgr_lockdown(o->sources);
	if ((r = caps_clear()) < 0)
		fatalx("cannot drop capabilities: %s", strerror(-r));
	if ((r = sandbox_enter(SANDBOX_CORE, SANDBOX_AFTER_START)) < 0)
		fatalx("cannot enter the sandbox: %s", strerror(-r));
}

/*
 * The device tracker from the tracker_* keys and ouifile=, fed by the
 * packet pipeline.  The registry is read here, before the lock-down.
 */
static void
start_tracking(struct osprey *o)
{
	struct devtrack_info in;
	char err[PATH_MAX + 256];

	if (devtrack_new(o->base, &o->cfg, &o->devtrack, &in, err,
	    sizeof(err)) < 0)
		fatalx("config: %s", err);
	packet_ctx_set_tracker(o->packets, devtrack_tracker(o->devtrack),
	    o->base);
	if (in.oui_error != 0)
		log_warnx("manufacturer names: %s: %s; devices are named "
		    "\"Unknown\"", in.oui_source, strerror(-in.oui_error));
	log_info("tracking devices: tracker_max_devices=%zu "
	    "tracker_device_timeout=%u (0: none); %zu manufacturer prefixes "
	    "from %s", in.max_devices, in.device_timeout, in.oui_prefixes,
	    in.oui_source);
}

/*
 * An alert that passed its limits: it counts against its device, and the
 * kismetdb log keeps it (kislog_alert() is a no-op without the log).
 */
static void
alert_hook(const struct alerts_event *ev, void *arg)
{
	struct osprey *o = arg;
	char mac[DEVICE_MAC_STR_LEN];
	uint8_t phy, m[6];
	double sec;

	snprintf(mac, sizeof(mac), "%s", ev->transmitter);
	if (ev->device_key[0] != '\0' &&
	    device_key_parse(ev->device_key, &phy, m) == 0) {
		if (o->devtrack != NULL)
			(void)tracker_note_alert(devtrack_tracker(o->devtrack),
			    phy, m);
		device_mac_str(m, mac);
	}
	/* As Kismet's console shows them; the limits bound the lines. */
	log_info("alert %s (%llu): %s", ev->name, (unsigned long long)ev->id,
	    ev->text);
	sec = ev->ts > 0 ? ev->ts : 0;
	kislog_alert(o->kislog, (uint64_t)sec, (uint64_t)((sec -
	    (double)(uint64_t)sec) * 1e6), ev->phyname, mac, ev->name,
	    ev->record, ev->record_len);
}

static void
drops_cb(const struct datasource *ds, uint64_t lost, void *arg)
{
	struct osprey *o = arg;

	wids_packet_loss(o->wids, ds->name, ds->uuid, lost, ds->num_drops,
	    (double)time(NULL));
}

/*
 * The watch lists' clock (DEVICELOST needs no packet to fire), and the
 * queues' losses since the last tick: a helper's (PACKETLOSS), the
 * kismetdb log's (LOGLOSS).
 */
static void
wids_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct osprey *o = arg;
	struct kislog_stats ks;
	double now = (double)time(NULL);
	uint64_t lost;

	wids_tick(o->wids, now);
	datasource_mgr_new_drops(o->sources, drops_cb, o);
	if (o->kislog == NULL)
		return;
	kislog_stats(o->kislog, &ks);
	lost = ks.packets_dropped + ks.lost;
	if (lost > o->log_loss_alerted) {
		wids_log_loss(o->wids, lost - o->log_loss_alerted, lost, now);
		o->log_loss_alerted = lost;
	}
}

/*
 * The alert set, the 802.11 checks' definitions in it, then the limits
 * and backlog of the config (osprey_alerts.conf), before any packet.
 */
static void
start_alerts(struct osprey *o)
{
	struct timeval sec = { 1, 0 };
	char err[PATH_MAX + 256];

	o->alerts = alerts_new(o->bus);
	if ((o->wids = wids_new(o->alerts, &o->cfg, err, sizeof(err))) ==
	    NULL || alerts_config(o->alerts, &o->cfg, err, sizeof(err)) != 0)
		fatalx("config: %s", err);
	packet_ctx_set_wids(o->packets, o->wids);
	if ((o->ev_wids = event_new(o->base, -1, EV_PERSIST, wids_tick_cb,
	    o)) == NULL || event_add(o->ev_wids, &sec) < 0)
		fatalx("cannot start the alerts' timer");
	if (!wids_enabled(o->wids))
		log_info("alerts: the 802.11 checks are off "
		    "(alert_detection=false)");
}

/*
 * --devices-json FILE is created at start, so that a path that cannot be
 * written fails the start rather than a long batch run, and written at
 * exit.
 */
static void
open_devices_json(struct osprey *o)
{
	const char *path = o->opts.devices_json;

	o->devices_fd = -1;
	if (path == NULL)
		return;
	if ((o->devices_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) < 0)
		fatal("--devices-json %s", path);
}

static void
write_devices_json(struct osprey *o)
{
	struct devrec_opts dro;
	int64_t n;

	if (o->devices_fd < 0)
		return;
	memset(&dro, 0, sizeof(dro));
	dro.source_uuid = datasource_uuid_by_id;
	dro.arg = o->sources;
	n = devtrack_write_json(devtrack_tracker(o->devtrack),
	    o->devices_fd, &dro);
	o->devices_fd = -1;
	if (n < 0) {
		log_warnx("--devices-json %s: %s", o->opts.devices_json,
		    strerror((int)-n));
		o->exit_status = 1;
		return;
	}
	log_info("%lld devices written to %s", (long long)n,
	    o->opts.devices_json);
}

/*
 * One line at exit for batch runs and benchmarks: what went through, what
 * is tracked, and the core's own CPU time (helpers not included).
 */
static void
log_totals(struct osprey *o)
{
	struct tracker_stats st;
	struct timespec cpu;

	tracker_stats(devtrack_tracker(o->devtrack), &st);
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) != 0)
		memset(&cpu, 0, sizeof(cpu));
	log_info("%llu packets, %llu not decoded; %zu devices tracked "
	    "(%llu created, %llu evicted, %llu expired); core CPU %.3f s",
	    (unsigned long long)packet_count(o->packets),
	    (unsigned long long)packet_error_count(o->packets), st.devices,
	    (unsigned long long)st.created, (unsigned long long)st.evicted,
	    (unsigned long long)st.expired,
	    (double)cpu.tv_sec + cpu.tv_nsec / 1e9);
}

static int
packet_cb(struct packet *p, struct datasource *ds, void *arg)
{
	struct osprey *o = arg;

	return packet_process(o->packets, p, ds);
}

/*
 * A batch run ends honestly: each failed source was reported with its
 * reason when it failed; the run's status says whether any did.
 */
static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct osprey *o = arg;
	const struct datasource *ds;
	size_t failed = 0, n = 0;

	o->done_scheduled = false;
	if (!datasource_mgr_all_done(o->sources))
		return;
	TAILQ_FOREACH(ds, datasource_mgr_sources(o->sources), entry) {
		n++;
		if (datasource_error(ds))
			failed++;
	}
	if (failed > 0) {
		log_warnx("every source is done, %zu of %zu failed (see above); "
		    "exiting with status 1 (--exit-when-done)", failed, n);
		o->exit_status = 1;
	} else
		log_info("every source is done, exiting (--exit-when-done)");
	event_base_loopexit(o->base, NULL);
}

/* Check after the current loop pass, so the last packets are handled. */
static void
maybe_done(struct osprey *o)
{
	struct timeval now = { 0, 0 };

	if (!o->opts.exit_when_done || o->done_scheduled)
		return;
	if (!datasource_mgr_all_done(o->sources))
		return;
	o->done_scheduled = true;
	evtimer_add(o->ev_done, &now);
}

static void
state_cb(struct datasource *ds, void *arg)
{
	struct osprey *o = arg;

	if (ds->state == DS_ERROR && o->wids != NULL)
		wids_source_error(o->wids, ds->name, ds->uuid,
		    ds->error_reason, (double)time(NULL));
	maybe_done(arg);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct osprey *o = arg;

	if (sig == SIGHUP) {
		log_info("SIGHUP: nothing to reload yet");
		return;
	}
	log_info("%s, shutting down", strsignal((int)sig));
	event_base_loopexit(o->base, NULL);
}

/*
 * The user's home and the per-user state folder (--homedir, default
 * ~/.osprey), for the web worker's login file and plugins and the log
 * template's %h.  The home is that of the user the core will run as:
 * with --user from root, NAME's passwd entry, not root's $HOME (which
 * NAME cannot enter); otherwise $HOME, else the passwd entry.
 */
static void
setup_home(struct osprey *o)
{
	const char *h = NULL;
	struct passwd *pw = NULL;
	char cwd[PATH_MAX];

	if (o->opts.user != NULL && geteuid() == 0)
		pw = getpwnam(o->opts.user);
	else if ((h = getenv("HOME")) == NULL || h[0] != '/')
		pw = getpwuid(getuid());
	if (pw != NULL)
		h = pw->pw_dir;
	if (h == NULL || h[0] != '/')
		h = "/";
	o->user_home = xstrdup(h);
	if (o->opts.homedir == NULL)
		xasprintf(&o->home, "%s/.osprey", strcmp(h, "/") == 0 ? "" :
		    h);
	else if (o->opts.homedir[0] == '/')
		o->home = xstrdup(o->opts.homedir);
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		/* The web worker must find it whatever its folder. */
		xasprintf(&o->home, "%s/%s", cwd, o->opts.homedir);
	else
		fatal("--homedir %s", o->opts.homedir);
}

static void
start_sources(struct osprey *o)
{
	const struct config_entry *e = NULL;
	char reason[DS_REASON_MAX + PATH_MAX];

	/* Every definition is checked before any runs. */
	while ((e = config_next(&o->cfg, "source", e)) != NULL)
		if (datasource_check(o->sources, e->value, reason,
		    sizeof(reason)) < 0) {
			if (e->line > 0)
				fatalx("%s:%u: %s", e->file, e->line, reason);
			fatalx("%s", reason);
		}
	while ((e = config_next(&o->cfg, "source", e)) != NULL)
		if (datasource_add(o->sources, e->value, NULL, reason,
		    sizeof(reason)) < 0)
			fatalx("%s", reason);
}

/*
 * The receivers of the gps= lines, each checked before any starts (a bad
 * line fails the start with file:line).  gpsd, serial and tcp receivers
 * need the osprey_gps helper; without it they stay down, said once.
 */
static void
start_gps(struct osprey *o, const struct datasource_policy *p)
{
	const struct config_entry *e = NULL;
	struct gps_deps deps;
	char err[512], path[PROC_PATH_MAX];
	bool helper = false;

	while ((e = config_next(&o->cfg, "gps", e)) != NULL) {
		if (gps_check(e->value, err, sizeof(err)) < 0) {
			if (e->line > 0)
				fatalx("%s:%u: gps=%s: %s", e->file, e->line,
				    e->value, err);
			fatalx("gps=%s: %s", e->value, err);
		}
		if (strncasecmp(e->value, "gpsd", 4) == 0 ||
		    strncasecmp(e->value, "serial", 6) == 0 ||
		    strncasecmp(e->value, "tcp", 3) == 0)
			helper = true;
	}
	if (helper && proc_find_program("osprey_gps", p->helper_search,
	    p->helper_binary_path, path, sizeof(path)) < 0)
		log_warnx("osprey_gps not found (OSPREY_HELPER_PATH, "
		    "helper_binary_path): gpsd, serial and tcp GPS cannot "
		    "open");
	memset(&deps, 0, sizeof(deps));
	deps.base = o->base;
	deps.proc = o->proc;
	deps.bus = o->bus;
	o->gps = gps_new(&deps);
	packet_ctx_set_gps(o->packets, o->gps);
	kislog_set_gps(o->kislog, o->gps);
	while ((e = config_next(&o->cfg, "gps", e)) != NULL)
		if (gps_add(o->gps, e->value, NULL, err, sizeof(err)) < 0)
			fatalx("gps=%s: %s", e->value, err);
}

/*
 * Is osprey_web where the launcher will look?  Without it the core still
 * captures and tracks: it says so once and runs as with --no-web.
 */
static bool
check_web(const struct datasource_policy *p)
{
	char path[PROC_PATH_MAX];

	if (proc_find_program("osprey_web", p->helper_search,
	    p->helper_binary_path, path, sizeof(path)) == 0)
		return true;
	log_warnx("osprey_web not found (OSPREY_HELPER_PATH, "
	    "helper_binary_path): running without the web worker");
	return false;
}

static void
read_counts_cb(void *arg, struct pktstats_counts *c)
{
	struct osprey *o = arg;
	const struct datasource *ds;
	struct tracker_stats ts;
	struct mallinfo2 mi;

	c->total = packet_count(o->packets);
	c->errors = packet_error_count(o->packets);
	memset(&ts, 0, sizeof(ts));
	if (devtrack_tracker(o->devtrack) != NULL)
		tracker_stats(devtrack_tracker(o->devtrack), &ts);
	c->dups = ts.dups;
	c->gauge[PKTSTATS_DEVICES] = ts.devices;
	/* A libc call, no system call: fine inside the sandbox. */
	mi = mallinfo2();
	c->gauge[PKTSTATS_MEMORY] = (mi.uordblks + mi.hblkhd) / 1024;
	TAILQ_FOREACH(ds, datasource_mgr_sources(o->sources), entry) {
		c->drops += ds->num_drops;
		if (c->n_src < PKTSTATS_MAX_SOURCES) {
			c->src[c->n_src].id = ds->id;
			c->src[c->n_src++].packets = ds->num_packets;
		}
	}
}

/*
 * What only the web's API reads: alert definitions and the backlog, the
 * names and tags users give devices (kept in the home folder, read now
 * while files may still be read), the packet histories.
 */
static void
start_web_state(struct osprey *o)
{
	char err[PATH_MAX + 256];

	o->names = devnames_open(o->home, err, sizeof(err));
	if (err[0] != '\0')
		log_warnx("device names: %s", err);
	o->stats = pktstats_new(o->base, read_counts_cb, o);
}

/*
 * Start the web worker.  Its settings (the httpd_* keys and allowplugins
 * of the config files, the user's home for "%h", the state folder that
 * "%h/.osprey" stands for, allow_root) go over the bridge: a password
 * never shows on a command line, and the launcher gives its children no
 * environment.
 */
static void
start_web(struct osprey *o)
{
	struct control_deps deps;
	const char **keys, **values;
	uint8_t rnd[32];
	char secret[2 * sizeof(rnd) + 1];
	size_t i, n = 0;
	int r;

	/* home, homedir, allow_root, session_secret */
	keys = xcalloc(o->cfg.n + 4, sizeof(*keys));
	values = xcalloc(o->cfg.n + 4, sizeof(*values));
	for (i = 0; i < o->cfg.n; i++) {
		const struct config_entry *e = &o->cfg.v[i];

		if (e->dead || (strncmp(e->key, "httpd_", 6) != 0 &&
		    strcmp(e->key, "allowplugins") != 0))
			continue;
		keys[n] = e->key;
		values[n++] = e->value;
	}
	keys[n] = "home";
	values[n++] = o->user_home;
	keys[n] = "homedir";
	values[n++] = o->home;
	if (o->opts.allow_root) {
		keys[n] = "allow_root";
		values[n++] = "true";
	}
	/*
	 * The key of the worker's session cookies: kept here, so that a
	 * restarted worker still honours the sessions it handed out.
	 */
	if (getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd)) {
		for (i = 0; i < sizeof(rnd); i++)
			snprintf(secret + 2 * i, 3, "%02x", rnd[i]);
		keys[n] = "session_secret";
		values[n++] = secret;
	}
	explicit_bzero(rnd, sizeof(rnd));
	memset(&deps, 0, sizeof(deps));
	deps.base = o->base;
	deps.proc = o->proc;
	deps.sources = o->sources;
	deps.packets = o->packets;
	deps.bus = o->bus;
	deps.tracker = devtrack_tracker(o->devtrack);
	deps.kislog = o->kislog;
	deps.started = (uint64_t)time(NULL);
	start_web_state(o);
	deps.alerts = o->alerts;
	deps.names = o->names;
	deps.stats = o->stats;
	deps.log = o->log;
	deps.log_path = o->log_path;
	cfg_msec(o, "web_ping_interval", CONTROL_PING_MS, &deps.ping_ms);
	cfg_msec(o, "web_pong_timeout", CONTROL_PONG_TIMEOUT_MS,
	    &deps.pong_timeout_ms);
	deps.gps = o->gps;
	o->web = control_new(&deps, keys, values, n);
	free(keys);
	free(values);
	explicit_bzero(secret, sizeof(secret));
	if ((r = control_start(o->web)) != 0)
		fatalx("web worker: %s", strerror(-r));
}

int
main(int argc, char **argv)
{
	struct osprey *o = &osprey;
	struct datasource_policy policy;

	parse_args(&o->opts, argc, argv);
	log_init("osprey", o->opts.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	sandbox_announce();
	/* Said before anything else is done, as the operator expects. */
	if (privdrop_check_root(o->opts.allow_root) < 0 &&
	    o->opts.user == NULL)
		fatalx("refusing to run as root (use --user or --allow-root)");
	setup_home(o);
	load_config(o);
	read_policy(o, &policy);
	if (!o->opts.no_web && !check_web(&policy))
		o->opts.no_web = true;
	if (o->opts.daemonize && daemon(1, 0) < 0)
		fatal("daemonize");

	signal(SIGPIPE, SIG_IGN);
	/* A file size limit is a write error for the log (EFBIG), as a
	   full disk is; it must not kill the core. */
	signal(SIGXFSZ, SIG_IGN);
	if ((o->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	o->bus = msgbus_new(MSGBUS_DEFAULT_SIZE);
	o->proc = proc_new(o->base);
	open_log(o);
	open_devices_json(o);
	o->packets = packet_ctx_new(o->log);
	packet_ctx_set_wiglecsv(o->packets, o->wigle);
	start_tracking(o);
	start_alerts(o);
	o->sources = datasource_mgr_new(o->base, o->proc, o->bus, &policy,
	    packet_cb, state_cb, o);
	open_remote(o, &policy);
	drop_identity(o);

	o->ev_int = evsignal_new(o->base, SIGINT, signal_cb, o);
	o->ev_term = evsignal_new(o->base, SIGTERM, signal_cb, o);
	o->ev_hup = evsignal_new(o->base, SIGHUP, signal_cb, o);
	o->ev_done = evtimer_new(o->base, done_cb, o);
	if (o->ev_int == NULL || o->ev_term == NULL || o->ev_hup == NULL ||
	    o->ev_done == NULL || evsignal_add(o->ev_int, NULL) < 0 ||
	    evsignal_add(o->ev_term, NULL) < 0 ||
	    evsignal_add(o->ev_hup, NULL) < 0)
		fatalx("cannot install signal handlers");
	start_kismetdb(o);
	alerts_set_hook(o->alerts, alert_hook, o);
	start_launcher(o, &policy);
	/* Sources first: their definitions may name files to look at. */
	start_sources(o);
	start_gps(o, &policy);
	if (!o->opts.no_web)
		start_web(o);
	lock_down(o);
	msgbus_post(o->bus, MSGBUS_INFO, "osprey %s started", OSPREY_VERSION);
	maybe_done(o);
	event_base_dispatch(o->base);
	log_totals(o);
	/* While the sources (their uuids) are still there. */
	write_devices_json(o);

	/*
	 * The web worker first (its packet tap), then the kismetdb log
	 * (its last device records), then the sources, then the log.
	 */
	control_free(o->web);
	pktstats_free(o->stats);
	devnames_free(o->names);
	remote_free(o->remote);
	/* Its last device and source records need both still there. */
	kislog_close(o->kislog);
	o->kislog = NULL;
	datasource_mgr_free(o->sources);
	/* After the sources' last packets. */
	packet_ctx_set_wids(o->packets, NULL);
	event_free(o->ev_wids);
	wids_free(o->wids);
	alerts_free(o->alerts);
	/* After the sources' last packets, before the launcher goes. */
	packet_ctx_set_gps(o->packets, NULL);
	gps_free(o->gps);
	packet_ctx_free(o->packets);
	devtrack_free(o->devtrack);
	if (o->log != NULL)
		log_info("packet log %s: %llu packets", o->log_path,
		    (unsigned long long)pcaplog_packets(o->log));
	pcaplog_close(o->log);
	if (o->wigle != NULL)
		log_info("wiglecsv log %s: %llu lines", o->wigle_path,
		    (unsigned long long)wiglecsv_lines(o->wigle));
	wiglecsv_close(o->wigle);
	free(o->wigle_path);
	proc_free(o->proc);
	msgbus_free(o->bus);
	event_free(o->ev_int);
	event_free(o->ev_term);
	event_free(o->ev_hup);
	event_free(o->ev_done);
	event_base_free(o->base);
	config_free(&o->cfg);
	free(o->log_path);
	free(o->home);
	free(o->user_home);
	free(o->opts.sources);
	return o->exit_status;
}
