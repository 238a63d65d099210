/* SPDX-License-Identifier: ISC */
/*
 * \summary: attack scenarios for osprey_gen --attack: captures that must
 * raise one family of alerts (test/alerts, doc/alerts.md)
 *
 * Each scenario is a small site (a WPA2 access point, "osprey-home" on
 * channel 6, and a client of it) plus the attack, written as radiotap
 * frames.  The addresses are fixed, so that tests can check the alerts
 * name the right ones: GEN_ATK_AP, GEN_ATK_CLIENT, GEN_ATK_ROGUE.
 */
#ifndef TOOLS_GEN_ATTACK_H
#define TOOLS_GEN_ATTACK_H

#include <stdint.h>
#include <stdio.h>

struct gen_out;

#define GEN_ATK_AP	"02:00:5e:10:00:01"	/* the site's AP, channel 6 */
#define GEN_ATK_CLIENT	"02:00:5e:20:00:01"	/* its client */
#define GEN_ATK_ROGUE	"02:66:66:00:00:01"	/* the attacker's AP */

/*
 * Write scenario name over seconds of capture time from epoch_us.
 * Returns frames written, -ENOENT for an unknown name, or -errno.
 */
long	gen_attack(struct gen_out *, const char *name, uint64_t seconds,
	    uint64_t epoch_us, uint64_t seed);

/* The scenario names, one a line. */
void	gen_attack_list(FILE *);

#endif
