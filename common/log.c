/* SPDX-License-Identifier: ISC */
/* \summary: process-tagged logging to stderr */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_tag = "osprey";
static enum log_level log_level = LOG_LEVEL_INFO;

void
log_init(const char *tag, enum log_level level)
{
	log_tag = tag;
	log_level = level;
	/*
	 * glibc reads /etc/localtime the first time any time conversion
	 * runs, gmtime_r() included.  Do it now, while the process may still
	 * open files: a sandboxed process's first log line must not.
	 */
	tzset();
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

/*
 * One write per line so that lines from several processes sharing a
 * stderr never interleave mid-line.
 */
static void
log_emit(enum log_level level, const char *suffix, const char *fmt,
    va_list ap)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	char line[1024];
	struct timespec ts;
	struct tm tm;
	int n, m;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%ld] %s: ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_tag,
	    (long)getpid(), names[level]);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n >= sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (suffix != NULL) {
		m = snprintf(line + n, sizeof(line) - n, ": %s", suffix);
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof(line) - 1)
			n = sizeof(line) - 2;
	}
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* Nowhere left to report this. */
	}
}

void
log_vlog(enum log_level level, const char *fmt, va_list ap)
{
	if (level > log_level)
		return;
	log_emit(level, NULL, fmt, ap);
}

void
log_warn(const char *fmt, ...)
{
	char err[128];
	va_list ap;
	int saved = errno;

	if (LOG_LEVEL_WARN > log_level)
		return;
	va_start(ap, fmt);
	log_emit(LOG_LEVEL_WARN, strerror_r(saved, err, sizeof(err)), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char err[128];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERROR, strerror_r(saved, err, sizeof(err)), fmt,
	    ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
