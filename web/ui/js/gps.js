// SPDX-License-Identifier: ISC
// \summary: the GPS status in the header, and sharing this browser's position
//
// Polls /gps/location.json (the best fix) and, less often,
// /gps/all_gps.json (every receiver, for what to say when there is no
// fix) while logged in.  The header reads "GPS 3D 48.85840, 2.29450 ·
// 8 sats · car (gpsd)", or why there is no fix.  When the config has a
// web receiver (gps=web), the Map tab offers to send this browser's
// position (the Geolocation API) to /gps/web/update.cmd, Kismet's web
// GPS, as a phone walking a site would.

import * as api from './api.js';
import {setText} from './dom.js';

const POLL_MS = 2000;
const ALL_EVERY = 5;		// all_gps once every this many polls
const $ = (id) => document.getElementById(id);

export class Gps {
	constructor(app) {
		this.app = app;
		this.loc = null;	// the last /gps/location.json answer
		this.all = [];		// the last /gps/all_gps.json answer
		this.timer = null;
		this.polls = 0;
		this.watch = null;	// geolocation watch id while sharing
		this.listeners = [];
		$('gps-state').addEventListener('click', () =>
		    app.tabs.select($('tab-map')));
		$('map-share').addEventListener('click', () =>
		    this.toggleShare());
	}

	// Call fn() after every poll.
	onChange(fn) {
		this.listeners.push(fn);
	}

	start() {
		if (this.timer === null)
			this.poll();
	}

	stop() {
		if (this.timer !== null)
			clearTimeout(this.timer);
		this.timer = null;
		this.stopShare();
	}

	async poll() {
		this.timer = null;
		try {
			this.loc = await api.get('/gps/location.json');
			if (this.polls++ % ALL_EVERY === 0 || !this.valid())
				this.all = await api.get('/gps/all_gps.json');
			this.render();
			for (const fn of this.listeners)
				fn();
		} catch (e) {
			if (e.status === 401)
				return;
			setText($('gps-state'), 'GPS: ?');
		}
		this.timer = setTimeout(() => this.poll(), POLL_MS);
	}

	valid() {
		return this.loc !== null &&
		    this.loc['kismet.common.location.valid'] === true;
	}

	// [lon, lat] of the best fix, or null.
	point() {
		return this.valid() ?
		    this.loc['kismet.common.location.geopoint'] : null;
	}

	hasWeb() {
		return this.all.some((g) => g['osprey.gps.type'] === 'web');
	}

	render() {
		const s = $('gps-state');
		const l = this.loc;
		let text;

		if (this.valid()) {
			const [lon, lat] = l['kismet.common.location.geopoint'];
			const fix = l['kismet.common.location.fix'];
			const sats = l['osprey.location.satellites_used'];

			text = 'GPS ' + (fix >= 3 ? '3D' : '2D') + ' ' +
			    lat.toFixed(5) + ', ' + lon.toFixed(5) +
			    (sats !== undefined ? ' · ' + sats + ' sats' :
			    '') +
			    ' · ' + l['osprey.location.gps_name'] + ' (' +
			    l['osprey.location.gps_type'] + ')';
			s.dataset.fix = String(fix);
		} else {
			const own = this.all.filter((g) =>
			    !g['kismet.gps.data_only']);

			s.dataset.fix = '0';
			text = own.length === 0 ? 'No GPS' : 'GPS: no fix (' +
			    own.map((g) => g['kismet.gps.name'] + ' ' +
			    g['osprey.gps.state']).join(', ') + ')';
		}
		setText(s, text);
		s.title = text + ' (show the map)';
		$('map-share').hidden = !this.hasWeb() ||
		    !('geolocation' in navigator);
	}

	toggleShare() {
		if (this.watch !== null) {
			this.stopShare();
			return;
		}
		setText($('map-share-result'), 'Asking the browser…');
		this.watch = navigator.geolocation.watchPosition(
		    (p) => this.send(p),
		    (e) => {
			setText($('map-share-result'), 'No position: ' +
			    e.message);
			this.stopShare(true);
		    }, {enableHighAccuracy: true, maximumAge: 5000});
		setText($('map-share'), 'Stop sharing');
	}

	stopShare(keepMessage) {
		if (this.watch !== null)
			navigator.geolocation.clearWatch(this.watch);
		this.watch = null;
		setText($('map-share'), 'Share this browser\'s position');
		if (!keepMessage)
			setText($('map-share-result'), '');
	}

	async send(p) {
		const c = p.coords;
		const body = {lat: c.latitude, lon: c.longitude};

		if (typeof c.altitude === 'number')
			body.alt = c.altitude;
		if (typeof c.speed === 'number' && c.speed >= 0)
			body.spd = c.speed * 3.6;	// m/s to km/h
		try {
			await api.post('/gps/web/update.cmd', body);
			setText($('map-share-result'), 'Sent ' +
			    c.latitude.toFixed(5) + ', ' +
			    c.longitude.toFixed(5) + ' (±' +
			    Math.round(c.accuracy) + ' m)');
		} catch (e) {
			setText($('map-share-result'), 'Not sent: ' +
			    e.message);
		}
	}
}
