// The sources' own name and limit prices (issue #14), from real-shaped answers
// (docs/market-data.md#sina, #tencent, #eastmoney): 600519 previous close 1419.00 prints
// 1560.90 / 1277.10, 600021 previous close 15.34 prints 16.87 / 13.81, 159713 1.190 -> 1.309 / 1.071.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lodestone/feeds/eastmoney.hpp"
#include "lodestone/feeds/sina.hpp"
#include "lodestone/feeds/tencent.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::find;
using test::px;
using test::read_fixture;
using test::sym;

// A Tencent answer of `count` fields for 600021 上海电力 (previous close 15.34), with `set`
// overriding fields by index.
std::string tencent_600021(std::size_t count, const std::vector<std::pair<std::size_t, std::string>>& set) {
  std::vector<std::string> f(count, "0");
  f[0] = "1";
  f[1] = "上海电力";
  f[2] = "600021";
  f[3] = "15.80";
  f[4] = "15.34";
  f[5] = "15.40";
  f[6] = "523100";
  f[9] = "15.79";
  f[19] = "15.80";
  f[30] = "20260302101503";
  f[33] = "15.95";
  f[34] = "15.38";
  if (count > 35) f[35] = "15.80/523100/822418330";
  if (count > 48) {
    f[47] = "16.87";
    f[48] = "13.81";
  }
  for (const auto& [i, v] : set) f[i] = v;
  std::string line = "v_sh600021=\"";
  for (std::size_t i = 0; i < f.size(); ++i) line += (i ? "~" : "") + f[i];
  return line + "\";";
}

TEST(SourceFields, SinaGivesTheNameAndNoLimits) {
  QuoteBatch b;
  parse_sina(read_fixture("sina_quotes.utf8.txt"), b);
  const Quote* q = find(b, "600000.SH");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->name, "浦发银行");
  EXPECT_FALSE(q->source_limit_up.has_value());
  EXPECT_FALSE(q->source_limit_down.has_value());
  const Quote* etf = find(b, "159713.SZ");
  ASSERT_NE(etf, nullptr);
  EXPECT_EQ(etf->name, "稀土ETF");
}

TEST(SourceFields, SinaStNameIsKeptAsSent) {
  QuoteBatch b;
  parse_sina(
      "var hq_str_sh600392=\"*ST 盛和,40.10,40.00,41.00,41.20,40.00,41.00,41.01,100,4100,"
      "1,41,1,41,1,41,1,41,1,41,1,41,1,41,1,41,1,41,1,41,2026-03-02,10:00:00,00\";",
      b);
  ASSERT_EQ(b.quotes.size(), 1u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.quotes[0].name, "*ST 盛和");
}

TEST(SourceFields, TencentGivesTheNameAndFields47And48) {
  QuoteBatch b;
  parse_tencent(read_fixture("tencent_quotes.utf8.txt"), b);
  const Quote* q = find(b, "600519.SH");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->name, "贵州茅台");
  EXPECT_EQ(q->source_limit_up, px("1560.90"));
  EXPECT_EQ(q->source_limit_down, px("1277.10"));
  // The ETF's answer stops at 50 fields: 47 and 48 are its last prices.
  const Quote* etf = find(b, "159713.SZ");
  ASSERT_NE(etf, nullptr);
  EXPECT_EQ(etf->name, "稀土ETF");
  EXPECT_EQ(etf->source_limit_up, px("1.309"));
  EXPECT_EQ(etf->source_limit_down, px("1.071"));

  QuoteBatch p;
  parse_tencent(tencent_600021(88, {}), p);
  ASSERT_EQ(p.quotes.size(), 1u) << (p.problems.empty() ? "" : p.problems[0].detail);
  EXPECT_EQ(p.quotes[0].name, "上海电力");
  EXPECT_EQ(p.quotes[0].source_limit_up, px("16.87"));
  EXPECT_EQ(p.quotes[0].source_limit_down, px("13.81"));
}

TEST(SourceFields, TencentAnswersThatStopBeforeTheLimitsHaveNone) {
  for (const std::size_t count : {std::size_t{35}, std::size_t{40}, std::size_t{48}}) {
    SCOPED_TRACE(count);
    QuoteBatch b;
    parse_tencent(tencent_600021(count, {}), b);
    ASSERT_EQ(b.quotes.size(), 1u) << (b.problems.empty() ? "" : b.problems[0].detail);
    EXPECT_EQ(b.quotes[0].name, "上海电力");
    EXPECT_FALSE(b.quotes[0].source_limit_up.has_value());
    EXPECT_FALSE(b.quotes[0].source_limit_down.has_value());
  }
}

TEST(SourceFields, TencentEmptyZeroOrBadLimits) {
  QuoteBatch empty;  // empty and 0.00 are "none", as for every optional price
  parse_tencent(tencent_600021(50, {{47, ""}, {48, "0.00"}}), empty);
  ASSERT_EQ(empty.quotes.size(), 1u);
  EXPECT_FALSE(empty.quotes[0].source_limit_up.has_value());
  EXPECT_FALSE(empty.quotes[0].source_limit_down.has_value());
  QuoteBatch bad;
  parse_tencent(tencent_600021(50, {{47, "16.8x"}}), bad);
  EXPECT_TRUE(bad.quotes.empty());
  ASSERT_EQ(bad.problems.size(), 1u);
  EXPECT_EQ(bad.problems[0].code, ErrorCode::bad_price);
  QuoteBatch negative;
  parse_tencent(tencent_600021(50, {{48, "-13.81"}}), negative);
  EXPECT_TRUE(negative.quotes.empty());
  ASSERT_EQ(negative.problems.size(), 1u);
  EXPECT_EQ(negative.problems[0].code, ErrorCode::bad_price);
}

TEST(SourceFields, NamesWithControlCharactersOrTooLongAreDropped) {
  QuoteBatch b;
  parse_tencent(tencent_600021(50, {{1, "上海\x01电力"}}), b);
  ASSERT_EQ(b.quotes.size(), 1u);
  EXPECT_EQ(b.quotes[0].name, "");
  QuoteBatch l;
  parse_tencent(tencent_600021(50, {{1, std::string(65, 'A')}}), l);
  ASSERT_EQ(l.quotes.size(), 1u);
  EXPECT_EQ(l.quotes[0].name, "");
}

TEST(SourceFields, EastmoneyStockGetF58F51F52Scaled) {
  constexpr std::string_view kStockGet =
      R"({"rc":0,"data":{"f43":1580,"f44":1595,"f45":1538,"f46":1540,"f47":5231,"f48":8224183.3,)"
      R"("f51":1687,"f52":1381,"f57":"600021","f58":"上海电力","f59":2,"f60":1534,"f86":1772417703,"f107":1}})";
  EastmoneyParser parser(EastmoneyScaling::Scaled);
  QuoteBatch b;
  parser.parse(kStockGet, b);
  ASSERT_EQ(b.quotes.size(), 1u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.quotes[0].name, "上海电力");
  EXPECT_EQ(b.quotes[0].prev_close, px("15.34"));
  EXPECT_EQ(b.quotes[0].source_limit_up, px("16.87"));
  EXPECT_EQ(b.quotes[0].source_limit_down, px("13.81"));
}

TEST(SourceFields, EastmoneyStockGetDecimalsAndDashes) {
  EastmoneyParser parser(EastmoneyScaling::Decimal);
  QuoteBatch b;
  parser.parse(R"({"rc":0,"data":{"f43":1445.5,"f51":1560.9,"f52":1277.1,"f57":"600519","f58":"贵州茅台",)"
               R"("f60":1419.0,"f86":1777000879,"f107":1}})",
               b);
  ASSERT_EQ(b.quotes.size(), 1u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.quotes[0].source_limit_up, px("1560.90"));
  EXPECT_EQ(b.quotes[0].source_limit_down, px("1277.10"));
  QuoteBatch dash;  // "-": no value (a suspended stock, an index)
  parser.parse(R"({"rc":0,"data":{"f43":1445.5,"f51":"-","f52":"-","f57":"600519","f58":"-",)"
               R"("f60":1419.0,"f86":1777000879,"f107":1}})",
               dash);
  ASSERT_EQ(dash.quotes.size(), 1u) << (dash.problems.empty() ? "" : dash.problems[0].detail);
  EXPECT_FALSE(dash.quotes[0].source_limit_up.has_value());
  EXPECT_FALSE(dash.quotes[0].source_limit_down.has_value());
  EXPECT_EQ(dash.quotes[0].name, "");
  QuoteBatch bad;  // true is not a price
  parser.parse(R"({"rc":0,"data":{"f43":1445.5,"f51":true,"f57":"600519","f60":1419.0,"f86":1777000879,"f107":1}})",
               bad);
  EXPECT_TRUE(bad.quotes.empty());
  ASSERT_EQ(bad.problems.size(), 1u);
  EXPECT_EQ(bad.problems[0].code, ErrorCode::bad_price);
}

TEST(SourceFields, EastmoneyUlistGivesF14AndNoLimits) {
  EastmoneyParser parser(EastmoneyScaling::Decimal);
  QuoteBatch b;
  // f51/f52 in a list row are not limit prices: never read there.
  parser.parse(
      R"({"rc":0,"data":{"total":2,"diff":[)"
      R"({"f2":15.8,"f5":5231,"f12":"600021","f13":1,"f14":"上海电力","f18":15.34,"f51":99,"f52":1,"f124":1772417703},)"
      R"({"f2":4.1,"f12":"600392","f13":1,"f14":"*ST盛和","f18":4.0,"f124":1772417703}]}})",
      b);
  ASSERT_EQ(b.quotes.size(), 2u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.quotes[0].name, "上海电力");
  EXPECT_FALSE(b.quotes[0].source_limit_up.has_value());
  EXPECT_FALSE(b.quotes[0].source_limit_down.has_value());
  EXPECT_EQ(b.quotes[1].name, "*ST盛和");
}

}  // namespace
}  // namespace lodestone::feeds
