// SPDX-License-Identifier: ISC
// \summary: the REST client: fetch with the session cookie, the connection state
//
// Every call goes through request(): it sends the OSPREY session cookie
// (same origin), marks itself as a script request, decodes JSON and turns
// failures into an ApiError carrying the HTTP status and the reason the
// server gave ({"status": N, "error": "..."}).  It also keeps the one
// connection state the header shows: connected, disconnected (no answer
// at all: the server is down or restarting) or degraded (the web worker
// answers but the core behind it does not, 502/503/504).

export class ApiError extends Error {
	constructor(status, reason) {
		super(status ? status + ' ' + reason : reason);
		this.status = status;
		this.reason = reason;
	}
}

const stateListeners = new Set();
const authListeners = new Set();
let connState = {state: 'connecting', detail: ''};

// Call fn({state, detail}) on every change of connection state.
export function onConnState(fn) {
	stateListeners.add(fn);
	fn(connState);
}

// Call fn(error) when a request is refused for want of a valid login.
export function onUnauthorized(fn) {
	authListeners.add(fn);
}

export function connectionState() {
	return connState.state;
}

function setState(state, detail) {
	if (connState.state === state && connState.detail === detail)
		return;
	connState = {state, detail};
	for (const fn of stateListeners)
		fn(connState);
}

// "user:password" in Base64, UTF-8 first (btoa alone takes Latin-1).
export function basicAuth(user, password) {
	const bytes = new TextEncoder().encode(user + ':' + password);
	let s = '';

	for (const b of bytes)
		s += String.fromCharCode(b);
	return 'Basic ' + btoa(s);
}

// Requests that hang (a stopped server) give up after this long.
const TIMEOUT_MS = 10000;
/*
 * A request with no answer after this long may be one the browser holds
 * back: a 401 carrying WWW-Authenticate makes it ask for a login itself
 * (a prompt; headless, it just waits), and the page never sees the 401.
 * Then the UI asks /session/check_login, which answers 401 without that
 * header, and if the session is gone, drops the request and says so.
 */
const SLOW_MS = 1500;

/*
 * Ask the server.  opts: json (an object: POSTed as application/json),
 * method, auth (an Authorization value: a login check), quiet401 (do not
 * tell the unauthorized listeners: the caller handles it), raw (return
 * the Response's text), omitCookie (send no cookie and keep none).
 * Resolves to the decoded answer; rejects with an
 * ApiError (status 0 when the server could not be reached).
 *
 * A 401 to a request that went with the session cookie ends the session
 * only once /session/check_login, asked after it, agrees.  A request
 * that was sent before the cookie it needed was stored (the views start
 * the moment the login answer arrives, and a poll can be in flight
 * across a login, a token renewal or a worker restart) is answered 401
 * although this browser holds a good session by the time the answer is
 * read; logging out then closed the dialogs and blocked the page behind
 * the login dialog.  Such a request is sent once more instead.
 */
export async function request(path, opts = {}) {
	const cookieOnly = !opts.auth && !opts.omitCookie;

	try {
		return await attempt(path, opts);
	} catch (e) {
		if (e.status !== 401 || !cookieOnly || !e.unconfirmed)
			throw e;
		if (await sessionRefused())
			throw unauthorized(opts, e.reason);
		return attempt(path, {...opts, retried: true});
	}
}

async function attempt(path, opts) {
	const headers = {
		'Accept': 'application/json',
		// Lets the server tell a script from a browser navigation, so
		// that it need not send WWW-Authenticate (which makes browsers
		// pop up their own login box) to the UI.
		'X-Requested-With': 'XMLHttpRequest',
	};
	const init = {
		method: opts.method || 'GET',
		headers,
		credentials: opts.omitCookie ? 'omit' : 'same-origin',
		cache: 'no-store',
	};
	const ctrl = new AbortController();
	let refused = false;
	let timedOut = false;
	let res;

	if (opts.json !== undefined) {
		init.method = 'POST';
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(opts.json);
	}
	if (opts.auth)
		headers['Authorization'] = opts.auth;
	init.signal = ctrl.signal;
	const timer = setTimeout(() => {
		timedOut = true;
		ctrl.abort();
	}, TIMEOUT_MS);
	const watch = opts.auth || opts.omitCookie ? null :
	    setTimeout(async () => {
		if (await sessionRefused()) {
			refused = true;
			ctrl.abort();
		}
	    }, SLOW_MS);
	try {
		res = await fetch(path, init);
	} catch (e) {
		throw refused ? unauthorized(opts) :
		    await failedRequest(opts, timedOut);
	} finally {
		clearTimeout(timer);
		clearTimeout(watch);
	}
	/*
	 * 503: the web worker has no core behind it.  502 and 504 answer a
	 * command when the helper refused or did not answer: that one
	 * command failed, the connection is fine.
	 */
	if (res.status === 503 || (res.status === 502 ||
	    res.status === 504) && !path.endsWith('.cmd')) {
		const reason = await errorReason(res);
		setState('degraded', reason);
		throw new ApiError(res.status, reason);
	}
	setState('connected', '');
	if (res.status === 401) {
		const reason = await errorReason(res);

		if (!opts.auth && !opts.omitCookie && !opts.retried &&
		    path !== LOGIN_PATH) {
			// request() confirms it before anyone is told.
			const e = new ApiError(401, reason);

			e.unconfirmed = true;
			throw e;
		}
		throw unauthorized(opts, reason);
	}
	if (!res.ok)
		throw new ApiError(res.status, await errorReason(res));
	if (opts.raw)
		return res.text();
	try {
		return await res.json();
	} catch (e) {
		throw new ApiError(res.status, 'the answer is not JSON');
	}
}

/*
 * A request got no answer.  Either the server is gone, or it refused
 * our session: a 401 that carries WWW-Authenticate makes the browser
 * handle the login itself (a prompt, or, headless, an aborted request),
 * so the page never sees the 401.  /session/check_login answers without
 * that header, so asking it tells the two apart.  Returns the ApiError
 * to throw.
 */
async function failedRequest(opts, timedOut) {
	const res = await probeLogin();

	if (res === null) {
		setState('disconnected', 'cannot reach the server');
		return new ApiError(0, 'cannot reach the server');
	}
	if (res.status === 401)
		return unauthorized(opts);
	if (timedOut) {
		// The worker answers, what is behind it does not.
		setState('degraded', 'no answer in ' + TIMEOUT_MS / 1000 + ' s');
		return new ApiError(0, 'no answer in ' + TIMEOUT_MS / 1000 +
		    ' s');
	}
	setState('connected', '');
	return new ApiError(0, 'the request failed');
}

const LOGIN_PATH = '/session/check_login';

// /session/check_login with our cookie: the Response, or null.
async function probeLogin() {
	try {
		return await fetch(LOGIN_PATH, {
			headers: {'X-Requested-With': 'XMLHttpRequest'},
			credentials: 'same-origin',
			cache: 'no-store',
			signal: AbortSignal.timeout(TIMEOUT_MS),
		});
	} catch (e) {
		return null;
	}
}

async function sessionRefused() {
	const res = await probeLogin();

	return res !== null && res.status === 401;
}

// The error for a refused session, told to the listeners unless quiet.
function unauthorized(opts, reason) {
	const err = new ApiError(401, reason || 'login required');

	setState('connected', '');
	if (!opts.quiet401)
		for (const fn of authListeners)
			fn(err);
	return err;
}

// The reason of an error answer: its "error" field, or the status text.
async function errorReason(res) {
	let text = '';

	try {
		text = await res.text();
		const j = JSON.parse(text);

		if (j && typeof j.error === 'string')
			return j.error;
	} catch (e) {
		// Not JSON: fall through to the text or the status line.
	}
	return text.trim().slice(0, 200) || res.statusText || 'error';
}

export const get = (path) => request(path);
export const post = (path, obj) => request(path, {json: obj || {}});

/*
 * Is the login valid?  With user/password: checks them (a good one sets
 * the OSPREY session cookie); without: checks the cookie we hold.
 * Resolves true or false; rejects only when the server is unreachable.
 */
export async function checkLogin(user, password) {
	const opts = {quiet401: true};

	if (user === undefined)
		return check(opts);
	opts.auth = basicAuth(user, password);
	/*
	 * First without our cookie: the server takes a valid session
	 * cookie over an Authorization header, so with it a wrong password
	 * would pass.  Then, good, once more with it, so that the answer's
	 * session cookie is kept (when ours was not valid any more).
	 */
	if (!await check({...opts, omitCookie: true}))
		return false;
	return check(opts);
}

async function check(opts) {
	try {
		await request('/session/check_login', opts);
		return true;
	} catch (e) {
		if (e.status === 401)
			return false;
		throw e;
	}
}

/*
 * Run fn every interval ms for as long as it keeps being wanted: after a
 * failure the next try comes sooner at first, then backs off to 3 s, so
 * a restarting server is found again quickly.  fn gets nothing; its
 * errors are passed to onError.  Returns {stop(), kick()}: kick runs fn
 * now.
 */
export function poller(fn, interval, onError) {
	let timer = null;
	let stopped = false;
	let running = false;
	let failures = 0;

	async function tick() {
		timer = null;
		if (stopped || running)
			return;
		running = true;
		let wait = interval;
		try {
			await fn();
			failures = 0;
		} catch (e) {
			failures++;
			wait = Math.min(500 * failures, 3000);
			if (onError)
				onError(e);
		}
		running = false;
		if (!stopped)
			timer = setTimeout(tick, wait);
	}
	tick();
	return {
		stop() {
			stopped = true;
			if (timer)
				clearTimeout(timer);
		},
		kick() {
			if (stopped || running)
				return;
			if (timer)
				clearTimeout(timer);
			tick();
		},
	};
}
