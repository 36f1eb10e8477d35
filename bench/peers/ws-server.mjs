// Peer 1 for `make bench`: a Node.js broadcast server on the `ws` package (permessage-deflate
// off, as Lodestone's default). GET /ws upgrades; POST /api/v1/ingest takes NDJSON (bench/peers/
// common.mjs); each headline is sent to every open client with ws.send, the package's idiomatic
// broadcast loop.
//   node ws-server.mjs --listen 127.0.0.1:PORT [--token T] [--port-file F]
import http from 'node:http';
import fs from 'node:fs';
import {WebSocketServer, WebSocket} from 'ws';
import {ingest, newState, hello, parseArgs} from './common.mjs';

const args = parseArgs(process.argv.slice(2));
const state = newState();
const wss = new WebSocketServer({noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024});

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/v1/ingest') {
    if (args.token && req.headers.authorization !== `Bearer ${args.token}`) {
      res.writeHead(401).end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r = ingest(Buffer.concat(chunks).toString('utf8'), state);
      for (const m of r.out) {
        for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(m);
      }
      const body = JSON.stringify({accepted: r.accepted, rejected: r.rejected, errors: []});
      res.writeHead(200, {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)});
      res.end(body);
    });
    return;
  }
  if (req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60000;
server.on('upgrade', (req, socket, head) => {
  if (!req.url.startsWith('/ws')) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data) => {
      try {
        if (JSON.parse(data).type === 'ping') ws.send('{"type":"pong"}');
      } catch {
        ws.close(4002);
      }
    });
    ws.send(hello());
  });
});
server.listen(args.port, args.host, () => {
  if (args.portFile) fs.writeFileSync(args.portFile, String(server.address().port));
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of wss.clients) c.close(1001);
    server.close();
    process.exit(0);
  });
}
