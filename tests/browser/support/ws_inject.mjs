// A loopback relay between the browser and the daemon that can add WebSocket messages of the
// test's own to what the daemon sends the page. Everything else passes unchanged: HTTP both ways,
// and the daemon's frames, which are forwarded whole so an added frame always lands between two
// of them. The page therefore handles the added message exactly as one from the daemon (same
// socket, same parser, same dispatch); nothing in the page is reached into.
//
// What it is for: `delivery` messages (web/PROTOCOL.md) before the daemon's notifier broadcasts
// real ones. A test that uses it says so.
import net from 'node:net';

const UPGRADE = /^GET [^\r\n]* HTTP\/1\.1\r\n(?:[^\r\n]+\r\n)*?upgrade:\s*websocket\r\n/im;

/** One unmasked text frame, as a server sends it (RFC 6455 5.2). */
export function textFrame(text) {
  const payload = Buffer.from(text, 'utf8');
  let head;
  if (payload.length < 126) {
    head = Buffer.from([0x81, payload.length]);
  } else if (payload.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x81;
    head[1] = 126;
    head.writeUInt16BE(payload.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Length of the whole frame at the start of `buf`, or 0 while its header or payload is incomplete. */
function frameLength(buf) {
  if (buf.length < 2) return 0;
  const masked = (buf[1] & 0x80) !== 0;
  let len = buf[1] & 0x7f;
  let at = 2;
  if (len === 126) {
    if (buf.length < 4) return 0;
    len = buf.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    if (buf.length < 10) return 0;
    len = Number(buf.readBigUInt64BE(2));
    at = 10;
  }
  const total = at + (masked ? 4 : 0) + len;
  return buf.length >= total ? total : 0;
}

/** The daemon → page direction of one WebSocket connection: whole frames, then what was added. */
class FrameGate {
  constructor(client) {
    this.client = client;
    this.head = Buffer.alloc(0); // the 101 answer, until its blank line
    this.upgraded = false;
    this.partial = Buffer.alloc(0);
    this.added = [];
  }

  push(chunk) {
    if (!this.upgraded) {
      this.head = Buffer.concat([this.head, chunk]);
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.client.write(this.head.subarray(0, end + 4));
      this.upgraded = true;
      chunk = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
    }
    this.partial = Buffer.concat([this.partial, chunk]);
    for (let n = frameLength(this.partial); n > 0; n = frameLength(this.partial)) {
      this.client.write(this.partial.subarray(0, n));
      this.partial = this.partial.subarray(n);
    }
    this.flush();
  }

  add(frame) {
    this.added.push(frame);
    this.flush();
  }

  flush() {
    if (!this.upgraded || this.partial.length > 0) return; // mid-frame: after it completes
    for (const frame of this.added.splice(0)) this.client.write(frame);
  }
}

export class InjectingRelay {
  /** @param {() => number} targetPort */
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.sockets = new Set();
    this.gates = new Set();
    this.server = net.createServer((client) => this.accept(client));
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    return this;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** WebSocket connections open through the relay (past their 101). */
  get connections() {
    return [...this.gates].filter((g) => g.upgraded).length;
  }

  accept(client) {
    const upstream = net.connect(this.targetPort(), '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let gate = null;
    let first = true;
    // A browser opens a connection of its own for each WebSocket: its first request says which.
    client.on('data', (chunk) => {
      if (first) {
        first = false;
        if (UPGRADE.test(chunk.toString('latin1'))) {
          gate = new FrameGate(client);
          this.gates.add(gate);
          client.on('close', () => this.gates.delete(gate));
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => (gate ? gate.push(chunk) : client.write(chunk)));
  }

  /** Sends `message` (an object, as JSON) to every page's WebSocket; returns how many got it. */
  inject(message) {
    const frame = textFrame(JSON.stringify(message));
    let n = 0;
    for (const gate of this.gates) {
      if (!gate.upgraded) continue;
      gate.add(frame);
      n += 1;
    }
    return n;
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
