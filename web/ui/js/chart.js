// SPDX-License-Identifier: ISC
// \summary: small canvas charts: line charts of histories, sparklines
//
// Written here rather than taken from a chart library: the UI has no
// build step and fetches nothing but its own files, the Debian package
// is built offline from the repository, and what is drawn is a few
// series of at most 60 points.  A canvas is sized to its box at the
// device pixel ratio and redrawn whole; nothing is kept between draws.

const COLORS = ['#2b7bb9', '#d9822b', '#3a9a5b', '#b93b8f', '#7a6bd1',
    '#a0522d', '#2aa1a1', '#777777'];

export function color(i) {
	return COLORS[i % COLORS.length];
}

/*
 * A history's vector oldest first.  rrd is a kismet.common.rrd object;
 * vec 'minute_vec', 'hour_vec' or 'day_vec'.  Device histories are in
 * Kismet's ring order (unit u at u % length, as of serial_time); the
 * core's own (/system, packet_stats, datasources) are already oldest
 * first: pass ring false for those.
 */
export function rrdSeries(rrd, vec, ring) {
	const v = rrd && rrd['kismet.common.rrd.' + vec];

	if (!Array.isArray(v))
		return [];
	if (!ring)
		return v.map(Number);
	const unit = vec === 'minute_vec' ? 1 : vec === 'hour_vec' ? 60 :
	    3600;
	const now = Math.floor(Number(rrd['kismet.common.rrd.serial_time'] ||
	    rrd['kismet.common.rrd.last_time'] || 0) / unit);
	const n = v.length;
	const out = [];

	for (let i = 0; i < n; i++)
		out.push(Number(v[(now + 1 + i) % n]) || 0);
	return out;
}

/*
 * Size the canvas to its box (box {w, h} when the caller measured it);
 * returns [context, css width, css height].
 */
function fit(canvas, box) {
	const r = window.devicePixelRatio || 1;
	const w = Math.max(10, box ? box.w : canvas.clientWidth);
	const h = Math.max(10, box ? box.h : canvas.clientHeight);

	if (canvas.width !== Math.round(w * r) ||
	    canvas.height !== Math.round(h * r)) {
		canvas.width = Math.round(w * r);
		canvas.height = Math.round(h * r);
	}
	const ctx = canvas.getContext('2d');

	ctx.setTransform(r, 0, 0, r, 0, 0);
	ctx.clearRect(0, 0, w, h);
	return [ctx, w, h];
}

// A round step of about span / 3 (1, 2 or 5 times a power of ten).
function niceStep(span) {
	const raw = span / 3;
	const p = Math.pow(10, Math.floor(Math.log10(raw)));
	const m = raw / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function fmtAxis(v) {
	const a = Math.abs(v);

	if (a >= 1e9)
		return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + 'G';
	if (a >= 1e6)
		return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
	if (a >= 1e3)
		return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + 'k';
	return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/*
 * A line chart.  series: [{label, values (oldest first), color}], all the
 * same length; opts: {unitLabel ('s', 'min', 'h': the x step), signal
 * (values are dBm, 0 is no value: gaps), fill (area under a single
 * series)}.  The y axis starts at 0 (or spans the values for signal).
 */
export function lineChart(canvas, series, opts) {
	const o = opts || {};
	const [ctx, w, h] = fit(canvas);
	const css = getComputedStyle(canvas);
	const fg = css.color || '#333';
	const pad = {l: 40, r: 8, t: 8, b: 18};
	const n = Math.max(0, ...series.map((s) => s.values.length));
	let lo = 0;
	let hi = 1;

	const vals = series.flatMap((s) => s.values.filter((v) =>
	    !(o.signal && v === 0)));
	if (o.signal) {
		lo = vals.length ? Math.min(...vals) - 3 : -100;
		hi = vals.length ? Math.max(...vals) + 3 : -20;
	} else if (vals.length) {
		hi = Math.max(1, ...vals);
	}
	// Round the range out to whole steps: the grid reads 0, 50, 100.
	const step = niceStep(hi - lo);
	lo = Math.floor(lo / step) * step;
	hi = Math.max(lo + step, Math.ceil(hi / step) * step);
	const ticks = Math.round((hi - lo) / step);
	const pw = w - pad.l - pad.r;
	const ph = h - pad.t - pad.b;
	const x = (i) => pad.l + (n <= 1 ? pw : i * pw / (n - 1));
	const y = (v) => pad.t + ph - (v - lo) / (hi - lo) * ph;

	ctx.font = '11px system-ui, sans-serif';
	ctx.lineWidth = 1;
	ctx.strokeStyle = 'rgba(128,128,128,0.25)';
	ctx.fillStyle = fg;
	ctx.textBaseline = 'middle';
	ctx.textAlign = 'right';
	for (let k = 0; k <= ticks; k++) {
		const v = lo + step * k;
		const yy = Math.round(y(v)) + 0.5;

		ctx.beginPath();
		ctx.moveTo(pad.l, yy);
		ctx.lineTo(w - pad.r, yy);
		ctx.stroke();
		ctx.fillText(fmtAxis(Math.round(v * 1000) / 1000), pad.l - 4,
		    yy);
	}
	ctx.textAlign = 'left';
	ctx.textBaseline = 'bottom';
	if (n > 1 && o.unitLabel)
		ctx.fillText('-' + (n - 1) + ' ' + o.unitLabel, pad.l, h);
	ctx.textAlign = 'right';
	ctx.fillText('now', w - pad.r, h);
	series.forEach((s, si) => {
		const c = s.color || color(si);
		let open = false;

		ctx.strokeStyle = c;
		ctx.lineWidth = 1.5;
		ctx.beginPath();
		s.values.forEach((v, i) => {
			if (o.signal && v === 0) {
				open = false;
				return;
			}
			if (!open)
				ctx.moveTo(x(i), y(v));
			else
				ctx.lineTo(x(i), y(v));
			open = true;
		});
		ctx.stroke();
		// A point alone (no neighbour to join) is a dot.
		ctx.fillStyle = c;
		s.values.forEach((v, i) => {
			const gap = (j) => j < 0 || j >= s.values.length ||
			    o.signal && s.values[j] === 0;

			if (gap(i) || !gap(i - 1) || !gap(i + 1))
				return;
			ctx.beginPath();
			ctx.arc(x(i), y(v), 2.5, 0, 2 * Math.PI);
			ctx.fill();
		});
		if (o.fill && series.length === 1 && !o.signal && n > 1) {
			ctx.lineTo(x(n - 1), y(lo));
			ctx.lineTo(x(0), y(lo));
			ctx.closePath();
			ctx.globalAlpha = 0.15;
			ctx.fillStyle = c;
			ctx.fill();
			ctx.globalAlpha = 1;
		}
	});
	canvas.dataset.drawn = String(n);
}

/*
 * A sparkline of bars (packets per second) as an SVG path in a box of
 * SPARK_W by SPARK_H units (the style sheet's pixels for the device
 * table's cell): values oldest first, scaled to hi (default their own
 * highest: pass one for a whole table so that rows compare).  A path,
 * not a canvas: see devices.js.
 */
export const SPARK_W = 120;
export const SPARK_H = 18;

export function sparkPath(values, hi) {
	const n = values.length;
	let top = Math.max(1, hi || 0);
	const bw = SPARK_W / Math.max(1, n);
	// Whole units with a gap: a steady device reads as bars.
	const bar = Math.max(1, Math.floor(bw) - (bw >= 2 ? 1 : 0));
	let d = '';

	for (const v of values)
		if (v > top)
			top = v;
	values.forEach((v, i) => {
		if (!(v > 0))
			return;
		const bh = Math.max(1, Math.round(v / top * (SPARK_H - 1)));

		d += 'M' + Math.floor(i * bw) + ' ' + SPARK_H + 'v-' + bh +
		    'h' + bar + 'v' + bh + 'z';
	});
	return d;
}

// A legend: one swatch and label per series.
export function legend(doc, series) {
	const ul = doc.createElement('ul');

	ul.className = 'legend';
	series.forEach((s, i) => {
		const li = doc.createElement('li');
		const sw = doc.createElement('span');

		sw.className = 'swatch';
		sw.style.background = s.color || color(i);
		li.append(sw, doc.createTextNode(s.label));
		ul.append(li);
	});
	return ul;
}
