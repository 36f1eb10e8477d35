// The trading calendar's reach, from the snapshot's `calendar` ({last_known_day, days_known,
// warn}): a banner while the exchanges' closures are known for fewer than 30 more days (the
// server decides `warn`), because past the last known day every weekday is taken as a trading
// day — holidays included — and the board's session times and alerts may be wrong.
import { setText } from './dom.js';

/** The banner's text for a snapshot's calendar status, or '' when there is nothing to say. */
export function calendarNotice(status) {
  if (!status || !status.warn) return '';
  const last = status.last_known_day;
  if (!last) return '交易日历为空 — no trading calendar is loaded: every weekday counts as a trading day';
  const days = Number(status.days_known);
  if (days < 0) {
    return `交易日历止于 ${last}，节假日未知 — the trading calendar ended ${last}: every weekday counts as a trading day, holidays included`;
  }
  return `交易日历仅至 ${last}（余 ${days} 天）— the trading calendar ends ${last}, in ${days} day${days === 1 ? '' : 's'}: next year's closures are not loaded yet`;
}

/** Shows or hides `node` for a snapshot's calendar status. */
export function showCalendarBanner(node, status) {
  if (!node) return;
  const text = calendarNotice(status);
  setText(node, text);
  node.hidden = !text;
}
