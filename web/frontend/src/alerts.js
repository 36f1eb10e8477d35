// The alerts panel: newest first, evidence and deliveries on demand, acknowledgement with a
// comment, "mute this", a link to the alert's own view, and a history filtered by symbol, rule
// and day on the client.
import { renderAck } from './ack_form.js';
import { SEVERITY_LABEL, alertKey, alertPath, severityOf, symbolsOf } from './alert_fields.js';
import { getAlerts } from './api.js';
import { renderDeliveries } from './deliveries.js';
import { el, setText } from './dom.js';
import { renderEvidence } from './evidence.js';
import { formatDateTime, formatStamp, parseTs, shanghaiDay } from './format.js';
import { beep, desktop } from './notify.js';
import { settings } from './settings.js';

const MAX_ALERTS = 2000;
const HISTORY_PAGE = 500;
const HISTORY_MAX_PAGES = 40;
// A resume after an outage can deliver dozens at once: a few sounds say so, dozens would not help.
const NOTIFY_BURST = 3;
const NOTIFY_BURST_MS = 2000;
function seqOf(a) {
  return Number.isSafeInteger(a?.seq) ? a.seq : 0;
}

/** The newer notification wins, but a resolution without evidence keeps the evidence that fired. */
function mergeNotification(older, newer) {
  const merged = { ...older, ...newer };
  const ev = newer.evidence;
  const empty = !ev || typeof ev !== 'object' || (!ev.move && !(Array.isArray(ev.headlines) && ev.headlines.length));
  if (empty) merged.evidence = older.evidence;
  if (newer.state === 'resolved') {
    merged.message = older.message;
    merged.resolvedTs = newer.ts;
    merged.ts = older.ts;
  }
  return merged;
}

export class AlertsPanel {
  /**
   * @param {{list, search, rule, day, severity, historyButton, status, count}} nodes
   * @param {import('./market.js').Market} market
   * @param {import('./deliveries.js').DeliveryBook} deliveries
   * @param {{onSelect: (symbol) => void, onChange: () => void, onAlert: (alert) => void,
   *          onExpand: (key) => void, onMute: (alert) => void}} hooks
   */
  constructor(nodes, market, deliveries, hooks) {
    this.nodes = nodes;
    this.market = market;
    this.deliveries = deliveries;
    this.hooks = hooks;
    this.entryListeners = new Set();
    deliveries.onChange((key) => this.showDeliveries(key));
    this.alerts = new Map(); // fingerprint -> {key, ackId, ids, alert, seq, latestSeq, ms, ack, view}
    this.byId = new Map(); // notification id -> fingerprint
    this.acks = new Map(); // notification id -> acknowledgement, also for alerts not received yet
    this.lastSeq = 0;
    this.lastSeqId = '';
    this.rules = new Set();
    this.notifyTimes = [];
    this.empty = el('li', { class: 'empty' }, '暂无预警 No alerts yet');
    nodes.list.append(this.empty);
    for (const input of [nodes.search, nodes.rule, nodes.day, nodes.severity]) {
      input.addEventListener('input', () => this.filter());
    }
    nodes.historyButton.addEventListener('click', () => this.loadHistory());
  }

  /** Forgets the seq high-water mark when the server's seq space started again (store not persistent). */
  resetSeq() {
    this.lastSeq = 0;
    this.lastSeqId = '';
  }

  /** Hears every change of an alert's entry (`key`): the single-alert view follows its alert. */
  onEntry(fn) {
    this.entryListeners.add(fn);
  }

  /** The entry of an alert key ({key, ackId, alert, ms, ack, ...}), or undefined. */
  entry(key) {
    return this.alerts.get(key);
  }

  /**
   * A notification from the WebSocket (live or resumed) or from history; `live` ones may notify.
   * Notifications about one alert (firing, update-n, repeat-n, resolved) share a fingerprint
   * and one row, which shows the newest of them. `resumePoint: false` (one alert fetched on its
   * own) leaves the seq the WebSocket resumes from alone: what came before it is still owed.
   */
  add(alert, live, { resumePoint = true } = {}) {
    if (!alert || typeof alert.id !== 'string' || alert.id === '') return;
    this.hooks.onAlert(alert);
    const seq = seqOf(alert);
    if (resumePoint && seq > this.lastSeq) {
      this.lastSeq = seq;
      this.lastSeqId = alert.id;
    }
    const key = alertKey(alert);
    const existing = this.alerts.get(key);
    if (existing) {
      if (existing.ids.has(alert.id) && !(seq > existing.latestSeq)) return; // a resume overlap
      existing.ids.add(alert.id);
      this.byId.set(alert.id, key);
      if (!(seq < existing.latestSeq)) {
        existing.latestSeq = Math.max(seq, existing.latestSeq);
        existing.alert = mergeNotification(existing.alert, alert);
      }
      existing.ack ??= this.acks.get(alert.id) ?? alert.ack ?? null;
      this.refresh(existing);
      this.applyFilter(existing);
      if (live && alert.state !== 'resolved' && !existing.ack) this.notify(alert);
      return;
    }
    const entry = {
      key,
      ackId: alert.id, // acknowledgements name the first notification the page saw
      ids: new Set([alert.id]),
      alert,
      seq,
      latestSeq: seq,
      ms: parseTs(alert.ts),
      ack: alert.ack ?? this.acks.get(alert.id) ?? null,
      view: null,
    };
    this.alerts.set(key, entry);
    this.byId.set(alert.id, key);
    if (typeof alert.rule === 'string') this.addRule(alert.rule);
    entry.view = this.render(entry);
    this.insert(entry);
    this.trim();
    this.applyFilter(entry);
    if (live && alert.state !== 'resolved') this.notify(alert);
    this.hooks.onChange();
  }

  /** An acknowledgement from any trader: the POST's answer, a WebSocket `ack`, or GET /api/v1/acks. */
  applyAck(id, ack) {
    if (typeof id !== 'string' || !ack || typeof ack !== 'object') return;
    this.acks.set(id, ack);
    const entry = this.alerts.get(this.byId.get(id));
    if (!entry) return;
    entry.ack = ack;
    this.refresh(entry);
    this.updateCount();
  }

  addRule(rule) {
    if (this.rules.has(rule)) return;
    this.rules.add(rule);
    const options = [...this.nodes.rule.options].slice(1);
    const before = options.find((o) => o.value.localeCompare(rule) > 0) ?? null;
    this.nodes.rule.insertBefore(el('option', { value: rule }, rule), before);
  }

  notify(alert) {
    const now = Date.now();
    this.notifyTimes = this.notifyTimes.filter((t) => now - t < NOTIFY_BURST_MS);
    if (this.notifyTimes.length >= NOTIFY_BURST) return;
    this.notifyTimes.push(now);
    const s = settings();
    if (s.sound) beep(alert.severity);
    if (s.desktop) {
      const symbol = symbolsOf(alert)[0] ?? '';
      const name = this.market.instruments.get(symbol)?.name ?? '';
      desktop(`${symbol} ${name} · ${alert.rule ?? ''}`.trim(), String(alert.message ?? ''), alert.id);
    }
  }

  /** Newest first: by seq, then by time for alerts without one. */
  insert(entry) {
    if (this.empty.parentNode) this.empty.remove();
    const list = this.nodes.list;
    let before = null;
    for (const node of list.children) {
      const other = this.alerts.get(node.dataset.key);
      if (!other) continue;
      const newer = entry.seq && other.seq ? entry.seq > other.seq : entry.ms >= other.ms;
      if (newer) {
        before = node;
        break;
      }
    }
    list.insertBefore(entry.view.root, before);
  }

  trim() {
    if (this.alerts.size <= MAX_ALERTS) return;
    const list = this.nodes.list;
    while (this.alerts.size > MAX_ALERTS && list.lastElementChild) {
      const node = list.lastElementChild;
      const gone = this.alerts.get(node.dataset.key);
      for (const id of gone?.ids ?? []) this.byId.delete(id);
      this.alerts.delete(node.dataset.key);
      node.remove();
    }
  }

  render(entry) {
    const a = entry.alert;
    const severity = severityOf(a);
    const view = {};
    view.time = el('time', { class: 'when' });
    view.state = el('span', { class: 'state' });
    view.explained = el('span', { class: 'explained' });
    view.symbol = el('button', {
      type: 'button',
      class: 'sym-link',
      on: { click: () => this.hooks.onSelect(symbolsOf(entry.alert)[0]) },
    });
    view.more = el('span', { class: 'chip more' });
    view.name = el('span', { class: 'name' });
    view.rule = el('span', { class: 'rule' });
    view.message = el('p', { class: 'message' });
    view.deliveries = el('ul', { class: 'deliveries', hidden: true, 'aria-label': '投递 Deliveries' });
    view.ack = el('div', { class: 'ack' });
    view.mute = el(
      'button',
      { type: 'button', class: 'mute-button', title: '静音 Mute this alert', on: { click: () => this.hooks.onMute(entry.alert) } },
      '静音 Mute',
    );
    view.link = el('a', { class: 'alert-link', href: alertPath(entry.key), title: '单独查看 Open this alert alone' }, '详情 Open');
    view.evidenceBody = el('div', { class: 'evidence-body', hidden: true });
    // A button rather than <details>, so the acknowledgement can share the row with it.
    view.toggle = el(
      'button',
      { type: 'button', class: 'evidence-toggle', 'aria-expanded': 'false', on: { click: () => this.toggleEvidence(entry) } },
      '证据 Evidence',
    );
    view.root = el(
      'li',
      { class: `alert sev-${severity}`, data: { key: entry.key, id: entry.ackId, symbol: symbolsOf(a)[0] ?? '', severity } },
      el(
        'div',
        { class: 'alert-head' },
        el('span', { class: `sev sev-${severity}` }, SEVERITY_LABEL[severity]),
        view.time,
        view.symbol,
        view.more,
        view.name,
        view.rule,
        view.explained,
        view.state,
      ),
      view.message,
      view.deliveries,
      el('div', { class: 'alert-foot' }, view.toggle, view.link, view.mute, view.ack),
      view.evidenceBody,
    );
    entry.view = view;
    this.refresh(entry);
    this.showDeliveries(entry.key); // a `delivery` message may have come first
    return view;
  }

  refresh(entry) {
    const a = entry.alert;
    const v = entry.view;
    if (!v) return;
    entry.ms = parseTs(a.ts);
    setText(v.time, formatStamp(entry.ms, this.market.lastEventMs));
    v.time.setAttribute('datetime', typeof a.ts === 'string' ? a.ts : '');
    v.time.title = formatDateTime(entry.ms);
    const symbols = symbolsOf(a);
    setText(v.symbol, symbols[0] ?? '');
    v.symbol.hidden = symbols.length === 0;
    setText(v.more, symbols.length > 1 ? `+${symbols.length - 1}` : '');
    v.more.title = symbols.slice(1).join(' ');
    v.more.hidden = symbols.length < 2;
    setText(v.name, this.market.instruments.get(symbols[0])?.name ?? '');
    setText(v.rule, a.rule ?? '');
    setText(v.message, a.message ?? '');
    const resolved = a.state === 'resolved';
    setText(v.state, resolved ? `已恢复 resolved ${formatStamp(parseTs(a.resolvedTs), entry.ms)}`.trim() : '触发 firing');
    v.state.className = `state ${resolved ? 'resolved' : 'firing'}`;
    v.root.classList.toggle('resolved', resolved);
    if (a.explained === true || a.explained === false) {
      setText(v.explained, a.explained ? '有消息 explained' : '无消息 unexplained');
      v.explained.className = `explained ${a.explained ? 'yes' : 'no'}`;
      v.explained.hidden = false;
    } else v.explained.hidden = true;
    v.root.dataset.state = resolved ? 'resolved' : 'firing';
    v.root.dataset.seq = String(entry.seq);
    this.renderAck(entry);
    if (!v.evidenceBody.hidden) this.renderEvidence(entry);
    for (const fn of this.entryListeners) fn(entry.key);
  }

  renderAck(entry) {
    renderAck(entry.view.ack, entry.ack, entry.ackId, (ack) => this.applyAck(entry.ackId, ack));
    entry.view.root.classList.toggle('acked', Boolean(entry.ack && typeof entry.ack === 'object'));
  }

  toggleEvidence(entry) {
    const v = entry.view;
    const open = v.evidenceBody.hidden;
    v.evidenceBody.hidden = !open;
    v.toggle.setAttribute('aria-expanded', String(open));
    v.root.classList.toggle('expanded', open);
    if (open) {
      this.renderEvidence(entry);
      this.hooks.onExpand?.(entry.key);
    }
  }

  renderEvidence(entry) {
    renderEvidence(entry.view.evidenceBody, entry.alert, entry.ms, this.market);
  }

  /** Redraws the deliveries line of `key`'s card (a `delivery` message, or /deliveries answered). */
  showDeliveries(key) {
    const entry = this.alerts.get(key);
    if (!entry?.view) return;
    renderDeliveries(entry.view.deliveries, this.deliveries.latestPerReceiver(key), {
      compact: true,
      todayMs: this.market.lastEventMs,
    });
  }

  filter() {
    for (const entry of this.alerts.values()) this.applyFilter(entry);
    this.updateCount();
  }

  applyFilter(entry) {
    const a = entry.alert;
    const q = this.nodes.search.value.trim().toLowerCase();
    const rule = this.nodes.rule.value;
    const day = this.nodes.day.value;
    const severity = this.nodes.severity.value;
    const symbols = symbolsOf(a);
    const names = symbols.map((x) => this.market.instruments.get(x)?.name ?? '').join(' ');
    const text = `${symbols.join(' ')} ${names} ${a.rule ?? ''} ${a.message ?? ''}`.toLowerCase();
    const show =
      (!q || text.includes(q)) &&
      (!rule || a.rule === rule) &&
      (!day || shanghaiDay(entry.ms) === day) &&
      (!severity || a.severity === severity);
    entry.view.root.hidden = !show;
    this.updateCount();
  }

  updateCount() {
    let shown = 0;
    let firing = 0;
    for (const e of this.alerts.values()) {
      if (!e.view.root.hidden) shown += 1;
      if (e.alert.state !== 'resolved' && !e.ack) firing += 1;
    }
    setText(this.nodes.count, this.alerts.size ? `${shown}/${this.alerts.size}` : '0');
    this.nodes.count.classList.toggle('hot', firing > 0);
    this.nodes.count.title = `${firing} firing and not acknowledged`;
  }

  /** Pages through GET /api/v1/alerts from the start of the store; every alert merges into the list. */
  async loadHistory() {
    const button = this.nodes.historyButton;
    button.disabled = true;
    setText(this.nodes.status, '加载中 loading…');
    let after = 0;
    let total = 0;
    try {
      for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
        const batch = await getAlerts(after, HISTORY_PAGE);
        for (const a of batch) {
          this.add(a, false);
          after = Math.max(after, seqOf(a));
        }
        total += batch.length;
        if (batch.length < HISTORY_PAGE) break;
      }
      setText(this.nodes.status, `历史 ${total} alerts`);
    } catch (err) {
      setText(this.nodes.status, `历史加载失败 ${err.message ?? err}`);
    } finally {
      button.disabled = false;
      this.filter();
    }
  }

  /** Refreshes relative times (today vs another day) once the market clock moves to a new day. */
  retime() {
    for (const entry of this.alerts.values()) setText(entry.view.time, formatStamp(entry.ms, this.market.lastEventMs));
  }

  /** Alerts for `symbol`, for the chart's markers. */
  forSymbol(symbol) {
    const out = [];
    for (const e of this.alerts.values()) {
      if (symbolsOf(e.alert).includes(symbol) && Number.isFinite(e.ms)) {
        out.push({ ms: e.ms, kind: 'alert', text: e.alert.rule ?? '', severity: e.alert.severity });
      }
    }
    return out;
  }
}
