/* SPDX-License-Identifier: ISC */
/*
 * \summary: test harness playing the server side against a real helper
 *
 * Spawns a capture helper binary as the core would (a socketpair, the
 * helper exec'd with --in-fd=3 --out-fd=3) or accepts one dialling in
 * with --connect, and talks to it through proto/ (frame decoder,
 * msg_encode, msg_decode): no protocol bytes assembled by hand.  Each
 * call fails the current cmocka test on a timeout or a protocol error,
 * so tests read as a script of the session.
 */
#ifndef TEST_HELPER_HARNESS_H
#define TEST_HELPER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frame.h"
#include "msg.h"

/* Generous: the sanitizer builds are several times slower. */
#define HARNESS_TIMEOUT_MS	20000

struct harness {
	pid_t			 pid;		/* the helper, or -1 */
	int			 fd;		/* our end of the link */
	int			 wfd;		/* we write here (fd, a pipe) */
	int			 err_fd;	/* the helper's stderr, or -1 */
	int			 out_fd;	/* its stdout, or -1 */
	struct frame_decoder	 dec;
	struct msg_arena	 arena;
	uint32_t		 seqno;
	struct msg		 m;		/* the last message received */
	bool			 have_m;
};

/* The helper binary under test (meson passes it to each test program). */
const char *harness_helper_path(void);
void	harness_set_helper_path(const char *);

/* $OSPREY_CAPTURES, or NULL when the shared captures are not there. */
const char *harness_captures(void);

/*
 * Start the helper as the core does, with extra arguments after the
 * descriptors (NULL-terminated, may be NULL).  When capture_stderr is
 * set, the helper's stderr is kept for harness_stderr().
 */
void	harness_spawn(struct harness *, bool capture_stderr,
	    const char *const *extra);

/*
 * As harness_spawn, but the link is two pipes: the helper reads fd 3
 * and writes fd 4 (--in-fd=3 --out-fd=4).
 */
void	harness_spawn_pipes(struct harness *);

/* Write raw bytes to the helper (for garbage tests only). */
void	harness_write_raw(struct harness *, const void *, size_t);

/* Run the helper with exactly argv (after the program), no link. */
void	harness_spawn_args(struct harness *, const char *const *args);

/* Accept a helper dialling in on listen_fd (remote mode). */
void	harness_accept(struct harness *, int listen_fd);

/* Forget the link (close our end); the helper process is kept. */
void	harness_drop_link(struct harness *);

/* A TCP listener on 127.0.0.1:port (0 picks one); *ret_port is set. */
int	harness_listen(uint16_t port, uint16_t *ret_port);

/* Send m with the next seqno; returns that seqno. */
uint32_t harness_send(struct harness *, struct msg *m);
uint32_t harness_send_definition(struct harness *, enum msg_type type,
	    const char *definition);
uint32_t harness_send_empty(struct harness *, enum msg_type type);

/*
 * The next message (valid until the next receive), or NULL when the
 * helper closed the link.  Fails the test on a timeout or a bad frame.
 */
const struct msg *harness_recv(struct harness *, int timeout_ms);

/* The next message, which must be of type; PONGs are skipped. */
const struct msg *harness_expect(struct harness *, enum msg_type type);

/* The link must close (end of stream) within the timeout. */
void	harness_expect_eof(struct harness *);

/* Wait for the helper to exit; returns its exit status (-signal). */
int	harness_wait(struct harness *, int timeout_ms);

/* What the helper wrote to stderr so far (after harness_wait). */
const char *harness_stderr(struct harness *);

/* Kill (if running) and release everything. */
void	harness_free(struct harness *);

/*
 * Write a capture of n made-up frames of link type dlt into the scratch
 * folder as name, frame i at ts_ms[i] milliseconds (i ms when ts_ms is
 * NULL) after a fixed start.  Returns the path (static storage).
 */
const char *harness_write_capture(const char *name, int dlt, size_t n,
	    const long *ts_ms);

/*
 * A scratch folder for the files a test group writes: cmocka group
 * setup and teardown functions, and its path.
 */
int	harness_tmpdir_create(void **state);
int	harness_tmpdir_remove(void **state);
const char *harness_tmpdir(void);

/* VmRSS of pid in KiB, or -1. */
long	harness_rss_kib(pid_t pid);

/* A note in the TAP output ("# ..."), for measured figures. */
void	harness_note(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* What the helper wrote to stdout (harness_spawn_args, after wait). */
const char *harness_stdout(struct harness *);

/* Monotonic milliseconds. */
uint64_t harness_now_ms(void);

#endif
