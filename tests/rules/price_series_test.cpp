#include "price_series.hpp"

#include <gtest/gtest.h>

namespace lodestone::rules::detail {
namespace {

Tick tick(std::int64_t second, std::int64_t units) { return {second * 1000, Price::from_units(units), second}; }

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
  s.push({0, Price::from_units(1), 0});
  s.push({100, Price::from_units(2), 0});  // kept: the first tick is a reference
  s.push({200, Price::from_units(3), 0});  // replaces the previous one
  s.push({1500, Price::from_units(4), 0});
  EXPECT_EQ(s.size(), 3u);
  std::uint64_t cursor = 0;
  EXPECT_EQ(s.at_or_before(999, cursor).price.units(), 3);
}

}  // namespace
}  // namespace lodestone::rules::detail
