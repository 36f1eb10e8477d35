// The alerts panel: newest first, evidence on demand, acknowledgement with a comment, and a history
// filtered by symbol, rule and day on the client.
import { ApiError, ackAlert, getAlerts } from './api.js';
import { clear, el, setText } from './dom.js';
import {
  formatDateTime,
  formatPct,
  formatPrice,
  formatStamp,
  parseTs,
  parseWindow,
  shanghaiDay,
} from './format.js';
import { beep, desktop } from './notify.js';
import { settings } from './settings.js';
import { sparkline } from './sparkline.js';

const MAX_ALERTS = 2000;
const HISTORY_PAGE = 500;
const HISTORY_MAX_PAGES = 40;
// A resume after an outage can deliver dozens at once: a few sounds say so, dozens would not help.
const NOTIFY_BURST = 3;
const NOTIFY_BURST_MS = 2000;
const WINDOW_LABEL = { prev_close: '较昨收 since the previous close', open: '较开盘 since the open' };
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Midnight in Shanghai of the day containing ms. */
function dayStartMs(ms) {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / 86400000) * 86400000 - SHANGHAI_OFFSET_MS;
}

const SEVERITY_LABEL = { critical: '严重 critical', warning: '警告 warning', info: '提示 info' };

function seqOf(a) {
  return Number.isSafeInteger(a?.seq) ? a.seq : 0;
}

/** The alert a notification is about: its fingerprint label, or the part of its id before ':'. */
function alertKey(a) {
  const fp = a.labels && typeof a.labels.fingerprint === 'string' ? a.labels.fingerprint : '';
  return fp || a.id;
}

/** Every symbol an alert is about: its own, or a group alert's `symbols` label (first = the evidence's). */
function symbolsOf(a) {
  if (typeof a.symbol === 'string' && a.symbol) return [a.symbol];
  const list = typeof a.labels?.symbols === 'string' ? a.labels.symbols.split(',') : [];
  return list.map((x) => x.trim()).filter(Boolean);
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
   * @param {{onSelect: (symbol) => void, onChange: () => void, onAlert: (alert) => void}} hooks
   */
  constructor(nodes, market, hooks) {
    this.nodes = nodes;
    this.market = market;
    this.hooks = hooks;
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

  /**
   * A notification from the WebSocket (live or resumed) or from history; `live` ones may notify.
   * Notifications about one alert (firing, update-n, repeat-n, resolved) share a fingerprint
   * and one row, which shows the newest of them.
   */
  add(alert, live) {
    if (!alert || typeof alert.id !== 'string' || alert.id === '') return;
    this.hooks.onAlert(alert);
    const seq = seqOf(alert);
    if (seq > this.lastSeq) {
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
    const severity = ['critical', 'warning', 'info'].includes(a.severity) ? a.severity : 'info';
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
    view.ack = el('div', { class: 'ack' });
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
      el('div', { class: 'alert-foot' }, view.toggle, view.ack),
      view.evidenceBody,
    );
    entry.view = view;
    this.refresh(entry);
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
  }

  renderAck(entry) {
    const box = entry.view.ack;
    const ack = entry.ack;
    if (ack && typeof ack === 'object') {
      if (box.dataset.acked === '1' && box.dataset.sig === JSON.stringify(ack)) return;
      clear(box);
      box.dataset.acked = '1';
      box.dataset.sig = JSON.stringify(ack);
      entry.view.root.classList.add('acked');
      const by = typeof ack.by === 'string' && ack.by ? ack.by : '';
      const when = parseTs(ack.ts);
      box.append(
        el('span', { class: 'ack-mark' }, '✔ 已确认 acknowledged'),
        Number.isFinite(when) ? el('span', { class: 'ack-when' }, formatStamp(when, Date.now())) : null,
        by ? el('span', { class: 'ack-by' }, by) : null,
        typeof ack.comment === 'string' && ack.comment ? el('q', { class: 'ack-comment' }, ack.comment) : null,
      );
      return;
    }
    if (box.dataset.acked === '0') return;
    clear(box);
    box.dataset.acked = '0';
    entry.view.root.classList.remove('acked');
    const input = el('input', {
      type: 'text',
      class: 'ack-input',
      maxlength: '500',
      placeholder: '备注 comment',
      'aria-label': 'Acknowledgement comment',
    });
    const button = el('button', { type: 'submit', class: 'ack-button' }, '确认 Ack');
    const error = el('span', { class: 'ack-error', role: 'status' });
    const form = el('form', { class: 'ack-form' }, input, button, error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      setText(error, '');
      const comment = input.value.trim();
      try {
        const body = await ackAlert(entry.ackId, comment, settings().by);
        const ack = body?.type === 'ack' ? body : { comment, by: settings().by, ts: new Date().toISOString() };
        this.applyAck(entry.ackId, ack);
      } catch (err) {
        const denied = err instanceof ApiError && (err.status === 401 || err.status === 403);
        setText(error, denied ? '需要令牌 token required: set it in ⚙' : String(err.message ?? err));
        button.disabled = false;
      }
    });
    box.append(form);
  }

  toggleEvidence(entry) {
    const v = entry.view;
    const open = v.evidenceBody.hidden;
    v.evidenceBody.hidden = !open;
    v.toggle.setAttribute('aria-expanded', String(open));
    v.root.classList.toggle('expanded', open);
    if (open) this.renderEvidence(entry);
  }

  /** The evidence: the move and its window, the headlines, and the price path through the window. */
  renderEvidence(entry) {
    const a = entry.alert;
    const body = entry.view.evidenceBody;
    clear(body);
    const ev = a.evidence && typeof a.evidence === 'object' ? a.evidence : {};
    const symbol = symbolsOf(a)[0];
    const inst = this.market.instruments.get(symbol);
    const d = inst?.decimals ?? (typeof ev.move?.decimals === 'number' ? ev.move.decimals : 2);
    const move = ev.move && typeof ev.move === 'object' ? ev.move : null;
    if (move) {
      // "prev_close" / "open" windows run from the start of the alert's trading day.
      const sinceDayStart = move.window === 'prev_close' || move.window === 'open';
      const windowMs = sinceDayStart ? entry.ms - dayStartMs(entry.ms) : parseWindow(move.window);
      const end = entry.ms;
      const rows = [
        [
          '窗口 Window',
          `${WINDOW_LABEL[move.window] ?? move.window ?? ''}${
            Number.isFinite(windowMs) && !sinceDayStart ? `  ${formatStamp(end - windowMs, end)} → ${formatStamp(end, end)}` : ''
          }`,
        ],
        ['价格 Move', `${formatPrice(move.from, d)} → ${formatPrice(move.to, d)}`],
        ['涨跌幅 Change', formatPct(move.change_pct)],
      ];
      if (typeof move.abnormal_pct === 'number') rows.push(['超额 Abnormal', formatPct(move.abnormal_pct)]);
      body.append(el('dl', { class: 'move' }, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
      const path = this.windowPath(a, move, windowMs, end);
      if (path.length > 0) {
        const dir = Math.sign((move.to ?? 0) - (move.from ?? 0));
        body.append(
          el(
            'div',
            { class: 'evidence-chart' },
            sparkline(path, { width: 320, height: 72, base: move.from, direction: dir, cls: 'spark window' }),
          ),
        );
      }
    }
    const keywords = typeof a.labels?.keywords === 'string' ? a.labels.keywords.split(',').filter(Boolean) : [];
    const tags = typeof a.labels?.tags === 'string' ? a.labels.tags.split(',').filter(Boolean) : [];
    if (keywords.length || tags.length) {
      body.append(
        el(
          'p',
          { class: 'evidence-keywords' },
          keywords.map((k) => el('mark', {}, k)),
          tags.map((t) => el('span', { class: 'chip tag' }, t)),
        ),
      );
    }
    const headlines = Array.isArray(ev.headlines) ? ev.headlines : [];
    if (headlines.length) {
      body.append(
        el(
          'ul',
          { class: 'headlines' },
          headlines.map((h) =>
            el(
              'li',
              {},
              el('time', {}, formatStamp(parseTs(h?.ts), entry.ms)),
              el('span', { class: 'source' }, h?.source ?? ''),
              el('span', { class: 'title' }, h?.title ?? ''),
            ),
          ),
        ),
      );
    } else body.append(el('p', { class: 'no-headline' }, '窗口内无相关消息 No headline in the window'));
    if (!move && !headlines.length) body.append(el('p', { class: 'muted' }, a.message ?? ''));
  }

  /** The alert's own price path if it carries one, else the quotes this page saw in the window. */
  windowPath(a, move, windowMs, end) {
    const own = Array.isArray(move.path) ? move.path : Array.isArray(a.evidence?.path) ? a.evidence.path : null;
    if (own) {
      return own
        .map((p) => (Array.isArray(p) ? { ms: parseTs(p[0]), v: p[1] } : { ms: parseTs(p?.ts), v: p?.last ?? p?.price }))
        .filter((p) => Number.isFinite(p.ms) && typeof p.v === 'number')
        .map((p) => ({ time: p.ms / 1000, value: p.v }));
    }
    const symbol = symbolsOf(a)[0];
    if (Number.isFinite(windowMs) && symbol) {
      const seen = this.market.window(symbol, end - windowMs, end);
      if (seen.length >= 2) return seen;
    }
    if (typeof move.from === 'number' && typeof move.to === 'number' && Number.isFinite(windowMs)) {
      return [
        { time: (end - windowMs) / 1000, value: move.from },
        { time: end / 1000, value: move.to },
      ];
    }
    return [];
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
