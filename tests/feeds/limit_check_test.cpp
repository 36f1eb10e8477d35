// ST from the source's name and the source's limit prices against ours (issue #14), alone and
// through QuoteSanity. Main-board ST is ±5% until 2026-07-05 and ±10% from 2026-07-06.
#include "lodestone/feeds/limit_check.hpp"

#include <gtest/gtest.h>

#include "lodestone/feeds/quote_sanity.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::px;
using test::sym;

const Date kMar2 = make_date(2026, 3, 2);  // a Monday, ST still ±5%
const Date kMar3 = make_date(2026, 3, 3);
const Date kJul6 = make_date(2026, 7, 6);  // a Monday, ST ±10% from today

Quote quote(std::string_view symbol, Timestamp ts, std::string_view last, std::string_view prev_close,
            std::string name = {}) {
  Quote q;
  q.symbol = sym(symbol);
  q.ts = ts;
  q.last = px(last);
  q.prev_close = px(prev_close);
  q.volume = 100;
  q.name = std::move(name);
  return q;
}

TEST(StName, PrefixesThatMeanSpecialTreatment) {
  for (const char* st : {"ST中安", "*ST天马", "ST 中安", "*ST 天马", "* ST天马", " *ST天马", "S*ST前锋", "SST华新"}) {
    SCOPED_TRACE(st);
    EXPECT_EQ(special_treatment_in_name(st), std::optional<bool>(true));
  }
  for (const char* plain : {"北方稀土", "稀土ETF", "上海电力", "S前锋", "*天马", "XD北方稀"}) {
    SCOPED_TRACE(plain);
    EXPECT_EQ(special_treatment_in_name(plain), std::optional<bool>(false));
  }
  EXPECT_EQ(special_treatment_in_name(""), std::nullopt);
  EXPECT_EQ(special_treatment_in_name("  "), std::nullopt);
}

TEST(LimitCheck, AnStNameGivesAMainBoardStockTheStBandOfItsDay) {
  const Instrument plain = instrument_from_code(sym("600392.SH"), "盛和资源");
  LimitCheck check;
  const auto mar = check.observe(quote("600392.SH", exchange_time(kMar2, 10, 0), "10.00", "10.00", "*ST某某"), plain,
                                 px("10.00"), kMar2);
  ASSERT_TRUE(mar.ours.has_value());
  EXPECT_EQ(mar.ours->up, px("10.50"));
  EXPECT_EQ(mar.ours->down, px("9.50"));
  EXPECT_EQ(mar.special_treatment, std::optional<bool>(true));
  EXPECT_EQ(check.special_treatment(sym("600392.SH")), std::optional<bool>(true));
  // From 2026-07-06 main-board ST trades within ±10%, like the rest of the board.
  const auto jul = check.observe(quote("600392.SH", exchange_time(kJul6, 10, 0), "10.00", "10.00", "*ST某某"), plain,
                                 px("10.00"), kJul6);
  ASSERT_TRUE(jul.ours.has_value());
  EXPECT_EQ(jul.ours->up, px("11.00"));
  EXPECT_EQ(jul.ours->down, px("9.00"));
  EXPECT_FALSE(jul.special_treatment.has_value()) << "reported once, when it changed";
}

TEST(LimitCheck, StIsSetAndClearedByTheNameAndQuotesWithoutANameChangeNothing) {
  Instrument st = instrument_from_code(sym("600392.SH"), "*ST盛和");
  st.special_treatment = true;  // the universe file says ST
  LimitCheck check;
  const Timestamp t = exchange_time(kMar2, 10, 0);
  // No name: the registry's flag stands, ±5%.
  auto a = check.observe(quote("600392.SH", t, "10.00", "10.00"), st, px("10.00"), kMar2);
  EXPECT_FALSE(a.special_treatment.has_value());
  EXPECT_EQ(a.ours->up, px("10.50"));
  // The name lost its prefix (摘帽): cleared, ±10%, reported once.
  auto b = check.observe(quote("600392.SH", t, "10.00", "10.00", "盛和资源"), st, px("10.00"), kMar2);
  EXPECT_EQ(b.special_treatment, std::optional<bool>(false));
  EXPECT_EQ(b.ours->up, px("11.00"));
  auto c = check.observe(quote("600392.SH", t, "10.00", "10.00", "盛和资源"), st, px("10.00"), kMar2);
  EXPECT_FALSE(c.special_treatment.has_value());
  // A later quote without a name keeps what the last name said.
  auto d = check.observe(quote("600392.SH", t, "10.00", "10.00"), st, px("10.00"), kMar2);
  EXPECT_FALSE(d.special_treatment.has_value());
  EXPECT_EQ(d.ours->up, px("11.00"));
  // ST again.
  auto e = check.observe(quote("600392.SH", t, "10.00", "10.00", "ST盛和"), st, px("10.00"), kMar2);
  EXPECT_EQ(e.special_treatment, std::optional<bool>(true));
  EXPECT_EQ(e.ours->up, px("10.50"));
}

TEST(LimitCheck, SourceLimitsAgreeingWithOursAreNoMismatch) {
  const Instrument power = instrument_from_code(sym("600021.SH"), "上海电力");
  LimitCheck check;
  Quote q = quote("600021.SH", exchange_time(kMar2, 10, 15), "15.80", "15.34", "上海电力");
  q.source_limit_up = px("16.87");
  q.source_limit_down = px("13.81");
  const auto found = check.observe(q, power, q.prev_close, kMar2);
  EXPECT_FALSE(found.mismatch.has_value());
  const Instrument moutai = instrument_from_code(sym("600519.SH"), "贵州茅台");
  Quote m = quote("600519.SH", exchange_time(kMar2, 10, 15), "1445.50", "1419.00", "贵州茅台");
  m.source_limit_up = px("1560.90");
  m.source_limit_down = px("1277.10");
  EXPECT_FALSE(check.observe(m, moutai, m.prev_close, kMar2).mismatch.has_value());
}

TEST(LimitCheck, AMismatchIsReportedEveryQuoteAndFirstOncePerSymbolPerDay) {
  const Instrument power = instrument_from_code(sym("600021.SH"), "上海电力");
  LimitCheck check;
  // An ex-rights day: the source's band comes from the adjusted close 15.34, ours from 15.50.
  Quote q = quote("600021.SH", exchange_time(kMar2, 10, 15), "15.80", "15.50", "上海电力");
  q.source_limit_up = px("16.87");
  q.source_limit_down = px("13.81");
  const auto first = check.observe(q, power, q.prev_close, kMar2);
  ASSERT_TRUE(first.mismatch.has_value());
  EXPECT_TRUE(first.mismatch->first_today);
  EXPECT_EQ(first.mismatch->ours.up, px("17.05"));
  EXPECT_EQ(first.mismatch->ours.down, px("13.95"));
  EXPECT_EQ(first.mismatch->source_up, px("16.87"));
  EXPECT_EQ(first.mismatch->prev_close, px("15.50"));
  const auto again = check.observe(q, power, q.prev_close, kMar2);
  ASSERT_TRUE(again.mismatch.has_value());
  EXPECT_FALSE(again.mismatch->first_today);
  // Another symbol is its own first.
  const Instrument moutai = instrument_from_code(sym("600519.SH"), "贵州茅台");
  Quote m = quote("600519.SH", exchange_time(kMar2, 10, 15), "1445.50", "1419.00");
  m.source_limit_up = px("1560.91");  // one side differing is enough
  const auto other = check.observe(m, moutai, m.prev_close, kMar2);
  ASSERT_TRUE(other.mismatch.has_value());
  EXPECT_TRUE(other.mismatch->first_today);
  // The next trading day reports it first again.
  q.ts = exchange_time(kMar3, 9, 31);
  const auto next_day = check.observe(q, power, q.prev_close, kMar3);
  ASSERT_TRUE(next_day.mismatch.has_value());
  EXPECT_TRUE(next_day.mismatch->first_today);
}

TEST(LimitCheck, AnStSourceBandAgreesOnceTheNameIsRead) {
  // The source already applies ST's ±5% (15.34 -> 16.11 / 14.57); the universe does not know.
  const Instrument power = instrument_from_code(sym("600021.SH"), "上海电力");
  Quote q = quote("600021.SH", exchange_time(kMar2, 10, 15), "15.80", "15.34");
  q.source_limit_up = px("16.11");
  q.source_limit_down = px("14.57");
  LimitCheck nameless;
  EXPECT_TRUE(nameless.observe(q, power, q.prev_close, kMar2).mismatch.has_value());
  LimitCheck named;
  q.name = "*ST电力";
  EXPECT_FALSE(named.observe(q, power, q.prev_close, kMar2).mismatch.has_value());
}

TEST(LimitCheck, AccountCountsEveryMismatchAndLogsTheFirstOfTheDay) {
  const Instrument power = instrument_from_code(sym("600021.SH"), "上海电力");
  LimitCheck check;
  FeedStatus status("tencent", "tencent");
  Quote q = quote("600021.SH", exchange_time(kMar2, 10, 15), "15.80", "15.50", "ST电力");
  q.source_limit_up = px("16.87");
  q.source_limit_down = px("13.81");
  const auto first = account(check.observe(q, power, q.prev_close, kMar2), q, status);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_NE(first[0].find("600021.SH is under special treatment, by its name 'ST电力'"), std::string::npos) << first[0];
  EXPECT_NE(first[1].find("600021.SH: the source's limits 16.87 / 13.81 differ from ours 16.28 / 14.73 (previous "
                          "close 15.50)"),
            std::string::npos)
      << first[1];
  EXPECT_TRUE(account(check.observe(q, power, q.prev_close, kMar2), q, status).empty());
  EXPECT_TRUE(account(check.observe(q, power, q.prev_close, kMar2), q, status).empty());
  EXPECT_EQ(status.view().limit_mismatches, (std::map<std::string, std::uint64_t>{{"600021.SH", 3}}));
  EXPECT_TRUE(status.view().errors.empty()) << "a mismatch is not an error of the feed";
}

class StSanity : public ::testing::Test {
 protected:
  StSanity() { reg_.add(instrument_from_code(sym("600392.SH"), "盛和资源")); }
  InstrumentRegistry reg_;
};

TEST_F(StSanity, AStarStNamedQuoteGetsFivePercentOnMarch2AndTenOnJuly6) {
  QuoteSanity s(&reg_);
  const Timestamp mar = exchange_time(kMar2, 10, 15);
  // +6%: outside ST's ±5% on 2026-03-02.
  const auto r = s.check(quote("600392.SH", mar, "10.60", "10.00", "*ST某某"), mar);
  EXPECT_EQ(r.reason(), "outside_limit_band");
  EXPECT_EQ(r.limits.special_treatment, std::optional<bool>(true)) << "the name is read before the verdict";
  EXPECT_EQ(s.check(quote("600392.SH", mar, "10.50", "10.00", "*ST某某"), mar).verdict, Verdict::Accept);
  // Without the name the registry's plain ±10% applies.
  QuoteSanity plain(&reg_);
  EXPECT_EQ(plain.check(quote("600392.SH", mar, "10.60", "10.00"), mar).verdict, Verdict::Accept);
  // On 2026-07-06 the same +6% is inside ST's new ±10%; +11% is not.
  QuoteSanity jul(&reg_);
  const Timestamp t = exchange_time(kJul6, 10, 15);
  EXPECT_EQ(jul.check(quote("600392.SH", t, "10.60", "10.00", "*ST某某"), t).verdict, Verdict::Accept);
  EXPECT_EQ(jul.check(quote("600392.SH", Timestamp{t.ms + 1000}, "11.10", "10.00", "*ST某某"), t).reason(),
            "outside_limit_band");
}

TEST_F(StSanity, TheNameLearnedStaysForLaterQuotesWithoutOne) {
  QuoteSanity s(&reg_);
  const Timestamp t = exchange_time(kMar2, 10, 15);
  ASSERT_EQ(s.check(quote("600392.SH", t, "10.10", "10.00", "ST某某"), t).verdict, Verdict::Accept);
  EXPECT_EQ(s.check(quote("600392.SH", Timestamp{t.ms + 1000}, "10.60", "10.00"), t).reason(), "outside_limit_band");
  s.reset();  // a reconnect renames nothing
  EXPECT_EQ(s.check(quote("600392.SH", Timestamp{t.ms + 2000}, "10.60", "10.00"), t).reason(), "outside_limit_band");
}

TEST_F(StSanity, ARejectedQuoteStillCarriesTheMismatch) {
  QuoteSanity s(&reg_);
  const Timestamp t = exchange_time(kMar2, 10, 15);
  // Our previous close is wrong (not adjusted for the ex-rights day): the source's band is right
  // and its last, inside it, is outside ours.
  Quote q = quote("600392.SH", t, "9.00", "10.20");
  q.source_limit_up = px("10.34");
  q.source_limit_down = px("8.46");
  const auto r = s.check(q, t);
  EXPECT_EQ(r.reason(), "outside_limit_band");
  ASSERT_TRUE(r.limits.mismatch.has_value());
  EXPECT_EQ(r.limits.mismatch->ours.down, px("9.18"));
}

TEST_F(StSanity, APreviousCloseBeyondAnyBandIsABadPrice) {
  // 9e12 CNY would overflow the band's 64-bit arithmetic; no share trades near it.
  QuoteSanity s(&reg_);
  const Timestamp t = exchange_time(kMar2, 10, 15);
  const auto r = s.check(quote("600392.SH", t, "10.00", "9000000000000"), t);
  EXPECT_EQ(r.reason(), "bad_price");
  EXPECT_TRUE(r.limits.prev_close_out_of_range);
  EXPECT_EQ(s.check(quote("600392.SH", t, "10.00", "10000000"), t).reason(), "outside_limit_band");
}

}  // namespace
}  // namespace lodestone::feeds
