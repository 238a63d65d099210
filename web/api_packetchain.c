/* SPDX-License-Identifier: ISC */
/*
 * \summary: packet statistics: /packetchain/packet_stats and its RRDs
 *
 * packet_stats is a map of Kismet's RRD objects (daemon/pktstats.h);
 * each of packet_rate, packet_peak, packet_error, packet_dupe,
 * packet_processed and packet_drop answers one of them on its own.
 */

#include <stddef.h>
#include <string.h>

#include "bridge.h"
#include "http.h"
#include "web.h"

static void
api_packetchain_forward(struct http_call *call, const char *member)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	f->unwrap = member;
	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, BRIDGE_SYS_PACKET_STATS, NULL);
}

static void
api_packet_stats(struct http_call *call)
{
	api_packetchain_forward(call, NULL);
}

/* The endpoints of the single histories and their packet_stats keys. */
static const struct {
	const char	*name;
	const char	*field;
} api_rrds[] = {
	{ "packet_rate", "kismet.packetchain.packets_rrd" },
	{ "packet_peak", "kismet.packetchain.peak_packets_rrd" },
	{ "packet_error", "kismet.packetchain.error_packets_rrd" },
	{ "packet_dupe", "kismet.packetchain.dupe_packets_rrd" },
	{ "packet_processed", "kismet.packetchain.processed_packets_rrd" },
	{ "packet_drop", "kismet.packetchain.dropped_packets_rrd" },
};

/* /packetchain/NAME.EXT: the route table only sends known names. */
static void
api_packet_rrd(struct http_call *call)
{
	const char *name = strrchr(http_call_path(call), '/') + 1;
	size_t i, n;

	for (i = 0; i < sizeof(api_rrds) / sizeof(api_rrds[0]); i++) {
		n = strlen(api_rrds[i].name);
		if (strncmp(name, api_rrds[i].name, n) == 0 && name[n] == '.') {
			api_packetchain_forward(call, api_rrds[i].field);
			return;
		}
	}
	http_reply_error(call, 404, "no such history");
}

#define API_GP		(HTTP_M_GET | HTTP_M_POST)

const struct http_route api_packetchain_routes[] = {
	{ "/packetchain/packet_stats.@", API_GP, HTTP_F_DATA, false,
	    api_packet_stats },
	{ "/packetchain/packet_rate.@", API_GP, HTTP_F_DATA, false,
	    api_packet_rrd },
	{ "/packetchain/packet_peak.@", API_GP, HTTP_F_DATA, false,
	    api_packet_rrd },
	{ "/packetchain/packet_error.@", API_GP, HTTP_F_DATA, false,
	    api_packet_rrd },
	{ "/packetchain/packet_dupe.@", API_GP, HTTP_F_DATA, false,
	    api_packet_rrd },
	{ "/packetchain/packet_processed.@", API_GP, HTTP_F_DATA, false,
	    api_packet_rrd },
	{ "/packetchain/packet_drop.@", API_GP, HTTP_F_DATA, false,
	    api_packet_rrd },
};

const size_t api_packetchain_nroutes = sizeof(api_packetchain_routes) /
    sizeof(api_packetchain_routes[0]);
