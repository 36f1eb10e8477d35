// The three rules of the example file, exactly as written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::rules {
namespace {

using testing::at;
using ::testing::ElementsAre;
using testing::Harness;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string example() {
  std::ifstream in(std::string(LODESTONE_SOURCE_DIR) + "/tests/rules/data/example.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr const char* kExportControl = "商务部:对稀土相关物项实施出口管制";

TEST(ExampleRules, HeadlineThenMoveFiresWithEvidence) {
  Harness t(example());
  EXPECT_THAT(t.q("159713.SZ", at(2, 9, 10, 0), "1.000", "0.990"), IsEmpty());
  EXPECT_THAT(t.h("n1", at(2, 9, 10, 5), kExportControl), IsEmpty());
  EXPECT_THAT(t.q("159713.SZ", at(2, 9, 10, 8), "1.012"), IsEmpty());
  auto fired = t.q("159713.SZ", at(2, 9, 10, 12), "1.021");
  ASSERT_THAT(fired, SizeIs(1));
  const Alert& a = fired[0];
  EXPECT_EQ(a.rule, "export-control-reaction");
  EXPECT_EQ(a.severity, Severity::Critical);
  EXPECT_EQ(a.state, AlertState::Firing);
  EXPECT_EQ(a.symbol, testing::sym("159713.SZ"));
  EXPECT_EQ(a.ts, at(2, 9, 10, 12));
  EXPECT_EQ(a.message, std::string("159713.SZ 2.10% in 15m near: ") + kExportControl);
  ASSERT_THAT(a.headlines, SizeIs(1));
  EXPECT_EQ(a.headlines[0].id, "n1");
  EXPECT_EQ(a.headlines[0].source, "财联社");
  EXPECT_EQ(a.headlines[0].ts, at(2, 9, 10, 5));
  ASSERT_TRUE(a.move);
  EXPECT_EQ(a.move->from, testing::px("1.000"));
  EXPECT_EQ(a.move->to, testing::px("1.021"));
  EXPECT_EQ(a.move->change_centipct, 210);
  EXPECT_EQ(a.move->window, "15m");
  EXPECT_EQ(a.move->price_decimals, 3);
  EXPECT_EQ(a.explained, true);
  EXPECT_EQ(a.labels.at("keywords"), "出口管制");
  EXPECT_EQ(a.labels.at("explanation"), "headline");
  const std::string fp = alert_fingerprint("export-control-reaction", "159713.SZ", "财联社/n1", at(2, 9, 10, 12).ms);
  EXPECT_EQ(a.labels.at("fingerprint"), fp);
  EXPECT_EQ(a.id, fp + ":firing");
}

TEST(ExampleRules, MoveThenHeadlineExplainsAfterTheFact) {
  Harness t(example());
  t.q("516150.SH", at(2, 9, 10, 0), "2.500", "2.480");
  EXPECT_THAT(t.q("516150.SH", at(2, 9, 10, 10), "2.560"), IsEmpty());  // +2.40%, no news yet
  auto fired = t.h("n2", at(2, 9, 10, 35), "Beijing tightens EXPORT CONTROL on rare earths", "Reuters");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].symbol, testing::sym("516150.SH"));
  EXPECT_EQ(fired[0].ts, at(2, 9, 10, 35));
  EXPECT_EQ(fired[0].message, "516150.SH 2.40% in 15m near: Beijing tightens EXPORT CONTROL on rare earths");
  EXPECT_EQ(fired[0].labels.at("keywords"), "export control");
}

TEST(ExampleRules, WithinCountsTradingMinutesAcrossLunch) {
  Harness t(example());
  t.q("159713.SZ", at(2, 9, 11, 10), "1.000");
  t.q("159713.SZ", at(2, 9, 11, 20), "1.025");  // the move, 10 trading minutes before the break
  t.q("159713.SZ", at(2, 9, 11, 29), "1.000");  // over
  // 13:15 is 25 trading minutes after 11:20, though almost two hours of clock time.
  auto fired = t.h("n3", at(2, 9, 13, 15), "出口管制新规");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].move->change_centipct, 250);
  // 13:26 is 36 trading minutes after the move ended: too far.
  Harness u(example());
  u.q("159713.SZ", at(2, 9, 11, 10), "1.000");
  u.q("159713.SZ", at(2, 9, 11, 20), "1.025");
  u.q("159713.SZ", at(2, 9, 11, 21), "1.000");
  EXPECT_THAT(u.h("n3", at(2, 9, 13, 52), "出口管制新规"), IsEmpty());
}

TEST(ExampleRules, CooldownHoldsBackTheNextHeadlineForTenMinutes) {
  Harness t(example());
  t.q("159713.SZ", at(2, 9, 10, 0), "1.000");
  t.h("a", at(2, 9, 10, 1), "出口管制 1");
  ASSERT_THAT(t.q("159713.SZ", at(2, 9, 10, 5), "1.030"), SizeIs(1));
  EXPECT_THAT(t.h("b", at(2, 9, 10, 9), "出口管制 2"), IsEmpty());  // 4 minutes later
  EXPECT_EQ(t.engine().counters("export-control-reaction").cooldown, 1u);
  t.q("159713.SZ", at(2, 9, 10, 14), "1.031");  // the 15m move still holds
  auto third = t.h("c", at(2, 9, 10, 16), "管制措施 3");
  ASSERT_THAT(third, SizeIs(1));  // 11 minutes after the first alert
  EXPECT_EQ(third[0].headlines[0].id, "c");
}

TEST(ExampleRules, CorrelationAlertResolvesWhenTheMoveFades) {
  Harness t(example());
  t.q("159713.SZ", at(2, 9, 10, 0), "1.000");
  t.h("a", at(2, 9, 10, 1), "出口管制");
  auto fired = t.q("159713.SZ", at(2, 9, 10, 5), "1.030");
  ASSERT_THAT(fired, SizeIs(1));
  auto resolved = t.q("159713.SZ", at(2, 9, 10, 20), "1.031");  // 15m ago was 1.030
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
  EXPECT_EQ(resolved[0].id, fired[0].labels.at("fingerprint") + ":resolved");
  EXPECT_EQ(resolved[0].labels.at("reason"), "condition");
  EXPECT_EQ(resolved[0].ts, at(2, 9, 10, 20));
}

TEST(ExampleRules, WindowReachesBackAcrossTheLunchBreak) {
  const char* rules =
      "rules:\n  - name: m\n    move: { symbols: [\"159713.SZ\"], change_pct: \">= 2.0\", window: 15m }\n";
  Harness t(rules);
  t.q("159713.SZ", at(2, 9, 11, 15), "0.990");
  t.q("159713.SZ", at(2, 9, 11, 25), "1.000");
  // 13:05 minus 15 trading minutes is 11:20: the reference is the 11:15 price.
  auto fired = t.q("159713.SZ", at(2, 9, 13, 5), "1.012");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].move->from, testing::px("0.990"));
  EXPECT_EQ(fired[0].move->change_centipct, 222);
  // At 13:10 the window starts at 11:25: 1.000 -> 1.012 is 1.20%, the move is over.
  auto resolved = t.q("159713.SZ", at(2, 9, 13, 10), "1.012");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
}

TEST(ExampleRules, WindowReachesBackOvernight) {
  const char* rules =
      "rules:\n  - name: m\n    move: { symbols: [\"159713.SZ\"], change_pct: \">= 2.0\", window: 15m }\n";
  Harness t(rules);
  t.q("159713.SZ", at(2, 6, 14, 40), "0.990");  // Friday
  t.q("159713.SZ", at(2, 6, 14, 50), "1.000");
  t.q("159713.SZ", at(2, 6, 15, 0), "1.000");
  t.advance(at(2, 6, 15, 1));
  // Monday 09:31 minus 15 trading minutes is Friday 14:46: the reference is the 14:40 price.
  auto fired = t.q("159713.SZ", at(2, 9, 9, 31), "1.010");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].move->from, testing::px("0.990"));
  EXPECT_EQ(fired[0].move->change_centipct, 202);
}

TEST(ExampleRules, EtfDropFromPrevCloseIsLabelledUnexplained) {
  Harness t(example());
  EXPECT_THAT(t.q("159713.SZ", at(2, 5, 10, 0), "1.050", "1.068"), IsEmpty());
  auto fired = t.q("159713.SZ", at(2, 5, 10, 51), "1.035");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].rule, "etf-drop");
  EXPECT_EQ(fired[0].message, "159713.SZ 稀土ETF -3.09% (prev_close)");
  EXPECT_EQ(fired[0].explained, false);
  EXPECT_EQ(fired[0].labels.at("explanation"), "pending");
  // 30 trading minutes and the allowed lateness pass without news: the label becomes final,
  // quietly (the resolved message carries it).
  EXPECT_THAT(t.advance(at(2, 5, 11, 25)), IsEmpty());
  auto resolved = t.q("159713.SZ", at(2, 5, 11, 26), "1.040");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].labels.at("explanation"), "none");
  EXPECT_EQ(resolved[0].explained, false);
}

TEST(ExampleRules, EtfDropExplainedByLaterNewsGetsAnUpdate) {
  Harness t(example());
  t.q("159713.SZ", at(2, 5, 10, 0), "1.050", "1.068");
  auto fired = t.q("159713.SZ", at(2, 5, 10, 51), "1.035");
  ASSERT_THAT(fired, SizeIs(1));
  // A headline naming the ETF 20 trading minutes later explains the drop.
  auto update = t.h("n9", at(2, 5, 11, 11), "稀土ETF(159713)午前跌超3%");
  ASSERT_THAT(update, SizeIs(1));
  EXPECT_EQ(update[0].id, fired[0].labels.at("fingerprint") + ":update-1");
  EXPECT_EQ(update[0].state, AlertState::Firing);
  EXPECT_EQ(update[0].explained, true);
  EXPECT_EQ(update[0].labels.at("explanation"), "headline");
  ASSERT_THAT(update[0].headlines, SizeIs(1));
  EXPECT_EQ(update[0].headlines[0].id, "n9");
}

TEST(ExampleRules, LimitUpTouchedOnEveryInstrumentWithLimits) {
  Harness t(example());
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 13, 30), "10.50", "10.00"), IsEmpty());
  auto fired = t.q("600392.SH", at(2, 9, 13, 41), "11.00");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].rule, "limit-up");
  EXPECT_EQ(fired[0].severity, Severity::Warning);
  EXPECT_EQ(fired[0].message, "600392.SH 盛和资源 touched limit-up 11.00");
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 13, 42), "11.00"), IsEmpty());  // still there: no repeat
  auto resolved = t.q("600392.SH", at(2, 9, 13, 50), "10.98");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
  // ChiNext limits are 20%; indexes have none.
  EXPECT_THAT(t.q("300748.SZ", at(2, 9, 13, 50), "24.00", "20.00"), SizeIs(1));
  EXPECT_THAT(t.q("000300.SH", at(2, 9, 13, 50), "4400.00", "4000.00"), IsEmpty());
}

TEST(ExampleRules, SameEventsGiveTheSameIds) {
  auto run = [] {
    Harness t(example());
    t.q("159713.SZ", at(2, 9, 10, 0), "1.000", "0.990");
    t.h("n1", at(2, 9, 10, 5), kExportControl);
    t.q("159713.SZ", at(2, 9, 10, 12), "1.021");
    t.q("600392.SH", at(2, 9, 13, 41), "11.00", "10.00");
    t.q("159713.SZ", at(2, 9, 14, 0), "0.950");
    t.advance(at(2, 9, 15, 5));
    std::vector<std::string> ids;
    for (const auto& a : t.all()) ids.push_back(a.id);
    return ids;
  };
  const auto first = run();
  EXPECT_THAT(first, SizeIs(6));
  EXPECT_EQ(first, run());
}

}  // namespace
}  // namespace lodestone::rules
