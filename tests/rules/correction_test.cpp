// Reading a source's correction notice from its title (rules/src/correction.hpp). The earlier
// titles are real: the seed news of feeds/tapes/README.md#sources. Every notice below is
// SYNTHETIC, written for these tests in the forms Chinese sites use (【更正】, 关于《…》的更正,
// 撤回：…); none of these sources published a correction of these items.
#include "correction.hpp"

#include <gtest/gtest.h>

namespace lodestone::rules {
namespace {

// 每日经济新闻 2026-02-09 14:23 and 新浪财经 2026-02-05 11:08 (real titles).
const char* kNbd = "稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%!";
const char* kSina = "关键矿产“金库计划”启动,稀土ETF嘉实(516150)聚焦稀土产业链投资机遇";
// 搜狐财经 2026-02-08 15:16 (real title).
const char* kSohu = "去年被中国教训的局面,特朗普依然耿耿于怀,决定砸百亿美元应对";

TEST(CorrectionNotice, AQuotedTitleIsNamedExactly) {
  const auto n = read_notice(std::string("关于《") + kNbd + "》的更正");  // synthetic
  EXPECT_EQ(n.kind, NoticeKind::Correction);
  ASSERT_EQ(n.quoted.size(), 1U);
  EXPECT_EQ(names(n, kNbd), Naming::Exact);
  EXPECT_EQ(names(n, kSohu), Naming::None);
}

TEST(CorrectionNotice, PunctuationSpacesAndFullWidthFormsDoNotMatter) {
  // Synthetic: the same title retyped with full-width punctuation and a space.
  const auto n = read_notice("【更正】《稀土板块强势领涨，稀土ＥＴＦ（159713）盘中涨幅 一度超过3.6%！》");
  EXPECT_EQ(n.kind, NoticeKind::Correction);
  EXPECT_EQ(names(n, kNbd), Naming::Exact);
}

TEST(CorrectionNotice, ATitleWrittenOutWithoutQuotesIsNamed) {
  const auto n = read_notice(std::string("更正：") + kSohu);  // synthetic
  EXPECT_EQ(n.kind, NoticeKind::Correction);
  EXPECT_TRUE(n.quoted.empty());
  EXPECT_EQ(names(n, kSohu), Naming::Partial);
}

TEST(CorrectionNotice, ACutQuoteNamesTheTitleItBegins) {
  const auto n = read_notice("撤回：“稀土板块强势领涨,稀土ETF(159713)盘中涨幅……”");  // synthetic
  EXPECT_EQ(n.kind, NoticeKind::Retraction);
  EXPECT_EQ(names(n, kNbd), Naming::Partial);
  EXPECT_EQ(names(n, kSina), Naming::None);
}

TEST(CorrectionNotice, AQuoteWithTheSourcesPrefixNamesTheTitle) {
  const auto n = read_notice(std::string("「每日经济新闻：") + kNbd + "」一文更正说明");  // synthetic
  EXPECT_EQ(n.kind, NoticeKind::Correction);
  EXPECT_EQ(names(n, kNbd), Naming::Partial);
}

TEST(CorrectionNotice, QuotesInsideTheQuotedTitleStayInIt) {
  // Synthetic: the 新浪财经 title has its own “…” inside the 《…》 the notice puts round it.
  const auto n = read_notice(std::string("关于撤回《") + kSina + "》的声明");
  EXPECT_EQ(n.kind, NoticeKind::Retraction);
  ASSERT_EQ(n.quoted.size(), 1U);
  EXPECT_EQ(names(n, kSina), Naming::Exact);
}

TEST(CorrectionNotice, WithdrawnAndReissuedIsAWithdrawal) {
  const auto n = read_notice(std::string("关于撤回并更正《") + kNbd + "》的说明");  // synthetic
  EXPECT_EQ(n.kind, NoticeKind::Retraction);
}

TEST(CorrectionNotice, ASingleOrASCIIQuotedTitleCounts) {
  EXPECT_EQ(names(read_notice(std::string("更正『") + kSohu + "』"), kSohu), Naming::Exact);   // synthetic
  EXPECT_EQ(names(read_notice(std::string("撤回 \"") + kSohu + "\""), kSohu), Naming::Exact);  // synthetic
}

TEST(CorrectionNotice, NewsAboutSomeoneElsesCorrectionNamesNothing) {
  // Synthetic: a company correcting its own forecast is news, not this source's notice.
  const auto n = read_notice("北方稀土更正2025年年度业绩预告");
  EXPECT_EQ(n.kind, NoticeKind::Correction);
  EXPECT_EQ(names(n, kNbd), Naming::None);
  EXPECT_EQ(names(n, kSina), Naming::None);
  EXPECT_EQ(names(n, kSohu), Naming::None);
}

TEST(CorrectionNotice, AShortQuoteSuchAsAJournalNameNamesNothing) {
  // Synthetic notice; the title is the 每日经济新闻 item's own sentence about 《自然·通讯》.
  const auto n = read_notice("关于《自然·通讯》相关报道的更正");
  EXPECT_EQ(names(n, "近期我国科学家发现稀土超常聚集的关键因素,相关成果发表在《自然·通讯》上"), Naming::None);
}

TEST(CorrectionNotice, ACorrectionMarkInsideTheQuoteIsNotANotice) {
  const auto n = read_notice("《关于稀土开采总量控制指标的更正说明》解读");  // synthetic
  EXPECT_EQ(n.kind, NoticeKind::None);
  EXPECT_EQ(names(n, "关于稀土开采总量控制指标的更正说明"), Naming::None);
}

TEST(CorrectionNotice, AnOrdinaryTitleIsNoNotice) {
  for (const char* title : {kNbd, kSina, kSohu}) {
    const auto n = read_notice(title);
    EXPECT_EQ(n.kind, NoticeKind::None) << title;
    EXPECT_EQ(names(n, title), Naming::None) << "only a notice names anything";
  }
}

TEST(CorrectionNotice, AnUnclosedQuoteIsText) {
  const auto n = read_notice(std::string("更正：《") + kSohu);  // synthetic, cut off by the source
  EXPECT_EQ(n.kind, NoticeKind::Correction);
  EXPECT_TRUE(n.quoted.empty());
  EXPECT_EQ(names(n, kSohu), Naming::Partial);
}

}  // namespace
}  // namespace lodestone::rules
