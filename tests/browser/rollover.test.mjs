// Issue #14: a page opened on one trading day and left open into the next judges each quote by
// its own day's band. The daemon replays a synthetic 02-06 afternoon (support/rollover_tape.mjs),
// the page opens on it, then the test sends 02-09's quotes one at a time through the ingest API
// and waits for each to show: the page is never reloaded and no wait is a sleep.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { cellText, cspViolations, openBrowser, openPage, waitForState } from './support/browser.mjs';
import { Daemon, readTape, speedFor } from './support/daemon.mjs';
import { INDEX, OTHER, STOCK, monday, writeFridayTape } from './support/rollover_tape.mjs';

const TOKEN = 'browser-test-token-rollover';
const dir = mkdtempSync(path.join(tmpdir(), 'lodestone-rollover-'));
const tape = writeFridayTape(dir);
const daemon = new Daemon({ tape, speed: speedFor(readTape(tape), 1), token: TOKEN, args: ['--no-loop'] });
let browser;
let session;

before(async () => {
  await daemon.start();
  await daemon.tapeFinished(); // all of 02-06 is on the board before the page opens
  browser = await openBrowser();
  session = await openPage(browser.context, `${daemon.url}/`);
  await waitForState(session.page, 'live', 30000);
}, { timeout: 60000 });

after(async () => {
  await browser?.close();
  await daemon.cleanup();
  rmSync(dir, { recursive: true, force: true });
}, { timeout: 30000 });

const cell = (symbol, col) => `#board-table tr[data-symbol="${symbol}"] td[data-col="${col}"]`;

/** Waits until `symbol`'s last price reads `text` (the quote has reached the row). */
async function waitForLast(page, symbol, text) {
  const shows = ([sel, t]) => document.querySelector(sel)?.textContent === t;
  await page.waitForFunction(shows, [cell(symbol, 'last'), text], { timeout: 15000 });
}

async function rowState(page, symbol) {
  return page.evaluate(
    ([s, badgeSel]) => {
      const tr = document.querySelector(`#board-table tr[data-symbol="${s}"]`);
      const badge = document.querySelector(badgeSel);
      return {
        untraded: tr?.classList.contains('untraded') ?? null,
        badge: badge ? { text: badge.textContent, cls: badge.className, limit: badge.dataset.limit } : null,
      };
    },
    [symbol, `${cell(symbol, 'limit')} .badge`],
  );
}

async function chartLimits(page) {
  return page.$eval('#chart-limits', (n) => n.textContent);
}

test('the page opened on 02-06 shows 02-06 with its own band', { timeout: 30000 }, async () => {
  const { page } = session;
  await waitForLast(page, STOCK, '20.01');
  assert.equal(await cellText(page, STOCK, 'pct'), '+0.96%'); // 20.01 over 19.82
  assert.deepEqual(await rowState(page, STOCK), { untraded: false, badge: null });
  await page.click(`#board-table tr[data-symbol="${STOCK}"]`);
  await page.waitForFunction(() => document.querySelector('#chart-symbol')?.textContent === '600392.SH', null, {
    timeout: 10000,
  });
  const limitsShown = () => document.querySelector('#chart-limits')?.textContent !== '';
  await page.waitForFunction(limitsShown, null, { timeout: 10000 });
  assert.equal(await chartLimits(page), '涨停 21.80  跌停 17.84');
});

test('on 02-09 a name not traded yet shows its 02-06 close as the reference, with no change and no band', {
  timeout: 30000,
}, async () => {
  const { page } = session;
  await daemon.ingest([monday.otherOpens]);
  await waitForLast(page, OTHER, '49.01');
  // The board is on 02-09 now; 600392.SH has no quote of 02-09 yet.
  await page.waitForSelector(`#board-table tr[data-symbol="${STOCK}"].untraded`, { timeout: 10000 });
  assert.equal(await cellText(page, STOCK, 'last'), '20.01');
  assert.equal(await cellText(page, STOCK, 'change'), '—');
  assert.equal(await cellText(page, STOCK, 'pct'), '—');
  assert.equal(await cellText(page, STOCK, 'volume'), '—');
  assert.deepEqual(await rowState(page, STOCK), { untraded: true, badge: null });
  assert.equal(await chartLimits(page), '未开盘 2026-02-09', "02-06's band is not 02-09's");
  // The index has no band on any day; it has not traded on 02-09 either.
  assert.deepEqual(await rowState(page, INDEX), { untraded: true, badge: null });
  // 600111.SH has: +1.20% over its 02-06 close of 48.43.
  assert.deepEqual(await rowState(page, OTHER), { untraded: false, badge: null });
  assert.equal(await cellText(page, OTHER, 'pct'), '+1.20%');
});

test('the right 涨停 badge for 600392.SH on 02-09 on a page opened on 02-06', { timeout: 30000 }, async () => {
  const { page } = session;
  // 21.85 is past 02-06's limit-up (21.80) but short of 02-09's (22.01): no badge.
  await daemon.ingest([monday.stockNearLimit]);
  await waitForLast(page, STOCK, '21.85');
  assert.deepEqual(await rowState(page, STOCK), { untraded: false, badge: null }, '21.85 is not 涨停 on 02-09');
  assert.equal(await cellText(page, STOCK, 'pct'), '+9.20%');
  assert.equal(await chartLimits(page), '涨停 22.01  跌停 18.01');

  await daemon.ingest([monday.stockAtLimit]);
  await page.waitForSelector(`${cell(STOCK, 'limit')} .badge.limit-up`, { timeout: 15000 });
  assert.equal(await cellText(page, STOCK, 'last'), '22.01');
  assert.deepEqual(await rowState(page, STOCK), {
    untraded: false,
    badge: { text: '涨停', cls: 'badge limit-up', limit: '22.01' },
  });
  assert.equal(await cellText(page, STOCK, 'pct'), '+10.00%');
});

test('no console errors, page errors or CSP violations', { timeout: 10000 }, async () => {
  const { page, problems } = session;
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
});
