// An injected headline plus a move makes the rule engine fire, and the alert reaches the panel
// (how fast is printed, not asserted: a loaded machine sets that); its evidence opens and it can
// be acknowledged with a comment.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { boardSuite } from './support/board_suite.mjs';
import { cspViolations, openPage, waitForState } from './support/browser.mjs';
import { PROBE_SYMBOL, probeRules, probeScenario } from './support/probe.mjs';

// The tape plays out in about a second; the injected events then continue its day (the suite
// waits until the daemon has played the whole tape, so the injected quotes are the newest).
const TOKEN = 'browser-test-token-alert';
const suite = boardSuite({
  seconds: 1,
  token: TOKEN,
  args: ['--rules', probeRules(), '--no-loop'],
  tapeFinished: true,
});
const { daemon } = suite;
const scenario = probeScenario('14:26');
const ROW = `#alert-list li.alert[data-symbol="${PROBE_SYMBOL}"]`;

test('a headline plus a move shows an alert in the panel', { timeout: 30000 }, async () => {
  const { page } = suite.session;
  // Synthetic: 159713.SZ climbs from 1.490 to 1.525 (+2.3%) in two minutes after the headline.
  // The latency is measured and printed; the bound only catches an alert that never shows.
  const sent = Date.now();
  await daemon.ingest(scenario.events);
  const item = await page.waitForSelector(ROW, { timeout: 20000 }).catch(() => null);
  const elapsed = Date.now() - sent;
  assert.ok(item, `no alert for ${PROBE_SYMBOL} in the panel 20 s after the ingest was sent (daemon log:\n${daemon.log})`);
  console.log(`# alert shown ${elapsed} ms after the ingest was sent`);

  assert.equal(await item.getAttribute('data-severity'), 'critical');
  assert.match(await item.$eval('.rule', (n) => n.textContent), /browser-probe-reaction/);
});

test('the evidence opens with the headline and the move', { timeout: 30000 }, async () => {
  const { page } = suite.session;
  const item = await page.waitForSelector(ROW, { timeout: 10000 });
  await item.$eval('.evidence-toggle', (b) => b.click());
  const evidence = await item.waitForSelector('.evidence-body', { state: 'visible', timeout: 10000 });
  const text = await evidence.textContent();
  assert.ok(text.includes(scenario.headline.title), `evidence: ${text}`);
  const chart = await evidence.$('svg.spark polyline');
  assert.ok(chart, 'the evidence draws the window price path');
});

test('acknowledging with a comment posts it with the token and shows it', { timeout: 45000 }, async () => {
  const { page, problems } = suite.session;
  await page.click('#open-settings');
  await page.fill('#set-token', TOKEN);
  await page.click('#settings-form button[value="save"]');
  await waitForState(page, 'live', 15000);

  const item = await page.waitForSelector(ROW, { timeout: 10000 });
  const acked = page.waitForRequest((r) => /\/api\/v1\/alerts\/[^/]+\/ack$/.test(r.url()) && r.method() === 'POST', {
    timeout: 10000,
  });
  await item.$eval('.ack-input', (input) => {
    input.value = '已核实 checked with the desk';
  });
  await item.$eval('.ack-form', (form) => form.requestSubmit());
  const request = await acked;
  assert.equal(request.headers().authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(JSON.parse(request.postData()), { comment: '已核实 checked with the desk' });
  await item.waitForSelector('.ack-mark', { timeout: 10000 });
  assert.match(await item.$eval('.ack', (n) => n.textContent), /checked with the desk/);
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
});

test('another trader opening the board sees the acknowledgement', { timeout: 45000 }, async () => {
  const other = await openPage(suite.browser.context, `${daemon.url}/`);
  await waitForState(other.page, 'live', 15000);
  const item = await other.page.waitForSelector(ROW, { timeout: 10000 });
  await item.waitForSelector('.ack-mark', { timeout: 10000 });
  assert.match(await item.$eval('.ack', (n) => n.textContent), /checked with the desk/);
  await other.page.close();
});
