#include "lodestone/feeds/url.hpp"

namespace lodestone::feeds {

Result<Url> parse_url(std::string_view text) {
  Url u;
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos)
    return make_error(ErrorCode::bad_config, "url '" + std::string(text) + "' has no scheme");
  u.scheme = std::string(text.substr(0, colon));
  for (auto& c : u.scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (u.scheme != "http" && u.scheme != "https" && u.scheme != "ws" && u.scheme != "wss")
    return make_error(ErrorCode::bad_config, "url '" + std::string(text) + "': scheme must be http, https, ws or wss");
  std::string_view rest = text.substr(colon + 3);
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!u.target.empty() && u.target[0] == '?') u.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos)
    return make_error(ErrorCode::bad_config, "url '" + std::string(text) + "': credentials in URLs are not supported");
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {  // [::1]:8080
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return make_error(ErrorCode::bad_config, "url '" + std::string(text) + "': bad IPv6 host");
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    const std::size_t pc = authority.rfind(':');
    u.host = std::string(authority.substr(0, pc));
    if (pc != std::string_view::npos) port = authority.substr(pc + 1);
  }
  if (u.host.empty()) return make_error(ErrorCode::bad_config, "url '" + std::string(text) + "' has no host");
  if (!port.empty()) {
    for (char c : port)
      if (c < '0' || c > '9') return make_error(ErrorCode::bad_config, "url '" + std::string(text) + "': bad port");
    u.port = std::string(port);
  } else {
    u.port = u.tls() ? "443" : "80";
  }
  return u;
}

}  // namespace lodestone::feeds
