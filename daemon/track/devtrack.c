/* SPDX-License-Identifier: ISC */
/* \summary: the core's device tracking: config, clock, expiry, JSON dump */

#include <sys/time.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <msgpack.h>
#include <yajl/yajl_gen.h>

#include "config.h"
#include "devrec.h"
#include "devtrack.h"
#include "mpjson.h"
#include "oui.h"
#include "tracker.h"
#include "xmalloc.h"

/* Far above any real site; keeps the hash table's growth in range. */
#define DEVTRACK_MAX_DEVICES	(64ULL * 1024 * 1024)

struct devtrack {
	struct tracker	*tr;
	struct oui_db	*oui;
	struct event	*ev_expire;
};

/* A key's value, with "key=" (nothing after it) read as absent. */
static int
devtrack_uint(const struct config *cfg, const char *key, uint64_t max,
    uint64_t *ret, char *err, size_t errlen)
{
	const char *v = config_get(cfg, key);

	if (v != NULL && v[0] == '\0') {
		*ret = 0;
		return 0;
	}
	return config_get_uint(cfg, key, 0, max, ret, err, errlen);
}

static void
devtrack_expire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct devtrack *dt = arg;
	struct timeval tv;

	/* Packets move the clock while they come; this is for silence. */
	gettimeofday(&tv, NULL);
	tracker_set_clock(dt->tr, (uint64_t)tv.tv_sec * 1000000 +
	    (uint64_t)tv.tv_usec);
}

static int
devtrack_load_oui(struct devtrack *dt, const struct config *cfg,
    struct devtrack_info *info, char *err, size_t errlen)
{
	const struct config_entry *e = config_entry(cfg, "ouifile");
	struct oui_stats st;
	int r;

	if (e != NULL && e->value[0] != '\0') {
		snprintf(info->oui_source, sizeof(info->oui_source), "%s",
		    e->value);
		if ((r = oui_db_open(e->value, NULL, &dt->oui)) < 0) {
			snprintf(err, errlen, "%s:%u: ouifile: %s: %s",
			    e->file, e->line, e->value, r == -EBADMSG ?
			    "no usable line" : strerror(-r));
			return r;
		}
	} else {
		snprintf(info->oui_source, sizeof(info->oui_source), "%s",
		    OUI_DEFAULT_DIR);
		/* Without the registry devices still track, unnamed. */
		if ((r = oui_db_open(NULL, NULL, &dt->oui)) < 0) {
			info->oui_error = r;
			dt->oui = NULL;
			return 0;
		}
	}
	oui_db_stats(dt->oui, &st);
	info->oui_prefixes = st.n_mal + st.n_mam + st.n_mas;
	return 0;
}

int
devtrack_new(struct event_base *base, const struct config *cfg,
    struct devtrack **ret, struct devtrack_info *info, char *err,
    size_t errlen)
{
	struct tracker_config tc;
	struct devtrack *dt;
	struct timeval tv = { DEVTRACK_EXPIRE_MS / 1000,
	    (DEVTRACK_EXPIRE_MS % 1000) * 1000 };
	uint64_t max, timeout;
	int r;

	memset(info, 0, sizeof(*info));
	if ((r = devtrack_uint(cfg, "tracker_max_devices",
	    DEVTRACK_MAX_DEVICES, &max, err, errlen)) < 0 ||
	    (r = devtrack_uint(cfg, "tracker_device_timeout", UINT32_MAX,
	    &timeout, err, errlen)) < 0)
		return r;
	dt = xcalloc(1, sizeof(*dt));
	if ((r = devtrack_load_oui(dt, cfg, info, err, errlen)) < 0) {
		free(dt);
		return r;
	}
	tracker_config_default(&tc);
	tc.max_devices = (size_t)max;
	tc.device_timeout = (uint32_t)timeout;
	tc.oui = dt->oui;
	dt->tr = tracker_new(&tc);
	info->max_devices = tracker_config(dt->tr)->max_devices;
	info->device_timeout = tc.device_timeout;
	if (base != NULL && tc.device_timeout > 0) {
		dt->ev_expire = event_new(base, -1, EV_PERSIST,
		    devtrack_expire_cb, dt);
		if (dt->ev_expire == NULL ||
		    event_add(dt->ev_expire, &tv) < 0) {
			snprintf(err, errlen, "cannot start the device "
			    "expiry timer");
			devtrack_free(dt);
			return -ENOMEM;
		}
	}
	*ret = dt;
	return 0;
}

void
devtrack_free(struct devtrack *dt)
{
	if (dt == NULL)
		return;
	if (dt->ev_expire != NULL)
		event_free(dt->ev_expire);
	tracker_free(dt->tr);
	oui_db_free(dt->oui);
	free(dt);
}

struct tracker *
devtrack_tracker(struct devtrack *dt)
{
	return dt->tr;
}

static void
devtrack_print_cb(void *ctx, const char *s, size_t len)
{
	(void)fwrite(s, 1, len, ctx);
}

int64_t
devtrack_write_json(const struct tracker *tr, int fd,
    const struct devrec_opts *opts)
{
	const struct device *d;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	yajl_gen g;
	int64_t n = 0;
	FILE *fp;
	int r = 0, e;

	if ((fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		return -e;
	}
	if ((g = yajl_gen_alloc(NULL)) == NULL) {
		fclose(fp);
		return -ENOMEM;
	}
	yajl_gen_config(g, yajl_gen_print_callback, devtrack_print_cb, fp);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	fputs("[", fp);
	/*
	 * One record a line: the file stays a JSON array for a parser and
	 * greps and diffs like a log for a person.
	 */
	for (d = tracker_first(tr); d != NULL && r == 0;
	    d = tracker_next(d)) {
		msgpack_sbuffer_clear(&sb);
		devrec_pack(&pk, tr, d, opts);
		fputs(n == 0 ? "\n" : ",\n", fp);
		yajl_gen_reset(g, NULL);
		r = mpjson_gen_packed(g, sb.data, sb.size, 0);
		n++;
	}
	fputs(n == 0 ? "]\n" : "\n]\n", fp);
	msgpack_sbuffer_destroy(&sb);
	yajl_gen_free(g);
	e = fflush(fp) != 0 ? errno : ferror(fp) ? EIO : 0;
	if (fclose(fp) != 0 && e == 0)
		e = errno;
	if (r < 0)
		return r;
	return e != 0 ? -e : n;
}
