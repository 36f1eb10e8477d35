#pragma once
// Assembles the whole tape: every instrument's synthetic quotes for every day of the
// scenario, and the real headlines, merged in time order.
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"

namespace lodestone::tapegen {

struct TapeLine {
  Timestamp ts;
  std::optional<Symbol> symbol;  // quotes only
  std::string json;
};

// Sorted by ts (stable: a headline and a quote never share a millisecond, quotes of one minute
// keep the universe's order). Throws std::logic_error if the scenario contradicts itself.
std::vector<TapeLine> build_tape(const std::vector<Headline>& headlines);

}  // namespace lodestone::tapegen
