// News: RSS / Atom, the Chinese flash-news JSON shapes (docs/market-data.md#flash-news), text
// cleaning, dedup and symbol mentions. Item texts are synthetic; the shapes are the real ones.
#include <gtest/gtest.h>

#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/headline_dedup.hpp"
#include "lodestone/feeds/json_mapping.hpp"
#include "lodestone/feeds/news_xml.hpp"
#include "lodestone/feeds/symbol_mentions.hpp"
#include "lodestone/feeds/text_clean.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::read_fixture;
using test::sym;

TEST(TextClean, StripsTagsScriptsEntitiesAndInvisibleCharacters) {
  EXPECT_EQ(strip_html("<p>稀土&amp;永磁<br/>板块&nbsp;拉升</p><script>alert(1)</script>"), "稀土&永磁 板块 拉升");
  EXPECT_EQ(strip_html("PE<10 &#x7A00;&#22303; &bogus; \xE2\x80\xAE反转"), "PE<10 稀土 &bogus; 反转");
  EXPECT_EQ(strip_html("<a href=\"x\">北方稀土</a><!-- c -->涨停<img src=x onerror=alert(1)>"), "北方稀土 涨停");
  EXPECT_EQ(decode_entities("&lt;b&gt; &#0; &#xD800;"), "<b> &#0; &#xD800;");
}

TEST(TextClean, BracketHeadlineAndNormalizedTitles) {
  auto [title, body] = split_bracket_headline("【稀土出口管制升级】商务部公告……");
  EXPECT_EQ(title, "稀土出口管制升级");
  EXPECT_EQ(body, "商务部公告……");
  EXPECT_EQ(split_bracket_headline("没有括号").first, "");
  EXPECT_EQ(normalize_title("【快讯】北方稀土：涨停！ ＡＢＣ abc"), normalize_title("快讯 北方稀土涨停 abc ABC"));
  EXPECT_EQ(truncate_utf8("稀土永磁", 2), "稀土…");
}

TEST(NewsXml, Rss2WithCdataEntitiesAndRfc822Dates) {
  const std::string rss = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>稀土快讯 (synthetic)</title>
<item><title><![CDATA[北方稀土<b>涨停</b>]]></title><link>https://example.com/a/1</link>
<guid isPermaLink="false">a-1</guid><pubDate>Mon, 09 Feb 2026 10:15:03 +0800</pubDate>
<description>&lt;p&gt;稀土板块午后拉升&lt;/p&gt;</description></item>
<item><title>无日期</title><guid>a-2</guid></item>
<item><title>GMT 时间</title><link>https://example.com/a/3</link><dc:date>2026-02-09T02:00:00Z</dc:date></item>
</channel></rss>)";
  HeadlineBatch b;
  parse_news_xml(rss, "", b);
  ASSERT_EQ(b.headlines.size(), 2u);
  const Headline& h = b.headlines[0];
  EXPECT_EQ(h.id, "a-1");
  EXPECT_EQ(h.title, "北方稀土 涨停");
  EXPECT_EQ(h.body, "稀土板块午后拉升");
  EXPECT_EQ(h.url, "https://example.com/a/1");
  EXPECT_EQ(h.source, "稀土快讯 (synthetic)");
  EXPECT_EQ(format_timestamp(h.ts), "2026-02-09T10:15:03.000+08:00");
  EXPECT_EQ(b.headlines[1].id, "https://example.com/a/3");  // no guid: the link
  EXPECT_EQ(format_timestamp(b.headlines[1].ts), "2026-02-09T10:00:00.000+08:00");
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].reason(), "bad_time");
}

TEST(NewsXml, AtomEntriesAndBrokenNesting) {
  const std::string atom = R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom (synthetic)</title>
<entry><id>tag:x,2026:1</id><title type="html">稀土&amp;磁材</title>
<link rel="self" href="https://example.com/self"/><link rel="alternate" href="https://example.com/e/1"/>
<updated>2026-02-09T10:15:03+08:00</updated><summary>摘要<i>未闭合</summary></entry>
<entry><id>tag:x,2026:2</id><title>第二条</title><published>2026-02-09T11:00:00+08:00</published>)";
  HeadlineBatch b;
  parse_news_xml(atom, "my-atom", b);
  // The second entry is cut off by the end of the text: refused (its title could be cut too).
  ASSERT_EQ(b.headlines.size(), 1u);
  EXPECT_EQ(b.headlines[0].title, "稀土&磁材");
  EXPECT_EQ(b.headlines[0].url, "https://example.com/e/1");
  EXPECT_EQ(b.headlines[0].source, "my-atom");
  EXPECT_EQ(b.headlines[0].body, "摘要未闭合");
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].reason(), "truncated");
  HeadlineBatch bad;
  parse_news_xml("just text", "", bad);
  parse_news_xml("<html><body>not a feed</body></html>", "", bad);
  ASSERT_EQ(bad.problems.size(), 2u);
  EXPECT_EQ(bad.problems[0].reason(), "bad_xml");
}

TEST(NewsXml, DeclaredEncodingIsHonoured) {
  std::string gbk_rss =
      "<?xml version=\"1.0\" encoding=\"gb2312\"?><rss><channel><item><title>\xCF\xA1\xCD\xC1</title>"
      "<guid>g1</guid><pubDate>Mon, 09 Feb 2026 10:15:03 GMT</pubDate></item></channel></rss>";
  ASSERT_EQ(xml_declared_charset(gbk_rss, Charset::Utf8), Charset::Gb18030);
  HeadlineBatch b;
  parse_news_xml(to_utf8(gbk_rss, Charset::Gb18030).text, "s", b);
  ASSERT_EQ(b.headlines.size(), 1u);
  EXPECT_EQ(b.headlines[0].title, "稀土");
  EXPECT_EQ(xml_declared_charset("<rss/>", Charset::Utf8), Charset::Utf8);
}

TEST(JsonNews, SinaSevenByTwentyFour) {
  const std::string json = R"({"result":{"status":{"code":0,"msg":"OK"},"data":{"feed":{"list":[
{"id":4512345,"zhibo_id":152,"rich_text":"【稀土价格指数上涨】据中国稀土行业协会数据，<b>氧化镨钕</b>价格上涨。","create_time":"2026-02-09 10:15:03","docurl":"https://finance.sina.com.cn/7x24/1","tag":[{"id":"1","name":"市场"}],"ext":"{\"stocks\":[]}"},
{"id":4512344,"zhibo_id":152,"rich_text":"没有括号的快讯正文","create_time":"2026-02-09 10:14:00","docurl":""}]}}}})";
  auto mapping = builtin_news_mapping("sina-7x24");
  ASSERT_TRUE(mapping);
  auto parser = JsonNewsParser::create(*mapping);
  ASSERT_TRUE(parser) << parser.error().message;
  HeadlineBatch b;
  (*parser)->parse(json, b);
  ASSERT_EQ(b.headlines.size(), 2u) << (b.problems.empty() ? "" : b.problems[0].detail);
  EXPECT_EQ(b.headlines[0].id, "4512345");
  EXPECT_EQ(b.headlines[0].title, "稀土价格指数上涨");
  EXPECT_EQ(b.headlines[0].body, "据中国稀土行业协会数据， 氧化镨钕 价格上涨。");
  EXPECT_EQ(b.headlines[0].source, "新浪财经7x24");
  EXPECT_EQ(format_timestamp(b.headlines[0].ts), "2026-02-09T10:15:03.000+08:00");
  EXPECT_EQ(b.headlines[1].title, "没有括号的快讯正文");
}

TEST(JsonNews, EastmoneyKuaixunUsesTheUrlTemplate) {
  const std::string json = R"({"code":"1","message":"success","data":{"index":1,"fastNewsList":[
{"code":"202602093312345678","title":"稀土永磁板块走强","summary":"【稀土永磁板块走强】金力永磁涨超5%。","showTime":"2026-02-09 10:20:00","stockList":["0.300748"]}]}})";
  auto parser = JsonNewsParser::create(*builtin_news_mapping("eastmoney-kuaixun"));
  ASSERT_TRUE(parser);
  HeadlineBatch b;
  (*parser)->parse(json, b);
  ASSERT_EQ(b.headlines.size(), 1u);
  EXPECT_EQ(b.headlines[0].url, "https://finance.eastmoney.com/a/202602093312345678.html");
  EXPECT_EQ(b.headlines[0].body, "金力永磁涨超5%。");  // the repeated 【title】 is dropped
}

TEST(JsonNews, ClsTelegraphEmptyTitleFallsBackToContent) {
  const std::string json = R"({"error":0,"data":{"roll_data":[
{"id":1987654,"title":"","content":"财联社2月9日电，稀土ETF午后拉升。","ctime":1770603303,"level":"B","shareurl":"https://api3.cls.cn/share/article/1987654"},
{"id":1987655,"title":"缺时间","content":"x"},
{"title":"缺编号","content":"y","ctime":1770603303}]}})";
  auto parser = JsonNewsParser::create(*builtin_news_mapping("cls-telegraph"));
  ASSERT_TRUE(parser);
  HeadlineBatch b;
  (*parser)->parse(json, b);
  ASSERT_EQ(b.headlines.size(), 1u);
  EXPECT_EQ(b.headlines[0].title, "财联社2月9日电，稀土ETF午后拉升。");
  EXPECT_EQ(format_timestamp(b.headlines[0].ts), "2026-02-09T10:15:03.000+08:00");
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0].reason(), "bad_time");
  EXPECT_EQ(b.problems[1].reason(), "missing_id");
  HeadlineBatch broken;
  (*parser)->parse(R"({"error":0,"data":{"roll_data":[{"id":1,)", broken);
  (*parser)->parse(R"({"error":0,"data":null})", broken);
  ASSERT_EQ(broken.problems.size(), 2u);
  EXPECT_EQ(broken.problems[0].reason(), "bad_json");
  EXPECT_EQ(broken.problems[1].reason(), "no_items");
  EXPECT_FALSE(builtin_news_mapping("nope"));
  EXPECT_FALSE(JsonNewsParser::create(NewsMapping{"s", "data", "", "t", "", "time", "", ""}));
  EXPECT_FALSE(JsonNewsParser::create(NewsMapping{"s", "data..x", "id", "t", "", "time", "", ""}));
}

Headline story(std::string source, std::string id, std::string title, std::int64_t ts_ms) {
  Headline h;
  h.source = std::move(source);
  h.id = std::move(id);
  h.title = std::move(title);
  h.ts = Timestamp{ts_ms};
  return h;
}

TEST(HeadlineDeduper, BySourceIdAndByTitleAcrossSourcesWithBoundedMemory) {
  HeadlineDeduper d(4, 3600'000);
  const std::int64_t t0 = 1'770'603'303'000;
  EXPECT_TRUE(d.admit(story("cls", "1", "北方稀土涨停", t0)));
  EXPECT_FALSE(d.admit(story("cls", "1", "北方稀土涨停", t0)));  // the same version again
  EXPECT_TRUE(d.admit(story("cls", "1", "北方稀土涨停（更新）", t0))) << "edited at the source: a revision";
  EXPECT_FALSE(d.admit(story("cls", "1", "北方稀土涨停（更新）", t0)));  // that revision again
  auto withdrawn = story("cls", "1", "北方稀土涨停（更新）", t0);
  withdrawn.tags = {"retracted"};
  EXPECT_TRUE(d.admit(withdrawn)) << "withdrawn at the source: a revision";
  EXPECT_FALSE(d.admit(story("sina", "9", "北方稀土 涨停！", t0 + 2000)));       // same story elsewhere
  EXPECT_TRUE(d.admit(story("sina", "9b", "北方稀土涨停", t0 + 2 * 3600'000)));  // outside the title window
  EXPECT_TRUE(d.admit(story("em", "x", "盛和资源公告", t0)));
  EXPECT_LE(d.size(), 4u);
  EXPECT_TRUE(d.admit(story("cls", "1", "完全不同", t0)));  // forgotten once evicted
}

TEST(SymbolMentions, NamesAliasesAndWholeCodes) {
  InstrumentRegistry reg;
  auto add = [&](std::string_view s, std::string name, std::vector<std::string> aliases = {}) {
    Instrument i = instrument_from_code(sym(s), std::move(name));
    i.aliases = std::move(aliases);
    reg.add(i);
  };
  add("600111.SH", "北方稀土");
  add("000831.SZ", "中国稀土", {"五矿稀土"});
  add("159713.SZ", "稀土ETF");
  SymbolMentions m(reg);
  EXPECT_EQ(m.find("五矿稀土与北方稀土(600111)齐涨"), (std::vector<Symbol>{sym("000831.SZ"), sym("600111.SH")}));
  EXPECT_TRUE(m.find("编号2026001597130 不是代码").empty());
  EXPECT_EQ(m.find("159713 放量"), std::vector<Symbol>{sym("159713.SZ")});
  Headline h = story("s", "1", "稀土ETF 大涨", 0);
  h.body = "中国稀土跟涨";
  m.attach(h);
  EXPECT_EQ(h.symbols, (std::vector<Symbol>{sym("159713.SZ"), sym("000831.SZ")}));
}

}  // namespace
}  // namespace lodestone::feeds
