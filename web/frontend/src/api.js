// REST calls under /api/v1, with the bearer token when the trader has signed in.
import { currentToken } from './credentials.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const token = currentToken();
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

async function request(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  init.signal = AbortSignal.timeout(10000);
  const res = await fetch(path, init);
  const text = await res.text();
  if (!res.ok) {
    let reason = text.trim().slice(0, 200);
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed.error === 'string') reason = parsed.error;
    } catch {
      // A plain-text error body is shown as it is.
    }
    throw new ApiError(res.status, `${method} ${path}: ${res.status} ${reason || res.statusText}`);
  }
  return text === '' ? null : JSON.parse(text);
}

export function getSnapshot() {
  return request('GET', '/api/v1/snapshot');
}

/** One page of alerts with seq greater than `after`, oldest first: {alerts, gap}. */
export async function getAlertPage(after, limit) {
  const body = await request('GET', `/api/v1/alerts?after=${encodeURIComponent(after)}&limit=${limit}`);
  if (Array.isArray(body)) return { alerts: body, gap: false };
  return { alerts: body && Array.isArray(body.alerts) ? body.alerts : [], gap: Boolean(body?.gap) };
}

export async function getAlerts(after, limit) {
  return (await getAlertPage(after, limit)).alerts;
}

export async function getNews(limit) {
  const body = await request('GET', `/api/v1/news?limit=${limit}`);
  if (Array.isArray(body)) return body;
  return body && Array.isArray(body.news) ? body.news : [];
}

/**
 * Acknowledges an alert for every trader; answers the `ack` message the server broadcasts. Who
 * acknowledged is the signed-in user, as the server knows them from the token: the page sends
 * no name.
 */
export function ackAlert(id, comment) {
  return request('POST', `/api/v1/alerts/${segment(id)}/ack`, { comment }); // ids look like "<fp>:firing"
}

/** An id or key as one path segment; ':' and '@' may stand as they are (RFC 3986 pchar). */
function segment(text) {
  return encodeURIComponent(text).replace(/%3A/gi, ':').replace(/%40/gi, '@');
}

/** Every retained notification of one alert, oldest first: {alert, notifications}. */
export async function getAlert(key) {
  const body = await request('GET', `/api/v1/alerts/${segment(key)}`);
  return {
    alert: typeof body?.alert === 'string' ? body.alert : key,
    notifications: Array.isArray(body?.notifications) ? body.notifications : [],
  };
}

/** The delivery ledger's records of one alert (404 when notifications are not configured). */
export async function getDeliveries(key) {
  const body = await request('GET', `/api/v1/alerts/${segment(key)}/deliveries`);
  return Array.isArray(body?.deliveries) ? body.deliveries : [];
}

/** {enabled, receivers: [{name, kind, health, detail, ...}]} */
export async function getNotifyStatus() {
  const body = await request('GET', '/api/v1/notify');
  return { enabled: body?.enabled === true, receivers: Array.isArray(body?.receivers) ? body.receivers : [] };
}

/** The feeds and their state: {feeds: [{name, kind, state, ...}]}. */
export async function getFeeds() {
  const body = await request('GET', '/api/v1/feeds');
  return Array.isArray(body?.feeds) ? body.feeds : [];
}

export async function getSilences() {
  const body = await request('GET', '/api/v1/silences');
  return Array.isArray(body?.silences) ? body.silences : [];
}

/** {matchers, comment, duration | ends_at}: answers {id}. Needs the token (its user made it). */
export function addSilence(silence) {
  return request('POST', '/api/v1/silences', silence);
}

export function expireSilence(id) {
  return request('DELETE', `/api/v1/silences/${segment(id)}`);
}

export async function getAcks() {
  const body = await request('GET', '/api/v1/acks');
  return body && Array.isArray(body.acks) ? body.acks : [];
}

/**
 * Who the token belongs to and what they may do: {user, role, permissions, users_configured}
 * (anonymous: user null, role viewer). 401: the token is refused, or reads need one.
 */
export async function getWhoami() {
  const body = await request('GET', '/api/v1/whoami');
  return {
    user: typeof body?.user === 'string' ? body.user : null,
    role: typeof body?.role === 'string' ? body.role : '',
    permissions: Array.isArray(body?.permissions) ? body.permissions.filter((p) => typeof p === 'string') : [],
    usersConfigured: body?.users_configured === true,
  };
}

/** The audit log, newest first: [{at, user, role, action, target, address, result, status, detail}] (admin). */
export async function getAudit(limit) {
  const body = await request('GET', `/api/v1/audit?limit=${encodeURIComponent(limit)}`);
  return Array.isArray(body?.entries) ? body.entries.filter((e) => e && typeof e === 'object') : [];
}

// A server without tickets (404) is not asked again on every reconnect.
let ticketsMissing = false;

/** A single-use WebSocket ticket for the signed-in user, valid for seconds: {ticket, expires_in_ms}. */
export async function getWsTicket() {
  const body = await request('POST', '/api/v1/ws-ticket');
  if (typeof body?.ticket !== 'string' || !body.ticket) throw new ApiError(0, 'POST /api/v1/ws-ticket: no ticket in the answer');
  return body.ticket;
}

/**
 * The WebSocket URL on this origin, for one dial. Browsers cannot set headers on a WebSocket, and
 * a token in a URL stays in proxies' logs and the history: a signed-in page asks for a fresh
 * single-use ticket before every dial (reconnects included) and puts that in the URL. Without a
 * token the socket dials without one (anonymous reads, when the server allows them). A server
 * that has no tickets (404) is dialled without one too: the token itself never goes in a URL.
 */
export async function wsUrl() {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(`${scheme}//${window.location.host}/ws`);
  url.searchParams.set('batch', '1'); // queued messages may arrive together as one "batch" frame
  if (currentToken() && !ticketsMissing) {
    try {
      url.searchParams.set('ticket', await getWsTicket());
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      ticketsMissing = true;
    }
  }
  return url.href;
}
