// The page on a phone (412×900): the board fits without horizontal scrolling and its header keeps
// its two rows; /alerts/KEY (a notification's link) shows that alert alone with its evidence,
// headline and deliveries; "mute this" makes a silence that the silences panel lists and "expire
// now" ends; a `delivery` message updates the alert's card and view as it arrives.
//
// The daemon is the real one, replaying the tiny tape with the probe rules (synthetic events make
// them fire). Until the daemon's notifier broadcasts deliveries, the `delivery` messages here are
// added to the daemon's own WebSocket stream by a relay (support/ws_inject.mjs); the checks on
// GET /api/v1/notify and /deliveries follow whatever the daemon answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { cspViolations, openBrowser, openPage, waitForState } from './support/browser.mjs';
import { Daemon, readTape, speedFor, tinyTape } from './support/daemon.mjs';
import { PROBE_SYMBOL, probeRules, probeScenario } from './support/probe.mjs';
import { headerLayout } from './support/layout.mjs';
import { signIn } from './support/sign_in.mjs';
import { InjectingRelay } from './support/ws_inject.mjs';

const WIDTH = 412;
const HEIGHT = 900;
const TOKEN = 'browser-test-token-phone';
const RULE = 'browser-probe-reaction';
const ROW = `#alert-list li.alert[data-symbol="${PROBE_SYMBOL}"]`;

const daemon = new Daemon({
  tape: tinyTape(),
  speed: speedFor(readTape(tinyTape()), 1),
  token: TOKEN,
  args: ['--rules', probeRules(), '--no-loop'],
});
const scenario = probeScenario('14:26');
let relay;
let browser;
let board; // the board at 412×900, through the relay: {page, problems, requests}
let view; // /alerts/KEY
let key = '';

function recordRequests(page, into) {
  page.on('request', (r) => into.push(`${r.method()} ${new URL(r.url()).pathname}`));
}

before(
  async () => {
    await daemon.start();
    relay = await new InjectingRelay(() => daemon.port).start();
    browser = await openBrowser({ width: WIDTH, height: HEIGHT });
    await daemon.tapeFinished();
    await daemon.ingest(scenario.events); // synthetic: 159713.SZ +2.35% in 2 minutes after a headline
    const requests = [];
    board = await openPage(browser.context, `${relay.url}/`, { beforeGoto: (p) => recordRequests(p, requests) });
    board.requests = requests;
    await waitForState(board.page, 'live', 30000);
    const item = await board.page.waitForSelector(ROW, { timeout: 20000 });
    key = await item.getAttribute('data-key');
    assert.ok(key, 'the card names its alert key');
  },
  { timeout: 90000 },
);

after(
  async () => {
    await browser?.close();
    await relay?.close();
    await daemon.cleanup();
  },
  { timeout: 30000 },
);

async function api(path, init = {}) {
  const res = await fetch(`${daemon.url}${path}`, { ...init, signal: AbortSignal.timeout(15000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

test('at 412×900 the board fits the screen and the header keeps its two rows', { timeout: 30000 }, async () => {
  const { page } = board;
  await page.waitForFunction(
    (s) => /\d/.test(document.querySelector(`#board-table tr[data-symbol="${s}"] td[data-col="last"]`)?.textContent ?? ''),
    PROBE_SYMBOL,
    { timeout: 15000 },
  );
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTH, `the page is ${width} px wide at a ${WIDTH}-px screen`);
  const header = await headerLayout(page);
  assert.ok(header.rows <= 2, `the header runs to ${header.rows} rows`);
  assert.deepEqual(header.wrapped, [], 'a header item wrapped onto a second line');
  // What a trader scans stays whole on screen; the secondary columns give way.
  const cells = await page.evaluate((s) => {
    const row = document.querySelector(`#board-table tr[data-symbol="${s}"]`);
    return [...row.querySelectorAll('td')].map((td) => {
      const r = td.getBoundingClientRect();
      return { col: td.dataset.col, shown: r.width > 0, right: r.right };
    });
  }, PROBE_SYMBOL);
  const shown = cells.filter((c) => c.shown);
  for (const col of ['symbol', 'name', 'last', 'pct']) assert.ok(shown.some((c) => c.col === col), `${col} is shown`);
  for (const c of shown) assert.ok(c.right <= WIDTH, `${c.col} ends at ${c.right} px`);
  assert.ok(!shown.some((c) => c.col === 'turnover'), 'turnover gives way on a phone');
});

test('/alerts/KEY shows the alert alone: evidence, headline and deliveries', { timeout: 45000 }, async () => {
  const requests = [];
  view = await openPage(browser.context, `${relay.url}/alerts/${encodeURIComponent(key)}`, {
    beforeGoto: (p) => recordRequests(p, requests),
  });
  const { page } = view;
  assert.equal(view.response.status(), 200);
  const detail = await page.waitForSelector('article.alert-detail:not([hidden])', { timeout: 20000 });
  assert.equal(await detail.getAttribute('data-key'), key);
  assert.equal(await page.isVisible('#board-table'), false, 'the board is not shown');
  assert.equal(await page.isVisible('#alert-list'), false, 'nor the other alerts');
  const text = await detail.textContent();
  assert.ok(text.includes(PROBE_SYMBOL) && text.includes(RULE), `symbol and rule: ${text}`);
  assert.match(text, /2026-02-09 14:28:00/, 'the alert time in exchange time');
  // The headline with its source and exchange time.
  const headline = await detail.$eval('ul.headlines li', (li) => li.textContent);
  assert.ok(headline.includes(scenario.headline.title), headline);
  assert.ok(headline.includes(scenario.headline.source), headline);
  assert.ok(headline.includes('14:26:00'), headline);
  // The window's price path, drawn.
  assert.ok(await detail.$('.detail-evidence-body svg.spark polyline'), 'the price path');
  assert.match(await detail.$eval('dl.move', (n) => n.textContent), /1\.490 → 1\.525/);

  const notify = await api('/api/v1/notify');
  assert.equal(notify.status, 200);
  const deliveries = await detail.$('.detail-deliveries');
  if (notify.body.enabled) {
    // Needs the daemon's notifier and a receiver the probe rule routes to.
    await deliveries.waitForSelector('li.delivery', { timeout: 20000 });
  } else {
    await page.waitForFunction(
      () => /notifications are not configured/.test(document.querySelector('.detail-deliveries')?.textContent ?? ''),
      null,
      { timeout: 10000 },
    );
    assert.ok(!requests.some((r) => r.endsWith('/deliveries')), 'no ledger to ask');
  }

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTH, `the alert view is ${width} px wide`);
  assert.deepEqual(await cspViolations(page), []);
  // The daemon answers for the alert alone (its notifications, oldest first).
  const own = await api(`/api/v1/alerts/${encodeURIComponent(key)}`);
  assert.equal(own.status, 200);
  assert.equal(own.body.notifications[0].id, `${key}:firing`);
  assert.deepEqual(view.problems, []);
});

test('mute this: a silence appears in the panel and "expire now" ends it', { timeout: 60000 }, async () => {
  const { page } = view;
  await signIn(page, TOKEN);
  await waitForState(page, 'live', 15000);

  await page.click('.detail-actions .mute-button');
  const dialog = await page.waitForSelector('#mute-dialog[open]', { timeout: 10000 });
  assert.equal(await dialog.$eval('input[name="scope"]:checked', (i) => i.value), 'rule-symbol');
  await dialog.$eval('input[name="for"][value="close"]', (i) => i.click());
  await page.fill('#mute-dialog input[name="comment"]', '已知消息 known news (synthetic test)');
  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/silences') && r.method() === 'POST', {
    timeout: 10000,
  });
  await dialog.$eval('button[value="mute"]', (b) => b.click());
  const request = await posted;
  assert.equal(request.headers().authorization, `Bearer ${TOKEN}`);
  // The tape's clock (the daemon only replays it): 14:28 on Monday 2026-02-09, before the close.
  // No typed name: the author the body carries is the signed-in user (a server with users
  // records its own idea of who that is anyway).
  const { created_by: author, ...silence } = JSON.parse(request.postData());
  assert.equal(typeof author, 'string');
  assert.ok(author.length > 0);
  assert.deepEqual(silence, {
    matchers: [`rule="${RULE}"`, `symbol="${PROBE_SYMBOL}"`],
    comment: '已知消息 known news (synthetic test)',
    ends_at: '2026-02-09T15:00:00.000+08:00',
  });

  const item = await page.waitForSelector('#silence-list li.silence', { timeout: 10000 });
  assert.equal(await page.isVisible('#mute-dialog'), false, 'the dialog closed');
  const row = await item.textContent();
  for (const part of [`rule="${RULE}"`, `symbol="${PROBE_SYMBOL}"`, 'known news', '15:00:00']) {
    assert.ok(row.includes(part), `${part} in ${row}`);
  }
  const listed = await api('/api/v1/silences');
  const active = listed.body.silences.filter((s) => s.active);
  assert.equal(active.length, 1, JSON.stringify(listed.body));
  assert.ok(
    !(await page.evaluate(() => JSON.stringify({ ...localStorage }))).includes(TOKEN),
    'the token is never kept in localStorage',
  );

  const deleted = page.waitForRequest((r) => r.method() === 'DELETE' && r.url().includes('/api/v1/silences/'), {
    timeout: 10000,
  });
  await item.$eval('.expire-button', (b) => b.click());
  assert.ok((await deleted).url().endsWith(`/api/v1/silences/${active[0].id}`));
  await page.waitForSelector('#silence-list li.empty', { timeout: 10000 });
  assert.equal((await api('/api/v1/silences')).body.silences.filter((s) => s.active).length, 0);

  // From a card on the board too: this symbol, for 30 minutes (the daemon counts them). Signed in
  // "for this tab", the token survives the reload.
  const cardPage = board.page;
  await signIn(cardPage, TOKEN, { remember: 'tab' });
  await cardPage.reload({ waitUntil: 'load' });
  await waitForState(cardPage, 'live', 15000);
  const card = await cardPage.waitForSelector(ROW, { timeout: 15000 });
  await card.$eval('.mute-button', (b) => b.click());
  const cardDialog = await cardPage.waitForSelector('#mute-dialog[open]', { timeout: 10000 });
  await cardDialog.$eval('input[name="scope"][value="symbol"]', (i) => i.click());
  await cardPage.fill('#mute-dialog input[name="comment"]', 'watching');
  const fromCard = cardPage.waitForRequest((r) => r.url().endsWith('/api/v1/silences') && r.method() === 'POST');
  await cardDialog.$eval('button[value="mute"]', (b) => b.click());
  const body = JSON.parse((await fromCard).postData());
  assert.deepEqual(body.matchers, [`symbol="${PROBE_SYMBOL}"`]);
  assert.equal(body.duration, '30m');
  const panelRow = await cardPage.waitForSelector('#silence-list li.silence', { timeout: 10000 });
  await panelRow.$eval('.expire-button', (b) => b.click());
  await cardPage.waitForSelector('#silence-list li.empty', { timeout: 10000 });
  assert.deepEqual([...board.problems, ...(await cspViolations(cardPage))], []);
});

test('a delivery message updates the card and the alert view as it arrives', { timeout: 45000 }, async () => {
  const { page } = board;
  const card = await page.waitForSelector(ROW, { timeout: 10000 });
  assert.ok(!board.requests.some((r) => r.endsWith('/deliveries')), 'no card asked for its deliveries on load');
  const notify = await api('/api/v1/notify');
  await card.$eval('.evidence-toggle', (b) => b.click());
  if (notify.body.enabled) {
    // Needs the daemon's notifier: an opened card asks the ledger.
    await page.waitForRequest((r) => r.url().endsWith(`/api/v1/alerts/${key}/deliveries`), { timeout: 10000 });
  } else {
    const answer = await api(`/api/v1/alerts/${encodeURIComponent(key)}/deliveries`);
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.body, { error: 'notifications are not configured' });
  }

  // Added to the daemon's stream by the relay until its notifier broadcasts them (see the top).
  const base = {
    id: 'synthetic-entry-desk',
    alert: key,
    notification: `${key}:firing`,
    receiver: 'desk',
    kind: 'dingtalk',
    attempts: 0,
    enqueued_at: Date.parse('2026-02-09T14:28:01.000+08:00'),
    detail: '',
    digest: false,
    instance: 'browser-test',
  };
  const send = (record) => assert.ok(relay.inject({ type: 'delivery', alert: key, record }) >= 2, 'both pages get it');
  const deliveryText = (p, sel) =>
    p.evaluate((s) => [...document.querySelectorAll(s)].map((li) => li.textContent), sel);

  send({ ...base, state: 'pending', updated_at: base.enqueued_at });
  await page.waitForFunction((s) => /desk pending/.test(document.querySelector(s)?.textContent ?? ''), `${ROW} .deliveries`);
  send({ ...base, state: 'sent', attempts: 1, updated_at: Date.parse('2026-02-09T14:28:03.000+08:00') });
  send({
    ...base,
    id: 'synthetic-entry-ops',
    receiver: 'ops',
    kind: 'webhook',
    state: 'failed',
    attempts: 1,
    updated_at: Date.parse('2026-02-09T14:28:04.000+08:00'),
    detail: '401 {"errcode":310000,"errmsg":"sign not match, more: https://open.dingtalk.com/document/robots/faq"}',
  });
  await page.waitForFunction(
    (s) => document.querySelectorAll(`${s} .deliveries li.state-failed`).length === 1,
    ROW,
    { timeout: 10000 },
  );
  const lines = await deliveryText(page, `${ROW} .deliveries li`);
  assert.deepEqual(lines.sort(), [
    'ops failed: 401 {"errcode":310000,"errmsg":"sign not match, more: https…',
    'sent to desk 14:28:03 ✓',
  ]);
  // The view lists every record with its details.
  await view.page.waitForFunction(() => document.querySelectorAll('.detail-deliveries li.delivery').length === 2, null, {
    timeout: 10000,
  });
  const full = (await deliveryText(view.page, '.detail-deliveries li.delivery')).join('\n');
  assert.match(full, /sent to desk 14:28:03 ✓/);
  assert.match(full, /ops failed\s*webhook · firing · 1× · 2026-02-09 14:28:04/);
  assert.match(full, /sign not match, more: https:\/\/open\.dingtalk\.com\/document\/robots\/faq/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTH, `with deliveries the page is ${width} px wide`);
  assert.deepEqual([...board.problems, ...(await cspViolations(page))], []);
});
