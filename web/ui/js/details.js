// SPDX-License-Identifier: ISC
// \summary: one device in full: /devices/by-key/KEY/device.json in a dialog
//
// The whole record (no field list): identity, counters, signal, the
// SSIDs it advertises and probes for, its clients or the networks it is
// a client of, the sources that heard it, and the WPA handshake frames
// seen.  Refreshed every two seconds while open.  Client and network
// entries are buttons that open that device instead.

import * as api from './api.js';
import {el, replace, deflist, field, setText, fmtTime, fmtAgo, fmtBytes,
    fmtSignal, fmtFreq, fmtCryptSet} from './dom.js';
import {lineChart, rrdSeries} from './chart.js';

// The history ranges of the graphs: the vector, its step, a title.
const RANGES = {
	minute: ['minute_vec', 's', 'last minute, by second'],
	hour: ['hour_vec', 'min', 'last hour, by minute'],
	day: ['day_vec', 'h', 'last day, by hour'],
};

const REFRESH_MS = 2000;
const $ = (id) => document.getElementById(id);

export class Details {
	constructor(app) {
		this.app = app;
		this.key = null;
		this.timer = null;
		this.range = null;	// the user's choice, else by activity
		this.dialog = $('details');
		$('details-close').addEventListener('click', () =>
		    this.dialog.close());
		this.dialog.addEventListener('close', () => this.stop());
	}

	// Show the device with this key (switching if one is open).
	open(key) {
		this.stop();
		this.key = key;
		this.range = null;
		setText($('details-title'), 'Device ' + key);
		setText($('details-error'), '');
		replace($('details-body'), el('p', {text: 'Loading…'}));
		if (!this.dialog.open)
			this.dialog.showModal();
		this.refresh();
	}

	// Close the dialog (the session ended: its data is not ours now).
	close() {
		if (this.dialog.open)
			this.dialog.close();
		this.stop();
	}

	stop() {
		if (this.timer)
			clearTimeout(this.timer);
		this.timer = null;
		this.key = null;
	}

	async refresh() {
		const key = this.key;
		let d;

		this.timer = null;
		if (key === null)
			return;
		try {
			d = await api.get('/devices/by-key/' +
			    encodeURIComponent(key) + '/device.json');
			if (key !== this.key)
				return;
			setText($('details-error'), '');
			this.render(d);
		} catch (e) {
			if (key !== this.key)
				return;
			setText($('details-error'), 'Could not load the device: ' +
			    e.message);
		}
		if (key === this.key && this.dialog.open)
			this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
	}

	render(d) {
		const b = (p, def) => field(d, 'kismet.device.base.' + p, def);
		const sig = b('signal', {});
		const s = (p) => field(sig, 'kismet.common.signal.' + p, 0);
		const dot11 = field(d, 'dot11.device', {});
		const name = field(dot11, 'dot11.device.last_beaconed_ssid', '') ||
		    b('commonname', '');
		const body = $('details-body');
		const scroll = body.scrollTop;

		setText($('details-title'), name ? name + ' (' +
		    b('macaddr', '') + ')' : b('macaddr', 'Device'));
		replace(body,
		    section('Device', deflist([
			['MAC', b('macaddr', '')],
			['Name', b('commonname', '')],
			['Type', b('type', '')],
			['Manufacturer', b('manuf', '')],
			['PHY', b('phyname', '')],
			['Channel', b('channel', '')],
			['Frequency', fmtFreq(b('frequency', 0))],
			['Crypt', b('crypt', '')],
			['Last BSSID', field(dot11, 'dot11.device.last_bssid',
			    null)],
			['First seen', fmtTime(b('first_time', 0))],
			['Last seen', fmtTime(b('last_time', 0)) + ' (' +
			    fmtAgo(b('last_time', 0)) + ')'],
			['Packets', b('packets.total', 0) + ' (data ' +
			    b('packets.data', 0) + ', encrypted ' +
			    b('packets.crypt', 0) + ', errors ' +
			    b('packets.error', 0) + ')'],
			['Data', fmtBytes(b('datasize', 0))],
			['Key', b('key', '')],
		    ])),
		    section('Signal', deflist([
			['Last', fmtSignal(s('last_signal')) || 'none'],
			['Min', fmtSignal(s('min_signal')) || 'none'],
			['Max', fmtSignal(s('max_signal')) || 'none'],
			['Noise', fmtSignal(s('last_noise')) || 'none'],
		    ])),
		    this.history(d),
		    this.location(d),
		    this.advertised(dot11),
		    this.probed(dot11),
		    this.clients(dot11),
		    this.clientOf(dot11),
		    this.seenBy(b('seenby', [])),
		    this.handshakes(dot11));
		body.scrollTop = scroll;
		this.drawHistory(d);
	}

	/*
	 * Packets and signal over time, from the device's RRDs.  The range
	 * is the last minute while the device was heard in it, else the
	 * last hour, until the user picks one.
	 */
	history(d) {
		const sel = el('select', {attrs: {'aria-label': 'Range'},
		    on: {change: (ev) => {
			this.range = ev.target.value;
			this.drawHistory(d);
		    }}}, Object.entries(RANGES).map(([k, r]) =>
			el('option', {text: r[2], attrs: {value: k}})));
		const graph = (id, title) => el('figure',
		    {class: 'chart small', attrs: {id}},
		    el('figcaption', {text: title}),
		    el('canvas', {attrs: {role: 'img', 'aria-label': title}}));

		this.rangeSel = sel;
		return section('History', el('div', {class: 'toolbar'}, sel),
		    el('div', {class: 'charts'},
			graph('dg-packets', 'Packets'),
			graph('dg-signal', 'Signal (dBm, strongest)')));
	}

	drawHistory(d) {
		const prrd = field(d, 'kismet.device.base.packets.rrd', null);
		const srrd = field(d, 'kismet.device.base.signal/' +
		    'kismet.common.signal.signal_rrd', null);
		const pc = document.querySelector('#dg-packets canvas');
		const sc = document.querySelector('#dg-signal canvas');
		let range = this.range;

		if (!pc || !sc)
			return;
		if (range === null)
			range = rrdSeries(prrd, 'minute_vec', true).some((v) =>
			    v > 0) ? 'minute' : 'hour';
		this.rangeSel.value = range;
		const [vec, unit] = RANGES[range];
		lineChart(pc, [{label: 'packets', values: rrdSeries(prrd, vec,
		    true)}], {unitLabel: unit, fill: true});
		lineChart(sc, [{label: 'dBm', values: rrdSeries(srrd, vec,
		    true)}], {unitLabel: unit, signal: true});
	}

	/*
	 * Where the sensor was when it heard the device: Kismet's location
	 * record (average, last, box, best fix) and where its signal was
	 * strongest.  Absent for a device never heard with a fix.
	 */
	location(d) {
		const loc = field(d, 'kismet.device.base.location', null);
		const l = (p) => field(loc, 'kismet.common.location.' + p, null);
		const pt = (r) => {
			const g = field(r, 'kismet.common.location.geopoint',
			    null);

			return Array.isArray(g) ? g[1].toFixed(6) + ', ' +
			    g[0].toFixed(6) : null;
		};
		const alt = (r) => field(r, 'kismet.common.location.fix', 0) >=
		    3 ? ' (' + Number(field(r, 'kismet.common.location.alt',
		    0)).toFixed(1) + ' m)' : '';
		const peak = field(d, 'kismet.device.base.signal/' +
		    'kismet.common.signal.peak_loc', null);

		if (loc === null)
			return null;
		const avg = l('avg_loc');
		const g = field(avg, 'kismet.common.location.geopoint', null);
		const last = l('last');
		const fix = l('loc_fix');

		return section('Location', deflist([
			['Average', pt(avg) + alt(avg)],
			['Last', pt(last) + alt(last) + ' at ' + fmtTime(field(
			    last, 'kismet.common.location.time_sec', 0))],
			['Area', pt(l('min_loc')) + ' to ' + pt(l('max_loc'))],
			['Strongest signal at', peak !== null ? pt(peak) : null],
			['Best fix', fix >= 3 ? '3D' : fix === 2 ? '2D' : 'none'],
		    ]), Array.isArray(g) ? el('button', {type: 'button',
		    text: 'Show on the map', attrs: {type: 'button',
		    'data-action': 'show-on-map'}, on: {click: () => {
			this.dialog.close();
			this.app.map.show(field(d, 'kismet.device.base.key', ''),
			    g[0], g[1]);
		    }}}) : null);
	}

	advertised(dot11) {
		const list = asList(field(dot11,
		    'dot11.device.advertised_ssid_map', []));
		const a = (r, p) => field(r, 'dot11.advertisedssid.' + p, '');

		if (list.length === 0)
			return null;
		return section('Advertised SSIDs', table(
		    ['SSID', 'Channel', 'Crypt', 'Beacons/s', 'HT', 'Cloaked',
			'Last seen'],
		    list.map((r) => [
			a(r, 'cloaked') && a(r, 'ssid') === '' ? '(cloaked)' :
			    a(r, 'ssid'),
			a(r, 'channel'),
			fmtCryptSet(a(r, 'crypt_set')),
			a(r, 'beaconrate'),
			a(r, 'ht_mode'),
			a(r, 'cloaked') ? 'yes' : 'no',
			fmtTime(a(r, 'last_time')),
		    ]), 'ssids-advertised'));
	}

	probed(dot11) {
		const list = asList(field(dot11, 'dot11.device.probed_ssid_map',
		    []));
		const p = (r, k) => field(r, 'dot11.probedssid.' + k, '');

		if (list.length === 0)
			return null;
		return section('Probed SSIDs', table(['SSID', 'Last seen'],
		    list.map((r) => [p(r, 'ssid') === '' ? '(any network)' :
		    p(r, 'ssid'), fmtTime(p(r, 'last_time'))]),
		    'ssids-probed'));
	}

	// An AP's clients: MAC to device key.
	clients(dot11) {
		const map = field(dot11, 'dot11.device.associated_client_map',
		    {});
		const entries = Object.entries(map || {});

		if (entries.length === 0)
			return null;
		return section('Clients (' + entries.length + ')',
		    el('ul', {class: 'plain cols', data: {list: 'clients'}},
		    entries.map(([mac, key]) => el('li', {},
		    this.deviceLink(String(key), mac)))));
	}

	// The networks a client used.
	clientOf(dot11) {
		const map = field(dot11, 'dot11.device.client_map', {});
		const recs = Object.values(map || {});
		const c = (r, k) => field(r, 'dot11.client.' + k, '');

		if (recs.length === 0)
			return null;
		return section('Client of', table(['Network', 'Last seen'],
		    recs.map((r) => [this.deviceLink(c(r, 'bssid_key'),
		    c(r, 'bssid')), fmtTime(c(r, 'last_time'))]),
		    'client-of'));
	}

	seenBy(list) {
		const sb = (r, k) => field(r, 'kismet.common.seenby.' + k, '');

		list = asList(list);
		if (list.length === 0)
			return null;
		return section('Seen by', table(
		    ['Source', 'Packets', 'Signal', 'Last seen'],
		    list.map((r) => [
			this.app.sources.nameOf(sb(r, 'uuid')),
			sb(r, 'num_packets'),
			fmtSignal(field(r, 'kismet.common.seenby.signal/' +
			    'kismet.common.signal.last_signal', 0)),
			fmtTime(sb(r, 'last_time')),
		    ]), 'seen-by'));
	}

	handshakes(dot11) {
		const list = asList(field(dot11, 'dot11.device.wpa_handshake_list',
		    []));
		const e = (r, k) => field(r, 'dot11.eapol.' + k, '');

		if (list.length === 0)
			return null;
		return section('WPA handshake (' + list.length + ' of 4 ' +
		    'messages)', table(['Message', 'Direction', 'Time',
		    'Replay counter'], list.map((r) => [
			e(r, 'message_num'),
			e(r, 'direction') === 1 ? 'from AP' :
			    e(r, 'direction') === 2 ? 'to AP' : '',
			fmtTime(Math.floor(Number(e(r, 'timestamp')) || 0)),
			e(r, 'replay_counter'),
		    ]), 'handshakes'));
	}

	deviceLink(key, label) {
		if (!key)
			return String(label);
		return el('button', {class: 'link', text: label,
		    attrs: {type: 'button'},
		    on: {click: () => this.open(key)}});
	}
}

// Kismet sends some maps as lists and some lists as maps: take either.
function asList(v) {
	if (Array.isArray(v))
		return v;
	if (v && typeof v === 'object')
		return Object.values(v);
	return [];
}

function section(title, ...content) {
	return el('section', {class: 'detail'}, el('h3', {text: title}),
	    content);
}

function table(heads, rows, name) {
	return el('table', {class: 'grid small', data: {table: name}},
	    el('thead', {}, el('tr', {}, heads.map((h) =>
		el('th', {text: h, attrs: {scope: 'col'}})))),
	    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) =>
		el('td', {}, c instanceof Node ? c : String(c ?? ''))))))
	);
}
