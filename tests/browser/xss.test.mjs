// Headlines are feed text: markup in them must show as characters and never run.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { boardSuite } from './support/board_suite.mjs';
import { cspViolations } from './support/browser.mjs';

const suite = boardSuite({ seconds: 5, token: 'browser-test-token-xss' });
const { daemon } = suite;

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
