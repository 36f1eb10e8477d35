// deploy/systemd/lodestone.service: systemd's own offline checks (no running systemd needed).
//  - `systemd-analyze security --offline=yes` scores the hardening; 2.0 or less ("OK") passes.
//  - `systemd-analyze verify` reports no unknown or malformed directive (on a copy whose ExecStart
//    runs /bin/true: verify insists the binary exists, and only the unit is under test).
//  - the hardening the deployment promises is spelled out, not merely scored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = process.env.LODESTONE_SOURCE_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ANALYZE = process.env.LODESTONE_SYSTEMD_ANALYZE || 'systemd-analyze';
const UNIT = path.join(SOURCE, 'deploy/systemd/lodestone.service');
const MAX_EXPOSURE = 2.0;

function analyze(...args) {
  const r = spawnSync(ANALYZE, args, { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.error, undefined, String(r.error));
  return r;
}

// [Service] directives as name -> list of values (a directive may repeat).
function serviceDirectives() {
  const out = new Map();
  let section = '';
  for (const raw of fs.readFileSync(UNIT, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

test(`systemd-analyze security scores the unit ${MAX_EXPOSURE.toFixed(1)} or less`, (t) => {
  const r = analyze('security', '--offline=yes', `--threshold=${MAX_EXPOSURE * 10}`, '--no-pager', UNIT);
  const m = /Overall exposure level for lodestone\.service: (\d+\.\d+) (\w+)/.exec(r.stdout);
  assert.ok(m, `no overall score in:\n${r.stdout}${r.stderr}`);
  t.diagnostic(`exposure ${m[1]} ${m[2]}`);
  assert.ok(Number(m[1]) <= MAX_EXPOSURE, `exposure ${m[1]} > ${MAX_EXPOSURE}:\n${r.stdout}`);
  assert.equal(r.status, 0, r.stderr);
});

test('systemd-analyze verify finds nothing to complain about', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lodestone-unit-'));
  try {
    const text = fs.readFileSync(UNIT, 'utf8');
    assert.ok(text.includes('ExecStart=/usr/local/bin/lodestone '), 'ExecStart no longer runs /usr/local/bin/lodestone');
    const copy = path.join(dir, 'lodestone.service');
    fs.writeFileSync(copy, text.replace('ExecStart=/usr/local/bin/lodestone ', 'ExecStart=/bin/true '));
    const r = analyze('verify', '--man=no', '--generators=no', copy);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', 'verify printed warnings');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the promised hardening is spelled out', () => {
  const d = serviceDirectives();
  const expect = {
    DynamicUser: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes',
    NoNewPrivileges: 'yes', CapabilityBoundingSet: '', RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
    MemoryDenyWriteExecute: 'yes', LockPersonality: 'yes', RestrictNamespaces: 'yes',
    ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectKernelLogs: 'yes', ProtectClock: 'yes',
    ProtectHostname: 'yes', UMask: '0077', StateDirectory: 'lodestone', ConfigurationDirectory: 'lodestone',
    ExecReload: '/bin/kill -HUP $MAINPID', Restart: 'on-failure',
  };
  for (const [key, value] of Object.entries(expect)) assert.deepEqual(d.get(key), [value], key);
  assert.ok(d.get('SystemCallFilter')?.includes('@system-service'), 'SystemCallFilter=@system-service');
  assert.ok(Number(d.get('LimitNOFILE')?.[0]) >= 10_000 + 1024, 'LimitNOFILE leaves room for 10k clients');
  assert.match(d.get('ExecStart')[0], /^\/usr\/local\/bin\/lodestone serve --config \/etc\/lodestone\/lodestone\.yaml$/);
});
