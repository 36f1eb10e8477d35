#include "lodestone/core/limits.hpp"

#include <gtest/gtest.h>

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

TEST(Limits, DetectsLimitUpAndDown) {
  auto l = *price_limits(inst("600392.SH"), p("20.00"), kFeb9);
  EXPECT_EQ(limit_state(l, p("22.00")), LimitState::LimitUp);
  EXPECT_EQ(limit_state(l, p("21.99")), LimitState::None);
  EXPECT_EQ(limit_state(l, p("18.00")), LimitState::LimitDown);
  EXPECT_FALSE(price_limits(inst("600392.SH"), p("0"), kFeb9).has_value());
}

}  // namespace
}  // namespace lodestone
