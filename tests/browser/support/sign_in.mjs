// Signing in the way a trader does: the token in the settings dialog, kept in memory only or
// remembered for the tab (sessionStorage), then saved. Resolves once the page has asked the
// server who the token is (GET /api/v1/whoami, or its 404 from a server without users) and, given
// `user`, the header names them.
export async function signIn(page, token, { remember = 'memory', user } = {}) {
  await page.click('#who'); // the header's who-is-signed-in opens the settings (⚙ too, but not on a phone)
  await page.fill('#set-token', token);
  await page.check(`#settings-form input[name="remember"][value="${remember}"]`);
  const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/whoami', { timeout: 10000 });
  await page.click('#settings-form button[value="save"]');
  await asked;
  if (user) await page.waitForFunction((u) => document.getElementById('who-user')?.textContent === u, user);
}

/** Every URL the page asks for (HTTP requests and WebSocket dials), for checks on what they carry. */
export function recordUrls(page, into) {
  page.on('request', (r) => into.push(r.url()));
  page.on('websocket', (ws) => into.push(ws.url()));
}
