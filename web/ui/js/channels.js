// SPDX-License-Identifier: ISC
// \summary: channel coverage: devices and packets per channel, and who covers it
//
// Counted from the Devices view's census (each device on the channel it
// was last heard on), which runs only while this view or the overview
// shows: with a hundred thousand devices a census is fifty requests.
// "Covered by" comes from the sources: the channel a source is locked
// to, or the channels it hops over.  A channel with
// devices that no source covers any more is one being left unwatched.

import {el, replace, field, compareValues} from './dom.js';

export class Channels {
	constructor(app) {
		this.app = app;
		this.shown = false;
		this.dirty = true;
		app.devices.onChange(() => this.changed());
		app.sources.onChange(() => this.changed());
	}

	visible(on) {
		this.shown = on;
		this.app.devices.want('channels', on);
		if (on && this.dirty)
			this.render();
	}

	changed() {
		this.dirty = true;
		if (this.shown)
			this.render();
	}

	// channel -> {devices, packets, sources: Set of names}
	count() {
		const per = new Map();
		const slot = (ch) => {
			if (!per.has(ch))
				per.set(ch, {devices: 0, packets: 0,
				    sources: new Set()});
			return per.get(ch);
		};

		// Counted by the census as its pages come (devices.js).
		for (const [ch, t] of this.app.devices.perChannel) {
			const c = slot(ch);

			c.devices = t.devices;
			c.packets = t.packets;
		}
		for (const s of this.app.sources.sources.values()) {
			const g = (k, def) => field(s, 'kismet.datasource.' + k,
			    def);
			const name = g('name', g('uuid', '?'));

			if (!g('running', false))
				continue;
			let chans = [];
			if (g('hopping', false))
				chans = g('hop_channels', []);
			else if (g('channel', ''))
				chans = [g('channel', '')];
			if (!Array.isArray(chans))
				continue;
			for (const ch of chans)
				slot(String(ch)).sources.add(String(name));
		}
		return per;
	}

	render() {
		const per = this.count();
		const chans = [...per.keys()].sort(compareValues);
		const max = Math.max(1, ...[...per.values()].map((c) =>
		    c.devices));
		const body = document.getElementById('chan-body');

		this.dirty = false;
		replace(body, chans.map((ch) => {
			const c = per.get(ch);
			const bar = el('div', {class: 'bar'});
			const pct = Math.round(100 * c.devices / max);

			// CSSOM, not a style attribute: allowed by the CSP.
			bar.style.width = pct + '%';
			return el('tr', {data: {channel: ch},
			    class: c.sources.size === 0 ? 'uncovered' : ''},
			    el('th', {text: ch, attrs: {scope: 'row'}}),
			    el('td', {class: 'num', text: c.devices,
				data: {col: 'devices'}}),
			    el('td', {class: 'num', text: c.packets,
				data: {col: 'packets'}}),
			    el('td', {text: c.sources.size ?
				[...c.sources].sort().join(', ') : 'none',
				data: {col: 'sources'}}),
			    el('td', {class: 'barcol',
				attrs: {'aria-hidden': 'true'}}, bar));
		}));
		if (chans.length === 0)
			body.append(el('tr', {}, el('td', {attrs: {colspan: 5},
			    text: 'No channel information yet.'})));
	}
}
