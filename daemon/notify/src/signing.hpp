#pragma once
// The signatures services check, each exactly as its documentation describes (the formulas are
// repeated above each function, since a swapped key and message still "looks" like a signature).
// HMAC-SHA256 comes from OpenSSL; the encodings are written out here so that every byte of what
// is signed and sent is visible.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone::notify::detail {

// The 32 raw bytes of HMAC-SHA256(key, message).
std::string hmac_sha256(std::string_view key, std::string_view message);

// RFC 4648 base64 with padding ("+/" alphabet).
std::string base64(std::string_view bytes);
// Strict RFC 4648 base64 (padding required, no whitespace); nullopt when `text` is not that.
std::optional<std::string> base64_decode(std::string_view text);

// Percent-encodes every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~).
std::string url_encode(std::string_view text);

// Standard Webhooks 1.0.0 (standard-webhooks spec, "Signature scheme"): the secret is shown as
// "whsec_<base64>" and the HMAC key is the base64-DECODED bytes after the prefix; the signed
// content is "<webhook-id>.<webhook-timestamp>.<body>" (the exact bytes sent); the header value
// is "v1,<base64 HMAC-SHA256>". A secret without the prefix or whose rest does not decode is a
// configuration mistake (ErrorCode::bad_config); so is an id with a '.', which would make the
// signed content ambiguous.
// The HMAC key of a "whsec_<base64>" secret (padding optional), or bad_config.
Result<std::string> webhook_key(std::string_view secret);
Result<std::string> standard_webhooks_signature(std::string_view secret, std::string_view id, std::int64_t timestamp_s,
                                                std::string_view body);

// DingTalk custom robot 加签: timestamp in milliseconds; string_to_sign = timestamp + "\n" +
// secret; sign = urlencode(base64(HmacSHA256(key = secret, message = string_to_sign))). The
// result is appended to the robot's URL as "&timestamp=<ms>&sign=<sign>"; returned URL-encoded.
std::string dingtalk_sign(std::string_view secret, std::int64_t timestamp_ms);

// Feishu custom bot signature: timestamp in SECONDS; string_to_sign = timestamp + "\n" + secret,
// used as the HMAC KEY over an EMPTY message (the other way round from DingTalk);
// sign = base64(HmacSHA256(key = string_to_sign, message = "")). Sent as the JSON body's
// top-level "timestamp" (a string) and "sign".
std::string feishu_sign(std::string_view secret, std::int64_t timestamp_s);

}  // namespace lodestone::notify::detail
