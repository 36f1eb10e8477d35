#pragma once
// Small text helpers shared by the feed parsers: exact decimals, counts, exchange times.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/core/price.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/core/time.hpp"
#include "lodestone/feeds/batch.hpp"

namespace lodestone::feeds::detail {

std::string_view trim(std::string_view s);

// The source's short name as a quote keeps it: empty for what is no name (absent, "-", longer
// than any A-share name, or with control characters, which would reach the log when a name
// changes ST status).
std::string source_name(std::string_view text);

// A decimal as vendors print it: "6.940", "-0.5", and JSON forms such as "2.991697134E9" or
// "1e3", shifted exactly (never through a double). NaN, Infinity and hex are rejected.
Result<Price> parse_decimal(std::string_view text);
// A whole number of shares or lots: "40237053", "4.0237053E7", "120.0"; rejects fractions.
Result<std::int64_t> parse_count(std::string_view text);

// "HH:MM:SS" -> ms of day.
std::optional<std::int64_t> parse_hms(std::string_view text);
// "20260424102119" (Tencent) as exchange time.
std::optional<Timestamp> parse_compact_datetime(std::string_view text);
// Epoch seconds or milliseconds, told apart by magnitude (no feed is dated before 2001 or
// after 5138, where the two ranges would overlap).
std::optional<Timestamp> epoch_auto(std::int64_t value);
// Any time text a vendor sends: epoch digits, ISO 8601, "YYYY-MM-DD HH:MM:SS" (exchange time),
// "YYYYMMDDHHMMSS", or RFC 822 ("Mon, 09 Feb 2026 10:15:03 +0800" / "GMT").
Result<Timestamp> parse_any_time(std::string_view text);
Result<Timestamp> parse_rfc822(std::string_view text);

Problem make_problem(ErrorCode code, std::string detail, std::string_view sample);

// The code a canonical event's field fault is counted by (tapes, ingest, CSV): a price field's is
// bad_price, "ts"'s bad_time, "type"'s bad_event, "symbol(s)"'s bad_symbol, "volume"'s
// bad_volume, any other bad_field.
ErrorCode canonical_field_code(std::string_view field);

}  // namespace lodestone::feeds::detail
