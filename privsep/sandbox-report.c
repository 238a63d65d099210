/* SPDX-License-Identifier: ISC */
/*
 * \summary: sandbox report records and role names (every sandbox build)
 *
 * The child that dies writes the record (sandbox-seccomp.c); the core
 * reads it from the pipe the launcher handed over.  The bytes come from a
 * process that was just caught misbehaving, so they are read through the
 * cursor and taken only when they form exactly one record.
 */

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "bytes.h"
#include "cursor.h"
#include "sandbox.h"
#include "sandbox-report.h"

void
sandbox_report_encode(int syscall, uint32_t arch,
    uint8_t rec[SANDBOX_REPORT_LEN])
{
	put_le32(rec, SANDBOX_REPORT_MAGIC);
	put_le32(rec + 4, (uint32_t)syscall);
	put_le32(rec + 8, arch);
}

int
sandbox_report_decode(const uint8_t *buf, size_t len,
    struct sandbox_violation *ret)
{
	struct cursor c;
	uint32_t magic, nr, arch;

	if (len != SANDBOX_REPORT_LEN)
		return -EBADMSG;
	cur_init(&c, buf, len);
	if (cur_get_le32(&c, &magic) != 0 || magic != SANDBOX_REPORT_MAGIC ||
	    cur_get_le32(&c, &nr) != 0 || cur_get_le32(&c, &arch) != 0)
		return -EBADMSG;
	/* Syscall numbers are small; x32's carry bit 30.  Anything with
	 * the sign bit set was not written by our handler. */
	if (nr > 0x7fffffffU)
		return -EBADMSG;
	ret->syscall = (int)nr;
	ret->arch = arch;
	return 0;
}

int
sandbox_report_read(int fd, struct sandbox_violation *ret)
{
	uint8_t buf[SANDBOX_REPORT_LEN + 1];
	ssize_t n;
	int fl;

	/* Never block the caller on a pipe a live writer still holds. */
	if ((fl = fcntl(fd, F_GETFL)) < 0)
		return -errno;
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	/* One more byte than a record, so that trailing junk shows. */
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN :
		    -errno;
	if (n == 0)
		return -EAGAIN;
	return sandbox_report_decode(buf, (size_t)n, ret);
}

const char *
sandbox_role_name(enum sandbox_role role)
{
	switch (role) {
	case SANDBOX_CORE:
		return "core";
	case SANDBOX_WEB:
		return "web";
	case SANDBOX_LAUNCHER:
		return "launcher";
	case SANDBOX_HELPER_PCAPFILE:
		return "helper_pcapfile";
	case SANDBOX_HELPER_LINUX_WIFI:
		return "helper_linux_wifi";
	case SANDBOX_KISMETDB:
		return "kismetdb";
	case SANDBOX_HELPER_GPS:
		return "helper_gps";
	}
	return "unknown";
}
