/* SPDX-License-Identifier: ISC */
/*
 * \summary: the simulated world of osprey_gen: access points and clients
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_rand.h"
#include "gen_world.h"

/*
 * Vendors with OUIs from the IEEE registry (Debian's ieee-data), so that
 * a manufacturer lookup of a generated address finds a real name.
 */
static const struct gen_vendor v_cisco = { "Cisco Systems, Inc",
	{ 0xf4, 0xbd, 0x9e }, "C9120AXI" };
static const struct gen_vendor v_aruba = { "Aruba, a Hewlett Packard "
	"Enterprise Company", { 0x00, 0x0b, 0x86 }, "AP-515" };
static const struct gen_vendor v_ruckus = { "Ruckus Wireless",
	{ 0x60, 0xd0, 0x2c }, "R650" };
static const struct gen_vendor v_mist = { "Mist Systems, Inc.",
	{ 0xd4, 0x20, 0xb0 }, "AP43" };
static const struct gen_vendor v_ubnt = { "Ubiquiti Networks Inc.",
	{ 0x74, 0x83, 0xc2 }, "U6-Lite" };
static const struct gen_vendor v_tplink = { "TP-LINK TECHNOLOGIES CO.,LTD.",
	{ 0xd0, 0x37, 0x45 }, "Archer C6" };
static const struct gen_vendor v_netgear = { "NETGEAR",
	{ 0x38, 0x94, 0xed }, "R7000" };
static const struct gen_vendor v_avm = { "AVM Audiovisuelles Marketing "
	"und Computersysteme GmbH", { 0x98, 0x9b, 0xcb }, "FRITZ!Box 7590" };
static const struct gen_vendor v_huawei = { "HUAWEI TECHNOLOGIES CO.,LTD",
	{ 0x30, 0xfb, 0xb8 }, "HG8245H" };
static const struct gen_vendor v_asus = { "ASUSTek COMPUTER INC.",
	{ 0x04, 0x92, 0x26 }, "RT-AX58U" };
static const struct gen_vendor v_linksys = { "Belkin International Inc.",
	{ 0x58, 0xef, 0x68 }, "EA7500" };
static const struct gen_vendor v_sagem = { "Sagemcom Broadband SAS",
	{ 0xf8, 0x08, 0x4f }, "F@st 5366" };
static const struct gen_vendor v_hp = { "HP Inc.",
	{ 0x04, 0x0e, 0x3c }, "OfficeJet Pro 9010" };
static const struct gen_vendor v_esp = { "Espressif Inc.",
	{ 0x24, 0x6f, 0x28 }, "ESP32" };

static const struct gen_vendor v_apple = { "Apple, Inc.",
	{ 0x60, 0x8b, 0x0e }, NULL };
static const struct gen_vendor v_samsung = { "Samsung Electronics Co.,Ltd",
	{ 0x7c, 0x89, 0x56 }, NULL };
static const struct gen_vendor v_intel = { "Intel Corporate",
	{ 0xac, 0xed, 0x5c }, NULL };
static const struct gen_vendor v_google = { "Google, Inc.",
	{ 0x58, 0xcb, 0x52 }, NULL };
static const struct gen_vendor v_xiaomi = { "Xiaomi Communications Co Ltd",
	{ 0xa4, 0x45, 0x19 }, NULL };
static const struct gen_vendor v_amazon = { "Amazon Technologies Inc.",
	{ 0x68, 0xdb, 0xf5 }, NULL };
static const struct gen_vendor v_sonos = { "Sonos, Inc.",
	{ 0x54, 0x2a, 0x1b }, NULL };
static const struct gen_vendor v_lg = { "LG Electronics",
	{ 0x20, 0x17, 0x42 }, NULL };
static const struct gen_vendor v_rpi = { "Raspberry Pi Trading Ltd",
	{ 0xdc, 0xa6, 0x32 }, NULL };

/* Home routers and the SSID their firmware picks. */
struct home_kind {
	const struct gen_vendor	*vendor;
	const char		*fmt;	/* printf with one unsigned */
	unsigned		 mod;	/* the number's range */
	unsigned		 weight;
};

static const struct home_kind homes[] = {
	{ &v_tplink, "TP-Link_%04X", 0x10000, 14 },
	{ &v_netgear, "NETGEAR%02u", 100, 10 },
	{ &v_avm, "FRITZ!Box 7590 %02X", 0x100, 8 },
	{ &v_huawei, "HUAWEI-%04X", 0x10000, 8 },
	{ &v_asus, "ASUS_%02X", 0x100, 6 },
	{ &v_linksys, "Linksys%05u", 100000, 6 },
	{ &v_sagem, "Vodafone-%04X", 0x10000, 8 },
	{ &v_ubnt, "Home-%u", 1000, 4 },
	{ &v_tplink, "SKY%05u", 100000, 5 },
	{ &v_netgear, "BTHub6-%04X", 0x10000, 5 },
	/* What people rename their network to, UTF-8 included. */
	{ &v_avm, "Caf\xc3\xa9 Lumi\xc3\xa8re %u", 10, 2 },
	{ &v_asus, "Pretty Fly for a WiFi %u", 10, 2 },
	{ &v_huawei, "\xe5\xae\xb6\xe7\x9a\x84WiFi-%u", 100, 2 },
};

static const struct gen_vendor *enterprise_vendors[] = {
	&v_cisco, &v_aruba, &v_ruckus, &v_mist, &v_ubnt
};

static const char *orgs[] = {
	"Acme", "Initech", "Globex", "Umbrella", "Stark", "Wayne", "Hooli",
	"Vandelay"
};

/* SSIDs clients probe for that no AP in the world has. */
static const char *fakes[] = {
	"attwifi", "Starbucks WiFi", "Hilton Honors", "iPhone de Marie",
	"AndroidAP1234", "Free Public WiFi", "HOME-1F2B", "linksys",
	"Airport_Free_WiFi", "Marriott_GUEST", "McDonalds Free WiFi",
	"Telekom_FON", "eduroam-old", "BVG Wi-Fi", "Pixel_4411", "MyCharterWiFi"
};

static const char *countries[] = { "US", "DE", "GB", "FR", "JP", "CA" };

const char *
gen_world_fake(size_t i)
{
	return fakes[i % (sizeof(fakes) / sizeof(fakes[0]))];
}

size_t
gen_world_n_fake(void)
{
	return sizeof(fakes) / sizeof(fakes[0]);
}

uint16_t
gen_world_freq(uint8_t ch)
{
	if (ch >= 1 && ch <= 13)
		return (uint16_t)(2407 + 5 * ch);
	if (ch == 14)
		return 2484;
	if (ch >= 32 && ch <= 177)
		return (uint16_t)(5000 + 5 * ch);
	return 0;
}

static const uint8_t default_channels[] = {
	1, 6, 11, 1, 6, 11, 3, 36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108,
	112, 116, 132, 136, 149, 153, 157, 161, 165
};

int
gen_world_channels(struct gen_world *w, const char *list)
{
	const char *p = list;
	char *end;
	long ch;

	w->n_channels = 0;
	while (*p != '\0') {
		ch = strtol(p, &end, 10);
		if (end == p || ch < 1 || ch > 177 ||
		    gen_world_freq((uint8_t)ch) == 0 ||
		    w->n_channels == GEN_MAX_CHANNELS)
			return -EINVAL;
		w->channels[w->n_channels++] = (uint8_t)ch;
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -EINVAL;
		p = end;
	}
	return w->n_channels > 0 ? 0 : -EINVAL;
}

/* A channel from the list on the wanted band, or any if it has none. */
static uint8_t
pick_channel(struct gen_world *w, struct gen_rand *rnd, bool band24)
{
	uint8_t c[GEN_MAX_CHANNELS];
	size_t i, n = 0;

	for (i = 0; i < w->n_channels; i++)
		if ((w->channels[i] <= 14) == band24)
			c[n++] = w->channels[i];
	if (n == 0)
		return w->channels[gen_rand_below(rnd,
		    (uint32_t)w->n_channels)];
	return c[gen_rand_below(rnd, (uint32_t)n)];
}

static bool
has_band(const struct gen_world *w, bool band24)
{
	size_t i;

	for (i = 0; i < w->n_channels; i++)
		if ((w->channels[i] <= 14) == band24)
			return true;
	return false;
}

/* The centre of the 80 MHz block holding ch, 0 if none. */
static uint8_t
vht80_center(uint8_t ch)
{
	static const uint8_t first[] = { 36, 52, 100, 116, 132, 149 };
	size_t i;

	for (i = 0; i < sizeof(first); i++)
		if (ch >= first[i] && ch <= first[i] + 12)
			return (uint8_t)(first[i] + 6);
	return 0;
}

/* Radio parameters that follow from the channel and the AP's age. */
static void
set_radio(struct gen_ap *ap, struct gen_rand *rnd, uint8_t ch, bool legacy)
{
	ap->channel = ch;
	ap->freq = gen_world_freq(ch);
	ap->bw = 20;
	ap->sec_offset = 0;
	ap->center = 0;
	/* 802.11n forbids HT with WEP and TKIP: such APs stay 11g/11a. */
	ap->ht = !legacy;
	ap->vht = ap->ht && ch > 14 && gen_rand_chance(rnd, 0.9);
	ap->nss = ap->ht ? (uint8_t)gen_rand_range(rnd, 1, 3) : 1;
	if (!ap->ht)
		return;
	if (ch <= 14) {
		if (gen_rand_chance(rnd, 0.2)) {
			if (ch + 4 <= 13) {
				ap->bw = 40;
				ap->sec_offset = 1;
			} else if (ch >= 5) {
				ap->bw = 40;
				ap->sec_offset = 3;
			}
		}
		return;
	}
	if (ap->vht && vht80_center(ch) != 0 && gen_rand_chance(rnd, 0.7)) {
		ap->bw = 80;
		ap->center = vht80_center(ch);
	} else if (ch != 165 && gen_rand_chance(rnd, 0.6))
		ap->bw = 40;
	if (ap->bw >= 40) {
		/* 36/40, 44/48, ... pair up; 149/153, 157/161 likewise. */
		int base = ch >= 149 ? 149 : 36;

		ap->sec_offset = ((ch - base) / 4) % 2 == 0 ? 1 : 3;
	}
}

static void
set_ssid(struct gen_ap *ap, const char *s)
{
	size_t n = strlen(s);

	if (n > 32)
		n = 32;
	memcpy(ap->ssid, s, n);
	ap->ssid_len = (uint8_t)n;
}

static void
base_mac(uint8_t mac[6], const struct gen_vendor *v, struct gen_rand *rnd)
{
	memcpy(mac, v->oui, 3);
	mac[3] = (uint8_t)gen_rand_below(rnd, 256);
	mac[4] = (uint8_t)gen_rand_below(rnd, 256);
	/* Room for consecutive BSSIDs of one device. */
	mac[5] = (uint8_t)(gen_rand_below(rnd, 16) << 4);
}

static enum gen_sec
home_security(struct gen_rand *rnd)
{
	uint32_t r = gen_rand_below(rnd, 100);

	if (r < 58)
		return GEN_SEC_WPA2_PSK;
	if (r < 73)
		return GEN_SEC_WPA3_TRANS;
	if (r < 80)
		return GEN_SEC_WPA3_SAE;
	if (r < 88)
		return GEN_SEC_WPA_TKIP;
	if (r < 92)
		return GEN_SEC_WEP;
	return GEN_SEC_OPEN;
}

/* Fill the fields every AP of a device shares, then its own radio. */
static void
init_ap(struct gen_ap *ap, struct gen_rand *rnd,
    const struct gen_vendor *v, const uint8_t base[6], unsigned idx,
    const char *ssid, enum gen_sec sec, uint8_t ch, const char *cc)
{
	memcpy(ap->bssid, base, 6);
	ap->bssid[5] = (uint8_t)(ap->bssid[5] + idx);
	set_ssid(ap, ssid);
	ap->sec = sec;
	ap->vendor = v;
	set_radio(ap, rnd, ch, sec == GEN_SEC_WEP || sec == GEN_SEC_WPA_TKIP);
	memcpy(ap->country, cc, 3);
	ap->signal = (int8_t)gen_rand_range(rnd, -88, -38);
	ap->tsf_base = gen_rand_u64(rnd) % (86400ULL * 1000000 * 40);
	ap->net = 0xc0a80000U | gen_rand_below(rnd, 256) << 8;
	memcpy(ap->gw, ap->bssid, 6);
	ap->gw[3] ^= 0x40;
	/* Many 2.4 GHz networks still beacon at 1 Mb/s; the rest at 6. */
	ap->mgmt_rate = ch <= 14 && gen_rand_chance(rnd, 0.5) ? 2 : 12;
	ap->seq = (uint16_t)gen_rand_below(rnd, 4096);
	ap->next_aid = 1;
	ap->dtim = (uint8_t)(gen_rand_chance(rnd, 0.7) ? 1 : 3);
	ap->pn = 1;
	if (ap->hidden == GEN_SSID_SHOWN && gen_rand_chance(rnd, 0.08))
		ap->hidden = gen_rand_chance(rnd, 0.5) ? GEN_SSID_EMPTY :
		    GEN_SSID_NULS;
}

static void
add_wps(struct gen_ap *ap, struct gen_rand *rnd)
{
	struct gen_wps *p = &ap->wps_info;

	ap->wps = true;
	p->manufacturer = ap->vendor->name;
	p->model = ap->vendor->model;
	p->model_number = "1.0";
	snprintf(ap->wps_serial, sizeof(ap->wps_serial), "%08X",
	    (unsigned)gen_rand_below(rnd, 0xffffffffU));
	snprintf(ap->wps_name, sizeof(ap->wps_name), "%s",
	    ap->vendor->model);
	p->serial = ap->wps_serial;
	p->device_name = ap->wps_name;
	gen_rand_bytes(rnd, p->uuid, sizeof(p->uuid));
	p->band5 = ap->channel > 14;
}

/*
 * Lay out devices until n APs exist: an enterprise AP gives up to four
 * BSSIDs (staff and guest on each band), a home router one or two, a
 * hotspot or a gadget one.
 */
static void
make_aps(struct gen_world *w, struct gen_rand *rnd, size_t n)
{
	const char *cc = countries[gen_rand_below(rnd, 6)];
	bool b24 = has_band(w, true), b5 = has_band(w, false);
	char name[64], guest[64];
	size_t i = 0, k;
	uint8_t base[6];

	while (i < n) {
		uint32_t kind = gen_rand_below(rnd, 100);
		struct gen_ap *ap = &w->aps[i];
		const char *apcc = gen_rand_chance(rnd, 0.9) ? cc :
		    countries[gen_rand_below(rnd, 6)];

		if (kind < 30) {
			const struct gen_vendor *v = enterprise_vendors[
			    gen_rand_below(rnd, 5)];
			const char *org = orgs[gen_rand_below(rnd, 4)];
			uint8_t ch24 = pick_channel(w, rnd, b24 || !b5);
			uint8_t ch5 = pick_channel(w, rnd, !b5);
			enum gen_sec staff = gen_rand_chance(rnd, 0.8) ?
			    GEN_SEC_WPA2_EAP : GEN_SEC_WPA3_TRANS;
			enum gen_sec gsec = gen_rand_chance(rnd, 0.3) ?
			    GEN_SEC_OWE : GEN_SEC_OPEN;

			snprintf(name, sizeof(name), "%s-Staff", org);
			snprintf(guest, sizeof(guest), "%s-Guest", org);
			base_mac(base, v, rnd);
			for (k = 0; k < 4 && i < n; k++, i++) {
				bool g = k & 1;

				init_ap(&w->aps[i], rnd, v, base,
				    (unsigned)k, g ? guest : name,
				    g ? gsec : staff, k < 2 ? ch24 : ch5, apcc);
			}
			continue;
		}
		if (kind < 80) {
			const struct home_kind *h;
			uint32_t tot = 0, r;
			bool dual = gen_rand_chance(rnd, 0.6);
			enum gen_sec sec = home_security(rnd);

			for (k = 0; k < sizeof(homes) / sizeof(homes[0]); k++)
				tot += homes[k].weight;
			r = gen_rand_below(rnd, tot);
			for (k = 0; r >= homes[k].weight; k++)
				r -= homes[k].weight;
			h = &homes[k];
			snprintf(name, sizeof(name), h->fmt,
			    (unsigned)gen_rand_below(rnd, h->mod));
			base_mac(base, h->vendor, rnd);
			init_ap(ap, rnd, h->vendor, base, 0, name, sec,
			    pick_channel(w, rnd, b24), apcc);
			if (gen_rand_chance(rnd, 0.5) &&
			    sec != GEN_SEC_WEP && sec != GEN_SEC_OPEN)
				add_wps(ap, rnd);
			i++;
			if (dual && i < n && b5) {
				snprintf(guest, sizeof(guest),
				    gen_rand_chance(rnd, 0.5) ? "%.26s-5G" :
				    "%s", name);
				init_ap(&w->aps[i], rnd, h->vendor, base,
				    1, guest, sec, pick_channel(w, rnd, false),
				    apcc);
				w->aps[i].hidden = ap->hidden;
				if (ap->wps)
					add_wps(&w->aps[i], rnd);
				i++;
			}
			continue;
		}
		if (kind < 88) {
			bool pp = gen_rand_chance(rnd, 0.4);

			base_mac(base, &v_ruckus, rnd);
			init_ap(ap, rnd, &v_ruckus, base, 0,
			    pp ? "Passpoint" : "CoffeeBar Free WiFi",
			    pp ? GEN_SEC_WPA2_EAP : GEN_SEC_OPEN,
			    pick_channel(w, rnd, b24), apcc);
			i++;
			continue;
		}
		if (kind < 95) {
			base_mac(base, &v_hp, rnd);
			snprintf(name, sizeof(name), "DIRECT-%02X-HP %s",
			    (unsigned)gen_rand_below(rnd, 256), v_hp.model);
			init_ap(ap, rnd, &v_hp, base, 0, name,
			    GEN_SEC_WPA2_PSK, pick_channel(w, rnd, b24), apcc);
			ap->hidden = GEN_SSID_SHOWN;
			add_wps(ap, rnd);
			i++;
			continue;
		}
		base_mac(base, &v_esp, rnd);
		snprintf(name, sizeof(name), "ESP_%02X%02X%02X", base[3],
		    base[4], base[5]);
		init_ap(ap, rnd, &v_esp, base, 0, name, GEN_SEC_OPEN,
		    pick_channel(w, rnd, true), apcc);
		i++;
	}
}

/*
 * Small worlds (tests, the demo) should still show every security mode
 * and both kinds of cloaking: give each missing one to an AP whose own
 * mode is not the last of its kind.
 */
static void
cover_modes(struct gen_world *w, struct gen_rand *rnd)
{
	size_t count[GEN_SEC_COUNT] = { 0 }, i, tries;
	size_t hid[3] = { 0 };
	int s;

	for (i = 0; i < w->n_aps; i++) {
		count[w->aps[i].sec]++;
		hid[w->aps[i].hidden]++;
	}
	for (s = 0; s < GEN_SEC_COUNT; s++) {
		for (tries = 0; count[s] == 0 && tries < 4 * w->n_aps;
		    tries++) {
			struct gen_ap *ap = &w->aps[gen_rand_below(rnd,
			    (uint32_t)w->n_aps)];

			if (count[ap->sec] < 2)
				continue;
			count[ap->sec]--;
			count[s]++;
			ap->sec = (enum gen_sec)s;
			set_radio(ap, rnd, ap->channel,
			    s == GEN_SEC_WEP || s == GEN_SEC_WPA_TKIP);
			if (s == GEN_SEC_OPEN || s == GEN_SEC_WEP)
				ap->wps = false;
		}
	}
	if (w->n_aps < 10)
		return;
	for (s = GEN_SSID_EMPTY; s <= GEN_SSID_NULS; s++)
		if (hid[s] == 0)
			w->aps[gen_rand_below(rnd, (uint32_t)w->n_aps)].hidden =
			    (enum gen_hidden)s;
}

static const struct gen_vendor *
client_vendor(struct gen_rand *rnd, bool *phone)
{
	static const struct {
		const struct gen_vendor	*v;
		unsigned		 weight;
		bool			 phone;
	} t[] = {
		{ &v_apple, 30, true }, { &v_samsung, 18, true },
		{ &v_intel, 15, false }, { &v_google, 8, true },
		{ &v_xiaomi, 7, true }, { &v_esp, 9, false },
		{ &v_amazon, 5, false }, { &v_sonos, 3, false },
		{ &v_lg, 3, true }, { &v_rpi, 2, false },
	};
	uint32_t r = gen_rand_below(rnd, 100);
	size_t i;

	for (i = 0; r >= t[i].weight; i++)
		r -= t[i].weight;
	*phone = t[i].phone;
	return t[i].v;
}

static enum gen_akm
client_akm(enum gen_sec sec, struct gen_rand *rnd)
{
	switch (sec) {
	case GEN_SEC_WPA_TKIP:
	case GEN_SEC_WPA2_PSK:
		return GEN_AKM_PSK;
	case GEN_SEC_WPA2_EAP:
		return GEN_AKM_EAP;
	case GEN_SEC_WPA3_SAE:
		return GEN_AKM_SAE;
	case GEN_SEC_WPA3_TRANS:
		return gen_rand_chance(rnd, 0.6) ? GEN_AKM_SAE : GEN_AKM_PSK;
	case GEN_SEC_OWE:
		return GEN_AKM_OWE;
	default:
		return GEN_AKM_NONE;
	}
}

static void
make_clients(struct gen_world *w, struct gen_rand *rnd)
{
	size_t i, k;

	for (i = 0; i < w->n_clients; i++) {
		struct gen_client *c = &w->clients[i];
		bool phone;
		const struct gen_vendor *v = client_vendor(rnd, &phone);
		uint32_t act = gen_rand_below(rnd, 100);

		c->vendor = v;
		memcpy(c->mac, v->oui, 3);
		gen_rand_bytes(rnd, c->mac + 3, 3);
		/* Phones mostly use a random, locally administered address. */
		if (phone && gen_rand_chance(rnd, 0.4)) {
			gen_rand_bytes(rnd, c->mac, 3);
			c->mac[0] = (uint8_t)((c->mac[0] & 0xfc) | 0x02);
			c->vendor = NULL;
		}
		c->signal = (int8_t)gen_rand_range(rnd, -90, -35);
		c->nss = v == &v_esp ? 1 : (uint8_t)gen_rand_range(rnd, 1, 2);
		c->vht = v != &v_esp && gen_rand_chance(rnd, 0.85);
		c->home = gen_rand_chance(rnd, 0.75) ?
		    (int32_t)gen_rand_below(rnd, (uint32_t)w->n_aps) : -1;
		/* ESP32 radios are 2.4 GHz only. */
		if (c->home >= 0 && v == &v_esp &&
		    w->aps[c->home].channel > 14)
			c->home = -1;
		c->n_pnl = 0;
		if (c->home >= 0) {
			c->pnl[c->n_pnl].ap = c->home;
			c->pnl[c->n_pnl++].fake = 0;
			c->akm = client_akm(w->aps[c->home].sec, rnd);
		}
		for (k = gen_rand_below(rnd, 3); k > 0; k--) {
			struct gen_pnl *p = &c->pnl[c->n_pnl];

			if (c->n_pnl == GEN_PNL_MAX)
				break;
			if (gen_rand_chance(rnd, 0.6)) {
				p->ap = -1;
				p->fake = (uint16_t)gen_rand_below(rnd,
				    (uint32_t)gen_world_n_fake());
			} else {
				p->ap = (int32_t)gen_rand_below(rnd,
				    (uint32_t)w->n_aps);
				p->fake = 0;
			}
			c->n_pnl++;
		}
		/* Traffic: a few streamers, some browsers, idle gadgets. */
		c->burst_us = act < 8 ? 60000 : act < 35 ? 500000 : 4000000;
		c->seq = (uint16_t)gen_rand_below(rnd, 4096);
		c->state = GEN_CL_IDLE;
	}
}

int
gen_world_init(struct gen_world *w, struct gen_rand *rnd, size_t n_aps,
    size_t n_clients)
{
	size_t i;

	if (n_aps < 1 || n_aps > GEN_MAX_APS || n_clients > GEN_MAX_CLIENTS)
		return -EINVAL;
	if (w->n_channels == 0) {
		memcpy(w->channels, default_channels, sizeof(default_channels));
		w->n_channels = sizeof(default_channels);
	}
	w->n_aps = n_aps;
	w->n_clients = n_clients;
	if ((w->aps = calloc(n_aps, sizeof(*w->aps))) == NULL ||
	    (w->ap_probed = calloc(n_aps, sizeof(bool))) == NULL ||
	    (w->clients = calloc(n_clients ? n_clients : 1,
	    sizeof(*w->clients))) == NULL) {
		gen_world_free(w);
		return -ENOMEM;
	}
	make_aps(w, rnd, n_aps);
	cover_modes(w, rnd);
	make_clients(w, rnd);
	for (i = 0; i < n_aps; i++)
		w->chan_n[w->aps[i].channel]++;
	for (i = 0; i < 200; i++) {
		if (w->chan_n[i] == 0)
			continue;
		if ((w->chan_aps[i] = calloc(w->chan_n[i],
		    sizeof(uint32_t))) == NULL) {
			gen_world_free(w);
			return -ENOMEM;
		}
		w->chan_n[i] = 0;
	}
	for (i = 0; i < n_aps; i++) {
		uint8_t ch = w->aps[i].channel;

		w->chan_aps[ch][w->chan_n[ch]++] = (uint32_t)i;
	}
	return 0;
}

void
gen_world_free(struct gen_world *w)
{
	size_t i;

	free(w->aps);
	free(w->clients);
	free(w->ap_probed);
	for (i = 0; i < 200; i++)
		free(w->chan_aps[i]);
	memset(w, 0, sizeof(*w));
}
