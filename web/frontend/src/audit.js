// The audit history (admin): every write the daemon was asked for — who, what, on what, from
// where, when, and whether it was done, refused or failed — newest first, from
// GET /api/v1/audit. A dialog opened from the header's "审计 Audit" button (shown only with the
// read_audit permission), refreshable; a 401/403 answer is said as such.
import { ApiError, getAudit } from './api.js';
import { el, setText } from './dom.js';
import { formatDateTime, parseTs } from './format.js';

const LIMIT = 200;

const ACTION_LABEL = {
  acknowledge: '确认 acknowledge',
  comment: '备注 comment',
  silence: '静音 silence',
  expire_silence: '解除静音 expire silence',
  reload_rules: '重载规则 reload rules',
  ingest: '写入 ingest',
};

const RESULT_LABEL = { ok: '✓ ok', denied: '✗ denied', failed: '! failed' };

function text(v) {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** One entry as a table row (every field as text: the log holds what clients sent). */
export function auditRow(e) {
  const result = text(e.result);
  return el(
    'tr',
    { class: `audit-entry result-${result.replace(/[^a-z]/g, '') || 'unknown'}` },
    el('td', { class: 'audit-at', data: { col: 'at' } }, formatDateTime(parseTs(e.at))),
    el('td', { class: 'audit-user', data: { col: 'user' } }, text(e.user) || '—', el('span', { class: 'audit-role' }, text(e.role))),
    el('td', { class: 'audit-action', data: { col: 'action' } }, ACTION_LABEL[e.action] ?? text(e.action)),
    el('td', { class: 'audit-target', data: { col: 'target' } }, text(e.target)),
    el('td', { class: 'audit-result', data: { col: 'result' } }, RESULT_LABEL[result] ?? result, e.status ? ` ${text(e.status)}` : ''),
    el('td', { class: 'audit-address', data: { col: 'address' } }, text(e.address)),
    el('td', { class: 'audit-detail', data: { col: 'detail' } }, text(e.detail)),
  );
}

export class AuditDialog {
  constructor() {
    this.status = el('p', { class: 'audit-status', role: 'status' });
    this.body = el('tbody', {});
    this.refreshButton = el('button', { type: 'button', class: 'audit-refresh' }, '刷新 Refresh');
    this.refreshButton.addEventListener('click', () => this.refresh());
    const head = el(
      'tr',
      {},
      ['时间 when', '用户 who', '操作 what', '对象 target', '结果 result', '地址 from', '详情 detail'].map((h) => el('th', {}, h)),
    );
    this.dialog = el(
      'dialog',
      { id: 'audit-dialog', class: 'dialog audit-dialog', 'aria-labelledby': 'audit-title' },
      el(
        'form',
        { method: 'dialog' },
        el('h2', { id: 'audit-title' }, '审计记录 Audit history'),
        this.status,
        el('div', { class: 'audit-scroll' }, el('table', { class: 'audit-table' }, el('thead', {}, head), this.body)),
        el(
          'div',
          { class: 'dialog-buttons' },
          this.refreshButton,
          el('button', { type: 'submit', value: 'close' }, '关闭 Close'),
        ),
      ),
    );
    document.body.append(this.dialog);
  }

  open() {
    if (!this.dialog.open) this.dialog.showModal();
    return this.refresh();
  }

  async refresh() {
    this.refreshButton.disabled = true;
    setText(this.status, '加载中 loading…');
    try {
      const entries = await getAudit(LIMIT);
      this.body.replaceChildren(...entries.map(auditRow));
      setText(this.status, entries.length ? `最近 ${entries.length} 条 the latest ${entries.length}, newest first` : '暂无记录 nothing recorded yet');
    } catch (err) {
      this.body.replaceChildren();
      const status = err instanceof ApiError ? err.status : 0;
      if (status === 401) setText(this.status, '需要登录 sign in first (401): enter an admin token in ⚙');
      else if (status === 403) setText(this.status, '仅管理员 admins only (403): this token may not read the audit log');
      else setText(this.status, `审计记录不可用 audit log unavailable: ${err?.message ?? err}`);
    } finally {
      this.refreshButton.disabled = false;
    }
  }
}
