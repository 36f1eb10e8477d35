#include "http_util.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace lodestone::web {

void add_security_headers(http::fields& f) {
  f.set("Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'");
  f.set("X-Content-Type-Options", "nosniff");
  f.set("X-Frame-Options", "DENY");
  f.set("Referrer-Policy", "no-referrer");
  f.set("Cross-Origin-Opener-Policy", "same-origin");
  f.set("Cross-Origin-Resource-Policy", "same-origin");
  f.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

http::response<http::string_body> make_response(const Request& req, http::status status, std::string body,
                                                std::string_view content_type) {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::server, "lodestone");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  add_security_headers(res);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::response<http::string_body> make_error_response(const Request& req, http::status status,
                                                      std::string_view message) {
  std::string body = R"({"error":")";
  for (char c : message) {
    if (c == '"' || c == '\\') body.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) body.push_back(c);
  }
  body += "\"}";
  return make_response(req, status, std::move(body));
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex(s[i + 1]);
      const int lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const char c = static_cast<char>(hi * 16 + lo);
      if (c == '\0') return std::nullopt;
      out.push_back(c);
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

namespace {
bool secret_name(std::string_view raw_name) {
  auto decoded = percent_decode(raw_name);
  std::string name = decoded ? *decoded : std::string(raw_name);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
  return name == "token" || name == "access_token" || name == "api_token" || name == "key" || name.ends_with("token") ||
         name == "ticket";  // a WebSocket ticket is single-use and short-lived, but a secret until used
}
}  // namespace

std::string loggable_target(std::string_view target) {
  constexpr std::size_t kMax = 256;
  std::string out;
  const auto q = target.find('?');
  out.append(target.substr(0, q));
  if (q != std::string_view::npos) {
    out.push_back('?');
    std::string_view rest = target.substr(q + 1);
    bool first = true;
    for (;;) {
      // Split exactly as query_param does, so a redacted value is the whole value it would read.
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      if (!first) out.push_back('&');
      first = false;
      const auto eq = pair.find('=');
      if (secret_name(pair.substr(0, eq))) {
        out.append(pair.substr(0, eq));
        out.append("=[redacted]");
      } else {
        out.append(pair);
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  if (out.size() > kMax) {
    out.resize(kMax);
    out += "...";
  }
  return out;
}

std::optional<std::string> header_token(const Request& req) {
  const auto auth = req[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer)
    return std::string(auth.substr(kBearer.size()));
  return std::nullopt;
}

std::optional<std::string> presented_token(const Request& req) {
  if (auto token = header_token(req)) return token;
  return query_param(req.target(), "token");
}

bool token_matches(std::string_view presented, std::string_view expected) {
  if (expected.empty()) return false;
  unsigned diff = presented.size() == expected.size() ? 0U : 1U;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char p = i < presented.size() ? presented[i] : '\0';
    diff |= static_cast<unsigned>(static_cast<unsigned char>(p) ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

namespace {

struct HostName {
  std::string name;  // lowercase, no trailing dot; an IPv6 literal keeps its brackets
  std::string port;  // "" when absent
};

std::optional<HostName> split_host(std::string_view host) {
  HostName out;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.name = std::string(host.substr(0, close + 1));
    host.remove_prefix(close + 1);
    if (!host.empty()) {
      if (host.front() != ':') return std::nullopt;
      out.port = std::string(host.substr(1));
    }
  } else {
    const auto colon = host.find(':');
    out.name = std::string(host.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(host.substr(colon + 1));
  }
  if (out.name.empty()) return std::nullopt;
  for (char c : out.port)
    if (c < '0' || c > '9') return std::nullopt;
  for (auto& c : out.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.name.size() > 1 && out.name.back() == '.') out.name.pop_back();
  return out;
}

bool ip_literal(const std::string& name) {
  beast::error_code ec;
  if (name.starts_with('[') && name.ends_with(']')) {
    const auto a = net::ip::make_address(name.substr(1, name.size() - 2), ec);
    return !ec && a.is_v6();
  }
  const auto a = net::ip::make_address(name, ec);
  return !ec && a.is_v4();
}

const std::string& machine_name() {
  static const std::string name = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return std::string();
    std::string n(buf);
    for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return n;
  }();
  return name;
}

}  // namespace

bool host_allowed(std::string_view host, const ServerOptions& options) {
  if (host.empty()) return true;
  const auto h = split_host(host);
  if (!h) return false;
  if (options.allowed_hosts.empty())
    return ip_literal(h->name) || h->name == "localhost" || (!machine_name().empty() && h->name == machine_name());
  for (const auto& entry : options.allowed_hosts) {
    const auto e = split_host(entry);
    if (e && e->name == h->name && (e->port.empty() || e->port == h->port)) return true;
  }
  return false;
}

bool origin_allowed(const Request& req, const ServerOptions& options) {
  const auto origin = req[http::field::origin];
  if (origin.empty()) return true;  // not a browser: tokens, not origins, protect those clients
  if (!options.allowed_origins.empty())
    return std::find(options.allowed_origins.begin(), options.allowed_origins.end(), origin) !=
           options.allowed_origins.end();
  const auto host = req[http::field::host];
  if (host.empty() || !host_allowed(host, options)) return false;
  return origin == "http://" + std::string(host) || origin == "https://" + std::string(host);
}

}  // namespace lodestone::web
