/* SPDX-License-Identifier: ISC */
/*
 * \summary: the built-in configuration, generated from etc/ at build time
 *
 * etc/osprey.conf with its include= files inlined (daemon/gen-defaults.py):
 * what the core reads when the default config file is absent, so that a
 * build tree that was never installed runs on the values osprey ships.
 */
#ifndef DAEMON_DEFAULTS_H
#define DAEMON_DEFAULTS_H

#include <stddef.h>

/* key=value lines, each ending in '\n'; osprey_defaults_len bytes. */
extern const char	osprey_defaults[];
extern const size_t	osprey_defaults_len;

#endif
