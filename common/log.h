/* SPDX-License-Identifier: ISC */
/*
 * \summary: process-tagged logging to stderr (one line per event)
 *
 * Modules log at debug only; main loops and dispatchers log the one line
 * that tells an operator what happened (doc/style.md, "Errors").
 */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdarg.h>

#define OSPREY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define OSPREY_NORETURN __attribute__((noreturn))

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Set the process tag ("osprey", "web", "cap_pcapfile") and verbosity. */
void	log_init(const char *tag, enum log_level level);
void	log_set_level(enum log_level level);
enum log_level log_get_level(void);

void	log_warn(const char *, ...) OSPREY_PRINTF(1, 2);	/* with errno */
void	log_warnx(const char *, ...) OSPREY_PRINTF(1, 2);
void	log_info(const char *, ...) OSPREY_PRINTF(1, 2);
void	log_debug(const char *, ...) OSPREY_PRINTF(1, 2);
void	log_vlog(enum log_level, const char *, va_list) OSPREY_PRINTF(2, 0);

/* Startup failures and bugs only, never peer input. */
void	fatal(const char *, ...) OSPREY_PRINTF(1, 2) OSPREY_NORETURN;
void	fatalx(const char *, ...) OSPREY_PRINTF(1, 2) OSPREY_NORETURN;

#endif
