// SPDX-License-Identifier: ISC
// \summary: the web UI in a real browser against the real osprey and osprey_web
//
// Usage (meson passes these): node ui_test.mjs osprey=PATH
//     helper_path=DIR:DIR:... testchan=PATH demo=PCAPNG xss=PCAPNG
//     ui=DIR plugin=DIR [shots=DIR]
// Prints TAP.  Each case says what a user would check by hand: the
// first-visit welcome, logging in, devices appearing and changing, the
// details, the datasource controls with what the core reports back,
// attacker-chosen SSIDs shown as text, the coverage and message views,
// the login warning and its "don't warn again", a plugin's module, and
// the server going away and coming back.

import fs from 'node:fs';
import path from 'node:path';
import {test, runAll, note, assert, assertEq, until, startSystem,
    launchBrowser, freshPage, webPid, SENSOR, TILE, countOf}
    from './harness.mjs';

const XSS_SSID = '<img src=x onerror=alert(1)>';
const XSS_PROBE = '<svg onload=alert(2)>';
const DEMO_CHANNELS = ['1', '6', '11', '36', '44', '149'];

const opt = Object.fromEntries(process.argv.slice(2).map((a) => {
	const i = a.indexOf('=');

	return [a.slice(0, i), a.slice(i + 1)];
}));

// --- helpers that act in the page -------------------------------------------

const rows = (page) => page.$$eval('#dev-body tr[data-key]', (trs) =>
    trs.filter((tr) => !tr.hidden).map((tr) => {
	const cell = (c) => tr.querySelector('[data-col=' + c + ']')
	    .textContent;

	return {key: tr.dataset.key, name: cell('name'), mac: cell('mac'),
	    type: cell('type'), channel: cell('channel'),
	    packets: Number(cell('packets')), crypt: cell('crypt')};
    }));

async function showTab(page, name) {
	await page.click('#tab-' + name);
	await page.waitForSelector('#panel-' + name + ':not([hidden])');
}

// Filter the list down to one MAC and open its details.
/*
 * The page still holds its session: the login dialog (opened when the
 * UI took a 401 as the end of its session) is not up.  A lost session
 * fails the case at once, naming the 401s, instead of waiting out a
 * bound for a dialog that the login dialog now blocks.
 */
async function assertSession(page) {
	if (await page.$('#login[open]'))
		throw new Error('the page lost its session; 401 answers: ' +
		    JSON.stringify(page.seen.refused));
}

async function openDetails(page, mac) {
	await showTab(page, 'devices');
	await assertSession(page);
	await page.fill('#dev-filter', mac);
	const btn = await until(() => page.$('#dev-body tr:not([hidden]) ' +
	    'td[data-col=name] button'), 'the row of ' + mac);
	await btn.click();
	await page.waitForSelector('#details[open], #login[open]');
	await assertSession(page);
	await until(() => page.$eval('#details-body', (b) =>
	    b.querySelector('section.detail') !== null), 'details of ' + mac);
}

async function closeDetails(page) {
	await page.click('#details-close');
	await page.waitForSelector('#details:not([open])', {state: 'attached'});
	await page.fill('#dev-filter', '');
}

const detailTable = (page, name) => page.$$eval('#details-body ' +
    'table[data-table=' + name + '] tbody tr', (trs) => trs.map((tr) =>
    [...tr.children].map((td) => td.textContent)));

const sourceCard = (page, name) => until(async () => {
	for (const c of await page.$$('#src-list section.source'))
		if (await c.$eval('.src-name', (e) => e.textContent) === name)
			return c;
	return null;
}, 'the card of source ' + name);

async function apiSource(sys, name) {
	const list = await sys.json('/datasource/all_sources.json');

	return list.find((s) => s['kismet.datasource.name'] === name);
}

// --- the cases ----------------------------------------------------------------

test('no UI module builds markup from strings', async () => {
	const dir = path.join(opt.ui, 'js');
	const bad = /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/;

	for (const f of fs.readdirSync(dir)) {
		const lines = fs.readFileSync(path.join(dir, f), 'utf8')
		    .split('\n');

		lines.forEach((l, i) => {
			if (!l.trim().startsWith('//') && bad.test(l))
				throw new Error(f + ':' + (i + 1) + ': ' + l.trim());
		});
	}
});

test('first visit: the welcome, then the login warning', async (ctx) => {
	const page = ctx.page;

	await page.goto('/');
	await page.waitForSelector('#welcome[open]');
	const text = await page.textContent('#welcome');
	assert(text.includes('~/.osprey/osprey_httpd.conf'),
	    'the welcome says where the password is');
	assert(/add a source/i.test(text), 'the welcome explains sources');
	// Keyboard: the button has the focus, Enter closes.
	await page.keyboard.press('Enter');
	await page.waitForSelector('#login[open]');
	assert((await page.textContent('#login-warning')).includes(
	    'not logged in'), 'the login dialog warns');
	assertEq(await page.evaluate(() =>
	    localStorage.getItem('osprey.welcomed')), '1', 'welcome noted');
});

test('a wrong password is refused with a message', async (ctx) => {
	const page = ctx.page;

	await page.fill('#login-user', ctx.sys.user);
	await page.fill('#login-pass', 'not-the-password');
	await page.click('#login-submit');
	await until(async () => (await page.textContent('#login-error'))
	    .includes('wrong'), 'the refusal');
	assert(await page.$('#login[open]'), 'the dialog stays open');
	assertEq((await page.context().cookies()).length, 0, 'no cookie');
});

test('logging in sets the session cookie and stores no password',
    async (ctx) => {
	const page = ctx.page;

	await page.fill('#login-pass', ctx.sys.password);
	await page.press('#login-pass', 'Enter');
	await page.waitForSelector('#login:not([open])', {state: 'attached'});
	const cookies = await page.context().cookies();
	const c = cookies.find((x) => x.name === 'OSPREY');
	assert(c && c.httpOnly, 'an HttpOnly OSPREY cookie');
	const stored = await page.evaluate(() => JSON.stringify([
	    Object.entries(localStorage), Object.entries(sessionStorage)]));
	assert(!stored.includes(ctx.sys.password), 'the password is not ' +
	    'in web storage: ' + stored);
	assertEq(await page.inputValue('#login-pass'), '',
	    'the password field is cleared');
});

test('devices appear in the list', async (ctx) => {
	const page = ctx.page;
	const list = await until(async () => {
		const r = await rows(page);

		return r.length >= 20 ? r : null;
	}, '20 devices', 15000);

	for (const r of list)
		assert(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/.test(r.mac),
		    'a MAC: ' + r.mac);
	assert(list.some((r) => r.type === 'Wi-Fi AP'), 'an access point');
	assert(list.some((r) => r.type === 'Wi-Fi Client'), 'a client');
	assert((await page.textContent('#dev-count')).includes(' devices'),
	    'the count');
	assertEq(await page.textContent('#conn'), 'Connected', 'status');
});

test('devices update in place', async (ctx) => {
	const page = ctx.page;
	// The busiest row, marked so that a replaced row would show.
	const first = await page.evaluate(() => {
		let best = null;

		for (const tr of document.querySelectorAll('#dev-body tr')) {
			const n = Number(tr.querySelector('[data-col=packets]')
			    .textContent);

			if (!best || n > best.n)
				best = {tr, n};
		}
		best.tr.uiTestMark = true;
		return {key: best.tr.dataset.key, n: best.n};
	});
	const later = await until(() => page.evaluate((key) => {
		const tr = document.querySelector('#dev-body tr[data-key="' +
		    CSS.escape(key) + '"]');
		const n = Number(tr.querySelector('[data-col=packets]')
		    .textContent);

		return n !== null ? {n, same: tr.uiTestMark === true} : null;
	}, first.key).then((r) => r.n > first.n ? r : null),
	    'the packet count of ' + first.key + ' to grow', 10000, 200);
	assert(later.same, 'the same row element was updated');
	note(first.key + ': ' + first.n + ' then ' + later.n + ' packets');
	const api = await ctx.sys.json('/devices/by-key/' +
	    encodeURIComponent(first.key) + '/device.json');
	assert(api['kismet.device.base.packets.total'] >= later.n,
	    'the API counts at least what the row shows');
});

test('sorting by a column and filtering', async (ctx) => {
	const page = ctx.page;
	const head = '#dev-head th[data-col=mac] button';
	const sorted = (a, dir) => a.every((v, i) => i === 0 ||
	    (dir > 0 ? a[i - 1] <= v : a[i - 1] >= v));

	// The rows follow when the server's sorted page comes.
	const inOrder = (what, col, dir) => until(async () => {
		const v = (await rows(page)).map((r) => r[col]);

		return v.length > 1 && sorted(v, dir) ? v : null;
	}, what, 10000, 50);

	await page.click(head);
	assertEq(await page.getAttribute('#dev-head th[data-col=mac]',
	    'aria-sort'), 'ascending', 'aria-sort');
	await inOrder('ascending by MAC', 'mac', 1);
	await page.click(head);
	const macs = await inOrder('descending by MAC', 'mac', -1);
	await page.click('#dev-head th[data-col=packets] button');
	await inOrder('by packets, most first', 'packets', -1);

	const all = (await rows(page)).length;
	const pick = macs[Math.floor(macs.length / 2)];
	await page.fill('#dev-filter', pick.slice(-5).toLowerCase());
	// The rows drawn are filtered at once, the server's page follows:
	// pick may be on it only (a page of rows sorted by packets now).
	const shown = await until(async () => {
		const r = await rows(page);

		return r.some((x) => x.mac === pick) ? r : null;
	}, 'the filter to keep ' + pick, 10000, 50);
	assert(shown.length < all, 'the filter narrows: ' + shown.length +
	    ' of ' + all + ' rows for ' + pick);
	assert((await page.textContent('#dev-count')).includes(' of '),
	    'the count says N of M');
	await page.fill('#dev-filter', '');
	// The server's page follows the rows filtered at once.
	await until(async () => (await rows(page)).length >= all,
	    'clearing shows all again', 10000);
});

test('keyboard: tabs by arrow keys, details by Enter, Escape closes',
    async (ctx) => {
	const page = ctx.page;

	await page.focus('#tab-devices');
	await page.keyboard.press('ArrowRight');
	await page.waitForSelector('#panel-overview:not([hidden])');
	assertEq(await page.evaluate(() => document.activeElement.id),
	    'tab-overview', 'focus follows');
	await page.keyboard.press('ArrowLeft');
	await page.waitForSelector('#panel-devices:not([hidden])');
	await page.focus('#dev-body tr td[data-col=name] button');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#details[open]');
	await page.keyboard.press('Escape');
	await page.waitForSelector('#details:not([open])', {state: 'attached'});
});

test('details of an access point: SSIDs, clients, seen by, signal',
    async (ctx) => {
	const page = ctx.page;
	const aps = await until(async () => {
		const l = await ctx.sys.json('/devices/views/' +
		    'phydot11_accesspoints/devices.json', {fields: [
		    'kismet.device.base.macaddr',
		    'kismet.device.base.key',
		    'dot11.device/dot11.device.num_associated_clients']});

		return l.filter((d) =>
		    d['dot11.device.num_associated_clients'] > 0);
	}, 'an access point with clients', 15000, 500);
	const ap = aps[0];

	await openDetails(page, ap['kismet.device.base.macaddr']);
	const body = await page.textContent('#details-body');
	for (const h of ['Advertised SSIDs', 'Clients', 'Seen by', 'Signal'])
		assert(body.includes(h), 'a section ' + h);
	const ssids = await detailTable(page, 'ssids-advertised');
	assert(ssids.length >= 1, 'an advertised SSID');
	const seen = await detailTable(page, 'seen-by');
	assert(seen.some((r) => r[0] === 'demo'), 'seen by the source demo ' +
	    '(by name): ' + JSON.stringify(seen));
	const clients = await page.$$eval('#details-body [data-list=clients] ' +
	    'li', (l) => l.length);
	assert(clients >= ap['dot11.device.num_associated_clients'],
	    'every client listed');
	// A client entry opens that client.
	await page.click('#details-body [data-list=clients] li button');
	await until(async () => (await page.textContent('#details-body'))
	    .includes('Client of'), 'the client\'s details');
	await closeDetails(page);
});

// Pixels a canvas has drawn (not transparent): 0 for a blank one.
const inked = (page, sel) => page.$eval(sel, (c) => {
	const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	let n = 0;

	for (let i = 3; i < d.length; i += 4)
		if (d[i] > 0)
			n++;
	return n;
});

async function shot(page, name) {
	if (!opt.shots)
		return;
	const f = path.join(opt.shots, 'ui-' + name + '.png');

	await page.screenshot({path: f, fullPage: false});
	note('screenshot: ' + f);
}

test('the overview draws packets, devices, sources and channels; ' +
    'details draw packets and signal; rows have a sparkline',
    async (ctx) => {
	const page = ctx.page;

	// The device table's activity column: packets in the last minute.
	await showTab(page, 'devices');
	await until(() => page.$$eval('#dev-body td[data-col=activity] svg',
	    (l) => l.some((c) => Number(c.dataset.drawn) > 0) || null),
	    'a row with activity drawn', 15000, 200);
	await showTab(page, 'overview');
	for (const id of ['ov-packets', 'ov-devices', 'ov-sources',
	    'ov-channels', 'ov-memory'])
		await page.waitForSelector('#' + id + ' canvas');
	// The seconds that are over: the current one is not drawn (it reads
	// 0 until the core's tick fills it, a drop to 0 at "now").
	await until(async () => (await page.$eval('#ov-packets canvas',
	    (c) => c.dataset.drawn)) === '59' || null, 'the packet rate drawn');
	await until(async () => (await page.textContent('#ov-sources'))
	    .includes('demo') || null, 'the source demo in the legend');
	await until(async () => (await page.$$eval('#ov-channels li',
	    (l) => l.length)) > 0 || null, 'channels counted', 15000, 500);
	for (const id of ['ov-packets', 'ov-devices', 'ov-sources',
	    'ov-channels'])
		assert(await inked(page, '#' + id + ' canvas') > 500,
		    id + ' has a drawing');
	await shot(page, 'overview');
	const vp = page.viewportSize();
	const st = await ctx.sys.json('/system/status.json');
	const rate = st['kismet.system.packets.rrd'];
	assert(rate['kismet.common.rrd.minute_vec'].concat(
	    rate['kismet.common.rrd.hour_vec']).some((v) => v > 0),
	    'the packet rate history has packets');
	await page.setViewportSize({width: 390, height: 844});
	const w = await until(() => page.$eval('#ov-packets canvas', (c) =>
	    c.width === Math.round(c.clientWidth * (devicePixelRatio || 1)) &&
	    c.clientWidth < 390 ? c.getBoundingClientRect().right : null),
	    'the chart redrawn for the phone');
	assert(w <= 390, 'the chart fits the phone screen: right edge ' + w);
	await shot(page, 'overview-phone');
	await page.setViewportSize(vp);

	// An access point of the demo: its graphs are drawn.
	const ap = (await ctx.sys.json('/devices/views/' +
	    'phydot11_accesspoints/devices.json', {fields: [
	    'kismet.device.base.macaddr']}))[0]['kismet.device.base.macaddr'];
	await openDetails(page, ap);
	await page.waitForSelector('#dg-packets canvas');
	await until(async () => await inked(page, '#dg-packets canvas') > 300 ||
	    null, 'the packets graph drawn');
	assert(await inked(page, '#dg-signal canvas') > 300,
	    'the signal graph drawn');
	await page.$eval('#dg-packets', (e) => e.scrollIntoView());
	await shot(page, 'details-graphs');
	await page.setViewportSize({width: 390, height: 844});
	await until(() => page.$eval('#dg-packets canvas', (c) =>
	    c.width === Math.round(c.clientWidth * (devicePixelRatio || 1)) &&
	    c.clientWidth < 390 || null), 'the graph redrawn for the phone');
	await page.$eval('#dg-packets', (e) => e.scrollIntoView());
	await shot(page, 'details-graphs-phone');
	await page.setViewportSize(vp);
	await closeDetails(page);
	// The whole list again (the filter was cleared), then its picture.
	await until(async () => !(await page.textContent('#dev-count'))
	    .includes(' of ') || null, 'the list unfiltered');
	await shot(page, 'devices');
});

/*
 * A request the browser sent before it held the cookie it needed (a poll
 * in flight across the login, a token renewal or a worker restart) is
 * answered 401 although the session is good by then.  The UI asks
 * /session/check_login before it gives up the session, and sends the
 * request again: nothing is closed, no login is asked for.  Here the
 * server's answer to one sources poll is replaced by such a 401.
 */
test('a stray 401 to a request does not end a good session',
    async (ctx) => {
	const page = ctx.page;
	const url = '**/datasource/all_sources.json';
	let seen = 0;

	await page.route(url, (route) => {
		if (seen++ > 0)
			return route.continue();
		return route.fulfill({status: 401,
		    contentType: 'application/json',
		    body: '{"status": 401, "error": "login required"}'});
	});
	try {
		// The refused poll, then the same request sent again.
		await until(() => seen >= 2, 'the sources poll sent again');
	} finally {
		await page.unroute(url);
	}
	await page.waitForSelector('#conn[data-state=connected]');
	assertEq(await page.$('#login[open]'), null, 'no login asked for');
	assert(await page.evaluate(() => window.osprey.running),
	    'the views still run');
});

test('details show a WPA handshake', async (ctx) => {
	const page = ctx.page;
	const dev = await until(async () => {
		const all = await ctx.sys.json('/devices/all_devices.json');

		return all.find((d) => (d['dot11.device'] || {})[
		    'dot11.device.wpa_handshake_list']?.length > 0);
	}, 'a device with handshake frames', 15000, 1000);
	const n = dev['dot11.device']['dot11.device.wpa_handshake_list'].length;

	await openDetails(page, dev['kismet.device.base.macaddr']);
	const hs = await detailTable(page, 'handshakes');
	assert(hs.length >= n, 'every handshake message: ' + hs.length +
	    ' of ' + n);
	assert(hs.every((r) => /^[1-4]$/.test(r[0])), 'message numbers');
	await closeDetails(page);
});

test('SSIDs holding HTML are shown as text', async (ctx) => {
	const page = ctx.page;
	const row = await until(async () => (await rows(page)).find((r) =>
	    r.name === XSS_SSID), 'the row of the XSS access point', 15000);

	assertEq(row.channel, '6', 'its channel');
	// (The map and the table's sparklines are the page's own SVG;
	// anything else would be the SSID's.)
	const count = () => page.evaluate(() => [...document.querySelectorAll(
	    'img, svg, script:not([src])')].filter((e) => e.id !== 'map' &&
	    !e.closest('#map') && !e.closest('td.spark')).length);
	assertEq(await count(), 0, 'no element came from the SSID');
	await openDetails(page, row.mac);
	const ssids = await detailTable(page, 'ssids-advertised');
	assert(ssids.some((r) => r[0] === XSS_SSID), 'the advertised SSID ' +
	    'as text: ' + JSON.stringify(ssids));
	assert((await page.textContent('#details-title')).includes(XSS_SSID),
	    'the title as text');
	assertEq(await count(), 0, 'no element in the details');
	await closeDetails(page);

	// The client that probes for the other one.
	await openDetails(page, '02:00:5E:10:00:02');
	const probed = await detailTable(page, 'ssids-probed');
	assert(probed.some((r) => r[0] === XSS_PROBE), 'the probed SSID ' +
	    'as text: ' + JSON.stringify(probed));
	assertEq(await count(), 0, 'no element from the probe');
	await closeDetails(page);
	assertEq(page.seen.dialogs.length, 0, 'no alert() ran: ' +
	    page.seen.dialogs.join(', '));
});

test('lock a source to a channel and hop it again', async (ctx) => {
	const page = ctx.page;

	await showTab(page, 'sources');
	const card = await sourceCard(page, 'radio0');
	await until(() => card.$eval('button:text-is("Lock")',
	    (b) => !b.disabled), 'Lock enabled');
	await (await card.$('select')).selectOption('11');
	await (await card.$('button:text-is("Lock")')).click();
	await until(async () => (await card.$eval('.result',
	    (e) => e.textContent)).includes('done'), 'the lock to finish');
	let s = await apiSource(ctx.sys, 'radio0');
	assertEq(s['kismet.datasource.channel'], '11', 'the core reports ' +
	    'channel 11');
	assertEq(s['kismet.datasource.hopping'], false, 'not hopping');
	assertEq(await card.$eval('.src-channel', (e) => e.textContent), '11',
	    'the card shows channel 11');

	await (await card.$('input[type=number]')).fill('4');
	await (await card.$('button:text-is("Hop")')).click();
	await until(async () => (await card.$eval('.result',
	    (e) => e.textContent)).includes('done'), 'the hop to finish');
	s = await apiSource(ctx.sys, 'radio0');
	assertEq(s['kismet.datasource.hopping'], true, 'hopping again');
	assertEq(Number(s['kismet.datasource.hop_rate']), 4, 'at 4/s');
	await until(async () => (await card.$eval('.src-channel',
	    (e) => e.textContent)) === 'hopping', 'the card says hopping');
});

test('a refused channel shows the server\'s reason', async (ctx) => {
	const page = ctx.page;
	const card = await sourceCard(page, 'radio0');

	// The test radio's channel 13 refuses to tune.
	await (await card.$('select')).selectOption('13');
	await (await card.$('button:text-is("Lock")')).click();
	const text = await until(async () => {
		const t = await card.$eval('.result', (e) => e.textContent);

		return t.includes('failed') ? t : null;
	}, 'the refusal');
	assert(/failed: \d{3} \S/.test(text), 'a status and a reason: ' + text);
	note('shown: ' + text);
	assertEq(await card.$eval('.result', (e) => e.className),
	    'result error', 'shown as an error');
	assertEq(await page.getAttribute('#conn', 'data-state'), 'connected',
	    'one refused command is not a lost connection');
});

test('pause and resume a source', async (ctx) => {
	const page = ctx.page;
	const card = await sourceCard(page, 'radio0');
	const state = () => card.$eval('.src-state', (e) => e.textContent);

	await (await card.$('button:text-is("Pause")')).click();
	await until(async () => await state() === 'paused', 'paused');
	assertEq((await apiSource(ctx.sys, 'radio0'))[
	    'kismet.datasource.paused'], true, 'the core says paused');
	await (await card.$('button:text-is("Resume")')).click();
	await until(async () => await state() === 'running', 'running');
	assertEq((await apiSource(ctx.sys, 'radio0'))[
	    'kismet.datasource.paused'], false, 'the core says running');
});

test('adding a bad source shows why it failed', async (ctx) => {
	const page = ctx.page;
	const def = path.join(ctx.sys.tmp, 'missing.pcapng') +
	    ':name=missing,retry=false';

	await page.fill('#src-def', def);
	await page.press('#src-def', 'Enter');
	// Either the command is refused, or the source is added and fails:
	// both must show a reason.
	const why = await until(async () => {
		const r = await page.textContent('#src-add-result');

		if (r.includes('Could not add'))
			return r;
		for (const c of await page.$$('#src-list section.source')) {
			if (await c.$eval('.src-name', (e) => e.textContent) !==
			    'missing')
				continue;
			const t = await c.$eval('p.error', (e) => e.textContent);

			if (t !== '')
				return t;
		}
		return null;
	}, 'a reason', 15000, 200);
	assert(why.length > 10, 'a reason: ' + why);
	note('shown: ' + why);
});

test('channel coverage counts devices per channel', async (ctx) => {
	const page = ctx.page;
	const rows = () => page.$$eval('#chan-body tr[data-channel]',
	    (trs) => trs.map((tr) => ({ch: tr.dataset.channel,
	    devices: Number(tr.querySelector('[data-col=devices]')
		.textContent),
	    sources: tr.querySelector('[data-col=sources]').textContent})));
	// The devices the census holds, counted here by channel.
	const mine = () => page.evaluate(() => {
		const n = {};

		for (const d of window.osprey.devices.devices.values()) {
			const c = d['kismet.device.base.channel'];

			if (c)
				n[c] = (n[c] || 0) + 1;
		}
		return n;
	});

	await showTab(page, 'channels');
	await until(async () => {
		const r = await rows();

		return DEMO_CHANNELS.every((c) => r.some((x) => x.ch === c &&
		    x.devices > 0)) || null;
	}, 'every demo channel', 10000);
	/*
	 * The census reads the device list a page at a time and the table
	 * is drawn from what it holds: wait until a drawing and a count of
	 * the census agree (within the demo's growth between the two).
	 */
	let last = '';
	const got = await until(async () => {
		const r = await rows();
		const n = await mine();
		const off = r.filter((x) => x.devices > 0 &&
		    !(n[x.ch] >= x.devices - 2 && n[x.ch] <= x.devices + 2));

		last = off.map((x) => 'channel ' + x.ch + ': ' + x.devices +
		    ' vs ' + n[x.ch]).join('; ');
		return off.length === 0 ? r : null;
	}, 'the table to count the census', 30000).catch((e) => {
		throw new Error(e.message + ': ' + last);
	});
	note(got.map((r) => r.ch + ': ' + r.devices + ' devices, ' +
	    r.sources).join('; '));
	const six = got.find((r) => r.ch === '6');
	assert(six.sources.includes('radio0'), 'radio0 hops over 6: ' +
	    six.sources);
});

test('messages from the server are listed', async (ctx) => {
	const page = ctx.page;

	await showTab(page, 'messages');
	const msgs = await until(async () => {
		const l = await page.$$eval('#msg-list li', (lis) => lis.map(
		    (li) => ({level: li.dataset.level,
		    text: li.querySelector('.text').textContent})));

		return l.length > 0 ? l : null;
	}, 'a message', 10000);
	assert(msgs.every((m) => m.level && m.text !== ''), 'level and text');
	note(msgs.length + ' messages, newest: ' + msgs[0].level + ': ' +
	    msgs[0].text);
	assert(await page.$('#msg-empty[hidden]'), 'no "no messages"');
});

test('alerts: newest first, by severity, a badge, a filter',
    async (ctx) => {
	const page = ctx.page;

	// Two of the core's own alerts, raised as a script would.
	await showTab(page, 'devices');
	await ctx.sys.json('/alerts/raise_alerts.cmd', {name: 'LUCENTTEST',
	    text: 'ui test: a link test', source: '02:00:5e:00:00:07'});
	await ctx.sys.json('/alerts/raise_alerts.cmd', {name: 'DEAUTHFLOOD',
	    text: 'ui test: a flood', bssid: '02:00:5e:00:00:08',
	    channel: '6'});
	const badge = await until(async () => {
		const t = await page.textContent('#alert-badge:not([hidden])')
		    .catch(() => null);

		return t && Number(t) >= 2 ? t : null;
	}, 'the alerts badge', 10000);
	await showTab(page, 'alerts');
	const rows = await until(async () => {
		const l = await page.$$eval('#alert-list li', (lis) => lis.map(
		    (li) => ({header: li.dataset.header,
		    severity: li.dataset.severity,
		    text: li.querySelector('.text').textContent})));

		return l.length >= 2 ? l : null;
	}, 'two alerts', 10000);
	assertEq(rows[0].header, 'DEAUTHFLOOD', 'newest first');
	assertEq(rows[0].severity, 'high', 'DEAUTHFLOOD is high');
	assertEq(rows[1].severity, 'low', 'LUCENTTEST is low');
	assert(await page.$('#alert-badge[hidden]'), 'seen: no badge');
	await page.fill('#alert-filter', 'link test');
	await until(async () => (await page.$$('#alert-list li')).length ===
	    1 || null, 'the filter', 5000);
	await page.fill('#alert-filter', '');
	// The settings list the definitions with their limits and counts.
	await showTab(page, 'settings');
	const flood = await until(async () => page.$eval(
	    '#set-alerts-body tr[data-header="DEAUTHFLOOD"]',
	    (tr) => [...tr.cells].map((c) => c.textContent)).catch(() => null),
	    'the DEAUTHFLOOD definition', 10000);
	assertEq(flood[1], 'DENIAL', 'its class');
	assertEq(flood[3], '5/min, 2/sec', 'its limits');
	assert(Number(flood[4]) >= 1, 'raised once: ' + flood[4]);
	note('badge ' + badge + ', ' + rows.length + ' alerts, newest ' +
	    rows[0].header + '; DEAUTHFLOOD ' + flood.slice(1, 5).join(' | '));
});

test('the header shows the GPS fix and where it comes from',
    async (ctx) => {
	const page = ctx.page;

	await page.waitForSelector('#gps-state[data-fix="3"]');
	const text = await page.textContent('#gps-state');
	assert(text.includes('3D') && text.includes(SENSOR.lat.toFixed(5)) &&
	    text.includes(SENSOR.lon.toFixed(5)), 'fix and position: ' + text);
	assert(text.includes('sensor (virtual)'), 'the source: ' + text);
	note(text);
});

test('device details show where the device was heard', async (ctx) => {
	const page = ctx.page;
	const ap = await until(async () => (await rows(page)).find((r) =>
	    r.type === 'Wi-Fi AP'), 'an access point');

	await openDetails(page, ap.mac);
	const sec = await until(() => page.$$eval('#details-body ' +
	    'section.detail', (ss) => {
		const s = ss.find((x) => x.querySelector('h3').textContent ===
		    'Location');

		return s ? s.textContent : null;
	    }), 'the Location section');
	const where = SENSOR.lat.toFixed(6) + ', ' + SENSOR.lon.toFixed(6);
	assert(sec.includes('Average' + where + ' (' + SENSOR.alt.toFixed(1) +
	    ' m)'), 'the average: ' + sec);
	assert(sec.includes('Strongest signal at' + where), 'the peak: ' +
	    sec);
	assert(sec.includes('Best fix3D'), 'the fix: ' + sec);
	// "Show on the map" goes to that device on the map.
	await page.click('#details-body [data-action=show-on-map]');
	await page.waitForSelector('#panel-map:not([hidden])');
	await page.waitForSelector('#map circle[data-key="' + ap.key +
	    '"][r="8"]');
});

test('the map: devices, the sensor and a scale, nothing from elsewhere',
    async (ctx) => {
	const page = ctx.page;
	const foreign = [];
	const watch = (req) => {
		if (!req.url().startsWith(ctx.sys.base))
			foreign.push(req.url());
	};

	page.on('request', watch);
	await showTab(page, 'map');
	// The configured tile under the sensor is drawn, from this server.
	const tile = '/plugin/uitest/tiles/' + TILE.z + '/' + TILE.x + '/' +
	    TILE.y + '.png';
	const served = page.waitForResponse((r) => r.url() ===
	    ctx.sys.base + tile && r.status() === 200);
	await page.click('#map-fit');
	await served;
	assert(await page.$('#map image[href="' + tile + '"]'), 'the tile');
	const n = await until(async () => {
		const c = await page.$$eval('#map circle[data-key]',
		    (cs) => cs.length);

		return c >= 20 ? c : null;
	}, '20 devices on the map', 15000);
	const withLoc = (await ctx.sys.json('/devices/all_devices.json'))
	    .filter((d) => d['kismet.device.base.location']).length;
	assert(n <= withLoc, n + ' dots, ' + withLoc + ' located devices');
	assert(await page.$('#map [data-sensor]'), 'the sensor');
	const scale = await page.getAttribute('#map [data-scale]',
	    'data-scale');
	assert(/^\d+ k?m$/.test(scale), 'a scale bar: ' + scale);
	assert((await page.textContent('#map-count')).includes(
	    'with a location'), 'the count');
	// Zooming out makes the scale bar stand for more.
	const m0 = Number(await page.getAttribute('#map [data-scale]',
	    'data-metres'));
	await page.click('#map-out');
	await page.click('#map-out');
	const m1 = Number(await page.getAttribute('#map [data-scale]',
	    'data-metres'));
	assert(m1 > m0, 'zoomed out: ' + m0 + ' m then ' + m1 + ' m');
	// Activating a dot opens its device.
	await page.click('#map-fit');
	const key = await page.getAttribute('#map circle[data-key]',
	    'data-key');
	await page.focus('#map circle[data-key="' + key + '"]');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#details[open]');
	await until(async () => (await page.textContent('#details-title'))
	    .length > 0 && (await page.textContent('#details-body'))
	    .includes(key), 'the details of ' + key);
	await page.click('#details-close');
	// Two more rounds of the map's poll (it ends with the track), so
	// that anything a round would fetch from elsewhere shows.
	for (let i = 0; i < 2; i++)
		await page.waitForResponse((r) => r.url().startsWith(
		    ctx.sys.base + '/gps/track.json'));
	page.off('request', watch);
	assertEq(foreign.length, 0, 'requests to other servers: ' +
	    foreign.join(' '));
	note(n + ' devices on the map; scale ' + scale + ' then ' + m1 +
	    ' m');
});

test('a browser\'s position goes to the web GPS', async (ctx) => {
	const page = ctx.page;
	const context = page.context();

	await context.grantPermissions(['geolocation'], {origin:
	    ctx.sys.base});
	await context.setGeolocation({latitude: 48.1372, longitude: 11.5756,
	    accuracy: 12});
	await showTab(page, 'map');
	await page.waitForSelector('#map-share:not([hidden])');
	await page.click('#map-share');
	await until(async () => (await page.textContent('#map-share-result'))
	    .startsWith('Sent 48.13720, 11.57560'), 'the position sent');
	const phone = (await ctx.sys.json('/gps/all_gps.json')).find((g) =>
	    g['kismet.gps.name'] === 'phone');
	const g = phone['kismet.gps.location']['kismet.common.location.geopoint'];
	assert(Math.abs(g[0] - 11.5756) < 1e-6 && Math.abs(g[1] - 48.1372) <
	    1e-6, 'the web GPS has it: ' + JSON.stringify(g));
	assertEq(phone['osprey.gps.state'], 'fix', 'its state');
	await page.click('#map-share');
	assertEq(await page.textContent('#map-share'),
	    'Share this browser\'s position', 'stopped');
	// The sensor's 3D fix still wins over the browser's 2D one.
	assert((await page.textContent('#gps-state')).includes('sensor'),
	    'the header still names the virtual GPS');
});

test('a plugin\'s js module is loaded', async (ctx) => {
	const page = ctx.page;

	await page.waitForSelector('#tab-uitest');
	await showTab(page, 'uitest');
	assert((await page.textContent('#panel-uitest')).includes(
	    'uitest plugin loaded'), 'the plugin filled its tab');
	await showTab(page, 'settings');
	assert(await page.$('#set-plugins li[data-plugin=uitest]' +
	    '[data-loaded=true]'), 'listed as loaded in settings');
});

test('settings: check login warns when it is wrong', async (ctx) => {
	const page = ctx.page;
	// Text and class in one read: the answer may land between two.
	const result = () => page.$eval('#set-result', (e) =>
	    ({text: e.textContent, cls: e.className}));

	await showTab(page, 'settings');
	await page.fill('#set-user', ctx.sys.user);
	await page.fill('#set-pass', 'wrong-password');
	await page.click('#set-check');
	let r = await until(async () => {
		const x = await result();

		return x.text.startsWith('Checking') ? null : x;
	}, 'the check');
	assert(r.cls.includes('warning') && r.text.includes('login wrong'),
	    'warned: ' + JSON.stringify(r));
	await page.fill('#set-user', ctx.sys.user);
	await page.fill('#set-pass', ctx.sys.password);
	await page.click('#set-check');
	r = await until(async () => {
		const x = await result();

		return x.cls.includes('ok') ? x : null;
	}, 'the good check');
	assert(r.text.includes('Login valid'), 'valid: ' + r.text);
	await page.click('#set-check');
	await until(async () => (await result()).text.includes(
	    'session is good'), 'the session check');
});

test('"don\'t warn again" holds across a reload', async (ctx) => {
	const page = await freshPage(ctx.browser, ctx.sys.base);

	try {
		await page.goto('/');
		await page.click('#welcome-ok');
		await page.waitForSelector('#login[open]');
		await page.check('#login-nowarn');
		await page.click('#login-cancel');
		await page.reload();
		await page.waitForSelector('#login-open:not([hidden])');
		// The login check at load has answered (Session.setValid
		// ran, which decides on the dialog at once), and the dialog
		// stayed shut.
		await page.waitForFunction(() => window.osprey &&
		    window.osprey.session.checked);
		assert(!await page.$('#login[open]'), 'no login dialog');
		assert(!await page.$('#welcome[open]'), 'no welcome');
		assertEq(await page.textContent('#login-state'),
		    'Not logged in', 'the header says so');
		assertEq(await page.evaluate(() =>
		    localStorage.getItem('osprey.login.nowarn')), '1',
		    'kept in localStorage');
		await showTab(page, 'settings');
		assert(!await page.isChecked('#set-warn'), 'settings agree');
		// Warn again: the dialog comes back after a reload.
		await page.check('#set-warn');
		await page.reload();
		await page.waitForSelector('#login[open]');
		// And the header button logs in as well.
		await page.click('#login-cancel');
		await page.click('#login-open');
		await page.fill('#login-pass', ctx.sys.password);
		await page.click('#login-submit');
		await page.waitForSelector('#login-open[hidden]',
		    {state: 'attached'});
	} finally {
		await page.context().close();
	}
});

test('the server goes away and comes back', async (ctx) => {
	const page = ctx.page;
	const pid = webPid(ctx.sys);

	assert(pid > 0, 'found the web worker');
	await showTab(page, 'devices');
	const before = (await rows(page)).length;
	process.kill(pid, 'SIGKILL');
	await page.waitForSelector('#conn[data-state=disconnected]');
	assert((await page.textContent('#conn')).includes('Disconnected'),
	    'says disconnected');
	assert((await rows(page)).length >= before, 'the list stays');
	// The core restarts its worker, which still knows the session
	// (doc/web.md, "Sessions"): the UI reconnects with no new login.
	await page.waitForSelector('#conn[data-state=connected]');
	assertEq(await page.$('#login[open]'), null, 'no login asked for');
	const n = (await rows(page)).length;
	await until(async () => (await rows(page)).length >= n,
	    'the list to keep updating');
});

test('every source stayed up through the run', async (ctx) => {
	// Helpers are pinged by the core and must stay connected however
	// long the run; a source that fell over mid-run would make the
	// cases above pass or fail by timing.
	const list = await ctx.sys.json('/datasource/all_sources.json');

	for (const name of ['demo', 'xss', 'radio0']) {
		const s = list.find((x) => x['kismet.datasource.name'] === name);

		assert(s, 'source ' + name + ' listed');
		assertEq(s['kismet.datasource.error'], false, name + ' in error (' +
		    s['kismet.datasource.error_reason'] + ')');
	}
	assertEq(list.find((x) => x['kismet.datasource.name'] === 'radio0')[
	    'kismet.datasource.running'], true, 'radio0 running');
	// A helper that dropped and came back (a sensor reconnects) is
	// running again by now; the message bus remembers.
	const res = await ctx.sys.json('/messagebus/last-time/0/messages.json');
	const msgs = (Array.isArray(res) ? res : res['kismet.messagebus.list'])
	    .map((m) => m['kismet.messagebus.message_string']);
	const drops = msgs.filter((t) => /'(demo|xss|radio0)'/.test(t) &&
	    /closed the connection|exited|stopped answering|no ping/.test(t));
	assertEq(drops.length, 0, 'sources that dropped: ' + drops.join('; '));
	note('after ' + Math.round(process.uptime()) + ' s: ' + list.map((s) =>
	    s['kismet.datasource.name'] + ' ' + (s['kismet.datasource.error'] ?
	    'error' : s['kismet.datasource.running'] ? 'running' : 'closed'))
	    .join(', '));
});

test('thousands of devices: one page in the document, the server sorts, ' +
    'pages and searches', async (ctx) => {
	const page = ctx.page;
	const count = async () => countOf(await page.textContent('#dev-count'));
	const timed = async (what, fn) => {
		const t = Date.now();
		const v = await until(fn, what, 15000, 20);

		return {v, ms: Date.now() - t};
	};

	await showTab(page, 'devices');
	await page.fill('#dev-filter', '');
	await ctx.sys.json('/datasource/add_source.cmd', {definition:
	    opt.many + ':name=many'});
	const n = (await timed('2000 devices in the count', async () =>
	    await count() >= 2000 ? await count() : null)).v;
	const inDom = await page.$$eval('#dev-body tr', (t) => t.length);
	assert(inDom <= 100, inDom + ' rows in the document for ' + n +
	    ' devices');
	assert(!await page.isHidden('#dev-pager'), 'the pager shows');

	// Sort by MAC: the first row is the smallest MAC of all devices.
	const first = async (dir) => (await ctx.sys.json(
	    '/devices/views/all/devices.json', {start: 0, length: 1,
	    sort: 'kismet.device.base.macaddr', sort_dir: dir,
	    fields: ['kismet.device.base.macaddr']}))[0][
	    'kismet.device.base.macaddr'];
	const head = '#dev-head th[data-col=mac] button';
	let want = await first('asc');
	if (await page.getAttribute('#dev-head th[data-col=mac]',
	    'aria-sort') === 'ascending')
		await page.click(head);		// away, then back
	await page.click(head);
	if (await page.getAttribute('#dev-head th[data-col=mac]',
	    'aria-sort') !== 'ascending')
		await page.click(head);
	// The first rows drawn come a frame before the others (devices.js,
	// place()): the whole page drawn is in MAC order.
	const inOrder = (r) => r.every((x, i) => i === 0 || r[i - 1].mac <=
	    x.mac);
	const sort = await timed('the smallest MAC first, the rows in order',
	    async () => {
		const r = await rows(page);

		return r.length > 0 && r[0].mac === want && inOrder(r) ? r :
		    null;
	});

	// The next page: rows 101-200, none of the first page's.
	const before = new Set(sort.v.map((r) => r.key));
	await page.click('#dev-next');
	const next = await timed('the second page', async () => {
		const r = await rows(page);

		return (await page.textContent('#dev-range')).startsWith(
		    'rows 101') && r.length > 0 && r.every((x) =>
		    !before.has(x.key)) ? r : null;
	});
	assert(next.v.length <= 100, 'a page of rows');

	// A device far from this page, found by the filter.
	want = await first('desc');
	await page.fill('#dev-filter', want.toLowerCase());
	const found = await timed('the filter to find ' + want, async () =>
	    (await rows(page)).some((r) => r.mac === want) ? true : null);
	assert((await page.textContent('#dev-count')).includes(' of '),
	    'the count says N of M');
	await page.fill('#dev-filter', '');
	// A whole page again, of which the rows on the screen are drawn.
	await until(async () => (await page.textContent('#dev-range'))
	    .startsWith('rows 1\u2013100 ') && (await rows(page)).length >= 20,
	    'the page back after the filter');
	const dom = await page.$$eval('#dev-body tr', (t) => t.length);
	assert(dom <= 100, dom + ' rows in the document');
	note(n + ' devices, ' + inDom + ' rows in the document; sort ' +
	    sort.ms + ' ms, next page ' + next.ms + ' ms, filter ' +
	    found.ms + ' ms');
});

test('no script errors on the page', async (ctx) => {
	assertEq(ctx.page.seen.errors.length, 0, 'page errors: ' +
	    ctx.page.seen.errors.join('; '));
});

// --- run ----------------------------------------------------------------------

async function main() {
	const need = ['osprey', 'helper_path', 'testchan', 'demo', 'xss', 'ui',
	    'plugin', 'many'];

	for (const k of need) {
		if (!opt[k]) {
			console.error('ui_test.mjs: missing argument ' + k + '=');
			process.exit(2);
		}
		// osprey runs in a scratch folder: every path absolute.
		opt[k] = opt[k].split(':').map((p) => path.resolve(p)).join(':');
	}
	const t0 = Date.now();
	const ctx = {};
	let failed = 1;

	try {
		ctx.sys = await startSystem({osprey: opt.osprey,
		    helperPath: opt.helper_path, testchan: opt.testchan,
		    demo: opt.demo, xss: opt.xss, ui: opt.ui,
		    plugin: opt.plugin});
		ctx.browser = await launchBrowser();
		ctx.page = await freshPage(ctx.browser, ctx.sys.base);
		failed = await runAll(ctx, async (name) => {
			if (opt.shots) {
				const f = path.join(opt.shots, 'ui-fail-' +
				    name.replace(/[^a-z0-9]+/gi, '-') + '.png');

				await ctx.page.screenshot({path: f});
				console.log('# screenshot: ' + f);
			}
			console.log('# page console (last 10):');
			for (const l of ctx.page.seen.console.slice(-10))
				console.log('#   ' + l);
			console.log('# 401 answers to the page: ' +
			    JSON.stringify(ctx.page.seen.refused));
			console.log('# osprey log (last 20 lines):');
			for (const l of ctx.sys.log().trim().split('\n')
			    .slice(-20))
				console.log('#   ' + l);
		}, async (n) => {
			// OSPREY_UI_SHOTS_ALL=1: a screenshot after every case.
			if (opt.shots && process.env.OSPREY_UI_SHOTS_ALL)
				await ctx.page.screenshot({path: path.join(opt.shots,
				    'ui-case-' + String(n).padStart(2, '0') +
				    '.png')});
		});
	} catch (e) {
		console.log('# ' + e.message.replace(/\n/g, '\n# '));
		console.log('Bail out! could not start: ' +
		    e.message.split('\n')[0]);
		failed = 1;
		process.exitCode = 1;
	} finally {
		if (ctx.browser)
			await ctx.browser.close().catch(() => {});
		if (ctx.sys)
			await ctx.sys.stop();
	}
	console.log('# ' + (Date.now() - t0) + ' ms in all');
	if (failed)
		process.exitCode = 1;
}

main();
