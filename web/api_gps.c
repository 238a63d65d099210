/* SPDX-License-Identifier: ISC */
/*
 * \summary: GPS endpoints: location, configured GPS devices, drivers
 *
 * The core answers them (daemon/ctlsys.c); until a GPS can be
 * configured there is no fix, no device and no driver, and the answers
 * say so in Kismet's shapes.  The GPS layer fills them in the core
 * without a change here.
 */

#include <stddef.h>

#include "bridge.h"
#include "http.h"
#include "web.h"

static void
api_gps_forward(struct http_call *call, uint32_t what)
{
	struct api_fwd *f = api_fwd_new(call, 0);

	if (api_fwd_fields(f) == 0)
		api_fwd_system(f, what, NULL);
}

static void
api_gps_location(struct http_call *call)
{
	api_gps_forward(call, BRIDGE_SYS_GPS);
}

static void
api_gps_all(struct http_call *call)
{
	api_gps_forward(call, BRIDGE_SYS_GPS_ALL);
}

static void
api_gps_drivers(struct http_call *call)
{
	api_gps_forward(call, BRIDGE_SYS_GPS_DRIVERS);
}

#define API_GP		(HTTP_M_GET | HTTP_M_POST)

const struct http_route api_gps_routes[] = {
	{ "/gps/location.@", API_GP, HTTP_F_DATA, false, api_gps_location },
	{ "/gps/all_gps.@", API_GP, HTTP_F_DATA, false, api_gps_all },
	{ "/gps/drivers.@", API_GP, HTTP_F_DATA, false, api_gps_drivers },
};

const size_t api_gps_nroutes = sizeof(api_gps_routes) /
    sizeof(api_gps_routes[0]);
