// A small hand-built tape whose alerts are known exactly (synthetic prices on real dates).
#include "lodestone/rules/backtest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lodestone/rules/alert_identity.hpp"
#include "lodestone/rules/parser.hpp"
#include "universe.hpp"

namespace lodestone::rules {
namespace {

using testing::at;
using ::testing::ElementsAre;

std::string example() {
  std::ifstream in(std::string(LODESTONE_SOURCE_DIR) + "/tests/rules/data/example.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Event> tape() {
  using testing::headline;
  using testing::quote;
  return {
      quote("159713.SZ", at(2, 9, 9, 30), "1.000", "0.990"),
      quote("516150.SH", at(2, 9, 9, 30), "2.500", "2.480"),
      quote("600392.SH", at(2, 9, 9, 30), "10.50", "10.00"),
      headline("1001", at(2, 9, 10, 2), "商务部公告:稀土出口管制措施调整"),
      quote("159713.SZ", at(2, 9, 10, 5), "1.010"),
      quote("159713.SZ", at(2, 9, 10, 10), "1.022"),
      quote("516150.SH", at(2, 9, 10, 10), "2.540"),
      quote("516150.SH", at(2, 9, 10, 20), "2.555"),
      quote("159713.SZ", at(2, 9, 10, 26), "1.023"),
      quote("600392.SH", at(2, 9, 13, 40), "11.00"),
      quote("159713.SZ", at(2, 9, 14, 0), "0.960"),
      quote("516150.SH", at(2, 9, 14, 0), "2.530"),
      headline("77", at(2, 9, 14, 10), "稀土ETF(159713)午后跳水", "新浪财经"),
  };
}

struct Line {
  std::string kind;  // the id's suffix: firing, update-1, resolved
  std::string rule;
  std::string symbol;
  std::string ts;
  std::string message;
  bool operator==(const Line&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Line& l) {
  return os << l.kind << " " << l.rule << " " << l.symbol << " " << l.ts << " " << l.message;
}

Line line(const Alert& a) {
  return {a.id.substr(a.id.find(':') + 1), a.rule, a.symbol ? a.symbol->str() : "-",
          format_timestamp(a.ts).substr(11, 8), a.message};
}

TEST(Backtest, SmallTapeGivesExactlyTheExpectedAlerts) {
  const auto registry = testing::universe();
  auto rules = parse_rules(example(), "example.yaml", registry);
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  const auto events = tape();
  const auto result = backtest(events, *rules, registry, TradingCalendar::shanghai());

  std::vector<Line> lines;
  for (const auto& a : result.alerts) lines.push_back(line(a));
  // The two close resolutions come out in fingerprint order; compare them as a set.
  ASSERT_EQ(lines.size(), 9u);
  std::sort(lines.begin() + 7, lines.end(), [](const Line& a, const Line& b) { return a.rule < b.rule; });
  const std::string near = " near: 商务部公告:稀土出口管制措施调整";
  EXPECT_THAT(
      lines,
      ElementsAre(Line{"firing", "export-control-reaction", "159713.SZ", "10:10:00", "159713.SZ 2.20% in 15m" + near},
                  Line{"firing", "export-control-reaction", "516150.SH", "10:20:00", "516150.SH 2.20% in 15m" + near},
                  Line{"resolved", "export-control-reaction", "159713.SZ", "10:26:00", "159713.SZ 2.20% in 15m" + near},
                  Line{"firing", "limit-up", "600392.SH", "13:40:00", "600392.SH 盛和资源 touched limit-up 11.00"},
                  Line{"firing", "etf-drop", "159713.SZ", "14:00:00", "159713.SZ 稀土ETF -3.03% (prev_close)"},
                  Line{"resolved", "export-control-reaction", "516150.SH", "14:00:00", "516150.SH 2.20% in 15m" + near},
                  Line{"update-1", "etf-drop", "159713.SZ", "14:10:00", "159713.SZ 稀土ETF -3.03% (prev_close)"},
                  Line{"resolved", "etf-drop", "159713.SZ", "15:00:00", "159713.SZ 稀土ETF -3.03% (prev_close)"},
                  Line{"resolved", "limit-up", "600392.SH", "15:00:00", "600392.SH 盛和资源 touched limit-up 11.00"}));

  // A resolution repeats the evidence the alert last held with, and says why it ended; the
  // update carries the headline that explained the drop.
  EXPECT_EQ(result.alerts[6].headlines.at(0).source, "新浪财经");
  EXPECT_EQ(result.alerts[6].labels.at("explanation"), "headline");
  EXPECT_EQ(result.alerts[7].labels.at("reason"), "close");
  EXPECT_EQ(result.alerts[2].labels.at("reason"), "condition");
  EXPECT_EQ(result.alerts[0].id,
            alert_fingerprint("export-control-reaction", "159713.SZ", "财联社/1001", at(2, 9, 10, 10).ms) + ":firing");

  const auto& reaction = result.per_rule.at("export-control-reaction");
  EXPECT_EQ(reaction.fired, 2u);
  EXPECT_EQ(reaction.notified, 2u);
  EXPECT_EQ(reaction.resolved, 2u);
  EXPECT_EQ(result.per_rule.at("limit-up").notified, 1u);
  EXPECT_EQ(result.per_rule.at("etf-drop").updated, 1u);
  EXPECT_EQ(result.events, 13u);
  EXPECT_EQ(result.stats.quotes, 11u);
  EXPECT_EQ(result.stats.headlines, 2u);
  EXPECT_EQ(result.until, at(2, 9, 15, 2));

  // The same replay twice: identical notifications, so a store dedupes a re-run to nothing new.
  const auto again = backtest(events, *rules, registry, TradingCalendar::shanghai());
  ASSERT_EQ(again.alerts.size(), result.alerts.size());
  for (std::size_t i = 0; i < again.alerts.size(); ++i) EXPECT_EQ(again.alerts[i].id, result.alerts[i].id);
}

TEST(Backtest, ReportsAsJsonAndAsATable) {
  const auto registry = testing::universe();
  auto rules = parse_rules(example(), "example.yaml", registry);
  ASSERT_TRUE(rules.ok());
  const auto result = backtest(tape(), *rules, registry, TradingCalendar::shanghai());
  const std::string json = to_json(result);
  EXPECT_THAT(json,
              ::testing::StartsWith("{\"events\":13,\"quotes\":11,\"headlines\":2,\"from\":\"2026-02-09T09:30:00"));
  EXPECT_THAT(json, ::testing::HasSubstr("{\"rule\":\"etf-drop\",\"fired\":1,\"notified\":1,\"updated\":1,"));
  const std::string table = format_summary(result);
  EXPECT_THAT(table, ::testing::HasSubstr("export-control-reaction        2        2        0        2"));
  EXPECT_THAT(table, ::testing::HasSubstr("13 events (11 quotes, 2 headlines), 9 notifications, 4 alerts fired"));
}

TEST(Backtest, SilencesHoldBackNotifications) {
  const auto registry = testing::universe();
  auto rules = parse_rules(example(), "example.yaml", registry);
  ASSERT_TRUE(rules.ok());
  BacktestOptions options;
  Silence s;
  s.matchers.push_back(*parse_matcher("rule=limit-up"));
  s.starts_at = at(2, 9, 9, 0);
  s.ends_at = at(2, 9, 16, 0);
  s.created_by = "trader";
  s.comment = "known: 盛和资源 placement";
  options.silences.push_back(s);
  const auto result = backtest(tape(), *rules, registry, TradingCalendar::shanghai(), options);
  EXPECT_EQ(result.alerts.size(), 7u);
  EXPECT_EQ(result.per_rule.at("limit-up").fired, 1u);
  EXPECT_EQ(result.per_rule.at("limit-up").silenced, 1u);
  EXPECT_EQ(result.per_rule.at("limit-up").notified, 0u);
}

TEST(Backtest, ReportsProgressEveryNEventsAndAtTheEnd) {
  const auto registry = testing::universe();
  auto rules = parse_rules(example(), "example.yaml", registry);
  ASSERT_TRUE(rules.ok());
  BacktestOptions options;
  std::vector<std::size_t> calls;
  options.progress_every = 5;
  options.progress = [&](std::size_t done) { calls.push_back(done); };
  const auto result = backtest(tape(), *rules, registry, TradingCalendar::shanghai(), options);
  EXPECT_THAT(calls, ElementsAre(5u, 10u, 13u));
  EXPECT_EQ(result.events, 13u);
}

}  // namespace
}  // namespace lodestone::rules
