/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz alert definitions and raises as the REST API passes them
 *
 * The input is cut at NUL bytes into the strings of a define_alert.cmd
 * (name, description, phyname, throttle, burst) and a raise_alerts.cmd
 * (text, bssid, source, dest, other, channel), as a client could send
 * them; the backlog and definitions are then packed.
 */

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[11];
	struct alerts *a;
	struct alerts_def d;
	struct alerts_raise r;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char *s, *p, err[256];
	size_t i;
	int rc;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0, p = s; i < 11; i++) {
		f[i] = p < s + size ? p : NULL;
		p = p < s + size ? p + strlen(p) + 1 : p;
	}
	a = alerts_new(NULL);
	memset(&d, 0, sizeof(d));
	d.name = f[0];
	d.description = f[1];
	d.phyname = f[2];
	d.throttle = f[3];
	d.burst = f[4];
	rc = alerts_define(a, &d, err, sizeof(err));
	assert(rc == 0 || rc == -EINVAL);
	memset(&r, 0, sizeof(r));
	r.name = f[0];
	r.text = f[5];
	r.bssid = f[6];
	r.source = f[7];
	r.dest = f[8];
	r.other = f[9];
	r.channel = f[10];
	for (i = 0; i < 3; i++) {
		r.now = (double)i;
		rc = alerts_raise(a, &r, err, sizeof(err));
		assert(rc == 0 || rc == -ENOENT || rc == -EINVAL ||
		    rc == -EDQUOT);
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	alerts_pack_definitions(a, &pk);
	alerts_pack_since(a, 0, &pk);
	msgpack_sbuffer_destroy(&sb);
	alerts_free(a);
	free(s);
	return 0;
}
