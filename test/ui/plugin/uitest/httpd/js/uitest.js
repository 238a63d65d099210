// SPDX-License-Identifier: ISC
// \summary: the browser tests' plugin module: a tab that counts devices
//
// Loaded by the UI from /plugins/all_plugins.json at start; shows the
// plugin interface of web/ui/js/plugins.js at work: a tab of its own,
// elements built with osprey.el, and the live device list.

export function init(osprey) {
	const panel = osprey.addTab('uitest', 'UI test plugin');
	const count = osprey.el('span', {text: '0', data: {count: ''}});

	panel.append(osprey.el('p', {text: 'uitest plugin loaded',
	    data: {plugin: 'uitest'}}),
	    osprey.el('p', {}, 'Devices known: ', count));
	osprey.devices.onChange((devices) => {
		count.textContent = String(devices.size);
	});
}
