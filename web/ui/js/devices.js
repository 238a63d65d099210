// SPDX-License-Identifier: ISC
// \summary: the device list: a page the server sorts and searches
//
// The table holds one page (PAGE_ROWS rows): every second it asks
// /devices/views/all/devices.json for that page with DataTables'
// start, length, sort and search, and the core answers from its tracker
// without gathering the rest (doc/bridge.md, DEVICES_PAGE).  With a
// hundred thousand devices the page still holds a hundred rows, so the
// DOM, the sort and the filter cost what a page costs.  Rows are kept by
// device key and updated cell by cell.
//
// Apart from the table, the channel and overview views count every
// device by channel.  They get a census: only while one of them shows,
// the view is read in pages of CENSUS_ROWS devices with the three fields
// the counts need, one page after another, then again.  Not Kismet's
// last-time poll of every device: its first answer holds them all (50 MB
// with a hundred thousand devices, past the UI's 10 s request bound and a
// parse that blocks the page), and the device table has no use for it.

import * as api from './api.js';
import {el, field, setText, fmtAgo, fmtSignal, compareValues}
    from './dom.js';
import {sparkline, rrdSeries} from './chart.js';

// The simplified fields asked for; the answer keys them by last element.
const FIELDS = [
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

/*
 * The page's rows add their activity: packets per second over the last
 * minute (the packets history's minute, and its clock to read it by).
 * Only for the 100 rows shown, not in the census of every device.
 */
const PAGE_FIELDS = FIELDS.concat([
	['kismet.device.base.packets.rrd/kismet.common.rrd.minute_vec',
	    'activity'],
	['kismet.device.base.packets.rrd/kismet.common.rrd.serial_time',
	    'activity_time'],
]);

const POLL_MS = 1000;
const PAGE_ROWS = 100;

// The census: what the channel counts need, a page at a time.
const CENSUS_FIELDS = [
	'kismet.device.base.key',
	'kismet.device.base.channel',
	'kismet.device.base.packets.total',
];
const CENSUS_ROWS = 2000;

/*
 * The columns: heading, the value of a record that sorts, and its text.
 * `key` names the column in the markup (data-col) and in the sort state.
 */
const COLUMNS = [
	{key: 'name', title: 'Name / SSID', value: (d) => displayName(d),
	    field: 'kismet.device.base.commonname'},
	{key: 'mac', title: 'MAC',
	    value: (d) => d['kismet.device.base.macaddr'],
	    field: 'kismet.device.base.macaddr'},
	{key: 'type', title: 'Type',
	    value: (d) => d['kismet.device.base.type'],
	    field: 'kismet.device.base.type'},
	{key: 'manuf', title: 'Manufacturer',
	    value: (d) => d['kismet.device.base.manuf'],
	    field: 'kismet.device.base.manuf'},
	{key: 'channel', title: 'Channel',
	    value: (d) => d['kismet.device.base.channel'],
	    field: 'kismet.device.base.channel'},
	{key: 'crypt', title: 'Crypt',
	    value: (d) => d['kismet.device.base.crypt'],
	    field: 'kismet.device.base.crypt'},
	{key: 'signal', title: 'Signal', num: true,
	    value: (d) => d.signal, text: (d) => fmtSignal(d.signal),
	    field: 'kismet.device.base.signal/kismet.common.signal.' +
	    'last_signal'},
	{key: 'activity', title: 'Activity', spark: true,
	    value: () => '', title_: 'packets per second, last minute'},
	{key: 'packets', title: 'Packets', num: true,
	    value: (d) => d['kismet.device.base.packets.total'],
	    field: 'kismet.device.base.packets.total'},
	{key: 'last', title: 'Last seen', num: true,
	    value: (d) => d['kismet.device.base.last_time'],
	    field: 'kismet.device.base.last_time',
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
		this.devices = new Map();	// key -> record, the census's
		this.wanted = new Set();	// the views that want a census
		this.rows = new Map();		// key -> <tr>, the page's
		this.shown = new Map();		// key -> record, the page's
		this.sparks = [];		// [canvas, values] to draw
		this.sort = {key: 'last', dir: -1};
		this.filter = '';
		this.first = 0;			// the page's first row
		this.total = 0;			// devices in the view
		this.matching = 0;		// of those, the filter's
		this.moved = true;		// sort, filter or page changed
		this.fetching = false;
		this.running = false;		// logged in: the polls run
		this.listeners = [];
		this.poll = null;
		this.censusPoll = null;
		this.censusRun = 0;		// changes when it stops
		this.body = document.getElementById('dev-body');
		this.head();
		document.getElementById('dev-filter').addEventListener('input',
		    (ev) => {
			this.filter = ev.target.value.trim().toLowerCase();
			this.first = 0;
			this.applyFilter();
			this.refresh();
		});
		document.getElementById('dev-prev').addEventListener('click',
		    () => this.turn(-1));
		document.getElementById('dev-next').addEventListener('click',
		    () => this.turn(1));
		// "Last seen" ages even when nothing changes.
		setInterval(() => this.refreshAges(), 5000);
	}

	// The heading: a button per column sorts by it (keyboard too).
	head() {
		const tr = document.getElementById('dev-head');

		for (const c of COLUMNS) {
			if (c.spark) {
				tr.append(el('th', {attrs: {scope: 'col',
				    title: c.title_}, data: {col: c.key},
				    text: c.title}));
				continue;
			}
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
		this.first = 0;
		// The rows shown answer at once; the server's page follows.
		this.resort();
		this.refresh();
	}

	turn(by) {
		const next = this.first + by * PAGE_ROWS;

		if (next < 0 || next >= this.matching)
			return;
		this.first = next;
		this.refresh();
	}

	showSort() {
		for (const th of document.querySelectorAll('#dev-head th')) {
			const on = th.dataset.col === this.sort.key;

			th.setAttribute('aria-sort', !on ? 'none' :
			    this.sort.dir > 0 ? 'ascending' : 'descending');
		}
	}

	start() {
		if (this.running)
			return;
		// Before the poller, whose first call is at once.
		this.running = true;
		this.poll = api.poller(() => this.fetchPage(), POLL_MS);
		this.census(this.wanted.size > 0);
	}

	stop() {
		if (this.poll)
			this.poll.stop();
		this.poll = null;
		this.running = false;
		this.census(false);
	}

	/*
	 * A view that counts every device (who) shows or hides: the census
	 * runs while one does and the UI is logged in.
	 */
	want(who, on) {
		if (on)
			this.wanted.add(who);
		else
			this.wanted.delete(who);
		this.census(this.wanted.size > 0 && this.running);
	}

	census(on) {
		if (on && !this.censusPoll) {
			// Before the poller, whose first call is at once.
			this.censusRun++;
			this.censusPoll = api.poller(() => this.update(),
			    POLL_MS);
		} else if (!on && this.censusPoll) {
			this.censusRun++;
			this.censusPoll.stop();
			this.censusPoll = null;
		}
	}

	// Call fn(devices Map) after every census page.
	onChange(fn) {
		this.listeners.push(fn);
	}

	// The page asked of the server: DataTables' parameters.
	query() {
		const c = COLUMNS.find((x) => x.key === this.sort.key);

		return {fields: PAGE_FIELDS, start: this.first,
		    length: PAGE_ROWS,
		    sort: c.field, sort_dir: this.sort.dir > 0 ? 'asc' : 'desc',
		    search: this.filter, datatable: true};
	}

	refresh() {
		this.moved = true;
		this.fetchPage().catch(() => {});
	}

	/*
	 * Ask for the page; an answer to a query that changed meanwhile
	 * (a click while it was under way) is dropped and asked again.
	 */
	async fetchPage() {
		if (this.fetching || !this.running)
			return;
		this.fetching = true;
		try {
			for (;;) {
				const q = this.query();
				const res = await api.post(
				    '/devices/views/all/devices.json', q);

				if (JSON.stringify(q) ===
				    JSON.stringify(this.query())) {
					this.showPage(res);
					break;
				}
			}
		} finally {
			this.fetching = false;
		}
	}

	showPage(res) {
		const data = field(res, 'data', []);
		const keys = [];

		if (!Array.isArray(data))
			throw new api.ApiError(0, 'device page is not a list');
		// One scale for the page's sparklines: rows compare.
		this.sparkMax = Math.max(1, ...data.map((d) =>
		    Array.isArray(d.activity) ? Math.max(0, ...d.activity) :
		    0));
		this.total = Number(field(res, 'recordsTotal', 0)) || 0;
		this.matching = Number(field(res, 'recordsFiltered', 0)) || 0;
		for (const d of data) {
			const key = d['kismet.device.base.key'];

			if (typeof key !== 'string' || key === '' ||
			    keys.includes(key))
				continue;
			keys.push(key);
			this.upsertRow(key, d, !this.moved);
		}
		this.moved = false;
		for (const [key, tr] of this.rows) {
			if (keys.includes(key))
				continue;
			tr.remove();
			this.rows.delete(key);
			this.shown.delete(key);
		}
		// Move rows only when the order differs: moving costs layout.
		const now = [...this.body.children];
		if (now.length !== keys.length ||
		    !now.every((tr, i) => tr.dataset.key === keys[i]))
			this.body.append(...keys.map((k) => this.rows.get(k)));
		for (const tr of this.rows.values())
			tr.hidden = false;
		this.drawSparks();
		this.showCount(this.matching, this.total);
		this.showPager();
	}

	/*
	 * One census: every device, a page of CENSUS_ROWS at a time in key
	 * order, each page counted as it comes (the first census fills the
	 * channel view in steps); devices the census no longer meets are
	 * dropped at its end.  A page with a device more or less than the
	 * one before only shifts the pages by one: the Map keeps a device
	 * met twice once, and the next census finds a device skipped.
	 */
	async update() {
		const met = new Set();
		let start = 0;

		for (;;) {
			const run = this.censusRun;
			const res = await api.post(
			    '/devices/views/all/devices.json', {
			    fields: CENSUS_FIELDS, start, length: CENSUS_ROWS,
			    sort: 'kismet.device.base.key', sort_dir: 'asc',
			    datatable: true});
			const data = field(res, 'data', []);

			if (!Array.isArray(data))
				throw new api.ApiError(0,
				    'device page is not a list');
			// Stopped (or stopped and started) meanwhile.
			if (run !== this.censusRun)
				return;
			for (const d of data) {
				const key = d['kismet.device.base.key'];

				if (typeof key !== 'string' || key === '')
					continue;
				this.devices.set(key, d);
				met.add(key);
			}
			start += CENSUS_ROWS;
			const done = data.length < CENSUS_ROWS || start >=
			    (Number(field(res, 'recordsTotal', 0)) || 0);

			if (done)
				for (const key of this.devices.keys())
					if (!met.has(key))
						this.devices.delete(key);
			for (const fn of this.listeners)
				fn(this.devices);
			if (done)
				return;
		}
	}

	/*
	 * The page's sparklines, once its rows are in place: every canvas
	 * has the style sheet's size, so one is measured (one layout) and
	 * the draws only write.
	 */
	drawSparks() {
		const sparks = this.sparks;

		this.sparks = [];
		if (sparks.length === 0)
			return;
		const c = sparks[0][0];
		const box = {w: c.clientWidth, h: c.clientHeight,
		    color: getComputedStyle(c).color};

		for (const [canvas, values] of sparks)
			sparkline(canvas, values, this.sparkMax, box);
	}

	/*
	 * Add or update one row of the page.  Only rows new to a page that
	 * did not move flash: on a busy site every row changes every
	 * second, and a table that never stops blinking says nothing.
	 */
	upsertRow(key, d, flashNew) {
		let tr = this.rows.get(key);

		this.shown.set(key, d);
		if (!tr) {
			tr = this.newRow(key);
			this.rows.set(key, tr);
			if (flashNew)
				flash(tr);
		}
		COLUMNS.forEach((c, i) => {
			const td = tr.cells[i];

			if (c.spark) {
				// Drawn by showPage, all at once.
				if (Array.isArray(d.activity))
					this.sparks.push([td.firstChild,
					    rrdSeries({
					    'kismet.common.rrd.minute_vec':
					    d.activity,
					    'kismet.common.rrd.serial_time':
					    d.activity_time}, 'minute_vec',
					    true)]);
				return;
			}
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
			} else if (c.spark) {
				tr.append(el('td', {data: {col: c.key},
				    class: 'spark'}, el('canvas',
				    {attrs: {'aria-hidden': 'true'}})));
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

	// The rows shown, in the new order, until the server's page comes.
	resort() {
		const c = COLUMNS.find((x) => x.key === this.sort.key);
		const dir = this.sort.dir;
		const keys = [...this.shown.keys()];

		keys.sort((a, b) => {
			const da = this.shown.get(a);
			const db = this.shown.get(b);

			return dir * compareValues(c.value(da) ?? '',
			    c.value(db) ?? '') ||
			    compareValues(da['kismet.device.base.macaddr'],
			    db['kismet.device.base.macaddr']);
		});
		this.body.append(...keys.map((k) => this.rows.get(k)));
	}

	// The rows shown, filtered at once, until the server's page comes.
	applyFilter() {
		const f = this.filter;
		let shown = 0;

		for (const tr of this.rows.values()) {
			const hide = f !== '' && !tr.dataset.search.includes(f);

			tr.hidden = hide;
			if (!hide)
				shown++;
		}
		if (f !== '')
			this.showCount(shown, this.rows.size);
	}

	showCount(n, of) {
		const text = this.filter === '' ? of + ' devices' :
		    n + ' of ' + of + ' devices';

		setText(document.getElementById('dev-count'), text);
		document.getElementById('dev-empty').hidden = this.total > 0;
	}

	showPager() {
		const n = this.rows.size;

		setText(document.getElementById('dev-range'), n === 0 ? '' :
		    'rows ' + (this.first + 1) + '\u2013' + (this.first + n) +
		    ' of ' + this.matching);
		document.getElementById('dev-prev').disabled = this.first === 0;
		document.getElementById('dev-next').disabled =
		    this.first + PAGE_ROWS >= this.matching;
		document.getElementById('dev-pager').hidden =
		    this.matching <= PAGE_ROWS && this.first === 0;
	}

	refreshAges() {
		const c = COLUMNS.find((x) => x.key === 'last');

		const i = COLUMNS.indexOf(c);

		for (const [key, tr] of this.rows)
			setText(tr.cells[i], textOf(c, this.shown.get(key)));
	}
}

// A short highlight on a new row (an animation, no layout).
function flash(tr) {
	if (typeof tr.animate === 'function')
		tr.animate([{backgroundColor: 'rgba(255, 200, 0, 0.35)'},
		    {backgroundColor: 'rgba(255, 200, 0, 0)'}], 900);
}
