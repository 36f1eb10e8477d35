#include "lodestone/core/limits.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace lodestone {
namespace {

Price p(const char* s) { return *Price::parse(s); }
Instrument inst(const char* sym) { return instrument_from_code(*Symbol::parse(sym)); }
const Date kFeb9 = make_date(2026, 2, 9);

TEST(Limits, BandsByBoard) {
  EXPECT_EQ(limit_pct(inst("600111.SH"), kFeb9), 10);
  EXPECT_EQ(limit_pct(inst("159713.SZ"), kFeb9), 10);
  EXPECT_EQ(limit_pct(inst("300748.SZ"), kFeb9), 20);
  EXPECT_EQ(limit_pct(inst("688190.SH"), kFeb9), 20);
  EXPECT_EQ(limit_pct(inst("430047.BJ"), kFeb9), 30);
  EXPECT_EQ(limit_pct(inst("930598.CSI"), kFeb9), std::nullopt);
}

TEST(Limits, MainBoardStIsDateAware) {
  auto st = inst("600392.SH");
  st.special_treatment = true;
  EXPECT_EQ(limit_pct(st, make_date(2026, 7, 3)), 5);
  EXPECT_EQ(limit_pct(st, make_date(2026, 7, 6)), 10);
  auto chinext_st = inst("300748.SZ");
  chinext_st.special_treatment = true;
  EXPECT_EQ(limit_pct(chinext_st, make_date(2026, 2, 9)), 20);
}

TEST(Limits, BeijingAndIndexCodesGetTheirBandWhateverTheForm) {
  for (const char* form : {"920118", "bj920118", "0.920118", "920118.BJ"}) {
    EXPECT_EQ(limit_pct(inst(form), kFeb9), 30) << form;
    auto l = price_limits(inst(form), p("10.00"), kFeb9);
    ASSERT_TRUE(l.has_value()) << form;
    EXPECT_EQ(l->up.format(2), "13.00");
    EXPECT_EQ(l->down.format(2), "7.00");
  }
  for (const char* form : {"930598", "2.930598", "000300.SH"}) {
    EXPECT_EQ(limit_pct(inst(form), kFeb9), std::nullopt) << form;
    EXPECT_FALSE(price_limits(inst(form), p("2504.26"), kFeb9).has_value()) << form;
    EXPECT_EQ(inst(form).tick_units(), 100) << form;  // 0.01
  }
  // An index is never banded, whatever board the reference data gives it.
  auto index = inst("930598.CSI");
  index.board = Board::Main;
  EXPECT_EQ(limit_pct(index, kFeb9), std::nullopt);
}

Instrument listed(const char* sym, Date day) {
  Instrument i = inst(sym);
  i.listed = day;
  return i;
}

// Registration-based IPOs: no band for the first five trading days (the listing day is day 1),
// counted on the exchange calendar; 2026-02-11 (Wed) listing: 02-11, 02-12, 02-13, then the
// Spring Festival closure (02-14 … 02-23), 02-24, 02-25; banded from 02-26.
TEST(Limits, NewListingsTradeWithoutABandForFiveTradingDays) {
  for (const char* sym : {"603000.SH", "001300.SZ", "301600.SZ", "688800.SH"}) {
    SCOPED_TRACE(sym);
    const auto i = listed(sym, make_date(2026, 2, 11));
    for (Date d : {make_date(2026, 2, 11), make_date(2026, 2, 13), make_date(2026, 2, 16), make_date(2026, 2, 24),
                   make_date(2026, 2, 25)})
      EXPECT_EQ(limit_pct(i, d), std::nullopt) << format_date(d);
    EXPECT_TRUE(limit_pct(i, make_date(2026, 2, 26)).has_value());
    EXPECT_FALSE(price_limits(i, p("20.00"), make_date(2026, 2, 25)).has_value());
    EXPECT_TRUE(price_limits(i, p("20.00"), make_date(2026, 2, 26)).has_value());
    EXPECT_TRUE(limit_pct(i, make_date(2026, 12, 31)).has_value());
  }
  EXPECT_EQ(limit_pct(listed("603000.SH", make_date(2026, 2, 11)), make_date(2026, 2, 26)), 10);
  EXPECT_EQ(limit_pct(listed("301600.SZ", make_date(2026, 2, 11)), make_date(2026, 2, 26)), 20);
  // Before it lists nothing trades: no band either.
  EXPECT_EQ(limit_pct(listed("603000.SH", make_date(2026, 2, 11)), make_date(2026, 2, 10)), std::nullopt);
}

TEST(Limits, ANewListingOnANonTradingDayCountsFromTheNextTradingDay) {
  // Listed (by the file) on Saturday 2026-03-07: day 1 is Monday 03-09, day 5 Friday 03-13.
  const auto i = listed("603000.SH", make_date(2026, 3, 7));
  EXPECT_EQ(limit_pct(i, make_date(2026, 3, 13)), std::nullopt);
  EXPECT_EQ(limit_pct(i, make_date(2026, 3, 16)), 10);
}

TEST(Limits, BseListingDayOnlyIsUnbanded) {
  const auto i = listed("920118.BJ", make_date(2026, 2, 11));
  EXPECT_EQ(limit_pct(i, make_date(2026, 2, 11)), std::nullopt);
  EXPECT_EQ(limit_pct(i, make_date(2026, 2, 12)), 30);
}

TEST(Limits, FundsKeepTheirBandOnTheListingDay) {
  EXPECT_EQ(limit_pct(listed("159713.SZ", make_date(2026, 2, 11)), make_date(2026, 2, 11)), 10);
}

TEST(Limits, StIsSettableAndFollowsTheJuly2026Change) {
  auto i = inst("600392.SH");
  EXPECT_EQ(limit_pct(i, make_date(2026, 7, 3)), 10);
  i.special_treatment = true;
  EXPECT_EQ(limit_pct(i, make_date(2026, 7, 3)), 5);
  auto l = price_limits(i, p("10.00"), make_date(2026, 7, 3));
  EXPECT_EQ(l->up.format(2), "10.50");
  EXPECT_EQ(l->down.format(2), "9.50");
  l = price_limits(i, p("10.00"), make_date(2026, 7, 6));
  EXPECT_EQ(l->up.format(2), "11.00");
  i.special_treatment = false;
  EXPECT_EQ(limit_pct(i, make_date(2026, 7, 3)), 10);
  // A new ST listing is still unbanded for its first days.
  i.special_treatment = true;
  i.listed = make_date(2026, 7, 1);
  EXPECT_EQ(limit_pct(i, make_date(2026, 7, 3)), std::nullopt);
}

TEST(Limits, RoundedHalfUpToTheTickAsTheExchangesDo) {
  // Checks from Tencent fields 47/48.
  auto l = price_limits(inst("600519.SH"), p("1419.00"), kFeb9);
  EXPECT_EQ(l->up.format(2), "1560.90");
  EXPECT_EQ(l->down.format(2), "1277.10");
  l = price_limits(inst("600021.SH"), p("15.34"), kFeb9);
  EXPECT_EQ(l->up.format(2), "16.87");    // 16.874
  EXPECT_EQ(l->down.format(2), "13.81");  // 13.806
  l = price_limits(inst("159713.SZ"), p("1.195"), kFeb9);
  EXPECT_EQ(l->up.format(3), "1.315");    // 1.3145 rounds half up
  EXPECT_EQ(l->down.format(3), "1.076");  // 1.0755 rounds half up
  l = price_limits(inst("300748.SZ"), p("33.33"), kFeb9);
  EXPECT_EQ(l->up.format(2), "40.00");    // 39.996
  EXPECT_EQ(l->down.format(2), "26.66");  // 26.664
}

TEST(Limits, AnAbsurdPreviousCloseNeitherOverflowsNorGetsABand) {
  // 9e12 CNY overflowed the 64-bit product once (UBSan caught it from a fuzzed Tencent line).
  auto l = price_limits(inst("600519.SH"), p("9000000000000.00"), kFeb9);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->up.format(2), "9900000000000.00");
  EXPECT_EQ(l->down.format(2), "8100000000000.00");
  // A close whose band would not fit a price has none.
  EXPECT_FALSE(price_limits(inst("600519.SH"), Price::from_units(std::numeric_limits<std::int64_t>::max() - 1), kFeb9));
}

TEST(Limits, DetectsLimitUpAndDown) {
  auto l = *price_limits(inst("600392.SH"), p("20.00"), kFeb9);
  EXPECT_EQ(limit_state(l, p("22.00")), LimitState::LimitUp);
  EXPECT_EQ(limit_state(l, p("21.99")), LimitState::None);
  EXPECT_EQ(limit_state(l, p("18.00")), LimitState::LimitDown);
  EXPECT_FALSE(price_limits(inst("600392.SH"), p("0"), kFeb9).has_value());
}

}  // namespace
}  // namespace lodestone
