// A loopback TCP relay between the browser and the daemon, so a test can cut the page's network
// (every open connection reset, new ones refused) while the daemon keeps running.
import net from 'node:net';

export class Relay {
  /** @param {() => number} targetPort  read on every connection, so the daemon may restart */
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.sockets = new Set();
    this.cut = false;
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

  accept(client) {
    if (this.cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.targetPort(), '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Resets every relayed connection and refuses new ones until restore(). */
  disconnect() {
    this.cut = true;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  restore() {
    this.cut = false;
  }

  async close() {
    this.disconnect();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
