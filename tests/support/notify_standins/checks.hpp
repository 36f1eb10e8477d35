#pragma once
// What every stand-in checks with, written from the services' own descriptions and OpenSSL,
// never from daemon/notify: a signature our signer gets wrong must fail here, not be mirrored.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/core/time.hpp"

namespace lodestone::testing {

// Raw HMAC-SHA256 bytes (32) of `message` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view message);
// Standard base64 with padding (RFC 4648 §4).
std::string base64_encode(std::string_view bytes);
// Strict: the standard alphabet, padded, no whitespace; nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view text);
// Compares in time independent of where the first difference is (lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b);
std::string md5_hex(std::string_view bytes);

// %XX decoding; with `plus_is_space` a '+' becomes ' ' as in a query string or a form, which
// is what a servlet does to an un-encoded base64 signature (DingTalk's classic "sign not match").
std::string url_decode(std::string_view text, bool plus_is_space);

// A request target split into its path and decoded query (or form) parameters, in order.
struct Params {
  std::vector<std::pair<std::string, std::string>> items;
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
};
Params parse_form(std::string_view text);  // "a=1&b=%E4%B8%AD"
struct Target {
  std::string path;
  Params query;
};
Target parse_target(std::string_view target);

bool valid_utf8(std::string_view text);
std::size_t code_points(std::string_view utf8);  // valid UTF-8 assumed
std::size_t utf16_units(std::string_view utf8);  // what Telegram counts; valid UTF-8 assumed
bool contains_any(std::string_view haystack, const std::vector<std::string>& needles);

// A JSON string literal, quotes included (core's writer: UTF-8 passes through).
std::string json_quote(std::string_view text);

// RFC 3339 date-time ("2026-02-09T02:15:03Z", "...03.120+08:00"), as Alertmanager writes.
bool rfc3339(std::string_view text);

// At most `limit` events in any window of `window` (a rolling window, on the injected clock).
class RollingLimit {
 public:
  RollingLimit(std::size_t limit, std::chrono::milliseconds window) : limit_(limit), window_ms_(window.count()) {}
  // Counts the event at `now` when there is room; false when the window is full.
  bool admit(Timestamp now);
  // How long until an event at `now` would be admitted (0 when it would be now).
  [[nodiscard]] std::chrono::milliseconds wait(Timestamp now) const;
  void clear() { events_.clear(); }

 private:
  void expire(Timestamp now) const;
  std::size_t limit_;
  std::int64_t window_ms_;
  mutable std::deque<std::int64_t> events_;
};

// Whole seconds to wait, rounded up and at least 1: what Retry-After and retry_after carry.
std::int64_t retry_seconds(std::chrono::milliseconds wait);

}  // namespace lodestone::testing
