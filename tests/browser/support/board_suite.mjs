// The setup most page tests share: a daemon replaying the tiny tape, one headless Chromium, and
// the board open in it, started before the file's tests and cleaned up after them.
import { after, before } from 'node:test';

import { openBrowser, openPage, waitForState } from './browser.mjs';
import { Daemon, readTape, speedFor, tinyTape } from './daemon.mjs';

/**
 * Registers the file's before/after hooks and returns what they set up: `daemon` at once,
 * `browser` and `session` ({page, response, problems}) once `before` has run.
 * @param {{seconds: number, token?: string, args?: string[], waitLive?: boolean, tapeFinished?: boolean}} opts
 *   seconds: how long the tape plays; waitLive: wait for the page's live state (default true);
 *   tapeFinished: then wait until the daemon has played the whole tape (needs --no-loop).
 */
export function boardSuite({ seconds, token, args, waitLive = true, tapeFinished = false }) {
  const tape = readTape(tinyTape());
  const suite = {
    tape,
    daemon: new Daemon({ tape: tinyTape(), speed: speedFor(tape, seconds), token, args }),
    browser: undefined,
    session: undefined,
  };
  before(async () => {
    await suite.daemon.start();
    suite.browser = await openBrowser();
    suite.session = await openPage(suite.browser.context, `${suite.daemon.url}/`);
    if (waitLive) await waitForState(suite.session.page, 'live', 30000);
    if (tapeFinished) await suite.daemon.tapeFinished();
  }, { timeout: 60000 });
  after(async () => {
    await suite.browser?.close();
    await suite.daemon.cleanup();
  }, { timeout: 30000 });
  return suite;
}
