#include "lodestone/core/price.hpp"

#include <gtest/gtest.h>

namespace lodestone {
namespace {

TEST(Price, ParsesDecimalsExactly) {
  EXPECT_EQ(Price::parse("1.234")->units(), 12'340);
  EXPECT_EQ(Price::parse("1419.00")->units(), 14'190'000);
  EXPECT_EQ(Price::parse("0.489")->units(), 4'890);
  EXPECT_EQ(Price::parse("12")->units(), 120'000);
  EXPECT_EQ(Price::parse("-0.5")->units(), -5'000);
  EXPECT_EQ(Price::parse(".5")->units(), 5'000);
}

TEST(Price, RoundsHalfUpBeyondFourDecimals) {
  EXPECT_EQ(Price::parse("1.23455")->units(), 12'346);
  EXPECT_EQ(Price::parse("1.23454")->units(), 12'345);
}

TEST(Price, RejectsWhatIsNotAPlainDecimal) {
  for (const char* bad : {"", "-", ".", "1.2.3", "abc", "1e5", "NaN", "inf", "1,5", "99999999999999999999"}) {
    auto p = Price::parse(bad);
    EXPECT_FALSE(p.ok()) << bad;
  }
  EXPECT_NE(Price::parse("x1").error().message.find("price 'x1'"), std::string::npos);
}

TEST(Price, FormatsWithTheDigitsItCarries) {
  EXPECT_EQ(Price::parse("1.190")->format(3), "1.190");
  EXPECT_EQ(Price::parse("1.19")->format(2), "1.19");
  EXPECT_EQ(Price::parse("1.2345")->format(2), "1.2345");
  EXPECT_EQ(Price::parse("152000000.0")->format(1), "152000000.0");
  EXPECT_EQ(Price::parse("-0.05")->format(2), "-0.05");
  EXPECT_EQ(Price::parse("7")->format(0), "7");
}

TEST(Price, ChangeInHundredthsOfAPercent) {
  auto p = [](const char* s) { return *Price::parse(s); };
  EXPECT_EQ(change_centipct(p("1.190"), p("1.233")), 361);  // 3.613% -> 3.61
  EXPECT_EQ(change_centipct(p("100"), p("95.55")), -445);
  EXPECT_EQ(change_centipct(p("3.00"), p("3.00")), 0);
  EXPECT_EQ(change_centipct(p("2.00"), p("2.0001")), 1);  // 0.005% rounds away from zero
  EXPECT_EQ(format_centipct(361), "3.61");
  EXPECT_EQ(format_centipct(-445), "-4.45");
  EXPECT_EQ(format_centipct(-5), "-0.05");
  EXPECT_EQ(*parse_centipct("2.0"), 200);
  EXPECT_EQ(*parse_centipct("-3"), -300);
}

}  // namespace
}  // namespace lodestone
