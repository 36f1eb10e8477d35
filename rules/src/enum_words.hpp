#pragma once
// The words for an enum's values as a table in declaration order, one entry a value. Each table
// sits next to a static_assert that it has one entry per enumerator (what -Wswitch checks of a
// switch).
#include <array>
#include <cstddef>
#include <string_view>

namespace lodestone::rules::detail {

// The word for `e`, or `otherwise` for a value outside the enum.
template <class Enum, std::size_t N>
constexpr std::string_view word_of(Enum e, const std::array<std::string_view, N>& words,
                                   std::string_view otherwise = "?") {
  const auto i = static_cast<std::size_t>(e);
  return i < N ? words[i] : otherwise;
}

}  // namespace lodestone::rules::detail
