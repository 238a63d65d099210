/* SPDX-License-Identifier: ISC */
/*
 * \summary: the sandbox report record (internal to privsep/)
 *
 * A process killed by its filter writes one 12-byte record to its report
 * pipe, little-endian:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    magic 0x58425350 ("PSBX")                  |
 *   +---------------------------------------------------------------+
 *   |          system call number (siginfo si_syscall)              |
 *   +---------------------------------------------------------------+
 *   |          architecture (siginfo si_arch, AUDIT_ARCH_*)         |
 *   +---------------------------------------------------------------+
 */
#ifndef PRIVSEP_SANDBOX_REPORT_H
#define PRIVSEP_SANDBOX_REPORT_H

#include <stdint.h>

#define SANDBOX_REPORT_MAGIC	0x58425350U
#define SANDBOX_REPORT_LEN	12

/* Fill rec; async-signal-safe (the SIGSYS handler calls it). */
void	sandbox_report_encode(int syscall, uint32_t arch,
	    uint8_t rec[SANDBOX_REPORT_LEN]);

#endif
