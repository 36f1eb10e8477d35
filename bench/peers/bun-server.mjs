// Peer 2 for `make bench`: a Bun broadcast server (Bun.serve websockets, uWebSockets inside),
// permessage-deflate off. GET /ws upgrades and subscribes the client to one topic; POST
// /api/v1/ingest takes NDJSON (bench/peers/common.mjs) and each headline is published to the
// topic with server.publish, Bun's idiomatic (and fastest) broadcast.
//   bun bun-server.mjs --listen 127.0.0.1:PORT [--token T] [--port-file F]
import fs from 'node:fs';
import {ingest, newState, hello, parseArgs} from './common.mjs';

const args = parseArgs(process.argv.slice(2));
const state = newState();

const server = Bun.serve({
  hostname: args.host,
  port: args.port,
  idleTimeout: 60,
  async fetch(req, srv) {
    const url = new URL(req.url);
    if (url.pathname === '/ws') {
      if (srv.upgrade(req)) return undefined;
      return new Response('upgrade failed', {status: 400});
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/ingest') {
      if (args.token && req.headers.get('authorization') !== `Bearer ${args.token}`) {
        return new Response('', {status: 401});
      }
      const r = ingest(await req.text(), state);
      for (const m of r.out) srv.publish('all', m);
      return Response.json({accepted: r.accepted, rejected: r.rejected, errors: []});
    }
    if (url.pathname === '/healthz') return new Response('ok');
    return new Response('', {status: 404});
  },
  websocket: {
    perMessageDeflate: false,
    maxPayloadLength: 64 * 1024,
    idleTimeout: 60,
    open(ws) {
      ws.subscribe('all');
      ws.send(hello());
    },
    message(ws, data) {
      try {
        if (JSON.parse(String(data)).type === 'ping') ws.send('{"type":"pong"}');
      } catch {
        ws.close(4002);
      }
    },
  },
});
if (args.portFile) fs.writeFileSync(args.portFile, String(server.port));
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.stop(true);
    process.exit(0);
  });
}
