#pragma once
// Where Redis is: redis://[[user]:password@]host[:port][/db], or the master a set of Sentinels
// names: redis-sentinel://[[user]:password@]host[:port][,host[:port]...][/db]#master (Sentinel
// port 26379 by default; the password is the master's). TLS (rediss://) is not offered: Debian's
// hiredis 0.14 has no TLS, so a URL asking for it fails loudly instead of going plain.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"

namespace lodestone::redis {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  friend bool operator==(const HostPort&, const HostPort&) = default;
};
// "127.0.0.1:6379", "[::1]:6379"
std::string to_string(const HostPort& address);

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  int db = 0;
  std::string user;      // Redis 6 ACL user; "" = the default user
  std::string password;  // "" = no AUTH
  // With Sentinels, host and port are not configured: the master is asked of them by name
  // (sentinel.hpp). Their own password is never part of a URL (redis.sentinel_password_env).
  std::vector<HostPort> sentinels;
  std::string master;  // the master's name in the Sentinels' configuration
  std::string sentinel_password;

  [[nodiscard]] bool sentinel() const { return !sentinels.empty(); }
  [[nodiscard]] HostPort address() const { return {host, port}; }
};

Result<Endpoint> parse_url(std::string_view url);
// The URL without its password, for logs and errors.
std::string describe(const Endpoint& endpoint);

}  // namespace lodestone::redis
