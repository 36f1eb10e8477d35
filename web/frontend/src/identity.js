// Who is signed in and what their role lets them do, as GET /api/v1/whoami answers for the
// token (credentials.js). The page shows only the controls the role can use: <body> carries one
// data-can-PERMISSION attribute per permission, and the stylesheet hides the acknowledge form,
// "mute this", "expire now" and the audit button without it. The server decides in any case;
// hiding spares a trader a button that can only answer 403.
import { ApiError, getWhoami } from './api.js';
import { currentToken } from './credentials.js';

// Every permission a role may carry (web/PROTOCOL.md): viewer read; trader + acknowledge,
// comment, silence; admin + reload_rules, ingest, manage_users, read_audit.
export const PERMISSIONS = ['read', 'acknowledge', 'comment', 'silence', 'reload_rules', 'ingest', 'manage_users', 'read_audit'];

const ROLE_LABEL = { viewer: '只读 viewer', trader: '交易员 trader', admin: '管理员 admin', ingest: '数据源 ingest' };

/**
 * The current identity:
 *  - state 'pending' (not asked yet), 'ok' (whoami answered), 'refused' (401: a wrong token, or
 *    reads need one), 'legacy' (a server without users: whoami is 404, every control shows and
 *    the server's single token decides), 'unknown' (whoami failed otherwise; nothing to write with)
 *  - user (null: anonymous), role, permissions (a Set), usersConfigured, message (what went wrong)
 */
let identity = { state: 'pending', user: null, role: '', permissions: new Set(), usersConfigured: false, message: '' };
const listeners = new Set();

export function currentIdentity() {
  return identity;
}

/**
 * Whether the signed-in role may `permission`. A server without users decides with its single
 * token: every control shows, except the audit log it does not keep.
 */
export function can(permission) {
  if (identity.state === 'legacy') return permission !== 'read_audit' && permission !== 'manage_users';
  return identity.permissions.has(permission);
}

export function onIdentity(fn) {
  listeners.add(fn);
}

/** The role in both languages (the settings, error messages, the header's tooltip). */
export function roleLabel(role) {
  return ROLE_LABEL[role] ?? role;
}

function set(next) {
  identity = next;
  for (const p of PERMISSIONS) {
    const attr = `can${p.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase())}`; // read_audit -> canReadAudit
    if (can(p)) document.body.dataset[attr] = '';
    else delete document.body.dataset[attr];
  }
  document.body.dataset.identity = identity.state;
  for (const fn of listeners) fn(identity);
}

async function ask(token) {
  const signedIn = Boolean(token);
  try {
    const who = await getWhoami();
    if (currentToken() !== token) return; // signed in or out meanwhile: the newer question counts
    set({ state: 'ok', ...who, permissions: new Set(who.permissions), message: '' });
  } catch (err) {
    if (currentToken() !== token) return;
    const status = err instanceof ApiError ? err.status : 0;
    const none = { user: null, role: '', permissions: new Set(), usersConfigured: false };
    if (status === 404) {
      set({ state: 'legacy', ...none, message: '' });
    } else if (status === 401) {
      const message = signedIn
        ? '令牌无效 token refused (401): check it in ⚙'
        : '需要登录 sign-in required (401): enter your token in ⚙';
      set({ state: 'refused', ...none, usersConfigured: true, message });
    } else {
      set({ state: 'unknown', ...none, message: `身份未知 cannot tell who is signed in: ${err?.message ?? err}` });
    }
  }
}

let inFlight = null; // {token, promise}: one question per token at a time

/** Asks the server again who the token is (after a sign-in, on each WebSocket hello). */
export function refreshIdentity() {
  const token = currentToken();
  if (inFlight && inFlight.token === token) return inFlight.promise;
  const promise = ask(token).finally(() => {
    if (inFlight?.promise === promise) inFlight = null;
  });
  inFlight = { token, promise };
  return promise;
}
