/* SPDX-License-Identifier: ISC */
/* \summary: unit tests for the launcher messages and sandbox reports */

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "launcher_msg.h"
#include "sandbox.h"

static struct launcher_msg
spawn_msg(const char *name, unsigned int nfds)
{
	struct launcher_msg m;

	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_SPAWN;
	m.seq = 7;
	m.u.spawn.kind = LAUNCHER_KIND_HELPER;
	m.u.spawn.nfds = nfds;
	strncpy(m.u.spawn.name, name, sizeof(m.u.spawn.name) - 1);
	return m;
}

static void
test_spawn_round_trip(void **state)
{
	struct launcher_msg m = spawn_msg("osprey_cap_pcapfile", 2), d;
	uint8_t buf[LAUNCHER_MSG_MAX];
	int n;

	n = launcher_msg_encode(&m, buf, sizeof(buf));
	assert_int_equal(n, LAUNCHER_MSG_HDR_LEN + 3 + 19);
	/* The layout of doc/privsep.md, byte for byte. */
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[1], LAUNCHER_MSG_SPAWN);
	assert_int_equal(buf[4], 7);
	assert_int_equal(buf[8], LAUNCHER_KIND_HELPER);
	assert_int_equal(buf[9], 2);
	assert_int_equal(buf[10], 19);
	assert_memory_equal(buf + 11, "osprey_cap_pcapfile", 19);
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 2, &d), 0);
	assert_int_equal(d.type, LAUNCHER_MSG_SPAWN);
	assert_int_equal(d.seq, 7);
	assert_int_equal(d.u.spawn.nfds, 2);
	assert_string_equal(d.u.spawn.name, "osprey_cap_pcapfile");
	/* The descriptors must be the ones announced. */
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 1, &d),
	    -EBADMSG);
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 3, &d),
	    -EBADMSG);
}

static void
test_bad_names_refused(void **state)
{
	static const char *bad[] = { "", "../osprey_cap_pcapfile",
	    "osprey_cap_pcapfile/", "/bin/sh", "Osprey", "a b", "a.b",
	    "osprey_cap_pcapfile\n" };
	struct launcher_msg m, d;
	uint8_t buf[LAUNCHER_MSG_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = spawn_msg(bad[i], 0);
		assert_int_equal(launcher_msg_encode(&m, buf, sizeof(buf)),
		    -EINVAL);
	}
	/* The decoder refuses the same bytes when a peer sends them. */
	m = spawn_msg("osprey_web", 0);
	n = launcher_msg_encode(&m, buf, sizeof(buf));
	assert_true(n > 0);
	buf[11] = '.';
	buf[12] = '.';
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d),
	    -EBADMSG);
	buf[11] = 0;	/* a NUL inside the name */
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d),
	    -EBADMSG);
	/* A name longer than LAUNCHER_NAME_MAX does not fit any message. */
	m = spawn_msg("osprey_web", 0);
	n = launcher_msg_encode(&m, buf, sizeof(buf));
	buf[10] = LAUNCHER_NAME_MAX + 1;
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d),
	    -EBADMSG);
}

static void
test_lengths_and_types(void **state)
{
	struct launcher_msg m, d;
	uint8_t buf[LAUNCHER_MSG_MAX + 8];
	int n, i;

	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_EXIT;
	m.u.exit.pid = 4242;
	m.u.exit.how = LAUNCHER_KILLED;
	m.u.exit.code = SIGSYS;
	n = launcher_msg_encode(&m, buf, sizeof(buf));
	assert_int_equal(n, LAUNCHER_MSG_HDR_LEN + 7);
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d), 0);
	assert_int_equal(d.u.exit.pid, 4242);
	assert_int_equal(d.u.exit.code, SIGSYS);
	/* Every truncation and one extra byte are malformed. */
	for (i = 0; i < n; i++)
		assert_int_equal(launcher_msg_decode(buf, (size_t)i, 0, &d),
		    -EBADMSG);
	buf[n] = 0;
	assert_int_equal(launcher_msg_decode(buf, (size_t)n + 1, 0, &d),
	    -EBADMSG);
	/* Unknown version and type are protocol errors. */
	buf[0] = 2;
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d), -EPROTO);
	buf[0] = 1;
	buf[1] = 0x7f;
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d), -EPROTO);
	/* Reserved bits set. */
	buf[1] = LAUNCHER_MSG_EXIT;
	buf[2] = 1;
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d),
	    -EBADMSG);
	/* Only SIGTERM and SIGKILL may be asked for. */
	memset(&m, 0, sizeof(m));
	m.type = LAUNCHER_MSG_KILL;
	m.u.kill.pid = 10;
	m.u.kill.signal = SIGSTOP;
	assert_int_equal(launcher_msg_encode(&m, buf, sizeof(buf)), -EINVAL);
	m.u.kill.signal = SIGKILL;
	n = launcher_msg_encode(&m, buf, sizeof(buf));
	buf[LAUNCHER_MSG_HDR_LEN + 4] = SIGSTOP;
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d),
	    -EBADMSG);
	/* pid 0 would mean "the process group" to kill(2). */
	buf[LAUNCHER_MSG_HDR_LEN + 4] = SIGKILL;
	memset(buf + LAUNCHER_MSG_HDR_LEN, 0, 4);
	assert_int_equal(launcher_msg_decode(buf, (size_t)n, 0, &d),
	    -EBADMSG);
}

static void
test_descriptors_travel(void **state)
{
	struct launcher_msg m = spawn_msg("osprey_web", 1), d;
	int sv[2], p[2], fds[LAUNCHER_MAX_FDS];
	unsigned int nfds = 9;
	char c;

	m.u.spawn.kind = LAUNCHER_KIND_WEB;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(launcher_msg_send(sv[0], &m, &p[1], 1), 0);
	assert_int_equal(launcher_msg_recv(sv[1], &d, fds, &nfds), 0);
	assert_int_equal(nfds, 1);
	assert_string_equal(d.u.spawn.name, "osprey_web");
	/* The received descriptor is the pipe's write end. */
	assert_int_equal(write(fds[0], "x", 1), 1);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	close(fds[0]);
	/* Announcing one descriptor and sending none is refused, and
	 * descriptors that came with a bad message are closed. */
	assert_int_equal(launcher_msg_send(sv[0], &m, NULL, 0), -EINVAL);
	assert_int_equal(send(sv[0], "garbage", 7, 0), 7);
	assert_int_equal(launcher_msg_recv(sv[1], &d, fds, &nfds), -EBADMSG);
	close(sv[0]);
	assert_int_equal(launcher_msg_recv(sv[1], &d, fds, &nfds),
	    -ECONNRESET);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

static void
test_report_records(void **state)
{
	static const uint8_t rec[] = { 0x50, 0x53, 0x42, 0x58, 59, 0, 0, 0,
	    0x3e, 0, 0, 0xc0 };
	struct sandbox_violation v;
	uint8_t bad[sizeof(rec) + 1];
	char name[64];
	int p[2];

	assert_int_equal(sandbox_report_decode(rec, sizeof(rec), &v), 0);
	assert_int_equal(v.syscall, 59);
	assert_int_equal(v.arch, 0xc000003e);	/* AUDIT_ARCH_X86_64 */
	sandbox_syscall_name(&v, name, sizeof(name));
	if (strcmp(sandbox_kind(), "seccomp") == 0)
		assert_string_equal(name, "execve (59)");
	else
		assert_string_equal(name, "59");
	assert_int_equal(sandbox_report_decode(rec, sizeof(rec) - 1, &v),
	    -EBADMSG);
	memcpy(bad, rec, sizeof(rec));
	bad[0] ^= 1;
	assert_int_equal(sandbox_report_decode(bad, sizeof(rec), &v),
	    -EBADMSG);
	/* Through a pipe: nothing written is -EAGAIN, junk is refused. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sandbox_report_read(p[0], &v), -EAGAIN);
	assert_int_equal(write(p[1], rec, sizeof(rec)), (ssize_t)sizeof(rec));
	assert_int_equal(sandbox_report_read(p[0], &v), 0);
	assert_int_equal(v.syscall, 59);
	memcpy(bad, rec, sizeof(rec));
	bad[sizeof(rec)] = 1;
	assert_int_equal(write(p[1], bad, sizeof(bad)), (ssize_t)sizeof(bad));
	assert_int_equal(sandbox_report_read(p[0], &v), -EBADMSG);
	close(p[1]);
	assert_int_equal(sandbox_report_read(p[0], &v), -EAGAIN);
	close(p[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spawn_round_trip),
		cmocka_unit_test(test_bad_names_refused),
		cmocka_unit_test(test_lengths_and_types),
		cmocka_unit_test(test_descriptors_travel),
		cmocka_unit_test(test_report_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
