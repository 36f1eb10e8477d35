#include "lodestone/testing/port_claim.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace lodestone::testing {

std::pair<unsigned, unsigned> unclaimed_port_range() {
  unsigned low = 32768, high = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low >> high;
  constexpr unsigned kFloor = 10000, kEnough = 2000;
  if (low >= kFloor + kEnough) return {kFloor, low - 1};
  if (high + kEnough <= 65535) return {high + 1, 65535};
  return {1024, 65535};
}

int claim_port(unsigned port) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket(AF_UNIX) failed");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string name = "lodestone-test-port-" + std::to_string(port);
  std::memcpy(addr.sun_path + 1, name.data(), name.size());  // sun_path[0] == 0: abstract
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool start_on_claimed_ports(std::size_t count, const std::function<bool(std::span<const std::uint16_t>)>& start,
                            std::vector<int>& claims, int attempts) {
  const auto [first, last] = unclaimed_port_range();
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<unsigned> pick(first, last);
  std::vector<std::uint16_t> ports(count);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    claims.clear();
    bool held = true;
    for (auto& port : ports) {
      port = static_cast<std::uint16_t>(pick(random));
      const int claim = claim_port(port);  // the same port twice in one try: the second claim fails
      if (claim < 0) {
        held = false;
        break;
      }
      claims.push_back(claim);
    }
    if (held && start(ports)) return true;
    for (const int claim : claims) ::close(claim);
    claims.clear();
  }
  return false;
}

}  // namespace lodestone::testing
