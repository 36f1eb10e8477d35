#include "lodestone/rules/label_regex.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "lodestone/rules/silence.hpp"

namespace lodestone::rules {
namespace {

std::string refusal(std::string_view pattern) {
  const auto st = check_label_regex(pattern);
  return st ? std::string() : st.error().message;
}

TEST(LabelRegex, CountedRepetitionsWhoseProductPassesAThousandAreRefused) {
  EXPECT_EQ(refusal("(etf|lof)-.{1,8}"), "");
  EXPECT_EQ(refusal("[0-9]{6}\\.S[HZ]"), "");
  EXPECT_EQ(refusal("(a{10}){100}"), "");  // 1,000: the limit itself
  EXPECT_NE(refusal("(a{100}){20}").find("multiply past 1000"), std::string::npos);
  EXPECT_NE(refusal("a{1001}").find("multiply past 1000"), std::string::npos);
  EXPECT_NE(refusal("a{2,1001}").find("multiply past 1000"), std::string::npos);
  // std::regex reads the number before it notices the missing brace: a long one overflowed.
  EXPECT_NE(refusal("a{88888888888888888888").find("multiply past 1000"), std::string::npos);
  EXPECT_EQ(refusal("a\\{99999}"), "");  // an escaped brace is a character
}

TEST(LabelRegex, BackReferencesAreRefusedWhateverTheirNumber) {
  EXPECT_NE(refusal("(a)\\1").find("back-references"), std::string::npos);
  // The fuzzer's input: \8888... overflowed the long libstdc++ reads it into (UBSan).
  EXPECT_NE(refusal("[0-9]{7}\\88888888888888888888888888.S[HZ]").find("back-references"), std::string::npos);
  EXPECT_EQ(refusal("a\\\\1"), "");  // an escaped backslash, then the digit 1
  EXPECT_EQ(refusal("\\d{6}\\.SH"), "");
}

TEST(LabelRegex, APatternOver512BytesIsRefusedBeforeTheCompilerRecursesIntoIt) {
  EXPECT_EQ(refusal(std::string(512, 'a')), "");
  const std::string deep = std::string(300, '(') + "a" + std::string(300, ')');
  EXPECT_EQ(refusal(deep), "a label regex is at most 512 bytes (this one is 601)");
}

TEST(LabelRegex, WhatPassesIsCompiledToMatchInPolynomialTime) {
  auto re = compile_label_regex("(a|aa)*c");
  ASSERT_TRUE(re.ok()) << re.error().message;
  ASSERT_TRUE(((*re)->flags() & std::regex_constants::__polynomial) != std::regex_constants::syntax_option_type{});
  // Exponential for a backtracking matcher (Fibonacci in the length); at once here.
  EXPECT_FALSE(std::regex_match(std::string(64, 'a'), **re));
  EXPECT_TRUE(std::regex_match(std::string("aaac"), **re));
}

TEST(LabelRegex, ASyntaxErrorSaysInvalidRegex) {
  auto re = compile_label_regex("(export");
  ASSERT_FALSE(re.ok());
  EXPECT_EQ(re.error().message.rfind("invalid regex: ", 0), 0U) << re.error().message;
}

// The silence API comes through parse_matcher, the notification routes through make_matcher.
TEST(LabelRegex, ASilenceMatcherGoesThroughTheSameChecks) {
  EXPECT_TRUE(parse_matcher("rule=~\"(etf|lof)-.{1,8}\"").ok());
  auto slow = parse_matcher("rule=~\"(a{999}){999}\"");
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().message.find("multiply past 1000"), std::string::npos) << slow.error().message;
  auto backref = parse_matcher("symbol!~\"(6)\\1\"");
  ASSERT_FALSE(backref.ok());
  EXPECT_NE(backref.error().message.find("back-references"), std::string::npos) << backref.error().message;
  EXPECT_TRUE(parse_matcher("symbol=\"(6)\\1\"").ok());  // an equality is not a regex
}

TEST(LabelRegex, AMatcherFromItsPartsTakesTheValueVerbatimAndSaysOnlyWhy) {
  auto quoted = make_matcher("rule", Matcher::Op::Regex, "\"etf\"");
  ASSERT_TRUE(quoted.ok()) << quoted.error().message;
  EXPECT_EQ(quoted->value, "\"etf\"") << "no quotes stripped";
  EXPECT_TRUE(quoted->matches({{"rule", "\"etf\""}}));
  auto slow = make_matcher("rule", Matcher::Op::NotRegex, "(a{999}){999}");
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().message.rfind("counted repetitions", 0), 0U) << slow.error().message;
  auto broken = make_matcher("tags", Matcher::Op::Regex, "(export");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message.rfind("invalid regex: ", 0), 0U) << broken.error().message;
  auto equal = make_matcher("symbol", Matcher::Op::NotEqual, "(6)\\1");
  ASSERT_TRUE(equal.ok());
  EXPECT_EQ(equal->regex, nullptr);
}

}  // namespace
}  // namespace lodestone::rules
