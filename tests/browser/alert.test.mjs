// An injected headline plus a move makes the rule engine fire, and the alert reaches the panel
// within a second; its evidence opens and it can be acknowledged with a comment.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { cspViolations, openBrowser, openPage, waitForState } from './support/browser.mjs';
import { Daemon, readTape, sourceDir, speedFor, tinyTape } from './support/daemon.mjs';

const TOKEN = 'browser-test-token-alert';
const tape = readTape(tinyTape());
const rules = path.join(sourceDir(), 'tests/browser/fixtures/probe-rules.yaml');
// The tape plays out in about a second; the injected events then continue its day.
const daemon = new Daemon({
  tape: tinyTape(),
  speed: speedFor(tape, 1),
  token: TOKEN,
  args: ['--rules', rules, '--no-loop'],
});
let browser;
let session;

const HEADLINE = {
  type: 'news',
  id: 'browser-probe-1426',
  ts: '2026-02-09T14:26:00.000+08:00',
  source: '合成 synthetic',
  title: '稀土出口管制细则落地 (synthetic browser probe)',
  symbols: ['159713.SZ'],
};

function quote(ts, last) {
  return {
    type: 'quote',
    symbol: '159713.SZ',
    ts: `2026-02-09T${ts}+08:00`,
    last,
    prev_close: 1.441,
    open: 1.449,
    high: Math.max(1.493, last),
    low: 1.449,
    volume: 345000000,
    turnover: 508000000.0,
  };
}

before(async () => {
  await daemon.start();
  browser = await openBrowser();
  session = await openPage(browser.context, `${daemon.url}/`);
  await waitForState(session.page, 'live', 15000);
  // Let the short tape finish so the injected quotes are the newest.
  await session.page.waitForTimeout(2000);
});

after(async () => {
  await browser?.close();
  await daemon.cleanup();
});

test('a headline plus a move shows an alert in the panel within one second', { timeout: 30000 }, async () => {
  const { page } = session;
  // Synthetic: 159713.SZ climbs from 1.490 to 1.525 (+2.3%) in two minutes after the headline.
  await daemon.ingest([HEADLINE, quote('14:26:10.000', 1.49), quote('14:27:00.000', 1.505), quote('14:28:00.000', 1.525)]);
  const posted = Date.now();
  const item = await page
    .waitForSelector('#alert-list li.alert[data-symbol="159713.SZ"]', { timeout: 1000 })
    .catch(() => null);
  const elapsed = Date.now() - posted;
  assert.ok(item, `no alert for 159713.SZ in the panel 1 s after the ingest (daemon log:\n${daemon.log})`);
  console.log(`# alert shown ${elapsed} ms after the ingest answered`);

  assert.equal(await item.getAttribute('data-severity'), 'critical');
  assert.match(await item.$eval('.rule', (n) => n.textContent), /browser-probe-reaction/);
});

test('the evidence opens with the headline and the move', { timeout: 15000 }, async () => {
  const { page } = session;
  const item = await page.waitForSelector('#alert-list li.alert[data-symbol="159713.SZ"]', { timeout: 5000 });
  await item.$eval('.evidence-toggle', (b) => b.click());
  const evidence = await item.waitForSelector('.evidence-body', { state: 'visible', timeout: 2000 });
  const text = await evidence.textContent();
  assert.ok(text.includes(HEADLINE.title), `evidence: ${text}`);
  const chart = await evidence.$('svg.spark polyline');
  assert.ok(chart, 'the evidence draws the window price path');
});

test('acknowledging with a comment posts it with the token and shows it', { timeout: 20000 }, async () => {
  const { page, problems } = session;
  await page.click('#open-settings');
  await page.fill('#set-token', TOKEN);
  await page.click('#settings-form button[value="save"]');
  await waitForState(page, 'live', 15000);

  const item = await page.waitForSelector('#alert-list li.alert[data-symbol="159713.SZ"]', { timeout: 5000 });
  const acked = page.waitForRequest((r) => /\/api\/v1\/alerts\/[^/]+\/ack$/.test(r.url()) && r.method() === 'POST', {
    timeout: 5000,
  });
  await item.$eval('.ack-input', (input) => {
    input.value = '已核实 checked with the desk';
  });
  await item.$eval('.ack-form', (form) => form.requestSubmit());
  const request = await acked;
  assert.equal(request.headers().authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(JSON.parse(request.postData()), { comment: '已核实 checked with the desk' });
  await item.waitForSelector('.ack-mark', { timeout: 5000 });
  assert.match(await item.$eval('.ack', (n) => n.textContent), /checked with the desk/);
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
});

test('another trader opening the board sees the acknowledgement', { timeout: 20000 }, async () => {
  const other = await openPage(browser.context, `${daemon.url}/`);
  await waitForState(other.page, 'live', 15000);
  const item = await other.page.waitForSelector('#alert-list li.alert[data-symbol="159713.SZ"]', { timeout: 5000 });
  await item.waitForSelector('.ack-mark', { timeout: 5000 });
  assert.match(await item.$eval('.ack', (n) => n.textContent), /checked with the desk/);
  await other.page.close();
});
