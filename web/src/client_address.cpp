#include "client_address.hpp"

#include <algorithm>

namespace lodestone::web {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<net::ip::address> address_of(std::string_view text) {
  if (text.empty() || text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  const auto a = net::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return a;
}

// The first `bits` bits of two addresses' bytes are equal.
template <class Bytes>
bool same_bits(const Bytes& x, const Bytes& y, unsigned bits) {
  for (unsigned i = 0; i < x.size() && 8 * i < bits; ++i) {
    const unsigned keep = std::min(8U, bits - 8 * i);
    const auto mask = static_cast<unsigned char>(0xFFU << (8 - keep));
    if ((x[i] & mask) != (y[i] & mask)) return false;
  }
  return true;
}

bool same_prefix(const net::ip::address& a, const net::ip::address& b, unsigned bits) {
  if (a.is_v4() != b.is_v4()) return false;
  if (a.is_v4()) return same_bits(a.to_v4().to_bytes(), b.to_v4().to_bytes(), bits);
  return same_bits(a.to_v6().to_bytes(), b.to_v6().to_bytes(), bits);
}

}  // namespace

net::ip::address unmapped(const net::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  return address;
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const auto& entry : entries) {
    const auto slash = entry.find('/');
    const auto address = address_of(std::string_view(entry).substr(0, slash));
    if (!address) return make_error(ErrorCode::bad_config, "trusted_proxies: '" + entry + "' is not an address");
    const unsigned max = address->is_v4() ? 32 : 128;
    unsigned prefix = max;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 ||
          !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return make_error(ErrorCode::bad_config, "trusted_proxies: '" + entry + "' has no prefix length");
      prefix = static_cast<unsigned>(std::stoul(bits));
      if (prefix > max) return make_error(ErrorCode::bad_config, "trusted_proxies: '" + entry + "': prefix too long");
    }
    out.blocks_.push_back(Block{unmapped(*address), prefix});
  }
  return out;
}

bool TrustedProxies::trusts(const net::ip::address& address) const {
  const auto a = unmapped(address);
  return std::any_of(blocks_.begin(), blocks_.end(),
                     [&](const Block& b) { return same_prefix(a, b.network, b.prefix); });
}

std::vector<std::string_view> forwarded_for_hops(std::string_view value) {
  std::vector<std::string_view> hops;
  while (true) {
    const auto comma = value.find(',');
    hops.push_back(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) return hops;
    value.remove_prefix(comma + 1);
  }
}

std::optional<net::ip::address> parse_hop(std::string_view hop) {
  if (hop.starts_with('[')) {  // [v6] or [v6]:port
    const auto close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const auto rest = hop.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || rest.size() < 2 || rest.size() > 6 ||
                          !std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; })))
      return std::nullopt;
    auto a = address_of(hop.substr(1, close - 1));
    if (!a || !a->is_v6()) return std::nullopt;
    return a;
  }
  const auto colon = hop.find(':');
  if (colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos) {  // v4:port
    const auto port = hop.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    auto a = address_of(hop.substr(0, colon));
    if (!a || !a->is_v4()) return std::nullopt;
    return a;
  }
  return address_of(hop);
}

net::ip::address client_address(const ConnectionOrigin& origin, std::string_view forwarded_for) {
  net::ip::address current = unmapped(origin.peer);
  const auto* trusted = origin.trusted.get();
  if (trusted == nullptr || !trusted->trusts(current)) return current;
  if (origin.proxied) {
    current = unmapped(*origin.proxied);
    if (!trusted->trusts(current)) return current;
  }
  if (forwarded_for.empty()) return current;
  const auto hops = forwarded_for_hops(forwarded_for);
  std::size_t looked = 0;
  for (auto it = hops.rbegin(); it != hops.rend() && looked < kMaxForwardedHops; ++it, ++looked) {
    const auto hop = parse_hop(*it);
    if (!hop) return current;  // the trusted hop that reported garbage
    current = unmapped(*hop);
    if (!trusted->trusts(current)) return current;
  }
  return current;  // every hop looked at is a trusted proxy: the left-most of them
}

}  // namespace lodestone::web
