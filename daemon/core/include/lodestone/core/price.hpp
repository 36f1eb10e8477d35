#pragma once
// Fixed-point money: prices and turnover are integers of 1/10000 CNY, so a price read
// from a feed is written back with exactly the digits it came with.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone {

class Price {
 public:
  static constexpr int kDecimals = 4;
  static constexpr std::int64_t kScale = 10'000;

  constexpr Price() = default;
  static constexpr Price from_units(std::int64_t units) { return Price(units); }
  // A decimal literal such as "1.234", "-0.5" or "1.2e1" is not accepted: feeds send plain decimals.
  // Digits beyond the fourth decimal are rounded half-up (no exchange quotes that finely).
  static Result<Price> parse(std::string_view text);

  [[nodiscard]] constexpr std::int64_t units() const { return units_; }
  [[nodiscard]] constexpr bool positive() const { return units_ > 0; }
  // Decimal text with at least `min_decimals` places, more only where digits are non-zero.
  [[nodiscard]] std::string format(int min_decimals = 2) const;
  // Same digits as format(), for places that need a double (charts): never used for storage.
  [[nodiscard]] double to_double() const { return static_cast<double>(units_) / kScale; }

  constexpr auto operator<=>(const Price&) const =
      default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 sees <=>'s 0
  constexpr Price operator-(Price o) const { return Price(units_ - o.units_); }
  constexpr Price operator+(Price o) const { return Price(units_ + o.units_); }

 private:
  constexpr explicit Price(std::int64_t units) : units_(units) {}
  std::int64_t units_ = 0;
};

// Change from `from` to `to` in hundredths of a percent (basis points / 100 · 10 000),
// rounded half away from zero: 1.190 -> 1.233 is 361 (3.61%). `from` must be positive.
std::int64_t change_centipct(Price from, Price to);
// "3.61", "-4.45", "0.00"
std::string format_centipct(std::int64_t centipct);
// Parses "3.61", "-4.45", "2" into hundredths of a percent.
Result<std::int64_t> parse_centipct(std::string_view text);

}  // namespace lodestone
