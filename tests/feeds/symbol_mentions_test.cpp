// Which instruments a headline names, over the real universe (deploy/universe.yaml): the cases
// of issue #14 and every seed headline (feeds/tapes/headlines-2026-02.ndjson), tagged by hand
// as a trader would.
#include "lodestone/feeds/symbol_mentions.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "lodestone/app/universe.hpp"
#include "lodestone/feeds/canonical.hpp"

namespace lodestone::feeds {
namespace {

const InstrumentRegistry& universe() {
  static const InstrumentRegistry reg = [] {
    auto r = app::load_universe(LODESTONE_SOURCE_DIR "/deploy/universe.yaml");
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : InstrumentRegistry{};
  }();
  return reg;
}

const SymbolMentions& mentions() {
  static const SymbolMentions m(universe());
  return m;
}

std::vector<std::string> found(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& s : mentions().find(text)) out.push_back(s.str());
  return out;
}

using Symbols = std::vector<std::string>;

TEST(SymbolMentionsUniverse, TheLongestNameWinsAtEachPosition) {
  // The case: not also 159713 and 516780 (both are "稀土ETF").
  EXPECT_EQ(found("稀土ETF嘉实(516150)"), Symbols{"516150.SH"});
  EXPECT_EQ(found("稀土ETF易方达领涨"), Symbols{"159715.SZ"});
  EXPECT_EQ(found("中证稀土产业指数下跌4.45%"), Symbols{"930598.CSI"});
  EXPECT_EQ(found("中国北方稀土公告"), Symbols{"600111.SH"});
}

TEST(SymbolMentionsUniverse, ANameTwoInstrumentsShareNamesNeitherWithoutItsCode) {
  EXPECT_TRUE(found("稀土ETF大涨").empty());
  EXPECT_EQ(found("稀土ETF(159713)盘中涨超3%"), Symbols{"159713.SZ"});
  EXPECT_EQ(found("稀土ETF（516780）放量"), Symbols{"516780.SH"});
}

TEST(SymbolMentionsUniverse, ShortAliasesDoNotMatchInsideOtherCompaniesNames) {
  EXPECT_TRUE(found("厦钨新能发布业绩预告").empty());
  EXPECT_TRUE(found("中铝国际中标海外项目").empty());
  EXPECT_TRUE(found("中铝集团调研").empty());
  EXPECT_EQ(found("厦钨涨停，厦钨新能跟涨"), Symbols{"600549.SH"});
  EXPECT_EQ(found("中铝、厦钨走强"), (Symbols{"601600.SH", "600549.SH"}));
  EXPECT_EQ(found("中铝国际与中国铝业"), Symbols{"601600.SH"});
}

TEST(SymbolMentionsUniverse, CodesOnlyAsWholeNumbers) {
  EXPECT_EQ(found("516150"), Symbols{"516150.SH"});
  EXPECT_EQ(found("sz159713,sh600111"), (Symbols{"159713.SZ", "600111.SH"}));
  EXPECT_TRUE(found("编号2026001597130").empty());
  EXPECT_TRUE(found("1516150 与 5161500").empty());
  EXPECT_TRUE(found("600111.5").size() == 1);  // a decimal point ends the number
}

TEST(SymbolMentionsUniverse, APhraseNameCountsOnlyAsACompany) {
  EXPECT_TRUE(found("摆脱对中国稀土的依赖").empty());
  EXPECT_TRUE(found("想抽掉中国稀土王牌").empty());
  EXPECT_TRUE(found("中国稀土集团重组").empty());
  EXPECT_EQ(found("北方稀土、中国稀土跟跌"), (Symbols{"600111.SH", "000831.SZ"}));
  EXPECT_EQ(found("中国稀土涨停"), Symbols{"000831.SZ"});
  EXPECT_EQ(found("中国稀土(000831)"), Symbols{"000831.SZ"});
  EXPECT_EQ(found("五矿稀土"), Symbols{"000831.SZ"});
}

TEST(SymbolMentionsUniverse, BrokenAndOddTextNamesNothingOrWhatIsThere) {
  EXPECT_TRUE(found("").empty());
  EXPECT_TRUE(found("\xE4\xB8").empty());                      // a truncated character
  EXPECT_EQ(found("\xFF北方稀土\xE4"), Symbols{"600111.SH"});  // stray bytes around a name
  EXPECT_EQ(found("沪深300指数"), Symbols{"000300.SH"});
}

// Every seed headline, title and body, tagged by hand. The January and sohu items discuss
// China's rare-earth position ("对中国稀土的依赖", "中国稀土王牌"): they name no instrument.
const std::map<std::string, Symbols> kSeedExpected = {
    {"sohu-20260118-1732", {}},
    {"sohu-20260120-1909", {}},
    {"sohu-20260121-1045", {}},
    {"jrj-20260203-1847",
     {"300263.SZ", "000758.SZ", "000831.SZ", "002202.SZ", "002645.SZ", "300127.SZ", "300748.SZ", "301141.SZ",
      "301622.SZ", "600111.SH", "600259.SH", "600392.SH"}},
    {"sina-20260205-1108",
     {"516150.SH", "930598.CSI", "002202.SZ", "601600.SH", "600392.SH", "600111.SH", "000831.SZ"}},
    {"sohu-20260205-1538", {}},
    {"sohu-20260205-1650", {}},
    {"sohu-20260208-1516", {}},
    {"nbd-20260209-1423", {"159713.SZ", "600392.SH", "600111.SH", "000831.SZ", "688190.SH", "930598.CSI"}},
    {"sohu-20260211-0537", {}},
};

TEST(SymbolMentionsUniverse, EverySeedHeadlineGetsTheSymbolsATraderWouldTag) {
  std::ifstream in(LODESTONE_SOURCE_DIR "/feeds/tapes/headlines-2026-02.ndjson");
  ASSERT_TRUE(in);
  CanonicalParser parser;
  std::string line;
  std::size_t seen = 0;
  while (std::getline(in, line)) {
    auto e = parser.parse(line);
    ASSERT_TRUE(e.ok()) << e.error().message;
    const auto* h = std::get_if<Headline>(&*e);
    ASSERT_NE(h, nullptr);
    auto it = kSeedExpected.find(h->id);
    ASSERT_NE(it, kSeedExpected.end()) << "no expectation for " << h->id;
    EXPECT_EQ(found(h->title + "\n" + h->body), it->second) << h->id << ": " << h->title;
    ++seen;
  }
  EXPECT_EQ(seen, kSeedExpected.size());
}

TEST(SymbolMentionsUniverse, HintsAreData) {
  // Without the hints "厦钨" inside another company's name matches, which is why they exist.
  const SymbolMentions bare(universe(), MentionHints{});
  EXPECT_EQ(bare.find("厦钨新能"), std::vector<Symbol>{*Symbol::parse("600549.SH")});
  EXPECT_EQ(bare.find("对中国稀土的依赖"), std::vector<Symbol>{*Symbol::parse("000831.SZ")});
}

}  // namespace
}  // namespace lodestone::feeds
