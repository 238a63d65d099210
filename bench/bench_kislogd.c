/* SPDX-License-Identifier: ISC */
/*
 * \summary: benchmark of the kismetdb writer alone: CPU per packet
 *
 *   bench_kislogd [-u] [-n max] [-r runs] [-s off|normal] CAPTURE
 *
 * The writer process (daemon/log/kislogd.h) is what limits ingest with
 * log_types=kismet; timed inside a whole core, its CPU time varies with
 * everything else the machine runs.  Here the capture's first max frames
 * (default 500,000) are decoded once and turned into the messages the
 * core's tap sends (daemon/log/kislog.c), held in memory; then each run
 * forks a real writer (kislogd_start(), sandbox and all) on a new file in
 * a temporary directory, writes it every message as fast as it takes
 * them, closes the socket and waits for it: the writer's own CPU (user
 * and system, from wait4) per packet, its wall time, and the file's bytes
 * per packet.  Prints every run and the best by CPU.  With -u the writer
 * runs without its sandbox (kislogd_main() in a plain fork), so that
 * valgrind --tool=callgrind can count its instructions: a figure the
 * machine's load does not change.
 */

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchcap.h"
#include "decode.h"
#include "kislog.h"
#include "kislogd.h"
#include "kismetdb.h"
#include "klmsg.h"
#include "packet.h"

/* The core's tap: kislog.c's packet message, then the frame's bytes. */
static void
tap(struct klbuf *b, const struct packet *p, uint64_t id)
{
	struct klmsg_packet m;
	uint8_t head[KLMSG_HDR + KLMSG_PACKET_FIXED];

	kislog_packet_msg(&m, p);
	m.packetid = id;
	memcpy(m.uuid, "5FE308BD-0000-0000-0000-00000000B0B0", 36);
	klmsg_packet_head(head, &m);
	if (b->cap - b->len < sizeof(head) + p->caplen) {
		while (b->cap - b->len < sizeof(head) + p->caplen)
			b->cap = b->cap == 0 ? 1 << 20 : b->cap * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL) {
			perror("bench_kislogd");
			exit(1);
		}
	}
	memcpy(b->p + b->len, head, sizeof(head));
	memcpy(b->p + b->len + sizeof(head), p->data, p->caplen);
	b->len += sizeof(head) + p->caplen;
}

/* Feed the writer everything, drain what it says, until it exits. */
static int
feed(int fd, const struct klbuf *b)
{
	struct pollfd pfd;
	static uint8_t sink[1 << 16];
	size_t off = 0;
	ssize_t n;

	pfd.fd = fd;
	for (;;) {
		pfd.events = POLLIN | (off < b->len ? POLLOUT : 0);
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd.revents & POLLOUT) {
			n = write(fd, b->p + off, b->len - off);
			if (n > 0) {
				off += (size_t)n;
				if (off == b->len)
					(void)shutdown(fd, SHUT_WR);
			} else if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -1;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, sink, sizeof(sink));
			if (n == 0)
				return off == b->len ? 0 : -1;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -1;
		}
	}
}

/* The size of the one .kismet file in dir, and remove the directory. */
static long long
clean(const char *dir)
{
	char path[4096];
	struct dirent *de;
	struct stat sb;
	long long size = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb) == 0 && strstr(de->d_name, ".kismet"))
			size += sb.st_size;
		(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(dir);
	return size;
}

static double
wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct bench_cap cap;
	struct kislogd_conf *conf;
	struct klbuf b;
	struct packet p;
	struct rusage ru;
	char dir[] = "/tmp/bench_kislogd.XXXXXX";
	size_t max = 500000, i;
	double cpu, wall, best = 0, best_wall = 0;
	long long size = 0;
	int ch, runs = 3, run, fd, status, sync = KISMETDB_SYNC_OFF, sv[2];
	bool plain = false;
	pid_t pid;

	while ((ch = getopt(argc, argv, "n:r:s:u")) != -1) {
		if (ch == 'u')
			plain = true;
		else if (ch == 'n')
			max = strtoul(optarg, NULL, 10);
		else if (ch == 'r')
			runs = atoi(optarg);
		else if (ch == 's' && strcmp(optarg, "normal") == 0)
			sync = KISMETDB_SYNC_NORMAL;
		else if (ch == 's' && strcmp(optarg, "off") == 0)
			sync = KISMETDB_SYNC_OFF;
		else {
			fprintf(stderr, "usage: bench_kislogd [-u] [-n max] "
			    "[-r runs] [-s off|normal] CAPTURE\n");
			return 2;
		}
	}
	if (optind != argc - 1 || runs < 1) {
		fprintf(stderr, "usage: bench_kislogd [-u] [-n max] [-r runs] "
		    "[-s off|normal] CAPTURE\n");
		return 2;
	}
	memset(&cap, 0, sizeof(cap));
	if (bench_cap_load(&cap, "bench_kislogd", argv[optind], max) < 0)
		return 1;
	memset(&b, 0, sizeof(b));
	for (i = 0; i < cap.n; i++) {
		memset(&p, 0, sizeof(p));
		p.ts_sec = cap.frames[i].ts_sec;
		p.ts_usec = cap.frames[i].ts_usec;
		p.dlt = cap.frames[i].dlt;
		p.data = cap.bytes + cap.frames[i].off;
		p.caplen = cap.frames[i].caplen;
		p.len = cap.frames[i].len;
		(void)decode_packet(&p);
		tap(&b, &p, i + 1);
	}
	printf("bench_kislogd: %zu packets, %zu bytes of messages, "
	    "kis_log_sync=%s\n", cap.n, b.len,
	    sync == KISMETDB_SYNC_OFF ? "off" : "normal");
	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return 1;
	for (run = 1; run <= runs; run++) {
		if (mkdtemp(dir) == NULL) {
			perror("bench_kislogd: mkdtemp");
			return 1;
		}
		snprintf(conf->tmpl, sizeof(conf->tmpl), "%%p/%%n-%%i.%%l");
		snprintf(conf->prefix, sizeof(conf->prefix), "%s", dir);
		snprintf(conf->title, sizeof(conf->title), "bench");
		snprintf(conf->creator, sizeof(conf->creator), "osprey bench");
		conf->commit_ms = 250;
		conf->sync = sync;
		wall = wall_s();
		if (plain) {
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
			    (pid = fork()) < 0) {
				perror("bench_kislogd: fork");
				return 1;
			}
			if (pid == 0) {
				close(sv[0]);
				_exit(kislogd_main(conf, sv[1], false));
			}
			close(sv[1]);
			fd = sv[0];
		} else if (kislogd_start(conf, &pid, &fd) < 0) {
			perror("bench_kislogd: kislogd_start");
			return 1;
		}
		if (feed(fd, &b) < 0) {
			fprintf(stderr, "bench_kislogd: the writer failed\n");
			return 1;
		}
		close(fd);
		if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench_kislogd: the writer died\n");
			return 1;
		}
		wall = wall_s() - wall;
		cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		size = clean(dir);
		memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
		printf("   run %d: writer CPU %.3f s (user %.3f), %.3f us per "
		    "packet, wall %.3f s, %.0f bytes per packet\n", run, cpu,
		    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		    cpu * 1e6 / (double)cap.n, wall,
		    (double)size / (double)cap.n);
		if (run == 1 || cpu < best) {
			best = cpu;
			best_wall = wall;
		}
	}
	printf("   best: writer CPU %.3f us per packet (%.0f packets/s of "
	    "its CPU), wall %.3f s\n", best * 1e6 / (double)cap.n,
	    (double)cap.n / best, best_wall);
	free(conf);
	free(b.p);
	bench_cap_free(&cap);
	return 0;
}
