/* SPDX-License-Identifier: ISC */
/* \summary: the launcher's typed messages and their codec */

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "cursor.h"
#include "launcher_msg.h"

static bool
launcher_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > LAUNCHER_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool
launcher_kind_ok(unsigned int kind)
{
	return kind == LAUNCHER_KIND_HELPER || kind == LAUNCHER_KIND_WEB;
}

unsigned int
launcher_msg_nfds(const struct launcher_msg *msg)
{
	switch (msg->type) {
	case LAUNCHER_MSG_SPAWN:
		return msg->u.spawn.nfds;
	case LAUNCHER_MSG_SPAWNED:
		return 2;
	default:
		return 0;
	}
}

int
launcher_msg_encode(const struct launcher_msg *msg, uint8_t *buf,
    size_t len)
{
	size_t n = LAUNCHER_MSG_HDR_LEN, nl;

	if (len < LAUNCHER_MSG_MAX)
		return -EINVAL;
	buf[0] = LAUNCHER_MSG_VERSION;
	buf[1] = (uint8_t)msg->type;
	buf[2] = buf[3] = 0;
	put_le32(buf + 4, msg->seq);
	switch (msg->type) {
	case LAUNCHER_MSG_SPAWN:
		nl = strnlen(msg->u.spawn.name, sizeof(msg->u.spawn.name));
		if (!launcher_kind_ok(msg->u.spawn.kind) ||
		    msg->u.spawn.nfds > LAUNCHER_MAX_FDS ||
		    !launcher_name_ok(msg->u.spawn.name, nl))
			return -EINVAL;
		buf[n++] = (uint8_t)msg->u.spawn.kind;
		buf[n++] = (uint8_t)msg->u.spawn.nfds;
		buf[n++] = (uint8_t)nl;
		memcpy(buf + n, msg->u.spawn.name, nl);
		n += nl;
		break;
	case LAUNCHER_MSG_KILL:
		if (msg->u.kill.pid <= 0 || (msg->u.kill.signal != SIGTERM &&
		    msg->u.kill.signal != SIGKILL))
			return -EINVAL;
		put_le32(buf + n, (uint32_t)msg->u.kill.pid);
		buf[n + 4] = (uint8_t)msg->u.kill.signal;
		n += 5;
		break;
	case LAUNCHER_MSG_SPAWNED:
	case LAUNCHER_MSG_KILLED:
		if (msg->u.spawned.pid <= 0)
			return -EINVAL;
		put_le32(buf + n, (uint32_t)msg->u.spawned.pid);
		n += 4;
		break;
	case LAUNCHER_MSG_ERROR:
		if (msg->u.error.error <= 0)
			return -EINVAL;
		put_le32(buf + n, (uint32_t)msg->u.error.error);
		n += 4;
		break;
	case LAUNCHER_MSG_EXIT:
		if (msg->u.exit.pid <= 0 ||
		    (msg->u.exit.how != LAUNCHER_EXITED &&
		    msg->u.exit.how != LAUNCHER_KILLED) ||
		    msg->u.exit.code < 0 || msg->u.exit.code > 255)
			return -EINVAL;
		put_le32(buf + n, (uint32_t)msg->u.exit.pid);
		buf[n + 4] = (uint8_t)msg->u.exit.how;
		buf[n + 5] = (uint8_t)msg->u.exit.code;
		buf[n + 6] = msg->u.exit.core_dumped ? 1 : 0;
		n += 7;
		break;
	default:
		return -EINVAL;
	}
	return (int)n;
}

/* A pid as it travels: positive and within pid_t. */
static int
get_pid(struct cursor *c, pid_t *ret)
{
	uint32_t v;

	if (cur_get_le32(c, &v) != 0 || v == 0 || v > 0x7fffffffU)
		return -1;
	*ret = (pid_t)v;
	return 0;
}

int
launcher_msg_decode(const uint8_t *buf, size_t len, unsigned int nfds,
    struct launcher_msg *ret)
{
	struct launcher_msg m;
	struct cursor c;
	const uint8_t *name;
	uint8_t version, type, u8, nl, how, code, core;
	uint16_t reserved;
	uint32_t seq, v;

	if (len > LAUNCHER_MSG_MAX)
		return -EBADMSG;
	cur_init(&c, buf, len);
	if (cur_get_u8(&c, &version) != 0 || cur_get_u8(&c, &type) != 0 ||
	    cur_get_le16(&c, &reserved) != 0 || cur_get_le32(&c, &seq) != 0)
		return -EBADMSG;
	if (version != LAUNCHER_MSG_VERSION)
		return -EPROTO;
	if (reserved != 0)
		return -EBADMSG;
	memset(&m, 0, sizeof(m));
	m.type = (enum launcher_msg_type)type;
	m.seq = seq;
	switch (type) {
	case LAUNCHER_MSG_SPAWN:
		if (cur_get_u8(&c, &u8) != 0 || !launcher_kind_ok(u8))
			return -EBADMSG;
		m.u.spawn.kind = (enum launcher_kind)u8;
		if (cur_get_u8(&c, &u8) != 0 || u8 > LAUNCHER_MAX_FDS)
			return -EBADMSG;
		m.u.spawn.nfds = u8;
		if (cur_get_u8(&c, &nl) != 0 ||
		    cur_get_bytes(&c, nl, &name) != 0 ||
		    !launcher_name_ok((const char *)name, nl))
			return -EBADMSG;
		memcpy(m.u.spawn.name, name, nl);
		m.u.spawn.name[nl] = '\0';
		break;
	case LAUNCHER_MSG_KILL:
		if (get_pid(&c, &m.u.kill.pid) != 0 ||
		    cur_get_u8(&c, &u8) != 0 ||
		    (u8 != SIGTERM && u8 != SIGKILL))
			return -EBADMSG;
		m.u.kill.signal = u8;
		break;
	case LAUNCHER_MSG_SPAWNED:
	case LAUNCHER_MSG_KILLED:
		if (get_pid(&c, &m.u.spawned.pid) != 0)
			return -EBADMSG;
		break;
	case LAUNCHER_MSG_ERROR:
		if (cur_get_le32(&c, &v) != 0 || v == 0 || v > 4095)
			return -EBADMSG;
		m.u.error.error = (int)v;
		break;
	case LAUNCHER_MSG_EXIT:
		if (get_pid(&c, &m.u.exit.pid) != 0 ||
		    cur_get_u8(&c, &how) != 0 || cur_get_u8(&c, &code) != 0 ||
		    cur_get_u8(&c, &core) != 0 ||
		    (how != LAUNCHER_EXITED && how != LAUNCHER_KILLED) ||
		    core > 1)
			return -EBADMSG;
		m.u.exit.how = (enum launcher_exit_how)how;
		m.u.exit.code = code;
		m.u.exit.core_dumped = core;
		break;
	default:
		return -EPROTO;
	}
	/* Exactly one message, and exactly the descriptors it announces. */
	if (cur_left(&c) != 0 || launcher_msg_nfds(&m) != nfds)
		return -EBADMSG;
	*ret = m;
	return 0;
}

int
launcher_msg_send(int fd, const struct launcher_msg *msg, const int *fds,
    unsigned int nfds)
{
	uint8_t buf[LAUNCHER_MSG_MAX];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) *
				    LAUNCHER_MAX_FDS)];
	} cmsgbuf;
	struct cmsghdr *cmsg;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;
	int len;

	if (nfds != launcher_msg_nfds(msg) || nfds > LAUNCHER_MAX_FDS)
		return -EINVAL;
	if ((len = launcher_msg_encode(msg, buf, sizeof(buf))) < 0)
		return len;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = (size_t)len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == len ? 0 : -EMSGSIZE;
}

int
launcher_msg_recv(int fd, struct launcher_msg *ret, int *fds,
    unsigned int *ret_nfds)
{
	uint8_t buf[LAUNCHER_MSG_MAX + 1];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) *
				    (LAUNCHER_MAX_FDS + 1))];
	} cmsgbuf;
	struct cmsghdr *cmsg;
	struct msghdr mh;
	struct iovec iov;
	unsigned int nfds = 0, i, k;
	size_t dlen;
	ssize_t n;
	int rc = 0;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cmsgbuf.buf;
	mh.msg_controllen = sizeof(cmsgbuf.buf);
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* Take every descriptor first, so that none leaks on error. */
	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		dlen = cmsg->cmsg_len - CMSG_LEN(0);
		for (i = 0; i < dlen / sizeof(int); i++) {
			int d;

			memcpy(&d, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			if (nfds < LAUNCHER_MAX_FDS)
				fds[nfds++] = d;
			else {
				(void)close(d);
				rc = -EMSGSIZE;
			}
		}
	}
	if (n == 0 && nfds == 0)
		rc = -ECONNRESET;
	else if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)
		rc = -EMSGSIZE;
	if (rc == 0)
		rc = launcher_msg_decode(buf, (size_t)n, nfds, ret);
	if (rc < 0) {
		for (k = 0; k < nfds; k++)
			(void)close(fds[k]);
		return rc;
	}
	*ret_nfds = nfds;
	return 0;
}
