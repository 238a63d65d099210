/* SPDX-License-Identifier: ISC */
/*
 * \summary: the core's frame decoder: radio header, then 802.11
 *
 * One entry point per frame.  The radio header decoder chosen by link
 * type finds where the 802.11 frame starts and whether it ends in an FCS;
 * the FCS is cut off (only the part of it that was captured, since a
 * snap length may have cut the frame first) and the 802.11 decoder runs
 * on what is left.  Nothing is allocated or copied.
 */

#include <errno.h>
#include <string.h>

#include "avs.h"
#include "decode.h"
#include "dot11.h"
#include "packet.h"
#include "phy.h"
#include "ppi.h"
#include "prism.h"
#include "radiotap.h"

#define DECODE_FCS_LEN	4

static int
decode_radio(struct packet *p, size_t *ret_len)
{
	switch (p->dlt) {
	case PACKET_DLT_IEEE802_11:
		*ret_len = 0;
		return 0;
	case PACKET_DLT_RADIOTAP:
		return radiotap_decode(p->data, p->caplen, &p->radio, ret_len);
	case PACKET_DLT_PPI:
		return ppi_decode(p->data, p->caplen, &p->radio, ret_len);
	case PACKET_DLT_PRISM:
		return prism_decode(p->data, p->caplen, &p->radio, ret_len);
	case PACKET_DLT_AVS:
		return avs_decode(p->data, p->caplen, &p->radio, ret_len);
	default:
		return -EPROTONOSUPPORT;
	}
}

int
decode_packet(struct packet *p)
{
	struct packet_radio *r = &p->radio;
	size_t hdr_len, missing, fcs;
	unsigned flags = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&p->dot11, 0, sizeof(p->dot11));
	p->frame = NULL;
	p->frame_len = 0;
	p->error = PACKET_OK;

	if ((rc = decode_radio(p, &hdr_len)) != 0) {
		p->error = rc == -EPROTONOSUPPORT ? PACKET_ERR_DLT :
		    PACKET_ERR_RADIO;
		return rc == -EPROTONOSUPPORT ? rc : -EBADMSG;
	}
	if ((r->has & RADIO_HAS_FREQ) && !(r->has & RADIO_HAS_CHANNEL) &&
	    (r->channel = (uint16_t)phy_freq_to_channel(r->freq_mhz)) != 0)
		r->has |= RADIO_HAS_CHANNEL;

	p->frame = p->data + hdr_len;
	p->frame_len = p->caplen - hdr_len;
	/* Bytes of the frame the capture did not keep. */
	missing = p->len > p->caplen ? p->len - p->caplen : 0;
	if (missing > 0)
		flags |= DOT11_F_CUT;
	if (r->fcs_present && missing < DECODE_FCS_LEN) {
		fcs = DECODE_FCS_LEN - missing;
		p->frame_len = p->frame_len > fcs ? p->frame_len - fcs : 0;
	}
	if (r->fcs_bad) {
		p->error = PACKET_ERR_FCS;
		return -EBADMSG;
	}
	if (r->flags & RADIOTAP_F_DATAPAD)
		flags |= DOT11_F_DATAPAD;

	rc = dot11_decode(p->frame, p->frame_len, flags, &p->dot11);
	if (rc == -DOT11_ERR_SHORT) {
		p->error = PACKET_ERR_SHORT;
		return -EBADMSG;
	}
	if (rc != 0) {
		p->error = PACKET_ERR_DOT11;
		return -EBADMSG;
	}
	return 0;
}
