#pragma once
// The exchanges' published closures, as read from a calendar file (deploy/calendar.yaml): which
// years are known, where each year's closures come from, and the holiday each closed date
// belongs to. Immutable once built; TradingCalendar answers the questions about sessions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone {

struct ClosureYear {
  int year = 0;
  std::string source;  // the notice the closures come from
};

class ClosureTable {
 public:
  ClosureTable() = default;  // knows no year: every weekday counts as a trading day

  // Years follow each other without a gap (the loader refuses one), so "known" is one span.
  [[nodiscard]] bool known(Date d) const { return !years_.empty() && d >= first_ && d <= last_; }
  [[nodiscard]] std::optional<Date> first_known_day() const;
  [[nodiscard]] std::optional<Date> last_known_day() const;
  [[nodiscard]] const std::vector<ClosureYear>& years() const { return years_; }
  // The holiday d falls in (weekends inside a listed range included), or nullopt.
  [[nodiscard]] std::optional<std::string_view> holiday(Date d) const;

 private:
  friend class ClosureTableBuilder;
  std::vector<ClosureYear> years_;                      // ascending
  std::vector<std::pair<Date, std::uint16_t>> closed_;  // ascending: date, index into names_
  std::vector<std::string> names_;
  Date first_{}, last_{};
};

// Parses a calendar file's text. Errors are bad_config with `file:line:column: what is wrong`
// (bad date, range reversed, date outside its year, weekend listed, duplicate year or date,
// missing source, a gap between years, a trading-day count that disagrees with the list).
Result<ClosureTable> parse_closure_table(std::string_view yaml, const std::string& file);
Result<ClosureTable> load_closure_table(const std::string& path);

}  // namespace lodestone
