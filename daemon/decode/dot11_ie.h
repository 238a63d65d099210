/* SPDX-License-Identifier: ISC */
/*
 * \summary: 802.11 information elements (the tagged parameters)
 */
#ifndef DAEMON_DOT11_IE_H
#define DAEMON_DOT11_IE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dot11_ies;

/* Element IDs (IEEE 802.11-2020 Table 9-92). */
enum dot11_ie_id {
	DOT11_IE_SSID = 0,
	DOT11_IE_RATES = 1,
	DOT11_IE_DS = 3,
	DOT11_IE_TIM = 5,
	DOT11_IE_IBSS = 6,
	DOT11_IE_COUNTRY = 7,
	DOT11_IE_HT_CAP = 45,
	DOT11_IE_RSN = 48,
	DOT11_IE_EXT_RATES = 50,
	DOT11_IE_HT_OP = 61,
	DOT11_IE_MESH_ID = 114,
	DOT11_IE_EXT_CAP = 127,
	DOT11_IE_VHT_CAP = 191,
	DOT11_IE_VHT_OP = 192,
	DOT11_IE_VENDOR = 221,
	DOT11_IE_EXT = 255,
};

/* Element ID Extensions carried in element 255. */
#define DOT11_IE_EXT_HE_CAP	35
#define DOT11_IE_EXT_HE_OP	36

/*
 * Walk the elements in buf (len bytes) into *ies, which the caller has
 * zeroed.  Pointers in *ies point into buf.  An element whose body is
 * wrong for its ID is skipped and sets ies->invalid.  An element that
 * runs past the end sets ies->truncated; if cut is false (the frame was
 * captured whole, so the list itself is corrupt) that is an error.
 * Returns 0 or -EBADMSG.
 */
int	dot11_ie_parse(const uint8_t *buf, size_t len, bool cut,
	    struct dot11_ies *ies);

/*
 * The dot11_crypt bits of an RSN element body (without ID and length),
 * ORed into *crypt: WPA2/WPA3/OWE from the AKM suites, the ciphers,
 * PSK/802.1X/SAE/FT, and PMF from the capabilities.  Fields the element
 * leaves out take the defaults of IEEE 802.11-2020 §9.4.2.24 (CCMP-128,
 * 802.1X).  Returns 0, or -EBADMSG when the element is malformed; the
 * suites read before the fault stay in *crypt, as Kismet and Wireshark
 * keep them.
 */
int	dot11_ie_rsn(const uint8_t *body, size_t len, uint32_t *crypt);

/* The same for the body of a vendor WPA element after its OUI and type
 * (00:50:f2, 1). */
int	dot11_ie_wpa(const uint8_t *body, size_t len, uint32_t *crypt);

#endif
