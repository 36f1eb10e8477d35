#pragma once
// Where Redis is: redis://[[user]:password@]host[:port][/db]. TLS (rediss://) is not offered:
// Debian's hiredis 0.14 has no TLS, so a URL asking for it fails loudly instead of going plain.
#include <cstdint>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone::redis {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  int db = 0;
  std::string user;      // Redis 6 ACL user; "" = the default user
  std::string password;  // "" = no AUTH
};

Result<Endpoint> parse_url(std::string_view url);
// The URL without its password, for logs and errors.
std::string describe(const Endpoint& endpoint);

}  // namespace lodestone::redis
