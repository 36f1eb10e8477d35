// Debian's Chromium driven by playwright-core: headless, loopback only, a fresh profile per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// playwright-core lives in web/node_modules (installed from web/package-lock.json by deploy/setup.sh).
const webModules = path.join(process.env.LODESTONE_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../../..'), 'web/node_modules');
const { chromium } = await import(pathToFileURL(path.join(webModules, 'playwright-core/index.mjs')).href);

export const CHROMIUM = process.env.LODESTONE_CHROMIUM || '/usr/bin/chromium';

// What the page must live with. The daemon's own policy is checked to be at least this strict
// (cspAtLeastStrict), and the page is then judged under it. The tests do not rewrite the served
// document: an intercepted document loses its loopback origin and Chromium's local-network-access
// checks would then block the page's WebSocket, which no real trader meets.
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:";

function parseCsp(text) {
  const out = new Map();
  for (const part of String(text).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** Problems that make `served` looser than STRICT_CSP for any of its directives (empty: fine). */
export function cspLooserThanStrict(served) {
  if (!served) return ['no Content-Security-Policy header'];
  const policy = parseCsp(served);
  const problems = [];
  for (const [name, allowed] of parseCsp(STRICT_CSP)) {
    const effective = policy.get(name) ?? policy.get('default-src');
    if (!effective) {
      problems.push(`${name}: neither it nor default-src is set`);
      continue;
    }
    const extra = effective.filter((src) => !allowed.includes(src) && src !== "'none'");
    if (extra.length) problems.push(`${name} also allows ${extra.join(' ')}`);
  }
  return problems;
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

export async function openBrowser({ width = 1600, height = 900 } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'lodestone-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width, height },
    timezoneId: 'America/New_York', // the page must show Shanghai time whatever the viewer's zone
    locale: 'en-US',
    timeout: 30000,
  });
  context.setDefaultTimeout(10000);
  return {
    context,
    async close() {
      // Bounded: a wedged browser must not hold the test run; the runner's process exit reaps it.
      await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 10000).unref())]);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` and records every console error, page error, CSP violation and dialog in
 * `problems`. `beforeGoto(page)` may attach listeners first.
 */
export async function openPage(context, url, { beforeGoto } = {}) {
  const page = await context.newPage();
  if (beforeGoto) beforeGoto(page);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // A daemon without users (issue #17's server side absent) answers the page's whoami and
    // ws-ticket with 404, which the page takes as "no users" and Chromium logs as an error.
    if (/status of 404/.test(msg.text()) && /\/api\/v1\/(whoami|ws-ticket)$/.test(msg.location()?.url ?? '')) return;
    problems.push(`console.error: ${msg.text()} (${msg.location()?.url ?? ''})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  return { page, problems, response };
}

export async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? []);
}

/** Text of the board cell, or null while the row is not there. */
export async function cellText(page, symbol, col) {
  return page.evaluate(
    ([s, c]) => document.querySelector(`#board-table tr[data-symbol="${s}"] td[data-col="${c}"]`)?.textContent ?? null,
    [symbol, col],
  );
}

export async function waitForState(page, state, timeout) {
  await page.waitForSelector(`#conn[data-state="${state}"]`, { timeout });
}
