// The daemon dies and comes back on the same port: the page says so, reconnects by itself,
// resumes its alert stream and follows the board again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { cellText, cspViolations, openBrowser, openPage, waitForState } from './support/browser.mjs';
import { Daemon, readTape, speedFor, tinyTape } from './support/daemon.mjs';

const tape = readTape(tinyTape());
// Slow enough that the tape is still playing after the restart.
const speed = speedFor(tape, 60);
let daemon = new Daemon({ tape: tinyTape(), speed });
let browser;
let session;
const sent = []; // every frame the page sends, in order, with the connection it went on

before(async () => {
  await daemon.start();
  browser = await openBrowser();
  let connection = 0;
  const record = (page) =>
    page.on('websocket', (ws) => {
      const n = ++connection;
      ws.on('framesent', (frame) => {
        let msg = frame.payload;
        try {
          msg = JSON.parse(frame.payload);
        } catch {
          // Kept as text: the assertions below show what was sent.
        }
        sent.push({ connection: n, msg });
      });
    });
  session = await openPage(browser.context, `${daemon.url}/`, { beforeGoto: record });
});

after(async () => {
  await browser?.close();
  await daemon.cleanup();
});

test('the page reconnects after the daemon restarts and follows the board again', { timeout: 60000 }, async () => {
  const { page, problems } = session;
  await waitForState(page, 'live', 15000);
  await page.waitForFunction(() => document.querySelectorAll('#board-table tr[data-symbol]').length > 0, null, {
    timeout: 10000,
  });
  // The symbol quoted most often on the tape: its update time moves with every quote.
  const counts = new Map();
  for (const e of tape) if (e.type === 'quote') counts.set(e.symbol, (counts.get(e.symbol) ?? 0) + 1);
  const symbol = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  await page.waitForSelector(`#board-table tr[data-symbol="${symbol}"]`, { timeout: 10000 });

  const port = daemon.port;
  await daemon.kill();
  await waitForState(page, 'reconnecting', 5000);
  const label = await page.$eval('#conn', (n) => n.textContent);
  assert.match(label, /RECONNECTING/);

  // A reconnecting page keeps the last prices on screen, marked as not live.
  assert.notEqual(await cellText(page, symbol, 'last'), null);

  daemon = new Daemon({ tape: tinyTape(), speed, port });
  await daemon.start();
  assert.equal(daemon.port, port);
  // Backoff is capped at 8 s (with 20% jitter), so the page is back well within 15 s.
  await waitForState(page, 'live', 15000);

  // The restarted replay plays its tape again: quotes reach the board once more.
  const before = await cellText(page, symbol, 'time');
  await page.waitForFunction(
    ([s, was]) => document.querySelector(`#board-table tr[data-symbol="${s}"] td[data-col="time"]`)?.textContent !== was,
    [symbol, before],
    { timeout: 30000 },
  );

  // Every connection subscribed and resumed; the resume after the restart carried the page's
  // last alert seq, or 0 for a new server instance whose seqs start again.
  const connections = [...new Set(sent.map((s) => s.connection))];
  assert.ok(connections.length >= 2, `frames were sent on ${connections.length} connection(s)`);
  for (const c of connections.slice(0, 2)) {
    const msgs = sent.filter((s) => s.connection === c).map((s) => s.msg);
    assert.ok(msgs.some((m) => m.type === 'subscribe'), `connection ${c} subscribed: ${JSON.stringify(msgs)}`);
    const resume = msgs.find((m) => m.type === 'resume');
    assert.ok(resume && Number.isInteger(resume.after) && resume.after >= 0, `connection ${c} resumed: ${JSON.stringify(msgs)}`);
  }
  const seqs = await page.$$eval('#alert-list li.alert', (lis) => lis.map((li) => li.dataset.id));
  assert.equal(new Set(seqs).size, seqs.length, 'an alert is listed twice after the resume');

  // Failed connection attempts are logged by Chromium as errors while the daemon is down; anything else is not expected.
  const unexpected = problems.filter((p) => !/WebSocket connection to .* failed/.test(p));
  assert.deepEqual([...unexpected, ...(await cspViolations(page))], []);
});
