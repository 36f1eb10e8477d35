#pragma once
// A comparison against a number written in a rules file: ">= 2.0", "<= -3.0", "abs >= 1.5".
// Values are hundredths (2.0 -> 200), so percents compare exactly against change_centipct and
// ratios against ratio × 100; no binary floats are involved.
#include <cstdint>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone::rules {

enum class Comparison : std::uint8_t { AtLeast, Above, AtMost, Below, AbsAtLeast, AbsAbove };

struct Threshold {
  Comparison comparison = Comparison::AtLeast;
  std::int64_t hundredths = 0;

  [[nodiscard]] bool holds(std::int64_t value_hundredths) const {
    const std::int64_t magnitude = value_hundredths < 0 ? -value_hundredths : value_hundredths;
    switch (comparison) {
      case Comparison::AtLeast:
        return value_hundredths >= hundredths;
      case Comparison::Above:
        return value_hundredths > hundredths;
      case Comparison::AtMost:
        return value_hundredths <= hundredths;
      case Comparison::Below:
        return value_hundredths < hundredths;
      case Comparison::AbsAtLeast:
        return magnitude >= hundredths;
      case Comparison::AbsAbove:
        return magnitude > hundredths;
    }
    return false;
  }
  // Written back the way a file would say it: ">= 2.00".
  [[nodiscard]] std::string str() const;
};

// Accepts ">= 2.0", ">2", "<= -3.0", "< -3", "abs >= 1.5", "abs > 1.5", with at most two
// decimals. The error says what was expected.
Result<Threshold> parse_threshold(std::string_view text);

}  // namespace lodestone::rules
