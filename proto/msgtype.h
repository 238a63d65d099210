/* SPDX-License-Identifier: ISC */
/*
 * \summary: the datasource protocol's commands, limits and error codes
 *
 * One enum names every command of doc/protocol.md; the header's 32-byte
 * command string maps to it and back.  Error codes start at 1000 so that
 * they never collide with errno values: functions return 0 or -errno or
 * -PROTO_ERR_*, and proto_strerror() names either.
 */
#ifndef PROTO_MSGTYPE_H
#define PROTO_MSGTYPE_H

#include <stddef.h>

enum msg_type {
	MSG_UNKNOWN = 0,
	/* KismetExternal */
	MSG_MESSAGE,
	MSG_PING,
	MSG_PONG,
	MSG_SHUTDOWN,
	MSG_SYSTEMREGISTER,
	/* KismetDatasource */
	MSG_PROBESOURCE,
	MSG_PROBESOURCEREPORT,
	MSG_OPENSOURCE,
	MSG_OPENSOURCEREPORT,
	MSG_LISTINTERFACES,
	MSG_INTERFACESREPORT,
	MSG_CONFIGURE,
	MSG_CONFIGUREREPORT,
	MSG_DATAREPORT,
	MSG_ERRORREPORT,
	MSG_NEWSOURCE,
	MSG_CLOSEDATASOURCE,
	MSG_WARNINGREPORT,
	MSG_TYPE_COUNT
};

enum proto_err {
	PROTO_ERR_SIGNATURE = 1000,	/* first 4 bytes are not 0xDECAFBAD */
	PROTO_ERR_V1,			/* a v1 (12-byte header) peer where
					   only v2 is taken (the core) */
	PROTO_ERR_V3,			/* a v3 (msgpack, 0xA9A9) peer */
	PROTO_ERR_VERSION,		/* v2 sentinel, unknown version */
	PROTO_ERR_TOOBIG,		/* payload length over the cap */
	PROTO_ERR_COMMAND,		/* command string not known */
	PROTO_ERR_DECODE,		/* payload is not valid protobuf */
	PROTO_ERR_REQUIRED,		/* a required field is missing */
	PROTO_ERR_NOSPACE,		/* encode: output buffer too small */
	PROTO_ERR_INVALID,		/* encode: message can't be sent */
	PROTO_ERR_CHECKSUM,		/* v1: checksum does not match */
	PROTO_ERR_MAX
};

/* The header command string of a type ("KDSOPENSOURCE"), or NULL. */
const char	*msgtype_command(enum msg_type);

/*
 * The type named by a command field of at most len bytes, which ends at
 * the first NUL; MSG_UNKNOWN when it names none.
 */
enum msg_type	 msgtype_from_command(const char *cmd, size_t len);

/* Text for 0, -errno or -PROTO_ERR_*; never NULL. */
const char	*proto_strerror(int err);

#endif
