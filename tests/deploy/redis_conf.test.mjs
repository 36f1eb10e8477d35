// deploy/redis/redis.conf in a real redis-server (Debian's 7.0) on a reserved loopback port:
// it loads, the settings Lodestone depends on are in force, and an acknowledged write survives
// kill -9 (the append-only file; Debian's default `appendonly no` would lose it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { reservePort } from './ports.mjs';

const SOURCE = process.env.LODESTONE_SOURCE_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REDIS_SERVER = process.env.LODESTONE_REDIS_SERVER || 'redis-server';
const REDIS_CLI = process.env.LODESTONE_REDIS_CLI || 'redis-cli';
const CONF = path.join(SOURCE, 'deploy/redis/redis.conf');

let tmp;
let port;
let reservation;
let server;
let log = '';

function cli(...args) {
  return execFileSync(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), '--no-raw', ...args], {
    encoding: 'utf8',
    timeout: 5000,
  }).trim();
}

async function start() {
  server = spawn(REDIS_SERVER, [CONF, '--port', String(port), '--dir', tmp], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (c) => (log = (log + c).slice(-4000)));
  server.stderr.on('data', (c) => (log = (log + c).slice(-4000)));
  for (let i = 0; i < 100; i++) {
    if (server.exitCode !== null) throw new Error(`redis-server exited ${server.exitCode}\n${log}`);
    try {
      if (cli('PING') === 'PONG') return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`redis-server did not answer\n${log}`);
}

function kill9() {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once('exit', resolve);
    server.kill('SIGKILL');
  });
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lodestone-redis-'));
  // Held until the end: the kill -9 test restarts redis on the same port.
  reservation = await reservePort();
  port = reservation.port;
  await start();
});

after(async () => {
  if (server) await kill9();
  reservation?.release();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the settings Lodestone relies on are in force', () => {
  const get = (key) => cli('CONFIG', 'GET', key).split('\n')[1].replace(/^\d+\) "?|"$/g, '');
  assert.equal(get('appendonly'), 'yes');
  assert.equal(get('appendfsync'), 'everysec');
  assert.equal(get('no-appendfsync-on-rewrite'), 'no');
  assert.equal(get('maxmemory-policy'), 'noeviction');
  assert.equal(get('protected-mode'), 'yes');
  assert.equal(get('bind'), '127.0.0.1 -::1');
  assert.ok(fs.existsSync(path.join(tmp, 'appendonlydir')), 'no append-only directory was created');
});

test('an acknowledged write survives kill -9', async () => {
  assert.equal(cli('XADD', 'lodestone:test:alerts', '*', 'rule', 'synthetic-test').length > 0, true);
  assert.equal(cli('SET', 'lodestone:test:key', 'synthetic'), 'OK');
  await kill9();
  await start();
  assert.equal(cli('GET', 'lodestone:test:key'), '"synthetic"');
  assert.equal(cli('XLEN', 'lodestone:test:alerts'), '(integer) 1');
});
