#pragma once
// Loopback ports for servers that cannot bind port 0 (redis-server, haproxy): outside the
// kernel's ephemeral range, so an outgoing connection cannot take one while its server is down
// for a restart, and claimed against the other tests of the run with an abstract Unix socket
// named after the port (the same names RedisServer uses, so the two never pick the same port).
#include <cstdint>
#include <utility>

namespace lodestone::testing {

// The range to pick from: below net.ipv4.ip_local_port_range, or above it if too little room.
std::pair<unsigned, unsigned> unclaimed_port_range();
// Claims `port` for this process: the descriptor holds it (close it to release), -1 when another
// test holds it.
int claim_port(unsigned port);

}  // namespace lodestone::testing
