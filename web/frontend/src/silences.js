// The active silences, as Alertmanager's UI lists them: what they match, who made them, why, and
// until when (exchange time), each with "expire now" (DELETE /api/v1/silences/ID, with the API
// token). Refreshed after every change made here, on each (re)connect and once a minute; hidden
// when the daemon runs without a rule engine (the silences API answers 404).
import { writeError } from './ack_form.js';
import { ApiError, expireSilence, getSilences } from './api.js';
import { clear, el, setText } from './dom.js';
import { formatStamp, parseTs } from './format.js';

const REFRESH_MS = 60000;

export class SilencesPanel {
  /**
   * @param {{panel, list, count, status}} nodes
   * @param {{todayMs: () => number}} deps  the market's day, for showing dates only when not today
   */
  constructor(nodes, deps) {
    this.nodes = nodes;
    this.deps = deps;
    this.silences = [];
    this.loading = null;
    window.setInterval(() => this.refresh(), REFRESH_MS);
  }

  /** Loads the silences again; concurrent calls share one request. */
  refresh() {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  async load() {
    try {
      const all = await getSilences();
      this.silences = all.filter((s) => s && typeof s.id === 'string' && s.active === true);
      this.nodes.panel.hidden = false;
      setText(this.nodes.status, '');
      this.render();
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.nodes.panel.hidden = true; // no rule engine: no silences
        return;
      }
      setText(this.nodes.status, `静默列表不可用 silences unavailable: ${err.message ?? err}`);
    }
  }

  render() {
    const { list, count } = this.nodes;
    clear(list);
    setText(count, String(this.silences.length));
    if (this.silences.length === 0) {
      list.append(el('li', { class: 'empty' }, '无静默 No active silences'));
      return;
    }
    const sorted = [...this.silences].sort((a, b) => parseTs(a.ends_at) - parseTs(b.ends_at));
    for (const s of sorted) list.append(this.row(s));
  }

  row(s) {
    const matchers = Array.isArray(s.matchers) ? s.matchers.filter((m) => typeof m === 'string') : [];
    const error = el('span', { class: 'silence-error', role: 'status' });
    const expire = el('button', { type: 'button', class: 'expire-button' }, '立即解除 Expire now');
    expire.addEventListener('click', async () => {
      expire.disabled = true;
      setText(error, '');
      try {
        await expireSilence(s.id);
        await this.refresh();
      } catch (err) {
        setText(error, writeError(err));
        expire.disabled = false;
      }
    });
    const ends = parseTs(s.ends_at);
    return el(
      'li',
      { class: 'silence', data: { id: s.id } },
      el('div', { class: 'silence-what' }, matchers.map((m) => el('code', { class: 'chip matcher' }, m))),
      el(
        'div',
        { class: 'silence-meta' },
        el('span', { class: 'silence-until' }, `至 until ${formatStamp(ends, this.deps.todayMs())}`),
        el('span', { class: 'silence-who' }, typeof s.created_by === 'string' ? s.created_by : ''),
        typeof s.comment === 'string' && s.comment ? el('q', { class: 'silence-why' }, s.comment) : null,
      ),
      el('div', { class: 'silence-actions' }, expire, error),
    );
  }
}
