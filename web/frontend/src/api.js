// REST calls under /api/v1, with the bearer token when the trader has set one.
import { settings } from './settings.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const { token } = settings();
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

/** Acknowledges an alert for every trader; answers the `ack` message the server broadcasts. */
export function ackAlert(id, comment, by) {
  const body = by ? { comment, by } : { comment };
  return request('POST', `/api/v1/alerts/${segment(id)}/ack`, body); // ids look like "<fp>:firing"
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

/** {matchers, created_by, comment, duration | ends_at}: answers {id}. Needs the token. */
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

/** The WebSocket URL on this origin; the token rides as a query parameter since browsers cannot set headers. */
export function wsUrl() {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(`${scheme}//${window.location.host}/ws`);
  url.searchParams.set('batch', '1'); // queued messages may arrive together as one "batch" frame
  const { token } = settings();
  if (token) url.searchParams.set('token', token);
  return url.href;
}
