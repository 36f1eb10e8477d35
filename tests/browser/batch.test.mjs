// Batches (web/PROTOCOL.md): the page asks for them with ?batch=1; a burst of headlines arrives as
// "batch" frames and every headline still shows, in order, exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { boardSuite } from './support/board_suite.mjs';
import { cspViolations } from './support/browser.mjs';

const suite = boardSuite({ seconds: 5, token: 'browser-test-token-batch' });
const { daemon } = suite;

test('a burst of 300 headlines arrives in batch frames and every one is shown once', { timeout: 60000 }, async () => {
  const { page, problems } = suite.session;
  // A second socket, opened by hand in the page, counts the frames the server sends.
  await page.evaluate(() => {
    window.__frames = { batch: 0, single: 0, inBatches: 0, news: [] };
    const ws = new WebSocket(`ws://${location.host}/ws?batch=1`);
    window.__probe = ws;
    ws.addEventListener('message', (ev) => {
      const msg = JSON.parse(ev.data);
      const list = msg.type === 'batch' ? msg.messages : [msg];
      if (msg.type === 'batch') {
        window.__frames.batch += 1;
        window.__frames.inBatches += msg.messages.length;
      } else {
        window.__frames.single += 1;
      }
      for (const m of list) if (m.type === 'news' && m.id.startsWith('batch-')) window.__frames.news.push(m.id);
    });
    return new Promise((resolve) => ws.addEventListener('open', resolve));
  });
  const events = [];
  for (let i = 0; i < 300; i++) {
    events.push({
      type: 'news',
      id: `batch-${String(i).padStart(3, '0')}`,
      ts: Date.parse('2026-02-09T14:26:00.000+08:00') + i * 100, // epoch ms, increasing
      source: 'probe',
      title: `批量 headline ${i}`,
      symbols: ['159713.SZ'],
    });
  }
  await daemon.ingest(events);
  await page.waitForFunction(() => window.__frames.news.length >= 300, null, { timeout: 20000 });
  const frames = await page.evaluate(() => window.__frames);
  assert.deepEqual(frames.news, events.map((e) => e.id), 'every headline once, in order');
  assert.ok(frames.batch > 0, `no batch frame: ${JSON.stringify({ ...frames, news: frames.news.length })}`);
  assert.ok(frames.inBatches > frames.batch, 'batches carry several messages');
  // The page's own socket got them the same way: all 300 in the news list, none twice.
  await page.waitForFunction(
    () => document.querySelectorAll('#news-list li[data-id^="batch-"]').length >= 300,
    null,
    { timeout: 20000 },
  );
  const ids = await page.$$eval('#news-list li[data-id^="batch-"]', (nodes) => nodes.map((n) => n.dataset.id));
  assert.equal(new Set(ids).size, 300);
  assert.equal(ids.length, 300);
  await page.evaluate(() => window.__probe.close());
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
});
