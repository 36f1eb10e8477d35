// Opt-in sound and desktop notifications for new alerts. Both need a user gesture or permission
// first, so nothing here runs until the trader ticks the box in the settings.

let audio = null;

/** Called from the settings checkbox's click, the gesture browsers require before audio may play. */
export function enableSound() {
  if (!audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return false;
    audio = new Ctx();
  }
  if (audio.state === 'suspended') audio.resume();
  return true;
}

const TONES = { critical: [880, 660, 880], warning: [660, 660], info: [520] };

export function beep(severity) {
  if (!audio || audio.state !== 'running') return;
  const tones = TONES[severity] ?? TONES.info;
  let t = audio.currentTime;
  for (const freq of tones) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    osc.type = 'sine';
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.16);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.18);
    t += 0.2;
  }
}

export async function enableDesktop() {
  if (!('Notification' in window)) return false;
  if (Notification.permission === 'granted') return true;
  if (Notification.permission === 'denied') return false;
  return (await Notification.requestPermission()) === 'granted';
}

/** A desktop notification; the browser shows title and body as plain text. */
export function desktop(title, body, tag) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag, silent: true });
    n.addEventListener('click', () => window.focus());
  } catch {
    // Some platforms only allow notifications from a service worker; the panel still shows the alert.
  }
}
