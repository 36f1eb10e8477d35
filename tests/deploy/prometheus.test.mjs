// A real Prometheus (Debian's /usr/bin/prometheus) scrapes a real lodestone daemon on loopback,
// with deploy/prometheus/prometheus.yml and lodestone.rules.yml as deployed (only addresses and
// intervals rewritten). Every PromQL expression of the alerting rules and of the Grafana
// dashboard is then evaluated through /api/v1/query: all must succeed, and every dashboard
// query must return data. Run through ctest (tests/deploy/CMakeLists.txt), which sets
// LODESTONE_BIN, LODESTONE_SOURCE_DIR and LODESTONE_PROMETHEUS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { reservePort } from './ports.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run this test through ctest (tests/deploy/CMakeLists.txt)`);
  return value;
}

const BIN = required('LODESTONE_BIN');
const SOURCE = required('LODESTONE_SOURCE_DIR');
const PROMETHEUS = process.env.LODESTONE_PROMETHEUS || '/usr/bin/prometheus';
// Optional: with a redis-server the daemon runs against deploy/redis/redis.conf, so the Redis
// panels and alerts see real series once the daemon exports them.
const REDIS_SERVER = process.env.LODESTONE_REDIS_SERVER;
const RULES_FILE = path.join(SOURCE, 'deploy/prometheus/lodestone.rules.yml');
const DASHBOARD_FILE = path.join(SOURCE, 'deploy/grafana/lodestone.json');

// Grafana fills these in before a query reaches Prometheus; these are the values it would use
// for a short range on a 1 s scrape (the test's) and the "All" instance choice.
const GRAFANA_VARIABLES = [
  [/\$__rate_interval\b/g, '1m'],
  [/\$__range\b/g, '5m'],
  [/\$\{?instance\}?/g, '.+'],
];

const DEADLINE_MS = 80_000;
const started = Date.now();
const processes = [];
let tmp;
let prometheusUrl;
let daemonPort;

function spawnLogged(name, cmd, args) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { name, proc, log: '' };
  const keep = (chunk) => {
    entry.log = (entry.log + chunk.toString()).slice(-8000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  processes.push(entry);
  return entry;
}

function logs() {
  return processes.map((p) => `--- ${p.name} (exit ${p.proc.exitCode}) ---\n${p.log}`).join('\n');
}

async function waitFor(what, probe, timeoutMs) {
  const until = Math.min(Date.now() + timeoutMs, started + DEADLINE_MS);
  for (;;) {
    const exited = processes.find((p) => p.proc.exitCode !== null || p.proc.signalCode !== null);
    if (exited) throw new Error(`${exited.name} exited while waiting for ${what}\n${logs()}`);
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${logs()}`);
    await sleep(250);
  }
}

const reservations = [];
async function freePort() {
  const r = await reservePort();
  reservations.push(r);
  return r.port;
}

async function api(pathAndQuery) {
  const res = await fetch(`${prometheusUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(5000) });
  return res.json();
}

async function query(expr, time) {
  const params = new URLSearchParams({ query: expr });
  if (time !== undefined) params.set('time', String(time));
  return api(`/api/v1/query?${params}`);
}

// Rewrites one literal of the deployed file; fails if the file no longer has it, so the test
// cannot silently drift from what operators install.
function rewrite(text, from, to, file) {
  assert.ok(text.includes(from), `${file} no longer contains ${from}`);
  return text.split(from).join(to);
}

function dashboardPanels(dashboard) {
  const out = [];
  const walk = (panels) => {
    for (const p of panels ?? []) {
      if (p.type === 'row') walk(p.panels);
      else out.push(p);
    }
  };
  walk(dashboard.panels);
  return out;
}

function dashboardQueries() {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8'));
  const queries = [];
  for (const panel of dashboardPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      let expr = target.expr;
      for (const [pattern, value] of GRAFANA_VARIABLES) expr = expr.replace(pattern, value);
      queries.push({ where: `panel "${panel.title}" query ${target.refId}`, source: target.expr, expr });
    }
  }
  return queries;
}

function metricNames(expr) {
  return new Set(expr.match(/\blodestone(?:_[a-z0-9]+)+\b|\blodestone(?::[a-z0-9_]+)+/g) ?? []);
}

function stop(entry) {
  return new Promise((resolve) => {
    const { proc } = entry;
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

process.on('exit', () => {
  for (const { proc } of processes) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lodestone-prometheus-'));
  fs.mkdirSync(path.join(tmp, 'web'));

  const redisArgs = [];
  if (REDIS_SERVER) {
    const redisPort = await freePort();
    fs.mkdirSync(path.join(tmp, 'redis'));
    spawnLogged('redis-server', REDIS_SERVER, [
      path.join(SOURCE, 'deploy/redis/redis.conf'), '--port', String(redisPort), '--dir', path.join(tmp, 'redis'),
    ]);
    await waitFor('Redis to listen', () => new Promise((resolve) => {
      const socket = net.connect(redisPort, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    }), 10_000);
    redisArgs.push('--redis', `redis://127.0.0.1:${redisPort}/0`);
  }

  // The daemon: the tiny tape at 60x (twelve minutes of quotes in twelve seconds, looped), so
  // quote rates are never zero while Prometheus scrapes.
  const portFile = path.join(tmp, 'daemon.port');
  spawnLogged('lodestone', BIN, [
    'serve', '--listen', '127.0.0.1:0', '--port-file', portFile,
    '--tape', path.join(SOURCE, 'feeds/tapes/tiny.ndjson'), '--speed', '60',
    '--web-root', path.join(tmp, 'web'), '--log-level', 'warn', ...redisArgs,
  ]);
  daemonPort = await waitFor('the daemon to listen', async () => {
    const port = Number(fs.readFileSync(portFile, 'utf8').trim().split(/[:\s]/).pop());
    return Number.isInteger(port) && port > 0 ? port : undefined;
  }, 30_000);

  // Prometheus with the deployed scrape config and rules, at 1 s instead of 15 s.
  const prometheusPort = await freePort();
  const deployed = path.join(SOURCE, 'deploy/prometheus/prometheus.yml');
  let config = fs.readFileSync(deployed, 'utf8');
  config = rewrite(config, 'scrape_interval: 15s', 'scrape_interval: 1s', deployed);
  config = rewrite(config, 'evaluation_interval: 15s', 'evaluation_interval: 1s', deployed);
  config = rewrite(config, 'scrape_timeout: 10s', 'scrape_timeout: 1s', deployed);
  config = rewrite(config, '"127.0.0.1:8080"', `"127.0.0.1:${daemonPort}"`, deployed);
  config = rewrite(config, '"127.0.0.1:9090"', `"127.0.0.1:${prometheusPort}"`, deployed);
  fs.writeFileSync(path.join(tmp, 'prometheus.yml'), config);
  fs.copyFileSync(RULES_FILE, path.join(tmp, 'lodestone.rules.yml'));
  spawnLogged('prometheus', PROMETHEUS, [
    `--config.file=${path.join(tmp, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(tmp, 'data')}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
    '--log.level=warn',
  ]);
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  await waitFor('Prometheus to be ready', async () => (await fetch(`${prometheusUrl}/-/ready`)).ok, 30_000);

  // Rates need two samples inside their window; wait for several scrapes of a live target.
  await waitFor('five scrapes of the daemon', async () => {
    const r = await query('count_over_time(up{job="lodestone"}[1m]) >= 5 and on() (up{job="lodestone"} == 1)');
    return r.status === 'success' && r.data.result.length === 1;
  }, 30_000);
});

after(async () => {
  await Promise.all(processes.map(stop));
  for (const r of reservations) r.release();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('every rule in lodestone.rules.yml is loaded and evaluates healthy', async () => {
  const text = fs.readFileSync(RULES_FILE, 'utf8');
  const declared = (text.match(/^\s*- (?:alert|record):/gm) ?? []).length;
  const rules = await waitFor('every rule to be evaluated', async () => {
    const r = await api('/api/v1/rules');
    const all = r.data.groups.flatMap((g) => g.rules);
    return all.length === declared && all.every((rule) => !rule.lastEvaluation.startsWith('0001')) ? all : undefined;
  }, 15_000);
  for (const rule of rules) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
});

test('every alerting-rule expression evaluates without error', async () => {
  const r = await api('/api/v1/rules');
  const rules = r.data.groups.flatMap((g) => g.rules);
  assert.ok(rules.length > 0);
  for (const rule of rules) {
    const res = await query(rule.query);
    assert.equal(res.status, 'success', `${rule.name}: ${rule.query}\n${res.error}`);
    assert.ok(Array.isArray(res.data.result), rule.name);
  }
});

test('every dashboard expression succeeds and returns data', async () => {
  const queries = dashboardQueries();
  assert.ok(queries.length >= 20, `only ${queries.length} dashboard queries found`);
  const problems = [];
  let waiting = [];
  for (const q of queries) {
    if (/\$/.test(q.expr)) problems.push(`${q.where} uses a variable the test does not know: ${q.source}`);
    else waiting.push(q);
  }
  // Rates need a second sample and recording rules a first evaluation: give empty results a
  // few seconds; an error will not go away and is reported at once.
  const until = Date.now() + 10_000;
  while (waiting.length > 0) {
    const still = [];
    for (const q of waiting) {
      const r = await query(q.expr);
      if (r.status !== 'success') problems.push(`${q.where}: ${r.error}\n    ${q.source}`);
      else if (r.data.result.length === 0) still.push(q);
    }
    waiting = still;
    if (waiting.length === 0 || Date.now() > until) break;
    await sleep(500);
  }
  for (const q of waiting) problems.push(`${q.where} returned no data:\n    ${q.source}`);
  assert.deepEqual(problems, []);
});

// Names declared as string literals in the daemon's sources (prometheus-cpp families appear in a
// scrape only once they have a sample, e.g. parse errors after the first malformed message).
function declaredMetrics() {
  const names = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(cpp|hpp)$/.test(entry.name)) {
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/"(lodestone_[a-z0-9_]+)"/g)) {
          for (const suffix of ['', '_bucket', '_sum', '_count']) names.add(m[1] + suffix);
        }
      }
    }
  };
  for (const dir of ['daemon', 'feeds', 'rules', 'web']) {
    if (fs.existsSync(path.join(SOURCE, dir))) walk(path.join(SOURCE, dir));
  }
  return names;
}

test('every metric the dashboard and rules name is exported or declared by the daemon', async (t) => {
  const names = new Set();
  for (const q of dashboardQueries()) for (const n of metricNames(q.expr)) names.add(n);
  const rules = (await api('/api/v1/rules')).data.groups.flatMap((g) => g.rules);
  for (const rule of rules) for (const n of metricNames(rule.query)) names.add(n);
  const recorded = new Set(rules.filter((r) => r.type === 'recording').map((r) => r.name));
  const exported = new Set((await api('/api/v1/label/__name__/values')).data);
  const declared = declaredMetrics();
  for (const name of [...names].sort()) {
    if (exported.has(name) || recorded.has(name)) continue;
    if (declared.has(name)) {
      t.diagnostic(`${name}: declared by the daemon, no sample in this scenario`);
      continue;
    }
    assert.fail(`${name} is neither exported, declared by the daemon nor recorded by a rule (a typo?)`);
  }
});

test("the dashboard's instance variable lists the scraped daemon", async () => {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8'));
  const variable = dashboard.templating.list.find((v) => v.name === 'instance');
  const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(variable.definition);
  assert.ok(m, `unexpected variable query ${variable.definition}`);
  const r = await api(`/api/v1/label/${m[2]}/values?${new URLSearchParams({ 'match[]': m[1] })}`);
  assert.deepEqual(r.data, [`127.0.0.1:${daemonPort}`]);
});

test('with Redis, every connection is up and Redis keeps an append-only file', async (t) => {
  if (!REDIS_SERVER) return t.skip('no redis-server');
  const exported = new Set((await api('/api/v1/label/__name__/values')).data);
  if (!exported.has('lodestone_redis_up')) return t.skip('this daemon exports no Redis metrics');
  const up = await query('min(lodestone_redis_up)');
  assert.equal(up.data.result[0].value[1], '1');
  const aof = await query('lodestone_redis_aof_enabled');
  assert.equal(aof.data.result[0]?.value[1], '1', 'deploy/redis/redis.conf turns appendonly on');
});

test('the trading-session clock agrees with the exchange time (UTC+8) right now', async () => {
  // Stay clear of the first seconds of a minute: the recorded sample may be a second old.
  let at = Date.now() - 2000;
  if (new Date(at).getUTCSeconds() < 3) at -= 5000;
  const exchange = new Date(at + 8 * 3600 * 1000);
  const minute = exchange.getUTCHours() * 60 + exchange.getUTCMinutes();
  const weekday = exchange.getUTCDay();
  const expected =
    weekday >= 1 && weekday <= 5 && ((minute >= 570 && minute < 690) || (minute >= 780 && minute < 900)) ? '1' : '0';
  const r = await query('lodestone:in_trading_session', at / 1000);
  assert.equal(r.status, 'success');
  assert.equal(r.data.result.length, 1);
  assert.equal(r.data.result[0].value[1], expected, `at ${exchange.toISOString().replace('Z', '+08:00')}`);
  const dow = await query('lodestone:exchange_day_of_week', at / 1000);
  assert.equal(dow.data.result[0].value[1], String(weekday));
});
