// An alert's evidence carries the price path through its window: the prices a trader needs to
// see beside the alert, read from the engine's series when the alert is notified.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.hpp"
#include "lodestone/core/json_writer.hpp"

namespace lodestone::rules {
namespace {

using testing::at;
using testing::Harness;
using ::testing::IsEmpty;
using testing::px;
using ::testing::SizeIs;

using Path = std::vector<std::pair<Timestamp, Price>>;

TEST(EvidencePath, SlidingWindowAcrossTheLunchBreak) {
  Harness t("rules:\n  - name: move\n    move: { symbols: [\"600111.SH\"], window: 15m, change_pct: \">= 2.0\" }\n");
  t.q("600111.SH", at(2, 9, 11, 10), "20.00", "20.00");  // before the window
  t.q("600111.SH", at(2, 9, 11, 20), "20.02");           // the window's reference tick
  t.q("600111.SH", at(2, 9, 11, 29), "20.10");
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 13, 0), "20.20"), IsEmpty());
  // 13:05 minus 15 trading minutes is 11:20: the lunch break does not count.
  auto fired = t.q("600111.SH", at(2, 9, 13, 5), "20.45");
  ASSERT_THAT(fired, SizeIs(1));
  ASSERT_TRUE(fired[0].move);
  EXPECT_EQ(fired[0].move->from, px("20.02"));
  const Path expected{{at(2, 9, 11, 20), px("20.02")},
                      {at(2, 9, 11, 29), px("20.10")},
                      {at(2, 9, 13, 0), px("20.20")},
                      {at(2, 9, 13, 5), px("20.45")}};
  EXPECT_EQ(fired[0].move->path, expected);
}

TEST(EvidencePath, OvernightWindowStartsOnThePreviousDay) {
  Harness t("rules:\n  - name: move\n    move: { symbols: [\"600111.SH\"], window: 10m, change_pct: \">= 2.0\" }\n");
  t.q("600111.SH", at(2, 6, 14, 50), "20.00", "20.10");  // Friday
  t.q("600111.SH", at(2, 6, 14, 57), "20.05");
  auto fired = t.q("600111.SH", at(2, 9, 9, 32), "20.50", "20.05");  // Monday, 2 trading minutes in
  ASSERT_THAT(fired, SizeIs(1));
  const Path expected{{at(2, 6, 14, 50), px("20.00")}, {at(2, 6, 14, 57), px("20.05")}, {at(2, 9, 9, 32), px("20.50")}};
  EXPECT_EQ(fired[0].move->path, expected);
}

TEST(EvidencePath, LongPathsAreSampledKeepingFirstAndLast) {
  Harness t("rules:\n  - name: move\n    move: { symbols: [\"600111.SH\"], window: 30m, change_pct: \">= 5.0\" }\n");
  // Synthetic: one quote every 5 s from the open, climbing a fen at a time: +5% after 100 ticks.
  Timestamp ts = at(2, 9, 9, 30);
  std::vector<Alert> fired;
  for (int i = 0; i < 300 && fired.empty(); ++i) {
    fired = t.q("600111.SH", Timestamp{ts.ms + i * 5000}, Price::from_units(200000 + i * 100).format(2), "20.00");
  }
  ASSERT_THAT(fired, SizeIs(1));
  const Path& path = fired[0].move->path;
  ASSERT_EQ(path.size(), 64U);
  EXPECT_EQ(path.front(), std::make_pair(at(2, 9, 9, 30), px("20.00")));  // the window's reference
  EXPECT_EQ(path.back().second, fired[0].move->to);
  EXPECT_EQ(path.back().first, fired[0].ts);
  for (std::size_t i = 1; i < path.size(); ++i) EXPECT_LT(path[i - 1].first, path[i].first) << i;
}

TEST(EvidencePath, ChangesFromThePreviousCloseCarryTheDayOneMinuteAPoint) {
  Harness t(
      "rules:\n  - name: day\n    move: { symbols: [\"600111.SH\"], from: prev_close, change_pct: \">= 3.0\" }\n");
  t.q("600111.SH", at(2, 9, 9, 30, 0), "20.00", "20.00");  // the day's first price stays
  t.q("600111.SH", at(2, 9, 9, 30, 20), "20.10");
  t.q("600111.SH", at(2, 9, 9, 30, 40), "20.20");  // 09:30's last
  t.q("600111.SH", at(2, 9, 9, 31, 10), "20.30");
  t.q("600111.SH", at(2, 9, 9, 31, 50), "20.40");  // 09:31's last
  auto fired = t.q("600111.SH", at(2, 9, 10, 15, 0), "20.70");
  ASSERT_THAT(fired, SizeIs(1));
  const Path expected{{at(2, 9, 9, 30, 0), px("20.00")},
                      {at(2, 9, 9, 30, 40), px("20.20")},
                      {at(2, 9, 9, 31, 50), px("20.40")},
                      {at(2, 9, 10, 15, 0), px("20.70")}};
  EXPECT_EQ(fired[0].move->path, expected);
  // The next day starts a new path.
  t.q("600111.SH", at(2, 10, 9, 30, 0), "21.00", "20.70");
  auto next = t.q("600111.SH", at(2, 10, 9, 45, 0), "21.40");
  ASSERT_THAT(next, SizeIs(1));
  EXPECT_EQ(next[0].move->path, (Path{{at(2, 10, 9, 30, 0), px("21.00")}, {at(2, 10, 9, 45, 0), px("21.40")}}));
}

TEST(EvidencePath, TheResolvedMessageCarriesThePathToo) {
  Harness t("rules:\n  - name: above\n    price: { symbols: [\"159713.SZ\"], above: \"1.100\" }\n");
  t.q("159713.SZ", at(2, 9, 9, 31), "1.090", "1.080");
  ASSERT_THAT(t.q("159713.SZ", at(2, 9, 9, 35), "1.100"), SizeIs(1));
  auto resolved = t.q("159713.SZ", at(2, 9, 9, 40), "1.095");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
  const Path expected{{at(2, 9, 9, 31), px("1.090")}, {at(2, 9, 9, 35), px("1.100")}, {at(2, 9, 9, 40), px("1.095")}};
  EXPECT_EQ(resolved[0].move->path, expected);
}

TEST(EvidencePath, BreadthUsesTheBiggestMoversPath) {
  Harness t(
      "groups: { miners: [\"600111.SH\", \"000831.SZ\", \"600392.SH\"] }\n"
      "rules:\n  - name: breadth\n"
      "    breadth: { symbols: miners, min_count: 2, change_pct: \">= 3.0\", from: prev_close }\n");
  t.q("000831.SZ", at(2, 9, 9, 45), "30.30", "30.00");
  t.q("600111.SH", at(2, 9, 10, 0), "20.70", "20.00");
  auto fired = t.q("000831.SZ", at(2, 9, 10, 1), "31.20");  // +4%: the biggest of the two
  ASSERT_THAT(fired, SizeIs(1));
  const Path expected{{at(2, 9, 9, 45), px("30.30")}, {at(2, 9, 10, 1), px("31.20")}};
  EXPECT_EQ(fired[0].move->path, expected);
}

TEST(EvidencePath, WrittenAsTimeAndPriceWithTheInstrumentsDigits) {
  Harness t("rules:\n  - name: above\n    price: { symbols: [\"159713.SZ\"], above: \"1.100\" }\n");
  t.q("159713.SZ", at(2, 9, 9, 31), "1.090", "1.080");
  auto fired = t.q("159713.SZ", at(2, 9, 9, 35), "1.100");
  ASSERT_THAT(fired, SizeIs(1));
  const std::string json = to_json(fired[0]);
  EXPECT_THAT(json, ::testing::HasSubstr(
                        R"("path":[["2026-02-09T09:31:00.000+08:00",1.090],["2026-02-09T09:35:00.000+08:00",1.100]])"));
}

}  // namespace
}  // namespace lodestone::rules
