// Eastmoney push2 answers (docs/market-data.md#eastmoney). Values are synthetic, shapes real.
#include "lodestone/feeds/eastmoney.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::px;
using test::sym;

constexpr std::string_view kUlist =
    R"({"rc":0,"rt":11,"svr":181669432,"lt":1,"full":1,"dlmkts":"","data":{"total":3,"diff":[
{"f2":1.233,"f3":3.61,"f4":0.043,"f5":987654,"f6":120456789.0,"f12":"159713","f13":0,"f14":"稀土ETF","f15":1.24,"f16":1.176,"f17":1.18,"f18":1.19,"f124":1770603303,"f297":20260209},
{"f2":"-","f3":"-","f4":"-","f5":"-","f6":"-","f12":"600111","f13":1,"f14":"北方稀土","f15":"-","f16":"-","f17":"-","f18":40.0,"f124":1770603303,"f297":20260209},
{"f2":0.85,"f3":1.2,"f4":0.01,"f5":1,"f6":2.991697134E9,"f12":"430047","f13":0,"f14":"诺思兰德","f15":0.9,"f16":0.8,"f17":0.82,"f18":0.84,"f124":1770603303,"f297":20260209}]}})";

TEST(Eastmoney, UlistDecimalsDashesAndBse) {
  EastmoneyParser parser(EastmoneyScaling::Decimal);
  QuoteBatch b;
  parser.parse(kUlist, b);
  ASSERT_TRUE(b.problems.empty()) << b.problems[0].reason() << " " << b.problems[0].detail;
  ASSERT_EQ(b.quotes.size(), 3u);
  const Quote& etf = b.quotes[0];
  EXPECT_EQ(etf.symbol, sym("159713.SZ"));
  EXPECT_EQ(etf.last, px("1.233"));
  EXPECT_EQ(etf.high, px("1.24"));
  EXPECT_EQ(etf.low, px("1.176"));
  EXPECT_EQ(etf.open, px("1.18"));
  EXPECT_EQ(etf.prev_close, px("1.19"));
  EXPECT_EQ(etf.volume, 98765400);
  EXPECT_EQ(etf.turnover, px("120456789"));
  EXPECT_EQ(format_timestamp(etf.ts), "2026-02-09T10:15:03.000+08:00");
  // "-" everywhere: no trade, shown at the previous close.
  EXPECT_EQ(b.quotes[1].symbol, sym("600111.SH"));
  EXPECT_EQ(b.quotes[1].last, px("40"));
  ASSERT_EQ(b.no_trade.size(), 1u);
  EXPECT_EQ(b.quotes[2].symbol.exchange(), Exchange::BJ);
  EXPECT_EQ(b.quotes[2].turnover, px("2991697134"));  // exponent form, shifted exactly
}

TEST(Eastmoney, StockGetScaledIntegersUseF59) {
  constexpr std::string_view kStockGet =
      R"({"rc":0,"rt":4,"svr":1,"lt":1,"full":1,"data":{"f43":1233,"f44":1240,"f45":1176,"f46":1180,"f47":987654,)"
      R"("f48":120456789.12,"f51":1309,"f52":1071,"f57":"159713","f58":"稀土ETF","f59":3,"f60":1190,)"
      R"("f86":1770603303,"f107":0,"f19":1232,"f39":1233}})";
  EastmoneyParser parser(EastmoneyScaling::Scaled);
  QuoteBatch b;
  parser.parse(kStockGet, b);
  ASSERT_EQ(b.quotes.size(), 1u) << (b.problems.empty() ? "" : b.problems[0].detail);
  const Quote& q = b.quotes[0];
  EXPECT_EQ(q.last, px("1.233"));
  EXPECT_EQ(q.prev_close, px("1.19"));
  EXPECT_EQ(q.bid, px("1.232"));
  EXPECT_EQ(q.ask, px("1.233"));
  EXPECT_EQ(q.turnover, px("120456789.12"));
  // Auto finds the same: integers with f59 present.
  EastmoneyParser autodetect;
  QuoteBatch a;
  autodetect.parse(kStockGet, a);
  ASSERT_EQ(a.quotes.size(), 1u);
  EXPECT_EQ(a.quotes[0].last, px("1.233"));
  // A stock without f59 under Scaled: two decimals.
  QuoteBatch s;
  parser.parse(R"({"rc":0,"data":{"f43":4012,"f57":"600111","f60":4000,"f86":1770603303,"f107":1}})", s);
  ASSERT_EQ(s.quotes.size(), 1u);
  EXPECT_EQ(s.quotes[0].last, px("40.12"));
}

TEST(Eastmoney, UnknownSecidErrorsAndBrokenJson) {
  EastmoneyParser parser;
  QuoteBatch b;
  parser.parse(R"({"rc":0,"rt":4,"svr":1,"lt":1,"full":1,"data":null})", b);
  parser.parse(R"({"rc":0,"data":{"total":0,"diff":null}})", b);
  EXPECT_TRUE(b.quotes.empty());
  EXPECT_EQ(b.unknown.size(), 2u);
  parser.parse(R"({"rc":102,"data":null})", b);
  parser.parse(R"({"rc":0,"data":{"diff":[{"f2":1.2,"f12":"159713","f13":0,"f124":17706)", b);  // truncated
  parser.parse(R"({"rc":0,"data":{"diff":[]}}{"rc":0})", b);                                    // two documents
  parser.parse(R"({"rc":0,"data":{"diff":[{"f2":NaN,"f12":"159713","f13":0,"f124":1770603303}]}})", b);
  parser.parse(R"({"rc":0,"data":{"diff":[{"f2":1e400,"f12":"159713","f13":0,"f124":1770603303}]}})", b);
  parser.parse(R"({"rc":0,"data":{"diff":[{"f2":1.2,"f12":"159713","f13":7,"f124":1770603303}]}})", b);
  parser.parse(R"({"rc":0,"data":{"diff":[{"f2":1.2,"f12":"159713","f13":0}]}})", b);
  std::vector<std::string> reasons;
  for (const auto& p : b.problems) reasons.emplace_back(p.reason());
  EXPECT_TRUE(b.quotes.empty());
  ASSERT_GE(reasons.size(), 6u);
  EXPECT_EQ(reasons[0], "rc_error");
  EXPECT_EQ(reasons[1], "bad_json");
  EXPECT_EQ(reasons.back(), "bad_time");
  EXPECT_EQ(reasons[reasons.size() - 2], "bad_code");
  EXPECT_EQ(reasons[reasons.size() - 3], "bad_price");
}

TEST(Eastmoney, DiffAsAnObjectOfRows) {
  EastmoneyParser parser(EastmoneyScaling::Decimal);
  QuoteBatch b;
  parser.parse(
      R"({"rc":0,"data":{"total":1,"diff":{"0":{"f2":1.233,"f12":"159713","f13":0,"f18":1.19,"f124":1770603303}}}})",
      b);
  ASSERT_EQ(b.quotes.size(), 1u);
  EXPECT_EQ(b.quotes[0].last, px("1.233"));
}

TEST(Eastmoney, ScalingFollowsTheUrl) {
  EXPECT_EQ(eastmoney_scaling_for_url("/api/qt/ulist.np/get?fltt=2&secids=0.159713"), EastmoneyScaling::Decimal);
  EXPECT_EQ(eastmoney_scaling_for_url("/api/qt/stock/get?secid=0.159713&fltt=1"), EastmoneyScaling::Scaled);
  EXPECT_EQ(eastmoney_scaling_for_url("/api/qt/stock/get?secid=0.159713"), EastmoneyScaling::Scaled);
}

// Issue #14: m:0 holds SZSE and BSE alike; the code tells them apart exactly as Symbol::parse
// does. m:2 is a CSI index; a CSI index code under m:1 is refused, never read as an SSE stock.
TEST(Eastmoney, MarketsReadAsSymbolParseReadsSecids) {
  constexpr std::string_view kAnswer = R"({"rc":0,"data":{"total":4,"diff":[)"
                                       R"({"f2":12.5,"f12":"920118","f13":0,"f18":12.0,"f124":1770603303},)"
                                       R"({"f2":2504.14,"f12":"930598","f13":2,"f18":2504.26,"f124":1770603303},)"
                                       R"({"f2":4700.1,"f12":"000300","f13":1,"f18":4690.5,"f124":1770603303},)"
                                       R"({"f2":2504.14,"f12":"930598","f13":1,"f18":2504.26,"f124":1770603303}]}})";
  EastmoneyParser parser(EastmoneyScaling::Decimal);
  QuoteBatch b;
  parser.parse(kAnswer, b);
  ASSERT_EQ(b.quotes.size(), 3u);
  EXPECT_EQ(b.quotes[0].symbol, sym("920118.BJ"));
  EXPECT_EQ(b.quotes[0].symbol, *Symbol::parse("0.920118"));
  EXPECT_EQ(b.quotes[1].symbol, sym("930598.CSI"));
  EXPECT_EQ(b.quotes[1].symbol, *Symbol::parse("2.930598"));
  EXPECT_EQ(b.quotes[2].symbol, sym("000300.SH"));
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].code, ErrorCode::bad_code);
  EXPECT_NE(b.problems[0].detail.find("930598 is a CSI index"), std::string::npos) << b.problems[0].detail;
}

}  // namespace
}  // namespace lodestone::feeds
