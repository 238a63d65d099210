// SPDX-License-Identifier: ISC
// \summary: the alerts view: the backlog newest first, by severity
//
// Polls /alerts/all_alerts.json (the backlog is small) and keeps alerts
// by their id (osprey.alert.id), so that alerts raised from an old
// capture, whose timestamps are in the past, still show.  A badge on the
// tab counts alerts that arrived while another tab was shown.  The
// filter matches the alert's name, text and addresses; an alert about a
// device links to its details, one that kept its frame to it as pcapng.
// The settings panel lists the definitions
// (/alerts/definitions.json) with their limits and counts.

import * as api from './api.js';
import {el, field, setText, fmtTime, replace} from './dom.js';

const POLL_MS = 2000;
const KEEP = 500;

// Kismet's severities.
const SEVERITY = [[20, 'critical'], [15, 'high'], [10, 'medium'],
    [5, 'low'], [0, 'info']];

const UNITS = ['sec', 'min', 'hour', 'day'];

function severityOf(n) {
	for (const [min, name] of SEVERITY)
		if ((Number(n) || 0) >= min)
			return name;
	return 'info';
}

export class Alerts {
	constructor(app) {
		this.app = app;
		this.poll = null;
		this.shown = false;
		this.unseen = 0;
		this.lastId = 0;
		this.rows = [];
		this.list = document.getElementById('alert-list');
		this.filter = document.getElementById('alert-filter');
		this.filter.addEventListener('input', () => this.render());
	}

	start() {
		if (!this.poll)
			this.poll = api.poller(() => this.update(), POLL_MS);
	}

	stop() {
		if (this.poll)
			this.poll.stop();
		this.poll = null;
	}

	visible(on) {
		this.shown = on;
		if (on) {
			this.unseen = 0;
			this.badge();
		}
	}

	badge() {
		const b = document.getElementById('alert-badge');

		b.hidden = this.unseen === 0;
		setText(b, this.unseen > 99 ? '99+' : this.unseen);
	}

	// The definitions, for the settings panel; read when it is shown.
	async definitions() {
		const defs = await api.get('/alerts/definitions.json');
		const f = (d, k) => field(d, 'kismet.alert.definition.' + k, '');
		const unit = (n) => UNITS[Number(n)] || '?';

		if (!Array.isArray(defs))
			throw new api.ApiError(0, 'definitions are not a list');
		defs.sort((a, b) => String(f(a, 'header')).localeCompare(
		    String(f(b, 'header'))));
		replace(document.getElementById('set-alerts-body'),
		    ...defs.map((d) => el('tr', {data: {header: f(d, 'header')}},
		    el('td', {text: f(d, 'header')}),
		    el('td', {text: f(d, 'class')}),
		    el('td', {text: severityOf(f(d, 'severity'))}),
		    el('td', {text: f(d, 'limit_rate') + '/' +
			unit(f(d, 'limit_unit')) + ', ' + f(d, 'limit_burst') +
			'/' + unit(f(d, 'burst_unit'))}),
		    el('td', {text: String(f(d, 'total_sent'))}),
		    el('td', {text: String(field(d,
			'osprey.alert.definition.throttled', 0))}),
		    el('td', {text: f(d, 'description')}))));
	}

	async update() {
		const list = await api.get('/alerts/all_alerts.json');
		let added = 0;

		if (!Array.isArray(list))
			throw new api.ApiError(0, 'alert list is not a list');
		for (const a of list) {
			const id = Number(field(a, 'osprey.alert.id', 0)) || 0;

			if (id <= this.lastId)
				continue;
			this.lastId = id;
			this.rows.unshift(a);
			added++;
		}
		if (added === 0)
			return;
		this.rows.length = Math.min(this.rows.length, KEEP);
		if (!this.shown) {
			this.unseen += added;
			this.badge();
		}
		this.render();
	}

	matches(a, q) {
		if (q === '')
			return true;
		return ['kismet.alert.header', 'kismet.alert.text',
		    'kismet.alert.transmitter_mac', 'kismet.alert.source_mac',
		    'kismet.alert.dest_mac', 'kismet.alert.class'].some((f) =>
		    String(field(a, f, '')).toLowerCase().includes(q));
	}

	render() {
		const q = this.filter.value.trim().toLowerCase();
		const rows = this.rows.filter((a) => this.matches(a, q));

		replace(this.list, ...rows.map((a) => this.row(a)));
		document.getElementById('alert-empty').hidden = rows.length > 0;
		setText(document.getElementById('alert-count'),
		    rows.length === this.rows.length ? this.rows.length +
		    ' alerts' : rows.length + ' of ' + this.rows.length);
	}

	row(a) {
		const sev = severityOf(field(a, 'kismet.alert.severity', 0));
		const key = field(a, 'kismet.alert.device_key', '');
		const tx = field(a, 'kismet.alert.transmitter_mac', '');
		const chan = field(a, 'kismet.alert.channel', '');
		const who = key !== '' ? el('button', {attrs: {type: 'button'},
		    class: 'link', text: tx !== '00:00:00:00:00:00' ? tx :
		    field(a, 'kismet.alert.source_mac', ''),
		    on: {click: () => this.app.details.open(key)}}) :
		    el('span', {text: ''});
		const id = Number(field(a, 'osprey.alert.id', 0)) || 0;
		let pcap = null;

		// The frame that raised it; the href holds a number only.
		if (field(a, 'osprey.alert.has_packet', false) === true &&
		    id > 0) {
			pcap = el('a', {class: 'pcap', text: 'pcapng',
			    attrs: {download: 'alert-' + id + '.pcapng'}});
			pcap.href = '/alerts/by-id/' + id + '/packets.pcapng';
		}

		return el('li', {class: 'alert sev-' + sev, data: {severity: sev,
		    header: field(a, 'kismet.alert.header', '')}},
		    el('time', {text: fmtTime(Math.floor(Number(field(a,
			'kismet.alert.timestamp', 0)) || 0))}),
		    el('span', {class: 'severity', text: sev}),
		    el('span', {class: 'header', text: field(a,
			'kismet.alert.header', '')}),
		    who,
		    el('span', {class: 'chan', text: chan !== '' ? 'ch ' + chan :
			''}),
		    pcap,
		    el('span', {class: 'text', text: field(a,
			'kismet.alert.text', '')}));
	}
}
