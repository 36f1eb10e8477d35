#pragma once
// Small pieces every HTTP answer shares: security headers, JSON/text responses, token checks,
// and query-string reading.
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/net/net.hpp"
#include "lodestone/web/server_options.hpp"
#include "lodestone/web/url.hpp"

namespace lodestone::web {

using Request = http::request<http::string_body>;

void add_security_headers(http::fields& fields);
http::response<http::string_body> make_response(const Request& req, http::status status, std::string body,
                                                std::string_view content_type = "application/json");
http::response<http::string_body> make_error_response(const Request& req, http::status status,
                                                      std::string_view message);

// The bearer token from "Authorization: Bearer X" or, for WebSocket upgrades from browsers, "?token=X".
std::optional<std::string> presented_token(const Request& req);
// Constant-time comparison, so a wrong token's timing does not reveal its prefix.
bool token_matches(std::string_view presented, std::string_view expected);

std::string_view path_of(std::string_view target);
std::optional<std::string> query_param(std::string_view target, std::string_view name);

// The Origin is allowed: listed, or (no list) the same host as the Host header.
bool origin_allowed(const Request& req, const ServerOptions& options);

}  // namespace lodestone::web
