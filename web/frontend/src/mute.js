// "Mute this" from an alert card or the single-alert view: a silence (POST /api/v1/silences,
// with the signed-in token) for this rule on this symbol, or for every alert on this symbol, for
// 30 min, 1 h, until the close or until tomorrow's open, with a required comment. Who made it is
// the signed-in user, as the server knows them: the page sends no name. Hidden for a role that
// may not silence (identity.js).
import { writeError } from './ack_form.js';
import { symbolsOf } from './alert_fields.js';
import { addSilence } from './api.js';
import { el, setText } from './dom.js';
import { formatDateTime, parseTs } from './format.js';
import { currentIdentity } from './identity.js';
import { muteUntil } from './sessions.js';

/** A silence matcher as rules::parse_matcher reads it: label="value" (the value as it is). */
export function matcher(label, value) {
  return `${label}="${value}"`;
}

/** What can be muted from an alert: [{value, label, matchers}], the narrowest first. */
export function muteScopes(a, name = '') {
  const rule = typeof a?.rule === 'string' ? a.rule : '';
  // Silences match the alert's labels: `symbol` is set for an alert about one symbol only.
  const symbol = typeof a?.symbol === 'string' && a.symbol ? a.symbol : '';
  const who = `${symbol}${name ? ` ${name}` : ''}`;
  const scopes = [];
  if (rule && symbol) {
    scopes.push({
      value: 'rule-symbol',
      label: `此代码的此规则 this rule for ${who}`,
      matchers: [matcher('rule', rule), matcher('symbol', symbol)],
    });
  }
  if (symbol) {
    scopes.push({ value: 'symbol', label: `此代码的所有预警 every alert for ${who}`, matchers: [matcher('symbol', symbol)] });
  }
  if (!symbol && rule) scopes.push({ value: 'rule', label: `此规则 this rule (${rule})`, matchers: [matcher('rule', rule)] });
  return scopes;
}

export const MUTE_FOR = [
  { value: '30m', label: '30 分钟 30 min', duration: '30m' },
  { value: '1h', label: '1 小时 1 h', duration: '1h' },
  { value: 'close', label: '至收盘 until the close' },
  { value: 'open', label: "至明日开盘 until tomorrow's open" },
];

/**
 * The silence to post: `duration` for 30 min and 1 h (the daemon counts from its own now),
 * `ends_at` in exchange time for the close and the open.
 */
export function silenceBody({ matchers, forChoice, comment, createdBy, nowMs, calendar }) {
  const body = { matchers, created_by: createdBy, comment };
  const choice = MUTE_FOR.find((c) => c.value === forChoice);
  if (!choice) throw new Error(`unknown mute duration ${forChoice}`);
  if (choice.duration) body.duration = choice.duration;
  else body.ends_at = muteUntil(choice.value, nowMs, calendar);
  return body;
}

/**
 * The author a silence body carries. A server with users ignores it and records the signed-in
 * user; one without users needs a non-empty author, and nobody types a name any more.
 */
function authorName() {
  return currentIdentity().user ?? 'lodestone page';
}

export class MuteDialog {
  /**
   * @param {{now: () => number, calendar: () => object, nameOf: (symbol) => string, onMuted: () => void}} deps
   *   now: the daemon's "now" as exchange-time ms (the tape's time when it only replays one)
   */
  constructor(deps) {
    this.deps = deps;
    this.alert = null;
    this.scopeBox = el('div', { class: 'choices' });
    this.forBox = el('div', { class: 'choices' });
    this.about = el('p', { class: 'mute-about' });
    this.comment = el('input', {
      type: 'text',
      name: 'comment',
      class: 'mute-comment',
      required: true,
      maxlength: '500',
      autocomplete: 'off',
      placeholder: '例如 已知消息 known news, watching',
    });
    this.who = el('p', { class: 'mute-by' });
    this.preview = el('p', { class: 'mute-preview' });
    this.error = el('p', { class: 'mute-error', role: 'status' });
    this.submit = el('button', { type: 'submit', value: 'mute', class: 'primary' }, '静音 Mute');
    this.form = el(
      'form',
      { method: 'dialog', class: 'mute-form' },
      el('h2', {}, '静音 Mute'),
      this.about,
      el('fieldset', { class: 'field' }, el('legend', {}, '范围 What'), this.scopeBox),
      el('fieldset', { class: 'field' }, el('legend', {}, '时长 For how long'), this.forBox),
      el('label', { class: 'field' }, el('span', {}, '原因 Why (required)'), this.comment),
      this.who,
      this.preview,
      this.error,
      el(
        'div',
        { class: 'dialog-buttons' },
        el('button', { type: 'submit', value: 'cancel', formnovalidate: true }, '取消 Cancel'),
        this.submit,
      ),
    );
    this.dialog = el('dialog', { id: 'mute-dialog', class: 'dialog mute-dialog' }, this.form);
    this.form.addEventListener('submit', (ev) => this.onSubmit(ev));
    this.form.addEventListener('change', () => this.showPreview());
    document.body.append(this.dialog);
  }

  open(alert) {
    this.alert = alert;
    const symbol = symbolsOf(alert)[0] ?? '';
    const name = this.deps.nameOf(symbol);
    setText(this.about, `${symbol} ${name} · ${alert.rule ?? ''}`.trim());
    const scopes = muteScopes(alert, name);
    this.scopes = scopes;
    this.fillChoices(this.scopeBox, 'scope', scopes);
    const now = this.deps.now();
    const forChoices = MUTE_FOR.map((c) => {
      if (c.duration) return c;
      let until = '';
      try {
        until = ` (${formatDateTime(parseTs(muteUntil(c.value, now, this.deps.calendar()))).slice(5, 16)})`;
      } catch {
        until = '';
      }
      return { ...c, label: `${c.label}${until}` };
    });
    this.fillChoices(this.forBox, 'for', forChoices);
    this.comment.value = '';
    const { user } = currentIdentity();
    setText(this.who, user ? `静音人 muted by ${user}` : '');
    setText(this.error, '');
    this.submit.disabled = scopes.length === 0;
    this.showPreview();
    this.dialog.showModal();
    this.comment.focus();
  }

  fillChoices(box, name, choices) {
    box.replaceChildren(
      ...choices.map((c, i) =>
        el(
          'label',
          { class: 'choice' },
          el('input', { type: 'radio', name, value: c.value, checked: i === 0 }),
          ` ${c.label}`,
        ),
      ),
    );
  }

  chosen(name) {
    return this.form.querySelector(`input[name="${name}"]:checked`)?.value ?? '';
  }

  showPreview() {
    const scope = this.scopes?.find((s) => s.value === this.chosen('scope'));
    setText(this.preview, scope ? scope.matchers.join(' ') : '');
  }

  async onSubmit(ev) {
    if (ev.submitter?.value !== 'mute') return; // Cancel: the dialog closes
    ev.preventDefault();
    const scope = this.scopes.find((s) => s.value === this.chosen('scope'));
    const comment = this.comment.value.trim();
    if (!scope) return;
    if (!comment) {
      setText(this.error, '请填写原因 a comment is required');
      return;
    }
    this.submit.disabled = true;
    setText(this.error, '');
    try {
      const body = silenceBody({
        matchers: scope.matchers,
        forChoice: this.chosen('for'),
        comment,
        createdBy: authorName(),
        nowMs: this.deps.now(),
        calendar: this.deps.calendar(),
      });
      await addSilence(body);
      this.dialog.close();
      this.deps.onMuted();
    } catch (err) {
      setText(this.error, writeError(err));
    } finally {
      this.submit.disabled = false;
    }
  }
}
