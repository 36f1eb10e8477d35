#include "lodestone/rules/keyword_matcher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lodestone/rules/message_template.hpp"
#include "lodestone/rules/threshold.hpp"

namespace lodestone::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(KeywordMatcher, FindsOverlappingChineseSubstrings) {
  KeywordMatcher m;
  const auto rare = m.add("稀土");
  const auto etf = m.add("稀土ETF");
  const auto quota = m.add("配额");
  const auto earth = m.add("土");
  m.compile();
  EXPECT_THAT(m.find("稀土ETF(159713)涨停"), ElementsAre(rare, etf, earth));
  EXPECT_THAT(m.find("开采配额下达"), ElementsAre(quota));
  EXPECT_THAT(m.find("稀"), IsEmpty());
  EXPECT_THAT(m.find(""), IsEmpty());
}

TEST(KeywordMatcher, FailureLinksFindPatternsInsideOthers) {
  KeywordMatcher m;
  const auto he = m.add("he");
  const auto she = m.add("she");
  const auto his = m.add("his");
  const auto hers = m.add("hers");
  m.compile();
  EXPECT_THAT(m.find("ushers"), ElementsAre(he, she, hers));
  EXPECT_THAT(m.find("ahishe"), ElementsAre(he, she, his));
}

TEST(KeywordMatcher, AsciiIsCaseInsensitiveAndBytesAreExact) {
  KeywordMatcher m;
  const auto lynas = m.add("Lynas");
  const auto vault = m.add("project VAULT");
  m.compile();
  EXPECT_THAT(m.find("LYNAS rare earths; Project Vault"), ElementsAre(lynas, vault));
  // A multi-byte character whose bytes straddle a pattern never matches part of it.
  KeywordMatcher cjk;
  cjk.add("\xe7\xa8\x80");  // 稀
  cjk.compile();
  EXPECT_THAT(cjk.find("\xe7\xa8"), IsEmpty());
}

TEST(KeywordMatcher, EmptyPatternsNeverMatch) {
  KeywordMatcher m;
  m.add("");
  const auto a = m.add("a");
  m.compile();
  EXPECT_THAT(m.find("banana"), ElementsAre(a));
}

TEST(Threshold, ComparesHundredths) {
  auto t = parse_threshold("abs >= 1.5");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->holds(-150));
  EXPECT_TRUE(t->holds(151));
  EXPECT_FALSE(t->holds(149));
  EXPECT_EQ(t->str(), "abs >= 1.50");
  auto below = parse_threshold("< -3");
  ASSERT_TRUE(below.ok());
  EXPECT_TRUE(below->holds(-301));
  EXPECT_FALSE(below->holds(-300));
}

TEST(MessageTemplate, RendersPlaceholdersAndEscapedBraces) {
  auto t = MessageTemplate::parse("{symbol} {{x}} {change_pct}%");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->render([](Placeholder p) { return std::string(to_string(p)); }), "symbol {x} change_pct%");
  EXPECT_TRUE(t->uses(Placeholder::ChangePct));
  EXPECT_FALSE(t->uses(Placeholder::Headline));
  EXPECT_FALSE(MessageTemplate::parse("{symbol").ok());
  EXPECT_FALSE(MessageTemplate::parse("a } b").ok());
}

}  // namespace
}  // namespace lodestone::rules
