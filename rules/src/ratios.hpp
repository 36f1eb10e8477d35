#pragma once
// The two divisions the engine makes on almost every quote, in 64-bit arithmetic whenever the
// operands cannot overflow it, and in 128-bit otherwise. A 128-bit division is a call into
// libgcc (__divti3, tens of cycles); a 64-bit one is one instruction. The results are the same
// integers either way: tests/rules/ratios_test.cpp holds them against the 128-bit forms.
#include <cstdint>
#include <limits>

#include "lodestone/core/price.hpp"

namespace lodestone::rules::detail {

// lodestone::change_centipct(from, to): (to - from) / from × 10 000, rounded half away from
// zero. `from` must be positive, as there.
inline std::int64_t change_centipct(Price from, Price to) {
  constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / 10'000;
  const std::int64_t den = from.units();
  const std::int64_t diff = to.units() - from.units();
  if (den <= 0 || den > kLimit || diff > kLimit || diff < -kLimit) return lodestone::change_centipct(from, to);
  const std::int64_t num = diff * 10'000;
  std::int64_t q = num / den;
  const std::int64_t r = num % den;
  if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
  return q;
}

// A volume rule's ratio in hundredths: the volume in the window against the baseline's volume
// scaled to the window's length, in_window × span × 100 / (in_baseline × window_ms), rounded
// down. All four are non-negative; in_baseline and window_ms are positive.
inline std::int64_t volume_ratio_hundredths(std::int64_t in_window, std::int64_t span, std::int64_t in_baseline,
                                            std::int64_t window_ms) {
  std::int64_t num = 0;
  std::int64_t den = 0;
  if (!__builtin_mul_overflow(in_window, span, &num) && !__builtin_mul_overflow(num, std::int64_t{100}, &num) &&
      !__builtin_mul_overflow(in_baseline, window_ms, &den))
    return num / den;
  const __int128 wide_num = static_cast<__int128>(in_window) * span * 100;
  const __int128 wide_den = static_cast<__int128>(in_baseline) * window_ms;
  return static_cast<std::int64_t>(wide_num / wide_den);
}

}  // namespace lodestone::rules::detail
