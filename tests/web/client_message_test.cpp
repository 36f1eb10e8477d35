// parse_client_message: what a browser may send, and the ErrorCode of each refusal.
#include "lodestone/web/client_message.hpp"

#include <gtest/gtest.h>

namespace lodestone::web {
namespace {

ErrorCode code_of(std::string_view text) {
  auto m = parse_client_message(text);
  EXPECT_FALSE(m.ok()) << text;
  return m.ok() ? ErrorCode::bad_field : m.error().code;
}

TEST(ClientMessage, TheThreeMessagesParse) {
  auto sub = parse_client_message(R"({"type":"subscribe","symbols":["159713","*"]})");
  ASSERT_TRUE(sub.ok());
  ASSERT_TRUE(std::holds_alternative<Subscribe>(*sub));
  EXPECT_TRUE(std::get<Subscribe>(*sub).all);
  EXPECT_EQ(std::get<Subscribe>(*sub).symbols.size(), 1U);
  auto resume = parse_client_message(R"({"type":"resume","after":42})");
  ASSERT_TRUE(resume.ok());
  EXPECT_EQ(std::get<Resume>(*resume).after, 42U);
  EXPECT_TRUE(parse_client_message(R"({"type":"ping"})").ok());
}

TEST(ClientMessage, EachRefusalNamesItsCode) {
  EXPECT_EQ(code_of("{not json"), ErrorCode::bad_json);
  EXPECT_EQ(code_of("[1,2]"), ErrorCode::bad_event);
  EXPECT_EQ(code_of(R"({"type":"sell"})"), ErrorCode::bad_event);
  EXPECT_EQ(code_of(R"({"kind":"ping"})"), ErrorCode::missing_field);
  EXPECT_EQ(code_of(R"({"type":"ping","type":"ping"})"), ErrorCode::bad_field);
  EXPECT_EQ(code_of(R"({"type":"resume","after":-1})"), ErrorCode::bad_seq);
  EXPECT_EQ(code_of(R"({"type":"subscribe","symbols":"159713"})"), ErrorCode::bad_field);
  EXPECT_EQ(code_of(R"({"type":"subscribe","symbols":[1]})"), ErrorCode::bad_field);
  EXPECT_EQ(code_of(R"({"type":"subscribe","symbols":["nonsense!"]})"), ErrorCode::bad_symbol);
}

}  // namespace
}  // namespace lodestone::web
