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
            "u.yaml:2:34: unknown key 'colour' (expected symbol, name, type, board, st, listed, benchmark, "
            "index_weight_pct, index_rank, aliases)");
  EXPECT_EQ(err("instruments:\n  - {symbol: 15971, name: x}\n"),
            "u.yaml:2:14: bad symbol '15971': expected a six-digit code with an exchange");
  EXPECT_EQ(err("instruments:\n  - {symbol: 159713.SZ, name: x}\n  - {symbol: sz159713, name: y}\n"),
            "u.yaml:3:5: instrument 159713.SZ is listed twice");
  EXPECT_EQ(err("instruments:\n  - {symbol: 159713.SZ, name: x, benchmark: 930598.CSI}\n"),
            "u.yaml: 159713.SZ names benchmark 930598.CSI, which is not in the universe");
  EXPECT_EQ(err("stocks: []\n"), "u.yaml: expected a mapping with an 'instruments' list");
}

// Issue #14: a listing date (the new-listing days without a band count from it), the ST flag and
// the index's top-ten rank are read, checked and kept.
TEST(Universe, ListingDateStAndIndexRank) {
  auto r = parse_universe(
      "instruments:\n"
      "  - {symbol: 920118, name: 新股, listed: 2026-02-11}\n"
      "  - {symbol: 600392.SH, name: x, st: true, index_rank: 7}\n"
      "  - {symbol: 600111.SH, name: y, index_rank: 1, listed: '20080108'}\n",
      "u.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto* bse = r->find(*Symbol::parse("920118.BJ"));
  ASSERT_NE(bse, nullptr);
  EXPECT_EQ(bse->board, Board::Bse);
  ASSERT_TRUE(bse->listed.has_value());
  EXPECT_EQ(format_date(*bse->listed), "2026-02-11");
  EXPECT_FALSE(bse->special_treatment);
  const auto* st = r->find(*Symbol::parse("600392.SH"));
  EXPECT_TRUE(st->special_treatment);
  EXPECT_FALSE(st->listed.has_value());
  EXPECT_EQ(st->index_rank, 7);
  EXPECT_EQ(format_date(*r->find(*Symbol::parse("600111.SH"))->listed), "2008-01-08");

  auto err = [](const char* yaml) {
    auto u = parse_universe(yaml, "u.yaml");
    return u ? std::string("ok") : u.error().message;
  };
  EXPECT_EQ(err("instruments:\n  - {symbol: 920118, name: x, listed: soon}\n"),
            "u.yaml:2:39: listed must be the first trading day, like 2026-02-09");
  EXPECT_EQ(err("instruments:\n  - {symbol: 920118, name: x, listed: [2026-02-11]}\n"),
            "u.yaml:2:39: listed must be the first trading day, like 2026-02-09");
  EXPECT_EQ(err("instruments:\n  - {symbol: 920118, name: x, st: maybe}\n"), "u.yaml:2:35: st must be true or false");
  EXPECT_EQ(err("instruments:\n  - {symbol: 600111.SH, name: x, index_rank: 11}\n"),
            "u.yaml:2:46: index_rank must be a place in the top ten, 1 to 10");
  EXPECT_EQ(err("instruments:\n  - {symbol: 600111.SH, name: x, index_rank: 1}\n"
                "  - {symbol: 002202.SZ, name: y, index_rank: 1}\n"),
            "u.yaml:3:46: index_rank 1 is also 600111.SH's");
  EXPECT_EQ(err("instruments:\n  - {symbol: 930598.SH, name: x}\n"),
            "u.yaml:2:14: bad symbol '930598.SH': 930598 is a CSI index, not an SH security: write 930598.CSI "
            "(Eastmoney 2.930598)");
}

// Issue #14: the 2026-01-30 top ten, dated, in the universe with their rank; 金风科技 among them.
TEST(Universe, TheBundledTopTenIsThe20260130One) {
  auto r = load_universe(std::string(LODESTONE_SOURCE_DIR) + "/deploy/universe.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<std::string> by_rank(10);
  for (const auto& i : r->all())
    if (i.index_rank) by_rank.at(static_cast<std::size_t>(*i.index_rank - 1)) = i.name;
  EXPECT_EQ(by_rank, (std::vector<std::string>{"北方稀土", "金风科技", "厦门钨业", "中国铝业", "格林美", "中国稀土",
                                               "盛和资源", "包钢股份", "卧龙电驱", "领益智造"}));
  const auto* goldwind = r->find(*Symbol::parse("002202"));
  ASSERT_NE(goldwind, nullptr);
  EXPECT_EQ(goldwind->name, "金风科技");
  EXPECT_EQ(goldwind->index_rank, 2);
  // Every benchmark resolves to an instrument of the universe, and 930598 is the CSI index.
  for (const auto& i : r->all())
    if (i.benchmark) EXPECT_NE(r->find(*i.benchmark), nullptr) << i.symbol.str();
  EXPECT_EQ(r->find(*Symbol::parse("930598"))->type, InstrumentType::Index);
}

}  // namespace
}  // namespace lodestone::app
