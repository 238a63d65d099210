/* SPDX-License-Identifier: ISC */
/*
 * \summary: fuzz the tracker with arbitrary decoded packets
 *
 * The tracker's input is what the decoders produce, so this target builds
 * struct packet records field by field from the fuzz bytes: frame kind,
 * DS bits, addresses from a small pool (so that devices collide, associate
 * and get evicted), SSIDs, crypt and element flags, signal, source, time
 * steps, handshake messages, and frame bytes for deduplication.  After
 * the run it checks the change index and that every device serializes to
 * msgpack that decodes back whole; ASan/UBSan watch the rest.
 *
 * Every packet then goes through the 802.11 alert checks (wids), as the
 * pipeline does, with their alerts counted on the tracker's devices: the
 * SSID bytes double as a frame body (LLC, EAP-WSC), an SSID element of
 * up to 39 bytes, and a handshake nonce; or the rest of the input is
 * the body and the frame (the Key Data Length, neighbor reports, the
 * Netgear beacon's bytes at 1180); the crypt bits double as a WMM TSPEC
 * count, a wrong fixed element length and EAPOL key information.  One
 * detector serves the whole run (its tables are megabytes; making them
 * per input cut the rate a hundredfold), so state from earlier inputs
 * is in play too.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include <msgpack.h>

#include "alerts.h"
#include "cursor.h"
#include "device.h"
#include "devrec.h"
#include "packet.h"
#include "tracker.h"
#include "wids.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 16 addresses: unicast, a group one, and the all-zero one. */
static void
pool_mac(uint8_t i, uint8_t mac[6])
{
	static const uint8_t base[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x00 };

	memcpy(mac, base, 6);
	mac[5] = i & 0x0f;
	if ((i & 0x0f) == 0x0e)
		mac[0] = 0x01;		/* multicast */
	else if ((i & 0x0f) == 0x0f)
		memset(mac, 0, 6);
}

/* One packet from the cursor; -1 when the input runs out. */
static int
build(struct cursor *c, struct packet *p, uint64_t *ts)
{
	struct packet_dot11 *h = &p->dot11;
	uint8_t kind, flags, a[4], ssid_len, step, sig, chan, misc;
	const uint8_t *ssid, *frame;
	uint16_t crypt, cap;
	size_t start = c->off;
	int i;

	if (cur_get_u8(c, &kind) || cur_get_u8(c, &flags) ||
	    cur_copy(c, a, 4) || cur_get_u8(c, &step) ||
	    cur_get_u8(c, &sig) || cur_get_u8(c, &chan) ||
	    cur_get_u8(c, &misc) || cur_get_le16(c, &crypt) ||
	    cur_get_le16(c, &cap) || cur_get_u8(c, &ssid_len))
		return -1;
	ssid_len %= 40;
	if (cur_get_bytes(c, ssid_len, &ssid))
		return -1;
	memset(p, 0, sizeof(*p));
	*ts += step;
	p->ts_sec = *ts / 4;
	p->ts_usec = (*ts % 4) * 250000;
	p->source = misc & 0x03;
	p->error = (misc & 0xf0) == 0xf0 ? PACKET_ERR_DOT11 : PACKET_OK;
	h->type = kind & 0x03;
	h->subtype = kind >> 4;
	h->tods = flags & 0x01;
	h->fromds = (flags & 0x02) != 0;
	h->protected_ = (flags & 0x04) != 0;
	h->has_ta = (flags & 0x08) == 0;
	h->has_bssid = (flags & 0x10) == 0;
	h->has_src = h->has_dst = (flags & 0x20) == 0;
	h->n_addr = 4;
	for (i = 0; i < 4; i++)
		pool_mac(a[i], h->addr[i]);
	memcpy(h->ra, h->addr[0], 6);
	memcpy(h->ta, h->addr[1], 6);
	memcpy(h->bssid, h->addr[(flags & 0x40) ? 0 : 2], 6);
	memcpy(h->src, h->addr[(flags & 0x80) ? 3 : 1], 6);
	memcpy(h->dst, h->addr[2], 6);
	h->capability = cap;
	h->beacon_interval = cap;
	h->status = misc & 0x04;
	h->reason = (uint16_t)(cap >> 4);
	h->timestamp = *ts * 102400ULL ^ ((uint64_t)cap << 40);
	h->body = ssid;
	h->body_len = ssid_len;
	h->ethertype = (misc & 0x08) ? 0x888e : 0;
	h->eapol.nonce = ssid_len >= 32 ? ssid : NULL;
	h->ies.has_ssid_ie = (kind & 0x04) == 0;
	h->ies.ssid_ie_len = ssid_len;
	h->ies.has_mesh_id = (cap & 0x8000) != 0;
	h->eapol.msg = (misc >> 3) & 0x07;
	h->eapol.replay = *ts;
	h->ies.has_ssid = (kind & 0x04) == 0 && ssid_len <= 32;
	h->ies.ssid = ssid;
	h->ies.ssid_len = ssid_len <= 32 ? ssid_len : 0;
	h->ies.ssid_cloaked = ssid_len == 0 || ssid[0] == 0;
	h->ies.crypt = crypt;
	h->ies.ds_channel = chan;
	h->ies.has_ht = (kind & 0x08) != 0;
	h->ies.ht_primary = chan;
	h->ies.ht_secondary = cap & 0x03;
	h->ies.has_vht = (cap & 0x04) != 0;
	h->ies.vht_width = (cap >> 3) & 0x03;
	h->ies.vht_center1 = chan;
	h->ies.vht_center2 = (uint8_t)(cap >> 8);
	h->ies.truncated = (misc & 0x80) != 0;
	if (sig & 0x01) {
		p->radio.has |= RADIO_HAS_SIGNAL | RADIO_HAS_NOISE;
		p->radio.signal_dbm = (int16_t)(int8_t)sig;
		p->radio.noise_dbm = (int16_t)(-90 - (sig & 0x0f));
	} else if (sig & 0x02) {
		p->has_helper_signal = true;
		p->helper_signal_dbm = (int16_t)(int8_t)sig;
		p->helper_freq_mhz = (uint16_t)(2400 + chan);
	}
	if (chan & 0x80) {
		p->radio.has |= RADIO_HAS_FREQ | RADIO_HAS_CHANNEL;
		p->radio.channel = chan & 0x7f;
		p->radio.freq_mhz = (uint16_t)(5000 + 5 * (chan & 0x7f));
	}
	h->retry = (sig & 0x08) != 0;
	h->ies.extcap_ie_len = (uint8_t)(cap >> 3);
	h->ies.p2p_noa_len = (uint16_t)((cap >> 2) & 0x7f);
	if (h->ies.extcap_ie_len > 0)
		h->eapol.desc = (cap & 0x0004) ? DOT11_EAPOL_DESC_WPA :
		    DOT11_EAPOL_DESC_RSN;
	/* WMM TSPECs, an element of a wrong fixed length, key information. */
	h->ies.wmm_tspec_n = (uint8_t)(crypt >> 13);
	h->ies.has_badfix = (crypt & 0x1000) != 0;
	h->ies.badfix_id = chan;
	h->ies.badfix_len = sig;
	h->eapol.key_info = (uint16_t)(crypt ^ cap);
	/* The frame bytes: the record itself, so repeats deduplicate. */
	frame = c->base + start;
	p->frame = frame;
	p->frame_len = c->off - start;
	/*
	 * Or the rest of the input as the body and the frame: the checks
	 * that read bodies past an SSID's 39 bytes (EAPOL Key Data Length,
	 * action frames' reports, a 1184-byte beacon) get them.  It ends
	 * the run.
	 */
	if (sig & 0x04) {
		h->body = c->base + c->off;
		h->body_len = c->len - c->off;
		p->frame = c->base + start;
		p->frame_len = c->len - start;
		c->off = c->len;
	}
	return 0;
}

/* As the core does: an alert counts against its device. */
static void
count_alert(const struct alerts_event *ev, void *arg)
{
	uint8_t phy, mac[6];

	assert(ev->name != NULL && ev->record_len > 0);
	if (ev->device_key[0] != '\0') {
		assert(device_key_parse(ev->device_key, &phy, mac) == 0);
		(void)tracker_note_alert(arg, phy, mac);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct alerts *al;
	static struct wids *w;
	char err[256];
	struct tracker_config cfg;
	struct tracker *tr;
	const struct device *d, *prev = NULL;
	struct devrec_cursor dc;
	struct cursor c;
	struct packet p;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	uint64_t ts = 4000;
	uint8_t mode;
	size_t n = 0, off = 0, got = 0;

	cur_init(&c, data, size);
	if (cur_get_u8(&c, &mode))
		return 0;
	tracker_config_default(&cfg);
	cfg.max_devices = (mode & 0x0f) == 0 ? 0 : (mode & 0x0f);
	cfg.device_timeout = (mode & 0x10) ? 2 : 0;
	cfg.dedup_window_usec = (mode & 0x20) ? 500000 : 0;
	cfg.packet_clock = true;
	tr = tracker_new(&cfg);
	if (w == NULL) {
		al = alerts_new(NULL);
		w = wids_new(al, NULL, err, sizeof(err));
		assert(w != NULL);
	}
	alerts_set_hook(al, count_alert, tr);
	while (build(&c, &p, &ts) == 0) {
		tracker_update(tr, &p);
		wids_packet(w, &p);
	}
	wids_tick(w, (double)ts);

	for (d = tracker_first(tr); d != NULL; d = tracker_next(d)) {
		assert(prev == NULL || prev->mod_seq < d->mod_seq);
		assert(tracker_find(tr, d->phy, d->mac) == d);
		assert(d->n_seenby <= DEVICE_MAX_SEENBY);
		assert(d->n_adv <= DEVICE_MAX_ADV_SSIDS);
		assert(d->n_probed <= DEVICE_MAX_PROBED);
		assert(d->n_aps <= DEVICE_MAX_APS);
		assert(d->n_clients <= DEVICE_MAX_CLIENTS);
		assert((d->mac[0] & 1) == 0);
		prev = d;
		n++;
	}
	assert(n == tracker_count(tr));
	assert(cfg.max_devices == 0 || n <= cfg.max_devices ||
	    n <= TRACKER_MIN_MAX_DEVICES);

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	devrec_cursor_init(&dc, 0);
	while (!dc.done)
		(void)devrec_pack_slice(&pk, tr, &dc, 3, NULL);
	assert(dc.written == n);
	msgpack_unpacked_init(&up);
	while (msgpack_unpack_next(&up, sb.data, sb.size, &off) ==
	    MSGPACK_UNPACK_SUCCESS) {
		assert(up.data.type == MSGPACK_OBJECT_MAP);
		got++;
	}
	assert(off == sb.size && got == n);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_clear(&sb);
	alerts_pack_since(al, 0, &pk);
	msgpack_sbuffer_destroy(&sb);
	alerts_set_hook(al, NULL, NULL);
	tracker_free(tr);
	return 0;
}
