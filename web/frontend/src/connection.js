// The page's one WebSocket: reconnects with exponential backoff and jitter, and reports whether the
// data on screen is live, stale (connected but silent past the heartbeat) or being reconnected.

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 8000;
// The server sends a heartbeat after 15 s of silence; past this the screen is not trusted.
const STALE_AFTER_MS = 20000;
// A socket silent this long is dead even if the OS has not noticed: drop it and dial again.
const DEAD_AFTER_MS = 45000;
const CONNECT_TIMEOUT_MS = 10000;

export class Connection {
  /**
   * @param {() => Promise<string>|string} url  called before each dial (a new single-use ticket
   *   each time, so a reconnect never reuses one and a new sign-in takes effect)
   * @param {{onOpen: (send) => void, onMessage: (msg) => void, onStatus: (status) => void,
   *   onDialError?: (err) => void}} handlers  onDialError: `url` failed (the ticket was refused)
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.retryAt = 0;
    this.retryTimer = 0;
    this.connectTimer = 0;
    this.lastMessageAt = 0;
    this.state = 'connecting';
    this.generation = 0; // bumps on every dial, so late async work can tell its socket is gone
    this.watchdog = window.setInterval(() => this.check(), 1000);
    window.addEventListener('online', () => this.reconnectNow());
  }

  start() {
    this.dial();
  }

  /** Closes the current socket and dials at once (token changed, network came back). */
  reconnectNow() {
    this.attempt = 0;
    this.drop();
    this.dial();
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  status() {
    const now = Date.now();
    return {
      state: this.state,
      age: this.lastMessageAt ? now - this.lastMessageAt : NaN,
      retryIn: this.state === 'reconnecting' ? Math.max(0, this.retryAt - now) : NaN,
      attempt: this.attempt,
    };
  }

  setState(state) {
    this.state = state;
    this.handlers.onStatus(this.status());
  }

  async dial() {
    this.generation += 1;
    const generation = this.generation;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    this.setState('connecting');
    let url;
    try {
      url = await this.url();
    } catch (err) {
      if (generation !== this.generation) return; // dialled again meanwhile
      this.handlers.onDialError?.(err);
      this.scheduleRetry();
      return;
    }
    if (generation !== this.generation) return;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.connectTimer = window.setTimeout(() => {
      if (this.ws === ws && ws.readyState !== WebSocket.OPEN) {
        this.drop();
        this.scheduleRetry();
      }
    }, CONNECT_TIMEOUT_MS);
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      window.clearTimeout(this.connectTimer);
      this.lastMessageAt = Date.now();
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = Date.now();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!msg || typeof msg !== 'object') return;
      // Several queued messages in one frame (web/PROTOCOL.md, "Batches"): handled in order.
      if (msg.type === 'batch') {
        if (!Array.isArray(msg.messages)) return;
        for (const m of msg.messages) {
          if (this.ws !== ws) return; // a handler may have dropped the socket
          if (m && typeof m === 'object') this.deliver(m);
        }
        return;
      }
      this.deliver(msg);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleRetry();
    });
    // An 'error' is always followed by 'close', which does the retry.
  }

  deliver(msg) {
    if (msg.type === 'hello') {
      this.attempt = 0;
      this.setState('live');
      this.handlers.onOpen((m) => this.send(m), msg);
    } else if (this.state === 'stale') {
      this.setState('live');
    }
    this.handlers.onMessage(msg);
  }

  drop() {
    window.clearTimeout(this.connectTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close(1000);
      } catch {
        // Closing a socket that never opened can throw; it is discarded either way.
      }
    }
  }

  scheduleRetry() {
    window.clearTimeout(this.connectTimer);
    window.clearTimeout(this.retryTimer);
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + 0.4 * Math.random()));
    this.attempt += 1;
    this.retryAt = Date.now() + delay;
    this.retryTimer = window.setTimeout(() => this.dial(), delay);
    this.setState('reconnecting');
  }

  check() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.state !== 'connecting') {
      const silent = Date.now() - this.lastMessageAt;
      if (silent > DEAD_AFTER_MS) {
        this.drop();
        this.scheduleRetry();
        return;
      }
      if (silent > STALE_AFTER_MS && this.state === 'live') this.state = 'stale';
    }
    this.handlers.onStatus(this.status());
  }
}
