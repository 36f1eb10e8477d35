// The board: one row per instrument, cells updated in place once per animation frame, sortable.
import { clear, el, setText } from './dom.js';
import {
  DASH,
  changePct,
  compareValues,
  direction,
  formatChange,
  formatCn,
  formatPct,
  formatPrice,
  formatStamp,
  limitState,
  toTicks,
} from './format.js';
import { sparkline } from './sparkline.js';

const COLUMNS = [
  { key: 'symbol', label: '代码', title: 'Symbol', cls: 'sym' },
  { key: 'name', label: '名称', title: 'Name', cls: 'name' },
  { key: 'last', label: '最新', title: 'Last price', cls: 'num' },
  { key: 'change', label: '涨跌', title: 'Change against the previous close', cls: 'num' },
  { key: 'pct', label: '涨跌幅', title: 'Change %', cls: 'num' },
  { key: 'volume', label: '成交量', title: 'Volume (shares)', cls: 'num' },
  { key: 'turnover', label: '成交额', title: 'Turnover (CNY)', cls: 'num' },
  { key: 'time', label: '时间', title: 'Time of the last update (Shanghai)', cls: 'num time' },
  { key: 'limit', label: '涨跌停', title: 'At limit-up (涨停) or limit-down (跌停)', cls: 'limit' },
  { key: 'spark', label: '分时', title: 'Intraday path of the quotes received', cls: 'spark', sortable: false },
];

const STATIC_KEYS = new Set(['symbol', 'name']);
const RESORT_EVERY_MS = 1000;
const SPARK_EVERY_MS = 1000;

export class Board {
  /**
   * @param {HTMLElement} host  the element the table goes into
   * @param {import('./market.js').Market} market
   * @param {{sortKey, sortDir, selected, onSelect: (symbol) => void, onSort: (key, dir) => void}} opts
   */
  constructor(host, market, opts) {
    this.market = market;
    this.opts = opts;
    this.sortKey = opts.sortKey;
    this.sortDir = opts.sortDir === -1 ? -1 : 1;
    this.selected = opts.selected || '';
    this.rows = new Map(); // symbol -> {tr, cells, lastTicks, sparkAt, sparkVersion}
    this.dirty = new Set();
    this.frame = 0;
    this.sortedAt = 0;
    this.headers = new Map();

    const headRow = el('tr');
    for (const col of COLUMNS) {
      const th = el('th', { class: col.cls, title: col.title, scope: 'col', data: { col: col.key } });
      if (col.sortable === false) th.append(col.label);
      else {
        th.append(el('button', { type: 'button', on: { click: () => this.sortBy(col.key) } }, col.label));
        this.headers.set(col.key, th);
      }
      headRow.append(th);
    }
    this.tbody = el('tbody', { tabindex: '0', on: { keydown: (ev) => this.onKey(ev) } });
    this.empty = el('tr', { class: 'empty' }, el('td', { colspan: COLUMNS.length }, '等待行情 Waiting for the snapshot…'));
    this.tbody.append(this.empty);
    this.table = el('table', { class: 'board', id: 'board-table' }, el('thead', {}, headRow), this.tbody);
    host.append(this.table);
    this.showSort();
    market.onChange((symbols) => this.markDirty(symbols));
  }

  markDirty(symbols) {
    for (const s of symbols) this.dirty.add(s);
    if (!this.frame) this.frame = window.requestAnimationFrame(() => this.flush());
  }

  flush() {
    this.frame = 0;
    let added = false;
    for (const symbol of this.dirty) {
      if (!this.rows.has(symbol)) {
        this.rows.set(symbol, this.createRow(symbol));
        added = true;
      }
      this.updateRow(symbol);
    }
    this.dirty.clear();
    const now = Date.now();
    if (added || (!STATIC_KEYS.has(this.sortKey) && now - this.sortedAt >= RESORT_EVERY_MS)) this.sort();
  }

  createRow(symbol) {
    if (this.empty.parentNode) this.empty.remove();
    const cells = {};
    const tr = el('tr', { data: { symbol }, on: { click: () => this.select(symbol) } });
    for (const col of COLUMNS) {
      cells[col.key] = el('td', { class: col.cls, data: { col: col.key } });
      tr.append(cells[col.key]);
    }
    if (symbol === this.selected) tr.classList.add('selected');
    return { tr, cells, lastTicks: NaN, sparkAt: 0, sparkVersion: -1, sparkLen: -1 };
  }

  /** The values a column sorts by, derived from the same data as the cells. */
  values(symbol) {
    const inst = this.market.instrument(symbol);
    const q = this.market.quotes.get(symbol);
    const v = this.market.view(symbol);
    const d = inst.decimals;
    const hasChange = !v.untraded && Number.isFinite(v.last) && Number.isFinite(v.prevClose);
    const limit = limitState(v.last, v.limitUp, v.limitDown, d);
    return {
      symbol,
      name: inst.name,
      last: v.last,
      change: hasChange ? toTicks(v.last, d) - toTicks(v.prevClose, d) : NaN,
      pct: hasChange ? changePct(v.last, v.prevClose) : NaN,
      volume: v.volume,
      turnover: v.turnover,
      time: q ? q._ms : NaN,
      limit: limit === 'up' ? 1 : limit === 'down' ? -1 : NaN,
    };
  }

  updateRow(symbol) {
    const row = this.rows.get(symbol);
    const inst = this.market.instrument(symbol);
    const q = this.market.quotes.get(symbol);
    const v = this.market.view(symbol);
    const d = inst.decimals;
    const c = row.cells;
    const dir = direction(v.last, v.prevClose, d);
    const dirCls = dir > 0 ? 'up' : dir < 0 ? 'down' : 'flat';

    setText(c.symbol, symbol);
    setText(c.name, inst.name || '');
    c.name.title = inst.board ? `${inst.name} · ${inst.board}` : inst.name;
    setText(c.last, formatPrice(v.last, d));
    // Not traded yet today: no change to show against today's reference, rather than a 0.00%
    // that would read as "traded flat".
    setText(c.change, v.untraded ? DASH : formatChange(v.last, v.prevClose, d));
    setText(c.pct, v.untraded ? DASH : formatPct(changePct(v.last, v.prevClose)));
    for (const k of ['last', 'change', 'pct']) {
      for (const cls of ['up', 'down', 'flat']) c[k].classList.toggle(cls, cls === dirCls);
    }
    setText(c.volume, formatCn(v.volume));
    setText(c.turnover, formatCn(v.turnover));
    setText(c.time, formatStamp(q?._ms, this.market.lastEventMs));
    row.tr.classList.toggle('untraded', Boolean(v.untraded));
    c.last.title = v.untraded
      ? `未开盘 Not traded yet on ${v.untraded.day}: the ${v.untraded.lastDay} close, today's reference`
      : '';

    const limit = limitState(v.last, v.limitUp, v.limitDown, d);
    // The band is in the key: the same state on a new day with a new limit price is a new badge.
    const badgeKey = limit === 'up' ? `up ${v.limitUp}` : limit === 'down' ? `down ${v.limitDown}` : '';
    if (c.limit.dataset.state !== badgeKey) {
      c.limit.dataset.state = badgeKey;
      clear(c.limit);
      if (limit) {
        const price = formatPrice(limit === 'up' ? v.limitUp : v.limitDown, d);
        const [cls, title, text] =
          limit === 'up' ? ['limit-up', 'Limit-up', '涨停'] : ['limit-down', 'Limit-down', '跌停'];
        c.limit.append(el('span', { class: `badge ${cls}`, title: `${title} ${price}`, data: { limit: price } }, text));
      }
    }
    row.tr.classList.toggle('at-limit-up', limit === 'up');
    row.tr.classList.toggle('at-limit-down', limit === 'down');

    if (typeof q?.last === 'number') {
      const ticks = toTicks(q.last, d);
      if (Number.isFinite(row.lastTicks) && ticks !== row.lastTicks) this.flash(c.last, ticks > row.lastTicks);
      row.lastTicks = ticks;
    }
    this.updateSpark(symbol, row, v, dir);
  }

  updateSpark(symbol, row, v, dir) {
    const path = this.market.path(symbol);
    const now = Date.now();
    const changed = path.version !== row.sparkVersion || path.points.length !== row.sparkLen;
    if (!changed || (path.version === row.sparkVersion && now - row.sparkAt < SPARK_EVERY_MS)) {
      if (changed) this.markLater(symbol, row.sparkAt + SPARK_EVERY_MS - now);
      return;
    }
    row.sparkAt = now;
    row.sparkVersion = path.version;
    row.sparkLen = path.points.length;
    const base = v.prevClose;
    clear(row.cells.spark);
    row.cells.spark.append(sparkline(path.points, { width: 120, height: 28, base, direction: dir }));
  }

  /** Comes back for a throttled sparkline so the last quote of a burst is drawn too. */
  markLater(symbol, delay) {
    const row = this.rows.get(symbol);
    if (row.sparkTimer) return;
    row.sparkTimer = window.setTimeout(() => {
      row.sparkTimer = 0;
      this.markDirty([symbol]);
    }, Math.max(0, delay));
  }

  flash(cell, up) {
    cell.classList.remove('flash-up', 'flash-down');
    // Reading layout restarts the CSS animation when the same direction repeats.
    void cell.offsetWidth;
    cell.classList.add(up ? 'flash-up' : 'flash-down');
  }

  sortBy(key) {
    if (this.sortKey === key) this.sortDir = -this.sortDir;
    else {
      this.sortKey = key;
      this.sortDir = STATIC_KEYS.has(key) ? 1 : -1;
    }
    this.showSort();
    this.sort();
    this.opts.onSort(this.sortKey, this.sortDir);
  }

  showSort() {
    for (const [key, th] of this.headers) {
      if (key === this.sortKey) th.setAttribute('aria-sort', this.sortDir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  sort() {
    this.sortedAt = Date.now();
    const key = this.sortKey;
    const dir = this.sortDir;
    const entries = [...this.rows.keys()].map((s) => ({ s, v: this.values(s)[key] }));
    entries.sort((a, b) => {
      const blankA = a.v === '' || Number.isNaN(a.v);
      const blankB = b.v === '' || Number.isNaN(b.v);
      if (blankA || blankB) return blankA === blankB ? a.s.localeCompare(b.s) : blankA ? 1 : -1;
      return dir * compareValues(a.v, b.v) || a.s.localeCompare(b.s);
    });
    const current = [...this.tbody.children];
    const same = current.length === entries.length && entries.every((e, i) => current[i] === this.rows.get(e.s).tr);
    if (same) return;
    for (const e of entries) this.tbody.append(this.rows.get(e.s).tr);
  }

  select(symbol) {
    if (this.selected === symbol) return;
    this.rows.get(this.selected)?.tr.classList.remove('selected');
    this.selected = symbol;
    this.rows.get(symbol)?.tr.classList.add('selected');
    this.opts.onSelect(symbol);
  }

  onKey(ev) {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    const order = [...this.tbody.children].map((tr) => tr.dataset.symbol).filter(Boolean);
    if (order.length === 0) return;
    const i = order.indexOf(this.selected);
    const next = ev.key === 'ArrowDown' ? Math.min(order.length - 1, i + 1) : Math.max(0, i - 1);
    this.select(order[next]);
    this.rows.get(order[next]).tr.scrollIntoView({ block: 'nearest' });
    ev.preventDefault();
  }

  /**
   * Marks rows whose last quote lags the newest on the board by more than `lagMs` of event time:
   * a suspended stock or a feed that stopped for one symbol must not pass for a quiet price.
   */
  markLagging(lagMs) {
    const newest = this.market.lastEventMs;
    for (const [symbol, row] of this.rows) {
      const q = this.market.quotes.get(symbol);
      const lagging = Boolean(q) && Number.isFinite(newest) && newest - q._ms > lagMs;
      if (row.tr.classList.contains('lagging') !== lagging) {
        row.tr.classList.toggle('lagging', lagging);
        row.cells.time.title = lagging ? 'No quote for this symbol for a while (event time)' : '';
      }
    }
  }

  /** Symbols in display order. */
  order() {
    return [...this.tbody.children].map((tr) => tr.dataset.symbol).filter(Boolean);
  }
}
