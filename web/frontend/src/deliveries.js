// Where each alert went: the delivery ledger's records (web/PROTOCOL.md, "Deliveries"), from
// GET /api/v1/alerts/KEY/deliveries when a card is opened and from live `delivery` messages.
// One record per (notification, receiver): pending → sent / failed / silenced / skipped.
import { clear, el, setText } from './dom.js';
import { formatDateTime, formatStamp } from './format.js';

export const DELIVERY_STATES = ['pending', 'sent', 'failed', 'silenced', 'skipped'];
const DETAIL_MAX = 60;

/** A record as the page keeps it, or null when it is not one (missing id, receiver or state). */
export function readRecord(r) {
  if (!r || typeof r !== 'object') return null;
  if (typeof r.id !== 'string' || r.id === '' || typeof r.receiver !== 'string') return null;
  if (!DELIVERY_STATES.includes(r.state)) return null;
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
  return {
    id: r.id,
    receiver: r.receiver,
    kind: typeof r.kind === 'string' ? r.kind : '',
    notification: typeof r.notification === 'string' ? r.notification : '',
    state: r.state,
    attempts: Number.isInteger(r.attempts) ? r.attempts : 0,
    enqueuedAt: num(r.enqueued_at),
    updatedAt: num(r.updated_at),
    detail: typeof r.detail === 'string' ? r.detail : '',
    digest: r.digest === true,
    instance: typeof r.instance === 'string' ? r.instance : '',
  };
}

function shorten(text, max) {
  const chars = [...text]; // by code point: a cut never splits a character
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/**
 * What a card says about one record, e.g. "sent to desk 10:21:03 ✓", "ops failed: 401 …",
 * "desk pending · try 2". Times are exchange time, with the date when not on `todayMs`'s day.
 * `detail: false` leaves the service's answer out (the single-alert view shows it whole).
 */
export function deliveryText(rec, todayMs, { detail = true } = {}) {
  const when = formatStamp(rec.updatedAt, todayMs);
  const digest = rec.digest ? ' (摘要 digest)' : '';
  switch (rec.state) {
    case 'sent':
      return `sent to ${rec.receiver} ${when} ✓${digest}`;
    case 'failed':
      return detail ? `${rec.receiver} failed: ${shorten(rec.detail || 'no answer', DETAIL_MAX)}` : `${rec.receiver} failed`;
    case 'silenced':
      return `${rec.receiver} silenced 已静默`;
    case 'skipped':
      return `${rec.receiver} skipped${detail && rec.detail ? `: ${shorten(rec.detail, DETAIL_MAX)}` : ''}`;
    default:
      return `${rec.receiver} pending${rec.attempts > 1 ? ` · try ${rec.attempts}` : ''}`;
  }
}

/** The record's every field, for a tooltip and the single-alert view. */
export function deliveryTitle(rec) {
  const parts = [
    `${rec.receiver}${rec.kind ? ` (${rec.kind})` : ''}: ${rec.state}`,
    rec.notification,
    `attempts ${rec.attempts}`,
    `enqueued ${formatDateTime(rec.enqueuedAt)}`,
    `updated ${formatDateTime(rec.updatedAt)}`,
  ];
  if (rec.digest) parts.push('in a digest');
  if (rec.detail) parts.push(rec.detail);
  if (rec.instance) parts.push(`by ${rec.instance}`);
  return parts.filter(Boolean).join(' · ');
}

/** Every alert's records, by alert key; listeners hear which alert changed. */
export class DeliveryBook {
  constructor() {
    this.byAlert = new Map(); // alert key -> Map(record id -> record)
    this.listeners = new Set();
  }

  onChange(fn) {
    this.listeners.add(fn);
  }

  /** One record (a `delivery` message); an older state of a record never replaces a newer one. */
  apply(key, raw) {
    if (this.merge(key, raw)) this.emit(key);
  }

  /** GET /api/v1/alerts/KEY/deliveries answered. */
  load(key, raws) {
    let changed = false;
    for (const raw of Array.isArray(raws) ? raws : []) changed = this.merge(key, raw) || changed;
    if (changed) this.emit(key);
  }

  merge(key, raw) {
    const rec = readRecord(raw);
    if (typeof key !== 'string' || key === '' || !rec) return false;
    let records = this.byAlert.get(key);
    if (!records) {
      records = new Map();
      this.byAlert.set(key, records);
    }
    const old = records.get(rec.id);
    if (old && old.updatedAt > rec.updatedAt) return false;
    records.set(rec.id, rec);
    return true;
  }

  emit(key) {
    for (const fn of this.listeners) fn(key);
  }

  /** Every record of the alert, oldest first (by enqueue time, then receiver). */
  records(key) {
    const list = [...(this.byAlert.get(key)?.values() ?? [])];
    return list.sort((a, b) => (a.enqueuedAt || 0) - (b.enqueuedAt || 0) || a.receiver.localeCompare(b.receiver));
  }

  /** Each receiver's newest record: what a card shows (the resolution's, once it was sent). */
  latestPerReceiver(key) {
    const latest = new Map();
    for (const rec of this.records(key)) latest.set(rec.receiver, rec);
    return [...latest.values()];
  }
}

/**
 * Fills `node` (a <ul>) with one <li> per record, hidden when there is none. `compact`: a card's
 * one-line summary; otherwise the single-alert view's full rows.
 */
export function renderDeliveries(node, records, { compact = false, todayMs = Date.now() } = {}) {
  clear(node);
  node.hidden = records.length === 0 && compact;
  if (records.length === 0) {
    if (!compact) node.append(el('li', { class: 'empty' }, '暂无投递 No deliveries'));
    return;
  }
  for (const rec of records) {
    const li = el('li', { class: `delivery state-${rec.state}`, data: { receiver: rec.receiver, state: rec.state } });
    li.title = deliveryTitle(rec);
    if (compact) {
      setText(li, deliveryText(rec, todayMs));
    } else {
      // "<key>:firing" says which notification: its state part is enough under the alert.
      const colon = rec.notification.lastIndexOf(':');
      const which = colon >= 0 ? rec.notification.slice(colon + 1) : rec.notification;
      li.append(
        el('span', { class: 'delivery-state' }, deliveryText(rec, todayMs, { detail: false })),
        el(
          'span',
          { class: 'delivery-meta' },
          [rec.kind, which, rec.attempts ? `${rec.attempts}×` : '', formatDateTime(rec.updatedAt)].filter(Boolean).join(' · '),
        ),
        rec.detail ? el('span', { class: 'delivery-detail' }, rec.detail) : null,
      );
    }
    node.append(li);
  }
}
