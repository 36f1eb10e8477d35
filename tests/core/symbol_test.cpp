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

// Issue #14: a BSE code is BJ whichever way it is written; SSE B shares (900xxx) stay SH.
TEST(Symbol, BeijingCodesAreBjInEveryForm) {
  for (const char* form : {"920118", "bj920118", "BJ920118", "0.920118", "920118.BJ", "920118.BSE"})
    EXPECT_EQ(canon(form), "920118.BJ") << form;
  EXPECT_EQ(canon("830799"), "830799.BJ");
  EXPECT_EQ(canon("871981"), "871981.BJ");
  EXPECT_EQ(canon("430047"), "430047.BJ");
  EXPECT_EQ(canon("0.830799"), "830799.BJ");
  EXPECT_EQ(canon("900901"), "900901.SH");  // 云赛B股
  EXPECT_EQ(canon("1.900901"), "900901.SH");
  EXPECT_EQ(Symbol::parse("920118")->board(), Board::Bse);
  EXPECT_EQ(Symbol::parse("900901")->board(), Board::Main);
}

// Issue #14: a CSI index code is never read as a stock.
TEST(Symbol, CsiIndexCodesAreIndexes) {
  for (const char* form : {"930598", "2.930598", "930598.CSI", "930598.csi"})
    EXPECT_EQ(canon(form), "930598.CSI") << form;
  const auto index = *Symbol::parse("930598");
  EXPECT_EQ(index.type(), InstrumentType::Index);
  EXPECT_EQ(index.board(), Board::Index);
  // SSE index codes need an index form; bare, 000300 is the SZSE main-board stock range.
  for (const char* form : {"000300.SH", "sh000300", "1.000300", "000300.XSHG"}) {
    EXPECT_EQ(canon(form), "000300.SH") << form;
    EXPECT_EQ(Symbol::parse(form)->type(), InstrumentType::Index) << form;
  }
  EXPECT_EQ(canon("000300"), "000300.SZ");
  EXPECT_EQ(Symbol::parse("000300")->type(), InstrumentType::Stock);
  EXPECT_EQ(Symbol::parse("899050.BJ")->type(), InstrumentType::Index);
}

TEST(Symbol, RefusesACodeOnAnExchangeItCannotBeOn) {
  EXPECT_EQ(canon("930598.SH"),
            "error: bad symbol '930598.SH': 930598 is a CSI index, not an SH security: write 930598.CSI (Eastmoney "
            "2.930598)");
  EXPECT_EQ(canon("sh930598"),
            "error: bad symbol 'sh930598': 930598 is a CSI index, not an SH security: write 930598.CSI (Eastmoney "
            "2.930598)");
  EXPECT_EQ(canon("1.930598"),
            "error: bad symbol '1.930598': 930598 is a CSI index, not an SH security: write 930598.CSI (Eastmoney "
            "2.930598)");
  EXPECT_EQ(canon("0.930598"),
            "error: bad symbol '0.930598': 930598 is a CSI index, not an SZ security: write 930598.CSI (Eastmoney "
            "2.930598)");
  EXPECT_EQ(canon("920118.SH"),
            "error: bad symbol '920118.SH': 920118 is a Beijing Stock Exchange code: write 920118.BJ");
  EXPECT_EQ(canon("sz830799"),
            "error: bad symbol 'sz830799': 830799 is a Beijing Stock Exchange code: write 830799.BJ");
  EXPECT_EQ(canon("bj600111"),
            "error: bad symbol 'bj600111': 600111 is not a Beijing Stock Exchange code (those start 92, 4 or 8)");
  EXPECT_EQ(canon("700001"), "error: bad symbol '700001': cannot tell the exchange of code '700001'");
}

// Every place that reads an exchange from a code agrees: the Eastmoney secid reader and the
// checked constructor the Sina/Tencent reader uses.
TEST(Symbol, SecidsAndCheckedPairsAgreeWithParse) {
  EXPECT_EQ(Symbol::from_secid("0", "920118")->str(), "920118.BJ");
  EXPECT_EQ(Symbol::from_secid("0", "159713")->str(), "159713.SZ");
  EXPECT_EQ(Symbol::from_secid("1", "600111")->str(), "600111.SH");
  EXPECT_EQ(Symbol::from_secid("2", "930598")->str(), "930598.CSI");
  EXPECT_FALSE(Symbol::from_secid("3", "600111").ok());
  EXPECT_FALSE(Symbol::from_secid("1", "60011").ok());
  EXPECT_FALSE(Symbol::checked("930598", Exchange::SH).ok());
  EXPECT_TRUE(Symbol::checked("000300", Exchange::SH).ok());
  // make builds any pair (tables, tests); only the readers of outside text check.
  EXPECT_EQ(Symbol::make("930598", Exchange::SH)->str(), "930598.SH");
  for (const char* code : {"920118", "830799", "430047", "930598", "900901", "600111", "000831", "300748", "159713"}) {
    auto bare = Symbol::parse(code);
    ASSERT_TRUE(bare.ok()) << code;
    EXPECT_EQ(*Symbol::parse(bare->eastmoney_secid()), *bare) << code;
    EXPECT_EQ(*Symbol::parse(bare->str()), *bare) << code;
    if (bare->has_sina_code()) EXPECT_EQ(*Symbol::parse(bare->sina_code()), *bare) << code;
  }
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
  EXPECT_EQ(Symbol::parse("920118")->sina_code(), "bj920118");
  EXPECT_EQ(Symbol::parse("920118")->eastmoney_secid(), "0.920118");
  EXPECT_EQ(Symbol::parse("000300.SH")->sina_code(), "sh000300");
  // No documented Sina/Tencent form carries a CSI thematic index: nothing is made up.
  EXPECT_FALSE(Symbol::parse("930598.CSI")->has_sina_code());
  EXPECT_EQ(Symbol::parse("930598.CSI")->sina_code(), "");
}

}  // namespace
}  // namespace lodestone
