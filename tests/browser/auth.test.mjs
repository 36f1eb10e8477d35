// Signing in on the page (issue #17): named users with roles from a users file, each signed in
// with their own token. A trader sees the acknowledge form and acknowledges an alert; an admin's
// audit view lists that acknowledgement under the trader's name; a viewer sees no acknowledge
// form, no "mute this" and no audit button. No URL the page asks for (requests and the WebSocket
// dial) carries a token: the WebSocket goes with a single-use ticket.
//
// Needs the server's users, roles, tickets and audit log (GET /api/v1/whoami and friends): a
// daemon that answers 404 there has none, and the file's tests are skipped with that reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { cspViolations, openBrowser, openPage, waitForState } from './support/browser.mjs';
import { Daemon, readTape, speedFor, tinyTape } from './support/daemon.mjs';
import { headerLayout } from './support/layout.mjs';
import { PROBE_SYMBOL, probeRules, probeScenario } from './support/probe.mjs';
import { recordUrls, signIn } from './support/sign_in.mjs';

const ROW = `#alert-list li.alert[data-symbol="${PROBE_SYMBOL}"]`;
const COMMENT = '已核实 handled by the trader (synthetic test)';

/** Whether this daemon has users at all: GET /api/v1/whoami is 404 on one without. */
async function whoamiMissing() {
  const probe = new Daemon({ tape: tinyTape(), speed: 1, args: ['--no-loop'] });
  await probe.start();
  try {
    const res = await fetch(`${probe.url}/api/v1/whoami`, { signal: AbortSignal.timeout(10000) });
    return res.status === 404;
  } finally {
    await probe.cleanup();
  }
}

const skip = (await whoamiMissing())
  ? 'GET /api/v1/whoami answers 404: this daemon has no users, roles or tickets yet (issue #17 server side)'
  : false;
if (skip) console.log(`# skipped: ${skip}`);

const daemon = new Daemon({ tape: tinyTape(), speed: speedFor(readTape(tinyTape()), 1), args: ['--no-loop'] });
const tokens = {}; // user name -> the token `lodestone user add` printed
let browser;
const urls = []; // every URL any page of the browser asked for

/** `lodestone user add NAME --role ROLE --file FILE`: the new token is alone on the last line. */
function addUser(file, name, role) {
  const out = execFileSync(process.env.LODESTONE_BIN, ['user', 'add', name, '--role', role, '--file', file], {
    encoding: 'utf8',
  });
  const token = out.trim().split('\n').pop().trim();
  assert.ok(token.length >= 16, `user add ${name} printed no token: ${out}`);
  return token;
}

async function ingest(events) {
  const res = await fetch(`${daemon.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokens.root}`, 'Content-Type': 'application/x-ndjson' },
    body: `${events.map((e) => JSON.stringify(e)).join('\n')}\n`,
    signal: AbortSignal.timeout(30000),
  });
  assert.equal(res.status, 200, `ingest: ${await res.text()}`);
}

async function openBoard() {
  const opened = await openPage(browser.context, `${daemon.url}/`, { beforeGoto: (p) => recordUrls(p, urls) });
  await waitForState(opened.page, 'live', 30000);
  return opened;
}

before(
  async () => {
    if (skip) return;
    const users = path.join(daemon.dir, 'users.yaml');
    tokens.alice = addUser(users, 'alice', 'trader');
    tokens.root = addUser(users, 'root', 'admin');
    tokens.val = addUser(users, 'val', 'viewer');
    const config = path.join(daemon.dir, 'lodestone.yaml');
    writeFileSync(config, `users: ${users}\naudit: ${path.join(daemon.dir, 'audit.log')}\n`);
    daemon.opts.args = ['--config', config, '--rules', probeRules(), '--no-loop'];
    await daemon.start();
    browser = await openBrowser();
    await daemon.tapeFinished();
    await ingest(probeScenario('14:26').events); // synthetic: 159713.SZ +2.35% in 2 minutes after a headline
  },
  { timeout: 90000 },
);

after(
  async () => {
    await browser?.close();
    await daemon.cleanup();
  },
  { timeout: 30000 },
);

test('a trader signs in, sees who they are and acknowledges an alert', { skip, timeout: 60000 }, async () => {
  const { page, problems } = await openBoard();
  await signIn(page, tokens.alice, { remember: 'tab', user: 'alice' });
  assert.equal(await page.textContent('#who-role'), 'trader');
  await waitForState(page, 'live', 15000); // dialled again, with alice's ticket
  const item = await page.waitForSelector(ROW, { timeout: 20000 });
  assert.equal(await item.isVisible(), true);
  assert.equal(await item.$eval('.ack-button', (b) => b.checkVisibility()), true, 'a trader may acknowledge');
  assert.equal(await page.isVisible('#open-audit'), false, 'only an admin reads the audit log');

  const acked = page.waitForRequest((r) => /\/api\/v1\/alerts\/[^/]+\/ack$/.test(r.url()) && r.method() === 'POST');
  await item.$eval('.ack-input', (input, c) => {
    input.value = c;
  }, COMMENT);
  await item.$eval('.ack-form', (form) => form.requestSubmit());
  const request = await acked;
  assert.equal(request.headers().authorization, `Bearer ${tokens.alice}`);
  assert.deepEqual(JSON.parse(request.postData()), { comment: COMMENT }, 'the page sends no name: the server knows it');
  await item.waitForSelector('.ack-mark', { timeout: 10000 });
  assert.match(await item.$eval('.ack', (n) => n.textContent), /alice/, 'attributed to the signed-in trader');

  // "Remember for this tab": sessionStorage keeps it over a reload; localStorage never has it.
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('who-user')?.textContent === 'alice');
  const stored = await page.evaluate(() => ({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) }));
  assert.ok(!stored.local.includes(tokens.alice), 'no token in localStorage');
  assert.ok(stored.session.includes(tokens.alice), 'the token is remembered for this tab');
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
  await page.close();
});

test("an admin's audit view shows the acknowledgement under the trader's name", { skip, timeout: 60000 }, async () => {
  const { page, problems } = await openBoard();
  await signIn(page, tokens.root, { user: 'root' });
  assert.equal(await page.textContent('#who-role'), 'admin');
  await page.click('#open-audit');
  await page.waitForSelector('#audit-dialog[open]');
  const row = await page.waitForSelector('#audit-dialog tr.audit-entry:has(td[data-col="action"]:text-matches("acknowledge"))', {
    timeout: 10000,
  });
  const text = await row.textContent();
  assert.match(await row.$eval('td[data-col="user"]', (n) => n.textContent), /^alice/, text);
  assert.match(text, /ok/, text);
  // Refreshable: a second load answers again (and still lists it).
  const again = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/audit');
  await page.click('#audit-dialog .audit-refresh');
  assert.equal((await again).status(), 200);
  await page.waitForSelector('#audit-dialog tr.audit-entry');
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
  await page.close();
});

test("on a 412-px phone the admin's header keeps two rows and the audit opens from the settings", { skip, timeout: 60000 }, async () => {
  const { page, problems } = await openBoard();
  await page.setViewportSize({ width: 412, height: 900 });
  await signIn(page, tokens.root, { user: 'root' });
  const layout = await headerLayout(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(layout.rows <= 2, `the header runs to ${layout.rows} rows`);
  assert.deepEqual(layout.wrapped, [], 'a header item wrapped onto a second line');
  assert.ok(width <= 412, `the page is ${width} px wide`);
  await page.click('#who');
  await page.click('#open-audit-settings');
  await page.waitForSelector('#audit-dialog[open] tr.audit-entry', { timeout: 10000 });
  assert.deepEqual([...problems, ...(await cspViolations(page))], []);
  await page.close();
});

test('a viewer sees no acknowledge form, no mute and no audit, and a wrong token is said so', { skip, timeout: 60000 }, async () => {
  const { page, problems } = await openBoard();
  await signIn(page, tokens.val, { user: 'val' });
  assert.equal(await page.textContent('#who-role'), 'viewer');
  const item = await page.waitForSelector(ROW, { timeout: 20000 });
  for (const control of ['.ack-button', '.ack-input', '.mute-button']) {
    const shown = await item.$$eval(control, (nodes) => nodes.filter((n) => n.checkVisibility()).length);
    assert.equal(shown, 0, `${control} is hidden from a viewer`);
  }
  assert.equal(await page.isVisible('#open-audit'), false);
  // A token the server does not know: the header and the banner say so (401).
  await signIn(page, 'not-a-real-token-0123456789abcdef');
  await page.waitForSelector('#auth-banner:not([hidden])');
  assert.match(await page.textContent('#auth-banner'), /401/);
  assert.equal(await page.getAttribute('#who', 'data-state'), 'refused');
  assert.deepEqual(
    problems.filter((p) => !/401/.test(p)), // the browser logs the refused request itself
    [],
  );
  await page.close();
});

test('no URL the page asked for carries a token', { skip, timeout: 10000 }, async () => {
  assert.ok(urls.length > 0);
  assert.ok(urls.some((u) => u.includes('/ws?') && u.includes('ticket=')), `the WebSocket dials with a ticket: ${urls.join('\n')}`);
  for (const u of urls) {
    assert.ok(!/[?&]token=/.test(u), `no ?token= in ${u}`);
    for (const [name, token] of Object.entries(tokens)) assert.ok(!u.includes(token), `${name}'s token in ${u}`);
  }
});
