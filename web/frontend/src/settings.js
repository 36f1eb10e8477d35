// Per-browser preferences, kept in localStorage so a wall screen comes back the same after a reload.
// No secret and no identity here: the token is credentials.js's, and who acknowledges or mutes
// is whoever the server says the token belongs to.

const KEY = 'lodestone.settings.v1';

const DEFAULTS = Object.freeze({
  scheme: 'red-up', // A-share convention; 'green-up' for traders used to Western screens
  sound: false,
  desktop: false,
  sortKey: 'symbol',
  sortDir: 1,
  selected: '',
});

function load() {
  try {
    const raw = window.localStorage.getItem(KEY);
    const parsed = raw ? JSON.parse(raw) : {};
    const stored = parsed && typeof parsed === 'object' ? parsed : {};
    delete stored.token; // earlier versions kept these here (credentials.js removes them)
    delete stored.by;
    return { ...DEFAULTS, ...stored };
  } catch {
    return { ...DEFAULTS };
  }
}

const listeners = new Set();
let current = load();

export function settings() {
  return current;
}

export function updateSettings(patch) {
  current = { ...current, ...patch };
  try {
    window.localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Private windows may refuse storage; the preference then lasts until reload.
  }
  for (const fn of listeners) fn(current, patch);
}

export function onSettings(fn) {
  listeners.add(fn);
}
