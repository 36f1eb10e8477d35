// The statement envelope Sina and Tencent share, read once for both.
#include "envelope.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lodestone::feeds::detail {
namespace {

constexpr EnvelopeFormat kSina{"var hq_str_", "hq_str_", {}};
constexpr EnvelopeFormat kTencent{"v_", "v_", "pv_none_match"};

std::vector<std::string> read_all(std::string_view text, const EnvelopeFormat& format, QuoteBatch& out) {
  std::vector<std::string> seen;
  for_each_envelope(text, format, out,
                    [&](const Envelope& e) { seen.push_back(std::string(e.code) + "=" + std::string(e.value)); });
  return seen;
}

TEST(Envelope, ReadsEachStatementOfEitherSource) {
  QuoteBatch b;
  EXPECT_EQ(read_all("var hq_str_sz159713=\"a,b\";\nvar hq_str_sh600111=\"\";\n", kSina, b),
            (std::vector<std::string>{"sz159713=a,b", "sh600111="}));
  EXPECT_EQ(read_all("v_sz159713=\"1~x~159713\"; v_pv_none_match=\"1\";", kTencent, b),
            (std::vector<std::string>{"sz159713=1~x~159713", "pv_none_match=1"}));
  EXPECT_TRUE(b.problems.empty());
}

TEST(Envelope, WhatIsNotAStatementIsAProblemWithItsCode) {
  QuoteBatch b;
  EXPECT_TRUE(read_all("hello\nvar hq_str_sz159713=1;\nvar hq_str_sz159713=\"cut", kSina, b).empty());
  ASSERT_EQ(b.problems.size(), 3u);
  EXPECT_EQ(b.problems[0].code, ErrorCode::bad_line);
  EXPECT_EQ(b.problems[0].detail, "not a hq_str_ statement");
  EXPECT_EQ(b.problems[1].code, ErrorCode::bad_line);
  EXPECT_EQ(b.problems[1].detail, "no quoted value");
  EXPECT_EQ(b.problems[2].code, ErrorCode::truncated);
  EXPECT_EQ(b.problems[2].detail, "value of sz159713 is not closed");
  QuoteBatch t;
  EXPECT_TRUE(read_all("var hq_str_sz159713=\"a\";", kTencent, t).empty());
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems[0].detail, "not a v_ statement");
}

}  // namespace
}  // namespace lodestone::feeds::detail
