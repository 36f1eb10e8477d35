// A small two-day tape for the day-rollover test (issue #14). SYNTHETIC: every price here is made
// up by this file, shaped on the bundled tape's 600392.SH (盛和资源), which closed 02-06 at 20.01
// over 19.82 and sealed its limit on 02-09 at 22.01. The band of 02-06 (over 19.82) is
// 21.80/17.84; the band of 02-09 (over 20.01) is 22.01/18.01. A page that kept 02-06's band
// would call 21.85 on 02-09 a limit-up, before the real one.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const STOCK = '600392.SH'; // main board, ±10%
export const OTHER = '600111.SH'; // trades first on 02-09: the board is then on the new day
export const INDEX = '930598.CSI'; // no band

function ts(day, hhmmss) {
  return `2026-02-${day}T${hhmmss}.000+08:00`;
}

function quote(symbol, day, hhmmss, last, prevClose) {
  return { type: 'quote', symbol, ts: ts(day, hhmmss), last, prev_close: prevClose };
}

/** 02-06 from 14:57 to the close, a quote a minute per name, sorted by time as a tape is. */
export function fridayTape() {
  const events = [];
  const closes = {
    [STOCK]: { prev: 19.82, path: [19.98, 20.02, 19.99, 20.01] },
    [OTHER]: { prev: 48.1, path: [48.41, 48.45, 48.44, 48.43] },
    [INDEX]: { prev: 2301.15, path: [2310.02, 2312.4, 2311.87, 2312.55] },
  };
  ['14:57', '14:58', '14:59', '15:00'].forEach((minute, m) => {
    Object.entries(closes).forEach(([symbol, c], i) => {
      events.push(quote(symbol, '06', `${minute}:0${i}`, c.path[m], c.prev));
    });
  });
  return events;
}

/** 02-09, in the order the test sends them: another name opens, then 600392.SH climbs to its limit. */
export const monday = {
  otherOpens: quote(OTHER, '09', '09:25:00', 49.01, 48.43),
  // Above 02-06's 21.80, below 02-09's 22.01: no 涨停 yet.
  stockNearLimit: quote(STOCK, '09', '10:41:01', 21.85, 20.01),
  stockAtLimit: quote(STOCK, '09', '10:42:01', 22.01, 20.01),
};

/** Writes the Friday tape as NDJSON into `dir` and returns its path. */
export function writeFridayTape(dir) {
  const file = path.join(dir, 'rollover-synthetic.ndjson');
  writeFileSync(file, `${fridayTape().map((e) => JSON.stringify(e)).join('\n')}\n`);
  return file;
}
