// Ports for the servers these tests start (redis-server, Prometheus), chosen the way
// tests/support/redis_server.cpp chooses them: below the kernel's ephemeral range, so no
// outgoing connection or port-0 bind of another test can take one while a server is down for a
// restart, and claimed with an abstract Unix socket named after the port, so two tests running
// at once (ctest -j) never pick the same one. The claim ends with release() or the process.
import fs from 'node:fs';
import net from 'node:net';

function candidateRange() {
  let [low, high] = [32768, 60999];
  try {
    [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  } catch {
    // not Linux: the defaults above
  }
  const floor = 10000, enough = 2000;
  if (low >= floor + enough) return [floor, low - 1];
  if (high + enough <= 65535) return [high + 1, 65535];
  return [1024, 65535];
}

function claim(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ path: `\0lodestone-test-port-${port}` }, () => resolve(server));
  });
}

// { port, release() }: a port no other test holds, outside the ephemeral range.
export async function reservePort() {
  const [low, high] = candidateRange();
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    const held = await claim(port);
    if (held) return { port, release: () => held.close() };
  }
  throw new Error(`no unclaimed port in ${low}-${high}`);
}
