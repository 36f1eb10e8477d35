// The page's pure formatting rules, run in node: prices at tick precision, 亿/万, Shanghai time, limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  changePct,
  compareValues,
  defaultDecimals,
  direction,
  formatAge,
  formatChange,
  formatCn,
  formatDateTime,
  formatPct,
  formatPrice,
  formatStamp,
  keywordRuns,
  limitState,
  parseTs,
  parseWindow,
  safeUrl,
  shanghaiDay,
} from '../../web/frontend/src/format.js';

test('prices keep the tick precision the JSON number lost', () => {
  assert.equal(formatPrice(JSON.parse('1.190'), 3), '1.190');
  assert.equal(formatPrice(JSON.parse('51.30'), 2), '51.30');
  assert.equal(formatPrice(JSON.parse('2231.4'), 2), '2231.40');
  assert.equal(formatPrice(null, 3), '—');
  assert.equal(formatPrice(undefined, 2), '—');
});

test('change is computed in ticks, so no float residue shows', () => {
  assert.equal(formatChange(1.234, 1.19, 3), '+0.044');
  assert.equal(formatChange(0.3, 0.1, 3), '+0.200');
  assert.equal(formatChange(48.43, 51.22, 2), '-2.79');
  assert.equal(formatChange(1.19, 1.19, 3), '0.000');
  assert.equal(direction(1.19, 1.19, 3), 0);
  assert.equal(direction(1.191, 1.19, 3), 1);
  assert.equal(direction(1.189, 1.19, 3), -1);
});

test('percent change is signed with two decimals', () => {
  assert.equal(formatPct(changePct(1.493, 1.441)), '+3.61%');
  assert.equal(formatPct(changePct(2133.2, 2232.5)), '-4.45%');
  assert.equal(formatPct(changePct(1.19, 1.19)), '0.00%');
  assert.equal(formatPct(-0.001), '0.00%');
  assert.equal(formatPct(changePct(1.2, 0)), '—');
});

test('volumes and turnovers read in 亿 and 万', () => {
  assert.equal(formatCn(152000000), '1.52亿');
  assert.equal(formatCn(10000097062), '100.00亿');
  assert.equal(formatCn(34567800), '3456.78万');
  assert.equal(formatCn(9800), '9800');
  assert.equal(formatCn(undefined), '—');
});

test('times are shown in Asia/Shanghai whatever the process time zone', () => {
  const ms = parseTs('2026-02-09T10:15:03.120+08:00');
  assert.equal(ms, Date.UTC(2026, 1, 9, 2, 15, 3, 120));
  assert.equal(formatDateTime(ms), '2026-02-09 10:15:03');
  // 23:30 UTC on the 8th is already the 9th in Shanghai.
  assert.equal(shanghaiDay(Date.UTC(2026, 1, 8, 23, 30)), '2026-02-09');
  assert.equal(formatStamp(ms, ms + 3600e3), '10:15:03');
  assert.equal(formatStamp(ms, ms + 86400e3), '02-09 10:15:03');
  assert.equal(parseTs(1770603303120), 1770603303120);
  assert.equal(parseTs('1770603303120'), 1770603303120);
  assert.ok(Number.isNaN(parseTs('yesterday')));
});

test('limit-up and limit-down are detected at tick precision', () => {
  assert.equal(limitState(22.01, 22.01, 18.01, 2), 'up');
  assert.equal(limitState(22.0, 22.01, 18.01, 2), null);
  assert.equal(limitState(18.01, 22.01, 18.01, 2), 'down');
  assert.equal(limitState(1.585, 1.585, 1.297, 3), 'up');
  assert.equal(limitState(2231.4, null, null, 2), null);
});

test('funds tick at 0.001 and stocks at 0.01 when the snapshot does not say', () => {
  assert.equal(defaultDecimals('159713.SZ'), 3);
  assert.equal(defaultDecimals('516150.SH'), 3);
  assert.equal(defaultDecimals('600111.SH'), 2);
  assert.equal(defaultDecimals('300748.SZ'), 2);
});

test('alert windows parse to milliseconds', () => {
  assert.equal(parseWindow('15m'), 900000);
  assert.equal(parseWindow('30s'), 30000);
  assert.equal(parseWindow('1h'), 3600000);
  assert.ok(Number.isNaN(parseWindow('prev_close')));
});

test('ages read at a glance', () => {
  assert.equal(formatAge(400), '0.4s');
  assert.equal(formatAge(32000), '32s');
  assert.equal(formatAge(185000), '3m 05s');
  assert.equal(formatAge(7800000), '2h 10m');
});

test('keywords split a title into marked and plain runs', () => {
  assert.deepEqual(keywordRuns('稀土出口管制新规', ['出口管制']), [
    { text: '稀土', mark: false },
    { text: '出口管制', mark: true },
    { text: '新规', mark: false },
  ]);
  assert.deepEqual(keywordRuns('Rare earth, RARE!', ['rare']), [
    { text: 'Rare', mark: true },
    { text: ' earth, ', mark: false },
    { text: 'RARE', mark: true },
    { text: '!', mark: false },
  ]);
  assert.deepEqual(keywordRuns('<b>x</b>', undefined), [{ text: '<b>x</b>', mark: false }]);
});

test('only http(s) links survive', () => {
  assert.equal(safeUrl('https://www.nbd.com.cn/a.html'), 'https://www.nbd.com.cn/a.html');
  assert.equal(safeUrl('javascript:alert(1)'), null);
  assert.equal(safeUrl('data:text/html,<script>'), null);
  assert.equal(safeUrl('not a url'), null);
});

test('sorting puts numbers in order and blanks last', () => {
  const values = [3, NaN, -1, 2];
  values.sort(compareValues);
  assert.deepEqual(values.slice(0, 3), [-1, 2, 3]);
  assert.ok(Number.isNaN(values[3]));
});
