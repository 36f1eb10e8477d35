// A source's corrections as the feeds read them: `corrects`/`retracts` (and the board's
// `retracted` flag read back) in the canonical headline, and the same three as mappable paths of
// a JSON flash-news feed. Titles are the real 每日经济新闻 2026-02-09 14:23 item; every
// correction below is SYNTHETIC.
#include <gtest/gtest.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/feeds/json_mapping.hpp"

namespace lodestone::feeds {
namespace {

const char* kOriginal =
    R"({"type":"news","id":"nbd-20260209-1423","ts":"2026-02-09T14:23:00.000+08:00","source":"每日经济新闻",)"
    R"("title":"稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%!"})";

Headline parse_news(const std::string& line) {
  CanonicalParser parser;
  auto e = parser.parse(line);
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
  return e.ok() ? std::get<Headline>(*e) : Headline{};
}

std::string why(const std::string& line) {
  CanonicalParser parser;
  auto e = parser.parse(line);
  return e ? std::string("ok") : e.error().message;
}

TEST(CanonicalCorrections, AnItemNamesTheIdItCorrectsOrWithdraws) {
  const Headline h =
      parse_news(R"({"type":"news","id":"nbd-20260209-1440","ts":"2026-02-09T14:40:00+08:00","source":"每日经济新闻",)"
                 R"("title":"关于《稀土板块强势领涨》一文的更正","corrects":"nbd-20260209-1423"})");
  EXPECT_EQ(h.corrects, "nbd-20260209-1423");
  EXPECT_FALSE(h.retracts);
  const Headline w = parse_news(
      R"({"type":"news","id":"77","ts":"2026-02-09T14:40:00+08:00","title":"撤回","corrects":76,"retracts":true})");
  EXPECT_EQ(w.corrects, "76") << "vendors number their items";
  EXPECT_TRUE(w.retracts);
}

TEST(CanonicalCorrections, TheFieldsAreWrittenOnlyWhenSetAndReadBackTheSame) {
  const Headline plain = parse_news(kOriginal);
  EXPECT_EQ(to_json(plain), kOriginal) << "a headline without them is written as before";
  Headline h = plain;
  h.id = "nbd-20260209-1440";
  h.corrects = "nbd-20260209-1423";
  h.retracts = true;
  const std::string line = to_json(h);
  EXPECT_NE(line.find(R"("corrects":"nbd-20260209-1423","retracts":true)"), std::string::npos) << line;
  const Headline back = parse_news(line);
  EXPECT_EQ(back.corrects, h.corrects);
  EXPECT_TRUE(back.retracts);
  EXPECT_TRUE(same_version(back, h));
}

TEST(CanonicalCorrections, TheBoardsFieldsAreOutputOnly) {
  Headline h = parse_news(kOriginal);
  h.revision = 2;
  h.tags = {"retracted"};
  const std::string line = to_json(h);
  EXPECT_NE(line.find(R"("revision":2,"retracted":true)"), std::string::npos) << line;
  const Headline back = parse_news(line);
  EXPECT_EQ(back.revision, 0U) << "the news log counts versions itself";
  EXPECT_TRUE(is_retracted(back));
  EXPECT_EQ(back.tags.size(), 1U) << "the flag and the tag are one withdrawal";
  // The flag alone (a source that writes it instead of the tag) withdraws the item too.
  const Headline flagged =
      parse_news(std::string(kOriginal).insert(std::string(kOriginal).size() - 1, R"(,"retracted":true)"));
  EXPECT_TRUE(is_retracted(flagged));
  const Headline not_flagged =
      parse_news(std::string(kOriginal).insert(std::string(kOriginal).size() - 1, R"(,"retracted":false)"));
  EXPECT_FALSE(is_retracted(not_flagged));
}

TEST(CanonicalCorrections, SaysWhatIsWrong) {
  const std::string head = R"({"type":"news","id":"n2","ts":"2026-02-09T14:40:00+08:00","title":"撤回",)";
  EXPECT_EQ(why(head + R"("retracts":true})"), "field 'retracts': needs 'corrects': the id it withdraws");
  EXPECT_EQ(why(head + R"("corrects":"n2"})"), "field 'corrects': an item cannot correct itself");
  EXPECT_EQ(why(head + R"("corrects":"n1","retracts":"yes"})"), "field 'retracts': expected true or false");
  EXPECT_EQ(why(head + R"("retracted":1})"), "field 'retracted': expected true or false");
  EXPECT_EQ(why(head + R"("corrects":["n1"]})"), "field 'corrects': expected a string");
  EXPECT_EQ(why(head + R"("corrects":"n1","retracts":null})"), "ok");
}

TEST(JsonNewsCorrections, TheVendorsFieldsMapToTheHeadlines) {
  NewsMapping m;
  m.source = "快讯";
  m.items = "data.list";
  m.id = "id";
  m.title = "title";
  m.time = "ctime";
  m.corrects = "fix.of";
  m.retracts = "fix.withdraw";
  m.retracted = "deleted";
  auto parser = JsonNewsParser::create(m);
  ASSERT_TRUE(parser) << parser.error().message;
  HeadlineBatch b;
  (*parser)->parse(R"({"data":{"list":[
{"id":101,"title":"稀土板块强势领涨","ctime":1770618180},
{"id":102,"title":"更正:稀土板块强势领涨","ctime":1770618300,"fix":{"of":101}},
{"id":103,"title":"撤回:稀土板块强势领涨","ctime":1770618400,"fix":{"of":"101","withdraw":1}},
{"id":101,"title":"稀土板块强势领涨","ctime":1770618180,"deleted":true},
{"id":104,"title":"自己","ctime":1770618500,"fix":{"of":104,"withdraw":"true"}},
{"id":105,"title":"不撤","ctime":1770618600,"fix":{"of":101,"withdraw":0},"deleted":"false"}]}})",
                   b);
  ASSERT_EQ(b.headlines.size(), 6U);
  EXPECT_TRUE(b.problems.empty());
  EXPECT_EQ(b.headlines[0].corrects, "");
  EXPECT_FALSE(is_retracted(b.headlines[0]));
  EXPECT_EQ(b.headlines[1].corrects, "101");
  EXPECT_FALSE(b.headlines[1].retracts);
  EXPECT_EQ(b.headlines[2].corrects, "101");
  EXPECT_TRUE(b.headlines[2].retracts);
  EXPECT_TRUE(is_retracted(b.headlines[3])) << "the item itself withdrawn";
  EXPECT_EQ(b.headlines[4].corrects, "") << "an item does not correct itself";
  EXPECT_FALSE(b.headlines[4].retracts);
  EXPECT_FALSE(b.headlines[5].retracts);
  EXPECT_FALSE(is_retracted(b.headlines[5]));
}

}  // namespace
}  // namespace lodestone::feeds
