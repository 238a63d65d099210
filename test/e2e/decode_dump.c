/* SPDX-License-Identifier: ISC */
/*
 * \summary: print osprey's decoding of a capture, one line per frame
 *
 * Reads a pcap or pcapng file with libpcap, runs decode_packet() on every
 * frame and prints tab-separated columns laid out and formatted as
 * `tshark -T fields -E separator=/t -E occurrence=f` prints the fields
 * named in the first (#) line, followed by osprey-only columns.  The
 * comparison driver (decode_compare.py) lines the two up frame by frame.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "decode.h"
#include "packet.h"

/* Columns, in order; the driver checks this line against its own list. */
static const char *const dump_fields[] = {
	"frame.number", "wlan.fc.type_subtype", "wlan.bssid", "wlan.sa",
	"wlan.da", "wlan.ta", "wlan.ra", "wlan.ssid", "wlan_radio.channel",
	"wlan_radio.frequency", "wlan_radio.signal_dbm",
	"wlan_radio.noise_dbm", "wlan_radio.data_rate",
	"wlan_rsna_eapol.keydes.msgnr", "wlan_rsna_eapol.keydes.key_info",
	"eapol.keydes.replay_counter", "wlan.fc.protected", "wlan.fc.retry",
	"wlan.seq", "wlan.qos.tid", "wlan.fixed.beacon",
	"wlan.fixed.capabilities", "wlan.fixed.reason_code",
	"wlan.fixed.status_code", "wlan.fixed.auth.alg",
	"wlan.ds.current_channel", "wlan.country_info.code",
	"wlan.ht.info.primarychannel", "wlan.ht.info.secchanoffset",
	"wlan.vht.op.channelwidth", "wlan.vht.op.channelcenter0",
	"wps.wifi_protected_setup_state", "wlan.mesh.id",
	"wlan.tim.dtim_period",
	"wlan.supported_rates", "llc.type", "osprey.error", "osprey.crypt",
	"osprey.cloaked", "osprey.cut", "osprey.dlt",
};

static void
dump_mac(bool has, const uint8_t *m)
{
	if (has)
		printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		    m[4], m[5]);
	putchar('\t');
}

static void
dump_hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void
dump_packet(unsigned long n, const struct packet *p)
{
	const struct packet_radio *r = &p->radio;
	const struct packet_dot11 *d = &p->dot11;
	const struct dot11_ies *ie = &d->ies;
	bool dot11 = p->error == PACKET_OK || p->error == PACKET_ERR_DOT11 ||
	    p->error == PACKET_ERR_SHORT;
	bool mgmt = dot11 && d->type == DOT11_TYPE_MGMT && !d->protected_;
	bool beacon = mgmt && (d->subtype == DOT11_MGMT_BEACON ||
	    d->subtype == DOT11_MGMT_PROBE_RESP);
	bool cap = beacon || (mgmt && (d->subtype <= DOT11_MGMT_REASSOC_RESP));
	unsigned i;

	printf("%lu\t", n);
	if (dot11)
		printf("0x%04x", d->type << 4 | d->subtype);
	putchar('\t');
	dump_mac(dot11 && d->has_bssid, d->bssid);
	dump_mac(dot11 && d->has_src, d->src);
	dump_mac(dot11 && d->has_dst, d->dst);
	dump_mac(dot11 && d->has_ta, d->ta);
	dump_mac(dot11 && d->n_addr > 0, d->ra);
	if (dot11 && ie->has_ssid)
		dump_hex(ie->ssid, ie->ssid_len);
	putchar('\t');
	if (r->has & RADIO_HAS_CHANNEL)
		printf("%u", r->channel);
	putchar('\t');
	if (r->has & RADIO_HAS_FREQ)
		printf("%u", r->freq_mhz);
	putchar('\t');
	if (r->has & RADIO_HAS_SIGNAL)
		printf("%d", r->signal_dbm);
	putchar('\t');
	if (r->has & RADIO_HAS_NOISE)
		printf("%d", r->noise_dbm);
	putchar('\t');
	if (r->has & RADIO_HAS_RATE)
		printf("%g", r->rate_kbps / 1000.0);
	putchar('\t');
	if (dot11 && d->eapol.key_info != 0)
		printf("%u\t0x%04x\t%" PRIu64 "\t", d->eapol.msg,
		    d->eapol.key_info, d->eapol.replay);
	else
		printf("\t\t\t");
	if (dot11)
		printf("%d\t%d\t", d->protected_, d->retry);
	else
		printf("\t\t");
	if (dot11 && d->type != DOT11_TYPE_CTRL &&
	    d->type != DOT11_TYPE_EXT && d->n_addr >= 3)
		printf("%u", d->seq);
	putchar('\t');
	if (dot11 && d->qos)
		printf("%u", d->tid);
	putchar('\t');
	if (beacon || (dot11 && d->type == DOT11_TYPE_EXT && d->subtype == 0))
		printf("%u", d->beacon_interval);
	putchar('\t');
	if (cap)
		printf("0x%04x", d->capability);
	putchar('\t');
	if (mgmt && (d->subtype == DOT11_MGMT_DEAUTH ||
	    d->subtype == DOT11_MGMT_DISASSOC))
		printf("%u", d->reason);
	putchar('\t');
	if (mgmt && (d->subtype == DOT11_MGMT_AUTH ||
	    d->subtype == DOT11_MGMT_ASSOC_RESP ||
	    d->subtype == DOT11_MGMT_REASSOC_RESP))
		printf("%u", d->status);
	putchar('\t');
	if (mgmt && d->subtype == DOT11_MGMT_AUTH)
		printf("%u", d->auth_alg);
	putchar('\t');
	if (ie->ds_channel != 0)
		printf("%u", ie->ds_channel);
	putchar('\t');
	printf("%s\t", ie->country);
	if (ie->ht_primary != 0)
		printf("%u\t0x%02x", ie->ht_primary, ie->ht_secondary);
	else
		putchar('\t');
	putchar('\t');
	if (ie->has_vht && (ie->vht_width || ie->vht_center1))
		printf("%u\t%u", ie->vht_width, ie->vht_center1);
	else
		putchar('\t');
	putchar('\t');
	if (ie->wps_state != 0)
		printf("0x%02x", ie->wps_state);
	putchar('\t');
	if (ie->has_mesh_id)
		fwrite(ie->mesh_id, 1, ie->mesh_id_len, stdout);
	putchar('\t');
	printf("%s\t", ie->has_tim ? "tim" : "");
	for (i = 0; i < ie->n_rates; i++)
		printf("%s0x%02x", i ? "," : "", ie->rates[i]);
	putchar('\t');
	if (d->ethertype != 0)
		printf("0x%04x", d->ethertype);
	printf("\t%d\t0x%08x\t%d\t%d\t%u\n", p->error, ie->crypt,
	    ie->ssid_cloaked, d->truncated, p->dlt);
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct packet p;
	unsigned long n = 0;
	pcap_t *pc;
	size_t i;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s capture\n", argv[0]);
		return 2;
	}
	if ((pc = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], errbuf);
		return 1;
	}
	putchar('#');
	for (i = 0; i < sizeof(dump_fields) / sizeof(dump_fields[0]); i++)
		printf("%s%s", i ? "\t" : "", dump_fields[i]);
	putchar('\n');
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		memset(&p, 0, sizeof(p));
		p.dlt = (uint32_t)pcap_datalink(pc);
		p.data = data;
		p.caplen = h->caplen;
		p.len = h->len;
		p.ts_sec = (uint64_t)h->ts.tv_sec;
		p.ts_usec = (uint64_t)h->ts.tv_usec;
		(void)decode_packet(&p);
		dump_packet(++n, &p);
	}
	/* A file cut short mid-record ends the list, as it does for tshark. */
	if (rc == PCAP_ERROR)
		fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(pc));
	pcap_close(pc);
	return 0;
}
