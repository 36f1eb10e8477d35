// The news list: newest first, tags as chips, matched keywords marked, symbols clickable.
import { el, setText } from './dom.js';
import { formatStamp, keywordRuns, parseTs, safeUrl } from './format.js';

const MAX_NEWS = 500;
const MAX_SYMBOL_CHIPS = 4; // a sector story can name a dozen: the rest go in the tooltip

/** 0 for a story as first sent, 1, 2 … for the source's later versions of it. */
function revisionOf(n) {
  return Number.isInteger(n?.revision) && n.revision > 0 ? n.revision : 0;
}

export class NewsPanel {
  /**
   * @param {{list, count, onlySelected}} nodes
   * @param {import('./market.js').Market} market
   * @param {{onSelect: (symbol) => void, onChange: () => void, selected: () => string}} hooks
   */
  constructor(nodes, market, hooks) {
    this.nodes = nodes;
    this.market = market;
    this.hooks = hooks;
    this.items = new Map(); // id -> {news, ms, root, title}
    this.matched = new Map(); // headline id -> keywords the rules matched in it (from alerts)
    this.empty = el('li', { class: 'empty' }, '暂无资讯 No headlines yet');
    nodes.list.append(this.empty);
    nodes.onlySelected.addEventListener('change', () => this.filter());
  }

  add(news) {
    if (!news || typeof news.id !== 'string' || news.id === '') return;
    const held = this.items.get(news.id);
    if (held) {
      // A revision (web/PROTOCOL.md, "Headlines: revisions and corrections"): the source edited
      // or withdrew the story; it takes the old version's place. Anything else is a repeat.
      if (!(revisionOf(news) > revisionOf(held.news))) return;
      const root = this.render(news, held.ms);
      held.root.replaceWith(root);
      Object.assign(held, { news, root, title: root.querySelector('.title') });
      this.applyFilter(held);
      this.hooks.onChange();
      return;
    }
    const ms = parseTs(news.ts);
    const root = this.render(news, ms);
    const entry = { news, ms, root, title: root.querySelector('.title') };
    this.items.set(news.id, entry);
    if (this.empty.parentNode) this.empty.remove();
    let before = null;
    for (const node of this.nodes.list.children) {
      const other = this.items.get(node.dataset.id);
      if (other && !(other.ms > ms)) {
        before = node;
        break;
      }
    }
    this.nodes.list.insertBefore(entry.root, before);
    while (this.items.size > MAX_NEWS && this.nodes.list.lastElementChild) {
      const last = this.nodes.list.lastElementChild;
      this.items.delete(last.dataset.id);
      last.remove();
    }
    this.applyFilter(entry);
    setText(this.nodes.count, String(this.items.size));
    this.hooks.onChange();
  }

  /** Keywords the rules matched in a headline (an alert's `keywords` label), marked in its title. */
  addKeywords(id, words) {
    if (typeof id !== 'string' || !Array.isArray(words) || words.length === 0) return;
    const known = this.matched.get(id) ?? [];
    const merged = [...new Set([...known, ...words])];
    if (merged.length === known.length) return;
    this.matched.set(id, merged);
    const entry = this.items.get(id);
    if (entry) this.fillTitle(entry.title, entry.news);
  }

  fillTitle(node, n) {
    const words = [...(Array.isArray(n.keywords) ? n.keywords : []), ...(this.matched.get(n.id) ?? [])];
    node.replaceChildren();
    for (const run of keywordRuns(n.title, words)) {
      node.append(run.mark ? el('mark', {}, run.text) : document.createTextNode(run.text));
    }
  }

  render(n, ms) {
    const title = el('span', { class: 'title' });
    this.fillTitle(title, n);
    const href = safeUrl(n.url);
    const heading = href
      ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'headline' }, title)
      : el('span', { class: 'headline' }, title);
    if (typeof n.body === 'string' && n.body) heading.title = n.body.slice(0, 600);
    const symbols = (Array.isArray(n.symbols) ? n.symbols : []).filter((s) => typeof s === 'string');
    const tags = (Array.isArray(n.tags) ? n.tags : []).filter((t) => typeof t === 'string');
    const keywords = (Array.isArray(n.keywords) ? n.keywords : []).filter((k) => typeof k === 'string');
    const withdrawn = n.retracted === true;
    return el(
      'li',
      { class: withdrawn ? 'news retracted' : 'news', data: { id: n.id } },
      el(
        'div',
        { class: 'news-meta' },
        el('time', { datetime: typeof n.ts === 'string' ? n.ts : '' }, formatStamp(ms, this.market.lastEventMs)),
        el('span', { class: 'source' }, typeof n.source === 'string' ? n.source : ''),
        withdrawn ? el('span', { class: 'chip withdrawn' }, '已撤回 withdrawn') : null,
        !withdrawn && revisionOf(n) > 0 ? el('span', { class: 'chip revised' }, '已更正 revised') : null,
        symbols
          .slice(0, MAX_SYMBOL_CHIPS)
          .map((s) =>
            el('button', { type: 'button', class: 'chip sym-chip', on: { click: () => this.hooks.onSelect(s) } }, s),
          ),
        symbols.length > MAX_SYMBOL_CHIPS
          ? el('span', { class: 'chip more', title: symbols.slice(MAX_SYMBOL_CHIPS).join(' ') }, `+${symbols.length - MAX_SYMBOL_CHIPS}`)
          : null,
      ),
      heading,
      tags.length || keywords.length
        ? el(
            'div',
            { class: 'news-tags' },
            tags.map((t) => el('span', { class: 'chip tag' }, t)),
            keywords.map((k) => el('span', { class: 'chip keyword' }, k)),
          )
        : null,
    );
  }

  filter() {
    for (const entry of this.items.values()) this.applyFilter(entry);
  }

  applyFilter(entry) {
    const only = this.nodes.onlySelected.checked;
    const selected = this.hooks.selected();
    entry.root.hidden = only && !(Array.isArray(entry.news.symbols) && entry.news.symbols.includes(selected));
  }

  /** Headlines naming `symbol`, for the chart's markers. */
  forSymbol(symbol) {
    const out = [];
    for (const e of this.items.values()) {
      if (Array.isArray(e.news.symbols) && e.news.symbols.includes(symbol) && Number.isFinite(e.ms)) {
        out.push({ ms: e.ms, kind: 'news', text: String(e.news.title ?? '') });
      }
    }
    return out;
  }
}
