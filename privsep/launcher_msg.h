/* SPDX-License-Identifier: ISC */
/*
 * \summary: the launcher's typed messages and their codec
 *
 * The core and its launcher talk over one SOCK_SEQPACKET socketpair, one
 * message per packet, descriptors riding along as SCM_RIGHTS.  Every
 * message starts with the same 8 bytes, little-endian (doc/privsep.md,
 * "Launcher protocol"):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  version (1)  |     type      |        reserved (0)           |
 *   +---------------+---------------+-------------------------------+
 *   |          seq (the request's; replies echo it; 0 for EXIT)     |
 *   +---------------------------------------------------------------+
 *
 *   SPAWN    core -> launcher  kind u8, nfds u8, name_len u8, name
 *                              + nfds descriptors (0..LAUNCHER_MAX_FDS)
 *   KILL     core -> launcher  pid le32, signal u8 (SIGTERM or SIGKILL)
 *   SPAWNED  launcher -> core  pid le32 + 2 descriptors: the core's end of
 *                              the child's IPC socket, the read end of
 *                              its sandbox report pipe
 *   ERROR    launcher -> core  errno le32 (positive)
 *   KILLED   launcher -> core  pid le32
 *   EXIT     launcher -> core  pid le32, how u8 (1 exited, 2 killed),
 *                              code u8 (status or signal), core u8
 *
 * Each body has exactly the length its type says; names are 1 to
 * LAUNCHER_NAME_MAX bytes of [a-z0-9_] (the launcher then compares them
 * with its fixed list).  Anything else is -EBADMSG.
 */
#ifndef PRIVSEP_LAUNCHER_MSG_H
#define PRIVSEP_LAUNCHER_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LAUNCHER_MSG_VERSION	1
#define LAUNCHER_MSG_HDR_LEN	8
#define LAUNCHER_NAME_MAX	64
#define LAUNCHER_MAX_FDS	4	/* extra descriptors a child may get */
#define LAUNCHER_MSG_MAX	(LAUNCHER_MSG_HDR_LEN + 3 + LAUNCHER_NAME_MAX)

enum launcher_msg_type {
	LAUNCHER_MSG_SPAWN = 1,
	LAUNCHER_MSG_KILL = 2,
	LAUNCHER_MSG_SPAWNED = 0x81,
	LAUNCHER_MSG_ERROR = 0x82,
	LAUNCHER_MSG_KILLED = 0x83,
	LAUNCHER_MSG_EXIT = 0x84,
};

enum launcher_kind {
	LAUNCHER_KIND_HELPER = 1,	/* a capture helper */
	LAUNCHER_KIND_WEB = 2,		/* the web worker */
};

enum launcher_exit_how {
	LAUNCHER_EXITED = 1,		/* code is the exit status */
	LAUNCHER_KILLED = 2,		/* code is the signal */
};

struct launcher_msg {
	enum launcher_msg_type	 type;
	uint32_t		 seq;
	union {
		struct {
			enum launcher_kind kind;
			unsigned int	 nfds;
			char		 name[LAUNCHER_NAME_MAX + 1];
		} spawn;
		struct {
			pid_t		 pid;
			int		 signal;
		} kill;
		struct {
			pid_t		 pid;
		} spawned;		/* also KILLED */
		struct {
			int		 error;	/* positive errno */
		} error;
		struct {
			pid_t		 pid;
			enum launcher_exit_how how;
			int		 code;
			int		 core_dumped;
		} exit;
	} u;
};

/* The descriptors each type carries: nfds for SPAWN, 2 for SPAWNED. */
unsigned int launcher_msg_nfds(const struct launcher_msg *msg);

/*
 * Encode msg into buf (at least LAUNCHER_MSG_MAX bytes).  Returns the
 * length, or -EINVAL when msg cannot be encoded (bad name, kind, signal
 * or descriptor count).
 */
int	 launcher_msg_encode(const struct launcher_msg *msg, uint8_t *buf,
	    size_t len);

/*
 * Decode one message of len bytes that arrived with nfds descriptors.
 * Returns 0 and fills *ret, -EBADMSG when the bytes are malformed or the
 * descriptor count is not what the message says, -EPROTO for an unknown
 * version or type.  Which types a receiver accepts is its own check.
 */
int	 launcher_msg_decode(const uint8_t *buf, size_t len,
	    unsigned int nfds, struct launcher_msg *ret);

/*
 * Send msg on the SOCK_SEQPACKET socket fd with fds[0..nfds) attached
 * (nfds must be launcher_msg_nfds(msg)).  The descriptors stay the
 * caller's.  Returns 0 or -errno (-EINVAL from the encoder).
 */
int	 launcher_msg_send(int fd, const struct launcher_msg *msg,
	    const int *fds, unsigned int nfds);

/*
 * Receive one message from fd.  Descriptors that came with it are stored
 * in fds[0..*ret_nfds) (room for LAUNCHER_MAX_FDS) and become the
 * caller's; on any error every descriptor that arrived is closed.
 * Returns 0, -ECONNRESET at end of stream, -EMSGSIZE for a packet larger
 * than any message or with more descriptors than allowed, a decoder
 * error, or -errno (-EAGAIN on a non-blocking socket with nothing).
 */
int	 launcher_msg_recv(int fd, struct launcher_msg *ret, int *fds,
	    unsigned int *ret_nfds);

#endif
