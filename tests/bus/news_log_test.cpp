// The news log tells a story's re-delivery (dropped) from its revision (held in its place, sent
// again with the next revision number), by source and id, whatever the rules added to it.
// Titles are the real 每日经济新闻 2026-02-09 14:23 item; the edits are synthetic.
#include "lodestone/bus/news_log.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lodestone::bus {
namespace {

const Timestamp kAt = *parse_timestamp("2026-02-09T14:23:00+08:00");

Headline story(std::string id, std::string title, std::string source = "每日经济新闻") {
  Headline h;
  h.id = std::move(id);
  h.source = std::move(source);
  h.title = std::move(title);
  h.ts = kAt;
  return h;
}

bool has(const std::string& json, const std::string& part) { return json.find(part) != std::string::npos; }

TEST(NewsLogRevisions, ARevisionKeepsItsPlaceWithTheNextRevisionAndSeq) {
  NewsLog log(10);
  const Headline first = story("nbd-1", "稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%!");
  ASSERT_TRUE(log.append(first));
  ASSERT_TRUE(log.append(story("nbd-2", "稀土ETF午后拉升")));
  Headline edited = first;
  edited.title = "稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.4%!";  // synthetic edit
  EXPECT_EQ(log.arrival(edited), NewsLog::Arrival::Revision);
  const auto json = log.append(edited);
  ASSERT_TRUE(json);
  EXPECT_TRUE(has(*json, R"({"type":"news","seq":3,"id":"nbd-1")")) << *json;
  EXPECT_TRUE(has(*json, R"("revision":1)")) << *json;
  EXPECT_FALSE(has(*json, R"("retracted")")) << *json;
  EXPECT_EQ(log.arrival(edited), NewsLog::Arrival::Repeat);
  EXPECT_FALSE(log.append(edited));
  Headline withdrawn = edited;
  withdrawn.tags = {"retracted"};
  const auto gone = log.append(withdrawn);
  ASSERT_TRUE(gone);
  EXPECT_TRUE(has(*gone, R"("seq":4)")) << *gone;
  EXPECT_TRUE(has(*gone, R"("revision":2,"retracted":true)")) << *gone;
  // The list holds one entry per story, the latest version, where the story first came.
  const std::string list = log.json(10);
  EXPECT_LT(list.find(R"("id":"nbd-2")"), list.find(R"("id":"nbd-1")"));
  EXPECT_FALSE(has(list, "3.6%")) << list;
  EXPECT_TRUE(has(list, R"("revision":2)")) << list;
  EXPECT_EQ(list.find(R"("id":"nbd-1")"), list.rfind(R"("id":"nbd-1")"));
}

TEST(NewsLogRevisions, WhatTheRulesAddIsNoRevision) {
  NewsLog log(10);
  Headline enriched = story("nbd-1", "稀土板块强势领涨");
  enriched.tags = {"market_report"};
  enriched.symbols = {*Symbol::parse("159713.SZ")};
  ASSERT_TRUE(log.append(enriched));
  const Headline received = story("nbd-1", "稀土板块强势领涨");
  EXPECT_EQ(log.arrival(received), NewsLog::Arrival::Repeat);
  Headline tagged = received;
  tagged.tags = {"policy"};
  EXPECT_EQ(log.arrival(tagged), NewsLog::Arrival::Repeat);
  tagged.tags = {"policy", "retracted"};
  EXPECT_EQ(log.arrival(tagged), NewsLog::Arrival::Revision);
}

TEST(NewsLogRevisions, EachPartOfTheVersionMakesARevision) {
  NewsLog log(10);
  const Headline base = story("nbd-1", "稀土板块强势领涨");
  ASSERT_TRUE(log.append(base));
  auto changed = [&](auto edit) {
    Headline h = base;
    edit(h);
    return log.arrival(h);
  };
  EXPECT_EQ(changed([](Headline&) {}), NewsLog::Arrival::Repeat);
  EXPECT_EQ(changed([](Headline& h) { h.title += "!"; }), NewsLog::Arrival::Revision);
  EXPECT_EQ(changed([](Headline& h) { h.body = "更正后的正文"; }), NewsLog::Arrival::Revision);
  EXPECT_EQ(changed([](Headline& h) { h.url = "https://example.invalid/a"; }), NewsLog::Arrival::Revision);
  EXPECT_EQ(changed([](Headline& h) { h.ts.ms += 60'000; }), NewsLog::Arrival::Revision);
  EXPECT_EQ(changed([](Headline& h) { h.corrects = "nbd-0"; }), NewsLog::Arrival::Revision);
  EXPECT_EQ(changed([](Headline& h) {
              h.corrects = "nbd-0";
              h.retracts = true;
            }),
            NewsLog::Arrival::Revision);
  EXPECT_EQ(changed([](Headline& h) { h.lang = "zh"; }), NewsLog::Arrival::Repeat);
}

TEST(NewsLogRevisions, TheSameIdFromAnotherSourceIsAnotherStory) {
  NewsLog log(2);
  ASSERT_TRUE(log.append(story("1", "稀土ETF午后拉升", "财联社")));
  EXPECT_EQ(log.arrival(story("1", "稀土ETF午后拉升", "新浪财经")), NewsLog::Arrival::New);
  ASSERT_TRUE(log.append(story("1", "稀土ETF午后拉升", "新浪财经")));
  EXPECT_EQ(NewsLog::key(story("1", "x", "新浪财经")), "新浪财经/1");
  ASSERT_TRUE(log.append(story("2", "北方稀土公告")));  // trims 财联社/1
  EXPECT_TRUE(log.contains("1")) << "新浪财经 still has one";
  EXPECT_EQ(log.arrival(story("1", "稀土ETF午后拉升", "财联社")), NewsLog::Arrival::New);
  ASSERT_TRUE(log.append(story("3", "盛和资源公告")));  // trims 新浪财经/1
  EXPECT_FALSE(log.contains("1"));
  // A revision of a story kept after trimming still finds it.
  Headline edited = story("3", "盛和资源公告(更新)");
  const auto json = log.append(edited);
  ASSERT_TRUE(json);
  EXPECT_TRUE(has(*json, R"("revision":1)")) << *json;
}

}  // namespace
}  // namespace lodestone::bus
