#include "proxy_header.hpp"

#include <charconv>

namespace lodestone::web {
namespace {

constexpr std::string_view kPrefix = "PROXY ";
// Version 2 starts with this binary signature (\r\n\r\n\0\r\nQUIT\n).
constexpr std::string_view kV2Signature{"\r\n\r\n\0\r\nQUIT\n", 12};

ProxyHeader invalid(std::string error) {
  ProxyHeader h;
  h.state = ProxyHeader::State::Invalid;
  h.error = std::move(error);
  return h;
}

// Splits `line` at single spaces; false when a field is empty (two spaces, a leading or
// trailing one) or there are more than `max` fields.
bool split(std::string_view line, std::string_view* fields, std::size_t max, std::size_t& count) {
  count = 0;
  while (true) {
    const auto space = line.find(' ');
    const std::string_view field = line.substr(0, space);
    if (field.empty() || count == max) return false;
    fields[count++] = field;
    if (space == std::string_view::npos) return true;
    line.remove_prefix(space + 1);
  }
}

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text.front() == '0')) return false;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && value <= 65535;
}

std::optional<net::ip::address> address_of(std::string_view family, std::string_view text) {
  const std::string s(text);
  boost::system::error_code ec;
  if (family == "TCP4") {
    // Dotted quads only: inet_pton's form, never a shorthand such as "127.1".
    const auto a = net::ip::make_address_v4(s, ec);
    if (ec) return std::nullopt;
    return net::ip::address(a);
  }
  if (s.find('%') != std::string::npos) return std::nullopt;  // no scope ids
  const auto a = net::ip::make_address_v6(s, ec);
  if (ec) return std::nullopt;
  return net::ip::address(a);
}

}  // namespace

ProxyHeader parse_proxy_header(std::string_view bytes) {
  const std::size_t common = std::min(bytes.size(), kV2Signature.size());
  if (common > 0 && bytes.substr(0, common) == kV2Signature.substr(0, common)) {
    if (common < kV2Signature.size()) return {};
    return invalid("PROXY protocol version 2 is not supported: configure the balancer with send-proxy (version 1)");
  }
  const std::size_t prefix = std::min(bytes.size(), kPrefix.size());
  if (bytes.substr(0, prefix) != kPrefix.substr(0, prefix)) return invalid("the connection did not start with PROXY");
  const auto crlf = bytes.substr(0, kMaxProxyHeaderV1).find("\r\n");
  if (crlf == std::string_view::npos) {
    if (bytes.size() >= kMaxProxyHeaderV1) return invalid("no CRLF within 107 bytes");
    const auto cut = bytes.find('\n');
    if (cut != std::string_view::npos) return invalid("a line feed without its carriage return");
    const auto cr = bytes.find('\r');
    if (cr != std::string_view::npos && cr + 1 < bytes.size()) return invalid("a carriage return inside the line");
    return {};
  }
  const std::string_view line = bytes.substr(kPrefix.size(), crlf - kPrefix.size());
  if (line.find_first_of("\r\n") != std::string_view::npos) return invalid("a line break inside the line");
  ProxyHeader done;
  done.state = ProxyHeader::State::Done;
  done.length = crlf + 2;
  // UNKNOWN: the balancer's own connection; whatever follows it on the line is ignored.
  if (line == "UNKNOWN" || line.starts_with("UNKNOWN ")) return done;
  std::string_view f[5];
  std::size_t n = 0;
  if (!split(line, f, 5, n) || n != 5) return invalid("not PROXY <family> <source> <destination> <ports>");
  if (f[0] != "TCP4" && f[0] != "TCP6") return invalid("unknown family (TCP4, TCP6 or UNKNOWN)");
  const auto source = address_of(f[0], f[1]);
  if (!source || !address_of(f[0], f[2])) return invalid("an address that is not " + std::string(f[0]));
  if (!is_port(f[3]) || !is_port(f[4])) return invalid("a port that is not 0 to 65535");
  for (char c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return invalid("a control character in the line");
  done.source = source;
  return done;
}

}  // namespace lodestone::web
