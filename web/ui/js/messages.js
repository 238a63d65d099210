// SPDX-License-Identifier: ISC
// \summary: the message bus: /messagebus/last-time/TS/messages.json, newest first
//
// Polled like the devices: the answer's kismet.messagebus.timestamp (or,
// when the server sends a bare list, the newest message's time) is the
// next TS.  The list keeps the newest 500; a badge on the tab counts
// messages that arrived while another tab was shown.

import * as api from './api.js';
import {el, field, setText, fmtTime} from './dom.js';

const POLL_MS = 2000;
const KEEP = 500;

// Kismet's message flags (the core's msgbus levels).
const LEVELS = [[16, 'fatal'], [8, 'alert'], [4, 'error'], [2, 'info'],
    [1, 'debug']];

function levelOf(flags) {
	for (const [bit, name] of LEVELS)
		if ((Number(flags) & bit) !== 0)
			return name;
	return 'info';
}

export class Messages {
	constructor(app) {
		this.app = app;
		this.ts = 0;
		this.poll = null;
		this.shown = false;
		this.unseen = 0;
		this.list = document.getElementById('msg-list');
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
		const b = document.getElementById('msg-badge');

		b.hidden = this.unseen === 0;
		setText(b, this.unseen > 99 ? '99+' : this.unseen);
	}

	async update() {
		const res = await api.get('/messagebus/last-time/' + this.ts +
		    '/messages.json');
		const list = Array.isArray(res) ? res :
		    field(res, 'kismet.messagebus.list', []);
		const ts = Array.isArray(res) ? 0 :
		    field(res, 'kismet.messagebus.timestamp', 0);
		let newest = this.ts;

		if (!Array.isArray(list))
			throw new api.ApiError(0, 'message list is not a list');
		for (const m of list) {
			const t = Number(field(m,
			    'kismet.messagebus.message_time', 0)) || 0;

			newest = Math.max(newest, t);
			this.add(m, t);
		}
		this.ts = typeof ts === 'number' && ts > 0 ? ts : newest;
		while (this.list.children.length > KEEP)
			this.list.lastElementChild.remove();
		document.getElementById('msg-empty').hidden =
		    this.list.children.length > 0;
		if (list.length > 0 && !this.shown) {
			this.unseen += list.length;
			this.badge();
		}
	}

	add(m, t) {
		const level = levelOf(field(m, 'kismet.messagebus.message_flags',
		    2));

		this.list.prepend(el('li', {class: 'msg lvl-' + level,
		    data: {level}},
		    el('time', {text: fmtTime(Math.floor(t))}),
		    el('span', {class: 'level', text: level}),
		    el('span', {class: 'text', text: field(m,
			'kismet.messagebus.message_string', '')})));
	}
}
