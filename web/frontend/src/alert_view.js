// One alert alone, at /alerts/KEY: what a link in a WeCom, DingTalk or Feishu message opens on a
// phone. Its severity, symbol, rule and time, the message, the evidence (the move, the window's
// price path, the headline with its source and time), where it was delivered, the
// acknowledgement, and "mute this". Laid out for a 412-px-wide screen first.
//
// The alert comes from GET /api/v1/alerts/KEY at once and from the WebSocket as it changes (the
// alerts panel keeps it: one entry per alert key, whichever way a notification arrived).
import { renderAck } from './ack_form.js';
import { SEVERITY_LABEL, severityOf, symbolsOf } from './alert_fields.js';
import { ApiError, getAlert, getDeliveries, getNotifyStatus } from './api.js';
import { renderDeliveries } from './deliveries.js';
import { el, setText } from './dom.js';
import { renderEvidence } from './evidence.js';
import { formatDateTime, formatStamp, parseTs } from './format.js';

// How long to wait for the alert (the REST answer, then the WebSocket's replay) before saying
// it is not retained.
const NOT_FOUND_AFTER_MS = 10000;

/** The alert key of a page path ("/alerts/KEY"), or null for any other path. */
export function alertKeyOfPath(pathname) {
  const m = /^\/alerts\/([^/]+)\/?$/.exec(String(pathname ?? ''));
  if (!m) return null;
  try {
    const key = decodeURIComponent(m[1]);
    return key === '' ? null : key;
  } catch {
    return null;
  }
}

export class AlertView {
  /**
   * @param {HTMLElement} root  the view's section
   * @param {{panel: import('./alerts.js').AlertsPanel, market: import('./market.js').Market,
   *          deliveries: import('./deliveries.js').DeliveryBook, onMute: (alert) => void,
   *          onTitle: (title) => void}} deps
   */
  constructor(root, deps) {
    this.root = root;
    this.deps = deps;
    this.key = '';
    this.v = {};
    this.notFoundTimer = 0;
    this.deliveriesNote = '';
  }

  show(key) {
    this.key = key;
    const v = this.v;
    v.sev = el('span', { class: 'sev' });
    v.state = el('span', { class: 'state' });
    v.explained = el('span', { class: 'explained', hidden: true });
    v.symbol = el('span', { class: 'detail-symbol' });
    v.name = el('span', { class: 'detail-name' });
    v.more = el('p', { class: 'detail-more', hidden: true });
    v.rule = el('span', { class: 'detail-rule' });
    v.time = el('time', { class: 'detail-time' });
    v.message = el('p', { class: 'message detail-message' });
    v.evidence = el('div', { class: 'evidence-body detail-evidence-body' });
    v.deliveries = el('ul', { class: 'deliveries full' });
    v.deliveriesNote = el('p', { class: 'muted detail-note' });
    v.ack = el('div', { class: 'ack detail-ack-box' });
    v.mute = el('button', { type: 'button', class: 'mute-button' }, '静音 Mute this');
    v.mute.addEventListener('click', () => {
      const entry = this.deps.panel.entry(this.key);
      if (entry) this.deps.onMute(entry.alert);
    });
    v.status = el('p', { class: 'view-status', role: 'status' }, `正在查找 looking for alert ${key}…`);
    v.article = el(
      'article',
      { class: 'alert-detail', hidden: true, data: { key } },
      el('div', { class: 'detail-badges' }, v.sev, v.state, v.explained),
      el('h2', { class: 'detail-title' }, v.symbol, ' ', v.name),
      v.more,
      el('p', { class: 'detail-sub' }, v.rule, ' · ', v.time),
      v.message,
      el('section', { class: 'detail-section' }, el('h3', {}, '证据 Evidence'), v.evidence),
      el('section', { class: 'detail-section detail-deliveries' }, el('h3', {}, '投递 Deliveries'), v.deliveries, v.deliveriesNote),
      el('section', { class: 'detail-section' }, el('h3', {}, '确认 Acknowledge'), v.ack),
      el('div', { class: 'detail-actions' }, v.mute),
    );
    this.root.prepend(
      el('nav', { class: 'view-nav' }, el('a', { href: '/', class: 'back-link' }, '← 看板 Board')),
      v.status,
      v.article,
    );
    this.root.hidden = false;
    this.deps.panel.onEntry((k) => {
      if (k === this.key) this.render();
    });
    this.deps.deliveries.onChange((k) => {
      if (k === this.key) this.renderDeliveries();
    });
    // The instrument's name comes with the snapshot, which may land after the alert.
    this.deps.market.onChange((symbols) => {
      const entry = this.deps.panel.entry(this.key);
      const symbol = entry ? symbolsOf(entry.alert)[0] : undefined;
      if (!symbol || !symbols.includes(symbol)) return;
      // Prices show with the instrument's tick precision (1.490, not 1.49): evidence drawn before
      // the snapshot knew the instrument is drawn again once, when it does.
      if (!this.drawnWithInstrument && this.deps.market.instruments.has(symbol)) this.render();
      else setText(v.name, this.deps.market.instruments.get(symbol)?.name ?? '');
    });
    this.notFoundTimer = window.setTimeout(() => {
      if (!this.deps.panel.entry(this.key)) setText(v.status, `未找到 alert ${this.key} is not retained`);
    }, NOT_FOUND_AFTER_MS);
    this.render();
    this.load();
  }

  /** The alert's notifications and deliveries over REST; the WebSocket brings what follows. */
  async load() {
    try {
      const { notifications } = await getAlert(this.key);
      for (const n of notifications) this.deps.panel.add(n, false, { resumePoint: false });
    } catch (err) {
      // 404: not retained, or not found by this daemon; the WebSocket's replay may still bring it.
      if (!(err instanceof ApiError && err.status === 404)) setText(this.v.status, `加载失败 loading failed: ${err.message ?? err}`);
    }
    await this.loadDeliveries();
  }

  async loadDeliveries() {
    const off = '通知未配置 notifications are not configured';
    try {
      const status = await getNotifyStatus();
      if (!status.enabled) {
        this.deliveriesNote = off; // live `delivery` messages would still show
      } else {
        this.deps.deliveries.load(this.key, await getDeliveries(this.key));
        this.deliveriesNote = '';
      }
    } catch (err) {
      const missing = err instanceof ApiError && err.status === 404;
      this.deliveriesNote = missing ? off : `投递不可用 deliveries unavailable: ${err.message ?? err}`;
    }
    this.renderDeliveries();
  }

  render() {
    const entry = this.deps.panel.entry(this.key);
    const v = this.v;
    if (!entry) return;
    window.clearTimeout(this.notFoundTimer);
    v.status.hidden = true;
    v.article.hidden = false;
    const a = entry.alert;
    const severity = severityOf(a);
    const symbols = symbolsOf(a);
    const name = this.deps.market.instruments.get(symbols[0])?.name ?? '';
    v.article.className = `alert-detail sev-${severity}`;
    v.article.dataset.state = a.state === 'resolved' ? 'resolved' : 'firing';
    v.sev.className = `sev sev-${severity}`;
    setText(v.sev, SEVERITY_LABEL[severity]);
    const resolved = a.state === 'resolved';
    setText(v.state, resolved ? `已恢复 resolved ${formatStamp(parseTs(a.resolvedTs), entry.ms)}` : '触发 firing');
    v.state.className = `state ${resolved ? 'resolved' : 'firing'}`;
    if (a.explained === true || a.explained === false) {
      setText(v.explained, a.explained ? '有消息 explained' : '无消息 unexplained');
      v.explained.className = `explained ${a.explained ? 'yes' : 'no'}`;
      v.explained.hidden = false;
    } else v.explained.hidden = true;
    // A group alert: its first symbol is the evidence's; the others follow on a line of their own.
    setText(v.symbol, symbols[0] ?? '');
    setText(v.name, name);
    setText(v.more, symbols.length > 1 ? `+${symbols.length - 1}: ${symbols.slice(1).join(' ')}` : '');
    v.more.hidden = symbols.length < 2;
    setText(v.rule, a.rule ?? '');
    setText(v.time, formatDateTime(entry.ms));
    v.time.setAttribute('datetime', typeof a.ts === 'string' ? a.ts : '');
    setText(v.message, a.message ?? '');
    renderEvidence(v.evidence, a, entry.ms, this.deps.market, { width: 400, height: 140 });
    this.drawnWithInstrument = this.deps.market.instruments.has(symbols[0]);
    renderAck(v.ack, entry.ack, entry.ackId, (ack) => this.deps.panel.applyAck(entry.ackId, ack));
    this.deps.onTitle?.(`Lodestone · ${symbols[0] ?? ''} ${a.rule ?? ''}`.trim());
    this.renderDeliveries();
  }

  renderDeliveries() {
    const records = this.deps.deliveries.records(this.key);
    renderDeliveries(this.v.deliveries, records, { todayMs: this.deps.market.lastEventMs });
    // Without records, the note says why (notifications off, the ledger unreachable) if it knows.
    const note = records.length ? '' : this.deliveriesNote;
    this.v.deliveries.hidden = records.length === 0 && note !== '';
    setText(this.v.deliveriesNote, note);
    this.v.deliveriesNote.hidden = note === '';
  }
}
