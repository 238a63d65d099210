// SPDX-License-Identifier: ISC
// \summary: the overview: packets per second, devices, sources, channels over time
//
// The core keeps its own histories (/system/status.json: packet rate,
// devices, memory; each datasource's packet rate in the source list the
// Sources view already polls), as Kismet's RRDs.  Channel activity has
// no history in the core: it is the packets per channel counted from the
// Devices view's census the Channels view uses (which runs while either
// shows), sampled at each poll while this view shows (up to the last 60
// samples).

import * as api from './api.js';
import {el, replace, field} from './dom.js';
import {lineChart, rrdSeries as histSeries, legend, color} from './chart.js';

const POLL_MS = 2000;
const CHAN_SAMPLES = 60;
const CHAN_SHOWN = 6;
const STATUS_FIELDS = ['kismet.system.packets.rrd',
	'kismet.system.devices.rrd', 'kismet.system.memory.rrd',
	'kismet.system.devices.count'];
const RANGES = {
	minute: {vec: 'minute_vec', unit: 's', title: 'last minute'},
	hour: {vec: 'hour_vec', unit: 'min', title: 'last hour'},
	day: {vec: 'day_vec', unit: 'h', title: 'last day'},
};

export class Overview {
	constructor(app) {
		this.app = app;
		this.poll = null;
		this.shown = false;
		this.status = null;
		this.range = 'minute';
		this.chan = [];		// [{t, per: Map channel -> packets}]
		this.panel = document.getElementById('panel-overview');
		const sel = document.getElementById('ov-range');

		sel.addEventListener('change', () => {
			this.range = sel.value;
			this.render();
		});
		window.addEventListener('resize', () => {
			if (this.shown)
				this.render();
		});
	}

	visible(on) {
		this.shown = on;
		this.app.devices.want('overview', on);
		if (on && !this.poll && this.app.running)
			this.poll = api.poller(() => this.update(), POLL_MS);
		else if (!on && this.poll) {
			this.poll.stop();
			this.poll = null;
		}
		if (on)
			this.render();
	}

	stop() {
		this.visible(false);
	}

	async update() {
		this.status = await api.post('/system/status.json',
		    {fields: STATUS_FIELDS});
		this.sampleChannels();
		if (this.shown)
			this.render();
	}

	sampleChannels() {
		const per = new Map();

		for (const [ch, c] of this.app.channels.count())
			per.set(ch, c.packets);
		this.chan.push({t: Date.now(), per});
		if (this.chan.length > CHAN_SAMPLES + 1)
			this.chan.shift();
	}

	// Packets per second of each busy channel between samples.
	channelSeries() {
		const totals = new Map();
		const rates = new Map();

		for (let i = 1; i < this.chan.length; i++) {
			const a = this.chan[i - 1];
			const b = this.chan[i];
			const dt = Math.max(0.001, (b.t - a.t) / 1000);

			for (const [ch, p] of b.per) {
				const r = Math.max(0, (p - (a.per.get(ch) || 0)) /
				    dt);

				if (!rates.has(ch))
					rates.set(ch, new Array(i - 1).fill(0));
				rates.get(ch).push(Math.round(r * 10) / 10);
				totals.set(ch, (totals.get(ch) || 0) + r);
			}
			for (const [ch, v] of rates)
				if (v.length < i)
					v.push(0);
		}
		return [...totals.entries()].sort((x, y) => y[1] - x[1])
		    .slice(0, CHAN_SHOWN).map(([ch], i) => ({
			label: 'ch ' + ch, values: rates.get(ch),
			color: color(i)}));
	}

	card(id, title, series, opts, note) {
		let box = document.getElementById(id);

		if (!box) {
			box = el('figure', {class: 'chart', attrs: {id}},
			    el('figcaption', {}),
			    el('canvas', {attrs: {role: 'img'}}),
			    el('div', {class: 'chart-legend'}),
			    el('p', {class: 'chart-note'}));
			document.getElementById('ov-charts').append(box);
		}
		const [cap, canvas, leg, p] = box.children;

		cap.textContent = title;
		canvas.setAttribute('aria-label', title);
		replace(leg, series.length > 1 ?
		    legend(document, series) : null);
		p.textContent = note || '';
		lineChart(canvas, series, opts);
	}

	render() {
		if (!this.shown)
			return;
		const r = RANGES[this.range];
		/*
		 * The core's histories run to the current second, which it
		 * fills at its once-a-second tick: until then the newest slot
		 * reads 0, and every line would drop to 0 at "now".  By the
		 * second, draw only the seconds that are over.
		 */
		const rrdSeries = (rrd, vec, ring) => {
			const v = histSeries(rrd, vec, ring);

			return vec === 'minute_vec' ? v.slice(0, -1) : v;
		};
		const s = this.status || {};
		const sources = [...this.app.sources.sources.values()];
		const devs = s['kismet.system.devices.count'];

		this.card('ov-packets', 'Packets per second, ' + r.title,
		    [{label: 'packets/s', values: rrdSeries(
		    s['kismet.system.packets.rrd'], r.vec, false)}],
		    {unitLabel: r.unit, fill: true});
		this.card('ov-devices', 'Devices tracked, ' + r.title,
		    [{label: 'devices', values: rrdSeries(
		    s['kismet.system.devices.rrd'], r.vec, false)}],
		    {unitLabel: r.unit, fill: true},
		    devs !== undefined ? devs + ' now' : '');
		this.card('ov-sources', 'Packets per second by source, ' +
		    r.title, sources.map((src, i) => ({
			label: String(field(src, 'kismet.datasource.name',
			    '?')),
			values: rrdSeries(field(src,
			    'kismet.datasource.packets_rrd', null), r.vec,
			    false),
			color: color(i)})), {unitLabel: r.unit},
		    sources.length ? '' : 'No source.');
		const ch = this.channelSeries();
		this.card('ov-channels', 'Packets per second by channel',
		    ch,
		    {unitLabel: 'samples'}, ch.length ?
		    'Sampled every 2 s since this page opened.' :
		    'Counting: two samples are needed.');
		this.card('ov-memory', 'Core heap, KiB, ' + r.title,
		    [{label: 'KiB', values: rrdSeries(
		    s['kismet.system.memory.rrd'], r.vec, false)}],
		    {unitLabel: r.unit, fill: true});
	}
}
