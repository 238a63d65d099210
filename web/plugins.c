/* SPDX-License-Identifier: ISC */
/* \summary: web-only plugins: manifest.conf, the plugin list, dynamic.js */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "bridge.h"
#include "conf.h"
#include "files.h"
#include "format.h"
#include "plugins.h"
#include "xmalloc.h"

struct plugins_parse {
	struct plugin	*p;
	bool		 object;
	char		*js;
};

static int
plugins_line_cb(void *arg, const char *key, const char *value,
    unsigned line)
{
	struct plugins_parse *pp = arg;
	char **slot = NULL;

	if (strcmp(key, "name") == 0)
		slot = &pp->p->name;
	else if (strcmp(key, "version") == 0)
		slot = &pp->p->version;
	else if (strcmp(key, "description") == 0)
		slot = &pp->p->description;
	else if (strcmp(key, "author") == 0)
		slot = &pp->p->author;
	else if (strcmp(key, "js") == 0)
		slot = &pp->js;
	else if (strcmp(key, "object") == 0)
		pp->object = true;
	/* Other keys are for other tools (Kismet's plugins have more). */
	if (slot != NULL) {
		free(*slot);
		*slot = xstrdup(value);
	}
	return 0;
}

static bool
plugins_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= PLUGINS_MAX_NAME && strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") == n;
}

static bool
plugins_module_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 128 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_$.", s[i]) == NULL ||
		    s[i] == '\0')
			return false;
	return true;
}

/* PATH of js=: under /plugin/NAME/, plain characters, no "..". */
static bool
plugins_js_path_ok(const char *path, const char *name)
{
	char prefix[PLUGINS_MAX_NAME + 16];
	size_t n = strlen(path);

	snprintf(prefix, sizeof(prefix), "/plugin/%s/", name);
	return n > strlen(prefix) && n <= 512 &&
	    strncmp(path, prefix, strlen(prefix)) == 0 &&
	    strstr(path, "..") == NULL && strstr(path, "//") == NULL &&
	    strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-./") == n;
}

void
plugins_clear_one(struct plugin *p)
{
	free(p->name);
	free(p->version);
	free(p->description);
	free(p->author);
	free(p->js_module);
	free(p->js_path);
	free(p->dir);
	free(p->httpd);
	if (p->httpd_fd >= 0)
		close(p->httpd_fd);
	memset(p, 0, sizeof(*p));
	p->httpd_fd = -1;
}

int
plugins_manifest_parse(const char *text, size_t len, const char *dir,
    struct plugin *ret, char *err, size_t errlen)
{
	struct plugin p;
	struct plugins_parse pp;
	const char *comma;
	char why[256];

	memset(&p, 0, sizeof(p));
	p.httpd_fd = -1;
	memset(&pp, 0, sizeof(pp));
	pp.p = &p;
	if (len > PLUGINS_MAX_MANIFEST) {
		snprintf(err, errlen, "manifest.conf over %d bytes",
		    PLUGINS_MAX_MANIFEST);
		return -EINVAL;
	}
	if (conf_parse(text, len, plugins_line_cb, &pp, why,
	    sizeof(why)) != 0) {
		snprintf(err, errlen, "manifest.conf %s", why);
		goto bad;
	}
	if (pp.object) {
		snprintf(err, errlen, "object= names a binary plugin; only "
		    "web plugins are supported");
		goto bad;
	}
	if (p.name == NULL || !plugins_name_ok(p.name)) {
		snprintf(err, errlen, "name= missing or not 1-%d letters, "
		    "digits, '-' or '_'", PLUGINS_MAX_NAME);
		goto bad;
	}
	if (p.version == NULL || p.version[0] == '\0') {
		snprintf(err, errlen, "version= missing");
		goto bad;
	}
	if (pp.js != NULL) {
		comma = strchr(pp.js, ',');
		if (comma == NULL || !plugins_module_ok(pp.js,
		    (size_t)(comma - pp.js)) ||
		    !plugins_js_path_ok(comma + 1, p.name)) {
			snprintf(err, errlen, "js= must be MODULE,/plugin/%s/"
			    "PATH", p.name);
			goto bad;
		}
		p.js_module = xstrndup(pp.js, (size_t)(comma - pp.js));
		p.js_path = xstrdup(comma + 1);
	}
	if (p.description == NULL)
		p.description = xstrdup("");
	if (p.author == NULL)
		p.author = xstrdup("");
	p.dir = xstrdup(dir);
	xasprintf(&p.httpd, "%s/httpd", dir);
	free(pp.js);
	*ret = p;
	return 0;
bad:
	free(pp.js);
	plugins_clear_one(&p);
	return -EINVAL;
}

static int
plugins_read(const char *path, char **ret, size_t *ret_len)
{
	struct stat st;
	size_t off = 0;
	ssize_t n;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > PLUGINS_MAX_MANIFEST) {
		close(fd);
		return -EINVAL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size && (n = read(fd, buf + off,
	    (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	*ret = buf;
	*ret_len = off;
	return 0;
}

static void
plugins_note(void (*note)(void *, const char *), void *arg, const char *fmt,
    const char *a, const char *b)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, a, b);
	if (note != NULL)
		note(arg, msg);
}

static void
plugins_try(struct plugins *ps, const char *dir,
    void (*note)(void *, const char *), void *arg)
{
	char *manifest, *text = NULL, err[256];
	struct plugin p;
	struct stat st;
	size_t len = 0;
	int rc;

	xasprintf(&manifest, "%s/manifest.conf", dir);
	rc = plugins_read(manifest, &text, &len);
	free(manifest);
	if (rc != 0) {
		plugins_note(note, arg, "plugin %s skipped: %s", dir,
		    rc == -ENOENT ? "no manifest.conf" :
		    "manifest.conf unreadable or too big");
		return;
	}
	rc = plugins_manifest_parse(text, len, dir, &p, err, sizeof(err));
	free(text);
	if (rc != 0) {
		plugins_note(note, arg, "plugin %s skipped: %s", dir, err);
		return;
	}
	/* Held open: files are served from it after the sandbox is on. */
	if (stat(p.httpd, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    (p.httpd_fd = files_root_open(p.httpd)) < 0) {
		plugins_note(note, arg, "plugin %s skipped: %s",
		    dir, "no httpd/ folder");
		plugins_clear_one(&p);
		return;
	}
	if (plugins_find(ps, p.name, strlen(p.name)) != NULL) {
		plugins_note(note, arg, "plugin %s skipped: another plugin "
		    "is already called %s", dir, p.name);
		plugins_clear_one(&p);
		return;
	}
	if (ps->n >= PLUGINS_MAX) {
		plugins_note(note, arg, "plugin %s skipped: more than %s "
		    "plugins", dir, "64");
		plugins_clear_one(&p);
		return;
	}
	ps->list = xreallocarray(ps->list, ps->n + 1, sizeof(*ps->list));
	ps->list[ps->n++] = p;
}

size_t
plugins_scan(struct plugins *ps, const char *const *dirs, size_t n,
    void (*note)(void *, const char *), void *arg)
{
	struct dirent **names;
	struct stat st;
	size_t i, before = ps->n;
	char *sub;
	int j, k;

	for (i = 0; i < n; i++) {
		/* Sorted, so that the same name always wins a clash. */
		if ((k = scandir(dirs[i], &names, NULL, alphasort)) < 0)
			continue;
		for (j = 0; j < k; j++) {
			if (names[j]->d_name[0] != '.') {
				xasprintf(&sub, "%s/%s", dirs[i],
				    names[j]->d_name);
				if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
					plugins_try(ps, sub, note, arg);
				free(sub);
			}
			free(names[j]);
		}
		free(names);
	}
	return ps->n - before;
}

void
plugins_clear(struct plugins *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		plugins_clear_one(&ps->list[i]);
	free(ps->list);
	ps->list = NULL;
	ps->n = 0;
}

const struct plugin *
plugins_find(const struct plugins *ps, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strlen(ps->list[i].name) == len &&
		    memcmp(ps->list[i].name, name, len) == 0)
			return &ps->list[i];
	return NULL;
}

void
plugins_pack(const struct plugins *ps, msgpack_packer *pk)
{
	const struct plugin *p;
	size_t i;

	msgpack_pack_array(pk, ps->n);
	for (i = 0; i < ps->n; i++) {
		p = &ps->list[i];
		msgpack_pack_map(pk, 8);
		bridge_pack_kv_str(pk, "kismet.plugin.name", p->name);
		bridge_pack_kv_str(pk, "kismet.plugin.version", p->version);
		bridge_pack_kv_str(pk, "kismet.plugin.description",
		    p->description);
		bridge_pack_kv_str(pk, "kismet.plugin.author", p->author);
		bridge_pack_kv_str(pk, "kismet.plugin.dirname", p->dir);
		bridge_pack_kv_str(pk, "kismet.plugin.shlib_object", "");
		bridge_pack_kv_str(pk, "kismet.plugin.jsmodule",
		    p->js_module != NULL ? p->js_module : "");
		bridge_pack_kv_str(pk, "kismet.plugin.js",
		    p->js_path != NULL ? p->js_path : "");
	}
}

void
plugins_dynamic_js(const struct plugins *ps, struct evbuffer *out)
{
	const struct plugin *p;
	size_t i;

	evbuffer_add_printf(out, "/* osprey: plugin modules the UI loads at "
	    "start (generated) */\nvar osprey_plugins = [\n");
	for (i = 0; i < ps->n; i++) {
		p = &ps->list[i];
		if (p->js_module == NULL)
			continue;
		evbuffer_add_printf(out, "    { \"name\": ");
		format_json_string(out, p->name, strlen(p->name));
		evbuffer_add_printf(out, ", \"module\": ");
		format_json_string(out, p->js_module, strlen(p->js_module));
		evbuffer_add_printf(out, ", \"js\": ");
		format_json_string(out, p->js_path, strlen(p->js_path));
		evbuffer_add_printf(out, " },\n");
	}
	evbuffer_add_printf(out, "];\n"
	    "function getDynamicIncludes() {\n"
	    "    return osprey_plugins.map(function (p) { return p.js; });\n"
	    "}\n");
}
