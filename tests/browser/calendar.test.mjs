// The calendar banner: shown while fewer than 30 days of exchange closures are known (and after
// the calendar has run out), from the snapshot's `calendar` status; hidden otherwise. The daemon
// reads a calendar file chosen so the outcome does not depend on today's date (it ended in 2001).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { calendarNotice } from '../../web/frontend/src/calendar_banner.js';
import { boardSuite } from './support/board_suite.mjs';

test('the notice says how long the calendar lasts, or that it has run out', () => {
  assert.equal(calendarNotice(undefined), '');
  assert.equal(calendarNotice({ last_known_day: '2026-12-31', days_known: 200, warn: false }), '');
  const soon = calendarNotice({ last_known_day: '2026-12-31', days_known: 27, warn: true });
  assert.match(soon, /2026-12-31/);
  assert.match(soon, /余 27 天/);
  assert.match(soon, /in 27 days/);
  const past = calendarNotice({ last_known_day: '2026-12-31', days_known: -3, warn: true });
  assert.match(past, /ended 2026-12-31: every weekday counts as a trading day, holidays included/);
});

const dir = mkdtempSync(path.join(tmpdir(), 'lodestone-calendar-browser-'));
const calendar = path.join(dir, 'calendar.yaml');
const config = path.join(dir, 'lodestone.yaml');
writeFileSync(calendar, '2001:\n  source: test notice\n  closed: {}\n');
writeFileSync(config, `calendar: ${calendar}\n`);
after(() => rmSync(dir, { recursive: true, force: true }));

const suite = boardSuite({ seconds: 5, args: ['--config', config] });

test('the page shows the banner when the calendar has run out', { timeout: 30000 }, async () => {
  const { page, problems } = suite.session;
  const banner = await page.waitForSelector('#calendar-banner:not([hidden])', { timeout: 15000 });
  assert.match(await banner.textContent(), /the trading calendar ended 2001-12-31/);
  assert.equal(await page.$eval('#banner', (n) => n.hidden), true, 'the error banner stays for errors');
  assert.deepEqual(problems, []);
});
