// What both peers do with an ingest request, kept the same as Lodestone's contract as far as a
// benchmark sees it: NDJSON of canonical events in; each headline gets a strictly increasing
// `seq` and goes to every client as one `{"type":"news",...}` text frame; quotes only replace the
// latest quote of their symbol (clients that have not subscribed get no quotes, in Lodestone as
// here). The answer is Lodestone's `{"accepted","rejected","errors"}`.
export function ingest(text, state) {
  let accepted = 0;
  let rejected = 0;
  const out = [];
  let start = 0;
  for (let guard = 0; guard < 1e7 && start < text.length; guard++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    let ev;
    try {
      ev = JSON.parse(line);
    } catch {
      rejected++;
      continue;
    }
    if (ev.type === 'quote' && typeof ev.symbol === 'string' && ev.last !== undefined) {
      state.quotes.set(ev.symbol, ev);
      accepted++;
    } else if (ev.type === 'news' && typeof ev.id === 'string' && typeof ev.title === 'string') {
      if (state.seen.has(ev.id)) {
        accepted++;
        continue;
      }
      state.seen.add(ev.id);
      if (state.seen.size > 5000) state.seen.delete(state.seen.values().next().value);
      state.seq++;
      out.push(JSON.stringify(Object.assign({type: 'news', seq: state.seq}, ev)));
      accepted++;
    } else {
      rejected++;
    }
  }
  return {accepted, rejected, out};
}

export function newState() {
  return {quotes: new Map(), seen: new Set(), seq: 0};
}

export function hello() {
  return JSON.stringify({type: 'hello', server_time: new Date().toISOString(), version: 'peer', quote_interval_ms: 250, last_seq: 0});
}

export function parseArgs(argv) {
  const a = {host: '127.0.0.1', port: 0, token: '', portFile: ''};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--listen') {
      const [h, p] = argv[++i].split(':');
      a.host = h;
      a.port = Number(p);
    } else if (argv[i] === '--token') a.token = argv[++i];
    else if (argv[i] === '--port-file') a.portFile = argv[++i];
  }
  return a;
}
