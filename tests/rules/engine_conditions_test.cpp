// One test per trigger type (synthetic prices on real trading days).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.hpp"

namespace lodestone::rules {
namespace {

using testing::at;
using ::testing::ElementsAre;
using testing::Harness;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Quote book(std::string_view symbol, Timestamp ts, std::string_view last, std::optional<std::string_view> bid,
           std::optional<std::string_view> ask) {
  Quote q = testing::quote(symbol, ts, last);
  if (bid) q.bid = testing::px(*bid);
  if (ask) q.ask = testing::px(*ask);
  return q;
}

TEST(Level, AboveHoldsUntilThePriceFallsBack) {
  Harness t("rules:\n  - name: above\n    price: { symbols: [\"159713.SZ\"], above: \"1.100\" }\n");
  EXPECT_THAT(t.q("159713.SZ", at(2, 9, 10, 0), "1.090", "1.080"), IsEmpty());
  auto fired = t.q("159713.SZ", at(2, 9, 10, 1), "1.100");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].message, "159713.SZ 稀土ETF at 1.100, at or above 1.100");
  EXPECT_EQ(fired[0].move->window, "prev_close");
  EXPECT_EQ(fired[0].move->change_centipct, 185);
  EXPECT_THAT(t.q("159713.SZ", at(2, 9, 10, 2), "1.120"), IsEmpty());
  auto resolved = t.q("159713.SZ", at(2, 9, 10, 3), "1.099");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
}

TEST(Level, CrossUpFiresOnEachCrossingAndResolvesByTime) {
  Harness t(
      "rules:\n  - name: cross\n    price: { symbols: [\"159713.SZ\"], cross: \"1.050\", direction: up }\n"
      "    resolve_after: 5m\n");
  t.q("159713.SZ", at(2, 9, 10, 0), "1.040");
  auto first = t.q("159713.SZ", at(2, 9, 10, 1), "1.060");
  ASSERT_THAT(first, SizeIs(1));
  EXPECT_EQ(first[0].message, "159713.SZ 稀土ETF crossed 1.050, now 1.060");
  EXPECT_THAT(t.q("159713.SZ", at(2, 9, 10, 2), "1.070"), IsEmpty());
  EXPECT_THAT(t.q("159713.SZ", at(2, 9, 10, 3), "1.040"), IsEmpty());  // down: not asked for
  auto expired = t.advance(at(2, 9, 10, 6));
  ASSERT_THAT(expired, SizeIs(1));
  EXPECT_EQ(expired[0].labels.at("reason"), "expired");
  EXPECT_EQ(expired[0].ts, at(2, 9, 10, 6));
  EXPECT_THAT(t.q("159713.SZ", at(2, 9, 10, 7), "1.050"), SizeIs(1));  // reaching the level is crossing it
}

TEST(Level, BandEnterAndExit) {
  Harness t(
      "rules:\n"
      "  - name: enter\n    price: { symbols: [\"159713.SZ\"], band: [\"1.000\", \"1.100\"], on: enter }\n"
      "  - name: leave\n    price: { symbols: [\"159713.SZ\"], band: [\"1.000\", \"1.100\"], on: exit }\n");
  t.q("159713.SZ", at(2, 9, 10, 0), "0.990");
  auto in = t.q("159713.SZ", at(2, 9, 10, 1), "1.010");
  ASSERT_THAT(in, SizeIs(1));
  EXPECT_EQ(in[0].rule, "enter");
  EXPECT_EQ(in[0].message, "159713.SZ 稀土ETF entered 1.000-1.100 at 1.010");
  auto out = t.q("159713.SZ", at(2, 9, 10, 2), "1.101");
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].rule, "leave");
}

TEST(Limit, SealedAfterAMinuteAtTheLimitThenOpened) {
  Harness t(
      "rules:\n"
      "  - name: sealed\n    price: { symbols: [\"600111.SH\"], limit: up, stage: sealed }\n"
      "  - name: opened\n    price: { symbols: [\"600111.SH\"], limit: up, stage: opened }\n");
  t.q("600111.SH", at(2, 9, 10, 0), "21.50", "20.00");
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 10, 1), "22.00"), IsEmpty());  // touched
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 10, 1, 40), "22.00"), IsEmpty());
  auto sealed = t.q("600111.SH", at(2, 9, 10, 2, 5), "22.00");
  ASSERT_THAT(sealed, SizeIs(1));
  EXPECT_EQ(sealed[0].message, "600111.SH 北方稀土 sealed at limit-up 22.00");
  auto opened = t.q("600111.SH", at(2, 9, 10, 30), "21.95");  // 开板
  ASSERT_THAT(opened, SizeIs(2));
  EXPECT_EQ(opened[0].rule, "sealed");
  EXPECT_EQ(opened[0].state, AlertState::Resolved);
  EXPECT_EQ(opened[1].rule, "opened");
  EXPECT_EQ(opened[1].state, AlertState::Firing);
  EXPECT_EQ(opened[1].message, "600111.SH 北方稀土 opened from limit-up 22.00, now 21.95");
}

TEST(Limit, TheBookShowsASealAtOnce) {
  Harness t("rules:\n  - name: sealed\n    price: { symbols: [\"600111.SH\"], limit: up, stage: sealed }\n");
  t.q("600111.SH", at(2, 9, 10, 0), "21.50", "20.00");
  EXPECT_THAT(t.q(book("600111.SH", at(2, 9, 10, 1), "22.00", "21.99", "22.00")), IsEmpty());  // sellers left
  EXPECT_THAT(t.q(book("600111.SH", at(2, 9, 10, 1, 10), "22.00", "22.00", std::nullopt)), SizeIs(1));
}

TEST(Limit, LimitDownOnChiNextIsTwentyPercent) {
  Harness t("rules:\n  - name: down\n    price: { symbols: [\"300748.SZ\"], limit: down }\n");
  EXPECT_THAT(t.q("300748.SZ", at(2, 5, 10, 0), "16.01", "20.00"), IsEmpty());
  auto fired = t.q("300748.SZ", at(2, 5, 10, 5), "16.00");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].message, "300748.SZ 金力永磁 touched limit-down 16.00");
}

TEST(Limit, TheBandFollowsTheStStatusTheSourceNameGives) {
  // 北方稀土 is not ST in the universe; a source naming it "*ST北方" puts it on the main-board ST
  // band (±5% until 2026-07-05), and a plain name takes it off again.
  Harness t("rules:\n  - name: up\n    price: { symbols: [\"600111.SH\"], limit: up }\n");
  Quote named = testing::quote("600111.SH", at(2, 9, 10, 0), "20.50");
  named.prev_close = testing::px("20.00");
  named.name = "*ST北方";
  EXPECT_THAT(t.q(named), IsEmpty());
  named.ts = at(2, 9, 10, 1);
  named.last = testing::px("21.00");  // 20.00 × 1.05
  auto fired = t.q(named);
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].message, "600111.SH 北方稀土 touched limit-up 21.00");
  // 22.10 is past the ST band over 21.00 (22.05) but inside the main board's (23.10).
  Quote plain = testing::quote("600111.SH", at(2, 10, 10, 0), "22.10", "21.00");
  plain.name = "北方稀土";
  for (const auto& a : t.q(plain)) EXPECT_NE(a.state, AlertState::Firing) << a.message;
}

TEST(Volume, SpikeAgainstTheTrailingAverage) {
  Harness t(
      "rules:\n  - name: vol\n    volume: { symbols: [\"600111.SH\"], ratio: \">= 3\", window: 5m, baseline: 60m }\n");
  std::int64_t volume = 0;
  std::vector<std::string> fired_at;
  for (int k = 0; k <= 75; ++k) {
    volume += k == 0 ? 0 : k <= 70 ? 1000 : 5000;  // synthetic: steady, then five times the pace
    Quote q = testing::quote("600111.SH", at(2, 9, 9 + (30 + k) / 60, (30 + k) % 60), "20.00", "20.00");
    q.volume = volume;
    for (const auto& a : t.q(q)) fired_at.push_back(format_timestamp(a.ts).substr(11, 5) + " " + a.message);
  }
  // At 10:43 the last 5 minutes traded 17000 against 5000 per 5 minutes over the hour before.
  EXPECT_THAT(fired_at, ElementsAre("10:43 600111.SH 北方稀土 volume 3.40x its trailing average in 5m"));
}

TEST(Speed, FivePercentWindowByDefault) {
  Harness t("rules:\n  - name: speed\n    speed: { symbols: [\"600111.SH\"], change_pct: \">= 1.5\" }\n");
  t.q("600111.SH", at(2, 9, 10, 0), "20.00", "19.80");
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 10, 3), "20.20"), IsEmpty());
  auto fired = t.q("600111.SH", at(2, 9, 10, 5), "20.31");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].message, "600111.SH 北方稀土 moved 1.55% in 5m");
}

TEST(Abnormal, MovedBeyondWhatTheSectorDid) {
  Harness t(
      "rules:\n  - name: abnormal\n"
      "    move: { symbols: [\"600111.SH\"], from: prev_close, change_pct: \">= 2.0\", abnormal_pct: \">= 3.0\" }\n");
  t.q("930598.CSI", at(2, 9, 10, 0), "2040.00", "2000.00");  // the rare-earth index, +2%
  auto fired = t.q("600111.SH", at(2, 9, 10, 1), "21.00", "20.00");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].message, "600111.SH 北方稀土 5.00% (prev_close), 3.00% beyond 930598.CSI");
  EXPECT_EQ(fired[0].move->abnormal_centipct, 300);
  t.q("930598.CSI", at(2, 9, 10, 2), "2060.00");  // the sector catches up
  auto resolved = t.q("600111.SH", at(2, 9, 10, 3), "21.00");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
}

TEST(Abnormal, ExplicitBenchmarkOverSlidingWindow) {
  Harness t(
      "rules:\n  - name: abnormal\n"
      "    move: { symbols: [\"159713.SZ\"], window: 15m, abnormal_pct: \"abs >= 2.0\", benchmark: \"000300.SH\" }\n");
  t.q("000300.SH", at(2, 5, 10, 0), "4000.00", "4000.00");
  t.q("159713.SZ", at(2, 5, 10, 0), "1.000", "1.000");
  t.q("000300.SH", at(2, 5, 10, 10), "3980.00");             // the market -0.50%
  auto fired = t.q("159713.SZ", at(2, 5, 10, 10), "0.970");  // the ETF -3.00%
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].move->abnormal_centipct, -250);
}

TEST(Breadth, EnoughOfTheGroupMoved) {
  Harness t(
      "groups: { miners: [\"600111.SH\", \"000831.SZ\", \"600392.SH\"] }\n"
      "rules:\n  - name: breadth\n"
      "    breadth: { symbols: miners, min_count: 2, change_pct: \">= 3.0\", from: prev_close }\n");
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 10, 0), "20.70", "20.00"), IsEmpty());  // +3.5%: one of three
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 0), "10.10", "10.00"), IsEmpty());
  auto fired = t.q("000831.SZ", at(2, 9, 10, 1), "31.20", "30.00");  // +4%: two
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_FALSE(fired[0].symbol);
  EXPECT_EQ(fired[0].message, "2 of 3 in miners moved (prev_close): 600111.SH, 000831.SZ");
  EXPECT_EQ(fired[0].labels.at("symbols"), "600111.SH,000831.SZ");
  EXPECT_EQ(fired[0].move->change_centipct, 400);  // the biggest mover's evidence
  auto resolved = t.q("600111.SH", at(2, 9, 10, 5), "20.20");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
}

TEST(Headline, TagsDirectionAndSourcesFilterHeadlineRules) {
  Harness t(
      "keywords:\n  supply: [\"南鸟岛\", \"莱纳斯\", \"Lynas\"]\n  quota: [\"配额\"]\n"
      "taxonomy:\n  foreign_supply: { keywords: [supply], direction: adverse }\n"
      "  quota: { keywords: [quota], direction: supportive }\n"
      "rules:\n  - name: adverse-news\n    severity: info\n"
      "    headline: { tags: [foreign_supply], direction: adverse, exclude_sources: [\"自媒体\"] }\n"
      "    resolve_after: 10m\n");
  EXPECT_THAT(t.h("1", at(2, 3, 18, 47), "日本南鸟岛试采稀土泥浆", "自媒体"), IsEmpty());
  EXPECT_THAT(t.h("2", at(2, 3, 18, 50), "稀土开采配额与莱纳斯扩产"), IsEmpty());  // mixed direction
  auto fired = t.h("3", at(2, 3, 19, 0), "Lynas expands heavy rare earth output", "Reuters");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].message, "Reuters: Lynas expands heavy rare earth output");
  EXPECT_EQ(fired[0].severity, Severity::Info);
  EXPECT_EQ(fired[0].labels.at("tags"), "foreign_supply");
  EXPECT_EQ(fired[0].labels.at("direction"), "adverse");
  EXPECT_FALSE(fired[0].move);
  auto resolved = t.advance(at(2, 3, 19, 10));
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].labels.at("reason"), "expired");
}

TEST(Headline, EngineClassifiesForTheBoard) {
  Harness t(
      "keywords:\n  s: [\"金库计划\"]\ntaxonomy:\n  stockpile: { keywords: [s], direction: supportive }\n"
      "rules:\n  - name: n\n    headline: { tags: [stockpile] }\n");
  Headline h = testing::headline("1", at(2, 8, 15, 16), "关键矿产金库计划启动,稀土ETF嘉实(516150)受关注");
  const auto m = t.engine().classify(h);
  EXPECT_THAT(h.tags, ElementsAre("stockpile"));
  EXPECT_THAT(h.symbols, ElementsAre(testing::sym("516150.SH")));
  EXPECT_EQ(m.direction, Direction::Supportive);
}

// The engine names instruments as the feeds do (feeds/codec symbol_mentions): whole codes only,
// other companies' names consume the short names inside them, 中国稀土 only as a company.
TEST(Headline, MentionsFollowTheFeedsRules) {
  Harness t("rules:\n  - name: n\n    headline: { symbols: [\"600549.SH\"] }\n");
  auto mentioned = [&](std::string title) {
    Headline h = testing::headline("1", at(2, 8, 15, 16), std::move(title));
    return t.engine().classify(h).mentioned;
  };
  EXPECT_THAT(mentioned("编号2026001597130公告"), IsEmpty());
  EXPECT_THAT(mentioned("中国稀土集团调研厦门钨业"), ElementsAre(testing::sym("600549.SH")));
  EXPECT_THAT(mentioned("摆脱对中国稀土的依赖"), IsEmpty());
  EXPECT_THAT(mentioned("北方稀土、中国稀土跟跌"), ElementsAre(testing::sym("600111.SH"), testing::sym("000831.SZ")));
  EXPECT_THAT(mentioned("稀土ETF嘉实(516150)"), ElementsAre(testing::sym("516150.SH")));
}

}  // namespace
}  // namespace lodestone::rules
