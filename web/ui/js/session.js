// SPDX-License-Identifier: ISC
// \summary: login, the login warning, the settings panel and the welcome
//
// The login form never stores the password: it sends it once to
// /session/check_login as HTTP Basic, and a good login answers 200 with
// the OSPREY session cookie (HttpOnly: not even this script can read
// it), which every later request carries.  What the browser does keep,
// in localStorage, is two choices: that the welcome was seen, and that
// the user does not want to be warned about a missing or wrong login
// ("don't warn again").  With that choice set, a failed login check
// does not open the login dialog; the header's "Log in" button and the
// settings panel still log in.

import * as api from './api.js';
import {setText} from './dom.js';

const $ = (id) => document.getElementById(id);

export const KEY_WELCOMED = 'osprey.welcomed';
export const KEY_NOWARN = 'osprey.login.nowarn';

// localStorage may be off (private modes, policies): then nothing sticks.
function store(key, value) {
	try {
		if (value === null)
			localStorage.removeItem(key);
		else
			localStorage.setItem(key, value);
	} catch (e) {
		// Settings last this page only.
	}
}

function stored(key) {
	try {
		return localStorage.getItem(key);
	} catch (e) {
		return null;
	}
}

export class Session {
	constructor(app) {
		this.app = app;
		this.valid = false;
		// The check at load has answered (for the browser tests).
		this.checked = false;
		this.dialogBusy = false;

		$('login-form').addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.submitDialog();
		});
		$('login-cancel').addEventListener('click', () =>
		    $('login').close());
		$('login-nowarn').addEventListener('change', (ev) =>
		    this.setNoWarn(ev.target.checked));
		$('login-open').addEventListener('click', () =>
		    this.openDialog(''));
		$('set-login').addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.checkFromSettings();
		});
		$('set-warn').addEventListener('change', (ev) =>
		    this.setNoWarn(!ev.target.checked));
		$('set-welcome').addEventListener('click', () =>
		    this.showWelcome());
		this.showNoWarn();
	}

	noWarn() {
		return stored(KEY_NOWARN) === '1';
	}

	setNoWarn(on) {
		store(KEY_NOWARN, on ? '1' : null);
		this.showNoWarn();
	}

	showNoWarn() {
		const on = this.noWarn();

		$('login-nowarn').checked = on;
		$('set-warn').checked = !on;
	}

	// Resolves once the welcome is closed (at once if it was seen).
	welcomeIfFirst() {
		if (stored(KEY_WELCOMED) === '1')
			return Promise.resolve();
		return this.showWelcome();
	}

	showWelcome() {
		const d = $('welcome');

		return new Promise((resolve) => {
			d.addEventListener('close', () => {
				store(KEY_WELCOMED, '1');
				resolve();
			}, {once: true});
			if (!d.open)
				d.showModal();
		});
	}

	setValid(valid) {
		this.valid = valid;
		$('login-open').hidden = valid;
		setText($('login-state'), valid ? '' : 'Not logged in');
		if (valid)
			this.app.loggedIn();
	}

	// At load: is the cookie we may hold still good?
	async checkAtStart() {
		let ok;

		for (;;) {
			try {
				ok = await api.checkLogin();
				break;
			} catch (e) {
				// Unreachable: the indicator says so; try again.
				await new Promise((r) => setTimeout(r, 2000));
			}
		}
		this.setValid(ok);
		if (!ok)
			this.warn('You are not logged in, or your login is no ' +
			    'longer valid.');
		this.checked = true;
	}

	// A request was refused with 401 while the views were running.
	lost() {
		this.setValid(false);
		this.warn('The server refused this browser\'s session (it may ' +
		    'have restarted, or the session timed out). Log in again.');
	}

	// Open the login dialog with a warning, unless told not to warn.
	warn(text) {
		if (this.noWarn())
			return;
		this.openDialog(text);
	}

	openDialog(warning) {
		const d = $('login');

		setText($('login-warning'), warning);
		$('login-warning').hidden = !warning;
		setText($('login-error'), '');
		this.showNoWarn();
		if (!d.open)
			d.showModal();
		$('login-pass').focus();
	}

	async submitDialog() {
		const user = $('login-user').value;
		const pass = $('login-pass').value;
		let ok;

		if (this.dialogBusy)
			return;
		this.dialogBusy = true;
		$('login-submit').disabled = true;
		setText($('login-error'), 'Checking…');
		try {
			ok = await api.checkLogin(user, pass);
		} catch (e) {
			setText($('login-error'), 'Could not reach the server: ' +
			    e.reason);
			return;
		} finally {
			this.dialogBusy = false;
			$('login-submit').disabled = false;
		}
		$('login-pass').value = '';
		if (!ok) {
			setText($('login-error'), 'Login refused: the user name ' +
			    'or the password is wrong.');
			$('login-pass').focus();
			return;
		}
		setText($('login-error'), '');
		$('login').close();
		this.setValid(true);
	}

	/*
	 * Settings' "Check login": the typed user and password when a
	 * password is typed (logging in when they are good), else this
	 * browser's session.
	 */
	async checkFromSettings() {
		const user = $('set-user').value;
		const pass = $('set-pass').value;
		const res = $('set-result');
		const typed = pass !== '';
		let ok;

		res.className = 'result';
		setText(res, 'Checking…');
		try {
			ok = typed ? await api.checkLogin(user, pass) :
			    await api.checkLogin();
		} catch (e) {
			res.className = 'result warning';
			setText(res, 'Could not reach the server: ' + e.reason);
			return;
		}
		$('set-pass').value = '';
		if (ok) {
			res.className = 'result ok';
			setText(res, typed ? 'Login valid: this browser is ' +
			    'now logged in.' : 'Login valid: this browser\'s ' +
			    'session is good.');
			if (!this.valid)
				this.setValid(true);
			return;
		}
		res.className = 'result warning';
		setText(res, typed ? 'Warning: login wrong. The server ' +
		    'refused that user name and password.' : 'Warning: ' +
		    'this browser is not logged in (no session, or it ' +
		    'expired). Type the user name and password.');
		if (!typed) {
			// The views stop; the login warning follows, if wanted.
			this.app.loggedOut();
			this.setValid(false);
		}
	}
}
