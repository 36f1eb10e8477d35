#include <gtest/gtest.h>

#include <algorithm>

#include "tape_queries.hpp"

namespace lodestone::tapes_test {
namespace {

const InstrumentRegistry& registry() {
  const auto& u = universe();
  if (!u) ADD_FAILURE() << u.error().message;
  static const InstrumentRegistry empty;
  return u ? *u : empty;
}

TEST(UniverseYaml, Loads) {
  ASSERT_TRUE(universe().ok()) << universe().error().message;
  EXPECT_GE(registry().size(), 28U);
}

TEST(UniverseYaml, HoldsTheIssuesInstruments) {
  for (std::string_view s : {"159713.SZ", "516150.SH", "516780.SH", "159715.SZ",  "600111.SH", "000831.SZ", "600392.SH",
                             "300748.SZ", "600549.SH", "002202.SZ", "601600.SH",  "002340.SZ", "600010.SH", "600580.SH",
                             "002600.SZ", "688190.SH", "000970.SZ", "600366.SH",  "300224.SZ", "600259.SH", "300263.SZ",
                             "000758.SZ", "002645.SZ", "300127.SZ", "930598.CSI", "000300.SH"})
    EXPECT_NE(registry().find(sym(s)), nullptr) << s;
}

TEST(UniverseYaml, NamesAndAliasesAsTheSeedsWriteThem) {
  auto name = [](std::string_view s) { return registry().find(sym(s)) ? registry().find(sym(s))->name : ""; };
  EXPECT_EQ(name("600111.SH"), "北方稀土");
  EXPECT_EQ(name("000831.SZ"), "中国稀土");
  EXPECT_EQ(name("600392.SH"), "盛和资源");
  EXPECT_EQ(name("600259.SH"), "中稀有色");
  EXPECT_EQ(name("300263.SZ"), "隆华科技");
  EXPECT_EQ(name("516150.SH"), "稀土ETF嘉实");
  EXPECT_EQ(name("930598.CSI"), "中证稀土产业指数");
  EXPECT_EQ(name("000300.SH"), "沪深300");
  auto has_alias = [](std::string_view s, const std::string& alias) {
    const Instrument* i = registry().find(sym(s));
    return i && std::find(i->aliases.begin(), i->aliases.end(), alias) != i->aliases.end();
  };
  EXPECT_TRUE(has_alias("000831.SZ", "五矿稀土"));
  EXPECT_TRUE(has_alias("600259.SH", "广晟有色"));
}

TEST(UniverseYaml, EveryEntryIsCanonicalAndAgreesWithItsCode) {
  for (const Instrument& i : registry().all()) {
    SCOPED_TRACE(i.symbol.str());
    EXPECT_FALSE(i.name.empty());
    EXPECT_EQ(i.board, i.symbol.board());
    EXPECT_EQ(i.type, i.symbol.type());
    EXPECT_FALSE(i.special_treatment);
  }
}

TEST(UniverseYaml, BenchmarksPointInsideTheUniverse) {
  const Symbol rare_earth = sym("930598.CSI");
  for (const Instrument& i : registry().all()) {
    SCOPED_TRACE(i.symbol.str());
    if (i.symbol == sym("000300.SH")) {
      EXPECT_FALSE(i.benchmark.has_value());
      continue;
    }
    ASSERT_TRUE(i.benchmark.has_value());
    EXPECT_NE(registry().find(*i.benchmark), nullptr);
    EXPECT_EQ(*i.benchmark, i.symbol == rare_earth ? sym("000300.SH") : rare_earth);
  }
}

TEST(UniverseYaml, IndexWeightsAreTheJuly2025TopTen) {
  double sum = 0;
  int weighted = 0;
  for (const Instrument& i : registry().all()) {
    if (!i.index_weight_pct) continue;
    EXPECT_EQ(i.type, InstrumentType::Stock) << i.symbol.str();
    EXPECT_GT(*i.index_weight_pct, 0.0);
    sum += *i.index_weight_pct;
    ++weighted;
  }
  EXPECT_EQ(weighted, 10);
  EXPECT_NEAR(sum, 55.75, 0.005);  // 13.23 + 5.63 + 5.01 + 4.97 + 4.94 + 4.79 + 4.60 + 4.50 + 4.22 + 3.86
  ASSERT_NE(registry().find(sym("600111.SH")), nullptr);
  EXPECT_DOUBLE_EQ(registry().find(sym("600111.SH"))->index_weight_pct.value_or(0), 13.23);
}

}  // namespace
}  // namespace lodestone::tapes_test
