// When "until the close" and "until tomorrow's open" end, in exchange time (Asia/Shanghai,
// +08:00 all year). Pure: no DOM, so node's test runner checks it (tests/browser/mute.test.mjs).
//
// The trading days come from the snapshot's calendar (`trading_days`: the server's today when it
// trades, then the following trading days, holidays skipped, web/PROTOCOL.md). Outside the span
// that list covers, every weekday counts as a trading day, as the server's calendar does past
// its last known day.

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86400000;
export const CLOSE_HHMM = '15:00'; // the afternoon session's end (SSE/SZSE; the closing call ends with it)
export const OPEN_HHMM = '09:30'; // continuous trading begins (the opening call is 09:15-09:25)

/** "YYYY-MM-DD" and minutes since midnight of `ms` in exchange time. */
export function exchangeParts(ms) {
  const shifted = new Date(ms + SHANGHAI_OFFSET_MS);
  const day = shifted.toISOString().slice(0, 10);
  return { day, minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() };
}

function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function weekday(day) {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d !== 0 && d !== 6;
}

/**
 * The calendar the page knows: `from` (the server's exchange date when the snapshot was taken)
 * and `days` (its trading days from then on, ascending).
 */
export function knownCalendar(snapshotCalendar, serverTime) {
  const days = Array.isArray(snapshotCalendar?.trading_days)
    ? snapshotCalendar.trading_days.filter((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d))
    : [];
  const ms = Date.parse(serverTime ?? '');
  return { from: Number.isFinite(ms) ? exchangeParts(ms).day : '', days: [...days].sort() };
}

/** Whether exchange date `day` trades: the known list inside its span, weekdays outside it. */
export function isTradingDay(day, calendar) {
  const days = calendar?.days ?? [];
  if (days.length && calendar.from && day >= calendar.from && day <= days[days.length - 1]) return days.includes(day);
  return weekday(day);
}

/** The first trading day strictly after `day`. */
export function nextTradingDay(day, calendar) {
  let d = addDays(day, 1);
  for (let i = 0; i < 60 && !isTradingDay(d, calendar); i++) d = addDays(d, 1); // 60: longer than any closure
  return d;
}

function at(day, hhmm) {
  return `${day}T${hhmm}:00.000+08:00`;
}

/**
 * The end of a "mute until …" choice made at `nowMs`, as the silence's `ends_at`:
 *   close: 15:00 today when today trades and it is before 15:00, else the next session's close;
 *   open:  09:30 of the next trading day after today.
 */
export function muteUntil(choice, nowMs, calendar) {
  const { day, minutes } = exchangeParts(nowMs);
  if (choice === 'close') {
    const [h, m] = CLOSE_HHMM.split(':').map(Number);
    const today = isTradingDay(day, calendar) && minutes < h * 60 + m;
    return at(today ? day : nextTradingDay(day, calendar), CLOSE_HHMM);
  }
  if (choice === 'open') return at(nextTradingDay(day, calendar), OPEN_HHMM);
  throw new Error(`muteUntil: unknown choice ${choice}`);
}
