#pragma once
// Exchange time. Every timestamp is milliseconds since the Unix epoch (UTC); Shanghai and
// Shenzhen trade on China Standard Time, UTC+8 with no daylight saving since 1991, so a
// fixed offset is exact (and libstdc++ 12 has no time-zone database to ask).
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone {

struct Timestamp {
  std::int64_t ms = 0;                                 // since 1970-01-01T00:00:00Z
  auto operator<=>(const Timestamp&) const = default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 sees <=>'s 0
};

inline constexpr std::int64_t kExchangeUtcOffsetMs = 8LL * 3600 * 1000;
inline constexpr std::int64_t kMsPerMinute = 60'000;
inline constexpr std::int64_t kMsPerDay = 86'400'000;

// A calendar day in exchange time: days since 1970-01-01.
struct Date {
  std::int32_t days = 0;
  auto operator<=>(const Date&) const = default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 sees <=>'s 0
  [[nodiscard]] Date next() const { return {days + 1}; }
  [[nodiscard]] Date prev() const { return {days - 1}; }
};

Date make_date(int year, unsigned month, unsigned day);
struct CivilDate {
  int year;
  unsigned month;
  unsigned day;
};
CivilDate civil(Date d);
unsigned weekday(Date d);                        // 0 = Sunday … 6 = Saturday
std::string format_date(Date d);                 // "2026-02-09"
Result<Date> parse_date(std::string_view text);  // "2026-02-09" or "20260209"

Date exchange_date(Timestamp t);
// Milliseconds since exchange-local midnight.
std::int64_t exchange_ms_of_day(Timestamp t);
Timestamp exchange_time(Date d, int hour, int minute, int second = 0, int ms = 0);

// "2026-02-09T10:15:03.120+08:00" (always rendered in exchange time).
std::string format_timestamp(Timestamp t);
// Accepts ISO 8601 with "Z" or "±HH:MM" / "±HHMM", optional fraction, 'T' or ' ' between date
// and time; without an offset the text is taken as exchange time (as every Chinese feed sends it).
Result<Timestamp> parse_timestamp(std::string_view text);

// "15m", "30s", "2h", "1d", "250ms" -> milliseconds.
Result<std::int64_t> parse_duration_ms(std::string_view text);
std::string format_duration(std::int64_t ms);

}  // namespace lodestone
