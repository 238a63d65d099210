/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the whole decode path: radiotap, 802.11, elements, EAPOL
 *
 * The input is one radiotap-framed capture, as the core receives it.
 * The same bytes are also decoded as bare 802.11 (DLT 105), once as a
 * whole frame and once as one the snap length cut, so the 802.11 and
 * element parsers see the fuzzer's bytes from their first byte on.
 *
 * Each decoded packet then goes through the 802.11 alert checks (wids),
 * which read what the decoders filled and a few body bytes of their own
 * (LLC payloads, EAP-WSC): one detector for the whole run, as in the
 * core, so that state from earlier inputs is in play too.
 */

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alerts.h"
#include "decode.h"
#include "packet.h"
#include "wids.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Where the bytes read go, so that no read is optimised away. */
static volatile unsigned fuzz_sink;

/* Check what decode_packet promises and read every byte it points at. */
static unsigned
fuzz_check(const struct packet *p)
{
	const struct packet_dot11 *d = &p->dot11;
	const uint8_t *end = p->data + p->caplen;
	unsigned sum = 0;
	size_t i;

	if (p->error == PACKET_ERR_DLT || p->error == PACKET_ERR_RADIO)
		return 0;
	assert(p->frame >= p->data && p->frame + p->frame_len <= end);
	assert(d->n_addr <= 4);
	assert(d->ies.n_rates <= PACKET_RATES_MAX);
	assert(d->eapol.msg <= 4);
	if (d->body != NULL) {
		assert(d->body >= p->frame &&
		    d->body + d->body_len <= p->frame + p->frame_len);
		for (i = 0; i < d->body_len; i++)
			sum += d->body[i];
	}
	if (d->ies.has_ssid) {
		assert(d->ies.ssid_len <= PACKET_SSID_MAX);
		assert(d->ies.ssid >= p->frame && d->ies.ssid +
		    d->ies.ssid_len <= p->frame + p->frame_len);
		for (i = 0; i < d->ies.ssid_len; i++)
			sum += d->ies.ssid[i];
	}
	if (d->ies.has_mesh_id)
		assert(d->ies.mesh_id + d->ies.mesh_id_len <=
		    p->frame + p->frame_len);
	assert(d->ies.country[2] == '\0');
	if (d->eapol.nonce != NULL)
		assert(d->eapol.nonce >= p->frame && d->eapol.nonce + 32 <=
		    p->frame + p->frame_len);
	if (p->error == PACKET_OK)
		assert(d->n_addr >= 1);
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct alerts *al;
	static struct wids *w;
	struct packet p;
	unsigned sum;
	char err[256];

	if (w == NULL) {
		al = alerts_new(NULL);
		w = wids_new(al, NULL, err, sizeof(err));
		assert(w != NULL);
	}

	memset(&p, 0, sizeof(p));
	p.dlt = PACKET_DLT_RADIOTAP;
	p.data = data;
	p.caplen = p.len = size;
	(void)decode_packet(&p);
	sum = fuzz_check(&p);

	p.dlt = PACKET_DLT_IEEE802_11;
	(void)decode_packet(&p);
	sum += fuzz_check(&p);
	p.len = size + 100;
	(void)decode_packet(&p);
	sum += fuzz_check(&p);
	fuzz_sink = sum;
	return 0;
}
