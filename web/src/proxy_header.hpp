#pragma once
// The PROXY protocol's version 1 header (HAProxy's `send-proxy`): one text line a load balancer
// writes before the client's bytes, naming the client's address and port.
//
//   PROXY TCP4 203.0.113.7 192.0.2.10 51234 8080\r\n
//   PROXY TCP6 2001:db8::7 2001:db8::10 51234 8080\r\n
//   PROXY UNKNOWN\r\n          (the balancer's own connection, e.g. a health check)
//
// At most 107 bytes with the CRLF (the specification's bound). Only a trusted proxy's header is
// read at all (client_address.hpp); this parser checks the line strictly (single spaces,
// addresses of the named family, decimal ports up to 65535) since a balancer writes it exactly
// so. Version 2 (binary, `send-proxy-v2`) is recognised and refused with its own message.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/net/net.hpp"

namespace lodestone::web {

inline constexpr std::size_t kMaxProxyHeaderV1 = 107;

struct ProxyHeader {
  enum class State { NeedMore, Invalid, Done };
  State state = State::NeedMore;
  std::size_t length = 0;                  // Done: bytes of the header, CRLF included
  std::optional<net::ip::address> source;  // Done: the client; empty for PROXY UNKNOWN
  std::string error;                       // Invalid: what is wrong, for the log
};

// Reads the header at the start of `bytes` (what arrived so far): NeedMore until the CRLF is
// there, Invalid as soon as the bytes cannot start a valid header.
ProxyHeader parse_proxy_header(std::string_view bytes);

}  // namespace lodestone::web
