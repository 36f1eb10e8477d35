// Every seed news item (feeds/tapes/README.md#sources) is on the tape, at its publication time.
#include <gtest/gtest.h>

#include <algorithm>

#include "tape_queries.hpp"

namespace lodestone::tapes_test {
namespace {

struct SeedItem {
  std::string_view id;
  std::string_view ts;
  std::string_view source;
  std::string_view title;
};

// Transcribed from the seed file (title line, then "source· YYYY-MM-DD HH:MM").
constexpr SeedItem kSeedItems[] = {
    {"sohu-20260118-1732", "2026-01-18T17:32:00+08:00", "搜狐财经",
     "日本找到深海稀土富矿,够他们用700年?摆脱中国的大话说太早了"},
    {"sohu-20260120-1909", "2026-01-20T19:09:00+08:00", "搜狐财经",
     "中国的稀土地位悬了?撬走中方人才,攻克提炼技术,但是西方笑得太早了"},
    {"sohu-20260121-1045", "2026-01-21T10:45:00+08:00", "搜狐财经",
     "猛砸7000亿卢布,俄罗斯布局打造稀土产业,为何不找中国合作?"},
    {"jrj-20260203-1847", "2026-02-03T18:47:00+08:00", "金融界",
     "美国日本为稀土疯狂!日本称开采出含稀土泥浆,中方回应 A股稀土板块雄起"},
    {"sina-20260205-1108", "2026-02-05T11:08:00+08:00", "新浪财经",
     "关键矿产“金库计划”启动,稀土ETF嘉实(516150)聚焦稀土产业链投资机遇"},
    {"sohu-20260205-1538", "2026-02-05T15:38:00+08:00", "搜狐财经",
     "高市早苗公告全世界,稀土取得历史性突破,话刚落音就被中国打假"},
    {"sohu-20260205-1650", "2026-02-05T16:50:00+08:00", "搜狐财经",
     "美又拉30国建“新群”,想抽掉中国稀土王牌,欧洲抢先献上投名状"},
    {"sohu-20260208-1516", "2026-02-08T15:16:00+08:00", "搜狐财经",
     "去年被中国教训的局面,特朗普依然耿耿于怀,决定砸百亿美元应对"},
    {"nbd-20260209-1423", "2026-02-09T14:23:00+08:00", "每日经济新闻",
     "稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%!"},
    {"sohu-20260211-0537", "2026-02-11T05:37:00+08:00", "搜狐财经",
     "难怪特朗普这么急着访华,原来是美国遇到大麻烦,想让中国帮缓解一下燃眉之急"},
};

class SeedHeadlines : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(bundled_tape().ok()) << bundled_tape().error().message; }
  const Tape& tape() { return *bundled_tape(); }
  const Headline* find(std::string_view id) {
    for (const auto& h : tape().news)
      if (h.id == id) return &h;
    return nullptr;
  }
};

TEST_F(SeedHeadlines, AllTenItemsWithTimeSourceAndTitle) {
  EXPECT_EQ(tape().news.size(), std::size(kSeedItems));
  for (const SeedItem& item : kSeedItems) {
    const Headline* h = find(item.id);
    ASSERT_NE(h, nullptr) << item.id;
    EXPECT_EQ(h->ts, *parse_timestamp(item.ts)) << item.id;
    EXPECT_EQ(h->source, item.source) << item.id;
    EXPECT_EQ(h->title, item.title) << item.id;
    EXPECT_EQ(h->lang, "zh") << item.id;
    EXPECT_GT(h->body.size(), 60U) << item.id;
  }
}

TEST_F(SeedHeadlines, JanuaryItemsComeBeforeTheFirstQuote) {
  ASSERT_FALSE(tape().quotes.empty());
  const Timestamp first_quote = tape().quotes.front().quote.ts;
  EXPECT_EQ(format_timestamp(first_quote).substr(0, 16), "2026-02-03T09:25");
  for (const auto& h : tape().news)
    if (h.ts < *parse_timestamp("2026-02-01T00:00:00+08:00")) EXPECT_LT(h.ts, first_quote) << h.id;
  EXPECT_EQ(tape().lines.front().find("\"type\":\"news\""), 1U);
}

TEST_F(SeedHeadlines, SymbolsNamedInTheItems) {
  auto symbols_of = [&](std::string_view id) {
    std::vector<std::string> out;
    if (const Headline* h = find(id))
      for (const Symbol& s : h->symbols) out.push_back(s.str());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(symbols_of("nbd-20260209-1423"),
            (std::vector<std::string>{"000831.SZ", "159713.SZ", "600111.SH", "600392.SH", "688190.SH", "930598.CSI"}));
  const auto sina = symbols_of("sina-20260205-1108");
  for (std::string_view s :
       {"516150.SH", "930598.CSI", "002202.SZ", "601600.SH", "600392.SH", "600111.SH", "000831.SZ"})
    EXPECT_NE(std::find(sina.begin(), sina.end(), s), sina.end()) << s;
  const auto jrj = symbols_of("jrj-20260203-1847");
  EXPECT_EQ(jrj.size(), 12U);
  EXPECT_NE(std::find(jrj.begin(), jrj.end(), "300263.SZ"), jrj.end());
  EXPECT_TRUE(symbols_of("sohu-20260208-1516").empty());
}

TEST_F(SeedHeadlines, SymbolsAreInTheUniverse) {
  ASSERT_TRUE(universe().ok());
  for (const auto& h : tape().news)
    for (const Symbol& s : h.symbols) EXPECT_NE(universe()->find(s), nullptr) << h.id << " names " << s.str();
}

}  // namespace
}  // namespace lodestone::tapes_test
