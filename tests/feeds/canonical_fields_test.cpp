// The canonical parser's fast paths against the general code they stand in for: a key's field,
// and plain prices read without Price::parse.
#include "canonical_fields.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "lodestone/feeds/canonical.hpp"

namespace lodestone::feeds {
namespace {

using detail::plain_price;
using detail::quote_field;
using detail::QuoteField;

TEST(CanonicalFields, NamesEveryQuoteFieldAndNothingElse) {
  EXPECT_EQ(quote_field("type"), QuoteField::Type);
  EXPECT_EQ(quote_field("symbol"), QuoteField::Symbol);
  EXPECT_EQ(quote_field("ts"), QuoteField::Ts);
  EXPECT_EQ(quote_field("last"), QuoteField::Last);
  EXPECT_EQ(quote_field("volume"), QuoteField::Volume);
  EXPECT_EQ(quote_field("prev_close"), QuoteField::PrevClose);
  EXPECT_EQ(quote_field("open"), QuoteField::Open);
  EXPECT_EQ(quote_field("high"), QuoteField::High);
  EXPECT_EQ(quote_field("low"), QuoteField::Low);
  EXPECT_EQ(quote_field("bid"), QuoteField::Bid);
  EXPECT_EQ(quote_field("ask"), QuoteField::Ask);
  EXPECT_EQ(quote_field("turnover"), QuoteField::Turnover);
  EXPECT_EQ(quote_field("name"), QuoteField::Name);
  EXPECT_EQ(quote_field("limit_up"), QuoteField::LimitUp);
  EXPECT_EQ(quote_field("limit_down"), QuoteField::LimitDown);
  for (std::string_view other :
       {"",       "t",          "tS",        "Ts",      "lasT",    "las",  "lastt", "nam", "names", "limit_upp", "iopv",
        "source", "prev_closE", "turnovers", "symbols", "volumes", "bidd", "asks",  "ope", "hig",   "lo"})
    EXPECT_EQ(quote_field(other), QuoteField::Other) << other;
}

TEST(CanonicalFields, PlainPricesAreWhatPriceParseSays) {
  for (std::string_view text : {"0", "1", "-1", "0.5", "-0.5", "-0", "-0.0", "10.00", "1.233", "1.2345", "98765400",
                                "120456789.12", "999999999999", "999999999999.9999", "007.50", "0.0001"}) {
    auto fast = plain_price(text);
    auto slow = Price::parse(text);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_TRUE(slow.ok()) << text;
    EXPECT_EQ(fast->units(), slow->units()) << text;
  }
}

TEST(CanonicalFields, LeavesEverythingElseToPriceParse) {
  // Rounding, exponents, signs and sizes the fast path does not handle, and text that is no
  // price at all: Price::parse decides (and words the error).
  for (std::string_view text : {"",
                                "-",
                                ".5",
                                "1.",
                                "1.23456",
                                "1.00005",
                                "1e3",
                                "1.2E1",
                                "+1",
                                "1.2.3",
                                " 1",
                                "1 ",
                                "1-",
                                "0x10",
                                "NaN",
                                "1000000000000",
                                "-1000000000000.5",
                                "١",
                                "12345670152000000159713",
                                "-99999999999999999999999.5"})
    EXPECT_FALSE(plain_price(text).has_value()) << text;
}

// Random short strings over the characters a number token can hold: whenever the fast path
// answers, Price::parse gives the same units.
TEST(CanonicalFields, AgreesWithPriceParseOnRandomText) {
  std::mt19937_64 rng(42);
  const std::string alphabet = "0123456789012345678901234567890123456789.-+eE ";
  int answered = 0;
  for (int n = 0; n < 200'000; ++n) {
    std::string text(1 + rng() % 30, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    auto fast = plain_price(text);
    if (!fast) continue;
    ++answered;
    auto slow = Price::parse(text);
    ASSERT_TRUE(slow.ok()) << text;
    ASSERT_EQ(fast->units(), slow->units()) << text;
  }
  EXPECT_GT(answered, 1'000);
}

TEST(CanonicalFields, PlainSymbolsAreWhatSymbolParseSays) {
  for (std::string_view text : {"600000.SH", "159713.SZ", "430047.BJ", "930598.CSI", "000001.SZ", "999999.SH"}) {
    auto fast = detail::plain_symbol(text);
    auto slow = Symbol::parse(text);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_TRUE(slow.ok()) << text;
    EXPECT_EQ(*fast, *slow) << text;
  }
  // Every other spelling is Symbol::parse's to read (or refuse).
  for (std::string_view text :
       {"", "600000", "sh600000", "600000.sh", "600000.SS", "600000.XSHG", "1.516150", "60000.SH", "6000000.SH",
        "60000a.SH", "600000.SHX", "600000.", "600000.SH ", "600000.CS", "600000,SH", "600000.S"})
    EXPECT_FALSE(detail::plain_symbol(text).has_value()) << text;
}

// Keys with escapes take simdjson's unescaping, as before: "l\u0061st" is "last".
TEST(CanonicalFields, EscapedKeysStillNameTheirField) {
  CanonicalParser parser;
  auto e = parser.parse(
      R"({"type":"quote","sym\u0062ol":"159713.SZ","\u0074s":"2026-02-09T10:15:03.120+08:00","l\u0061st":1.234,)"
      R"("vol\u0075me":100,"n\u0061me":"x"})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  const auto& q = std::get<Quote>(*e);
  EXPECT_EQ(q.symbol.str(), "159713.SZ");
  EXPECT_EQ(q.last.units(), 12'340);
  EXPECT_EQ(q.volume, 100);
  auto bad = parser.parse(R"({"type":"quote","symbol":"159713.SZ","ts":1770603303120,"l\u0061st":"x"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "field 'last': expected a number");
}

// Prices past the fast path read as they always did: rounded half-up beyond four decimals,
// exponents refused with Price::parse's words.
TEST(CanonicalFields, PricesPastTheFastPathReadAsBefore) {
  CanonicalParser parser;
  auto e = parser.parse(R"({"type":"quote","symbol":"159713.SZ","ts":1770603303120,"last":1.23455})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(std::get<Quote>(*e).last.units(), 12'346);
  e = parser.parse(R"({"type":"quote","symbol":"159713.SZ","ts":1770603303120,"last":1.2e1})");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::bad_price);
}

// "type" is read in the same walk as the other fields when it comes first; anywhere else it is
// looked up first, as before, with the same answers and the same errors.
TEST(CanonicalFields, TypeAnywhereAndItsErrors) {
  CanonicalParser parser;
  for (std::string_view line : {
           R"({"type":"quote","symbol":"159713.SZ","ts":1770603303120,"last":1.234})",
           R"({"symbol":"159713.SZ","ts":1770603303120,"type":"quote","last":1.234})",
           R"({"symbol":"159713.SZ","ts":1770603303120,"last":1.234,"type":"quote"})",
           R"({"type":"quote","type":"news","symbol":"159713.SZ","ts":1770603303120,"last":1.234})",
       }) {
    auto e = parser.parse(line);
    ASSERT_TRUE(e.ok()) << line << ": " << e.error().message;
    EXPECT_EQ(std::get<Quote>(*e).last.units(), 12'340) << line;
  }
  auto news = parser.parse(R"({"id":"n1","type":"news","ts":1770603303120,"title":"稀土"})");
  ASSERT_TRUE(news.ok()) << news.error().message;
  EXPECT_EQ(std::get<Headline>(*news).title, "稀土");
  struct Case {
    std::string_view line;
    std::string_view message;
    std::string_view reason;
  };
  for (const Case& c : {
           Case{R"({})", "field 'type': missing (quote or news)", "bad_event"},
           Case{R"({"symbol":"159713.SZ"})", "field 'type': missing (quote or news)", "bad_event"},
           Case{R"({"type":1,"symbol":"159713.SZ"})", "field 'type': missing (quote or news)", "bad_event"},
           Case{R"({"symbol":"159713.SZ","type":null})", "field 'type': missing (quote or news)", "bad_event"},
           // A lookup matches keys as written: an escaped "type" is not found.
           Case{R"({"\u0074ype":"quote","symbol":"159713.SZ","ts":1770603303120,"last":1.234})",
                "field 'type': missing (quote or news)", "bad_event"},
           Case{R"({"type":"tick","symbol":"159713.SZ"})", "field 'type': unknown event type 'tick' (quote or news)",
                "bad_event"},
           Case{R"({"last":1.234,"type":"tick"})", "field 'type': unknown event type 'tick' (quote or news)",
                "bad_event"},
           Case{R"({"type":"quote","symbol":"159713.SZ","ts":1770603303120})", "field 'last': missing",
                "missing_field"},
           Case{R"({"type":"quote","symbol":"159713.SZ","ts":1770603303120,"last":1.234} 1)", "not JSON", "bad_json"},
       }) {
    auto e = parser.parse(c.line);
    ASSERT_FALSE(e.ok()) << c.line;
    EXPECT_EQ(e.error().message, c.message) << c.line;
    EXPECT_EQ(to_string(e.error().code), c.reason) << c.line;
  }
}

}  // namespace
}  // namespace lodestone::feeds
