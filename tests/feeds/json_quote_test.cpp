// The generic vendor WebSocket quote mapping. Messages are synthetic.
#include <gtest/gtest.h>

#include "lodestone/feeds/json_mapping.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::px;
using test::sym;

QuoteMapping vendor() {
  QuoteMapping m;
  m.items = "data.ticks";
  m.symbol = "s";
  m.price = "px.last";
  m.time = "t";
  m.volume = "vol";
  m.prev_close = "px.pre";
  m.bid = "book.b1";
  m.ask = "book.a1";
  m.volume_multiplier = 100;
  return m;
}

TEST(JsonQuote, MappedPathsIncludingNestedOnes) {
  auto parser = JsonQuoteParser::create(vendor());
  ASSERT_TRUE(parser) << parser.error().message;
  QuoteBatch b;
  (*parser)->parse(R"({"type":"tick","data":{"ticks":[
{"s":"159713.SZ","t":1770603303120,"px":{"last":1.233,"pre":"1.190"},"vol":9876,"book":{"b1":1.232,"a1":1.233},"extra":[1,2]},
{"s":"sh600111","t":"2026-02-09 10:15:03","px":{"last":"41.20"},"vol":1}]}})",
                   Timestamp{0}, b);
  ASSERT_EQ(b.quotes.size(), 2u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.quotes[0].symbol, sym("159713.SZ"));
  EXPECT_EQ(b.quotes[0].last, px("1.233"));
  EXPECT_EQ(b.quotes[0].prev_close, px("1.19"));
  EXPECT_EQ(b.quotes[0].volume, 987600);
  EXPECT_EQ(b.quotes[0].ts.ms, 1770603303120);
  EXPECT_EQ(b.quotes[0].bid, px("1.232"));
  EXPECT_EQ(b.quotes[1].symbol, sym("600111.SH"));
  EXPECT_EQ(format_timestamp(b.quotes[1].ts), "2026-02-09T10:15:03.000+08:00");
}

TEST(JsonQuote, SingleUpdateMessagesAndReceiptTime) {
  QuoteMapping m;
  m.symbol = "code";
  m.price = "price";
  auto parser = JsonQuoteParser::create(m);
  ASSERT_TRUE(parser);
  QuoteBatch b;
  (*parser)->parse(R"({"code":"0.159713","price":1.233})", Timestamp{1770603303000}, b);
  (*parser)->parse(R"([{"code":"1.516150","price":0.9},{"code":"516780.SH","price":0.8}])", Timestamp{5}, b);
  ASSERT_EQ(b.quotes.size(), 3u);
  EXPECT_EQ(b.quotes[0].ts.ms, 1770603303000);
  EXPECT_EQ(b.quotes[2].symbol, sym("516780.SH"));
}

TEST(JsonQuote, BadMessagesAreProblemsWithReasons) {
  auto parser = JsonQuoteParser::create(vendor());
  ASSERT_TRUE(parser);
  QuoteBatch b;
  auto& p = **parser;
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":NaN}}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":Infinity}}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":1e400}}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":99999999999999999999}}]}})", Timestamp{},
          b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":-5}}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":true}}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":1.2},"vol":1.5}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"XYZ","t":1770603303,"px":{"last":1.2}}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","px":{"last":1.2}}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303}]}})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":1.2}}]}}{"x":1})", Timestamp{}, b);
  p.parse(R"({"data":{"ticks":[{"s":"159713.SZ","t":1770603303,"px":{"last":1.2)", Timestamp{}, b);
  p.parse(R"({"data":{"other":[]}})", Timestamp{}, b);
  std::string deep(2000, '[');  // an array root is not where the mapping's updates sit
  p.parse(deep, Timestamp{}, b);
  EXPECT_TRUE(b.quotes.empty());
  std::vector<std::string> reasons;
  for (const auto& pr : b.problems) reasons.emplace_back(pr.reason());
  EXPECT_EQ(reasons, (std::vector<std::string>{"bad_json", "bad_json", "bad_price", "bad_price", "bad_price",
                                               "bad_price", "bad_volume", "bad_symbol", "bad_time", "missing_price",
                                               "bad_json", "bad_json", "no_items", "no_items"}));
}

TEST(JsonQuote, DeepNestingIsAnErrorNotACrash) {
  QuoteMapping m;
  m.symbol = "s";
  m.price = "p";
  auto parser = JsonQuoteParser::create(m);
  ASSERT_TRUE(parser);
  QuoteBatch b;
  (*parser)->parse(std::string(2000, '[') + std::string(2000, ']'), Timestamp{}, b);
  (*parser)->parse("{\"s\":" + std::string(2000, '[') + std::string(2000, ']') + "}", Timestamp{}, b);
  EXPECT_TRUE(b.quotes.empty());
  EXPECT_FALSE(b.problems.empty());
}

TEST(JsonQuote, MappingErrors) {
  QuoteMapping m;
  m.price = "p";
  EXPECT_FALSE(JsonQuoteParser::create(m));
  m.symbol = "s";
  m.items = ".a";
  EXPECT_FALSE(JsonQuoteParser::create(m));
  m.items = "";
  m.bid = "p";  // the same path twice
  EXPECT_FALSE(JsonQuoteParser::create(m));
}

}  // namespace
}  // namespace lodestone::feeds
