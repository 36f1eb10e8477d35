#pragma once
// Loopback ports for the Redis processes tests start (redis-server and redis-sentinel have no
// "--port 0"): a port outside the kernel's ephemeral range, claimed against the other tests of
// the run. Internal to lodestone::test_support.
#include <utility>

namespace lodestone::testing {

// Ports below the kernel's ephemeral range (net.ipv4.ip_local_port_range): a port inside it
// that is free while redis is down for a restart can be taken meanwhile by any process's
// outgoing connection or port-0 bind (10 000 of them in the load tests), and redis could not
// come back on it. Above the range if the range leaves too little room below it.
std::pair<unsigned, unsigned> candidate_ports();

// Claims `port` among the processes of this machine (ctest -j runs several test binaries at
// once) with an abstract Unix socket named after it: the name is released when the descriptor
// is closed or the process dies, so nothing is left behind. -1 when another test holds it.
int claim_port(unsigned port);

}  // namespace lodestone::testing
