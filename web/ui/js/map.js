// SPDX-License-Identifier: ISC
// \summary: the map: devices with a location and the sensor's track, offline
//
// A Web Mercator projection drawn in SVG, with no tiles and nothing from
// another server: a device is a dot at its average location (where the
// sensor was, on average, when it heard it), the sensor's track a line,
// its current fix a diamond, and a scale bar says how far is how far.
// When the config names a tile URL on this server (httpd_map_tiles,
// /gps/map.json) the tiles are drawn under the dots.  Devices come from
// the all view read in pages with a few fields, only while the tab shows
// (not Kismet's last-time poll: its first answer is every device, past
// the UI's request bound with a hundred thousand of them; doc/ui.md).
// Wheel or the buttons zoom, dragging or the arrow keys pan, "Fit"
// frames everything; activating a dot opens the device.

import * as api from './api.js';
import {setText} from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const POLL_MS = 2000;
const PAGE_ROWS = 2000;
const TILE = 256;
const EARTH_M = 40075016.686;	// the equator
const MAX_LAT = 85.0511;
const $ = (id) => document.getElementById(id);

const FIELDS = [
	'kismet.device.base.key',
	'kismet.device.base.macaddr',
	'kismet.device.base.commonname',
	'kismet.device.base.type',
	['dot11.device/dot11.device.last_beaconed_ssid', 'ssid'],
	['kismet.device.base.location/kismet.common.location.avg_loc/' +
	    'kismet.common.location.geopoint', 'geopoint'],
	['kismet.device.base.signal/kismet.common.signal.last_signal',
	    'signal'],
];

// World pixels of (lat, lon) at zoom z.
export function project(lat, lon, z) {
	const s = TILE * 2 ** z;
	const l = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI / 180;
	const sin = Math.sin(l);

	return [(lon + 180) / 360 * s,
	    (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * s];
}

export function unproject(x, y, z) {
	const s = TILE * 2 ** z;
	const n = Math.PI - 2 * Math.PI * y / s;

	return [Math.atan(Math.sinh(n)) * 180 / Math.PI, x / s * 360 - 180];
}

// Metres per pixel at latitude lat and zoom z.
export function metresPerPixel(lat, z) {
	return EARTH_M * Math.cos(lat * Math.PI / 180) / (TILE * 2 ** z);
}

// The longest 1, 2 or 5 x 10^k metres that fits in maxPx: [m, px].
export function scaleBar(lat, z, maxPx) {
	const mpp = metresPerPixel(lat, z);
	let best = [0, 0];

	for (let k = -1; k < 8; k++)
		for (const f of [1, 2, 5]) {
			const m = f * 10 ** k;

			if (m / mpp <= maxPx && m > best[0])
				best = [m, m / mpp];
		}
	return best;
}

function svg(tag, attrs, ...kids) {
	const e = document.createElementNS(NS, tag);

	for (const [k, v] of Object.entries(attrs || {}))
		e.setAttribute(k, String(v));
	for (const c of kids)
		if (c !== null)
			e.append(c instanceof Node ? c : String(c));
	return e;
}

export class MapView {
	constructor(app) {
		this.app = app;
		this.shown = false;
		this.timer = null;
		this.devices = new Map();	// key -> {name, type, lon, lat}
		this.polling = false;		// a sweep is under way
		this.track = [];
		this.tiles = '';
		this.view = null;		// {lat, lon, z}
		this.userMoved = false;
		this.svg = $('map');
		$('map-fit').addEventListener('click', () => {
			this.userMoved = false;
			this.fit();
			this.render();
		});
		$('map-in').addEventListener('click', () => this.zoomBy(1));
		$('map-out').addEventListener('click', () => this.zoomBy(-1));
		$('map-track-on').addEventListener('change', () =>
		    this.render());
		this.svg.addEventListener('wheel', (ev) => this.wheel(ev),
		    {passive: false});
		this.svg.addEventListener('pointerdown', (ev) => this.drag(ev));
		this.svg.addEventListener('keydown', (ev) => this.key(ev));
		app.gps.onChange(() => {
			if (this.shown)
				this.render();
		});
		window.addEventListener('resize', () => {
			if (this.shown)
				this.render();
		});
	}

	visible(on) {
		this.shown = on;
		if (on && this.timer === null) {
			this.loadSettings();
			this.poll();
		} else if (!on && this.timer !== null) {
			clearTimeout(this.timer);
			this.timer = null;
		}
	}

	stop() {
		this.visible(false);
	}

	async loadSettings() {
		try {
			const m = await api.get('/gps/map.json');

			this.tiles = m['osprey.map.tiles'] || '';
		} catch (e) {
			this.tiles = '';
		}
	}

	async poll() {
		this.timer = null;
		if (this.polling)
			return;
		this.polling = true;
		try {
			await this.sweep();
			this.track = (await api.get('/gps/track.json'))[
			    'osprey.gps.track'] || [];
			if (!this.userMoved)
				this.fit();
			this.render();
		} catch (e) {
			if (e.status === 401) {
				this.polling = false;
				return;
			}
		}
		this.polling = false;
		if (this.shown)
			this.timer = setTimeout(() => this.poll(), POLL_MS);
	}

	/*
	 * Every device with a location, PAGE_ROWS at a time in key order,
	 * drawn as the pages come; the ones no page had are dropped at the
	 * end.  A hidden tab stops the sweep where it is.
	 */
	async sweep() {
		const met = new Set();

		for (let start = 0; ; start += PAGE_ROWS) {
			const res = await api.post(
			    '/devices/views/all/devices.json', {fields: FIELDS,
			    start, length: PAGE_ROWS,
			    sort: 'kismet.device.base.key', sort_dir: 'asc',
			    datatable: true});
			const data = Array.isArray(res.data) ? res.data : [];

			for (const d of data) {
				const g = d.geopoint;
				const key = d['kismet.device.base.key'];

				if (!Array.isArray(g) || g.length !== 2)
					continue;
				met.add(key);
				this.devices.set(key, {key,
				    name: d.ssid ||
					d['kismet.device.base.commonname'] ||
					d['kismet.device.base.macaddr'],
				    mac: d['kismet.device.base.macaddr'],
				    type: d['kismet.device.base.type'] || '',
				    signal: d.signal, lon: g[0], lat: g[1]});
			}
			if (!this.shown)
				return;
			if (data.length < PAGE_ROWS || start + PAGE_ROWS >=
			    (Number(res.recordsTotal) || 0))
				break;
			if (!this.userMoved)
				this.fit();
			this.render();
		}
		for (const key of this.devices.keys())
			if (!met.has(key))
				this.devices.delete(key);
	}

	// Every point to show: [lon, lat].
	points() {
		const pts = [...this.devices.values()].map((d) =>
		    [d.lon, d.lat]);
		const here = this.app.gps.point();

		if ($('map-track-on').checked)
			for (const t of this.track)
				pts.push([t[0], t[1]]);
		if (here)
			pts.push(here);
		return pts;
	}

	size() {
		const r = this.svg.getBoundingClientRect();

		return [Math.max(200, r.width), Math.max(200, r.height)];
	}

	// Frame every point, 40 px in from the edges.
	fit() {
		const pts = this.points();
		const [w, h] = this.size();

		if (pts.length === 0) {
			this.view = null;
			return;
		}
		let [x0, y0] = project(pts[0][1], pts[0][0], 0);
		let [x1, y1] = [x0, y0];

		for (const [lon, lat] of pts) {
			const [x, y] = project(lat, lon, 0);

			x0 = Math.min(x0, x);
			x1 = Math.max(x1, x);
			y0 = Math.min(y0, y);
			y1 = Math.max(y1, y);
		}
		const zx = (x1 - x0) > 0 ? Math.log2((w - 80) / (x1 - x0)) : 18;
		const zy = (y1 - y0) > 0 ? Math.log2((h - 80) / (y1 - y0)) : 18;
		const z = Math.max(1, Math.min(18, zx, zy));
		const [lat, lon] = unproject((x0 + x1) / 2, (y0 + y1) / 2, 0);

		this.view = {lat, lon, z};
	}

	zoomBy(dz, cx, cy) {
		if (this.view === null)
			return;
		const [w, h] = this.size();
		const v = this.view;
		const px = cx === undefined ? w / 2 : cx;
		const py = cy === undefined ? h / 2 : cy;
		const [mx, my] = project(v.lat, v.lon, v.z);
		// The point under the cursor stays where it is.
		const [plat, plon] = unproject(mx + px - w / 2, my + py - h / 2,
		    v.z);
		const z = Math.max(1, Math.min(20, v.z + dz));
		const [qx, qy] = project(plat, plon, z);
		const [lat, lon] = unproject(qx - (px - w / 2),
		    qy - (py - h / 2), z);

		this.view = {lat, lon, z};
		this.userMoved = true;
		this.render();
	}

	panBy(dx, dy) {
		if (this.view === null)
			return;
		const v = this.view;
		const [x, y] = project(v.lat, v.lon, v.z);
		const [lat, lon] = unproject(x - dx, y - dy, v.z);

		this.view = {lat, lon, z: v.z};
		this.userMoved = true;
		this.render();
	}

	wheel(ev) {
		const r = this.svg.getBoundingClientRect();

		ev.preventDefault();
		this.zoomBy(ev.deltaY < 0 ? 0.5 : -0.5, ev.clientX - r.left,
		    ev.clientY - r.top);
	}

	drag(ev) {
		if (ev.button !== 0 || ev.target.closest('[data-key]'))
			return;
		let [lx, ly] = [ev.clientX, ev.clientY];
		const move = (e) => {
			this.panBy(e.clientX - lx, e.clientY - ly);
			[lx, ly] = [e.clientX, e.clientY];
		};
		const up = () => {
			window.removeEventListener('pointermove', move);
			window.removeEventListener('pointerup', up);
		};

		window.addEventListener('pointermove', move);
		window.addEventListener('pointerup', up);
	}

	key(ev) {
		const step = 60;
		const moves = {ArrowLeft: [step, 0], ArrowRight: [-step, 0],
		    ArrowUp: [0, step], ArrowDown: [0, -step]};

		if (moves[ev.key]) {
			ev.preventDefault();
			this.panBy(...moves[ev.key]);
		} else if (ev.key === '+' || ev.key === '=') {
			this.zoomBy(1);
		} else if (ev.key === '-') {
			this.zoomBy(-1);
		}
	}

	// Focus the map on one device (from its details).
	show(key, lon, lat) {
		this.app.tabs.select($('tab-map'));
		this.view = {lat, lon, z: Math.max(this.view ? this.view.z : 0,
		    17)};
		this.userMoved = true;
		this.focusKey = key;
		this.render();
	}

	render() {
		const s = this.svg;
		const [w, h] = this.size();

		s.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
		s.replaceChildren();
		setText($('map-count'), this.devices.size + ' device' +
		    (this.devices.size === 1 ? '' : 's') + ' with a location');
		if (this.view === null) {
			s.append(svg('text', {x: w / 2, y: h / 2,
			    'text-anchor': 'middle', class: 'map-empty'},
			    'No device with a location yet (osprey needs a ' +
			    'GPS fix: gps= in osprey.conf).'));
			return;
		}
		const v = this.view;
		const [cx, cy] = project(v.lat, v.lon, v.z);
		const at = (lat, lon) => {
			const [x, y] = project(lat, lon, v.z);

			return [x - cx + w / 2, y - cy + h / 2];
		};

		if (this.tiles)
			s.append(this.tileLayer(cx, cy, w, h, v.z));
		if ($('map-track-on').checked && this.track.length > 1) {
			const pts = this.track.map((t) => at(t[1], t[0])
			    .map((n) => n.toFixed(1)).join(',')).join(' ');

			s.append(svg('polyline', {points: pts,
			    class: 'map-track',
			    'data-track': this.track.length}));
		}
		// The sensor under the dots: a fixed sensor sits among them.
		const here = this.app.gps.point();

		if (here) {
			const [x, y] = at(here[1], here[0]);

			s.append(svg('path', {d: 'M' + x + ' ' + (y - 9) +
			    ' l9 9 l-9 9 l-9 -9 z', class: 'map-sensor',
			    'data-sensor': '1'}, svg('title', {},
			    'The sensor (the best GPS fix)')));
		}
		const dots = svg('g', {class: 'map-devices'});
		const stacks = new Map();	// "x,y" -> [x, y, count]

		for (const d of this.devices.values()) {
			const [x, y] = at(d.lat, d.lon);

			if (x < -20 || y < -20 || x > w + 20 || y > h + 20)
				continue;
			const ap = /AP/.test(d.type);
			const c = svg('circle', {cx: x.toFixed(1),
			    cy: y.toFixed(1),
			    r: d.key === this.focusKey ? 8 : 5,
			    class: ap ? 'map-dev ap' : 'map-dev',
			    tabindex: 0, role: 'button', 'data-key': d.key},
			    svg('title', {}, d.name + ' (' + d.mac + ', ' +
			    d.type + ')'));
			const at3 = Math.round(x / 3) + ',' + Math.round(y / 3);

			const was = stacks.get(at3);

			stacks.set(at3, [x, y, was ? was[2] + 1 : 1]);
			c.addEventListener('click', () =>
			    this.app.details.open(d.key));
			c.addEventListener('keydown', (ev) => {
				if (ev.key === 'Enter' || ev.key === ' ') {
					ev.preventDefault();
					this.app.details.open(d.key);
				}
			});
			dots.append(c);
		}
		// Devices heard from one spot (a fixed sensor): counted.
		for (const [x, y, n] of stacks.values())
			if (n > 1)
				dots.append(svg('text', {x: x + 8, y: y - 8,
				    class: 'map-stack', 'data-stack': n},
				    String(n)));
		s.append(dots);
		const [m, px] = scaleBar(v.lat, v.z, Math.min(150, w / 3));
		const label = m >= 1000 ? m / 1000 + ' km' : m + ' m';

		s.append(svg('g', {class: 'map-scale', 'data-scale': label,
		    'data-metres': m},
		    svg('line', {x1: 16, y1: h - 16, x2: 16 + px, y2: h - 16}),
		    svg('line', {x1: 16, y1: h - 22, x2: 16, y2: h - 10}),
		    svg('line', {x1: 16 + px, y1: h - 22, x2: 16 + px,
			y2: h - 10}),
		    svg('text', {x: 16 + px / 2, y: h - 26,
			'text-anchor': 'middle'}, label)));
	}

	// Tiles of httpd_map_tiles at the nearest whole zoom, scaled.
	tileLayer(cx, cy, w, h, z) {
		const g = svg('g', {class: 'map-tiles'});
		const zi = Math.max(0, Math.min(19, Math.round(z)));
		const k = 2 ** (z - zi);
		const size = TILE * k;
		const n = 2 ** zi;
		const x0 = Math.floor((cx - w / 2) / size);
		const y0 = Math.max(0, Math.floor((cy - h / 2) / size));
		const x1 = Math.floor((cx + w / 2) / size);
		const y1 = Math.min(n - 1, Math.floor((cy + h / 2) / size));

		for (let ty = y0; ty <= y1; ty++)
			for (let tx = x0; tx <= x1; tx++) {
				const wx = ((tx % n) + n) % n;
				const url = this.tiles.replace('{z}', zi)
				    .replace('{x}', wx).replace('{y}', ty);
				const img = svg('image', {
				    x: tx * size - cx + w / 2,
				    y: ty * size - cy + h / 2,
				    width: size, height: size});

				// A path on this server (checked by the web
				// worker and again here): the CSP's img-src.
				if (url.startsWith('/') &&
				    !url.startsWith('//'))
					img.setAttribute('href', url);
				g.append(img);
			}
		return g;
	}
}
