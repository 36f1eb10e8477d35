// Cutting never splits a character, keeps the marker inside the limit, and counts the way each
// service counts (bytes, UTF-16 units, characters).
#include "utf8_cut.hpp"

#include <gtest/gtest.h>

#include "markdown_v2.hpp"

namespace lodestone::notify::detail {
namespace {

TEST(Utf8Cut, TextWithinTheLimitIsUntouched) {
  EXPECT_EQ(cut("北方稀土", 12, Unit::Bytes), "北方稀土");
  EXPECT_EQ(cut("", 0, Unit::Bytes), "");
}

TEST(Utf8Cut, ThreeByteCjkIsNeverSplit) {
  // 8 bytes leave 5 for text after the 3-byte "…": one 3-byte character, not 1⅔.
  EXPECT_EQ(cut("北方稀土", 8, Unit::Bytes, "…"), "北…");
  EXPECT_EQ(cut("北方稀土", 9, Unit::Bytes, "…"), "北方…");
  EXPECT_EQ(cut("北方稀土", 11, Unit::Bytes, "…"), "北方…");
}

TEST(Utf8Cut, FourByteEmojiAtTheBoundaryIsLeftOutWhole) {
  // "ab😀cdef" (10 bytes): the emoji is bytes 2-5; a limit of 8 leaves 5 before the marker.
  EXPECT_EQ(cut("ab😀cdef", 8, Unit::Bytes, "…"), "ab…");
  EXPECT_EQ(cut("ab😀cdef", 9, Unit::Bytes, "…"), "ab😀…");
}

TEST(Utf8Cut, Utf16CountsAnEmojiAsTwoUnits) {
  EXPECT_EQ(measure("😀😀😀", Unit::Utf16), 6U);
  EXPECT_EQ(measure("北方稀土", Unit::Utf16), 4U);
  EXPECT_EQ(cut("😀😀😀", 4, Unit::Utf16, "…"), "😀…");  // 2 + 1 units; another emoji would be 5
  EXPECT_EQ(cut("😀😀😀", 5, Unit::Utf16, "…"), "😀😀…");
}

TEST(Utf8Cut, CodePointsCountEachCharacterOnce) {
  EXPECT_EQ(measure("北方稀土😀", Unit::CodePoints), 5U);
  EXPECT_EQ(cut("【严重 critical】600111.SH 北方稀土", 8, Unit::CodePoints, "…"), "【严重 cri…");
}

TEST(Utf8Cut, TheDefaultMarkerSaysSoAndFitsInside) {
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "稀土出口管制";
  const std::string out = cut(long_text, 100, Unit::Bytes);
  EXPECT_LE(out.size(), 100U);
  EXPECT_TRUE(valid_utf8(out));
  EXPECT_EQ(out.substr(out.size() - kCutMarker.size()), kCutMarker);
}

TEST(Utf8Cut, AMarkerLargerThanTheLimitIsItselfCutWhole) {
  const std::string out = cut("北方稀土北方稀土", 5, Unit::Bytes);
  EXPECT_EQ(out, "…(");  // the marker's first characters (3 + 1 bytes): "…(已" would be 7
}

TEST(Utf8Cut, EveryLimitGivesValidUtf8WithinTheLimit) {
  const std::string text = "a北😀b稀土😀😀c🀄d";
  for (const Unit unit : {Unit::Bytes, Unit::Utf16, Unit::CodePoints}) {
    for (std::size_t limit = 0; limit <= measure(text, unit) + 1; ++limit) {
      const std::string out = cut(text, limit, unit, "…");
      EXPECT_TRUE(valid_utf8(out)) << limit;
      EXPECT_LE(measure(out, unit), limit) << limit;
      if (limit >= measure(text, unit))
        EXPECT_EQ(out, text);
      else if (limit >= measure("…", unit))
        EXPECT_EQ(out.substr(out.size() - 3), "…") << limit;
    }
  }
}

TEST(Utf8Cut, IllFormedBytesAreFoundAndReplaced) {
  EXPECT_TRUE(valid_utf8("北方稀土😀"));
  EXPECT_FALSE(valid_utf8("\xE5\x8C"));          // a CJK character cut in half
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_EQ(to_valid_utf8("a\xE5\x8C"
                          "b"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
}

TEST(LongestPrefix, FitsTheEscapedSizeAndNeverCutsAnEscape) {
  // The cost is the escaped size: the prefix is cut before escaping, so no escape is split.
  const std::string text = "a.b.c北.d";
  auto cost = [](std::string_view p) { return markdown_v2_escape(p).size(); };
  EXPECT_EQ(longest_prefix(text, 100, cost), text.size());
  EXPECT_EQ(longest_prefix(text, 0, cost), 0U);
  EXPECT_EQ(longest_prefix(text, 2, cost), 1U);  // "a\." would be 3
  EXPECT_EQ(longest_prefix(text, 3, cost), 2U);  // "a\."
  EXPECT_EQ(longest_prefix(text, 9, cost), 5U);  // "a\.b\.c" is 7, with 北 it is 10
  EXPECT_EQ(longest_prefix(text, 10, cost), 8U);
}

TEST(MarkdownV2, EverySpecialCharacterIsEscapedAndTheBackslashFirst) {
  EXPECT_EQ(markdown_v2_escape("_*[]()~`>#+-=|{}.!"), "\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!");
  EXPECT_EQ(markdown_v2_escape("\\*"), "\\\\\\*");  // a literal backslash, then a literal star
  EXPECT_EQ(markdown_v2_escape("北方稀土 +5.12%"), "北方稀土 \\+5\\.12%");
  EXPECT_EQ(markdown_v2_escape("稀土ETF(159713)"), "稀土ETF\\(159713\\)");
}

TEST(MarkdownV2, InsideALinkOnlyTheClosingParenthesisAndBackslash) {
  EXPECT_EQ(markdown_v2_escape_url("https://x.example/alerts/a_b-c.d?e=(f)\\"),
            "https://x.example/alerts/a_b-c.d?e=(f\\)\\\\");
}

}  // namespace
}  // namespace lodestone::notify::detail
