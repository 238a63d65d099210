/* SPDX-License-Identifier: ISC */
/*
 * \summary: 802.11 MAC frame decoder: header, fixed fields, data body
 *
 * IEEE 802.11-2020 §9.2-9.3, all fields little-endian:
 *
 *	+----+-----+-------+-------+-------+-----+-------+-----+-----+------
 *	| FC | dur | addr1 | addr2 | addr3 | seq | addr4 | QoS | HTC | body
 *	| 2  | 2   | 6     | 6     | 6     | 2   | 6     | 2   | 4   |
 *	+----+-----+-------+-------+-------+-----+-------+-----+-----+------
 *
 * Management frames stop at seq (then HTC if Order is set); data frames
 * have addr4 when both DS bits are set, QoS in QoS subtypes and HTC when
 * a QoS frame has Order set.  Control frames have addr1 (RA) and, for
 * most subtypes, addr2 (TA) and nothing else we use.  What the four
 * addresses mean depends on ToDS/FromDS (Table 9-30):
 *
 *	ToDS FromDS  addr1  addr2  addr3  addr4
 *	0    0       DA     SA     BSSID  -
 *	0    1       DA     BSSID  SA     -
 *	1    0       BSSID  SA     DA     -
 *	1    1       RA     TA     DA     SA	(WDS / mesh: no BSSID)
 */

#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "dot11.h"
#include "dot11_ie.h"
#include "eapol.h"
#include "packet.h"

#define DOT11_SUBTYPE_QOS	0x08	/* data subtypes 8-15 carry QoS */
#define DOT11_SUBTYPE_NODATA	0x04	/* data subtypes with no body */
#define DOT11_QOS_AMSDU		0x0080
#define DOT11_AUTH_SAE		3
#define DOT11_EXT_DMG_BEACON	0
#define DOT11_CRYPT_MIN		8	/* WEP IV (4) and ICV (4) */

static void
dot11_mac(uint8_t dst[PACKET_MAC_LEN], const uint8_t src[PACKET_MAC_LEN])
{
	memcpy(dst, src, PACKET_MAC_LEN);
}

static int
dot11_addrs(struct cursor *c, struct packet_dot11 *d, unsigned n)
{
	while (d->n_addr < n) {
		if (cur_get_mac(c, d->addr[d->n_addr]) != 0)
			return -1;
		/* Every frame is addressed to addr1. */
		if (d->n_addr++ == 0)
			dot11_mac(d->ra, d->addr[0]);
	}
	return 0;
}

static int
dot11_seq(struct cursor *c, struct packet_dot11 *d)
{
	uint16_t sc;

	if (cur_get_le16(c, &sc) != 0)
		return -1;
	d->seq = sc >> 4;
	d->frag = sc & 0x0f;
	return 0;
}

/* Name the addresses of a management or data frame (table above). */
static void
dot11_assign(struct packet_dot11 *d)
{
	unsigned ds = (d->tods ? 2 : 0) | (d->fromds ? 1 : 0);

	dot11_mac(d->ta, d->addr[1]);
	d->has_ta = true;
	d->has_src = d->has_dst = true;
	if (d->type == DOT11_TYPE_MGMT)
		ds = 0;
	switch (ds) {
	case 0:
		dot11_mac(d->dst, d->addr[0]);
		dot11_mac(d->src, d->addr[1]);
		dot11_mac(d->bssid, d->addr[2]);
		d->has_bssid = true;
		break;
	case 1:
		dot11_mac(d->dst, d->addr[0]);
		dot11_mac(d->bssid, d->addr[1]);
		dot11_mac(d->src, d->addr[2]);
		d->has_bssid = true;
		break;
	case 2:
		dot11_mac(d->bssid, d->addr[0]);
		dot11_mac(d->src, d->addr[1]);
		dot11_mac(d->dst, d->addr[2]);
		d->has_bssid = true;
		break;
	default:
		dot11_mac(d->dst, d->addr[2]);
		dot11_mac(d->src, d->addr[3]);
		break;
	}
}

static int
dot11_ctrl(struct cursor *c, struct packet_dot11 *d)
{
	switch (d->subtype) {
	case DOT11_CTRL_CTS:
	case DOT11_CTRL_ACK:
	case DOT11_CTRL_WRAPPER:
	case 0:
	case 1:
		/* RA only (0 and 1 are reserved: nothing more is known). */
		if (dot11_addrs(c, d, 1) != 0)
			return -DOT11_ERR_SHORT;
		return 0;
	default:
		break;
	}
	if (dot11_addrs(c, d, 2) != 0)
		return -DOT11_ERR_SHORT;
	switch (d->subtype) {
	case DOT11_CTRL_PSPOLL:
		/* Sent to the AP: RA is the BSSID. */
		dot11_mac(d->bssid, d->addr[0]);
		d->has_bssid = true;
		dot11_mac(d->ta, d->addr[1]);
		d->has_ta = true;
		break;
	case DOT11_CTRL_CFEND:
	case DOT11_CTRL_CFEND_ACK:
		/* Sent by the AP to everyone: addr2 is the BSSID. */
		dot11_mac(d->bssid, d->addr[1]);
		d->has_bssid = true;
		break;
	default:
		dot11_mac(d->ta, d->addr[1]);
		d->has_ta = true;
		break;
	}
	return 0;
}

/* A field the body must hold: missing is fine if the capture was cut. */
#define NEED(x)	do {							\
	if ((x) != 0)							\
		return cut ? 0 : -DOT11_ERR_BODY;			\
} while (0)

/* Fixed fields of a management body (§9.3.3), then its elements. */
static int
dot11_mgmt_body(struct cursor *c, bool cut, struct packet_dot11 *d)
{
	uint16_t u16;
	uint8_t cur_ap[PACKET_MAC_LEN];

	switch (d->subtype) {
	case DOT11_MGMT_BEACON:
	case DOT11_MGMT_PROBE_RESP:
	case DOT11_MGMT_TIMING_ADV:
		NEED(cur_get_le64(c, &d->timestamp));
		if (d->subtype != DOT11_MGMT_TIMING_ADV)
			NEED(cur_get_le16(c, &d->beacon_interval));
		NEED(cur_get_le16(c, &d->capability));
		break;
	case DOT11_MGMT_PROBE_REQ:
		break;
	case DOT11_MGMT_ASSOC_REQ:
	case DOT11_MGMT_REASSOC_REQ:
		NEED(cur_get_le16(c, &d->capability));
		NEED(cur_get_le16(c, &u16));		/* listen interval */
		if (d->subtype == DOT11_MGMT_REASSOC_REQ)
			NEED(cur_get_mac(c, cur_ap));
		break;
	case DOT11_MGMT_ASSOC_RESP:
	case DOT11_MGMT_REASSOC_RESP:
		NEED(cur_get_le16(c, &d->capability));
		NEED(cur_get_le16(c, &d->status));
		NEED(cur_get_le16(c, &u16));		/* association id */
		break;
	case DOT11_MGMT_AUTH:
		NEED(cur_get_le16(c, &d->auth_alg));
		NEED(cur_get_le16(c, &d->auth_seq));
		NEED(cur_get_le16(c, &d->status));
		/* SAE puts its own fields here, not elements. */
		if (d->auth_alg == DOT11_AUTH_SAE)
			return 0;
		break;
	case DOT11_MGMT_DEAUTH:
	case DOT11_MGMT_DISASSOC:
		NEED(cur_get_le16(c, &d->reason));
		return 0;
	case DOT11_MGMT_ACTION:
	case DOT11_MGMT_ACTION_NOACK:
		NEED(cur_get_u8(c, &d->action_category));
		return 0;
	default:
		return 0;
	}
	if (dot11_ie_parse(cur_ptr(c), cur_left(c), cut, &d->ies) != 0)
		return -DOT11_ERR_BODY;
	/*
	 * Privacy without an RSN or WPA element is WEP (§12.2.2), in a
	 * frame captured whole.  A frame the capture cut short may have
	 * lost those elements: its Privacy bit says only "encrypted".
	 */
	if ((d->capability & DOT11_CAP_PRIVACY) && !(d->ies.crypt &
	    (DOT11_CRYPT_WPA | DOT11_CRYPT_WPA2 | DOT11_CRYPT_WPA3 |
	    DOT11_CRYPT_OWE)))
		d->ies.crypt |= cut ? DOT11_CRYPT_UNKNOWN : DOT11_CRYPT_WEP;
	return 0;
}

/*
 * LLC/SNAP: DSAP AA, SSAP AA, control 03, OUI 00-00-00 (RFC 1042) or
 * 00-00-F8 (802.1H), ethertype; and the handshake if it is EAPOL.
 */
static int
dot11_data_body(struct cursor *c, bool cut, struct packet_dot11 *d)
{
	const uint8_t *llc;
	uint16_t len;

	/* An A-MSDU starts with a subframe header: DA, SA, length. */
	if (d->amsdu && (cur_skip(c, 2 * PACKET_MAC_LEN) != 0 ||
	    cur_get_be16(c, &len) != 0))
		return 0;
	if (cur_get_bytes(c, 6, &llc) != 0)
		return 0;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03 ||
	    llc[3] != 0x00 || llc[4] != 0x00 ||
	    (llc[5] != 0x00 && llc[5] != 0xf8))
		return 0;
	if (cur_get_be16(c, &d->ethertype) != 0)
		return 0;
	if (d->ethertype == EAPOL_ETHERTYPE &&
	    eapol_parse(cur_ptr(c), cur_left(c), cut, &d->eapol) != 0)
		return -DOT11_ERR_BODY;
	return 0;
}

static int
dot11_ext(struct cursor *c, bool cut, struct packet_dot11 *d)
{
	/* DMG beacon: BSSID, then timestamp and beacon interval. */
	if (dot11_addrs(c, d, 1) != 0)
		return -DOT11_ERR_SHORT;
	if (d->subtype == DOT11_EXT_DMG_BEACON) {
		dot11_mac(d->bssid, d->addr[0]);
		d->has_bssid = true;
		dot11_mac(d->ta, d->addr[0]);
		d->has_ta = true;
		NEED(cur_get_le64(c, &d->timestamp));
		NEED(cur_skip(c, 3));			/* sector sweep */
		NEED(cur_get_le16(c, &d->beacon_interval));
	}
	return 0;
}

int
dot11_decode(const uint8_t *frame, size_t len, unsigned flags,
    struct packet_dot11 *d)
{
	struct cursor c;
	uint16_t fc, qos, htc[2];
	bool cut = (flags & DOT11_F_CUT) != 0;

	memset(d, 0, sizeof(*d));
	d->truncated = cut;
	cur_init(&c, frame, len);
	if (cur_get_le16(&c, &fc) != 0 || cur_get_le16(&c, &d->duration) != 0)
		return -DOT11_ERR_SHORT;
	d->fc = fc;
	d->type = (fc >> 2) & 0x03;
	d->subtype = (fc >> 4) & 0x0f;
	d->tods = (fc & DOT11_FC_TODS) != 0;
	d->fromds = (fc & DOT11_FC_FROMDS) != 0;
	d->more_frag = (fc & DOT11_FC_MOREFRAG) != 0;
	d->retry = (fc & DOT11_FC_RETRY) != 0;
	d->pwr_mgt = (fc & DOT11_FC_PWRMGT) != 0;
	d->more_data = (fc & DOT11_FC_MOREDATA) != 0;
	d->protected_ = (fc & DOT11_FC_PROTECTED) != 0;
	d->order = (fc & DOT11_FC_ORDER) != 0;
	/* Version 1 is the 802.11ah short frame format: not decoded. */
	if ((fc & DOT11_FC_VERSION) != 0)
		return -DOT11_ERR_BODY;

	switch (d->type) {
	case DOT11_TYPE_CTRL:
		return dot11_ctrl(&c, d);
	case DOT11_TYPE_EXT:
		return dot11_ext(&c, cut, d);
	default:
		break;
	}
	if (dot11_addrs(&c, d, 3) != 0 || dot11_seq(&c, d) != 0)
		return -DOT11_ERR_SHORT;
	if (d->type == DOT11_TYPE_DATA) {
		if (d->tods && d->fromds && dot11_addrs(&c, d, 4) != 0)
			return -DOT11_ERR_SHORT;
		if (d->subtype & DOT11_SUBTYPE_QOS) {
			if (cur_get_le16(&c, &qos) != 0)
				return -DOT11_ERR_SHORT;
			d->qos = true;
			d->tid = qos & 0x0f;
			d->amsdu = (qos & DOT11_QOS_AMSDU) != 0;
		}
	}
	dot11_assign(d);
	/* HT Control: management frames, and QoS data, with Order set. */
	if (d->order && (d->type == DOT11_TYPE_MGMT || d->qos) &&
	    (cur_get_le16(&c, &htc[0]) != 0 || cur_get_le16(&c, &htc[1]) != 0))
		return -DOT11_ERR_SHORT;
	if ((flags & DOT11_F_DATAPAD) && cur_align(&c, 4) != 0)
		c.off = c.len;
	d->body = cur_ptr(&c);
	d->body_len = cur_left(&c);
	/*
	 * An encrypted body means nothing until decrypted, but it cannot be
	 * shorter than the smallest cipher overhead (WEP: IV and ICV).
	 */
	if (d->protected_) {
		if (d->body_len < DOT11_CRYPT_MIN && !cut &&
		    (d->type == DOT11_TYPE_MGMT ||
		    !(d->subtype & DOT11_SUBTYPE_NODATA)))
			return -DOT11_ERR_BODY;
		return 0;
	}
	if (d->type == DOT11_TYPE_MGMT)
		return dot11_mgmt_body(&c, cut, d);
	if (!(d->subtype & DOT11_SUBTYPE_NODATA))
		return dot11_data_body(&c, cut, d);
	return 0;
}
