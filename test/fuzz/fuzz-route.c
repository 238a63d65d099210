/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz request paths: percent-decoding and route matching
 *
 * The input is a request path as a client sends it (still encoded); it
 * is decoded whole and matched against the patterns the web worker
 * routes by (a copy of their shapes: every kind of element, "**" last).
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *patterns[] = {
	"/system/timestamp.@",
	"/session/check_login",
	"/plugin/*/**",
	"/devices/last-time/*/devices.@",
	"/devices/by-key/*/device.@",
	"/devices/by-key/*/device.@/**",
	"/datasource/by-uuid/*/set_channel.@",
	"/phy/phy80211/pcap/by-bssid/*/packets.@",
	"/*/*/*/*/*",
	"/**",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_args a;
	char *raw, *dec;
	size_t i, j;
	int m;

	if (size > 8192)
		return 0;
	raw = malloc(size + 1);
	memcpy(raw, data, size);
	raw[size] = '\0';
	if ((dec = route_decode(raw, strlen(raw))) != NULL) {
		assert(strlen(dec) <= strlen(raw));
		free(dec);
	}
	memset(&a, 0, sizeof(a));
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		m = route_match(patterns[i], raw, &a);
		assert(m >= -1 && m <= 1);
		assert(a.nargs <= ROUTE_MAX_ARGS);
		for (j = 0; j < a.nargs; j++)
			assert(a.args[j] != NULL);
		if (m == 1 && strchr(patterns[i], '@') != NULL)
			assert(a.fmt != FORMAT_NONE);
	}
	route_args_clear(&a);
	free(raw);
	return 0;
}
