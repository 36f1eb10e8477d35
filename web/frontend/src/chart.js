// The selected symbol's intraday chart (TradingView lightweight-charts), coloured above and below the
// previous close, with the day's limit lines and headline and alert markers on the time axis.
import { BaselineSeries, LineStyle, TickMarkType, createChart, createSeriesMarkers } from 'lightweight-charts';
import { formatDateTime, formatMinute, formatTime, shanghaiDay } from './format.js';

const SESSION_MINUTES = 241; // 09:30-11:30 and 13:00-15:00, both ends included

/** The last value in each minute of event time, stamped with the minute's start. */
function minuteBars(points) {
  const bars = [];
  for (const p of points) {
    const time = p.time - (p.time % 60);
    if (bars.length && bars[bars.length - 1].time === time) bars[bars.length - 1].value = p.value;
    else bars.push({ time, value: p.value });
  }
  return bars;
}

function cssVar(name) {
  return getComputedStyle(document.body).getPropertyValue(name).trim();
}

function tickMark(seconds, type) {
  const ms = seconds * 1000;
  switch (type) {
    case TickMarkType.Year:
    case TickMarkType.Month:
    case TickMarkType.DayOfMonth:
      return shanghaiDay(ms).slice(5);
    case TickMarkType.TimeWithSeconds:
      return formatTime(ms);
    default:
      return formatMinute(ms);
  }
}

/** Index of the last point with time <= t, or -1. */
function floorIndex(points, t) {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].time <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export class PriceChart {
  /** @param {HTMLElement} host  sized by CSS; the chart follows its size */
  constructor(host) {
    this.host = host;
    this.symbol = '';
    this.version = -1;
    this.count = 0;
    this.decimals = 2;
    this.baseLines = [];
    this.chart = createChart(host, {
      autoSize: true,
      // The logo injects a <style> element, which the page's CSP forbids; the footer credits TradingView.
      layout: { attributionLogo: false, background: { color: 'transparent' } },
      localization: { timeFormatter: (t) => formatDateTime(t * 1000), locale: 'zh-CN' },
      timeScale: { timeVisible: true, secondsVisible: false, tickMarkFormatter: tickMark, rightOffset: 4 },
      rightPriceScale: { scaleMargins: { top: 0.12, bottom: 0.08 } },
      crosshair: { mode: 1 },
      handleScroll: true,
      handleScale: true,
    });
    this.series = this.chart.addSeries(BaselineSeries, { lineWidth: 2, priceLineVisible: true });
    this.bars = [];
    this.autoFit = true;
    // Once the trader scrolls or zooms, the chart stays where they put it; a double click fits it again.
    for (const ev of ['wheel', 'pointerdown']) host.addEventListener(ev, () => (this.autoFit = false), { passive: true });
    host.addEventListener('dblclick', () => {
      this.autoFit = true;
      this.fit();
    });
    this.markers = createSeriesMarkers(this.series, []);
    this.applyTheme();
    let frame = 0;
    window.addEventListener('resize', () => {
      if (!frame) frame = window.requestAnimationFrame(() => ((frame = 0), this.applyTheme()));
    });
  }

  /** Re-reads colours from CSS so the red-up / green-up switch reaches the canvas. */
  applyTheme() {
    const up = cssVar('--up');
    const down = cssVar('--down');
    // The canvas does not follow CSS sizes: take the page's root size so a 4K wall reads too.
    const fontSize = Math.round(Number.parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.9) || 12;
    this.chart.applyOptions({
      layout: { textColor: cssVar('--muted'), fontFamily: cssVar('--font-num'), fontSize },
      grid: { vertLines: { color: cssVar('--grid') }, horzLines: { color: cssVar('--grid') } },
      rightPriceScale: { borderColor: cssVar('--line') },
      timeScale: { borderColor: cssVar('--line') },
    });
    this.series.applyOptions({
      topLineColor: up,
      topFillColor1: `${up}55`,
      topFillColor2: `${up}08`,
      bottomLineColor: down,
      bottomFillColor1: `${down}08`,
      bottomFillColor2: `${down}55`,
    });
    // The limit lines take the scheme's colours too.
    if (this.baseView) {
      this.baseKey = '';
      this.setBase(this.baseView);
    }
  }

  /**
   * Shows `symbol`'s path as one point per minute (the close of each minute, as a 分时 chart does);
   * cheap when called again with the same path, which only grows at its end.
   * @param {{symbol, decimals, prevClose, limitUp, limitDown, path: {points, version}}} view
   */
  show(view) {
    const { version } = view.path;
    const bars = minuteBars(view.path.points);
    const switched = view.symbol !== this.symbol;
    if (switched || view.decimals !== this.decimals) {
      this.decimals = view.decimals;
      const minMove = 1 / 10 ** view.decimals;
      this.series.applyOptions({ priceFormat: { type: 'price', precision: view.decimals, minMove } });
    }
    if (switched || version !== this.version || bars.length < this.count) {
      this.series.setData(bars);
      this.symbol = view.symbol;
      this.version = version;
      if (switched) this.autoFit = true;
    } else {
      for (let i = Math.max(0, this.count - 1); i < bars.length; i++) this.series.update(bars[i]);
    }
    const grew = bars.length !== this.count;
    this.count = bars.length;
    if (this.autoFit && (grew || switched)) this.fit();
    this.bars = bars;
    this.setBase(view);
  }

  /** A whole session's width (241 minutes) until the day runs longer, so early bars do not balloon. */
  fit() {
    this.chart.timeScale().setVisibleLogicalRange({ from: -1, to: Math.max(SESSION_MINUTES, this.count) + 1 });
  }

  setBase(view) {
    const key = `${view.symbol}|${view.prevClose}|${view.limitUp}|${view.limitDown}`;
    this.baseView = view;
    if (key === this.baseKey) return;
    this.baseKey = key;
    for (const line of this.baseLines) this.series.removePriceLine(line);
    this.baseLines = [];
    if (Number.isFinite(view.prevClose)) {
      this.series.applyOptions({ baseValue: { type: 'price', price: view.prevClose } });
      this.baseLines.push(
        this.series.createPriceLine({
          price: view.prevClose,
          color: cssVar('--muted'),
          lineStyle: LineStyle.Dashed,
          lineWidth: 1,
          axisLabelVisible: false,
          title: '昨收',
        }),
      );
    }
    // The band of the day the latest quote belongs to (none before a name's first quote of a new
    // day, and none for indexes): a line shows once the price range reaches it.
    for (const [price, title, color] of [
      [view.limitUp, '涨停', cssVar('--up')],
      [view.limitDown, '跌停', cssVar('--down')],
    ]) {
      if (!Number.isFinite(price)) continue;
      const line = { price, color, lineStyle: LineStyle.Dotted, lineWidth: 1, axisLabelVisible: true, title };
      this.baseLines.push(this.series.createPriceLine(line));
    }
  }

  /**
   * Headline and alert markers for the symbol shown, snapped to the nearest earlier point so a
   * marker sits on the price the market had when the news landed.
   * @param {{ms, kind: 'news'|'alert', text, severity}[]} events
   */
  setMarkers(events) {
    const points = this.bars;
    if (points.length === 0) {
      this.markers.setMarkers([]);
      return;
    }
    const last = points[points.length - 1].time;
    const out = [];
    for (const ev of events) {
      const t = Math.floor(ev.ms / 1000);
      if (t > last + 60) continue;
      const i = floorIndex(points, t);
      if (i < 0) continue;
      // Shapes only: on a busy day the texts would cover the line; the news and alert panels hold them.
      out.push(
        ev.kind === 'news'
          ? { time: points[i].time, position: 'aboveBar', shape: 'circle', color: cssVar('--news'), size: 0.8 }
          : {
              time: points[i].time,
              position: 'belowBar',
              shape: 'arrowUp',
              color: cssVar(`--sev-${ev.severity}`) || cssVar('--sev-warning'),
              size: 1,
            },
      );
    }
    out.sort((a, b) => a.time - b.time);
    this.markers.setMarkers(out);
  }
}
