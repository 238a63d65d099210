// SPDX-License-Identifier: ISC
// \summary: the device list: a page the server sorts and searches
//
// The table holds one page (PAGE_ROWS rows): every second it asks
// /devices/views/all/devices.json for that page with DataTables'
// start, length, sort and search, and the core answers from its tracker
// without gathering the rest (doc/bridge.md, DEVICES_PAGE).  With a
// hundred thousand devices the page still holds a hundred rows, so the
// DOM, the sort and the filter cost what a page costs.  Rows are kept by
// device key and updated cell by cell; a row whose device left the page
// takes the next newcomer (a sort or a page turn rewrites the text of
// rows instead of building new ones), and a sort, a filter or a page
// turn is asked at once, not behind a poll under way.  Of the page, only
// the rows on the screen and a few either side are in the document
// (renderWindow): the browser's layout of the table after each poll
// grows with its rows, and 100 of them took 30-100 ms on a loaded
// 2-core machine.
//
// Apart from the table, the channel and overview views count every
// device by channel.  They get a census: only while one of them shows,
// the view is read in pages of CENSUS_ROWS devices with the three fields
// the counts need, one page after another, then again.  Not Kismet's
// last-time poll of every device: its first answer holds them all (50 MB
// with a hundred thousand devices, past the UI's 10 s request bound and a
// parse that blocks the page), and the device table has no use for it.

import * as api from './api.js';
import {el, field, setText, fmtAgo, fmtSignal, fmtCount} from './dom.js';
import {sparkPath, rrdSeries, SPARK_W, SPARK_H} from './chart.js';

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

// Columns whose text may be cut: the whole text shows on hover.
const LONG = new Set(['name', 'manuf', 'type', 'crypt']);

const POLL_MS = 1000;
const PAGE_ROWS = 100;
/*
 * Rows drawn beyond the screen's edges.  Few: every row drawn is laid
 * out when the page changes, and a scroll draws the rows it brings in
 * before the frame that shows them.
 */
const OVERSCAN = 4;
// Rows drawn before the table was ever measured, or while it is hidden.
const WINDOW_ROWS = 30;
// Rows given a new device a frame (place()).
const FILL_ROWS = 15;

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

// What the filter box finds a record by, lower case.
function words(d) {
	return [displayName(d), d['kismet.device.base.commonname'],
	    d['kismet.device.base.macaddr'], d['kismet.device.base.manuf'],
	    d['kismet.device.base.type'], d['kismet.device.base.crypt'],
	    d['kismet.device.base.channel']].join('\n').toLowerCase();
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
		this.perChannel = new Map();	// channel -> its census counts
		this.wanted = new Set();	// the views that want a census
		this.page = [];			// [key, record] of the page
		this.rows = new Map();		// key -> <tr>, those drawn
		this.spare = [];		// <tr>s not drawn, to reuse
		this.record = new WeakMap();	// <tr> -> its record
		this.rowH = 0;			// a row's height, measured
		this.drawn = {lo: 0, hi: 0, n: 0};	// the page's rows drawn
		this.frame = 0;			// a redraw is due
		this.sort = {key: 'last', dir: -1};
		this.filter = '';
		this.first = 0;			// the page's first row
		this.total = 0;			// devices in the view
		this.matching = 0;		// of those, the filter's
		this.moved = true;		// sort, filter or page changed
		this.fetching = 0;		// requests under way
		this.asked = 0;			// requests sent, numbered
		this.applied = 0;		// the newest one shown
		this.pageSearch = '';		// the search it was asked with
		this.running = false;		// logged in: the polls run
		this.listeners = [];
		this.poll = null;
		this.censusPoll = null;
		this.censusRun = 0;		// changes when it stops
		this.body = document.getElementById('dev-body');
		this.above = document.getElementById('dev-above').rows[0];
		this.below = document.getElementById('dev-below').rows[0];
		this.head();
		// The rows drawn follow the screen.
		window.addEventListener('scroll', () => this.later(),
		    {passive: true});
		window.addEventListener('resize', () => {
			this.rowH = 0;
			this.later();
		});
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
				    role: 'columnheader', title: c.title_},
				    data: {col: c.key}, text: c.title}));
				continue;
			}
			const b = el('button', {text: c.title, class: 'sort',
			    attrs: {type: 'button'},
			    on: {click: () => this.sortBy(c.key)}});

			tr.append(el('th', {attrs: {scope: 'col',
			    role: 'columnheader'}, class: c.num ? 'num' : '',
			    data: {col: c.key}}, b));
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
		/*
		 * The server's page, asked at once, is the answer (60-150 ms
		 * at 100,000 devices).  The rows shown are not sorted first:
		 * that order was not the server's, and drew the page twice.
		 */
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

	/*
	 * Count record d in (sign 1) or out of (-1) the census's channel
	 * counts, kept as the pages come: the channel view read all 100,000
	 * records again after each page of 2,000 (a long task each).
	 * Devices heard on no channel are not counted.
	 */
	tally(d, sign) {
		const ch = d ? d['kismet.device.base.channel'] : undefined;

		if (ch === undefined || ch === null || ch === '' || ch === 0)
			return;
		const k = String(ch);
		let c = this.perChannel.get(k);

		if (!c) {
			c = {devices: 0, packets: 0};
			this.perChannel.set(k, c);
		}
		c.devices += sign;
		c.packets += sign *
		    (Number(d['kismet.device.base.packets.total']) || 0);
		if (c.devices === 0)
			this.perChannel.delete(k);
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
		this.fetchPage(true).catch(() => {});
	}

	/*
	 * Ask for the page.  The poll asks only when no answer is awaited;
	 * a sort, filter or page turn (now) asks at once, beside a poll
	 * under way: waiting for the poll's answer, which is for the old
	 * query and dropped, doubled the wait.  An answer is shown only if
	 * its query is still the table's and no newer answer was shown.
	 */
	async fetchPage(now) {
		if (!this.running || this.fetching > 0 && !now)
			return;
		const q = this.query();
		const qs = JSON.stringify(q);
		const seq = ++this.asked;

		this.fetching++;
		try {
			const res = await api.post(
			    '/devices/views/all/devices.json', q);

			if (seq > this.applied &&
			    qs === JSON.stringify(this.query())) {
				this.applied = seq;
				this.pageSearch = q.search;
				this.showPage(res);
			}
		} finally {
			this.fetching--;
		}
	}

	showPage(res) {
		const data = field(res, 'data', []);
		const page = new Map();

		if (!Array.isArray(data))
			throw new api.ApiError(0, 'device page is not a list');
		for (const d of data) {
			const key = d['kismet.device.base.key'];

			if (typeof key === 'string' && key !== '' &&
			    !page.has(key))
				page.set(key, d);
		}
		// One scale for the page's sparklines: rows compare.
		this.sparkMax = 1;
		for (const d of page.values())
			if (Array.isArray(d.activity))
				for (const v of d.activity)
					if (v > this.sparkMax)
						this.sparkMax = v;
		this.total = Number(field(res, 'recordsTotal', 0)) || 0;
		this.matching = Number(field(res, 'recordsFiltered', 0)) || 0;
		this.page = [...page];
		this.renderWindow(!this.moved);
		this.moved = false;
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
				this.tally(this.devices.get(key), -1);
				this.devices.set(key, d);
				this.tally(d, 1);
				met.add(key);
			}
			start += CENSUS_ROWS;
			const done = data.length < CENSUS_ROWS || start >=
			    (Number(field(res, 'recordsTotal', 0)) || 0);

			if (done)
				for (const [key, d] of this.devices)
					if (!met.has(key)) {
						this.tally(d, -1);
						this.devices.delete(key);
					}
			for (const fn of this.listeners)
				fn(this.devices);
			if (done)
				return;
		}
	}

	/*
	 * Draw the rows of the page that are on the screen, and OVERSCAN
	 * either side; the two pad rows stand in for the height of the
	 * others.  Reads the layout first (clean after a frame: a scroll or
	 * a poll's answer), then writes.  flashNew: a poll of a page that
	 * did not move; moved: the screen did (the page is the same).
	 */
	// Draw the rows on the screen at the next frame (once a frame).
	later() {
		if (this.frame === 0)
			this.frame = requestAnimationFrame(() => {
				this.frame = 0;
				this.renderWindow(false, true);
			});
	}

	renderWindow(flashNew, moved) {
		const n = this.page.length;
		const box = this.above.parentNode.getBoundingClientRect();
		let lo = 0;
		let hi = Math.min(n, WINDOW_ROWS);

		if (this.rowH === 0 && this.body.rows.length > 0 &&
		    this.filter === '' && box.width > 0)
			this.rowH = this.body.getBoundingClientRect().height /
			    this.body.rows.length;
		if (this.rowH > 0 && box.width > 0) {
			// box.top: where the page's first row would begin.
			const first = Math.floor(-box.top / this.rowH);
			const last = Math.ceil((window.innerHeight - box.top) /
			    this.rowH);

			lo = Math.max(0, Math.min(n, first - OVERSCAN));
			hi = Math.max(lo, Math.min(n, last + OVERSCAN));
		}
		if (moved && lo === this.drawn.lo && hi === this.drawn.hi &&
		    n === this.drawn.n)
			return;
		this.drawn = this.place(this.page.slice(lo, hi), flashNew) ?
		    {lo, hi, n} : {lo: -1, hi: -1, n: -1};
		/*
		 * Not all placed: the rest after the next frame, not at its
		 * start (an animation frame callback runs in the same task as
		 * the layout of what was placed now).
		 */
		if (this.drawn.n < 0 && this.frame === 0) {
			const rest = () => {
				this.frame = 0;
				this.renderWindow(false, true);
			};

			this.frame = requestAnimationFrame(() =>
			    setTimeout(rest));
		}
		const h = (rows) => rows > 0 && this.rowH > 0 ?
		    Math.round(rows * this.rowH) + 'px' : '';
		// Their style, not markup: the CSP allows no style attribute.
		if (this.above.style.height !== h(lo))
			this.above.style.height = h(lo);
		if (this.below.style.height !== h(n - hi))
			this.below.style.height = h(n - hi);
		// Not measured yet: measure the rows just drawn, and draw
		// the screen's rows, at the next frame.
		if (this.rowH === 0 && hi > lo)
			this.later();
	}

	/*
	 * Put the rows of rows ([key, record]) in the document in that
	 * order, and say whether all are.  A row whose device is no longer
	 * drawn takes a newcomer where it stands (a page turned changes the
	 * rows' text, not the document's shape); the rows that stay are not
	 * moved unless their order changed: a row moved or filled is styled
	 * and laid out again.  At most FILL_ROWS newcomers a frame: the
	 * browser lays out what changed in one task, and a new page (a
	 * sort, a page turn) of 30 rows took 70-140 ms on a loaded
	 * machine; the rows not yet filled keep their old text a frame.
	 */
	place(rows, flashNew) {
		const want = new Set(rows.map(([key]) => key));
		const fresh = [];
		let at = this.body.firstElementChild;
		let i;

		for (i = 0; i < rows.length; i++) {
			const [key, d] = rows[i];
			let tr = this.rows.get(key);

			// Rows no longer drawn, ahead of one that stays: out.
			while (tr && at && at !== tr &&
			    !want.has(at.dataset.key)) {
				const next = at.nextElementSibling;

				this.drop(at);
				at = next;
			}
			if (!tr) {
				if (fresh.length === FILL_ROWS)
					break;
				if (at && !want.has(at.dataset.key)) {
					tr = at;
					this.rows.delete(tr.dataset.key);
				} else
					tr = this.spare.pop() || this.newRow();
				tr.dataset.key = key;
				this.rows.set(key, tr);
				fresh.push(tr);
			}
			tr.hidden = this.hides(d);
			this.fillRow(tr, d);
			if (tr === at)
				at = at.nextElementSibling;
			else
				this.body.insertBefore(tr, at);
		}
		if (i === rows.length) {
			while (at) {
				const next = at.nextElementSibling;

				this.drop(at);
				at = next;
			}
		}
		/*
		 * Only rows new to a page that did not move flash, and only a
		 * few: on a busy site every row changes every second, and a
		 * table that never stops blinking says nothing.
		 */
		if (flashNew && fresh.length <= PAGE_ROWS / 10)
			fresh.forEach(flash);
		return i === rows.length;
	}

	// A row out of the document, kept to be drawn again.
	drop(tr) {
		tr.remove();
		this.rows.delete(tr.dataset.key);
		this.spare.push(tr);
	}

	/*
	 * Write one row of the page: only what changed is written (setText
	 * and the checks here), so a poll that brings the same page again
	 * costs the browser next to no style or layout.
	 */
	fillRow(tr, d) {
		this.record.set(tr, d);
		COLUMNS.forEach((c, i) => {
			const td = tr.cells[i];

			if (c.spark) {
				const act = Array.isArray(d.activity) ?
				    rrdSeries({
				    'kismet.common.rrd.minute_vec': d.activity,
				    'kismet.common.rrd.serial_time':
				    d.activity_time}, 'minute_vec', true) : [];

				sparkSet(td.firstChild, act, this.sparkMax);
				return;
			}
			const text = textOf(c, d);

			setText(c.key === 'name' ? td.firstChild : td, text);
			// Long names are cut by the style sheet; the whole
			// text shows on hover (an attribute holds text only).
			if (LONG.has(c.key) && td.title !== text)
				td.title = text;
		});
	}

	/*
	 * A row; its key (data-key) is set by whoever places it.  The
	 * roles are the elements' own, said again: the style sheet lays
	 * the table out as a grid, which may hide them.
	 */
	newRow() {
		const tr = el('tr', {attrs: {role: 'row'}});
		const open = () => this.app.details.open(tr.dataset.key);

		for (const c of COLUMNS) {
			if (c.key === 'name') {
				// The name opens the details: a real button,
				// so Tab and Enter reach it.
				tr.append(el('td', {data: {col: c.key},
				    attrs: {role: 'cell'}},
				    el('button', {class: 'link',
				    attrs: {type: 'button'},
				    on: {click: open}})));
			} else if (c.spark) {
				tr.append(el('td', {data: {col: c.key},
				    attrs: {role: 'cell'}, class: 'spark'},
				    sparkSvg()));
			} else {
				tr.append(el('td', {data: {col: c.key},
				    attrs: {role: 'cell'},
				    class: c.num ? 'num' : ''}));
			}
		}
		tr.addEventListener('click', (ev) => {
			if (ev.target.closest('button') === null)
				open();
		});
		return tr;
	}

	/*
	 * Does the filter hide d?  Only while the page shown was asked with
	 * another search: the server's search, once its page comes, is the
	 * answer (it reads a few more fields than words() does).
	 */
	hides(d) {
		const f = this.filter;

		return f !== '' && f !== this.pageSearch &&
		    !words(d).includes(f);
	}

	// The page filtered at once, until the server's page comes.
	applyFilter() {
		let shown = 0;

		for (const [, d] of this.page)
			if (!this.hides(d))
				shown++;
		for (const tr of this.rows.values())
			tr.hidden = this.hides(this.record.get(tr));
		if (this.filter !== '')
			this.showCount(shown, this.page.length);
	}

	showCount(n, of) {
		const text = this.filter === '' ? fmtCount(of) + ' devices' :
		    fmtCount(n) + ' of ' + fmtCount(of) + ' devices';

		setText(document.getElementById('dev-count'), text);
		document.getElementById('dev-empty').hidden = this.total > 0;
	}

	showPager() {
		const n = this.page.length;

		setText(document.getElementById('dev-range'), n === 0 ? '' :
		    'rows ' + fmtCount(this.first + 1) + '\u2013' +
		    fmtCount(this.first + n) + ' of ' + fmtCount(this.matching));
		document.getElementById('dev-prev').disabled = this.first === 0;
		document.getElementById('dev-next').disabled =
		    this.first + PAGE_ROWS >= this.matching;
		document.getElementById('dev-pager').hidden =
		    this.matching <= PAGE_ROWS && this.first === 0;
	}

	refreshAges() {
		const c = COLUMNS.find((x) => x.key === 'last');

		const i = COLUMNS.indexOf(c);

		for (const tr of this.rows.values())
			setText(tr.cells[i], textOf(c, this.record.get(tr)));
	}
}

/*
 * The activity cell: an SVG of bars, not a canvas.  A hundred canvases
 * redrawn every second cost the main thread 40-70 ms a frame in
 * chromium without a GPU (each hands the compositor a new bitmap); a
 * path is painted with the rest of the page.  The viewBox is the
 * style sheet's size, so nothing is measured.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

function sparkSvg() {
	const svg = document.createElementNS(SVG_NS, 'svg');
	const path = document.createElementNS(SVG_NS, 'path');

	svg.setAttribute('viewBox', '0 0 ' + SPARK_W + ' ' + SPARK_H);
	svg.setAttribute('preserveAspectRatio', 'none');
	svg.setAttribute('aria-hidden', 'true');
	svg.append(path);
	return svg;
}

function sparkSet(svg, values, hi) {
	const d = sparkPath(values, hi);
	const sum = String(values.reduce((a, b) => a + b, 0));

	if (svg.firstChild.getAttribute('d') !== d)
		svg.firstChild.setAttribute('d', d);
	if (svg.dataset.drawn !== sum)
		svg.dataset.drawn = sum;
}

// A short highlight on a new row (an animation, no layout).
function flash(tr) {
	if (typeof tr.animate === 'function')
		tr.animate([{backgroundColor: 'rgba(255, 200, 0, 0.35)'},
		    {backgroundColor: 'rgba(255, 200, 0, 0)'}], 900);
}
