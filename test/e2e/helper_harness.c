/* SPDX-License-Identifier: ISC */
/* \summary: test harness playing the server side against a real helper */

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper_harness.h"

#define MAX_ARGS	32
#define STDERR_MAX	16384

static const char *helper_path;
static char stderr_buf[STDERR_MAX];
static char stdout_buf[STDERR_MAX];
static char tmpdir[64];

void
harness_note(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# %s\n", line);
	fflush(stdout);
}

uint64_t
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
harness_set_helper_path(const char *p)
{
	helper_path = p;
}

const char *
harness_helper_path(void)
{
	return helper_path;
}

const char *
harness_captures(void)
{
	const char *d = getenv("OSPREY_CAPTURES");
	char p[4096];

	if (d == NULL)
		return NULL;
	snprintf(p, sizeof(p), "%s/MANIFEST.tsv", d);
	return access(p, R_OK) == 0 ? d : NULL;
}

static void
harness_init(struct harness *t)
{
	memset(t, 0, sizeof(*t));
	t->pid = -1;
	t->fd = t->wfd = -1;
	t->err_fd = -1;
	t->out_fd = -1;
	assert_int_equal(frame_decoder_init(&t->dec, FRAME_MAX_PAYLOAD), 0);
	assert_int_equal(msg_arena_init(&t->arena, 512 * 1024), 0);
}

/*
 * fork+exec the helper with args; the child gets link_fd as 3, link2_fd
 * as 4, err_fd as 2 and out_fd as 1 (each when not -1).
 */
static pid_t
harness_exec(const char *const *args, int link_fd, int link2_fd, int err_fd,
    int out_fd)
{
	const char *argv[MAX_ARGS + 2];
	pid_t pid;
	int i;

	argv[0] = helper_path;
	for (i = 0; args != NULL && args[i] != NULL && i < MAX_ARGS; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	/* Out of the way first, so that neither clobbers the other. */
	if (link_fd >= 0 && ((link_fd = fcntl(link_fd, F_DUPFD, 100)) < 0 ||
	    dup2(link_fd, 3) < 0))
		_exit(127);
	if (link2_fd >= 0 && ((link2_fd = fcntl(link2_fd, F_DUPFD, 100)) < 0 ||
	    dup2(link2_fd, 4) < 0))
		_exit(127);
	if (err_fd >= 0 && dup2(err_fd, 2) < 0)
		_exit(127);
	if (out_fd >= 0 && dup2(out_fd, 1) < 0)
		_exit(127);
	for (i = link2_fd >= 0 ? 5 : 4; i < 256; i++)
		close(i);
	execv(helper_path, (char *const *)argv);
	fprintf(stderr, "exec %s: %s\n", helper_path, strerror(errno));
	_exit(127);
}

/* A pipe whose reading end goes to *ret; returns the writing end. */
static int
harness_pipe(int *ret)
{
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	*ret = p[0];
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	return p[1];
}

void
harness_spawn(struct harness *t, bool capture_stderr,
    const char *const *extra)
{
	const char *args[MAX_ARGS];
	int sv[2], w = -1, n = 0, i;

	harness_init(t);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	args[n++] = "--in-fd=3";
	args[n++] = "--out-fd=3";
	for (i = 0; extra != NULL && extra[i] != NULL && n < MAX_ARGS - 1; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	if (capture_stderr)
		w = harness_pipe(&t->err_fd);
	t->pid = harness_exec(args, sv[1], -1, w, -1);
	close(sv[1]);
	if (w >= 0)
		close(w);
	t->fd = t->wfd = sv[0];
}

void
harness_spawn_pipes(struct harness *t)
{
	static const char *const args[] = { "--in-fd=3", "--out-fd=4", NULL };
	int to[2], from[2];

	harness_init(t);
	assert_int_equal(pipe2(to, O_CLOEXEC), 0);
	assert_int_equal(pipe2(from, O_CLOEXEC), 0);
	t->pid = harness_exec(args, to[0], from[1], -1, -1);
	close(to[0]);
	close(from[1]);
	t->fd = from[0];
	t->wfd = to[1];
}

void
harness_write_raw(struct harness *t, const void *p, size_t len)
{
	assert_int_equal(write(t->wfd, p, len), (ssize_t)len);
}

void
harness_spawn_args(struct harness *t, const char *const *args)
{
	int w, o;

	harness_init(t);
	w = harness_pipe(&t->err_fd);
	o = harness_pipe(&t->out_fd);
	t->pid = harness_exec(args, -1, -1, w, o);
	close(w);
	close(o);
}

int
harness_listen(uint16_t port, uint16_t *ret_port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*ret_port = ntohs(sin.sin_port);
	return fd;
}

void
harness_accept(struct harness *t, int listen_fd)
{
	struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };

	if (t->dec.buf == NULL) {
		pid_t keep = t->pid;

		harness_init(t);
		t->pid = keep;
	}
	frame_decoder_reset(&t->dec);
	assert_int_equal(poll(&pfd, 1, HARNESS_TIMEOUT_MS), 1);
	t->fd = t->wfd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(t->fd >= 0);
}

void
harness_drop_link(struct harness *t)
{
	if (t->have_m) {
		msg_clear(&t->m);
		t->have_m = false;
	}
	if (t->wfd >= 0 && t->wfd != t->fd)
		close(t->wfd);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = t->wfd = -1;
	frame_decoder_reset(&t->dec);
}

uint32_t
harness_send(struct harness *t, struct msg *m)
{
	static uint8_t buf[FRAME_HDR_LEN + FRAME_CONTROL_PAYLOAD];
	ssize_t n, w;
	size_t off = 0;

	m->seqno = frame_next_seqno(&t->seqno);
	n = msg_encode(m, buf, sizeof(buf));
	assert_true(n > 0);
	while (off < (size_t)n) {
		w = write(t->wfd, buf + off, (size_t)n - off);
		if (w < 0 && errno == EINTR)
			continue;
		assert_true(w > 0);
		off += (size_t)w;
	}
	return m->seqno;
}

uint32_t
harness_send_definition(struct harness *t, enum msg_type type,
    const char *definition)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.u.definition = definition;
	return harness_send(t, &m);
}

uint32_t
harness_send_empty(struct harness *t, enum msg_type type)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	return harness_send(t, &m);
}

const struct msg *
harness_recv(struct harness *t, int timeout_ms)
{
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	uint64_t end = harness_now_ms() + (uint64_t)timeout_ms;
	struct frame f;
	uint8_t *space;
	size_t len;
	ssize_t n;
	int r;

	if (t->have_m) {
		msg_clear(&t->m);
		t->have_m = false;
	}
	for (;;) {
		r = frame_decoder_next(&t->dec, &f);
		if (r < 0)
			fail_msg("helper sent a bad frame: %s",
			    proto_strerror(r));
		if (r == 1) {
			r = msg_decode(&f, &t->arena, &t->m);
			if (r < 0)
				fail_msg("helper sent an undecodable %s: %s",
				    msgtype_command(f.type),
				    proto_strerror(r));
			t->have_m = true;
			return &t->m;
		}
		if (harness_now_ms() >= end)
			fail_msg("no message from the helper in %d ms",
			    timeout_ms);
		if (poll(&pfd, 1, (int)(end - harness_now_ms())) <= 0)
			continue;
		space = frame_decoder_space(&t->dec, &len);
		n = read(t->fd, space, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return NULL;
		frame_decoder_commit(&t->dec, (size_t)n);
	}
}

const struct msg *
harness_expect(struct harness *t, enum msg_type type)
{
	const struct msg *m;

	do
		m = harness_recv(t, HARNESS_TIMEOUT_MS);
	while (m != NULL && m->type == MSG_PONG && type != MSG_PONG);
	if (m == NULL)
		fail_msg("link closed while waiting for %s",
		    msgtype_command(type));
	if (m->type != type) {
		const char *text = m->type == MSG_MESSAGE ?
		    m->u.message.text : m->type == MSG_ERRORREPORT ?
		    m->u.error_report.message.text : "";

		fail_msg("expected %s, got %s %s", msgtype_command(type),
		    msgtype_command(m->type), text != NULL ? text : "");
	}
	return m;
}

void
harness_expect_eof(struct harness *t)
{
	const struct msg *m;

	while ((m = harness_recv(t, HARNESS_TIMEOUT_MS)) != NULL)
		if (m->type != MSG_PONG)
			fail_msg("expected the link to close, got %s",
			    msgtype_command(m->type));
}

static void
harness_drain(int fd, char *buf, size_t size)
{
	size_t have = strlen(buf);
	ssize_t n;

	if (fd < 0)
		return;
	while (have < size - 1 &&
	    (n = read(fd, buf + have, size - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = '\0';
}

static void
harness_drain_stderr(struct harness *t)
{
	harness_drain(t->err_fd, stderr_buf, sizeof(stderr_buf));
	harness_drain(t->out_fd, stdout_buf, sizeof(stdout_buf));
}

int
harness_wait(struct harness *t, int timeout_ms)
{
	uint64_t end = harness_now_ms() + (uint64_t)timeout_ms;
	int status;
	pid_t r;

	stderr_buf[0] = '\0';
	stdout_buf[0] = '\0';
	for (;;) {
		harness_drain_stderr(t);
		r = waitpid(t->pid, &status, WNOHANG);
		if (r == t->pid)
			break;
		assert_true(r == 0);
		if (harness_now_ms() >= end)
			fail_msg("helper %d still running after %d ms",
			    (int)t->pid, timeout_ms);
		usleep(5000);
	}
	harness_drain_stderr(t);
	t->pid = -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -WTERMSIG(status);
}

const char *
harness_stderr(struct harness *t)
{
	return stderr_buf;
}

const char *
harness_stdout(struct harness *t)
{
	return stdout_buf;
}

void
harness_free(struct harness *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		t->pid = -1;
	}
	harness_drop_link(t);
	if (t->err_fd >= 0)
		close(t->err_fd);
	if (t->out_fd >= 0)
		close(t->out_fd);
	t->err_fd = t->out_fd = -1;
	frame_decoder_free(&t->dec);
	msg_arena_free(&t->arena);
}

long
harness_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(fp);
	return kib;
}

/* A frame that is plainly made up: a beacon header and a counter. */
static void
harness_make_frame(uint8_t *buf, size_t len, unsigned int i)
{
	size_t j;

	memset(buf, 0, len);
	buf[0] = 0x80;			/* beacon */
	for (j = 4; j < 10; j++)
		buf[j] = 0xff;		/* broadcast */
	for (j = 10; j < len; j++)
		buf[j] = (uint8_t)(i + j);
}

const char *
harness_write_capture(const char *name, int dlt, size_t n,
    const long *ts_ms)
{
	static char path[512];
	struct pcap_pkthdr hdr;
	pcap_dumper_t *d;
	uint8_t frame[64];
	pcap_t *p;
	size_t i;
	long ms;

	snprintf(path, sizeof(path), "%s/%s", harness_tmpdir(), name);
	p = pcap_open_dead(dlt, 65535);
	assert_non_null(p);
	d = pcap_dump_open(p, path);
	assert_non_null(d);
	for (i = 0; i < n; i++) {
		harness_make_frame(frame, sizeof(frame), (unsigned int)i);
		ms = ts_ms != NULL ? ts_ms[i] : (long)i;
		hdr.ts.tv_sec = 1700000000 + ms / 1000;
		hdr.ts.tv_usec = (ms % 1000) * 1000;
		hdr.caplen = (bpf_u_int32)(sizeof(frame) - i % 8);
		hdr.len = hdr.caplen + 4;
		pcap_dump((u_char *)d, &hdr, frame);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return path;
}


int
harness_tmpdir_create(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/osprey-test-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

int
harness_tmpdir_remove(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

const char *
harness_tmpdir(void)
{
	return tmpdir;
}
