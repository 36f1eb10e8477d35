// Wires the page: one WebSocket feeding the market, board, chart, alerts, deliveries and news;
// the silences; and, at /alerts/KEY, one alert alone (what a notification's link opens).
import { AlertView, alertKeyOfPath } from './alert_view.js';
import { AlertsPanel } from './alerts.js';
import { AuditDialog } from './audit.js';
import {
  getAcks,
  getAlertPage,
  getDeliveries,
  getFeeds,
  getNews,
  getNotifyStatus,
  getSnapshot,
  wsUrl,
} from './api.js';
import { Board } from './board.js';
import { showCalendarBanner } from './calendar_banner.js';
import { PriceChart } from './chart.js';
import { Connection } from './connection.js';
import { currentToken, rememberedForTab, setToken } from './credentials.js';
import { DeliveryBook } from './deliveries.js';
import { byId, setText } from './dom.js';
import {
  changePct,
  direction,
  formatAge,
  formatDateTime,
  formatPct,
  formatPrice,
  formatTime,
} from './format.js';
import { currentIdentity, onIdentity, refreshIdentity, roleLabel } from './identity.js';
import { Market } from './market.js';
import { MuteDialog } from './mute.js';
import { NewsPanel } from './news.js';
import { enableDesktop, enableSound } from './notify.js';
import { knownCalendar } from './sessions.js';
import { onSettings, settings, updateSettings } from './settings.js';
import { SilencesPanel } from './silences.js';

const NEWS_ON_CONNECT = 200;

const market = new Market();
const deliveries = new DeliveryBook();
// /alerts/KEY shows that alert alone; any other path is the board.
const viewKey = alertKeyOfPath(window.location.pathname);
let selected = settings().selected;

const board = new Board(byId('board'), market, {
  sortKey: settings().sortKey,
  sortDir: settings().sortDir,
  selected,
  onSelect: (symbol) => select(symbol),
  onSort: (sortKey, sortDir) => updateSettings({ sortKey, sortDir }),
});

const chart = new PriceChart(byId('chart'));

const alerts = new AlertsPanel(
  {
    list: byId('alert-list'),
    search: byId('alert-search'),
    rule: byId('alert-rule'),
    day: byId('alert-day'),
    severity: byId('alert-severity'),
    historyButton: byId('alert-history'),
    status: byId('alert-status'),
    count: byId('alert-count'),
  },
  market,
  deliveries,
  {
    onSelect: (s) => select(s),
    onChange: () => scheduleMarkers(),
    onAlert: (a) => markMatchedKeywords(a),
    onExpand: (key) => fetchDeliveries(key),
    onMute: (a) => mute.open(a),
  },
);

// ---- notifications, silences, the single-alert view -------------------------------------------

let notifyEnabled = false; // GET /api/v1/notify; a `delivery` message says so too
let calendar = { from: '', days: [] }; // the snapshot's trading days (mute until the close / the open)
let serverOffsetMs = 0; // the daemon's clock minus the browser's
let eventTime = false; // the daemon only replays a tape: its rules run on the tape's clock

/** The daemon's "now" as its rules see it: the tape's time when it only replays one. */
function daemonNow() {
  if (eventTime && Number.isFinite(market.lastEventMs)) return market.lastEventMs;
  return Date.now() + serverOffsetMs;
}

async function fetchDeliveries(key) {
  if (!notifyEnabled) return; // no ledger to ask; live `delivery` messages still show
  try {
    deliveries.load(key, await getDeliveries(key));
  } catch {
    // The card shows what the live `delivery` messages bring.
  }
}

async function refreshNotify() {
  try {
    notifyEnabled = (await getNotifyStatus()).enabled;
  } catch {
    notifyEnabled = false;
  }
}

async function refreshFeeds() {
  try {
    const feeds = await getFeeds();
    const sources = feeds.filter((f) => f.kind !== 'http'); // the ingest endpoint is not a feed of its own
    eventTime = sources.length > 0 && sources.every((f) => f.kind === 'replay');
  } catch {
    eventTime = false;
  }
}

const silences = new SilencesPanel(
  { panel: byId('silences-panel'), list: byId('silence-list'), count: byId('silence-count'), status: byId('silence-status') },
  { todayMs: () => daemonNow() },
);

const mute = new MuteDialog({
  now: () => daemonNow(),
  calendar: () => calendar,
  nameOf: (symbol) => market.instruments.get(symbol)?.name ?? '',
  onMuted: () => silences.refresh(),
});

let baseTitle = 'Lodestone';
if (viewKey !== null) {
  document.documentElement.dataset.view = 'alert'; // the phone's larger type
  document.body.dataset.view = 'alert';
  const view = new AlertView(byId('alert-view'), {
    panel: alerts,
    market,
    deliveries,
    onMute: (a) => mute.open(a),
    onTitle: (title) => {
      baseTitle = title;
    },
  });
  byId('alert-view').append(byId('silences-panel')); // the mute made here shows below the alert
  view.show(viewKey);
}

const news = new NewsPanel(
  { list: byId('news-list'), count: byId('news-count'), onlySelected: byId('news-only-selected') },
  market,
  { onSelect: (s) => select(s), onChange: () => scheduleMarkers(), selected: () => selected },
);

// ---- selection and chart -------------------------------------------------------------------

function select(symbol) {
  if (!symbol) return;
  if (board.selected !== symbol) board.select(symbol);
  if (selected === symbol) return;
  selected = symbol;
  updateSettings({ selected });
  news.filter();
  scheduleMarkers();
}

let chartFrame = 0;
let markerBars = -1;
function scheduleChart() {
  if (!chartFrame) chartFrame = window.requestAnimationFrame(drawChart);
}

function drawChart() {
  chartFrame = 0;
  if (!selected) return;
  const inst = market.instrument(selected);
  const v = market.view(selected); // the quote's own day's band; yesterday's close before today's first quote
  const path = market.path(selected);
  chart.show({
    symbol: selected,
    decimals: inst.decimals,
    prevClose: v.prevClose,
    limitUp: v.limitUp,
    limitDown: v.limitDown,
    path,
  });
  setText(byId('chart-symbol'), selected);
  setText(byId('chart-name'), inst.name);
  const last = byId('chart-last');
  const pct = byId('chart-pct');
  setText(last, formatPrice(v.last, inst.decimals));
  setText(pct, formatPct(v.untraded ? NaN : changePct(v.last, v.prevClose)));
  const dir = direction(v.last, v.prevClose, inst.decimals);
  for (const node of [last, pct]) node.className = dir > 0 ? 'up' : dir < 0 ? 'down' : 'flat';
  const limits = [];
  if (Number.isFinite(v.limitUp)) limits.push(`涨停 ${formatPrice(v.limitUp, inst.decimals)}`);
  if (Number.isFinite(v.limitDown)) limits.push(`跌停 ${formatPrice(v.limitDown, inst.decimals)}`);
  if (v.untraded) limits.push(`未开盘 ${v.untraded.day}`);
  setText(byId('chart-limits'), limits.join('  '));
  // Markers snap to the chart's minute bars, so a new bar can move them too.
  if (markersPending || chart.count !== markerBars) {
    markerBars = chart.count;
    drawMarkers();
  }
}

let markersPending = false;
function scheduleMarkers() {
  markersPending = true;
  scheduleChart();
}

function drawMarkers() {
  markersPending = false;
  chart.setMarkers([...news.forSymbol(selected), ...alerts.forSymbol(selected)]);
}

market.onChange((symbols) => {
  if (!selected && symbols.length) select(board.order()[0] ?? symbols[0]);
  if (symbols.includes(selected)) scheduleChart();
});

// ---- connection ----------------------------------------------------------------------------

const connNode = byId('conn');
const connLabel = byId('conn-label');
const connDetail = byId('conn-detail');
const banner = byId('banner');
const STATE_LABEL = { live: 'LIVE', stale: 'STALE', reconnecting: 'RECONNECTING', connecting: 'CONNECTING' };

function showStatus(st) {
  connNode.dataset.state = st.state;
  document.body.dataset.conn = st.state;
  setText(connLabel, STATE_LABEL[st.state] ?? st.state);
  let detail = '';
  if (st.state === 'reconnecting') detail = `retry in ${formatAge(st.retryIn)}`;
  else if (st.state === 'stale') detail = `silent ${formatAge(st.age)}`;
  else if (st.state === 'live' && Number.isFinite(st.age)) detail = `${formatAge(st.age)} ago`;
  setText(connDetail, detail);
  document.title = st.state === 'live' ? baseTitle : `${baseTitle} · ${STATE_LABEL[st.state] ?? st.state}`;
}

function showBanner(text) {
  setText(banner, text);
  banner.hidden = !text;
}

let serverInstance = null;

/**
 * Whether the server still numbers alerts as it did when the page last heard from it. Asked
 * directly: the alert the page saw last must still have its seq there.
 */
async function sameAlertStream(hello) {
  if (typeof hello.last_seq === 'number') return hello.last_seq >= alerts.lastSeq;
  if (serverInstance !== null && hello.instance !== undefined && hello.instance !== serverInstance) return false;
  if (alerts.lastSeq === 0) return true;
  try {
    const page = await getAlertPage(alerts.lastSeq - 1, 1);
    if (page.gap) return true; // older than the store keeps: the seq space is the same, just trimmed
    const first = page.alerts[0];
    return Boolean(first) && first.seq === alerts.lastSeq && first.id === alerts.lastSeqId;
  } catch {
    // Cannot tell; keeping the seq loses nothing when the store survived the restart.
    return true;
  }
}

async function refreshSnapshot() {
  try {
    const received = Date.now();
    const snapshot = await getSnapshot();
    const serverMs = Date.parse(snapshot?.server_time ?? '');
    if (Number.isFinite(serverMs)) serverOffsetMs = serverMs - received;
    calendar = knownCalendar(snapshot?.calendar, snapshot?.server_time);
    market.applySnapshot(snapshot);
    showCalendarBanner(byId('calendar-banner'), snapshot.calendar);
    showBanner('');
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      showBanner('需要 API 令牌 — API token required: open ⚙ settings');
    } else showBanner(`快照不可用 snapshot unavailable: ${err.message ?? err}`);
  }
}

async function refreshAcks() {
  try {
    for (const ack of await getAcks()) alerts.applyAck(ack.alert_id, ack);
  } catch {
    // Acknowledgements made from now on still arrive on the WebSocket.
  }
}

async function refreshNews() {
  try {
    for (const n of await getNews(NEWS_ON_CONNECT)) news.add(n);
  } catch {
    // The live stream still brings headlines; the history is a convenience.
  }
}

// Alerts already in the store when the page opened are shown but not sounded. The server's
// `last_seq` in hello says which those are; without it, what arrives in the first moments is backlog.
const BACKLOG_GRACE_MS = 1500;
let liveAfterSeq = NaN;

/** The rules say which keywords made a headline count; the news list marks them in its title. */
function markMatchedKeywords(alert) {
  const words = typeof alert.labels?.keywords === 'string' ? alert.labels.keywords.split(',').filter(Boolean) : [];
  const headlines = Array.isArray(alert.evidence?.headlines) ? alert.evidence.headlines : [];
  for (const h of headlines) news.addKeywords(h?.id, words);
}
let firstHelloAt = 0;

function isLive(alert) {
  if (!firstHelloAt) return false;
  if (Number.isFinite(liveAfterSeq) && typeof alert.seq === 'number') return alert.seq > liveAfterSeq;
  return Date.now() - firstHelloAt > BACKLOG_GRACE_MS;
}

// A resync: the server could not replay every missed alert over the socket (too many for its send
// queue, or older than it retains). The rest comes from GET /api/v1/alerts, page by page; alerts
// merge by id, so what also arrives live is not shown twice.
const RESYNC_PAGE = 500;
const RESYNC_MAX_PAGES = 200;
let resyncing = false;
async function backfillAlerts(after) {
  if (resyncing) return;
  resyncing = true;
  try {
    let cursor = Number.isFinite(after) ? after : alerts.lastSeq;
    for (let page = 0; page < RESYNC_MAX_PAGES; page++) {
      const { alerts: batch } = await getAlertPage(cursor, RESYNC_PAGE);
      for (const a of batch) {
        alerts.add(a, isLive(a));
        if (typeof a.seq === 'number') cursor = Math.max(cursor, a.seq);
      }
      if (batch.length < RESYNC_PAGE) break;
    }
  } catch {
    // The next reconnect resumes from the last alert shown.
  } finally {
    resyncing = false;
  }
}

const conn = new Connection(wsUrl, {
  onDialError(err) {
    // The ticket was refused: the token is wrong, or this user may not read.
    if (err?.status === 401 || err?.status === 403) refreshIdentity();
  },
  async onOpen(send, hello) {
    const generation = conn.generation;
    // The hello names who this socket is for; whoami says what that user may do (a role may
    // have changed since, with the users file reloaded).
    const known = currentIdentity();
    const settled = known.state === 'ok' || known.state === 'legacy';
    if (!settled || (hello.user !== undefined && hello.user !== known.user)) refreshIdentity();
    if (!firstHelloAt) {
      firstHelloAt = Date.now();
      liveAfterSeq = typeof hello.last_seq === 'number' ? hello.last_seq : NaN;
    }
    send({ type: 'subscribe', symbols: ['*'] });
    refreshSnapshot();
    refreshNews();
    refreshAcks();
    refreshNotify();
    refreshFeeds();
    silences.refresh();
    // Taken now: live alerts that arrive during the check below must not move the resume point.
    const after = alerts.lastSeq;
    const same = await sameAlertStream(hello);
    if (conn.generation !== generation) return; // this socket is gone; the next hello resumes
    serverInstance = hello.instance ?? serverInstance;
    if (same) {
      send({ type: 'resume', after });
      return;
    }
    // A restarted server without a persistent store numbers alerts from 1 again: resume from its
    // start; the panel drops what it already has by alert id.
    alerts.resetSeq();
    send({ type: 'resume', after: 0 });
  },
  onMessage(msg) {
    switch (msg.type) {
      case 'quote':
        market.applyQuote(msg);
        break;
      case 'snapshot':
        market.applyQuotes(msg.quotes);
        break;
      case 'alert':
        alerts.add(msg, isLive(msg));
        break;
      case 'ack':
        alerts.applyAck(msg.alert_id ?? msg.id, msg.ack ?? msg);
        break;
      case 'delivery':
        deliveries.apply(msg.alert, msg.record);
        break;
      case 'news':
        news.add(msg);
        break;
      case 'resync':
        backfillAlerts(typeof msg.after === 'number' ? msg.after : alerts.lastSeq);
        break;
      default:
        break;
    }
  },
  onStatus: showStatus,
});

// ---- clocks --------------------------------------------------------------------------------

const wallClock = byId('clock-wall');
const marketClock = byId('clock-market');
let lastMarketDay = '';
const LAGGING_AFTER_MS = 5 * 60 * 1000; // event time; quotes come every few seconds in continuous trading
window.setInterval(() => {
  board.markLagging(LAGGING_AFTER_MS);
  setText(wallClock, formatTime(Date.now()));
  setText(marketClock, formatDateTime(market.lastEventMs));
  const day = formatDateTime(market.lastEventMs).slice(0, 10);
  if (day !== lastMarketDay) {
    lastMarketDay = day;
    alerts.retime();
  }
}, 1000);
setText(wallClock, formatTime(Date.now()));

// ---- settings ------------------------------------------------------------------------------

const dialog = byId('settings');
const tokenInput = byId('set-token');
const rememberInputs = [...document.querySelectorAll('input[name="remember"]')];
const signInStatus = byId('sign-in-status');
const soundBox = byId('set-sound');
const desktopBox = byId('set-desktop');
const schemeInputs = [...document.querySelectorAll('input[name="scheme"]')];

function applyScheme(scheme) {
  document.body.dataset.scheme = scheme === 'green-up' ? 'green-up' : 'red-up';
  chart.applyTheme();
}

function openSettings() {
  const s = settings();
  tokenInput.value = currentToken();
  const remember = rememberedForTab() ? 'tab' : 'memory';
  for (const input of rememberInputs) input.checked = input.value === remember;
  soundBox.checked = s.sound;
  desktopBox.checked = s.desktop;
  for (const input of schemeInputs) input.checked = input.value === s.scheme;
  showIdentity(currentIdentity());
  dialog.showModal();
}
byId('open-settings').addEventListener('click', openSettings);
byId('who').addEventListener('click', openSettings);

// The checkbox click is the user gesture that unlocks audio and the permission prompt.
soundBox.addEventListener('change', () => {
  if (soundBox.checked && !enableSound()) soundBox.checked = false;
});
desktopBox.addEventListener('change', async () => {
  if (desktopBox.checked && !(await enableDesktop())) desktopBox.checked = false;
});

byId('settings-form').addEventListener('submit', (ev) => {
  if (ev.submitter?.value !== 'save') return;
  const scheme = schemeInputs.find((i) => i.checked)?.value ?? 'red-up';
  const token = tokenInput.value.trim();
  const tokenChanged = token !== currentToken();
  const rememberForTab = rememberInputs.find((i) => i.checked)?.value === 'tab';
  setToken(token, rememberForTab);
  updateSettings({ sound: soundBox.checked, desktop: desktopBox.checked, scheme });
  if (tokenChanged) signedInAs();
});

byId('sign-out').addEventListener('click', () => {
  tokenInput.value = '';
  setToken('', false);
  signedInAs();
  dialog.close();
});

/** A new token (or none): who it is, and a socket dialled with that user's ticket. */
function signedInAs() {
  refreshIdentity();
  conn.reconnectNow();
}

// ---- who is signed in ------------------------------------------------------------------------

const who = byId('who');
const authBanner = byId('auth-banner');
const audit = new AuditDialog();
byId('open-audit').addEventListener('click', () => audit.open());
byId('open-audit-settings').addEventListener('click', () => {
  dialog.close();
  audit.open();
});

function showIdentity(id) {
  who.dataset.state = id.state;
  let user = '';
  let role = '';
  if (id.state === 'ok') {
    user = id.user ?? '登录 sign in';
    role = id.role; // one word in the header; both languages in its tooltip
  } else if (id.state === 'legacy') {
    user = currentToken() ? '令牌 token set' : '登录 sign in'; // a server without users
  } else if (id.state === 'refused') {
    user = currentToken() ? '令牌无效 refused' : '登录 sign in';
  } else if (id.state === 'unknown') {
    user = '身份未知 unknown';
  }
  setText(byId('who-user'), user);
  setText(byId('who-role'), role);
  who.title = id.user ? `${id.user} · ${roleLabel(id.role)} — 设置 settings` : `登录 Sign in — 设置 settings${id.role ? ` (${roleLabel(id.role)})` : ''}`;
  let status = id.message;
  if (!status && id.state === 'ok') {
    status = id.user ? `已登录 signed in as ${id.user} (${roleLabel(id.role)})` : `未登录 not signed in: ${roleLabel(id.role)}`;
  } else if (!status && id.state === 'legacy') {
    status = '此服务器无用户 this server has no users: the token decides';
  }
  setText(signInStatus, status);
  setText(authBanner, id.message);
  authBanner.hidden = !id.message;
}
onIdentity(showIdentity);

onSettings((s, patch) => {
  if ('scheme' in patch) applyScheme(s.scheme);
});

// Browsers only start audio after a gesture on the page, so a remembered opt-in waits for the first click.
if (settings().sound) window.addEventListener('pointerdown', () => enableSound(), { once: true });
applyScheme(settings().scheme);
refreshIdentity();
conn.start();
