/* SPDX-License-Identifier: ISC */
/*
 * \summary: what the simulated devices of osprey_gen say, and when
 *
 * Access points beacon every 102.4 ms and now and then send group
 * traffic.  Clients scan (broadcast and directed probe requests, answered
 * by the APs on the channel), join their home network (open, shared-key
 * or SAE authentication, association, EAP identity for 802.1X, the
 * EAPOL 4-way handshake, Block Ack setup), exchange data in bursts
 * (A-MPDUs with Block Ack, RTS/CTS, single frames with ACK, retries,
 * power-save nulls), and leave again with a deauthentication or
 * disassociation.
 */
#ifndef TOOLS_GEN_TRAFFIC_H
#define TOOLS_GEN_TRAFFIC_H

#include <stdint.h>

struct gen_sim;

/*
 * Put every device in its first state and schedule its first event;
 * passers-by (the last clients, --passers-by) have only their --hello.
 */
void	gen_traffic_start(struct gen_sim *);

/* AP ap's beacon is due at t. */
void	gen_traffic_beacon(struct gen_sim *, uint32_t ap, uint64_t t);

/* Client cl acts at t, as its state says. */
void	gen_traffic_client(struct gen_sim *, uint32_t cl, uint64_t t);

/*
 * Client cl's --hello: one broadcast probe request at t on its home
 * network's channel (else one of its band), which the sensor hears
 * whatever the signal, answered as any probe is.  Its state is unchanged.
 */
void	gen_traffic_hello(struct gen_sim *, uint32_t cl, uint64_t t);

#endif
