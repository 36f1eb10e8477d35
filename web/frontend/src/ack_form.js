// An alert's acknowledgement, shared by every trader on the board: who, when and why once
// there is one; until then the form that posts it (POST /api/v1/alerts/ID/ack with the signed-in
// token; the server names who acknowledged). Used by the alert cards and the single-alert view;
// hidden for a role that may not acknowledge (identity.js).
import { ApiError, ackAlert } from './api.js';
import { clear, el, setText } from './dom.js';
import { formatStamp, parseTs } from './format.js';
import { currentIdentity, roleLabel } from './identity.js';

/** What a refused write says, on a card or in a dialog: 401 (who are you?) apart from 403 (not you). */
export function writeError(err) {
  if (err instanceof ApiError && err.status === 401) return '需要登录 sign in first (401): enter your token in ⚙';
  if (err instanceof ApiError && err.status === 403) {
    const { user, role } = currentIdentity();
    const who = user ? `${user} (${roleLabel(role)})` : roleLabel(role || 'viewer');
    return `无权限 not allowed for ${who} (403)`;
  }
  return String(err?.message ?? err);
}

/**
 * Fills `box` for `ack` (null: not acknowledged yet). `ackId` is the notification id the
 * acknowledgement names; `onAcked(ack)` gets the answer (the server's `ack` message). Redraws
 * only when what it shows changed, so a comment being typed survives a refresh.
 */
export function renderAck(box, ack, ackId, onAcked) {
  if (ack && typeof ack === 'object') {
    const sig = JSON.stringify(ack);
    if (box.dataset.acked === '1' && box.dataset.sig === sig) return;
    clear(box);
    box.dataset.acked = '1';
    box.dataset.sig = sig;
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
      const body = await ackAlert(ackId, comment);
      const by = currentIdentity().user ?? '';
      onAcked(body?.type === 'ack' ? body : { comment, by, ts: new Date().toISOString() });
    } catch (err) {
      setText(error, writeError(err));
      button.disabled = false;
    }
  });
  box.append(form);
}
