// SPDX-License-Identifier: ISC
// \summary: start-up: tabs, the connection indicator, login, the views
//
// Order at load: the first-visit welcome (if this browser has not seen
// it), then the login check (/session/check_login with the cookie we may
// hold), then, logged in, the views start polling and the plugins load.
// A 401 later on (the server restarted and forgot its sessions, or the
// session timed out) stops the views and goes back to the login step.

import * as api from './api.js';
import {el, setText} from './dom.js';
import {Devices} from './devices.js';
import {Details} from './details.js';
import {Sources} from './sources.js';
import {Channels} from './channels.js';
import {Overview} from './overview.js';
import {Alerts} from './alerts.js';
import {Messages} from './messages.js';
import {Gps} from './gps.js';
import {MapView} from './map.js';
import {Session} from './session.js';
import {loadPlugins} from './plugins.js';

const $ = (id) => document.getElementById(id);

/*
 * The tab strip (WAI-ARIA tabs pattern): one tab in the Tab order, the
 * arrow keys, Home and End move between tabs, each tab shows its panel.
 */
class Tabs {
	constructor(list) {
		this.list = list;
		this.listeners = [];
		list.addEventListener('click', (ev) => {
			const t = ev.target.closest('[role=tab]');

			if (t)
				this.select(t);
		});
		list.addEventListener('keydown', (ev) => this.key(ev));
	}

	tabs() {
		return [...this.list.querySelectorAll('[role=tab]')];
	}

	key(ev) {
		const tabs = this.tabs();
		const i = tabs.indexOf(document.activeElement);
		let j;

		if (i < 0)
			return;
		if (ev.key === 'ArrowRight')
			j = (i + 1) % tabs.length;
		else if (ev.key === 'ArrowLeft')
			j = (i - 1 + tabs.length) % tabs.length;
		else if (ev.key === 'Home')
			j = 0;
		else if (ev.key === 'End')
			j = tabs.length - 1;
		else
			return;
		ev.preventDefault();
		this.select(tabs[j]);
		tabs[j].focus();
	}

	select(tab) {
		for (const t of this.tabs()) {
			const on = t === tab;

			t.setAttribute('aria-selected', on ? 'true' : 'false');
			t.tabIndex = on ? 0 : -1;
			$(t.getAttribute('aria-controls')).hidden = !on;
		}
		for (const fn of this.listeners)
			fn(tab.id);
	}

	// Call fn(tabId) whenever a tab is selected.
	onSelect(fn) {
		this.listeners.push(fn);
	}

	// A plugin's tab: returns its panel, for the plugin to fill.
	add(id, title) {
		const tabId = 'tab-' + id;
		const panelId = 'panel-' + id;
		const tab = el('button', {text: title, attrs: {role: 'tab',
		    id: tabId, 'aria-controls': panelId,
		    'aria-selected': 'false', tabindex: '-1'}});
		const panel = el('section', {attrs: {id: panelId,
		    role: 'tabpanel', 'aria-labelledby': tabId, hidden: true}});

		this.list.append(tab);
		$('main').append(panel);
		return panel;
	}
}

const CONN_TEXT = {
	connecting: 'Connecting…',
	connected: 'Connected',
	disconnected: 'Disconnected: retrying…',
	degraded: 'Server up, core not answering',
};

function showConnState({state, detail}) {
	const c = $('conn');

	c.dataset.state = state;
	setText(c, CONN_TEXT[state] + (detail && state === 'degraded' ?
	    ' (' + detail + ')' : ''));
}

class App {
	constructor() {
		this.tabs = new Tabs($('tabs'));
		this.details = new Details(this);
		this.devices = new Devices(this);
		this.sources = new Sources(this);
		this.channels = new Channels(this);
		this.overview = new Overview(this);
		this.messages = new Messages(this);
		this.alerts = new Alerts(this);
		this.gps = new Gps(this);
		this.map = new MapView(this);
		this.session = new Session(this);
		this.running = false;
		this.pluginsLoaded = false;
		this.tabs.onSelect((id) => {
			this.channels.visible(id === 'tab-channels');
			this.overview.visible(id === 'tab-overview' &&
			    this.running);
			this.messages.visible(id === 'tab-messages');
			this.alerts.visible(id === 'tab-alerts');
			if (id === 'tab-settings' && this.running)
				this.alerts.definitions().catch(() => {});
			this.map.visible(id === 'tab-map' && this.running);
		});
		api.onConnState(showConnState);
		api.onUnauthorized(() => this.loggedOut());
	}

	async start() {
		await this.session.welcomeIfFirst();
		await this.session.checkAtStart();
	}

	// The session is valid: start (or restart) every view.
	loggedIn() {
		if (this.running)
			return;
		this.running = true;
		this.devices.start();
		this.sources.start();
		this.messages.start();
		this.alerts.start();
		this.gps.start();
		if (!$('panel-map').hidden)
			this.map.visible(true);
		if (!$('panel-overview').hidden)
			this.overview.visible(true);
		if (!this.pluginsLoaded) {
			this.pluginsLoaded = true;
			loadPlugins(this).catch(() => {
				// Shown in the settings list; the UI works without.
				this.pluginsLoaded = false;
			});
		}
	}

	// The server refused our session: stop polling, ask again.
	loggedOut() {
		if (!this.running)
			return;
		this.running = false;
		this.devices.stop();
		this.sources.stop();
		this.messages.stop();
		this.alerts.stop();
		this.gps.stop();
		this.map.stop();
		this.overview.stop();
		this.details.close();
		this.session.lost();
	}
}

window.addEventListener('DOMContentLoaded', () => {
	const app = new App();

	// For plugins and the browser tests: the running application.
	window.osprey = app;
	app.start();
});
