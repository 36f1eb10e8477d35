// The cancellable part of the opening call (09:15-09:20): its prices are indicative, so price
// rules skip them unless a rule asks with `session: opening_call` (issue #14).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.hpp"

namespace lodestone::rules {
namespace {

using testing::at;
using ::testing::ElementsAre;
using testing::Harness;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// 2026-02-10 is a Tuesday, a trading day; 02-09 the day before.
constexpr const char* kGap =
    "rules:\n  - name: gap\n    move: { symbols: [\"600111.SH\"], from: prev_close, change_pct: \"abs >= 3.0\" }\n";

TEST(OpeningCall, IndicativeQuotesDoNotDrivePriceRules) {
  Harness t(kGap);
  EXPECT_THAT(t.q("600111.SH", at(2, 10, 9, 15, 1), "52.00", "50.00"), IsEmpty());  // +4% indicative
  EXPECT_THAT(t.q("600111.SH", at(2, 10, 9, 19, 59), "53.00"), IsEmpty());
  EXPECT_EQ(t.engine().stats().quotes_opening_call, 2U);
  // 09:20: no more cancels, the price counts.
  auto fired = t.q("600111.SH", at(2, 10, 9, 20, 0), "52.00");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].ts, at(2, 10, 9, 20, 0));
  EXPECT_EQ(fired[0].move->change_centipct, 400);
  EXPECT_EQ(t.engine().stats().quotes_opening_call, 2U);
}

TEST(OpeningCall, ARuleThatAsksForThemSeesThem) {
  Harness t(std::string(kGap) + "    session: opening_call\n");
  auto fired = t.q("600111.SH", at(2, 10, 9, 17, 0), "52.00", "50.00");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].ts, at(2, 10, 9, 17, 0));
  EXPECT_EQ(fired[0].move->to.format(), "52.00");
}

TEST(OpeningCall, OnlyTheRulesThatAskSeeThem) {
  Harness t(
      std::string(kGap) + "    session: opening_call\n" +
      "  - name: gap_traded\n    move: { symbols: [\"600111.SH\"], from: prev_close, change_pct: \"abs >= 3.0\" }\n");
  auto fired = t.q("600111.SH", at(2, 10, 9, 16, 0), "48.00", "50.00");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].rule, "gap");
}

TEST(OpeningCall, AnIndicativePriceIsNeverAWindowsBaseline) {
  // 15 trading minutes before 09:45 is the open: the last price at or before it is the
  // previous close (50.00), not the 09:17 indication (45.00).
  Harness t(
      "rules:\n"
      "  - name: up\n    move: { symbols: [\"600111.SH\"], window: 15m, change_pct: \">= 3.0\" }\n"
      "  - name: down\n    move: { symbols: [\"600111.SH\"], window: 15m, change_pct: \"<= -3.0\" }\n");
  t.q("600111.SH", at(2, 9, 14, 59, 0), "50.00", "50.00");
  t.q("600111.SH", at(2, 10, 9, 17, 0), "45.00", "50.00");
  auto fired = t.q("600111.SH", at(2, 10, 9, 45, 0), "48.00");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].rule, "down");
  EXPECT_EQ(fired[0].move->from.format(), "50.00");
  EXPECT_EQ(fired[0].move->change_centipct, -400);
  for (const auto& [ts, price] : fired[0].move->path) EXPECT_NE(price.format(), "45.00");
}

TEST(OpeningCall, TheOptedInRuleLeavesTheOthersLastPriceAlone) {
  // A level rule that did not ask: the indication above its level must not be "the last
  // price" it later compares with, nor its previous price for a cross.
  Harness t(
      "rules:\n"
      "  - name: early\n    move: { symbols: [\"600111.SH\"], from: prev_close, change_pct: \">= 3.0\" }\n"
      "    session: opening_call\n"
      "  - name: cross\n    price: { symbols: [\"600111.SH\"], cross: \"51.00\", direction: up }\n");
  t.q("600111.SH", at(2, 9, 14, 59, 0), "50.00", "50.00");
  EXPECT_THAT(t.q("600111.SH", at(2, 10, 9, 17, 0), "52.00", "50.00"), SizeIs(1));  // early only
  auto crossed = t.q("600111.SH", at(2, 10, 9, 31, 0), "51.50");
  ASSERT_THAT(crossed, SizeIs(1));
  EXPECT_EQ(crossed[0].rule, "cross");
}

TEST(OpeningCall, SessionValuesAreCheckedWithTheirPosition) {
  auto bad = check_rules(std::string(kGap) + "    session: opening_bell\n", "r.yaml", testing::universe());
  ASSERT_THAT(bad, SizeIs(1));
  EXPECT_THAT(format(bad[0]), HasSubstr("r.yaml:4:14"));
  EXPECT_THAT(format(bad[0]), HasSubstr("opening_call"));
  EXPECT_THAT(check_rules("settings: { session: opening_call }\n" + std::string(kGap), "r.yaml", testing::universe()),
              IsEmpty());
  auto rs = parse_rules(std::string(kGap) + "    session: opening_call\n", "r.yaml", testing::universe());
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_EQ((*rs)->rules[0].session, Session::OpeningCall);
  EXPECT_EQ(to_string(Session::OpeningCall), "opening_call");
}

}  // namespace
}  // namespace lodestone::rules
