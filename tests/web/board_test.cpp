// What the board sends for a quote (issue #14): each quote carries its own trading day and that
// day's 涨停/跌停 prices, so a page open across days never judges today's price by yesterday's band.
#include "lodestone/web/board.hpp"

#include <gtest/gtest.h>

#include <string>

#include "lodestone/core/instrument.hpp"
#include "quote_message.hpp"

namespace lodestone::web {
namespace {

Symbol sym(std::string_view s) { return *Symbol::parse(s); }
Price px(std::string_view text) { return *Price::parse(text); }

Quote quote(std::string_view symbol, Timestamp ts, std::string_view last, std::optional<std::string_view> prev) {
  Quote q;
  q.symbol = sym(symbol);
  q.ts = ts;
  q.last = px(last);
  if (prev) q.prev_close = px(*prev);
  return q;
}

// 2026-02-06 is a Friday, 2026-02-09 the Monday after.
Timestamp at(unsigned month, unsigned day, int hour, int minute) {
  return exchange_time(make_date(2026, month, day), hour, minute, 1, 411);
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

class BoardQuotes : public ::testing::Test {
 protected:
  BoardQuotes() : board(registry) {
    registry.add(instrument_from_code(sym("600392.SH"), "盛和资源"));
    registry.add(instrument_from_code(sym("159713.SZ"), "稀土ETF"));
    registry.add(instrument_from_code(sym("930598.CSI"), "稀土产业"));
    registry.add(instrument_from_code(sym("600111.SH"), "北方稀土"));
  }
  std::string latest(std::string_view symbol) { return *board.latest(sym(symbol))->json; }

  InstrumentRegistry registry;
  Board board;
};

TEST_F(BoardQuotes, AQuoteCarriesItsOwnDaysLimitsAfterTheCanonicalFields) {
  // 600392.SH: 02-06 closed at 20.01 over 19.82, so 02-09's band is 22.01/18.01, not 21.80/17.84.
  ASSERT_TRUE(board.update(quote("600392.SH", at(2, 6, 15, 0), "20.01", "19.82")));
  EXPECT_TRUE(
      latest("600392.SH")
          .ends_with(
              R"("last":20.01,"prev_close":19.82,"trading_day":"2026-02-06","limit_up":21.80,"limit_down":17.84})"))
      << latest("600392.SH");
  ASSERT_TRUE(board.update(quote("600392.SH", at(2, 9, 10, 42), "22.01", "20.01")));
  EXPECT_EQ(latest("600392.SH"),
            R"({"type":"quote","symbol":"600392.SH","ts":"2026-02-09T10:42:01.411+08:00","last":22.01,)"
            R"("prev_close":20.01,"trading_day":"2026-02-09","limit_up":22.01,"limit_down":18.01})");
}

TEST_F(BoardQuotes, LimitsKeepTheInstrumentsTickDigitsExactly) {
  // A fund ticks at 0.001: 1.000 × 1.1 is written 1.100, never 1.1 or 1.1000000000000001.
  ASSERT_TRUE(board.update(quote("159713.SZ", at(2, 9, 10, 0), "1.050", "1.000")));
  EXPECT_TRUE(contains(latest("159713.SZ"), R"("limit_up":1.100,"limit_down":0.900})")) << latest("159713.SZ");
  // Rounded half-up to the tick in integers: 1.441 × 1.1 = 1.5851, × 0.9 = 1.2969.
  ASSERT_TRUE(board.update(quote("159713.SZ", at(2, 9, 10, 1), "1.489", "1.441")));
  EXPECT_TRUE(contains(latest("159713.SZ"), R"("limit_up":1.585,"limit_down":1.297})")) << latest("159713.SZ");
}

TEST_F(BoardQuotes, NoBandIsNullNotAbsent) {
  ASSERT_TRUE(board.update(quote("930598.CSI", at(2, 9, 10, 0), "2345.67", "2300.00")));
  EXPECT_TRUE(latest("930598.CSI").ends_with(R"("trading_day":"2026-02-09","limit_up":null,"limit_down":null})"))
      << "an index has no band: " << latest("930598.CSI");
  ASSERT_TRUE(board.update(quote("600111.SH", at(2, 9, 10, 0), "51.22", std::nullopt)));
  EXPECT_TRUE(latest("600111.SH").ends_with(R"("limit_up":null,"limit_down":null})"))
      << "no previous close, no band: " << latest("600111.SH");
  // A symbol outside the registry still gets a well-formed message.
  const Quote outside = quote("000831.SZ", at(2, 9, 10, 0), "30.00", "29.00");
  EXPECT_FALSE(quote_limits(outside, nullptr, false));
  EXPECT_TRUE(quote_message(outside, nullptr, quote_limits(outside, nullptr, false))
                  .ends_with(R"("limit_up":null,"limit_down":null})"));
}

TEST_F(BoardQuotes, TheTradingDayIsTheOneWhosePricesTheQuoteCarries) {
  // Before 09:15 and on a weekend a source still shows the last session: its band applies.
  EXPECT_EQ(format_date(quote_trading_day(quote("600392.SH", at(2, 9, 9, 14), "20.01", "19.82"))), "2026-02-06");
  EXPECT_EQ(format_date(quote_trading_day(quote("600392.SH", at(2, 7, 11, 0), "20.01", "19.82"))), "2026-02-06");
  EXPECT_EQ(format_date(quote_trading_day(quote("600392.SH", at(2, 9, 9, 15), "20.31", "20.01"))), "2026-02-09");

  // The day decides the band where the rules change: main-board ST is ±5% through Friday
  // 2026-07-03 and ±10% from Monday 2026-07-06 on. Monday 08:00 still carries Friday's session.
  Instrument st = instrument_from_code(sym("600800.SH"), "*ST测试");
  st.special_treatment = true;
  const auto friday = quote_limits(quote("600800.SH", exchange_time(make_date(2026, 7, 6), 8, 0), "10.00", "10.00"),
                                   &st, st.special_treatment);
  ASSERT_TRUE(friday);
  EXPECT_EQ(friday->up.format(2), "10.50");
  const auto monday = quote_limits(quote("600800.SH", exchange_time(make_date(2026, 7, 6), 9, 30), "10.00", "10.00"),
                                   &st, st.special_treatment);
  ASSERT_TRUE(monday);
  EXPECT_EQ(monday->up.format(2), "11.00");
}

TEST_F(BoardQuotes, TheSnapshotRowsAndTheirQuotesAgreeOnTheBand) {
  ASSERT_TRUE(board.update(quote("600392.SH", at(2, 9, 10, 42), "22.01", "20.01")));
  ASSERT_TRUE(board.update(quote("930598.CSI", at(2, 9, 10, 42), "2345.67", "2300.00")));
  const std::string snap = board.snapshot_json(at(2, 9, 10, 43));
  EXPECT_TRUE(contains(snap, R"("price_decimals":2,"limit_up":22.01,"limit_down":18.01,"quote":{"type":"quote",)"
                             R"("symbol":"600392.SH")"))
      << snap;
  EXPECT_TRUE(contains(snap, R"("trading_day":"2026-02-09","limit_up":22.01,"limit_down":18.01}})")) << snap;
  // The index, and 159713.SZ and 600111.SH that have no quote yet: null, not absent.
  EXPECT_TRUE(contains(snap, R"("board":"index","price_decimals":2,"limit_up":null,"limit_down":null,"quote":{)"))
      << snap;
  EXPECT_TRUE(contains(snap, R"("symbol":"159713.SZ","name":"稀土ETF","type":"etf","board":"fund","price_decimals":3,)"
                             R"("limit_up":null,"limit_down":null,"quote":null})"))
      << snap;
}

// A quote is rendered when a reader first asks for its version, once, and shared by every reader
// after: the pipeline's 50,000 quotes a second must not each pay for JSON no client reads (#18).
TEST_F(BoardQuotes, RendersAQuoteOncePerVersionAndOnlyWhenRead) {
  for (int second = 0; second < 50; ++second)
    ASSERT_TRUE(board.update(quote("600392.SH", exchange_time(make_date(2026, 2, 9), 10, 42, second, 0),
                                   second % 2 == 0 ? "22.01" : "21.99", "20.01")));
  ASSERT_TRUE(board.update(quote("159713.SZ", at(2, 9, 10, 43), "1.050", "1.000")));
  EXPECT_EQ(board.renders(), 0U) << "no reader yet, nothing rendered";

  const auto first = board.changed_since(0);
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(board.renders(), 2U) << "only the latest version of each symbol";
  EXPECT_TRUE(contains(*first[0].json, R"("last":21.99,)")) << *first[0].json;
  EXPECT_EQ(first[0].version, 50U);

  // Every other reader of these versions shares the same rendering.
  const auto second = board.changed_since(0);
  EXPECT_EQ(board.renders(), 2U);
  EXPECT_EQ(second[0].json.get(), first[0].json.get());
  EXPECT_EQ(board.latest(sym("600392.SH"))->json.get(), first[0].json.get());
  EXPECT_TRUE(contains(board.snapshot_json(at(2, 9, 10, 44)), *first[1].json));
  EXPECT_EQ(board.renders(), 2U);

  // A new version is rendered again, once; an older quote changes nothing.
  ASSERT_TRUE(board.update(quote("600392.SH", at(2, 9, 10, 45), "22.00", "20.01")));
  EXPECT_FALSE(board.update(quote("600392.SH", at(2, 9, 10, 44), "22.05", "20.01")));
  const auto third = board.changed_since(first[1].version);
  ASSERT_EQ(third.size(), 1U);
  EXPECT_TRUE(contains(*third[0].json, R"("last":22.00,)")) << *third[0].json;
  EXPECT_NE(third[0].json.get(), first[0].json.get());
  EXPECT_EQ(board.renders(), 3U);
  EXPECT_EQ(board.latest(sym("600392.SH"))->limits->up.format(2), third[0].limits->up.format(2));
  EXPECT_EQ(board.renders(), 3U);
}

// The ST status a quote's band is computed under is the one its name (or an earlier name) gave
// when the quote arrived, even when it is rendered later.
TEST_F(BoardQuotes, ALaterRenderingKeepsTheStStatusOfItsQuote) {
  Quote named = quote("600392.SH", at(2, 9, 10, 0), "10.00", "10.00");
  named.name = "ST盛和";
  ASSERT_TRUE(board.update(named));
  ASSERT_TRUE(board.update(quote("600392.SH", at(2, 9, 10, 1), "10.10", "10.00")));  // no name: still ST
  EXPECT_TRUE(contains(latest("600392.SH"), R"("limit_up":10.50,"limit_down":9.50})")) << latest("600392.SH");
}

}  // namespace
}  // namespace lodestone::web
