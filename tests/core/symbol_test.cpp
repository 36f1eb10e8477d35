#include "lodestone/core/symbol.hpp"

#include <gtest/gtest.h>

namespace lodestone {
namespace {

std::string canon(std::string_view s) {
  auto r = Symbol::parse(s);
  return r ? r->str() : "error: " + r.error().message;
}

TEST(Symbol, AliasesParseToTheCanonicalForm) {
  EXPECT_EQ(canon("159713.SZ"), "159713.SZ");
  EXPECT_EQ(canon("159713"), "159713.SZ");
  EXPECT_EQ(canon("sz159713"), "159713.SZ");
  EXPECT_EQ(canon("SZ159713"), "159713.SZ");
  EXPECT_EQ(canon("159713.XSHE"), "159713.SZ");
  EXPECT_EQ(canon("600111.XSHG"), "600111.SH");
  EXPECT_EQ(canon("0.159713"), "159713.SZ");
  EXPECT_EQ(canon("1.516150"), "516150.SH");
  EXPECT_EQ(canon("516150"), "516150.SH");
  EXPECT_EQ(canon("600111"), "600111.SH");
  EXPECT_EQ(canon("000831"), "000831.SZ");
  EXPECT_EQ(canon("300748"), "300748.SZ");
  EXPECT_EQ(canon("688190"), "688190.SH");
  EXPECT_EQ(canon("bj430047"), "430047.BJ");
  EXPECT_EQ(canon("0.430047"), "430047.BJ");
  EXPECT_EQ(canon("2.930598"), "930598.CSI");
  EXPECT_EQ(canon("000300.SH"), "000300.SH");
  EXPECT_EQ(canon("600111.sh"), "600111.SH");
}

TEST(Symbol, RejectsGarbageWithAReason) {
  for (const char* bad : {"", "15971", "1597130", "abc", "159713.NY", "3.159713", "xx159713", "15971a.SZ"}) {
    auto r = Symbol::parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("bad symbol"), std::string::npos);
  }
}

TEST(Symbol, BoardAndTypeFromTheCode) {
  auto s = [](const char* t) { return *Symbol::parse(t); };
  EXPECT_EQ(s("159713.SZ").type(), InstrumentType::Etf);
  EXPECT_EQ(s("159713.SZ").board(), Board::Fund);
  EXPECT_EQ(s("516150.SH").type(), InstrumentType::Etf);
  EXPECT_EQ(s("600111.SH").board(), Board::Main);
  EXPECT_EQ(s("000831.SZ").board(), Board::Main);
  EXPECT_EQ(s("300748.SZ").board(), Board::ChiNext);
  EXPECT_EQ(s("688190.SH").board(), Board::Star);
  EXPECT_EQ(s("430047.BJ").board(), Board::Bse);
  EXPECT_EQ(s("000300.SH").type(), InstrumentType::Index);
  EXPECT_EQ(s("399001.SZ").type(), InstrumentType::Index);
  EXPECT_EQ(s("930598.CSI").board(), Board::Index);
  EXPECT_EQ(s("161715.SZ").type(), InstrumentType::Lof);
}

TEST(Symbol, VendorCodes) {
  auto s = *Symbol::parse("159713.SZ");
  EXPECT_EQ(s.sina_code(), "sz159713");
  EXPECT_EQ(s.eastmoney_secid(), "0.159713");
  EXPECT_EQ(Symbol::parse("516150.SH")->eastmoney_secid(), "1.516150");
  EXPECT_EQ(Symbol::parse("930598.CSI")->eastmoney_secid(), "2.930598");
}

}  // namespace
}  // namespace lodestone
