// An alert's evidence as the card and the single-alert view show it: the move and its window,
// the window's price path, the keywords and tags that matched, and the headlines with their
// source and time. Everything goes in as text (dom.js).
import { clear, el } from './dom.js';
import { formatPct, formatPrice, formatStamp, parseTs, parseWindow } from './format.js';
import { symbolsOf } from './alert_fields.js';
import { sparkline } from './sparkline.js';

const WINDOW_LABEL = { prev_close: '较昨收 since the previous close', open: '较开盘 since the open' };
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Midnight in Shanghai of the day containing ms. */
function dayStartMs(ms) {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / 86400000) * 86400000 - SHANGHAI_OFFSET_MS;
}

/**
 * Fills `body` with an alert's evidence: the move and its window, the price path through the
 * window, the matched keywords and tags, and the headlines with their source and time.
 * `ms` is the alert's time; `chart` sizes the path's viewBox (CSS sets its shown size).
 */
export function renderEvidence(body, a, ms, market, chart = { width: 320, height: 72 }) {
  clear(body);
  const ev = a.evidence && typeof a.evidence === 'object' ? a.evidence : {};
  const symbol = symbolsOf(a)[0];
  const inst = market.instruments.get(symbol);
  const d = inst?.decimals ?? (typeof ev.move?.decimals === 'number' ? ev.move.decimals : 2);
  const move = ev.move && typeof ev.move === 'object' ? ev.move : null;
  if (move) {
    // "prev_close" / "open" windows run from the start of the alert's trading day.
    const sinceDayStart = move.window === 'prev_close' || move.window === 'open';
    const windowMs = sinceDayStart ? ms - dayStartMs(ms) : parseWindow(move.window);
    const end = ms;
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
    const path = windowPath(a, move, windowMs, end, market);
    if (path.length > 0) {
      const dir = Math.sign((move.to ?? 0) - (move.from ?? 0));
      body.append(
        el(
          'div',
          { class: 'evidence-chart' },
          sparkline(path, { width: chart.width, height: chart.height, base: move.from, direction: dir, cls: 'spark window' }),
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
            el('time', {}, formatStamp(parseTs(h?.ts), ms)),
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
function windowPath(a, move, windowMs, end, market) {
  const own = Array.isArray(move.path) ? move.path : Array.isArray(a.evidence?.path) ? a.evidence.path : null;
  if (own) {
    return own
      .map((p) => (Array.isArray(p) ? { ms: parseTs(p[0]), v: p[1] } : { ms: parseTs(p?.ts), v: p?.last ?? p?.price }))
      .filter((p) => Number.isFinite(p.ms) && typeof p.v === 'number')
      .map((p) => ({ time: p.ms / 1000, value: p.v }));
  }
  const symbol = symbolsOf(a)[0];
  if (Number.isFinite(windowMs) && symbol) {
    const seen = market.window(symbol, end - windowMs, end);
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
