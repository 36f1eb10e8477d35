// Regenerates docs/screenshots/board.png and alert.png (1600x900), and phone-board.png and
// phone-alert.png (412x900: the board, and the alert alone as a notification's link opens it) from
// the real daemon replaying a tape.
// Not a test: run by hand after a visible change to the page, then look at the pictures.
//
//   LODESTONE_BIN=build/dev/daemon/lodestone LODESTONE_WEB_DIST=build/dev/web/dist \
//     node tests/browser/screenshots.mjs [--tape FILE] [--speed X] [--wait SECONDS] [--rules FILE] [--select SYMBOL]
//
// --rules defaults to the bundled rare-earth pack; the alert picture needs the tape to have fired
// one within --wait seconds (at --speed 600 the 2026-02-09 session starts after about 100 s).
import { mkdirSync } from 'node:fs';
import path from 'node:path';

process.env.LODESTONE_SOURCE_DIR ??= path.resolve(import.meta.dirname, '../..');
const { openBrowser, openPage, waitForState } = await import('./support/browser.mjs');
const { Daemon, sourceDir } = await import('./support/daemon.mjs');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const out = path.join(sourceDir(), 'docs/screenshots');
const tape = option('tape', path.join(sourceDir(), 'feeds/tapes/rare-earth-2026-02.ndjson'));
const rules = option('rules', path.join(sourceDir(), 'rules/packs/rare-earth.yaml'));
const daemon = new Daemon({
  tape: path.resolve(tape),
  speed: Number(option('speed', '600')),
  args: ['--rules', path.resolve(rules), '--no-loop'],
});

mkdirSync(out, { recursive: true });
await daemon.start();
const browser = await openBrowser({ width: 1600, height: 900 });
try {
  const { page, problems } = await openPage(browser.context, `${daemon.url}/`);
  await waitForState(page, 'live', 15000);
  await page.waitForTimeout(Number(option('wait', '60')) * 1000);
  const select = option('select', '159713.SZ');
  await page.click(`#board-table tr[data-symbol="${select}"]`).catch(() => {});
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(out, 'board.png') });

  // An alert with its headline says more than one without; take the newest explained one if any.
  const toggle =
    (await page.$('#alert-list li.alert:has(.explained.yes) .evidence-toggle')) ??
    (await page.$('#alert-list li.alert .evidence-toggle'));
  if (toggle) {
    await toggle.click();
    await toggle.evaluate((b) => b.closest('li').scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, 'alert.png') });
  } else console.log('no alert in the panel yet: alert.png not written (try a longer --wait or --rules)');
  if (problems.length) console.log(`page problems:\n${problems.join('\n')}`);

  const key = await page.evaluate(
    () => (document.querySelector('#alert-list li.alert:has(.explained.yes)') ?? document.querySelector('#alert-list li.alert'))?.dataset.key,
  );
  const phone = await openBrowser({ width: 412, height: 900 });
  try {
    const board = await openPage(phone.context, `${daemon.url}/`);
    await waitForState(board.page, 'live', 15000);
    await board.page.waitForTimeout(1000);
    await board.page.screenshot({ path: path.join(out, 'phone-board.png') });
    if (key) {
      const alone = await openPage(phone.context, `${daemon.url}/alerts/${encodeURIComponent(key)}`);
      await alone.page.waitForSelector('article.alert-detail:not([hidden])', { timeout: 30000 });
      await alone.page.waitForTimeout(500);
      await alone.page.screenshot({ path: path.join(out, 'phone-alert.png'), fullPage: true });
    } else console.log('no alert yet: phone-alert.png not written');
  } finally {
    await phone.close();
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await daemon.cleanup();
}
