// Each alert's deliveries on the board, from the real notifier: the daemon sends its alerts to
// two loopback webhook receivers (one takes them, one answers 401 as a receiver with a bad
// secret would), and the opened card shows "sent to ops HH:MM:SS ✓" and "desk failed: …" from
// the ledger, then keeps up with the live `delivery` messages. No relay: every record here was
// written by the daemon's own notifier.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { cspViolations, openBrowser, openPage, waitForState } from './support/browser.mjs';
import { Daemon, readTape, speedFor, tinyTape } from './support/daemon.mjs';
import { PROBE_SYMBOL, probeRules, probeScenario } from './support/probe.mjs';

const TOKEN = 'browser-test-token-deliveries';
const ROW = `#alert-list li.alert[data-symbol="${PROBE_SYMBOL}"]`;

/** A loopback webhook receiver answering every POST with `status`; counts what it got. */
function receiver(status) {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ id: req.headers['webhook-id'], body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{}' : '{"error":"bad signature"}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, got, url: `http://127.0.0.1:${server.address().port}/hook` })),
  );
}

let ops;
let desk;
let daemon;
let browser;
const scenario = probeScenario('14:26');

before(
  async () => {
    ops = await receiver(200);
    desk = await receiver(401);
    const dir = mkdtempSync(path.join(tmpdir(), 'lodestone-deliveries-'));
    const config = path.join(dir, 'notify.yaml');
    writeFileSync(
      config,
      [
        'notify:',
        '  public_url: http://127.0.0.1:8080',
        '  receivers:',
        `    - {name: ops, kind: webhook, url: "${ops.url}"}`,
        `    - {name: desk, kind: webhook, url: "${desk.url}"}`,
        '  routes:',
        '    - {receivers: [ops, desk], group_interval: 1s}',
        '',
      ].join('\n'),
    );
    daemon = new Daemon({
      tape: tinyTape(),
      speed: speedFor(readTape(tinyTape()), 1),
      token: TOKEN,
      args: ['--config', config, '--rules', probeRules(), '--no-loop'],
    });
    await daemon.start();
    browser = await openBrowser({ width: 1280, height: 900 });
    await daemon.tapeFinished();
    await daemon.ingest(scenario.events); // synthetic: 159713.SZ +2.35% in 2 minutes after a headline
  },
  { timeout: 90000 },
);

after(
  async () => {
    await browser?.close();
    await daemon?.cleanup();
    ops?.server.close();
    desk?.server.close();
  },
  { timeout: 30000 },
);

test('an opened card shows where its alert went, as the ledger says', { timeout: 60000 }, async () => {
  const board = await openPage(browser.context, `${daemon.url}/`);
  await waitForState(board.page, 'live', 30000);
  const card = await board.page.waitForSelector(ROW, { timeout: 20000 });
  const key = await card.getAttribute('data-key');
  await card.$eval('.evidence-toggle', (b) => b.click());
  const sent = await board.page
    .waitForFunction(
      (row) => {
        const text = document.querySelector(row)?.textContent ?? '';
        return /sent to ops (\d\d-\d\d )?\d\d:\d\d:\d\d ✓/.test(text) && /desk failed: /.test(text) ? text : false;
      },
      ROW,
      { timeout: 20000 },
    )
    .catch(async (e) => {
      const text = await card.textContent();
      const ledger = await (await fetch(`${daemon.url}/api/v1/alerts/${encodeURIComponent(key)}/deliveries`)).text();
      throw new Error(`${e.message}\ncard: ${text}\nops got ${ops.got.length}, desk got ${desk.got.length}\nledger: ${ledger}\n${daemon.log}`);
    });
  const text = await sent.jsonValue();
  assert.match(text, /desk failed: .*401/);
  assert.ok(ops.got.length >= 1, 'ops got the alert');
  assert.ok(ops.got.every((m) => m.id), 'every message carries its webhook-id');

  // The same from the API: one record per receiver, each in its final state.
  const res = await fetch(`${daemon.url}/api/v1/alerts/${encodeURIComponent(key)}/deliveries`);
  assert.equal(res.status, 200);
  const ledger = await res.json();
  const states = Object.fromEntries(ledger.deliveries.filter((r) => r.notification.endsWith(':firing')).map((r) => [r.receiver, r.state]));
  assert.deepEqual(states, { ops: 'sent', desk: 'failed' });
  for (const r of ledger.deliveries) assert.ok(!JSON.stringify(r).includes('/hook'), 'no receiver URL in the ledger');

  // The broken receiver is named where an operator looks.
  const notify = await (await fetch(`${daemon.url}/api/v1/notify`)).json();
  assert.equal(notify.receivers.find((r) => r.name === 'desk').health, 'broken');
  assert.equal(notify.receivers.find((r) => r.name === 'ops').health, 'ok');
  assert.deepEqual([...board.problems, ...(await cspViolations(board.page))], []);
});

test('a headline withdrawn at its source: the news item is marked and the alert it explained is told to every receiver', { timeout: 60000 }, async () => {
  const board = await openPage(browser.context, `${daemon.url}/`);
  await waitForState(board.page, 'live', 30000);
  const card = await board.page.waitForSelector(ROW, { timeout: 20000 });
  const key = await card.getAttribute('data-key');
  const before = ops.got.length;
  // The same story again, withdrawn (the feeds' convention: the tag `retracted`).
  await daemon.ingest([{ ...scenario.headline, tags: ['retracted'] }]);
  await board.page.waitForSelector(`#news-list li.news.retracted[data-id="${scenario.headline.id}"]`, { timeout: 20000 });
  // The alert rested on that headline: its update or resolution reaches ops under the same key.
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && !ops.got.slice(before).some((m) => m.body.includes(key))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const told = ops.got.slice(before).find((m) => m.body.includes(key));
  assert.ok(told, 'ops heard of the withdrawal');
  assert.match(told.body, /retracted/);
  const res = await fetch(`${daemon.url}/api/v1/alerts/${encodeURIComponent(key)}`);
  const own = await res.json();
  assert.ok(own.notifications.length >= 2, 'the alert has a later notification than its firing');
  assert.equal(own.notifications.at(-1).labels.reason, 'retracted');
  assert.deepEqual([...board.problems, ...(await cspViolations(board.page))], []);
});
