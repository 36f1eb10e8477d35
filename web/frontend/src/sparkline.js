// Small inline SVG price paths: the board's intraday sparkline and an alert's evidence window.
import { svg } from './dom.js';

/** At most `n` points, keeping each bucket's last value (what a trader sees at the bucket's end). */
export function downsample(points, n) {
  if (points.length <= n) return points;
  const out = [];
  const step = points.length / n;
  for (let i = 1; i <= n; i++) out.push(points[Math.min(points.length - 1, Math.ceil(i * step) - 1)]);
  return out;
}

/**
 * An <svg> of `points` ({time, value}) scaled to width x height, with a dashed reference line at
 * `base` (the previous close or the window's start) when it is a number.
 * `direction` (-1, 0, 1) picks the up/down colour class.
 */
export function sparkline(points, { width = 120, height = 28, base = NaN, direction = 0, cls = 'spark' } = {}) {
  const root = svg('svg', {
    class: `${cls} ${direction > 0 ? 'up' : direction < 0 ? 'down' : 'flat'}`,
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'none',
    'aria-hidden': 'true',
  });
  const pts = downsample(points, width);
  if (pts.length === 0) return root;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pts) {
    lo = Math.min(lo, p.value);
    hi = Math.max(hi, p.value);
  }
  if (Number.isFinite(base)) {
    lo = Math.min(lo, base);
    hi = Math.max(hi, base);
  }
  const pad = 2;
  const span = hi - lo || Math.abs(hi) * 0.001 || 1;
  const t0 = pts[0].time;
  const tspan = pts[pts.length - 1].time - t0 || 1;
  const x = (t) => (pts.length === 1 ? width : ((t - t0) / tspan) * width);
  const y = (v) => pad + (1 - (v - lo) / span) * (height - 2 * pad);
  if (Number.isFinite(base)) {
    const yb = y(base).toFixed(1);
    root.append(svg('line', { class: 'base', x1: 0, x2: width, y1: yb, y2: yb }));
  }
  const coords = pts.map((p) => `${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`);
  if (pts.length === 1) coords.unshift(`0,${y(pts[0].value).toFixed(1)}`);
  root.append(svg('polyline', { class: 'line', points: coords.join(' ') }));
  return root;
}
