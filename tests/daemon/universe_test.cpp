#include "lodestone/app/universe.hpp"

#include <gtest/gtest.h>

namespace lodestone::app {
namespace {

TEST(Universe, TheBundledReferenceDataLoads) {
  auto r = load_universe(std::string(LODESTONE_SOURCE_DIR) + "/deploy/universe.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const char* s : {"159713.SZ", "516150.SH", "600111.SH", "000831.SZ", "600392.SH", "300748.SZ", "600549.SH",
                        "930598.CSI", "000300.SH"}) {
    EXPECT_NE(r->find(*Symbol::parse(s)), nullptr) << s;
  }
  const auto* etf = r->find(*Symbol::parse("159713.SZ"));
  EXPECT_EQ(etf->type, InstrumentType::Etf);
  EXPECT_EQ(etf->price_decimals(), 3);
  EXPECT_EQ(r->find(*Symbol::parse("300748.SZ"))->board, Board::ChiNext);
  EXPECT_EQ(r->find(*Symbol::parse("600111.SH"))->name, "北方稀土");
  EXPECT_EQ(r->find(*Symbol::parse("930598.CSI"))->type, InstrumentType::Index);
}

TEST(Universe, ErrorsSayWhereAndWhat) {
  auto err = [](const char* yaml) {
    auto r = parse_universe(yaml, "u.yaml");
    return r ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(err("instruments:\n  - {symbol: 159713.SZ, name: x, colour: red}\n"),
            "u.yaml:2:34: unknown key 'colour' (expected symbol, name, type, board, st, benchmark, index_weight_pct, "
            "aliases)");
  EXPECT_EQ(err("instruments:\n  - {symbol: 15971, name: x}\n"),
            "u.yaml:2:14: bad symbol '15971': expected a six-digit code with an exchange");
  EXPECT_EQ(err("instruments:\n  - {symbol: 159713.SZ, name: x}\n  - {symbol: sz159713, name: y}\n"),
            "u.yaml:3:5: instrument 159713.SZ is listed twice");
  EXPECT_EQ(err("instruments:\n  - {symbol: 159713.SZ, name: x, benchmark: 930598.CSI}\n"),
            "u.yaml: 159713.SZ names benchmark 930598.CSI, which is not in the universe");
  EXPECT_EQ(err("stocks: []\n"), "u.yaml: expected a mapping with an 'instruments' list");
}

}  // namespace
}  // namespace lodestone::app
