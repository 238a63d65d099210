/* SPDX-License-Identifier: ISC */
/*
 * \summary: builders of 802.11 information elements for generated frames
 *
 * Each function appends one element (ID, length, body; IEEE 802.11-2020
 * §9.4.2) to a frame under construction.  Which elements a beacon or an
 * association request carries is decided in gen_mgmt.c.
 */
#ifndef TOOLS_GEN_IE_H
#define TOOLS_GEN_IE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gen_buf;
struct gen_rand;

/* The security an access point offers. */
enum gen_sec {
	GEN_SEC_OPEN,
	GEN_SEC_WEP,
	GEN_SEC_WPA_TKIP,	/* WPA1 vendor IE, TKIP, PSK */
	GEN_SEC_WPA2_PSK,	/* RSN, CCMP, PSK */
	GEN_SEC_WPA2_EAP,	/* RSN, CCMP, 802.1X */
	GEN_SEC_WPA3_SAE,	/* RSN, CCMP, SAE, PMF required */
	GEN_SEC_WPA3_TRANS,	/* RSN, CCMP, PSK+SAE, PMF capable */
	GEN_SEC_OWE,		/* RSN, CCMP, OWE, PMF required */
	GEN_SEC_COUNT
};

/* The key management a client uses with its network. */
enum gen_akm {
	GEN_AKM_NONE,
	GEN_AKM_PSK,
	GEN_AKM_EAP,
	GEN_AKM_SAE,
	GEN_AKM_OWE,
};

/* What a WPS element tells about the device. */
struct gen_wps {
	const char	*manufacturer;
	const char	*model;
	const char	*model_number;
	const char	*serial;
	const char	*device_name;
	uint8_t		 uuid[16];
	bool		 band5;
};

/* A short name for a security mode ("wpa2-psk"), for summaries. */
const char *gen_sec_name(enum gen_sec);

void	gen_ie_ssid(struct gen_buf *, const uint8_t *ssid, size_t len);
/* Supported Rates; on 2.4 GHz the 11b rates are basic (and ERP follows). */
void	gen_ie_rates(struct gen_buf *, bool band24);
void	gen_ie_ext_rates(struct gen_buf *);
void	gen_ie_ds(struct gen_buf *, uint8_t channel);
void	gen_ie_tim(struct gen_buf *, uint8_t count, uint8_t period,
	    uint8_t bitmap);
void	gen_ie_country(struct gen_buf *, const char *cc, bool band24);
void	gen_ie_erp(struct gen_buf *);
void	gen_ie_power_cap(struct gen_buf *);
void	gen_ie_supported_channels(struct gen_buf *);
void	gen_ie_challenge(struct gen_buf *, struct gen_rand *);
/* RSN as an AP advertises sec, or as a client chose akm from it. */
void	gen_ie_rsn(struct gen_buf *, enum gen_sec sec, enum gen_akm akm);
/* The WPA1 vendor element (TKIP, PSK). */
void	gen_ie_wpa(struct gen_buf *);
void	gen_ie_ht_cap(struct gen_buf *, uint8_t nss, bool ht40);
/* sec_offset: 0 none, 1 secondary above, 3 below. */
void	gen_ie_ht_op(struct gen_buf *, uint8_t primary, uint8_t sec_offset);
void	gen_ie_ext_cap(struct gen_buf *);
void	gen_ie_vht_cap(struct gen_buf *, uint8_t nss);
/* center is the 80 MHz centre channel, 0 for a 20/40 MHz BSS. */
void	gen_ie_vht_op(struct gen_buf *, uint8_t center);
void	gen_ie_wmm_param(struct gen_buf *);
void	gen_ie_wmm_info(struct gen_buf *);
/* full adds the device description a probe response carries. */
void	gen_ie_wps(struct gen_buf *, const struct gen_wps *, bool full);
void	gen_ie_owe_dh(struct gen_buf *, struct gen_rand *);

#endif
