#include "price_series.hpp"

#include <gtest/gtest.h>

namespace lodestone::rules::detail {
namespace {

Tick tick(std::int64_t second, std::int64_t units) {
  return {second * 1000, Price::from_units(units), second, Timestamp{second * 1000}};
}

TEST(PriceSeries, KeepsTheWindowEdgeAcrossWrapAroundAndGrowth) {
  PriceSeries s;
  s.set_retention(100'000);  // 100 s
  std::uint64_t cursor = 0;
  for (std::int64_t t = 0; t < 1000; ++t) {
    s.push(tick(t, 10'000 + t));
    // The price 60 s ago, once there is that much history.
    const Tick& edge = s.at_or_before(t * 1000 - 60'000, cursor);
    EXPECT_EQ(edge.price.units(), 10'000 + std::max<std::int64_t>(t - 60, 0)) << t;
  }
  // Retention trims to 100 s plus the tick marking the edge.
  EXPECT_LE(s.size(), 102u);
  EXPECT_EQ(s.last().price.units(), 10'999);
}

TEST(PriceSeries, GrowsWhileWrapped) {
  PriceSeries s;
  s.set_retention(50'000);
  for (std::int64_t t = 0; t < 100; ++t) s.push(tick(t, t));  // wraps the first 64 slots
  s.set_retention(1'000'000);
  for (std::int64_t t = 100; t < 400; ++t) s.push(tick(t, t));  // now it must grow, twice
  std::uint64_t cursor = 0;
  EXPECT_EQ(s.at_or_before(0, cursor).price.units(), 49);  // the oldest kept
  EXPECT_EQ(s.at_or_before(250'000, cursor).price.units(), 250);
  EXPECT_EQ(s.at_or_before(10'000'000, cursor).price.units(), 399);
}

TEST(PriceSeries, TicksInTheSameSecondReplaceEachOther) {
  PriceSeries s;
  s.set_retention(60'000);
  s.push({0, Price::from_units(1), 0, {}});
  s.push({100, Price::from_units(2), 0, {}});  // kept: the first tick is a reference
  s.push({200, Price::from_units(3), 0, {}});  // replaces the previous one
  s.push({1500, Price::from_units(4), 0, {}});
  EXPECT_EQ(s.size(), 3u);
  std::uint64_t cursor = 0;
  EXPECT_EQ(s.at_or_before(999, cursor).price.units(), 3);
}

TEST(PriceSeries, PathStartsAtTheWindowsReferenceTickAndSamplesEvenly) {
  PriceSeries s;
  s.set_retention(60'000);
  for (int i = 0; i < 10; ++i) s.push(tick(i, 100 + i));
  // 3.5 s: the reference is the tick at 3 s; seven ticks from there, four points kept.
  const auto sampled = s.path(3'500, 4);
  ASSERT_EQ(sampled.size(), 4U);
  EXPECT_EQ(sampled[0], std::make_pair(Timestamp{3000}, Price::from_units(103)));
  EXPECT_EQ(sampled[1], std::make_pair(Timestamp{5000}, Price::from_units(105)));
  EXPECT_EQ(sampled[2], std::make_pair(Timestamp{7000}, Price::from_units(107)));
  EXPECT_EQ(sampled[3], std::make_pair(Timestamp{9000}, Price::from_units(109)));
  // A window longer than the history starts at the oldest tick; few ticks are all kept.
  const auto all = s.path(-5'000, 64);
  ASSERT_EQ(all.size(), 10U);
  EXPECT_EQ(all.front().first, Timestamp{0});
  EXPECT_EQ(all.back().first, Timestamp{9000});
  EXPECT_TRUE(PriceSeries().path(0, 64).empty());
}

}  // namespace
}  // namespace lodestone::rules::detail
