// The trader's API token: in this tab's memory, or in sessionStorage when they chose "remember
// for this tab" (it then survives a reload, and goes with the tab). Never in localStorage, where
// it would outlive the session and be shared by every tab of the profile, and never in a URL,
// where proxies, logs and the browser's history keep it: the WebSocket dials with a short-lived
// single-use ticket instead (api.js wsUrl).

const KEY = 'lodestone.session.v1';
// Kept there by earlier versions of the page, with the free-text "by" name: removed on load.
const OLD_SETTINGS_KEY = 'lodestone.settings.v1';

let token = '';
let remembered = false;

function forgetOldCopies() {
  try {
    const raw = window.localStorage.getItem(OLD_SETTINGS_KEY);
    const old = raw ? JSON.parse(raw) : null;
    if (old && typeof old === 'object' && ('token' in old || 'by' in old)) {
      delete old.token;
      delete old.by;
      window.localStorage.setItem(OLD_SETTINGS_KEY, JSON.stringify(old));
    }
  } catch {
    // Unreadable or refused storage holds nothing to forget.
  }
}

function load() {
  forgetOldCopies();
  try {
    const raw = window.sessionStorage.getItem(KEY);
    const parsed = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed.token === 'string' && parsed.token) {
      token = parsed.token;
      remembered = true;
    }
  } catch {
    // A private window may refuse sessionStorage: the token then lives in memory only.
  }
}

/** The token, or '' when nobody is signed in. */
export function currentToken() {
  return token;
}

/** Whether the token is kept for this tab (sessionStorage) rather than in memory only. */
export function rememberedForTab() {
  return remembered;
}

/** Signs in with `newToken` ('' signs out); `rememberForTab` keeps it in sessionStorage. */
export function setToken(newToken, rememberForTab) {
  token = newToken;
  remembered = Boolean(newToken) && rememberForTab;
  try {
    if (remembered) window.sessionStorage.setItem(KEY, JSON.stringify({ token }));
    else window.sessionStorage.removeItem(KEY);
  } catch {
    remembered = false; // refused: memory only
  }
}

load();
