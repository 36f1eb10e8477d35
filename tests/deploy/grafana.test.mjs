// The Grafana dashboard and its provisioning files agree with each other and with the compose
// file: one datasource uid, a dashboard path that compose mounts, a layout without overlaps.
// Needs node only (Grafana itself is not packaged for Debian).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = process.env.LODESTONE_SOURCE_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel) => fs.readFileSync(path.join(SOURCE, rel), 'utf8');

const dashboard = JSON.parse(read('deploy/grafana/lodestone.json'));
const datasources = read('deploy/grafana/provisioning/datasources/prometheus.yml');
const providers = read('deploy/grafana/provisioning/dashboards/lodestone.yml');
const compose = read('deploy/docker/compose.yaml');

function panels() {
  const out = [];
  const walk = (list) => {
    for (const p of list ?? []) {
      out.push(p);
      if (p.type === 'row') walk(p.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

function yamlValue(text, key) {
  const m = new RegExp(`^\\s*${key}:\\s*(\\S+)\\s*$`, 'm').exec(text);
  assert.ok(m, `no ${key}: in the provisioning file`);
  return m[1];
}

test('every panel, query and variable uses the provisioned datasource', () => {
  const uid = yamlValue(datasources, 'uid');
  assert.equal(yamlValue(datasources, 'type'), 'prometheus');
  for (const p of panels().filter((x) => x.type !== 'row')) {
    assert.deepEqual(p.datasource, { type: 'prometheus', uid }, `panel "${p.title}"`);
    assert.ok(p.targets?.length > 0, `panel "${p.title}" has no query`);
    for (const t of p.targets) {
      assert.deepEqual(t.datasource, { type: 'prometheus', uid }, `panel "${p.title}" query ${t.refId}`);
      assert.ok(t.expr?.trim(), `panel "${p.title}" query ${t.refId} is empty`);
    }
  }
  for (const v of dashboard.templating.list) assert.deepEqual(v.datasource, { type: 'prometheus', uid }, `variable ${v.name}`);
});

test('queries use only the variables Grafana and this dashboard define', () => {
  const defined = new Set(['__rate_interval', '__range', '__interval', ...dashboard.templating.list.map((v) => v.name)]);
  for (const p of panels()) {
    for (const t of p.targets ?? []) {
      for (const m of t.expr.matchAll(/\$\{?(\w+)\}?/g)) assert.ok(defined.has(m[1]), `panel "${p.title}" uses $${m[1]}`);
    }
  }
});

test('panel ids are unique and the grid has no overlaps', () => {
  const all = panels();
  const ids = all.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate panel ids');
  const cells = new Map();
  for (const p of all) {
    const { x, y, w, h } = p.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `panel "${p.title}" is outside the 24-column grid`);
    for (let row = y; row < y + h; row++) {
      for (let col = x; col < x + w; col++) {
        const key = `${row}:${col}`;
        assert.ok(!cells.has(key), `panels "${cells.get(key)}" and "${p.title}" overlap at row ${row}, column ${col}`);
        cells.set(key, p.title);
      }
    }
  }
});

test('the dashboard covers feeds, alerts, WebSocket clients, latency, Redis and notifications', () => {
  const text = JSON.stringify(dashboard.panels);
  for (const metric of [
    'lodestone_feed_state', 'lodestone_feed_last_message_age_seconds', 'lodestone_feed_messages_total',
    'lodestone_feed_parse_errors_total', 'lodestone_feed_reconnects_total', 'lodestone_feed_lag_seconds_bucket',
    'lodestone_alerts_total', 'lodestone_events_total', 'lodestone_pipeline_pending_events',
    'lodestone_websocket_clients', 'lodestone_websocket_messages_sent_total',
    'lodestone_websocket_slow_clients_closed_total', 'lodestone_websocket_queued_messages',
    'lodestone_websocket_queue_depth_max', 'lodestone_rule_evaluation_seconds_bucket', 'lodestone_rule_outcomes_total',
    'lodestone_redis_up', 'lodestone_notifications_total', 'lodestone_notification_delivery_seconds_bucket',
    'lodestone_notify_outbox_depth', 'lodestone_notify_outbox_oldest_pending_seconds', 'lodestone_notify_receiver_up',
    'lodestone_notify_digests_total', 'lodestone_notify_rate_limit_pauses_total',
  ]) {
    assert.ok(text.includes(metric), `no panel shows ${metric}`);
  }
  assert.equal(dashboard.uid, 'lodestone');
  assert.equal(dashboard.timezone, 'Asia/Shanghai');
});

test('the provisioned dashboard path is where compose mounts the JSON', () => {
  const dir = yamlValue(providers, 'path');
  const mount = /^\s*-\s*\.\.\/grafana\/lodestone\.json:(\S+?)(?::ro)?\s*$/m.exec(compose);
  assert.ok(mount, 'compose does not mount deploy/grafana/lodestone.json');
  assert.equal(path.posix.dirname(mount[1]), dir);
  assert.match(compose, /^\s*-\s*\.\.\/grafana\/provisioning:\/etc\/grafana\/provisioning(:ro)?\s*$/m);
});

test("the datasource points at the Prometheus that prometheus.yml scrapes itself on", () => {
  const url = new URL(yamlValue(datasources, 'url'));
  const prometheus = read('deploy/prometheus/prometheus.yml');
  assert.ok(prometheus.includes(`"${url.host}"`), `prometheus.yml has no target ${url.host}`);
  assert.equal(yamlValue(datasources, 'timeInterval'), yamlValue(prometheus, 'scrape_interval'));
});
