// POST /api/v1/ingest's quotes through the feeds' sanity checks (issue #14), at injected times:
// each reason is the refusal's code and named in its message; the bus's own checks keep theirs.
#include "lodestone/app/ingest_checks.hpp"

#include <gtest/gtest.h>

namespace lodestone::app {
namespace {

Symbol sym(std::string_view s) { return *Symbol::parse(s); }
Price px(std::string_view s) { return *Price::parse(s); }

const Date kMon = make_date(2026, 2, 9);  // a trading Monday
const Timestamp k1015 = exchange_time(kMon, 10, 15);

Quote quote(Timestamp ts, std::string_view last, std::string_view symbol = "159713.SZ") {
  Quote q;
  q.symbol = sym(symbol);
  q.ts = ts;
  q.last = px(last);
  q.prev_close = px("1.190");  // 159713's band: 1.071 - 1.309
  q.volume = 100;
  return q;
}

class IngestChecksTest : public ::testing::Test {
 protected:
  IngestChecksTest() {
    registry_.add(instrument_from_code(sym("159713.SZ"), "稀土ETF"));
    registry_.add(instrument_from_code(sym("600021.SH"), "上海电力"));
  }
  // The refusal's code, or "ok".
  std::string refused(const Quote& q, Timestamp now) {
    const auto v = checks_.check(q, now);
    return v.status ? "ok" : std::string(to_string(v.status.error().code));
  }
  InstrumentRegistry registry_;
  feeds::FeedStatus status_{"ingest", "http"};
  IngestChecks checks_{registry_, status_};
};

TEST_F(IngestChecksTest, AGoodQuoteIsTaken) {
  const auto v = checks_.check(quote(k1015, "1.233"), k1015);
  EXPECT_TRUE(v.status);
  EXPECT_FALSE(v.flag.has_value());
  EXPECT_TRUE(v.log.empty());
}

TEST_F(IngestChecksTest, OutsideTheLimitBandIsRefusedAndSaysSo) {
  const auto v = checks_.check(quote(k1015, "1.310"), k1015);
  ASSERT_FALSE(v.status);
  EXPECT_EQ(v.status.error().code, ErrorCode::outside_limit_band);
  EXPECT_EQ(v.status.error().message, "outside_limit_band: 159713.SZ: last 1.31 outside 1.071–1.309");
  EXPECT_EQ(refused(quote(k1015, "1.070"), k1015), "outside_limit_band");
  EXPECT_EQ(refused(quote(k1015, "1.309"), k1015), "ok");
}

TEST_F(IngestChecksTest, ACrossedBookIsRefusedInContinuousTradingOnly) {
  Quote crossed = quote(k1015, "1.233");
  crossed.bid = px("1.235");
  crossed.ask = px("1.234");
  EXPECT_EQ(refused(crossed, k1015), "crossed_book");
  // In the opening call both sides show the indicative price: normal.
  crossed.ts = exchange_time(kMon, 9, 20);
  EXPECT_EQ(refused(crossed, k1015), "ok");
}

TEST_F(IngestChecksTest, StaleAndFutureQuotesAreRefused) {
  EXPECT_EQ(refused(quote(exchange_time(make_date(2026, 2, 5), 15, 0), "1.2"), k1015), "stale");
  // Two minutes ahead: within the bus's tolerance, past the feeds' 60 s.
  EXPECT_EQ(refused(quote(Timestamp{k1015.ms + 120'000}, "1.2"), k1015), "future_timestamp");
  EXPECT_EQ(refused(quote(Timestamp{k1015.ms + 3'600'000}, "1.2"), k1015), "future_timestamp");
}

TEST_F(IngestChecksTest, TheBusChecksComeFirstAndKeepTheirCodes) {
  EXPECT_EQ(refused(quote(Timestamp{631'152'000'000}, "1.2"), k1015), "far_past") << "not stale";
  EXPECT_EQ(refused(quote(k1015, "1.2", "600000.SH"), k1015), "unknown_symbol") << "refused, not flagged";
  Quote zero = quote(k1015, "1.2");
  zero.open = Price::from_units(0);
  EXPECT_EQ(refused(zero, k1015), "non_positive_price");
}

TEST_F(IngestChecksTest, OrderAndDuplicatesAreTheFeedsRules) {
  ASSERT_EQ(refused(quote(k1015, "1.233"), k1015), "ok");
  EXPECT_EQ(refused(quote(k1015, "1.233"), k1015), "duplicate");
  EXPECT_EQ(refused(quote(Timestamp{k1015.ms - 1000}, "1.232"), k1015), "out_of_order");
  EXPECT_EQ(refused(quote(Timestamp{k1015.ms + 1000}, "1.234"), Timestamp{k1015.ms + 1000}), "ok");
}

TEST_F(IngestChecksTest, FlagsAreTakenWithTheirCode) {
  Quote locked = quote(k1015, "1.233");
  locked.bid = px("1.233");
  locked.ask = px("1.233");
  const auto v = checks_.check(locked, k1015);
  EXPECT_TRUE(v.status);
  EXPECT_EQ(v.flag, std::optional<ErrorCode>(ErrorCode::locked_book));
}

TEST_F(IngestChecksTest, SourceLimitsAreCrossCheckedAndCountedBySymbol) {
  Quote q = quote(k1015, "15.80", "600021.SH");
  q.prev_close = px("15.50");  // the source's band is from 15.34: an ex-rights day we missed
  q.source_limit_up = px("16.87");
  q.source_limit_down = px("13.81");
  const auto first = checks_.check(q, k1015);
  EXPECT_TRUE(first.status);
  ASSERT_EQ(first.log.size(), 1u);
  EXPECT_NE(first.log[0].find("600021.SH: the source's limits 16.87 / 13.81 differ from ours 17.05 / 13.95"),
            std::string::npos)
      << first.log[0];
  q.ts = Timestamp{k1015.ms + 1000};
  EXPECT_TRUE(checks_.check(q, q.ts).log.empty()) << "logged once a day";
  EXPECT_EQ(status_.view().limit_mismatches, (std::map<std::string, std::uint64_t>{{"600021.SH", 2}}));
}

TEST_F(IngestChecksTest, AnStNameNarrowsTheBandUntilJuly) {
  const Date mar2 = make_date(2026, 3, 2);
  Quote q = quote(exchange_time(mar2, 10, 15), "16.30", "600021.SH");
  q.prev_close = px("15.34");
  q.name = "*ST电力";
  const auto v = checks_.check(q, q.ts);
  ASSERT_FALSE(v.status);
  EXPECT_EQ(v.status.error().code, ErrorCode::outside_limit_band);  // ±5%: 14.57 - 16.11
  ASSERT_EQ(v.log.size(), 1u);
  EXPECT_NE(v.log[0].find("600021.SH is under special treatment"), std::string::npos) << v.log[0];
}

TEST_F(IngestChecksTest, AReplayKeepingEventTimeChecksEachQuoteAtItsOwnTime) {
  // A tape's day posted in December: stale on the wall clock, its own "today" in event time.
  const Timestamp december = exchange_time(make_date(2026, 12, 4), 10, 0);
  EXPECT_EQ(refused(quote(k1015, "1.233"), december), "stale");
  IngestChecks replay(registry_, status_, /*event_time=*/true);
  EXPECT_TRUE(replay.check(quote(k1015, "1.233"), december).status);
  // The band, the book and the order still apply.
  const auto band = replay.check(quote(Timestamp{k1015.ms + 1000}, "1.310"), december);
  ASSERT_FALSE(band.status);
  EXPECT_EQ(band.status.error().code, ErrorCode::outside_limit_band);
  Quote crossed = quote(Timestamp{k1015.ms + 2000}, "1.233");
  crossed.bid = px("1.235");
  crossed.ask = px("1.234");
  const auto book = replay.check(crossed, december);
  ASSERT_FALSE(book.status);
  EXPECT_EQ(book.status.error().code, ErrorCode::crossed_book);
  const auto older = replay.check(quote(Timestamp{k1015.ms - 1000}, "1.232"), december);
  ASSERT_FALSE(older.status);
  EXPECT_EQ(older.status.error().code, ErrorCode::out_of_order);
}

}  // namespace
}  // namespace lodestone::app
