/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the gpsd JSON parser, alone and behind a gpsd receiver
 *
 * The input is cut into lines at '\n'; each goes to gpsdjson_parse(),
 * whose reports must be in range, then through a gpsd receiver of the
 * GPS layer, whose answers must pack.
 */

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "gps.h"
#include "log.h"
#include "gpsdjson.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char uuid[] = "00000000-0000-0000-0000-0000000000bb";
	struct gps_deps deps = { NULL, NULL, NULL };
	enum gpsdjson_class cls;
	struct gps_report r;
	struct gps *g;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	const uint8_t *p = data, *nl;
	char err[128], text[64];
	size_t n;
	int rc;

	/* The receiver's state changes are told: not here, thousands a
	 * second. */
	log_set_level(LOG_LEVEL_ERROR);
	g = gps_new(&deps);
	rc = gps_add(g, "gpsd:uuid=00000000-0000-0000-0000-0000000000bb",
	    NULL, err, sizeof(err));
	assert(rc == 0);
	while (p < data + size) {
		nl = memchr(p, '\n', (size_t)(data + size - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(data + size - p);
		rc = gpsdjson_parse((const char *)p, n, &r, &cls, text,
		    sizeof(text));
		assert(rc == 0 || rc == -EBADMSG || rc == -EMSGSIZE);
		if (rc == 0 && (r.has & GPS_HAS_POS))
			assert(fabs(r.lat) <= 90 && fabs(r.lon) <= 180 &&
			    r.fix >= 2);
		if (rc == 0)
			assert(strlen(text) < sizeof(text));
		(void)gps_feed(g, uuid, (const char *)p, n);
		p += n + 1;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	gps_pack_location(g, &pk);
	gps_pack_all(g, &pk);
	msgpack_sbuffer_destroy(&sb);
	gps_free(g);
	return 0;
}
