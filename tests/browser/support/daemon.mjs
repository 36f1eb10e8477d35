// Starts the real lodestone daemon for a browser test: loopback, ephemeral port (or a given one,
// for restarts), the bundled page as web root, a tape, and the API token in its environment.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Bounds on a hang only: each wait ends at its event, and a loaded sanitizer build is slow.
const STARTUP_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 5000;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the browser tests through ctest (tests/browser/CMakeLists.txt)`);
  return value;
}

export function sourceDir() {
  return required('LODESTONE_SOURCE_DIR');
}

export function tinyTape() {
  return path.join(sourceDir(), 'feeds/tapes/tiny.ndjson');
}

/** The tape's events, parsed. */
export function readTape(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

function readPort(file) {
  try {
    const text = readFileSync(file, 'utf8').trim();
    const port = Number(text.split(/[:\s]/).pop());
    return Number.isInteger(port) && port > 0 ? port : 0;
  } catch {
    return 0;
  }
}

export class Daemon {
  /**
   * @param {{tape: string, speed: number, port?: number, token?: string, args?: string[]}} opts
   */
  constructor(opts) {
    this.opts = opts;
    this.dir = mkdtempSync(path.join(tmpdir(), 'lodestone-browser-'));
    this.port = opts.port ?? 0;
    this.proc = null;
    this.log = '';
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and resolves once it has written its bound port. */
  async start() {
    const portFile = path.join(this.dir, `port-${Date.now()}`);
    const args = [
      'serve',
      '--listen',
      `127.0.0.1:${this.port}`,
      '--port-file',
      portFile,
      '--tape',
      this.opts.tape,
      '--speed',
      String(this.opts.speed),
      '--web-root',
      required('LODESTONE_WEB_DIST'),
      '--log-level',
      'warn',
      ...(this.opts.args ?? []),
    ];
    const env = { ...process.env };
    delete env.LODESTONE_API_TOKEN;
    if (this.opts.token) env.LODESTONE_API_TOKEN = this.opts.token;
    const proc = spawn(required('LODESTONE_BIN'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    const keep = (chunk) => {
      this.log = (this.log + chunk.toString()).slice(-20000);
    };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    let exitInfo = null;
    this.exited.then((info) => (exitInfo = info));

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exitInfo) {
        throw new Error(`lodestone exited during startup (${JSON.stringify(exitInfo)}): ${args.join(' ')}\n${this.log}`);
      }
      const port = readPort(portFile);
      if (port) {
        this.port = port;
        return this;
      }
      await sleep(50);
    }
    await this.kill();
    throw new Error(`lodestone wrote no port file within ${STARTUP_TIMEOUT_MS} ms: ${args.join(' ')}\n${this.log}`);
  }

  async waitExit(ms) {
    return Promise.race([this.exited, sleep(ms).then(() => null)]);
  }

  /** SIGKILL, as a crash would: no close frames, no flush. */
  async kill() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGKILL');
    await this.waitExit(STOP_TIMEOUT_MS);
  }

  /** SIGTERM and wait; SIGKILL if it does not stop in time. Returns the exit information. */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.proc.kill('SIGTERM');
    const info = await this.waitExit(STOP_TIMEOUT_MS);
    if (!info) await this.kill();
    return info;
  }

  async cleanup() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** POST /api/v1/ingest with canonical events as NDJSON. */
  async ingest(events) {
    const res = await fetch(`${this.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.opts.token}`, 'Content-Type': 'application/x-ndjson' },
      body: `${events.map((e) => JSON.stringify(e)).join('\n')}\n`,
      signal: AbortSignal.timeout(30000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST /api/v1/ingest answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /**
   * Resolves once the tape (started with --no-loop) has played out, as GET /api/v1/feeds says:
   * what a test injects afterwards is newer than anything on the tape, on any machine.
   */
  async tapeFinished(timeout = 30000) {
    const deadline = Date.now() + timeout;
    let feeds = '';
    while (Date.now() < deadline) {
      const res = await fetch(`${this.url}/api/v1/feeds`, { signal: AbortSignal.timeout(30000) });
      feeds = await res.text();
      if (res.ok && JSON.parse(feeds).feeds.some((f) => f.kind === 'replay' && f.state === 'finished')) return;
      await sleep(50);
    }
    throw new Error(`the tape did not finish within ${timeout} ms: ${feeds}`);
  }
}

/** Speed that makes the tape last about `seconds` of wall time (the tape's span is in event time). */
export function speedFor(events, seconds) {
  const times = events.map((e) => Date.parse(e.ts)).filter(Number.isFinite);
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return Math.max(1, Math.round(span / seconds));
}
