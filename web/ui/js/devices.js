// SPDX-License-Identifier: ISC
// \summary: the device list: polled by last-time, updated in place, sorted, filtered
//
// Kismet's scripting pattern: POST /devices/last-time/TS/devices.json
// with the few fields the table shows; the answer's
// kismet.devicelist.timestamp is the TS of the next request, so each
// poll brings only the devices created or changed since the one before.
// Rows are kept by device key and updated cell by cell, so a table of
// thousands of devices costs only what changed.

import * as api from './api.js';
import {el, field, setText, fmtAgo, fmtSignal, compareValues}
    from './dom.js';

// The simplified fields asked for; the answer keys them by last element.
export const FIELDS = [
	'kismet.device.base.key',
	'kismet.device.base.macaddr',
	'kismet.device.base.type',
	'kismet.device.base.commonname',
	'kismet.device.base.manuf',
	'kismet.device.base.channel',
	'kismet.device.base.frequency',
	'kismet.device.base.crypt',
	'kismet.device.base.packets.total',
	'kismet.device.base.first_time',
	'kismet.device.base.last_time',
	['kismet.device.base.signal/kismet.common.signal.last_signal',
	    'signal'],
	['dot11.device/dot11.device.last_beaconed_ssid', 'ssid'],
];

const POLL_MS = 1000;

/*
 * The columns: heading, the value of a record that sorts, and its text.
 * `key` names the column in the markup (data-col) and in the sort state.
 */
const COLUMNS = [
	{key: 'name', title: 'Name / SSID', value: (d) => displayName(d)},
	{key: 'mac', title: 'MAC',
	    value: (d) => d['kismet.device.base.macaddr']},
	{key: 'type', title: 'Type',
	    value: (d) => d['kismet.device.base.type']},
	{key: 'manuf', title: 'Manufacturer',
	    value: (d) => d['kismet.device.base.manuf']},
	{key: 'channel', title: 'Channel',
	    value: (d) => d['kismet.device.base.channel']},
	{key: 'crypt', title: 'Crypt',
	    value: (d) => d['kismet.device.base.crypt']},
	{key: 'signal', title: 'Signal', num: true,
	    value: (d) => d.signal, text: (d) => fmtSignal(d.signal)},
	{key: 'packets', title: 'Packets', num: true,
	    value: (d) => d['kismet.device.base.packets.total']},
	{key: 'last', title: 'Last seen', num: true,
	    value: (d) => d['kismet.device.base.last_time'],
	    text: (d) => fmtAgo(d['kismet.device.base.last_time'])},
];

// An AP's SSID when it beacons one, else the tracker's common name.
export function displayName(d) {
	const ssid = d.ssid;

	if (typeof ssid === 'string' && ssid !== '')
		return ssid;
	return d['kismet.device.base.commonname'] || '';
}

function textOf(col, d) {
	const v = col.text ? col.text(d) : col.value(d);

	return v === undefined || v === null || v === 0 && !col.num ? '' :
	    String(v);
}

export class Devices {
	constructor(app) {
		this.app = app;
		this.devices = new Map();	// key -> record
		this.rows = new Map();		// key -> <tr>
		this.ts = 0;
		this.sort = {key: 'last', dir: -1};
		this.filter = '';
		this.listeners = [];
		this.poll = null;
		this.body = document.getElementById('dev-body');
		this.head();
		document.getElementById('dev-filter').addEventListener('input',
		    (ev) => {
			this.filter = ev.target.value.trim().toLowerCase();
			this.applyFilter();
		});
		// "Last seen" ages even when nothing changes.
		setInterval(() => this.refreshAges(), 5000);
	}

	// The heading: a button per column sorts by it (keyboard too).
	head() {
		const tr = document.getElementById('dev-head');

		for (const c of COLUMNS) {
			const b = el('button', {text: c.title, class: 'sort',
			    attrs: {type: 'button'},
			    on: {click: () => this.sortBy(c.key)}});

			tr.append(el('th', {attrs: {scope: 'col'},
			    class: c.num ? 'num' : '', data: {col: c.key}}, b));
		}
		this.showSort();
	}

	sortBy(key) {
		if (this.sort.key === key) {
			this.sort.dir = -this.sort.dir;
		} else {
			const c = COLUMNS.find((x) => x.key === key);

			this.sort = {key, dir: c.num ? -1 : 1};
		}
		this.showSort();
		this.resort();
	}

	showSort() {
		for (const th of document.querySelectorAll('#dev-head th')) {
			const on = th.dataset.col === this.sort.key;

			th.setAttribute('aria-sort', !on ? 'none' :
			    this.sort.dir > 0 ? 'ascending' : 'descending');
		}
	}

	start() {
		if (this.poll)
			return;
		this.poll = api.poller(() => this.update(), POLL_MS);
	}

	stop() {
		if (this.poll)
			this.poll.stop();
		this.poll = null;
	}

	// Call fn(devices Map) after every poll that changed something.
	onChange(fn) {
		this.listeners.push(fn);
	}

	async update() {
		const res = await api.post('/devices/last-time/' + this.ts +
		    '/devices.json', {fields: FIELDS});
		const list = field(res, 'kismet.device.list', []);
		const ts = field(res, 'kismet.devicelist.timestamp', 0);
		let changed = false;

		if (typeof ts === 'number' && ts > 0)
			this.ts = ts;
		if (!Array.isArray(list))
			throw new api.ApiError(0, 'device list is not a list');
		for (const d of list)
			changed = this.upsert(d) || changed;
		if (!changed)
			return;
		this.resort();
		this.applyFilter();
		for (const fn of this.listeners)
			fn(this.devices);
	}

	/*
	 * Add or update one device's row.  The server sent it because it
	 * changed, so true (re-sort, tell the listeners) unless the record
	 * has no key.
	 */
	upsert(d) {
		const key = d['kismet.device.base.key'];
		let tr = this.rows.get(key);

		if (typeof key !== 'string' || key === '')
			return false;
		this.devices.set(key, d);
		if (!tr) {
			tr = this.newRow(key);
			this.rows.set(key, tr);
			this.body.append(tr);
			// Only new rows flash: on a busy site every row changes
			// every second, and a table that never stops blinking
			// says nothing.
			flash(tr);
		}
		COLUMNS.forEach((c, i) => {
			const td = tr.cells[i];

			setText(c.key === 'name' ? td.firstChild : td,
			    textOf(c, d));
			// Long names are cut by the style sheet; the whole
			// text shows on hover (an attribute holds text only).
			if (c.key === 'name' || c.key === 'manuf')
				td.title = textOf(c, d);
		});
		tr.dataset.search = [displayName(d),
		    d['kismet.device.base.commonname'],
		    d['kismet.device.base.macaddr'],
		    d['kismet.device.base.manuf'],
		    d['kismet.device.base.type'],
		    d['kismet.device.base.crypt'],
		    d['kismet.device.base.channel']].join('\n').toLowerCase();
		return true;
	}

	newRow(key) {
		const tr = el('tr', {data: {key}});

		for (const c of COLUMNS) {
			if (c.key === 'name') {
				// The name opens the details: a real button,
				// so Tab and Enter reach it.
				tr.append(el('td', {data: {col: c.key}},
				    el('button', {class: 'link',
				    attrs: {type: 'button'},
				    on: {click: () =>
				    this.app.details.open(key)}})));
			} else {
				tr.append(el('td', {data: {col: c.key},
				    class: c.num ? 'num' : ''}));
			}
		}
		tr.addEventListener('click', (ev) => {
			if (ev.target.closest('button') === null)
				this.app.details.open(key);
		});
		return tr;
	}

	resort() {
		const c = COLUMNS.find((x) => x.key === this.sort.key);
		const dir = this.sort.dir;
		const keys = [...this.devices.keys()];

		keys.sort((a, b) => {
			const da = this.devices.get(a);
			const db = this.devices.get(b);

			return dir * compareValues(c.value(da) ?? '',
			    c.value(db) ?? '') ||
			    compareValues(da['kismet.device.base.macaddr'],
			    db['kismet.device.base.macaddr']);
		});
		// Move rows only when the order differs: moving costs layout.
		const now = [...this.body.children];
		if (now.length === keys.length &&
		    now.every((tr, i) => tr.dataset.key === keys[i]))
			return;
		this.body.append(...keys.map((k) => this.rows.get(k)));
	}

	applyFilter() {
		const f = this.filter;
		let shown = 0;

		for (const tr of this.rows.values()) {
			const hide = f !== '' && !tr.dataset.search.includes(f);

			tr.hidden = hide;
			if (!hide)
				shown++;
		}
		setText(document.getElementById('dev-count'), f === '' ?
		    this.rows.size + ' devices' :
		    shown + ' of ' + this.rows.size + ' devices');
		document.getElementById('dev-empty').hidden = this.rows.size > 0;
	}

	refreshAges() {
		const c = COLUMNS.find((x) => x.key === 'last');

		const i = COLUMNS.indexOf(c);

		for (const [key, tr] of this.rows)
			setText(tr.cells[i], textOf(c, this.devices.get(key)));
	}
}

// A short highlight on a new row (an animation, no layout).
function flash(tr) {
	if (typeof tr.animate === 'function')
		tr.animate([{backgroundColor: 'rgba(255, 200, 0, 0.35)'},
		    {backgroundColor: 'rgba(255, 200, 0, 0)'}], 900);
}
