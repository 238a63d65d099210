// SPDX-License-Identifier: ISC
// \summary: the web UI with 100,000 devices: what a person waits for
//
// Usage (meson passes these): node ui_scale.mjs osprey=PATH
//     helper_path=DIR:DIR ui=DIR plugin=DIR big=PCAPNG [shots=DIR]
//
// The core replays a generated capture of about 100,000 devices
// (osprey_gen --hello --passers-by, meson.build) twice: once at full
// speed ("bulk", which makes the devices), once at a fixed rate ("live",
// the same frames again: every device keeps changing while the first
// round of figures is taken).  A person logs in with chromium, and the
// page itself times, with performance.now(), what that person waits for:
// the first rows after login, a sort, a filter, the next page; with
// a PerformanceObserver for long tasks and the tab's JS heap from the
// DevTools protocol.  Once more after the live replay ended (idle), and
// the channel view, the one view that counts every device.
//
// Every figure is printed beside its target (issue 17, doc/performance.md).
// The assertions are bounds a broken UI would cross but a shared, loaded
// CI machine would not: the UI before paging blocked its main thread for
// 19 s and took 26 s to sort 55,000 devices, and the paged table that
// rebuilt its 100 rows 0.6-1 s a sort and 0.3-0.6 s tasks at load 7;
// drawing only the rows that show, the worst of three runs at load 8-21
// on 2 cores was 0.8 s to the first rows (or counts), 0.7 s an action
// and a 0.24 s task (doc/performance.md).  So: 5 s to the first rows,
// 3 s an action, 2 s a task (2.5 times that in the sanitizer build),
// twice the heap.

import path from 'node:path';
import {test, runAll, note, assert, until, startSystem, launchBrowser,
    freshPage, SCALE, countOf} from './harness.mjs';

const opt = Object.fromEntries(process.argv.slice(2).map((a) => {
	const i = a.indexOf('=');

	return [a.slice(0, i), a.slice(i + 1)];
}));

// The targets (issue 17) and the failure bounds (see above).
const TARGET = {first: 1000, act: 300, longtask: 100, heapMB: 300};
const BOUND = {first: 5000, act: 3000, longtask: 2000,
    heapMB: 2 * TARGET.heapMB};
// The capture makes 101,894 devices (4,000 access points, 96,000 clients
// and the wired addresses behind them); a little less is enough.
const DEVICES = 100000;
// The live replay's rate: its 912,074 frames last about 45 s.
const LIVE_PPS = 20000;

const figures = [];

function figure(what, v, unit, target, bound) {
	const line = what + ': ' + (typeof v === 'number' ? Math.round(v) :
	    v) + ' ' + unit + ' (target < ' + target + ' ' + unit +
	    ', fails at ' + bound * SCALE + ')';

	figures.push(line);
	note(line);
	assert(v < bound * SCALE, line);
}

// Injected before the UI's own scripts: the long tasks, and a timer the
// cases use (act, then wait in the page for what the user sees).
function probe() {
	window.__long = [];
	new PerformanceObserver((l) => {
		for (const e of l.getEntries())
			window.__long.push({at: e.startTime, ms: e.duration});
	}).observe({type: 'longtask', buffered: true});
	// ms from act() to the first check of pred() that holds.
	window.__timeUntil = (act, pred, boundMs) => new Promise((ok, no) => {
		const t0 = performance.now();
		const step = () => {
			let v = false;

			try {
				v = pred();
			} catch (e) {
				v = false;
			}
			if (v)
				return ok(performance.now() - t0);
			if (performance.now() - t0 > boundMs)
				return no(new Error('not within ' + boundMs +
				    ' ms'));
			setTimeout(step, 2);
		};
		act();
		step();
	});
	// The time the first device row shows after a login.
	window.__rowsAt = null;
	new MutationObserver(() => {
		if (window.__rowsAt === null &&
		    window.__loginAt !== undefined &&
		    document.querySelector('#dev-body tr[data-key]'))
			window.__rowsAt = performance.now();
	}).observe(document, {childList: true, subtree: true});
}

const count = async (sys) => (await sys.json(
    '/devices/views/all/devices.json', {start: 0, length: 1,
    fields: ['kismet.device.base.key'], datatable: true})).recordsTotal;

async function source(sys, name) {
	const list = await sys.json('/datasource/all_sources.json');

	return list.find((s) => s['kismet.datasource.name'] === name);
}

// The MAC first in the server's order, to know the answer is there.
const firstMac = async (sys, dir) => (await sys.json(
    '/devices/views/all/devices.json', {start: 0, length: 1,
    sort: 'kismet.device.base.macaddr', sort_dir: dir,
    fields: ['kismet.device.base.macaddr']}))[0][
    'kismet.device.base.macaddr'];

async function heapMB(page) {
	const cdp = await page.context().newCDPSession(page);

	await cdp.send('Performance.enable');
	const m = (await cdp.send('Performance.getMetrics')).metrics;
	await cdp.detach();
	return (m.find((x) => x.name === 'JSHeapUsedSize') || {}).value /
	    1048576;
}

const longest = (page, since = 0) => page.evaluate((t) => Math.max(0,
    ...window.__long.filter((e) => e.at >= t).map((e) => e.ms)), since);

// Log in as a person does; the time from Enter to the first rows.
async function login(ctx, label) {
	const page = await freshPage(ctx.browser, ctx.sys.base);

	ctx.page = page;
	page.answered = new Map();
	page.on('response', (r) => {
		const p = new URL(r.url()).pathname;

		page.answered.set(p, (page.answered.get(p) || 0) + 1);
	});
	await page.addInitScript(probe);
	await page.goto('/');
	await page.waitForSelector('#welcome[open]');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#login[open]');
	await page.fill('#login-user', ctx.sys.user);
	await page.fill('#login-pass', ctx.sys.password);
	await page.evaluate(() => {
		window.__loginAt = performance.now();
	});
	await page.press('#login-pass', 'Enter');
	const ms = await until(() => page.evaluate(() =>
	    window.__rowsAt === null ? null :
	    window.__rowsAt - window.__loginAt), 'the first rows', 30000, 50);
	figure(label + ': first rows after login', ms, 'ms', TARGET.first,
	    BOUND.first);
	// The count must say the whole table, not the first rows' worth.
	await until(async () => countOf(await page.textContent('#dev-count')) >=
	    DEVICES, 'the count of ' + DEVICES);
	return page;
}

// Sort by MAC both ways, filter, turn the page; each timed in the page.
async function actions(ctx, label) {
	const page = ctx.page;
	const t0 = await page.evaluate(() => performance.now());
	const b = BOUND.act * SCALE;
	const lo = await firstMac(ctx.sys, 'asc');
	const hi = await firstMac(ctx.sys, 'desc');
	const firstIs = (mac) => page.evaluate(([m, bound]) => {
		const th = document.querySelector(
		    '#dev-head th[data-col=mac] button');

		return window.__timeUntil(() => th.click(), () => {
			const td = document.querySelector('#dev-body tr:not(' +
			    '[hidden]) td[data-col=mac]');

			return td && td.textContent === m;
		}, bound);
	}, [mac, b]);

	figure(label + ': sort by MAC, ascending', await firstIs(lo), 'ms',
	    TARGET.act, BOUND.act);
	figure(label + ': sort by MAC, descending', await firstIs(hi), 'ms',
	    TARGET.act, BOUND.act);

	// The filter: a device in the middle of the table, by its MAC.
	const mid = (await ctx.sys.json('/devices/views/all/devices.json',
	    {start: Math.floor(DEVICES / 2), length: 1,
	    sort: 'kismet.device.base.macaddr', sort_dir: 'asc',
	    fields: ['kismet.device.base.macaddr']}))[0][
	    'kismet.device.base.macaddr'];
	const filter = await page.evaluate(([m, bound]) => {
		const box = document.getElementById('dev-filter');

		return window.__timeUntil(() => {
			box.value = m.toLowerCase();
			box.dispatchEvent(new Event('input', {bubbles: true}));
		}, () => {
			const tds = [...document.querySelectorAll('#dev-body ' +
			    'tr:not([hidden]) td[data-col=mac]')];

			return tds.length === 1 && tds[0].textContent === m;
		}, bound);
	}, [mid, b]);
	figure(label + ': filter to one MAC of ' + DEVICES, filter, 'ms',
	    TARGET.act, BOUND.act);
	await page.evaluate(() => {
		const box = document.getElementById('dev-filter');

		box.value = '';
		box.dispatchEvent(new Event('input', {bubbles: true}));
	});
	// A full page again (of which the rows on the screen are drawn).
	await until(() => page.evaluate(() => document.getElementById(
	    'dev-range').textContent.startsWith('rows 1\u2013100 ') &&
	    document.querySelectorAll('#dev-body tr:not([hidden])').length >
	    1), 'a full page again');

	// Scrolling the table: the next 100 rows (the table is paged).
	const turn = await page.evaluate((bound) => {
		const before = document.querySelector('#dev-body tr')
		    .dataset.key;

		return window.__timeUntil(() => document.getElementById(
		    'dev-next').click(), () => document.getElementById(
		    'dev-range').textContent.startsWith('rows 101') &&
		    document.querySelector('#dev-body tr').dataset.key !==
		    before, bound);
	}, b);
	figure(label + ': next page of 100 rows', turn, 'ms', TARGET.act,
	    BOUND.act);
	// And down the page of rows itself, as a wheel does.
	await page.mouse.move(600, 600);
	for (let i = 0; i < 10; i++)
		await page.mouse.wheel(0, 400);
	await page.evaluate(() => new Promise((r) =>
	    requestAnimationFrame(() => requestAnimationFrame(r))));
	figure(label + ': longest main-thread task while acting',
	    await longest(page, t0), 'ms', TARGET.longtask, BOUND.longtask);
}

// Until the page has had n more answers to path.
async function answers(page, p, n) {
	const want = (page.answered.get(p) || 0) + n;

	await until(() => (page.answered.get(p) || 0) >= want,
	    n + ' answers to ' + p, 15000, 50);
}

async function settle(ctx, label) {
	const page = ctx.page;

	// Three more of the table's polls, so that what it keeps is counted.
	await answers(page, '/devices/views/all/devices.json', 3);
	// Loading the page (before the login) and working after it apart:
	// the first is the browser compiling the UI's modules.
	const loginAt = await page.evaluate(() => window.__loginAt);
	figure(label + ': longest main-thread task since login',
	    await longest(page, loginAt), 'ms', TARGET.longtask,
	    BOUND.longtask);
	figure(label + ': longest main-thread task loading the page',
	    await page.evaluate((t) => Math.max(0, ...window.__long.filter(
	    (e) => e.at < t).map((e) => e.ms)), loginAt), 'ms',
	    TARGET.longtask, BOUND.longtask);
	note(label + ': long tasks (ms after login: ms): ' + (await
	    page.evaluate(() => window.__long.map((e) => Math.round(e.at -
	    window.__loginAt) + ': ' + Math.round(e.ms)).join(', '))));
	figure(label + ': JS heap of the tab', await heapMB(page), 'MB',
	    TARGET.heapMB, BOUND.heapMB);
}

// --- the cases ---------------------------------------------------------------

test('the core tracks 100,000 devices from the capture', async (ctx) => {
	const n = await until(async () => {
		const c = await count(ctx.sys);

		return c >= DEVICES ? c : null;
	}, DEVICES + ' devices', 60000, 500);
	note(n + ' devices after ' + ((Date.now() - ctx.t0) / 1000).toFixed(1) +
	    ' s');
	const live = await source(ctx.sys, 'live');
	assert(live && live['kismet.datasource.running'],
	    'the live replay still runs');
}, 180000);

test('ingest running: login, sort, filter, page', async (ctx) => {
	await login(ctx, 'ingest running');
	await actions(ctx, 'ingest running');
	await settle(ctx, 'ingest running');
	const live = await source(ctx.sys, 'live');
	note('the live replay ' + (live['kismet.datasource.running'] ?
	    'was running throughout' : 'ended during the case'));
}, 180000);

test('the device table at 100,000 devices: screenshots', async (ctx) => {
	if (!opt.shots)
		return;
	const page = ctx.page;

	await page.evaluate(() => window.scrollTo(0, 0));
	for (const [name, vp] of [['desktop', {width: 1280, height: 900}],
	    ['phone', {width: 390, height: 844}]]) {
		await page.setViewportSize(vp);
		for (const tab of ['devices', 'overview']) {
			if (!await page.$('#tab-' + tab))
				continue;
			await page.click('#tab-' + tab);
			await page.waitForSelector('#panel-' + tab +
			    ':not([hidden])');
			// What the tab shows is drawn at its next poll.
			await answers(page, tab === 'devices' ?
			    '/devices/views/all/devices.json' :
			    '/system/status.json', 1);
			const f = path.join(opt.shots, 'ui-scale-' + tab + '-' +
			    name + '.png');
			await page.screenshot({path: f});
			note('screenshot: ' + f);
		}
	}
	await page.setViewportSize({width: 1280, height: 900});
	await page.click('#tab-devices');
}, 120000);

test('ingest done: login, sort, filter, page', async (ctx) => {
	await until(async () => {
		const s = await source(ctx.sys, 'live');

		return s && !s['kismet.datasource.running'];
	}, 'the live replay to end', 120000, 500);
	await ctx.page.context().close();
	await login(ctx, 'idle');
	await actions(ctx, 'idle');
	await settle(ctx, 'idle');
}, 240000);

/*
 * The channel view counts every device: from the census, which reads
 * the devices a page of 2,000 at a time while the view shows (devices.js)
 * and fills the counts in as the pages come.  The first counts have the
 * first-rows target; the whole census has none (its pages are the web
 * worker's work), only a bound.
 */
test('the channel view counts 100,000 devices', async (ctx) => {
	const page = ctx.page;
	const t0 = await page.evaluate(() => performance.now());
	const counted = (n) => page.evaluate(([want, bound]) =>
	    window.__timeUntil(() => {
		const tab = document.getElementById('tab-channels');

		if (tab.getAttribute('aria-selected') !== 'true')
			tab.click();
	    }, () => {
		let sum = 0;

		for (const td of document.querySelectorAll('#chan-body ' +
		    'td[data-col=devices]'))
			sum += Number(td.textContent);
		return sum >= want;
	    }, bound), [n, 120000 * SCALE]);

	figure('idle: channel view, first counts', await counted(1), 'ms',
	    TARGET.first, BOUND.first);
	// Devices heard on no channel (wired addresses behind the access
	// points, about 2 %) are in no row.
	const all = await counted(0.95 * DEVICES);
	note('idle: channel view, every device counted after ' +
	    Math.round(all) + ' ms more (no target; the census reads 2,000 ' +
	    'devices a request)');
	figure('idle: longest main-thread task, channel view',
	    await longest(page, t0), 'ms', TARGET.longtask, BOUND.longtask);
	figure('idle: JS heap with the channel view', await heapMB(page), 'MB',
	    TARGET.heapMB, BOUND.heapMB);
	await page.click('#tab-devices');
}, 240000);

test('no script errors on the page', async (ctx) => {
	assert(ctx.page.seen.errors.length === 0, 'page errors: ' +
	    ctx.page.seen.errors.join('; '));
});

// --- run ---------------------------------------------------------------------

async function main() {
	for (const k of ['osprey', 'helper_path', 'ui', 'plugin', 'big']) {
		if (!opt[k]) {
			console.error('ui_scale.mjs: missing argument ' + k +
			    '=');
			process.exit(2);
		}
		opt[k] = opt[k].split(':').map((p) => path.resolve(p))
		    .join(':');
	}
	const ctx = {t0: Date.now()};
	let failed = 1;

	try {
		ctx.sys = await startSystem({osprey: opt.osprey,
		    helperPath: opt.helper_path, ui: opt.ui, plugin: opt.plugin,
		    sources: [opt.big + ':name=bulk',
		    opt.big + ':name=live,pps=' + LIVE_PPS]});
		ctx.browser = await launchBrowser();
		failed = await runAll(ctx, async () => {
			if (ctx.page)
				for (const l of ctx.page.seen.console
				    .slice(-10))
					console.log('#   ' + l);
			for (const l of ctx.sys.log().trim().split('\n')
			    .slice(-10))
				console.log('#   ' + l);
		});
	} catch (e) {
		console.log('# ' + e.message.replace(/\n/g, '\n# '));
		console.log('Bail out! could not start: ' +
		    e.message.split('\n')[0]);
		process.exitCode = 1;
	} finally {
		if (ctx.browser)
			await ctx.browser.close().catch(() => {});
		if (ctx.sys)
			await ctx.sys.stop();
	}
	console.log('# the figures:');
	for (const f of figures)
		console.log('#   ' + f);
	console.log('# ' + (Date.now() - ctx.t0) + ' ms in all');
	if (failed)
		process.exitCode = 1;
}

main();
