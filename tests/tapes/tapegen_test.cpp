#include <gtest/gtest.h>

#include <stdexcept>

#include "gen/day_path.hpp"
#include "gen/grid.hpp"
#include "gen/splitmix.hpp"
#include "gen/tape_builder.hpp"
#include "lodestone/core/limits.hpp"

namespace lodestone::tapegen {
namespace {

Instrument instrument(std::string_view symbol) { return instrument_from_code(*Symbol::parse(symbol)); }

TEST(TapegenSplitMix64, MatchesTheReferenceSequence) {
  SplitMix64 rng(0);
  EXPECT_EQ(rng.next(), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(rng.next(), 0x6E789E6AA1B965F4ULL);
}

TEST(TapegenGrid, MinuteMarksOfBothSessions) {
  EXPECT_EQ(grid_index("09:25"), 0);
  EXPECT_EQ(grid_index("09:30"), 1);
  EXPECT_EQ(grid_index("11:30"), 121);
  EXPECT_EQ(grid_index("13:00"), 122);
  EXPECT_EQ(grid_index("15:00"), kCloseIndex);
  EXPECT_EQ(grid_index("12:00"), -1);
  EXPECT_EQ(grid_index("09:26"), -1);
  EXPECT_EQ(grid_index("9:30"), -1);
  EXPECT_EQ(format_timestamp(grid_time(*parse_date("2026-02-05"), grid_index("10:51"))),
            "2026-02-05T10:51:00.000+08:00");
  EXPECT_TRUE(in_closing_auction(grid_index("14:58")));
  EXPECT_FALSE(in_closing_auction(grid_index("14:57")));
}

TEST(TapegenPriceForChange, FindsTheTickThatShowsTheFigure) {
  const Instrument etf = instrument("159713.SZ");
  EXPECT_EQ(price_for_change(etf, *Price::parse("1.190"), 361, true), Price::parse("1.233").value());
  EXPECT_EQ(price_for_change(etf, *Price::parse("1.441"), 361, true), Price::parse("1.493").value());
  EXPECT_EQ(price_for_change(etf, *Price::parse("1.441"), 340, true), Price::parse("1.490").value());
  // From 1.190 no 0.001 tick shows 3.40%: 1.230 is 3.36%, 1.231 is 3.45%.
  EXPECT_FALSE(price_for_change(etf, *Price::parse("1.190"), 340, true).has_value());
  EXPECT_EQ(price_for_change(etf, *Price::parse("1.190"), 340, false), Price::parse("1.230").value());
}

DayPlan quiet_plan() {
  DayPlan plan;
  plan.instrument = instrument("600392.SH");
  plan.day = *parse_date("2026-02-09");
  plan.prev_close = *Price::parse("20.01");
  plan.anchors = {Anchor{"09:25", AnchorKind::Change, 50, {}, false},
                  Anchor{"15:00", AnchorKind::Change, 80, {}, false}};
  plan.step_ppm = 1000;
  plan.daily_shares = 100'000'000;
  plan.seed = 42;
  return plan;
}

TEST(TapegenSynthesizeDay, HitsItsAnchorsAndIsRepeatable) {
  const auto first = synthesize_day(quiet_plan());
  const auto second = synthesize_day(quiet_plan());
  ASSERT_EQ(first.size(), static_cast<std::size_t>(kGridPoints));
  EXPECT_EQ(change_centipct(*first.front().prev_close, first.front().last), 50);
  EXPECT_EQ(change_centipct(*first.back().prev_close, first.back().last), 80);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].last, second[i].last);
    EXPECT_EQ(first[i].volume, second[i].volume);
  }
  // Nothing matches in the closing auction.
  EXPECT_EQ(first[kLastMatchedIndex + 1].last, first[kLastMatchedIndex].last);
  EXPECT_EQ(first[kLastMatchedIndex + 2].volume, first[kLastMatchedIndex].volume);
}

TEST(TapegenSynthesizeDay, SealedLimitUpHoldsToTheClose) {
  DayPlan plan = quiet_plan();
  plan.anchors = {Anchor{"09:25", AnchorKind::Change, 150, {}, false},
                  Anchor{"10:42", AnchorKind::LimitUp, 0, {}, true}};
  const auto quotes = synthesize_day(plan);
  const auto limits = *price_limits(plan.instrument, plan.prev_close, plan.day);
  for (int i = grid_index("10:42"); i < kGridPoints; ++i) {
    EXPECT_EQ(quotes[static_cast<std::size_t>(i)].last, limits.up);
    EXPECT_FALSE(quotes[static_cast<std::size_t>(i)].ask.has_value());
  }
  for (int i = 0; i < grid_index("10:42"); ++i) EXPECT_LT(quotes[static_cast<std::size_t>(i)].last, limits.up);
}

TEST(TapegenSynthesizeDay, RejectsAnAnchorBeyondTheBand) {
  DayPlan plan = quiet_plan();
  plan.band_centipct = 140;
  plan.anchors.back().value = 200;
  EXPECT_THROW(synthesize_day(plan), std::logic_error);
  plan = quiet_plan();
  plan.anchors.back().value = 1000;  // the 10% limit itself is only reachable by sealing
  EXPECT_THROW(synthesize_day(plan), std::logic_error);
  plan = quiet_plan();
  plan.anchors.pop_back();
  EXPECT_THROW(synthesize_day(plan), std::logic_error);
}

TEST(TapegenBuildTape, IsTheSameEveryTime) {
  const auto a = build_tape({});
  const auto b = build_tape({});
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), 28U * 7 * 243);
  for (std::size_t i = 0; i < a.size(); i += 997) EXPECT_EQ(a[i].json, b[i].json);
}

}  // namespace
}  // namespace lodestone::tapegen
