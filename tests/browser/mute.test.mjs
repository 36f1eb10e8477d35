// The page's pure rules for "mute this" and the deliveries, run in node (no browser): when
// "until the close" and "until tomorrow's open" end, what a silence matches and says, and how a
// delivery record reads on a card. Trading days are the snapshot's (holidays known), weekdays
// past them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { alertKey, alertPath } from '../../web/frontend/src/alert_fields.js';
import { alertKeyOfPath } from '../../web/frontend/src/alert_view.js';
import { DeliveryBook, deliveryText, readRecord } from '../../web/frontend/src/deliveries.js';
import { muteScopes, silenceBody } from '../../web/frontend/src/mute.js';
import {
  exchangeParts,
  isTradingDay,
  knownCalendar,
  muteUntil,
  nextTradingDay,
} from '../../web/frontend/src/sessions.js';

// The snapshot the server sends on 2026-02-13 (a Friday before 春节, closed 02-16..02-23).
const CALENDAR = knownCalendar(
  {
    trading_days: ['2026-02-13', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-03-02'],
  },
  '2026-02-13T09:00:00.000+08:00',
);
const at = (iso) => Date.parse(iso);

test('exchange time is +08:00 whatever the machine zone is', () => {
  assert.deepEqual(exchangeParts(at('2026-02-13T14:59:00+08:00')), { day: '2026-02-13', minutes: 899 });
  assert.deepEqual(exchangeParts(at('2026-02-12T16:30:00Z')), { day: '2026-02-13', minutes: 30 });
});

test('trading days come from the snapshot inside its span and are weekdays outside it', () => {
  assert.equal(isTradingDay('2026-02-16', CALENDAR), false, '春节');
  assert.equal(isTradingDay('2026-02-24', CALENDAR), true);
  assert.equal(isTradingDay('2026-02-14', CALENDAR), false, 'Saturday');
  assert.equal(nextTradingDay('2026-02-13', CALENDAR), '2026-02-24', 'over the holiday');
  assert.equal(nextTradingDay('2026-03-02', CALENDAR), '2026-03-03', 'past the list: weekdays');
  assert.equal(nextTradingDay('2026-03-06', CALENDAR), '2026-03-09', 'past the list: over a weekend');
  const none = knownCalendar(undefined, undefined);
  assert.equal(nextTradingDay('2026-02-13', none), '2026-02-16', 'no calendar: weekdays only');
});

test('until the close is today at 15:00 before it, else the next session', () => {
  assert.equal(muteUntil('close', at('2026-02-13T10:21:03+08:00'), CALENDAR), '2026-02-13T15:00:00.000+08:00');
  assert.equal(muteUntil('close', at('2026-02-13T08:00:00+08:00'), CALENDAR), '2026-02-13T15:00:00.000+08:00');
  assert.equal(muteUntil('close', at('2026-02-13T15:00:00+08:00'), CALENDAR), '2026-02-24T15:00:00.000+08:00');
  assert.equal(muteUntil('close', at('2026-02-14T11:00:00+08:00'), CALENDAR), '2026-02-24T15:00:00.000+08:00');
});

test("until tomorrow's open is the next trading day's 09:30", () => {
  assert.equal(muteUntil('open', at('2026-02-13T10:21:03+08:00'), CALENDAR), '2026-02-24T09:30:00.000+08:00');
  assert.equal(muteUntil('open', at('2026-02-24T22:00:00+08:00'), CALENDAR), '2026-02-25T09:30:00.000+08:00');
  assert.throws(() => muteUntil('forever', 0, CALENDAR));
});

const ALERT = {
  id: '09ac:firing',
  rule: 'export-control-move',
  symbol: '159713.SZ',
  labels: { fingerprint: '09ac', rule: 'export-control-move', symbol: '159713.SZ' },
};

test('mute this rule for this symbol, or this symbol, or (no symbol) this rule', () => {
  const scopes = muteScopes(ALERT, '稀土ETF');
  assert.deepEqual(
    scopes.map((s) => [s.value, s.matchers]),
    [
      ['rule-symbol', ['rule="export-control-move"', 'symbol="159713.SZ"']],
      ['symbol', ['symbol="159713.SZ"']],
    ],
  );
  assert.match(scopes[0].label, /159713\.SZ 稀土ETF/);
  const group = muteScopes({ id: 'g', rule: 'sector-move', labels: { symbols: '600111.SH,600392.SH' } });
  assert.deepEqual(
    group.map((s) => s.matchers),
    [['rule="sector-move"']],
    'a group alert has no symbol label to match',
  );
});

test('a silence lasts a duration the daemon counts, or ends at a session time', () => {
  const common = { matchers: ['symbol="159713.SZ"'], comment: 'known', createdBy: 'desk-3', calendar: CALENDAR };
  const now = at('2026-02-13T10:21:03+08:00');
  assert.deepEqual(silenceBody({ ...common, forChoice: '30m', nowMs: now }), {
    matchers: ['symbol="159713.SZ"'],
    created_by: 'desk-3',
    comment: 'known',
    duration: '30m',
  });
  assert.equal(silenceBody({ ...common, forChoice: '1h', nowMs: now }).duration, '1h');
  assert.equal(silenceBody({ ...common, forChoice: 'close', nowMs: now }).ends_at, '2026-02-13T15:00:00.000+08:00');
  assert.equal(silenceBody({ ...common, forChoice: 'open', nowMs: now }).ends_at, '2026-02-24T09:30:00.000+08:00');
});

test('the alert key and its page path', () => {
  assert.equal(alertKey(ALERT), '09ac');
  assert.equal(alertKey({ id: 'plain' }), 'plain');
  assert.equal(alertPath('09ac'), '/alerts/09ac');
  assert.equal(alertKeyOfPath('/alerts/09ac'), '09ac');
  assert.equal(alertKeyOfPath('/alerts/a%3Ab/'), 'a:b');
  assert.equal(alertKeyOfPath('/alerts/'), null);
  assert.equal(alertKeyOfPath('/alerts/%E0'), null, 'not UTF-8');
  assert.equal(alertKeyOfPath('/'), null);
});

const record = (over) => ({
  id: 'e1',
  alert: '09ac',
  notification: '09ac:firing',
  receiver: 'desk',
  kind: 'dingtalk',
  state: 'pending',
  attempts: 0,
  enqueued_at: at('2026-02-13T10:21:02+08:00'),
  updated_at: at('2026-02-13T10:21:02+08:00'),
  detail: '',
  digest: false,
  instance: 'a',
  ...over,
});

test('a delivery reads as the card shows it', () => {
  const today = at('2026-02-13T12:00:00+08:00');
  const sent = readRecord(record({ state: 'sent', attempts: 1, updated_at: at('2026-02-13T10:21:03+08:00') }));
  assert.equal(deliveryText(sent, today), 'sent to desk 10:21:03 ✓');
  assert.equal(deliveryText(sent, at('2026-02-14T12:00:00+08:00')), 'sent to desk 02-13 10:21:03 ✓');
  const failed = readRecord(record({ receiver: 'ops', state: 'failed', detail: `401 ${'x'.repeat(100)}` }));
  assert.match(deliveryText(failed, today), /^ops failed: 401 x+…$/);
  assert.equal([...deliveryText(failed, today).slice('ops failed: '.length)].length, 60);
  assert.equal(deliveryText(readRecord(record({ attempts: 2 })), today), 'desk pending · try 2');
  assert.equal(deliveryText(readRecord(record({ state: 'silenced' })), today), 'desk silenced 已静默');
  assert.equal(readRecord(record({ state: 'lost' })), null);
  assert.equal(readRecord({ state: 'sent' }), null);
});

test('the book keeps the newest state of each record and each receiver’s newest record', () => {
  const book = new DeliveryBook();
  const heard = [];
  book.onChange((key) => heard.push(key));
  book.apply('09ac', record({ state: 'sent', enqueued_at: 1000, updated_at: 2000 }));
  book.load('09ac', [record({ state: 'pending', enqueued_at: 1000, updated_at: 1000 })]); // older: ignored
  assert.equal(book.records('09ac')[0].state, 'sent');
  book.apply('09ac', record({ id: 'e2', notification: '09ac:resolved', enqueued_at: 3000, updated_at: 3000 }));
  book.apply('09ac', record({ id: 'e3', receiver: 'ops', enqueued_at: 1500, updated_at: 1500 }));
  book.apply('09ac', { bogus: true });
  assert.deepEqual(
    book.latestPerReceiver('09ac').map((r) => [r.receiver, r.id]),
    [
      ['desk', 'e2'],
      ['ops', 'e3'],
    ],
  );
  assert.deepEqual(heard, ['09ac', '09ac', '09ac']);
});
