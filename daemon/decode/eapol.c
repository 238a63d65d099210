/* SPDX-License-Identifier: ISC */
/*
 * \summary: EAPOL-Key frames of the WPA/RSN 4-way handshake
 *
 * IEEE 802.1X-2010 §11.3 EAPOL header, then IEEE 802.11-2020 §12.7.2
 * EAPOL-Key frame (big-endian):
 *
 *	version u8, type u8 (3 = Key), body length u16,
 *	descriptor type u8 (2 RSN, 254 WPA), key information u16,
 *	key length u16, replay counter u64, nonce[32], IV[16], RSC[8],
 *	reserved[8], MIC[16], key data length u16, key data
 *
 * The MIC is 16 bytes for every AKM seen in practice (24 for the
 * 192-bit Suite B AKMs, whose key data length is then misread: such
 * frames still get their message number, from the key information).
 */

#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "eapol.h"
#include "packet.h"

#define EAPOL_TYPE_KEY		3
#define EAPOL_NONCE_LEN		32
#define EAPOL_MIC_LEN		16

uint8_t
eapol_key_msg(uint16_t key_info, int data_len)
{
	if ((key_info & EAPOL_KI_PAIRWISE) == 0)
		return 0;
	if (key_info & EAPOL_KI_ACK)
		return (key_info & EAPOL_KI_MIC) ? 3 : 1;
	if ((key_info & EAPOL_KI_MIC) == 0)
		return 0;
	/*
	 * 2 and 4 both come from the supplicant with a MIC; only 2 carries
	 * key data (the supplicant's RSN or WPA element).  The Secure bit
	 * is no help: WPA never sets it, and some RSN supplicants set it in
	 * message 2 of a rekey.  Without the length, Secure is all there is.
	 */
	if (data_len < 0)
		return (key_info & EAPOL_KI_SECURE) ? 4 : 2;
	return data_len > 0 ? 2 : 4;
}

static bool
eapol_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

int
eapol_parse(const uint8_t *buf, size_t len, bool cut, struct dot11_eapol *e)
{
	struct cursor c;
	const uint8_t *nonce = NULL, *mic = NULL;
	uint16_t body_len, key_info, key_len, data_len = 0;
	uint8_t version, type, desc;
	bool whole;

	cur_init(&c, buf, len);
	if (cur_get_u8(&c, &version) != 0 || cur_get_u8(&c, &type) != 0 ||
	    cur_get_be16(&c, &body_len) != 0)
		return cut ? 0 : -EBADMSG;
	if (type != EAPOL_TYPE_KEY)
		return 0;
	if (cur_get_u8(&c, &desc) != 0 || cur_get_be16(&c, &key_info) != 0)
		return cut ? 0 : -EBADMSG;
	if (desc != DOT11_EAPOL_DESC_RSN && desc != DOT11_EAPOL_DESC_WPA)
		return 0;
	e->desc = desc;
	e->key_info = key_info;
	e->install = (key_info & EAPOL_KI_INSTALL) != 0;
	whole = cur_get_be16(&c, &key_len) == 0 &&
	    cur_get_be64(&c, &e->replay) == 0 &&
	    cur_get_bytes(&c, EAPOL_NONCE_LEN, &nonce) == 0 &&
	    cur_skip(&c, 16 + 8 + 8) == 0 &&
	    cur_get_bytes(&c, EAPOL_MIC_LEN, &mic) == 0 &&
	    cur_get_be16(&c, &data_len) == 0;
	if (!whole && !cut)
		return -EBADMSG;
	e->has_nonce = nonce != NULL && !eapol_zero(nonce, EAPOL_NONCE_LEN);
	e->nonce = nonce;
	e->has_mic = mic != NULL && !eapol_zero(mic, EAPOL_MIC_LEN);
	e->msg = eapol_key_msg(key_info, whole ? data_len : -1);
	return 0;
}
