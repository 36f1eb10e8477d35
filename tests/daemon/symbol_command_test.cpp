// `lodestone symbol` in-process (issue #14): every alias form, the reference data's name, ST flag
// and listing date, limit prices printed from integer units, errors with exit status 2. The
// date comes from --date or a ManualClock, never from the real one.
#include "lodestone/app/symbol_command.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "lodestone/core/clock.hpp"
#include "lodestone/testing/temp_file.hpp"

namespace lodestone::app {
namespace {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

// A universe with a new BSE listing, an ST name and the CSI index, so no test depends on what
// deploy/universe.yaml holds today.
const std::string kUniverse =
    "instruments:\n"
    "  - {symbol: 920118.BJ, name: 北交新股, listed: 2026-02-11}\n"
    "  - {symbol: 603999.SH, name: 沪市新股, listed: 2026-02-11}\n"
    "  - {symbol: 600392.SH, name: 盛和资源, st: true}\n"
    "  - {symbol: 930598.CSI, name: 中证稀土产业指数, type: index, board: index}\n";

class SymbolCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { universe_ = testing::temp_file(kUniverse, "lodestone-universe"); }
  void TearDown() override { ::unlink(universe_.c_str()); }

  Outcome run(std::vector<std::string> codes, std::string date, std::string prev_close = {}, bool json = true) {
    SymbolQuery q;
    q.codes = std::move(codes);
    q.date = std::move(date);
    q.prev_close = std::move(prev_close);
    q.json = json;
    q.universe = universe_;
    q.universe_given = true;
    std::ostringstream out;
    std::ostringstream err;
    const int status = run_symbol_command(q, clock_, out, err);
    return {status, out.str(), err.str()};
  }

  std::string universe_;
  // 2026-07-03 10:00 in Shanghai: the default date when --date is not given.
  ManualClock clock_{exchange_time(make_date(2026, 7, 3), 10, 0)};
};

TEST_F(SymbolCommandTest, EveryAliasFormOfABeijingCodeIsTheSameBjStock) {
  for (const char* form : {"920118", "bj920118", "0.920118", "920118.BJ"}) {
    const Outcome r = run({form}, "2026-02-12", "10.00");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              std::string(R"({"symbol":"920118.BJ","exchange":"BJ","board":"bse","type":"stock","tick":0.01,)") +
                  R"("limit_pct":30,"limit_up":13.00,"limit_down":7.00,"input":")" + form +
                  R"(","name":"北交新股","st":false,"listed":"2026-02-11","date":"2026-02-12","prev_close":10.00})"
                  "\n");
  }
}

TEST_F(SymbolCommandTest, ANewListingHasNoLimitOnItsFirstDays) {
  Outcome r = run({"920118"}, "2026-02-11", "10.00");
  EXPECT_NE(r.out.find(R"("limit_pct":null,"limit_up":null,"limit_down":null)"), std::string::npos) << r.out;
  // Main board: five trading days, the Spring Festival closure between (02-11, 12, 13, 24, 25).
  r = run({"603999"}, "2026-02-25", "10.00");
  EXPECT_NE(r.out.find(R"("limit_pct":null)"), std::string::npos) << r.out;
  r = run({"603999"}, "2026-02-26", "10.00");
  EXPECT_NE(r.out.find(R"("limit_pct":10,"limit_up":11.00,"limit_down":9.00)"), std::string::npos) << r.out;
  r = run({"sh603999"}, "2026-02-13", "", false);
  EXPECT_EQ(
      r.out,
      "sh603999 → 603999.SH 沪市新股: SSE main-board stock, tick 0.01, new listing (2026-02-11): no limit for its "
      "first 5 trading days on 2026-02-13\n");
}

TEST_F(SymbolCommandTest, StFollowsTheReferenceDataAndTheJuly2026Change) {
  Outcome r = run({"600392"}, "", "4.17");  // the clock's day: 2026-07-03, still ±5% for main-board ST
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(R"("limit_pct":5,"limit_up":4.38,"limit_down":3.96)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("st":true)"), std::string::npos);
  EXPECT_NE(r.out.find(R"("date":"2026-07-03")"), std::string::npos);
  r = run({"600392"}, "2026-07-06", "4.17");
  EXPECT_NE(r.out.find(R"("limit_pct":10,"limit_up":4.59,"limit_down":3.75)"), std::string::npos) << r.out;
  r = run({"600392"}, "2026-07-06", "4.17", false);
  EXPECT_EQ(
      r.out,
      "600392 → 600392.SH 盛和资源 (ST): SSE main-board stock, tick 0.01, ±10% on 2026-07-06; from 4.17: up 4.59, "
      "down 3.75\n");
}

TEST_F(SymbolCommandTest, IndexesAndFundsAndUnknownCodes) {
  Outcome r = run({"2.930598", "930598", "159713.XSHE", "sh000300"}, "2026-02-09", "1.195");
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<std::string> got;
  while (std::getline(lines, line)) got.push_back(line);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(
      got[0],
      R"({"symbol":"930598.CSI","exchange":"CSI","board":"index","type":"index","tick":0.01,"limit_pct":null,)"
      R"("limit_up":null,"limit_down":null,"input":"2.930598","name":"中证稀土产业指数","st":false,"listed":null,)"
      R"("date":"2026-02-09","prev_close":1.195})");
  EXPECT_EQ(got[0], got[1].replace(got[1].find(R"("input":"930598")"), 16, R"("input":"2.930598")"));
  // Not in this universe: no name; an ETF ticks in 0.001 and rounds its limits to it.
  EXPECT_EQ(got[2], R"({"symbol":"159713.SZ","exchange":"SZ","board":"fund","type":"etf","tick":0.001,"limit_pct":10,)"
                    R"("limit_up":1.315,"limit_down":1.076,"input":"159713.XSHE","name":null,"st":false,"listed":null,)"
                    R"("date":"2026-02-09","prev_close":1.195})");
  EXPECT_NE(got[3].find(R"("symbol":"000300.SH","exchange":"SH","board":"index","type":"index")"), std::string::npos);
}

TEST_F(SymbolCommandTest, BadInputIsExitTwoWithTheReasonAndNoOutput) {
  Outcome r = run({"600111", "930598.SH", "92011"}, "2026-02-09");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "lodestone symbol: bad symbol '930598.SH': 930598 is a CSI index, not an SH security: write 930598.CSI "
            "(Eastmoney 2.930598)\n"
            "lodestone symbol: bad symbol '92011': expected a six-digit code with an exchange\n");
  r = run({"600111"}, "2026-02-30");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--date '2026-02-30'"), std::string::npos) << r.err;
  r = run({"600111"}, "2026-02-09", "0");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "lodestone symbol: --prev-close '0' must be a positive price, like 40.00\n");
  SymbolQuery q;
  q.codes = {"600111"};
  q.date = "2026-02-09";
  q.universe = "/nonexistent/universe.yaml";
  q.universe_given = true;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_symbol_command(q, clock_, out, err), 2);
  EXPECT_EQ(err.str(), "lodestone symbol: /nonexistent/universe.yaml: cannot read the reference data\n");
}

}  // namespace
}  // namespace lodestone::app
