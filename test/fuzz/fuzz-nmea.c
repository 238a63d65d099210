/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the NMEA parser, alone and behind a serial receiver
 *
 * The input is cut into lines at '\n'.  Each line goes to nmea_parse()
 * with one state for the whole input (sentences depend on the ones
 * before), and whatever it reports must be in range; the same lines then
 * go through a receiver of the GPS layer, whose answers must pack.
 */

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <msgpack.h>

#include "gps.h"
#include "log.h"
#include "nmea.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct gps_report *r)
{
	if (r->has & GPS_HAS_POS)
		assert(fabs(r->lat) <= 90 && fabs(r->lon) <= 180);
	if (r->has & GPS_HAS_FIX)
		assert(r->fix >= 1 && r->fix <= 3);
	if (r->has & GPS_HAS_ALT)
		assert(isfinite(r->alt));
	if (r->has & GPS_HAS_SPEED)
		assert(isfinite(r->speed) && r->speed >= 0);
	if (r->has & GPS_HAS_HEADING)
		assert(r->heading >= 0 && r->heading <= 360);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gps_deps deps = { NULL, NULL, NULL };
	const struct gps_dev *dev;
	struct gps_report r;
	struct nmea st;
	struct gps *g;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	const uint8_t *p = data, *nl;
	char err[128], uuid[64];
	size_t n;
	int rc;

	/* The receiver's state changes are told: not here, thousands a
	 * second. */
	log_set_level(LOG_LEVEL_ERROR);
	nmea_init(&st);
	g = gps_new(&deps);
	rc = gps_add(g, "serial:device=/dev/null,uuid="
	    "00000000-0000-0000-0000-0000000000aa", &dev, err, sizeof(err));
	assert(rc == 0);
	snprintf(uuid, sizeof(uuid), "00000000-0000-0000-0000-0000000000aa");
	while (p < data + size) {
		nl = memchr(p, '\n', (size_t)(data + size - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(data + size - p);
		memset(&r, 0, sizeof(r));
		rc = nmea_parse(&st, (const char *)p, n, &r);
		assert(rc == 0 || rc == 1 || rc == -EBADMSG ||
		    rc == -EMSGSIZE);
		if (rc == 1)
			check(&r);
		(void)gps_feed(g, uuid, (const char *)p, n);
		p += n + 1;
	}
	gps_locate(g, &(struct packet_loc){ 0 });
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	gps_pack_location(g, &pk);
	gps_pack_all(g, &pk);
	msgpack_sbuffer_destroy(&sb);
	gps_free(g);
	return 0;
}
