#include <gtest/gtest.h>

#include "lodestone/feeds/quote_sanity.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::px;
using test::sym;

Quote quote(std::string_view s, Timestamp ts, std::string_view last, std::int64_t volume = 100) {
  Quote q;
  q.symbol = sym(s);
  q.ts = ts;
  q.last = px(last);
  q.prev_close = px("1.190");
  q.volume = volume;
  return q;
}

class Sanity : public ::testing::Test {
 protected:
  Sanity() { reg_.add(instrument_from_code(sym("159713.SZ"), "稀土ETF")); }
  InstrumentRegistry reg_;
  const Date mon_ = make_date(2026, 2, 9);  // a trading Monday
  const Timestamp at_1015_ = exchange_time(mon_, 10, 15);
};

TEST_F(Sanity, AcceptsAFreshQuoteInsideTheBand) {
  QuoteSanity s(&reg_);
  EXPECT_EQ(s.check(quote("159713.SZ", at_1015_, "1.233"), at_1015_).verdict, Verdict::Accept);
}

// Issue #14: a new listing's first days are its most volatile and have no band: a first-day
// +150% is accepted; the same move once the band applies is rejected.
TEST_F(Sanity, ANewListingIsNotHeldToABandOnItsFirstDays) {
  Instrument ipo = instrument_from_code(sym("603999.SH"), "沪市新股");
  ipo.listed = mon_;
  reg_.add(ipo);
  QuoteSanity s(&reg_);
  Quote q = quote("603999.SH", at_1015_, "2.975");  // issue price 1.190 → +150%
  EXPECT_EQ(s.check(q, at_1015_).verdict, Verdict::Accept);
  // Days 1-5 are 02-09 … 02-13; after the Spring Festival closure 02-24 is day 6, banded.
  const Timestamp day6 = exchange_time(make_date(2026, 2, 24), 10, 15);
  q.ts = day6;
  QuoteSanity fresh(&reg_);
  EXPECT_EQ(fresh.check(q, day6).reason(), "outside_limit_band");
  q.ts = exchange_time(make_date(2026, 2, 13), 10, 15);  // day 5
  QuoteSanity day5(&reg_);
  EXPECT_EQ(day5.check(q, q.ts).verdict, Verdict::Accept);
}

TEST_F(Sanity, RejectsEachKindOfBadQuoteWithItsReason) {
  QuoteSanity s(&reg_);
  const Timestamp now = at_1015_;
  EXPECT_EQ(s.check(quote("159713.SZ", now, "0"), now).reason(), "non_positive_price");
  EXPECT_EQ(s.check(quote("159713.SZ", now, "-1.2"), now).reason(), "non_positive_price");
  EXPECT_EQ(s.check(quote("159713.SZ", now, "1.310"), now).reason(), "outside_limit_band");  // limit-up is 1.309
  EXPECT_EQ(s.check(quote("159713.SZ", now, "1.070"), now).reason(), "outside_limit_band");
  EXPECT_EQ(s.check(quote("159713.SZ", Timestamp{now.ms + 3600'000}, "1.2"), now).reason(), "future_timestamp");
  EXPECT_EQ(s.check(quote("159713.SZ", exchange_time(make_date(2026, 2, 5), 15, 0), "1.2"), now).reason(), "stale");
  ASSERT_EQ(s.check(quote("159713.SZ", now, "1.233", 500), now).verdict, Verdict::Accept);
  EXPECT_EQ(s.check(quote("159713.SZ", now, "1.233", 500), now).reason(), "duplicate");
  EXPECT_EQ(s.check(quote("159713.SZ", Timestamp{now.ms - 3000}, "1.232", 400), now).reason(), "out_of_order");
  EXPECT_EQ(s.check(quote("159713.SZ", Timestamp{now.ms + 3000}, "1.232", 400), now).reason(), "out_of_order");
  EXPECT_EQ(s.check(quote("159713.SZ", Timestamp{now.ms + 3000}, "1.234", 600), now).verdict, Verdict::Accept);
}

TEST_F(Sanity, BeforeTheOpenTheLastCloseIsCurrent) {
  QuoteSanity s(&reg_);
  const Timestamp tue_0900 = exchange_time(make_date(2026, 2, 10), 9, 0);
  EXPECT_EQ(s.check(quote("159713.SZ", exchange_time(mon_, 15, 0), "1.2"), tue_0900).verdict, Verdict::Accept);
  // After the Spring Festival closure (Feb 16-23), Tuesday Feb 24 09:00 still shows Friday Feb 13's close.
  const Timestamp feb24_0900 = exchange_time(make_date(2026, 2, 24), 9, 0);
  QuoteSanity s2(&reg_);
  EXPECT_EQ(s2.check(quote("159713.SZ", exchange_time(make_date(2026, 2, 13), 15, 0), "1.2"), feb24_0900).verdict,
            Verdict::Accept);
  EXPECT_EQ(s2.check(quote("159713.SZ", exchange_time(make_date(2026, 2, 13), 14, 59), "1.2"), feb24_0900).reason(),
            "out_of_order");
  QuoteSanity s3(&reg_);
  EXPECT_EQ(s3.check(quote("159713.SZ", exchange_time(make_date(2026, 2, 12), 15, 0), "1.2"), feb24_0900).reason(),
            "stale");
}

TEST_F(Sanity, CrossedBookIsRefusedInContinuousTradingOnly) {
  QuoteSanity s(&reg_);
  Quote q = quote("159713.SZ", at_1015_, "1.233");
  q.bid = px("1.234");
  q.ask = px("1.233");
  auto r = s.check(q, at_1015_);
  EXPECT_EQ(r.verdict, Verdict::Reject);
  EXPECT_EQ(r.reason(), "crossed_book");
  Quote auction = quote("159713.SZ", exchange_time(mon_, 9, 20), "1.233");
  auction.bid = px("1.234");
  auction.ask = px("1.233");
  QuoteSanity s2(&reg_);
  EXPECT_EQ(s2.check(auction, at_1015_).verdict, Verdict::Accept);
  SanityOptions lenient;
  lenient.reject_crossed = false;
  QuoteSanity flag_only(&reg_, lenient);
  r = flag_only.check(q, at_1015_);
  EXPECT_EQ(r.verdict, Verdict::Flag);
  EXPECT_EQ(r.reason(), "crossed_book");
}

TEST_F(Sanity, UnknownSymbolsAreFlaggedNotRejected) {
  QuoteSanity s(&reg_);
  auto r = s.check(quote("600111.SH", at_1015_, "40.00"), at_1015_);
  EXPECT_EQ(r.verdict, Verdict::Flag);
  EXPECT_EQ(r.reason(), "unknown_symbol");
  QuoteSanity no_registry(nullptr);
  EXPECT_EQ(no_registry.check(quote("600111.SH", at_1015_, "40.00"), at_1015_).verdict, Verdict::Accept);
}

}  // namespace
}  // namespace lodestone::feeds
