// Pure formatting helpers: no DOM, so node's test runner can check them directly.
// Every time is shown in exchange time (Asia/Shanghai), whatever the viewer's own time zone.

const TZ = 'Asia/Shanghai';

const timeFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const shortDayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, month: '2-digit', day: '2-digit' });
const minuteFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export const DASH = '—';

/** Epoch milliseconds from a canonical `ts` (ISO 8601 with offset, or epoch ms); NaN when unusable. */
export function parseTs(ts) {
  if (typeof ts === 'number') return Number.isFinite(ts) ? ts : NaN;
  if (typeof ts !== 'string' || ts === '') return NaN;
  if (/^\d+$/.test(ts)) return Number(ts);
  return Date.parse(ts);
}

/** HH:MM:SS in Shanghai. */
export function formatTime(ms) {
  return Number.isFinite(ms) ? timeFmt.format(ms) : DASH;
}

/** HH:MM in Shanghai. */
export function formatMinute(ms) {
  return Number.isFinite(ms) ? minuteFmt.format(ms) : DASH;
}

/** YYYY-MM-DD of the Shanghai trading day containing ms. */
export function shanghaiDay(ms) {
  return Number.isFinite(ms) ? dayFmt.format(ms) : '';
}

/** YYYY-MM-DD HH:MM:SS in Shanghai. */
export function formatDateTime(ms) {
  return Number.isFinite(ms) ? `${dayFmt.format(ms)} ${timeFmt.format(ms)}` : DASH;
}

/** MM-DD HH:MM:SS when ms is not on `todayMs`'s Shanghai day, HH:MM:SS otherwise. */
export function formatStamp(ms, todayMs) {
  if (!Number.isFinite(ms)) return DASH;
  if (Number.isFinite(todayMs) && shanghaiDay(ms) === shanghaiDay(todayMs)) return timeFmt.format(ms);
  return `${shortDayFmt.format(ms)} ${timeFmt.format(ms)}`;
}

function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * A price padded to the instrument's tick precision. JSON 1.190 arrives as the double 1.19;
 * toFixed(3) gives back "1.190" exactly for prices of these magnitudes.
 */
export function formatPrice(value, decimals) {
  return isNum(value) ? value.toFixed(decimals) : DASH;
}

/** Integer ticks (units of 10^-decimals), the exact form for comparing and subtracting prices. */
export function toTicks(value, decimals) {
  return Math.round(value * 10 ** decimals);
}

/** Signed change in price, e.g. "+0.044", computed in ticks so no float noise appears. */
export function formatChange(last, prevClose, decimals) {
  if (!isNum(last) || !isNum(prevClose)) return DASH;
  const diff = toTicks(last, decimals) - toTicks(prevClose, decimals);
  const text = (Math.abs(diff) / 10 ** decimals).toFixed(decimals);
  return diff > 0 ? `+${text}` : diff < 0 ? `-${text}` : text;
}

/** Change as a fraction of the previous close, in percent; NaN when unknown. */
export function changePct(last, prevClose) {
  if (!isNum(last) || !isNum(prevClose) || prevClose <= 0) return NaN;
  return ((last - prevClose) / prevClose) * 100;
}

/** "+3.61%" / "-4.45%" / "0.00%". */
export function formatPct(pct) {
  if (!isNum(pct)) return DASH;
  const text = Math.abs(pct).toFixed(2);
  if (text === '0.00') return '0.00%';
  return pct > 0 ? `+${text}%` : `-${text}%`;
}

/** -1, 0 or 1: the direction of last against the previous close, at tick precision. */
export function direction(last, prevClose, decimals) {
  if (!isNum(last) || !isNum(prevClose)) return 0;
  return Math.sign(toTicks(last, decimals) - toTicks(prevClose, decimals));
}

/** Chinese magnitude units as traders read them: 1.52亿, 3456.78万, 980. */
export function formatCn(value) {
  if (!isNum(value)) return DASH;
  const abs = Math.abs(value);
  if (abs >= 1e8) return `${(value / 1e8).toFixed(2)}亿`;
  if (abs >= 1e4) return `${(value / 1e4).toFixed(2)}万`;
  return Math.round(value).toString();
}

/** 'up' at or above the limit-up price, 'down' at or below limit-down, else null (compared in ticks). */
export function limitState(last, limitUp, limitDown, decimals) {
  if (!isNum(last)) return null;
  const t = toTicks(last, decimals);
  if (isNum(limitUp) && t >= toTicks(limitUp, decimals)) return 'up';
  if (isNum(limitDown) && t <= toTicks(limitDown, decimals)) return 'down';
  return null;
}

/** Funds (ETFs/LOFs) tick at 0.001, stocks at 0.01: the fallback when the snapshot lacks price_decimals. */
export function defaultDecimals(symbol) {
  const code = String(symbol || '').slice(0, 6);
  return /^(15|16|18|50|51|52|56|58)/.test(code) ? 3 : 2;
}

/** Milliseconds in an alert window such as "30s", "15m", "1h", "2d"; NaN for "prev_close" and the like. */
export function parseWindow(text) {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)$/.exec(String(text || '').trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1e3, m: 6e4, min: 6e4, h: 36e5, d: 864e5 }[m[2]];
  return n * unit;
}

/** A short age: "0.4s", "12s", "3m 05s", "2h 10m". */
export function formatAge(ms) {
  if (!isNum(ms) || ms < 0) return DASH;
  if (ms < 10e3) return `${(ms / 1e3).toFixed(1)}s`;
  const s = Math.floor(ms / 1e3);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Splits text into runs so matched keywords can be wrapped in <mark> by the caller, which inserts
 * every run as a text node. Overlapping keywords merge; matching is case-insensitive.
 */
export function keywordRuns(text, keywords) {
  const source = String(text ?? '');
  const words = (Array.isArray(keywords) ? keywords : []).filter((k) => typeof k === 'string' && k !== '');
  if (words.length === 0 || source === '') return [{ text: source, mark: false }];
  const lower = source.toLowerCase();
  const hits = new Array(source.length).fill(false);
  for (const w of words) {
    const lw = w.toLowerCase();
    for (let i = lower.indexOf(lw); i !== -1; i = lower.indexOf(lw, i + 1)) {
      for (let k = i; k < i + lw.length; k++) hits[k] = true;
    }
  }
  const runs = [];
  let start = 0;
  for (let i = 1; i <= source.length; i++) {
    if (i === source.length || hits[i] !== hits[start]) {
      runs.push({ text: source.slice(start, i), mark: hits[start] });
      start = i;
    }
  }
  return runs;
}

/** The URL when it is http(s), else null: a feed must never plant a javascript: link. */
export function safeUrl(url) {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Compares two board cells for sorting: numbers numerically, strings by locale, blanks last. */
export function compareValues(a, b) {
  const blankA = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const blankB = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (blankA || blankB) return blankA === blankB ? 0 : blankA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'zh-CN');
}
