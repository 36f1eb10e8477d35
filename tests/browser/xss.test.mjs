// Headlines are feed text, silences and delivery records are typed by people and services: markup
// in any of them must show as characters and never run — on the board, in an alert's evidence, in
// the silences panel and in the deliveries of the single-alert view.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { boardSuite } from './support/board_suite.mjs';
import { cspViolations, openPage } from './support/browser.mjs';
import { PROBE_SYMBOL, probeRules, probeScenario } from './support/probe.mjs';
import { InjectingRelay } from './support/ws_inject.mjs';

const TOKEN = 'browser-test-token-xss';
// The rules make an alert of a headline (its evidence shows the title); the tape plays out first
// so the injected events are the newest.
const suite = boardSuite({ seconds: 1, token: TOKEN, args: ['--rules', probeRules(), '--no-loop'], tapeFinished: true });
const { daemon } = suite;
// `delivery` messages reach the page through this relay until the daemon's notifier sends them.
let relay;
before(async () => {
  relay = await new InjectingRelay(() => daemon.port).start();
});
after(async () => {
  await relay?.close();
});

const SCRIPT_TITLE = '稀土 probe <script>window.__pwned = "script"</script> 出口管制';
const IMG_TITLE = 'probe <img src=x onerror="window.__pwned = \'img\'"> & <b>bold</b> 稀土';

test('headlines with <script> and <img onerror> render as literal text', { timeout: 30000 }, async () => {
  const { page, problems } = suite.session;
  await daemon.ingest([
    {
      type: 'news',
      id: 'xss-probe-script',
      ts: '2026-02-09T14:25:30.000+08:00',
      source: '<i>probe</i>',
      title: SCRIPT_TITLE,
      body: '<script>window.__pwned = "body"</script>',
      url: 'javascript:window.__pwned="url"',
      symbols: ['159713.SZ'],
      tags: ['<svg onload=alert(1)>'],
    },
    {
      type: 'news',
      id: 'xss-probe-img',
      ts: '2026-02-09T14:25:31.000+08:00',
      source: 'probe',
      title: IMG_TITLE,
      symbols: ['600111.SH'],
    },
  ]);

  for (const [id, title] of [
    ['xss-probe-script', SCRIPT_TITLE],
    ['xss-probe-img', IMG_TITLE],
  ]) {
    const item = await page.waitForSelector(`#news-list li[data-id="${id}"]`, { timeout: 15000 });
    assert.equal(await item.$eval('.title', (n) => n.textContent), title);
  }
  const list = await page.$('#news-list');
  assert.equal(await list.$$eval('script, img, b, i, svg', (nodes) => nodes.length), 0, 'markup became elements');
  assert.equal(
    await page.$eval('#news-list li[data-id="xss-probe-script"] .source', (n) => n.textContent),
    '<i>probe</i>',
  );
  assert.equal(await page.$$eval('#news-list a[href^="javascript:"]', (a) => a.length), 0, 'javascript: link');
  await page.waitForTimeout(300); // a negative check follows: nothing may run
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'injected code ran');
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
});

const MARKUP = 'probe <img src=x onerror="window.__pwned = \'field\'"> <script>window.__pwned = "s"</script>';

test('an alert, a silence and a delivery record with markup render as literal text', { timeout: 60000 }, async () => {
  const { page } = suite.session;
  const scenario = probeScenario('14:30');
  const headline = { ...scenario.headline, id: 'xss-probe-alert', source: '<b>src</b>', title: `出口管制 ${MARKUP}` };
  await daemon.ingest([headline, ...scenario.events.slice(1)]);
  const card = await page.waitForSelector(`#alert-list li.alert[data-symbol="${PROBE_SYMBOL}"]`, { timeout: 20000 });
  const key = await card.getAttribute('data-key');
  await card.$eval('.evidence-toggle', (b) => b.click());
  assert.equal(await card.$eval('ul.headlines .title', (n) => n.textContent), headline.title);
  assert.equal(await card.$eval('ul.headlines .source', (n) => n.textContent), '<b>src</b>');

  // A silence typed with markup in every field a person fills in. Its author is who signed in
  // (the legacy api_token here), never the typed created_by (issue #17).
  const res = await fetch(`${daemon.url}/api/v1/silences`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ matchers: ['symbol="<svg onload=alert(1)>"'], created_by: MARKUP, comment: MARKUP, duration: '1h' }),
  });
  assert.equal(res.status, 201, await res.text());

  const view = await openPage(suite.browser.context, `${relay.url}/alerts/${encodeURIComponent(key)}`);
  const detail = await view.page.waitForSelector('article.alert-detail:not([hidden])', { timeout: 20000 });
  assert.equal(await detail.$eval('ul.headlines .title', (n) => n.textContent), headline.title);
  const silence = await view.page.waitForSelector('#silence-list li.silence', { timeout: 15000 });
  assert.equal(await silence.$eval('.silence-who', (n) => n.textContent), 'api_token');
  assert.equal(await silence.$eval('.silence-why', (n) => n.textContent), MARKUP);
  assert.equal(await silence.$eval('code.matcher', (n) => n.textContent), 'symbol="<svg onload=alert(1)>"');

  const record = {
    id: 'xss-entry',
    alert: key,
    notification: `${key}:firing`,
    receiver: MARKUP,
    kind: '<i>webhook</i>',
    state: 'failed',
    attempts: 1,
    enqueued_at: Date.parse('2026-02-09T14:32:01.000+08:00'),
    updated_at: Date.parse('2026-02-09T14:32:02.000+08:00'),
    detail: MARKUP,
    digest: false,
    instance: '<b>a</b>',
  };
  assert.ok(relay.inject({ type: 'delivery', alert: key, record }) >= 1);
  const delivery = await view.page.waitForSelector('.detail-deliveries li.delivery', { timeout: 10000 });
  assert.ok((await delivery.$eval('.delivery-detail', (n) => n.textContent)) === MARKUP);
  assert.equal(await delivery.$eval('.delivery-state', (n) => n.textContent), `${MARKUP} failed`);

  for (const p of [page, view.page]) {
    const injected = await p.$$eval('#alert-list script, #alert-list img, #alert-list b, .alert-view script, .alert-view img, .alert-view b, .alert-view i, .alert-view svg:not(.spark)', (n) => n.length);
    assert.equal(injected, 0, 'markup became elements');
  }
  await view.page.waitForTimeout(300); // a negative check follows: nothing may run
  for (const p of [page, view.page]) assert.equal(await p.evaluate(() => window.__pwned), undefined, 'injected code ran');
  assert.deepEqual([...suite.session.problems, ...(await cspViolations(page)), ...(await cspViolations(view.page))], []);
  const own = await fetch(`${daemon.url}/api/v1/alerts/${encodeURIComponent(key)}`);
  assert.equal(own.status, 200);
  assert.deepEqual(view.problems, []);
  await view.page.close();
});
