/* SPDX-License-Identifier: ISC */
/*
 * \summary: bodies of the management frames generated access points and
 * clients send
 *
 * Each function appends a frame body (fixed fields, then information
 * elements in the order real devices send them, IEEE 802.11-2020 §9.3.3)
 * after the 802.11 header the caller has written.
 */
#ifndef TOOLS_GEN_MGMT_H
#define TOOLS_GEN_MGMT_H

#include <stdbool.h>
#include <stdint.h>

struct gen_ap;
struct gen_buf;
struct gen_client;
struct gen_rand;

/* Beacon (probe_resp false) or probe response body at AP time tsf. */
void	gen_mgmt_beacon(struct gen_buf *, const struct gen_ap *,
	    uint64_t tsf, bool probe_resp);

/* Probe request for ssid (len 0: wildcard) on channel. */
void	gen_mgmt_probe_req(struct gen_buf *, const struct gen_client *,
	    const uint8_t *ssid, uint8_t ssid_len, uint8_t channel);

/* Authentication algorithms (§9.4.1.1). */
#define GEN_AUTH_OPEN	0
#define GEN_AUTH_SHARED	1
#define GEN_AUTH_SAE	3

/*
 * Authentication body.  SAE commit (seq 1) carries group 19, a scalar and
 * an element; SAE confirm (seq 2) a send-confirm and a confirm; shared key
 * seq 2 the challenge text.
 */
void	gen_mgmt_auth(struct gen_buf *, struct gen_rand *, uint16_t alg,
	    uint16_t seq);

void	gen_mgmt_assoc_req(struct gen_buf *, struct gen_rand *,
	    const struct gen_client *, const struct gen_ap *);
void	gen_mgmt_assoc_resp(struct gen_buf *, struct gen_rand *,
	    const struct gen_client *, const struct gen_ap *, uint16_t aid);

/* Deauthentication or disassociation: the reason code. */
void	gen_mgmt_reason(struct gen_buf *, uint16_t reason);

/* Block Ack action frames: ADDBA request and response for tid. */
void	gen_mgmt_addba(struct gen_buf *, bool response, uint8_t token,
	    uint8_t tid, uint16_t ssn);

#endif
