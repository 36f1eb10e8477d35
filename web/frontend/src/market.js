// What the page knows about the market: instruments from the REST snapshot, each symbol's latest
// quote, and the intraday path built from the quotes received (one point per second of event time).
// Each quote names its trading day and carries that day's limit prices (issue #14): the page never
// judges a price by a band from another day, and a name not yet traded on a new day shows as such.
import { defaultDecimals, parseTs } from './format.js';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // China has kept +08:00 without daylight saving since 1991
const MAX_POINTS = 20000; // a full trading day at one point per second is 14,400

export class Market {
  constructor() {
    this.instruments = new Map(); // symbol -> {symbol, name, type, board, decimals}
    this.quotes = new Map(); // symbol -> quote object as received
    this.paths = new Map(); // symbol -> {day, points: [{time: seconds, value}]}
    this.lastEventMs = NaN; // newest quote time seen: the market clock of a replay
    this.tradingDay = ''; // that quote's trading day ("2026-02-09"): the day the board is on
    this.dayTurned = false; // set by record() when tradingDay moved: every row must be redrawn
    this.listeners = new Set();
  }

  onChange(fn) {
    this.listeners.add(fn);
  }

  emit(symbols) {
    for (const fn of this.listeners) fn(symbols);
  }

  instrument(symbol) {
    let inst = this.instruments.get(symbol);
    if (!inst) {
      inst = { symbol, name: '', type: '', board: '', decimals: defaultDecimals(symbol) };
      this.instruments.set(symbol, inst);
    }
    return inst;
  }

  /** Applies GET /api/v1/snapshot: reference data plus each instrument's latest quote. */
  applySnapshot(snapshot) {
    const changed = [];
    for (const row of Array.isArray(snapshot?.instruments) ? snapshot.instruments : []) {
      if (!row || typeof row.symbol !== 'string') continue;
      const inst = this.instrument(row.symbol);
      inst.name = typeof row.name === 'string' ? row.name : inst.name;
      inst.type = typeof row.type === 'string' ? row.type : inst.type;
      inst.board = typeof row.board === 'string' ? row.board : inst.board;
      if (Number.isInteger(row.price_decimals) && row.price_decimals >= 0 && row.price_decimals <= 6) {
        inst.decimals = row.price_decimals;
      }
      // The row's limit_up/limit_down are its quote's, which the quote carries itself.
      changed.push(row.symbol);
      if (row.quote && typeof row.quote === 'object') this.record({ ...row.quote, symbol: row.symbol }, true);
    }
    this.emit(this.withAll(changed));
  }

  /** Applies one quote (from `quote` or a WebSocket `snapshot`); returns its symbol, or null when unusable. */
  applyQuote(q) {
    const symbol = this.record(q);
    if (symbol) this.emit(this.withAll([symbol]));
    return symbol;
  }

  applyQuotes(list) {
    const changed = [];
    for (const q of Array.isArray(list) ? list : []) {
      const s = this.record(q);
      if (s) changed.push(s);
    }
    if (changed.length) this.emit(this.withAll(changed));
  }

  /** `symbols`, or every instrument when the trading day turned: rows not yet traded change look. */
  withAll(symbols) {
    if (!this.dayTurned) return symbols;
    this.dayTurned = false;
    return [...new Set([...symbols, ...this.instruments.keys()])];
  }

  /** `mayBeOlder`: the REST snapshot races the WebSocket, so its quote must not undo a newer one. */
  record(q, mayBeOlder = false) {
    if (!q || typeof q.symbol !== 'string' || typeof q.last !== 'number') return null;
    const ms = parseTs(q.ts);
    if (!Number.isFinite(ms)) return null;
    const prev = this.quotes.get(q.symbol);
    // The WebSocket stream is the server's order, so an older quote there means the replay looped.
    if (mayBeOlder && prev && prev._ms > ms) return null;
    this.instrument(q.symbol);
    const quote = { ...q, _ms: ms };
    this.quotes.set(q.symbol, quote);
    const rewound = this.extendPath(q.symbol, ms, q.last);
    if (rewound || !(this.lastEventMs >= ms)) {
      this.lastEventMs = ms;
      const day = typeof q.trading_day === 'string' ? q.trading_day : '';
      if (day && day !== this.tradingDay) {
        this.tradingDay = day;
        this.dayTurned = true;
      }
    }
    return q.symbol;
  }

  /**
   * What the board and the chart show for `symbol`, from its latest quote. The band is the quote's
   * own day's. Once the market is on a later trading day than that quote (another name has traded
   * today), the name has not traded yet today: its last price is the close of its last session,
   * which is also today's reference (prev close); nothing has changed, nothing traded, and today's
   * band is not known until its first quote. `untraded` then names the two days.
   */
  view(symbol) {
    const q = this.quotes.get(symbol);
    const num = (v) => (typeof v === 'number' ? v : NaN);
    const out = {
      last: num(q?.last),
      prevClose: num(q?.prev_close),
      limitUp: num(q?.limit_up),
      limitDown: num(q?.limit_down),
      volume: num(q?.volume),
      turnover: num(q?.turnover),
      untraded: null,
    };
    const quoteDay = typeof q?.trading_day === 'string' ? q.trading_day : '';
    if (quoteDay && this.tradingDay && quoteDay < this.tradingDay) {
      out.prevClose = out.last;
      out.limitUp = NaN;
      out.limitDown = NaN;
      out.volume = NaN;
      out.turnover = NaN;
      out.untraded = { day: this.tradingDay, lastDay: quoteDay };
    }
    return out;
  }

  /** Adds a point; returns true when the quote went back in time and so started the path anew. */
  extendPath(symbol, ms, value) {
    const day = Math.floor((ms + SHANGHAI_OFFSET_MS) / 86400000);
    const time = Math.floor(ms / 1000);
    let path = this.paths.get(symbol);
    const rewound = Boolean(path && path.points.length && time < path.points[path.points.length - 1].time);
    if (!path || path.day !== day || rewound) {
      path = { day, points: [], version: (path?.version ?? 0) + 1 };
      this.paths.set(symbol, path);
    }
    const pts = path.points;
    if (pts.length && pts[pts.length - 1].time === time) pts[pts.length - 1].value = value;
    else pts.push({ time, value });
    if (pts.length > MAX_POINTS) pts.splice(0, pts.length - MAX_POINTS);
    return rewound;
  }

  path(symbol) {
    return this.paths.get(symbol) ?? { day: NaN, points: [], version: 0 };
  }

  /** Points of `symbol` with fromMs <= time <= toMs. */
  window(symbol, fromMs, toMs) {
    const pts = this.path(symbol).points;
    const from = fromMs / 1000;
    const to = toMs / 1000;
    return pts.filter((p) => p.time >= from && p.time <= to);
  }
}
