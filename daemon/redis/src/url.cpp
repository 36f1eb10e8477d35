#include "lodestone/redis/url.hpp"

#include <charconv>

namespace lodestone::redis {
namespace {

Error url_error(std::string_view url, const std::string& what) {
  std::string shown(url);
  // Never echo a password back into a log.
  if (const auto at = shown.rfind('@'); at != std::string::npos) {
    const auto scheme_end = shown.find("://");
    const auto from = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    if (at > from) shown.replace(from, at - from, "***");
  }
  return make_error(ErrorCode::bad_config,
                    "redis URL '" + shown + "': " + what + " (expected redis://[:password@]host[:port][/db])");
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end;
}

}  // namespace

Result<Endpoint> parse_url(std::string_view url) {
  Endpoint e;
  constexpr std::string_view kScheme = "redis://";
  if (url.starts_with("rediss://")) return url_error(url, "TLS is not supported by this build's hiredis");
  if (url.starts_with("unix:") || url.starts_with("redis+unix:"))
    return url_error(url, "unix sockets are not supported; use a loopback TCP address");
  if (!url.starts_with(kScheme)) return url_error(url, "must start with redis://");
  std::string_view rest = url.substr(kScheme.size());

  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      // "redis://secret@host" is how many tools write a password alone.
      e.password = std::string(userinfo);
    } else {
      e.user = std::string(userinfo.substr(0, colon));
      e.password = std::string(userinfo.substr(colon + 1));
    }
    if (e.password.empty()) return url_error(url, "the password before '@' is empty");
  }

  std::string_view hostport = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      if (!parse_number(db, e.db) || e.db < 0 || e.db > 1'000'000)
        return url_error(url, "database '" + std::string(db) + "' is not a number from 0");
    }
  }
  if (hostport.find('?') != std::string_view::npos) return url_error(url, "query parameters are not supported");

  std::string_view port;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return url_error(url, "'[' without ']' around an IPv6 address");
    e.host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return url_error(url, "unexpected text after ']'");
      port = after.substr(1);
      if (port.empty()) return url_error(url, "':' without a port");
    }
  } else {
    const auto colon = hostport.find(':');
    e.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      if (port.empty()) return url_error(url, "':' without a port");
    }
  }
  if (e.host.empty()) return url_error(url, "no host");
  if (!port.empty()) {
    unsigned p = 0;
    if (!parse_number(port, p) || p == 0 || p > 65535)
      return url_error(url, "port '" + std::string(port) + "' is not a number from 1 to 65535");
    e.port = static_cast<std::uint16_t>(p);
  }
  return e;
}

std::string describe(const Endpoint& endpoint) {
  std::string out = "redis://";
  if (!endpoint.password.empty()) out += endpoint.user + ":***@";
  out += endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
  out += ":" + std::to_string(endpoint.port) + "/" + std::to_string(endpoint.db);
  return out;
}

}  // namespace lodestone::redis
