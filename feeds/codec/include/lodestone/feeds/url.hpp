#pragma once
// The parts of a feed URL a client needs.
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone::feeds {

struct Url {
  std::string scheme;  // http, https, ws, wss
  std::string host;
  std::string port;    // defaulted from the scheme
  std::string target;  // path and query, "/" at least
  [[nodiscard]] bool tls() const { return scheme == "https" || scheme == "wss"; }
};

Result<Url> parse_url(std::string_view text);

}  // namespace lodestone::feeds
