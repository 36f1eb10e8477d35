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

// The bearer token from "Authorization: Bearer X" or, for reads (the WebSocket upgrade and the page,
// which a browser cannot send headers with), "?token=X".
std::optional<std::string> presented_token(const Request& req);
// The token from the Authorization header only: what a write must present (a token in a URL ends
// up in histories, proxies and Referer headers).
std::optional<std::string> header_token(const Request& req);
// Constant-time comparison, so a wrong token's timing does not reveal its prefix.
bool token_matches(std::string_view presented, std::string_view expected);

std::string_view path_of(std::string_view target);
std::optional<std::string> query_param(std::string_view target, std::string_view name);

// The target as it may appear in a log line: the value of every token-like query parameter
// (token, access_token, api_token, key; names matched after percent-decoding, any case) is
// replaced by "[redacted]", control bytes by '?', and the result is at most 256 bytes.
std::string loggable_target(std::string_view target);

// The Origin is allowed: listed, or (no list) the same host as the Host header.
bool origin_allowed(const Request& req, const ServerOptions& options);

}  // namespace lodestone::web
