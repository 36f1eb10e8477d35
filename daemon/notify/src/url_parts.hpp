#pragma once
// The parts of a receiver's URL the config checks: scheme, host, port, path and query. A URL is
// a secret for the group robots (DingTalk's access_token and WeCom's key in the query, Feishu's
// token in the path), so it is only ever shown through safe_url().
#include <optional>
#include <string>
#include <string_view>

namespace lodestone::notify::detail {

struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // without the brackets of an IPv6 address
  std::string port;    // "" when the URL names none
  std::string path;    // "" or from the first '/'
  std::string query;   // after '?', without the fragment
  bool has_userinfo = false;
};

// nullopt when the text is not scheme://authority[/path][?query][#fragment] with a host and a
// numeric port in 1..65535.
std::optional<UrlParts> split_url(std::string_view url);

}  // namespace lodestone::notify::detail
