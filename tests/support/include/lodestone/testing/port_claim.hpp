#pragma once
// Loopback ports for servers that cannot bind port 0 (redis-server, haproxy): outside the
// kernel's ephemeral range, so an outgoing connection cannot take one while its server is down
// for a restart, and claimed against the other tests of the run with an abstract Unix socket
// named after the port (the same names RedisServer uses, so the two never pick the same port).
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

namespace lodestone::testing {

// The range to pick from: below net.ipv4.ip_local_port_range, or above it if too little room.
std::pair<unsigned, unsigned> unclaimed_port_range();
// Claims `port` for this process: the descriptor holds it (close it to release), -1 when another
// test holds it.
int claim_port(unsigned port);
// Starts a server that cannot bind port 0 on `count` random ports of the range, claimed first:
// `start` is called with them and says whether the server runs there (something else on the
// machine may listen on one: then other ports are tried, up to `attempts` times). On success the
// claims are in `claims`, for the caller to close when the server is gone; false if no try worked.
bool start_on_claimed_ports(std::size_t count, const std::function<bool(std::span<const std::uint16_t>)>& start,
                            std::vector<int>& claims, int attempts = 50);

}  // namespace lodestone::testing
