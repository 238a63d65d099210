// SPDX-License-Identifier: ISC
// \summary: the browser tests' harness: TAP, the real osprey system, chromium
//
// System: a scratch HOME with the test plugin, a config file that binds
// the web worker and the remote capture listener to free loopback ports
// and serves the UI from the source tree, `osprey --allow-root` with the
// real pcapfile helper replaying the demo capture and the XSS capture,
// and a remote test radio (osprey_cap_testchan --connect) whose channel
// can be set.  Everything started here is stopped here, by its pid.
//
// Browser: Debian's chromium through playwright-core, headless, with
// the flags a machine without network, GPU or sandbox needs; each
// context is a fresh profile (no cookies, empty localStorage), which is
// how the tests play first visits.

import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// --- TAP --------------------------------------------------------------

const cases = [];

// Sanitizer builds (meson's asan setup sets ASAN_OPTIONS) run slower:
// every bound below is stretched by this much.
export const SCALE = process.env.ASAN_OPTIONS ? 2.5 : 1;

/*
 * The cases wait for states (a selector, a condition polled by until()),
 * never for a time.  A bound only turns a state that never comes into a
 * failure: on a loaded machine (CI, a second suite beside this one) a
 * step that takes 300 ms here took over 30 s, so no bound is below this.
 */
export const MIN_BOUND_MS = 60000;

// Register a test case: fn(ctx) must resolve; a throw is a failure.  The
// case's bound is its own (longer) one or 120 s.
export function test(name, fn, timeoutMs = 120000) {
	cases.push({name, fn, timeoutMs});
}

function diag(text) {
	for (const line of String(text).split('\n'))
		process.stdout.write('# ' + line + '\n');
}

/*
 * Run every case in order, printing TAP.  A case that fails does not
 * stop the others; onFail(name) may print more diagnostics, onDone(n,
 * name) runs after each case that passed.  Returns the number of
 * failures.
 */
export async function runAll(ctx, onFail, onDone) {
	// OSPREY_UI_ONLY=REGEX runs the matching cases only (development).
	const only = process.env.OSPREY_UI_ONLY ?
	    new RegExp(process.env.OSPREY_UI_ONLY) : null;
	let failed = 0;

	process.stdout.write('1..' + cases.length + '\n');
	for (let i = 0; i < cases.length; i++) {
		const c = cases[i];
		const t0 = Date.now();
		let timer;

		if (only && !only.test(c.name)) {
			process.stdout.write('ok ' + (i + 1) + ' - ' + c.name +
			    ' # SKIP not selected by OSPREY_UI_ONLY\n');
			continue;
		}

		try {
			await Promise.race([c.fn(ctx), new Promise((_, rej) => {
				timer = setTimeout(() => rej(new Error('timed out ' +
				    'after ' + c.timeoutMs * SCALE + ' ms')),
				    c.timeoutMs * SCALE);
			})]);
			process.stdout.write('ok ' + (i + 1) + ' - ' + c.name +
			    ' (' + (Date.now() - t0) + ' ms)\n');
			if (onDone)
				await onDone(i + 1, c.name).catch(() => {});
		} catch (e) {
			failed++;
			process.stdout.write('not ok ' + (i + 1) + ' - ' + c.name +
			    '\n');
			diag(e && e.stack ? e.stack : String(e));
			// meson prints only stderr of a failed TAP test.
			process.stderr.write('not ok ' + c.name + ': ' +
			    (e && e.stack ? e.stack : String(e)) + '\n');
			if (onFail)
				await onFail(c.name).catch(() => {});
		} finally {
			clearTimeout(timer);
		}
	}
	return failed;
}

// A TAP comment: what a passing case saw, for the log.
export function note(text) {
	diag(text);
}

export function assert(cond, what) {
	if (!cond)
		throw new Error('assertion failed: ' + what);
}

export function assertEq(got, want, what) {
	if (got !== want)
		throw new Error(what + ': got ' + JSON.stringify(got) +
		    ', want ' + JSON.stringify(want));
}

/*
 * Poll fn until it returns a truthy value; that value, or a throw.
 * timeoutMs is what the state normally takes at most; the failure bound
 * is at least MIN_BOUND_MS.
 */
export async function until(fn, what, timeoutMs = 10000, everyMs = 100) {
	timeoutMs = Math.max(timeoutMs, MIN_BOUND_MS);
	const end = Date.now() + timeoutMs * SCALE;
	let last;

	for (;;) {
		try {
			const v = await fn();

			if (v)
				return v;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end)
			throw new Error('waited ' + timeoutMs * SCALE + ' ms for ' +
			    what +
			    (last ? ' (last error: ' + last.message + ')' : ''));
		await sleep(everyMs);
	}
}

// The first number of a text, its thousands separators (any locale's:
// comma, dot, spaces) dropped: "101,894 devices" is 101894.
export const countOf = (text) => Number(text.trim().split(' ')[0]
    .replace(/[^0-9]/g, ''));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the system ---------------------------------------------------------

// Where the system's virtual GPS puts the sensor.
export const SENSOR = {lat: 52.3731, lon: 4.8922, alt: 12};

// The Web Mercator tile under the sensor at zoom 18 (the zoom the map
// frames one point at), and a 1x1 grey PNG to serve as that tile.
export const TILE = (() => {
	const n = 2 ** 18;
	const l = SENSOR.lat * Math.PI / 180;

	return {z: 18, x: Math.floor((SENSOR.lon + 180) / 360 * n),
	    y: Math.floor((1 - Math.log(Math.tan(l) + 1 / Math.cos(l)) /
	    Math.PI) / 2 * n)};
})();
const TILE_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4' +
    'nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==';

// A free TCP port on loopback (free when asked; taken soon after).
function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();

		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const p = s.address().port;

			s.close(() => resolve(p));
		});
	});
}

function copyDir(from, to) {
	fs.cpSync(from, to, {recursive: true});
}

/*
 * Start osprey and the remote radio.  opt: osprey, helperPath (the
 * folders of the helpers and osprey_web), testchan, demo, xss, ui,
 * plugin.  Returns the system: {base, user, password, api(), stop(),
 * log(), webPid()...}.
 */
export async function startSystem(opt) {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'osprey-ui-'));
	const home = path.join(tmp, 'home');
	const webPort = await freePort();
	const remotePort = await freePort();
	const password = randomBytes(18).toString('base64url');
	const sys = {tmp, home, webPort, remotePort, password, user: 'osprey',
	    base: 'http://127.0.0.1:' + webPort, procs: []};

	fs.mkdirSync(path.join(home, '.osprey', 'plugins'), {recursive: true,
	    mode: 0o700});
	copyDir(opt.plugin, path.join(home, '.osprey', 'plugins',
	    path.basename(opt.plugin)));
	// One map tile under the sensor, served by the test plugin: the
	// map's optional tiles come from this server (httpd_map_tiles).
	const tileDir = path.join(home, '.osprey', 'plugins',
	    path.basename(opt.plugin), 'httpd', 'tiles', String(TILE.z),
	    String(TILE.x));
	fs.mkdirSync(tileDir, {recursive: true});
	fs.writeFileSync(path.join(tileDir, TILE.y + '.png'), Buffer.from(
	    TILE_PNG, 'base64'));
	const conf = path.join(tmp, 'osprey.conf');
	fs.writeFileSync(conf, [
		'# written by test/ui/harness.mjs',
		'httpd_bind_address=127.0.0.1',
		'httpd_port=' + webPort,
		'httpd_username=' + sys.user,
		'httpd_password=' + password,
		'httpd_home=' + opt.ui,
		'allowplugins=true',
		'remote_capture_enabled=true',
		'remote_capture_listen=127.0.0.1',
		'remote_capture_port=' + remotePort,
		'enable_logging=false',
		// A fixed sensor, and a receiver a browser can feed.
		'gps=virtual:lat=' + SENSOR.lat + ',lon=' + SENSOR.lon +
		    ',alt=' + SENSOR.alt + ',name=sensor',
		'gps=web:name=phone',
		'httpd_map_tiles=/plugin/' + path.basename(opt.plugin) +
		    '/tiles/{z}/{x}/{y}.png',
		'',
	].join('\n'), {mode: 0o600});

	const env = {...process.env, HOME: home,
	    OSPREY_HELPER_PATH: opt.helperPath};
	sys.logFile = path.join(tmp, 'osprey.log');
	const log = fs.openSync(sys.logFile, 'a');
	// The demo site at 150 frames/s (about a minute of frames: devices
	// keep changing while the tests run); the XSS access point at 40.
	// opt.sources (ui_scale.mjs) replaces both and the remote radio.
	const sources = opt.sources || [opt.demo + ':name=demo,pps=150',
	    opt.xss + ':name=xss,pps=40'];
	const core = spawn(opt.osprey, ['--allow-root', '-f', conf, '-n',
	    '--homedir', path.join(home, '.osprey'),
	    ...sources.flatMap((d) => ['-c', d])],
	    {env, cwd: tmp, stdio: ['ignore', log, log]});
	sys.core = core;
	sys.procs.push(core);
	core.on('exit', (code, sig) => {
		sys.coreExit = {code, sig};
	});

	sys.api = (p, init = {}) => fetch(sys.base + p, {...init,
	    headers: {...(init.headers || {}), Authorization: 'Basic ' +
	    Buffer.from(sys.user + ':' + password).toString('base64')}});
	sys.json = async (p, body) => {
		const r = await sys.api(p, body === undefined ? {} : {
			method: 'POST',
			headers: {'Content-Type': 'application/json'},
			body: JSON.stringify(body),
		});

		if (!r.ok)
			throw new Error(p + ': ' + r.status + ' ' +
			    await r.text());
		return r.json();
	};
	sys.log = () => fs.readFileSync(sys.logFile, 'utf8');
	sys.stop = () => stopSystem(sys);

	try {
		await until(async () => {
			if (sys.coreExit)
				throw new Error('osprey exited: ' +
				    JSON.stringify(sys.coreExit));
			return (await sys.api('/session/check_login')).ok;
		}, 'the web worker to answer', 15000, 150);
		if (opt.sources)
			return sys;
		// The remote radio dials the core's remote capture port.
		const radio = spawn(opt.testchan, ['--connect',
		    '127.0.0.1:' + remotePort, '--source=chan0:name=radio0'],
		    {env, cwd: tmp, stdio: ['ignore', log, log]});
		sys.radio = radio;
		sys.procs.push(radio);
		await until(async () => {
			const list = await sys.json(
			    '/datasource/all_sources.json');
			const names = list.filter((s) =>
			    s['kismet.datasource.running']).map((s) =>
			    s['kismet.datasource.name']);

			return ['demo', 'xss', 'radio0'].every((n) =>
			    names.includes(n));
		}, 'three running sources', 15000, 200);
	} catch (e) {
		e.message += '\n--- osprey log ---\n' + sys.log().slice(-4000);
		await stopSystem(sys);
		throw e;
	}
	return sys;
}

// Stop what startSystem started: SIGTERM, then SIGKILL after 5 s.
async function stopSystem(sys) {
	for (const p of sys.procs.slice().reverse()) {
		if (p.exitCode !== null || p.signalCode !== null)
			continue;
		const gone = new Promise((r) => p.once('exit', r));

		p.kill('SIGTERM');
		const t = setTimeout(() => p.kill('SIGKILL'), 5000);
		await gone;
		clearTimeout(t);
	}
	if (!process.env.OSPREY_UI_KEEP)
		fs.rmSync(sys.tmp, {recursive: true, force: true});
}

/*
 * The pid of the web worker our core runs: the process under the
 * core's pid tree whose executable is osprey_web.  Found through /proc,
 * so that the test signals that one process and nothing else.
 */
export function webPid(sys) {
	const kids = new Map();

	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d))
			continue;
		try {
			const stat = fs.readFileSync('/proc/' + d + '/stat',
			    'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2)
			    .split(' ')[1]);
			const exe = fs.readlinkSync('/proc/' + d + '/exe');

			kids.set(Number(d), {ppid, exe});
		} catch (e) {
			// Gone, or not ours to read.
		}
	}
	const under = (pid) => {
		for (let p = pid, i = 0; p > 1 && i < 16; i++) {
			if (p === sys.core.pid)
				return true;
			p = kids.has(p) ? kids.get(p).ppid : 0;
		}
		return false;
	};
	for (const [pid, k] of kids)
		if (path.basename(k.exe) === 'osprey_web' && under(pid))
			return pid;
	return 0;
}

// --- the browser --------------------------------------------------------

// What chromium needs on a machine without network, GPU or sandbox.
export const CHROMIUM_ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync',
];

/*
 * Launch chromium.  playwright-core gives it a fresh --user-data-dir of
 * its own (a temporary profile it removes at close).
 */
export async function launchBrowser() {
	const {chromium} = await import('playwright-core');

	return chromium.launch({
		executablePath: process.env.OSPREY_CHROMIUM || '/usr/bin/chromium',
		args: CHROMIUM_ARGS,
		headless: true,
		timeout: 30000,
	});
}

/*
 * A page in a fresh context (a first visit), with its console errors,
 * page errors and dialogs (alert() would be one) recorded on page.seen.
 */
export async function freshPage(browser, base) {
	const context = await browser.newContext({baseURL: base,
	    viewport: {width: 1280, height: 900}});
	const page = await context.newPage();

	page.setDefaultTimeout(MIN_BOUND_MS * SCALE);

	/*
	 * refused: every 401 the page received, with whether the request
	 * carried a session cookie, so that a lost session names its cause.
	 */
	page.seen = {errors: [], dialogs: [], console: [], refused: []};
	page.on('response', (r) => {
		if (r.status() !== 401)
			return;
		const q = r.request();
		const e = {what: q.method() + ' ' + new URL(r.url()).pathname,
		    at: new Date().toISOString().slice(11, 23), cookie: '?'};

		page.seen.refused.push(e);
		q.allHeaders().then((h) => {
			e.cookie = /(^|;\s*)OSPREY=/.test(h.cookie || '') ?
			    'with cookie' : 'no cookie';
		}).catch(() => {});
	});
	page.on('pageerror', (e) => page.seen.errors.push(e.message));
	page.on('console', (m) => page.seen.console.push(m.type() + ': ' +
	    m.text()));
	page.on('dialog', (d) => {
		page.seen.dialogs.push(d.type() + ': ' + d.message());
		d.dismiss().catch(() => {});
	});
	return page;
}
