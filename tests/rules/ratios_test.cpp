#include "ratios.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace lodestone::rules::detail {
namespace {

std::int64_t volume_ratio_wide(std::int64_t in_window, std::int64_t span, std::int64_t in_baseline,
                               std::int64_t window_ms) {
  const __int128 num = static_cast<__int128>(in_window) * span * 100;
  const __int128 den = static_cast<__int128>(in_baseline) * window_ms;
  return static_cast<std::int64_t>(num / den);
}

TEST(Ratios, ChangeIsWhatCoreComputes) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max() / 10'000;
  // Rounding half away from zero both ways, and sizes on both sides of the 64-bit limit.
  const std::pair<std::int64_t, std::int64_t> cases[] = {{11'900, 12'330},
                                                         {100'000, 100'100},
                                                         {100'000, 99'900},
                                                         {3, 4},
                                                         {3, 2},
                                                         {20'000, 20'001},
                                                         {20'000, 19'999},
                                                         {1, 1},
                                                         {7, 0},
                                                         {big, big + 1},
                                                         {big, 1},
                                                         {big + 1, 1},
                                                         {1, big},
                                                         {1, big + 2},
                                                         {5, big * 2},
                                                         {1, 2'000'000'000'000'000},
                                                         {999'999, 1},
                                                         {123'456'789, 987'654'321}};
  for (const auto& [from, to] : cases)
    EXPECT_EQ(detail::change_centipct(Price::from_units(from), Price::from_units(to)),
              lodestone::change_centipct(Price::from_units(from), Price::from_units(to)))
        << from << " -> " << to;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 100'000; ++i) {
    const auto from = static_cast<std::int64_t>(1 + rng() % 2'000'000);
    const auto to = static_cast<std::int64_t>(rng() % 4'000'000);
    ASSERT_EQ(detail::change_centipct(Price::from_units(from), Price::from_units(to)),
              lodestone::change_centipct(Price::from_units(from), Price::from_units(to)))
        << from << " -> " << to;
  }
}

TEST(Ratios, VolumeRatioIsTheWideDivision) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t cases[][4] = {
      {0, 1, 1, 1},         {300, 300'000, 100, 300'000}, {1'000'000'000, 1'800'000, 1, 300'000},
      {max / 50, 3, 7, 11}, {max / 3, 1'000'000, 1, max}, {12'345, 900'000, 67'890, 300'000},
      {1, 0, 1, 1},         {max / 100, 1, 1, 1},         {max / 100 + 1, 1, max, 1}};
  for (const auto& c : cases)
    EXPECT_EQ(volume_ratio_hundredths(c[0], c[1], c[2], c[3]), volume_ratio_wide(c[0], c[1], c[2], c[3]))
        << c[0] << " " << c[1] << " " << c[2] << " " << c[3];
  std::mt19937_64 rng(12);
  for (int i = 0; i < 100'000; ++i) {
    // Magnitudes from tiny to past the 64-bit product.
    auto draw = [&](int bits) { return static_cast<std::int64_t>(rng() >> (64 - 1 - rng() % bits)); };
    const std::int64_t w = draw(62);
    const std::int64_t s = draw(40);
    const std::int64_t b = 1 + draw(50);
    const std::int64_t win = 1 + draw(40);
    ASSERT_EQ(volume_ratio_hundredths(w, s, b, win), volume_ratio_wide(w, s, b, win))
        << w << " " << s << " " << b << " " << win;
  }
}

}  // namespace
}  // namespace lodestone::rules::detail
