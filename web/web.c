/* SPDX-License-Identifier: ISC */
/*
 * \summary: osprey_web main: settings, login, listen, plugins, event loop
 *
 * Started by the core with --bridge-fd (settings then arrive as the
 * bridge's CONFIG message), or alone for development and tests with its
 * settings from -f files and -o key=value (doc/web.md).  It binds, sets
 * up the login (printing a generated password once, on a terminal only),
 * loads plugins, and serves until SIGINT/SIGTERM or until the core goes.
 */

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "osprey_config.h"

#include "auth.h"
#include "caps.h"
#include "conf.h"
#include "core.h"
#include "files.h"
#include "http.h"
#include "log.h"
#include "pcapstream.h"
#include "plugins.h"
#include "privdrop.h"
#include "sandbox.h"
#include "web.h"
#include "xmalloc.h"

#define WEB_CONFIG_TIMEOUT_MS	10000
/*
 * A deep accept queue: with a backlog of 128 a flood of connections fills
 * it, the kernel drops new SYNs, a logged-in client's among them, which
 * then waits a second or more for its retransmission.
 */
#define WEB_LISTEN_BACKLOG	SOMAXCONN

static void
web_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: osprey_web [-d] [-f FILE]... [-o KEY=VALUE]...\n"
	    "                  [--bridge-fd=N] [--listen-fd=N]\n"
	    "  -f, --config-file FILE  read key=value settings\n"
	    "  -o, --set KEY=VALUE     one setting (after the files)\n"
	    "  --bridge-fd=N           the core's bridge socket (settings "
	    "come over it;\n"
	    "                          --in-fd=N --out-fd=N say the same)\n"
	    "  --listen-fd=N           serve on this listening socket\n"
	    "  --allow-root            run as root (the core says so in "
	    "its settings)\n"
	    "  -d, --debug             debug logging\n"
	    "  --version, --help\n"
	    "Settings: httpd_bind_address, httpd_port, httpd_username,\n"
	    "httpd_password, httpd_auth_file, httpd_home, httpd_user_home,\n"
	    "allowplugins and the limits of doc/web.md.\n");
}

/*
 * The user's home for "%h": the core's "home" setting (the launcher
 * gives its children no environment), else HOME, else the passwd entry.
 */
static const char *
web_home_dir(const struct web *w)
{
	const char *h = conf_get(w->conf, "home", NULL);
	struct passwd *pw;

	if (h != NULL && *h == '/')
		return h;
	h = getenv("HOME");
	if (h != NULL && *h == '/')
		return h;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

/*
 * Expand a path setting.  "%h/.osprey", the per-user state folder of
 * the defaults (doc/install.md), is the core's "homedir" setting when it
 * sent one (its --homedir, or the home of the user it runs as); any
 * other "%h" is the user's home.
 */
static char *
web_expand(const struct web *w, const char *tmpl)
{
	static const char state[] = "%h/.osprey";
	const char *dir = conf_get(w->conf, "homedir", NULL);
	size_t n = sizeof(state) - 1;
	char *rest, *out;

	if (dir == NULL || *dir != '/' || strncmp(tmpl, state, n) != 0 ||
	    (tmpl[n] != '/' && tmpl[n] != '\0'))
		return auth_expand_path(tmpl, web_home_dir(w));
	rest = auth_expand_path(tmpl + n, web_home_dir(w));
	xasprintf(&out, "%s%s", dir, rest);
	free(rest);
	return out;
}

/*
 * A start-up failure: one line in the log, the same reason to the core
 * (BRIDGE_FATAL, so that its log, message bus and status say why this
 * worker stopped rather than "exited with status 1"), exit status 1.
 * err is a positive errno or 0.
 */
static void OSPREY_PRINTF(3, 4) OSPREY_NORETURN
web_fail(const struct web *w, int err, const char *fmt, ...)
{
	struct bridge_fatal f;
	msgpack_sbuffer sb;
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (w->bridge_fd >= 0) {
		f.err = err > 0 ? (uint32_t)err : 0;
		f.reason = reason;
		msgpack_sbuffer_init(&sb);
		/* Best effort, blocking: the process ends right after. */
		if (bridge_encode_fatal(&sb, 0, &f) == 0 &&
		    write(w->bridge_fd, sb.data, sb.size) < 0)
			log_debug("bridge: FATAL not sent: %s",
			    strerror(errno));
		msgpack_sbuffer_destroy(&sb);
	}
	fatalx("%s", reason);
}

/* "ADDR:PORT", with brackets around an IPv6 address. */
static void
web_addr_text(const char *addr, unsigned port, char *out, size_t len)
{
	snprintf(out, len, strchr(addr, ':') != NULL ? "[%s]:%u" : "%s:%u",
	    addr, port);
}

/*
 * The listening socket for addr:port, made here rather than by
 * evhttp_bind_socket(): libevent looks the address up with
 * AI_ADDRCONFIG, which on a host with no IPv4 address but loopback (a
 * sensor with no network yet, the hwsim VM) refuses even 127.0.0.1, and
 * its error leaves errno unset.  The lookup here is numeric first (a
 * host name is looked up only if that fails) and depends on no other
 * address of the host.  Returns the descriptor, or a negative errno
 * with "cannot listen on ADDR:PORT: reason" in err; errno is read
 * before anything else runs.
 */
static int
web_listen(const char *addr, uint16_t port, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char serv[8], where[300];
	int fd = -1, e = 0, gai, one = 1;

	web_addr_text(addr, port, where, sizeof(where));
	snprintf(serv, sizeof(serv), "%u", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
	gai = getaddrinfo(*addr != '\0' ? addr : NULL, serv, &hints, &res);
	if (gai == EAI_NONAME) {
		hints.ai_flags &= ~AI_NUMERICHOST;
		gai = getaddrinfo(addr, serv, &hints, &res);
	}
	if (gai != 0) {
		e = gai == EAI_SYSTEM ? errno : EADDRNOTAVAIL;
		snprintf(err, errlen, "cannot listen on %s: %s", where,
		    gai == EAI_SYSTEM ? strerror(e) : gai_strerror(gai));
		return -e;
	}
	/* The first address that works; the first failure is the reason. */
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) == 0 && bind(fd, ai->ai_addr,
		    ai->ai_addrlen) == 0 && listen(fd, WEB_LISTEN_BACKLOG) == 0)
			break;
		if (e == 0)
			e = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (e == 0)
			e = EADDRNOTAVAIL;
		snprintf(err, errlen, "cannot listen on %s: %s%s", where,
		    strerror(e), e == EADDRINUSE ? " (another program "
		    "listens there: stop it, or set httpd_port)" : "");
		return -e;
	}
	return fd;
}

static int
web_conf_set_cb(void *arg, const char *key, const char *value)
{
	return conf_set(arg, key, value);
}

static unsigned
web_uint(const struct web *w, const char *key, uint64_t def, uint64_t min,
    uint64_t max)
{
	uint64_t v;

	if (conf_get_uint(w->conf, key, def, min, max, &v) != 0)
		web_fail(w, EINVAL, "%s: expected a number from %llu to %llu",
		    key, (unsigned long long)min, (unsigned long long)max);
	return (unsigned)v;
}

static void
web_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct web *w = arg;

	log_info("signal %d: shutting down", (int)sig);
	event_base_loopexit(w->base, NULL);
}

static void
web_core_packet_cb(const struct bridge_packet *p, void *arg)
{
	struct web *w = arg;

	pcapstreams_packet(w->streams, p);
}

static void
web_core_source_cb(const struct bridge_packet_source *s, void *arg)
{
	struct web *w = arg;

	pcapstreams_source(w->streams, s);
}

static void
web_core_lost_cb(const char *reason, void *arg)
{
	struct web *w = arg;

	/* Without the core there is nothing to serve; it restarts us. */
	log_warnx("bridge to the core lost (%s); exiting", reason);
	event_base_loopexit(w->base, NULL);
}

static void
web_plugin_note_cb(void *arg, const char *msg)
{
	log_warnx("%s", msg);
}

/* Show a generated password once, and only on a terminal. */
static void
web_announce_login(struct web *w, enum auth_source src, const char *file)
{
	if (src == AUTH_FROM_FILE && auth_file_loose(w->auth))
		log_warnx("%s is readable by other users; chmod 600 it",
		    file);
	if (src != AUTH_GENERATED)
		return;
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "\n"
		    "*** osprey: no web login was configured, so one was "
		    "generated ***\n"
		    "    user:     %s\n"
		    "    password: %s\n"
		    "    (stored in %s; edit it to change the login)\n\n",
		    auth_username(w->auth), auth_password(w->auth), file);
	} else
		log_warnx("no web login was configured: a password was "
		    "generated for user %s and stored in %s (shown only on "
		    "a terminal)", auth_username(w->auth), file);
}

static void
web_setup_auth(struct web *w)
{
	struct auth_config ac;
	enum auth_source src;
	char err[512], *file;
	int rc;

	file = web_expand(w, conf_get(w->conf, "httpd_auth_file",
	    "%h/.osprey/osprey_httpd.conf"));
	memset(&ac, 0, sizeof(ac));
	ac.username = conf_get(w->conf, "httpd_username", NULL);
	ac.password = conf_get(w->conf, "httpd_password", NULL);
	ac.auth_file = file;
	ac.session_timeout = web_uint(w, "httpd_session_timeout", 7200,
	    60, 30 * 86400);
	/* The core's (doc/web.md, "Sessions"); alone, a random one. */
	ac.session_secret = conf_get(w->conf, "session_secret", NULL);
	w->auth = auth_new();
	if ((rc = auth_setup(w->auth, &ac, &src, err, sizeof(err))) != 0)
		web_fail(w, -rc, "web login: %s", err);
	web_announce_login(w, src, file);
	free(file);
}

static void
web_setup_plugins(struct web *w)
{
	const char *dirs[2];
	char *user;
	bool allow;
	size_t n;

	if (conf_get_bool(w->conf, "allowplugins", true, &allow) != 0)
		web_fail(w, EINVAL, "allowplugins: expected true or false");
	if (!allow)
		return;
	user = web_expand(w, "%h/.osprey/plugins");
	dirs[0] = OSPREY_DATADIR "/plugins";
	dirs[1] = user;
	n = plugins_scan(&w->plugins, dirs, 2, web_plugin_note_cb, w);
	if (n > 0)
		log_info("%zu web plugin%s loaded", n, n == 1 ? "" : "s");
	free(user);
}

/*
 * Open the static file folders now: once the sandbox is on, files are
 * opened only below descriptors held from before.  A missing folder
 * just serves nothing.
 */
static void
web_open_roots(struct web *w)
{
	const char *home;
	struct passwd *pw;
	char *user;

	home = conf_get(w->conf, "httpd_home", OSPREY_DATADIR "/httpd");
	if ((w->home_fd = files_root_open(home)) < 0)
		log_info("httpd_home %s: %s; no web UI is served", home,
		    strerror(-w->home_fd));
	user = web_expand(w, conf_get(w->conf, "httpd_user_home",
	    "%h/.osprey/httpd"));
	w->user_home_fd = files_root_open(user);
	free(user);
	/* Looked up now: after the sandbox, NSS may not open what it wants. */
	pw = getpwuid(getuid());
	w->user_name = xstrdup(pw != NULL ? pw->pw_name : "");
}

/* The last steps before serving: no root, no capabilities, the filter. */
static void
web_lock_down(struct web *w)
{
	bool allow_root = false;
	int rc;

	if (conf_get_bool(w->conf, "allow_root", false, &allow_root) != 0)
		web_fail(w, EINVAL, "allow_root: expected true or false");
	if (privdrop_check_root(allow_root) != 0)
		web_fail(w, EPERM, "refusing to run as root (the core passes "
		    "allow_root when it runs with --allow-root; alone: "
		    "--allow-root)");
	if ((rc = caps_clear()) != 0)
		web_fail(w, -rc, "cannot drop capabilities: %s",
		    strerror(-rc));
	if ((rc = sandbox_enter(SANDBOX_WEB, SANDBOX_AFTER_BIND)) != 0)
		web_fail(w, -rc, "cannot enter the sandbox: %s",
		    strerror(-rc));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config-file", required_argument, NULL, 'f' },
		{ "set", required_argument, NULL, 'o' },
		{ "bridge-fd", required_argument, NULL, 'B' },
		{ "listen-fd", required_argument, NULL, 'L' },
		/* How the launcher and the core's process module pass it. */
		{ "ipc-fd", required_argument, NULL, 'B' },
		{ "in-fd", required_argument, NULL, 'B' },
		{ "out-fd", required_argument, NULL, 'B' },
		{ "allow-root", no_argument, NULL, 'R' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct web w;
	struct http_limits lim;
	struct core_hooks hooks;
	struct event *sigint, *sigterm;
	struct conf *args;
	const char *addr;
	char err[512], *end;
	long bridge_fd = -1, listen_fd = -1;
	int ch, port, rc;

	log_init("web", LOG_LEVEL_INFO);
	sandbox_announce();
	signal(SIGPIPE, SIG_IGN);
	memset(&w, 0, sizeof(w));
	w.bridge_fd = -1;
	w.conf = conf_new();
	args = conf_new();
	while ((ch = getopt_long(argc, argv, "df:o:h", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			if (conf_load_file(w.conf, optarg, err,
			    sizeof(err)) != 0)
				fatalx("%s", err);
			break;
		case 'o':
			/* Applied after the files, whatever the order. */
			if (conf_set_arg(args, optarg) != 0)
				fatalx("-o %s: expected KEY=VALUE", optarg);
			break;
		case 'B':
		case 'L':
			errno = 0;
			if (ch == 'B' && bridge_fd >= 0 &&
			    bridge_fd != strtol(optarg, NULL, 10))
				fatalx("--in-fd and --out-fd must be one "
				    "socket");
			if (ch == 'B')
				bridge_fd = strtol(optarg, &end, 10);
			else
				listen_fd = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || (ch == 'B' ?
			    bridge_fd : listen_fd) < 0 || (ch == 'B' ?
			    bridge_fd : listen_fd) > INT_MAX)
				fatalx("--%s: expected a file descriptor",
				    ch == 'B' ? "bridge-fd" : "listen-fd");
			break;
		case 'd':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'R':
			(void)conf_set(args, "allow_root", "true");
			break;
		case 'V':
			printf("osprey_web %s\n", OSPREY_VERSION);
			ch = 0;
			goto early;
		case 'h':
			web_usage(stdout);
			ch = 0;
			goto early;
		default:
			web_usage(stderr);
			ch = 2;
			goto early;
		}
	}
	if (optind != argc) {
		web_usage(stderr);
		ch = 2;
		goto early;
	}
	w.bridge_fd = (int)bridge_fd;
	if (bridge_fd >= 0 && (rc = core_read_config((int)bridge_fd,
	    WEB_CONFIG_TIMEOUT_MS, web_conf_set_cb, w.conf, err,
	    sizeof(err))) != 0)
		web_fail(&w, -rc, "bridge: %s", err);
	conf_merge(w.conf, args);
	conf_free(args);

	if ((w.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	w.started = (uint64_t)time(NULL);
	web_setup_auth(&w);

	lim.max_connections = web_uint(&w, "httpd_max_connections",
	    HTTP_DEF_CONNECTIONS, 1, 4096);
	lim.max_per_address = web_uint(&w,
	    "httpd_max_connections_per_address", HTTP_DEF_PER_ADDRESS, 1,
	    4096);
	lim.header_timeout_ms = web_uint(&w, "httpd_header_timeout_ms",
	    HTTP_DEF_HEADER_MS, 100, 600000);
	lim.max_header_bytes = web_uint(&w, "httpd_max_header_bytes",
	    HTTP_DEF_HEADER_BYTES, 1024, 1024 * 1024);
	lim.max_body_bytes = web_uint(&w, "httpd_max_body_bytes",
	    HTTP_DEF_BODY_BYTES, 1024, 64 * 1024 * 1024);
	lim.request_timeout_ms = web_uint(&w, "httpd_request_timeout_ms",
	    HTTP_DEF_REQUEST_MS, 100, 600000);
	lim.io_timeout_s = web_uint(&w, "httpd_io_timeout",
	    HTTP_DEF_IO_S, 1, 3600);
	w.http = http_new(w.base, w.auth, &lim, &w);
	addr = conf_get(w.conf, "httpd_bind_address", "0.0.0.0");
	port = (int)web_uint(&w, "httpd_port", 2501, 0, 65535);
	if (listen_fd < 0 && (listen_fd = web_listen(addr, (uint16_t)port,
	    err, sizeof(err))) < 0)
		web_fail(&w, (int)-listen_fd, "%s", err);
	if ((port = http_listen(w.http, (int)listen_fd, err,
	    sizeof(err))) < 0)
		web_fail(&w, -port, "%s", err);
	w.port = port;

	web_open_roots(&w);
	web_setup_plugins(&w);

	if (bridge_fd >= 0) {
		memset(&hooks, 0, sizeof(hooks));
		hooks.packet = web_core_packet_cb;
		hooks.packet_source = web_core_source_cb;
		hooks.lost = web_core_lost_cb;
		hooks.arg = &w;
		w.core = core_new(w.base, (int)bridge_fd, &hooks);
		if (core_hello(w.core, (uint32_t)port) != 0)
			web_fail(&w, EPIPE, "bridge: cannot send HELLO");
	}
	w.streams = pcapstreams_new(w.core, web_uint(&w,
	    "httpd_stream_buffer", PCAPSTREAM_DEF_BUFFER, 16 * 1024,
	    64 * 1024 * 1024), web_uint(&w, "httpd_max_streams",
	    PCAPSTREAM_DEF_STREAMS, 1, 1024));

	http_add_routes(w.http, api_system_routes, api_system_nroutes);
	http_add_routes(w.http, api_sources_routes, api_sources_nroutes);
	http_add_routes(w.http, api_devices_routes, api_devices_nroutes);
	http_add_routes(w.http, api_views_routes, api_views_nroutes);
	http_add_routes(w.http, api_alerts_routes, api_alerts_nroutes);
	http_add_routes(w.http, api_gps_routes, api_gps_nroutes);
	http_add_routes(w.http, api_packetchain_routes,
	    api_packetchain_nroutes);
	http_add_routes(w.http, api_kismetdb_routes, api_kismetdb_nroutes);
	http_set_fallback(w.http, api_system_static);

	sigint = evsignal_new(w.base, SIGINT, web_signal_cb, &w);
	sigterm = evsignal_new(w.base, SIGTERM, web_signal_cb, &w);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	web_lock_down(&w);

	/* The one line tests and the core wait for. */
	web_addr_text(addr, (unsigned)port, err, sizeof(err));
	log_info("listening on %s%s", err, w.core != NULL ?
	    "" : " (no core: device and source endpoints answer 503)");
	event_base_dispatch(w.base);

	pcapstreams_close_all(w.streams);
	http_free(w.http);
	/* Let libevent finalize the connections it has just freed. */
	event_base_loop(w.base, EVLOOP_NONBLOCK);
	pcapstreams_free(w.streams);
	core_free(w.core);
	event_free(sigint);
	event_free(sigterm);
	plugins_clear(&w.plugins);
	auth_free(w.auth);
	conf_free(w.conf);
	if (w.home_fd >= 0)
		close(w.home_fd);
	if (w.user_home_fd >= 0)
		close(w.user_home_fd);
	free(w.user_name);
	event_base_free(w.base);
	return 0;

early:
	/* --help, --version or a usage error: nothing started yet. */
	conf_free(args);
	conf_free(w.conf);
	return ch;
}
