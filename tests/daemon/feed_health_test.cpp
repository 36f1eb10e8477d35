#include "lodestone/app/feed_health.hpp"

#include <gtest/gtest.h>

namespace lodestone::app {
namespace {

feeds::FeedStatus::View view(feeds::FeedState state, std::int64_t last_ms = 1'000'000) {
  return {"ws-vendor", "ws-json", state, 10, 1000, 0, last_ms, {}, {}};
}

TEST(FeedHealth, AStaleFeedFiresOnceAndResolvesWhenLiveAgain) {
  FeedHealth health;
  EXPECT_TRUE(health.check({view(feeds::FeedState::Live)}, Timestamp{1'000'000}).empty());
  EXPECT_TRUE(health.check({view(feeds::FeedState::Live)}, Timestamp{1'001'000}).empty());
  auto fired = health.check({view(feeds::FeedState::Stale)}, Timestamp{1'016'000});
  ASSERT_EQ(fired.size(), 1U);
  EXPECT_EQ(fired[0].id, "system:feed-stale:ws-vendor:1:firing");
  EXPECT_EQ(fired[0].state, AlertState::Firing);
  EXPECT_EQ(fired[0].severity, Severity::Warning);
  EXPECT_EQ(fired[0].message, "feed ws-vendor (ws-json) is stale; last message 16 s ago");
  EXPECT_EQ(fired[0].labels.at("feed"), "ws-vendor");
  // The incident's key: its resolution will carry the same one.
  EXPECT_EQ(fired[0].labels.at("fingerprint") + ":firing", fired[0].id);
  EXPECT_TRUE(health.check({view(feeds::FeedState::Stale)}, Timestamp{1'017'000}).empty());  // no repeats
  auto resolved = health.check({view(feeds::FeedState::Live)}, Timestamp{1'020'000});
  ASSERT_EQ(resolved.size(), 1U);
  EXPECT_EQ(resolved[0].id, "system:feed-stale:ws-vendor:1:resolved");
  EXPECT_EQ(resolved[0].state, AlertState::Resolved);
  EXPECT_EQ(resolved[0].labels.at("fingerprint"), fired[0].labels.at("fingerprint"));
  // A second incident is a new alert.
  auto again = health.check({view(feeds::FeedState::Stale)}, Timestamp{1'030'000});
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].id, "system:feed-stale:ws-vendor:2:firing");
}

TEST(FeedHealth, StaleThenDownResolvesOneAndFiresTheOther) {
  FeedHealth health;
  (void)health.check({view(feeds::FeedState::Live)}, Timestamp{1});
  (void)health.check({view(feeds::FeedState::Stale)}, Timestamp{2});
  auto down = health.check({view(feeds::FeedState::Down)}, Timestamp{3});
  ASSERT_EQ(down.size(), 2U);
  EXPECT_EQ(down[0].id, "system:feed-stale:ws-vendor:1:resolved");
  EXPECT_EQ(down[1].id, "system:feed-down:ws-vendor:2:firing");
  EXPECT_EQ(down[1].severity, Severity::Critical);
  // Connecting and finished (a replay at its end) are not incidents.
  FeedHealth quiet;
  EXPECT_TRUE(quiet.check({view(feeds::FeedState::Finished)}, Timestamp{4}).empty());
}

}  // namespace
}  // namespace lodestone::app
