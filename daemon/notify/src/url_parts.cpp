#include "url_parts.hpp"

#include <algorithm>

#include "lodestone/notify/notify_config.hpp"

namespace lodestone::notify {
namespace detail {

std::optional<UrlParts> split_url(std::string_view url) {
  UrlParts u;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  for (const char c : url.substr(0, sep)) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!ok) return std::nullopt;
    u.scheme.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  std::string_view rest = url.substr(sep + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    u.has_userinfo = true;
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  const bool bracketed = !authority.empty() && authority.front() == '[';
  if (u.host.empty() || u.host.find_first_of(bracketed ? " /\\[]" : " :/\\[]") != std::string::npos)
    return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    const int number = std::stoi(std::string(port));
    if (number < 1 || number > 65535) return std::nullopt;
    u.port = std::string(port);
  }
  const auto fragment = rest.find('#');
  rest = rest.substr(0, fragment);
  const auto question = rest.find('?');
  u.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) u.query = std::string(rest.substr(question + 1));
  return u;
}

}  // namespace detail

namespace {

// A path segment that looks like a token (Feishu's hook id, a bridge's key): long, with a digit,
// of URL-safe characters only.
bool token_like(std::string_view segment) {
  if (segment.size() < 16) return false;
  bool digit = false;
  for (const char c : segment) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-' && c != '_' && c != '.') return false;
    digit = digit || (c >= '0' && c <= '9');
  }
  return digit;
}

}  // namespace

std::string safe_url(std::string_view url) {
  const auto u = detail::split_url(url);
  if (!u) return "(not a URL)";
  std::string out = u->scheme + "://";
  out += u->host.find(':') != std::string::npos ? "[" + u->host + "]" : u->host;
  if (!u->port.empty()) out += ":" + u->port;
  std::string_view path = u->path;
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    const auto next = path.find('/');
    const auto segment = path.substr(0, next);
    out += "/";
    out += token_like(segment) ? std::string("…") : std::string(segment);
    path = next == std::string_view::npos ? std::string_view() : path.substr(next);
  }
  return out;
}

}  // namespace lodestone::notify
