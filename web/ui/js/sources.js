// SPDX-License-Identifier: ISC
// \summary: the datasource panel: state, channel lock and hop, pause, open, add
//
// GET /datasource/all_sources.json every two seconds; one card per
// source, built once and then updated in place so that a half-typed
// hop rate or a chosen channel survives the refresh.  Commands POST to
// /datasource/by-uuid/UUID/CMD.cmd and the answer (the updated source)
// is shown at once; a refusal shows the reason the server gives.

import * as api from './api.js';
import {el, field, replace, setText} from './dom.js';

const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);

// A source record's field, without the common prefix.
const f = (s, k, def) => field(s, 'kismet.datasource.' + k, def);

function stateOf(s) {
	if (f(s, 'error', false))
		return 'error';
	if (!f(s, 'running', false))
		return 'closed';
	return f(s, 'paused', false) ? 'paused' : 'running';
}

export class Sources {
	constructor(app) {
		this.app = app;
		this.sources = new Map();	// uuid -> record
		this.cards = new Map();		// uuid -> card elements
		this.poll = null;
		this.listeners = [];
		$('src-add').addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.add();
		});
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

	// Call fn(sources Map) after each refresh.
	onChange(fn) {
		this.listeners.push(fn);
	}

	// A source's name for a uuid (seen-by lists), or the uuid.
	nameOf(uuid) {
		const s = this.sources.get(uuid);

		return s ? f(s, 'name', uuid) : uuid;
	}

	async update() {
		const list = await api.get('/datasource/all_sources.json');

		if (!Array.isArray(list))
			throw new api.ApiError(0, 'source list is not a list');
		const seen = new Set();
		for (const s of list) {
			const uuid = f(s, 'uuid', '');

			if (typeof uuid !== 'string' || uuid === '')
				continue;
			seen.add(uuid);
			this.show(s);
		}
		for (const uuid of [...this.cards.keys()]) {
			if (!seen.has(uuid)) {
				this.cards.get(uuid).root.remove();
				this.cards.delete(uuid);
				this.sources.delete(uuid);
			}
		}
		$('src-empty').hidden = this.cards.size > 0;
		for (const fn of this.listeners)
			fn(this.sources);
	}

	// Create or refresh the card of source s.
	show(s) {
		const uuid = f(s, 'uuid', '');
		let c = this.cards.get(uuid);

		this.sources.set(uuid, s);
		if (!c) {
			c = this.card(uuid);
			this.cards.set(uuid, c);
			$('src-list').append(c.root);
		}
		const state = stateOf(s);
		const hopping = f(s, 'hopping', false);
		const chans = f(s, 'channels', []);

		c.root.dataset.state = state;
		setText(c.name, f(s, 'name', uuid));
		setText(c.state, state);
		c.state.dataset.state = state;
		setText(c.reason, state === 'error' ?
		    f(s, 'error_reason', '') || 'error' : '');
		setText(c.channel, hopping ? 'hopping' :
		    f(s, 'channel', '') || '—');
		replace(c.info, infoList(s));
		// Channel choices change only when the helper's list does.
		const want = Array.isArray(chans) ? chans.map(String) : [];
		const have = [...c.select.options].map((o) => o.value);
		if (want.join(',') !== have.join(',')) {
			const keep = c.select.value;

			replace(c.select, want.map((ch) =>
			    el('option', {text: ch, attrs: {value: ch}})));
			if (want.includes(keep))
				c.select.value = keep;
		}
		// A file has no channels: no channel controls, and says so.
		const tunable = want.length > 0;
		c.tuning.hidden = !tunable;
		c.fixed.hidden = tunable;
		c.lock.disabled = state !== 'running' && state !== 'paused';
		c.hop.disabled = c.lock.disabled;
		setText(c.pause, state === 'paused' ? 'Resume' : 'Pause');
		c.pause.disabled = state !== 'running' && state !== 'paused';
		setText(c.open, state === 'closed' || state === 'error' ?
		    'Open' : 'Close');
		if (document.activeElement !== c.rate &&
		    !c.rate.dataset.touched)
			c.rate.value = String(f(s, 'hop_rate', 0) || 5);
	}

	card(uuid) {
		const id = (x) => 'src-' + x + '-' + uuid;
		const c = {};

		c.name = el('span', {class: 'src-name'});
		c.state = el('span', {class: 'src-state'});
		c.channel = el('span', {class: 'src-channel',
		    data: {field: 'channel'}});
		c.reason = el('p', {class: 'error', attrs: {role: 'alert'}});
		c.info = el('dl', {class: 'kv'});
		c.select = el('select', {attrs: {id: id('chan')}});
		c.lock = el('button', {text: 'Lock', attrs: {type: 'button'},
		    on: {click: () => this.lock(uuid, c)}});
		c.rate = el('input', {attrs: {id: id('rate'), type: 'number',
		    min: '0.1', max: '20', step: 'any', value: '5'},
		    on: {input: () => {
			c.rate.dataset.touched = '1';
		    }}});
		c.shuffle = el('input', {attrs: {id: id('shuffle'),
		    type: 'checkbox', checked: true}});
		c.hop = el('button', {text: 'Hop', attrs: {type: 'button'},
		    on: {click: () => this.hopCmd(uuid, c)}});
		c.pause = el('button', {text: 'Pause', attrs: {type: 'button'},
		    on: {click: () => this.simple(uuid, c,
		    stateOf(this.sources.get(uuid)) === 'paused' ?
		    'resume_source' : 'pause_source')}});
		c.open = el('button', {text: 'Close', attrs: {type: 'button'},
		    on: {click: () => {
			const st = stateOf(this.sources.get(uuid));

			this.simple(uuid, c, st === 'closed' ||
			    st === 'error' ? 'open_source' : 'close_source');
		    }}});
		c.tuning = el('span', {class: 'group'},
		    el('span', {class: 'group'},
			el('label', {text: 'Channel',
			    attrs: {for: id('chan')}}),
			c.select, c.lock),
		    el('span', {class: 'group'},
			el('label', {text: 'Hop rate (/s)',
			    attrs: {for: id('rate')}}),
			c.rate,
			el('label', {class: 'check'}, c.shuffle, 'shuffle'),
			c.hop));
		c.fixed = el('span', {class: 'hint', text: 'No channel ' +
		    'control: this source does not tune (a file, or a ' +
		    'radio that reported no channels).', attrs: {hidden: true}});
		c.result = el('p', {class: 'result', attrs: {role: 'status',
		    'aria-live': 'polite'}});
		c.root = el('section', {class: 'source', data: {uuid},
		    attrs: {'aria-label': 'Source'}},
		    el('h3', {}, c.name, ' ', c.state, ' ',
			el('span', {class: 'hint', text: 'channel '}),
			c.channel),
		    c.reason,
		    c.info,
		    el('div', {class: 'controls'},
			c.tuning,
			c.fixed,
			el('span', {class: 'group'}, c.pause, c.open)),
		    c.result);
		return c;
	}

	/*
	 * Run one command and show what came of it: the answer's source
	 * record replaces the card's, a refusal shows the server's reason.
	 */
	async command(uuid, c, cmd, body, what) {
		c.result.className = 'result';
		setText(c.result, what + '…');
		try {
			const s = await api.post('/datasource/by-uuid/' +
			    encodeURIComponent(uuid) + '/' + cmd + '.cmd', body);

			if (s && typeof s === 'object' && !Array.isArray(s) &&
			    f(s, 'uuid', '') === uuid)
				this.show(s);
			c.result.className = 'result ok';
			setText(c.result, what + ': done.');
		} catch (e) {
			c.result.className = 'result error';
			setText(c.result, what + ' failed: ' + e.message);
		}
		if (this.poll)
			this.poll.kick();
	}

	lock(uuid, c) {
		const ch = c.select.value;

		if (ch !== '')
			this.command(uuid, c, 'set_channel', {channel: ch},
			    'Lock to channel ' + ch);
	}

	hopCmd(uuid, c) {
		const s = this.sources.get(uuid);
		const rate = Number(c.rate.value);
		const chans = f(s, 'hop_channels', []);
		const list = Array.isArray(chans) && chans.length > 0 ? chans :
		    f(s, 'channels', []);

		if (!(rate > 0)) {
			c.result.className = 'result error';
			setText(c.result, 'The hop rate must be a number above 0.');
			return;
		}
		this.command(uuid, c, 'set_channel', {channels: list, rate,
		    shuffle: c.shuffle.checked}, 'Hop at ' + rate + '/s');
	}

	simple(uuid, c, cmd) {
		const names = {pause_source: 'Pause', resume_source: 'Resume',
		    open_source: 'Open', close_source: 'Close'};

		this.command(uuid, c, cmd, {}, names[cmd]);
	}

	async add() {
		const input = $('src-def');
		const def = input.value.trim();
		const out = $('src-add-result');

		if (def === '')
			return;
		out.className = 'result';
		setText(out, 'Adding…');
		try {
			const s = await api.post('/datasource/add_source.cmd',
			    {definition: def});

			out.className = 'result ok';
			setText(out, 'Added ' + f(s, 'name', def) + '.');
			input.value = '';
		} catch (e) {
			out.className = 'result error';
			setText(out, 'Could not add ' + def + ': ' + e.message);
		}
		if (this.poll)
			this.poll.kick();
	}
}

function infoList(s) {
	const hopChans = f(s, 'hop_channels', []);
	const pairs = [
		['Type', f(s, 'type', '')],
		['Interface', f(s, 'interface', '')],
		['Capture interface', f(s, 'capture_interface', '')],
		['Hardware', f(s, 'hardware', '')],
		['Definition', f(s, 'definition', '')],
		['Packets', f(s, 'num_packets', 0) + ' (' +
		    f(s, 'num_error_packets', 0) + ' with errors)'],
		['Link type', f(s, 'dlt', '')],
		['Hopping', f(s, 'hopping', false) ?
		    'yes, ' + f(s, 'hop_rate', 0) + '/s over ' +
		    (Array.isArray(hopChans) ? hopChans.join(', ') : '') :
		    'no'],
		['Remote', f(s, 'remote', false) ? 'yes' : 'no'],
		['UUID', f(s, 'uuid', '')],
	];
	const out = [];

	for (const [k, v] of pairs)
		if (v !== '' && v !== null && v !== undefined)
			out.push(el('dt', {text: k}), el('dd', {text: v}));
	return out;
}
