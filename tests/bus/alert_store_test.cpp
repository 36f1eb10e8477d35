#include "lodestone/bus/alert_store.hpp"

#include <gtest/gtest.h>

#include "lodestone/bus/news_log.hpp"

namespace lodestone::bus {
namespace {

Alert alert(std::string id, AlertState state = AlertState::Firing) {
  Alert a;
  a.id = std::move(id);
  a.rule = "limit-up";
  a.state = state;
  a.ts = Timestamp{1'770'603'303'000};
  return a;
}

TEST(AlertStore, AssignsIncreasingSeqAndDedupesByIdentity) {
  MemoryAlertStore store(100);
  auto a = store.append(alert("a"));
  auto b = store.append(alert("b"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->seq, 1U);
  EXPECT_EQ(b->seq, 2U);
  EXPECT_FALSE(store.append(alert("a")).has_value());  // the same notification again
  auto resolved = store.append(alert("a", AlertState::Resolved));
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->seq, 3U);
  EXPECT_NE(resolved->json->find(R"("seq":3)"), std::string::npos);
}

TEST(AlertStore, ServesExactlyWhatCameAfterASeq) {
  MemoryAlertStore store(100);
  for (int i = 0; i < 10; ++i) (void)store.append(alert("x" + std::to_string(i)));
  auto r = store.after(7, 100);
  ASSERT_EQ(r.alerts.size(), 3U);
  EXPECT_EQ(r.last_seq, 10U);
  EXPECT_FALSE(r.gap);
  EXPECT_NE(r.alerts[0]->find(R"("seq":8)"), std::string::npos);
  EXPECT_TRUE(store.after(10, 100).alerts.empty());
  EXPECT_EQ(store.after(0, 4).alerts.size(), 4U);
}

TEST(AlertStore, SaysWhenHistoryWasTrimmedAway) {
  MemoryAlertStore store(5);
  for (int i = 0; i < 12; ++i) (void)store.append(alert("x" + std::to_string(i)));
  auto r = store.after(2, 100);
  EXPECT_TRUE(r.gap);  // 3..7 are gone
  EXPECT_EQ(r.alerts.size(), 5U);
  EXPECT_TRUE(store.after(6, 100).gap);   // 7 is gone
  EXPECT_FALSE(store.after(7, 100).gap);  // 8..12 are all there
}

TEST(NewsLog, NewestFirstAndDeduplicated) {
  NewsLog log(3);
  for (int i = 0; i < 5; ++i) {
    Headline h;
    h.id = "n" + std::to_string(i);
    h.title = "t" + std::to_string(i);
    h.ts = Timestamp{1'770'603'303'000 + i};
    auto json = log.append(h);
    ASSERT_TRUE(json);
    EXPECT_NE(json->find(R"({"type":"news","seq":)" + std::to_string(i + 1) + ","), std::string::npos) << *json;
    EXPECT_FALSE(log.append(h));
  }
  const auto json = log.json(2);
  EXPECT_LT(json.find(R"("id":"n4")"), json.find(R"("id":"n3")"));
  EXPECT_EQ(json.find(R"("id":"n2")"), std::string::npos);
  EXPECT_FALSE(log.contains("n0"));  // trimmed
  EXPECT_TRUE(log.contains("n4"));
}

}  // namespace
}  // namespace lodestone::bus
