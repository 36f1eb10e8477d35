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
// (token, access_token, api_token, key, ticket; names matched after percent-decoding, any case) is
// replaced by "[redacted]", control bytes by '?', and the result is at most 256 bytes.
std::string loggable_target(std::string_view target);

// The Host header names this server, so a DNS-rebinding page (a hostile name resolving to this
// address) is refused. With http.allowed_hosts: a listed name matches with any port, a listed
// host:port only with that port. Without: an IP literal (no name, so nothing to rebind), localhost,
// and this machine's host name, with any port. No Host at all (HTTP/1.0): allowed; browsers
// always send one. Names compare case-insensitively, a trailing dot ignored.
bool host_allowed(std::string_view host, const ServerOptions& options);

// The Origin is allowed: none (not a browser); listed in allowed_origins; or, without that list,
// http(s)://HOST where HOST is the request's Host header and an allowed host (host_allowed), so
// the comparison is never with whatever Host a rebinding page's request carries.
bool origin_allowed(const Request& req, const ServerOptions& options);

}  // namespace lodestone::web
