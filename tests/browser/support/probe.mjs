// Synthetic events that make fixtures/probe-rules.yaml fire: an export-control headline naming
// 159713.SZ, then the fund climbing more than 2% within five minutes. Times continue the tiny
// tape's session (it ends at 14:25), so each scenario starts at a later minute.
import path from 'node:path';

import { sourceDir } from './daemon.mjs';

export const PROBE_SYMBOL = '159713.SZ';

export function probeRules() {
  return path.join(sourceDir(), 'tests/browser/fixtures/probe-rules.yaml');
}

function at(hhmm, seconds) {
  const [h, m] = hhmm.split(':').map(Number);
  const total = h * 3600 + m * 60 + seconds;
  const pad = (n) => String(n).padStart(2, '0');
  return `2026-02-09T${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}.000+08:00`;
}

function quote(ts, last) {
  return {
    type: 'quote',
    symbol: PROBE_SYMBOL,
    ts,
    last,
    prev_close: 1.441,
    open: 1.449,
    high: Math.max(1.493, last),
    low: 1.449,
    volume: 345000000,
    turnover: 508000000.0,
  };
}

/**
 * The headline at `start` (HH:MM), then 159713.SZ from `from` to `from` * 1.0235 over two minutes.
 * Returns {headline, events, last} with `last` the final price as the board shows it.
 */
export function probeScenario(start, from = 1.49) {
  const headline = {
    type: 'news',
    id: `browser-probe-${start.replace(':', '')}`,
    ts: at(start, 0),
    source: '合成 synthetic',
    title: `稀土出口管制细则落地 ${start} (synthetic browser probe)`,
    symbols: [PROBE_SYMBOL],
  };
  const mid = Math.round(from * 1.0115 * 1000) / 1000;
  const top = Math.round(from * 1.0235 * 1000) / 1000;
  const events = [headline, quote(at(start, 10), from), quote(at(start, 60), mid), quote(at(start, 120), top)];
  return { headline, events, last: top.toFixed(3) };
}
