// Sina and Tencent text answers, from the real formats in docs/market-data.md#sina and #tencent.
#include <gtest/gtest.h>

#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/sina.hpp"
#include "lodestone/feeds/tencent.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::find;
using test::px;
using test::read_fixture;
using test::sym;

TEST(Sina, GbkAnswerDecodesAndParsesEveryField) {
  const std::string gbk = read_fixture("sina_quotes.gbk.txt");
  auto decoded = to_utf8(gbk, Charset::Gb18030);
  EXPECT_EQ(decoded.invalid, 0u);
  EXPECT_EQ(decoded.text, read_fixture("sina_quotes.utf8.txt"));
  QuoteBatch b;
  parse_sina(decoded.text, b);
  EXPECT_TRUE(b.problems.empty()) << b.problems[0].reason() << ": " << b.problems[0].detail;
  ASSERT_EQ(b.quotes.size(), 4u);

  const Quote* q = find(b, "600000.SH");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->open, px("6.83"));
  EXPECT_EQ(q->prev_close, px("6.78"));
  EXPECT_EQ(q->last, px("6.94"));
  EXPECT_EQ(q->high, px("6.98"));
  EXPECT_EQ(q->low, px("6.83"));
  EXPECT_EQ(q->bid, px("6.94"));
  EXPECT_EQ(q->ask, px("6.95"));
  EXPECT_EQ(q->volume, 40237053);  // shares, field 8
  EXPECT_EQ(q->turnover, px("277525770"));
  EXPECT_EQ(format_timestamp(q->ts), "2022-11-11T15:00:00.000+08:00");

  const Quote* etf = find(b, "159713.SZ");
  ASSERT_NE(etf, nullptr);
  EXPECT_EQ(etf->last, px("1.233"));
  EXPECT_EQ(etf->turnover, px("120456789.12"));
  EXPECT_EQ(format_timestamp(etf->ts), "2026-02-09T10:15:03.000+08:00");
}

TEST(Sina, UnknownCodeIsAnEmptyStringAndNoTradeUsesPrevClose) {
  QuoteBatch b;
  parse_sina(read_fixture("sina_quotes.utf8.txt"), b);
  ASSERT_EQ(b.unknown.size(), 1u);
  EXPECT_EQ(b.unknown[0], "sz160923");
  ASSERT_EQ(b.no_trade.size(), 1u);
  EXPECT_EQ(b.no_trade[0], sym("162415.SZ"));
  const Quote* q = find(b, "162415.SZ");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->last, px("1.074"));  // the previous close stands in
  EXPECT_FALSE(q->open.has_value());
  EXPECT_FALSE(q->high.has_value());
  EXPECT_EQ(q->volume, 0);
  EXPECT_EQ(q->bid, px("1.053"));  // the book can be populated before the first trade
}

TEST(Sina, MalformedStatementsAreCountedAndSkipped) {
  const std::string text =
      "var hq_str_sh600111=\"北方稀土,40.10,40.00,41.00,41.20,40.00,41.00,41.01,100,4100,"
      "1,41,1,41,1,41,1,41,1,41,1,41,1,41,1,41,1,41,1,41,2026-02-09,10:00:00,00\";\n"
      "var hq_str_sh600392=\"盛和资源,1,2,3\";\n"  // too few fields
      "var hq_str_sh600549=\"厦门钨业,abc,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
      "2026-02-09,10:00:00,00\";\n"  // open not a number
      "var hq_str_sh600010=\"包钢股份,1,2,-3,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
      "2026-02-09,10:00:00,00\";\n"  // negative last
      "var hq_str_sh600259=\"广晟有色,1,2,3,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
      "2026-02-30x,10:00:00,00\";\n"  // bad date
      "Kinsoku jikou desu!\n"
      "var hq_str_sh600366=\"宁波韵升,1,2,3,4";  // cut off
  QuoteBatch b;
  parse_sina(text, b);
  ASSERT_EQ(b.quotes.size(), 1u);
  EXPECT_EQ(b.quotes[0].symbol, sym("600111.SH"));
  std::vector<std::string> reasons;
  for (const auto& p : b.problems) reasons.emplace_back(p.reason());
  EXPECT_EQ(reasons,
            (std::vector<std::string>{"short_line", "bad_price", "bad_price", "bad_time", "bad_line", "truncated"}));
  EXPECT_FALSE(b.problems[0].sample.empty());
}

// Issue #14: the vendor prefix is checked as Symbol::parse checks it: bj920118 is a BSE stock,
// sh000300 CSI 300, and a CSI thematic index under sh (never requested) is refused, not a stock.
TEST(Sina, PrefixedCodesAreCheckedAsSymbolParseChecksThem) {
  const std::string tail = ",1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2026-02-09,10:00:00,00\";\n";
  const std::string text = "var hq_str_bj920118=\"某北交所股,12,12,13,13,12" + tail +
                           "var hq_str_sh000300=\"沪深300,4700,4690,4701,4710,4690" + tail +
                           "var hq_str_sh930598=\"稀土产业,2500,2504,2501,2510,2490" + tail;
  QuoteBatch b;
  parse_sina(text, b);
  ASSERT_EQ(b.quotes.size(), 2u);
  EXPECT_EQ(b.quotes[0].symbol, *Symbol::parse("920118"));
  EXPECT_EQ(b.quotes[1].symbol, sym("000300.SH"));
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].reason(), "bad_code");
  EXPECT_NE(b.problems[0].detail.find("930598 is a CSI index"), std::string::npos) << b.problems[0].detail;
}

TEST(Tencent, GbkAnswerDecodesAndConvertsUnits) {
  auto decoded = to_utf8(read_fixture("tencent_quotes.gbk.txt"), Charset::Gb18030);
  EXPECT_EQ(decoded.text, read_fixture("tencent_quotes.utf8.txt"));
  QuoteBatch b;
  parse_tencent(decoded.text, b);
  // Delisted 600472: every price 0.00, no previous close either -> no price at all.
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].reason(), "no_price");
  ASSERT_EQ(b.quotes.size(), 2u);

  const Quote* q = find(b, "600519.SH");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->last, px("1445.50"));
  EXPECT_EQ(q->prev_close, px("1419.00"));
  EXPECT_EQ(q->open, px("1413.10"));
  EXPECT_EQ(q->high, px("1450.00"));
  EXPECT_EQ(q->low, px("1413.10"));
  EXPECT_EQ(q->volume, 2086200);             // 20862 lots
  EXPECT_EQ(q->turnover, px("2991697134"));  // field 35's exact CNY amount
  EXPECT_EQ(q->bid, px("1445.34"));
  EXPECT_EQ(q->ask, px("1445.50"));
  EXPECT_EQ(format_timestamp(q->ts), "2026-04-24T10:21:19.000+08:00");

  const Quote* etf = find(b, "159713.SZ");
  ASSERT_NE(etf, nullptr);
  EXPECT_EQ(etf->last, px("1.233"));
  EXPECT_EQ(etf->volume, 98765400);

  ASSERT_EQ(b.unknown.size(), 1u);
  EXPECT_EQ(b.unknown[0], "pv_none_match");
  EXPECT_EQ(find(b, "600472.SH"), nullptr);
}

TEST(Tencent, AmountInTenThousandsWhenFieldThirtyFiveHasNoAmount) {
  std::string line = "v_sz159713=\"51~稀土ETF~159713~1.233~1.190~1.180~100~0~0~1.232~1";
  for (int i = 11; i < 30; ++i) line += "~0";
  line += "~20260209101503~0.043~3.61~1.240~1.176~1.233~100~12.3456~1~";
  line += "\";";
  QuoteBatch b;
  parse_tencent(line, b);
  ASSERT_EQ(b.quotes.size(), 1u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.quotes[0].turnover, px("123456"));
  EXPECT_FALSE(b.quotes[0].ask.has_value());  // 0 means no offer
}

TEST(Tencent, ShortFundAnswersAreLengthChecked) {
  QuoteBatch b;
  parse_tencent("v_sh518801=\"1~黄金~518801~4.5~4.4~4.4~10\";", b);
  EXPECT_TRUE(b.quotes.empty());
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].reason(), "short_line");
}

TEST(Tencent, GbkTrailByteTildeIsSafeOnceDecoded) {
  // 儈 is 0x83 0x7E in GBK: its trail byte is '~', the field separator.
  std::string gbk = "v_sz159713=\"51~\x83\x7E~159713~1.233~1.190~1.180~100~0~0~1.232~1";
  for (int i = 11; i < 30; ++i) gbk += "~0";
  gbk += "~20260209101503~0.043~3.61~1.240~1.176~1.233/100/123~100~0.0123~1~\";";
  QuoteBatch raw;
  parse_tencent(gbk, raw);  // split as bytes, the name breaks the field count
  EXPECT_TRUE(raw.quotes.empty());
  auto decoded = to_utf8(gbk, Charset::Gb18030);
  EXPECT_NE(decoded.text.find("~儈~"), std::string::npos);
  QuoteBatch b;
  parse_tencent(decoded.text, b);
  ASSERT_EQ(b.quotes.size(), 1u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.quotes[0].last, px("1.233"));
  EXPECT_EQ(b.quotes[0].turnover, px("123"));
}

}  // namespace
}  // namespace lodestone::feeds
