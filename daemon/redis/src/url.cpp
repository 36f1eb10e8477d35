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
  return make_error(ErrorCode::bad_config, "redis URL '" + shown + "': " + what +
                                               " (expected redis://[:password@]host[:port][/db] or "
                                               "redis-sentinel://host[:port][,host[:port]...][/db]#master)");
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end;
}

// "host[:port]" or "[v6][:port]"; `port` keeps its default when none is written.
Status parse_host_port(std::string_view url, std::string_view hostport, std::string& host, std::uint16_t& port_out) {
  std::string_view port;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return url_error(url, "'[' without ']' around an IPv6 address");
    host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return url_error(url, "unexpected text after ']'");
      port = after.substr(1);
      if (port.empty()) return url_error(url, "':' without a port");
    }
  } else {
    const auto colon = hostport.find(':');
    host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      if (port.empty()) return url_error(url, "':' without a port");
    }
  }
  if (host.empty()) return url_error(url, "no host");
  if (!port.empty()) {
    unsigned p = 0;
    if (!parse_number(port, p) || p == 0 || p > 65535)
      return url_error(url, "port '" + std::string(port) + "' is not a number from 1 to 65535");
    port_out = static_cast<std::uint16_t>(p);
  }
  return {};
}

}  // namespace

std::string to_string(const HostPort& a) {
  return (a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

Result<Endpoint> parse_url(std::string_view url) {
  Endpoint e;
  constexpr std::string_view kScheme = "redis://";
  constexpr std::string_view kSentinel = "redis-sentinel://";
  if (url.starts_with("rediss://")) return url_error(url, "TLS is not supported by this build's hiredis");
  if (url.starts_with("unix:") || url.starts_with("redis+unix:"))
    return url_error(url, "unix sockets are not supported; use a loopback TCP address");
  const bool sentinel = url.starts_with(kSentinel);
  if (!sentinel && !url.starts_with(kScheme)) return url_error(url, "must start with redis:// or redis-sentinel://");
  std::string_view rest = url.substr(sentinel ? kSentinel.size() : kScheme.size());
  if (sentinel) {
    const auto hash = rest.find('#');
    if (hash == std::string_view::npos || hash + 1 == rest.size())
      return url_error(url, "a Sentinel URL names its master after '#'");
    e.master = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }

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

  if (!sentinel) {
    if (auto st = parse_host_port(url, hostport, e.host, e.port); !st) return st.error();
    return e;
  }
  // The Sentinels, comma-separated; the master's host and port are learnt from them.
  e.host.clear();
  e.port = 0;
  while (true) {
    const auto comma = hostport.find(',');
    HostPort s{{}, 26379};
    if (auto st = parse_host_port(url, hostport.substr(0, comma), s.host, s.port); !st) return st.error();
    e.sentinels.push_back(std::move(s));
    if (comma == std::string_view::npos) break;
    hostport = hostport.substr(comma + 1);
  }
  return e;
}

std::string describe(const Endpoint& endpoint) {
  std::string out = endpoint.sentinel() ? "redis-sentinel://" : "redis://";
  if (!endpoint.password.empty()) out += endpoint.user + ":***@";
  if (endpoint.sentinel()) {
    for (std::size_t i = 0; i < endpoint.sentinels.size(); ++i)
      out += (i ? "," : "") + to_string(endpoint.sentinels[i]);
    return out + "/" + std::to_string(endpoint.db) + "#" + endpoint.master;
  }
  return out + to_string(endpoint.address()) + "/" + std::to_string(endpoint.db);
}

}  // namespace lodestone::redis
