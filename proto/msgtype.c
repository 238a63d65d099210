/* SPDX-License-Identifier: ISC */
/* \summary: command names and error texts of the datasource protocol */

#include <string.h>

#include "msgtype.h"

static const char *const msgtype_names[MSG_TYPE_COUNT] = {
	[MSG_MESSAGE] = "MESSAGE",
	[MSG_PING] = "PING",
	[MSG_PONG] = "PONG",
	[MSG_SHUTDOWN] = "SHUTDOWN",
	[MSG_SYSTEMREGISTER] = "SYSTEMREGISTER",
	[MSG_PROBESOURCE] = "KDSPROBESOURCE",
	[MSG_PROBESOURCEREPORT] = "KDSPROBESOURCEREPORT",
	[MSG_OPENSOURCE] = "KDSOPENSOURCE",
	[MSG_OPENSOURCEREPORT] = "KDSOPENSOURCEREPORT",
	[MSG_LISTINTERFACES] = "KDSLISTINTERFACES",
	[MSG_INTERFACESREPORT] = "KDSINTERFACESREPORT",
	[MSG_CONFIGURE] = "KDSCONFIGURE",
	[MSG_CONFIGUREREPORT] = "KDSCONFIGUREREPORT",
	[MSG_DATAREPORT] = "KDSDATAREPORT",
	[MSG_ERRORREPORT] = "KDSERRORREPORT",
	[MSG_NEWSOURCE] = "KDSNEWSOURCE",
	[MSG_CLOSEDATASOURCE] = "KDSCLOSEDATASOURCE",
	[MSG_WARNINGREPORT] = "KDSWARNINGREPORT",
};

static const char *const proto_err_names[PROTO_ERR_MAX - PROTO_ERR_SIGNATURE] = {
	[PROTO_ERR_SIGNATURE - PROTO_ERR_SIGNATURE] =
	    "bad frame signature (not 0xDECAFBAD)",
	[PROTO_ERR_V1 - PROTO_ERR_SIGNATURE] =
	    "peer speaks datasource protocol v1, only v2 is supported",
	[PROTO_ERR_V3 - PROTO_ERR_SIGNATURE] =
	    "peer speaks datasource protocol v3 (msgpack), only v2 is supported",
	[PROTO_ERR_VERSION - PROTO_ERR_SIGNATURE] =
	    "unknown datasource protocol version, only v2 is supported",
	[PROTO_ERR_TOOBIG - PROTO_ERR_SIGNATURE] =
	    "frame length over the cap",
	[PROTO_ERR_COMMAND - PROTO_ERR_SIGNATURE] = "unknown command",
	[PROTO_ERR_DECODE - PROTO_ERR_SIGNATURE] = "undecodable payload",
	[PROTO_ERR_REQUIRED - PROTO_ERR_SIGNATURE] =
	    "payload lacks a required field",
	[PROTO_ERR_NOSPACE - PROTO_ERR_SIGNATURE] =
	    "output buffer too small for the frame",
	[PROTO_ERR_INVALID - PROTO_ERR_SIGNATURE] =
	    "message is missing a field it must carry",
	[PROTO_ERR_CHECKSUM - PROTO_ERR_SIGNATURE] =
	    "v1 frame checksum does not match its payload",
};

const char *
msgtype_command(enum msg_type type)
{
	if (type <= MSG_UNKNOWN || type >= MSG_TYPE_COUNT)
		return NULL;
	return msgtype_names[type];
}

enum msg_type
msgtype_from_command(const char *cmd, size_t len)
{
	size_t n;
	int i;

	n = strnlen(cmd, len);
	for (i = MSG_UNKNOWN + 1; i < MSG_TYPE_COUNT; i++) {
		if (strlen(msgtype_names[i]) == n &&
		    memcmp(msgtype_names[i], cmd, n) == 0)
			return (enum msg_type)i;
	}
	return MSG_UNKNOWN;
}

const char *
proto_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return "success";
	if (err >= PROTO_ERR_SIGNATURE && err < PROTO_ERR_MAX)
		return proto_err_names[err - PROTO_ERR_SIGNATURE];
	return strerror(err);
}
