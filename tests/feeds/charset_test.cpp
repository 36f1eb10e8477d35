#include "lodestone/feeds/charset.hpp"

#include <gtest/gtest.h>

namespace lodestone::feeds {
namespace {

TEST(Charset, ContentTypeNamesTheCharset) {
  EXPECT_EQ(charset_from_content_type("text/html; charset=GBK", Charset::Utf8), Charset::Gb18030);
  EXPECT_EQ(charset_from_content_type("application/javascript; Charset=\"gb2312\"", Charset::Utf8), Charset::Gb18030);
  EXPECT_EQ(charset_from_content_type("application/json;charset=UTF-8", Charset::Gb18030), Charset::Utf8);
  EXPECT_EQ(charset_from_content_type("application/json", Charset::Gb18030), Charset::Gb18030);
  EXPECT_EQ(charset_from_content_type("", Charset::Utf8), Charset::Utf8);
  EXPECT_EQ(charset_from_content_type("text/plain; charset=koi8-r", Charset::Gb18030), Charset::Gb18030);
}

TEST(Charset, GbkAndFourByteGb18030DecodeToUtf8) {
  // 稀土 in GBK; U+20000 (𠀀) is a four-byte GB18030 sequence 95 32 82 36.
  EXPECT_EQ(to_utf8("\xCF\xA1\xCD\xC1", Charset::Gb18030).text, "稀土");
  auto four = to_utf8("\x95\x32\x82\x36", Charset::Gb18030);
  EXPECT_EQ(four.text, "\xF0\xA0\x80\x80");
  EXPECT_EQ(four.invalid, 0u);
}

TEST(Charset, InvalidBytesBecomeReplacementCharacters) {
  auto gbk = to_utf8("ab\xFF\xCF", Charset::Gb18030);  // 0xFF is never valid; 0xCF is cut short
  EXPECT_EQ(gbk.text, "ab\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(gbk.invalid, 2u);
  // Overlong '/', a lone surrogate, and a valid 稀.
  auto utf8 = to_utf8("\xC0\xAF|\xED\xA0\x80|\xE7\xA8\x80", Charset::Utf8);
  EXPECT_EQ(utf8.invalid, 5u);
  EXPECT_NE(utf8.text.find("稀"), std::string::npos);
  EXPECT_EQ(to_utf8("plain ascii", Charset::Gb18030).text, "plain ascii");
}

}  // namespace
}  // namespace lodestone::feeds
