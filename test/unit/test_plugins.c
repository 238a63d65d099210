/* SPDX-License-Identifier: ISC */
/*
 * \summary: unit tests for plugin manifests, the scan and safe file opening
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "files.h"
#include "plugins.h"

static char tmpdir[64];

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	/* Checked, not ignored: -O3 sees dir may fill the buffer. */
	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) <
	    (int)sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
make_dir(const char *fmt, const char *a, const char *b)
{
	char path[512];

	snprintf(path, sizeof(path), fmt, a, b);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int
setup(void **state)
{
	char p[512];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/osprey-test-plugins-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	/* plugins/good: a valid plugin with a js module. */
	make_dir("%s/plugins", tmpdir, NULL);
	make_dir("%s/plugins/%s", tmpdir, "good");
	make_dir("%s/plugins/%s", tmpdir, "good/httpd");
	make_dir("%s/plugins/%s", tmpdir, "good/httpd/js");
	snprintf(p, sizeof(p), "%s/plugins/good", tmpdir);
	write_file(p, "manifest.conf", "name=good\nversion=1.0\n"
	    "description=A good one\nauthor=Test\n"
	    "js=osprey_ui_good,/plugin/good/js/good.js\n");
	write_file(p, "httpd/js/good.js", "console.log('good');\n");
	write_file(p, "httpd/index.html", "<p>good</p>\n");
	write_file(p, "secret.txt", "outside httpd\n");
	/* A symlink inside httpd/ to a file outside it, and one inside. */
	snprintf(p, sizeof(p), "%s/plugins/good/httpd/leak", tmpdir);
	if (symlink("../secret.txt", p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/plugins/good/httpd/alias.js", tmpdir);
	if (symlink("js/good.js", p) != 0)
		return -1;
	/* plugins/binary: a Kismet plugin with code. */
	make_dir("%s/plugins/%s", tmpdir, "binary");
	make_dir("%s/plugins/%s", tmpdir, "binary/httpd");
	snprintf(p, sizeof(p), "%s/plugins/binary", tmpdir);
	write_file(p, "manifest.conf", "name=binary\nversion=1\nobject=x.so\n");
	/* plugins/nohttpd: valid manifest, no httpd/. */
	make_dir("%s/plugins/%s", tmpdir, "nohttpd");
	snprintf(p, sizeof(p), "%s/plugins/nohttpd", tmpdir);
	write_file(p, "manifest.conf", "name=nohttpd\nversion=1\n");
	/* plugins/nomanifest */
	make_dir("%s/plugins/%s", tmpdir, "nomanifest");
	/* plugins/zdup: the same name as good. */
	make_dir("%s/plugins/%s", tmpdir, "zdup");
	make_dir("%s/plugins/%s", tmpdir, "zdup/httpd");
	snprintf(p, sizeof(p), "%s/plugins/zdup", tmpdir);
	write_file(p, "manifest.conf", "name=good\nversion=2\n");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_manifest_parse(void **state)
{
	struct plugin p;
	char err[256];

#define PARSE(s) plugins_manifest_parse(s, strlen(s), "/d", &p, err, \
	    sizeof(err))
	assert_int_equal(PARSE("name=a-b_c\nversion=1\n"), 0);
	assert_string_equal(p.name, "a-b_c");
	assert_string_equal(p.description, "");
	assert_null(p.js_module);
	assert_string_equal(p.httpd, "/d/httpd");
	plugins_clear_one(&p);
	assert_int_equal(PARSE("name=x\nversion=1\njs=mod.sub,/plugin/x/a.js"
	    "\nfuture_key=ignored\n"), 0);
	assert_string_equal(p.js_module, "mod.sub");
	assert_string_equal(p.js_path, "/plugin/x/a.js");
	plugins_clear_one(&p);

	assert_int_equal(PARSE("version=1\n"), -EINVAL);
	assert_non_null(strstr(err, "name="));
	assert_int_equal(PARSE("name=../x\nversion=1\n"), -EINVAL);
	assert_int_equal(PARSE("name=a b\nversion=1\n"), -EINVAL);
	assert_int_equal(PARSE("name=x\n"), -EINVAL);
	assert_non_null(strstr(err, "version="));
	assert_int_equal(PARSE("name=x\nversion=1\nobject=x.so\n"), -EINVAL);
	assert_int_equal(PARSE("name=x\nversion=1\njs=mod\n"), -EINVAL);
	assert_int_equal(PARSE("name=x\nversion=1\njs=mod,/plugin/y/a.js\n"),
	    -EINVAL);
	assert_int_equal(PARSE("name=x\nversion=1\njs=mod,/plugin/x/../a\n"),
	    -EINVAL);
	assert_int_equal(PARSE("name=x\nversion=1\njs=m<,/plugin/x/a.js\n"),
	    -EINVAL);
	assert_int_equal(PARSE("name=x\nversion=1\njs=mod,/plugin/x/a\"b\n"),
	    -EINVAL);
	assert_int_equal(PARSE("name=x\nversion=1\ngarbage line\n"), -EINVAL);
	assert_non_null(strstr(err, "line 3"));
#undef PARSE
}

struct notes {
	int	 n;
	char	 all[2048];
};

static void
note_cb(void *arg, const char *msg)
{
	struct notes *nt = arg;

	nt->n++;
	strncat(nt->all, msg, sizeof(nt->all) - strlen(nt->all) - 2);
	strcat(nt->all, "\n");
}

static void
test_scan_and_list(void **state)
{
	struct plugins ps = { 0 };
	struct notes nt = { 0 };
	struct evbuffer *b = evbuffer_new();
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char dir[128], *js;
	const char *dirs[2];
	size_t len;

	snprintf(dir, sizeof(dir), "%s/plugins", tmpdir);
	dirs[0] = dir;
	dirs[1] = "/nonexistent/plugins";
	assert_int_equal(plugins_scan(&ps, dirs, 2, note_cb, &nt), 1);
	assert_int_equal(ps.n, 1);
	assert_non_null(plugins_find(&ps, "good", 4));
	assert_null(plugins_find(&ps, "goo", 3));
	/* Each skipped folder is said once, with why. */
	assert_int_equal(nt.n, 4);
	assert_non_null(strstr(nt.all, "binary skipped: object="));
	assert_non_null(strstr(nt.all, "nohttpd skipped: no httpd/"));
	assert_non_null(strstr(nt.all, "nomanifest skipped: no manifest"));
	assert_non_null(strstr(nt.all, "zdup skipped: another plugin"));

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	plugins_pack(&ps, &pk);
	assert_non_null(memmem(sb.data, sb.size, "kismet.plugin.jsmodule",
	    22));
	assert_non_null(memmem(sb.data, sb.size, "osprey_ui_good", 14));
	msgpack_sbuffer_destroy(&sb);

	plugins_dynamic_js(&ps, b);
	len = evbuffer_get_length(b);
	js = malloc(len + 1);
	evbuffer_remove(b, js, len);
	js[len] = '\0';
	assert_non_null(strstr(js, "\"module\": \"osprey_ui_good\""));
	assert_non_null(strstr(js,
	    "\"js\": \"\\/plugin\\/good\\/js\\/good.js\""));
	free(js);
	evbuffer_free(b);
	plugins_clear(&ps);
	assert_int_equal(ps.n, 0);
}

static int
try_open(int root, const char *rel)
{
	struct stat st;
	int fd, rc;

	rc = files_open(root, rel, strlen(rel), &fd, &st);
	if (rc == 0)
		close(fd);
	return rc;
}

static void
test_files_stay_inside(void **state)
{
	char path[128];
	struct stat st;
	int root, fd, before, after;

	snprintf(path, sizeof(path), "%s/plugins/good/httpd", tmpdir);
	root = files_root_open(path);
	assert_true(root >= 0);
	assert_int_equal(files_root_open("/nonexistent/httpd"), -ENOENT);
	assert_int_equal(try_open(root, "js/good.js"), 0);
	assert_int_equal(try_open(root, "/js/good.js"), 0);
	assert_int_equal(try_open(root, "js//good.js"), 0);
	assert_int_equal(files_open(root, "", 0, &fd, &st), 0);
	assert_int_equal(st.st_size, 12);	/* index.html */
	close(fd);
	assert_int_equal(try_open(root, "js"), -ENOENT); /* no index.html */
	assert_int_equal(try_open(root, "missing.js"), -ENOENT);
	assert_int_equal(try_open(root, "index.html/x"), -ENOENT);
	/* Every way up and out is refused. */
	assert_int_equal(try_open(root, "../secret.txt"), -EACCES);
	assert_int_equal(try_open(root, "js/../../secret.txt"), -EACCES);
	assert_int_equal(try_open(root, "js/../index.html"), -EACCES);
	assert_int_equal(try_open(root, "./index.html"), -EACCES);
	assert_int_equal(try_open(root, ".."), -EACCES);
	assert_int_equal(files_open(root, "index.html\0x", 12, &fd, &st),
	    -EACCES);
	/* No symlink is followed: not out of the folder, nor inside it. */
	assert_int_equal(try_open(root, "leak"), -EACCES);
	assert_int_equal(try_open(root, "alias.js"), -EACCES);
	/* Names with dots that are not "." or ".." are fine. */
	assert_int_equal(try_open(root, "js/..good.js"), -ENOENT);
	/* No descriptor is left behind, whatever the answer. */
	before = dup(0);
	close(before);
	(void)try_open(root, "js/../../secret.txt");
	(void)try_open(root, "js/missing/deeper");
	(void)try_open(root, "index.html/x");
	after = dup(0);
	close(after);
	assert_int_equal(before, after);
	close(root);

	assert_string_equal(files_mime("a/b.JS"), "application/javascript");
	assert_string_equal(files_mime("x.html"), "text/html; charset=utf-8");
	assert_string_equal(files_mime("x.svg"), "image/svg+xml");
	assert_string_equal(files_mime("x.woff2"), "font/woff2");
	assert_string_equal(files_mime("noext"), "application/octet-stream");
	assert_string_equal(files_mime("dir.d/noext"),
	    "application/octet-stream");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test(test_scan_and_list),
		cmocka_unit_test(test_files_stay_inside),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
