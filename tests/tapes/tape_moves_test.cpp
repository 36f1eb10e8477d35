// The moves the seeds report, as the tape must replay them (figures in hundredths of a percent
// of the previous close, as a board shows them).
#include <gtest/gtest.h>

#include <algorithm>

#include "lodestone/core/limits.hpp"
#include "tape_queries.hpp"

namespace lodestone::tapes_test {
namespace {

class SeedMoves : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(universe().ok()) << universe().error().message;
    ASSERT_TRUE(bundled_tape().ok()) << bundled_tape().error().message;
  }
  const Tape& tape() { return *bundled_tape(); }
  const InstrumentRegistry& registry() { return *universe(); }

  std::int64_t close_change(std::string_view symbol, std::string_view date) {
    const Quote* q = close_of(tape(), symbol, date);
    EXPECT_NE(q, nullptr) << symbol << " " << date;
    return q ? change(*q) : 0;
  }
  std::int64_t change_at(std::string_view symbol, std::string_view date, int hour, int minute) {
    const Quote* q = quote_at(tape(), symbol, date, hour, minute);
    EXPECT_NE(q, nullptr) << symbol << " " << date;
    return q ? change(*q) : 0;
  }
};

// 金融界 2026-02-03 18:47: "A股稀土板块当日表现强势,板块整体上涨3.80%".
TEST_F(SeedMoves, Feb03BoardUp380) {
  EXPECT_EQ(close_change("930598.CSI", "2026-02-03"), 380);
  std::int64_t sum = 0;
  int stocks = 0;
  for (const Instrument& i : registry().all()) {
    if (i.type != InstrumentType::Stock) continue;
    sum += close_change(i.symbol.str(), "2026-02-03");
    ++stocks;
  }
  ASSERT_EQ(stocks, 22);
  const double average = static_cast<double>(sum) / stocks;
  EXPECT_NEAR(average, 380.0, 10.0) << "equal-weighted close change of the universe's stocks";
}

// "隆华科技涨11.46%,中色股份、中国稀土、金风科技、华宏科技、银河磁体、金力永磁、中科磁业、英思特、
// 北方稀土、中稀有色、盛和资源等均涨超5%".
TEST_F(SeedMoves, Feb03NamedMovers) {
  EXPECT_EQ(close_change("300263.SZ", "2026-02-03"), 1146);
  for (std::string_view s : {"000758.SZ", "000831.SZ", "002202.SZ", "002645.SZ", "300127.SZ", "300748.SZ", "301141.SZ",
                             "301622.SZ", "600111.SH", "600259.SH", "600392.SH"})
    EXPECT_GT(close_change(s, "2026-02-03"), 500) << s;
}

// 新浪财经 2026-02-05 11:08: "早盘截至10:51,中证稀土产业指数下跌4.45%".
TEST_F(SeedMoves, Feb05IndexDown445At1051) { EXPECT_EQ(change_at("930598.CSI", "2026-02-05", 10, 51), -445); }

// "成分股中金风科技领跌,中国铝业、盛和资源、北方稀土、中国稀土跟跌".
TEST_F(SeedMoves, Feb05GoldwindLeadsTheDecline) {
  std::vector<std::pair<std::int64_t, std::string>> moves;
  for (const Instrument& i : registry().all())
    if (i.type == InstrumentType::Stock)
      moves.emplace_back(change_at(i.symbol.str(), "2026-02-05", 10, 51), i.symbol.str());
  std::sort(moves.begin(), moves.end());
  ASSERT_GE(moves.size(), 5U);
  EXPECT_EQ(moves[0].second, "002202.SZ");
  std::vector<std::string> followers{moves[1].second, moves[2].second, moves[3].second, moves[4].second};
  std::sort(followers.begin(), followers.end());
  EXPECT_EQ(followers, (std::vector<std::string>{"000831.SZ", "600111.SH", "600392.SH", "601600.SH"}));
  EXPECT_LT(moves[0].first, 0);
}

// 每日经济新闻 2026-02-09 14:23: "稀土ETF(159713)盘中一度涨至3.61%,截至发稿涨幅为3.40%".
TEST_F(SeedMoves, Feb09EtfPeaks361AndShows340At1423) {
  const auto quotes = quotes_of(tape(), "159713.SZ", "2026-02-09");
  ASSERT_EQ(quotes.size(), 243U);
  std::int64_t peak = change(*quotes.front());
  for (const Quote* q : quotes) peak = std::max(peak, change(*q));
  EXPECT_EQ(peak, 361);
  EXPECT_EQ(change_centipct(*quotes.back()->prev_close, *quotes.back()->high), 361);
  EXPECT_EQ(change_at("159713.SZ", "2026-02-09", 14, 23), 340);
}

// "盛和资源涨停(10CM)": sealed at the 10% limit through the close.
TEST_F(SeedMoves, Feb09ShengheSealedAtLimitUp) {
  const Quote* close = close_of(tape(), "600392.SH", "2026-02-09");
  ASSERT_NE(close, nullptr);
  const Instrument* inst = registry().find(sym("600392.SH"));
  ASSERT_NE(inst, nullptr);
  const auto limits = price_limits(*inst, *close->prev_close, day("2026-02-09"));
  ASSERT_TRUE(limits.has_value());
  EXPECT_EQ(close->last, limits->up);
  EXPECT_EQ(limit_state(*limits, close->last), LimitState::LimitUp);
  EXPECT_EQ(close->last.format(2), "22.01");
  const Quote* at_report = quote_at(tape(), "600392.SH", "2026-02-09", 14, 23);
  ASSERT_NE(at_report, nullptr);
  EXPECT_EQ(at_report->last, limits->up);
}

// "北方稀土、中国稀土、云路股份等多只股票涨幅超过5%".
TEST_F(SeedMoves, Feb09LeadersAboveFivePercent) {
  for (std::string_view s : {"600111.SH", "000831.SZ", "688190.SH"}) {
    EXPECT_GT(change_at(s, "2026-02-09", 14, 23), 500) << s;
    EXPECT_GT(close_change(s, "2026-02-09"), 500) << s;
  }
}

// Nothing else in the tape hits a limit: the seeds report no other limit moves.
TEST_F(SeedMoves, OnlyShengheTouchesALimit) {
  for (const auto& tq : tape().quotes) {
    const Quote& q = tq.quote;
    const Instrument* inst = registry().find(q.symbol);
    ASSERT_NE(inst, nullptr);
    const auto limits = price_limits(*inst, *q.prev_close, exchange_date(q.ts));
    if (!limits || limit_state(*limits, q.last) == LimitState::None) continue;
    EXPECT_EQ(q.symbol, sym("600392.SH")) << format_timestamp(q.ts);
    EXPECT_EQ(exchange_date(q.ts), day("2026-02-09"));
  }
}

}  // namespace
}  // namespace lodestone::tapes_test
