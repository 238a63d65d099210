/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for users' device names and tags and their files */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devnames.h"

#define KEY	"4202770D00000000_679EA5490726"

static char *
scratch(void)
{
	char *d = strdup("/tmp/osprey-devnames-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void
rm(const char *dir)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/device_names.0", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/device_names.1", dir);
	unlink(p);
	rmdir(dir);
}

/* What devnames_pack writes for key, as text "name|tag=value,...". */
static void
fields(const struct devnames *dn, const char *key, char *out, size_t len)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked u;
	size_t n, off = 0, i, used = 0;
	uint32_t j;

	out[0] = '\0';
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	n = devnames_pack(dn, key, NULL);
	assert_int_equal(devnames_pack(dn, key, &pk), n);
	msgpack_unpacked_init(&u);
	for (i = 0; i < 2 * n; i += 2) {
		const msgpack_object *k, *v;

		assert_int_equal(msgpack_unpack_next(&u, sb.data, sb.size,
		    &off), MSGPACK_UNPACK_SUCCESS);
		k = &u.data;
		assert_int_equal(k->type, MSGPACK_OBJECT_STR);
		if (k->via.str.size == 27) {	/* ...username */
			assert_int_equal(msgpack_unpack_next(&u, sb.data,
			    sb.size, &off), MSGPACK_UNPACK_SUCCESS);
			used += snprintf(out + used, len - used, "%.*s|",
			    (int)u.data.via.str.size, u.data.via.str.ptr);
			continue;
		}
		assert_int_equal(msgpack_unpack_next(&u, sb.data, sb.size,
		    &off), MSGPACK_UNPACK_SUCCESS);
		v = &u.data;
		for (j = 0; j < v->via.map.size; j++)
			used += snprintf(out + used, len - used, "%.*s=%.*s,",
			    (int)v->via.map.ptr[j].key.via.str.size,
			    v->via.map.ptr[j].key.via.str.ptr,
			    (int)v->via.map.ptr[j].val.via.str.size,
			    v->via.map.ptr[j].val.via.str.ptr);
	}
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
}

/* Names with spaces and newlines come back from the files as they were. */
static void
test_set_and_reload(void **state)
{
	char *dir = scratch(), err[512], got[512];
	struct devnames *dn = devnames_open(dir, err, sizeof(err));

	assert_string_equal(err, "");
	assert_int_equal(devnames_set_name(dn, KEY, "Lobby AP\n2% off", err,
	    sizeof(err)), 0);
	assert_int_equal(devnames_set_tag(dn, KEY, "floor", "2", err,
	    sizeof(err)), 0);
	assert_int_equal(devnames_set_tag(dn, KEY, "note", "by the stairs",
	    err, sizeof(err)), 0);
	assert_int_equal(devnames_set_tag(dn, KEY, "floor", "", err,
	    sizeof(err)), 0);
	fields(dn, KEY, got, sizeof(got));
	assert_string_equal(got, "Lobby AP\n2% off|note=by the stairs,");
	devnames_free(dn);

	dn = devnames_open(dir, err, sizeof(err));
	assert_string_equal(err, "");
	fields(dn, KEY, got, sizeof(got));
	assert_string_equal(got, "Lobby AP\n2% off|note=by the stairs,");
	/* Clearing everything drops the device. */
	assert_int_equal(devnames_set_name(dn, KEY, "", err, sizeof(err)), 0);
	assert_int_equal(devnames_set_tag(dn, KEY, "note", "", err,
	    sizeof(err)), 0);
	assert_int_equal(devnames_count(dn), 0);
	assert_int_equal(devnames_pack(dn, KEY, NULL), 0);
	devnames_free(dn);
	rm(dir);
	free(dir);
}

/* A file cut short (a crash mid-write) leaves the other one in charge. */
static void
test_cut_file_falls_back(void **state)
{
	char *dir = scratch(), err[512], got[512], p[512];
	struct devnames *dn = devnames_open(dir, err, sizeof(err));
	FILE *f;

	assert_int_equal(devnames_set_name(dn, KEY, "one", err, sizeof(err)),
	    0);		/* generation 1, file 0 */
	assert_int_equal(devnames_set_name(dn, KEY, "two", err, sizeof(err)),
	    0);		/* generation 2, file 1 */
	devnames_free(dn);
	snprintf(p, sizeof(p), "%s/device_names.1", dir);
	assert_non_null(f = fopen(p, "w"));
	fputs("osprey-device-names 1 2\nn " KEY " tw", f);
	fclose(f);
	dn = devnames_open(dir, err, sizeof(err));
	assert_non_null(strstr(err, "device_names.1 is not whole"));
	fields(dn, KEY, got, sizeof(got));
	assert_string_equal(got, "one|");
	/* The next write goes over the bad file, as generation 2. */
	assert_int_equal(devnames_set_name(dn, KEY, "three", err,
	    sizeof(err)), 0);
	devnames_free(dn);
	dn = devnames_open(dir, err, sizeof(err));
	assert_string_equal(err, "");
	fields(dn, KEY, got, sizeof(got));
	assert_string_equal(got, "three|");
	devnames_free(dn);
	rm(dir);
	free(dir);
}

static void
test_refusals_and_parse(void **state)
{
	struct devnames *dn = devnames_open(NULL, (char[64]){ 0 }, 64);
	char err[256], big[DEVNAMES_NAME_MAX + 2];
	uint64_t gen = 0;
	const char ok[] = "osprey-device-names 1 7\nn K a%20b\nt K x y\nend\n";
	int i;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(devnames_set_name(dn, KEY, big, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(devnames_set_tag(dn, KEY, "", "v", err, sizeof(err)),
	    -EINVAL);
	for (i = 0; i < DEVNAMES_TAGS_MAX; i++) {
		char t[16];

		snprintf(t, sizeof(t), "t%d", i);
		assert_int_equal(devnames_set_tag(dn, KEY, t, "v", err,
		    sizeof(err)), 0);
	}
	assert_int_equal(devnames_set_tag(dn, KEY, "one-more", "v", err,
	    sizeof(err)), -ENOSPC);
	assert_int_equal(devnames_parse(dn, ok, sizeof(ok) - 1, &gen), 0);
	assert_int_equal(gen, 7);
	assert_int_equal(devnames_pack(dn, "K", NULL), 2);
	assert_int_equal(devnames_parse(dn, ok, sizeof(ok) - 6, &gen),
	    -EBADMSG);
	assert_int_equal(devnames_count(dn), 0);
	assert_int_equal(devnames_parse(dn, "n K %zz\n", 8, &gen), -EBADMSG);
	devnames_free(dn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_reload),
		cmocka_unit_test(test_cut_file_falls_back),
		cmocka_unit_test(test_refusals_and_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
