#pragma once
// System alerts about the feeds themselves: a feed that turns stale (silent during trading
// hours for several times its cadence) or down fires an alert, and resolves it when it recovers.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/feeds/feed_status.hpp"

namespace lodestone::app {

class FeedHealth {
 public:
  // Compares each feed's state with the one seen last time; returns the notifications.
  std::vector<Alert> check(const std::vector<feeds::FeedStatus::View>& feeds, Timestamp now);

 private:
  struct Track {
    feeds::FeedState state = feeds::FeedState::Connecting;
    std::uint64_t occurrence = 0;  // numbers each incident, so alert ids stay unique and stable
  };
  std::map<std::string, Track> tracks_;
};

}  // namespace lodestone::app
