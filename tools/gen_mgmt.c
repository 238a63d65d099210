/* SPDX-License-Identifier: ISC */
/*
 * \summary: bodies of the management frames generated access points and
 * clients send
 */

#include <string.h>

#include "gen_frames.h"
#include "gen_ie.h"
#include "gen_mgmt.h"
#include "gen_rand.h"
#include "gen_world.h"

/* Capability information bits (§9.4.1.4). */
#define CAP_ESS		0x0001
#define CAP_PRIVACY	0x0010
#define CAP_SHORTPRE	0x0020
#define CAP_SPECTRUM	0x0100
#define CAP_SHORTSLOT	0x0400

static bool
uses_rsn(enum gen_sec s)
{
	return s >= GEN_SEC_WPA2_PSK;
}

static uint16_t
ap_capability(const struct gen_ap *ap)
{
	uint16_t cap = CAP_ESS;

	if (ap->sec != GEN_SEC_OPEN)
		cap |= CAP_PRIVACY;
	if (ap->channel <= 14)
		cap |= CAP_SHORTPRE | CAP_SHORTSLOT;
	else
		cap |= CAP_SPECTRUM;
	return cap;
}

void
gen_mgmt_beacon(struct gen_buf *b, const struct gen_ap *ap, uint64_t tsf,
    bool probe_resp)
{
	bool b24 = ap->channel <= 14;
	uint8_t nuls[32];

	gen_put_le64(b, tsf);
	gen_put_le16(b, 100);		/* beacon interval, TUs */
	gen_put_le16(b, ap_capability(ap));
	if (probe_resp || ap->hidden == GEN_SSID_SHOWN)
		gen_ie_ssid(b, ap->ssid, ap->ssid_len);
	else if (ap->hidden == GEN_SSID_EMPTY)
		gen_ie_ssid(b, NULL, 0);
	else {
		memset(nuls, 0, sizeof(nuls));
		gen_ie_ssid(b, nuls, ap->ssid_len);
	}
	gen_ie_rates(b, b24);
	gen_ie_ds(b, ap->channel);
	if (!probe_resp)
		gen_ie_tim(b, (uint8_t)((tsf / 102400) % ap->dtim), ap->dtim,
		    0);
	gen_ie_country(b, ap->country, b24);
	if (b24) {
		gen_ie_erp(b);
		gen_ie_ext_rates(b);
	}
	if (uses_rsn(ap->sec))
		gen_ie_rsn(b, ap->sec, GEN_AKM_NONE);
	if (ap->ht) {
		gen_ie_ht_cap(b, ap->nss, ap->bw >= 40);
		gen_ie_ht_op(b, ap->channel, ap->sec_offset);
	}
	gen_ie_ext_cap(b);
	if (ap->vht) {
		gen_ie_vht_cap(b, ap->nss);
		gen_ie_vht_op(b, ap->center);
	}
	if (ap->sec == GEN_SEC_WPA_TKIP)
		gen_ie_wpa(b);
	gen_ie_wmm_param(b);
	if (ap->wps)
		gen_ie_wps(b, &ap->wps_info, probe_resp);
}

void
gen_mgmt_probe_req(struct gen_buf *b, const struct gen_client *c,
    const uint8_t *ssid, uint8_t ssid_len, uint8_t channel)
{
	bool b24 = channel <= 14;

	gen_ie_ssid(b, ssid, ssid_len);
	gen_ie_rates(b, b24);
	if (b24)
		gen_ie_ext_rates(b);
	gen_ie_ds(b, channel);
	gen_ie_ht_cap(b, c->nss, true);
	gen_ie_ext_cap(b);
	if (!b24 && c->vht)
		gen_ie_vht_cap(b, c->nss);
}

void
gen_mgmt_auth(struct gen_buf *b, struct gen_rand *rnd, uint16_t alg,
    uint16_t seq)
{
	gen_put_le16(b, alg);
	gen_put_le16(b, seq);
	gen_put_le16(b, 0);		/* status: success */
	if (alg == GEN_AUTH_SAE && seq == 1) {
		/* Commit: finite cyclic group, scalar, element (P-256). */
		gen_put_le16(b, 19);
		gen_rand_bytes(rnd, gen_put(b, 32 + 64), 32 + 64);
	} else if (alg == GEN_AUTH_SAE && seq == 2) {
		/* Confirm: send-confirm counter, confirm (SHA-256). */
		gen_put_le16(b, 1);
		gen_rand_bytes(rnd, gen_put(b, 32), 32);
	} else if (alg == GEN_AUTH_SHARED && seq == 2)
		gen_ie_challenge(b, rnd);
}

static void
sta_security(struct gen_buf *b, const struct gen_client *c,
    const struct gen_ap *ap)
{
	if (uses_rsn(ap->sec))
		gen_ie_rsn(b, ap->sec, c->akm);
}

void
gen_mgmt_assoc_req(struct gen_buf *b, struct gen_rand *rnd,
    const struct gen_client *c, const struct gen_ap *ap)
{
	bool b24 = ap->channel <= 14;
	uint16_t cap = CAP_ESS;

	if (ap->sec != GEN_SEC_OPEN)
		cap |= CAP_PRIVACY;
	if (b24)
		cap |= CAP_SHORTPRE | CAP_SHORTSLOT;
	gen_put_le16(b, cap);
	gen_put_le16(b, 10);		/* listen interval, beacons */
	gen_ie_ssid(b, ap->ssid, ap->ssid_len);
	gen_ie_rates(b, b24);
	if (b24)
		gen_ie_ext_rates(b);
	gen_ie_power_cap(b);
	if (!b24)
		gen_ie_supported_channels(b);
	sta_security(b, c, ap);
	if (ap->ht)
		gen_ie_ht_cap(b, c->nss, true);
	gen_ie_ext_cap(b);
	if (ap->vht && c->vht)
		gen_ie_vht_cap(b, c->nss);
	if (ap->sec == GEN_SEC_OWE)
		gen_ie_owe_dh(b, rnd);
	if (ap->sec == GEN_SEC_WPA_TKIP)
		gen_ie_wpa(b);
	gen_ie_wmm_info(b);
}

void
gen_mgmt_assoc_resp(struct gen_buf *b, struct gen_rand *rnd,
    const struct gen_client *c, const struct gen_ap *ap, uint16_t aid)
{
	bool b24 = ap->channel <= 14;

	gen_put_le16(b, ap_capability(ap));
	gen_put_le16(b, 0);		/* status: success */
	gen_put_le16(b, (uint16_t)(0xc000 | aid));
	gen_ie_rates(b, b24);
	if (b24)
		gen_ie_ext_rates(b);
	if (ap->ht) {
		gen_ie_ht_cap(b, ap->nss, ap->bw >= 40);
		gen_ie_ht_op(b, ap->channel, ap->sec_offset);
	}
	gen_ie_ext_cap(b);
	if (ap->vht && c->vht) {
		gen_ie_vht_cap(b, ap->nss);
		gen_ie_vht_op(b, ap->center);
	}
	if (ap->sec == GEN_SEC_OWE)
		gen_ie_owe_dh(b, rnd);
	gen_ie_wmm_param(b);
}

void
gen_mgmt_reason(struct gen_buf *b, uint16_t reason)
{
	gen_put_le16(b, reason);
}

/*
 * ADDBA Request/Response (§9.6.4.2-3): category 3 (Block Ack), action 0
 * or 1, dialog token, [status,] parameter set (A-MSDU, immediate policy,
 * TID, buffer of 64), timeout, [starting sequence control].
 */
void
gen_mgmt_addba(struct gen_buf *b, bool response, uint8_t token, uint8_t tid,
    uint16_t ssn)
{
	gen_put_u8(b, 3);
	gen_put_u8(b, response ? 1 : 0);
	gen_put_u8(b, token);
	if (response)
		gen_put_le16(b, 0);
	gen_put_le16(b, (uint16_t)(0x0003 | (tid & 0xf) << 2 | 64 << 6));
	gen_put_le16(b, 0);
	if (!response)
		gen_put_le16(b, (uint16_t)((ssn & 0xfff) << 4));
}
