// The page loses its connection and gets it back by itself: first the network drops while the
// daemon keeps running (the alert fired meanwhile arrives through resume, none twice), then the
// daemon dies and restarts behind the same address with an empty store (the page notices and
// resumes from the new store's start). The page talks to the relay, whose address stays; the
// restarted daemon takes a fresh port (its old one, free while it was down, may have been taken
// by then: it is in the kernel's ephemeral range).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { cellText, cspViolations, openBrowser, openPage, waitForState } from './support/browser.mjs';
import { Daemon, readTape, speedFor, tinyTape } from './support/daemon.mjs';
import { PROBE_SYMBOL, probeRules, probeScenario } from './support/probe.mjs';
import { Relay } from './support/proxy.mjs';

const TOKEN = 'browser-test-token-reconnect';
const tape = readTape(tinyTape());
const daemonOptions = () => ({
  tape: tinyTape(),
  speed: speedFor(tape, 1),
  token: TOKEN,
  args: ['--rules', probeRules(), '--no-loop'],
});
let daemon = new Daemon(daemonOptions());
const relay = new Relay(() => daemon.port);
let browser;
let session;
const sent = []; // every frame the page sends: {connection, msg}

async function alertKeys(page) {
  return page.$$eval('#alert-list li.alert', (lis) => lis.map((li) => li.dataset.key));
}

async function waitForAlerts(page, count, timeout) {
  await page.waitForFunction((n) => document.querySelectorAll('#alert-list li.alert').length >= n, count, { timeout });
}

/** The `resume` each connection sent, in connection order. */
function resumes() {
  return sent.filter((s) => s.msg?.type === 'resume').map((s) => ({ connection: s.connection, after: s.msg.after }));
}

async function until(check, timeout, what) {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  await daemon.start();
  await relay.start();
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
          // Kept as text: the assertions show what was sent.
        }
        sent.push({ connection: n, msg });
      });
    });
  session = await openPage(browser.context, `${relay.url}/`, { beforeGoto: record });
  await waitForState(session.page, 'live', 30000);
  await daemon.tapeFinished(); // the one-second tape plays out: the injected events are newer
}, { timeout: 60000 });

after(async () => {
  await browser?.close();
  await relay.close();
  await daemon.cleanup();
}, { timeout: 30000 });

test('a dropped connection resumes with the alert it missed, and none twice', { timeout: 60000 }, async () => {
  const { page } = session;
  // Each bound below only stops a hang: the waits end at their events.
  await daemon.ingest(probeScenario('14:26').events);
  await waitForAlerts(page, 1, 15000);
  const [first] = await alertKeys(page);
  const seqBefore = await page.$eval('#alert-list li.alert', (li) => Number(li.dataset.seq));
  assert.ok(seqBefore > 0, 'the first alert carries its seq');

  relay.disconnect();
  await waitForState(page, 'reconnecting', 15000);
  assert.match(await page.$eval('#conn', (n) => n.textContent), /RECONNECTING/);

  // Fired while the page cannot hear it.
  const missed = probeScenario('14:35', 1.525);
  await daemon.ingest(missed.events);
  relay.restore();
  await waitForState(page, 'live', 20000);
  await waitForAlerts(page, 2, 15000);

  const keys = await alertKeys(page);
  assert.equal(new Set(keys).size, keys.length, `an alert is listed twice: ${keys}`);
  assert.ok(keys.includes(first), 'the alert seen before the drop is still listed');
  await until(() => resumes().length >= 2, 10000, 'no resume after the drop');
  const last = resumes().at(-1);
  assert.equal(last.after, seqBefore, `the reconnection resumed after the last seq it saw: ${JSON.stringify(resumes())}`);
  await page.waitForFunction(
    ([s, v]) => document.querySelector(`#board-table tr[data-symbol="${s}"] td[data-col="last"]`)?.textContent === v,
    [PROBE_SYMBOL, missed.last],
    { timeout: 15000 },
  );
});

test('the page reconnects after the daemon restarts behind the same address', { timeout: 90000 }, async () => {
  const { page, problems } = session;
  const keysBefore = await alertKeys(page);
  const resumesBefore = resumes().length;
  const oldPort = daemon.port;
  await daemon.kill();
  await waitForState(page, 'reconnecting', 15000);
  // The last prices stay on screen, marked as not live.
  assert.notEqual(await cellText(page, PROBE_SYMBOL, 'last'), null);
  assert.equal(await page.$eval('body', (b) => b.dataset.conn), 'reconnecting');

  daemon = new Daemon(daemonOptions());
  await daemon.start();
  console.log(`# daemon restarted on port ${daemon.port} (was ${oldPort}); the page's address is the relay's`);
  // Backoff is capped at 8 s (with 20% jitter), so the page is back within about 10 s; the bound
  // leaves a loaded machine room.
  await waitForState(page, 'live', 30000);

  // The new process keeps alerts in memory only: its seqs start again, so resuming after the
  // old seq would skip its alerts. The page asks, notices, and resumes from the start.
  await until(() => resumes().length > resumesBefore, 10000, 'no resume after the restart');
  assert.equal(resumes().at(-1).after, 0, `resume after a restart: ${JSON.stringify(resumes())}`);

  const fresh = probeScenario('14:45');
  await daemon.ingest(fresh.events);
  await waitForAlerts(page, keysBefore.length + 1, 15000);
  const keys = await alertKeys(page);
  assert.equal(new Set(keys).size, keys.length, `an alert is listed twice: ${keys}`);
  for (const k of keysBefore) assert.ok(keys.includes(k), `alert ${k} from before the restart is still listed`);
  await page.waitForFunction(
    ([s, v]) => document.querySelector(`#board-table tr[data-symbol="${s}"] td[data-col="last"]`)?.textContent === v,
    [PROBE_SYMBOL, fresh.last],
    { timeout: 15000 },
  );

  // Chromium logs each refused or reset connection attempt while the daemon is unreachable; nothing else is expected.
  const unexpected = problems.filter((p) => !/WebSocket connection to .* failed|ERR_CONNECTION_(REFUSED|RESET)/.test(p));
  assert.deepEqual([...unexpected, ...(await cspViolations(page))], []);
});
