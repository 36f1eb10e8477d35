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
  // What the store holds at the answer, on every page (a resume from beyond it waits for it).
  EXPECT_EQ(store.after(0, 4).newest, 10U);
  EXPECT_EQ(store.after(20, 100).newest, 10U);
  EXPECT_EQ(MemoryAlertStore(5).after(0, 10).newest, 0U);
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

// One alert's notifications share its fingerprint: firing, an update, resolved.
Alert notification(const std::string& fingerprint, const std::string& suffix, AlertState state = AlertState::Firing) {
  Alert a = alert(fingerprint + ":" + suffix, state);
  a.labels["fingerprint"] = fingerprint;
  return a;
}

std::vector<std::uint64_t> seqs(const std::vector<StoredAlert>& alerts) {
  std::vector<std::uint64_t> out;
  for (const auto& a : alerts) out.push_back(a.seq);
  return out;
}

TEST(AlertStore, FindsEveryNotificationOfAnAlertOldestFirst) {
  MemoryAlertStore store(100);
  (void)store.append(notification("00ff", "firing"));
  (void)store.append(notification("abcd", "firing"));
  (void)store.append(notification("00ff", "update-1"));
  (void)store.append(alert("plain"));  // no fingerprint: its id is its key
  (void)store.append(notification("00ff", "resolved", AlertState::Resolved));
  const auto found = store.find("00ff");
  EXPECT_EQ(seqs(found), (std::vector<std::uint64_t>{1, 3, 5}));
  ASSERT_EQ(found.size(), 3U);
  EXPECT_NE(found[2].json->find(R"("id":"00ff:resolved","seq":5)"), std::string::npos) << *found[2].json;
  EXPECT_EQ(seqs(store.find("plain")), (std::vector<std::uint64_t>{4}));
  EXPECT_TRUE(store.find("nope").empty());
  EXPECT_TRUE(store.find("00ff:firing").empty()) << "a notification id is not an alert key";
}

TEST(AlertStore, FindForgetsWhatRetentionLetGo) {
  MemoryAlertStore store(3);
  (void)store.append(notification("a", "firing"));                          // 1: let go
  (void)store.append(notification("b", "firing"));                          // 2: let go
  (void)store.append(notification("a", "update-1"));                        // 3
  (void)store.append(notification("c", "firing"));                          // 4
  (void)store.append(notification("a", "resolved", AlertState::Resolved));  // 5
  EXPECT_EQ(seqs(store.find("a")), (std::vector<std::uint64_t>{3, 5}));
  EXPECT_TRUE(store.find("b").empty());
  // Many alerts through a small retention: what find() reaches is exactly what after() does.
  for (int i = 0; i < 1000; ++i) (void)store.append(notification("k" + std::to_string(i % 7), std::to_string(i)));
  std::size_t found = 0;
  for (int k = 0; k < 7; ++k) found += store.find("k" + std::to_string(k)).size();
  EXPECT_EQ(found, 3U);
  EXPECT_TRUE(store.find("a").empty());
}

TEST(AlertStore, TheAlertKeyIsTheFingerprintElseTheId) {
  EXPECT_EQ(alert_key(notification("00ff", "firing")), "00ff");
  EXPECT_EQ(alert_key(alert("plain")), "plain");
  Alert empty = notification("", "firing");
  EXPECT_EQ(alert_key(empty), ":firing") << "an empty fingerprint does not count";
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
