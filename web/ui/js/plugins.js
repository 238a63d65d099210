// SPDX-License-Identifier: ISC
// \summary: web-only plugins: load each plugin's js module at start
//
// /plugins/all_plugins.json lists the plugins; one whose manifest set
// js=MODULE,PATH has kismet.plugin.js = PATH, a script of its httpd/
// folder served under /plugin/NAME/.  It is loaded as an ES module with
// import() (so the page's policy of scripts from this server only holds)
// and, if it exports init(), called with the plugin interface:
//
//   export function init(osprey) {
//       const panel = osprey.addTab('mytab', 'My tab');
//       panel.append(osprey.el('p', {text: 'hello'}));
//   }
//
// osprey.api is api.js (get, post, request), osprey.el builds elements
// (text only: never innerHTML), osprey.devices and osprey.sources are the
// views (their onChange(fn) gives the live data).  A plugin that fails
// to load is listed with its error in Settings; the UI carries on.

import * as api from './api.js';
import {el, field, replace} from './dom.js';

// A plugin path must stay on this server, under /plugin/.
function safePath(p) {
	return typeof p === 'string' && p.startsWith('/plugin/') &&
	    !p.includes('..') && !p.includes('//') && !p.includes('\\');
}

export async function loadPlugins(app) {
	const list = await api.get('/plugins/all_plugins.json');
	const out = document.getElementById('set-plugins');
	const items = [];

	if (!Array.isArray(list))
		throw new api.ApiError(0, 'plugin list is not a list');
	for (const p of list) {
		const name = String(field(p, 'kismet.plugin.name', '?'));
		const js = field(p, 'kismet.plugin.js', '');
		const ver = String(field(p, 'kismet.plugin.version', ''));
		const li = el('li', {data: {plugin: name}},
		    el('strong', {text: name}), ' ' + ver + ': ');

		items.push(li);
		if (!js) {
			li.append('no script');
			continue;
		}
		if (!safePath(js)) {
			li.append('not loaded: script path ' + js +
			    ' is not under /plugin/');
			continue;
		}
		try {
			const mod = await import(js);

			if (typeof mod.init === 'function')
				await mod.init(pluginApi(app, name));
			li.append('loaded');
			li.dataset.loaded = 'true';
		} catch (e) {
			li.append('failed: ' + e.message);
			li.dataset.loaded = 'false';
		}
	}
	replace(out, items.length ? items :
	    [el('li', {text: 'No plugins installed.'})]);
}

function pluginApi(app, name) {
	return {
		name,
		api,
		el,
		devices: app.devices,
		sources: app.sources,
		// A new tab; returns its (empty) panel element.
		addTab: (id, title) => app.tabs.add(String(id).replace(
		    /[^A-Za-z0-9_-]/g, '_'), String(title)),
	};
}
