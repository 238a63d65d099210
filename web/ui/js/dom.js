// SPDX-License-Identifier: ISC
// \summary: DOM building without innerHTML, and the value formatters
//
// Everything the API returns (SSIDs, names, manufacturers, error
// reasons) is attacker controlled: an SSID is whatever a radio nearby
// chose to send.  So no module of the UI ever assigns innerHTML or
// builds markup from strings; it builds elements here, and every string
// becomes a text node.

// Attributes that could carry script; el() refuses them outright.
const UNSAFE_ATTR = /^on|^(href|src|action|formaction|srcdoc|style)$/i;

/*
 * el('tr', {class: 'x', data: {key: k}, attrs: {role: 'row'},
 *     on: {click: fn}}, child, ...): a new element.  Children are nodes,
 * strings (added as text), numbers, or null/false (skipped); arrays are
 * flattened.  `text` sets textContent.  Returns the element.
 */
export function el(tag, props, ...children) {
	const e = document.createElement(tag);
	const p = props || {};

	if (p.class)
		e.className = p.class;
	if (p.text !== undefined && p.text !== null)
		e.textContent = String(p.text);
	for (const [k, v] of Object.entries(p.attrs || {})) {
		if (UNSAFE_ATTR.test(k))
			throw new Error('el: attribute ' + k + ' not allowed');
		if (v !== false && v !== null && v !== undefined)
			e.setAttribute(k, v === true ? '' : String(v));
	}
	for (const [k, v] of Object.entries(p.data || {}))
		e.dataset[k] = String(v);
	for (const [k, v] of Object.entries(p.on || {}))
		e.addEventListener(k, v);
	append(e, children);
	return e;
}

// Append children (as el() takes them) to parent; returns parent.
export function append(parent, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false)
			continue;
		parent.append(c instanceof Node ? c : String(c));
	}
	return parent;
}

// Remove every child of e and add the new ones.
export function replace(e, ...children) {
	e.replaceChildren();
	return append(e, children);
}

// Set a text node only when it changed; returns true when it did.
export function setText(e, s) {
	const v = s === null || s === undefined ? '' : String(s);

	if (e.textContent === v)
		return false;
	e.textContent = v;
	return true;
}

// A <dl> from [term, value] pairs, skipping pairs whose value is null.
export function deflist(pairs) {
	const dl = el('dl', {class: 'kv'});

	for (const [k, v] of pairs) {
		if (v === null || v === undefined)
			continue;
		dl.append(el('dt', {text: k}),
		    el('dd', {}, v instanceof Node ? v : String(v)));
	}
	return dl;
}

/*
 * A field of a Kismet record, by its full dotted name or by a path of
 * them ('dot11.device/dot11.device.last_bssid').  Missing: def.
 */
export function field(rec, path, def) {
	let v = rec;

	for (const k of path.split('/')) {
		if (v === null || typeof v !== 'object' || !(k in v))
			return def;
		v = v[k];
	}
	return v === undefined ? def : v;
}

// Epoch seconds as local date and time ("" for 0 or nothing).
export function fmtTime(sec) {
	if (!sec)
		return '';
	const d = new Date(sec * 1000);
	const pad = (n) => String(n).padStart(2, '0');

	return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' +
	    pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' +
	    pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

// "12 s ago", "3 min ago": how long before now (seconds) sec was.
export function fmtAgo(sec, now) {
	if (!sec)
		return '';
	const d = Math.max(0, Math.round((now || Date.now() / 1000) - sec));

	if (d < 60)
		return d + ' s ago';
	if (d < 3600)
		return Math.floor(d / 60) + ' min ago';
	if (d < 86400)
		return Math.floor(d / 3600) + ' h ago';
	return Math.floor(d / 86400) + ' d ago';
}

// A count with the reader's thousands separators ("101,894").
const COUNT = new Intl.NumberFormat(undefined, {maximumFractionDigits: 0});

export function fmtCount(n) {
	return COUNT.format(Number(n) || 0);
}

export function fmtBytes(n) {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let i = 0;
	let v = Number(n) || 0;

	while (v >= 1024 && i < units.length - 1) {
		v /= 1024;
		i++;
	}
	return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
}

// A signal in dBm; 0 means none was measured (Kismet's convention).
export function fmtSignal(dbm) {
	return dbm ? dbm + ' dBm' : '';
}

// Kismet's kHz frequency as MHz.
export function fmtFreq(khz) {
	return khz ? Math.round(khz / 1000) + ' MHz' : '';
}

// Kismet's crypt_set bits (the values the tracker sends, devrec.c).
const CRYPT_BITS = [
	[1 << 27, 'WPA'], [1 << 28, 'WPA2'], [1 << 29, 'WPA3'],
	[1 << 1, 'WEP'], [1 << 3, 'WEP40'], [1 << 4, 'WEP104'],
	[1 << 7, 'PSK'], [1 << 11, 'EAP'], [1 << 16, 'SAE'],
	[1 << 17, 'OWE'], [1 << 5, 'TKIP'], [1 << 9, 'CCMP'],
	[1 << 26, 'WPS'], [1 << 0, 'Encrypted (unknown)'],
];

// A crypt_set number as words ("WPA2 PSK CCMP"); 0 is "Open".
export function fmtCryptSet(n) {
	const words = [];

	for (const [bit, name] of CRYPT_BITS)
		if ((Number(n) & bit) !== 0)
			words.push(name);
	return words.length ? words.join(' ') : 'Open';
}

// A numeric string sorts as a number, anything else as text.
export function compareValues(a, b) {
	const na = typeof a === 'number' ? a : Number(a);
	const nb = typeof b === 'number' ? b : Number(b);

	if (a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb))
		return na - nb;
	return String(a).localeCompare(String(b));
}
