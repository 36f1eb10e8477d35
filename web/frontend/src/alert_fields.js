// What the page reads off a canonical alert (web/PROTOCOL.md): which alert a notification is
// about, its symbols and severity. Pure: no DOM.

export const SEVERITY_LABEL = { critical: '严重 critical', warning: '警告 warning', info: '提示 info' };

/** critical, warning or info (anything else shows as info). */
export function severityOf(a) {
  return ['critical', 'warning', 'info'].includes(a?.severity) ? a.severity : 'info';
}

/**
 * The alert a notification is about: its fingerprint label, else its id. The server's key
 * (bus::alert_key): /alerts/KEY, GET /api/v1/alerts/KEY and the delivery ledger use it.
 */
export function alertKey(a) {
  const fp = a.labels && typeof a.labels.fingerprint === 'string' ? a.labels.fingerprint : '';
  return fp || a.id;
}

/** Every symbol an alert is about: its own, or a group alert's `symbols` label (first = the evidence's). */
export function symbolsOf(a) {
  if (typeof a.symbol === 'string' && a.symbol) return [a.symbol];
  const list = typeof a.labels?.symbols === 'string' ? a.labels.symbols.split(',') : [];
  return list.map((x) => x.trim()).filter(Boolean);
}

/** The page's own link to one alert (what a notification's link opens). */
export function alertPath(key) {
  return `/alerts/${encodeURIComponent(key)}`;
}
