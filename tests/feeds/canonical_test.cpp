#include "lodestone/feeds/canonical.hpp"

#include <gtest/gtest.h>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::feeds {
namespace {

TEST(Canonical, ParsesTheQuoteContractExactly) {
  CanonicalParser parser;
  const std::string line =
      R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03.120+08:00","last":1.234,"prev_close":1.190,)"
      R"("open":1.200,"high":1.250,"low":1.190,"volume":123456700,"turnover":152000000.0,"bid":1.233,"ask":1.234})";
  auto e = parser.parse(line);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const auto& q = std::get<Quote>(*e);
  EXPECT_EQ(q.symbol.str(), "159713.SZ");
  EXPECT_EQ(q.last.format(3), "1.234");
  EXPECT_EQ(q.prev_close->format(3), "1.190");
  EXPECT_EQ(*q.volume, 123456700);
  EXPECT_EQ(q.turnover->format(1), "152000000.0");
  // Written back, it is the same line: no digit changes on the way through.
  EXPECT_EQ(to_json(q, 3), R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03.120+08:00","last":1.234,)"
                           R"("prev_close":1.190,"open":1.200,"high":1.250,"low":1.190,"volume":123456700,)"
                           R"("turnover":152000000.0,"bid":1.233,"ask":1.234})");
}

TEST(Canonical, CarriesTheSourcesNameAndLimitPrices) {
  // What a vendor posting to ingest knows of the day (issue #14): ST status follows the name,
  // and its limit prices are checked against ours.
  CanonicalParser parser;
  auto e = parser.parse(R"({"type":"quote","symbol":"600392.SH","ts":"2026-03-02T10:00:00+08:00","last":10.10,)"
                        R"("prev_close":10.00,"name":"*ST盛和","limit_up":10.50,"limit_down":9.50})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  const auto& q = std::get<Quote>(*e);
  EXPECT_EQ(q.name, "*ST盛和");
  EXPECT_EQ(q.source_limit_up->format(2), "10.50");
  EXPECT_EQ(q.source_limit_down->format(2), "9.50");
  // A name that is no name (control characters would reach the log) is dropped, the quote kept.
  e = parser.parse(R"({"type":"quote","symbol":"600392.SH","ts":1770603303120,"last":10.10,"name":"a\u0007b"})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(std::get<Quote>(*e).name, "");
  // A limit that is not a price is an error naming the field.
  e = parser.parse(R"({"type":"quote","symbol":"600392.SH","ts":1770603303120,"last":10.10,"limit_up":"high"})");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("limit_up"), std::string::npos) << e.error().message;
  e = parser.parse(R"({"type":"quote","symbol":"600392.SH","ts":1770603303120,"last":10.10,"name":7})");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("name"), std::string::npos) << e.error().message;
}

TEST(Canonical, AcceptsAliasesEpochMillisAndNulls) {
  CanonicalParser parser;
  auto e = parser.parse(R"({"type":"quote","symbol":"sz159713","ts":1770603303120,"last":1.234,"bid":null})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(std::get<Quote>(*e).symbol.str(), "159713.SZ");
  EXPECT_EQ(format_timestamp(std::get<Quote>(*e).ts), "2026-02-09T10:15:03.120+08:00");
}

TEST(Canonical, ParsesHeadlines) {
  CanonicalParser parser;
  auto e = parser.parse(
      R"({"type":"news","id":"nbd-20260209-1423","ts":"2026-02-09T14:23:00+08:00","source":"每日经济新闻",)"
      R"("title":"稀土板块强势领涨","body":"…","url":"https://example.invalid/a","symbols":["159713.SZ"],"lang":"zh"})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  const auto& h = std::get<Headline>(*e);
  EXPECT_EQ(h.id, "nbd-20260209-1423");
  EXPECT_EQ(h.source, "每日经济新闻");
  ASSERT_EQ(h.symbols.size(), 1U);
  EXPECT_EQ(h.symbols[0].str(), "159713.SZ");
}

TEST(Canonical, SaysWhatIsWrongAndWhere) {
  CanonicalParser parser;
  auto why = [&](const char* line) {
    auto e = parser.parse(line);
    return e ? std::string("ok") : e.error().message;
  };
  EXPECT_EQ(why(""), "empty line");
  EXPECT_EQ(why("not json"), "expected a JSON object");
  EXPECT_EQ(why("[1,2]"), "expected a JSON object");
  EXPECT_EQ(why(R"({"symbol":"159713.SZ"})"), "field 'type': missing (quote or news)");
  EXPECT_EQ(why(R"({"type":"trade"})"), "field 'type': unknown event type 'trade' (quote or news)");
  EXPECT_EQ(why(R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00"})"), "field 'last': missing");
  EXPECT_EQ(why(R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":"1.2"})"),
            "field 'last': expected a number");
  EXPECT_EQ(why(R"({"type":"quote","symbol":"XX","ts":"2026-02-09T10:15:03+08:00","last":1.2})"),
            "field 'symbol': bad symbol 'XX': expected a six-digit code with an exchange");
  EXPECT_EQ(why(R"({"type":"quote","symbol":"159713.SZ","ts":"yesterday","last":1.2})").substr(0, 25),
            "field 'ts': bad timestamp");
  EXPECT_EQ(why(R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":1.2,"volume":1.5})"),
            "field 'volume': expected a whole number");
  EXPECT_EQ(why(R"({"type":"news","ts":"2026-02-09T10:15:03+08:00","title":"x"})"), "field 'id': missing");
  EXPECT_NE(why(R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":1.2} junk)"), "ok");
  // The parser keeps working after bad input.
  EXPECT_EQ(why(R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":1.2})"), "ok");
}

}  // namespace
}  // namespace lodestone::feeds
