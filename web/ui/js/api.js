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
 * Ask the server.  opts: json (an object: POSTed as application/json),
 * method, auth (an Authorization value: a login check), quiet401 (do not
 * tell the unauthorized listeners: the caller handles it), raw (return
 * the Response's text), omitCookie (send no cookie and keep none).
 * Resolves to the decoded answer; rejects with an
 * ApiError (status 0 when the server could not be reached).
 */
export async function request(path, opts = {}) {
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
		signal: AbortSignal.timeout(TIMEOUT_MS),
	};
	let res;

	if (opts.json !== undefined) {
		init.method = 'POST';
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(opts.json);
	}
	if (opts.auth)
		headers['Authorization'] = opts.auth;
	try {
		res = await fetch(path, init);
	} catch (e) {
		setState('disconnected', 'cannot reach the server');
		throw new ApiError(0, 'cannot reach the server');
	}
	if (res.status === 502 || res.status === 503 || res.status === 504) {
		const reason = await errorReason(res);
		setState('degraded', reason);
		throw new ApiError(res.status, reason);
	}
	setState('connected', '');
	if (!res.ok) {
		const err = new ApiError(res.status, await errorReason(res));

		if (res.status === 401 && !opts.quiet401)
			for (const fn of authListeners)
				fn(err);
		throw err;
	}
	if (opts.raw)
		return res.text();
	try {
		return await res.json();
	} catch (e) {
		throw new ApiError(res.status, 'the answer is not JSON');
	}
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
 * failure the next try comes sooner at first, then backs off to 5 s, so
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
			wait = Math.min(500 * failures, 5000);
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
