// What `lodestone backtest` prints for people: display widths, the alert table and its
// summaries on hand-built alerts, and the progress line's pacing (an injected clock).
#include "lodestone/cli/backtest_report.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "lodestone/cli/progress_line.hpp"
#include "lodestone/cli/text_width.hpp"

namespace lodestone::cli {
namespace {

Symbol sym(std::string_view s) { return *Symbol::parse(s); }
Timestamp at(unsigned day, int h, int m) { return exchange_time(make_date(2026, 2, day), h, m); }

InstrumentRegistry registry() {
  InstrumentRegistry r;
  r.add(instrument_from_code(sym("159713.SZ"), "稀土ETF"));
  r.add(instrument_from_code(sym("600392.SH"), "盛和资源"));
  return r;
}

Alert move_alert(std::string rule, Severity sev, std::string_view symbol, Timestamp ts, std::int64_t centipct,
                 std::string window, std::optional<bool> explained, std::string message) {
  Alert a;
  a.rule = std::move(rule);
  a.severity = sev;
  a.symbol = sym(symbol);
  a.ts = ts;
  a.move = MoveEvidence{*Price::parse("1.000"), *Price::parse("1.022"), centipct, std::move(window), {}, 3, {}};
  a.explained = explained;
  a.message = std::move(message);
  return a;
}

std::vector<Alert> alerts() {
  std::vector<Alert> v;
  v.push_back(move_alert("export-control-reaction", Severity::Warning, "159713.SZ", at(9, 10, 10), 220, "15m", true,
                         "159713.SZ 2.20% in 15m"));
  Alert resolved = v.back();
  resolved.state = AlertState::Resolved;
  resolved.ts = at(9, 15, 0);
  v.push_back(move_alert("limit", Severity::Critical, "600392.SH", at(10, 13, 40), -445, "prev_close", false,
                         "盛和资源 跌 4.45%\nat the close"));
  v.push_back(resolved);
  Alert policy;
  policy.rule = "policy";
  policy.severity = Severity::Info;
  policy.ts = at(10, 14, 23);
  policy.message = "商务部公告";
  v.push_back(policy);
  return v;
}

TEST(TextWidth, ChineseCharactersTakeTwoColumns) {
  EXPECT_EQ(display_width("abc"), 3U);
  EXPECT_EQ(display_width("北方稀土"), 8U);
  EXPECT_EQ(display_width("稀土ETF"), 7U);
  EXPECT_EQ(display_width("（516150）"), 10U);  // fullwidth brackets
  EXPECT_EQ(display_width("e\xCC\x81"), 1U);    // e + combining acute
  EXPECT_EQ(display_width("\xFF\xE4"), 2U);     // invalid bytes count one each
  EXPECT_EQ(pad_right("稀土", 6), "稀土  ");
  EXPECT_EQ(pad_left("稀土", 6), "  稀土");
  EXPECT_EQ(pad_right("北方稀土", 4), "北方稀土");
}

TEST(TextWidth, TableColumnsLineUpByDisplayWidth) {
  const std::string t = format_table({"name", "n", "note"}, {{"北方稀土", "12", "x"}, {"ETF", "3", "y"}}, "lrl");
  EXPECT_EQ(t,
            "name       n  note\n"
            "北方稀土  12  x\n"
            "ETF        3  y\n");
}

TEST(BacktestReport, MovesAndTimesAreExactText) {
  const auto v = alerts();
  EXPECT_EQ(format_move(v[0]), "+2.20% 15m");
  EXPECT_EQ(format_move(v[1]), "-4.45% prev_close");
  EXPECT_EQ(format_move(v[3]), "-");
  // 02:10 UTC is 10:10 in Shanghai.
  EXPECT_EQ(format_alert_time(Timestamp{at(9, 10, 10).ms}), "02-09 10:10:00");
}

TEST(BacktestReport, TheTableListsFiringAlertsInExchangeTimeAndLinesUp) {
  const auto v = alerts();
  EXPECT_EQ(format_alert_table(v, registry()),
            "time            severity  rule                     symbol              move               explained  "
            "message\n"
            "02-09 10:10:00  warning   export-control-reaction  159713.SZ 稀土ETF   +2.20% 15m         yes        "
            "159713.SZ 2.20% in 15m\n"
            "02-10 13:40:00  critical  limit                    600392.SH 盛和资源  -4.45% prev_close  no         "
            "盛和资源 跌 4.45% at the close\n"
            "02-10 14:23:00  info      policy                   -                   -                  -          "
            "商务部公告\n");
  EXPECT_EQ(format_alert_table({}, registry()), "no alerts\n");
}

TEST(BacktestReport, SummariesPerRuleAndPerDay) {
  rules::BacktestResult r;
  r.alerts = alerts();
  r.per_rule["export-control-reaction"] = rules::RuleCounters{};
  r.per_rule["export-control-reaction"].fired = 1;
  r.per_rule["export-control-reaction"].resolved = 1;
  r.per_rule["limit"].fired = 1;
  r.per_rule["policy"].fired = 1;
  r.per_rule["quiet"].cooldown = 2;
  EXPECT_EQ(format_rule_summary(r),
            "rule                     alerts  explained  unexplained  fired  updated  resolved  held  skipped\n"
            "export-control-reaction       1          1            0      1        0         1     0        0\n"
            "limit                         1          0            1      1        0         0     0        0\n"
            "policy                        1          0            0      1        0         0     0        0\n"
            "quiet                         0          0            0      0        0         0     0        2\n");
  EXPECT_EQ(format_day_summary(r.alerts),
            "day         alerts  critical  warning  info  explained  unexplained\n"
            "2026-02-09       1         0        1     0          1            0\n"
            "2026-02-10       2         1        0     1          0            1\n");
  r.events = 40;
  r.stats.quotes = 38;
  r.stats.headlines = 2;
  r.first_event = at(9, 9, 30);
  r.until = at(10, 15, 2);
  const std::string report = format_report(r, registry());
  EXPECT_NE(report.find("02-10 14:23:00  info"), std::string::npos);
  EXPECT_TRUE(
      report.ends_with("\n40 events (38 quotes, 2 headlines) from 02-09 09:30:00 to 02-10 15:02:00: "
                       "3 alerts, 1 resolved\n"))
      << report;
}

TEST(ProgressLine, DrawsOnlyOnATerminalAndAtMostEveryInterval) {
  std::int64_t now = 1000;
  std::ostringstream out;
  ProgressLine p(
      out, true, [&] { return now; }, 250);
  p.update("replaying", 4096, "events", 10);  // the first is drawn at once
  p.update("replaying", 8192, "events", 20);  // 0 ms later: skipped
  now += 249;
  p.update("replaying", 12288, "events", 30);  // still too soon
  now += 1;
  p.update("replaying", 16384, "events", 40);
  EXPECT_EQ(p.drawn(), 2U);
  p.finish();
  EXPECT_EQ(out.str(),
            "\rreplaying 4096 events (10%)\x1b[K"
            "\rreplaying 16384 events (40%)\x1b[K"
            "\r\x1b[K");

  std::ostringstream quiet;
  ProgressLine off(
      quiet, false, [&] { return now; }, 250);
  off.update("replaying", 1, "events", 1);
  off.finish();
  EXPECT_EQ(off.drawn(), 0U);
  EXPECT_TRUE(quiet.str().empty());
  EXPECT_EQ(ProgressLine::render("reading tape", 8192, "lines", 140), "reading tape 8192 lines (100%)");
}

}  // namespace
}  // namespace lodestone::cli
