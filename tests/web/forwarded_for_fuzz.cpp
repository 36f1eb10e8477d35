// X-Forwarded-For values from the network: whatever a client writes, the client chosen is the
// TCP peer, a hop of the header, or the PROXY source, and never a trusted proxy unless every
// hop looked at is one.
#include <cstdint>
#include <string>
#include <string_view>

#include "client_address.hpp"

using namespace lodestone::web;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  static const auto trusted =
      std::make_shared<const TrustedProxies>(*TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8"}));
  const ConnectionOrigin via_lb{lodestone::net::ip::make_address("127.0.0.1"), std::nullopt, trusted};
  const auto client = client_address(via_lb, value);
  bool named = client == lodestone::net::ip::make_address("127.0.0.1");
  for (const auto hop : forwarded_for_hops(value)) {
    if (hop.find(',') != std::string_view::npos) __builtin_trap();
    if (auto a = parse_hop(hop)) named = named || unmapped(*a) == client;
  }
  if (!named) __builtin_trap();
  // Untrusted peer: the header is never read.
  const ConnectionOrigin direct{lodestone::net::ip::make_address("198.51.100.9"), std::nullopt, trusted};
  if (client_address(direct, value) != lodestone::net::ip::make_address("198.51.100.9")) __builtin_trap();
  return 0;
}
