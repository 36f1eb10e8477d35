#pragma once
// Who a connection or request is from when load balancers stand between the client and the
// daemon. http.trusted_proxies lists the balancers; only what they say is believed:
//
//   hops, left to right:  X-Forwarded-For entries ..., PROXY header's source, TCP peer
//
// Walking from the right, each trusted hop vouches for the one to its left; the client is the
// first hop that is not trusted (the right-most untrusted one). A client cannot forge its way
// in by sending its own X-Forwarded-For: the balancer appends the address it saw, which is the
// first untrusted hop from the right, and whatever the client wrote stays to its left. A hop
// that is not an address ("unknown", an obfuscated name, garbage) ends the walk: the trusted
// hop that reported it is the client. Without trusted proxies the TCP peer is the client.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::web {

// http.trusted_proxies: addresses and CIDR blocks (10.0.0.0/8, ::1, fd00::/8).
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Each entry an address or address/prefix; the config reader has checked them, so an entry
  // that does not parse here is a programmer's error reported as a value all the same.
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);
  // IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are matched as their IPv4 address.
  [[nodiscard]] bool trusts(const net::ip::address& address) const;
  [[nodiscard]] bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    net::ip::address network;
    unsigned prefix = 0;
  };
  std::vector<Block> blocks_;
};

// Where a connection came from: its TCP peer, and the source a PROXY header named when the
// peer is trusted and http.proxy_protocol is on.
struct ConnectionOrigin {
  net::ip::address peer;
  std::optional<net::ip::address> proxied;
  std::shared_ptr<const TrustedProxies> trusted;  // null or empty: trust nobody
};

// At most this many X-Forwarded-For hops are looked at (from the right): a longer chain ends
// at the last one looked at, like a hop that is not an address.
inline constexpr std::size_t kMaxForwardedHops = 32;

// The entries of an X-Forwarded-For value (several headers joined with commas), left to right,
// trimmed of spaces and tabs; empty entries (",,") are kept as empty views.
std::vector<std::string_view> forwarded_for_hops(std::string_view value);
// One entry as an address: "203.0.113.7", "203.0.113.7:51234", "2001:db8::7",
// "[2001:db8::7]:51234"; nullopt for anything else (no names, no scope ids, no "unknown").
std::optional<net::ip::address> parse_hop(std::string_view hop);

// The client by the rule above; `forwarded_for` is the request's X-Forwarded-For ("" for the
// connection itself, before any request).
net::ip::address client_address(const ConnectionOrigin& origin, std::string_view forwarded_for);
// The address as the limits and logs key it: IPv4-mapped IPv6 as its IPv4 text.
net::ip::address unmapped(const net::ip::address& address);

}  // namespace lodestone::web
