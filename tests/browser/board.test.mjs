// The page as the real daemon serves it: loads cleanly under the strict CSP, and the board follows the tape.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { boardSuite } from './support/board_suite.mjs';
import { STRICT_CSP, cellText, cspLooserThanStrict, cspViolations, waitForState } from './support/browser.mjs';

// The tape plays for about 25 s, long enough to watch prices move after the page has loaded.
const suite = boardSuite({ seconds: 25, waitLive: false });
const { tape } = suite;
const quotes = tape.filter((e) => e.type === 'quote');

test('the daemon serves the page with a Content-Security-Policy at least as strict as the page needs', () => {
  assert.equal(suite.session.response.status(), 200);
  const csp = suite.session.response.headers()['content-security-policy'];
  assert.deepEqual(cspLooserThanStrict(csp), [], `served CSP: ${csp ?? '(none)'}; needed at least ${STRICT_CSP}`);
});

test('the page goes live and the board fills from the snapshot', { timeout: 30000 }, async () => {
  const { page } = suite.session;
  await waitForState(page, 'live', 15000);
  const symbols = [...new Set(quotes.map((q) => q.symbol))];
  for (const symbol of symbols) {
    await page.waitForSelector(`#board-table tr[data-symbol="${symbol}"]`, { timeout: 10000 });
  }
  const names = await page.$$eval('#board-table tbody td[data-col="name"]', (tds) => tds.map((td) => td.textContent));
  assert.ok(names.some((n) => n && n.length > 0), `instrument names from the snapshot: ${names}`);
});

test('a last price moves to a value from the tape, padded to the tick', { timeout: 40000 }, async () => {
  const { page } = suite.session;
  // The symbol whose last price changes most often on the tape, and every text it may show.
  const bySymbol = new Map();
  for (const q of quotes) {
    const list = bySymbol.get(q.symbol) ?? [];
    list.push(q.last);
    bySymbol.set(q.symbol, list);
  }
  const [symbol, lasts] = [...bySymbol].sort((a, b) => new Set(b[1]).size - new Set(a[1]).size)[0];
  const decimals = symbol.startsWith('15') || symbol.startsWith('51') ? 3 : 2;
  const texts = new Set(lasts.map((v) => v.toFixed(decimals)));

  await page.waitForFunction(
    (s) => /\d/.test(document.querySelector(`#board-table tr[data-symbol="${s}"] td[data-col="last"]`)?.textContent ?? ''),
    symbol,
    { timeout: 10000 },
  );
  const first = await cellText(page, symbol, 'last');
  assert.ok(texts.has(first), `${symbol} shows ${first}, not a last price on the tape (${[...texts]})`);
  await page.waitForFunction(
    ([s, was]) => {
      const text = document.querySelector(`#board-table tr[data-symbol="${s}"] td[data-col="last"]`)?.textContent;
      return text && text !== was;
    },
    [symbol, first],
    { timeout: 30000 },
  );
  const next = await cellText(page, symbol, 'last');
  assert.ok(texts.has(next), `${symbol} moved to ${next}, not a last price on the tape`);

  // The ETF row keeps its 0.001 tick even when the JSON number had a trailing zero (1.490 -> 1.49).
  const etf = quotes.find((q) => q.symbol.startsWith('159'));
  if (etf) {
    const text = await cellText(page, etf.symbol, 'last');
    assert.match(text, /^\d+\.\d{3}$/, `${etf.symbol} last shows ${text}`);
  }
  const time = await cellText(page, symbol, 'time');
  assert.match(time, /^(\d\d-\d\d )?1[34]:\d\d:\d\d$/, `update time ${time} is in Shanghai time (the tape is 14:14-14:25)`);
});

test('a stock at its limit-up price carries the 涨停 badge', { timeout: 15000 }, async () => {
  const { page } = suite.session;
  // 600392.SH sits at 22.01 on the tape, its 10% limit over 20.01.
  const atLimit = quotes.find((q) => q.symbol === '600392.SH');
  if (!atLimit) return;
  await page.waitForSelector('#board-table tr[data-symbol="600392.SH"] td[data-col="limit"] .badge.limit-up', {
    timeout: 10000,
  });
  assert.equal(await cellText(page, '600392.SH', 'limit'), '涨停');
});

test('sorting by change % orders the rows', { timeout: 15000 }, async () => {
  const { page } = suite.session;
  await page.click('#board-table th[data-col="pct"] button');
  await page.click('#board-table th[data-col="pct"] button');
  const ascending = await page.$eval('#board-table th[data-col="pct"]', (th) => th.getAttribute('aria-sort'));
  const pcts = await page.$$eval('#board-table tbody tr[data-symbol] td[data-col="pct"]', (tds) =>
    tds.map((td) => Number.parseFloat(td.textContent)).filter((v) => !Number.isNaN(v)),
  );
  const sorted = [...pcts].sort((a, b) => (ascending === 'ascending' ? a - b : b - a));
  assert.deepEqual(pcts, sorted);
});

test('no console errors, page errors or CSP violations', { timeout: 10000 }, async () => {
  const { page, problems } = suite.session;
  // Let the chart, sparklines and a few quote batches run before judging (a negative check: the
  // wait cannot make it fail falsely).
  await page.waitForTimeout(1500);
  const csp = await cspViolations(page);
  assert.deepEqual([...problems, ...csp], []);
});
